# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The emulator behaves like the two APIs: bodies valid against our schemas, rules, paging, auth, faults."""

import base64
import http.client
import json
import re
import socket
import threading
import time

import jsonschema
import pytest
import requests

from tests.emulator import middleware
from tests.emulator.conftest import SERVICE, TELNYX_AUTH, TWILIO_AUTH, load_schema
from tests.emulator.server import DEFAULTS

TELNYX = load_schema("telnyx_video_room_sessions.json")
TWILIO = load_schema("twilio_proxy_v1_sessions.json")
ROOM = "7b61621f-62e0-4aad-ab11-9fd19e272e73"
P1, P2 = "11111111-2222-4333-8444-555555555555", "22222222-3333-4444-8555-666666666666"
TWILIO_BASIC = "Basic " + base64.b64encode(":".join(TWILIO_AUTH).encode()).decode()


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
    assert active["data"] and all(s["active"] and "ended_at" not in s and "participants" in s for s in active["data"])
    day = active["data"][0]["created_at"][:10]
    same_day = tget(emulator, "/room_sessions", **{"filter[date_created_at][eq]": day, "page[size]": "250"}).json()["data"]
    assert same_day and all(s["created_at"].startswith(day) for s in same_day)
    room = active["data"][0]["room_id"]
    by_room = tget(emulator, "/rooms/%s/sessions" % room).json()
    assert by_room["data"] and all(s["room_id"] == room for s in by_room["data"])


@pytest.mark.parametrize("params", [{"page[size]": "251"}, {"page[size]": "0"}, {"filter[date_created_at][gte]": "yesterday"},
                                    {"filter[active]": "maybe"}])
def test_telnyx_bad_query_is_a_4xx_with_the_documented_body(emulator, params):
    answer = tget(emulator, "/room_sessions", **params)
    assert 400 <= answer.status_code < 500
    assert list(params)[0] in valid(TELNYX, "GenericError", answer.json())["message"]


def test_telnyx_view_404_bad_id_and_auth(emulator):
    assert valid(TELNYX, "Error", tget(emulator, "/room_sessions/" + P1).json())["code"] == "10005"
    bad_id = tget(emulator, "/room_sessions/not-a-uuid")
    assert bad_id.status_code == 400 and valid(TELNYX, "Errors", bad_id.json())["errors"][0]["code"] == "10006"
    answer = requests.get(emulator.url + "/v2/room_sessions", headers={"Authorization": "Bearer wrong"}, timeout=10)
    assert answer.status_code == 401 and valid(TELNYX, "GenericError", answer.json())
    view = requests.get(emulator.url + "/v2/room_sessions/" + P1, headers={"Authorization": "Bearer wrong"}, timeout=10)
    assert view.status_code == 401 and valid(TELNYX, "Errors", view.json())["errors"][0]["code"] == "10009"
    assert "wrong" not in answer.text + view.text


def test_telnyx_actions_change_state(emulator, admin):
    made = admin("fixtures", {"room_sessions": [{"room_id": ROOM, "participants": [{"id": P1}, {"id": P2}]}]})
    sid = made["room_sessions"][0]["id"]
    valid(TELNYX, "ActionResult", tpost(emulator, "/room_sessions/%s/actions/mute" % sid, {"participants": "all", "exclude": [P2]}).json())
    state = {p["id"]: p for p in admin("state")["room_sessions"][0]["participants"]}
    assert state[P1]["muted"] and not state[P2]["muted"]
    assert tpost(emulator, "/room_sessions/%s/actions/kick" % sid, {"participants": [P2]}).status_code == 200
    refused = tpost(emulator, "/room_sessions/%s/actions/kick" % sid, {"participants": "some"})
    assert refused.status_code == 422 and "participants" in valid(TELNYX, "GenericError", refused.json())["message"]
    participants = valid(TELNYX, "RoomParticipantList", tget(emulator, "/room_sessions/%s/participants" % sid).json())["data"]
    assert {p["id"]: "left_at" in p for p in participants} == {P1: False, P2: True}
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
    assert limited and valid(TELNYX, "GenericError", limited[0].json())["message"] == "Too Many Requests."
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


