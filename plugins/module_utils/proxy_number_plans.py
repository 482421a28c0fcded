# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The number pool of a Twilio Proxy service, declared, planned and applied (proxy_phone_numbers):
PRIVATE to commsops.sessions. No Ansible.

declared_pool reads the options (every entry checked, no request), read_pool lists the pool once,
plan_pool (pure) gives one plan entry per number in bulk.py's shape (would_change or skipped), which check
mode and diff show and apply_pool_plan carries out concurrently through the client, settling an answer
that was lost by reading the number again.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.commsops.sessions.plugins.module_utils.api_error import ApiError
from ansible_collections.commsops.sessions.plugins.module_utils.bulk import (
    OUTCOMES, UNKNOWN_REASON, carried_out, failure, run_plans, with_outcome)
from ansible_collections.commsops.sessions.plugins.module_utils.proxy_service_ref import check_service_ref
from ansible_collections.commsops.sessions.plugins.module_utils.twilio_values import canonical_identifier
from ansible_collections.commsops.sessions.plugins.module_utils.validation import (
    MAX_IDS, InvalidInput, check_bool, check_keys, check_sid)

E164_RE = re.compile(r"\+[1-9][0-9]{1,14}")
NUMBER_SID_RE = re.compile(r"PN[0-9a-fA-F]{32}")
ENTRY_KEYS = ("sid", "phone_number", "is_reserved")
LOST_ANSWER = " (the answer was lost; reading the pool showed it done)"
ALREADY_IN_POOL = "80104"  # Twilio's code for an add of a number the pool holds already (another run added it)


def declared_pool(params):
    """proxy_phone_numbers' options, checked before any request: dict(service_sid, state, purge, entries),
    each entry dict(sid, number, is_reserved) with one of sid (PN...) and number (E.164) set."""
    service_sid = check_service_ref(params.get("service_sid"), "service_sid")  # a unique name is resolved later
    state = params.get("state") or "present"
    purge = check_bool(params.get("purge") or False, "purge")
    numbers = params.get("numbers")
    numbers = [] if numbers is None else numbers
    if not isinstance(numbers, (list, tuple)):
        raise InvalidInput("numbers must be a list of phone numbers (E.164) or phone number SIDs (PN...)")
    if len(numbers) > MAX_IDS:
        raise InvalidInput("numbers has %d entries; at most %d are accepted in one task" % (len(numbers), MAX_IDS))
    if state == "absent" and purge:
        raise InvalidInput("purge has no meaning with state=absent: it removes the numbers numbers does not list")
    entries, seen = [], {}
    for index, value in enumerate(numbers):
        entry = declared_entry(value, "numbers[%d]" % index)
        if state == "absent" and entry["is_reserved"] is not None:
            raise InvalidInput("numbers[%d].is_reserved has no meaning with state=absent" % index)
        key = entry_key(entry)
        if key in seen:
            raise InvalidInput("numbers[%d] (%s) repeats numbers[%d]: each number may be listed once, spelled alike "
                               "or not" % (index, entry["sid"] or entry["number"], seen[key]))
        seen[key] = index
        entries.append(entry)
    return dict(service_sid=service_sid, state=state, purge=purge, entries=entries)


def declared_entry(value, option):
    """One entry of numbers: a PN... SID or an E.164 number, as a string or as dict(sid | phone_number, is_reserved)."""
    text = isinstance(value, str)
    if text:
        value = dict(sid=value.strip()) if NUMBER_SID_RE.fullmatch(value.strip()) else dict(phone_number=value)
    if not isinstance(value, dict):
        raise InvalidInput("%s must be a phone number, a phone number SID, or a dictionary with sid or phone_number "
                           "(and is_reserved), got a %s" % (option, type(value).__name__))
    check_keys(value, ENTRY_KEYS, option)
    given = [key for key in ("sid", "phone_number") if value.get(key) is not None]
    if len(given) != 1:
        raise InvalidInput("%s needs exactly one of sid and phone_number" % option)
    entry = dict(sid=None, number=None, is_reserved=None)
    if given == ["sid"]:
        entry["sid"] = check_sid(value["sid"], "PN", option if text else option + ".sid")
    else:
        entry["number"] = check_e164(value["phone_number"], option, text)
    if value.get("is_reserved") is not None:
        entry["is_reserved"] = check_bool(value["is_reserved"], option + ".is_reserved")
    return entry


