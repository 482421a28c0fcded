# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The emulator behaves like the two APIs: bodies valid against our schemas, rules, paging, auth, faults."""

import base64

import jsonschema
import pytest
import requests

from tests.emulator.conftest import SERVICE, TELNYX_AUTH, TWILIO_AUTH, load_schema

TELNYX = load_schema("telnyx_video_room_sessions.json")
TWILIO = load_schema("twilio_proxy_v1_sessions.json")
ROOM = "7b61621f-62e0-4aad-ab11-9fd19e272e73"
P1, P2 = "11111111-2222-4333-8444-555555555555", "22222222-3333-4444-8555-666666666666"


def valid(schema, name, body):
    jsonschema.validate(body, {"$ref": "#/$defs/" + name, "$defs": schema["$defs"]})
    return body


def tget(emulator, path, **params):
    return requests.get(emulator.url + "/v2" + path, params=params, headers=TELNYX_AUTH, timeout=10)


def tpost(emulator, path, body=None):
    return requests.post(emulator.url + "/v2" + path, json=body, headers=TELNYX_AUTH, timeout=10)


def sessions_url(emulator, *rest):
    return "/".join([emulator.url + "/v1/Services/" + SERVICE + "/Sessions"] + list(rest))


def test_telnyx_list_filters_and_paging(emulator, admin):
    admin("seed", {"room_sessions": 60, "seed": 3})
    first = valid(TELNYX, "RoomSessionList", tget(emulator, "/room_sessions", **{"page[size]": "25"}).json())
    assert first["meta"] == {"page_number": 1, "page_size": 25, "total_pages": 3, "total_results": 60}
    pages = [first] + [tget(emulator, "/room_sessions", **{"page[size]": "25", "page[number]": str(n)}).json() for n in (2, 3)]
    ids = [s["id"] for p in pages for s in p["data"]]
    assert len(ids) == len(set(ids)) == 60
    active = tget(emulator, "/room_sessions", **{"filter[active]": "true", "page[size]": "250",
                                                 "include_participants": "true"}).json()
    valid(TELNYX, "RoomSessionList", active)
    assert active["data"] and all(s["active"] and s["ended_at"] is None and "participants" in s for s in active["data"])
    day = active["data"][0]["created_at"][:10]
    same_day = tget(emulator, "/room_sessions", **{"filter[date_created_at][eq]": day, "page[size]": "250"}).json()["data"]
    assert same_day and all(s["created_at"].startswith(day) for s in same_day)
    room = active["data"][0]["room_id"]
    by_room = tget(emulator, "/rooms/%s/sessions" % room).json()
    assert by_room["data"] and all(s["room_id"] == room for s in by_room["data"])


@pytest.mark.parametrize("params, parameter", [({"page[size]": "251"}, "page[size]"), ({"page[size]": "0"}, "page[size]"),
                                               ({"filter[date_created_at][gte]": "yesterday"}, None),
                                               ({"filter[active]": "maybe"}, "filter[active]")])
def test_telnyx_bad_query_is_a_4xx_with_the_vendor_body(emulator, params, parameter):
    answer = tget(emulator, "/room_sessions", **params)
    assert 400 <= answer.status_code < 500
    body = valid(TELNYX, "Errors", answer.json())
    if parameter:
        assert body["errors"][0]["source"]["parameter"] == parameter


def test_telnyx_view_404_bad_id_and_auth(emulator):
    assert valid(TELNYX, "Errors", tget(emulator, "/room_sessions/" + P1).json())["errors"][0]["code"] == "10005"
    assert tget(emulator, "/room_sessions/not-a-uuid").status_code == 400
    answer = requests.get(emulator.url + "/v2/room_sessions", headers={"Authorization": "Bearer wrong"}, timeout=10)
    assert answer.status_code == 401 and valid(TELNYX, "Errors", answer.json())["errors"][0]["code"] == "10009"
    assert "wrong" not in answer.text


