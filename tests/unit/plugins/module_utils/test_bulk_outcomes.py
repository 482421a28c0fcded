# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A bulk run never loses the record of what it sent: an unexpected error in one worker becomes that
item's outcome (failed for a read, unknown for an action that may have been sent), the others stay."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
import types

import pytest

from ansible_collections.commsops.sessions.plugins.module_utils import bulk
from ansible_collections.commsops.sessions.plugins.module_utils import proxy_session_bulk as proxy
from ansible_collections.commsops.sessions.plugins.module_utils import room_session_plans as rooms

SECRET = "SECRET-key-0042"
KS = "KS" + "1" * 32


def redact(text):
    return text.replace(SECRET, "********")


def runner(workers):
    """What the bulk helpers use of an HttpClient: its map (at most workers at a time) and its redact."""
    return types.SimpleNamespace(map=lambda func, items: bulk.bounded_map(func, items, workers), redact=redact)


def fake_client(workers=4, **methods):
    """What carry_out uses of a client: its calls, and http.map and http.redact."""
    client = types.SimpleNamespace(**methods)
    client.http = runner(workers)
    return client


@pytest.mark.parametrize("concurrency", [1, 4])
def test_an_unexpected_error_in_a_read_fails_that_item_only(concurrency):
    def read(item):
        if item == 2:
            raise ValueError("invalid literal for int() with base 10: '\u00b2' (key %s)" % SECRET)
        return dict(id=item, session={"id": item})

    outcomes = bulk.run_bulk([1, 2, 3], read, runner(concurrency))
    assert [o.get("id") for o in outcomes] == [1, None, 3]
    assert outcomes[1]["outcome"] == "failed" and outcomes[1]["failed"] is True
    assert outcomes[1]["error"].startswith("unexpected error: ValueError: invalid literal for int()")
    assert SECRET not in str(outcomes) and "********" in outcomes[1]["error"]


def test_read_each_gives_the_failing_id_its_failed_outcome():
    def find(session_id):
        if session_id == "b":
            raise KeyError("data")
        return {"id": session_id}

    found = bulk.read_each(["a", "b", "c"], find, runner(2))
    assert [(f["id"], f.get("outcome")) for f in found] == [("a", None), ("b", "failed"), ("c", None)]
    assert found[1]["error"] == "unexpected error: KeyError: 'data'"


def test_an_unexpected_error_while_acting_is_unknown_and_keeps_the_plan():
    plans = [dict(name=n, outcome="would_change", changed=False, failed=False, reason="plan") for n in "abc"] + [
        dict(name="d", outcome="skipped", changed=False, failed=False, reason="nothing to do")]

    def act(plan):
        if plan["name"] == "b":
            raise RuntimeError("header x-ratelimit-remaining: bad (%s)" % SECRET)
        return bulk.carried_out(plan, "done")

    results = bulk.run_plans(plans, act, runner(3))
    assert [(r["name"], r["outcome"], r["changed"]) for r in results] == [
        ("a", "changed", True), ("b", "unknown", False), ("c", "changed", True), ("d", "skipped", False)]
    assert results[1]["reason"] == bulk.UNKNOWN_REASON and results[1]["failed"] is False
    assert results[1]["error"] == "unexpected error: RuntimeError: header x-ratelimit-remaining: bad (********)"
    counts, message = bulk.summarize(results, "name")
    assert counts == dict(total=4, changed=2, would_change=0, skipped=1, failed=0, unknown=1)
    assert message.startswith("1 of 4 sessions may have been applied (rerun to converge) (b)")


ROOM = "7b61621f-62e0-4aad-ab11-9fd19e272e73"
IDS = ["%08d-0000-4000-8000-000000000000" % n for n in range(1, 7)]


def test_room_carry_out_keeps_every_other_session_when_one_act_crashes():
    sent, lock = [], threading.Lock()

    def act(room_session_id, action, targets, exclude):
        if room_session_id == IDS[3]:
            raise ValueError("invalid literal for int() with base 10: '\u00b2'")
        with lock:
            sent.append(room_session_id)

    def find_session(room_session_id, include_participants=False):
        raise AssertionError("a crash is not settled by reading: it is not an ApiError")

    sessions = [dict(id=i, room_id=ROOM, active=True, created_at="2026-11-20T10:00:00Z", participants=[]) for i in IDS]
    plans = [rooms.plan_action(s, "end") for s in sessions]
    results = rooms.carry_out(fake_client(act=act, find_session=find_session), plans, None, None)
    assert sorted(sent) == sorted(IDS[:3] + IDS[4:])
    assert [r["room_session_id"] for r in results] == IDS
    assert [r["outcome"] for r in results] == ["changed"] * 3 + ["unknown"] + ["changed"] * 2
    crashed = results[3]
    assert crashed["action"] == "end" and crashed["room_id"] == ROOM and crashed["changed"] is False
    assert crashed["error"] == "unexpected error: ValueError: invalid literal for int() with base 10: '\u00b2'"
    counts, message = bulk.summarize(results, "room_session_id")
    assert counts == dict(total=6, changed=5, would_change=0, skipped=0, failed=0, unknown=1)
    assert IDS[3] in message


def test_proxy_carry_out_keeps_every_other_session_when_one_close_crashes():
    sids = ["KC%032d" % n for n in range(4)]
    closed = []

    def update_session(service_sid, sid, status=None):
        if sid == sids[1]:
            raise TypeError("unsupported operand type(s) for +: 'int' and 'str'")
        closed.append(sid)
        return {"sid": sid, "status": status}

    plans = [proxy.plan_action(dict(sid=sid, service_sid=KS, status="in-progress"), "close") for sid in sids]
    results = proxy.carry_out(fake_client(workers=1, update_session=update_session), plans)
    assert closed == [sids[0], sids[2], sids[3]]
    assert [(r["sid"], r["outcome"]) for r in results] == [
        (sids[0], "changed"), (sids[1], "unknown"), (sids[2], "changed"), (sids[3], "changed")]
    assert results[1]["status"] == "in-progress"  # the session's status stays; no HTTP status came
    assert results[1]["error"].startswith("unexpected error: TypeError: ")
    counts, _message = bulk.summarize(results, "sid")
    assert counts == dict(total=4, changed=3, would_change=0, skipped=0, failed=0, unknown=1)
