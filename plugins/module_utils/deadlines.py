# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The deadline of one HTTP exchange, connect to last body byte: PRIVATE to commsops.sessions.

requests' timeout bounds each socket read, so a server that trickles a byte at a time would never time
out. Here a watchdog (_Watchdog), armed before anything is sent, shuts the exchange's socket down at the
deadline; the connections of WatchedAdapter hand it their socket as soon as they have one; one thread
(_Deadlines) serves every watchdog of the process. exchange() is one attempt under it. No vendor, no Ansible.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import heapq
import http.client
import itertools
import socket
import threading
import time

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
    from urllib3.exceptions import HTTPError as Urllib3Error
    _IMPORTED = True
except ImportError:  # pragma: no cover - http_layer.HAS_REQUESTS says so
    _IMPORTED = False

from ansible_collections.commsops.sessions.plugins.module_utils.validation import parse_number


def exchange(session, method, url, timeout, describe, **kwargs):
    """One attempt: the response with its whole body read, all within timeout (a BrokenAnswer if not).

    The watchdog is armed before anything is sent; the connection hands it its socket (_Watched), so the
    deadline covers connecting, sending, the headers and the body alike. describe(exc) is a transport
    error's text for a message (the client's, redacted). kwargs: params, json, data and verify (see _send).
    """
    watchdog = _Watchdog(timeout)
    _CURRENT.watchdog = watchdog
    response, broken = None, None
    try:
        try:
            response = _send(session, method, url, timeout, **kwargs)
        except requests.exceptions.RequestException as exc:
            # Whatever broke (a read cut short, a handshake, a send), the deadline broke it. A read timeout
            # comes at the deadline too (each read waits timeout at most): the same error, whichever
            # came first.
            if not (watchdog.fired or isinstance(exc, requests.exceptions.ReadTimeout)):
                raise
            broken = "no complete answer within %s s (timed out %s)" % (
                timeout, "before the headers were complete" if watchdog.sent else "before the request was sent")
        finally:
            _CURRENT.watchdog = None
        if response is not None:
            watchdog.hold(response.raw)
            try:
                response.content  # pylint: disable=pointless-statement
            except (OSError, http.client.HTTPException, Urllib3Error, ValueError) as exc:
                # OSError covers requests' ChunkedEncodingError and ContentDecodingError.
                broken = "the answer broke off: %s" % describe(exc)
            if watchdog.fired:
                broken = "no complete answer within %s s (the server was still sending)" % timeout
            elif broken is None and _short_of_length(response):
                broken = "the answer broke off after %d of %d bytes" % _short_of_length(response)
            if broken:
                response.raw.close()  # a connection whose answer broke must not go back to the pool
    finally:
        watchdog.disarm()
        if response is not None:
            response.close()
    if broken:
        raise BrokenAnswer(broken, sent=watchdog.sent)
    return response


def _send(session, method, url, timeout, params=None, json=None, data=None, verify=True):
    """session.request without its per-request merging of settings: the session's headers, auth, cookies and
    proxies are taken as they are (trust_env is off, so there is nothing in the environment to merge)."""
    prepared = requests.Request(method=method, url=url, headers=session.headers, params=params, json=json, data=data,
                                auth=session.auth, cookies=session.cookies, hooks=session.hooks).prepare()
    return session.send(prepared, stream=True, timeout=timeout, verify=verify, allow_redirects=False,
                        proxies=session.proxies, cert=session.cert)


class BrokenAnswer(Exception):
    """No whole answer: cut off, garbled or too slow. sent: the request (or part of it) went out."""

    def __init__(self, message, sent=True):
        super(BrokenAnswer, self).__init__(message)
        self.sent = sent


# The watchdog of the exchange this thread is in, for its connection to hand its socket to.
_CURRENT = threading.local()


class _Watchdog:
    """Shuts the exchange's socket down at the deadline, so a blocked connect, send or read fails at once.

    The connection hands its socket over (attach) as soon as it has one, from before the request is
    sent. Once the headers are in, it holds the connection until disarmed (hold): urllib3 would hand it
    back to the pool as soon as the body is read, and then the watchdog could cut a connection another
    thread is using.
    """

    def __init__(self, seconds):
        self.fired = False
        self.sent = False
        self._sock = None
        self._raw = None
        self._lock = threading.Lock()
        self._armed = True
        self._deadline = _DEADLINES.call_later(seconds, self._fire)

    def attach(self, sock, sending):
        """The socket of the connection in use (sending: a byte of the request is about to go out)."""
        with self._lock:
            # Once fired, the socket is shut (here or in _fire): nothing more can go out on it.
            self.sent = self.sent or (sending and not self.fired)
            if sock is not None:
                self._sock = sock
                if self.fired:
                    _shut(sock)  # the deadline passed while connecting

    def hold(self, raw):
        """The headers came: keep the connection out of the pool until disarmed."""
        self._raw = raw
        raw.release_conn = _hold

    def _fire(self):
        with self._lock:
            if not self._armed:
                return
            self.fired = True
            sock = self._sock or getattr(getattr(self._raw, "connection", None), "sock", None)
            _shut(sock)

    def disarm(self):
        with self._lock:
            self._armed = False
            _DEADLINES.cancel(self._deadline)
        raw = self._raw
        if raw is None:
            return
        del raw.release_conn
        connection = getattr(raw, "connection", None)
        if self.fired and connection is not None:
            connection.close()  # its socket is shut down: the pool must open a new one
        raw.release_conn()


