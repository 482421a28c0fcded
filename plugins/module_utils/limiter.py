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
- it shrinks multiplicatively, at most once per round trip: on a 429 to nine tenths of the level the
  server accepted (one below the requests in flight when it pushed back), on a 503 by half, and by a
  tenth when the smoothed latency rises well above its running minimum, which is how a queue shows;
- after a 429 it climbs back by one per round trip, but stays below the level that met the 429 for a
  while (PROBE_AFTER), so a server with a fixed concurrency limit sees few 429s;
- Telnyx's x-ratelimit-remaining going low stops growth before any 429 (an early signal);
- it never exceeds max_concurrency, so it stays polite where the server gives no signal at all.
See the AWS SDKs' "adaptive" retry mode and Netflix's concurrency-limits library (AIMD, gradient;
its AIMD limit also backs off to nine tenths).
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
LATENCY_SMOOTHING = 0.1  # weight of each answer in the smoothed latency: one slow answer is not a queue
BACKOFF_LIMITED = 0.9  # on a 429: of the level the server accepted
BACKOFF_OVERLOADED = 0.5  # on a 503: the server is in trouble, not merely at its limit
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
        self.latency = None  # smoothed (an exponentially weighted moving average)
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
        """Give the permit back with what the answer said: signal "limited" (429 saying how long to wait),
        "crowded" (429 without a hint: too many in flight), "overloaded" (503),
        "error" (no answer), or None for an answer; remaining is Telnyx's x-ratelimit-remaining, if sent."""
        with self._cond:
            in_flight = self.in_flight
            self.in_flight -= 1
            if self.auto:
                self._adapt(latency, signal, remaining, in_flight)
            # Wake as many waiters as there are permits now: waking them all (64 threads for 20 permits)
            # costs CPU that the requests need.
            self._cond.notify(max(1, int(self.limit) - self.in_flight))

    def close_gate(self, seconds):
        """Hold every worker for seconds (after a 429: the server never processed it)."""
        with self._cond:
            self._not_before = max(self._not_before, time.monotonic() + seconds)

    # Adapting ------------------------------------------------------------------------

    def _adapt(self, latency, signal, remaining, in_flight):
        now = time.monotonic()
        if signal in ("limited", "crowded"):
            # in_flight requests (this one among them) were too many: the server accepts one fewer.
            accepted = max(1.0, in_flight - 1.0)
            if self._decrease(now, max(1.0, BACKOFF_LIMITED * min(self.limit, accepted)) / self.limit):
                self.ceiling = in_flight
            elif signal == "crowded" and max(1.0, BACKOFF_LIMITED * accepted) < self.limit:
                # A 429 without a hint is a concurrency limit: the 429s of one burst come back as it drains,
                # so the last of them tells the level best, and lowers the limit within the round trip too.
                # (A rate limit's 429s say how long to wait: the gate paces those, not the level.)
                self.ceiling = min(self.ceiling or in_flight, in_flight)
                self._record(now, max(1.0, BACKOFF_LIMITED * accepted))
            return
        if signal == "overloaded":
            self._decrease(now, BACKOFF_OVERLOADED)
            return
        if signal == "error":
            return
        if self.min_latency is None or latency < self.min_latency:
            self.min_latency = latency
        self.latency = latency if self.latency is None else (
            self.latency + LATENCY_SMOOTHING * (latency - self.latency))
        if self.latency > max(LATENCY_FLOOR, LATENCY_RISE * self.min_latency):
            self._decrease(now, 0.9)
            return
        if remaining is not None and remaining < self.limit:
            return  # the server's budget is running out: hold, before it answers 429
        bound = float(self.max)
        if self.ceiling is not None and now - self._last_decrease < PROBE_AFTER:
            bound = min(bound, self.ceiling - 1.0)  # stay below where the server pushed back, for a while
        grown = max(self.limit, min(bound, self.limit + (1.0 if self.slow_start else 1.0 / self.limit)))
        if int(grown) != int(self.limit):
            self._record(now, grown)
        self.limit = grown

    def _decrease(self, now, factor):
        """Shrink by factor, at most once per round trip (the answers of one window all report the same
        congestion); True when it did."""
        if now - self._last_decrease < (self.min_latency or 0.0) + 0.05:
            return False
        self._last_decrease = now
        self.slow_start = False
        self._record(now, max(1.0, self.limit * factor))
        return True

    def _record(self, now, limit):
        """A new limit, in the trace when its whole number changes (the permits follow whole numbers)."""
        self.limit = limit
        self.peak = max(self.peak, self.limit)
        if len(self.trace) < TRACE_LIMIT:
            self.trace.append((round(now - self._started, 3), round(self.limit, 2)))

    def report(self, with_trace=False):
        """What a bulk result says about concurrency: the mode, where it settled, and its peak."""
        shown = dict(mode="auto" if self.auto else "fixed", settled=int(self.limit), peak=int(self.peak), max=self.max)
        if with_trace:
            # The last point is now, so the trace spans the whole run.
            end = (round(time.monotonic() - self._started, 3), round(self.limit, 2))
            shown["trace"] = [list(point) for point in self.trace + [end]]
        return shown
