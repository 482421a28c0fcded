# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The option fields of the info modules and lookups: the same requests go out, each item comes back cut down."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleLookupError

from ansible_collections.commsops.sessions.plugins.lookup import proxy_sessions, room_sessions
from ansible_collections.commsops.sessions.plugins.module_utils.fields import TWILIO_SESSION_FIELDS, check_fields, projected
from ansible_collections.commsops.sessions.plugins.module_utils.validation import InvalidInput
from ansible_collections.commsops.sessions.plugins.modules import proxy_session_info, room_participant_info, room_session_info
from ansible_collections.commsops.sessions.tests.unit.plugins._fake import run_module
from ansible_collections.commsops.sessions.tests.unit.plugins.lookup.test_lookups import load

KS = "KS" + "1" * 32
TWILIO = dict(account_sid="AC" + "0" * 32, auth_token="t", max_retries=0, service_sid=KS)
ROOM_SESSION = "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0"


def proxy_session(n, status="open"):
    sid = "KC%032d" % n
    return {"sid": sid, "service_sid": KS, "unique_name": "order-%d" % n, "status": status, "ttl": 60,
            "mode": "message-only", "date_created": "2026-11-20T10:00:00Z", "date_last_interaction": None,
            "url": "https://proxy.example/%s" % sid, "links": {"participants": "https://proxy.example/p"}}


def twilio_route(rec):
    if rec["path"].endswith("/Participants"):
        return 200, {}, {"participants": [{"sid": "KP" + "b" * 32, "identifier": "+1555"}], "meta": {"next_page_url": None}}
    return 200, {}, {"sessions": [proxy_session(1), proxy_session(2, "closed")], "meta": {"next_page_url": None}}


def telnyx_listing(*items):
    meta = {"page_number": 1, "page_size": 250, "total_pages": 1, "total_results": len(items)}
    return 200, {}, {"data": list(items), "meta": meta}


def room_session(n):
    return {"id": "%08d-0000-4000-8000-000000000000" % n, "room_id": "7b61621f-62e0-4aad-ab11-9fd19e272e73",
            "active": True, "created_at": "2026-11-20T10:00:00.000000Z", "updated_at": "2026-11-20T10:00:00.000000Z",
            "ended_at": None, "record_type": "room_session", "participants": [{"id": "p%d" % n, "left_at": None}]}


def requests_of(api):
    return [(r["method"], r["path"], r.query) for r in api.requests]


def run_twice(fake_api, run, **extra):
    """The answer without and with fields, and whether both runs sent the same requests."""
    whole = run(**extra)
    sent = requests_of(fake_api)
    del fake_api.requests[:]
    cut = run(fields=["sid", "status"], **extra)
    return whole, cut, sent == requests_of(fake_api)


@pytest.mark.parametrize("include", [False, True])
def test_proxy_session_info_returns_only_the_chosen_fields(fake_api, capsys, include):
    fake_api.route = twilio_route

    def run(**extra):
        failed, result = run_module(proxy_session_info.main, dict(TWILIO, base_url=fake_api.url, **extra), capsys=capsys)
        assert not failed, result
        return result["proxy_sessions"]

    whole, cut, same_requests = run_twice(fake_api, run, include_participants=include, status=["open"])
    assert same_requests
    assert len(whole[0]) > 3
    kept = {"sid": "KC%032d" % 1, "status": "open"}
    if include:
        kept["participants"] = whole[0]["participants"]
    assert cut == [kept]


def test_proxy_sessions_lookup_returns_only_the_chosen_fields(fake_api):
    fake_api.route = twilio_route
    lookup = load(proxy_sessions)
    whole, cut, same_requests = run_twice(
        fake_api, lambda **kw: lookup.run([], {}, base_url=fake_api.url, **dict(TWILIO, **kw)))
    assert same_requests and len(whole[1]) > 3
    assert cut == [{"sid": "KC%032d" % n, "status": s} for n, s in ((1, "open"), (2, "closed"))]


def test_room_session_info_and_lookup_return_only_the_chosen_fields(fake_api, capsys):
    fake_api.route = lambda rec: telnyx_listing(room_session(1), room_session(2))
    base = dict(api_key="k", base_url=fake_api.url + "/v2", max_retries=0)
    failed, result = run_module(room_session_info.main, dict(base, active=True, fields=["id", "active"]), capsys=capsys)
    assert not failed and result["room_sessions"] == [{"id": room_session(n)["id"], "active": True} for n in (1, 2)]
    failed, result = run_module(room_session_info.main, dict(base, fields=["id"], include_participants=True), capsys=capsys)
    assert result["room_sessions"][0] == {"id": room_session(1)["id"], "participants": room_session(1)["participants"]}
    assert load(room_sessions).run([], {}, fields=["room_id"], **base) == [{"room_id": room_session(1)["room_id"]}] * 2
    assert [r.query.get("filter[active]") for r in fake_api.requests] == ["true", None, None]


def test_room_participant_info_returns_only_the_chosen_fields(fake_api, capsys):
    participant = {"id": "p1", "session_id": ROOM_SESSION, "context": "agent", "joined_at": "2026-11-20T10:00:00Z",
                   "left_at": None, "updated_at": "2026-11-20T10:00:00Z", "record_type": "room_participant"}
    fake_api.route = lambda rec: telnyx_listing(participant)
    failed, result = run_module(room_participant_info.main, dict(
        api_key="k", base_url=fake_api.url + "/v2", max_retries=0, room_session_id=ROOM_SESSION,
        fields=["context", "left_at"]), capsys=capsys)
    assert not failed and result["room_participants"] == [{"context": "agent", "left_at": None}]


def test_an_unknown_field_fails_before_any_request_and_lists_the_known_ones(fake_api, capsys):
    failed, result = run_module(proxy_session_info.main, dict(TWILIO, base_url=fake_api.url, fields=["sid", "unique_nmae"]),
                                capsys=capsys)
    assert failed and "fields has unknown field(s) unique_nmae; known fields are sid, service_sid" in result["msg"]
    with pytest.raises(AnsibleLookupError, match=r"^fields has unknown field\(s\) name; known fields are id, room_id"):
        load(room_sessions).run([], {}, api_key="k", base_url=fake_api.url + "/v2", fields=["name"])
    assert fake_api.requests == []


def test_projection_is_lazy_keeps_order_and_skips_missing_keys():
    taken = []

    def items():
        for n in range(3):
            taken.append(n)
            yield {"sid": n, "status": "open", "url": "u"}

    cut = projected(items(), check_fields(["status", "sid", "status", "mode"], TWILIO_SESSION_FIELDS))
    assert taken == []
    assert next(cut) == {"status": "open", "sid": 0} and taken == [0]
    assert list(projected([{"a": 1}], None)) == [{"a": 1}]
    assert list(projected([{"sid": 1}], ("sid",))) == [{"sid": 1}]
    with pytest.raises(InvalidInput, match="fields must be a list of field names"):
        check_fields("sid", TWILIO_SESSION_FIELDS)
