# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bulk closes and deletes of Twilio Proxy sessions (proxy_session_action): PRIVATE to commsops.sessions.

plan_action and plan_given give one plan entry per session, carry_out sends the planned ones and
settles an answer that was lost by reading the session.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.commsops.sessions.plugins.module_utils.actions import PAST
from ansible_collections.commsops.sessions.plugins.module_utils.api_error import ApiError
from ansible_collections.commsops.sessions.plugins.module_utils.bulk import (
    UNKNOWN_REASON, carried_out, failure, read_each, run_plans, with_outcome)
from ansible_collections.commsops.sessions.plugins.module_utils.proxy_session_plans import is_closed_error


def given_sessions(client, service_sid, sids):
    """Sessions by SID, in bulk.read_each's shape."""
    return read_each(sids, lambda sid: client.find_session(service_sid, sid=sid), client.http)


def plan_given(found, service_sid, action):
    """plan_action for one entry of given_sessions: a session already gone is skipped by a delete
    and fails a close."""
    entry = dict(sid=found["id"], service_sid=service_sid, action=action)
    if found.get("outcome") == "failed":
        return dict(found, **entry)
    if found["session"] is None:
        if action == "delete":
            return with_outcome(entry, "skipped", reason="already gone")
        return with_outcome(entry, "failed", error="no session %s in service %s" % (found["id"], service_sid))
    return plan_action(found["session"], action)


def plan_action(session, action):
    """What close or delete would do to one session, as data: a "would_change" plan until carry_out has done it."""
    entry = dict(sid=session.get("sid"), service_sid=session.get("service_sid"), unique_name=session.get("unique_name"),
                 status=session.get("status"), date_created=session.get("date_created"),
                 date_last_interaction=session.get("date_last_interaction"), action=action)
    if action == "close" and session.get("status") == "closed":
        return with_outcome(entry, "skipped", reason="already closed")
    return with_outcome(entry, "would_change", reason="%s session" % action)


def carry_out(client, plans):
    """Send the planned closes and deletes; return the plans with what happened.

    A close that meets 80607 (closed meanwhile, or by our own attempt whose answer was lost) and an
    action that gave up after an attempt that may have been applied are settled by reading the session. Any
    unexpected error while acting leaves that session unknown (the action may have been sent)."""
    def act(entry):
        try:
            if entry["action"] == "delete":
                if not client.delete_session(entry["service_sid"], entry["sid"]):
                    return with_outcome(entry, "skipped", reason="already gone")
            else:
                client.update_session(entry["service_sid"], entry["sid"], status="closed")
            return carried_out(entry, PAST[entry["action"]])
        except ApiError as exc:
            if exc.may_have_applied or (entry["action"] == "close" and is_closed_error(exc)):
                return settle(entry, exc)
            raise

    def settle(entry, exc):
        try:
            session = client.find_session(entry["service_sid"], sid=entry["sid"])
        except ApiError:
            if exc.may_have_applied:
                return with_outcome(entry, "unknown", reason=UNKNOWN_REASON, **failure(exc))
            raise exc
        done = session is None if entry["action"] == "delete" else session is not None and session.get("status") == "closed"
        if not done:
            raise exc
        if exc.may_have_applied:
            return carried_out(entry, "%s (the answer was lost; reading the session showed it done)" % PAST[entry["action"]])
        return with_outcome(entry, "skipped", reason="already closed")

    return run_plans(plans, act, client.http)
