# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The contract: every request the collection's modules and lookups send, and every answer of the emulator,
passes Prism's validating proxy (``--errors``) with the official documents (tests/utils/prism.py).

The real modules run through ansible-playbook with their base URLs on Prism (through its Witness); Prism
forwards to the emulator. A task must succeed AND Prism must report nothing: no refused request (422), no
answer replaced for a response violation (500), no ``sl-violations`` header, no error or warning in its log.
Prism serves a document's paths at its root, ignoring the servers' path: Telnyx's base_url is Prism's root
and Prism's upstream is the emulator's /v2 (test_prism_reports_each_kind_of_violation checks that /v2 is
unknown to Prism). Skipped, with the reason, only where node or npm is missing.
"""

import json
import os
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import yaml

from tests.suite.conftest import SECRETS, SERVICE, Emulator
from tests.utils import prism

# Grouped so that one worker starts the emulator and the two Prisms once (module fixture); where the group is
# not honoured, each worker starts its own, which is only slower.
pytestmark = [pytest.mark.skipif(prism.missing_tools() is not None, reason=str(prism.missing_tools())),
              pytest.mark.xdist_group("prism")]

ROOM = "7b61621f-62e0-4aad-ab11-9fd19e272e73"
ROOM_SESSION = "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0"
PARTICIPANTS = ["11111111-2222-4333-8444-555555555555", "22222222-3333-4444-8555-666666666666"]
CLOSED = "KC" + "c" * 32
COLLECTION = "commsops.sessions."


class Contract:
    """One emulator and a Prism proxy per vendor in front of it."""

    def __init__(self, entry, workdir):
        self.emulator = Emulator()
        specs = prism.local_specs()
        starts = {"telnyx": (entry, specs["telnyx"], self.emulator.url + "/v2", os.path.join(workdir, "prism-telnyx.log")),
                  "twilio": (entry, specs["twilio"], self.emulator.url, os.path.join(workdir, "prism-twilio.log"),
                             prism.twilio_error_body)}
        self.proxies = {}
        with ThreadPoolExecutor(len(starts)) as pool:  # both load their document at the same time
            started = dict((vendor, pool.submit(prism.Prism, *args)) for vendor, args in starts.items())
        for vendor, future in started.items():
            if future.exception() is None:
                self.proxies[vendor] = future.result()
        if len(self.proxies) < len(starts):
            self.stop()
            raise next(f.exception() for f in started.values() if f.exception() is not None)
        self.workdir = workdir

    def marks(self):
        return dict((vendor, proxy.mark()) for vendor, proxy in self.proxies.items())

    def problems(self, marks):
        return ["%s: %s" % (vendor, line) for vendor, proxy in self.proxies.items() for line in proxy.problems(marks[vendor])]

    def run(self, name, tasks):
        """Run the tasks in one play with both base URLs on Prism; return (rc, output, the exchanges Prism saw
        per vendor, every violation Prism reported)."""
        playbook = os.path.join(self.workdir, name + ".yml")
        with open(playbook, "w") as handle:
            yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}], handle, sort_keys=False)
        marks = self.marks()
        rc, out, err = self.emulator.playbook(playbook, TELNYX_BASE_URL=self.proxies["telnyx"].url,
                                              TWILIO_PROXY_BASE_URL=self.proxies["twilio"].url)
        seen = dict((vendor, proxy.exchanges(marks[vendor])) for vendor, proxy in self.proxies.items())
        return rc, out + err, seen, self.problems(marks)

    def stop(self):
        for proxy in self.proxies.values():
            proxy.stop()
        self.emulator.stop()


@pytest.fixture(scope="module")
def contract(tmp_path_factory):
    entry = prism.install()
    made = Contract(entry, str(tmp_path_factory.mktemp("prism")))
    yield made
    made.stop()


def passes(contract, name, tasks, vendors):
    """Run the tasks through Prism; they must succeed, reach the emulator through Prism, and draw no violation."""
    rc, out, seen, problems = contract.run(name, tasks)
    assert rc == 0 and "failed=0" in out, "Prism reported:\n%s\n%s" % ("\n".join(problems), out[-3000:])
    for vendor in vendors:
        assert seen[vendor], "no %s request went through Prism" % vendor
    assert problems == [], "Prism reported violations:\n" + "\n".join(problems)
    return seen


def task(module, register=None, **args):
    step = {"name": module, COLLECTION + module: args}
    if register:
        step["register"] = register
    return step


def check(*conditions):
    return {"ansible.builtin.assert": {"that": list(conditions)}}


def seed_rooms(contract):
    emu = contract.emulator
    emu.admin("reset")
    emu.admin("fixtures", {"room_sessions": [
        {"id": ROOM_SESSION, "room_id": ROOM, "created_at": "now-5h",
         "participants": [{"id": PARTICIPANTS[0], "context": "agent"}, {"id": PARTICIPANTS[1], "left_at": "now-10m"}]},
        {"room_id": ROOM, "active": False, "created_at": "now-2d", "ended_at": "now-1d"},
        {"created_at": "now-10m"}]})
    emu.admin("seed", {"room_sessions": 260, "seed": 3})  # more than one page of 250


def test_room_session_modules_and_lookup_pass_the_telnyx_document(contract):
    seed_rooms(contract)
    window = {"gte": "now-30d", "lte": "now"}
    tasks = [
        task("room_session_info", "every"),
        check("every.room_sessions | length >= 263"),
        task("room_session_info", "live", active=True, room_id=ROOM, created_at=window, include_participants=True,
             fields=["id", "room_id", "participants"]),
        check("live.room_sessions | map(attribute='id') | list == ['%s']" % ROOM_SESSION),
        task("room_session_info", "one", room_session_id=ROOM_SESSION, include_participants=True),
        check("one.room_sessions[0].id == '%s'" % ROOM_SESSION),
        task("room_participant_info", "present", room_session_id=ROOM_SESSION, present=True, context="agent",
             joined_at={"gte": "now-1d"}),
        check("present.room_participants | map(attribute='id') | list == ['%s']" % PARTICIPANTS[0]),
        task("room_participant_info", "everyone", room_session_id=ROOM_SESSION, left_at={"lte": "now"},
             updated_at={"gte": "now-1d"}),
        {"name": "lookup room_sessions",
         "ansible.builtin.set_fact": {"looked_up": "{{ query('commsops.sessions.room_sessions', room_id='%s', "
                                                   "active=true, fields=['id']) }}" % ROOM}},
        check("looked_up | map(attribute='id') | list == ['%s']" % ROOM_SESSION),
    ]
    passes(contract, "room-session-reads", tasks, ["telnyx"])


def test_room_session_actions_pass_the_telnyx_document(contract):
    seed_rooms(contract)
    tasks = [task("room_session_action", action, action=action, room_session_id=ROOM_SESSION,
                  participants=[PARTICIPANTS[0]], exclude=[PARTICIPANTS[1]])
             for action in ("mute", "unmute")]
    tasks += [
        task("room_session_action", "kicked", action="kick", room_session_ids=[ROOM_SESSION],
             participants=[PARTICIPANTS[0]]),
        check("kicked.counts.changed == 1"),
        task("room_session_action", "ended", action="end",
             select={"active": True, "room_id": ROOM, "created_at": {"lte": "now-1h"}}),
        check("ended.counts.changed == 1"),
        task("room_session_action", "again", action="end", room_session_id=ROOM_SESSION),
        check("again.counts.skipped == 1", "not again.changed"),
    ]
    passes(contract, "room-session-actions", tasks, ["telnyx"])


def seed_proxy(contract):
    emu = contract.emulator
    emu.admin("reset")
    emu.admin("fixtures", {"proxy_sessions": [
        {"service_sid": SERVICE, "unique_name": "idle", "status": "open", "date_created": "now-3d",
         "date_last_interaction": "now-2d", "participants": [{"identifier": "+15550100001"}]},
        {"service_sid": SERVICE, "sid": CLOSED, "unique_name": "done", "status": "closed", "date_created": "now-30d",
         "date_updated": "now-9d"}]})


def test_proxy_session_lifecycle_passes_the_twilio_document(contract):
    seed_proxy(contract)
    declared = {"service_sid": SERVICE, "unique_name": "order-1", "ttl": 3600, "mode": "voice-and-message",
                "date_expiry": "2099-12-01T12:30:00Z"}
    tasks = [
        task("proxy_session", "made", participants=[{"identifier": "+15550100002", "friendly_name": "Ann Lee"},
                                                    {"identifier": "+15550100003"}], **declared),
        check("made.changed"),
        task("proxy_session", "same", participants=[{"identifier": "+15550100002", "friendly_name": "Ann Lee"},
                                                    {"identifier": "+15550100003"}], **declared),
        check("not same.changed"),
        task("proxy_session", "updated", service_sid=SERVICE, unique_name="order-1", ttl=60,
             participants=[{"identifier": "+15550100002", "friendly_name": "Ann Lee"},
                           {"identifier": "+15550100004"}], purge_participants=True),
        check("updated.changed"),
        task("proxy_session", "closed", service_sid=SERVICE, unique_name="order-1", status="closed"),
        task("proxy_session", "bare", service_sid=SERVICE, unique_name="order-2"),
        task("proxy_session", "gone", service_sid=SERVICE, unique_name="order-1", state="absent"),
        check("gone.changed"),
        task("proxy_session", "gone_again", service_sid=SERVICE, unique_name="order-1", state="absent"),
        check("not gone_again.changed"),
    ]
    passes(contract, "proxy-session", tasks, ["twilio"])


def test_proxy_session_reads_actions_and_lookup_pass_the_twilio_document(contract):
    seed_proxy(contract)
    tasks = [
        task("proxy_session_info", "listed", service_sid=SERVICE, status=["open", "in-progress"],
             last_activity={"lte": "now-1d"}, include_participants=True),
        check("listed.proxy_sessions | map(attribute='unique_name') | list == ['idle']"),
        task("proxy_session_info", "by_sid", service_sid=SERVICE, sid=CLOSED),
        task("proxy_session_info", "by_name", service_sid=SERVICE, unique_name="idle", include_participants=True),
        check("by_name.proxy_sessions | length == 1"),
        {"name": "lookup proxy_sessions",
         "ansible.builtin.set_fact": {"looked_up": "{{ query('commsops.sessions.proxy_sessions', service_sid='%s', "
                                                   "status=['closed'], fields=['sid']) }}" % SERVICE}},
        check("looked_up | map(attribute='sid') | list == ['%s']" % CLOSED),
        task("proxy_session_action", "closed", action="close", service_sid=SERVICE, select={"status": ["open"]}),
        check("closed.counts.changed == 1"),
        task("proxy_session_action", "deleted", action="delete", service_sids=[SERVICE], select={"status": "closed",
                                                                                                 "date_updated": {"lte": "now"}}),
        check("deleted.counts.changed == 2"),
        task("proxy_session_action", "by_sids", action="delete", service_sid=SERVICE, sids=[CLOSED]),
    ]
    passes(contract, "proxy-session-reads", tasks, ["twilio"])


def test_prism_reports_each_kind_of_violation(contract, tmp_path):
    """The detector is live: a wrong request is refused and reported, an answer that breaks the document is
    replaced and reported, and a path under /v2 is unknown (Prism serves Telnyx's paths at its root)."""
    telnyx, twilio = contract.proxies["telnyx"], contract.proxies["twilio"]
    bearer = {"Authorization": "Bearer " + SECRETS["telnyx_api_key"]}
    basic = (SECRETS["twilio_account_sid"], SECRETS["twilio_auth_token"])
    seed_rooms(contract)

    mark = telnyx.mark()
    answer = requests.get(telnyx.url + "/room_sessions", params={"page[size]": "999"}, headers=bearer, timeout=60)
    assert answer.status_code == 422
    assert any("query.page.size" in line for line in telnyx.problems(mark)), telnyx.problems(mark)

    mark = twilio.mark()
    answer = requests.post(twilio.url + "/v1/Services/%s/Sessions" % SERVICE, data={"Ttl": "abc"}, auth=basic, timeout=60)
    assert answer.status_code == 422
    assert any("body.Ttl" in line for line in twilio.problems(mark)), twilio.problems(mark)

    mark = telnyx.mark()
    assert requests.get(telnyx.url + "/v2/room_sessions", headers=bearer, timeout=60).status_code == 404
    assert telnyx.problems(mark)

    # The real module, and an emulator answer that breaks the document: Prism replaces it, the task fails.
    contract.emulator.admin("faults", {"mode": "wrong_shape_200", "path": "/room_sessions/" + ROOM_SESSION, "count": 1,
                                       "body": {"data": {"id": ROOM_SESSION, "active": "yes"}}})
    rc, out, _seen, problems = contract.run("wrong-answer", [task("room_session_info", room_session_id=ROOM_SESSION,
                                                                  max_retries=0)])
    assert rc != 0, out[-3000:]
    assert any("-> 500" in line and "response.body.data.active" in line for line in problems), problems


def test_the_twilio_patch_is_what_lets_participants_through(contract, tmp_path):
    """Why PATCHES has Participants: the official document as it is makes Prism refuse the repeated field."""
    entry = prism.install()
    original = prism.local_specs(str(tmp_path / "specs"), patches=False)["twilio"]
    plain = prism.Prism(entry, original, contract.emulator.url, str(tmp_path / "plain.log"))
    try:
        form = [("UniqueName", "p"), ("Participants", '{"Identifier": "+15550100009"}')]
        url = "/v1/Services/%s/Sessions" % SERVICE
        auth = (SECRETS["twilio_account_sid"], SECRETS["twilio_auth_token"])
        assert requests.post(plain.url + url, data=form, auth=auth, timeout=60).status_code == 422
        contract.emulator.admin("reset")
        assert requests.post(contract.proxies["twilio"].url + url, data=form, auth=auth, timeout=60).status_code == 201
    finally:
        plain.stop()


def test_room_modules_and_lookup_pass_the_telnyx_document(contract):
    contract.emulator.admin("reset")
    declared = {"unique_name": "desk", "max_participants": 4, "enable_recording": True,
                "webhook_event_url": "https://hooks.example.com/telnyx",
                "webhook_event_failover_url": "https://hooks2.example.com/telnyx", "webhook_timeout_secs": 10}
    live_session = {"url": contract.emulator.url + "/_emulator/fixtures", "method": "POST", "body_format": "json",
                    "body": {"room_sessions": [{"room_id": "{{ desk.room.id }}", "created_at": "now-1h",
                                                "participants": [{}]}]}}
    tasks = [
        task("room", "desk", **declared),
        check("desk.changed"),
        task("room", "same", **declared),
        check("not same.changed"),
        task("room", "renamed", id="{{ desk.room.id }}", unique_name="desk-eu", max_participants=6,
             enable_recording=False, webhook_timeout_secs=20),
        check("renamed.changed"),
        {"name": "a live session in the room", "ansible.builtin.uri": live_session},
        task("room_info", "every"),
        check("every.rooms | map(attribute='unique_name') | list == ['desk-eu']"),
        task("room_info", "by_name", unique_name="desk-eu", include_sessions=True),
        check("by_name.rooms | length == 1"),
        task("room_info", "by_id", id="{{ desk.room.id }}"),
        task("room_info", "recent", created_at={"gte": "now-1d"}, fields=["id", "unique_name"]),
        check("recent.rooms | length == 1"),
        {"name": "lookup rooms",
         "ansible.builtin.set_fact": {"looked_up": "{{ query('commsops.sessions.rooms', unique_name='desk-eu') }}"}},
        check("looked_up[0].id == desk.room.id"),
        task("room_session_info", "in_room", room_id="{{ desk.room.id }}", active=True),
        check("in_room.room_sessions | length == 1"),
        task("room", "deleted", unique_name="desk-eu", state="absent", end_active_session=True),
        check("deleted.changed", "deleted.ended_session_id == in_room.room_sessions[0].id"),
        task("room", "deleted_again", unique_name="desk-eu", state="absent"),
        check("not deleted_again.changed"),
    ]
    passes(contract, "rooms", tasks, ["telnyx"])


def test_proxy_phone_numbers_pass_the_twilio_document(contract):
    emu = contract.emulator
    emu.admin("reset")
    emu.admin("fixtures", {"services": [{"sid": SERVICE, "unique_name": "support"}]})
    owned = emu.admin("phone_numbers", {"phone_numbers": ["+15550100001", "+15550100002", "+15550100003"]})
    third = owned["phone_numbers"][2]["sid"]
    tasks = [
        task("proxy_phone_numbers", "pool", service_sid=SERVICE,
             numbers=["+15550100001", {"phone_number": "+1 555 010 0002", "is_reserved": True}, {"sid": third}]),
        check("pool.changed", "pool.counts.changed == 3"),
        task("proxy_phone_numbers", "same", service_sid=SERVICE,
             numbers=["+15550100001", {"phone_number": "+15550100002", "is_reserved": True}, {"sid": third}]),
        check("not same.changed"),
        task("proxy_phone_numbers", "flipped", service_sid=SERVICE,
             numbers=[{"phone_number": "+15550100002", "is_reserved": False}, "+15550100001"], purge=True),
        check("flipped.changed"),
        task("proxy_phone_numbers", "removed", service_sid=SERVICE, numbers=["+15550100001"], state="absent"),
        check("removed.changed"),
        task("proxy_phone_numbers", "removed_again", service_sid=SERVICE, numbers=["+15550100001"], state="absent"),
        check("not removed_again.changed"),
    ]
    passes(contract, "phone-numbers", tasks, ["twilio"])


def test_proxy_service_modules_pass_the_twilio_document(contract):
    contract.emulator.admin("reset")
    declared = {"unique_name": "support", "default_ttl": 3600, "callback_url": "https://hooks.example.com/status",
                "intercept_callback_url": "https://hooks.example.com/intercept",
                "out_of_session_callback_url": "https://hooks.example.com/oos", "geo_match_level": "country",
                "number_selection_behavior": "prefer-sticky", "chat_instance_sid": "IS" + "1" * 32}
    tasks = [
        task("proxy_service", "made", **declared),
        check("made.changed"),
        task("proxy_service", "same", **declared),
        check("not same.changed"),
        task("proxy_service", "updated", sid="{{ made.service.sid }}", default_ttl=60,
             intercept_callback_url="https://hooks.example.com/intercept2", geo_match_level="area-code",
             number_selection_behavior="avoid-sticky", chat_instance_sid="IS" + "2" * 32),
        check("updated.changed"),
        task("proxy_service_info", "every"),
        check("'support' in every.proxy_services | map(attribute='unique_name')"),
        task("proxy_service_info", "by_name", unique_name="support"),
        task("proxy_service_info", "by_sid", sid="{{ made.service.sid }}"),
        check("by_sid.proxy_services[0].default_ttl == 60"),
        # The Proxy modules take a service by its unique name: resolved through the same API.
        task("proxy_session", "in_named", service_sid="support", unique_name="by-name", ttl=60),
        task("proxy_session_info", "named", service_sid="support"),
        check("named.proxy_sessions | length == 1"),
        task("proxy_service", "gone", unique_name="support", state="absent"),
        check("gone.changed"),
        task("proxy_service", "gone_again", unique_name="support", state="absent"),
        check("not gone_again.changed"),
        task("proxy_service_info", "after", sid="{{ made.service.sid }}"),
        check("after.proxy_services == []"),
    ]
    passes(contract, "proxy-service", tasks, ["twilio"])


@pytest.mark.parametrize("vendor, module, key, fields", [
    ("telnyx", "room", {"unique_name": "desk"}, ["webhook_event_url", "webhook_event_failover_url"]),
    ("twilio", "proxy_service", {"unique_name": "support"},
     ["callback_url", "intercept_callback_url", "out_of_session_callback_url", "chat_instance_sid"]),
], ids=["room", "proxy_service"])
def test_a_field_is_repointed_never_emptied(contract, vendor, module, key, fields):
    """The documents type these fields as a URL (format uri) or an IS SID and offer no way to remove one: an
    empty value is refused before any request, naming the option, and pointing the field at another value (what
    the refusal suggests) passes the document."""
    contract.emulator.admin("reset")
    first = {"webhook_event_url": "https://hooks.example.com/a", "webhook_event_failover_url": "https://hooks.example.com/b",
             "callback_url": "https://hooks.example.com/c", "intercept_callback_url": "https://hooks.example.com/d",
             "out_of_session_callback_url": "https://hooks.example.com/e", "chat_instance_sid": "IS" + "3" * 32}
    other = dict((name, value + "-v2" if value.startswith("https") else "IS" + "4" * 32) for name, value in first.items())
    tasks = [task(module, "made", **dict(key, **dict((name, first[name]) for name in fields)))]
    for name in fields:
        refused = task(module, "emptied_" + name, **dict(key, **{name: ""}))
        refused["ignore_errors"] = True
        tasks += [refused, check("emptied_%s is failed" % name,
                                 "emptied_%s.msg is match('^%s: an empty value is not a')" % (name, name))]
    tasks += [task(module, "repointed", **dict(key, **dict((name, other[name]) for name in fields))),
              check("repointed.changed")]
    seen = passes(contract, module + "-repointed", tasks, [vendor])
    writes = [(method, path) for method, path, _status, *_rest in seen[vendor] if method != "GET"]
    assert len(writes) == 2, writes  # the create and the update: the refused tasks sent nothing


@pytest.mark.parametrize("vendor", sorted(prism.SPECS))
def test_the_contracts_are_the_official_documents_without_their_prose(vendor):
    """tests/prism/contracts/ is what Prism serves; it must equal the official document (../shared/specs, or
    $SESSIONS_SPECS_DIR) with only its prose left out. Refresh: python tests/utils/prism.py --contracts."""
    document = prism.official_document(vendor)
    if document is None:
        pytest.skip("the official documents are not at hand (%s): the contract kept in the repository is used "
                    "as it is" % prism.specs_dir())
    assert prism.contract(vendor) == json.loads(json.dumps(prism.contract_of(document)))
    text = json.dumps(prism.contract(vendor))
    prose = re.findall(r'"(?:description|summary)": "([^"]+)"', text)
    assert not prose, prose[:3]  # no prose left (a response's description is there, empty, as OpenAPI requires it)
