# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Selecting Twilio Proxy sessions: PRIVATE to commsops.sessions.

The v1 API lists sessions without filters, so every filter is done here, once, for the info
module, the action module's `select` and the lookup.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.commsops.sessions.plugins.module_utils.timefilter import TimeWindow
from ansible_collections.commsops.sessions.plugins.module_utils.twilio_values import STATUSES
from ansible_collections.commsops.sessions.plugins.module_utils.validation import InvalidInput, check_dict

WINDOWS = ("date_created", "date_updated", "date_last_interaction", "date_expiry", "last_activity")
SELECT_KEYS = ("status",) + WINDOWS
ALL_STATUSES = STATUSES + ("failed", "unknown")


def last_activity(session):
    """The last interaction, or the creation when there was none."""
    return session.get("date_last_interaction") or session.get("date_created")


class Selection:
    """status (one or a list) and time windows, matched on the client."""

    def __init__(self, spec, prefix=""):
        spec = check_dict(spec, SELECT_KEYS, prefix.rstrip(".") or "select")
        statuses = spec.get("status", [])
        self.statuses = [statuses] if isinstance(statuses, str) else statuses
        if not isinstance(self.statuses, (list, tuple)) or not all(isinstance(s, str) for s in self.statuses):
            raise InvalidInput("%sstatus must be a status or a list of statuses (%s), got %r" % (
                prefix, ", ".join(ALL_STATUSES), statuses))
        bad = [s for s in self.statuses if s not in ALL_STATUSES]
        if bad:
            raise InvalidInput("%sstatus has unknown value(s) %s; use %s" % (
                prefix, ", ".join(map(str, bad)), ", ".join(ALL_STATUSES)))
        self.windows = [TimeWindow(f, spec[f], prefix + f) for f in WINDOWS if f in spec]

    def matches(self, session):
        if self.statuses and session.get("status") not in self.statuses:
            return False
        return all(w.matches(last_activity(session) if w.field == "last_activity" else session.get(w.field))
                   for w in self.windows)


def select_sessions(client, service_sids, selection):
    """Every session of these services that the selection matches, all pages."""
    return list(each_selected(client, service_sids, selection))


def each_selected(client, service_sids, selection):
    """The sessions of select_sessions, yielded as their pages come (a bulk action keeps only its plans)."""
    for service_sid in service_sids:
        for session in client.each_session(service_sid):
            if selection.matches(session):
                yield session


def with_participants(client, sessions):
    """Each session with its participants as a list (one request per session, in parallel), yielded in order
    as they come, so a caller can cut each one down before the next (fields.projected); errors propagate."""
    def fetch(session):
        return dict(session, participants=client.list_participants(session["service_sid"], session["sid"]))

    return client.http.map(fetch, sessions)
