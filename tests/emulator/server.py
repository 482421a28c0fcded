# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A local, stateful emulator of the Telnyx Video room-sessions API and the Twilio Proxy v1 API.

    python3 tests/emulator/server.py --host 127.0.0.1 --port 8080 --seed-room-sessions 50

Telnyx is served under http://HOST:PORT/v2, Twilio Proxy under http://HOST:PORT/v1/Services/...
The admin API under /_emulator/ (stats, reset, seed, fixtures, state, config, faults) is described
in tests/emulator/README.md. Standard library only.
"""

import argparse
import base64
import collections
import json
import math
import os
import random
import re
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

if __package__ in (None, ""):  # run as a script: make the package importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    __package__ = "tests.emulator"  # pylint: disable=redefined-builtin

from tests.emulator import seed as seeding  # noqa: E402  pylint: disable=wrong-import-position
from tests.emulator.telnyx import TelnyxStore, error as telnyx_error  # noqa: E402  pylint: disable=wrong-import-position
from tests.emulator.twilio import TwilioStore, error as twilio_error  # noqa: E402  pylint: disable=wrong-import-position

DEFAULTS = {
    "telnyx_api_key": "emulator-telnyx-key",
    "twilio_account_sid": "AC00000000000000000000000000000000",
    "twilio_auth_token": "emulator-twilio-token",
    "twilio_api_key": "SK00000000000000000000000000000000",
    "twilio_api_secret": "emulator-twilio-secret",
}
WRITE_METHODS = ("POST", "DELETE", "PUT", "PATCH")


class Emulator:
    """State, settings and accounting, shared by every connection (one lock keeps it consistent)."""

    def __init__(self, options):
        self.options = options
        self.lock = threading.Lock()
        self.latency_ms = options.latency_ms
        self.rate_limit = options.rate_limit
        self.fault_rate = options.fault_rate
        self.rng = random.Random(options.seed)
        self.faults = []
        self._bucket = (float(self.rate_limit or 0), time.monotonic())
        self.reset()
        if options.seed_room_sessions or options.seed_proxy_sessions:
            seeding.seed(self.telnyx, self.twilio, options.seed_room_sessions, options.seed_proxy_sessions, options.seed)
        else:
            for sid in seeding.SERVICES:
                self.twilio.add_service(sid)

    def reset(self, stats_only=False):
        if not stats_only:
            self.telnyx = TelnyxStore()
            self.twilio = TwilioStore(self.options.twilio_account_sid)
        self.stats = {"total": 0, "writes": 0, "by_route": collections.Counter(), "by_method": collections.Counter(),
                      "by_status": collections.Counter()}

    def count(self, method, route, status):
        self.stats["total"] += 1
        self.stats["writes"] += method in WRITE_METHODS
        self.stats["by_route"][route] += 1
        self.stats["by_method"][method] += 1
        self.stats["by_status"][str(status)] += 1

    def take_token(self):
        """Token bucket of rate_limit tokens a second; returns seconds to wait when empty, else 0."""
        if not self.rate_limit:
            return 0
        tokens, last = self._bucket
        clock = time.monotonic()
        tokens = min(float(self.rate_limit), tokens + (clock - last) * self.rate_limit)
        if tokens >= 1:
            self._bucket = (tokens - 1, clock)
            return 0
        self._bucket = (tokens, clock)
        return (1 - tokens) / self.rate_limit

    def scheduled_fault(self, method, path):
        for fault in self.faults:
            if fault["count"] > 0 and fault["method"] in (method, "*") and re.search(fault["path"], path):
                fault["count"] -= 1
                return fault
        return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "commsops-emulator"
    emulator = None  # set by make_server

    def setup(self):
        super().setup()
        # Headers and body go out in two writes; without TCP_NODELAY the body waits for the client's
        # delayed ACK (about 40 ms), which no real API adds.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args):  # quiet: the admin stats are the log
        pass

    def do_GET(self):
        self.handle_any()

    do_POST = do_DELETE = do_PUT = do_PATCH = do_GET

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        if url.path.startswith("/_emulator/"):
            return self.admin(url.path[len("/_emulator/"):], body)
        emu = self.emulator
        vendor = "telnyx" if url.path.startswith("/v2/") else "twilio" if url.path.startswith("/v1/") else None
        with emu.lock:
            fault = emu.scheduled_fault(self.command, url.path)
            wait = emu.take_token()
            random_fault = None if fault or wait or not emu.fault_rate or emu.rng.random() >= emu.fault_rate else \
                emu.rng.choice(("503", "drop_before", "drop_after" if self.command in WRITE_METHODS else "drop_before"))
        mode = fault["mode"] if fault else random_fault
        if fault and fault.get("delay_ms"):
            time.sleep(fault["delay_ms"] / 1000.0)
        if emu.latency_ms:
            time.sleep(emu.latency_ms / 1000.0)
        if vendor is None:
            return self.send_json(404, {"message": "Not found"})
        if wait or mode == "429":
            retry = max(1, int(math.ceil(wait))) if wait else 1
            answer = self.vendor_error(vendor, 429)
            answer.headers["Retry-After"] = str(retry)
            if vendor == "telnyx":
                answer.headers.update({"x-ratelimit-limit": str(emu.rate_limit or 0), "x-ratelimit-remaining": "0",
                                       "x-ratelimit-reset": str(retry)})
            return self.finish_api(vendor, url, answer, count_only=True)
        if mode in ("503", "drop_before"):
            return self.finish_api(vendor, url, self.vendor_error(vendor, 503), drop=mode == "drop_before", count_only=True)
        denied = self.authenticate(vendor)
        if denied:
            return self.finish_api(vendor, url, denied, count_only=True)
        return self.finish_api(vendor, url, None, body=body, drop=mode == "drop_after")

    def finish_api(self, vendor, url, answer, body=b"", drop=False, count_only=False):
        emu = self.emulator
        query = parse_qsl(url.query, keep_blank_values=True)
        parts = [p for p in url.path.split("/")[2:] if p]
        with emu.lock:
            if vendor == "telnyx":
                routed, route = (None, None) if count_only else emu.telnyx.route(self.command, parts, query, body)
                route = route or self.command + " " + telnyx_route(url.path)
            else:
                base = "http://%s" % (self.headers.get("Host") or "%s:%d" % self.server.server_address[:2])
                routed, route = (None, None) if count_only else emu.twilio.route(self.command, parts, query, body, base)
                route = route or self.command + " " + twilio_route(url.path)
            if answer is None:
                answer = routed or self.vendor_error(vendor, 404)
            emu.count(self.command, route, "dropped" if drop else answer.status)
        if drop:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return None
        return self.send_json(answer.status, answer.body, answer.headers)

    def authenticate(self, vendor):
        opts = self.emulator.options
        header = self.headers.get("Authorization") or ""
        if vendor == "telnyx":
            if header == "Bearer " + opts.telnyx_api_key:
                return None
            return telnyx_error(401, "10009", "Authentication failed", "The API key is missing or not valid.")
        try:
            user, _colon, password = base64.b64decode(header[len("Basic "):]).decode().partition(":") \
                if header.startswith("Basic ") else ("", "", "")
        except (ValueError, UnicodeDecodeError):
            user, password = "", ""
        if (user, password) in ((opts.twilio_account_sid, opts.twilio_auth_token), (opts.twilio_api_key, opts.twilio_api_secret)):
            return None
        return twilio_error(401, 20003, "Authenticate")

    @staticmethod
    def vendor_error(vendor, status):
        titles = {404: ("10005", 20404, "Resource not found"), 429: ("10011", 20429, "Too Many Requests"),
                  503: ("10010", 20503, "Service Unavailable")}
        telnyx_code, twilio_code, title = titles[status]
        if vendor == "telnyx":
            return telnyx_error(status, telnyx_code, title, title + ".")
        return twilio_error(status, twilio_code, title)

    def send_json(self, status, payload, headers=None):
        data = b"" if payload is None else json.dumps(payload).encode()
        self.send_response(status)
        if payload is not None:
            self.send_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if data:
            self.wfile.write(data)

    # Admin ------------------------------------------------------------------

    def admin(self, action, raw):
        emu = self.emulator
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            return self.send_json(400, {"error": "body must be JSON"})
        base = "http://%s" % (self.headers.get("Host") or "127.0.0.1")
        with emu.lock:
            if action == "stats" and self.command == "GET":
                stats = dict(emu.stats)
                for key in ("by_route", "by_method", "by_status"):
                    stats[key] = dict(sorted(stats[key].items()))
                return self.send_json(200, stats)
            if action == "stats/reset" and self.command == "POST":
                emu.reset(stats_only=True)
                return self.send_json(200, {"reset": "stats"})
            if action == "reset" and self.command == "POST":
                emu.reset()
                for sid in seeding.SERVICES:
                    emu.twilio.add_service(sid)
                emu.faults = []
                return self.send_json(200, {"reset": "all"})
            if action == "seed" and self.command == "POST":
                result = seeding.seed(emu.telnyx, emu.twilio, int(body.get("room_sessions", 0)),
                                      int(body.get("proxy_sessions", 0)), body.get("seed", 0),
                                      float(body.get("active_ratio", 0.5)), body.get("rooms"), body.get("services"))
                return self.send_json(200, result)
            if action == "fixtures" and self.command == "POST":
                try:
                    return self.send_json(200, seeding.fixtures(emu.telnyx, emu.twilio, body))
                except (KeyError, ValueError) as exc:
                    return self.send_json(400, {"error": str(exc)})
            if action == "state" and self.command == "GET":
                return self.send_json(200, {"room_sessions": emu.telnyx.state(), "proxy_services": emu.twilio.state(base)})
            if action == "config" and self.command == "POST":
                for key in ("latency_ms", "rate_limit", "fault_rate"):
                    if key in body:
                        setattr(emu, key, body[key])
                emu._bucket = (float(emu.rate_limit or 0), time.monotonic())  # pylint: disable=protected-access
                return self.send_json(200, {"latency_ms": emu.latency_ms, "rate_limit": emu.rate_limit,
                                            "fault_rate": emu.fault_rate})
            if action == "faults" and self.command == "POST":
                fault = {"method": body.get("method", "*"), "path": body.get("path", "."), "mode": body.get("mode", "503"),
                         "count": int(body.get("count", 1)), "delay_ms": int(body.get("delay_ms", 0))}
                if fault["mode"] not in ("503", "429", "drop_before", "drop_after", "delay"):
                    return self.send_json(400, {"error": "mode must be 503, 429, drop_before, drop_after or delay"})
                emu.faults.append(fault)
                return self.send_json(200, fault)
        return self.send_json(404, {"error": "no admin route %s %s" % (self.command, action)})


def telnyx_route(path):
    return re.sub(r"/[0-9a-fA-F-]{36}", "/{id}", path)


def twilio_route(path):
    return re.sub(r"/(KS|KC|KP)[0-9a-fA-F]{32}", lambda m: {"KS": "/{ServiceSid}", "KC": "/{Sid}", "KP": "/{Sid}"}[m.group(1)], path)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def make_server(options):
    handler = type("BoundHandler", (Handler,), {"emulator": Emulator(options)})
    return Server((options.host, options.port), handler)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Emulator of the Telnyx Video room-sessions and Twilio Proxy APIs")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    for name, value in DEFAULTS.items():
        parser.add_argument("--" + name.replace("_", "-"), default=value, help="default: %(default)s")
    parser.add_argument("--latency-ms", type=float, default=0, help="added to every API response")
    parser.add_argument("--rate-limit", type=float, default=0, help="API requests per second (0: no limit)")
    parser.add_argument("--fault-rate", type=float, default=0, help="fraction of API requests answered 503 or dropped")
    parser.add_argument("--seed-room-sessions", type=int, default=0)
    parser.add_argument("--seed-proxy-sessions", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0, help="makes seeded data and faults repeatable")
    return parser.parse_args(argv)


def run_in_thread(**overrides):
    """Start an emulator in this process (for tests): returns the server, with .url; call .stop()."""
    options = parse_args(["--port", "0"])
    for key, value in overrides.items():
        setattr(options, key, value)
    server = make_server(options)
    server.url = "http://127.0.0.1:%d" % server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        server.server_close()

    server.stop = stop
    return server


def main(argv=None):
    options = parse_args(argv)
    server = make_server(options)

    def shutdown(_signum, _frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    print("Emulator listening on http://%s:%d" % (options.host, server.server_address[1]), flush=True)
    server.serve_forever(poll_interval=0.2)
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
