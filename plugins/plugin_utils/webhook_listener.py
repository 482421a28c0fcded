# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The HTTP listener of the webhook event sources: PRIVATE to commsops.sessions. No Ansible imports.

Built on asyncio's own server and a small HTTP/1.1 reader rather than aiohttp: it needs nothing but the
standard library (so it runs wherever the sources run, and imports under ansible-test), and every bound a
webhook listener needs is in plain sight here: a deadline for each request's headers and body, a header size
limit, a body size limit checked from Content-Length before a byte of the body is read (and the read itself is
exactly that long), a bound on open connections (the next one gets 503 at once), and refusals that close the
connection. A refusal's text is a fixed reason, never anything the client sent.

A source gives ``serve()`` its routes: path -> ``async handle(request) -> (status, reason)``. The handler
verifies and puts its event on the queue before it returns, so a 2xx means the event is queued.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import asyncio
import collections
import logging
import time

MAX_HEADER_BYTES = 16384
DEFAULT_MAX_BODY_BYTES = 1048576
DEFAULT_READ_TIMEOUT = 10.0
DEFAULT_MAX_CONNECTIONS = 512

REASONS = {
    100: "Continue", 200: "OK", 204: "No Content", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found",
    405: "Method Not Allowed", 408: "Request Timeout", 411: "Length Required", 413: "Content Too Large",
    415: "Unsupported Media Type", 431: "Request Header Fields Too Large", 500: "Internal Server Error",
    503: "Service Unavailable",
}

log = logging.getLogger(__name__)


class Request:
    """One request: ``method``, ``target`` (path and query as sent), ``path``, ``headers`` (lower-case names), ``body``."""

    def __init__(self, method, target, headers, body=b""):
        self.method = method
        self.target = target
        self.path = target.split("?", 1)[0]
        self.headers = headers
        self.body = body


class Refused(Exception):
    """Answer ``status`` with ``reason`` and close the connection."""

    def __init__(self, status, reason):
        super(Refused, self).__init__(reason)
        self.status = status
        self.reason = reason


class SeenRecently:
    """Keys seen within ``window`` seconds, at most ``max_entries`` of them (the oldest go first).

    Only requests that passed verification are remembered, so unsigned traffic cannot fill it.
    """

    def __init__(self, window, max_entries=100000, clock=time.monotonic):
        self.window = window
        self.max_entries = max_entries
        self.clock = clock
        self._until = collections.OrderedDict()

    def seen(self, key):
        """True if ``key`` was seen within the window; else remember it and return False. No await inside: atomic."""
        now = self.clock()
        while self._until and next(iter(self._until.values())) <= now:
            self._until.popitem(last=False)
        if key in self._until:
            return True
        while len(self._until) >= self.max_entries:
            self._until.popitem(last=False)
        self._until[key] = now + self.window
        return False

    def __len__(self):
        return len(self._until)


def _parse_head(head):
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1.") or not parts[1].startswith("/"):
        raise Refused(400, "malformed request line")
    headers = {}
    for line in lines[1:]:
        if not line:
            continue
        name, colon, value = line.partition(":")
        name = name.strip().lower()
        if not colon or not name or name != name.replace(" ", ""):
            raise Refused(400, "malformed header")
        value = value.strip()
        headers[name] = "%s, %s" % (headers[name], value) if name in headers else value
    return parts[0], parts[1], parts[2], headers


def _body_length(headers, max_body_bytes):
    if "transfer-encoding" in headers:
        raise Refused(411, "send the body with Content-Length")
    length = headers.get("content-length")
    if length is None:
        raise Refused(411, "Content-Length required")
    if not length.isdigit():
        raise Refused(400, "malformed Content-Length")
    if int(length) > max_body_bytes:
        raise Refused(413, "body over the size limit")
    return int(length)


def _answer(writer, status, reason="", keep_alive=False):
    text = reason.encode("utf-8")
    head = ["HTTP/1.1 %d %s" % (status, REASONS.get(status, "Status"))]
    if status == 204:
        text = b""
    else:
        head += ["Content-Type: text/plain; charset=utf-8", "Content-Length: %d" % len(text)]
    if status == 405:
        head.append("Allow: POST")
    head.append("Connection: %s" % ("keep-alive" if keep_alive else "close"))
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + text)