def test_telnyx_unset_timestamps_are_left_out(emulator, admin):
    made = admin("fixtures", {"room_sessions": [{"id": P1, "participants": [{"id": P2}]}]})
    assert "ended_at" not in made["room_sessions"][0] and "left_at" not in made["room_sessions"][0]["participants"][0]
    view = valid(TELNYX, "RoomSessionView", tget(emulator, "/room_sessions/" + P1, include_participants="true").json())["data"]
    listed = valid(TELNYX, "RoomSessionList", tget(emulator, "/room_sessions", include_participants="true").json())["data"][0]
    participant = valid(TELNYX, "RoomParticipantList", tget(emulator, "/room_sessions/%s/participants" % P1).json())["data"][0]
    for body in (view, listed):
        assert "ended_at" not in body and "left_at" not in body["participants"][0]
    assert "left_at" not in participant and "null" not in tget(emulator, "/room_sessions/" + P1).text
    state = admin("state")["room_sessions"][0]  # the inspection view says null instead
    assert state["ended_at"] is None and state["participants"][0]["left_at"] is None
    tpost(emulator, "/room_sessions/%s/actions/end" % P1)
    ended = valid(TELNYX, "RoomSessionView", tget(emulator, "/room_sessions/" + P1, include_participants="true").json())["data"]
    assert ended["ended_at"] == ended["participants"][0]["left_at"] == admin("state")["room_sessions"][0]["ended_at"]


@pytest.mark.parametrize("method, path, status, shape", [
    ("GET", "/room_sessions/" + P1 + "/participants", 404, "GenericError"),
    ("POST", "/room_sessions/" + P1 + "/actions/end", 404, "GenericError"),
    ("GET", "/rooms/not-a-uuid/sessions", 400, "GenericError"),
    ("GET", "/room_sessions/" + P1, 404, "Error"),
    ("GET", "/room_sessions/" + P2 + "?include_participants=maybe", 400, "Errors"),
    ("GET", "/room_participants", 404, "Errors"),
])
def test_telnyx_error_bodies_follow_the_document(emulator, admin, method, path, status, shape):
    admin("fixtures", {"room_sessions": [{"id": P2}]})
    answer = requests.request(method, emulator.url + "/v2" + path, headers=TELNYX_AUTH, timeout=10)
    assert answer.status_code == status
    valid(TELNYX, shape, answer.json())


def test_telnyx_503_keeps_the_errors_list(emulator, admin):
    admin("faults", {"path": "/room_sessions$", "mode": "503"})
    answer = tget(emulator, "/room_sessions")
    assert answer.status_code == 503 and valid(TELNYX, "Errors", answer.json())["errors"][0]["code"] == "10010"


def test_twilio_participant_friendly_name_is_null_unless_given(emulator, admin):
    create = requests.post(sessions_url(emulator), auth=TWILIO_AUTH, timeout=10, data=[
        ("Participants", '{"Identifier": "+15550001"}'), ("Participants", '{"Identifier": "+15550002", "FriendlyName": "Bo"}')])
    sid = create.json()["sid"]
    names = {p["identifier"]: p["friendly_name"] for p in requests.get(
        sessions_url(emulator, sid, "Participants"), auth=TWILIO_AUTH, timeout=10).json()["participants"]}
    assert names == {"+15550001": None, "+15550002": "Bo"}
    other = requests.post(sessions_url(emulator), auth=TWILIO_AUTH, timeout=10).json()["sid"]
    added = requests.post(sessions_url(emulator, other, "Participants"), auth=TWILIO_AUTH, data={"Identifier": "+15550003"},
                          timeout=10)
    assert added.status_code == 201 and valid(TWILIO, "Participant", added.json())["friendly_name"] is None
    admin("fixtures", {"proxy_sessions": [{"service_sid": SERVICE, "unique_name": "fx", "participants": [
        {"identifier": "+15550004"}, {"identifier": "+15550005", "friendly_name": "Al"}]}]})
    admin("seed", {"proxy_sessions": 10, "services": [SERVICE]})
    people = [p for s in admin("state")["proxy_services"][SERVICE] for p in s["participants"]]
    assert {p["identifier"]: p["friendly_name"] for p in people if p["identifier"] in ("+15550004", "+15550005")} == \
        {"+15550004": None, "+15550005": "Al"}
    assert all(p["friendly_name"] is None for p in people if p["identifier"] not in ("+15550002", "+15550005"))


