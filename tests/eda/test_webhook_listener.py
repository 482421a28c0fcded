# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The listener both webhook sources share: its replay memory and its bound on connections."""

import http.client

import pytest

from ansible_collections.commsops.sessions.plugins.plugin_utils import webhook_listener as wl


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_seen_recently_forgets_after_the_window():
    clock = Clock()
    seen = wl.SeenRecently(300, clock=clock)
    assert [seen.seen("a"), seen.seen("a"), seen.seen("b")] == [False, True, False]
    clock.now += 299
    assert seen.seen("a") is True
    clock.now += 1
    assert (seen.seen("a"), len(seen)) == (False, 1)  # both expired; "a" remembered afresh


def test_seen_recently_is_bounded():
    seen = wl.SeenRecently(300, max_entries=3, clock=Clock())
    for key in "abcd":
        assert seen.seen(key) is False
    assert len(seen) == 3
    assert [seen.seen("b"), seen.seen("d")] == [True, True]


async def accept(_request):
    return 204, ""


def test_one_connection_over_the_bound_gets_503_at_once(listening):
    async def main(_queue, args):
        await wl.Listener({"/": accept}, max_connections=2).serve("127.0.0.1", args["port"])

    with listening(main, {}) as source:
        held = []
        try:
            for _number in range(2):  # two clients keep their connections open after a request
                conn = http.client.HTTPConnection("127.0.0.1", source.port, timeout=10)
                conn.request("POST", "/", body=b"")
                assert conn.getresponse().status == 204
                held.append(conn)
            assert source.post("/", b"")[0] == 503
        finally:
            for conn in held:
                conn.close()


@pytest.mark.parametrize("args, error", [({}, "port is required"), ({"port": "x"}, "port must be a number"),
                                         ({"port": 1, "max_body_bytes": 0}, "max_body_bytes must be at least 1")])
def test_listener_options_are_checked(args, error):
    with pytest.raises(ValueError, match=error):
        wl.listener_options(args)
