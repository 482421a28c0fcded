# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Selecting Twilio Proxy sessions and planning changes to them: PRIVATE to commsops.sessions.

The v1 API lists sessions without filters, so every filter is done here, once, for the info
module, the action module's `select` and the lookup. A plan is plain data before anything is sent.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.commsops.sessions.plugins.module_utils.bulk import run_bulk
from ansible_collections.commsops.sessions.plugins.module_utils.timefilter import TimeWindow, to_utc_string
from ansible_collections.commsops.sessions.plugins.module_utils.twilio_proxy import MAX_PARTICIPANTS, STATUSES
from ansible_collections.commsops.sessions.plugins.module_utils.validation import InvalidInput, check_keys, check_sid, check_unique_name

WINDOWS = ("date_created", "date_updated", "date_last_interaction", "date_expiry", "last_activity")
SELECT_KEYS = ("status",) + WINDOWS
ALL_STATUSES = STATUSES + ("failed", "unknown")
FIELDS = ("ttl", "date_expiry", "status")


def identity(params):
    """service_sid, sid and unique_name from a module's options, checked before they reach a URL."""
    service_sid = check_sid(params["service_sid"], "KS", "service_sid")
    sid = check_sid(params["sid"], "KC", "sid") if params.get("sid") else None
    unique_name = check_unique_name(params["unique_name"]) if params.get("unique_name") is not None else None
    return service_sid, sid, unique_name


def last_activity(session):
    """The last interaction, or the creation when there was none."""
    return session.get("date_last_interaction") or session.get("date_created")


class Selection:
    """status (one or a list) and time windows, matched on the client."""

    def __init__(self, spec, prefix=""):
        spec = dict((k, v) for k, v in (spec or {}).items() if v is not None)
        check_keys(spec, SELECT_KEYS, prefix.rstrip(".") or "select")
        statuses = spec.get("status")
        self.statuses = [statuses] if isinstance(statuses, str) else list(statuses or [])
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
    sessions = []
    for service_sid in service_sids:
        sessions.extend(s for s in client.list_sessions(service_sid) if selection.matches(s))
    return sessions


def with_participants(client, sessions, concurrency):
    """Each session with its participants as a list (one request per session, in parallel)."""
    def fetch(session):
        return dict(session, participants=client.list_participants(session["service_sid"], session["sid"]), changed=False)

    return [dict((k, v) for k, v in s.items() if k not in ("changed", "failed")) for s in run_bulk(sessions, fetch, concurrency)]


# The declared session ---------------------------------------------------------


def desired_state(params):
    """The module's options as the API's values, checked before any request."""
    want = {}
    if params.get("ttl") is not None:
        if params["ttl"] < 0:
            raise InvalidInput("ttl must be 0 or more seconds, got %d" % params["ttl"])
        want["ttl"] = params["ttl"]
    if params.get("date_expiry") is not None:
        want["date_expiry"] = to_utc_string(params["date_expiry"], "date_expiry")
    for key in ("status", "mode"):
        if params.get(key) is not None:
            want[key] = params[key]
    participants = params.get("participants")
    if participants is not None:
        identifiers = [p.get("identifier") for p in participants]
        if len(participants) > MAX_PARTICIPANTS:
            raise InvalidInput("participants has %d entries; a Proxy session has at most %d participants"
                               % (len(participants), MAX_PARTICIPANTS))
        if len(set(identifiers)) != len(identifiers):
            raise InvalidInput("participants has the same identifier twice")
    return want


def summary(session, participants):
    """What diff mode shows of a session."""
    if session is None:
        return {}
    shown = dict((k, session.get(k)) for k in ("sid", "unique_name", "status", "ttl", "mode", "date_expiry"))
    shown["participants"] = sorted(p["identifier"] for p in participants or [])
    return shown


