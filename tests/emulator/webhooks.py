# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The events the emulator pushes, signed: Telnyx room webhooks and Twilio Proxy callbacks.

The stores note what happened in their `outbox` (a session started, a participant left, an interaction); the
middleware and the admin API hand each account's outbox to `Webhooks.collect` once a request is served. From there
a background thread delivers: an API answer never waits for a webhook. A delivery that fails (not 2xx, a timeout,
no connection) tries the failover URL (Telnyx), then is retried with backoff up to `attempts` times
(`meta.attempt` counts). Event faults (faults.EVENT_FAULT_MODES) duplicate an event, hold it back until the next
one, or send it again late. Every request sent is in the log (`GET /_emulator/deliveries`), without a secret.

Telnyx signs with Ed25519 over "<timestamp>|<raw body>" with a key pair the emulator holds (its public key is
`GET /_emulator/webhook_key`); Twilio with HMAC-SHA1 over the URL and the sorted form fields, keyed by the
account's auth token. Ed25519 needs `cryptography` (ansible-core brings it); without it the Telnyx events are
logged as not sent, and the rest of the emulator still needs only the standard library.
"""

import base64
import collections
import hashlib
import heapq
import hmac
import itertools
import json
import socket
import threading
import time
import urllib.error
import urllib.request
import uuid
from urllib.parse import urlencode

from .common import iso, now
from .faults import draw_event_fault

try:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
except ImportError:  # the rest of the emulator runs on the standard library alone
    Ed25519PrivateKey = None

TELNYX_TIMEOUT_SECS = 10  # a room's webhook_timeout_secs null (or 0): the emulator's choice
TWILIO_TIMEOUT_SECS = 15  # Twilio's default for a webhook
LOG_SIZE = 10000  # deliveries kept in the log (the oldest go first)
USER_AGENT = "commsops-emulator-webhooks"
# No proxy from the environment: deliveries go where the room or service says, as the vendor's would.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


# Signing -----------------------------------------------------------------------

def load_private_key(text=None):
    """The Ed25519 key: from base64 of its 32-byte seed (reproducible tests), else a new one; None without cryptography."""
    if Ed25519PrivateKey is None:
        return None
    if text:
        return Ed25519PrivateKey.from_private_bytes(base64.b64decode(text))
    return Ed25519PrivateKey.generate()


def public_key_b64(private_key):
    raw = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def telnyx_headers(private_key, body, timestamp=None):
    """Telnyx's signature headers for a raw body: Ed25519 over "<timestamp>|<body>", base64."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = private_key.sign(stamp.encode() + b"|" + body)
    return {"telnyx-signature-ed25519": base64.b64encode(signature).decode(), "telnyx-timestamp": stamp}


def twilio_signature(auth_token, url, fields):
    """X-Twilio-Signature: base64 of HMAC-SHA1 (the auth token) over the URL, then each field's name and value,
    sorted by name."""
    text = url + "".join(name + str(fields[name]) for name in sorted(fields))
    return base64.b64encode(hmac.new(auth_token.encode(), text.encode(), hashlib.sha1).digest()).decode()


# Events, as the stores note them -------------------------------------------------

def telnyx_event(room, event_type, payload, stamp):
    """An outbox entry for a room's webhook (None when the room has no webhook_event_url)."""
    if not room or not room.get("webhook_event_url"):
        return None
    return {"vendor": "telnyx", "event_type": event_type, "event_id": str(uuid.uuid4()),
            "data": {"record_type": "event", "event_type": event_type, "id": None, "occurred_at": iso(stamp),
                     "payload": payload},
            "urls": [url for url in (room["webhook_event_url"], room.get("webhook_event_failover_url")) if url],
            "timeout": room.get("webhook_timeout_secs") or TELNYX_TIMEOUT_SECS}


# The event types of the callbacks, by the service's URL that gets them (as the event sources name them).
INTERACTION, INTERCEPT, OUT_OF_SESSION = "proxy.interaction", "proxy.interaction.intercept", "proxy.out_of_session"


