# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The polling event sources (extensions/eda/plugins/event_source/room_session_events.py, proxy_session_events.py),
run as ansible-rulebook runs them: main(queue, args) as an asyncio task, here against the real emulator.

A poll is known to be over when the emulator has seen the next poll's listing request: polls run one after the
other, so "two more listings" means a whole poll ran after a change. No assertion depends on time.
"""

import asyncio
import importlib.util
import logging
import math
import os
import re

import pytest

from collection_path import ROOT
from tests.suite.conftest import SECRETS, Emulator

from ansible_collections.commsops.sessions.plugins.module_utils.telnyx_rooms import TelnyxRooms
from ansible_collections.commsops.sessions.plugins.module_utils.twilio_proxy import TwilioProxy
from ansible_collections.commsops.sessions.plugins.module_utils.validation import InvalidInput
from ansible_collections.commsops.sessions.plugins.plugin_utils import event_polling

SOURCES = os.path.join(ROOT, "extensions", "eda", "plugins", "event_source")
ROOM = "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0"
OTHER_ROOM = "1ddd7b54-4df3-4bca-a65a-3da1ecc777f1"
S1, S2, S3 = ("%08d-1111-4111-8111-111111111111" % n for n in (1, 2, 3))
P1, P2, P3, P4 = ("%08d-2222-4222-8222-222222222222" % n for n in (1, 2, 3, 4))
K1, K2 = ("KC%032d" % n for n in (1, 2))
SERVICE = "KS%032d" % 7  # named support-line
TELNYX_LISTING = "GET /v2/room_sessions"
TWILIO_LISTING = "GET /v1/Services/{ServiceSid}/Sessions"
WAIT = 60  # seconds: only a bound for a broken source, never a measured time
FAST = dict(interval=0.1, max_backoff=0.4, max_retries=0)


def load(name):
    spec = importlib.util.spec_from_file_location("eda_source_" + name, os.path.join(SOURCES, name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(name="emulator")
def fixture_emulator():
    """The emulator the suite's tests use, in this process (tests/suite/conftest.py)."""
    emulator = Emulator()
    yield emulator
    emulator.stop()


@pytest.fixture(name="room_events")
def fixture_room_events():
    return load("room_session_events")


@pytest.fixture(name="proxy_events")
def fixture_proxy_events():
    return load("proxy_session_events")


@pytest.fixture(autouse=True)
def fast_polls(monkeypatch):
    """Polls every tenth of a second (the sources refuse less than one second to users)."""
    monkeypatch.setattr(event_polling, "MIN_INTERVAL", 0.05)


@pytest.fixture(name="telnyx_env")
def fixture_telnyx_env(emulator, monkeypatch):
    """Credentials and URL from the environment only: the sources read the modules' fallbacks."""
    monkeypatch.setenv("TELNYX_API_KEY", SECRETS["telnyx_api_key"])
    monkeypatch.setenv("TELNYX_BASE_URL", emulator.url + "/v2")
    return emulator


@pytest.fixture(name="twilio_env")
def fixture_twilio_env(emulator, monkeypatch):
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", SECRETS["twilio_account_sid"])
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", SECRETS["twilio_auth_token"])
    monkeypatch.setenv("TWILIO_PROXY_BASE_URL", emulator.url)
    for name in ("TWILIO_API_KEY", "TWILIO_API_SECRET"):
        monkeypatch.delenv(name, raising=False)
    emulator.admin("fixtures", {"services": [{"sid": SERVICE, "unique_name": "support-line"}]})
    return emulator


def requests_to(emulator, route):
    return emulator.admin("stats")["by_route"].get(route, 0)


class Run:
    """A source's main() running as a task, with the emulator it polls."""

    def __init__(self, module, args, emulator, listing):
        self.queue = asyncio.Queue()
        self.task = asyncio.create_task(module.main(self.queue, args))
        self.emulator, self.listing = emulator, listing

    async def after_polls(self, count=2):
        """Wait until count more listings reached the emulator: then count - 1 whole polls ran since now."""
        start = await asyncio.to_thread(requests_to, self.emulator, self.listing)
        while await asyncio.to_thread(requests_to, self.emulator, self.listing) < start + count:
            if self.task.done():
                self.task.result()  # the source ended: say why
                raise AssertionError("the source ended")
            await asyncio.sleep(0.02)

    async def changes(self, action=None, *args):
        """Run action (blocking, in a thread), let a whole poll see it, and return the events since the last call."""
        if action is not None:
            await asyncio.to_thread(action, *args)
        await asyncio.wait_for(self.after_polls(), WAIT)
        events = []
        while not self.queue.empty():
            events.append(self.queue.get_nowait())
        return events

    async def stop(self):
        self.task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await self.task


