# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check mode writes nothing; the modules' own EXAMPLES run, and a second run changes nothing."""

import ast
import os

import pytest
import yaml

from tests.suite.conftest import ROOT, SERVICE

ROOM_SESSION = "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0"
PARTICIPANTS = ["11111111-2222-4333-8444-555555555555", "22222222-3333-4444-8555-666666666666"]


def examples(module):
    with open(os.path.join(ROOT, "plugins", "modules", module + ".py")) as handle:
        tree = ast.parse(handle.read())
    text = next(n.value.value for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == "EXAMPLES")
    return yaml.safe_load(text)


def seed(emu):
    emu.admin("fixtures", {
        "room_sessions": [{"id": ROOM_SESSION, "created_at": "now-1h",
                           "participants": [{"id": p} for p in PARTICIPANTS] + [{}]},
                          {"created_at": "now-6h"}, {"created_at": "now-10m"}],
        "proxy_sessions": [{"service_sid": SERVICE, "status": "open", "date_created": "now-3d"},
                           {"service_sid": SERVICE, "status": "closed", "date_created": "now-30d", "date_updated": "now-9d"},
                           {"service_sid": "KS00000000000000000000000000000002", "status": "closed",
                            "date_created": "now-30d", "date_updated": "now-8d"}]})


CHECK_MODE_CASES = [
    ("room_session_action", {"action": "end", "select": {"active": True}}),
    ("room_session_action", {"action": "kick", "room_session_id": ROOM_SESSION}),
    ("room_session_action", {"action": "mute", "room_session_ids": [ROOM_SESSION]}),
    ("proxy_session", {"service_sid": SERVICE, "unique_name": "brand-new", "ttl": 60}),
    ("proxy_session_action", {"action": "close", "service_sid": SERVICE, "select": {"status": "open"}}),
    ("proxy_session_action", {"action": "delete", "service_sid": SERVICE, "select": {}}),
]


@pytest.mark.parametrize("module, args", CHECK_MODE_CASES, ids=[c[0] + "-" + str(i) for i, c in enumerate(CHECK_MODE_CASES)])
def test_check_mode_sends_no_state_changing_request(emulator, module, args):
    seed(emulator)
    emulator.admin("stats/reset")
    rc, result, out, _err = emulator.adhoc(module, args, check=True)
    assert rc == 0, out[-2000:]
    assert result["changed"] is True  # there was something to do...
    assert emulator.admin("stats")["writes"] == 0  # ...and nothing was done
    if module.endswith("_action"):  # ...and no entry of a bulk module claims it was
        assert result["counts"]["changed"] == 0 and result["counts"]["would_change"] > 0
        assert result["results"] and all(r["changed"] is False and r["outcome"] != "changed" for r in result["results"])
        assert {r["outcome"] for r in result["results"]} <= {"would_change", "skipped"}


def test_check_mode_on_an_existing_proxy_session_and_a_delete(emulator):
    emulator.adhoc("proxy_session", {"service_sid": SERVICE, "unique_name": "kept", "ttl": 60})
    emulator.admin("stats/reset")
    for args in ({"service_sid": SERVICE, "unique_name": "kept", "ttl": 120, "status": "closed",
                  "participants": [{"identifier": "+15550001"}]},
                 {"service_sid": SERVICE, "unique_name": "kept", "state": "absent"}):
        rc, result, out, _err = emulator.adhoc("proxy_session", args, check=True)
        assert rc == 0 and result["changed"], out[-2000:]
    assert emulator.admin("stats")["writes"] == 0


# mute and unmute cannot be idempotent: the API does not show mute state (documented as partial).
STATE_CHANGING = ["room_session_action", "proxy_session", "proxy_session_action"]


@pytest.mark.parametrize("module", STATE_CHANGING)
def test_every_state_changing_example_runs_and_a_second_run_changes_nothing(emulator, module, tmp_path):
    seed(emulator)
    tasks = [t for t in examples(module) if t[next(k for k in t if k.startswith("commsops."))].get("action") != "mute"]
    assert tasks
    for number, task in enumerate(tasks):
        playbook = tmp_path / ("example-%d.yml" % number)
        playbook.write_text(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "tasks": [task]}]))
        rc, out, _err = emulator.playbook(str(playbook))
        assert rc == 0, "%s example %d failed: %s" % (module, number, out[-2000:])
        writes = emulator.admin("stats")["writes"]
        rc, out, _err = emulator.playbook(str(playbook))
        assert rc == 0 and "changed=0" in out, "%s example %d changed again: %s" % (module, number, out[-2000:])
        assert emulator.admin("stats")["writes"] == writes, "%s example %d wrote again" % (module, number)