def check_e164(value, option, or_sid=False):
    """A phone number in E.164 (a + and up to 15 digits; spaces, dashes, dots and brackets are dropped)."""
    number = canonical_identifier(value) if isinstance(value, str) else None
    if not isinstance(number, str) or not E164_RE.fullmatch(number):
        raise InvalidInput("%s must be a phone number in E.164 form such as +15550100001%s, got %r"
                           % (option if or_sid else option + ".phone_number",
                              " or a phone number SID (PN and 32 hexadecimal digits)" if or_sid else "", value))
    return number


def entry_key(entry):
    """What makes two entries the same number: the SID (without case) or the E.164 number."""
    return ("sid", entry["sid"].lower()) if entry["sid"] else ("number", entry["number"])


def read_pool(client, service_sid):
    """The service's pool, read once (every page)."""
    return list(client.each_phone_number(service_sid))


def plan_pool(pool, declared):
    """One plan entry per declared number, then one per number purge removes (pure: no request).

    Raises InvalidInput when two declared entries are the same pool number (its SID and its number)."""
    by_key = {}
    for item in pool:
        if isinstance(item.get("sid"), str):
            by_key[("sid", item["sid"].lower())] = item
        if isinstance(item.get("phone_number"), str):
            by_key[("number", canonical_identifier(item["phone_number"]))] = item
    plans, matched = [], {}
    for index, entry in enumerate(declared["entries"]):
        current = by_key.get(entry_key(entry))
        if current is not None:
            if id(current) in matched:
                raise InvalidInput("numbers[%d] and numbers[%d] are the same number of the pool (%s, %s)"
                                   % (matched[id(current)], index, current.get("sid"), current.get("phone_number")))
            matched[id(current)] = index
        plans.append(plan_number(current, entry, declared["state"], declared["service_sid"]))
    if declared["purge"]:
        plans.extend(plan_number(item, None, "absent", declared["service_sid"])
                     for item in pool if id(item) not in matched)
    return plans


def plan_number(current, wanted, state, service_sid):
    """What to do with one number: current is its pool entry (None when not in the pool), wanted the declared
    entry (None for a number that purge removes). A "would_change" plan, or "skipped" with the reason."""
    entry = dict(service_sid=service_sid, sid=(current or {}).get("sid") or (wanted or {}).get("sid"),
                 number=canonical_identifier((current or {}).get("phone_number")) or (wanted or {}).get("number"),
                 is_reserved=(current or {}).get("is_reserved"))
    if state == "absent":
        if current is None:
            return with_outcome(dict(entry, action="none"), "skipped", reason="not in the pool")
        why = "remove from the pool" if wanted else "remove from the pool (not declared; purge)"
        return with_outcome(dict(entry, action="remove"), "would_change", reason=why)
    want_reserved = wanted["is_reserved"]
    if current is None:
        return with_outcome(dict(entry, action="add", is_reserved=want_reserved), "would_change", reason="add to the pool")
    if want_reserved is not None and want_reserved != current.get("is_reserved"):
        return with_outcome(dict(entry, action="update", is_reserved=want_reserved), "would_change",
                            reason="set is_reserved to %s" % str(want_reserved).lower())
    return with_outcome(dict(entry, action="none"), "skipped", reason="in the pool as declared")


def apply_pool_plan(client, plans):
    """Carry out the "would_change" plans, concurrently through the client (HttpClient.map); return them
    with what happened. An attempt that may have been applied is settled by reading the number."""
    def act(entry):
        try:
            return carry(client, entry)
        except ApiError as exc:
            if exc.may_have_applied or (entry["action"] == "add" and str(exc.code) == ALREADY_IN_POOL):
                return settle(client, entry, exc)
            raise

    return run_plans(plans, act, client.http)


