# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The events the emulator pushes: Telnyx room webhooks (Ed25519) and Twilio Proxy callbacks (X-Twilio-Signature),
received by a local server; retries, the failover URL, timeouts, the log and the event faults."""

import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import pytest
import requests
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from twilio.request_validator import RequestValidator

from tests.emulator.conftest import TELNYX_AUTH
from tests.emulator.server import DEFAULTS, run_in_thread

SESSION = "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0"
ALICE = "11111111-1111-4111-8111-111111111111"
BOB = "22222222-2222-4222-8222-222222222222"
SERVICE = "KS00000000000000000000000000000009"
PROXY_SESSION = "KC00000000000000000000000000000001"
CLOSED_SESSION = "KC00000000000000000000000000000002"
WAIT = 20  # seconds a test waits at most for requests it expects (a bound, never an assertion)


class Receiver:
    """A local server that records every request (path, headers, raw body) and answers as told per path:
    statuses[path] is a list of statuses to answer in turn (the last one repeats; default 200), and a path in
    slow waits on its event before answering."""

    def __init__(self):
        self.requests = []
        self.statuses = {}
        self.slow = {}
        self.cond = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.cond:
                    receiver.requests.append({"path": self.path, "headers": dict(self.headers.items()), "body": body})
                    receiver.cond.notify_all()
                    script = receiver.statuses.get(self.path, [200])
                    status = script.pop(0) if len(script) > 1 else script[0]
                if self.path in receiver.slow:
                    receiver.slow[self.path].wait(WAIT)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def wait_for(self, count):
        """The requests received, once there are count of them (or WAIT seconds passed)."""
        with self.cond:
            self.cond.wait_for(lambda: len(self.requests) >= count, WAIT)
            return list(self.requests)

    def stop(self):
        for event in self.slow.values():
            event.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.stop()


def admin_call(emulator, method, action, body=None, **params):
    answer = requests.request(method, emulator.url + "/_emulator/" + action, json=body, params=params, timeout=30)
    return answer.status_code, answer.json()


def settled(emulator, **params):
    """The delivery log once nothing is waiting or being sent (late retries included)."""
    for _turn in range(WAIT * 20):
        log = admin_call(emulator, "GET", "deliveries", **params)[1]
        if log["pending"] == 0:
            return log["deliveries"]
        time.sleep(0.05)
    raise AssertionError("deliveries still pending after %d s" % WAIT)


def room(emulator, **fields):
    answer = requests.post(emulator.url + "/v2/rooms", json=fields, headers=TELNYX_AUTH, timeout=10)
    assert answer.status_code == 201, answer.text
    return answer.json()["data"]


def start(emulator, room_id, **body):
    status, session = admin_call(emulator, "POST", "rooms/%s/sessions" % room_id, body)
    assert status == 201, session
    return session


def fast_retries(emulator, attempts=3):
    assert admin_call(emulator, "POST", "webhooks", {"attempts": attempts, "backoff_ms": 10})[0] == 200


def verify_telnyx(public_key_b64, request):
    """The body as JSON, once its Ed25519 signature over "<timestamp>|<raw body>" checks out with the served key."""
    headers = {name.lower(): value for name, value in request["headers"].items()}
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_b64))
    signature = base64.b64decode(headers["telnyx-signature-ed25519"])
    key.verify(signature, headers["telnyx-timestamp"].encode() + b"|" + request["body"])  # raises if wrong
    assert headers["content-type"] == "application/json"
    return json.loads(request["body"])


def test_a_rooms_session_events_are_signed_and_shaped(emulator, receiver):
    hook = receiver.url + "/telnyx"
    desk = room(emulator, unique_name="desk", webhook_event_url=hook)
    public_key = admin_call(emulator, "GET", "webhook_key")[1]
    assert public_key["algorithm"] == "ed25519" and len(base64.b64decode(public_key["public_key"])) == 32
    session = start(emulator, desk["id"], id=SESSION, participants=[{"id": ALICE, "context": "agent"}])
    assert session["active"] and [p["id"] for p in session["participants"]] == [ALICE]
    assert admin_call(emulator, "POST", "room_sessions/%s/participants" % SESSION, {"id": BOB, "context": "customer"})[0] == 201
    assert admin_call(emulator, "POST", "room_sessions/%s/participants/%s/leave" % (SESSION, BOB))[0] == 200
    ended = requests.post(emulator.url + "/v2/room_sessions/%s/actions/end" % SESSION, headers=TELNYX_AUTH, timeout=10)
    assert ended.status_code == 200

    bodies = [verify_telnyx(public_key["public_key"], r) for r in receiver.wait_for(6)]
    assert {r["path"] for r in receiver.requests} == {"/telnyx"}
    assert [(b["data"]["event_type"], b["data"]["payload"].get("participant_id")) for b in bodies] == [
        ("video.room.session.started", None), ("video.room.participant.joined", ALICE),
        ("video.room.participant.joined", BOB), ("video.room.participant.left", BOB),
        ("video.room.participant.left", ALICE), ("video.room.session.ended", None)]
    for body in bodies:
        assert set(body) == {"data", "meta"} and body["meta"] == {"attempt": 1, "delivered_to": hook}
        assert set(body["data"]) == {"record_type", "event_type", "id", "occurred_at", "payload"}
        assert body["data"]["record_type"] == "event" and body["data"]["occurred_at"].endswith("Z")
    assert len({b["data"]["id"] for b in bodies}) == 6
    payloads = [b["data"]["payload"] for b in bodies]
    assert payloads[0] == {"session_id": SESSION, "room_id": desk["id"]}
    assert payloads[1] == {"session_id": SESSION, "room_id": desk["id"], "context": "agent", "participant_id": ALICE}
    assert dict(payloads[3], duration_secs=0) == {"session_id": SESSION, "room_id": desk["id"], "context": "customer",
                                                  "participant_id": BOB, "duration_secs": 0, "left_reason": "left"}
    assert payloads[4]["left_reason"] == "session_ended"
    assert set(payloads[5]) == {"session_id", "room_id", "duration_secs", "ended_reason"}
    assert payloads[5]["ended_reason"] == "api_request" and isinstance(payloads[5]["duration_secs"], int)
    # A signature over another body (one byte changed) does not check out.
    with pytest.raises(InvalidSignature):
        verify_telnyx(public_key["public_key"], dict(receiver.requests[0], body=receiver.requests[0]["body"] + b" "))


def test_kick_and_room_delete_post_their_events_and_a_room_without_url_posts_none(emulator, receiver):
    quiet = room(emulator, unique_name="quiet")
    start(emulator, quiet["id"], participants=[{"context": "agent"}])
    desk = room(emulator, unique_name="desk", webhook_event_url=receiver.url + "/telnyx")
    start(emulator, desk["id"], id=SESSION, participants=[{"id": ALICE}])
    kick = requests.post(emulator.url + "/v2/room_sessions/%s/actions/kick" % SESSION, json={"participants": [ALICE]},
                         headers=TELNYX_AUTH, timeout=10)
    assert kick.status_code == 200
    assert requests.delete(emulator.url + "/v2/rooms/" + desk["id"], headers=TELNYX_AUTH, timeout=10).status_code == 204
    bodies = [json.loads(r["body"]) for r in receiver.wait_for(4)]
    assert [(b["data"]["event_type"], b["data"]["payload"].get("left_reason") or b["data"]["payload"].get("ended_reason"))
            for b in bodies] == [("video.room.session.started", None), ("video.room.participant.joined", None),
                                 ("video.room.participant.left", "kicked"), ("video.room.session.ended", "room_deleted")]
    assert {row["url"] for row in settled(emulator)} == {receiver.url + "/telnyx"}


def test_the_api_answers_without_waiting_for_a_webhook(emulator, receiver):
    receiver.slow["/slow"] = threading.Event()
    desk = room(emulator, webhook_event_url=receiver.url + "/slow", webhook_timeout_secs=30)
    start(emulator, desk["id"], id=SESSION)
    receiver.wait_for(1)  # the receiver holds the started event unanswered ...
    ended = requests.post(emulator.url + "/v2/room_sessions/%s/actions/end" % SESSION, headers=TELNYX_AUTH, timeout=10)
    assert ended.status_code == 200  # ... and the API answers all the same
    assert not receiver.slow["/slow"].is_set() and len(receiver.requests) == 1
    receiver.slow["/slow"].set()
    assert [json.loads(r["body"])["data"]["event_type"] for r in receiver.wait_for(2)] == [
        "video.room.session.started", "video.room.session.ended"]


def test_a_fixed_key_signs_reproducibly(receiver):
    seed = bytes(range(32))
    expected = base64.b64encode(Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(
        Encoding.Raw, PublicFormat.Raw)).decode()
    server = run_in_thread(webhook_private_key=base64.b64encode(seed).decode())
    try:
        assert admin_call(server, "GET", "webhook_key")[1]["public_key"] == expected
        desk = room(server, webhook_event_url=receiver.url + "/telnyx")
        start(server, desk["id"])
        verify_telnyx(expected, receiver.wait_for(1)[0])
    finally:
        server.stop()


def test_a_failed_delivery_is_retried_with_the_attempt_counted(emulator, receiver):
    fast_retries(emulator)
    receiver.statuses["/flaky"] = [500, 503, 200]
    desk = room(emulator, webhook_event_url=receiver.url + "/flaky")
    start(emulator, desk["id"], id=SESSION)
    bodies = [json.loads(r["body"]) for r in receiver.wait_for(3)]
    assert [b["meta"]["attempt"] for b in bodies] == [1, 2, 3]
    assert len({b["data"]["id"] for b in bodies}) == 1
    log = settled(emulator)
    assert [(row["attempt"], row["status"]) for row in log] == [(1, 500), (2, 503), (3, 200)]
    assert {row["event_type"] for row in log} == {"video.room.session.started"} and len(receiver.requests) == 3


def test_retries_are_bounded(emulator, receiver):
    fast_retries(emulator, attempts=2)
    receiver.statuses["/down"] = [500]
    desk = room(emulator, webhook_event_url=receiver.url + "/down")
    start(emulator, desk["id"])
    assert [(row["attempt"], row["status"]) for row in settled(emulator)] == [(1, 500), (2, 500)]
    assert len(receiver.requests) == 2


def test_the_failover_url_gets_what_the_primary_refused(emulator, receiver):
    fast_retries(emulator)
    receiver.statuses["/primary"] = [500]
    desk = room(emulator, webhook_event_url=receiver.url + "/primary", webhook_event_failover_url=receiver.url + "/failover")
    start(emulator, desk["id"])
    log = settled(emulator)
    assert [(row["url"][len(receiver.url):], row["status"]) for row in log] == [("/primary", 500), ("/failover", 200)]
    failover = json.loads(receiver.requests[1]["body"])
    assert failover["meta"] == {"attempt": 1, "delivered_to": receiver.url + "/failover"}


def test_a_slow_receiver_times_out_per_the_rooms_setting(emulator, receiver):
    fast_retries(emulator, attempts=1)
    receiver.slow["/slow"] = threading.Event()
    desk = room(emulator, webhook_event_url=receiver.url + "/slow", webhook_event_failover_url=receiver.url + "/ok",
                webhook_timeout_secs=1)
    start(emulator, desk["id"])
    assert [(row["url"][len(receiver.url):], row["status"]) for row in settled(emulator)] == [("/slow", "timeout"),
                                                                                              ("/ok", 200)]


def proxy_fixtures(emulator, receiver, **urls):
    service = dict({"sid": SERVICE, "unique_name": "hooks"}, **{k: receiver.url + v for k, v in urls.items()})
    status, _made = admin_call(emulator, "POST", "fixtures", {"services": [service], "proxy_sessions": [
        {"service_sid": SERVICE, "sid": PROXY_SESSION, "unique_name": "order-1",
         "participants": [{"identifier": "+15550100001"}, {"identifier": "+15550100002"}]},
        {"service_sid": SERVICE, "sid": CLOSED_SESSION, "unique_name": "order-0", "status": "closed"}]})
    assert status == 200


def verify_twilio(request, url):
    """The form fields, once X-Twilio-Signature checks out with twilio's own validator and the auth token."""
    fields = dict(parse_qsl(request["body"].decode(), keep_blank_values=True))
    headers = {name.lower(): value for name, value in request["headers"].items()}
    assert headers["content-type"] == "application/x-www-form-urlencoded"
    validator = RequestValidator(DEFAULTS["twilio_auth_token"])
    assert validator.validate(url, fields, headers["x-twilio-signature"])
    assert not RequestValidator("another-token").validate(url, fields, headers["x-twilio-signature"])
    return fields


