# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A real HTTP server on 127.0.0.1 that answers from a script and records every request."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest

from ansible_collections.commsops.sessions.plugins.module_utils import http_layer, limiter

DROP = object()  # close the connection without answering


class Raw:
    """An answer written as these bytes (status line and headers included), `pause` seconds
    between pieces; then the connection closes. For answers no well-behaved server sends."""

    def __init__(self, *pieces, pause=0.0):
        self.pieces = pieces
        self.pause = pause


def head(status=200, headers=None):
    """The status line and headers of a raw answer."""
    lines = ["HTTP/1.1 %d Whatever" % status] + ["%s: %s" % item for item in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def trickle(body, pause, status=200):
    """A JSON answer whose body comes one byte every `pause` seconds."""
    data = json.dumps(body).encode()
    return Raw(head(status, {"Content-Type": "application/json", "Content-Length": len(data)}),
               *[data[i:i + 1] for i in range(len(data))], pause=pause)


class Recorded(dict):
    @property
    def query(self):
        return dict(self["query_pairs"])

    @property
    def form(self):
        return parse_qsl(self["body"].decode(), keep_blank_values=True)

    @property
    def json(self):
        return json.loads(self["body"].decode()) if self["body"] else None


class FakeApi:
    """answer(method, path, request) -> (status, headers, body) | DROP | Raw; or queue scripted answers."""

    def __init__(self):
        self.requests = []
        self.script = []
        self.route = None
        self._lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output quiet
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                rec = Recorded(client_port=self.client_address[1], method=self.command, path=parts.path, raw_query=parts.query,
                               query_pairs=parse_qsl(parts.query, keep_blank_values=True),
                               headers=dict(self.headers), body=body)
                with api._lock:
                    api.requests.append(rec)
                    answer = api.script.pop(0) if api.script else None
                if answer is None and api.route:
                    answer = api.route(rec)
                if answer is None:
                    answer = (200, {}, {"data": []})
                if answer is DROP:
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                if isinstance(answer, Raw):
                    self.close_connection = True
                    try:
                        for number, piece in enumerate(answer.pieces):
                            if number:
                                time.sleep(answer.pause)
                            self.wfile.write(piece)
                    except OSError:
                        pass  # the client gave up: that is what these answers test
                    return
                status, headers, payload = answer
                data = payload if isinstance(payload, bytes) else (
                    payload.encode() if isinstance(payload, str) else json.dumps(payload).encode())
                self.send_response(status)
                headers = dict(headers)
                headers.setdefault("Content-Type", "application/json")
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_DELETE = do_PATCH = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05})
        self.thread.daemon = True

    def queue(self, *answers):
        self.script.extend(answers)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_api():
    api = FakeApi()
    api.thread.start()
    yield api
    api.stop()


@contextlib.contextmanager
def _patch_module_args(args):
    """What ansible.module_utils.testing.patch_module_args does, for ansible-core before 2.19."""
    from ansible.module_utils import basic  # pylint: disable=import-outside-toplevel
    saved = basic._ANSIBLE_ARGS  # pylint: disable=protected-access
    basic._ANSIBLE_ARGS = json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode()  # pylint: disable=protected-access
    try:
        yield
    finally:
        basic._ANSIBLE_ARGS = saved  # pylint: disable=protected-access


def run_module(main, args, check_mode=False, capsys=None):
    """Run a module's main() with these arguments; return (failed, result dict)."""
    try:
        from ansible.module_utils.testing import patch_module_args  # pylint: disable=import-outside-toplevel
    except ImportError:  # ansible-core < 2.19
        patch_module_args = _patch_module_args
    if check_mode:
        args = dict(args, _ansible_check_mode=True)
    with patch_module_args(args):
        with pytest.raises(SystemExit) as exited:
            main()
    result = json.loads(capsys.readouterr().out)
    return exited.value.code != 0, result


class FakeClock:
    """Stands in for the time module inside http_layer.py and limiter.py: sleeps are recorded, not slept."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def monotonic(self):
        return self.now

    def time(self):
        return time.time()

    def sleep(self, seconds):
        self.sleeps.append(round(seconds, 3))
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(http_layer, "time", fake)
    monkeypatch.setattr(limiter, "time", fake)
    return fake
