#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: room_session_action
short_description: End Telnyx Video room sessions, or kick, mute or unmute their participants, in bulk
version_added: 0.1.0
description:
  - Acts on one session, a list of sessions, or every session a selection matches, in one task.
  - Sessions are worked on in parallel over one keep-alive connection pool, as many at once as O(concurrency) allows
    (by default it finds the server's limit by itself). When the API answers
    429, every worker waits as long as it says, so a large batch slows down instead of failing.
  - It first plans what to do to each session, from the listing (or one view per session given by id), then acts
    only where there is something to do. In check mode it sends no action at all and returns the plan.
  - When some sessions fail, the others are still done, and the task fails with a message that counts and names
    the failures; RV(results) says what happened to each session.
  - When the API gives up after an attempt that may have reached it (a dropped connection, a 500, 502 or 504), the
    session is read once; if nothing is left to do the action counts as done, if the read cannot tell (or for
    V(mute) and V(unmute), which the API does not show) the session is reported V(unknown), never plainly failed or done.
  - The same id given twice (UUIDs compare case-insensitively) is acted on once. An empty O(room_session_ids) means
    nothing to do, and no request is sent.
author:
  - commsops maintainers (@commsops)
extends_documentation_fragment:
  - commsops.sessions.telnyx
  - commsops.sessions.http_options
  - commsops.sessions.bulk
  - commsops.sessions.attributes
  - commsops.sessions.attributes.actiongroup_telnyx
attributes:
  check_mode:
    support: full
    details:
      - Reads the sessions and reports what would be done; sends no action.
  diff_mode:
    support: none
  idempotent:
    support: partial
    details:
      - V(end) skips sessions that are already ended, and V(kick) acts only where a targeted participant is still present,
        so a second run reports no change.
      - The API does not show whether a participant is muted, so V(mute) and V(unmute) act wherever a targeted
        participant is present and always report a change.
options:
  action:
    description:
      - V(end) ends the session, which also removes everyone still in it.
      - V(kick) removes participants, V(mute) and V(unmute) mute or unmute them; the session goes on.
    type: str
    required: true
    choices: [end, kick, mute, unmute]
  room_session_id:
    description: One session, by UUID. Give exactly one of O(room_session_id), O(room_session_ids) and O(select).
    type: str
  room_session_ids:
    description: Sessions by UUID. Each is viewed first, to skip what needs nothing; an unknown id fails that entry only.
    type: list
    elements: str
  select:
    description:
      - The sessions to act on, chosen by filters, all pages. Keys are the filters
        O(commsops.sessions.room_session_info#module:room_id) (one UUID or a list),
        O(commsops.sessions.room_session_info#module:active), O(commsops.sessions.room_session_info#module:created_at),
        O(commsops.sessions.room_session_info#module:updated_at) and O(commsops.sessions.room_session_info#module:ended_at),
        with the same meaning as in M(commsops.sessions.room_session_info), plus C(exclude_room_ids).
      - 'For example: C({active: true, created_at: {lte: now-4h}}).'
    type: dict
  participants:
    description:
      - For V(kick), V(mute) and V(unmute), the participants to act on, by UUID. When not set, every participant
        present is targeted ("all").
      - Has no meaning for V(end).
    type: list
    elements: str
  exclude:
    description: For V(kick), V(mute) and V(unmute), participants (UUIDs) never to act on.
    type: list
    elements: str
"""

EXAMPLES = r"""
- name: End every session that has been running for more than 4 hours
  commsops.sessions.room_session_action:
    action: end
    select:
      active: true
      created_at:
        lte: now-4h
    max_sessions: 500

- name: Mute everyone but the host in one session
  commsops.sessions.room_session_action:
    action: mute
    room_session_id: 0ccc7b54-4df3-4bca-a65a-3da1ecc777f0
    exclude:
      - 11111111-2222-4333-8444-555555555555

- name: Kick two participants
  commsops.sessions.room_session_action:
    action: kick
    room_session_id: 0ccc7b54-4df3-4bca-a65a-3da1ecc777f0
    participants:
      - 11111111-2222-4333-8444-555555555555
      - 22222222-3333-4444-8555-666666666666
"""

RETURN = r"""
results:
  description: One entry per session, in the order they were given or listed.
  returned: always
  type: list
  elements: dict
  contains:
    room_session_id:
      description: The session's UUID.
      type: str
      sample: 0ccc7b54-4df3-4bca-a65a-3da1ecc777f0
    room_id:
      description: The session's room.
      type: str
      sample: 7b61621f-62e0-4aad-ab11-9fd19e272e73
    created_at:
      description: When the session started.
      type: str
      sample: "2026-11-20T10:15:30.123456Z"
    action:
      description: The action.
      type: str
      sample: end
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
      sample: "ended: ends the session (2 present)"
    participants:
      description: The participants acted on (for V(end), those present when it ended, from the same listing).
      type: list
      elements: str
    error:
      description: The error, with the vendor's code.
      type: str
      returned: when failed or unknown
counts:
  description: How many sessions were handled, and how.
  returned: always
  type: dict
  contains:
    total:
      description: Sessions selected or given.
      type: int
    changed:
      description: Sessions acted on. V(0) in check mode and when O(max_sessions) stopped the run.
      type: int
    would_change:
      description:
        - Sessions that would be acted on but were not, because the task ran in check mode or O(max_sessions) stopped
          it. V(0) in a real run that went ahead.
      type: int
      version_added: 0.3.0
    skipped:
      description: Sessions with nothing to do.
      type: int
    failed:
      description: Sessions that failed.
      type: int
    unknown:
      description: Sessions whose outcome is V(unknown) (may have been applied; rerun to converge).
      type: int
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
from ansible_collections.commsops.sessions.plugins.module_utils.options import telnyx_argument_spec, telnyx_client
from ansible_collections.commsops.sessions.plugins.module_utils.room_session_plans import (
    Selection, action_targets, carry_out, each_selected, given_sessions, plan_action, plan_given)
from ansible_collections.commsops.sessions.plugins.module_utils.validation import check_max_sessions, check_uuid, check_uuid_list

SELECTORS = ("room_session_id", "room_session_ids", "select")


def main():
    module = AnsibleModule(
        argument_spec=telnyx_argument_spec(
            action=dict(type="str", required=True, choices=["end", "kick", "mute", "unmute"]),
            room_session_id=dict(type="str"),
            room_session_ids=dict(type="list", elements="str"),
            select=dict(type="dict"),
            participants=dict(type="list", elements="str"),
            exclude=dict(type="list", elements="str"),
            results=dict(type="str", default="all", choices=["all", "changes", "none"]),
            max_sessions=dict(type="raw"),
        ),
        mutually_exclusive=[SELECTORS],
        required_one_of=[SELECTORS],
        supports_check_mode=True,
    )
    params, action = module.params, module.params["action"]
    with reported_errors(module):
        participants, exclude = action_targets(action, params["participants"], params["exclude"])
        check_max_sessions(params["max_sessions"])
        selection = Selection(params["select"], "select.") if params["select"] is not None else None
        if params["room_session_id"] is not None:
            ids = [check_uuid(params["room_session_id"], "room_session_id")]
        elif selection is None:
            ids = unique(check_uuid_list(params["room_session_ids"], "room_session_ids"))
        client = module_client(module, telnyx_client)

        # Read, with participants (so end can say who was present, at no extra request), then plan.
        if selection:
            plans = [plan_action(s, action, participants, exclude)
                     for s in each_selected(client, selection, include_participants=True)]
        else:
            plans = [plan_given(found, action, participants, exclude) for found in given_sessions(client, ids)]
        finish_bulk(module, client, plans, "room_session_id", lambda planned: carry_out(client, planned, participants, exclude))


if __name__ == "__main__":
    main()
