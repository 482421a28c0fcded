# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The declared session of proxy_session, planned and converged: PRIVATE to commsops.sessions.

declared_session reads the options, read_session the session as it is, plan_session (pure) gives the
plan: plain data before anything is sent, which check mode and diff show and a real run carries out
(apply_session_plan), settling what an attempt that may have been applied left.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.commsops.sessions.plugins.module_utils.api_error import ApiError
from ansible_collections.commsops.sessions.plugins.module_utils.proxy_service_ref import check_service_ref
from ansible_collections.commsops.sessions.plugins.module_utils.timefilter import parse_instant, to_utc_string
from ansible_collections.commsops.sessions.plugins.module_utils.twilio_values import (
    canonical_identifier, check_participant_count, check_ttl, participant_fields)
from ansible_collections.commsops.sessions.plugins.module_utils.validation import InvalidInput, check_sid, check_unique_name

# What a create gives the fields it does not set (Ttl 0, Mode voice-and-message, Status open), so that
# check mode and diff show the same session as the real run.
CREATE_DEFAULTS = dict(status="open", ttl=0, mode="voice-and-message", date_expiry=None)
CLOSED_SESSION = "80607"  # Twilio's code for any update of a closed session
NO_CHANGES = dict(update={}, reopen=False, close=False, add=[], remove=[])


def is_closed_error(exc):
    return str(exc.code) == CLOSED_SESSION


def session_keys(params):
    """The keys a session is known by (service_sid, sid, unique_name), checked before they reach a URL.
    service_sid may still be a service's unique name: the module resolves it (service_sid_of) once it has a client."""
    service_sid = check_service_ref(params["service_sid"], "service_sid")
    sid = check_sid(params["sid"], "KC", "sid") if params.get("sid") else None
    unique_name = check_unique_name(params["unique_name"]) if params.get("unique_name") is not None else None
    return service_sid, sid, unique_name


def declared_session(params):
    """proxy_session's options as the API's values, every one checked before any request. Participants'
    identifiers are in their canonical spelling (canonical_identifier): what is compared and sent."""
    service_sid, sid, unique_name = session_keys(params)
    state = params.get("state", "present")
    if state == "absent" and not sid and unique_name is None:
        # Nothing to find: "no change" would let a forgotten key read as "the session is gone".
        raise InvalidInput("state=absent needs sid or unique_name to know which session to delete")
    want = {}
    if params.get("ttl") is not None:
        want["ttl"] = check_ttl(params["ttl"])
    if params.get("date_expiry") is not None:
        want["date_expiry"] = to_utc_string(params["date_expiry"], "date_expiry")
    for key in ("status", "mode"):
        if params.get(key) is not None:
            want[key] = params[key]
    participants = params.get("participants")
    if participants is not None:
        check_participant_count(len(participants), "participants has %d entries" % len(participants))
        for participant in participants:
            participant_fields(participant)
        participants = [dict(p, identifier=canonical_identifier(p["identifier"])) for p in participants]
        identifiers = [p["identifier"] for p in participants]
        if len(set(identifiers)) != len(identifiers):
            raise InvalidInput("participants has the same identifier twice (%s), spelled alike or not"
                               % ", ".join(sorted(set(i for i in identifiers if identifiers.count(i) > 1))))
    if state == "absent" and participants:
        raise InvalidInput("participants has no meaning with state=absent")
    return dict(service_sid=service_sid, sid=sid, unique_name=unique_name, state=state, want=want,
                participants=participants, purge=bool(params.get("purge_participants")))


def read_session(client, declared):
    """The declared session and its participants, or (None, []). sid and unique_name must not point at
    two different sessions, and a session cannot be created with a chosen SID."""
    service_sid, sid, unique_name = declared["service_sid"], declared["sid"], declared["unique_name"]
    current = client.find_session(service_sid, sid=sid) if sid else \
        find_named(client, service_sid, unique_name) if unique_name is not None else None
    if sid and unique_name and (current is None or current.get("unique_name") != unique_name):
        other = find_named(client, service_sid, unique_name)
        if other is not None and other["sid"] != sid:
            raise InvalidInput("sid and unique_name point at different sessions (%s is %s)" % (unique_name, other["sid"]))
    if current is None and sid and declared["state"] == "present":
        raise InvalidInput("sid: no session %s in service %s; a session cannot be created with a chosen SID "
                           "(give unique_name instead)" % (sid, service_sid))
    return current, client.list_participants(service_sid, current["sid"]) if current else []


