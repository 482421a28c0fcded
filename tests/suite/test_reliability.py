# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Bulk runs under faults, rate limits and slow servers finish correctly, or fail clearly within bounds."""

import time

from tests.suite.conftest import SERVICE


def test_bulk_end_of_500_sessions_under_20_percent_faults(make_emulator):
    emu = make_emulator(fault_rate=0.2, seed=7)
    ids = emu.admin("seed", {"room_sessions": 500, "active_ratio": 1.0, "seed": 7})["room_sessions"]
    args = {"action": "end", "select": {"active": True}, "max_retries": 12, "max_retry_wait": 120}
    rc, result, out, _err = emu.adhoc("room_session_action", args)
    assert rc == 0, out[-2000:]
    assert result["counts"] == {"total": 500, "changed": 500, "would_change": 0, "skipped": 0, "failed": 0, "unknown": 0}
    assert sorted(r["room_session_id"] for r in result["results"]) == sorted(ids)  # each exactly once
    assert not any(s["active"] for s in emu.admin("state")["room_sessions"])
    stats = emu.admin("stats")
    assert stats["by_status"].get("503", 0) + stats["by_status"].get("dropped", 0) > 50  # the faults really happened


def test_bulk_delete_of_500_sessions_under_20_percent_faults(make_emulator):
    emu = make_emulator(fault_rate=0.2, seed=8)
    sids = emu.admin("seed", {"proxy_sessions": 500, "services": [SERVICE], "seed": 8})["proxy_sessions"]
    args = {"action": "delete", "service_sid": SERVICE, "select": {}, "max_retries": 12, "max_retry_wait": 120}
    rc, result, out, _err = emu.adhoc("proxy_session_action", args)
    assert rc == 0, out[-2000:]
    assert result["counts"] == {"total": 500, "changed": 500, "would_change": 0, "skipped": 0, "failed": 0, "unknown": 0}
    assert sorted(r["sid"] for r in result["results"]) == sorted(sids)
    assert emu.admin("state")["proxy_services"][SERVICE] == []


def test_retried_creates_never_make_a_duplicate(make_emulator, tmp_path):
    emu = make_emulator(fault_rate=0.2, seed=9)
    playbook = tmp_path / "creates.yml"
    playbook.write_text("""
- hosts: localhost
  gather_facts: false
  tasks:
    - commsops.sessions.proxy_session:
        service_sid: %s
        unique_name: "order-{{ item }}"
        ttl: 600
        max_retries: 12
      loop: "{{ range(30) | list }}"
""" % SERVICE)
    rc, out, _err = emu.playbook(str(playbook))
    assert rc == 0, out[-3000:]
    names = [s["unique_name"] for s in emu.admin("state")["proxy_services"][SERVICE]]
    assert sorted(names) == sorted("order-%d" % n for n in range(30))
    stats = emu.admin("stats")
    assert stats["by_route"]["POST /v1/Services/{ServiceSid}/Sessions"] > 30  # some creates were retried


def test_rate_limited_bulk_run_completes_following_retry_after(make_emulator):
    emu = make_emulator(rate_limit=20)
    emu.admin("seed", {"room_sessions": 200, "active_ratio": 1.0, "seed": 3})
    started = time.monotonic()
    args = {"action": "end", "select": {"active": True}, "max_retries": 20, "max_retry_wait": 120}
    rc, result, out, _err = emu.adhoc("room_session_action", args)
    elapsed = time.monotonic() - started
    assert rc == 0, out[-2000:]
    assert result["counts"]["changed"] == 200 and result["counts"]["failed"] == 0
    stats = emu.admin("stats")
    limited = stats["by_status"].get("429", 0)
    assert limited > 0  # the limit was hit...
    # ...and the workers waited as told instead of hammering: at most one 429 per worker per Retry-After second.
    assert limited <= 8 * (int(elapsed) + 2)
    assert stats["by_status"]["200"] == 200 + 1


def test_a_server_slower_than_the_timeout_fails_clearly_and_in_bounded_time(make_emulator):
    emu = make_emulator(latency_ms=4000)
    started = time.monotonic()
    args = {"active": True, "timeout": 0.5, "max_retries": 2, "max_retry_wait": 3}
    rc, result, out, _err = emu.adhoc("room_session_info", args)
    elapsed = time.monotonic() - started
    assert rc != 0 and result is not None
    assert "timed out" in result["msg"] and "GET /v2/room_sessions" in result["msg"]
    assert "Traceback" not in out
    assert elapsed < 30, elapsed  # three attempts of 0.5 s and at most 3 s of waits, plus Ansible's start-up