def test_an_interaction_calls_the_intercept_then_the_callback_signed(emulator, receiver):
    proxy_fixtures(emulator, receiver, callback_url="/cb", intercept_callback_url="/intercept")
    status, answer = admin_call(emulator, "POST", "proxy_interaction",
                                {"service_sid": SERVICE, "session_sid": PROXY_SESSION, "body": "hello"})
    assert status == 200
    intercept, callback = receiver.wait_for(2)
    assert (intercept["path"], callback["path"]) == ("/intercept", "/cb")
    first = verify_twilio(intercept, receiver.url + "/intercept")
    fields = verify_twilio(callback, receiver.url + "/cb")
    assert fields == answer["fields"]
    assert (fields["interactionSessionSid"], fields["interactionServiceSid"], fields["interactionType"]) == (
        PROXY_SESSION, SERVICE, "Message")
    assert json.loads(fields["interactionData"]) == {"body": "hello"}
    assert fields["interactionSid"].startswith("KI") and first["interactionSid"] == fields["interactionSid"]
    assert fields["inboundParticipantSid"] != fields["outboundParticipantSid"]
    # The intercept comes before the outbound leg exists.
    assert "outboundResourceSid" not in first and fields["outboundResourceSid"].startswith("SM")
    assert [row["event_type"] for row in settled(emulator)] == ["proxy.interaction.intercept", "proxy.interaction"]
    session = admin_call(emulator, "GET", "state")[1]
    assert json.dumps(session).count("in-progress") >= 1