def find_named(client, service_sid, unique_name):
    """The session whose unique_name is this one, or None. The client already matches the name exactly
    (the API may answer a name shaped like a SID with another session); a session of another name is
    never taken for it, on any path."""
    found = client.find_session(service_sid, unique_name=unique_name)
    return found if found is not None and found.get("unique_name") == unique_name else None


def same_instant(stored, declared):
    """Whether the server's timestamp and the declared one (a UTC string) are the same instant, however
    each is spelled (...00.000+00:00 and ...00Z are)."""
    if stored == declared:
        return True
    stored_at, declared_at = parse_instant(stored), parse_instant(declared)
    return stored_at is not None and stored_at == declared_at


def field_differs(current, want, key):
    if key == "date_expiry":
        return not same_instant(current.get(key), want[key])
    return current.get(key) != want[key]


def plan_session(current, current_participants, declared):
    """The one plan of proxy_session, as data: action is none, create, delete or update, with the
    update's fields, re-open or close, and the participants to add and to remove."""
    if declared["state"] == "absent":
        return dict(NO_CHANGES, action="delete" if current else "none")
    if current is None:
        return dict(NO_CHANGES, action="create", create=dict(CREATE_DEFAULTS, unique_name=declared["unique_name"],
                                                             **declared["want"]), add=declared["participants"] or [])
    changes = plan_changes(current, current_participants, declared)
    plan = dict(changes, action="none" if changes == NO_CHANGES else "update")
    warnings = participant_warnings(current_participants, declared)
    return dict(plan, warnings=warnings) if warnings else plan


def participant_warnings(current_participants, declared):
    """What the plan cannot converge, as messages for the module to warn with: a participant cannot be
    updated, and one removed cannot be added again, so a friendly_name that differs stays as it is."""
    stored = dict((canonical_identifier(p.get("identifier")), p) for p in current_participants or [])
    warnings = []
    for participant in declared["participants"] or []:
        existing = stored.get(participant["identifier"])
        wanted = participant.get("friendly_name")
        if existing is not None and wanted is not None and existing.get("friendly_name") != wanted:
            warnings.append("participant %s (%s) keeps friendly_name %r, not %r: the API cannot change a participant, "
                            "and one removed cannot be added to the session again" % (
                                participant["identifier"], existing.get("sid"), existing.get("friendly_name"), wanted))
    return warnings


def plan_changes(current, current_participants, declared):
    """The changes that make an existing session look as declared: fields, re-open, close, add, remove."""
    want, unique_name, participants = declared["want"], declared["unique_name"], declared["participants"]
    if "mode" in want and current.get("mode") != want["mode"]:
        raise InvalidInput("mode cannot change on an existing session (it is %s, you asked for %s): delete the session "
                           "(state=absent) and create it again" % (current.get("mode"), want["mode"]))
    if unique_name is not None and current.get("unique_name") != unique_name:
        raise InvalidInput("unique_name cannot change on an existing session (it is %r): delete the session "
                           "(state=absent) and create it again" % current.get("unique_name"))
    update = dict((key, want[key]) for key in ("ttl", "date_expiry") if key in want and field_differs(current, want, key))
    closed, close = current.get("status") == "closed", want.get("status") == "closed"
    reopen = closed and want.get("status") in ("open", "in-progress")
    # Declared identifiers are canonical already (declared_session); the stored ones are compared the same way.
    wanted = [p["identifier"] for p in participants or []]
    existing = list(current_participants or [])
    known = set(canonical_identifier(p.get("identifier")) for p in existing)
    add = [p for p in participants or [] if p["identifier"] not in known]
    remove = [p for p in existing if declared["purge"] and canonical_identifier(p.get("identifier")) not in wanted]
    after = len(existing) - len(remove) + len(add)
    check_participant_count(after, "participants: the session has %d participants and would have %d (use "
                                   "purge_participants=true to replace them)" % (len(existing), after))
    if closed and not reopen and (update or add or remove):
        raise InvalidInput("the session is closed and cannot be changed: set status to in-progress to re-open it")
    return dict(update=update, reopen=reopen, close=close and not closed, add=add, remove=remove)