def kinds(events):
    return [(e["session_event"]["type"], e["session_event"]["session_id"], e["session_event"]["participant_id"])
            for e in events]


def telnyx_client(emulator):
    return TelnyxRooms.connect(SECRETS["telnyx_api_key"], emulator.url + "/v2", max_retries=0)


def twilio_client(emulator):
    return TwilioProxy.connect(SECRETS["twilio_account_sid"], SECRETS["twilio_auth_token"], base_url=emulator.url,
                               max_retries=0)


def room_session(sid, participants, room=ROOM, active=True):
    return {"id": sid, "room_id": room, "active": active, "created_at": "2026-01-01T10:00:00Z",
            "participants": [{"id": pid, "joined_at": "2026-01-01T10:01:00Z", "context": "agent"} for pid in participants]}


# Telnyx ---------------------------------------------------------------------------------------------------------------

def test_room_sessions_become_events(telnyx_env, room_events):
    emulator, client = telnyx_env, telnyx_client(telnyx_env)
    emulator.admin("fixtures", {"room_sessions": [room_session(S1, [P1])]})

    async def scenario():
        run = Run(room_events, dict(FAST), emulator, TELNYX_LISTING)
        assert await run.changes() == []  # the baseline: S1 and P1 exist already, nothing is emitted
        started = await run.changes(emulator.admin, "fixtures", {"room_sessions": [room_session(S2, [P2])]})
        assert kinds(started) == [("video.room.session.started", S2, None), ("video.room.participant.joined", S2, P2)]
        # P3 joins S1 (the fixture puts S1 back with one more participant).
        joined = await run.changes(emulator.admin, "fixtures", {"room_sessions": [room_session(S1, [P1, P3])]})
        assert kinds(joined) == [("video.room.participant.joined", S1, P3)]
        left = await run.changes(client.act, S1, "kick", [P1])
        assert kinds(left) == [("video.room.participant.left", S1, P1)]
        ended = await run.changes(client.act, S1, "end")
        assert kinds(ended) == [("video.room.participant.left", S1, P3), ("video.room.session.ended", S1, None)]
        assert await run.changes() == []
        await run.stop()
        return started + joined + left + ended

    events = asyncio.run(scenario())
    start = events[0]
    assert set(start) == {"session_event", "payload"}
    assert start["session_event"] == {
        "vendor": "telnyx", "type": "video.room.session.started", "id": start["session_event"]["id"], "session_id": S2,
        "room_id": ROOM, "participant_id": None, "occurred_at": "2026-01-01T10:00:00Z", "source": "poll"}
    assert start["payload"]["id"] == S2 and start["payload"]["active"] is True
    joined = events[1]
    assert joined["payload"]["id"] == P2 and joined["session_event"]["occurred_at"] == "2026-01-01T10:01:00Z"
    ended = events[-1]["session_event"]
    assert ended["room_id"] == ROOM and events[-1]["payload"]["active"] is False
    assert all(len(e["session_event"]["id"]) == 40 for e in events)
    assert len({e["session_event"]["id"] for e in events}) == len(events)


def test_room_ids_and_emit_existing(telnyx_env, room_events):
    """emit_existing: the first poll says what exists; room_ids: other rooms are not watched (one listing per room)."""
    emulator = telnyx_env
    emulator.admin("fixtures", {"room_sessions": [room_session(S1, [P1]), room_session(S3, [P4], room=OTHER_ROOM),
                                                  dict(room_session(S2, []), active=False, ended_at="now-1m")]})

    async def scenario():
        run = Run(room_events, dict(FAST, room_ids=[ROOM], emit_existing=True), emulator, TELNYX_LISTING)
        existing = await run.changes()
        later = await run.changes(emulator.admin, "fixtures", {"room_sessions": [room_session(S3, [P4, P2], room=OTHER_ROOM)]})
        await run.stop()
        return existing, later

    existing, later = asyncio.run(scenario())
    assert kinds(existing) == [("video.room.session.started", S1, None), ("video.room.participant.joined", S1, P1)]
    assert later == []


