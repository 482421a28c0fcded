# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The telnyx_webhook event source, run as ansible-rulebook runs it, sent real signed requests."""

import base64
import concurrent.futures
import inspect
import json
import os
import subprocess
import sys
import time

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from ansible_collections.commsops.sessions.extensions.eda.plugins.event_source import telnyx_webhook
from ansible_collections.commsops.sessions.plugins.module_utils import session_events

KEY = Ed25519PrivateKey.generate()
PUBLIC_KEY = base64.b64encode(KEY.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()
OTHER_KEY = Ed25519PrivateKey.generate()
ROOM = "0ccc7b54-4df3-4bcb-a65a-3da1ecc997d7"
SESSION = "4a4d1ed5-1a0c-4a04-9b0d-3e1b1b1b1b1b"
PATH = "/telnyx/video"


def body(number=1, event_type="video.room.session.started"):
    return json.dumps({
        "data": {"record_type": "event", "event_type": event_type, "id": "6b2ef0c0-0000-4000-8000-%012d" % number,
                 "occurred_at": "2026-03-04T05:06:07.000000Z", "payload": {"session_id": SESSION, "room_id": ROOM}},
        "meta": {"attempt": 1, "delivered_to": "https://eda.example.test" + PATH},
    }).encode()


def signed(raw, timestamp=None, key=KEY):
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = key.sign(timestamp.encode() + b"|" + raw)
    return {"telnyx-signature-ed25519": base64.b64encode(signature).decode(), "telnyx-timestamp": timestamp,
            "Content-Type": "application/json"}


@pytest.fixture
def source(listening):
    with listening(telnyx_webhook.main, {"public_key": PUBLIC_KEY, "path": PATH}) as running:
        yield running


def test_a_signed_event_is_queued_once_in_the_one_shape(source):
    raw = body()
    assert source.post(PATH, raw, signed(raw)) == (204, "")
    assert source.events() == [{
        "session_event": {
            "vendor": "telnyx", "type": "video.room.session.started", "id": "6b2ef0c0-0000-4000-8000-000000000001",
            "session_id": SESSION, "room_id": ROOM, "participant_id": None,
            "occurred_at": "2026-03-04T05:06:07Z", "source": "webhook",
        },
        "payload": json.loads(raw),
    }]


def test_headers_are_case_insensitive_and_keep_alive_serves_several(source):
    import http.client  # pylint: disable=import-outside-toplevel

    conn = http.client.HTTPConnection("127.0.0.1", source.port, timeout=10)
    try:
        for number in (1, 2, 3):
            raw = body(number)
            headers = {name.upper(): value for name, value in signed(raw).items()}
            conn.request("POST", PATH, body=raw, headers=headers)
            response = conn.getresponse()
            assert (response.status, response.read()) == (204, b"")
    finally:
        conn.close()
    assert [e["session_event"]["id"][-1] for e in source.events()] == ["1", "2", "3"]


def tampered(raw):
    headers = signed(raw)
    return raw.replace(b"started", b"ended"), headers


def other_key(raw):
    return raw, signed(raw, key=OTHER_KEY)


def no_signature(raw):
    headers = signed(raw)
    del headers["telnyx-signature-ed25519"]
    return raw, headers


def no_timestamp(raw):
    headers = signed(raw)
    del headers["telnyx-timestamp"]
    return raw, headers


def not_base64(raw):
    return raw, dict(signed(raw), **{"telnyx-signature-ed25519": "!!!not base64!!!"})


def short_signature(raw):
    return raw, dict(signed(raw), **{"telnyx-signature-ed25519": base64.b64encode(b"x" * 63).decode()})


def stale(raw):
    return raw, signed(raw, timestamp=int(time.time()) - 3600)


def future(raw):
    return raw, signed(raw, timestamp=int(time.time()) + 3600)


def malformed_timestamp(raw):
    headers = signed(raw)
    headers["telnyx-timestamp"] = "soon"
    return raw, headers


@pytest.mark.parametrize("forge", [tampered, other_key, no_signature, no_timestamp, not_base64, short_signature,
                                   stale, future, malformed_timestamp])
def test_a_request_without_a_good_fresh_signature_gets_401_and_no_event(source, forge):
    raw, headers = forge(body())
    status, text = source.post(PATH, raw, headers)
    assert status == 401
    assert SESSION not in text and headers.get("telnyx-signature-ed25519", "@") not in text
    assert source.events() == []


def test_a_replayed_signature_gets_401(source):
    raw = body()
    headers = signed(raw)
    assert source.post(PATH, raw, headers)[0] == 204
    assert source.post(PATH, raw, headers) == (401, "signature already used")
    # Telnyx's own retry is signed afresh (a new timestamp): it is delivered, with the same event id.
    assert source.post(PATH, raw, signed(raw, timestamp=int(time.time()) - 1))[0] == 204
    ids = [event["session_event"]["id"] for event in source.events()]
    assert ids == ["6b2ef0c0-0000-4000-8000-000000000001"] * 2


@pytest.mark.parametrize("raw, status", [
    (b"{not json", 400),
    (b"\xff\xfe\x00", 400),
    (b"[" * 100000 + b"]" * 100000, 400),
    (json.dumps({"data": {"payload": {}}}).encode(), 400),
    (json.dumps(["data"]).encode(), 400),
])
def test_a_signed_body_that_is_no_telnyx_event_gets_400(source, raw, status):
    assert source.post(PATH, raw, signed(raw))[0] == status
    assert source.events() == []


def test_size_limit_is_decided_from_content_length_before_reading(listening):
    with listening(telnyx_webhook.main, {"public_key": PUBLIC_KEY, "max_body_bytes": 1000}) as source:
        # Only the headers are sent: the answer comes without waiting for a body of a gigabyte.
        answer = source.raw(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n")
        assert answer.startswith("HTTP/1.1 413 ")
        raw = body() + b" " * 1000
        assert source.post("/", raw, signed(raw))[0] == 413
        raw = body()
        assert source.post("/", raw, signed(raw))[0] == 204
        assert len(source.events()) == 1


@pytest.mark.parametrize("request_bytes, status", [
    (b"GET /telnyx/video HTTP/1.1\r\nHost: x\r\n\r\n", 405),
    (b"POST /elsewhere HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 404),
    (b"POST /telnyx/video HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 411),
    (b"POST /telnyx/video HTTP/1.1\r\nHost: x\r\n\r\n", 411),
    (b"POST /telnyx/video HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400),
    (b"NONSENSE\r\n\r\n", 400),
    (b"POST /telnyx/video HTTP/1.1\r\nX: " + b"y" * 20000 + b"\r\n\r\n", 431),
])
def test_requests_that_are_not_webhooks_get_a_clear_status(source, request_bytes, status):
    assert source.raw(request_bytes).startswith("HTTP/1.1 %d " % status)
    assert source.events() == []


def test_a_flood_of_bad_requests_does_not_stop_good_ones(source):
    good = [body(number) for number in range(1, 41)]

    def send(number):
        if number % 6 == 0:  # every sixth request is a good one, among 200 bad ones
            raw = good[number // 6 - 1]
            return "good", source.post(PATH, raw, signed(raw))[0]
        raw = body(1000 + number)
        forge = [other_key, stale, no_signature, tampered][number % 4]
        return "bad", source.post(PATH, *forge(raw))[0]

    with concurrent.futures.ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(send, range(1, 241)))
    assert sorted(status for kind, status in results if kind == "good") == [204] * 40
    assert sorted(set(status for kind, status in results if kind == "bad")) == [401]
    events = source.events()
    assert sorted(event["payload"]["data"]["id"] for event in events) == sorted(json.loads(raw)["data"]["id"] for raw in good)


def test_slow_clients_get_408_and_do_not_block_others(listening):
    import socket  # pylint: disable=import-outside-toplevel

    with listening(telnyx_webhook.main, {"public_key": PUBLIC_KEY, "read_timeout": 0.5}) as source:
        slow = [socket.create_connection(("127.0.0.1", source.port), timeout=10) for _number in range(20)]
        try:
            for sock in slow:
                sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n")  # and never the rest
            raw = body()
            assert source.post("/", raw, signed(raw))[0] == 204
            for sock in slow:
                assert sock.recv(100).startswith(b"HTTP/1.1 408 ")
        finally:
            for sock in slow:
                sock.close()
        assert len(source.events()) == 1


def test_options_and_environment():
    queue = object()
    assert telnyx_webhook.TelnyxWebhook(queue, {"port": 1}, environ={"TELNYX_PUBLIC_KEY": PUBLIC_KEY}).tolerance == 300
    with pytest.raises(ValueError, match="public_key is required"):
        telnyx_webhook.TelnyxWebhook(queue, {"port": 1}, environ={})
    with pytest.raises(ValueError) as error:
        telnyx_webhook.TelnyxWebhook(queue, {"port": 1, "public_key": "c2VjcmV0LWxvb2tpbmc="}, environ={})
    assert "c2VjcmV0" not in str(error.value)
    with pytest.raises(ValueError, match="port is required"):
        telnyx_webhook.TelnyxWebhook(queue, {"public_key": PUBLIC_KEY}, environ={})


def test_ansible_rulebook_can_load_the_file_from_a_collection_tree():
    """ansible-rulebook runs the file with runpy, ansible_collections not importable: the source finds it."""
    from collection_path import collections_tree  # pylint: disable=import-outside-toplevel

    path = os.path.join(collections_tree(), "ansible_collections", "commsops", "sessions", "extensions", "eda",
                        "plugins", "event_source", "telnyx_webhook.py")
    code = ("import inspect, runpy, sys; names = runpy.run_path(sys.argv[1]); "
            "print(inspect.iscoroutinefunction(names['main']), names['session_events'].__name__)")
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    shown = subprocess.run([sys.executable, "-c", code, path], capture_output=True, text=True, cwd="/", env=env,
                           check=True).stdout.split()
    assert shown == ["True", "ansible_collections.commsops.sessions.plugins.module_utils.session_events"]


def test_the_event_is_the_one_shape_from_session_events(source):
    raw = body(7, "video.room.session.ended")
    source.post(PATH, raw, signed(raw))
    assert source.events() == [session_events.telnyx_webhook_event(json.loads(raw))]
    assert inspect.iscoroutinefunction(telnyx_webhook.main)