def test_telnyx_actions_change_state(emulator, admin):
    made = admin("fixtures", {"room_sessions": [{"room_id": ROOM, "participants": [{"id": P1}, {"id": P2}]}]})
    sid = made["room_sessions"][0]["id"]
    valid(TELNYX, "ActionResult", tpost(emulator, "/room_sessions/%s/actions/mute" % sid, {"participants": "all", "exclude": [P2]}).json())
    state = {p["id"]: p for p in admin("state")["room_sessions"][0]["participants"]}
    assert state[P1]["muted"] and not state[P2]["muted"]
    assert tpost(emulator, "/room_sessions/%s/actions/kick" % sid, {"participants": [P2]}).status_code == 200
    assert tpost(emulator, "/room_sessions/%s/actions/kick" % sid, {"participants": "some"}).status_code == 422
    participants = valid(TELNYX, "RoomParticipantList", tget(emulator, "/room_sessions/%s/participants" % sid).json())["data"]
    assert {p["id"]: p["left_at"] is None for p in participants} == {P1: True, P2: False}
    assert tpost(emulator, "/room_sessions/%s/actions/end" % sid).status_code == 200
    session = valid(TELNYX, "RoomSessionView", tget(emulator, "/room_sessions/" + sid, include_participants="true").json())["data"]
    assert not session["active"] and session["ended_at"] and all(p["left_at"] for p in session["participants"])
    stats = admin("stats")
    assert stats["by_route"]["POST /v2/room_sessions/{id}/actions/kick"] == 2
    assert stats["writes"] == 4


def test_twilio_session_lifecycle_and_rules(emulator):
    create = requests.post(sessions_url(emulator), auth=TWILIO_AUTH, timeout=10, data=[
        ("UniqueName", "order-1"), ("Ttl", "3600"), ("Mode", "message-only"), ("DateExpiry", "2026-12-01T12:30:00+02:00"),
        ("Participants", '{"Identifier": "+15550001"}'), ("Participants", '{"Identifier": "+15550002", "FriendlyName": "Bo"}')])
    assert create.status_code == 201
    session = valid(TWILIO, "Session", create.json())
    assert (session["ttl"], session["mode"], session["date_expiry"]) == (3600, "message-only", "2026-12-01T10:30:00Z")
    duplicate = requests.post(sessions_url(emulator), auth=TWILIO_AUTH, data={"UniqueName": "order-1"}, timeout=10)
    assert duplicate.status_code == 400 and valid(TWILIO, "Error", duplicate.json())["code"] == 80603
    by_name = requests.get(sessions_url(emulator, "order-1"), auth=TWILIO_AUTH, timeout=10).json()
    assert by_name["sid"] == session["sid"]
    parts = valid(TWILIO, "ParticipantList", requests.get(sessions_url(emulator, session["sid"], "Participants"),
                                                          auth=TWILIO_AUTH, timeout=10).json())
    assert sorted(p["identifier"] for p in parts["participants"]) == ["+15550001", "+15550002"]
    third = requests.post(sessions_url(emulator, session["sid"], "Participants"), auth=TWILIO_AUTH,
                          data={"Identifier": "+15550003"}, timeout=10)
    assert third.status_code == 400 and valid(TWILIO, "Error", third.json())["code"] == 80609
    closed = requests.post(sessions_url(emulator, session["sid"]), auth=TWILIO_AUTH, data={"Status": "closed"}, timeout=10)
    assert valid(TWILIO, "Session", closed.json())["status"] == "closed" and closed.json()["date_ended"]
    frozen = requests.post(sessions_url(emulator, session["sid"]), auth=TWILIO_AUTH, data={"Ttl": "60"}, timeout=10)
    assert frozen.status_code == 400 and frozen.json()["code"] == 80607
    reopened = requests.post(sessions_url(emulator, session["sid"]), auth=TWILIO_AUTH, data={"Status": "in-progress"}, timeout=10)
    assert reopened.json()["status"] == "in-progress"
    assert requests.post(sessions_url(emulator, session["sid"]), auth=TWILIO_AUTH, data={"Mode": "voice-only"},
                         timeout=10).status_code == 400
    assert requests.delete(sessions_url(emulator, session["sid"]), auth=TWILIO_AUTH, timeout=10).status_code == 204
    gone = requests.get(sessions_url(emulator, session["sid"]), auth=TWILIO_AUTH, timeout=10)
    assert gone.status_code == 404 and valid(TWILIO, "Error", gone.json())["code"] == 20404


