# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.commsops.sessions.plugins.module_utils import limiter as limiter_mod
from ansible_collections.commsops.sessions.plugins.module_utils.limiter import PROBE_AFTER, START, Limiter


class Clock:
    def __init__(self):
        self.now = 100.0

    def monotonic(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(limiter_mod, "time", fake)
    return fake


def answers(limiter, clock, count, latency=0.05, signal=None, remaining=None, in_flight=None):
    """count answers of one round trip: each takes a permit (in_flight of them at once) and gives it back."""
    in_flight = in_flight or max(1, int(limiter.limit))
    for _n in range(count):
        limiter.in_flight = in_flight
        limiter.release(latency, signal, remaining)
    clock.now += latency


def test_a_fixed_number_never_moves(clock):
    limiter = Limiter(12)
    answers(limiter, clock, 100)
    answers(limiter, clock, 5, signal="limited")
    assert limiter.limit == 12 and limiter.report() == {"mode": "fixed", "settled": 12, "peak": 12, "max": 12}


def test_auto_starts_at_eight_and_grows_to_its_bound_while_answers_are_good(clock):
    limiter = Limiter("auto", max_concurrency=64)
    assert limiter.limit == START == 8
    for _round_trip in range(10):
        answers(limiter, clock, int(limiter.limit))
    assert limiter.limit == 64 and limiter.report()["peak"] == 64


def test_a_429_sets_it_just_below_the_level_the_server_refused_and_it_stays_there_for_a_while(clock):
    limiter = Limiter("auto")
    limiter.limit = 30.0
    answers(limiter, clock, 1, signal="limited", in_flight=21)  # 21 in flight met the server's 429
    assert limiter.limit == pytest.approx(0.9 * 20)
    for _round_trip in range(10):
        answers(limiter, clock, int(limiter.limit))
    assert limiter.limit == 20  # climbed back to the level the server accepted, and no further
    clock.now += PROBE_AFTER
    answers(limiter, clock, 30)
    assert limiter.limit > 20  # later it probes again


def test_the_hintless_429s_of_one_burst_set_it_by_the_lowest_level_they_show(clock):
    limiter = Limiter("auto")
    limiter.limit = 32.0
    answers(limiter, clock, 1)  # the round trip is known (slow start adds one: 33)
    for in_flight in range(33, 20, -1):  # 33 sent at a server that takes 20: the 13 refused come back at once
        limiter.in_flight = in_flight
        limiter.release(0.001, "crowded")
    assert limiter.limit == pytest.approx(0.9 * 20)
    for _round_trip in range(10):
        answers(limiter, clock, int(limiter.limit))
    assert limiter.limit == 20


def test_the_429s_of_a_rate_limit_lower_it_once_per_round_trip(clock):
    limiter = Limiter("auto")
    limiter.limit = 32.0
    answers(limiter, clock, 1)
    for in_flight in range(33, 20, -1):  # a rate limit's 429s say how long to wait: the gate paces them
        limiter.in_flight = in_flight
        limiter.release(0.001, "limited")
    assert limiter.limit == pytest.approx(0.9 * 32)


def test_a_503_halves_it(clock):
    limiter = Limiter("auto")
    limiter.limit = 40.0
    answers(limiter, clock, 1, signal="overloaded")
    assert limiter.limit == 20


def test_it_shrinks_at_most_once_per_round_trip(clock):
    limiter = Limiter("auto")
    limiter.limit = 40.0
    answers(limiter, clock, 1)  # a first answer: the round trip is known (and slow start adds one)
    answers(limiter, clock, 10, signal="overloaded", latency=0)  # ten answers of the same window
    assert limiter.limit == 41 / 2


def test_one_slow_answer_is_not_a_queue_but_a_lasting_rise_is(clock):
    limiter = Limiter("auto")
    for _round_trip in range(3):
        answers(limiter, clock, int(limiter.limit))
    grown = limiter.limit
    answers(limiter, clock, 1, latency=0.5)  # ten times the round trip, once
    assert limiter.limit >= grown
    for _round_trip in range(5):
        answers(limiter, clock, 20, latency=0.2)  # four times, for a while
    assert limiter.limit < grown


def test_telnyx_remaining_budget_holds_growth_before_any_429(clock):
    limiter = Limiter("auto")
    answers(limiter, clock, 50, remaining=3)
    assert limiter.limit == START


def test_the_trace_records_each_change(clock):
    limiter = Limiter("auto")
    answers(limiter, clock, 3)
    answers(limiter, clock, 1, signal="overloaded")  # 11 halved: slow start ends
    answers(limiter, clock, 3)  # about a sixth of a permit each from 5.5: 6.03 is the one new whole number
    trace = limiter.report(with_trace=True)["trace"]
    assert [limit for _t, limit in trace[:-1]] == [8.0, 9.0, 10.0, 11.0, 5.5, 6.03]
    assert trace[-1] == [round(clock.now - 100.0, 3), round(limiter.limit, 2)]  # the end of the run, to measure its span
