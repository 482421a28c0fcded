# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.commsops.sessions.plugins.module_utils import telnyx_rooms
from ansible_collections.commsops.sessions.plugins.modules import room_session_action, room_session_info
from ansible_collections.commsops.sessions.tests.unit.plugins._fake import run_module

KEY = "SECRET-telnyx-key-42"
A, B, C = ("%08d-0000-4000-8000-000000000000" % n for n in (1, 2, 3))
ROOM = "7b61621f-62e0-4aad-ab11-9fd19e272e73"
P1, P2 = "11111111-2222-4333-8444-555555555555", "22222222-3333-4444-8555-666666666666"


def session(sid, active=True, participants=()):
    return {"id": sid, "room_id": ROOM, "active": active, "created_at": "2026-11-20T10:00:00.000000Z",
            "updated_at": "2026-11-20T10:00:00.000000Z", "ended_at": None if active else "2026-11-20T11:00:00Z",
            "participants": [{"id": p, "left_at": left} for p, left in participants], "record_type": "room_session"}


def listing(*sessions):
    meta = {"page_number": 1, "page_size": 250, "total_pages": 1, "total_results": len(sessions)}
    return 200, {}, {"data": list(sessions), "meta": meta}


def args(api, **kwargs):
    return dict(api_key=KEY, base_url=api.url + "/v2", max_retries=0, **kwargs)


def posts(api):
    return [(r["path"], r.json) for r in api.requests if r["method"] == "POST"]


def test_check_mode_plans_and_sends_no_post(fake_api, capsys):
    fake_api.queue(listing(session(A), session(B, active=False)))
    failed, result = run_module(room_session_action.main, args(fake_api, action="end", select={"active": True}),
                                check_mode=True, capsys=capsys)
    assert not failed and result["changed"]  # Ansible's check mode: the task would change something...
    assert posts(fake_api) == []
    assert fake_api.requests[0].query["filter[active]"] == "true"
    # B came back although inactive: the exact match on the client leaves it out.
    # ...but no entry claims it was done.
    assert [(r["room_session_id"], r["outcome"], r["changed"], r["reason"]) for r in result["results"]] == [
        (A, "would_change", False, "ends the session (0 present)")]
    assert result["counts"] == {"total": 1, "changed": 0, "would_change": 1, "skipped": 0, "failed": 0, "unknown": 0}
    assert result["stopped_by_limit"] is False and result["check_mode"] is True


def test_end_posts_once_per_active_session_and_skips_ended_ones(fake_api, capsys):
    fake_api.route = lambda rec: (200, {}, {"data": {"result": "ok"}}) if rec["method"] == "POST" else None
    fake_api.queue(listing(session(A), session(B), session(C, active=False)))
    failed, result = run_module(room_session_action.main, args(fake_api, action="end", select={"room_id": ROOM}), capsys=capsys)
    assert not failed and result["changed"]
    assert sorted(posts(fake_api)) == [("/v2/room_sessions/%s/actions/end" % A, None), ("/v2/room_sessions/%s/actions/end" % B, None)]
    assert result["counts"] == {"total": 3, "changed": 2, "would_change": 0, "skipped": 1, "failed": 0, "unknown": 0}
    assert result["stopped_by_limit"] is False
    assert [r["reason"] for r in result["results"]][2] == "already ended"


def test_kick_targets_only_present_participants_minus_exclude(fake_api, capsys):
    fake_api.route = lambda rec: (200, {}, {"data": {"result": "ok"}}) if rec["method"] == "POST" else None
    fake_api.queue((200, {}, {"data": session(A, participants=[(P1, None), (P2, None)])}))
    failed, result = run_module(room_session_action.main, args(fake_api, action="kick", room_session_id=A,
                                                               participants=[P1, P2], exclude=[P2]), capsys=capsys)
    assert not failed
    assert fake_api.requests[0].query == {"include_participants": "true"}
    assert posts(fake_api) == [("/v2/room_sessions/%s/actions/kick" % A, {"participants": [P1]})]
    assert result["results"][0]["participants"] == [P1]


def test_partial_failure_does_the_rest_and_names_the_failure(fake_api, capsys):
    def answer(rec):
        if rec["method"] == "GET" and rec["path"].endswith(B):
            return 404, {}, {"errors": [{"code": "10005", "title": "Resource not found"}]}
        if rec["method"] == "GET":
            return 200, {}, {"data": session(rec["path"].rsplit("/", 1)[1])}
        return 200, {}, {"data": {"result": "ok"}}
    fake_api.route = answer
    failed, result = run_module(room_session_action.main, args(fake_api, action="end", room_session_ids=[A, B, C]),
                                capsys=capsys)
    assert failed and result["changed"]
    assert result["counts"] == {"total": 3, "changed": 2, "would_change": 0, "skipped": 0, "failed": 1, "unknown": 0}
    assert result["msg"].startswith("1 of 3 sessions failed (%s)" % B)
    assert [r["room_session_id"] for r in result["results"]] == [A, B, C]
    assert len(posts(fake_api)) == 2


