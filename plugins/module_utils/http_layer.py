# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one HTTP layer of the collection: PRIVATE to commsops.sessions.

One requests.Session per client (keep-alive pool shared by every worker thread),
timeouts, TLS verification, retries with backoff that follow the server's hints,
a gate that makes every worker wait when one of them is told 429, and ApiError.
It knows no vendor: the clients in telnyx_rooms.py and twilio_proxy.py sit on it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import email.utils
import heapq
import http.client
import itertools
import json
import os
import random
import re
import socket
import threading
import time
import traceback
from urllib.parse import quote, quote_plus

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
    from urllib3.exceptions import HTTPError as Urllib3Error
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:  # pragma: no cover - exercised by the import sanity test
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

from ansible_collections.commsops.sessions.plugins.module_utils.limiter import DEFAULT_MAX_CONCURRENCY, Limiter
from ansible_collections.commsops.sessions.plugins.module_utils.validation import parse_number
from ansible_collections.commsops.sessions.plugins.module_utils.version import COLLECTION_NAME, COLLECTION_VERSION

USER_AGENT = "%s/%s (+https://github.com/commsops/sessions)" % (COLLECTION_NAME, COLLECTION_VERSION)

RETRYABLE_STATUSES = frozenset((408, 429, 500, 502, 503, 504))
# Sending one of these twice has the same effect as once, so they may be retried after any failure.
IDEMPOTENT_METHODS = frozenset(("GET", "HEAD", "DELETE", "OPTIONS"))
BACKOFF_BASE = 0.5
BACKOFF_CAP = 8.0
# A 429 without a hint (Twilio's concurrency limit sends none): the limiter has already lowered the
# concurrency, so the refused request waits only about a round trip, doubling while 429s keep coming.
LIMITED_BACKOFF_BASE = 0.05
REDACTED = "********"
# The most pages one listing reads. 10,000 pages hold 2.5 million Telnyx sessions (250 a page) or
# 10 million Twilio ones, far more than an account has; a server that claims more is lying or
# looping, and reading that many pages would keep a task busy for hours.
MAX_PAGES = 10000


class ApiError(Exception):
    """An API call that did not succeed.

    Carries the HTTP status (None when no answer came), the vendor's error code and
    message, and the request's method and path. Never a credential or a header.
    retries: how many times the request was sent again; the message says it (once) when not 0.
    may_have_applied: some attempt of this request may have reached the server and been carried
    out (its connection dropped after sending, or it was answered 500, 502 or 504), so the server's
    state has to be read to know what happened.
    """

    def __init__(self, message, status=None, code=None, method=None, path=None, more_info=None, retries=0,
                 may_have_applied=False):
        super(ApiError, self).__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.method = method
        self.path = path
        self.more_info = more_info
        self.retries = retries
        self.may_have_applied = may_have_applied

    def __str__(self):
        where = "%s %s" % (self.method, self.path) if self.method else "request"
        parts = [where + ":"]
        if self.status is not None:
            parts.append("HTTP %s" % self.status)
        if self.code not in (None, ""):
            parts.append("(code %s)" % self.code)
        text = " ".join(parts)
        text += " " + self.message if self.message else ""
        if self.more_info:
            text += " (see %s)" % self.more_info
        return text

    def to_dict(self):
        return dict(status=self.status, code=self.code, message=self.message, method=self.method,
                    path=self.path, more_info=self.more_info, retries=self.retries,
                    may_have_applied=self.may_have_applied)


def parse_error_body(text):
    """Return (code, message, more_info) from a vendor error body, whatever its shape."""
    try:
        body = json.loads(text) if text else None
    except ValueError:
        body = None
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            # Telnyx: {"errors": [{"code", "title", "detail"}, ...]}
            messages = [_join_title_detail(err) for err in errors if isinstance(err, dict)]
            return _text(errors[0].get("code")), "; ".join(m for m in messages if m), None
        if "title" in body and "code" in body:
            # Telnyx video_Error: one object, not wrapped in a list
            return _text(body.get("code")), _join_title_detail(body), None
        if "message" in body or "code" in body:
            # Twilio {code, message, more_info, status}, or Telnyx's bare {"message": ...}
            return _text(body.get("code")), _text(body.get("message")) or "", _text(body.get("more_info"))
    return None, _plain_text(text), None


