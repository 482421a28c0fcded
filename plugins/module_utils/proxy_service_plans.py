# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The declared Proxy service of proxy_service, planned and converged: PRIVATE to commsops.sessions.

declared_service reads the options, read_service the service as it is, plan_service (pure) gives the
plan: plain data before anything is sent, which check mode and diff show and a real run carries out
(apply_service_plan), settling what an attempt that may have been applied left. No Ansible.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.commsops.sessions.plugins.module_utils.api_error import ApiError
from ansible_collections.commsops.sessions.plugins.module_utils.twilio_values import service_values
from ansible_collections.commsops.sessions.plugins.module_utils.validation import InvalidInput, check_sid, check_unique_name

FIELDS = ("default_ttl", "callback_url", "intercept_callback_url", "out_of_session_callback_url", "geo_match_level",
          "number_selection_behavior", "chat_instance_sid")
# What a create gives the fields it does not set, so that check mode and diff show the service the real run makes.
CREATE_DEFAULTS = dict(default_ttl=0, callback_url=None, intercept_callback_url=None, out_of_session_callback_url=None,
                       geo_match_level="country", number_selection_behavior="prefer-sticky", chat_instance_sid=None)


def declared_service(params):
    """proxy_service's options as checked API values (our names), before any request; a field not given is
    not managed. An empty URL or chat_instance_sid is refused (twilio_values.empty_refused)."""
    sid = check_sid(params["sid"], "KS", "sid") if params.get("sid") is not None else None
    unique_name = check_unique_name(params["unique_name"]) if params.get("unique_name") is not None else None
    state = params.get("state") or "present"
    if not sid and unique_name is None:
        raise InvalidInput("give unique_name (or sid) to know which Proxy service to %s"
                           % ("delete" if state == "absent" else "declare"))
    want = service_values(dict((key, params.get(key)) for key in FIELDS))
    if state == "absent" and want:
        raise InvalidInput("%s: no meaning with state=absent" % ", ".join(sorted(want)))
    return dict(sid=sid, unique_name=unique_name, state=state, want=want)


def read_service(client, declared):
    """The declared service as it is, or None. sid and unique_name must not point at two services, and a
    service cannot be created with a chosen SID."""
    sid, unique_name = declared["sid"], declared["unique_name"]
    current = client.find_service(sid=sid) if sid else client.find_service(unique_name=unique_name)
    if sid and unique_name is not None and (current is None or current.get("unique_name") != unique_name):
        other = client.find_service(unique_name=unique_name)
        if other is not None and other.get("sid") != sid:
            raise InvalidInput("sid and unique_name point at different services (%s is %s)" % (unique_name, other.get("sid")))
    if current is None and sid and declared["state"] == "present":
        raise InvalidInput("sid: no Proxy service %s; a service cannot be created with a chosen SID (give unique_name "
                           "instead)" % sid)
    return current


def plan_service(current, declared):
    """The one plan of proxy_service: action none, create, update or delete; create holds the whole
    service a create makes (defaults included), update the fields to send."""
    if declared["state"] == "absent":
        return dict(action="delete" if current else "none", update={}, create=None)
    if current is None:
        return dict(action="create", update={},
                    create=dict(CREATE_DEFAULTS, unique_name=declared["unique_name"], **declared["want"]))
    update = dict((key, value) for key, value in declared["want"].items() if current.get(key) != value)
    if declared["unique_name"] is not None and current.get("unique_name") != declared["unique_name"]:
        update["unique_name"] = declared["unique_name"]  # found by sid: a rename
    return dict(action="update" if update else "none", update=update, create=None)


def expected_after(current, plan):
    """The service once the plan is carried out: what check mode returns and diffs."""
    if plan["action"] == "delete":
        return None
    if plan["action"] == "create":
        return dict(plan["create"])
    return dict(current, **plan["update"]) if current is not None else None


def diff_view(service):
    """What diff mode shows of a service: its name and fields, not its SID (a create has none yet)."""
    if service is None:
        return {}
    return dict((key, service.get(key)) for key in ("unique_name",) + FIELDS)


def apply_service_plan(client, declared, current, plan):
    """Carry out the plan; return the service (None once deleted) and whether we changed it."""
    if plan["action"] == "delete":
        return None, client.delete_service(current["sid"])
    if plan["action"] == "create":
        created, current = create_or_adopt(client, declared)
        if created is not None:
            return created, True
        # Another run created the same unique_name first: converge on its service.
        plan = plan_service(current, declared)
        if plan["action"] == "none":
            return current, False
    return apply_and_settle(client, declared, current, plan)


def create_or_adopt(client, declared):
    """Create the declared service and return (service, None); or, when the create was refused because
    another run created the same unique_name first (80602), return (None, that service)."""
    try:
        return client.create_service(dict(declared["want"], unique_name=declared["unique_name"])), None
    except ApiError as exc:
        if exc.status is None or not 400 <= exc.status < 500:
            raise
        existing = client.find_service(unique_name=declared["unique_name"])
        if existing is None:
            raise
        return None, existing


def apply_and_settle(client, declared, current, plan):
    """Send the update; when it gave up after an attempt that may have been applied, read the service
    and plan again: nothing left to do means the declared state holds."""
    try:
        return client.update_service(current["sid"], plan["update"]), True
    except ApiError as exc:
        if not exc.may_have_applied:
            raise
        now = client.find_service(sid=current["sid"])
        if now is None or plan_service(now, declared)["action"] != "none":
            exc.message += " (may have been applied; rerun to converge)"
            raise
        return now, True
