# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Second runs converge and results say what the server really did (issue 10, part 1 and 2)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.commsops.sessions.plugins.modules import proxy_session, proxy_session_action, room_session_action
from ansible_collections.commsops.sessions.tests.unit.plugins._fake import DROP, run_module

KS = "KS" + "1" * 32
KC, KC2 = "KC" + "a" * 32, "KC" + "b" * 32
KP, KP2 = "KP" + "c" * 32, "KP" + "d" * 32
A, B = "00000001-0000-4000-8000-000000000000", "00000002-0000-4000-8000-000000000000"
P1, P2 = "11111111-2222-4333-8444-555555555555", "22222222-3333-4444-8555-666666666666"
CLOSED = (400, {}, {"code": 80607, "message": "Session is closed and cannot be updated", "status": 400})
GONE = (404, {}, {"code": 20404, "message": "not found", "status": 404})
UNAVAILABLE = (503, {}, {"code": 20503, "message": "Service Unavailable", "status": 503})


def twilio(api, **kwargs):
    return dict(dict(account_sid="AC" + "0" * 32, auth_token="tok-1", base_url=api.url, max_retries=0, service_sid=KS), **kwargs)


def telnyx(api, **kwargs):
    return dict(dict(api_key="key-1", base_url=api.url + "/v2", max_retries=0), **kwargs)


def proxy(sid=KC, **fields):
    return dict({"sid": sid, "service_sid": KS, "unique_name": "order-1", "status": "in-progress", "ttl": 0,
                 "mode": "voice-and-message", "date_expiry": None, "date_created": "2026-11-20T10:00:00Z"}, **fields)


def people(*identifiers):
    return 200, {}, {"participants": [{"sid": s, "identifier": i} for s, i in zip((KP, KP2), identifiers)],
                     "meta": {"next_page_url": None}}


def room(sid, active=True, present=()):
    return {"id": sid, "room_id": "7b61621f-62e0-4aad-ab11-9fd19e272e73", "active": active,
            "created_at": "2026-11-20T10:00:00Z", "participants": [{"id": p} for p in present]}


def calls(api):
    return [(r["method"], r["path"]) for r in api.requests]


# Deleting and closing what is already gone or closed ----------------------------------------


def test_absent_by_sid_that_is_already_gone_is_unchanged(fake_api, capsys):
    fake_api.queue(GONE)
    failed, result = run_module(proxy_session.main, twilio(fake_api, sid=KC, state="absent"), capsys=capsys)
    assert not failed and result["changed"] is False
    assert calls(fake_api) == [("GET", "/v1/Services/%s/Sessions/%s" % (KS, KC))]


def test_absent_whose_delete_finds_it_gone_is_unchanged(fake_api, capsys):
    fake_api.queue((200, {}, proxy()), people(), GONE)  # deleted by someone else between our read and our delete
    failed, result = run_module(proxy_session.main, twilio(fake_api, sid=KC, state="absent"), capsys=capsys)
    assert not failed and result["changed"] is False


def test_bulk_close_of_a_session_closed_meanwhile_is_already_closed(fake_api, capsys):
    fake_api.queue((200, {}, proxy()), CLOSED, (200, {}, proxy(status="closed")))
    failed, result = run_module(proxy_session_action.main, twilio(fake_api, action="close", sids=[KC]), capsys=capsys)
    assert not failed and result["changed"] is False
    assert result["results"][0]["outcome"] == "skipped" and result["results"][0]["reason"] == "already closed"


def test_bulk_close_whose_answer_was_lost_then_80607_is_ours(fake_api, capsys):
    fake_api.queue((200, {}, proxy()), DROP, CLOSED, (200, {}, proxy(status="closed")))
    failed, result = run_module(proxy_session_action.main, twilio(fake_api, action="close", sids=[KC], max_retries=1),
                                capsys=capsys)
    assert not failed and result["changed"] is True
    assert result["results"][0]["outcome"] == "changed" and "answer was lost" in result["results"][0]["reason"]


def test_bulk_close_meeting_80607_on_a_session_still_open_fails(fake_api, capsys):
    fake_api.queue((200, {}, proxy()), CLOSED, (200, {}, proxy()))
    failed, result = run_module(proxy_session_action.main, twilio(fake_api, action="close", sids=[KC]), capsys=capsys)
    assert failed and result["results"][0]["outcome"] == "failed" and "80607" in result["results"][0]["error"]


