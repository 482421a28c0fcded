# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The room planner as a specification: options, current room -> plan -> room after; no HTTP."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.commsops.sessions.plugins.module_utils import room_plans as plans
from ansible_collections.commsops.sessions.plugins.module_utils.api_error import ApiError
from ansible_collections.commsops.sessions.plugins.module_utils.validation import InvalidInput

ROOM_ID, OTHER_ID = "7b61621f-62e0-4aad-ab11-9fd19e272e73", "8c61621f-62e0-4aad-ab11-9fd19e272e73"
LIVE = "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0"


def params(**given):
    return dict(dict(id=None, unique_name="desk", state="present", max_participants=None, enable_recording=None,
                     webhook_event_url=None, webhook_event_failover_url=None, webhook_timeout_secs=None,
                     end_active_session=False), **given)


def stored(**fields):
    """A room as the API shows it: unset webhook_event_url left out, failover "" and timeout null by default."""
    return dict(dict(id=ROOM_ID, unique_name="desk", max_participants=10, enable_recording=False,
                     webhook_event_failover_url="", webhook_timeout_secs=None, record_type="room"), **fields)


# (case, options, current room, expected plan, expected room after: the fields that matter)
PLANS = [
    ("create with defaults", params(), None,
     dict(action="create", update={}, create={"unique_name": "desk"}),
     dict(unique_name="desk", max_participants=10, enable_recording=False, webhook_event_url=None,
          webhook_event_failover_url=None, webhook_timeout_secs=None)),
    ("create with settings, numbers given as text", params(max_participants="4", enable_recording=True,
                                                           webhook_event_url="https://h.example/t", webhook_timeout_secs="0"),
     None, dict(action="create", update={}, create={"unique_name": "desk", "max_participants": 4, "enable_recording": True,
                                                    "webhook_event_url": "https://h.example/t", "webhook_timeout_secs": 0}),
     dict(max_participants=4, enable_recording=True, webhook_event_url="https://h.example/t", webhook_timeout_secs=0,
          webhook_event_failover_url=None)),
    ("as declared: nothing to do", params(max_participants=10, enable_recording=False), stored(),
     dict(action="none", update={}), dict(max_participants=10)),
    ("options not set are not compared", params(), stored(max_participants=30, enable_recording=True),
     dict(action="none", update={}), dict(max_participants=30)),
    ("a failover URL shown as \"\" is no URL: one declared is sent", params(webhook_event_failover_url="https://f.example"),
     stored(), dict(action="update", update={"webhook_event_failover_url": "https://f.example"}),
     dict(webhook_event_failover_url="https://f.example")),
    ("only what differs is sent", params(max_participants=10, enable_recording=True, webhook_timeout_secs=25),
     stored(), dict(action="update", update={"enable_recording": True, "webhook_timeout_secs": 25}),
     dict(id=ROOM_ID, max_participants=10, enable_recording=True, webhook_timeout_secs=25)),
    ("a URL changed", params(webhook_event_url="https://new.example"), stored(webhook_event_url="https://old.example"),
     dict(action="update", update={"webhook_event_url": "https://new.example"}), dict(webhook_event_url="https://new.example")),
    ("renamed by id", params(id=ROOM_ID, unique_name="desk-eu"), stored(),
     dict(action="update", update={"unique_name": "desk-eu"}), dict(id=ROOM_ID, unique_name="desk-eu")),
    ("found by id, name not given", params(id=ROOM_ID, unique_name=None, max_participants=2), stored(),
     dict(action="update", update={"max_participants": 2}), dict(unique_name="desk", max_participants=2)),
    ("delete", params(state="absent"), stored(), dict(action="delete", update={}, ends_session=None), None),
    ("delete an absent room", params(state="absent"), None, dict(action="none", update={}), None),
    ("delete with an active session, allowed", params(state="absent", end_active_session=True),
     stored(active_session_id=LIVE), dict(action="delete", update={}, ends_session=LIVE), None),
]


@pytest.mark.parametrize("case, options, current, plan, after", PLANS, ids=[c[0] for c in PLANS])
def test_plan_room_and_expected_after(case, options, current, plan, after):
    declared = plans.declared_room(options)
    got = plans.plan_room(current, declared)
    assert got == plan, case
    expected = plans.expected_after(current, got)
    if after is None:
        assert expected is None and plans.diff_view(expected) == {}
    else:
        assert dict((k, expected.get(k)) for k in after) == after, case
        assert "id" not in plans.diff_view(expected) and set(plans.diff_view(expected)) == {"unique_name"} | set(plans.SETTABLE)


def test_deleting_a_room_with_an_active_session_is_refused_naming_it_and_the_option():
    declared = plans.declared_room(params(state="absent"))
    with pytest.raises(InvalidInput) as refused:
        plans.plan_room(stored(active_session_id=LIVE), declared)
    assert LIVE in str(refused.value) and "end_active_session=true" in str(refused.value)
    assert "kicks its participants out" in str(refused.value)


