# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The emulator's Telnyx rooms: create, list with filters, view, update, delete; their rules and error bodies,
every answer valid against our schema of the document."""

import pytest
import requests

from tests.emulator.conftest import TELNYX_AUTH, load_schema
from tests.emulator.test_emulator import valid

TELNYX = load_schema("telnyx_video_room_sessions.json")
UNKNOWN = "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0"


def call(emulator, method, path, body=None, **params):
    return requests.request(method, emulator.url + "/v2" + path, json=body, params=params, headers=TELNYX_AUTH,
                            timeout=10)


def create(emulator, **fields):
    answer = call(emulator, "POST", "/rooms", fields)
    assert answer.status_code == 201, answer.text
    return valid(TELNYX, "RoomView", answer.json())["data"]


def test_create_gives_the_documented_defaults_and_view_shows_it(emulator):
    room = create(emulator, unique_name="desk")
    assert room["unique_name"] == "desk" and room["record_type"] == "room"
    assert (room["max_participants"], room["enable_recording"], room["webhook_timeout_secs"]) == (10, False, None)
    # No URL: left out, as "" would not be a uri (the failover URL's default is "").
    assert not set(room) & {"webhook_event_url", "webhook_event_failover_url", "active_session_id"}
    view = valid(TELNYX, "RoomView", call(emulator, "GET", "/rooms/" + room["id"]).json())["data"]
    assert view == room


def test_unique_name_is_unique_on_create_and_update(emulator):
    desk = create(emulator, unique_name="desk")
    other = create(emulator, unique_name="other")
    for method, path, body in (("POST", "/rooms", {"unique_name": "desk"}),
                               ("PATCH", "/rooms/" + other["id"], {"unique_name": "desk"})):
        answer = call(emulator, method, path, body)
        assert answer.status_code == 422
        error = valid(TELNYX, "Errors", answer.json())["errors"][0]
        assert error["source"] == {"pointer": "/unique_name"} and "taken" in error["detail"]
    # A room may keep its own name.
    assert call(emulator, "PATCH", "/rooms/" + desk["id"], {"unique_name": "desk"}).status_code == 200


@pytest.mark.parametrize("body, field", [
    ({"max_participants": 1}, "max_participants"), ({"max_participants": 51}, "max_participants"),
    ({"max_participants": "4"}, "max_participants"), ({"enable_recording": "yes"}, "enable_recording"),
    ({"webhook_event_url": "example.com/hook"}, "webhook_event_url"), ({"webhook_timeout_secs": 31}, "webhook_timeout_secs"),
    ({"webhook_event_failover_url": "ftp://x"}, "webhook_event_failover_url"), ({"unique_name": ""}, "unique_name"),
])
def test_fields_are_checked_as_the_document_types_them(emulator, body, field):
    answer = call(emulator, "POST", "/rooms", body)
    assert answer.status_code == 422
    assert valid(TELNYX, "Errors", answer.json())["errors"][0]["source"]["pointer"] == "/" + field
    assert call(emulator, "GET", "/rooms").json()["meta"]["total_results"] == 0


def test_update_changes_only_what_is_sent(emulator):
    room = create(emulator, unique_name="desk", max_participants=4, webhook_event_url="https://h.example/t")
    changes = {"enable_recording": True, "webhook_timeout_secs": 25, "webhook_event_failover_url": "https://f.example"}
    answer = call(emulator, "PATCH", "/rooms/" + room["id"], changes)
    updated = valid(TELNYX, "RoomView", answer.json())["data"]
    assert answer.status_code == 200
    assert (updated["max_participants"], updated["enable_recording"], updated["webhook_timeout_secs"],
            updated["webhook_event_url"], updated["webhook_event_failover_url"]) == (4, True, 25, "https://h.example/t",
                                                                                     "https://f.example")
    assert updated["updated_at"] >= room["updated_at"] and updated["created_at"] == room["created_at"]
    cleared = call(emulator, "PATCH", "/rooms/" + room["id"], {"webhook_event_url": "", "webhook_event_failover_url": ""})
    assert cleared.status_code == 200
    assert not set(cleared.json()["data"]) & {"webhook_event_url", "webhook_event_failover_url"}


def test_list_filters_and_pages(emulator):
    for n in range(5):
        create(emulator, unique_name="room-%d" % n)
    first = valid(TELNYX, "RoomList", call(emulator, "GET", "/rooms", **{"page[size]": "2"}).json())
    assert first["meta"] == {"page_number": 1, "page_size": 2, "total_pages": 3, "total_results": 5}
    last = call(emulator, "GET", "/rooms", **{"page[size]": "2", "page[number]": "3"}).json()
    assert [r["unique_name"] for r in last["data"]] == ["room-4"]
    named = call(emulator, "GET", "/rooms", **{"filter[unique_name]": "room-3"}).json()["data"]
    assert [r["unique_name"] for r in named] == ["room-3"]
    today = first["data"][0]["created_at"][:10]
    assert call(emulator, "GET", "/rooms", **{"filter[date_created_at][eq]": today}).json()["meta"]["total_results"] == 5
    assert call(emulator, "GET", "/rooms", **{"filter[date_updated_at][lte]": "2000-01-01"}).json()["data"] == []


@pytest.mark.parametrize("params", [{"filter[date_created_at][gte]": "yesterday"}, {"include_sessions": "maybe"},
                                    {"page[size]": "251"}])
def test_a_bad_listing_query_is_the_generic_4xx(emulator, params):
    answer = call(emulator, "GET", "/rooms", **params)
    assert answer.status_code == 400
    assert list(params)[0] in valid(TELNYX, "GenericError", answer.json())["message"]


def test_unknown_and_malformed_ids(emulator):
    for method in ("GET", "PATCH", "DELETE"):
        answer = call(emulator, method, "/rooms/" + UNKNOWN, {} if method == "PATCH" else None)
        assert answer.status_code == 404 and valid(TELNYX, "Error", answer.json())["code"] == "10005"
    bad = call(emulator, "GET", "/rooms/not-a-uuid")
    assert bad.status_code == 400 and valid(TELNYX, "Errors", bad.json())["errors"][0]["code"] == "10006"
    sessions = call(emulator, "GET", "/rooms/%s/sessions" % UNKNOWN)
    assert sessions.status_code == 404 and valid(TELNYX, "GenericError", sessions.json())


def test_sessions_belong_to_rooms(emulator, admin):
    seeded = admin("seed", {"room_sessions": 30, "seed": 4, "rooms": 3})
    listed = call(emulator, "GET", "/rooms", include_sessions="true").json()
    valid(TELNYX, "RoomList", listed)
    assert sorted(r["id"] for r in listed["data"]) == sorted(seeded["rooms"])
    for room in listed["data"]:
        by_room = call(emulator, "GET", "/rooms/%s/sessions" % room["id"], **{"page[size]": "250"}).json()["data"]
        assert [s["id"] for s in room["sessions"]] == [s["id"] for s in by_room]
        live = [s["id"] for s in by_room if s["active"]]
        assert room.get("active_session_id") == (live[-1] if live else None)


def test_delete_ends_the_active_session_and_keeps_its_history(emulator, admin):
    room = create(emulator, unique_name="desk")
    admin("fixtures", {"room_sessions": [
        {"id": UNKNOWN, "room_id": room["id"], "active": True, "participants": [{"context": "agent"}]}]})
    assert call(emulator, "GET", "/rooms/" + room["id"]).json()["data"]["active_session_id"] == UNKNOWN
    answer = call(emulator, "DELETE", "/rooms/" + room["id"])
    assert answer.status_code == 204 and answer.content == b""
    session = call(emulator, "GET", "/room_sessions/" + UNKNOWN, include_participants="true").json()["data"]
    assert session["active"] is False and "ended_at" in session
    assert all("left_at" in p for p in session["participants"])
    assert call(emulator, "GET", "/rooms/" + room["id"]).status_code == 404
    again = call(emulator, "DELETE", "/rooms/" + room["id"])
    assert again.status_code == 404 and valid(TELNYX, "Error", again.json())["code"] == "10005"
    # The name is free again.
    assert create(emulator, unique_name="desk")["id"] != room["id"]


def test_every_room_route_is_counted_and_writes_are_writes(emulator, admin):
    room = create(emulator, unique_name="desk")
    call(emulator, "GET", "/rooms")
    call(emulator, "PATCH", "/rooms/" + room["id"], {"max_participants": 3})
    call(emulator, "DELETE", "/rooms/" + room["id"])
    stats = admin("stats", method="GET")
    assert stats["writes"] == 3
    assert {k: v for k, v in stats["by_route"].items() if "rooms" in k} == {
        "POST /v2/rooms": 1, "GET /v2/rooms": 1, "PATCH /v2/rooms/{room_id}": 1, "DELETE /v2/rooms/{room_id}": 1}
