# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Results say what the server really did, under faults and races, and a rerun converges.

Exact accounting: each session's state at the emulator, before and after, against the outcome reported for it.
Faults are 503s, connections dropped before the request is read, and answers dropped after a write was applied.
"""

import json
import threading

import pytest

from tests.suite.conftest import SERVICE

SESSIONS = 40
# Few retries, so that many sessions exhaust them and every kind of outcome shows up.
FAULTY = {"max_retries": 2, "max_retry_wait": 30}


def room_fixtures(count):
    return [{"active": True, "created_at": "now-3h",
             "participants": [{"context": "host"}, {"context": "guest"}]} for _n in range(count)]


def telnyx_done(action, session):
    """Whether the action's effect shows on the session."""
    if action == "end":
        return not session["active"]
    return all(p.get("left_at") for p in session["participants"])


def proxy_done(action, session):
    return session is None if action == "delete" else session["status"] == "closed"


def check_accounting(results, before, after, done, action):
    """changed: done now and not before; failed: exactly as before; skipped: done before; unknown: either."""
    seen = {}
    for result in results:
        key = result.get("room_session_id") or result.get("sid")
        seen[key] = result["outcome"]
        was, now = before[key], after.get(key)
        if result["outcome"] == "changed":
            assert done(action, now) and not done(action, was), result
        elif result["outcome"] == "failed":
            assert now == was, result
        elif result["outcome"] == "skipped":
            assert done(action, was), result
        else:
            assert result["outcome"] == "unknown" and "rerun to converge" in result["reason"], result
    assert sorted(seen) == sorted(before)  # every session has exactly one result
    return seen


def telnyx_state(emu):
    return dict((s["id"], s) for s in emu.admin("state")["room_sessions"])


def proxy_state(emu):
    return dict((s["sid"], s) for s in emu.admin("state")["proxy_services"][SERVICE])


@pytest.mark.parametrize("fault_rate", [0.2, 0.5])
@pytest.mark.parametrize("action", ["end", "kick"])
def test_telnyx_bulk_actions_report_what_happened_and_converge(make_emulator, action, fault_rate):
    emu = make_emulator(seed=11)
    ids = [s["id"] for s in emu.admin("fixtures", {"room_sessions": room_fixtures(SESSIONS)})["room_sessions"]]
    before = telnyx_state(emu)
    emu.admin("config", {"fault_rate": fault_rate})
    rc, result, out, _err = emu.adhoc("room_session_action", dict(FAULTY, action=action, room_session_ids=ids))
    emu.admin("config", {"fault_rate": 0})
    assert result is not None and "Traceback" not in out, out[-2000:]
    outcomes = check_accounting(result["results"], before, telnyx_state(emu), telnyx_done, action)
    assert (rc == 0) == all(o in ("changed", "skipped") for o in outcomes.values())
    stats = emu.admin("stats")
    assert stats["by_status"].get("503", 0) + stats["by_status"].get("dropped", 0) > 0  # the faults happened

    rc, again, out, _err = emu.adhoc("room_session_action", dict(action=action, room_session_ids=ids))
    assert rc == 0, out[-2000:]
    assert all(telnyx_done(action, s) for s in telnyx_state(emu).values())
    # What the first run reported done is not done again: it really was done.
    assert not [r for r in again["results"] if r["outcome"] == "changed" and outcomes[r["room_session_id"]] == "changed"]


@pytest.mark.parametrize("fault_rate", [0.2, 0.5])
@pytest.mark.parametrize("action", ["close", "delete"])
def test_twilio_bulk_actions_report_what_happened_and_converge(make_emulator, action, fault_rate):
    emu = make_emulator(seed=12)
    sids = emu.admin("seed", {"proxy_sessions": SESSIONS, "services": [SERVICE], "seed": 12})["proxy_sessions"]
    before = proxy_state(emu)
    emu.admin("config", {"fault_rate": fault_rate})
    rc, result, out, _err = emu.adhoc("proxy_session_action", dict(FAULTY, action=action, service_sid=SERVICE, sids=sids))
    emu.admin("config", {"fault_rate": 0})
    assert result is not None and "Traceback" not in out, out[-2000:]
    outcomes = check_accounting(result["results"], before, proxy_state(emu), proxy_done, action)
    assert (rc == 0) == all(o in ("changed", "skipped") for o in outcomes.values())

    rc, again, out, _err = emu.adhoc("proxy_session_action", dict(action=action, service_sid=SERVICE, sids=sids))
    assert rc == 0, out[-2000:]
    after = proxy_state(emu)
    assert all(proxy_done(action, after.get(sid)) for sid in sids)
    assert not [r for r in again["results"] if r["outcome"] == "changed" and outcomes[r["sid"]] == "changed"]