def request_threads():
    return [t for t in threading.enumerate() if "process_request" in t.name]


def test_fault_slow_body_trickles_the_real_answer(emulator, admin):
    admin("fixtures", {"room_sessions": [{"id": P1}]})
    admin("faults", {"path": "/actions/end$", "mode": "slow_body", "interval_ms": 20})
    host, port = emulator.url[len("http://"):].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    started = time.monotonic()
    conn.request("POST", "/v2/room_sessions/%s/actions/end" % P1, headers=TELNYX_AUTH)
    answer = conn.getresponse()
    assert answer.status == 200 and time.monotonic() - started < 0.5  # the headers come at once
    length = int(answer.getheader("Content-Length"))
    # Meanwhile the server answers others, and the action was applied.
    assert tget(emulator, "/room_sessions/" + P1).json()["data"]["active"] is False
    assert json.loads(answer.read()) == {"data": {"result": "ok"}}
    assert time.monotonic() - started >= length * 0.02
    conn.close()


def test_fault_slow_body_stops_when_the_client_hangs_up(emulator, admin):
    admin("seed", {"proxy_sessions": 5, "services": [SERVICE]})
    admin("faults", {"path": "/Sessions$", "mode": "slow_body", "interval_ms": 50})
    others = set(request_threads())  # idle keep-alive threads of earlier tests
    with socket.create_connection(emulator.server_address[:2], timeout=10) as sock:
        sock.sendall(b"GET /v1/Services/%s/Sessions HTTP/1.1\r\nHost: x\r\nAuthorization: %s\r\n\r\n"
                     % (SERVICE.encode(), TWILIO_BASIC.encode()))
        head = b""
        while b"\r\n\r\n" not in head:
            head += sock.recv(1)
        assert head.startswith(b"HTTP/1.1 200") and int(re.search(rb"Content-Length: (\d+)", head).group(1)) > 1000
        assert len(sock.recv(10)) == 1 and set(request_threads()) - others
    deadline = time.monotonic() + 10
    while set(request_threads()) - others and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not set(request_threads()) - others  # the sending thread gave up; it did not write for another minute


@pytest.mark.parametrize("vendor", ["telnyx", "twilio"])
def test_fault_empty_200_does_not_apply_the_request(emulator, admin, vendor):
    admin("fixtures", {"room_sessions": [{"id": P1}]})
    admin("faults", {"method": "POST", "mode": "empty_200"})
    if vendor == "telnyx":
        answer = tpost(emulator, "/room_sessions/%s/actions/end" % P1)
        applied = tget(emulator, "/room_sessions/" + P1).json()["data"]["active"] is False
    else:
        answer = requests.post(sessions_url(emulator), auth=TWILIO_AUTH, data={"UniqueName": "empty"}, timeout=10)
        applied = requests.get(sessions_url(emulator, "empty"), auth=TWILIO_AUTH, timeout=10).status_code == 200
    assert (answer.status_code, answer.content, answer.headers["Content-Length"], applied) == (200, b"", "0", False)


@pytest.mark.parametrize("fault, request_args, expected", [
    ({}, ("GET", "/v2/room_sessions/" + P1), {"data": []}),
    ({}, ("GET", "/v2/room_sessions"), {"meta": {}}),
    ({}, ("POST", "/v2/room_sessions/%s/actions/end" % P1), {"data": []}),
    ({}, ("GET", "/v1/Services/%s/Sessions" % SERVICE), {"unexpected": True}),
    ({}, ("POST", "/v1/Services/%s/Sessions" % SERVICE), []),
    ({"body": {"data": {"id": 7}, "note": ["verbatim"]}}, ("GET", "/v2/room_sessions"), {"data": {"id": 7}, "note": ["verbatim"]}),
    ({"body": "text"}, ("GET", "/v1/Services/%s/Sessions/x" % SERVICE), "text"),
])
def test_fault_wrong_shape_200(emulator, admin, fault, request_args, expected):
    admin("fixtures", {"room_sessions": [{"id": P1}]})
    admin("faults", dict(fault, mode="wrong_shape_200"))
    method, path = request_args
    auth = TELNYX_AUTH if path.startswith("/v2") else {"Authorization": TWILIO_BASIC}
    answer = requests.request(method, emulator.url + path, headers=auth, timeout=10)
    assert answer.status_code == 200 and answer.json() == expected
    assert admin("state")["room_sessions"][0]["active"] and not admin("state")["proxy_services"][SERVICE]


