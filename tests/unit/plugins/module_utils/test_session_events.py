# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import hashlib

import pytest

from ansible_collections.commsops.sessions.plugins.module_utils import session_events as se

ROOM = "0ccc7b54-4df3-4bcb-a65a-3da1ecc997d7"
SESSION = "4a4d1ed5-1a0c-4a04-9b0d-3e1b1b1b1b1b"
PARTICIPANT = "7b61621f-62e0-4aad-ab11-9fd19e272e73"


def telnyx_body(event_type="video.room.participant.joined", **payload):
    fields = {"session_id": SESSION, "room_id": ROOM, "participant_id": PARTICIPANT, "context": "Alice"}
    fields.update(payload)
    return {
        "data": {"record_type": "event", "event_type": event_type, "id": "6b2ef0c0-0000-4000-8000-000000000001",
                 "occurred_at": "2026-03-04T05:06:07.123456+00:00", "payload": fields},
        "meta": {"attempt": 1, "delivered_to": "https://example.test/hook"},
    }


def test_types_are_the_fixed_names():
    assert se.TELNYX_TYPES == ("video.room.session.started", "video.room.session.ended",
                               "video.room.participant.joined", "video.room.participant.left")
    assert se.TWILIO_POLLED_TYPES == ("proxy.session.created", "proxy.session.status_changed",
                                      "proxy.session.closed", "proxy.session.deleted")
    assert se.CALLBACK_TYPES == {"callback": "proxy.interaction", "intercept": "proxy.interaction.intercept",
                                 "out_of_session": "proxy.out_of_session"}
    assert set(se.TYPES) == set(se.TELNYX_TYPES) | set(se.TWILIO_TYPES)
    assert len(se.TYPES) == 11


def test_telnyx_webhook_event_exact_shape():
    body = telnyx_body()
    assert se.telnyx_webhook_event(body) == {
        "session_event": {
            "vendor": "telnyx", "type": "video.room.participant.joined", "id": "6b2ef0c0-0000-4000-8000-000000000001",
            "session_id": SESSION, "room_id": ROOM, "participant_id": PARTICIPANT,
            "occurred_at": "2026-03-04T05:06:07.123456Z", "source": "webhook",
        },
        "payload": body,
    }


def test_telnyx_session_event_has_no_participant_and_no_service_sid():
    body = telnyx_body("video.room.session.started", participant_id=None)
    event = se.telnyx_webhook_event(body)["session_event"]
    assert event["participant_id"] is None
    assert "service_sid" not in event


def test_telnyx_without_an_id_gets_the_stable_hash():
    body = telnyx_body()
    del body["data"]["id"]
    duplicate = telnyx_body()
    del duplicate["data"]["id"]
    duplicate["meta"]["attempt"] = 2
    first = se.telnyx_webhook_event(body)["session_event"]["id"]
    assert first == se.telnyx_webhook_event(duplicate)["session_event"]["id"] == se.event_id(
        "telnyx", "video.room.participant.joined", SESSION, PARTICIPANT, "2026-03-04T05:06:07.123456Z")


@pytest.mark.parametrize("body, what", [
    ([], "'data' object"),
    ({}, "'data' object"),
    ({"data": "x"}, "'data' object"),
    ({"data": {"payload": {}}}, "event_type"),
    ({"data": {"event_type": 3}}, "event_type"),
    ({"data": {"event_type": "video.room.session.started", "payload": [1]}}, "payload"),
])
def test_telnyx_rejects_what_is_not_an_event(body, what):
    with pytest.raises(se.InvalidEvent, match=what):
        se.telnyx_webhook_event(body)


def test_event_id_is_sha1_of_the_parts_and_normalises_time():
    expected = hashlib.sha1(b"twilio|proxy.session.closed|KC1||2026-01-02T03:04:05Z").hexdigest()
    assert se.event_id("twilio", "proxy.session.closed", "KC1", None, "2026-01-02T03:04:05Z") == expected
    assert se.event_id("twilio", "proxy.session.closed", "KC1", None, "2026-01-02T04:04:05+01:00") == expected
    assert se.event_id("twilio", "proxy.session.closed", "KC2", None, "2026-01-02T03:04:05Z") != expected


@pytest.mark.parametrize("value, shown", [
    ("2026-01-02T03:04:05Z", "2026-01-02T03:04:05Z"),
    ("2026-01-02T03:04:05.5+02:00", "2026-01-02T01:04:05.500000Z"),
    (datetime.datetime(2026, 1, 2, 3, 4, 5), "2026-01-02T03:04:05Z"),
    ("not a time", "not a time"),
    (None, None),
])
def test_iso_utc(value, shown):
    assert se.iso_utc(value) == shown


