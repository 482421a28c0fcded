# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The declared Telnyx room of the room module, planned and converged; the room selection of room_info
and the rooms lookup. PRIVATE to commsops.sessions.

declared_room reads the options, read_room the room as it is, plan_room (pure) gives the plan: plain
data before anything is sent, which check mode and diff show and a real run carries out
(apply_room_plan), settling what an attempt that may have been applied left.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from urllib.parse import urlsplit

from ansible_collections.commsops.sessions.plugins.module_utils.api_error import ApiError
from ansible_collections.commsops.sessions.plugins.module_utils.timefilter import TimeWindow
from ansible_collections.commsops.sessions.plugins.module_utils.validation import (
    InvalidInput, check_bool, check_int_range, check_uuid, option_number)

SETTABLE = ("max_participants", "enable_recording", "webhook_event_url", "webhook_event_failover_url",
            "webhook_timeout_secs")
# What a create gives the fields it does not set (the document's defaults), so that check mode and diff
# show the same room as the real run.
CREATE_DEFAULTS = dict(max_participants=10, enable_recording=False, webhook_event_url=None,
                       webhook_event_failover_url=None, webhook_timeout_secs=None)
# A URL field the API leaves unset may be missing, null or "" (the failover URL's documented default): all read as
# "no URL", and are shown as null.
URL_FIELDS = ("webhook_event_url", "webhook_event_failover_url")
# The names the option fields of room_info and the lookup may choose, as the document lists a room's.
ROOM_FIELDS = ("id", "unique_name", "max_participants", "enable_recording", "webhook_event_url",
               "webhook_event_failover_url", "webhook_timeout_secs", "active_session_id", "created_at", "updated_at",
               "record_type", "sessions")
ROOM_WINDOWS = ("created_at", "updated_at")


def check_room_name(value, option="unique_name"):
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput("%s must be a non-empty string" % option)
    return value


def check_url(value, option):
    """A URL with an http or https scheme and a host. Not "": the document types both webhook URLs as format uri
    (in a create and in an update), so it offers no way to remove one; sent, "" would be outside the contract."""
    if not isinstance(value, str):
        raise InvalidInput("%s must be a URL, got %r" % (option, value))
    if value == "":
        raise InvalidInput("%s: an empty value is not a URL; the API document offers no way to remove it (point it at "
                           "another URL)" % option)
    try:
        parts = urlsplit(value)
    except ValueError:  # such as an unclosed [ in the host
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        raise InvalidInput("%s must be an http or https URL with a host, got %r" % (option, value))
    return value


CHECKS = dict(
    max_participants=lambda v: check_int_range(option_number(v), "max_participants", 2, 50),
    enable_recording=lambda v: check_bool(v, "enable_recording"),
    webhook_event_url=lambda v: check_url(v, "webhook_event_url"),
    webhook_event_failover_url=lambda v: check_url(v, "webhook_event_failover_url"),
    webhook_timeout_secs=lambda v: check_int_range(option_number(v), "webhook_timeout_secs", 0, 30),
)


def declared_room(params):
    """The room module's options as the API's values, every one checked before any request."""
    room_id = check_uuid(params["id"], "id") if params.get("id") else None
    name = check_room_name(params["unique_name"]) if params.get("unique_name") is not None else None
    state = params.get("state") or "present"
    if room_id is None and name is None:
        # Nothing to find: each run would create a room, or "no change" would read as "the room is gone".
        raise InvalidInput("one of id or unique_name is required to know which room this is")
    want = dict((key, CHECKS[key](params[key])) for key in SETTABLE if params.get(key) is not None)
    if state == "absent" and want:
        raise InvalidInput("%s: no meaning with state=absent" % ", ".join(sorted(want)))
    return dict(id=room_id, unique_name=name, state=state, want=want,
                end_active_session=check_bool(params.get("end_active_session") or False, "end_active_session"))


def read_room(client, declared):
    """The declared room, or None. id is the key when given (unique_name is then a field that may be
    changed, but not to another room's name); a room cannot be created with a chosen id."""
    room_id, name = declared["id"], declared["unique_name"]
    if room_id is None:
        return client.find_room(unique_name=name)
    current = client.find_room(room_id=room_id)
    if current is None and declared["state"] == "present":
        raise InvalidInput("id: no room %s; a room cannot be created with a chosen id (give unique_name alone)" % room_id)
    if current is not None and name is not None and current.get("unique_name") != name:
        other = client.find_room(unique_name=name)
        if other is not None and other.get("id") != room_id:
            raise InvalidInput("unique_name %r is room %s's, not room %s's" % (name, other.get("id"), room_id))
        if declared["state"] == "absent":
            raise InvalidInput("room %s is named %r, not %r: id and unique_name must name the same room to delete it"
                               % (room_id, current.get("unique_name"), name))
    return current