def test_fault_echo_headers_repeats_the_credentials(emulator, admin):
    admin("faults", {"mode": "echo_headers", "count": 2, "status": 401})
    twilio = requests.post(sessions_url(emulator), headers={"Authorization": TWILIO_BASIC}, data={"UniqueName": "echo"}, timeout=10)
    body = valid(TWILIO, "Error", twilio.json())
    assert twilio.status_code == body["status"] == 401 and "Authorization: " + TWILIO_BASIC in body["message"]
    assert body["more_info"] == "https://www.twilio.com/docs/errors/20001?auth=" + TWILIO_BASIC
    assert body["details"]["credentials"] == TWILIO_BASIC[len("Basic "):] and body["details"]["headers"]["Authorization"] == TWILIO_BASIC
    telnyx = tget(emulator, "/room_sessions")
    error = valid(TELNYX, "Errors", telnyx.json())["errors"][0]
    assert telnyx.status_code == 401 and "Authorization: " + TELNYX_AUTH["Authorization"] in error["detail"]
    assert error["source"]["pointer"] == TELNYX_AUTH["Authorization"] and error["code"] == DEFAULTS["telnyx_api_key"]
    assert requests.get(sessions_url(emulator, "echo"), auth=TWILIO_AUTH, timeout=10).status_code == 404  # not applied


@pytest.mark.parametrize("body", [{"mode": "teapot"}, {"mode": "slow_body", "interval_ms": 0}, {"mode": "echo_headers", "status": 200},
                                  {"mode": "echo_headers", "status": "many"}, {"mode": "503", "path": "("}, {"count": "x"}])
def test_fault_admin_refuses_bad_faults(emulator, body):
    answer = requests.post(emulator.url + "/_emulator/faults", json=body, timeout=10)
    assert answer.status_code == 400 and answer.json()["error"]


def test_fault_admin_answers_the_fault_with_defaults(admin):
    expected = {"method": "*", "path": ".", "mode": "slow_body", "count": 1, "delay_ms": 0, "interval_ms": 500}
    assert admin("faults", {"mode": "slow_body"}) == expected
    assert admin("faults", {"mode": "echo_headers", "path": "/v1/"})["status"] == 400


