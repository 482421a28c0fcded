# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Several accounts in one job: an inventory whose hosts are accounts, cleaned in parallel (forks), each with its
own credentials from host vars through module_defaults, and none touching another's sessions."""

import copy
import json
import os
import re
import uuid

import yaml

from tests.suite.conftest import ROOT

SERVICES = ["KS%032d" % n for n in (1, 2, 3)]
CLEANED_SERVICES = SERVICES[:2]  # the third is in no host's proxy_session_cleanup_service_sids
# Recognisable credentials, each account its own; initech's Twilio side signs in with an API key of its account.
ACCOUNTS = {
    "acme": {"telnyx_api_key": "TLX-ACME-41c2", "twilio_account_sid": "AC" + "a" * 32, "twilio_auth_token": "TWL-ACME-5d7e"},
    "globex": {"telnyx_api_key": "TLX-GLOBEX-8b90", "twilio_account_sid": "AC" + "b" * 32,
               "twilio_auth_token": "TWL-GLOBEX-1f3a"},
    "initech": {"telnyx_api_key": "TLX-INITECH-66d0", "twilio_account_sid": "AC" + "c" * 32,
                "twilio_auth_token": "TWL-INITECH-0e4b", "twilio_api_key": "SK" + "c" * 32,
                "twilio_api_secret": "TWL-INITECH-KEY-9a2c"},
}
HOST_CREDENTIALS = {"acme": ("telnyx_api_key", "twilio_account_sid", "twilio_auth_token"),
                    "globex": ("telnyx_api_key", "twilio_account_sid", "twilio_auth_token"),
                    "initech": ("telnyx_api_key", "twilio_account_sid", "twilio_api_key", "twilio_api_secret")}
EXTRA_HOST_VARS = {"initech": {"room_session_cleanup_max_age": "2h"}}  # role variables per account too

PLAYBOOK = """\
- name: Clean up stale sessions in every account
  hosts: accounts
  gather_facts: false
  module_defaults:
    group/commsops.sessions.telnyx:
      api_key: "{{ telnyx_api_key }}"
      base_url: "{{ telnyx_base_url }}"
    group/commsops.sessions.twilio:
      account_sid: "{{ twilio_account_sid }}"
      auth_token: "{{ twilio_auth_token | default(omit) }}"
      api_key: "{{ twilio_api_key | default(omit) }}"
      api_secret: "{{ twilio_api_secret | default(omit) }}"
      base_url: "{{ twilio_proxy_base_url }}"
  roles:
    - role: commsops.sessions.room_session_cleanup
    - role: commsops.sessions.proxy_session_cleanup
"""


def room(account, label):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "room-session/%s/%s" % (account, label)))


def proxy(account, label):
    return "KC" + uuid.uuid5(uuid.NAMESPACE_URL, "proxy-session/%s/%s" % (account, label)).hex


def room_fixture(account, label, created, active=True, ended=None):
    spec = {"id": room(account, label), "active": active, "created_at": created, "participants": [{}, {}]}
    if ended:
        spec["ended_at"] = ended
    return spec


def proxy_fixture(account, label, service, status, created, updated=None, last=None):
    return {"service_sid": service, "sid": proxy(account, label), "unique_name": "%s-%s" % (account, label), "status": status,
            "date_created": created, "date_updated": updated, "date_last_interaction": last,
            "participants": [{"identifier": "+15550001111"}]}


