# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.commsops.sessions.plugins.modules import proxy_session, proxy_session_action, proxy_session_info
from ansible_collections.commsops.sessions.tests.unit.plugins._fake import run_module

TOKEN = "SECRET-twilio-token-77"
KS = "KS" + "1" * 32
KC = "KC" + "a" * 32
KP = "KP" + "b" * 32


def args(api, **kwargs):
    return dict(account_sid="AC" + "0" * 32, auth_token=TOKEN, base_url=api.url, max_retries=0, service_sid=KS, **kwargs)


def session(**fields):
    base = {"sid": KC, "service_sid": KS, "unique_name": "order-1", "status": "open", "ttl": 60, "mode": "message-only",
            "date_expiry": None, "date_created": "2026-11-20T10:00:00Z", "date_last_interaction": None}
    base.update(fields)
    return base


def participants(*identifiers):
    return 200, {}, {"participants": [{"sid": KP, "identifier": i} for i in identifiers], "meta": {"next_page_url": None}}


def writes(api):
    return [(r["method"], r["path"], r.form) for r in api.requests if r["method"] != "GET"]


def test_second_run_with_the_same_arguments_writes_nothing(fake_api, capsys):
    fake_api.queue((200, {}, session()), participants("+1555"))
    declared = args(fake_api, unique_name="order-1", ttl=60, mode="message-only", participants=[{"identifier": "+1555"}])
    failed, result = run_module(proxy_session.main, declared, capsys=capsys)
    assert not failed and not result["changed"] and writes(fake_api) == []
    assert fake_api.requests[0]["path"] == "/v1/Services/%s/Sessions/order-1" % KS
    assert result["session"]["participants"][0]["identifier"] == "+1555"


def test_update_sends_only_what_differs_and_diffs(fake_api, capsys):
    fake_api.queue((200, {}, session()), participants(), (200, {}, session(ttl=120)),
                   (201, {}, {"sid": KP}), (200, {}, session(ttl=120, status="closed")), participants("+1666"))
    declared = args(fake_api, unique_name="order-1", ttl=120, status="closed", participants=[{"identifier": "+1666"}],
                    _ansible_diff=True)
    failed, result = run_module(proxy_session.main, declared, capsys=capsys)
    assert not failed and result["changed"]
    assert writes(fake_api) == [
        ("POST", "/v1/Services/%s/Sessions/%s" % (KS, KC), [("Ttl", "120")]),
        ("POST", "/v1/Services/%s/Sessions/%s/Participants" % (KS, KC), [("Identifier", "+1666")]),
        ("POST", "/v1/Services/%s/Sessions/%s" % (KS, KC), [("Status", "closed")])]
    assert result["diff"]["before"]["ttl"] == 60 and result["diff"]["after"]["participants"] == ["+1666"]


def test_check_mode_reads_but_never_writes(fake_api, capsys):
    fake_api.queue((404, {}, {"code": 20404, "message": "not found"}))
    failed, result = run_module(proxy_session.main, args(fake_api, unique_name="new-one", ttl=5), check_mode=True, capsys=capsys)
    assert not failed and result["changed"] and writes(fake_api) == []


@pytest.mark.parametrize("module, extra, message", [
    (proxy_session, dict(sid="KC123"), "sid must be KC followed by 32"),
    (proxy_session, dict(unique_name="x" * 192), "unique_name is 192 characters long"),
    (proxy_session, dict(unique_name="a", ttl=-5), "ttl must be 0 or more"),
    (proxy_session, dict(unique_name="a", date_expiry="next friday"), "date_expiry must be a date"),
    (proxy_session, dict(unique_name="a", participants=[{"identifier": "1"}, {"identifier": "2"}, {"identifier": "3"}]),
     "at most 2 participants"),
    (proxy_session_info, dict(sid=KC, status=["open"]), "mutually exclusive"),
    (proxy_session_info, dict(date_created={"before": "2026-01-01"}), "date_created has unknown key(s) before"),
    (proxy_session_action, dict(action="close", sids=["KC../x"]), "sids[0] must be KC"),
    (proxy_session_action, dict(action="close", select={"status": "sleeping"}), "select.status has unknown value(s) sleeping"),
])
def test_bad_input_fails_before_any_request(fake_api, capsys, module, extra, message):
    failed, result = run_module(module.main, args(fake_api, **extra), capsys=capsys)
    assert failed and message in result["msg"]
    assert fake_api.requests == []


def test_sid_and_unique_name_pointing_at_different_sessions_fail_without_writes(fake_api, capsys):
    other = "KC" + "c" * 32
    fake_api.queue((200, {}, session(unique_name="order-1")), (200, {}, session(sid=other, unique_name="order-2")))
    failed, result = run_module(proxy_session.main, args(fake_api, sid=KC, unique_name="order-2"), capsys=capsys)
    assert failed and "sid and unique_name point at different sessions" in result["msg"]
    assert writes(fake_api) == []


def test_bulk_delete_of_a_selection_sends_one_delete_per_session(fake_api, capsys):
    listing = {"sessions": [session(sid="KC%032d" % n, status="closed") for n in range(3)] + [session(status="open")],
               "meta": {"next_page_url": None}}
    fake_api.route = lambda rec: (200, {}, listing) if rec["method"] == "GET" else (204, {}, b"")
    declared = args(fake_api, action="delete", select={"status": "closed"}, concurrency=3)
    failed, result = run_module(proxy_session_action.main, declared, capsys=capsys)
    assert not failed and result["counts"] == dict(total=3, changed=3, would_change=0, skipped=0, failed=0, unknown=0)
    assert sorted(w[1] for w in writes(fake_api)) == ["/v1/Services/%s/Sessions/KC%032d" % (KS, n) for n in range(3)]
    assert fake_api.requests[0].query == {"PageSize": "1000"}


def test_token_appears_nowhere(fake_api, capsys):
    fake_api.queue((401, {}, {"code": 20003, "message": "Authenticate " + TOKEN, "status": 401}))
    failed, result = run_module(proxy_session_info.main, args(fake_api), capsys=capsys)
    assert failed and "20003" in result["msg"] and TOKEN not in json.dumps(result)
