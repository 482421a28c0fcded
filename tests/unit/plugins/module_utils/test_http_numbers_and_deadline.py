# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Numbers in headers read one way, a deadline from the first byte, and errors that say things once."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import socket
import threading
import time

import pytest

from ansible_collections.commsops.sessions.plugins.module_utils import deadlines as deadlines_mod
from ansible_collections.commsops.sessions.plugins.module_utils.api_error import ApiError
from ansible_collections.commsops.sessions.plugins.module_utils.http_layer import HttpClient
from ansible_collections.commsops.sessions.plugins.module_utils.retry_policy import parse_retry_hint

from ansible_collections.commsops.sessions.tests.unit.plugins._fake import Raw


def client(api, **kwargs):
    kwargs.setdefault("max_retries", 3)
    kwargs.setdefault("timeout", 5)
    return HttpClient(api.url, **kwargs)


def raw_answer(status, headers, body=b'{"ok": true}'):
    """An answer whose header bytes are latin-1, as http.client reads them: b'\\xb2' arrives as '²'."""
    lines = ["HTTP/1.1 %d Whatever" % status] + ["%s: %s" % item for item in headers.items()]
    lines.append("Content-Length: %d" % len(body)) if "Content-Length" not in headers else None
    return Raw(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)


# Numbers in headers: ASCII digits or absent ---------------------------------------------------------


@pytest.mark.parametrize("value", ["²", "³", "¹"])
def test_a_superscript_digit_in_x_ratelimit_remaining_is_ignored_not_a_crash(fake_api, value):
    # str.isdigit() took '²' and int() refused it: the HTTP layer crashed mid-batch.
    fake_api.queue(raw_answer(200, {"Content-Type": "application/json", "x-ratelimit-remaining": value}))
    assert client(fake_api).request("GET", "/x") == (200, {"ok": True})


def test_a_superscript_digit_in_retry_after_is_no_hint(fake_api, clock):
    fake_api.queue(raw_answer(429, {"Retry-After": "²"}, b"{}"), (200, {}, {"ok": True}))
    assert client(fake_api).request("GET", "/x") == (200, {"ok": True})
    assert clock.sleeps and clock.sleeps[0] < 1  # the short wait of a 429 without a hint, not 2 s


@pytest.mark.parametrize("headers", [
    {"retry-after": "２"}, {"retry-after": "٣"}, {"retry-after": "1_0"}, {"retry-after": "1e3"},
    {"retry-after-ms": "１５００"}, {"retry-after-ms": "1_500"}, {"x-ratelimit-reset": "٤"}, {"x-ratelimit-reset": "²"},
    {"retry-after": "-5"}, {"retry-after": "inf"},
])
def test_retry_hints_in_other_digits_are_no_hints(headers):
    assert parse_retry_hint(headers) is None


def test_ascii_retry_hints_still_count():
    assert parse_retry_hint({"retry-after": " 3 "}) == 3.0
    assert parse_retry_hint({"retry-after-ms": "1500"}) == 1.5
    assert parse_retry_hint({"x-ratelimit-reset": "0.25", "retry-after": "1"}) == 0.25


@pytest.mark.parametrize("length", ["²", "1_0", "+8", "0x10"])
def test_an_odd_content_length_is_no_promise_not_a_crash(fake_api, length):
    # urllib3 reads to the end of the connection; the short-body check must not crash on what it cannot read.
    fake_api.queue(raw_answer(200, {"Content-Length": length, "Content-Type": "application/json"}, b'{"n": 1}'))
    try:
        assert client(fake_api, max_retries=0).request("GET", "/x") == (200, {"n": 1})
    except ApiError as exc:  # an answer urllib3 itself refuses is a clear error, never a ValueError
        assert exc.status is None


class _Stub:
    def __init__(self, **fields):
        self.__dict__.update(fields)


@pytest.mark.parametrize("promised", ["²", "１００", "٣", "1e2", " "])
def test_a_content_length_in_other_digits_promises_nothing(promised):
    response = _Stub(headers={"Content-Length": promised}, status_code=200, request=_Stub(method="GET"),
                     raw=_Stub(tell=lambda: 10))
    assert deadlines_mod._short_of_length(response) is None


# The deadline covers the headers: a server trickling its status line and headers -----------------------