def twilio_event(event_type, url, fields, then=None):
    """An outbox entry for a Proxy service's callback (without a URL: then). event_type: INTERACTION (callback_url),
    INTERCEPT or OUT_OF_SESSION; then: the entry sent after this one unless it is answered 403 (an intercept
    blocks)."""
    if not url:
        return then
    event_id = fields.get("interactionSid") or hashlib.sha1(urlencode(sorted(fields.items())).encode()).hexdigest()
    return {"vendor": "twilio", "event_type": event_type, "event_id": event_id, "fields": fields, "urls": [url],
            "timeout": TWILIO_TIMEOUT_SECS, "then": then}


# Delivery --------------------------------------------------------------------------

class Job:
    """One event on its way: what to send, to which URLs, how many times so far; signed at each send."""

    def __init__(self, entry, secret, attempt=1, fault=None):
        self.entry = entry
        self.secret = secret  # the Ed25519 key (Telnyx) or the auth token (Twilio): never logged
        self.attempt = attempt
        self.fault = fault
        self.token = None  # the heap entry that is current (an out_of_order job is rescheduled)
        self.held = False

    def copy(self, attempt, fault):
        return Job(self.entry, self.secret, attempt, fault)

    def request(self, url):
        """(body, headers) for this attempt to url."""
        entry = self.entry
        if entry["vendor"] == "telnyx":
            data = dict(entry["data"], id=entry["event_id"])
            body = json.dumps({"data": data, "meta": {"attempt": self.attempt, "delivered_to": url}}).encode()
            headers = dict(telnyx_headers(self.secret, body), **{"Content-Type": "application/json"})
            return body, headers
        fields = entry["fields"]
        body = urlencode(sorted(fields.items())).encode()
        return body, {"Content-Type": "application/x-www-form-urlencoded",
                      "X-Twilio-Signature": twilio_signature(self.secret, url, fields)}


def post(url, body, headers, timeout):
    """Send one request: its status (an int), "timeout" or "error"."""
    request = urllib.request.Request(url, data=body, method="POST", headers=dict(headers, **{"User-Agent": USER_AGENT}))
    try:
        with OPENER.open(request, timeout=timeout) as answer:
            answer.read()
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (socket.timeout, TimeoutError):
        return "timeout"
    except urllib.error.URLError as exc:
        return "timeout" if isinstance(exc.reason, (socket.timeout, TimeoutError)) else "error"
    except (OSError, ValueError):
        return "error"


def delivered(entry, status):
    """A 2xx; for an intercept a 403 too (it blocks the interaction: an answer, not a failure)."""
    return isinstance(status, int) and (200 <= status < 300 or (status == 403 and entry["event_type"] == INTERCEPT))


