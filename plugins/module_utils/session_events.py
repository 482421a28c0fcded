# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one event shape of the Event-Driven Ansible sources: PRIVATE to commsops.sessions. No Ansible imports.

Every source, polled or pushed, puts events built here on its queue::

    {"session_event": {"vendor": "telnyx" | "twilio", "type": ..., "id": ..., "session_id": ...,
                       "room_id": ... (Telnyx only) | "service_sid": ... (Twilio only),
                       "participant_id": ..., "occurred_at": "2026-01-02T03:04:05Z", "source": "poll" | "webhook"},
     "payload": <the vendor's own object>}

Type names are the same whether an event was polled or pushed, so one rulebook works with either. ``id`` is
the vendor's event id when there is one (Telnyx ``data.id``; Twilio ``interactionSid``, the type and the
interaction's resource statuses), else
``event_id()``: a SHA-1 of what identifies the event, the same for the same event seen twice (a duplicate
webhook, or the same change seen by two polls), so a rule or a listener can drop duplicates.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import hashlib

TELNYX = "telnyx"
TWILIO = "twilio"
POLL = "poll"
WEBHOOK = "webhook"

# Telnyx Video: the same names for a pushed webhook and a polled change.
ROOM_SESSION_STARTED = "video.room.session.started"
ROOM_SESSION_ENDED = "video.room.session.ended"
ROOM_PARTICIPANT_JOINED = "video.room.participant.joined"
ROOM_PARTICIPANT_LEFT = "video.room.participant.left"
TELNYX_TYPES = (ROOM_SESSION_STARTED, ROOM_SESSION_ENDED, ROOM_PARTICIPANT_JOINED, ROOM_PARTICIPANT_LEFT)

# Twilio Proxy: session changes are only polled (Proxy has no callback for them) ...
PROXY_SESSION_CREATED = "proxy.session.created"
PROXY_SESSION_STATUS_CHANGED = "proxy.session.status_changed"
PROXY_SESSION_CLOSED = "proxy.session.closed"
PROXY_SESSION_DELETED = "proxy.session.deleted"
TWILIO_POLLED_TYPES = (PROXY_SESSION_CREATED, PROXY_SESSION_STATUS_CHANGED, PROXY_SESSION_CLOSED, PROXY_SESSION_DELETED)
# ... and interactions are only pushed, one type per callback URL of a service.
PROXY_INTERACTION = "proxy.interaction"
PROXY_INTERCEPT = "proxy.interaction.intercept"
PROXY_OUT_OF_SESSION = "proxy.out_of_session"
CALLBACK_TYPES = {"callback": PROXY_INTERACTION, "intercept": PROXY_INTERCEPT, "out_of_session": PROXY_OUT_OF_SESSION}
TWILIO_TYPES = TWILIO_POLLED_TYPES + (PROXY_INTERACTION, PROXY_INTERCEPT, PROXY_OUT_OF_SESSION)

TYPES = TELNYX_TYPES + TWILIO_TYPES

# Where a polled object says when the change happened, by type (first field present wins).
_WHEN = {
    ROOM_SESSION_STARTED: ("created_at",),
    ROOM_SESSION_ENDED: ("ended_at", "updated_at"),
    ROOM_PARTICIPANT_JOINED: ("joined_at",),
    ROOM_PARTICIPANT_LEFT: ("left_at", "updated_at"),
    PROXY_SESSION_CREATED: ("date_created",),
    PROXY_SESSION_STATUS_CHANGED: ("date_updated",),
    PROXY_SESSION_CLOSED: ("date_ended", "date_updated"),
    PROXY_SESSION_DELETED: (),
}


class InvalidEvent(ValueError):
    """A pushed body is not an event of the expected form. The message names fields, never values."""


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc)


