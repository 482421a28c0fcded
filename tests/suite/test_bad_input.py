# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Malformed input fails with a message naming the option, and the server receives nothing."""

import json
import os
import subprocess

import yaml

from tests.suite.conftest import BIN, SERVICE

UUID = "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0"
KC = "KC" + "a" * 32
PN = "PN" + "b" * 32
HUGE = "now-99999999999d"
LOOKUPS = {
    "lookup:telnyx": "{{ query('commsops.sessions.room_sessions', %s) }}",
    "lookup:twilio": "{{ query('commsops.sessions.proxy_sessions', service_sid='" + SERVICE + "', %s) }}",
    "lookup:twilio-bare": "{{ query('commsops.sessions.proxy_sessions', %s) }}",
}

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
    ("room_session_action", {"action": "end", "room_session_id": UUID, "concurrency": "many"}, "concurrency must be auto or"),
    ("room_session_info", {"active": True, "max_concurrency": 0}, "max_concurrency must be between 1 and 256"),
    ("lookup:telnyx", "concurrency='lots'", "concurrency must be auto or"),
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
    # A trailing newline passed "^...$" with re.match, and went into the URL.
    ("room_session_info", {"room_session_id": UUID + "\n"}, "room_session_id must be a UUID"),
    ("room_participant_info", {"room_session_id": UUID + "\n"}, "room_session_id must be a UUID"),
    ("room_session_action", {"action": "end", "room_session_ids": [UUID + "\n"]}, "room_session_ids[0] must be a UUID"),
    ("room_session_action", {"action": "kick", "room_session_id": UUID, "participants": [UUID + "\n"]},
     "participants[0] must be a UUID"),
    ("room_session_action", {"action": "end", "select": {"room_id": UUID + "\n"}}, "select.room_id[0] must be a UUID"),
    ("proxy_session", {"service_sid": SERVICE + "\n", "unique_name": "a"}, "service_sid must be KS followed by 32"),
    ("proxy_session", {"service_sid": SERVICE, "sid": KC + "\n"}, "sid must be KC followed by 32"),
    ("proxy_session", {"service_sid": SERVICE, "unique_name": "a", "participants": [
        {"identifier": "+1", "proxy_identifier_sid": PN + "\n"}]}, "participants.proxy_identifier_sid must be PN"),
    ("proxy_session_info", {"service_sid": SERVICE, "sid": KC + "\n"}, "sid must be KC followed by 32"),
    ("proxy_session_action", {"action": "close", "service_sid": SERVICE, "sids": [KC + "\n"]}, "sids[0] must be KC"),
    ("proxy_session_action", {"action": "close", "service_sids": [SERVICE + "\n"], "select": {}}, "service_sids[0] must be KS"),
    ("lookup:telnyx", "room_id=['" + UUID + "\\n']", "room_id[0] must be a UUID"),
    ("lookup:twilio-bare", "service_sid='" + SERVICE + "\\n'", "service_sid must be KS followed by 32"),
    # Moments too far away, and dates or offsets that do not exist.
    ("room_session_info", {"created_at": {"lte": HUGE}}, "created_at.lte must be at most 100 years"),
    ("room_participant_info", {"room_session_id": UUID, "joined_at": {"gte": HUGE}}, "joined_at.gte"),
    ("room_session_action", {"action": "end", "select": {"created_at": {"gte": "now-" + "9" * 30 + "w"}}},
     "select.created_at.gte"),
    ("proxy_session_info", {"service_sid": SERVICE, "date_created": {"lte": "now+99999999999d"}}, "date_created.lte"),
    ("proxy_session_action", {"action": "close", "service_sid": SERVICE, "select": {"last_activity": {"lte": HUGE}}},
     "select.last_activity.lte"),
    ("lookup:telnyx", "ended_at={'gte': '" + HUGE + "'}", "ended_at.gte"),
    ("lookup:twilio", "last_activity={'lte': 'now-" + "9" * 5000 + "d'}", "last_activity.lte"),
    ("room_session_info", {"created_at": {"gte": "0000-01-01"}}, "created_at.gte must be a date"),
    ("room_session_info", {"updated_at": {"lte": "2026-13-01"}}, "updated_at.lte must be a date"),
    ("room_session_action", {"action": "end", "select": {"ended_at": {"eq": "2026-11-01T24:00:00Z"}}},
     "select.ended_at.eq must be a date"),
    ("proxy_session", {"service_sid": SERVICE, "unique_name": "a", "date_expiry": "2026-12-01T10:00:00+25:00"},
     "date_expiry must be a date"),
    ("proxy_session_info", {"service_sid": SERVICE, "date_updated": {"gte": "2026-02-30T00:00:00Z"}},
     "date_updated.gte must be a date"),
    ("lookup:twilio", "date_created={'gte': '2026-11-01T08:00:00+24:00'}", "date_created.gte must be a date"),
    # Wrong types inside dictionaries.
    ("room_session_action", {"action": "end", "select": {"active": "maybe"}}, "select.active must be true or false"),
    ("room_session_action", {"action": "end", "select": {"active": 2}}, "select.active must be true or false"),
    ("room_session_action", {"action": "end", "select": {"room_id": 5}}, "select.room_id must be a list of UUIDs"),
    ("room_session_action", {"action": "end", "select": {"exclude_room_ids": 5}},
     "select.exclude_room_ids must be a list of UUIDs"),
    ("room_session_action", {"action": "end", "select": {"created_at": ["2026-11-01"]}},
     "select.created_at must be a dictionary"),
    ("room_session_action", {"action": "end", "select": {"created_at": {"lte": 5}}}, "select.created_at.lte must be a date"),
    ("room_session_action", {"action": "end", "select": {"updated_at": {"gte": True}}}, "select.updated_at.gte must be a date"),
    ("room_session_info", {"created_at": {"gte": 1.5}}, "created_at.gte must be a date"),
    ("room_participant_info", {"room_session_id": UUID, "left_at": {"lte": 5}}, "left_at.lte must be a date"),
    ("proxy_session_action", {"action": "close", "service_sid": SERVICE, "select": {"status": 5}},
     "select.status must be a status or a list of statuses"),
    ("proxy_session_action", {"action": "delete", "service_sid": SERVICE, "select": {"status": [5]}},
     "select.status must be a status or a list of statuses"),
    ("proxy_session_action", {"action": "close", "service_sid": SERVICE, "select": {"date_created": [1]}},
     "select.date_created must be a dictionary"),
    ("proxy_session_action", {"action": "close", "service_sid": SERVICE, "select": {"date_expiry": {"gte": 20261101}}},
     "select.date_expiry.gte must be a date"),
    ("proxy_session_action", {"action": "close", "service_sid": SERVICE, "select": {"last_activity": {"lte": False}}},
     "select.last_activity.lte must be a date"),
    ("lookup:telnyx", "created_at={'lte': 5}", "created_at.lte must be a date"),
    # Connection options out of range.
    ("room_session_info", {"timeout": "nan"}, "timeout must be a finite number"),
    ("proxy_session_info", {"service_sid": SERVICE, "timeout": "inf"}, "timeout must be a finite number"),
    ("room_session_action", {"action": "end", "room_session_id": UUID, "timeout": 0}, "timeout must be greater than 0"),
    ("proxy_session_action", {"action": "close", "service_sid": SERVICE, "sids": [KC], "timeout": -1},
     "timeout must be greater than 0"),
    ("room_participant_info", {"room_session_id": UUID, "timeout": 1e9}, "timeout must be greater than 0 and at most 3600"),
    ("room_session_info", {"max_retry_wait": "nan"}, "max_retry_wait must be a finite number"),
    ("proxy_session", {"service_sid": SERVICE, "unique_name": "a", "max_retry_wait": -1}, "max_retry_wait must be 0 or more"),
    ("proxy_session_info", {"service_sid": SERVICE, "max_retry_wait": 1e6}, "max_retry_wait must be 0 or more and at most 86400"),
    ("room_session_info", {"max_retries": -1}, "max_retries must be between 0 and 100"),
    ("proxy_session_action", {"action": "delete", "service_sid": SERVICE, "sids": [KC], "max_retries": 1000},
     "max_retries must be between 0 and 100"),
    ("lookup:telnyx", "timeout=0", "timeout must be greater than 0"),
    ("lookup:twilio", "timeout='nan'", "timeout must be a finite number"),
    ("lookup:twilio", "max_retries=-1", "max_retries must be between 0 and 100"),
    # Lookups: unknown keywords were ignored (so every session came back), loose booleans became false.
    ("lookup:telnyx", "actve=false", "unknown keyword argument(s) actve; valid ones are"),
    ("lookup:twilio", "stauts='open'", "unknown keyword argument(s) stauts"),
    ("lookup:telnyx", "active='maybe'", "active must be true or false"),
    ("lookup:telnyx", "include_participants='perhaps'", "include_participants must be true or false"),
    ("lookup:twilio", "include_participants='perhaps'", "include_participants must be true or false"),
    ("lookup:telnyx", "validate_certs='maybe'", "validate_certs must be true or false"),
    # Types the config manager itself refuses (its message names the option).
    ("lookup:twilio", "status=5", "'status'"),
    ("lookup:telnyx", "created_at='yesterday'", "'created_at'"),
    ("lookup:telnyx", "timeout='soon'", "timeout must be a finite number"),
]