def differs(current, key, value):
    stored = current.get(key)
    if key in URL_FIELDS:
        return (stored or "") != (value or "")
    return stored != value


def plan_room(current, declared):
    """The one plan of the room module, as data: action none, create, update or delete; update: the fields
    to send; ends_session: the active session a delete ends (the API kicks its participants out)."""
    if declared["state"] == "absent":
        if current is None:
            return dict(action="none", update={})
        active = current.get("active_session_id")
        if active and not declared["end_active_session"]:
            raise InvalidInput("room %s has an active session (%s): deleting the room kicks its participants out and "
                               "ends it. Nothing was changed; set end_active_session=true to delete it anyway"
                               % (current.get("id"), active))
        return dict(action="delete", update={}, ends_session=active or None)
    if current is None:
        create = dict(declared["want"])
        if declared["unique_name"] is not None:
            create["unique_name"] = declared["unique_name"]
        return dict(action="create", update={}, create=create)
    want = dict(declared["want"])
    if declared["unique_name"] is not None:
        want["unique_name"] = declared["unique_name"]
    update = dict((key, value) for key, value in want.items() if differs(current, key, value))
    return dict(action="update" if update else "none", update=update)


def expected_after(current, plan):
    """The room once the plan is carried out: what check mode returns and diffs."""
    if plan["action"] == "delete":
        return None
    if plan["action"] == "create":
        return dict(CREATE_DEFAULTS, **plan["create"])
    return dict(current, **plan["update"]) if current is not None else None


def diff_view(room):
    """What diff mode shows of a room: its settings, not its id (a room to be created has none yet)."""
    if room is None:
        return {}
    shown = dict((key, room.get(key)) for key in ("unique_name",) + SETTABLE)
    shown.update((key, shown[key] or None) for key in URL_FIELDS)
    return shown


def apply_room_plan(client, declared, current, plan):
    """Carry out the plan; return the room (None once deleted) and whether we changed it."""
    if plan["action"] == "delete":
        return None, client.delete_room(current["id"])
    if plan["action"] == "create":
        created, current = create_or_adopt(client, declared, plan)
        if created is not None:
            return created, True
        # Another run created the same unique_name first: converge on its room.
        plan = plan_room(current, declared)
        if plan["action"] == "none":
            return current, False
    return apply_and_settle(client, declared, current, plan)


def create_or_adopt(client, declared, plan):
    """(the room we created, None); or (None, the room) when another run created the same unique_name
    first and our create was refused."""
    try:
        return client.create_room(plan["create"]), None
    except ApiError as exc:
        name = declared["unique_name"]
        if name is None or exc.status is None or not 400 <= exc.status < 500:
            raise
        existing = client.find_room(unique_name=name)
        if existing is None:
            raise
        return None, existing


def apply_and_settle(client, declared, current, plan):
    """PATCH the room. When the API gave up after an attempt that may have been applied, the room is read and
    planned again: nothing left to do means the declared state holds. Otherwise the error stands."""
    try:
        return client.update_room(current["id"], plan["update"]), True
    except ApiError as exc:
        if not exc.may_have_applied:
            raise
        room = client.find_room(room_id=current["id"])
        if room is None or plan_room(room, declared)["action"] != "none":
            exc.message += " (may have been applied; rerun to converge)"
            raise
        return room, True


class RoomSelection:
    """Which rooms: unique_name and time windows on created_at and updated_at. The API filters by name and
    by date; the exact name and the exact instants are matched here."""

    def __init__(self, unique_name=None, created_at=None, updated_at=None):
        self.unique_name = check_room_name(unique_name) if unique_name is not None else None
        spec = dict(created_at=created_at, updated_at=updated_at)
        self.windows = [TimeWindow(f, spec[f], f) for f in ROOM_WINDOWS if spec[f] is not None]

    def server_filters(self):
        filters = dict((w.field, w.server_dates()) for w in self.windows)
        if self.unique_name is not None:
            filters["unique_name"] = self.unique_name
        return filters

    def matches(self, room):
        if self.unique_name is not None and room.get("unique_name") != self.unique_name:
            return False
        return all(w.matches(room.get(w.field)) for w in self.windows)


def kept_fields(fields, include_sessions):
    """The option fields (checked already) with "sessions" added when they were asked for: asking for a room's
    sessions is asking for them whatever fields says."""
    if fields is not None and include_sessions and "sessions" not in fields:
        return tuple(fields) + ("sessions",)
    return fields


def each_selected_room(client, selection, include_sessions=False):
    """The rooms the selection matches, yielded as their pages come."""
    rooms = client.each_room(selection.server_filters(), include_sessions=include_sessions)
    return (room for room in rooms if selection.matches(room))