@pytest.mark.parametrize("data", [{"Ttl": "abc"}, {"Mode": "video"}, {"DateExpiry": "2026-12-01"}, {"Status": "paused"},
                                  {"UniqueName": "x" * 192}])
def test_twilio_bad_values_are_400(emulator, data):
    answer = requests.post(sessions_url(emulator), auth=TWILIO_AUTH, data=data, timeout=10)
    assert answer.status_code == 400 and valid(TWILIO, "Error", answer.json())["status"] == 400


def test_twilio_paging_auth_and_bad_sids(emulator, admin):
    admin("seed", {"proxy_sessions": 30, "services": [SERVICE]})
    url, seen = sessions_url(emulator) + "?PageSize=7", []
    while url:
        page = valid(TWILIO, "SessionList", requests.get(url, auth=TWILIO_AUTH, timeout=10).json())
        assert page["meta"]["key"] == "sessions" and len(page["sessions"]) <= 7
        seen += [s["sid"] for s in page["sessions"]]
        url = page["meta"]["next_page_url"]
        assert url is None or url.startswith(emulator.url)
    assert len(seen) == len(set(seen)) == 30
    key_auth = ("SK00000000000000000000000000000000", "emulator-twilio-secret")
    assert requests.get(sessions_url(emulator), auth=key_auth, timeout=10).status_code == 200
    denied = requests.get(sessions_url(emulator), auth=(TWILIO_AUTH[0], "nope"), timeout=10)
    assert denied.status_code == 401 and valid(TWILIO, "Error", denied.json())["code"] == 20003
    assert requests.get(sessions_url(emulator) + "?PageSize=1001", auth=TWILIO_AUTH, timeout=10).status_code == 400
    assert requests.get(emulator.url + "/v1/Services/KS123/Sessions", auth=TWILIO_AUTH, timeout=10).status_code == 400
    assert requests.get(emulator.url + "/v1/Services/KS" + "9" * 32 + "/Sessions", auth=TWILIO_AUTH, timeout=10).status_code == 404
    assert requests.delete(sessions_url(emulator, "order-1"), auth=TWILIO_AUTH, timeout=10).status_code == 400


def test_rate_limit_answers_429_with_hints(emulator, admin):
    admin("config", {"rate_limit": 2})
    codes = [tget(emulator, "/room_sessions") for _i in range(4)]
    limited = [c for c in codes if c.status_code == 429]
    assert limited and valid(TELNYX, "Errors", limited[0].json())["errors"][0]["code"] == "10011"
    assert int(limited[0].headers["Retry-After"]) >= 1 and limited[0].headers["x-ratelimit-remaining"] == "0"
    twilio = requests.get(sessions_url(emulator), auth=TWILIO_AUTH, timeout=10)
    assert twilio.status_code == 429 and twilio.json()["code"] == 20429


def test_scheduled_faults_and_stats(emulator, admin):
    admin("faults", {"method": "POST", "path": "/Sessions$", "mode": "drop_after"})
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.post(sessions_url(emulator), auth=TWILIO_AUTH, data={"UniqueName": "lost"}, timeout=10)
    # The create was applied although its answer was lost.
    assert requests.get(sessions_url(emulator, "lost"), auth=TWILIO_AUTH, timeout=10).status_code == 200
    admin("faults", {"path": "/room_sessions", "mode": "503", "count": 1})
    assert tget(emulator, "/room_sessions").status_code == 503
    assert tget(emulator, "/room_sessions").status_code == 200
    stats = admin("stats")
    assert stats["by_status"]["dropped"] == 1 and stats["by_status"]["503"] == 1 and stats["total"] == 4
    admin("stats/reset")
    assert admin("stats")["total"] == 0


def test_seed_is_deterministic(emulator, admin):
    first = admin("seed", {"room_sessions": 20, "proxy_sessions": 20, "seed": 11})
    admin("reset")
    assert admin("seed", {"room_sessions": 20, "proxy_sessions": 20, "seed": 11}) == first


def test_basic_auth_header_is_checked_not_echoed(emulator):
    header = "Basic " + base64.b64encode(b"AC00000000000000000000000000000000:leaked-token").decode()
    answer = requests.get(sessions_url(emulator), headers={"Authorization": header}, timeout=10)
    assert answer.status_code == 401 and "leaked-token" not in answer.text