def test_an_intercept_answered_403_blocks_the_callback(emulator, receiver):
    receiver.statuses["/intercept"] = [403]
    proxy_fixtures(emulator, receiver, callback_url="/cb", intercept_callback_url="/intercept")
    admin_call(emulator, "POST", "proxy_interaction", {"service_sid": SERVICE, "session_sid": PROXY_SESSION})
    assert [(row["event_type"], row["status"]) for row in settled(emulator)] == [("proxy.interaction.intercept", 403)]
    assert [r["path"] for r in receiver.requests] == ["/intercept"]


def test_out_of_session_callback_names_the_closed_session(emulator, receiver):
    proxy_fixtures(emulator, receiver, out_of_session_callback_url="/oos?tenant=a")
    status, answer = admin_call(emulator, "POST", "out_of_session", {
        "service_sid": SERVICE, "session_sid": CLOSED_SESSION, "from": "+15550100009", "body": "still there?"})
    assert status == 200
    fields = verify_twilio(receiver.wait_for(1)[0], receiver.url + "/oos?tenant=a")
    assert fields == answer["fields"]
    assert {k: fields[k] for k in ("sessionSid", "sessionUniqueName", "sessionStatus", "serviceSid", "From", "Body")} == {
        "sessionSid": CLOSED_SESSION, "sessionUniqueName": "order-0", "sessionStatus": "closed", "serviceSid": SERVICE,
        "From": "+15550100009", "Body": "still there?"}
    # No session at all: the callback without session fields; a closed session refuses an interaction.
    assert "sessionSid" not in admin_call(emulator, "POST", "out_of_session", {"service_sid": SERVICE})[1]["fields"]
    assert admin_call(emulator, "POST", "proxy_interaction", {"service_sid": SERVICE, "session_sid": CLOSED_SESSION})[0] == 409


