# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""proxy_session against the emulator (issue 17): only the session asked for is touched, one spelling of a
number, one instant of a time, and state=absent names its session."""

from tests.suite.conftest import SERVICE

OTHER = "KC" + "0123456789abcdef" * 2  # another session's SID, which we use as a unique name


def sessions(emu):
    return emu.admin("state")["proxy_services"].get(SERVICE, [])


def run(emu, check=False, **args):
    rc, result, out, _err = emu.adhoc("proxy_session", dict(service_sid=SERVICE, **args), check=check,
                                      ANSIBLE_DIFF_ALWAYS="1")
    return rc, result or {}, out  # with ANSIBLE_DIFF_ALWAYS the diff is printed before the result


def test_a_unique_name_shaped_like_a_sid_never_touches_the_session_with_that_sid(emulator):
    emulator.admin("fixtures", {"proxy_sessions": [{"service_sid": SERVICE, "sid": OTHER, "unique_name": "someone-else"}]})
    for check in (True, False):
        rc, result, out = run(emulator, check=check, unique_name=OTHER, state="absent")
        assert rc == 0 and result["changed"] is False, out[-2000:]
        assert "someone-else" not in out  # the diff (printed) never shows the other session
    assert [s["sid"] for s in sessions(emulator)] == [OTHER]

    rc, result, out = run(emulator, unique_name=OTHER, ttl=60)
    assert rc == 0 and result["changed"] is True, out[-2000:]
    ours = result["session"]["sid"]
    assert ours != OTHER and result["session"]["unique_name"] == OTHER
    emulator.admin("stats/reset")
    rc, result, out = run(emulator, unique_name=OTHER, ttl=60)  # a second run converges: no create, no 80603
    assert rc == 0 and result["changed"] is False and result["session"]["sid"] == ours, out[-2000:]
    rc, result, out = run(emulator, check=True, unique_name=OTHER, state="absent")
    assert rc == 0 and result["changed"] is True, out[-2000:]
    assert '-    "unique_name": "%s"' % OTHER in out and "someone-else" not in out
    assert emulator.admin("stats")["writes"] == 0

    rc, result, out = run(emulator, unique_name=OTHER, state="absent")
    assert rc == 0 and result["changed"] is True, out[-2000:]
    assert [(s["sid"], s["unique_name"]) for s in sessions(emulator)] == [(OTHER, "someone-else")]


def test_another_spelling_of_a_phone_number_is_the_same_participant(emulator):
    rc, result, out = run(emulator, unique_name="spelled", participants=[
        {"identifier": "+1 555 010 0001"}, {"identifier": "whatsapp:+1-555-010-0002"}])
    assert rc == 0 and result["changed"] is True, out[-2000:]
    stored = sorted(p["identifier"] for p in sessions(emulator)[0]["participants"])
    assert stored == ["+15550100001", "whatsapp:+15550100002"]  # what was sent: the canonical spelling
    emulator.admin("stats/reset")
    for spelling, purge in ((" +15550100001 ", False), ("+1-555-010-0001", True), ("+1 (555) 010.0001", True)):
        rc, result, out = run(emulator, unique_name="spelled", purge_participants=purge, participants=[
            {"identifier": spelling}, {"identifier": "whatsapp: +1 555 010 0002"}])
        assert rc == 0 and result["changed"] is False, out[-2000:]
    assert emulator.admin("stats")["writes"] == 0
    assert len(sessions(emulator)[0]["participants"]) == 2

    # A friendly_name the API cannot change: a warning naming the participant, no change, no write.
    rc, result, out, err = emulator.adhoc("proxy_session", dict(service_sid=SERVICE, unique_name="spelled", participants=[
        {"identifier": "+1 555 010 0001", "friendly_name": "Courier"}]))
    assert rc == 0 and result["changed"] is False, out[-2000:]
    assert "+15550100001" in err and "keeps friendly_name None, not 'Courier'" in err, err[-2000:]
    assert emulator.admin("stats")["writes"] == 0


def test_date_expiry_in_another_spelling_is_the_same_instant(emulator):
    rc, result, out = run(emulator, unique_name="expiring", date_expiry="2026-12-31T00:00:00Z")
    assert rc == 0 and result["changed"] is True, out[-2000:]
    # The server spells the same instant its own way (milliseconds and an offset).
    answer = dict({k: v for k, v in result["session"].items() if k != "participants"},
                  date_expiry="2026-12-31T00:00:00.000+00:00")
    emulator.admin("faults", {"method": "GET", "path": "/Sessions/expiring$", "mode": "wrong_shape_200",
                              "body": answer, "count": 1})
    emulator.admin("stats/reset")
    rc, result, out = run(emulator, unique_name="expiring", date_expiry="2026-12-31T01:00:00+01:00")
    assert rc == 0 and result["changed"] is False, out[-2000:]
    assert emulator.admin("stats")["writes"] == 0


def test_absent_without_sid_or_unique_name_is_refused_before_any_request(emulator):
    emulator.admin("fixtures", {"proxy_sessions": [{"service_sid": SERVICE, "unique_name": "kept"}]})
    emulator.admin("stats/reset")
    rc, result, out = run(emulator, state="absent")
    assert rc != 0 and "sid, unique_name" in result.get("msg", ""), out[-2000:]
    assert emulator.admin("stats")["total"] == 0
    assert len(sessions(emulator)) == 1