def test_proxy_session_closing_a_session_another_actor_closed_converges(fake_api, capsys):
    fake_api.queue((200, {}, proxy()), people(), CLOSED, (200, {}, proxy(status="closed")), people())
    failed, result = run_module(proxy_session.main, twilio(fake_api, unique_name="order-1", status="closed"), capsys=capsys)
    assert not failed and result["changed"] is False and result["session"]["status"] == "closed"


def test_delete_404_after_a_503_means_already_gone(fake_api, capsys):
    fake_api.queue((200, {}, proxy()), UNAVAILABLE, GONE)
    failed, result = run_module(proxy_session_action.main, twilio(fake_api, action="delete", sids=[KC], max_retries=1),
                                capsys=capsys)
    assert not failed and result["changed"] is False and result["results"][0]["reason"] == "already gone"


def test_delete_404_after_a_dropped_attempt_means_deleted_by_us(fake_api, capsys):
    fake_api.queue((200, {}, proxy()), DROP, GONE)
    failed, result = run_module(proxy_session_action.main, twilio(fake_api, action="delete", sids=[KC], max_retries=1),
                                capsys=capsys)
    assert not failed and result["changed"] is True and result["results"][0]["outcome"] == "changed"


# Races, duplicates, empty selectors -----------------------------------------------------------


def test_losing_a_create_race_on_unique_name_converges_on_the_winner(fake_api, capsys):
    duplicate = (400, {}, {"code": 80603, "message": "Session UniqueName must be unique within the Service", "status": 400})
    fake_api.queue(GONE, duplicate, (200, {}, proxy(ttl=600, status="open")), people())
    failed, result = run_module(proxy_session.main, twilio(fake_api, unique_name="order-1", ttl=600), capsys=capsys)
    assert not failed and result["changed"] is False and result["session"]["sid"] == KC
    assert [c for c in calls(fake_api) if c[0] == "POST"] == [("POST", "/v1/Services/%s/Sessions" % KS)]


def test_the_same_id_twice_is_acted_on_once(fake_api, capsys):
    fake_api.route = lambda rec: (200, {}, {"data": room(rec["path"].split("/")[3])}) if rec["method"] == "GET" else \
        (200, {}, {"data": {"result": "ok"}})
    given = [A, A.upper(), B, A]
    failed, result = run_module(room_session_action.main, telnyx(fake_api, action="end", room_session_ids=given), capsys=capsys)
    assert not failed and [r["room_session_id"] for r in result["results"]] == [A, B]
    assert sorted(c for c in calls(fake_api) if c[0] == "POST") == [
        ("POST", "/v2/room_sessions/%s/actions/end" % A), ("POST", "/v2/room_sessions/%s/actions/end" % B)]


def test_the_same_sid_twice_is_closed_once(fake_api, capsys):
    fake_api.route = lambda rec: (200, {}, proxy(status="closed" if rec["method"] == "POST" else "open"))
    failed, result = run_module(proxy_session_action.main, twilio(fake_api, action="close", sids=[KC, KC]), capsys=capsys)
    assert not failed and result["counts"]["total"] == 1
    assert [c for c in calls(fake_api) if c[0] == "POST"] == [("POST", "/v1/Services/%s/Sessions/%s" % (KS, KC))]


def test_empty_id_lists_mean_nothing_to_do_and_send_nothing(fake_api, capsys):
    failed, result = run_module(room_session_action.main, telnyx(fake_api, action="end", room_session_ids=[]), capsys=capsys)
    assert not failed and result["changed"] is False and result["counts"]["total"] == 0
    failed, result = run_module(proxy_session_action.main, twilio(fake_api, action="delete", sids=[]), capsys=capsys)
    assert not failed and result["changed"] is False and result["counts"]["total"] == 0
    assert fake_api.requests == []


# What results and diffs say -------------------------------------------------------------------


def test_create_diff_in_check_mode_is_the_real_runs_diff(fake_api, capsys):
    declared = twilio(fake_api, unique_name="order-9", ttl=300, participants=[{"identifier": "+1555"}], _ansible_diff=True)
    fake_api.queue(GONE)
    _failed, planned = run_module(proxy_session.main, declared, check_mode=True, capsys=capsys)
    created = proxy(unique_name="order-9", ttl=300, status="open")
    fake_api.queue(GONE, (201, {}, created), people("+1555"))
    failed, real = run_module(proxy_session.main, declared, capsys=capsys)
    assert not failed and planned["diff"]["after"] == real["diff"]["after"]
    assert planned["diff"]["after"]["status"] == "open" and planned["diff"]["after"]["mode"] == "voice-and-message"


