# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Server errors give a clear message with the vendor's code and no stack trace; TLS is verified by default."""

import datetime
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible_collections.commsops.sessions.plugins.module_utils.api_error import ApiError
from ansible_collections.commsops.sessions.plugins.module_utils.http_layer import HttpClient
from tests.suite.conftest import SERVICE

ANSWERS = {
    "telnyx-401": (401, "application/json", '{"errors":[{"code":"10009","title":"Authentication failed"}]}', "10009"),
    "telnyx-404": (404, "application/json", '{"errors":[{"code":"10005","title":"Resource not found"}]}', "10005"),
    "telnyx-422": (422, "application/json",
                   '{"errors":[{"code":"10015","title":"Bad Request","detail":"page[size] is too big"}]}', "10015"),
    "twilio-400": (400, "application/json", '{"code":20001,"message":"Invalid parameter","more_info":"x","status":400}', "20001"),
    "ok-not-json": (200, "text/plain", "hello, I am not JSON", "not JSON"),
    "html-page": (403, "text/html", "<html><body><h1>Blocked by the corporate proxy</h1></body></html>",
                  "Blocked by the corporate proxy"),
}


class Scripted:
    """A local server that answers every request with one canned response."""

    def __init__(self, status, content_type, body, tls_context=None):
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_POST = do_DELETE = do_GET

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls_context:
            self.server.socket = tls_context.wrap_socket(self.server.socket, server_side=True)
        self.url = "%s://127.0.0.1:%d" % ("https" if tls_context else "http", self.server.server_address[1])
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_server_errors_are_clear_and_carry_the_vendor_code(emulator, name):
    status, content_type, body, expected = ANSWERS[name]
    server = Scripted(status, content_type, body)
    try:
        if name.startswith("twilio"):
            rc, result, out, err = emulator.adhoc("proxy_session_info", {"service_sid": SERVICE},
                                                  TWILIO_PROXY_BASE_URL=server.url)
        else:
            rc, result, out, err = emulator.adhoc("room_session_info", {"active": True}, TELNYX_BASE_URL=server.url + "/v2")
    finally:
        server.stop()
    assert rc != 0 and result is not None, out
    assert expected in result["msg"] and "HTTP %d" % status in result["msg"]
    assert "Traceback" not in out + err and "exception" not in result


def self_signed(tmp_path):
    crypto = pytest.importorskip("cryptography")
    del crypto
    from cryptography import x509  # pylint: disable=import-outside-toplevel
    from cryptography.hazmat.primitives import hashes, serialization  # pylint: disable=import-outside-toplevel
    from cryptography.hazmat.primitives.asymmetric import ec  # pylint: disable=import-outside-toplevel
    from cryptography.x509.oid import NameOID  # pylint: disable=import-outside-toplevel
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert_file), str(key_file))
    return context


def test_tls_is_verified_by_default(tmp_path):
    server = Scripted(200, "application/json", '{"data": []}', tls_context=self_signed(tmp_path))
    try:
        with pytest.raises(ApiError) as err:
            HttpClient(server.url, max_retries=0).request("GET", "/v2/room_sessions")
        assert "TLS verification failed" in str(err.value) and "validate_certs=false" in str(err.value)
        assert HttpClient(server.url, validate_certs=False, max_retries=0).request("GET", "/v2/room_sessions") == (200, {"data": []})
    finally:
        server.stop()


def test_tls_failure_through_a_module(emulator, tmp_path):
    server = Scripted(200, "application/json", '{"data": [], "meta": {"total_pages": 1}}', tls_context=self_signed(tmp_path))
    try:
        rc, result, _out, _err = emulator.adhoc("room_session_info", {"active": True}, TELNYX_BASE_URL=server.url + "/v2")
        assert rc != 0 and "TLS verification failed" in result["msg"]
        rc, result, _out, _err = emulator.adhoc("room_session_info", {"active": True, "validate_certs": False},
                                                TELNYX_BASE_URL=server.url + "/v2")
        assert rc == 0 and result["room_sessions"] == []
    finally:
        server.stop()
