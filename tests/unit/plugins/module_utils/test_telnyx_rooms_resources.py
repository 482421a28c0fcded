# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""TelnyxRooms' room methods against the scripted local server: method, path, query and body as sent."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.commsops.sessions.plugins.module_utils import http_layer
from ansible_collections.commsops.sessions.plugins.module_utils.api_error import ApiError
from ansible_collections.commsops.sessions.plugins.module_utils.telnyx_rooms import TelnyxRooms
from ansible_collections.commsops.sessions.plugins.module_utils.validation import InvalidInput
from ansible_collections.commsops.sessions.tests.unit.plugins._fake import DROP

ROOM = "7b61621f-62e0-4aad-ab11-9fd19e272e73"
OTHER = "8c61621f-62e0-4aad-ab11-9fd19e272e73"
NOT_FOUND = (404, {}, {"code": "10005", "title": "Resource not found"})


def client(api, **options):
    return TelnyxRooms.connect("KEY-abc", api.url + "/v2", **dict(dict(max_retries=0), **options))


def listing(*rooms, number=1, pages=1, total=None, size=250):
    return 200, {}, {"data": list(rooms), "meta": {"page_number": number, "page_size": size, "total_pages": pages,
                                                   "total_results": len(rooms) if total is None else total}}


def test_each_room_encodes_the_filters_and_reads_every_page(fake_api):
    def answer(rec):
        number = int(rec.query["page[number]"])
        return listing({"id": "r-%d" % number}, number=number, pages=3, total=3, size=1)
    fake_api.route = answer
    rooms = list(client(fake_api).each_room({"unique_name": "desk", "created_at": {"gte": "2026-11-01"},
                                             "updated_at": {"lte": "2026-11-20"}}, include_sessions=True))
    assert [r["id"] for r in rooms] == ["r-1", "r-2", "r-3"]
    first = fake_api.requests[0]
    assert (first["method"], first["path"]) == ("GET", "/v2/rooms")
    assert first.query == {"filter[unique_name]": "desk", "filter[date_created_at][gte]": "2026-11-01",
                           "filter[date_updated_at][lte]": "2026-11-20", "include_sessions": "true",
                           "page[number]": "1", "page[size]": "250"}
    assert sorted(r.query["page[number]"] for r in fake_api.requests) == ["1", "2", "3"]


def test_find_room_by_id_and_none_on_404(fake_api):
    fake_api.queue((200, {}, {"data": {"id": ROOM, "unique_name": "desk"}}), NOT_FOUND)
    api = client(fake_api)
    assert api.find_room(room_id=ROOM, include_sessions=True) == {"id": ROOM, "unique_name": "desk"}
    assert api.find_room(room_id=ROOM) is None
    view, missing = fake_api.requests
    assert (view["method"], view["path"], view.query) == ("GET", "/v2/rooms/" + ROOM, {"include_sessions": "true"})
    assert (missing["path"], missing.query) == ("/v2/rooms/" + ROOM, {})


def test_find_room_by_name_takes_only_an_exact_match(fake_api):
    fake_api.queue(listing({"id": OTHER, "unique_name": "Desk"}, {"id": ROOM, "unique_name": "desk"}),
                   listing({"id": OTHER, "unique_name": "desk-2"}))
    api = client(fake_api)
    assert api.find_room(unique_name="desk")["id"] == ROOM
    assert api.find_room(unique_name="desk") is None
    assert [r.query["filter[unique_name]"] for r in fake_api.requests] == ["desk", "desk"]


def test_a_bad_id_is_refused_before_any_request(fake_api):
    api = client(fake_api)
    for call in (lambda: api.find_room(room_id="../x"), lambda: api.update_room("x", {}), lambda: api.delete_room("")):
        with pytest.raises(InvalidInput) as refused:
            call()
        assert "id" in str(refused.value)
    assert fake_api.requests == []


def test_create_posts_the_fields_as_json(fake_api):
    fake_api.queue((201, {}, {"data": {"id": ROOM, "unique_name": "desk", "max_participants": 4}}))
    room = client(fake_api).create_room({"unique_name": "desk", "max_participants": 4})
    assert room["id"] == ROOM
    sent = fake_api.requests[0]
    assert (sent["method"], sent["path"], sent.json) == ("POST", "/v2/rooms", {"unique_name": "desk", "max_participants": 4})
    assert sent["headers"]["Content-Type"] == "application/json"


def test_create_whose_answer_was_lost_looks_the_name_up_before_sending_again(fake_api, monkeypatch):
    monkeypatch.setattr(http_layer.time, "sleep", lambda seconds: None)
    fake_api.queue(DROP, listing({"id": ROOM, "unique_name": "desk"}))
    room = client(fake_api, max_retries=2).create_room({"unique_name": "desk"})
    assert room == {"id": ROOM, "unique_name": "desk"}
    assert [(r["method"], r["path"]) for r in fake_api.requests] == [("POST", "/v2/rooms"), ("GET", "/v2/rooms")]


def test_create_refused_for_a_taken_name_is_an_api_error(fake_api):
    fake_api.queue((422, {}, {"errors": [{"code": "10015", "title": "Invalid parameter",
                                          "detail": "unique_name has already been taken."}]}))
    with pytest.raises(ApiError) as refused:
        client(fake_api).create_room({"unique_name": "desk"})
    assert refused.value.status == 422 and refused.value.code == "10015"


def test_update_patches_and_is_retried_after_a_lost_answer(fake_api, monkeypatch):
    monkeypatch.setattr(http_layer.time, "sleep", lambda seconds: None)
    fake_api.queue(DROP, (200, {}, {"data": {"id": ROOM, "enable_recording": True}}))
    room = client(fake_api, max_retries=2).update_room(ROOM, {"enable_recording": True})
    assert room["enable_recording"] is True
    assert [(r["method"], r["path"], r.json) for r in fake_api.requests] == [
        ("PATCH", "/v2/rooms/" + ROOM, {"enable_recording": True})] * 2


def test_delete_and_a_404_means_gone_already(fake_api):
    fake_api.queue((204, {}, b""), NOT_FOUND)
    api = client(fake_api)
    assert api.delete_room(ROOM) is True
    assert api.delete_room(ROOM) is False
    assert [(r["method"], r["path"]) for r in fake_api.requests] == [("DELETE", "/v2/rooms/" + ROOM)] * 2


def test_a_delete_whose_answer_was_lost_then_404_was_ours(fake_api, monkeypatch):
    monkeypatch.setattr(http_layer.time, "sleep", lambda seconds: None)
    fake_api.queue(DROP, NOT_FOUND)
    assert client(fake_api, max_retries=2).delete_room(ROOM) is True