# What each account holds, and what the cleanup must do there: end (rooms), close or delete (Proxy).
FIXTURES = {
    "acme": {  # room_session_cleanup_max_age 4h (the default)
        "room_sessions": [room_fixture("acme", "stale-6h", "now-6h"), room_fixture("acme", "stale-2d", "now-2d"),
                          room_fixture("acme", "fresh", "now-1h"),
                          room_fixture("acme", "ended", "now-3d", active=False, ended="now-2d")],
        "proxy_sessions": [proxy_fixture("acme", "idle", SERVICES[0], "open", "now-3d"),
                           proxy_fixture("acme", "old-closed", SERVICES[0], "closed", "now-20d", updated="now-9d"),
                           proxy_fixture("acme", "fresh", SERVICES[1], "open", "now-2h")],
    },
    "globex": {
        "room_sessions": [room_fixture("globex", "stale-5h", "now-5h"), room_fixture("globex", "fresh", "now-30m"),
                          room_fixture("globex", "young-3h", "now-3h")],
        "proxy_sessions": [proxy_fixture("globex", "idle-in-progress", SERVICES[1], "in-progress", "now-5d", last="now-2d"),
                           proxy_fixture("globex", "recently-closed", SERVICES[0], "closed", "now-3d", updated="now-2d"),
                           proxy_fixture("globex", "talking", SERVICES[0], "in-progress", "now-3d", last="now-1h")],
    },
    "initech": {  # room_session_cleanup_max_age 2h: a 3h-old session is stale here, not in globex
        "room_sessions": [room_fixture("initech", "stale-3h", "now-3h"), room_fixture("initech", "fresh", "now-1h")],
        "proxy_sessions": [proxy_fixture("initech", "old-closed", SERVICES[1], "closed", "now-30d", updated="now-10d"),
                           proxy_fixture("initech", "fresh", SERVICES[0], "open", "now-1h"),
                           proxy_fixture("initech", "idle-elsewhere", SERVICES[2], "open", "now-5d")],
    },
    "default": {  # the emulator's first account: the credentials in the environment; no host is this account
        "room_sessions": [room_fixture("default", "stale-6h", "now-6h")],
        "proxy_sessions": [proxy_fixture("default", "idle", SERVICES[0], "open", "now-3d"),
                           proxy_fixture("default", "old-closed", SERVICES[0], "closed", "now-20d", updated="now-9d")],
    },
}
ENDED = {"acme": {"stale-6h", "stale-2d"}, "globex": {"stale-5h"}, "initech": {"stale-3h"}, "default": set()}
CLOSED = {"acme": {"idle"}, "globex": {"idle-in-progress"}, "initech": set(), "default": set()}
DELETED = {"acme": {"old-closed"}, "globex": set(), "initech": {"old-closed"}, "default": set()}


def write_inventory(path, emu):
    hosts = {name: dict({key: ACCOUNTS[name][key] for key in HOST_CREDENTIALS[name]}, **EXTRA_HOST_VARS.get(name, {}))
             for name in ACCOUNTS}
    inventory = {"all": {"children": {"accounts": {
        "vars": {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}",
                 "telnyx_base_url": emu.url + "/v2", "twilio_proxy_base_url": emu.url,
                 "proxy_session_cleanup_service_sids": CLEANED_SERVICES},
        "hosts": hosts}}}}
    with open(path, "w") as handle:
        handle.write("---\n" + yaml.safe_dump(inventory, sort_keys=False))


def states(emu, names):
    return {name: emu.admin("state", {"account": name}) for name in names}


def by_id(state):
    rooms = {s["id"]: s for s in state["room_sessions"]}
    sessions = {s["sid"]: s for service in state["proxy_services"].values() for s in service}
    return rooms, sessions


