# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 17: the session found by a unique name has that name; one spelling of a phone number (client and module)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.commsops.sessions.plugins.module_utils import http_layer as http_mod
from ansible_collections.commsops.sessions.plugins.module_utils import twilio_values
from ansible_collections.commsops.sessions.plugins.module_utils.twilio_proxy import TwilioProxy
from ansible_collections.commsops.sessions.plugins.module_utils.twilio_values import participant_fields
from ansible_collections.commsops.sessions.plugins.modules import proxy_session
from ansible_collections.commsops.sessions.tests.unit.plugins._fake import DROP, run_module

KS = "KS" + "1" * 32
OTHER = "KC" + "0123456789abcdef" * 2   # another session's SID, used as our unique name
OURS = "KC" + "f" * 32
KP = "KP" + "c" * 32
SESSIONS = "/v1/Services/%s/Sessions" % KS
GONE = (404, {}, {"code": 20404, "message": "not found", "status": 404})


def connect(api):
    return TwilioProxy.connect("AC" + "0" * 32, "tok-1", base_url=api.url, max_retries=1)


def session(sid, unique_name, **fields):
    return dict({"sid": sid, "service_sid": KS, "unique_name": unique_name, "status": "open", "ttl": 0,
                 "mode": "voice-and-message", "date_expiry": None, "date_created": "2026-11-20T10:00:00Z"}, **fields)


def listing(*sessions):
    return 200, {}, {"sessions": list(sessions), "meta": {"next_page_url": None}}


class Twilio:
    """Answers as the API does: /Sessions/{Sid} by SID first (a SID-shaped key is only a SID), else by unique name."""

    def __init__(self, *sessions):
        self.sessions = dict((s["sid"], s) for s in sessions)

    def __call__(self, rec):
        path, method = rec["path"], rec["method"]
        if path == SESSIONS and method == "GET":
            return listing(*self.sessions.values())
        if path.endswith("/Participants") and method == "GET":
            return 200, {}, {"participants": [], "meta": {"next_page_url": None}}
        key = path[len(SESSIONS) + 1:]
        found = self.sessions.get(key) or (None if key.startswith("KC") else next(
            (s for s in self.sessions.values() if s["unique_name"] == key), None))
        if found is None:
            return GONE
        if method == "DELETE":
            del self.sessions[found["sid"]]
            return 204, {}, b""
        return 200, {}, found


def paths(api):
    return [(r["method"], r["path"]) for r in api.requests]


# find_session --------------------------------------------------------------------------------


def test_a_sid_shaped_name_is_looked_up_in_the_listing_never_fetched_as_a_sid(fake_api):
    fake_api.route = Twilio(session(OTHER, "someone-else"), session(OURS, OTHER))
    assert connect(fake_api).find_session(KS, unique_name=OTHER)["sid"] == OURS
    assert paths(fake_api) == [("GET", SESSIONS)]


def test_a_sid_shaped_name_that_no_session_has_is_none(fake_api):
    fake_api.route = Twilio(session(OTHER, "someone-else"))
    assert connect(fake_api).find_session(KS, unique_name=OTHER) is None


def test_a_fetch_answering_with_a_session_of_another_name_is_not_taken_for_it(fake_api):
    fake_api.queue((200, {}, session(OURS, "someone-else")), listing(session(OURS, "someone-else")))
    assert connect(fake_api).find_session(KS, unique_name="order-1") is None
    fake_api.queue((200, {}, session(OURS, "someone-else")), listing(session(OTHER, "order-1")))
    assert connect(fake_api).find_session(KS, unique_name="order-1")["sid"] == OTHER


def test_a_create_with_a_sid_shaped_name_whose_answer_was_lost_finds_its_own_session(fake_api, monkeypatch):
    monkeypatch.setattr(http_mod.time, "sleep", lambda s: None)
    fake_api.queue(DROP, listing(session(OTHER, "someone-else"), session(OURS, OTHER)))
    assert connect(fake_api).create_session(KS, unique_name=OTHER)["sid"] == OURS
    assert paths(fake_api) == [("POST", SESSIONS), ("GET", SESSIONS)]


# Identifiers ---------------------------------------------------------------------------------

CANONICAL = [
    ("+1 555 010 0001", "+15550100001"), ("+1-555-010-0001", "+15550100001"), (" +15550100001 ", "+15550100001"),
    ("+1 (555) 010.0001", "+15550100001"), ("+15550100001", "+15550100001"),
    ("whatsapp:+1 555 010 0001", "whatsapp:+15550100001"), ("whatsapp: +1-555-010-0001", "whatsapp:+15550100001"),
    # Not phone numbers: left exactly as written.
    ("messenger:123456", "messenger:123456"), ("messenger:12 34", "messenger:12 34"), ("alice", "alice"),
    ("15550100001", "15550100001"), ("+1 555 0100 ext. 2", "+1 555 0100 ext. 2"), (None, None),
]


