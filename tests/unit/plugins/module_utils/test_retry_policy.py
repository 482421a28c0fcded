# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The retry decision, row by row: what follows each way an attempt can fail, for each kind of request.

The jitter is the top of its range unless a row says otherwise, so every wait is exact."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils

import pytest

from ansible_collections.commsops.sessions.plugins.module_utils.retry_policy import (
    BROKEN, DROPPED, EXHAUSTED, GIVE_UP, RETRY, UNSENT, Attempts, Limits, backoff, decide)

LIMITS = Limits(max_retries=3, max_retry_wait=60)
NOW = 1_800_000_000.0
IN_3_S = email.utils.formatdate(NOW + 3, usegmt=True)


def top(low, high):
    return high


def bottom(low, high):
    return low


def ask(outcome, method="GET", headers=None, attempts=Attempts(), idempotent=None, can_recover=False, uniform=top,
        limits=LIMITS):
    return decide(attempts, method, idempotent, outcome, headers or {}, limits, can_recover, uniform=uniform, now=NOW)


FRESH = Attempts()


@pytest.mark.parametrize("method, idempotent, can_recover, outcome, headers, expected", [
    # Not processed: sent again, for any method.
    ("GET", None, False, 408, {}, (RETRY, 0.5, False, False, Attempts(1, 0.5, False, 0))),
    ("GET", None, False, 503, {}, (RETRY, 0.5, False, False, Attempts(1, 0.5, False, 0))),
    ("POST", None, False, 408, {}, (RETRY, 0.5, False, False, Attempts(1, 0.5, False, 0))),
    ("POST", None, False, 503, {}, (RETRY, 0.5, False, False, Attempts(1, 0.5, False, 0))),
    # A 503's hint is its wait; only a 429's closes the gate.
    ("GET", None, False, 503, {"retry-after": "4"}, (RETRY, 4.0, False, False, Attempts(1, 4.0, False, 0))),
    # 429 without a hint: about a round trip, no retry used, no gate (the limiter came down already).
    ("GET", None, False, 429, {}, (RETRY, 0.05, False, False, Attempts(0, 0.05, False, 1))),
    ("POST", None, False, 429, {}, (RETRY, 0.05, False, False, Attempts(0, 0.05, False, 1))),
    # A hint of 0 s says nothing of how long: as if none came.
    ("GET", None, False, 429, {"retry-after": "0"}, (RETRY, 0.05, False, False, Attempts(0, 0.05, False, 1))),
    # 429 with each hint: the gate closes for that long; the wait is counted when the next permit comes.
    ("GET", None, False, 429, {"retry-after": "2"}, (RETRY, 2.0, True, False, FRESH)),
    ("GET", None, False, 429, {"retry-after": IN_3_S}, (RETRY, 3.0, True, False, FRESH)),
    ("GET", None, False, 429, {"retry-after-ms": "250"}, (RETRY, 0.25, True, False, FRESH)),
    ("GET", None, False, 429, {"x-ratelimit-reset": "1"}, (RETRY, 1.0, True, False, FRESH)),
    ("POST", None, False, 429, {"retry-after": "2"}, (RETRY, 2.0, True, False, FRESH)),
    # The finer hint wins over whole seconds; retry-after-ms wins over all.
    ("GET", None, False, 429, {"retry-after": "2", "x-ratelimit-reset": "1"}, (RETRY, 1.0, True, False, FRESH)),
    ("GET", None, False, 429, {"retry-after": "2", "retry-after-ms": "20"}, (RETRY, 0.02, True, False, FRESH)),
    # A hint in another spelling is no hint.
    ("GET", None, False, 429, {"retry-after": "1e3"}, (RETRY, 0.05, False, False, Attempts(0, 0.05, False, 1))),
    # 500, 502, 504 may hide a success: retried when idempotent, marked may_have_applied.
    ("GET", None, False, 500, {}, (RETRY, 0.5, False, False, Attempts(1, 0.5, True, 0))),
    ("GET", None, False, 502, {}, (RETRY, 0.5, False, False, Attempts(1, 0.5, True, 0))),
    ("DELETE", None, False, 504, {}, (RETRY, 0.5, False, False, Attempts(1, 0.5, True, 0))),
    # Dropped before anything was sent: never applied, sent again whatever the method.
    ("GET", None, False, UNSENT, {}, (RETRY, 0.5, False, False, Attempts(1, 0.5, False, 0))),
    ("POST", None, False, UNSENT, {}, (RETRY, 0.5, False, False, Attempts(1, 0.5, False, 0))),
    # Dropped after sending, or a broken body: maybe applied.
    ("GET", None, False, DROPPED, {}, (RETRY, 0.5, False, False, Attempts(1, 0.5, True, 0))),
    ("GET", None, False, BROKEN, {}, (RETRY, 0.5, False, False, Attempts(1, 0.5, True, 0))),
    # Not idempotent and maybe applied: without recover, give up; with it, settle first, then retry.
    ("POST", None, False, DROPPED, {}, (GIVE_UP, 0.0, False, False, Attempts(0, 0.0, True, 0))),
    ("POST", None, False, BROKEN, {}, (GIVE_UP, 0.0, False, False, Attempts(0, 0.0, True, 0))),
    ("POST", None, False, 500, {}, (GIVE_UP, 0.0, False, False, Attempts(0, 0.0, True, 0))),
    ("POST", None, True, DROPPED, {}, (RETRY, 0.5, False, True, Attempts(1, 0.5, True, 0))),
    ("POST", None, True, BROKEN, {}, (RETRY, 0.5, False, True, Attempts(1, 0.5, True, 0))),
    ("POST", None, True, 502, {}, (RETRY, 0.5, False, True, Attempts(1, 0.5, True, 0))),
    # A POST the caller declares idempotent is sent again without settling; a GET declared not, is settled.
    ("POST", True, False, DROPPED, {}, (RETRY, 0.5, False, False, Attempts(1, 0.5, True, 0))),
    ("GET", False, False, DROPPED, {}, (GIVE_UP, 0.0, False, False, Attempts(0, 0.0, True, 0))),
    # The method's case does not matter.
    ("get", None, False, DROPPED, {}, (RETRY, 0.5, False, False, Attempts(1, 0.5, True, 0))),
    # Not retryable: the answer is the caller's.
    ("GET", None, False, 404, {}, (GIVE_UP, 0.0, False, False, FRESH)),
    ("POST", None, True, 400, {}, (GIVE_UP, 0.0, False, False, FRESH)),
    ("GET", None, False, 401, {"retry-after": "2"}, (GIVE_UP, 0.0, False, False, FRESH)),
])
def test_each_row_of_the_table(method, idempotent, can_recover, outcome, headers, expected):
    decision = ask(outcome, method, headers, idempotent=idempotent, can_recover=can_recover)
    assert tuple(decision) == expected