def test_a_session_gone_from_the_api_ended(telnyx_env, room_events):
    """A session no longer listed that the API answers 404 for: ended, with the ids the last poll knew, and its
    present participants left."""
    emulator, client = telnyx_env, telnyx_client(telnyx_env)
    emulator.admin("fixtures", {"room_sessions": [room_session(S1, [P1], room=OTHER_ROOM)]})

    async def scenario():
        run = Run(room_events, dict(FAST), emulator, TELNYX_LISTING)
        await run.changes()

        def vanish():
            emulator.admin("faults", {"method": "GET", "path": "^/v2/room_sessions/" + S1, "mode": "echo_headers",
                                      "status": 404, "count": 1})
            client.act(S1, "end")

        gone = await run.changes(vanish)
        await run.stop()
        return gone

    gone = asyncio.run(scenario())
    assert kinds(gone) == [("video.room.participant.left", S1, P1), ("video.room.session.ended", S1, None)]
    assert gone[0]["payload"] == {"id": P1, "session_id": S1}
    assert gone[1]["payload"] == {"id": S1, "room_id": OTHER_ROOM}


EMPTY_LISTING = {"data": [], "meta": {"page_number": 1, "total_pages": 1, "total_results": 0, "page_size": 250}}


@pytest.mark.parametrize("fault", [
    {"method": "GET", "path": "^/v2/room_sessions$", "mode": "503", "count": 3},
    {"method": "GET", "path": "^/v2/room_sessions$", "mode": "empty_200", "count": 2},
    {"method": "GET", "path": "^/v2/room_sessions/", "mode": "503", "count": 2},
    # A listing that says no session is active: each one is looked at before it is said to have ended.
    {"method": "GET", "path": "^/v2/room_sessions$", "mode": "wrong_shape_200", "body": EMPTY_LISTING, "count": 2},
], ids=["listing-503", "listing-empty-body", "look-503", "listing-lies"])
def test_failed_polls_make_no_false_event(telnyx_env, room_events, caplog, fault):
    """A failed listing (or a failed look at a session no longer listed) is logged, redacted, and retried; the
    baseline stays, so nothing is said to have started or ended until a poll works, and then once."""
    emulator, client = telnyx_env, telnyx_client(telnyx_env)
    emulator.admin("fixtures", {"room_sessions": [room_session(S1, [P1]), room_session(S2, [])]})
    caplog.set_level(logging.INFO)

    async def scenario():
        run = Run(room_events, dict(FAST), emulator, TELNYX_LISTING)
        await run.changes()

        def end_during_faults():
            emulator.admin("faults", fault)
            client.act(S2, "end")

        events = await run.changes(end_during_faults)
        for _poll in range(5):  # more polls than faults
            events += await run.changes()
        await run.stop()
        return events

    events = asyncio.run(scenario())
    assert kinds(events) == [("video.room.session.ended", S2, None)]
    failures = [r for r in caplog.records if "poll failed" in r.getMessage()]
    if fault["mode"] == "wrong_shape_200":
        assert not failures  # not a failure: the look at each session tells
    else:
        assert len(failures) == fault["count"] and all(r.levelno == logging.WARNING for r in failures)
        assert "polling again after %d failed poll(s)" % fault["count"] in caplog.text
    assert SECRETS["telnyx_api_key"] not in caplog.text


def test_cancel_ends_the_source_and_closes_its_client(telnyx_env, room_events, monkeypatch):
    closed = []
    real_close = room_events.RoomSessionPoller.close
    monkeypatch.setattr(room_events.RoomSessionPoller, "close", lambda self: (closed.append(True), real_close(self)))

    async def scenario():
        run = Run(room_events, dict(FAST), telnyx_env, TELNYX_LISTING)
        await run.changes()
        await run.stop()
        return run.task

    task = asyncio.run(scenario())
    assert task.cancelled() and closed == [True]