@pytest.mark.parametrize("spelled, canonical", CANONICAL)
def test_canonical_identifier(spelled, canonical):
    assert twilio_values.canonical_identifier(spelled) == canonical


def test_the_canonical_spelling_is_what_is_sent(fake_api):
    assert participant_fields({"identifier": "+1 555 010 0001", "friendly_name": "Ann"}) == {
        "Identifier": "+15550100001", "FriendlyName": "Ann"}
    fake_api.queue((201, {}, {"sid": OURS}), (201, {}, {"sid": KP}))
    client = connect(fake_api)
    client.create_session(KS, unique_name="order-1", participants=[{"identifier": "whatsapp:+1 555 010 0001"}])
    client.create_participant(KS, OURS, {"identifier": "+1-555-010-0002"})
    create, add = fake_api.requests
    assert [json.loads(v) for k, v in create.form if k == "Participants"] == [{"Identifier": "whatsapp:+15550100001"}]
    assert dict(add.form)["Identifier"] == "+15550100002"


def test_an_add_whose_answer_was_lost_finds_the_participant_in_any_spelling(fake_api, monkeypatch):
    monkeypatch.setattr(http_mod.time, "sleep", lambda s: None)
    stored = {"sid": KP, "identifier": "+1 555 010 0001"}
    fake_api.queue(DROP, (200, {}, {"participants": [stored], "meta": {"next_page_url": None}}))
    assert connect(fake_api).create_participant(KS, OURS, {"identifier": "+15550100001"}) == stored
    assert [r["method"] for r in fake_api.requests] == ["POST", "GET"]


# The module ----------------------------------------------------------------------------------


def module_args(api, **kwargs):
    return dict(dict(account_sid="AC" + "0" * 32, auth_token="tok-1", base_url=api.url, max_retries=0, service_sid=KS),
                **kwargs)


@pytest.mark.parametrize("check_mode", [False, True])
def test_absent_by_a_sid_shaped_name_never_deletes_another_session(fake_api, capsys, check_mode):
    twilio = fake_api.route = Twilio(session(OTHER, "someone-else"))
    failed, result = run_module(proxy_session.main, module_args(fake_api, unique_name=OTHER, state="absent",
                                                                _ansible_diff=True), check_mode=check_mode, capsys=capsys)
    assert not failed and result["changed"] is False, result
    assert result["diff"] == {"before": {}, "after": {}}
    assert [r for r in fake_api.requests if r["method"] != "GET"] == [] and OTHER in twilio.sessions


def test_absent_by_a_sid_shaped_name_deletes_the_session_of_that_name_only(fake_api, capsys):
    twilio = fake_api.route = Twilio(session(OTHER, "someone-else"), session(OURS, OTHER))
    failed, result = run_module(proxy_session.main, module_args(fake_api, unique_name=OTHER, state="absent",
                                                                _ansible_diff=True), capsys=capsys)
    assert not failed and result["changed"] is True
    assert result["diff"]["before"]["unique_name"] == OTHER
    assert list(twilio.sessions) == [OTHER]


def test_present_by_a_sid_shaped_name_converges_on_the_session_of_that_name(fake_api, capsys):
    fake_api.route = Twilio(session(OTHER, "someone-else"), session(OURS, OTHER, ttl=60))
    failed, result = run_module(proxy_session.main, module_args(fake_api, unique_name=OTHER, ttl=60), capsys=capsys)
    assert not failed and result["changed"] is False and result["session"]["sid"] == OURS, result
    assert [r for r in fake_api.requests if r["method"] != "GET"] == []


def test_absent_without_sid_or_unique_name_is_refused_before_any_request(fake_api, capsys):
    failed, result = run_module(proxy_session.main, module_args(fake_api, state="absent"), capsys=capsys)
    assert failed and "sid" in result["msg"] and "unique_name" in result["msg"]
    assert fake_api.requests == []


def test_a_friendly_name_that_cannot_change_is_a_warning(fake_api, capsys, monkeypatch):
    # Caught at module.warn: once controller code is loaded (other tests), ansible-core routes module warnings
    # to its display instead of the result.
    warned = []
    monkeypatch.setattr(proxy_session.AnsibleModule, "warn", lambda _module, message: warned.append(message))
    fake_api.queue((200, {}, session(OURS, "order-1")),
                   (200, {}, {"participants": [{"sid": KP, "identifier": "+15550100001", "friendly_name": "Ann"}],
                              "meta": {"next_page_url": None}}))
    failed, result = run_module(proxy_session.main, module_args(fake_api, unique_name="order-1", participants=[
        {"identifier": "+1 555 010 0001", "friendly_name": "Bob"}]), capsys=capsys)
    assert not failed and result["changed"] is False
    assert len(warned) == 1 and "+15550100001" in warned[0] and "keeps friendly_name 'Ann', not 'Bob'" in warned[0]
    assert [r["method"] for r in fake_api.requests] == ["GET", "GET"]
