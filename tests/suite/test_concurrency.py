# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Concurrency that finds the server's limit by itself, and large runs with exact request counts.

Behaviour, not timing: what auto mode settles on, failures, request counts, result shapes.
"""

import json

import pytest

from tests.suite.conftest import SERVICE

END = "POST /v2/room_sessions/{id}/actions/end"


def active_sessions(emu, count):
    return emu.admin("seed", {"room_sessions": count, "active_ratio": 1.0, "seed": 5})["room_sessions"]


def test_auto_mode_backs_off_to_the_servers_concurrency_limit(make_emulator):
    emu = make_emulator(latency_ms=40, max_concurrency=12)
    active_sessions(emu, 400)
    rc, result, out, _err = emu.adhoc("room_session_action", {"action": "end", "select": {"active": True}})
    assert rc == 0, out[-2000:]
    assert result["counts"]["changed"] == 400 and result["counts"]["failed"] == 0
    assert result["concurrency"]["mode"] == "auto" and result["concurrency"]["settled"] <= 12
    stats = emu.admin("stats")
    assert stats["by_route"][END] - stats["by_status"].get("429", 0) == 400  # each session ended once
    assert not any(s["active"] for s in emu.admin("state")["room_sessions"])


def test_auto_mode_holds_its_gains_where_the_server_allows_more(make_emulator):
    emu = make_emulator(latency_ms=40)
    active_sessions(emu, 400)
    rc, result, out, _err = emu.adhoc("room_session_action", {"action": "end", "select": {"active": True}})
    assert rc == 0, out[-2000:]
    assert result["concurrency"]["peak"] > 8 and result["concurrency"]["settled"] > 8
    assert emu.admin("stats")["by_status"].get("429", 0) == 0


def test_a_pinned_concurrency_stays_where_it_is_pinned(make_emulator):
    emu = make_emulator(latency_ms=20)
    active_sessions(emu, 50)
    rc, result, out, _err = emu.adhoc("room_session_action", {"action": "end", "select": {"active": True}, "concurrency": 3})
    assert rc == 0, out[-2000:]
    assert result["concurrency"] == {"mode": "fixed", "settled": 3, "peak": 3, "max": 3}
    assert emu.admin("stats")["peak_in_flight"] <= 3


def test_the_trace_shows_at_vv(make_emulator):
    emu = make_emulator(latency_ms=10)
    active_sessions(emu, 30)
    rc, result, out, _err = emu.adhoc("room_session_action", {"action": "end", "select": {"active": True}}, verbosity=2)
    assert rc == 0, out[-2000:]
    assert result["concurrency"]["trace"][0] == [0.0, 8.0] and len(result["concurrency"]["trace"]) > 1


def test_a_low_rate_limit_never_fails_a_batch(make_emulator):
    emu = make_emulator(rate_limit=2)
    active_sessions(emu, 30)
    rc, result, out, _err = emu.adhoc("room_session_action", {"action": "end", "select": {"active": True}})
    assert rc == 0, out[-2000:]
    assert result["counts"]["changed"] == 30 and result["counts"]["failed"] == 0
    assert emu.admin("stats")["by_status"].get("429", 0) > 0  # the limit was hit, and only slowed the batch


# Large runs: the 100,000-session paths at 5,000 -------------------------------------------------

LARGE = 5000


def test_listing_thousands_sends_exactly_the_minimum_of_requests(make_emulator, tmp_path):
    emu = make_emulator()
    emu.admin("seed", {"room_sessions": LARGE, "proxy_sessions": LARGE, "services": [SERVICE], "seed": 6})
    playbook = tmp_path / "list.yml"
    out_file = tmp_path / "counts.json"
    playbook.write_text("""
- hosts: localhost
  gather_facts: false
  tasks:
    - commsops.sessions.room_session_info: {}
      register: rooms
    - commsops.sessions.proxy_session_info:
        service_sid: %s
      register: proxies
    - ansible.builtin.copy:
        dest: %s
        content: "{{ [rooms.room_sessions | length, proxies.proxy_sessions | length,
                      query('commsops.sessions.room_sessions') | length,
                      query('commsops.sessions.proxy_sessions', service_sid='%s') | length] | to_json }}"
""" % (SERVICE, out_file, SERVICE))
    rc, out, _err = emu.playbook(str(playbook))
    assert rc == 0, out[-3000:]
    assert json.loads(out_file.read_text()) == [LARGE, LARGE, LARGE, LARGE]
    stats = emu.admin("stats")
    # Telnyx pages hold 250 and are fetched in parallel; Twilio pages hold 1,000 and form a chain.
    assert stats["by_route"]["GET /v2/room_sessions"] == 2 * LARGE // 250
    assert stats["by_route"]["GET /v1/Services/{ServiceSid}/Sessions"] == 2 * LARGE // 1000
    assert stats["total"] == 2 * LARGE // 250 + 2 * LARGE // 1000


@pytest.mark.parametrize("shown, listed", [("all", 2 * LARGE), ("changes", LARGE), ("none", 0)])
def test_a_bulk_end_of_thousands_returns_the_results_asked_for(make_emulator, shown, listed):
    emu = make_emulator()
    emu.admin("seed", {"room_sessions": 2 * LARGE, "active_ratio": 0.5, "seed": 7})
    active = sum(1 for s in emu.admin("state")["room_sessions"] if s["active"])
    rc, result, out, _err = emu.adhoc("room_session_action", {"action": "end", "select": {}, "results": shown})
    assert rc == 0, out[-2000:]
    assert result["counts"] == {"total": 2 * LARGE, "changed": active, "would_change": 0, "skipped": 2 * LARGE - active,
                                "failed": 0, "unknown": 0}
    expected = {"all": 2 * LARGE, "changes": active, "none": 0}[shown]
    assert len(result["results"]) == expected
    assert listed == 0 or all(r["outcome"] == "changed" for r in result["results"]) == (shown == "changes")
    stats = emu.admin("stats")
    assert stats["by_route"][END] == active and stats["by_route"]["GET /v2/room_sessions"] == 2 * LARGE // 250