FIELDS = {
    "interactionSid": "KI" + "1" * 32, "interactionSessionSid": "KC" + "2" * 32,
    "interactionServiceSid": "KS" + "3" * 32, "inboundParticipantSid": "KP" + "4" * 32,
    "interactionType": "Message", "interactionData": '{"body": "hi"}',
}
RECEIVED = datetime.datetime(2026, 5, 6, 7, 8, 9, tzinfo=datetime.timezone.utc)


@pytest.mark.parametrize("kind, type_", [("callback", "proxy.interaction"),
                                         ("intercept", "proxy.interaction.intercept"),
                                         ("out_of_session", "proxy.out_of_session")])
def test_twilio_callback_event_exact_shape(kind, type_):
    assert se.twilio_callback_event(kind, FIELDS, received_at=RECEIVED) == {
        "session_event": {
            "vendor": "twilio", "type": type_, "id": "KI" + "1" * 32 + ":" + type_,
            "session_id": "KC" + "2" * 32, "service_sid": "KS" + "3" * 32, "participant_id": "KP" + "4" * 32,
            "occurred_at": "2026-05-06T07:08:09Z", "source": "webhook",
        },
        "payload": FIELDS,
    }


def test_twilio_out_of_session_without_interaction_keeps_its_id_on_retry_only():
    fields = {"sessionSid": "KC" + "5" * 32, "serviceSid": "KS" + "6" * 32, "sessionStatus": "closed",
              "inboundParticipantSid": "KP" + "7" * 32, "Body": "hello"}
    first = se.twilio_callback_event("out_of_session", fields)["session_event"]
    retry = se.twilio_callback_event("out_of_session", dict(reversed(list(fields.items()))))["session_event"]
    other = se.twilio_callback_event("out_of_session", dict(fields, Body="again"))["session_event"]
    assert first["id"] == retry["id"] != other["id"]
    assert (first["session_id"], first["service_sid"]) == ("KC" + "5" * 32, "KS" + "6" * 32)


def test_twilio_interaction_status_changes_are_distinct_events():
    initiated = dict(FIELDS, inboundResourceStatus="received", outboundResourceStatus="initiated")
    delivered = dict(initiated, outboundResourceStatus="delivered")
    ids = [se.twilio_callback_event("callback", fields)["session_event"]["id"] for fields in (initiated, delivered)]
    assert ids == ["KI" + "1" * 32 + ":proxy.interaction:received:initiated",
                   "KI" + "1" * 32 + ":proxy.interaction:received:delivered"]


def test_twilio_callback_rejects_an_unknown_kind():
    with pytest.raises(se.InvalidEvent, match="callback kind"):
        se.twilio_callback_event("status", FIELDS)


def test_polled_telnyx_participant_event():
    session = {"id": SESSION, "room_id": ROOM, "created_at": "2026-01-01T00:00:00Z"}
    participant = {"id": PARTICIPANT, "session_id": SESSION, "joined_at": "2026-01-01T00:01:00Z",
                   "left_at": "2026-01-01T00:09:00Z"}
    event = se.polled_event("telnyx", "video.room.participant.left", session, participant)
    assert event == {
        "session_event": {
            "vendor": "telnyx", "type": "video.room.participant.left",
            "id": se.event_id("telnyx", "video.room.participant.left", SESSION, PARTICIPANT, "2026-01-01T00:09:00Z"),
            "session_id": SESSION, "room_id": ROOM, "participant_id": PARTICIPANT,
            "occurred_at": "2026-01-01T00:09:00Z", "source": "poll",
        },
        "payload": participant,
    }
    # The same change seen by the next poll has the same id.
    assert se.polled_event("telnyx", "video.room.participant.left", dict(session), dict(participant)) == event


def test_polled_twilio_session_event_and_explicit_time():
    session = {"sid": "KC" + "8" * 32, "service_sid": "KS" + "9" * 32, "status": "closed",
               "date_updated": "2026-02-03T04:05:06Z", "date_ended": "2026-02-03T04:05:00Z"}
    closed = se.polled_event("twilio", "proxy.session.closed", session)
    assert closed["session_event"] == {
        "vendor": "twilio", "type": "proxy.session.closed",
        "id": se.event_id("twilio", "proxy.session.closed", "KC" + "8" * 32, None, "2026-02-03T04:05:00Z"),
        "session_id": "KC" + "8" * 32, "service_sid": "KS" + "9" * 32, "participant_id": None,
        "occurred_at": "2026-02-03T04:05:00Z", "source": "poll",
    }
    assert closed["payload"] is session
    deleted = se.polled_event("twilio", "proxy.session.deleted", session, occurred_at=RECEIVED)
    assert deleted["session_event"]["occurred_at"] == "2026-05-06T07:08:09Z"


def test_polled_event_rejects_an_unknown_vendor():
    with pytest.raises(se.InvalidEvent):
        se.polled_event("vonage", "proxy.session.created", {})
