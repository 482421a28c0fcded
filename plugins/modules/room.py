#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: room
short_description: Declare one Telnyx Video room
version_added: 0.3.0
description:
  - Creates a Telnyx Video room, converges an existing one (participant limit, recording, webhook URLs and timeout)
    or deletes it.
  - The room is found by O(id) or by O(unique_name). With O(id), O(unique_name) is a setting like the others, so a
    room can be renamed, but not to the name of another room. A room cannot be created with a chosen O(id); give
    O(unique_name) alone to create it.
  - Only the options you set are compared and sent. A room the module creates gets the API's defaults for the
    others (10 participants, no recording, no failover URL, no webhook timeout).
  - Deleting a room that has an active session kicks its participants out and ends the session (the API document
    says so). The module refuses that, before any request that changes anything, unless
    O(end_active_session=true); the task then reports the session it ended in RV(ended_session_id).
  - Converges when the world moves under it. When two runs create the same O(unique_name) at once, the one that
    loses converges on the room the other made. When the API gives up after an update that may have been applied,
    the room is read again; if it is as declared the task succeeds, otherwise it fails saying a rerun converges.
notes:
  - A session may start between the read and the delete; the API then ends it too. O(end_active_session) guards
    against the sessions that are running when the task reads the room.
author:
  - commsops maintainers (@commsops)
extends_documentation_fragment:
  - commsops.sessions.telnyx
  - commsops.sessions.http_options
  - commsops.sessions.attributes
  - commsops.sessions.attributes.actiongroup_telnyx
attributes:
  check_mode:
    support: full
    details:
      - Reads the room and reports what would change; sends no create, update or delete.
  diff_mode:
    support: full
    details:
      - Shows the room's settings (not its id) before and after. For a create, the settings you do not set show the
        values the API gives them, so check mode shows the same C(after) as the real run.
  idempotent:
    support: full
    details:
      - The room is always found by O(id) or O(unique_name); one of them is required.
options:
  id:
    description: The room's UUID. Without it, the room is found by O(unique_name).
    type: str
    aliases: [room_id]
  unique_name:
    description:
      - The room's name, unique within the Telnyx account. Used to find the room (without O(id)), and set when it is
        created; with O(id), the room is renamed to it.
    type: str
  state:
    description:
      - V(present) creates or converges the room; V(absent) deletes it. Already absent, or deleted by someone else
        meanwhile, is no change.
    type: str
    choices: [present, absent]
    default: present
  max_participants:
    description: How many participants may be in the room at once, 2 to 50.
    type: raw
  enable_recording:
    description: Whether the room's sessions are recorded.
    type: bool
  webhook_event_url:
    description:
      - Where the room's sessions send their webhooks, an http or https URL.
      - The API document offers no way to remove it once set, so an empty string is refused before any request;
        point it at another URL instead.
    type: str
  webhook_event_failover_url:
    description:
      - Where webhooks go when the primary URL fails, an http or https URL.
      - As for O(webhook_event_url), an empty string is refused before any request. The document types the field
        as a URL (though it gives an empty string as its default), with no way to remove one.
    type: str
  webhook_timeout_secs:
    description: Seconds to wait for a webhook's answer, 0 to 30.
    type: raw
  end_active_session:
    description:
      - With O(state=absent), delete the room even when it has an active session, which the API then ends, kicking
        its participants out. Without it such a room is left as it is and the task fails, naming the session.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: A room for the support team's calls
  commsops.sessions.room:
    unique_name: support-desk
    max_participants: 4
    enable_recording: true
    webhook_event_url: https://hooks.example.com/telnyx
    webhook_timeout_secs: 10
  register: desk

- name: Rename it, by its id
  commsops.sessions.room:
    id: "{{ desk.room.id }}"
    unique_name: support-desk-eu

- name: Delete it, even during a call
  commsops.sessions.room:
    unique_name: support-desk-eu
    state: absent
    end_active_session: true
"""

RETURN = r"""
room:
  description: The room as the API describes it; null when absent. In check mode, the room as it would be.
  returned: always
  type: dict
  contains:
    id:
      description: The room's UUID (missing in check mode for a room not created yet).
      type: str
      sample: 0ccc7b54-4df3-4bca-a65a-3da1ecc777f0
    unique_name:
      description: The room's name.
      type: str
      sample: support-desk
    max_participants:
      description: How many participants may be in the room at once.
      type: int
      sample: 4
    enable_recording:
      description: Whether sessions are recorded.
      type: bool
      sample: true
    webhook_event_url:
      description: The primary webhook URL; missing when none.
      type: str
      sample: https://hooks.example.com/telnyx
    webhook_event_failover_url:
      description: The failover webhook URL; missing when none.
      type: str
      sample: https://failover.example.com/telnyx
    webhook_timeout_secs:
      description: Seconds a webhook may take; null when not set.
      type: int
      sample: 10
    active_session_id:
      description: The session going on in the room, when there is one.
      type: str
    created_at:
      description: When the room was created (ISO 8601, UTC).
      type: str
    updated_at:
      description: When the room last changed.
      type: str
    record_type:
      description: Always C(room).
      type: str
      sample: room
ended_session_id:
  description: The active session that deleting the room ended (or, in check mode, would end); null otherwise.
  returned: always
  type: str
  sample: null
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.commsops.sessions.plugins.module_utils.module_glue import module_client, reported_errors
from ansible_collections.commsops.sessions.plugins.module_utils.options import telnyx_argument_spec, telnyx_client
from ansible_collections.commsops.sessions.plugins.module_utils.room_plans import (
    apply_room_plan, declared_room, diff_view, expected_after, plan_room, read_room)


def main():
    module = AnsibleModule(
        argument_spec=telnyx_argument_spec(
            id=dict(type="str", aliases=["room_id"]),
            unique_name=dict(type="str"),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            max_participants=dict(type="raw"),
            enable_recording=dict(type="bool"),
            webhook_event_url=dict(type="str"),
            webhook_event_failover_url=dict(type="str"),
            webhook_timeout_secs=dict(type="raw"),
            end_active_session=dict(type="bool", default=False),
        ),
        # Without a key there is no room to find: refused before any request.
        required_one_of=[("id", "unique_name")],
        supports_check_mode=True,
    )
    with reported_errors(module):
        declared = declared_room(module.params)
        client = module_client(module, telnyx_client)
        current = read_room(client, declared)
        plan = plan_room(current, declared)
        changed = plan["action"] != "none"
        after = expected_after(current, plan) if changed else current
        if changed and not module.check_mode:
            after, changed = apply_room_plan(client, declared, current, plan)
        module.exit_json(changed=changed, room=after, ended_session_id=plan.get("ends_session") if changed else None,
                         diff=dict(before=diff_view(current), after=diff_view(after)))


if __name__ == "__main__":
    main()