def fire_at_once(emulator, path, headers, count=10):
    """count requests from as many threads, each on its own connection, released together; returns (status, body)."""
    host, port = emulator.server_address[:2]
    start = threading.Barrier(count)
    answers = []

    def one():
        connection = http.client.HTTPConnection(host, port, timeout=10)
        start.wait()
        connection.request("GET", path, headers=headers)
        answer = connection.getresponse()
        answers.append((answer.status, json.loads(answer.read() or b"null"), answer.getheader("Retry-After")))
        connection.close()

    threads = [threading.Thread(target=one) for _i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


CROWDED_ROUTES = [("/v2/room_sessions", TELNYX_AUTH, lambda body: valid(TELNYX, "GenericError", body)["message"] == "Too Many Requests."),
                  ("/v1/Services/%s/Sessions" % SERVICE, {"Authorization": TWILIO_BASIC},
                   lambda body: body["code"] == 20429 and body["message"] == "Too Many Requests" and body["status"] == 429)]


@pytest.mark.parametrize("path, headers, vendor_429", CROWDED_ROUTES, ids=["telnyx", "twilio"])
def test_max_concurrency_refuses_the_extra_requests_at_once(emulator, admin, path, headers, vendor_429):
    assert admin("config", {"max_concurrency": 3, "latency_ms": 200})["max_concurrency"] == 3
    answers = fire_at_once(emulator, path, headers)
    refused = [answer for answer in answers if answer[0] == 429]
    assert len(refused) == 7 and sorted(status for status, _body, _retry in answers) == [200] * 3 + [429] * 7
    assert all(vendor_429(body) and retry is None for _status, body, retry in refused)
    stats = admin("stats")
    assert stats["peak_in_flight"] == 3 and stats["in_flight_limited"] == 7 and stats["by_status"]["429"] == 7
    # The three in flight have been answered: room again.
    assert requests.get(emulator.url + path, headers=headers, timeout=10).status_code == 200


def test_max_concurrency_changes_at_run_time(emulator, admin):
    admin("config", {"max_concurrency": 1, "latency_ms": 200})
    assert sorted(answer[0] for answer in fire_at_once(emulator, "/v2/room_sessions", TELNYX_AUTH, 4)) == [200] + [429] * 3
    assert admin("config", {"max_concurrency": 0})["max_concurrency"] == 0
    admin("stats/reset")
    assert [answer[0] for answer in fire_at_once(emulator, "/v2/room_sessions", TELNYX_AUTH)] == [200] * 10
    stats = admin("stats")
    assert stats["peak_in_flight"] == 10 and stats["in_flight_limited"] == 0


def test_max_concurrency_frees_a_place_on_every_path(emulator, admin, monkeypatch):
    """Dropped, failed, faulted and unauthenticated requests leave; a rate-limit 429 is not counted as a concurrency one."""
    admin("config", {"max_concurrency": 1})

    def broken_route(_emulator, _call):
        raise RuntimeError("a bug in a handler")

    monkeypatch.setattr(middleware, "STEPS", middleware.STEPS[:-1] + (broken_route,))
    with pytest.raises(requests.exceptions.ConnectionError):
        tget(emulator, "/room_sessions")
    monkeypatch.undo()
    admin("faults", {"path": "/room_sessions", "mode": "drop_before"})
    with pytest.raises(requests.exceptions.ConnectionError):
        tget(emulator, "/room_sessions")
    admin("faults", {"path": "/room_sessions", "mode": "503"})
    assert tget(emulator, "/room_sessions").status_code == 503
    assert requests.get(emulator.url + "/v2/room_sessions", headers={"Authorization": "Bearer wrong"}, timeout=10).status_code == 401
    assert tget(emulator, "/room_sessions").status_code == 200
    admin("config", {"rate_limit": 1})
    assert [tget(emulator, "/room_sessions").status_code for _i in range(2)] == [200, 429]
    stats = admin("stats")
    assert stats["in_flight_limited"] == 0 and stats["peak_in_flight"] == 1


def test_a_telnyx_429_says_to_the_millisecond_when_the_limit_resets(emulator, admin):
    # A small bucket: 20 requests in a row outrun 5 tokens a second even on a busy machine (pytest -n).
    admin("config", {"rate_limit": 5})
    answers = [tget(emulator, "/room_sessions") for _i in range(20)]
    refused = [a for a in answers if a.status_code == 429]
    assert refused, "5 tokens and 20 requests in a row: some are refused"
    reset = refused[0].headers["x-ratelimit-reset"]
    # The bucket is full again within the second: said to the millisecond, beside the whole-second Retry-After.
    assert 0 < float(reset) < 1 and len(reset.split(".")[1]) <= 3 and refused[0].headers["Retry-After"] == "1"
    admin("config", {"rate_limit": 0})


def test_rate_limit_headers_on_every_telnyx_answer(emulator, admin):
    admin("config", {"rate_limit": 5})
    answer = tget(emulator, "/room_sessions")
    assert answer.status_code == 200
    # A full bucket of 5, one token taken: 4 left, full again within a second.
    assert (answer.headers["x-ratelimit-limit"], answer.headers["x-ratelimit-remaining"],
            answer.headers["x-ratelimit-reset"]) == ("5", "4", "1")
    assert tget(emulator, "/room_sessions/" + P1).headers["x-ratelimit-remaining"] == "3"  # a 404 says it too
    twilio = requests.get(sessions_url(emulator), auth=TWILIO_AUTH, timeout=10)
    assert twilio.status_code == 200 and not [name for name in twilio.headers if name.lower().startswith("x-ratelimit")]
    admin("config", {"rate_limit": 0})
    assert "x-ratelimit-limit" not in tget(emulator, "/room_sessions").headers
