# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every module, lookup and role at -vvvv, on success and on failure: no credential anywhere."""

import base64
import json
import pathlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, quote_plus

import yaml

from tests.suite.conftest import SECRETS, SERVICE, Emulator

WRONG = {"telnyx": "TLX-WRONG-SECRET-0c0c0c", "twilio": "TWL-WRONG-SECRET-0d0d0d"}
UUID = "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0"


def tasks(report_dir):
    twilio_key = {"auth_token": "{{ omit }}", "api_key": SECRETS["twilio_api_key"], "api_secret": SECRETS["twilio_api_secret"]}
    return [
        {"ansible.builtin.include_role": {"name": "commsops.sessions.room_session_cleanup"},
         "vars": {"room_session_cleanup_max_age": "1m", "room_session_cleanup_report_path": report_dir}},
        {"ansible.builtin.include_role": {"name": "commsops.sessions.proxy_session_cleanup"},
         "vars": {"proxy_session_cleanup_service_sids": [SERVICE], "proxy_session_cleanup_report_path": report_dir}},
        {"commsops.sessions.room_session_info": {"active": True}},
        {"commsops.sessions.room_participant_info": {"room_session_id": UUID}},
        {"commsops.sessions.room_session_action": {"action": "end", "select": {"active": True}}},
        {"commsops.sessions.proxy_session": {"service_sid": SERVICE, "unique_name": "secret-test", "ttl": 60}},
        {"commsops.sessions.proxy_session": dict(twilio_key, service_sid=SERVICE, unique_name="secret-test", status="closed")},
        {"commsops.sessions.proxy_session_info": {"service_sid": SERVICE}},
        {"commsops.sessions.proxy_session_action": {"action": "delete", "service_sid": SERVICE, "select": {}}},
        {"ansible.builtin.debug": {"msg": "{{ query('commsops.sessions.room_sessions', active=false) | length }}"}},
        {"ansible.builtin.debug": {"msg": "{{ query('commsops.sessions.proxy_sessions', service_sid='%s') | length }}" % SERVICE}},
        # Failures, with credentials the server refuses.
        {"commsops.sessions.room_session_info": {"active": True, "api_key": "{{ wrong_telnyx }}"}, "ignore_errors": True},
        {"commsops.sessions.room_session_action": {"action": "end", "room_session_id": UUID, "api_key": "{{ wrong_telnyx }}"},
         "ignore_errors": True},
        {"commsops.sessions.proxy_session": {"service_sid": SERVICE, "unique_name": "x", "auth_token": "{{ wrong_twilio }}"},
         "ignore_errors": True},
        {"commsops.sessions.proxy_session_action": {"action": "close", "service_sid": SERVICE, "select": {},
                                                    "auth_token": "{{ wrong_twilio }}"}, "ignore_errors": True},
        {"ansible.builtin.debug": {"msg": "{{ query('commsops.sessions.room_sessions', api_key=wrong_telnyx) }}"},
         "ignore_errors": True},
        {"ansible.builtin.debug": {"msg": "{{ query('commsops.sessions.proxy_sessions', service_sid='%s', auth_token=wrong_twilio) }}"
                                          % SERVICE}, "ignore_errors": True},
    ]


def test_no_credential_in_any_output_at_vvvv(emulator, tmp_path):
    emulator.admin("seed", {"room_sessions": 10, "proxy_sessions": 10, "seed": 2})
    emulator.admin("fixtures", {"room_sessions": [{"id": UUID, "created_at": "now-1h", "participants": [{}]}]})
    report_dir = tmp_path / "reports"
    playbook = tmp_path / "secrets.yml"
    # Secrets come from variables, as they would from a vault; the playbook's text holds none.
    play = {"hosts": "localhost", "gather_facts": False, "tasks": tasks(str(report_dir)),
            "vars": {"wrong_telnyx": WRONG["telnyx"], "wrong_twilio": WRONG["twilio"]}}
    playbook.write_text(yaml.safe_dump([play], width=1000))
    rc, out, err = emulator.playbook(str(playbook), "-vvvv")
    assert rc == 0, out[-3000:]
    assert "ignored=6" in out  # the six failures did fail...
    assert "HTTP 401" in out and "10009" in out and "20003" in out  # ...for the right reason
    assert "invocation" in out  # -vvvv shows the module arguments...
    secrets = [v for k, v in SECRETS.items() if k in ("telnyx_api_key", "twilio_auth_token", "twilio_api_secret")]
    secrets += list(WRONG.values())
    reports = "".join(p.read_text() for p in pathlib.Path(report_dir).iterdir())
    assert reports.count("| end |") + reports.count("| close |") + reports.count("| delete |") > 0
    for secret in secrets:  # ...but never a secret
        assert secret not in out, secret
        assert secret not in err, secret
        assert secret not in reports, secret


class EchoServer:
    """A server of this test's own that answers every request 401, quoting the Authorization header
    back in every form a credential can take: raw, Base64 (Basic), percent-encoded."""

    def __init__(self):
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                header = self.headers.get("Authorization", "")
                token = header.split(" ", 1)[-1]
                forms = "%s | %s | %s | %s" % (header, token, quote(header, safe=""), quote_plus(token))
                if self.path.startswith("/v2/"):
                    body = {"errors": [{"code": token, "title": header, "detail": forms}]}
                else:
                    body = {"code": token, "message": forms, "more_info": "https://example.test/?a=" + quote(token, safe=""),
                            "status": 401}
                data = json.dumps(body).encode()
                self.send_response(401)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_POST = do_DELETE = do_GET

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    env = Emulator.env  # the same environment, pointed at this server
    adhoc = Emulator.adhoc

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def test_no_credential_form_in_output_when_the_server_echoes_it():
    token, key_sid, key_secret, telnyx_key = "tok/en+1=x", "SK" + "7" * 32, "sec+ret/2==", "KEY+/=echo"
    server = EchoServer()
    try:
        runs = [server.adhoc("room_session_info", {"active": True}, verbosity=4, TELNYX_API_KEY=telnyx_key),
                server.adhoc("proxy_session_info", {"service_sid": SERVICE}, verbosity=4, TWILIO_AUTH_TOKEN=token),
                server.adhoc("proxy_session_info", {"service_sid": SERVICE, "api_key": key_sid}, verbosity=4,
                             TWILIO_API_SECRET=key_secret)]
    finally:
        server.stop()
    basics = [base64.b64encode(("%s:%s" % pair).encode()).decode()
              for pair in ((SECRETS["twilio_account_sid"], token), (key_sid, key_secret))]
    forms = set()
    for secret in [token, key_secret, telnyx_key] + basics:
        forms.update((secret, secret.rstrip("="), quote(secret, safe=""), quote_plus(secret)))
    for rc, _result, out, err in runs:
        assert rc != 0 and "HTTP 401" in out, out[-2000:]
        for form in forms:
            assert form not in out and form not in err, form
