# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""HTTP in and out: read a request, hand it to the admin API or the middleware, send (or drop, or trickle) the answer."""

import json
import socket
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from . import admin_api, middleware
from .state import Emulator

ADMIN_PREFIX = "/_emulator/"


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
        if url.path.startswith(ADMIN_PREFIX):
            base = "http://%s" % (self.headers.get("Host") or "127.0.0.1")
            answer = admin_api.handle(self.emulator, self.command, url.path, body, base,
                                      parse_qsl(url.query, keep_blank_values=True))
            return self.send_json(answer.status, answer.body, answer.headers)
        base = "http://%s" % (self.headers.get("Host") or "%s:%d" % self.server.server_address[:2])
        call = middleware.Call(self.command, url.path, parse_qsl(url.query, keep_blank_values=True), self.headers, body, base)
        try:
            reply = middleware.handle(self.emulator, call)
            if reply.drop:
                return self.drop()
            return self.send_json(reply.answer.status, reply.answer.body, reply.answer.headers, reply.interval_ms)
        finally:  # answered, dropped or failed: no longer in flight
            middleware.leave_in_flight(self.emulator, call)

    def drop(self):
        """Close the connection with no answer."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def send_json(self, status, payload, headers=None, interval_ms=0):
        """payload: a JSON value, bytes sent as they are, or None for no body; interval_ms: one byte each."""
        data = b"" if payload is None else payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        if data:
            self.send_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if not interval_ms:
            if data:
                self.wfile.write(data)
            return
        for index in range(len(data)):
            time.sleep(interval_ms / 1000.0)
            try:
                self.wfile.write(data[index:index + 1])
            except OSError:  # the client hung up: stop, and free this thread
                self.close_connection = True
                return


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def make_server(options):
    """A server on options.host and options.port (0: a free one) with a fresh emulator; not yet serving."""
    handler = type("BoundHandler", (Handler,), {"emulator": Emulator(options)})
    return Server((options.host, options.port), handler)