@pytest.mark.parametrize("fault_rate", [0.2, 0.5])
def test_proxy_session_under_faults_reports_honestly_and_converges(make_emulator, tmp_path, fault_rate):
    emu = make_emulator(seed=13)
    names = ["honest-%d" % n for n in range(12)]
    playbook = tmp_path / "declare.yml"
    playbook.write_text("""
- hosts: localhost
  gather_facts: false
  tasks:
    - commsops.sessions.proxy_session:
        service_sid: %s
        unique_name: "{{ item }}"
        ttl: 900
        status: closed
        participants:
          - identifier: "+1555000{{ '%%04d' | format(idx) }}"
        max_retries: "{{ retries }}"
        max_retry_wait: 30
      loop: %s
      loop_control:
        index_var: idx
      register: declared
      ignore_errors: true

    - ansible.builtin.copy:
        dest: "{{ out }}"
        content: "{{ declared.results | to_json }}"
""" % (SERVICE, names))
    first = tmp_path / "first.json"
    emu.admin("config", {"fault_rate": fault_rate})
    rc, out, _err = emu.playbook(str(playbook), "-e", "retries=2 out=%s" % first)
    emu.admin("config", {"fault_rate": 0})
    assert "Traceback" not in out
    results = json.loads(first.read_text())
    state = dict((s["unique_name"], s) for s in emu.admin("state")["proxy_services"][SERVICE])
    for name, result in zip(names, results):
        session = state.get(name)
        if not result.get("failed"):
            # Reported done: the session is exactly as declared.
            assert session and session["status"] == "closed" and session["ttl"] == 900, result
            assert [p["identifier"] for p in session["participants"]] == ["+1555000%04d" % names.index(name)], result
        elif "may have been applied" not in result["msg"] and "rerun to converge" not in result["msg"]:
            assert session is None, result  # reported plainly failed: nothing was made

    second = tmp_path / "second.json"
    rc, out, _err = emu.playbook(str(playbook), "-e", "retries=5 out=%s" % second)
    assert rc == 0 and not any(r.get("failed") for r in json.loads(second.read_text())), out[-3000:]
    sessions = emu.admin("state")["proxy_services"][SERVICE]
    assert sorted(s["unique_name"] for s in sessions) == sorted(names)  # one session per name, none twice
    assert all(s["status"] == "closed" and s["ttl"] == 900 and len(s["participants"]) == 1 for s in sessions)


def test_two_runs_creating_the_same_unique_name_at_once_both_succeed(make_emulator):
    emu = make_emulator()
    # The first create waits 6 s before the emulator applies it: meanwhile the other run looks the name up,
    # finds nothing and creates it, so the first create then meets the duplicate.
    emu.admin("faults", {"method": "POST", "path": "/Sessions$", "mode": "delay", "delay_ms": 6000, "count": 1})
    outcomes = []

    def run():
        outcomes.append(emu.adhoc("proxy_session", {"service_sid": SERVICE, "unique_name": "race-1", "ttl": 60}))

    runs = [threading.Thread(target=run) for _n in range(2)]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join(timeout=300)
    assert [rc for rc, _result, _out, _err in outcomes] == [0, 0], [o[2][-1500:] for o in outcomes]
    assert [s["unique_name"] for s in emu.admin("state")["proxy_services"][SERVICE]] == ["race-1"]
    stats = emu.admin("stats")
    assert stats["by_route"]["POST /v1/Services/{ServiceSid}/Sessions"] == 2, stats  # both tried; one lost the race
    assert stats["by_status"].get("400", 0) == 1


@pytest.mark.parametrize("check", [False, True], ids=["real-run", "check-mode"])
@pytest.mark.parametrize("module, args, key", [
    ("room_session_action", {"action": "end", "select": {"active": True}}, "room_session_id"),
    ("proxy_session_action", {"action": "close", "service_sid": SERVICE, "select": {"status": ["open", "in-progress"]}}, "sid"),
], ids=["room", "proxy"])
def test_a_run_the_limit_stopped_reads_as_not_done(make_emulator, module, args, key, check):
    emu = make_emulator(seed=14)
    if module == "room_session_action":
        emu.admin("fixtures", {"room_sessions": room_fixtures(9)})
    else:
        emu.admin("fixtures", {"proxy_sessions": [{"service_sid": SERVICE, "status": "open", "date_created": "now-1d"}] * 9})
    emu.admin("stats/reset")
    rc, result, out, _err = emu.adhoc(module, dict(args, max_sessions=1), check=check)
    assert rc != 0 and "9 sessions match, more than max_sessions (1): nothing was changed" in result["msg"], out[-2000:]
    assert emu.admin("stats")["writes"] == 0
    # Nothing was done, and nothing says it was: every entry would change, none changed.
    assert result["changed"] is False and result["stopped_by_limit"] is True
    assert result["counts"] == {"total": 9, "changed": 0, "would_change": 9, "skipped": 0, "failed": 0, "unknown": 0}
    assert len(result["results"]) == 9 and len(set(r[key] for r in result["results"])) == 9
    assert all(r["outcome"] == "would_change" and r["changed"] is False for r in result["results"])

    # Within the limit the same run is done, and says so.
    rc, result, out, _err = emu.adhoc(module, dict(args, max_sessions=9), check=check)
    assert rc == 0 and result["stopped_by_limit"] is False, out[-2000:]
    assert result["counts"]["changed" if not check else "would_change"] == 9
    assert result["counts"]["would_change" if not check else "changed"] == 0
    assert emu.admin("stats")["writes"] == (0 if check else 9)
