# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""How many requests one client has in flight, and the gate after a 429: PRIVATE to commsops.sessions.

Every request of an HttpClient takes a permit here, whoever sends it: the bulk runner's workers, the
page fetches and the participant sub-listings. So concurrency is set in one place, and adapting it is
a change to this class only.

A number pins the limit. "auto" adapts it the way TCP's congestion control does (AIMD):
- it starts at START and, until the first sign of trouble, grows by one per good answer (slow start:
  about doubling each round trip), then by one per round trip (additive increase);
- it halves on a 429 or a 503, at most once per round trip (multiplicative decrease), and shrinks by
  a tenth when latency rises well above its running minimum, which is how a queue at the server shows;
- Telnyx's x-ratelimit-remaining going low stops growth before any 429 (an early signal);
- it never exceeds max_concurrency, so it stays polite where the server gives no signal at all.
See the AWS SDKs' "adaptive" retry mode and Netflix's concurrency-limits library (AIMD, gradient).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
import time

START = 8
# The default bound of auto mode. Twilio limits concurrent requests per account without a number,
# Telnyx limits the rate; 64 in flight is far above what one task needs to reach either floor
# (1,000 sessions at 50 ms take under a second at 64) yet well below what would look like abuse.
DEFAULT_MAX_CONCURRENCY = 64
LATENCY_RISE = 2.0  # latency above this many times the running minimum means a queue is building
LATENCY_FLOOR = 0.005  # below 5 ms, noise: never read as a rise
PROBE_AFTER = 2.0  # seconds without trouble before growing past the level where trouble last came
TRACE_LIMIT = 2000


class Limiter:
    """Permits for requests in flight plus the gate that holds every worker after a 429."""

    def __init__(self, concurrency="auto", max_concurrency=DEFAULT_MAX_CONCURRENCY):
        self.auto = concurrency == "auto"
        self.max = max_concurrency if self.auto else int(concurrency)
        self.limit = float(min(START, self.max) if self.auto else self.max)
        self.peak = self.limit
        self.in_flight = 0
        self.slow_start = True
        self.ceiling = None  # requests in flight when the server last pushed back
        self.min_latency = None
        self._last_decrease = 0.0
        self._not_before = 0.0
        self._started = time.monotonic()
        self._cond = threading.Condition()
        self.trace = [(0.0, self.limit)]

    # Permits -------------------------------------------------------------------------

    def acquire(self):
        """Wait for the gate to open and for a permit; return the seconds spent at the gate
        (waiting for a permit is ordinary queueing, not waiting on the server)."""
        gated = 0.0
        while True:
            with self._cond:
                pause = self._not_before - time.monotonic()
                if pause <= 0:
                    if self.in_flight < max(1, int(self.limit)):
                        self.in_flight += 1
                        return gated
                    self._cond.wait(0.5)  # until a permit comes back
                    continue
            time.sleep(pause)
            gated += pause

    def release(self, latency, signal=None, remaining=None):
        """Give the permit back with what the answer said: signal "congested" (429 or 503), "error"
        (no answer), or None for an answer; remaining is Telnyx's x-ratelimit-remaining, if sent."""
        with self._cond:
            self.in_flight -= 1
            if self.auto:
                self._adapt(latency, signal, remaining)
            self._cond.notify_all()

    def close_gate(self, seconds):
        """Hold every worker for seconds (after a 429: the server never processed it)."""
        with self._cond:
            self._not_before = max(self._not_before, time.monotonic() + seconds)

    # Adapting ------------------------------------------------------------------------

    def _adapt(self, latency, signal, remaining):
        now = time.monotonic()
        if signal == "congested":
            self.ceiling = self.in_flight + 1
            self._decrease(now, 0.5)
            return
        if signal == "error":
            return
        if self.min_latency is None or latency < self.min_latency:
            self.min_latency = latency
        if latency > max(LATENCY_FLOOR, LATENCY_RISE * self.min_latency):
            self._decrease(now, 0.9)
            return
        if remaining is not None and remaining < self.limit:
            return  # the server's budget is running out: hold, before it answers 429
        bound = float(self.max)
        if self.ceiling is not None and now - self._last_decrease < PROBE_AFTER:
            bound = min(bound, self.ceiling - 1.0)  # stay below where the server pushed back, for a while
        self.limit = max(self.limit, min(bound, self.limit + (1.0 if self.slow_start else 1.0 / self.limit)))
        self._record(now)

    def _decrease(self, now, factor):
        # At most once per round trip: the answers of one window all report the same congestion.
        if now - self._last_decrease < (self.min_latency or 0.0) + 0.05:
            return
        self._last_decrease = now
        self.slow_start = False
        self.limit = max(1.0, self.limit * factor)
        self._record(now)

    def _record(self, now):
        self.peak = max(self.peak, self.limit)
        if len(self.trace) < TRACE_LIMIT:
            self.trace.append((round(now - self._started, 3), round(self.limit, 2)))

    def report(self, with_trace=False):
        """What a bulk result says about concurrency: the mode, where it settled, and its peak."""
        shown = dict(mode="auto" if self.auto else "fixed", settled=int(self.limit), peak=int(self.peak), max=self.max)
        if with_trace:
            shown["trace"] = [list(point) for point in self.trace]
        return shown