def iso_utc(value):
    """``value`` (datetime or ISO 8601 text) as ISO 8601 UTC with a ``Z``; text that does not parse is kept as it is."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            return value
    if not isinstance(value, datetime.datetime):
        return str(value)
    if value.tzinfo is None:  # the vendors' times are UTC; a naive one is taken as UTC, never as local time
        value = value.replace(tzinfo=datetime.timezone.utc)
    return value.astimezone(datetime.timezone.utc).isoformat().replace("+00:00", "Z")


def event_id(vendor, type, session_id=None, participant_id=None, occurred_at=None):
    """The stable id of an event without a vendor id: SHA-1 (hex) of vendor|type|session_id|participant_id|occurred_at.

    None counts as the empty string; ``occurred_at`` is normalised with ``iso_utc`` first, so the same instant
    written two ways gives one id.
    """
    parts = (vendor, type, session_id, participant_id, iso_utc(occurred_at))
    text = "|".join("" if part is None else str(part) for part in parts)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _event(vendor, type_, ident, session_id, scope, participant_id, occurred_at, source, payload):
    event = {
        "vendor": vendor,
        "type": type_,
        "id": ident,
        "session_id": session_id,
        # Telnyx sessions belong to a room, Twilio ones to a service: each vendor carries its own key only.
        "room_id" if vendor == TELNYX else "service_sid": scope,
        "participant_id": participant_id,
        "occurred_at": iso_utc(occurred_at) or iso_utc(utc_now()),
        "source": source,
    }
    return {"session_event": event, "payload": payload}


def _text(value):
    return value if isinstance(value, str) and value else None


def telnyx_webhook_event(body):
    """The event for a Telnyx Video webhook body (already parsed JSON). Raises InvalidEvent when it is not one."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        raise InvalidEvent("the body has no 'data' object")
    type_ = _text(data.get("event_type"))
    if type_ is None:
        raise InvalidEvent("'data.event_type' is missing or not a string")
    payload = data.get("payload")
    if payload is None:
        payload = {}
    if not isinstance(payload, dict):
        raise InvalidEvent("'data.payload' is not an object")
    session_id = _text(payload.get("session_id"))
    participant_id = _text(payload.get("participant_id"))
    occurred_at = _text(data.get("occurred_at"))
    id_ = _text(data.get("id")) or event_id(TELNYX, type_, session_id, participant_id, occurred_at)
    return _event(TELNYX, type_, id_, session_id, _text(payload.get("room_id")), participant_id, occurred_at,
                  WEBHOOK, body)


def _fields_digest(fields):
    text = "&".join("%s=%s" % (name, fields[name]) for name in sorted(fields))
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def twilio_callback_event(kind, fields, received_at=None):
    """The event for a Twilio Proxy callback: ``kind`` is callback, intercept or out_of_session; ``fields`` the form.

    Twilio sends no time: ``occurred_at`` is ``received_at`` (default now). The id is ``interactionSid:type``,
    followed by ``:inbound:outbound`` resource statuses when the callback has them (an interaction calls back
    at each status change, and each is an event of its own); a callback without an interaction (out of session) gets a SHA-1 of its form fields, so a retried
    callback keeps its id while two different messages do not share one.
    """
    if kind not in CALLBACK_TYPES:
        raise InvalidEvent("unknown callback kind; expected one of %s" % ", ".join(sorted(CALLBACK_TYPES)))
    if not isinstance(fields, dict):
        raise InvalidEvent("the callback fields are not a mapping")
    type_ = CALLBACK_TYPES[kind]
    session_id = _text(fields.get("interactionSessionSid")) or _text(fields.get("sessionSid"))
    service_sid = _text(fields.get("interactionServiceSid")) or _text(fields.get("serviceSid"))
    participant_id = _text(fields.get("inboundParticipantSid"))
    interaction = _text(fields.get("interactionSid"))
    if interaction:
        # One interaction calls back at each status change: its resources' statuses tell those calls apart.
        statuses = [_text(fields.get(name)) for name in ("inboundResourceStatus", "outboundResourceStatus")]
        id_ = "%s:%s" % (interaction, type_)
        if any(statuses):
            id_ += ":%s:%s" % tuple(status or "" for status in statuses)
    else:
        id_ = event_id(TWILIO, type_, session_id, participant_id, _fields_digest(fields))
    return _event(TWILIO, type_, id_, session_id, service_sid, participant_id, received_at or utc_now(),
                  WEBHOOK, dict(fields))


def polled_event(vendor, type, session, participant=None, occurred_at=None):
    """The event for a change a poller saw: ``session`` (and ``participant``) are the vendor's listed objects.

    ``payload`` is the participant for a participant event, else the session. ``occurred_at`` defaults to the
    object's own time for the change (created_at, ended_at, joined_at, left_at; date_created, date_updated,
    date_ended), else now.
    """
    if vendor not in (TELNYX, TWILIO):
        raise InvalidEvent("unknown vendor; expected telnyx or twilio")
    session = session or {}
    participant = participant or None
    subject = participant if participant is not None else session
    if occurred_at is None:
        for name in _WHEN.get(type, ()):
            if subject.get(name):
                occurred_at = subject[name]
                break
    occurred_at = iso_utc(occurred_at or utc_now())
    if vendor == TELNYX:
        session_id = session.get("id") or (participant or {}).get("session_id")
        scope = session.get("room_id") or (participant or {}).get("room_id")
        participant_id = participant.get("id") if participant else None
    else:
        session_id = session.get("sid") or (participant or {}).get("session_sid")
        scope = session.get("service_sid") or (participant or {}).get("service_sid")
        participant_id = participant.get("sid") if participant else None
    id_ = event_id(vendor, type, session_id, participant_id, occurred_at)
    return _event(vendor, type, id_, session_id, scope, participant_id, occurred_at, POLL, subject)