def plan_present(current, current_participants, want, unique_name, participants, purge):
    """The changes that make an existing session look as declared, as data: fields, add, remove."""
    if "mode" in want and current.get("mode") != want["mode"]:
        raise InvalidInput("mode cannot change on an existing session (it is %s, you asked for %s): delete the session "
                           "(state=absent) and create it again" % (current.get("mode"), want["mode"]))
    if unique_name is not None and current.get("unique_name") != unique_name:
        raise InvalidInput("unique_name cannot change on an existing session (it is %r): delete the session "
                           "(state=absent) and create it again" % current.get("unique_name"))
    update = {}
    if "ttl" in want and current.get("ttl") != want["ttl"]:
        update["ttl"] = want["ttl"]
    if "date_expiry" in want and current.get("date_expiry") != want["date_expiry"]:
        update["date_expiry"] = want["date_expiry"]
    closed, close = current.get("status") == "closed", want.get("status") == "closed"
    reopen = closed and want.get("status") in ("open", "in-progress")
    existing = dict((p["identifier"], p) for p in current_participants)
    wanted = [p["identifier"] for p in participants or []]
    add = [p for p in participants or [] if p["identifier"] not in existing]
    remove = [existing[i] for i in existing if purge and i not in wanted]
    if len(existing) - len(remove) + len(add) > MAX_PARTICIPANTS:
        raise InvalidInput("participants: the session has %d participants and would have %d; at most %d are allowed "
                           "(use purge_participants=true to replace them)"
                           % (len(existing), len(existing) - len(remove) + len(add), MAX_PARTICIPANTS))
    if closed and not reopen and (update or add or remove):
        raise InvalidInput("the session is closed and cannot be changed: set status to in-progress to re-open it")
    return dict(update=update, reopen=reopen, close=close and not closed, add=add, remove=remove)


def plan_is_empty(plan):
    return not (plan["update"] or plan["reopen"] or plan["close"] or plan["add"] or plan["remove"])


def apply_plan(client, service_sid, session, plan):
    """Carry out a plan on an existing session: re-open first, close last (a closed session takes no change)."""
    sid = session["sid"]
    if plan["reopen"] or plan["update"]:
        session = client.update_session(service_sid, sid, status="in-progress" if plan["reopen"] else None, **plan["update"])
    for participant in plan["remove"]:
        client.delete_participant(service_sid, sid, participant["sid"])
    for participant in plan["add"]:
        client.create_participant(service_sid, sid, participant)
    if plan["close"]:
        session = client.update_session(service_sid, sid, status="closed")
    return session


def expected_after(session, participants, plan):
    """What the session will look like once the plan is carried out (for check mode and diff)."""
    after = dict(session)
    after.update(plan["update"])
    if plan["reopen"]:
        after["status"] = "in-progress"
    if plan["close"]:
        after["status"] = "closed"
    removed = set(p["identifier"] for p in plan["remove"])
    after_participants = [p for p in participants if p["identifier"] not in removed] + [
        dict(identifier=p["identifier"]) for p in plan["add"]]
    return after, after_participants


# Bulk actions -------------------------------------------------------------------


def plan_action(session, action):
    entry = dict(sid=session.get("sid"), service_sid=session.get("service_sid"), unique_name=session.get("unique_name"),
                 status=session.get("status"), date_created=session.get("date_created"),
                 date_last_interaction=session.get("date_last_interaction"), action=action,
                 changed=False, skipped=False, failed=False)
    if action == "close" and session.get("status") == "closed":
        return dict(entry, skipped=True, reason="already closed")
    return dict(entry, changed=True, reason="%s session" % action)


def carry_out(client, plans, concurrency):
    def act(entry):
        if not entry.get("changed"):
            return entry
        if entry["action"] == "delete":
            if not client.delete_session(entry["service_sid"], entry["sid"]):
                return dict(entry, changed=False, skipped=True, reason="already gone")
            return dict(entry, reason="deleted")
        client.update_session(entry["service_sid"], entry["sid"], status="closed")
        return dict(entry, reason="closed")

    outcomes = run_bulk(plans, act, concurrency)
    return [dict(plan, **outcome) if outcome.get("failed") else outcome for plan, outcome in zip(plans, outcomes)]
