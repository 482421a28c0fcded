#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: room_participant_info
short_description: List the participants of a Telnyx Video room session
version_added: 0.1.0
description:
  - Returns the participants of one room session, all pages gathered, optionally filtered.
  - Time windows take C(eq), C(gte) and C(lte) bounds, each a date, an ISO 8601 timestamp in any zone, or a
    V(now-2h)-style moment. The API filters by date; the module then keeps the participants within the exact instant.
author:
  - commsops maintainers (@commsops)
extends_documentation_fragment:
  - commsops.sessions.telnyx
  - commsops.sessions.http_options
  - commsops.sessions.fields
  - commsops.sessions.attributes
  - commsops.sessions.attributes.info_module
  - commsops.sessions.attributes.actiongroup_telnyx
options:
  room_session_id:
    description: The UUID of the room session.
    type: str
    required: true
  joined_at:
    description: Time window on when the participant joined, a dictionary with any of C(eq), C(gte), C(lte).
    type: dict
  updated_at:
    description: Time window on the participant's last update.
    type: dict
  left_at:
    description: Time window on when the participant left. Participants still present never match it.
    type: dict
  context:
    description: Only participants with this context (set by the client SDK when they joined).
    type: str
  present:
    description: Only participants still in the session (V(true)), or only those who left (V(false)).
    type: bool
"""

EXAMPLES = r"""
- name: Who is in the session right now?
  commsops.sessions.room_participant_info:
    room_session_id: 0ccc7b54-4df3-4bca-a65a-3da1ecc777f0
    present: true
  register: present

- name: Agents who joined in the last hour
  commsops.sessions.room_participant_info:
    room_session_id: 0ccc7b54-4df3-4bca-a65a-3da1ecc777f0
    context: agent
    joined_at:
      gte: now-1h

- name: Only who and when
  commsops.sessions.room_participant_info:
    room_session_id: 0ccc7b54-4df3-4bca-a65a-3da1ecc777f0
    fields: [id, context, joined_at, left_at]
"""

RETURN = r"""
room_participants:
  description:
    - The participants, with the API's field names.
    - With O(fields), each has only those keys.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The participant's UUID.
      type: str
      sample: 11111111-2222-4333-8444-555555555555
    session_id:
      description: The room session's UUID.
      type: str
      sample: 0ccc7b54-4df3-4bca-a65a-3da1ecc777f0
    context:
      description: Context given to the participant by the client SDK.
      type: str
      sample: agent
    joined_at:
      description: When the participant joined (ISO 8601, UTC).
      type: str
      sample: "2026-11-20T10:15:30.123456Z"
    left_at:
      description: When the participant left; null while present.
      type: str
      sample: null
    updated_at:
      description: When the participant last changed.
      type: str
      sample: "2026-11-20T10:15:30.123456Z"
    record_type:
      description: Always C(room_participant).
      type: str
      sample: room_participant
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.commsops.sessions.plugins.module_utils.fields import TELNYX_PARTICIPANT_FIELDS, check_fields, projected
from ansible_collections.commsops.sessions.plugins.module_utils.module_glue import module_client, reported_errors
from ansible_collections.commsops.sessions.plugins.module_utils.options import telnyx_argument_spec, telnyx_client
from ansible_collections.commsops.sessions.plugins.module_utils.room_session_plans import participant_windows, select_participants
from ansible_collections.commsops.sessions.plugins.module_utils.validation import check_uuid


def main():
    module = AnsibleModule(
        argument_spec=telnyx_argument_spec(
            room_session_id=dict(type="str", required=True),
            joined_at=dict(type="dict"),
            updated_at=dict(type="dict"),
            left_at=dict(type="dict"),
            context=dict(type="str"),
            present=dict(type="bool"),
            fields=dict(type="list", elements="str"),
        ),
        supports_check_mode=True,
    )
    params = module.params
    with reported_errors(module):
        room_session_id = check_uuid(params["room_session_id"], "room_session_id")
        windows = participant_windows(params)
        fields = check_fields(params["fields"], TELNYX_PARTICIPANT_FIELDS)
        client = module_client(module, telnyx_client)
        participants = select_participants(client, room_session_id, windows, params["context"], params["present"])
        module.exit_json(changed=False, room_participants=list(projected(participants, fields)))


if __name__ == "__main__":
    main()
