#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: proxy_session_action
short_description: Close or delete Twilio Proxy sessions in bulk
version_added: 0.1.0
description:
  - Closes or deletes a list of sessions, or every session a selection matches, across one or several services,
    in one task.
  - Sessions are worked on in parallel over one keep-alive connection pool, as many at once as O(concurrency) allows
    (by default it finds the server's limit by itself). When the API answers
    429, every worker waits, so a large batch slows down instead of failing.
  - When some sessions fail, the others are still done, and the task fails with a message that counts and names
    the failures; RV(results) says what happened to each session.
  - A close answered with code 80607 (the session is closed already, by itself, by someone else, or by our own
    attempt whose answer was lost) is settled by reading the session. When the API gives up after an attempt that
    may have reached it (a dropped connection, a 500, 502 or 504), the session is read once too; a delete then
    answered 404 counts as done by us only in that case. When the read cannot tell, the session is reported
    V(unknown), never plainly failed or done.
  - The same SID given twice is acted on once. An empty O(sids) means nothing to do, and no request is sent.
author:
  - commsops maintainers (@commsops)
extends_documentation_fragment:
  - commsops.sessions.twilio
  - commsops.sessions.http_options
  - commsops.sessions.bulk
  - commsops.sessions.attributes
  - commsops.sessions.attributes.actiongroup_twilio
attributes:
  check_mode:
    support: full
    details:
      - Reads the sessions and reports what would be done; sends no update or delete.
  diff_mode:
    support: none
  idempotent:
    support: full
    details:
      - Closing a closed session, or deleting a session that is gone, is no change.
options:
  action:
    description: V(close) sets the status to closed; V(delete) removes the session and its participants.
    type: str
    required: true
    choices: [close, delete]
  service_sid:
    description:
      - The Proxy service, by its SID (C(KS) followed by 32 hexadecimal digits) or by its unique name. A value
        that starts with C(KS) is read as a SID. Give it, or O(service_sids) with O(select).
      - A SID is used as given. A unique name is looked up before any session is read or changed, in one listing of
        the account's services; a name that no service has fails the task, naming it, and nothing is changed.
    type: str
  service_sids:
    description:
      - Several Proxy services, each a SID (C(KS...)) or a service's unique name, as in O(service_sid); only with
        O(select).
      - All the names of the task are looked up in one listing of the account's services (none when every item is a
        SID), before any session is read or changed; an item that no service has fails the task, naming it, and
        nothing is changed. A service given twice (by SID and by name, say) is worked on once.
    type: list
    elements: str
  sids:
    description:
      - Sessions by SID (C(KC...)), in O(service_sid).
      - Each is read first, in check mode and real runs alike, so both plan the same; a closed session is skipped by
        V(close), a session already gone is skipped by V(delete) and fails V(close).
    type: list
    elements: str
  select:
    description:
      - The sessions to act on, chosen by the filters O(commsops.sessions.proxy_session_info#module:status) (one or a
        list), O(commsops.sessions.proxy_session_info#module:date_created),
        O(commsops.sessions.proxy_session_info#module:date_updated),
        O(commsops.sessions.proxy_session_info#module:date_last_interaction),
        O(commsops.sessions.proxy_session_info#module:date_expiry) and
        O(commsops.sessions.proxy_session_info#module:last_activity), with the same meaning as in
        M(commsops.sessions.proxy_session_info).
      - 'For example: C({status: [open, in-progress], last_activity: {lte: now-1d}}).'
    type: dict
"""

EXAMPLES = r"""
- name: Close sessions idle for a day
  commsops.sessions.proxy_session_action:
    action: close
    service_sid: KS00000000000000000000000000000001
    select:
      status: [open, in-progress]
      last_activity:
        lte: now-1d
    max_sessions: 1000

- name: Delete closed sessions a week old, in two services
  commsops.sessions.proxy_session_action:
    action: delete
    service_sids:
      - KS00000000000000000000000000000001
      - KS00000000000000000000000000000002
    select:
      status: closed
      date_updated:
        lte: now-7d
"""

RETURN = r"""
results:
  description: One entry per session.
  returned: always
  type: list
  elements: dict
  contains:
    sid:
      description: The session's SID.
      type: str
    service_sid:
      description: Its service.
      type: str
    unique_name:
      description: Its unique name (when known).
      type: str
    status:
      description: Its status before the action (when known).
      type: str
    date_created:
      description: When it was created (when known).
      type: str
    date_last_interaction:
      description: Its last interaction (when known).
      type: str
    action:
      description: The action.
      type: str
    outcome:
      description:
        - What happened to this session. V(changed) it was done; V(would_change) it would be done, but was not
          (check mode, or the run was stopped by O(max_sessions)); V(skipped) there was nothing to do; V(failed) it was
          not done; V(unknown) an attempt may have been applied but reading the session back could not tell (or an
          unexpected error came while acting), and a rerun converges.
        - Entries carry no C(skipped) key, on purpose, so that a task that found nothing to do reads as ran, not as
          skipped (Ansible reads a RV(results) list whose entries are all skipped as a skipped task).
      type: str
      choices: [changed, would_change, skipped, failed, unknown]
    changed:
      description:
        - Whether the action was done. Always V(false) in check mode and in a run that O(max_sessions) stopped (their
          entries are V(would_change)).
      type: bool
    failed:
      description: Whether the action failed for this session (not done; V(unknown) outcomes are not failed).
      type: bool
    reason:
      description: What was done, or why it was skipped.
      type: str
    error:
      description: The error, with the vendor's code.
      type: str
      returned: when failed or unknown
counts:
  description:
    - Sessions handled (C(total)), C(changed) (done), C(would_change) (would be done, but the task ran in check mode or
      O(max_sessions) stopped it), C(skipped), C(failed) and C(unknown) (may have been applied; rerun to converge).
    - C(would_change) was added in 0.3.0; before it, check mode counted those sessions under C(changed).
  returned: always
  type: dict
  sample: {"total": 3, "changed": 2, "would_change": 0, "skipped": 1, "failed": 0, "unknown": 0}
concurrency:
  description:
    - How many requests were in flight at once. In V(auto) mode, where it settled (C(settled)) and its highest
      point (C(peak)); C(max) is its bound. At C(-vv) and above, C(trace) lists [seconds, limit] pairs over the run.
  returned: always
  type: dict
  sample: {"mode": "auto", "settled": 19, "peak": 24, "max": 64}
stopped_by_limit:
  description:
    - Whether O(max_sessions) stopped the run. More sessions would have been acted on than it allows, so none was, and
      the task failed. Its RV(results) are then V(would_change) (or V(skipped), V(failed)), and C(counts.would_change)
      says how many matched.
  returned: always, when the sessions were read
  type: bool
  sample: false
  version_added: 0.3.0
check_mode:
  description:
    - Whether the task ran in check mode, so that nothing was changed, wherever check mode came from (C(--check),
      the task's or a block's C(check_mode), or C(include_role)'s C(apply)). A playbook can read it without a task
      of its own to find out.
  returned: always, when the sessions were read
  type: bool
  sample: false
  version_added: 0.3.0
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.commsops.sessions.plugins.module_utils.bulk import unique
from ansible_collections.commsops.sessions.plugins.module_utils.module_glue import finish_bulk, module_client, reported_errors
from ansible_collections.commsops.sessions.plugins.module_utils.options import twilio_argument_spec, twilio_client
from ansible_collections.commsops.sessions.plugins.module_utils.proxy_service_ref import (
    check_service_ref, check_service_refs, service_sid_of, service_sids_of)
from ansible_collections.commsops.sessions.plugins.module_utils.proxy_session_bulk import carry_out, given_sessions, plan_action, plan_given
from ansible_collections.commsops.sessions.plugins.module_utils.proxy_session_select import Selection, each_selected
from ansible_collections.commsops.sessions.plugins.module_utils.validation import check_max_sessions, check_sid_list


def main():
    module = AnsibleModule(
        argument_spec=twilio_argument_spec(
            action=dict(type="str", required=True, choices=["close", "delete"]),
            service_sid=dict(type="str"),
            service_sids=dict(type="list", elements="str"),
            sids=dict(type="list", elements="str"),
            select=dict(type="dict"),
            results=dict(type="str", default="all", choices=["all", "changes", "none"]),
            max_sessions=dict(type="raw"),
        ),
        mutually_exclusive=[("sids", "select"), ("service_sid", "service_sids"), ("sids", "service_sids")],
        required_one_of=[("sids", "select"), ("service_sid", "service_sids")],
        supports_check_mode=True,
    )
    params, action = module.params, module.params["action"]
    with reported_errors(module):
        one = params["service_sid"] is not None
        services = [check_service_ref(params["service_sid"], "service_sid")] if one else \
            check_service_refs(params["service_sids"], "service_sids")
        sids = unique(check_sid_list(params["sids"], "KC", "sids")) if params["sids"] is not None else None
        selection = Selection(params["select"], "select.") if params["select"] is not None else None
        check_max_sessions(params["max_sessions"])
        client = module_client(module, twilio_client)
        # Names become SIDs here, in one listing, before any session is read: a wrong name changes nothing.
        # (An empty sids has nothing to read: it still sends no request.)
        if sids != []:
            services = [service_sid_of(client, services[0], "service_sid")] if one else \
                unique(service_sids_of(client, services, "service_sids"))

        # Read each session (the same in check mode and real runs), then plan.
        if selection:
            plans = [plan_action(session, action) for session in each_selected(client, services, selection)]
        else:
            plans = [plan_given(found, services[0], action) for found in given_sessions(client, services[0], sids)]
        finish_bulk(module, client, plans, "sid", lambda planned: carry_out(client, planned))


if __name__ == "__main__":
    main()