def carry(client, entry):
    service_sid, action = entry["service_sid"], entry["action"]
    if action == "add":
        added = client.add_phone_number(service_sid, sid=entry["sid"], phone_number=None if entry["sid"] else entry["number"],
                                        is_reserved=entry["is_reserved"])
        return carried_out(seen_as(entry, added), "added to the pool")
    if action == "update":
        updated = client.update_phone_number(service_sid, entry["sid"], entry["is_reserved"])
        return carried_out(seen_as(entry, updated), "is_reserved set to %s" % str(entry["is_reserved"]).lower())
    if not client.remove_phone_number(service_sid, entry["sid"]):
        return with_outcome(entry, "skipped", reason="already gone")
    return carried_out(entry, "removed from the pool")


def settle(client, entry, exc):
    """After an attempt that may have been applied: changed when reading the number shows it done, the
    error when it shows it not done, unknown when the read fails too. An add that met ALREADY_IN_POOL
    (someone else added the number since the pool was read) is skipped when the number is as declared."""
    try:
        found = client.find_phone_number(entry["service_sid"], entry["sid"]) if entry["sid"] else \
            client.find_pooled_number(entry["service_sid"], entry["number"])
    except ApiError:
        if not exc.may_have_applied:
            raise exc
        return with_outcome(entry, "unknown", reason=UNKNOWN_REASON, **failure(exc))
    action = entry["action"]
    done = found is None if action == "remove" else found is not None and (
        entry["is_reserved"] is None or found.get("is_reserved") == entry["is_reserved"])
    if not done:
        raise exc
    if not exc.may_have_applied:
        return with_outcome(seen_as(entry, found), "skipped", reason="already in the pool (added by another run)")
    past = {"add": "added to the pool", "update": "is_reserved set", "remove": "removed from the pool"}[action]
    return carried_out(seen_as(entry, found) if found else entry, past + LOST_ANSWER)


def seen_as(entry, item):
    """The entry with the SID, number and is_reserved the API answered with (when it did)."""
    if not isinstance(item, dict):
        return entry
    return dict(entry, sid=item.get("sid") or entry["sid"],
                number=canonical_identifier(item.get("phone_number")) or entry["number"],
                is_reserved=item.get("is_reserved", entry["is_reserved"]))


def pool_after(pool, plans, done):
    """The pool once the plans whose outcome is in done are applied (check mode: would_change; a run: changed)."""
    after = dict((entry_key_of(item), pooled(item)) for item in pool)
    for plan in plans:
        if plan.get("outcome") not in done:
            continue
        key = entry_key_of(dict(sid=plan.get("sid"), phone_number=plan.get("number")))
        after.pop(key, None)
        if plan["action"] != "remove":
            after[key] = dict(number=plan.get("number"), sid=plan.get("sid"), is_reserved=plan.get("is_reserved"))
    return list(after.values())


def entry_key_of(item):
    sid = item.get("sid")
    return sid.lower() if isinstance(sid, str) else canonical_identifier(item.get("phone_number"))


def pooled(item):
    return dict(number=canonical_identifier(item.get("phone_number")), sid=item.get("sid"), is_reserved=item.get("is_reserved"))


def diff_view(pool):
    """The pool as the diff shows it: each number (its SID when its number is not known yet), sorted, with
    "(reserved)" after a reserved one."""
    return sorted("%s%s" % (item.get("number") or item.get("sid"), " (reserved)" if item.get("is_reserved") else "")
                  for item in pool)


def pool_summary(results):
    """Counts of the outcomes, and a message naming the numbers that failed or may have been applied."""
    counts = dict((name, sum(1 for r in results if r.get("outcome") == name)) for name in OUTCOMES)
    counts["total"] = len(results)
    problems = []
    for name, text in (("failed", "failed"), ("unknown", "may have been applied (rerun to converge)")):
        hit = [r for r in results if r.get("outcome") == name]
        if hit:
            names = ", ".join(str(r.get("number") or r.get("sid")) for r in hit[:20])
            more = " and %d more" % (len(hit) - 20) if len(hit) > 20 else ""
            problems.append("%d of %d numbers %s (%s%s)" % (len(hit), len(results), text, names, more))
    return counts, ("; ".join(problems) + "; the others were handled: see results") if problems else None
