# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Odd and hostile servers: every run ends by itself with a clear error, never a write, never a secret."""

import base64
import socket
import threading
import time
import urllib.parse

import yaml

from tests.suite.conftest import SECRETS, SERVICE

UUID = "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0"


def secret_forms():
    """Every form a credential can take on the wire: raw, Basic (Base64), Bearer, percent-encoded."""
    pairs = [(SECRETS["twilio_account_sid"], SECRETS["twilio_auth_token"]), (SECRETS["twilio_api_key"], SECRETS["twilio_api_secret"])]
    forms = [SECRETS["telnyx_api_key"], SECRETS["twilio_auth_token"], SECRETS["twilio_api_secret"]]
    forms += [base64.b64encode(("%s:%s" % pair).encode()).decode() for pair in pairs]
    forms += [urllib.parse.quote(f, safe="") for f in list(forms)] + [urllib.parse.quote_plus(f) for f in list(forms)]
    return sorted(set(forms))


def test_an_empty_200_to_the_lookup_never_leads_to_a_create(emulator):
    emulator.admin("faults", {"method": "GET", "path": "/Sessions/order-77$", "mode": "empty_200", "count": 10})
    rc, result, out, _err = emulator.adhoc("proxy_session", {"service_sid": SERVICE, "unique_name": "order-77", "ttl": 60})
    assert rc != 0 and result is not None and "Traceback" not in out
    assert "expected" in result["msg"] and "empty" in result["msg"]
    assert emulator.admin("stats")["writes"] == 0


def test_a_wrong_shaped_listing_is_an_error_not_zero_sessions(emulator):
    emulator.admin("seed", {"room_sessions": 5, "proxy_sessions": 5, "services": [SERVICE], "seed": 4})
    emulator.admin("faults", {"method": "GET", "path": "/room_sessions$", "mode": "wrong_shape_200", "count": 10})
    emulator.admin("faults", {"method": "GET", "path": "/Sessions$", "mode": "wrong_shape_200", "count": 10})
    for module, args in (("room_session_info", {"active": True}), ("room_session_action", {"action": "end", "select": {}}),
                         ("proxy_session_info", {"service_sid": SERVICE}),
                         ("proxy_session_action", {"action": "delete", "service_sid": SERVICE, "select": {}})):
        rc, result, out, _err = emulator.adhoc(module, args)
        assert rc != 0 and result is not None and "Traceback" not in out, (module, out[-1500:])
        assert "expected" in result["msg"], (module, result["msg"])
    assert emulator.admin("stats")["writes"] == 0


def test_a_trickling_body_is_bounded_by_the_timeout(emulator):
    emulator.admin("fixtures", {"room_sessions": [{"id": UUID, "created_at": "now-1h"}]})
    emulator.admin("faults", {"method": "GET", "path": "/room_sessions/", "mode": "slow_body", "interval_ms": 500, "count": 10})
    started = time.monotonic()
    rc, result, out, _err = emulator.adhoc("room_session_info", {"room_session_id": UUID, "timeout": 1, "max_retries": 1,
                                                                 "max_retry_wait": 2})
    elapsed = time.monotonic() - started
    assert rc != 0 and result is not None and "Traceback" not in out, out[-1500:]
    assert "GET /v2/room_sessions/" in result["msg"]
    assert elapsed < 25, elapsed  # two attempts of 1 s and a short wait, plus Ansible's start-up; the body takes minutes


def _trickle_headers(listener, seen):
    """Answer one request with a status line and headers one byte every 0.3 s, never ending them; stop after 20 s."""
    listener.settimeout(20)
    try:
        conn, _addr = listener.accept()
    except OSError:
        return
    with conn:
        conn.settimeout(20)
        stop = time.monotonic() + 20
        try:
            while b"\r\n\r\n" not in seen.setdefault("request", b""):
                chunk = conn.recv(4096)
                if not chunk:
                    return
                seen["request"] += chunk
            for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Pad: " + b"a" * 1000:
                if time.monotonic() > stop:
                    return
                conn.sendall(bytes([byte]))
                time.sleep(0.3)
        except OSError:
            seen["cut_off"] = True


def test_trickling_headers_are_bounded_by_the_timeout(emulator):
    # timeout bounded each read only until the headers were in: one byte every 0.5 s took 71 s with timeout 5.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    seen = {}
    server = threading.Thread(target=_trickle_headers, args=(listener, seen), daemon=True)
    server.start()
    try:
        rc, result, out, _err = emulator.adhoc(
            "room_session_info", {"room_session_id": UUID, "timeout": "1", "max_retries": 0},
            TELNYX_BASE_URL="http://127.0.0.1:%d/v2" % listener.getsockname()[1])
        server.join(25)
    finally:
        listener.close()
    assert rc != 0 and result is not None and "Traceback" not in out, out[-1500:]
    assert "no complete answer within 1 s" in result["msg"]
    assert result["api_error"]["may_have_applied"] is True and result["api_error"]["status"] is None
    assert seen.get("cut_off") is True  # the client hung up before the headers were done


def test_a_server_echoing_credentials_never_gets_them_printed(emulator, tmp_path):
    emulator.admin("fixtures", {"room_sessions": [{"id": UUID, "created_at": "now-1h"}]})
    emulator.admin("faults", {"path": ".", "mode": "echo_headers", "status": 400, "count": 1000})
    twilio_key = {"auth_token": "{{ omit }}", "api_key": SECRETS["twilio_api_key"], "api_secret": SECRETS["twilio_api_secret"]}
    tasks = [
        {"commsops.sessions.room_session_info": {"room_session_id": UUID}},
        {"commsops.sessions.room_session_action": {"action": "end", "room_session_ids": [UUID]}},
        {"commsops.sessions.proxy_session": {"service_sid": SERVICE, "unique_name": "echo", "ttl": 60}},
        {"commsops.sessions.proxy_session": dict(twilio_key, service_sid=SERVICE, unique_name="echo")},
        {"commsops.sessions.proxy_session_action": {"action": "close", "service_sid": SERVICE, "select": {}}},
        {"ansible.builtin.debug": {"msg": "{{ query('commsops.sessions.room_sessions', active=true) }}"}},
        {"ansible.builtin.debug": {"msg": "{{ query('commsops.sessions.proxy_sessions', service_sid='%s') }}" % SERVICE}},
        {"ansible.builtin.debug": {"msg": "{{ query('commsops.sessions.proxy_sessions', service_sid='%s', api_key=key, "
                                          "api_secret=key_secret) }}" % SERVICE}},
    ]
    # Secrets come from variables, as they would from a vault; the playbook's text holds none.
    play = {"hosts": "localhost", "gather_facts": False, "tasks": [dict(t, ignore_errors=True) for t in tasks],
            "vars": {"key": SECRETS["twilio_api_key"], "key_secret": SECRETS["twilio_api_secret"]}}
    playbook = tmp_path / "echo.yml"
    playbook.write_text(yaml.safe_dump([play], width=1000))
    rc, out, err = emulator.playbook(str(playbook), "-vvvv")
    assert rc == 0 and "ignored=%d" % len(tasks) in out, out[-3000:]
    assert "HTTP 400" in out and "Traceback" not in out
    for form in secret_forms():
        assert form not in out, form
        assert form not in err, form
