# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The planners as a specification: inputs to expected plans, no HTTP."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.commsops.sessions.plugins.module_utils import proxy_session_bulk as proxy_bulk
from ansible_collections.commsops.sessions.plugins.module_utils import proxy_session_plans as proxy
from ansible_collections.commsops.sessions.plugins.module_utils import proxy_session_select as proxy_select
from ansible_collections.commsops.sessions.plugins.module_utils import room_session_plans as rooms
from ansible_collections.commsops.sessions.plugins.module_utils.validation import InvalidInput

S, R1, R2 = "00000001-0000-4000-8000-000000000000", "7b61621f-62e0-4aad-ab11-9fd19e272e73", "8c61621f-62e0-4aad-ab11-9fd19e272e73"
P1, P2, P3 = ("%08d-1111-4111-8111-111111111111" % n for n in (1, 2, 3))
KS, KC = "KS" + "1" * 32, "KC" + "a" * 32


def room(active=True, present=(), left=(), **fields):
    people = [{"id": p} for p in present] + [{"id": p, "left_at": "2026-11-20T10:30:00Z"} for p in left]
    return dict({"id": S, "room_id": R1, "active": active, "created_at": "2026-11-20T10:00:00Z", "participants": people},
                **fields)


# Telnyx: plan_action(session, action, participants, exclude) -> outcome, participants acted on, reason
ROOM_PLANS = [
    ("end an active session", room(present=[P1, P2], left=[P3]), "end", None, None,
     "would_change", [P1, P2], "ends the session (2 present)"),
    ("end an ended session", room(active=False, left=[P1]), "end", None, None, "skipped", [], "already ended"),
    ("kick everyone present", room(present=[P1, P2]), "kick", "all", [], "would_change", [P1, P2], "2 participant(s)"),
    ("kick all but the excluded", room(present=[P1, P2]), "kick", "all", [P1], "would_change", [P2], "1 participant(s)"),
    ("kick one who is there", room(present=[P1, P2]), "kick", [P2], [], "would_change", [P2], "1 participant(s)"),
    ("kick one who left", room(present=[P1], left=[P2]), "kick", [P2], [], "skipped", [],
     "no targeted participant is present"),
    ("kick the excluded only", room(present=[P1]), "kick", [P1], [P1], "skipped", [], "no targeted participant is present"),
    ("mute in an ended session", room(active=False), "mute", "all", [], "skipped", [], "session has ended"),
    ("unmute everyone", room(present=[P3]), "unmute", "all", [], "would_change", [P3], "1 participant(s)"),
]


@pytest.mark.parametrize("case, session, action, participants, exclude, outcome, acted_on, reason", ROOM_PLANS,
                         ids=[c[0] for c in ROOM_PLANS])
def test_room_plan_action(case, session, action, participants, exclude, outcome, acted_on, reason):
    plan = rooms.plan_action(session, action, participants, exclude)
    assert (plan["outcome"], plan["participants"], plan["reason"]) == (outcome, acted_on, reason), case
    assert plan["changed"] is False and "skipped" not in plan  # a plan is not done


# Telnyx: Selection(spec).matches(session)
ROOM_SELECTIONS = [
    ({}, room(), True),
    ({"active": True}, room(active=False), False),
    ({"active": "no"}, room(active=False), True),
    ({"room_id": R2}, room(), False),
    ({"room_id": [R1, R2]}, room(), True),
    ({"exclude_room_ids": [R1]}, room(), False),
    ({"created_at": {"lte": "2026-11-20T09:59:59Z"}}, room(), False),
    ({"created_at": {"gte": "2026-11-20", "lte": "2026-11-20"}}, room(), True),
    ({"ended_at": {"lte": "now"}}, room(), False),  # an active session has no end: it lies in no window
    ({"ended_at": {"lte": "now"}}, room(active=False, ended_at="2026-11-20T11:00:00Z"), True),
]


@pytest.mark.parametrize("spec, session, matches", ROOM_SELECTIONS)
def test_room_selection_matches(spec, session, matches):
    assert rooms.Selection(spec).matches(session) is matches


def proxy_session(**fields):
    return dict({"sid": KC, "service_sid": KS, "unique_name": "order-1", "status": "in-progress", "ttl": 60,
                 "mode": "voice-and-message", "date_expiry": None, "date_created": "2026-11-20T10:00:00Z",
                 "date_last_interaction": None}, **fields)


# Twilio: plan_action(session, action) -> outcome, reason
PROXY_PLANS = [
    (proxy_session(), "close", "would_change", "close session"),
    (proxy_session(status="open"), "close", "would_change", "close session"),
    (proxy_session(status="closed"), "close", "skipped", "already closed"),
    (proxy_session(status="closed"), "delete", "would_change", "delete session"),
    (proxy_session(status=None), "close", "would_change", "close session"),
]


@pytest.mark.parametrize("session, action, outcome, reason", PROXY_PLANS)
def test_proxy_plan_action(session, action, outcome, reason):
    plan = proxy_bulk.plan_action(session, action)
    assert (plan["outcome"], plan["reason"], plan["sid"]) == (outcome, reason, KC)


