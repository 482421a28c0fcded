# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one HTTP layer of the collection: PRIVATE to commsops.sessions.

One requests.Session per client (keep-alive pool shared by every worker thread),
timeouts, TLS verification, retries with backoff that follow the server's hints,
a gate that makes every worker wait when one of them is told 429, and ApiError.
It knows no vendor: the clients in telnyx.py and twilio_proxy.py sit on it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import json
import random
import re
import threading
import time
import traceback

try:
    import requests
    from requests.adapters import HTTPAdapter
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:  # pragma: no cover - exercised by the import sanity test
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

COLLECTION_NAME = "commsops.sessions"
COLLECTION_VERSION = "0.1.0"
USER_AGENT = "%s/%s (+https://github.com/commsops/sessions)" % (COLLECTION_NAME, COLLECTION_VERSION)

RETRYABLE_STATUSES = frozenset((408, 429, 500, 502, 503, 504))
SAFE_METHODS = frozenset(("GET", "HEAD", "DELETE", "OPTIONS"))
BACKOFF_BASE = 0.5
BACKOFF_CAP = 8.0
REDACTED = "********"


class ApiError(Exception):
    """An API call that did not succeed.

    Carries the HTTP status (None when no answer came), the vendor's error code and
    message, and the request's method and path. Never a credential or a header.
    """

    def __init__(self, message, status=None, code=None, method=None, path=None, more_info=None, retries=0):
        super(ApiError, self).__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.method = method
        self.path = path
        self.more_info = more_info
        self.retries = retries

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
        if self.retries:
            text += " [after %d retries]" % self.retries
        return text

    def to_dict(self):
        return dict(status=self.status, code=self.code, message=self.message, method=self.method,
                    path=self.path, more_info=self.more_info, retries=self.retries)


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
    """Seconds the server asks us to wait, or None. Understands retry-after-ms,
    Retry-After (seconds or HTTP date) and Telnyx's x-ratelimit-reset (seconds)."""
    value = headers.get("retry-after-ms")
    if value:
        try:
            return max(0.0, float(value) / 1000.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            parsed = email.utils.parsedate_tz(value)
            if parsed:
                now = time.time() if now is None else now
                return max(0.0, email.utils.mktime_tz(parsed) - now)
    value = headers.get("x-ratelimit-reset")
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
    return None


class HttpClient:
    """One keep-alive session to one API, safe to share between worker threads."""

    def __init__(self, base_url, auth=None, headers=None, timeout=30, validate_certs=True,
                 max_retries=5, max_retry_wait=60, pool_size=16, secrets=()):
        if not HAS_REQUESTS:
            raise ImportError("the Python library 'requests' is required")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_retry_wait = max_retry_wait
        self._secrets = [s for s in secrets if s]
        self._gate_lock = threading.Lock()
        self._not_before = 0.0
        self.session = requests.Session()
        self.validate_certs = validate_certs
        self.session.auth = auth
        self.session.trust_env = True  # proxies from the environment, like every HTTP client
        self.session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
        self.session.headers.update(headers or {})
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=max(1, pool_size), max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def close(self):
        self.session.close()

    def url_for(self, path):
        return path if path.startswith(("http://", "https://")) else self.base_url + path

    def request(self, method, path, params=None, json_body=None, form=None, idempotent=None,
                recover=None, expect=(200, 201, 204)):
        """Send one request and return (status, parsed JSON or None).

        idempotent: safe to send again after an ambiguous failure (default: GET/DELETE).
        recover: for a request that is not idempotent, called before resending it after an
        ambiguous failure; returns the resource if the first attempt turns out to have succeeded
        (then the answer is (200, resource)).
        A 429 is always retried: the server never processed it.
        """
        method = method.upper()
        if idempotent is None:
            idempotent = method in SAFE_METHODS
        url = self.url_for(path)
        log_path = _path_of(url)
        retries, waited = 0, 0.0
        while True:
            waited += self._wait_for_gate()
            error, hint, ambiguous, rate_limited = None, None, False, False
            try:
                # verify is passed on each request: a session-level False loses to REQUESTS_CA_BUNDLE.
                response = self.session.request(method, url, params=params, json=json_body, data=form,
                                                timeout=self.timeout, verify=self.validate_certs, allow_redirects=False)
            except requests.exceptions.SSLError as exc:
                raise self._error("TLS verification failed (%s); set validate_certs=false only for "
                                  "a server you trust" % _exc_text(exc), None, method, log_path, retries)
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                ambiguous = not _never_sent(exc)
                error = self._error("no answer from %s: %s" % (self.base_url, _exc_text(exc)),
                                    None, method, log_path, retries)
            else:
                status = response.status_code
                if status in expect:
                    return status, self._json(response, method, log_path, retries)
                code, message, more_info = parse_error_body(response.text)
                error = ApiError(self._redact(message or response.reason or ""), status, code, method,
                                 log_path, more_info, retries)
                if status not in RETRYABLE_STATUSES:
                    raise error
                hint = parse_retry_hint(response.headers)
                rate_limited = status == 429
                # 429, 503 and 408 say the request was not processed; the others may hide a success.
                ambiguous = status in (500, 502, 504)
            if ambiguous and not idempotent:
                if recover is None:
                    raise error
                found = recover()
                if found is not None:
                    return 200, found
            delay = hint if hint is not None else self._backoff(retries)
            if retries >= self.max_retries or waited + delay > self.max_retry_wait:
                error.retries = retries
                if retries:
                    error.message += " (gave up after %d retries and %.1f s of waiting)" % (retries, waited)
                raise error
            if rate_limited:
                # Every worker of this client holds back, so a batch slows down instead of failing.
                self._close_gate(delay)
            else:
                time.sleep(delay)
                waited += delay
            retries += 1

    def _json(self, response, method, path, retries):
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise ApiError("the answer is not JSON: %s" % self._redact(_plain_text(response.text, 120)),
                           response.status_code, None, method, path, None, retries)

    def _backoff(self, retries):
        return min(BACKOFF_CAP, BACKOFF_BASE * (2 ** retries)) * random.uniform(0.5, 1.0)

    def _close_gate(self, seconds):
        with self._gate_lock:
            self._not_before = max(self._not_before, time.monotonic() + seconds)

    def _wait_for_gate(self):
        """Sleep while the gate is closed; return the seconds slept."""
        slept = 0.0
        while True:
            with self._gate_lock:
                pause = self._not_before - time.monotonic()
            if pause <= 0:
                return slept
            time.sleep(pause)
            slept += pause

    def _redact(self, text):
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def _error(self, message, status, method, path, retries):
        return ApiError(self._redact(message), status, None, method, path, None, retries)


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


def _exc_text(exc):
    """A short description of a transport error, without URLs that could carry a query."""
    text = str(exc.args[0]) if exc.args else exc.__class__.__name__
    text = re.sub(r"\(Caused by ", "(", text)
    return text[:300]
