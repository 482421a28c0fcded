# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Malformed input fails with a message naming the option, and the server receives nothing."""

import json

import yaml

from tests.suite.conftest import SERVICE

UUID = "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0"
KC = "KC" + "a" * 32
TELNYX_LOOKUP = "{{ query('commsops.sessions.room_sessions', %s) }}"
TWILIO_LOOKUP = "{{ query('commsops.sessions.proxy_sessions', service_sid='" + SERVICE + "', %s) }}"

# (module or lookup, arguments, text the message must contain)
CASES = [
    ("room_session_info", {"room_session_id": "not-a-uuid"}, "room_session_id must be a UUID"),
    ("room_session_info", {"room_session_id": "../room_sessions"}, "room_session_id must be a UUID"),
    ("room_session_info", {"room_session_id": UUID + "?page[size]=1"}, "room_session_id must be a UUID"),
    ("room_session_info", {"room_id": ["../../v2/rooms"]}, "room_id[0] must be a UUID"),
    ("room_session_info", {"created_at": {"gt": "2026-11-01"}}, "created_at has unknown key(s) gt"),
    ("room_session_info", {"ended_at": {"lte": "yesterday at noon"}}, "ended_at.lte must be a date"),
    ("room_session_info", {"active": "perhaps"}, "active"),
    ("room_session_info", {"room_session_id": UUID, "active": True}, "mutually exclusive: room_session_id|active"),
    ("room_participant_info", {"room_session_id": "x/../y"}, "room_session_id must be a UUID"),
    ("room_participant_info", {"room_session_id": UUID, "joined_at": "2026-11-01"}, "joined_at"),
    ("room_participant_info", {}, "missing required arguments: room_session_id"),
    ("room_session_action", {"action": "end"}, "one of the following is required: room_session_id, room_session_ids, select"),
    ("room_session_action", {"action": "explode", "room_session_id": UUID}, "value of action must be one of"),
    ("room_session_action", {"action": "end", "room_session_ids": [UUID, "nope"]}, "room_session_ids[1] must be a UUID"),
    ("room_session_action", {"action": "end", "select": {"colour": "red"}}, "select has unknown key(s) colour"),
    ("room_session_action", {"action": "end", "select": {"created_at": {"lte": "soonish"}}}, "select.created_at.lte must be a date"),
    ("room_session_action", {"action": "kick", "room_session_id": UUID, "participants": ["bob"]}, "participants[0] must be a UUID"),
    ("room_session_action", {"action": "kick", "room_session_id": UUID, "exclude": ["?"]}, "exclude[0] must be a UUID"),
    ("room_session_action", {"action": "end", "room_session_id": UUID, "participants": [UUID]}, "participants has no meaning"),
    ("room_session_action", {"action": "end", "room_session_ids": [UUID] * 10001}, "room_session_ids has 10001 entries"),
    ("room_session_action", {"action": "end", "room_session_id": UUID, "concurrency": "many"}, "concurrency"),
    ("proxy_session", {"service_sid": "KS123", "unique_name": "a"}, "service_sid must be KS followed by 32"),
    ("proxy_session", {"service_sid": SERVICE, "sid": KC + "/../x"}, "sid must be KC followed by 32"),
    ("proxy_session", {"service_sid": SERVICE, "unique_name": "x" * 192}, "unique_name is 192 characters long"),
    ("proxy_session", {"service_sid": SERVICE, "unique_name": "a", "ttl": -1}, "ttl must be 0 or more"),
    ("proxy_session", {"service_sid": SERVICE, "unique_name": "a", "ttl": "abc"}, "ttl"),
    ("proxy_session", {"service_sid": SERVICE, "unique_name": "a", "date_expiry": "31/12/2026"}, "date_expiry must be a date"),
    ("proxy_session", {"service_sid": SERVICE, "unique_name": "a", "mode": "video"}, "value of mode must be one of"),
    ("proxy_session", {"service_sid": SERVICE, "unique_name": "a", "participants": [
        {"identifier": "+1"}, {"identifier": "+2"}, {"identifier": "+3"}]}, "at most 2 participants"),
    ("proxy_session", {"service_sid": SERVICE, "unique_name": "a", "participants": [{"friendly_name": "x"}]},
     "identifier"),
    ("proxy_session", {"service_sid": SERVICE, "unique_name": "a", "participants": [
        {"identifier": "+1", "proxy_identifier_sid": "PN12"}]}, "participants.proxy_identifier_sid must be PN"),
    ("proxy_session_info", {"service_sid": SERVICE, "sid": KC, "unique_name": "a"}, "mutually exclusive: sid|unique_name"),
    ("proxy_session_info", {"service_sid": SERVICE, "status": ["sleeping"]}, "value of status must be one or more of"),
    ("proxy_session_info", {"service_sid": SERVICE, "date_expiry": {"lte": "the end of time"}}, "date_expiry.lte must be a date"),
    ("proxy_session_action", {"action": "close", "service_sid": SERVICE, "sids": ["KC?x=1"]}, "sids[0] must be KC"),
    ("proxy_session_action", {"action": "close", "service_sids": [SERVICE, "KS../"], "select": {}}, "service_sids[1] must be KS"),
    ("proxy_session_action", {"action": "close", "service_sid": SERVICE, "sids": [KC], "select": {}}, "mutually exclusive"),
    ("proxy_session_action", {"action": "delete", "service_sid": SERVICE, "select": {"status": "asleep"}},
     "select.status has unknown value(s) asleep"),
    ("lookup:telnyx", "room_id='../x'", "room_id[0] must be a UUID"),
    ("lookup:telnyx", "created_at={'lte': 'whenever'}", "created_at.lte must be a date"),
    ("lookup:twilio", "last_activity={'gte': 'a while ago'}", "last_activity.gte must be a date"),
    ("lookup:twilio", "status='asleep'", "status has unknown value(s) asleep"),
]


def task_for(number, case):
    target, args, _text = case
    if target.startswith("lookup:"):
        body = {"ansible.builtin.debug": {"msg": (TELNYX_LOOKUP if target.endswith("telnyx") else TWILIO_LOOKUP) % args}}
    else:
        body = {"commsops.sessions." + target: args}
    return dict(body, name="case %d" % number, register="case_%d" % number, ignore_errors=True)


def test_at_least_30_malformed_inputs_fail_naming_the_option_and_send_nothing(emulator, tmp_path):
    assert len(CASES) >= 30
    out_file = tmp_path / "results.json"
    tasks = [task_for(n, c) for n, c in enumerate(CASES)]
    tasks.append({"name": "Save the results", "ansible.builtin.copy": {
        "dest": str(out_file), "content": "{{ [%s] | to_json }}" % ", ".join("case_%d" % n for n in range(len(CASES)))}})
    playbook = tmp_path / "bad.yml"
    playbook.write_text(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}], width=1000))
    rc, out, _err = emulator.playbook(str(playbook))
    assert rc == 0, out[-3000:]
    results = json.loads(out_file.read_text())
    problems = []
    for case, result in zip(CASES, results):
        if not result.get("failed") or case[2] not in result.get("msg", ""):
            problems.append((case[0], case[1] if len(str(case[1])) < 200 else "...", result.get("msg")))
        if "Traceback" in json.dumps(result):
            problems.append((case[0], "traceback", result.get("msg")))
    assert problems == []
    assert emulator.admin("stats")["total"] == 0