def identifiers(participants):
    """Participants' identifiers, sorted; a null identifier (the API allows it) sorts first, as None."""
    return sorted((p.get("identifier") for p in participants or []), key=lambda i: (i is not None, i or ""))


def diff_view(session, participants):
    """What diff mode shows of a session: its state, not its SID (a session to be created has none yet)."""
    if session is None:
        return {}
    shown = dict((k, session.get(k)) for k in ("unique_name", "status", "ttl", "mode", "date_expiry"))
    shown["participants"] = identifiers(participants)
    return shown


def expected_after(current, current_participants, plan):
    """The session and participants once the plan is carried out: what check mode returns and diffs."""
    if plan["action"] == "delete":
        return None, []
    if plan["action"] == "create":
        return plan["create"], plan["add"]
    after = dict(current, **plan["update"])
    if plan["reopen"]:
        after["status"] = "in-progress"
    if plan["close"]:
        after["status"] = "closed"
    removed = set(p["sid"] for p in plan["remove"])
    return after, [p for p in current_participants if p["sid"] not in removed] + [
        dict(identifier=p["identifier"]) for p in plan["add"]]


def apply_session_plan(client, declared, current, plan):
    """Carry out the plan; return the session (None once deleted), its participants, and whether we changed it."""
    service_sid = declared["service_sid"]
    if plan["action"] == "delete":
        return None, [], client.delete_session(service_sid, current["sid"])
    if plan["action"] == "create":
        created, current = create_or_adopt(client, declared)
        if created is not None:
            return created, client.list_participants(service_sid, created["sid"]) if plan["add"] else [], True
        # Another run created the same unique_name first: converge on its session.
        participants = client.list_participants(service_sid, current["sid"])
        plan = plan_session(current, participants, declared)
        if plan["action"] == "none":
            return current, participants, False
    return apply_and_settle(client, declared, current, plan)


def create_or_adopt(client, declared):
    """Create the declared session and return (session, None); or, when another run created the same
    unique_name first and the create was refused, return (None, that session)."""
    service_sid, unique_name, want = declared["service_sid"], declared["unique_name"], declared["want"]
    try:
        return client.create_session(service_sid, unique_name, want.get("date_expiry"), want.get("ttl"),
                                     want.get("mode"), want.get("status"), declared["participants"]), None
    except ApiError as exc:
        if not unique_name or exc.status is None or not 400 <= exc.status < 500:
            raise
        existing = find_named(client, service_sid, unique_name)
        if existing is None:
            raise
        return None, existing


def apply_changes(client, service_sid, session, plan, done):
    """Carry out an update plan: re-open first, close last (a closed session takes no change).
    Each step that succeeded is appended to done."""
    sid = session["sid"]
    if plan["reopen"] or plan["update"]:
        session = client.update_session(service_sid, sid, status="in-progress" if plan["reopen"] else None, **plan["update"])
        done.append("update")
    for participant in plan["remove"]:
        client.delete_participant(service_sid, sid, participant["sid"])
        done.append("remove")
    for participant in plan["add"]:
        client.create_participant(service_sid, sid, participant)
        done.append("add")
    if plan["close"]:
        session = client.update_session(service_sid, sid, status="closed")
        done.append("close")
    return session


def apply_and_settle(client, declared, session, plan):
    """apply_changes, then the session and its participants as they are, and whether we changed anything.

    When a step gave up after an attempt that may have been applied, or met a session closed by someone
    else (80607), the session is read and planned again: nothing left to do means the declared state
    holds. Otherwise the error stands, saying what was done."""
    service_sid, sid, done = declared["service_sid"], session["sid"], []
    try:
        session = apply_changes(client, service_sid, session, plan, done)
    except ApiError as exc:
        if not (exc.may_have_applied or is_closed_error(exc)):
            if done:
                exc.message += " (after these steps were done: %s; rerun to converge)" % ", ".join(done)
            raise
        current = client.find_session(service_sid, sid=sid)
        participants = client.list_participants(service_sid, sid) if current else []
        if current is None or plan_session(current, participants, declared)["action"] != "none":
            exc.message += " (%s; rerun to converge)" % ("may have been applied" if exc.may_have_applied else
                                                         "some steps were done: " + ", ".join(done) if done else "nothing was changed")
            raise
        return current, participants, bool(done) or exc.may_have_applied
    return session, client.list_participants(service_sid, sid), True