BAD_OPTIONS = [
    (params(unique_name=None), "one of id or unique_name"),
    (params(unique_name="  "), "unique_name must be a non-empty string"),
    (params(id="not-a-uuid"), "id"),
    (params(max_participants=1), "max_participants must be between 2 and 50, got 1"),
    (params(max_participants=51), "max_participants must be between 2 and 50"),
    (params(max_participants="4.5"), "max_participants must be a whole number"),
    (params(max_participants=True), "max_participants must be a whole number"),
    (params(webhook_timeout_secs=31), "webhook_timeout_secs must be between 0 and 30"),
    (params(webhook_event_url="hooks.example.com/t"), "webhook_event_url must be an http or https URL"),
    (params(webhook_event_failover_url="ftp://h.example"), "webhook_event_failover_url must be an http or https URL"),
    (params(webhook_event_url="http://[h.example"), "webhook_event_url must be an http or https URL"),
    (params(webhook_event_url=""), "webhook_event_url: an empty value is not a URL; the API document offers no way"),
    (params(id=ROOM_ID, webhook_event_failover_url=""), "webhook_event_failover_url: an empty value is not a URL"),
    (params(enable_recording="maybe"), "enable_recording must be true or false"),
    (params(state="absent", max_participants=4), "max_participants: no meaning with state=absent"),
]


@pytest.mark.parametrize("options, message", BAD_OPTIONS, ids=[m for _o, m in BAD_OPTIONS])
def test_bad_options_are_refused_naming_the_option(options, message):
    with pytest.raises(InvalidInput) as refused:
        plans.declared_room(options)
    assert message in str(refused.value)


class Client:
    """Stands in for TelnyxRooms: rooms by id, and scripted failures."""

    def __init__(self, *rooms, create_error=None, update_error=None):
        self.rooms = dict((r["id"], dict(r)) for r in rooms)
        self.create_error, self.update_error = create_error, update_error
        self.calls = []

    def find_room(self, room_id=None, unique_name=None):
        self.calls.append(("find", room_id, unique_name))
        if room_id is not None:
            return self.rooms.get(room_id)
        return next((r for r in self.rooms.values() if r.get("unique_name") == unique_name), None)

    def create_room(self, fields):
        self.calls.append(("create", fields))
        if self.create_error:
            self.rooms[OTHER_ID] = stored(id=OTHER_ID, **fields)  # another run was first
            raise self.create_error
        return stored(id=OTHER_ID, **fields)

    def update_room(self, room_id, fields):
        self.calls.append(("update", room_id, fields))
        self.rooms[room_id].update(fields)
        if self.update_error:
            raise self.update_error
        return self.rooms[room_id]

    def delete_room(self, room_id):
        self.calls.append(("delete", room_id))
        return self.rooms.pop(room_id, None) is not None


def converge(client, **options):
    declared = plans.declared_room(params(**options))
    current = plans.read_room(client, declared)
    plan = plans.plan_room(current, declared)
    return plans.apply_room_plan(client, declared, current, plan)


def test_a_create_that_lost_the_race_converges_on_the_other_room():
    taken = ApiError("unique_name has already been taken.", 422, "10015", "POST", "/rooms")
    client = Client(create_error=taken)
    room, changed = converge(client, max_participants=10)
    assert room["id"] == OTHER_ID and changed is False
    assert [c[0] for c in client.calls] == ["find", "create", "find"]


def test_an_update_that_may_have_applied_settles_by_reading_again():
    lost = ApiError("no answer", None, None, "PATCH", "/rooms/x")
    lost.may_have_applied = True
    client = Client(stored(), update_error=lost)
    room, changed = converge(client, enable_recording=True)
    assert room["enable_recording"] is True and changed is True
    assert [c[0] for c in client.calls] == ["find", "update", "find"]


def test_an_update_refused_is_not_settled():
    refused = ApiError("bad", 422, "10015", "PATCH", "/rooms/x")
    client = Client(stored(), update_error=refused)
    with pytest.raises(ApiError):
        converge(client, enable_recording=True)
    assert [c[0] for c in client.calls] == ["find", "update"]


def test_id_and_another_rooms_name_are_refused_before_any_write():
    client = Client(stored(), stored(id=OTHER_ID, unique_name="other"))
    with pytest.raises(InvalidInput) as refused:
        converge(client, id=ROOM_ID, unique_name="other")
    assert OTHER_ID in str(refused.value)
    assert all(c[0] == "find" for c in client.calls)


def test_an_unknown_id_cannot_be_created():
    with pytest.raises(InvalidInput) as refused:
        converge(Client(), id=ROOM_ID)
    assert "cannot be created with a chosen id" in str(refused.value)


def test_selection_matches_exact_name_and_instants():
    selection = plans.RoomSelection(unique_name="desk", created_at={"gte": "2026-11-01T08:00:00Z"})
    assert selection.server_filters() == {"unique_name": "desk", "created_at": {"gte": "2026-11-01"}}
    assert selection.matches(stored(created_at="2026-11-01T09:00:00Z"))
    assert not selection.matches(stored(created_at="2026-11-01T07:00:00Z"))
    assert not selection.matches(stored(unique_name="Desk", created_at="2026-11-02T00:00:00Z"))
    assert plans.kept_fields(("id",), True) == ("id", "sessions") and plans.kept_fields(None, True) is None