class TricklingHeaders:
    """A server on 127.0.0.1 that reads one request, then sends a status line and headers one byte every 0.3 s,
    never ending them. It stops by itself after 20 s; `cut_off` tells whether the client closed first."""

    LIMIT = 20.0

    def __init__(self):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.listener.settimeout(self.LIMIT)
        self.url = "http://127.0.0.1:%d" % self.listener.getsockname()[1]
        self.got_request = False
        self.cut_off = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        try:
            conn, _addr = self.listener.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(self.LIMIT)
            stop = time.monotonic() + self.LIMIT
            try:
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(4096)
                    if not chunk:
                        return
                    data += chunk
                self.got_request = True
                head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Pad: " + b"a" * 1000
                for byte in head:
                    if time.monotonic() > stop:
                        return
                    conn.sendall(bytes([byte]))
                    time.sleep(0.3)
            except OSError:
                self.cut_off = True  # the client shut the connection before the headers were done

    def finish(self):
        self.thread.join(self.LIMIT + 5)
        self.listener.close()


@pytest.fixture
def trickling_headers():
    server = TricklingHeaders()
    yield server
    server.finish()


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_headers_that_trickle_end_at_the_timeout(trickling_headers, method):
    c = HttpClient(trickling_headers.url, timeout=1, max_retries=0)
    with pytest.raises(ApiError) as err:
        c.request(method, "/slow", form=[("A", "1")] if method == "POST" else None)
    assert "no complete answer within 1 s (timed out before the headers were complete)" in str(err.value)
    assert err.value.status is None and err.value.may_have_applied is True  # the request was sent
    trickling_headers.finish()
    assert trickling_headers.got_request and trickling_headers.cut_off


def test_the_deadline_before_anything_was_sent_is_not_ambiguous():
    # The connection hands its socket to the exchange's watchdog before the request goes out; a deadline
    # that has passed by then shuts it at once, and nothing was sent.
    watchdog = deadlines_mod._Watchdog(3600)
    try:
        watchdog._fire()
        left, right = socket.socketpair()
        with left, right:
            watchdog.attach(left, sending=False)
            with pytest.raises(OSError):
                left.sendall(b"GET / HTTP/1.1\r\n\r\n")
        assert watchdog.fired and not watchdog.sent
    finally:
        watchdog.disarm()


def test_a_deadline_passed_while_connecting_sends_nothing(fake_api, monkeypatch):
    class Expired(deadlines_mod._Watchdog):
        def __init__(self, seconds):
            super(Expired, self).__init__(seconds)
            self._fire()  # as if the deadline came while the connection was being made

    monkeypatch.setattr(deadlines_mod, "_Watchdog", Expired)
    with pytest.raises(ApiError) as err:
        client(fake_api, max_retries=0).request("POST", "/create", form=[("A", "1")])
    assert str(err.value) == "POST /create: no complete answer within 5 s (timed out before the request was sent)"
    assert err.value.may_have_applied is False and fake_api.requests == []


def test_the_client_works_on_after_headers_were_cut_off(trickling_headers, fake_api):
    c = HttpClient(trickling_headers.url, timeout=1, max_retries=0)
    with pytest.raises(ApiError):
        c.request("GET", "/slow")
    fake_api.queue((200, {}, {"n": 1}))
    assert c.request("GET", fake_api.url + "/x") == (200, {"n": 1})


# Errors say each thing once --------------------------------------------------------------------------


def test_an_unreachable_server_tells_its_retries_once(clock):
    c = HttpClient("http://127.0.0.1:9", max_retries=2, timeout=2)
    with pytest.raises(ApiError) as err:
        c.request("GET", "/x")
    text = str(err.value)
    assert "(gave up after 2 retries and " in text and " s of waiting)" in text
    assert text.count("retries") == 1 and "[after" not in text
    assert err.value.to_dict()["retries"] == 2


def test_an_error_after_some_retries_tells_them_once(fake_api, clock):
    fake_api.queue((503, {}, {"message": "busy"}), (404, {}, {"message": "not here"}))
    with pytest.raises(ApiError) as err:
        client(fake_api).request("GET", "/x")
    assert str(err.value) == "GET /x: HTTP 404 not here (after 1 retries)"
    assert err.value.retries == 1
