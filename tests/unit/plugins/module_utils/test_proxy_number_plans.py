# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Table tests of proxy_phone_numbers' plan layer: declared input, the pure plan, the pool after, the diff."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.commsops.sessions.plugins.module_utils.proxy_number_plans import (
    declared_pool, diff_view, plan_pool, pool_after, pool_summary)
from ansible_collections.commsops.sessions.plugins.module_utils.validation import InvalidInput

KS = "KS" + "a" * 32
PN1, PN2, PN3 = ("PN" + d * 32 for d in "123")
N1, N2, N3 = "+15550100001", "+15550100002", "+15550100003"


def pooled(sid, number, reserved=False):
    return dict(sid=sid, phone_number=number, is_reserved=reserved, service_sid=KS)


POOL = [pooled(PN1, N1), pooled(PN2, N2, True)]


def declared(numbers, state="present", purge=False):
    return declared_pool(dict(service_sid=KS, numbers=numbers, state=state, purge=purge))


def brief(plans):
    """(number or sid, action, outcome, is_reserved) of each plan entry."""
    return [(p["number"] or p["sid"], p["action"], p["outcome"], p["is_reserved"]) for p in plans]


PLAN_ROWS = [
    # declared numbers, state, purge -> expected plans
    ("in the pool as declared", [N1, {"sid": PN2}], "present", False,
     [(N1, "none", "skipped", False), (N2, "none", "skipped", True)]),
    ("another spelling is the same number", ["+1 (555) 010-0001"], "present", False, [(N1, "none", "skipped", False)]),
    ("a new number is added, is_reserved as declared", [{"phone_number": N3, "is_reserved": True}], "present", False,
     [(N3, "add", "would_change", True)]),
    ("a new SID is added without is_reserved", [PN3], "present", False, [(PN3, "add", "would_change", None)]),
    ("is_reserved that differs is an update", [{"sid": PN1, "is_reserved": "yes"}, {"phone_number": N2, "is_reserved": False}],
     "present", False, [(N1, "update", "would_change", True), (N2, "update", "would_change", False)]),
    ("is_reserved that agrees is no change", [{"phone_number": N2, "is_reserved": True}], "present", False,
     [(N2, "none", "skipped", True)]),
    ("purge removes what is not declared", [N1], "present", True,
     [(N1, "none", "skipped", False), (N2, "remove", "would_change", True)]),
    ("purge with an empty list empties the pool", [], "present", True,
     [(N1, "remove", "would_change", False), (N2, "remove", "would_change", True)]),
    ("absent removes the listed ones", [PN2, N3], "absent", False,
     [(N2, "remove", "would_change", True), (N3, "none", "skipped", None)]),
    ("nothing declared, no purge: nothing planned", [], "present", False, []),
]


@pytest.mark.parametrize("numbers, state, purge, expected", [r[1:] for r in PLAN_ROWS], ids=[r[0] for r in PLAN_ROWS])
def test_plan_pool(numbers, state, purge, expected):
    plans = plan_pool(POOL, declared(numbers, state, purge))
    assert brief(plans) == expected
    assert all(p["changed"] is False and p["service_sid"] == KS and "skipped" not in p for p in plans)


def test_a_purged_number_says_why():
    plans = plan_pool(POOL, declared([N1], purge=True))
    assert plans[1]["reason"] == "remove from the pool (not declared; purge)" and plans[1]["sid"] == PN2


BAD_ROWS = [
    ("not E.164", dict(numbers=["555-0100"]), "numbers[0] must be a phone number in E.164"),
    ("a channel address", dict(numbers=["whatsapp:+15550100001"]), "numbers[0] must be a phone number in E.164"),
    ("too many digits", dict(numbers=["+1234567890123456"]), "numbers[0]"),
    ("not a PN SID", dict(numbers=[{"sid": "PNxyz"}]), "numbers[0].sid must be PN followed by 32"),
    ("a wrong number in a dict", dict(numbers=[N1, {"phone_number": "12"}]), "numbers[1].phone_number must be"),
    ("both keys", dict(numbers=[{"sid": PN1, "phone_number": N1}]), "numbers[0] needs exactly one of sid and phone_number"),
    ("neither key", dict(numbers=[{"is_reserved": True}]), "numbers[0] needs exactly one"),
    ("an unknown key", dict(numbers=[{"sid": PN1, "reserved": True}]), "numbers[0] has unknown key(s) reserved"),
    ("a bad is_reserved", dict(numbers=[{"sid": PN1, "is_reserved": "maybe"}]), "numbers[0].is_reserved must be true or false"),
    ("not a string or dict", dict(numbers=[15550100001]), "numbers[0] must be a phone number, a phone number SID"),
    ("the same number twice, spelled otherwise", dict(numbers=[N1, N2, "+1 555 010 0001"]),
     "numbers[2] (+15550100001) repeats numbers[0]"),
    ("the same SID twice, in another case", dict(numbers=[PN1, {"sid": "PN" + "A" * 32}, {"sid": "PN" + "a" * 32}]),
     "numbers[2] (PN" + "a" * 32 + ") repeats numbers[1]"),
    ("purge with absent", dict(numbers=[N1], state="absent", purge=True), "purge has no meaning with state=absent"),
    ("is_reserved with absent", dict(numbers=[{"sid": PN1, "is_reserved": True}], state="absent"),
     "numbers[0].is_reserved has no meaning with state=absent"),
    ("a bad service", dict(service_sid="KS1", numbers=[N1]), "service_sid must be KS followed by 32"),
    ("not a list", dict(numbers="+15550100001"), "numbers must be a list"),
]


@pytest.mark.parametrize("params, message", [r[1:] for r in BAD_ROWS], ids=[r[0] for r in BAD_ROWS])
def test_bad_input_is_refused_naming_the_entry(params, message):
    with pytest.raises(InvalidInput) as raised:
        declared_pool(dict(dict(service_sid=KS, state="present", purge=False), **params))
    assert message in str(raised.value)


def test_a_sid_and_its_number_are_refused_once_the_pool_shows_them_alike():
    with pytest.raises(InvalidInput) as raised:
        plan_pool(POOL, declared([PN1, N3, "+15550100001"]))
    assert "numbers[0] and numbers[2] are the same number of the pool" in str(raised.value)


def test_the_pool_after_and_its_diff():
    plans = plan_pool(POOL, declared([{"sid": PN1, "is_reserved": True}, N3, PN3], purge=True))
    assert diff_view(pool_after(POOL, [], ("would_change",))) == [N1, N2 + " (reserved)"]
    assert diff_view(pool_after(POOL, plans, ("would_change",))) == sorted([N1 + " (reserved)", N3, PN3])
    # Only what was done counts after a real run: here nothing was.
    assert diff_view(pool_after(POOL, plans, ("changed",))) == [N1, N2 + " (reserved)"]


def test_the_summary_counts_and_names_the_failures():
    plans = plan_pool(POOL, declared([N1, N3], purge=True))
    plans[1] = dict(plans[1], outcome="failed", error="not owned")
    counts, message = pool_summary(plans)
    assert counts == dict(total=3, changed=0, would_change=1, skipped=1, failed=1, unknown=0)
    assert message == "1 of 3 numbers failed (+15550100003); the others were handled: see results"
    assert pool_summary(plan_pool(POOL, declared([N1])))[1] is None