@pytest.mark.parametrize("first, applied", [
    (DROPPED, True), (BROKEN, True), (500, True), (502, True), (504, True),
    (UNSENT, False), (408, False), (503, False), (429, False),
])
def test_a_404_after_each_failure_is_the_caller_s_and_carries_may_have_applied(first, applied):
    before = ask(first).attempts
    decision = ask(404, attempts=before)
    assert decision.action == GIVE_UP and decision.attempts == before
    assert decision.attempts.may_have_applied is applied


@pytest.mark.parametrize("attempts, outcome, headers, can_recover, method, expected", [
    # max_retries used up: give up, saying so (the loop tells retries and waiting).
    (Attempts(3, 3.5, False, 0), 503, {}, False, "GET", (EXHAUSTED, 0.0, False, False, Attempts(3, 3.5, False, 0))),
    (Attempts(3, 3.5, False, 0), DROPPED, {}, False, "GET", (EXHAUSTED, 0.0, False, False, Attempts(3, 3.5, True, 0))),
    # ... a POST that may have been applied is still settled first.
    (Attempts(3, 3.5, False, 0), DROPPED, {}, True, "POST", (EXHAUSTED, 0.0, False, True, Attempts(3, 3.5, True, 0))),
    # A 429 uses no retry: max_retries does not stop it ...
    (Attempts(3, 3.5, False, 0), 429, {}, False, "GET", (RETRY, 0.05, False, False, Attempts(3, 3.55, False, 1))),
    (Attempts(3, 3.5, False, 0), 429, {"retry-after": "2"}, False, "GET", (RETRY, 2.0, True, False, Attempts(3, 3.5, False, 0))),
    # ... max_retry_wait does, as it does every wait.
    (Attempts(0, 59.0, False, 0), 429, {"retry-after": "2"}, False, "GET", (EXHAUSTED, 0.0, False, False, Attempts(0, 59.0, False, 0))),
    (Attempts(0, 59.99, False, 5), 429, {}, False, "GET", (EXHAUSTED, 0.0, False, False, Attempts(0, 59.99, False, 5))),
    (Attempts(1, 59.8, False, 0), 500, {}, False, "GET", (EXHAUSTED, 0.0, False, False, Attempts(1, 59.8, True, 0))),
    # A wait that ends exactly at max_retry_wait is still waited.
    (Attempts(1, 59.0, False, 0), 503, {}, False, "GET", (RETRY, 1.0, False, False, Attempts(2, 60.0, False, 0))),
])
def test_the_limits(attempts, outcome, headers, can_recover, method, expected):
    assert tuple(ask(outcome, method, headers, attempts=attempts, can_recover=can_recover)) == expected


@pytest.mark.parametrize("attempts, uniform, wait", [
    (Attempts(retries=2), top, 2.0),  # doubles per retry
    (Attempts(retries=2), bottom, 1.0),  # full jitter: between half and all of it
    (Attempts(retries=6), top, 8.0),  # at most BACKOFF_CAP
    (Attempts(retries=6), bottom, 4.0),
])
def test_the_backoff_and_its_jitter(attempts, uniform, wait):
    decision = ask(503, attempts=attempts, uniform=uniform, limits=Limits(max_retries=10, max_retry_wait=600))
    assert (decision.action, decision.wait) == (RETRY, wait)
    assert backoff(attempts.retries, uniform=uniform) == wait


def test_hintless_429s_in_a_row_double_their_own_wait():
    first = ask(429, attempts=Attempts(retries=2))
    second = ask(429, attempts=first.attempts)
    third = ask(429, attempts=second.attempts)
    waits, attempts = [first.wait, second.wait, third.wait], third.attempts
    assert waits == [0.05, 0.1, 0.2] and attempts.retries == 2 and attempts.limited == 3


def test_the_decision_reads_the_jitter_it_is_given_and_nothing_else():
    drawn = []

    def uniform(low, high):
        drawn.append((low, high))
        return 0.75

    assert ask(500, uniform=uniform).wait == 0.375 and drawn == [(0.5, 1.0)]
    assert ask(429, headers={"retry-after": "2"}, uniform=uniform).wait == 2.0 and drawn == [(0.5, 1.0)]