def test_the_log_holds_no_secret(emulator, receiver):
    proxy_fixtures(emulator, receiver, callback_url="/cb")
    admin_call(emulator, "POST", "proxy_interaction", {"service_sid": SERVICE, "session_sid": PROXY_SESSION})
    log = settled(emulator)
    signature = receiver.wait_for(1)[0]["headers"]["X-Twilio-Signature"]
    text = json.dumps(log)
    assert len(log) == 1 and log[0]["status"] == 200
    assert DEFAULTS["twilio_auth_token"] not in text and signature not in text
    assert set(log[0]) == {"seq", "vendor", "event_type", "event_id", "url", "attempt", "status", "fault", "at"}


def test_duplicate_fault_sends_an_event_twice(emulator, receiver):
    assert admin_call(emulator, "POST", "faults", {"mode": "duplicate", "event_type": "session\\.started"})[0] == 200
    desk = room(emulator, webhook_event_url=receiver.url + "/telnyx")
    start(emulator, desk["id"], participants=[{"id": ALICE}])
    bodies = [json.loads(r["body"]) for r in receiver.wait_for(3)]
    assert [b["data"]["event_type"] for b in bodies] == [
        "video.room.session.started", "video.room.session.started", "video.room.participant.joined"]
    assert bodies[0] == bodies[1]
    assert [row["fault"] for row in settled(emulator)] == ["duplicate", "duplicate", None]