@pytest.mark.parametrize("args, option", [
    ({"interval": 0}, "interval"),
    ({"interval": "soon"}, "interval"),
    ({"max_backoff": -1}, "max_backoff"),
    ({"emit_existing": "maybe"}, "emit_existing"),
    ({"room_ids": ["not-a-uuid"]}, "room_ids[0]"),
    ({"room_ids": ROOM}, "room_ids"),
    ({"intervall": 5}, "intervall"),
    ({"timeout": "forever"}, "timeout"),
    ({"api_key": None}, "TELNYX_API_KEY"),
])
def test_bad_room_arguments_fail_before_any_request(emulator, room_events, monkeypatch, args, option):
    monkeypatch.delenv("TELNYX_API_KEY", raising=False)
    args = dict({"api_key": "TLX-SECRET-7d1e0f", "base_url": emulator.url + "/v2"}, **args)
    with pytest.raises(InvalidInput, match=re.escape(option)):
        asyncio.run(room_events.main(asyncio.Queue(), args))
    assert emulator.admin("stats")["total"] == 0


def test_interval_below_a_second_is_refused(room_events, monkeypatch):
    monkeypatch.setattr(event_polling, "MIN_INTERVAL", 1)
    with pytest.raises(InvalidInput, match="interval must be at least 1"):
        room_events.poller({"api_key": "x", "interval": 0.5})


def test_requests_per_poll_at_10000_sessions(telnyx_env, room_events):
    """The listing's minimum: ceil(10000 / 250) pages of active sessions, participants included; plus one look
    for each session that left the listing since the last poll."""
    emulator, client = telnyx_env, telnyx_client(telnyx_env)
    seeded = emulator.admin("seed", {"room_sessions": 10000, "active_ratio": 1.0, "seed": 3})["room_sessions"]
    source, _settings = room_events.poller({"interval": 10})
    assert source.poll() == []  # the baseline
    emulator.admin("stats/reset")
    assert source.poll() == []
    steady = emulator.admin("stats")["total"]
    client.act(seeded[0], "end")
    emulator.admin("stats/reset")
    assert kinds(source.poll())[-1] == ("video.room.session.ended", seeded[0], None)
    with_one_ended = emulator.admin("stats")["total"]
    source.close()
    assert steady == math.ceil(10000 / 250) == 40
    assert with_one_ended == math.ceil(9999 / 250) + 1


# Twilio ---------------------------------------------------------------------------------------------------------------

def test_proxy_sessions_become_events(twilio_env, proxy_events):
    emulator, client = twilio_env, twilio_client(twilio_env)
    emulator.admin("fixtures", {"proxy_sessions": [{"service_sid": SERVICE, "sid": K1, "status": "open"}]})

    async def scenario():
        # By unique name: resolved once, before the first poll.
        run = Run(proxy_events, dict(FAST, service_sids=["support-line"]), emulator, TWILIO_LISTING)
        assert await run.changes() == []
        created = await run.changes(emulator.admin, "fixtures", {"proxy_sessions": [
            {"service_sid": SERVICE, "sid": K2, "status": "open", "date_created": "2026-01-01T10:00:00Z"}]})
        changed = await run.changes(client.update_session, SERVICE, K1, None, None, "in-progress")
        closed = await run.changes(client.update_session, SERVICE, K1, None, None, "closed")
        deleted = await run.changes(client.delete_session, SERVICE, K2)
        assert await run.changes() == []
        await run.stop()
        return created, changed, closed, deleted

    created, changed, closed, deleted = asyncio.run(scenario())
    assert kinds(created) == [("proxy.session.created", K2, None)]
    assert kinds(changed) == [("proxy.session.status_changed", K1, None)]
    assert kinds(closed) == [("proxy.session.closed", K1, None)]
    assert kinds(deleted) == [("proxy.session.deleted", K2, None)]
    event = created[0]
    assert event["session_event"] == {
        "vendor": "twilio", "type": "proxy.session.created", "id": event["session_event"]["id"], "session_id": K2,
        "service_sid": SERVICE, "participant_id": None, "occurred_at": "2026-01-01T10:00:00Z", "source": "poll"}
    assert event["payload"]["sid"] == K2 and event["payload"]["status"] == "open"
    assert changed[0]["payload"]["status"] == "in-progress" and closed[0]["payload"]["status"] == "closed"
    assert deleted[0]["payload"] == {"sid": K2, "service_sid": SERVICE, "status": "open"}
    services_listed = emulator.admin("stats")["by_route"].get("GET /v1/Services", 0)
    assert services_listed == 1


