# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""When a failed request is sent again: PRIVATE to commsops.sessions.

decide() is a pure function: what came of one attempt (a status, or how the exchange failed), the
answer's headers, what the request is and what earlier attempts used up -> retry after N s (or close
the 429 gate for N s), settle first (ask the caller's recover), or give up. HttpClient._request sends,
asks decide() and waits; everything it carries from one attempt to the next is an Attempts value.
No vendor, no Ansible, no requests.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import email.utils
import random
import time

from ansible_collections.commsops.sessions.plugins.module_utils.validation import parse_number

RETRYABLE_STATUSES = frozenset((408, 429, 500, 502, 503, 504))
# 429, 503 and 408 say the request was not processed; these may hide a success.
AMBIGUOUS_STATUSES = frozenset((500, 502, 504))
# Sending one of these twice has the same effect as once, so they may be retried after any failure.
IDEMPOTENT_METHODS = frozenset(("GET", "HEAD", "DELETE", "OPTIONS"))
BACKOFF_BASE = 0.5
BACKOFF_CAP = 8.0
# A 429 without a hint (Twilio's concurrency limit sends none): the limiter has already lowered the
# concurrency, so the refused request waits only about a round trip, doubling while 429s keep coming.
LIMITED_BACKOFF_BASE = 0.05

# How an exchange failed when no status came.
UNSENT = "unsent"  # nothing reached the server (connection refused, or the deadline passed before sending)
DROPPED = "dropped"  # the connection dropped or timed out after the request went out
BROKEN = "broken"  # the answer broke off (cut short, garbled, too slow) after the request went out

# What to do next.
RETRY = "retry"  # wait Decision.wait seconds (gate: every worker waits, the 429 gate closes), then send again
GIVE_UP = "give up"  # the error is the answer: not retryable, or maybe applied and not safe to send again
EXHAUSTED = "exhausted"  # retryable, but max_retries or max_retry_wait is used up

Limits = collections.namedtuple("Limits", "max_retries max_retry_wait")
# settle: before anything else, ask the caller's recover whether the request was carried out after all.
Decision = collections.namedtuple("Decision", "action wait gate settle attempts")


class Attempts(collections.namedtuple("Attempts", "retries waited may_have_applied limited")):
    """What the earlier attempts of one request used up: retries (sent again after a failure), seconds
    waited, whether some attempt may have been applied, and hintless 429s in a row (limited)."""

    __slots__ = ()

    def __new__(cls, retries=0, waited=0.0, may_have_applied=False, limited=0):
        return super(Attempts, cls).__new__(cls, retries, waited, may_have_applied, limited)

    def after_waiting(self, seconds):
        return self._replace(waited=self.waited + seconds)


def decide(attempts, method, idempotent, outcome, headers, limits, can_recover, uniform=random.uniform, now=None):
    """What to do after an attempt that did not give an expected answer.

    outcome: the status of the answer, or UNSENT, DROPPED or BROKEN. idempotent None: the method says.
    can_recover: the caller gave a recover (how a request that is not idempotent is settled).
    uniform(low, high) draws the jitter and now is the clock for an HTTP-date hint: tests pass their own.
    The Decision's attempts carry may_have_applied, whatever the action (a late 404 is the caller's to read).
    """
    if idempotent is None:
        idempotent = method.upper() in IDEMPOTENT_METHODS
    if isinstance(outcome, int) and outcome not in RETRYABLE_STATUSES:
        return Decision(GIVE_UP, 0.0, False, False, attempts)
    hint, rate_limited = None, outcome == 429
    if isinstance(outcome, int):
        hint = parse_retry_hint(headers or {}, now)
        ambiguous = outcome in AMBIGUOUS_STATUSES
    else:
        ambiguous = outcome != UNSENT  # once sent, maybe carried out
    attempts = attempts._replace(may_have_applied=attempts.may_have_applied or ambiguous)
    settle = ambiguous and not idempotent
    if settle and not can_recover:
        return Decision(GIVE_UP, 0.0, False, False, attempts)
    if rate_limited and not hint:  # a hint of 0 s says nothing of how long: as if none came
        wait = backoff(attempts.limited, LIMITED_BACKOFF_BASE, uniform)
    else:
        wait = hint if hint is not None else backoff(attempts.retries, BACKOFF_BASE, uniform)
    # A 429 was never processed: it uses up no retry, only max_retry_wait bounds the waiting.
    if (attempts.retries >= limits.max_retries and not rate_limited) or attempts.waited + wait > limits.max_retry_wait:
        return Decision(EXHAUSTED, 0.0, False, settle, attempts)
    if rate_limited and hint:
        # The server said how long: every worker of the client holds back (the limiter's gate), and the
        # waiting counts when the next permit comes. Without a hint the limiter's back-off is the answer.
        return Decision(RETRY, wait, True, settle, attempts)
    if rate_limited:
        return Decision(RETRY, wait, False, settle, attempts._replace(
            waited=attempts.waited + wait, limited=attempts.limited + 1))
    return Decision(RETRY, wait, False, settle, attempts._replace(
        waited=attempts.waited + wait, retries=attempts.retries + 1))


def backoff(attempts, base=BACKOFF_BASE, uniform=random.uniform):
    """Full jitter between half and all of base doubled per attempt, at most BACKOFF_CAP."""
    return min(BACKOFF_CAP, base * (2 ** attempts)) * uniform(0.5, 1.0)


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