def _shut(sock):
    try:
        # socket.socket's own shutdown: an SSLSocket's would pull its state from under the reader.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except (OSError, TypeError):
        pass  # already closed, or not a plain socket: the deadline check still catches it


def _watch(sock, sending):
    watchdog = getattr(_CURRENT, "watchdog", None)
    if watchdog is not None:
        watchdog.attach(sock, sending)


if _IMPORTED:
    class _Watched:
        """A connection that hands its socket to the current exchange's watchdog: the new socket before
        the TLS handshake or a proxy's CONNECT, a reused one before the request goes out."""

        _connecting = False

        def _new_conn(self):
            sock = super()._new_conn()
            _watch(sock, sending=False)
            return sock

        def connect(self):
            self._connecting = True  # the CONNECT to a proxy is sent from here: not the request yet
            try:
                super().connect()
            finally:
                self._connecting = False

        def send(self, data):
            if self.sock is None and self.auto_open and not self._connecting:
                self.connect()  # as http.client would, but first: connecting is not sending
            _watch(self.sock, sending=not self._connecting)
            super().send(data)

    class _WatchedHTTPConnection(_Watched, HTTPConnection):
        pass

    class _WatchedHTTPSConnection(_Watched, HTTPSConnection):
        pass

    class _WatchedHTTPPool(HTTPConnectionPool):
        ConnectionCls = _WatchedHTTPConnection

    class _WatchedHTTPSPool(HTTPSConnectionPool):
        ConnectionCls = _WatchedHTTPSConnection

    _WATCHED_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}

    class WatchedAdapter(HTTPAdapter):
        """requests' adapter, with connections that hand their sockets to the deadline (SOCKS proxies
        keep their own: there the deadline covers the body only)."""

        def init_poolmanager(self, *args, **kwargs):
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = _WATCHED_POOLS

        def proxy_manager_for(self, proxy, **proxy_kwargs):
            manager = super().proxy_manager_for(proxy, **proxy_kwargs)
            if not proxy.lower().startswith("socks"):
                manager.pool_classes_by_scheme = _WATCHED_POOLS
            return manager
else:  # pragma: no cover - without requests, HttpClient refuses to start (http_layer.HAS_REQUESTS)
    WatchedAdapter = None


def _hold():
    """Stands in for release_conn while the watchdog is armed."""


class _Deadlines:
    """One thread that calls each callback at its deadline, for every watchdog of the process (a timer
    thread per request cost more CPU than the request). It keeps real time: tests fake the module's clock."""

    def __init__(self):
        self._cond = threading.Condition()
        self._heap = []  # [deadline, order, callback or None once cancelled]
        self._order = itertools.count()
        self._thread = None

    def call_later(self, seconds, callback):
        entry = [_real_monotonic() + max(0.0, seconds), next(self._order), callback]
        with self._cond:
            heapq.heappush(self._heap, entry)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="commsops-deadlines", daemon=True)
                self._thread.start()
            elif self._heap[0] is entry:
                self._cond.notify()
        return entry

    def cancel(self, entry):
        with self._cond:
            entry[2] = None  # dropped when it comes to the top of the heap

    def _run(self):
        with self._cond:
            while True:
                while self._heap and self._heap[0][2] is None:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._cond.wait()
                    continue
                wait = self._heap[0][0] - _real_monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                callback = heapq.heappop(self._heap)[2]
                self._cond.release()
                try:
                    callback()
                finally:
                    self._cond.acquire()


_real_monotonic = time.monotonic
_DEADLINES = _Deadlines()


def _short_of_length(response):
    """(received, promised) when the body is shorter than its Content-Length (urllib3 1.x lets that pass)."""
    promised, tell = parse_number(response.headers.get("Content-Length")), getattr(response.raw, "tell", None)
    if (promised is None or tell is None or response.status_code in (204, 304) or response.request.method == "HEAD"
            or "chunked" in response.headers.get("Transfer-Encoding", "").lower()):
        return None
    received = tell()
    return (received, promised) if isinstance(received, int) and received < promised else None