# Numbers are ASCII digits: int() and float() took '１' and '٣' (Ansible's own int and float types too).
CASES += [
    ("room_session_action", {"action": "end", "room_session_id": UUID, "concurrency": "²"},
     "concurrency must be auto or a whole number from 1 to 256, got '²'"),
    ("room_session_info", {"timeout": "１"}, "timeout must be a finite number of seconds, got '１'"),
    ("proxy_session_info", {"service_sid": SERVICE, "max_retries": "٣"}, "max_retries must be a whole number"),
    ("proxy_session_action", {"action": "close", "service_sid": SERVICE, "sids": [KC], "max_retry_wait": "1_0"},
     "max_retry_wait must be a finite number"),
    ("room_session_info", {"max_concurrency": "１６"}, "max_concurrency must be a whole number"),
    ("lookup:telnyx", "concurrency='²'", "concurrency must be auto or"),
    ("lookup:twilio", "timeout='１'", "timeout must be a finite number"),
]

# Numbers out of range are refused, not clamped.
CASES += [
    ("room_session_action", {"action": "end", "room_session_id": UUID, "concurrency": 0}, "concurrency must be between 1 and 256"),
    ("room_session_action", {"action": "end", "room_session_id": UUID, "concurrency": 257}, "concurrency must be between 1 and 256"),
    ("proxy_session_action", {"action": "close", "service_sid": SERVICE, "sids": [KC], "concurrency": 0},
     "concurrency must be between 1 and 256"),
    ("proxy_session_action", {"action": "close", "service_sid": SERVICE, "sids": [KC], "concurrency": 1000},
     "concurrency must be between 1 and 256"),
    ("room_session_action", {"action": "end", "room_session_id": UUID, "max_sessions": -1}, "max_sessions must be 0 or more"),
    ("proxy_session_action", {"action": "close", "service_sid": SERVICE, "sids": [KC], "max_sessions": -1},
     "max_sessions must be 0 or more"),
    # Other scripts' digits are not numbers here (Ansible's int type would read them as 3 and 2).
    ("room_session_action", {"action": "end", "room_session_id": UUID, "max_sessions": "\u0663"},
     "max_sessions must be a whole number"),
    ("proxy_session_action", {"action": "close", "service_sid": SERVICE, "sids": [KC], "max_sessions": "\u00b2"},
     "max_sessions must be a whole number"),
    ("proxy_session", {"service_sid": SERVICE, "unique_name": "a", "ttl": "\uff11"}, "ttl must be a whole number"),
    # fields: an unknown name is refused before any request, naming the known ones.
    ("proxy_session_info", {"service_sid": SERVICE, "fields": ["sid", "unique_nmae"]},
     "fields has unknown field(s) unique_nmae; known fields are sid,"),
    ("room_session_info", {"fields": ["name"]}, "fields has unknown field(s) name; known fields are id,"),
    ("room_participant_info", {"room_session_id": UUID, "fields": ["identifier"]}, "fields has unknown field(s) identifier"),
    ("lookup:twilio", "fields=['sid', 'url ']", "fields has unknown field(s) url "),
    ("lookup:telnyx", "fields=['id', 'session_id']", "fields has unknown field(s) session_id"),
]


