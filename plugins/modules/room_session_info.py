#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: room_session_info
short_description: List Telnyx Video room sessions, or view one
version_added: 0.1.0
description:
  - Returns one room session by O(room_session_id), or every session matching the filters, all pages gathered.
  - The filters (O(room_id), O(active), O(created_at), O(updated_at), O(ended_at)) cannot be used with
    O(room_session_id).
author:
  - commsops maintainers (@commsops)
extends_documentation_fragment:
  - commsops.sessions.telnyx
  - commsops.sessions.http_options
  - commsops.sessions.room_session_filters
  - commsops.sessions.fields
  - commsops.sessions.attributes
  - commsops.sessions.attributes.info_module
  - commsops.sessions.attributes.actiongroup_telnyx
options:
  room_session_id:
    description: The UUID of one room session. The filters cannot be used with it.
    type: str
"""

EXAMPLES = r"""
- name: Live sessions
  commsops.sessions.room_session_info:
    active: true
  register: live

- name: Sessions of one room created before 8:00 UTC on 1 November
  commsops.sessions.room_session_info:
    room_id: 7b61621f-62e0-4aad-ab11-9fd19e272e73
    created_at:
      lte: "2026-11-01T08:00:00Z"
    include_participants: true

- name: One session
  commsops.sessions.room_session_info:
    room_session_id: 0ccc7b54-4df3-4bca-a65a-3da1ecc777f0

- name: Only the ids and rooms of the live sessions
  commsops.sessions.room_session_info:
    active: true
    fields: [id, room_id]
  register: live_ids
"""

RETURN = r"""
room_sessions:
  description:
    - The sessions, with the API's field names. One element when O(room_session_id) is given.
    - With O(fields), each has only those keys (and C(participants) with O(include_participants)).
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The session's UUID.
      type: str
      sample: 0ccc7b54-4df3-4bca-a65a-3da1ecc777f0
    room_id:
      description: The room's UUID.
      type: str
      sample: 7b61621f-62e0-4aad-ab11-9fd19e272e73
    active:
      description: Whether the session is still going on.
      type: bool
      sample: true
    created_at:
      description: When the session started (ISO 8601, UTC).
      type: str
      sample: "2026-11-20T10:15:30.123456Z"
    updated_at:
      description: When the session last changed.
      type: str
      sample: "2026-11-20T10:15:30.123456Z"
    ended_at:
      description: When the session ended; null while it is active.
      type: str
      sample: null
    participants:
      description: The participants (C(id), C(session_id), C(context), C(joined_at), C(left_at), C(updated_at)).
      type: list
      elements: dict
      returned: when O(include_participants=true)
    record_type:
      description: Always C(room_session).
      type: str
      sample: room_session
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.commsops.sessions.plugins.module_utils.fields import TELNYX_SESSION_FIELDS, check_fields, projected
from ansible_collections.commsops.sessions.plugins.module_utils.module_glue import module_client, reported_errors
from ansible_collections.commsops.sessions.plugins.module_utils.options import telnyx_argument_spec, telnyx_client
from ansible_collections.commsops.sessions.plugins.module_utils.room_session_plans import Selection, each_selected
from ansible_collections.commsops.sessions.plugins.module_utils.validation import check_uuid

FILTERS = ("room_id", "active", "created_at", "updated_at", "ended_at")


def main():
    module = AnsibleModule(
        argument_spec=telnyx_argument_spec(
            room_session_id=dict(type="str"),
            room_id=dict(type="list", elements="str"),
            active=dict(type="bool"),
            created_at=dict(type="dict"),
            updated_at=dict(type="dict"),
            ended_at=dict(type="dict"),
            include_participants=dict(type="bool", default=False),
            fields=dict(type="list", elements="str"),
        ),
        mutually_exclusive=[("room_session_id", name) for name in FILTERS],
        supports_check_mode=True,
    )
    params = module.params
    with reported_errors(module):
        fields = check_fields(params["fields"], TELNYX_SESSION_FIELDS)
        include = params["include_participants"]
        if params["room_session_id"]:
            room_session_id = check_uuid(params["room_session_id"], "room_session_id")
            client = module_client(module, telnyx_client)
            session = client.find_session(room_session_id, include)
            sessions = [session] if session else []
        else:
            selection = Selection(dict((f, params[f]) for f in FILTERS))
            client = module_client(module, telnyx_client)
            sessions = each_selected(client, selection, include)
        module.exit_json(changed=False, room_sessions=list(projected(sessions, fields, include)))


if __name__ == "__main__":
    main()