class Webhooks:
    """The key pair, the settings, the event faults, the queue of jobs, its worker thread and the log."""

    def __init__(self, options):
        self.private_key = load_private_key(getattr(options, "webhook_private_key", None))
        self.attempts = int(getattr(options, "webhook_attempts", 3))
        self.backoff_ms = float(getattr(options, "webhook_backoff_ms", 500))
        self.cond = threading.Condition()
        self.seq = itertools.count(1)
        self.worker = None
        self.stopping = False
        self.reset()

    @property
    def public_key(self):
        return public_key_b64(self.private_key) if self.private_key else None

    def reset(self):
        """No jobs, no held events, no event faults, an empty log (a delivery being sent finishes)."""
        with self.cond:
            self.heap = []
            self.held = []
            self.faults = []
            self.log = collections.deque(maxlen=LOG_SIZE)
            self.busy = 0

    def settings(self, changes=None):
        for key in ("attempts", "backoff_ms"):
            if changes and key in changes:
                value = changes[key]
                if isinstance(value, bool) or not isinstance(value, (int, float)) or value < (1 if key == "attempts" else 0):
                    raise ValueError("%s must be a number, %s" % (key, "1 or more" if key == "attempts" else "0 or more"))
                setattr(self, key, int(value) if key == "attempts" else float(value))
        return {"attempts": self.attempts, "backoff_ms": self.backoff_ms}

    def add_fault(self, fault):
        with self.cond:
            self.faults.append(fault)

    # In: the stores' outboxes ---------------------------------------------------------

    def collect(self, account):
        """Take what the account's stores noted and queue it (called under the emulator's lock: never blocks long)."""
        if account is None:
            return
        for store, secret in ((account.telnyx, self.private_key), (account.twilio, account.twilio_auth_token)):
            entries, store.outbox[:] = list(store.outbox), []
            for entry in entries:
                self.submit(entry, secret)

    def submit(self, entry, secret):
        if entry["vendor"] == "telnyx" and secret is None:
            self.note(entry, entry["urls"][0], 1, "not sent: cryptography is not installed", None)
            return
        with self.cond:
            job = Job(entry, secret)
            job.fault = draw_event_fault(self.faults, entry["event_type"])
            mode = job.fault["mode"] if job.fault else None
            if mode == "out_of_order":  # held until the next event is queued (or hold_ms passes)
                job.held = True
                self.held.append(job)
                self.schedule(job, job.fault["delay_ms"] / 1000.0)
                return
            self.schedule(job)
            if mode == "duplicate":
                self.schedule(job.copy(1, job.fault))
            if mode == "late_retry":
                self.schedule(job.copy(2, job.fault), job.fault["delay_ms"] / 1000.0)
            for waiting in self.held:  # out_of_order: the held events go after this one
                if waiting.held:
                    waiting.held = False
                    self.schedule(waiting)
            self.held = []

    def schedule(self, job, delay=0.0):
        """Queue job to be sent delay seconds from now (the caller holds self.cond); start the worker if needed."""
        job.token = next(self.seq)
        heapq.heappush(self.heap, (time.monotonic() + delay, job.token, job))
        self.cond.notify_all()
        if self.worker is None or not self.worker.is_alive():
            self.stopping = False
            self.worker = threading.Thread(target=self.run, name="emulator-webhooks", daemon=True)
            self.worker.start()

    # Out: the worker ----------------------------------------------------------------------

    def next_job(self):
        """The next job due, waiting for it; None once stopping."""
        with self.cond:
            while not self.stopping:
                if self.heap:
                    due, token, job = self.heap[0]
                    wait = due - time.monotonic()
                    if wait <= 0:
                        heapq.heappop(self.heap)
                        if token != job.token:  # rescheduled since (an out_of_order job released early)
                            continue
                        job.held = False
                        self.busy += 1
                        return job
                    self.cond.wait(wait)
                else:
                    self.cond.wait()
            return None

    def run(self):
        while True:
            job = self.next_job()
            if job is None:
                return
            try:
                self.deliver(job)
            finally:
                with self.cond:
                    self.busy -= 1
                    self.cond.notify_all()

    def deliver(self, job):
        """One attempt: the primary URL, then the failover URL; a retry with backoff if neither answered 2xx."""
        entry = job.entry
        for url in entry["urls"]:
            body, headers = job.request(url)
            status = post(url, body, headers, entry["timeout"])
            self.note(entry, url, job.attempt, status, job.fault)
            if delivered(entry, status):
                then = entry.get("then")
                if then and status != 403:  # an intercept answered 403 blocks the interaction: no callback
                    self.submit(then, job.secret)
                return
        if job.attempt < self.attempts:
            with self.cond:
                self.schedule(job.copy(job.attempt + 1, job.fault), self.backoff_ms / 1000.0 * 2 ** (job.attempt - 1))
        elif entry.get("then"):  # an intercept that never answered does not block: the callback follows
            self.submit(entry["then"], job.secret)

    def note(self, entry, url, attempt, status, fault):
        with self.cond:
            self.log.append({"seq": len(self.log) + 1 if not self.log else self.log[-1]["seq"] + 1,
                             "vendor": entry["vendor"], "event_type": entry["event_type"], "event_id": entry["event_id"],
                             "url": url, "attempt": attempt, "status": status, "fault": fault["mode"] if fault else None,
                             "at": iso(now())})

    def deliveries(self, query=()):
        """The log, oldest first, filtered by any of event_id, event_type, vendor, url; and how many jobs wait."""
        wanted = dict((key, value) for key, value in query if key in ("event_id", "event_type", "vendor", "url"))
        with self.cond:
            rows = [dict(row) for row in self.log if all(str(row[key]) == value for key, value in wanted.items())]
            pending = len([1 for _due, token, job in self.heap if token == job.token]) + self.busy
        return {"deliveries": rows, "pending": pending}

    def stop(self):
        with self.cond:
            self.stopping = True
            self.cond.notify_all()
        if self.worker is not None:
            self.worker.join(timeout=30)