def _join_title_detail(err):
    title, detail = _text(err.get("title")), _text(err.get("detail"))
    if title and detail and detail != title:
        return "%s: %s" % (title, detail)
    return title or detail or ""


def _text(value):
    return None if value is None else str(value)


def _plain_text(text, limit=300):
    """Body text for humans: tags dropped (an HTML error page from a proxy), whitespace collapsed."""
    if not text:
        return ""
    text = re.sub(r"(?is)<(script|style).*?</\1>", " ", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text[:limit] + ("..." if len(text) > limit else "")


def parse_retry_hint(headers, now=None):
    """Seconds the server asks us to wait, or None. Understands retry-after-ms, Retry-After (seconds or
    HTTP date) and Telnyx's x-ratelimit-reset (seconds). Retry-After is whole seconds, so a reset that
    is finer (sooner) wins: a rate limit that refills in 20 ms should not hold every worker for 1 s."""
    millis = _seconds(headers.get("retry-after-ms"))
    if millis is not None:
        return max(0.0, millis / 1000.0)
    hints = [_seconds(headers.get("x-ratelimit-reset"))]
    value = headers.get("retry-after")
    if value:
        hints.append(_seconds(value))
        parsed = email.utils.parsedate_tz(value) if hints[-1] is None else None
        if parsed:
            now = time.time() if now is None else now
            hints.append(email.utils.mktime_tz(parsed) - now)
    hints = [hint for hint in hints if hint is not None]
    return max(0.0, min(hints)) if hints else None


def _seconds(value):
    """A header's seconds (ASCII digits, maybe a decimal point), or None for anything else: a hint
    spelled '２' or '1e3' is ignored as if absent, never read another way."""
    return parse_number(value, decimal=True)


_KIND_NAMES = {dict: "an object", list: "a list of objects", str: "a string"}


def expect_object(body, key, kind, method, path):
    """body[key], when body is a JSON object whose `key` holds a `kind` (dict, list of objects or str).

    Anything else is an ApiError that says what came instead. It names types, never values,
    so no server text (an echoed credential) can reach it.
    """
    value = body.get(key) if isinstance(body, dict) else None
    if isinstance(body, dict) and isinstance(value, kind) and (
            kind is not list or all(isinstance(item, dict) for item in value)):
        return value
    if not isinstance(body, dict):
        got = "an empty answer" if body is None else _kind_of(body)
    elif key not in body:
        got = "an object without '%s'" % key
    elif kind is list and isinstance(value, list):
        got = "'%s' holding %s" % (key, ", ".join(sorted(set(_kind_of(item) for item in value if not isinstance(item, dict)))))
    else:
        got = "'%s' as %s" % (key, _kind_of(value))
    raise ApiError("expected a JSON object with '%s' (%s), got %s" % (key, _KIND_NAMES[kind], got),
                   method=method, path=path)


def _kind_of(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "an object"


def shown(value, limit=40):
    """A server value for an error message: short ones as they came (redact the message!), long ones by kind."""
    text = repr(value) if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= limit else _kind_of(value)


def secret_forms(secrets=(), auth=None, headers=None):
    """Every form a credential takes on the wire: raw, the Basic pair in Base64, the token of an
    Authorization header, and each of these percent-encoded (Base64 holds + / =)."""
    plain = [s for s in secrets if s]
    if isinstance(auth, tuple) and len(auth) == 2 and all(isinstance(part, str) for part in auth):
        plain.append(auth[1])
        pair = ("%s:%s" % auth).encode("latin1", "replace")  # what requests encodes for Basic auth
        encoded = base64.b64encode(pair).decode()
        plain.extend((encoded, encoded.rstrip("=")))  # a server may drop the padding
    for name, value in (headers or {}).items():
        if name.lower() in ("authorization", "proxy-authorization") and value:
            plain.append(value.split(" ", 1)[-1])
    forms = set()
    for text in plain:
        forms.update((text, quote(text, safe=""), quote_plus(text)))
    return sorted((form for form in forms if form), key=len, reverse=True)


class HttpClient:
    """One keep-alive session to one API, safe to share between worker threads."""

    def __init__(self, base_url, auth=None, headers=None, timeout=30, validate_certs=True,
                 max_retries=5, max_retry_wait=60, concurrency="auto", max_concurrency=DEFAULT_MAX_CONCURRENCY,
                 secrets=()):
        if not HAS_REQUESTS:
            raise ImportError("the Python library 'requests' is required")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_retry_wait = max_retry_wait
        self._secret_pattern = _pattern_of(secret_forms(secrets, auth, headers))
        # The one place concurrency is set: every request takes a permit, whoever sends it.
        self.limiter = Limiter(concurrency, max_concurrency)
        self.session = requests.Session()
        self.session.auth = auth
        # Proxies and the CA bundle come from the environment, like every HTTP client, but are read here
        # once: requests would read them (and ~/.netrc) again for each request, which cost more CPU than
        # the request itself. A netrc entry must not replace the credentials given anyway.
        self.session.trust_env = False
        self.session.proxies.update(requests.utils.get_environ_proxies(self.base_url))
        self.verify = validate_certs and (os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True)
        self.session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
        self.session.headers.update(headers or {})
        adapter = _WatchedAdapter(pool_connections=1, pool_maxsize=self.workers, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    @property
    def workers(self):
        """How many threads may usefully send at once: the limiter's bound."""
        return self.limiter.max

    def close(self):
        self.session.close()

    def url_for(self, path):
        return path if path.startswith(("http://", "https://")) else self.base_url + path

    def log_path(self, path):
        """The path an error shows for this request path (no host, no query)."""
        return _path_of(self.url_for(path))

    def error(self, message, method, path, status=None):
        """An ApiError of a client about this request path, with every credential form redacted."""
        return self._redacted(ApiError(message, status, None, method, self.log_path(path)))

    def request(self, method, path, params=None, json_body=None, form=None, idempotent=None,
                recover=None, expect=(200, 201, 204)):
        """Send one request and return (status, parsed JSON or None).

        idempotent: safe to send again after an ambiguous failure (default: GET/DELETE).
        recover: for a request that is not idempotent, called before resending it after an
        ambiguous failure; returns the resource if the first attempt turns out to have succeeded
        (then the answer is (200, resource)).
        A 429 is always retried: the server never processed it.
        Every ApiError leaves here redacted, whichever way it was made.
        """
        try:
            return self._request(method, path, params, json_body, form, idempotent, recover, expect)
        except ApiError as exc:
            raise self._redacted(exc) from None

    def _request(self, method, path, params, json_body, form, idempotent, recover, expect):
        method = method.upper()
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        url = self.url_for(path)
        log_path = _path_of(url)
        retries, waited, may_have_applied, limited = 0, 0.0, False, 0
        while True:
            waited += self.limiter.acquire()
            error, hint, ambiguous, rate_limited = None, None, False, False
            try:
                response = self._attempt(method, url, params, json_body, form)
            except requests.exceptions.SSLError as exc:
                raise _told(self._error("TLS verification failed (%s); set validate_certs=false only for "
                                        "a server you trust" % self._exc_text(exc), None, method, log_path, retries))
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                ambiguous = not _never_sent(exc)
                error = self._error("no answer from %s: %s" % (self.base_url, self._exc_text(exc)),
                                    None, method, log_path, retries)
            except _BrokenAnswer as exc:
                # Once sent, maybe carried out, like a read timeout.
                ambiguous = exc.sent
                error = self._error(str(exc), None, method, log_path, retries)
            except requests.exceptions.RequestException as exc:
                # Refused by requests before sending (an invalid URL or header): sending again cannot help.
                raise _told(self._error("the request could not be sent: %s" % self._exc_text(exc), None, method,
                                        log_path, retries))
            else:
                status = response.status_code
                if status in expect:
                    try:
                        return status, self._json(response, method, log_path, retries)
                    except ApiError as exc:
                        raise _told(exc)
                code, message, more_info = parse_error_body(self._redact(response.text))
                error = ApiError(message or response.reason or "", status, code, method,
                                 log_path, more_info, retries, may_have_applied)
                if status not in RETRYABLE_STATUSES:
                    raise _told(error)
                hint = parse_retry_hint(response.headers)
                rate_limited = status == 429
                # 429, 503 and 408 say the request was not processed; the others may hide a success.
                ambiguous = status in (500, 502, 504)
            may_have_applied = error.may_have_applied = may_have_applied or ambiguous
            if ambiguous and not idempotent:
                if recover is None:
                    raise _told(error)
                found = recover()
                if found is not None:
                    return 200, found
            if rate_limited and not hint:
                delay, limited = self._backoff(limited, LIMITED_BACKOFF_BASE), limited + 1
            else:
                delay = hint if hint is not None else self._backoff(retries)
            # A 429 was never processed: it uses up no retry, only max_retry_wait bounds the waiting.
            if (retries >= self.max_retries and not rate_limited) or waited + delay > self.max_retry_wait:
                error.retries = retries
                raise _told(error, waited)
            if rate_limited and hint:
                # The server said how long: every worker of this client holds back, so a batch slows
                # down instead of failing. Without a hint the limiter's back-off is the answer.
                self.limiter.close_gate(delay)
            elif rate_limited:
                time.sleep(delay)
                waited += delay
            else:
                time.sleep(delay)
                waited += delay
                retries += 1

    def _attempt(self, method, url, params, json_body, form):
        """One exchange under a permit of the limiter; the permit goes back with what the answer said."""
        started, signal, remaining = time.monotonic(), "error", None
        try:
            response = self._exchange(method, url, params, json_body, form)
            signal = {429: "limited", 503: "overloaded"}.get(response.status_code)
            if signal == "limited" and not parse_retry_hint(response.headers):
                signal = "crowded"  # no hint: a limit on requests in flight (Twilio's 20429), not on their rate
            remaining = _whole_header(response.headers, "x-ratelimit-remaining")
            return response
        finally:
            self.limiter.release(time.monotonic() - started, signal, remaining)

    def _exchange(self, method, url, params, json_body, form):
        """One attempt: the response with its whole body read, all within self.timeout.

        requests' timeout bounds each socket read, so a server that trickles a byte at a time would
        never time out. A watchdog, armed before anything is sent, shuts the connection's socket down at
        the deadline instead: the connection hands its socket over as soon as it has one (_Watched), so
        the deadline covers connecting, sending, the headers and the body alike.
        """
        watchdog = _Watchdog(self.timeout)
        _CURRENT.watchdog = watchdog
        response, broken = None, None
        try:
            try:
                response = self.session.request(method, url, params=params, json=json_body, data=form, stream=True,
                                                timeout=self.timeout, verify=self.verify, allow_redirects=False)
            except requests.exceptions.RequestException as exc:
                # Whatever broke (a read cut short, a handshake, a send), the deadline broke it. A read timeout
                # comes at the deadline too (each read waits self.timeout at most): the same error, whichever
                # came first.
                if not (watchdog.fired or isinstance(exc, requests.exceptions.ReadTimeout)):
                    raise
                broken = "no complete answer within %s s (timed out %s)" % (
                    self.timeout, "before the headers were complete" if watchdog.sent else "before the request was sent")
            finally:
                _CURRENT.watchdog = None
            if response is not None:
                watchdog.hold(response.raw)
                try:
                    response.content  # pylint: disable=pointless-statement
                except (OSError, http.client.HTTPException, Urllib3Error, ValueError) as exc:
                    # OSError covers requests' ChunkedEncodingError and ContentDecodingError.
                    broken = "the answer broke off: %s" % self._exc_text(exc)
                if watchdog.fired:
                    broken = "no complete answer within %s s (the server was still sending)" % self.timeout
                elif broken is None and _short_of_length(response):
                    broken = "the answer broke off after %d of %d bytes" % _short_of_length(response)
                if broken:
                    response.raw.close()  # a connection whose answer broke must not go back to the pool
        finally:
            watchdog.disarm()
            if response is not None:
                response.close()
        if broken:
            raise _BrokenAnswer(broken, sent=watchdog.sent)
        return response

    def _json(self, response, method, path, retries):
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise ApiError("the answer is not JSON: %s" % _plain_text(self._redact(response.text), 120),
                           response.status_code, None, method, path, None, retries)

    def _backoff(self, attempts, base=BACKOFF_BASE):
        return min(BACKOFF_CAP, base * (2 ** attempts)) * random.uniform(0.5, 1.0)

    def _redact(self, text):
        if not text or self._secret_pattern is None:
            return text
        return self._secret_pattern.sub(REDACTED, text)

    def _redacted(self, exc):
        """The ApiError with every credential form gone from every field (args too: repr shows them)."""
        for name in ("message", "code", "more_info", "path"):
            value = getattr(exc, name, None)
            if isinstance(value, str):
                setattr(exc, name, self._redact(value))
        exc.args = (exc.message,)
        return exc

    def _error(self, message, status, method, path, retries):
        return ApiError(message, status, None, method, path, None, retries)

    def _exc_text(self, exc):
        """A short description of a transport error, redacted before it is cut short."""
        text = str(exc.args[0]) if exc.args else exc.__class__.__name__
        # urllib3's wrapper says "Max retries exceeded" though it never retries here (our loop does, and
        # tells it once): keep only its cause.
        text = re.sub(r"^\w+\(host=[^)]*\): Max retries exceeded with url: \S* \(Caused by (.*)\)$", r"\1", text,
                      flags=re.DOTALL)
        text = re.sub(r"\(Caused by ", "(", self._redact(text))
        text = re.sub(r"\w+\(host=[^)]*\): ", "", text)  # the base URL in the message names the host already
        return text[:300]


class _BrokenAnswer(Exception):
    """No whole answer: cut off, garbled or too slow. sent: the request (or part of it) went out."""

    def __init__(self, message, sent=True):
        super(_BrokenAnswer, self).__init__(message)
        self.sent = sent


def _told(error, waited=None):
    """The error, its message saying once how often the request was sent again (ApiError.__str__ does not)."""
    if waited is not None and (error.retries or waited):
        error.message += " (gave up after %d retries and %.1f s of waiting)" % (error.retries, waited)
    elif error.retries:
        error.message += " (after %d retries)" % error.retries
    return error


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


if HAS_REQUESTS:
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

    class _WatchedAdapter(HTTPAdapter):
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


def _pattern_of(forms):
    return re.compile("|".join(re.escape(form) for form in forms), re.IGNORECASE) if forms else None


def _whole_header(headers, name):
    """A header's whole number; one spelled any other way ('²', '-1', '1e3') counts as absent."""
    return parse_number(headers.get(name))


def _path_of(url):
    """The path of a URL without scheme, host or query: what an error may show."""
    path = re.sub(r"^[a-z]+://[^/]*", "", url)
    return path.split("?", 1)[0] or "/"


def _never_sent(exc):
    """True when the request cannot have reached the server (it failed while connecting)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    text = repr(exc)
    return "NewConnectionError" in text or "Connection refused" in text or "Name or service not known" in text