class Listener:
    """The connections of one source: ``routes`` maps a path to its handler."""

    def __init__(self, routes, max_body_bytes=DEFAULT_MAX_BODY_BYTES, read_timeout=DEFAULT_READ_TIMEOUT,
                 max_connections=DEFAULT_MAX_CONNECTIONS, name="webhook"):
        self.routes = routes
        self.max_body_bytes = max_body_bytes
        self.read_timeout = read_timeout
        self.max_connections = max_connections
        self.name = name
        self.tasks = set()  # one per open connection

    async def _read_request(self, reader, writer):
        """The next request on the connection, or None when the client closed it between requests."""
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), self.read_timeout)
        except asyncio.IncompleteReadError as exc:
            if exc.partial:
                raise Refused(400, "incomplete request")
            return None
        except asyncio.LimitOverrunError:
            raise Refused(431, "headers over the size limit")
        except asyncio.TimeoutError:
            raise Refused(408, "request not received in time")
        method, target, version, headers = _parse_head(head)
        request = Request(method, target, headers)
        if request.path not in self.routes:
            raise Refused(404, "no such path")
        if method != "POST":
            raise Refused(405, "only POST is accepted")
        length = _body_length(headers, self.max_body_bytes)
        if headers.get("expect", "").lower() == "100-continue":
            writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        try:
            request.body = await asyncio.wait_for(reader.readexactly(length), self.read_timeout)
        except asyncio.IncompleteReadError:
            raise Refused(400, "body shorter than Content-Length")
        except asyncio.TimeoutError:
            raise Refused(408, "body not received in time")
        request.keep_alive = version == "HTTP/1.1" and "close" not in headers.get("connection", "").lower()
        return request

    async def connection(self, reader, writer):
        if len(self.tasks) >= self.max_connections:
            _answer(writer, 503, "too many connections")
            writer.close()  # sends what is buffered, then closes
            return
        self.tasks.add(asyncio.current_task())
        try:
            while True:
                try:
                    request = await self._read_request(reader, writer)
                    if request is None:
                        return
                    status, reason = await self.routes[request.path](request)
                except Refused as refusal:
                    log.info("%s listener refused a request: %d %s", self.name, refusal.status, refusal.reason)
                    _answer(writer, refusal.status, refusal.reason)
                    return
                except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
                    raise
                except Exception:  # pylint: disable=broad-except
                    # A bug must cost one request, not the listener; the type only, never the request's data.
                    log.error("%s listener failed on a request", self.name, exc_info=True)
                    _answer(writer, 500, "internal error")
                    return
                keep_alive = request.keep_alive and status < 300
                if status >= 300:
                    log.info("%s listener refused a request: %d %s", self.name, status, reason)
                _answer(writer, status, reason, keep_alive)
                await writer.drain()
                if not keep_alive:
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            return  # the client went away; nothing to answer
        except asyncio.CancelledError:
            return  # the listener is closing (serve() cancelled this connection); the socket is closed below
        finally:
            self.tasks.discard(asyncio.current_task())
            writer.close()

    async def serve(self, host, port):
        """Listen until cancelled; on the way out close the port and every open connection."""
        server = await asyncio.start_server(self.connection, host, port, limit=MAX_HEADER_BYTES)
        log.info("%s listener on %s", self.name, ", ".join("%s:%s" % s.getsockname()[:2] for s in server.sockets))
        try:
            await server.serve_forever()
        finally:
            server.close()
            # End every open connection too, so that nothing of this source outlives it.
            tasks = list(self.tasks)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await server.wait_closed()


def option(args, name, default=None, env=None, environ=None):
    """``args[name]``, else the environment variable ``env``, else ``default`` (an empty string counts as unset)."""
    value = args.get(name)
    if value is None or value == "":
        value = (environ or {}).get(env) if env else None
    return default if value is None or value == "" else value


def number(args, name, default, kind=int, minimum=0):
    value = args.get(name)
    value = default if value is None else value
    if value is None:
        raise ValueError("%s is required" % name)
    try:
        value = kind(value)
    except (TypeError, ValueError):
        raise ValueError("%s must be a number" % name)
    if value < minimum:
        raise ValueError("%s must be at least %s" % (name, minimum))
    return value


def listener_options(args):
    """The options every listener takes: host, port, max_body_bytes, read_timeout, max_connections."""
    return {
        "host": args.get("host") or "127.0.0.1",
        "port": number(args, "port", None, minimum=1),
        "max_body_bytes": number(args, "max_body_bytes", DEFAULT_MAX_BODY_BYTES, minimum=1),
        "read_timeout": number(args, "read_timeout", DEFAULT_READ_TIMEOUT, kind=float, minimum=0.1),
        "max_connections": number(args, "max_connections", DEFAULT_MAX_CONNECTIONS, minimum=1),
    }


async def put_event(queue, event):
    await queue.put(event)
    await asyncio.sleep(0)  # let the rule engine take it: the queue is bounded
