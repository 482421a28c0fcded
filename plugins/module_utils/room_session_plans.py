# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Selecting Telnyx room sessions and planning actions on them: PRIVATE to commsops.sessions.

One piece of code for the info module, the action module's `select` and the lookup. A plan is
plain data (what would happen to each session) before anything is sent, so check mode shows
exactly what a real run does.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.commsops.sessions.plugins.module_utils.actions import PAST
from ansible_collections.commsops.sessions.plugins.module_utils.bulk import (
    UNKNOWN_REASON, carried_out, failure, read_each, run_plans, with_outcome)
from ansible_collections.commsops.sessions.plugins.module_utils.api_error import ApiError
from ansible_collections.commsops.sessions.plugins.module_utils.telnyx_rooms import participants_value
from ansible_collections.commsops.sessions.plugins.module_utils.timefilter import TimeWindow
from ansible_collections.commsops.sessions.plugins.module_utils.validation import InvalidInput, check_bool, check_dict, check_uuid_list

SESSION_WINDOWS = ("created_at", "updated_at", "ended_at")
PARTICIPANT_WINDOWS = ("joined_at", "updated_at", "left_at")
SELECT_KEYS = ("room_id", "active", "exclude_room_ids") + SESSION_WINDOWS


class Selection:
    """Which sessions: room(s), active, time windows. Server filters where the API has them,
    the exact match on the client."""

    def __init__(self, spec, prefix=""):
        spec = check_dict(spec, SELECT_KEYS, prefix.rstrip(".") or "select")
        self.room_ids = self._uuids(spec, "room_id", prefix)
        self.exclude_room_ids = set(self._uuids(spec, "exclude_room_ids", prefix))
        self.active = check_bool(spec["active"], prefix + "active") if "active" in spec else None
        self.windows = [TimeWindow(f, spec[f], prefix + f) for f in SESSION_WINDOWS if f in spec]

    @staticmethod
    def _uuids(spec, key, prefix):
        """One UUID or a list of them; 5 or "" is an error, not "no filter"."""
        value = spec.get(key, [])
        return check_uuid_list([value] if isinstance(value, str) else value, prefix + key)

    def server_filters(self):
        filters = dict((w.field, w.server_dates()) for w in self.windows)
        if self.active is not None:
            filters["active"] = self.active
        if len(self.room_ids) == 1:
            filters["room_id"] = self.room_ids[0]
        return filters

    def matches(self, session):
        if self.room_ids and session.get("room_id") not in self.room_ids:
            return False
        if session.get("room_id") in self.exclude_room_ids:
            return False
        if self.active is not None and bool(session.get("active")) != self.active:
            return False
        return all(w.matches(session.get(w.field)) for w in self.windows)


def select_sessions(client, selection, include_participants=False):
    """Every session the selection matches, all pages."""
    return list(each_selected(client, selection, include_participants))


def each_selected(client, selection, include_participants=False):
    """The sessions of select_sessions, yielded as their pages come (a bulk action keeps only its plans)."""
    sessions = client.each_session(selection.server_filters(), include_participants=include_participants)
    return (s for s in sessions if selection.matches(s))


def participant_windows(spec, prefix=""):
    return [TimeWindow(f, spec[f], prefix + f) for f in PARTICIPANT_WINDOWS if spec.get(f) is not None]


def select_participants(client, room_session_id, windows, context=None, present=None):
    filters = dict((w.field, w.server_dates()) for w in windows)
    if context is not None:
        filters["context"] = context
    participants = client.list_participants(room_session_id, filters)
    return [p for p in participants
            if all(w.matches(p.get(w.field)) for w in windows)
            and (present is None or (p.get("left_at") is None) == present)]


def action_targets(action, participants, exclude):
    """The participants (all, or UUIDs) and exclude of an action, checked before any request."""
    if action == "end":
        for option, value in (("participants", participants), ("exclude", exclude)):
            if value:
                raise InvalidInput("%s has no meaning for action=end: ending a session removes everyone" % option)
        return None, None
    return participants_value(participants), check_uuid_list(exclude or [], "exclude")


def plan_action(session, action, participants=None, exclude=None):
    """What the action would do to one session, as data (the session must carry its participants): a
    "would_change" plan until carry_out has done it."""
    entry = dict(room_session_id=session.get("id"), room_id=session.get("room_id"), created_at=session.get("created_at"),
                 action=action, participants=[])
    present = [p.get("id") for p in session.get("participants") or [] if p.get("left_at") is None]
    if action == "end":
        if not session.get("active"):
            return with_outcome(entry, "skipped", reason="already ended")
        return with_outcome(entry, "would_change", participants=present, reason="ends the session (%d present)" % len(present))
    if not session.get("active"):
        return with_outcome(entry, "skipped", reason="session has ended")
    excluded = set(exclude or [])
    wanted = present if participants in (None, "all") else [p for p in present if p in participants]
    targets = [p for p in wanted if p not in excluded]
    if not targets:
        return with_outcome(entry, "skipped", reason="no targeted participant is present")
    return with_outcome(entry, "would_change", participants=targets, reason="%d participant(s)" % len(targets))


def given_sessions(client, ids):
    """Sessions by id with their participants, in bulk.read_each's shape."""
    return read_each(ids, lambda room_session_id: client.find_session(room_session_id, include_participants=True),
                     client.http)


def plan_given(found, action, participants=None, exclude=None):
    """plan_action for one entry of given_sessions: an unknown id fails that entry only."""
    entry = dict(room_session_id=found["id"], action=action)
    if found.get("outcome") == "failed":
        return dict(found, **entry)
    if found["session"] is None:
        return with_outcome(entry, "failed", error="room session %s not found" % found["id"], status=404)
    return plan_action(found["session"], action, participants, exclude)


def carry_out(client, plans, participants, exclude):
    """Send the planned actions; return the plans with what happened.

    When an action gave up after an attempt that may have been applied, the session is read once and
    planned again: nothing left to do means it was done; anything else is a plain failure, and a read
    that fails too (or an action the API cannot show, mute and unmute) leaves the outcome unknown, and so
    does any unexpected error while acting (the action may have been sent).
    """
    def act(entry):
        targets = "all" if participants in (None, "all") else entry["participants"]
        try:
            client.act(entry["room_session_id"], entry["action"], targets, exclude if targets == "all" else None)
        except ApiError as exc:
            if not exc.may_have_applied:
                raise
            return settle(entry, exc)
        return carried_out(entry, "%s: %s" % (PAST[entry["action"]], entry["reason"]))

    def settle(entry, exc):
        if entry["action"] not in ("mute", "unmute"):
            try:
                session = client.find_session(entry["room_session_id"], include_participants=True)
            except ApiError:
                session = None
            if session is not None:
                if plan_action(session, entry["action"], participants, exclude)["outcome"] == "would_change":
                    raise exc
                return carried_out(entry, "%s: %s (the answer was lost; reading the session showed it done)" % (
                    PAST[entry["action"]], entry["reason"]))
        return with_outcome(entry, "unknown", reason=UNKNOWN_REASON, **failure(exc))

    return run_plans(plans, act, client.http)