def test_end_reports_who_was_present_from_the_same_listing(fake_api, capsys):
    listing = {"data": [room(A, present=(P1, P2))], "meta": {"total_pages": 1, "total_results": 1}}
    fake_api.queue((200, {}, listing), (200, {}, {"data": {"result": "ok"}}))
    failed, result = run_module(room_session_action.main, telnyx(fake_api, action="end", select={"active": True}), capsys=capsys)
    assert not failed and result["results"][0]["participants"] == [P1, P2]
    assert result["results"][0]["reason"] == "ended: ends the session (2 present)"
    assert fake_api.requests[0].query["include_participants"] == "true" and len(fake_api.requests) == 2


def test_all_skipped_results_carry_no_skipped_flag(fake_api, capsys):
    fake_api.queue((200, {}, {"data": [room(A, active=False)], "meta": {"total_pages": 1}}))
    failed, result = run_module(room_session_action.main, telnyx(fake_api, action="end", select={}), capsys=capsys)
    assert not failed and result["results"][0]["outcome"] == "skipped"
    assert "skipped" not in result["results"][0]  # Ansible would read the whole task as skipped


def test_participants_with_a_null_identifier_do_not_crash(fake_api, capsys):
    nameless = (200, {}, {"participants": [{"sid": KP, "identifier": None}, {"sid": KP2, "identifier": None}],
                          "meta": {"next_page_url": None}})
    fake_api.queue((200, {}, proxy()), nameless)
    failed, result = run_module(proxy_session.main, twilio(fake_api, unique_name="order-1", _ansible_diff=True), capsys=capsys)
    assert not failed and result["changed"] is False and result["diff"]["before"]["participants"] == [None, None]


# Settling an attempt that may have been applied ------------------------------------------------


def test_end_whose_answers_were_lost_is_settled_by_reading_the_session(fake_api, capsys):
    fake_api.queue((200, {}, {"data": room(A)}), DROP, DROP, (200, {}, {"data": room(A, active=False)}))
    failed, result = run_module(room_session_action.main, telnyx(fake_api, action="end", room_session_id=A, max_retries=1),
                                capsys=capsys)
    assert not failed and result["results"][0]["outcome"] == "changed"


def test_end_that_cannot_be_settled_is_unknown_not_failed(fake_api, capsys):
    fake_api.queue((200, {}, {"data": room(A)}), DROP, DROP, DROP, DROP)
    failed, result = run_module(room_session_action.main, telnyx(fake_api, action="end", room_session_id=A, max_retries=1),
                                capsys=capsys)
    assert failed and result["counts"]["unknown"] == 1 and result["counts"]["failed"] == 0
    assert result["results"][0]["reason"] == "unknown: may have been applied; rerun to converge"
    assert "may have been applied (rerun to converge)" in result["msg"]


def test_end_that_was_not_applied_after_all_is_failed(fake_api, capsys):
    fake_api.queue((200, {}, {"data": room(A)}), DROP, DROP, (200, {}, {"data": room(A)}))
    failed, result = run_module(room_session_action.main, telnyx(fake_api, action="end", room_session_id=A, max_retries=1),
                                capsys=capsys)
    assert failed and result["results"][0]["outcome"] == "failed"


def test_a_503_only_failure_is_plainly_failed_without_a_read(fake_api, capsys):
    fake_api.queue((200, {}, {"data": room(A)}), UNAVAILABLE, UNAVAILABLE)
    failed, result = run_module(room_session_action.main, telnyx(fake_api, action="end", room_session_id=A, max_retries=1),
                                capsys=capsys)
    assert failed and result["results"][0]["outcome"] == "failed" and len(fake_api.requests) == 3


def test_sessions_whose_nullable_fields_are_all_null_do_not_crash(fake_api, capsys):
    nullable = ("unique_name", "status", "mode", "date_expiry", "date_created", "date_updated", "date_last_interaction",
                "date_started", "date_ended", "closed_reason")
    nulls = dict((key, None) for key in nullable)
    bare = dict(nulls, sid=KC, service_sid=KS, ttl=0)
    fake_api.route = lambda rec: (200, {}, {"sessions": [bare], "meta": {"next_page_url": None}}) \
        if rec["path"].endswith("/Sessions") else (200, {}, dict(bare, status="closed"))
    failed, result = run_module(proxy_session_action.main, twilio(fake_api, action="close",
                                                                  select={"last_activity": {"lte": "now-1d"}}), capsys=capsys)
    assert not failed and result["counts"]["total"] == 0  # no activity known: no match, no crash
    failed, result = run_module(proxy_session_action.main, twilio(fake_api, action="close", select={}), capsys=capsys)
    assert not failed and result["results"][0]["outcome"] == "changed"