def test_three_accounts_cleaned_in_parallel_each_with_its_own_credentials(emulator, tmp_path):
    added = emulator.admin("accounts", [dict(ACCOUNTS[name], name=name) for name in ACCOUNTS])
    assert added["accounts"] == ["default", "acme", "globex", "initech"]
    for name, body in FIXTURES.items():
        emulator.admin("fixtures", dict(copy.deepcopy(body), account=name))
    before = states(emulator, FIXTURES)
    emulator.admin("stats/reset")
    write_inventory(str(tmp_path / "accounts.yml"), emulator)
    (tmp_path / "cleanup.yml").write_text(PLAYBOOK)

    rc, out, err = emulator.playbook(str(tmp_path / "cleanup.yml"), "-i", str(tmp_path / "accounts.yml"), "-f", "3")
    assert rc == 0, out[-4000:] + err[-2000:]
    recap = dict(re.findall(r"^(\w+)\s+: ok=\d+\s+changed=\d+\s+unreachable=0\s+failed=(\d+)", out, re.MULTILINE))
    assert recap == {"acme": "0", "globex": "0", "initech": "0"}, out[-3000:]

    after = states(emulator, FIXTURES)
    for name in FIXTURES:
        rooms_before, sessions_before = by_id(before[name])
        rooms_after, sessions_after = by_id(after[name])
        assert set(rooms_after) == set(rooms_before), name
        for label in ENDED[name]:
            ended = rooms_after[room(name, label)]
            assert not ended["active"] and ended["ended_at"] and all(p["left_at"] for p in ended["participants"]), (name, label)
        untouched = {sid: s for sid, s in rooms_before.items() if sid not in {room(name, label) for label in ENDED[name]}}
        assert {sid: rooms_after[sid] for sid in untouched} == untouched, name

        assert set(sessions_after) == set(sessions_before) - {proxy(name, label) for label in DELETED[name]}, name
        for label in CLOSED[name]:
            assert sessions_after[proxy(name, label)]["status"] == "closed", (name, label)
        changed = {proxy(name, label) for label in CLOSED[name] | DELETED[name]}
        assert {sid: s for sid, s in sessions_after.items() if sid not in changed} == \
            {sid: s for sid, s in sessions_before.items() if sid not in changed}, name
    assert after["default"] == before["default"]  # the environment's credentials were never used

    stats = emulator.admin("stats")
    assert set(stats["by_account"]) == {"acme", "globex", "initech"}  # every request carried one host's credentials
    assert set(stats["by_status"]) <= {"200", "204"}  # no 401, no 404: each host reached its own sessions only
    assert stats["by_route"]["POST /v2/room_sessions/{id}/actions/end"] == 4
    assert stats["by_route"]["POST /v1/Services/{ServiceSid}/Sessions/{Sid}"] == 2  # the two closes
    assert stats["by_route"]["DELETE /v1/Services/{ServiceSid}/Sessions/{Sid}"] == 2
    # each account's secrets stay out of the output (no_log), the others' too
    for account in ACCOUNTS.values():
        for field in ("telnyx_api_key", "twilio_auth_token", "twilio_api_secret"):
            if field in account:
                assert account[field] not in out + err, field


# The example in the guide runs as written ------------------------------------------------------------

EXAMPLES = os.path.join(ROOT, "docs", "examples")


def test_the_example_inventory_and_playbook_clean_each_example_account(emulator):
    with open(os.path.join(EXAMPLES, "emulator_accounts.json")) as handle:
        emulator.admin("accounts", json.load(handle))
    names = ["acme", "globex", "initech"]
    for n, name in enumerate(names):
        emulator.admin("fixtures", {"account": name, "room_sessions": [
            room_fixture(name, "stale", "now-%dh" % (5 + n)), room_fixture(name, "fresh", "now-30m")]})
    emulator.admin("fixtures", {"room_sessions": [room_fixture("default", "stale", "now-9h")]})
    # The inventory points at the emulator on port 8080; extra vars point it at this test's emulator instead.
    rc, out, err = emulator.playbook(os.path.join(EXAMPLES, "accounts_cleanup.yml"), "-i", os.path.join(EXAMPLES, "accounts.yml"),
                                     "-f", "3", "-e", "telnyx_base_url=%s/v2 twilio_proxy_base_url=%s" % (emulator.url, emulator.url))
    assert rc == 0, out[-4000:] + err[-2000:]
    for name in names:
        rooms, _sessions = by_id(emulator.admin("state", {"account": name}))
        assert not rooms[room(name, "stale")]["active"] and rooms[room(name, "fresh")]["active"], name
    assert all(s["active"] for s in emulator.admin("state")["room_sessions"])
    assert "default" not in emulator.admin("stats")["by_account"]


def test_the_guide_shows_the_example_files_as_they_are():
    with open(os.path.join(ROOT, "docs", "guide.md")) as handle:
        guide = handle.read()
    section = guide[guide.index("## 5. Several accounts in one job"):]
    blocks = re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)
    for name in ("accounts.yml", "accounts_cleanup.yml"):
        with open(os.path.join(EXAMPLES, name)) as handle:
            assert handle.read() in blocks, name
    assert "docs/examples/emulator_accounts.json" in section