def task_for(number, case):
    target, args, _text = case
    if target.startswith("lookup:"):
        body = {"ansible.builtin.debug": {"msg": LOOKUPS[target] % args}}
    else:
        body = {"commsops.sessions." + target: args}
    return dict(body, name="case %d" % number, register="case_%d" % number, ignore_errors=True)


def test_at_least_60_malformed_inputs_fail_naming_the_option_and_send_nothing(emulator, tmp_path):
    assert len(CASES) >= 60
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


def test_a_missing_telnyx_key_names_its_variable_and_sends_nothing(emulator, tmp_path):
    # Ansible's own "missing required arguments: api_key" did not say where a key may come from.
    env = emulator.env()
    del env["TELNYX_API_KEY"]
    module = subprocess.run([os.path.join(BIN, "ansible"), "localhost", "-m", "commsops.sessions.room_session_info",
                             "-a", json.dumps({"active": True})], capture_output=True, text=True, env=env, timeout=300,
                            check=False)
    assert module.returncode != 0
    assert "api_key is required: set it, or the TELNYX_API_KEY environment variable" in module.stdout
    assert "missing required arguments" not in module.stdout
    lookup = subprocess.run([os.path.join(BIN, "ansible"), "localhost", "-m", "ansible.builtin.debug", "-a",
                             "msg={{ query('commsops.sessions.room_sessions', active=true) }}"],
                            capture_output=True, text=True, env=env, timeout=300, check=False)
    assert lookup.returncode != 0
    assert "api_key is required: set it, or the TELNYX_API_KEY environment variable" in lookup.stdout
    assert emulator.admin("stats")["total"] == 0