def test_proxy_failed_polls_make_no_false_event(twilio_env, proxy_events, caplog):
    emulator, client = twilio_env, twilio_client(twilio_env)
    emulator.admin("fixtures", {"proxy_sessions": [{"service_sid": SERVICE, "sid": K1}, {"service_sid": SERVICE, "sid": K2}]})
    caplog.set_level(logging.INFO)

    async def scenario():
        run = Run(proxy_events, dict(FAST, service_sids=[SERVICE], emit_existing=True), emulator, TWILIO_LISTING)
        existing = await run.changes()

        def delete_during_faults():
            emulator.admin("faults", {"method": "GET", "path": "/Sessions$", "mode": "wrong_shape_200", "count": 2})
            emulator.admin("faults", {"method": "GET", "path": "/Sessions$", "mode": "503", "count": 2})
            client.delete_session(SERVICE, K2)

        events = await run.changes(delete_during_faults)
        for _poll in range(5):
            events += await run.changes()
        await run.stop()
        return existing, events

    existing, events = asyncio.run(scenario())
    assert kinds(existing) == [("proxy.session.created", K1, None), ("proxy.session.created", K2, None)]
    assert kinds(events) == [("proxy.session.deleted", K2, None)]
    assert len([r for r in caplog.records if "poll failed" in r.getMessage()]) == 4
    assert SECRETS["twilio_auth_token"] not in caplog.text


@pytest.mark.parametrize("args, option", [
    ({}, "service_sids"),
    ({"service_sids": []}, "service_sids"),
    ({"service_sids": "KS00000000000000000000000000000001"}, "service_sids"),
    ({"service_sids": ["KS123"]}, r"service_sids\[0\]"),
    ({"service_sids": [SERVICE], "interval": -5}, "interval"),
    ({"service_sids": [SERVICE], "auth_token": None}, "TWILIO_AUTH_TOKEN"),
    ({"service_sids": [SERVICE], "room_ids": []}, "room_ids"),
])
def test_bad_proxy_arguments_fail_before_any_request(emulator, proxy_events, monkeypatch, args, option):
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_KEY", "TWILIO_API_SECRET"):
        monkeypatch.delenv(name, raising=False)
    args = dict({"account_sid": SECRETS["twilio_account_sid"], "auth_token": SECRETS["twilio_auth_token"],
                 "base_url": emulator.url}, **args)
    with pytest.raises(InvalidInput, match=option) as raised:
        asyncio.run(proxy_events.main(asyncio.Queue(), args))
    assert SECRETS["twilio_auth_token"] not in str(raised.value)
    assert emulator.admin("stats")["total"] == 0


def test_unknown_service_name_ends_the_source(twilio_env, proxy_events):
    with pytest.raises(InvalidInput, match=r"service_sids\[1\]: no Proxy service has the unique name 'nope'"):
        asyncio.run(proxy_events.main(asyncio.Queue(), dict(FAST, service_sids=[SERVICE, "nope"])))
    assert twilio_env.admin("stats")["by_route"] == {"GET /v1/Services": 1}


def test_proxy_requests_per_poll_at_10000_sessions(twilio_env, proxy_events):
    emulator = twilio_env
    emulator.admin("seed", {"proxy_sessions": 10000, "services": [SERVICE], "seed": 3})
    source, _settings = proxy_events.poller({"service_sids": [SERVICE]})
    source.prepare()
    assert source.poll() == []
    emulator.admin("stats/reset")
    assert source.poll() == []
    source.close()
    assert emulator.admin("stats")["total"] == math.ceil(10000 / 1000) == 10


@pytest.mark.parametrize("name", ["room_session_events", "proxy_session_events"])
def test_loads_as_ansible_rulebook_loads_it(name):
    """runpy.run_path of the installed file, in a Python that cannot import the collection: the source finds it."""
    from collection_path import collections_tree  # pylint: disable=import-outside-toplevel
    import subprocess  # pylint: disable=import-outside-toplevel
    import sys  # pylint: disable=import-outside-toplevel
    path = os.path.join(collections_tree(), "ansible_collections", "commsops", "sessions", "extensions", "eda", "plugins",
                        "event_source", name + ".py")
    code = ("import asyncio, runpy, sys; found = runpy.run_path(sys.argv[1]); "
            "print(asyncio.iscoroutinefunction(found['main']), 'DOCUMENTATION' in found, 'EXAMPLES' in found)")
    done = subprocess.run([sys.executable, "-c", code, path], capture_output=True, text=True, timeout=120, check=False,
                          cwd="/", env=dict(os.environ, PYTHONPATH=""))
    assert done.stdout.split() == ["True", "True", "True"], done.stderr