def test_out_of_order_fault_sends_an_event_after_the_next(emulator, receiver):
    assert admin_call(emulator, "POST", "faults", {"mode": "out_of_order", "event_type": "started"})[0] == 200
    desk = room(emulator, webhook_event_url=receiver.url + "/telnyx")
    start(emulator, desk["id"], participants=[{"id": ALICE}])
    assert [json.loads(r["body"])["data"]["event_type"] for r in receiver.wait_for(2)] == [
        "video.room.participant.joined", "video.room.session.started"]
    assert len(settled(emulator)) == 2 and len(receiver.requests) == 2


def test_late_retry_fault_sends_an_event_again_as_a_retry(emulator, receiver):
    assert admin_call(emulator, "POST", "faults", {"mode": "late_retry", "delay_ms": 50})[0] == 200
    desk = room(emulator, webhook_event_url=receiver.url + "/telnyx")
    start(emulator, desk["id"])
    first, again = [json.loads(r["body"]) for r in receiver.wait_for(2)]
    assert first["data"] == again["data"] and (first["meta"]["attempt"], again["meta"]["attempt"]) == (1, 2)
    assert [(row["attempt"], row["fault"]) for row in settled(emulator)] == [(1, "late_retry"), (2, "late_retry")]


def test_event_faults_are_checked_and_answered_with_their_defaults(emulator):
    assert admin_call(emulator, "POST", "faults", {"mode": "out_of_order"}) == (
        200, {"mode": "out_of_order", "event_type": ".", "count": 1, "delay_ms": 2000})
    for fault in ({"mode": "duplicate", "count": 0}, {"mode": "late_retry", "delay_ms": -1},
                  {"mode": "out_of_order", "event_type": "("}, {"mode": "duplicate", "path": "x"}):
        status, answer = admin_call(emulator, "POST", "faults", fault)
        assert status == 400 and "mode must be" not in answer["error"], fault


def test_admin_triggers_refuse_what_cannot_happen(emulator):
    desk = room(emulator)
    assert admin_call(emulator, "POST", "rooms/%s/sessions" % SESSION)[0] == 404
    start(emulator, desk["id"], id=SESSION, participants=[{"id": ALICE}])
    assert admin_call(emulator, "POST", "rooms/%s/sessions" % desk["id"])[0] == 409  # one active session a room
    leave = "room_sessions/%s/participants/%s/leave" % (SESSION, ALICE)
    assert admin_call(emulator, "POST", leave)[0] == 200
    assert admin_call(emulator, "POST", leave)[0] == 409
    assert admin_call(emulator, "POST", "room_sessions/%s/end" % SESSION)[1]["active"] is False
    assert admin_call(emulator, "POST", "room_sessions/%s/end" % SESSION)[0] == 409
    assert admin_call(emulator, "POST", "room_sessions/%s/participants" % SESSION)[0] == 409
    assert admin_call(emulator, "POST", "proxy_interaction", {"service_sid": SERVICE})[0] == 404
    assert admin_call(emulator, "POST", "webhooks", {"attempts": 0})[0] == 400


def test_reset_empties_the_log(emulator, receiver):
    desk = room(emulator, webhook_event_url=receiver.url + "/telnyx")
    start(emulator, desk["id"])
    assert len(settled(emulator)) == 1
    admin_call(emulator, "POST", "reset")
    assert settled(emulator) == []
