# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The vendors' own SDKs, pointed at the emulator, work as they do against the real services."""

import datetime

import pytest

from tests.emulator.conftest import SERVICE, TWILIO_AUTH
from tests.emulator.server import DEFAULTS

P1 = "11111111-2222-4333-8444-555555555555"


def test_twilio_sdk_round_trip(emulator, admin):
    rest = pytest.importorskip("twilio.rest")
    admin("seed", {"proxy_sessions": 12, "services": [SERVICE]})
    client = rest.Client(*TWILIO_AUTH)
    client.proxy.base_url = emulator.url
    service = client.proxy.v1.services(SERVICE)
    listed = service.sessions.list(page_size=5)  # three pages, followed by the SDK
    assert len(listed) == 12 and len({s.sid for s in listed}) == 12
    created = service.sessions.create(unique_name="sdk-1", ttl=600, mode="voice-only",
                                      date_expiry=datetime.datetime(2026, 12, 1, 12, 0, tzinfo=datetime.timezone.utc),
                                      participants=[{"Identifier": "+15550100"}, {"Identifier": "+15550101"}])
    assert (created.unique_name, created.ttl, created.mode, created.status) == ("sdk-1", 600, "voice-only", "open")
    assert len(service.sessions(created.sid).participants.list()) == 2
    updated = service.sessions(created.sid).update(status="closed", ttl=60)
    assert (updated.status, updated.ttl) == ("closed", 60)
    assert service.sessions("sdk-1").fetch().sid == created.sid
    assert service.sessions(created.sid).delete() is True
    assert admin("stats")["by_route"]["DELETE /v1/Services/{ServiceSid}/Sessions/{Sid}"] == 1


def test_telnyx_sdk_round_trip(emulator, admin):
    telnyx = pytest.importorskip("telnyx")
    admin("seed", {"room_sessions": 9, "active_ratio": 1.0})
    made = admin("fixtures", {"room_sessions": [{"participants": [{"id": P1}, {}]}]})
    sid = made["room_sessions"][0]["id"]
    client = telnyx.Telnyx(api_key=DEFAULTS["telnyx_api_key"], base_url=emulator.url + "/v2", max_retries=0)
    sessions = list(client.rooms.sessions.list_0(filter={"active": True}, page_size=4))  # auto-pagination: 3 pages
    assert len(sessions) == 10 and len({s.id for s in sessions}) == 10
    view = client.rooms.sessions.retrieve(sid, include_participants=True)
    assert view.data.id == sid and len(view.data.participants) == 2
    client.rooms.sessions.actions.mute(sid, participants="all", exclude=[P1])
    client.rooms.sessions.actions.kick(sid, participants=[P1])
    present = [p for p in client.rooms.sessions.retrieve_participants(sid) if p.left_at is None]
    assert len(present) == 1
    client.rooms.sessions.actions.unmute(sid, participants="all")
    assert client.rooms.sessions.actions.end(sid).data.result == "ok"
    assert client.rooms.sessions.retrieve(sid).data.active is False
    with pytest.raises(telnyx.NotFoundError):
        client.rooms.sessions.retrieve("99999999-9999-4999-8999-999999999999")