def test_max_sessions_stops_before_any_post(fake_api, capsys):
    fake_api.queue(listing(session(A), session(B)))
    failed, result = run_module(room_session_action.main, args(fake_api, action="end", select={"active": True}, max_sessions=1),
                                capsys=capsys)
    assert failed and "2 sessions match, more than max_sessions (1)" in result["msg"]
    assert posts(fake_api) == []


def test_max_sessions_given_as_text_is_read_as_a_number(fake_api, capsys):
    fake_api.queue(listing(session(A), session(B)))
    failed, result = run_module(room_session_action.main, args(fake_api, action="end", select={"active": True}, max_sessions="1"),
                                capsys=capsys)
    assert failed and "2 sessions match, more than max_sessions (1)" in result["msg"]
    assert posts(fake_api) == []


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_run_the_limit_stopped_reads_as_not_done(fake_api, capsys, check_mode):
    fake_api.queue(listing(session(A), session(B), session(C, active=False)))
    failed, result = run_module(room_session_action.main, args(fake_api, action="end", select={"room_id": ROOM}, max_sessions=1),
                                check_mode=check_mode, capsys=capsys)
    assert failed and not result.get("changed") and result["stopped_by_limit"] is True
    assert posts(fake_api) == []
    assert result["counts"] == {"total": 3, "changed": 0, "would_change": 2, "skipped": 1, "failed": 0, "unknown": 0}
    assert [(r["outcome"], r["changed"]) for r in result["results"]] == [
        ("would_change", False), ("would_change", False), ("skipped", False)]


def test_results_changes_keeps_what_would_change_in_check_mode(fake_api, capsys):
    fake_api.queue(listing(session(A), session(B, active=False)))
    failed, result = run_module(room_session_action.main, args(fake_api, action="end", select={"room_id": ROOM}, results="changes"),
                                check_mode=True, capsys=capsys)
    assert not failed and [r["room_session_id"] for r in result["results"]] == [A]


def test_a_crash_in_one_worker_keeps_every_result_and_count(fake_api, capsys, monkeypatch):
    # One action crashes in the client (as a header the HTTP layer could not parse once did): the ends
    # already sent stay on record, that session is unknown (it may have been sent), the key is never shown.
    real_act = telnyx_rooms.TelnyxRooms.act

    def act(self, room_session_id, *rest):
        if room_session_id == B:
            raise ValueError("cannot read a header of the answer to a request signed with %s" % KEY)
        return real_act(self, room_session_id, *rest)

    monkeypatch.setattr(telnyx_rooms.TelnyxRooms, "act", act)
    fake_api.route = lambda rec: (200, {}, {"data": {"result": "ok"}}) if rec["method"] == "POST" else None
    fake_api.queue(listing(session(A), session(B), session(C)))
    failed, result = run_module(room_session_action.main, args(fake_api, action="end", select={"room_id": ROOM}), capsys=capsys)
    assert failed and result["changed"]
    assert sorted(path for path, _body in posts(fake_api)) == ["/v2/room_sessions/%s/actions/end" % s for s in (A, C)]
    assert result["counts"] == {"total": 3, "changed": 2, "would_change": 0, "skipped": 0, "failed": 0, "unknown": 1}
    assert [(r["room_session_id"], r["outcome"]) for r in result["results"]] == [(A, "changed"), (B, "unknown"), (C, "changed")]
    assert result["results"][1]["error"].startswith("unexpected error: ValueError: cannot read a header")
    assert "1 of 3 sessions may have been applied" in result["msg"]
    assert KEY not in json.dumps(result)


@pytest.mark.parametrize("extra, message", [
    (dict(action="end", room_session_id="../x"), "room_session_id must be a UUID"),
    (dict(action="end", room_session_ids=[A, "x?y"]), "room_session_ids[1] must be a UUID"),
    (dict(action="end", select={"created_at": {"lte": "tomorrow-ish"}}), "select.created_at.lte must be a date"),
    (dict(action="end", select={"colour": "red"}), "select has unknown key(s) colour"),
    (dict(action="end", room_session_id=A, participants=[P1]), "participants has no meaning for action=end"),
    (dict(action="kick", room_session_id=A, participants=["bob"]), "participants[0] must be a UUID"),
    (dict(action="end", room_session_id=A, select={"active": True}), "mutually exclusive"),
    (dict(action="explode", room_session_id=A), "value of action must be one of"),
])
def test_bad_input_fails_before_any_request(fake_api, capsys, extra, message):
    failed, result = run_module(room_session_action.main, args(fake_api, **extra), capsys=capsys)
    assert failed and message in result["msg"]
    assert fake_api.requests == []


def test_the_api_key_appears_nowhere(fake_api, capsys):
    fake_api.queue((401, {}, {"errors": [{"code": "10009", "title": "Authentication failed", "detail": "bad key " + KEY}]}))
    failed, result = run_module(room_session_info.main, args(fake_api, active=True), capsys=capsys)
    assert failed and "10009" in result["msg"]
    assert KEY not in json.dumps(result)