# Twilio: Selection(spec).matches(session)
PROXY_SELECTIONS = [
    ({}, proxy_session(), True),
    ({"status": "closed"}, proxy_session(), False),
    ({"status": ["open", "in-progress"]}, proxy_session(), True),
    ({"last_activity": {"lte": "2026-11-21"}}, proxy_session(), True),  # no interaction: its creation counts
    # An interaction counts over the creation.
    ({"last_activity": {"lte": "2026-11-19"}}, proxy_session(date_created="2026-11-10T00:00:00Z",
                                                             date_last_interaction="2026-11-21T00:00:00Z"), False),
    ({"date_last_interaction": {"lte": "now"}}, proxy_session(), False),
    ({"date_expiry": {"gte": "2026-11-01"}}, proxy_session(date_expiry="2026-12-01T00:00:00Z"), True),
]


@pytest.mark.parametrize("spec, session, matches", PROXY_SELECTIONS)
def test_proxy_selection_matches(spec, session, matches):
    assert proxy_select.Selection(spec).matches(session) is matches


def declared(**params):
    return proxy.declared_session(dict(dict(service_sid=KS, unique_name="order-1", state="present"), **params))


def person(identifier, sid="KP" + "0" * 32):
    return {"sid": sid, "identifier": identifier}


NOTHING = dict(update={}, reopen=False, close=False, add=[], remove=[])

# proxy_session: plan_session(current, participants, declared) -> the plan
SESSION_PLANS = [
    ("absent and gone", None, [], declared(state="absent"), dict(NOTHING, action="none")),
    ("absent and there", proxy_session(), [], declared(state="absent"), dict(NOTHING, action="delete")),
    ("create with defaults", None, [], declared(ttl=300, participants=[{"identifier": "+1"}]),
     dict(NOTHING, action="create", add=[{"identifier": "+1"}],
          create=dict(unique_name="order-1", status="open", ttl=300, mode="voice-and-message", date_expiry=None))),
    ("as declared", proxy_session(), [person("+1")], declared(ttl=60, participants=[{"identifier": "+1"}]),
     dict(NOTHING, action="none")),
    ("new ttl and expiry", proxy_session(), [], declared(ttl=120, date_expiry="2026-12-01T12:00:00+01:00"),
     dict(NOTHING, action="update", update={"ttl": 120, "date_expiry": "2026-12-01T11:00:00Z"})),
    ("close", proxy_session(), [], declared(status="closed"), dict(NOTHING, action="update", close=True)),
    ("closed stays closed", proxy_session(status="closed"), [], declared(status="closed"), dict(NOTHING, action="none")),
    ("re-open", proxy_session(status="closed"), [], declared(status="open"), dict(NOTHING, action="update", reopen=True)),
    ("open counts as in progress", proxy_session(), [], declared(status="open"), dict(NOTHING, action="none")),
    ("add one", proxy_session(), [person("+1")], declared(participants=[{"identifier": "+1"}, {"identifier": "+2"}]),
     dict(NOTHING, action="update", add=[{"identifier": "+2"}])),
    ("replace with purge", proxy_session(), [person("+1")], declared(participants=[{"identifier": "+2"}],
                                                                     purge_participants=True),
     dict(NOTHING, action="update", add=[{"identifier": "+2"}], remove=[person("+1")])),
    ("keep others without purge", proxy_session(), [person("+1")], declared(participants=[{"identifier": "+2"}]),
     dict(NOTHING, action="update", add=[{"identifier": "+2"}])),
]


@pytest.mark.parametrize("case, current, participants, want, plan", SESSION_PLANS, ids=[c[0] for c in SESSION_PLANS])
def test_plan_session(case, current, participants, want, plan):
    assert proxy.plan_session(current, participants, want) == plan, case


SESSION_REFUSALS = [
    ("mode cannot change", proxy_session(), [], declared(mode="voice-only"), "mode cannot change"),
    ("unique name cannot change", proxy_session(unique_name="other"), [], declared(), "unique_name cannot change"),
    ("a third participant", proxy_session(), [person("+1"), person("+2")], declared(participants=[{"identifier": "+3"}]),
     "would have 3"),
    ("changing a closed session", proxy_session(status="closed"), [], declared(ttl=5), "the session is closed"),
]


@pytest.mark.parametrize("case, current, participants, want, message", SESSION_REFUSALS, ids=[c[0] for c in SESSION_REFUSALS])
def test_plan_session_refuses_what_the_api_cannot_do(case, current, participants, want, message):
    with pytest.raises(InvalidInput, match=message):
        proxy.plan_session(current, participants, want)


def test_expected_after_is_what_diff_and_check_mode_show():
    current, people = proxy_session(status="closed", ttl=60), [person("+1")]
    plan = proxy.plan_session(current, people, declared(ttl=90, status="in-progress",
                                                        participants=[{"identifier": "+2"}], purge_participants=True))
    after, after_people = proxy.expected_after(current, people, plan)
    assert proxy.diff_view(after, after_people) == {"unique_name": "order-1", "status": "in-progress", "ttl": 90,
                                                    "mode": "voice-and-message", "date_expiry": None, "participants": ["+2"]}


