# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""proxy_service converges when the world moves under it: a create race on one unique name, a lost answer."""

import threading


def test_two_runs_creating_the_same_service_at_once_both_succeed(make_emulator):
    emu = make_emulator()
    # The first create waits 6 s before the emulator applies it: meanwhile the other run lists the services, finds
    # no such name and creates it, so the first create then meets the duplicate (80602) and adopts that service.
    emu.admin("faults", {"method": "POST", "path": "/v1/Services$", "mode": "delay", "delay_ms": 6000, "count": 1})
    outcomes = []

    def run():
        outcomes.append(emu.adhoc("proxy_service", {"unique_name": "race-1", "default_ttl": 60}))

    runs = [threading.Thread(target=run) for _n in range(2)]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join(timeout=300)
    assert [rc for rc, _result, _out, _err in outcomes] == [0, 0], [o[2][-1500:] for o in outcomes]
    assert sorted(result["changed"] for _rc, result, _out, _err in outcomes) == [False, True]
    assert len(set(result["service"]["sid"] for _rc, result, _out, _err in outcomes)) == 1
    stats = emu.admin("stats")
    assert stats["by_route"]["POST /v1/Services"] == 2, stats  # both tried; one lost the race
    assert stats["by_status"].get("400", 0) == 1


def test_a_create_whose_answer_was_lost_makes_one_service(make_emulator):
    emu = make_emulator()
    emu.admin("faults", {"method": "POST", "path": "/v1/Services$", "mode": "drop_after", "count": 1})
    rc, result, out, _err = emu.adhoc("proxy_service", {"unique_name": "lost-answer", "max_retry_wait": 5})
    assert rc == 0 and result["changed"] and result["service"]["unique_name"] == "lost-answer", out[-2000:]
    rc, again, _out, _err = emu.adhoc("proxy_service", {"unique_name": "lost-answer"})
    assert rc == 0 and not again["changed"] and again["service"]["sid"] == result["service"]["sid"]
    assert emu.admin("stats")["by_route"]["POST /v1/Services"] == 1  # found by its name, never sent twice
