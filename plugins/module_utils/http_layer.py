# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The HTTP client of the collection: PRIVATE to commsops.sessions.

HttpClient: one requests.Session per client (keep-alive pool shared by every worker thread), TLS
verification, a limiter that decides how many requests are in flight, and the loop that sends a
request, asks retry_policy.decide what to do after a failure, and waits. It runs work over items for
its vendor client (map) and reports its concurrency. The errors are api_error.py's, the deadline of
an exchange deadlines.py's. It knows no vendor: the clients in telnyx_rooms.py and twilio_proxy.py sit on it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import time
import traceback

try:
    import requests
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:  # pragma: no cover - exercised by the import sanity test
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

from ansible_collections.commsops.sessions.plugins.module_utils.api_error import (
    ApiError, parse_error_body, plain_text, redacted, redactor, secret_forms, told)
from ansible_collections.commsops.sessions.plugins.module_utils.bulk import bounded_map
from ansible_collections.commsops.sessions.plugins.module_utils.deadlines import BrokenAnswer, WatchedAdapter, exchange
from ansible_collections.commsops.sessions.plugins.module_utils.limiter import DEFAULT_MAX_CONCURRENCY, Limiter
from ansible_collections.commsops.sessions.plugins.module_utils.retry_policy import (
    BROKEN, DROPPED, GIVE_UP, RETRY, UNSENT, Attempts, Limits, decide, parse_retry_hint)
from ansible_collections.commsops.sessions.plugins.module_utils.validation import parse_number
from ansible_collections.commsops.sessions.plugins.module_utils.version import COLLECTION_NAME, COLLECTION_VERSION

USER_AGENT = "%s/%s (+https://github.com/commsops/sessions)" % (COLLECTION_NAME, COLLECTION_VERSION)
# The most pages one listing reads. 10,000 pages hold 2.5 million Telnyx sessions (250 a page) or
# 10 million Twilio ones, far more than an account has; a server that claims more is lying or
# looping, and reading that many pages would keep a task busy for hours.
MAX_PAGES = 10000


def unseen(items, field, seen):
    """The listed items whose `field` (a string id) is not in seen yet, which learns them; items without one
    are kept. Both clients drop, with it, the repeats that sessions moving between pages cause."""
    fresh = []
    for item in items:
        key = item.get(field)
        if not isinstance(key, str):
            fresh.append(item)
        elif key not in seen:
            seen.add(key)
            fresh.append(item)
    return fresh


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
        self.redact = redactor(secret_forms(secrets, auth, headers))
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
        adapter = WatchedAdapter(pool_connections=1, pool_maxsize=self.workers, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    @property
    def workers(self):
        """How many threads may usefully send at once: the limiter's bound."""
        return self.limiter.max

    def close(self):
        self.session.close()

    def map(self, func, items):
        """func(item) for each item, lazily and in input order, at most workers at a time: the one way
        to run work over items (bulk.py's helpers and the clients' page reading use it)."""
        return bounded_map(func, items, self.workers)

    def concurrency_report(self, with_trace=False):
        """What the limiter did (Limiter.report): a bulk module returns it as concurrency."""
        return self.limiter.report(with_trace)

    def url_for(self, path):
        return path if path.startswith(("http://", "https://")) else self.base_url + path

    def log_path(self, path):
        """The path an error shows for this request path (no host, no query)."""
        return _path_of(self.url_for(path))

    def error(self, message, method, path, status=None):
        """An ApiError of a client about this request path, with every credential form redacted."""
        return redacted(ApiError(message, status, None, method, self.log_path(path)), self.redact)

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
            raise redacted(exc, self.redact) from None

    def _request(self, method, path, params, json_body, form, idempotent, recover, expect):
        method = method.upper()
        url = self.url_for(path)
        log_path = _path_of(url)
        attempts, limits = Attempts(), Limits(self.max_retries, self.max_retry_wait)
        while True:
            attempts = attempts.after_waiting(self.limiter.acquire())
            headers = {}
            try:
                response = self._attempt(method, url, params, json_body, form)
            except requests.exceptions.SSLError as exc:
                raise told(ApiError("TLS verification failed (%s); set validate_certs=false only for a server you "
                                    "trust" % self._exc_text(exc), None, None, method, log_path, None, attempts.retries))
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                outcome = UNSENT if _never_sent(exc) else DROPPED
                error = ApiError("no answer from %s: %s" % (self.base_url, self._exc_text(exc)),
                                 None, None, method, log_path, None, attempts.retries)
            except BrokenAnswer as exc:
                outcome = BROKEN if exc.sent else UNSENT
                error = ApiError(str(exc), None, None, method, log_path, None, attempts.retries)
            except requests.exceptions.RequestException as exc:
                # Refused by requests before sending (an invalid URL or header): sending again cannot help.
                raise told(ApiError("the request could not be sent: %s" % self._exc_text(exc), None, None, method,
                                    log_path, None, attempts.retries))
            else:
                outcome, headers = response.status_code, response.headers
                if outcome in expect:
                    try:
                        return outcome, self._json(response, method, log_path, attempts.retries)
                    except ApiError as exc:
                        raise told(exc)
                code, message, more_info = parse_error_body(self.redact(response.text))
                error = ApiError(message or response.reason or "", outcome, code, method,
                                 log_path, more_info, attempts.retries)
            decision = decide(attempts, method, idempotent, outcome, headers, limits, recover is not None)
            attempts = decision.attempts
            error.may_have_applied = attempts.may_have_applied
            if decision.settle:
                found = recover()
                if found is not None:
                    return 200, found
            if decision.action == GIVE_UP:
                raise told(error)
            if decision.action != RETRY:
                raise told(error, attempts.waited)
            if decision.gate:
                self.limiter.close_gate(decision.wait)
            else:
                time.sleep(decision.wait)

    def _attempt(self, method, url, params, json_body, form):
        """One exchange under a permit of the limiter; the permit goes back with what the answer said."""
        started, signal, remaining = time.monotonic(), "error", None
        try:
            response = exchange(self.session, method, url, self.timeout, self._exc_text, params=params,
                                json=json_body, data=form, verify=self.verify)
            signal = {429: "limited", 503: "overloaded"}.get(response.status_code)
            if signal == "limited" and not parse_retry_hint(response.headers):
                signal = "crowded"  # no hint: a limit on requests in flight (Twilio's 20429), not on their rate
            remaining = _whole_header(response.headers, "x-ratelimit-remaining")
            return response
        finally:
            self.limiter.release(time.monotonic() - started, signal, remaining)

    def _json(self, response, method, path, retries):
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise ApiError("the answer is not JSON: %s" % plain_text(self.redact(response.text), 120),
                           response.status_code, None, method, path, None, retries)

    def _exc_text(self, exc):
        """A short description of a transport error, redacted before it is cut short."""
        text = str(exc.args[0]) if exc.args else exc.__class__.__name__
        # urllib3's wrapper says "Max retries exceeded" though it never retries here (our loop does, and
        # tells it once): keep only its cause.
        text = re.sub(r"^\w+\(host=[^)]*\): Max retries exceeded with url: \S* \(Caused by (.*)\)$", r"\1", text,
                      flags=re.DOTALL)
        text = re.sub(r"\(Caused by ", "(", self.redact(text))
        text = re.sub(r"\w+\(host=[^)]*\): ", "", text)  # the base URL in the message names the host already
        return text[:300]


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