# Issue 17: one spelling of a number, one instant of a time, the session that has the name --------

PHONE = "+15550100001"
SPELLINGS = ["+1 555 010 0001", "+1-555-010-0001", " +15550100001 ", "+1 (555) 010.0001", PHONE]


def named(identifier, friendly_name=None, sid="KP" + "0" * 32):
    return dict(person(identifier, sid), friendly_name=friendly_name)


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_a_phone_number_in_another_spelling_is_the_same_participant(spelling):
    stored = [person(PHONE, "KP" + "1" * 32), person("+15550100002", "KP" + "2" * 32)]
    for extra in ({}, {"purge_participants": True}):
        want = declared(participants=[{"identifier": spelling}, {"identifier": "+1 555 010 0002"}], **extra)
        assert proxy.plan_session(proxy_session(), stored, want) == dict(NOTHING, action="none"), extra


@pytest.mark.parametrize("stored, spelling", [
    ("whatsapp:+15550100001", "whatsapp:+1 555-010-0001"),
    ("whatsapp:+15550100001", " whatsapp: +1 555 010 0001 "),
])
def test_channel_addresses_compare_by_their_number(stored, spelling):
    assert proxy.plan_session(proxy_session(), [person(stored)], declared(participants=[{"identifier": spelling}],
                                                                          purge_participants=True))["action"] == "none"


def test_a_new_participant_is_planned_and_sent_in_the_canonical_spelling():
    plan = proxy.plan_session(proxy_session(), [], declared(participants=[
        {"identifier": "+1 555-010-0001", "friendly_name": "Ann"}, {"identifier": "messenger:123 456"}]))
    # A phone number is respelled; what is not one (a channel's own id) is sent exactly as written.
    assert plan["add"] == [{"identifier": PHONE, "friendly_name": "Ann"}, {"identifier": "messenger:123 456"}]
    created = proxy.plan_session(None, [], declared(participants=[{"identifier": "whatsapp:+1 555 010 0001"}]))
    assert created["add"] == [{"identifier": "whatsapp:" + PHONE}]


def test_two_spellings_of_one_number_are_one_participant_twice():
    with pytest.raises(InvalidInput, match="the same identifier twice"):
        declared(participants=[{"identifier": PHONE}, {"identifier": "+1 555 010 0001"}])


def test_a_friendly_name_that_differs_is_a_warning_naming_the_participant_not_a_change():
    stored = [named(PHONE, "Ann")]
    for extra in ({}, {"purge_participants": True}):
        plan = proxy.plan_session(proxy_session(), stored, declared(
            participants=[{"identifier": "+1 555 010 0001", "friendly_name": "Bob"}], **extra))
        assert plan["action"] == "none" and plan["add"] == [] and plan["remove"] == []
        assert len(plan["warnings"]) == 1 and PHONE in plan["warnings"][0] and "'Bob'" in plan["warnings"][0]
    same = proxy.plan_session(proxy_session(), stored, declared(participants=[{"identifier": PHONE, "friendly_name": "Ann"}]))
    assert "warnings" not in same


@pytest.mark.parametrize("stored, wanted", [
    ("2026-12-31T00:00:00.000+00:00", "2026-12-31T00:00:00Z"),
    ("2026-12-31T01:00:00+01:00", "2026-12-31T00:00:00Z"),
    ("2026-12-31T01:00:00+01:00", "2026-12-31"),
])
def test_date_expiry_is_compared_as_an_instant(stored, wanted):
    assert proxy.plan_session(proxy_session(date_expiry=stored), [], declared(date_expiry=wanted))["action"] == "none"
    moved = proxy.plan_session(proxy_session(date_expiry=stored), [], declared(date_expiry="2026-12-31T00:00:01Z"))
    assert moved["update"] == {"date_expiry": "2026-12-31T00:00:01Z"}


def test_absent_without_sid_or_unique_name_is_refused():
    with pytest.raises(InvalidInput, match="sid or unique_name"):
        proxy.declared_session(dict(service_sid=KS, state="absent"))


class AnsweringWithTheSid:
    """A client whose find_session gives the session whose SID is the name, as the API resolves /Sessions/{Sid}."""

    def __init__(self, session):
        self.session = session
        self.calls = []

    def find_session(self, service_sid, sid=None, unique_name=None):
        self.calls.append((sid, unique_name))
        return self.session if (sid or unique_name) == self.session["sid"] else None

    def list_participants(self, service_sid, sid):
        return []


@pytest.mark.parametrize("state", ["absent", "present"])
def test_a_session_of_another_name_is_never_the_named_one(state):
    other = proxy_session(sid="KC" + "1" * 32, unique_name="someone-else")
    client = AnsweringWithTheSid(other)
    want = proxy.declared_session(dict(service_sid=KS, unique_name=other["sid"], state=state))
    current, participants = proxy.read_session(client, want)
    assert (current, participants) == (None, [])
    assert proxy.plan_session(current, participants, want)["action"] == ("none" if state == "absent" else "create")
