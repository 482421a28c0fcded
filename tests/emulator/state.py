# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What every connection shares: the two stores, the settings, scheduled faults, the rate bucket and the counts."""

import collections
import math
import random
import threading
import time

from . import seed as seeding
from .telnyx import TelnyxStore
from .twilio import TwilioStore

WRITE_METHODS = ("POST", "DELETE", "PUT", "PATCH")


class TokenBucket:
    """rate tokens a second, at most rate in store; no rate (0 or None) never limits."""

    def __init__(self, rate):
        self.rate = rate
        self.tokens = float(rate or 0)
        self.last = time.monotonic()

    def take(self):
        """Takes a token; returns the seconds to wait for one when there is none, else 0."""
        if not self.rate:
            return 0
        self.refill()
        if self.tokens >= 1:
            self.tokens -= 1
            return 0
        return (1 - self.tokens) / self.rate

    def refill(self):
        clock = time.monotonic()
        self.tokens = min(float(self.rate), self.tokens + (clock - self.last) * self.rate)
        self.last = clock

    def state(self):
        """What the bucket says now: (rate as an int, whole tokens left, whole seconds until full); None with no rate."""
        if not self.rate:
            return None
        self.refill()
        return int(self.rate), int(math.floor(self.tokens)), int(math.ceil((self.rate - self.tokens) / self.rate))


class Stats:
    """Every API request received, by route, method and status ("dropped" for an answer never sent); the most
    requests in flight at once, and the 429s given because max_concurrency were."""

    def __init__(self, in_flight=0):
        self.total = 0
        self.writes = 0
        self.peak_in_flight = in_flight
        self.in_flight_limited = 0
        self.counters = {key: collections.Counter() for key in ("by_route", "by_method", "by_status")}

    def add(self, method, route, status):
        self.total += 1
        self.writes += method in WRITE_METHODS
        self.counters["by_route"][route] += 1
        self.counters["by_method"][method] += 1
        self.counters["by_status"][str(status)] += 1

    def as_json(self):
        counted = {key: dict(sorted(counter.items())) for key, counter in self.counters.items()}
        return dict({"total": self.total, "writes": self.writes, "peak_in_flight": self.peak_in_flight,
                     "in_flight_limited": self.in_flight_limited}, **counted)


class Emulator:
    """State, settings and accounting, shared by every connection (one lock keeps it consistent)."""

    def __init__(self, options):
        self.options = options
        self.lock = threading.Lock()
        self.latency_ms = options.latency_ms
        self.rate_limit = options.rate_limit
        self.fault_rate = options.fault_rate
        self.max_concurrency = options.max_concurrency
        self.in_flight = 0  # API requests read and not yet answered; outlives resets, as they do
        self.rng = random.Random(options.seed)
        self.bucket = TokenBucket(self.rate_limit)
        self.reset()
        if options.seed_room_sessions or options.seed_proxy_sessions:
            seeding.seed(self.telnyx, self.twilio, options.seed_room_sessions, options.seed_proxy_sessions, options.seed)

    def reset(self):
        """Empty stores (but for the three services that always exist), no counts, no scheduled faults."""
        self.stores = {"telnyx": TelnyxStore(), "twilio": TwilioStore(self.options.twilio_account_sid)}
        for sid in seeding.SERVICES:
            self.twilio.add_service(sid)
        self.faults = []
        self.reset_stats()

    def reset_stats(self):
        self.stats = Stats(self.in_flight)  # the peak starts from the requests still in flight

    @property
    def telnyx(self):
        return self.stores["telnyx"]

    @property
    def twilio(self):
        return self.stores["twilio"]
