# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run an event source's ``main(queue, args)`` on a free port, send it real HTTP requests, read its queue.

The source runs in an asyncio loop on a thread of its own, so tests send with plain http.client (and many
at once from a thread pool) exactly as a vendor would, and every test ends by cancelling the source and
checking that its port is closed.
"""

import asyncio
import contextlib
import http.client
import os
import socket
import sys
import threading

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from collection_path import ensure_importable  # noqa: E402  pylint: disable=wrong-import-position

ensure_importable()

START_TIMEOUT = 10


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def refuses_connections(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False


class Listening:
    """A running source: ``post()`` sends one request, ``events()`` takes everything queued so far."""

    def __init__(self, main, args):
        self.main = main
        self.port = free_port()
        self.args = dict(args, port=self.port)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.queue = self.task = None

    def _run(self, coro, timeout=START_TIMEOUT):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def _start(self):
        self.queue = asyncio.Queue()
        self.task = asyncio.ensure_future(self.main(self.queue, self.args))
        for _attempt in range(START_TIMEOUT * 20):
            if self.task.done():
                return self.task.result()  # raises what main raised
            try:
                _reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            except OSError:
                await asyncio.sleep(0.05)
                continue
            writer.close()
            return None
        raise AssertionError("the source did not listen on port %d" % self.port)

    async def _stop(self):
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)

    async def _drain(self):
        await asyncio.sleep(0)
        taken = []
        while not self.queue.empty():
            taken.append(self.queue.get_nowait())
        return taken

    def __enter__(self):
        self.thread.start()
        try:
            self._run(self._start())
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *_exc):
        try:
            if self.task is not None:
                self._run(self._stop())
                assert refuses_connections(self.port), "the port is still open after the source was cancelled"
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(START_TIMEOUT)
            self.loop.close()

    def events(self):
        return self._run(self._drain())

    def post(self, path, body=b"", headers=None, method="POST"):
        """(status, response text) of one request on a new connection."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=START_TIMEOUT)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def raw(self, data):
        """The status line and headers the listener answers to ``data`` sent as is (it may answer before reading all)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=START_TIMEOUT) as sock:
            with contextlib.suppress(OSError):
                sock.sendall(data)
            answer = b""
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                answer += chunk
        return answer.decode("latin-1")


@pytest.fixture
def listening():
    return Listening
