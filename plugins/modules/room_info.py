#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: room_info
short_description: List Telnyx Video rooms, or view one
version_added: 0.3.0
description:
  - Returns one room by O(id), or every room matching the filters, all pages gathered.
  - The filters (O(unique_name), O(created_at), O(updated_at)) cannot be used with O(id).
author:
  - commsops maintainers (@commsops)
extends_documentation_fragment:
  - commsops.sessions.telnyx
  - commsops.sessions.http_options
  - commsops.sessions.room_filters
  - commsops.sessions.attributes
  - commsops.sessions.attributes.info_module
  - commsops.sessions.attributes.actiongroup_telnyx
options:
  id:
    description: The UUID of one room. The filters cannot be used with it. An unknown room gives an empty list.
    type: str
    aliases: [room_id]
"""

EXAMPLES = r"""
- name: Every room
  commsops.sessions.room_info:
  register: all_rooms

- name: One room by name, with its sessions
  commsops.sessions.room_info:
    unique_name: support-desk
    include_sessions: true
  register: desk

- name: Rooms created this week, only their ids and names
  commsops.sessions.room_info:
    created_at:
      gte: now-7d
    fields: [id, unique_name]
"""

RETURN = r"""
rooms:
  description:
    - The rooms, with the API's field names. At most one element when O(id) or O(unique_name) is given.
    - With O(fields), each has only those keys (and C(sessions) with O(include_sessions)).
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The room's UUID.
      type: str
      sample: 0ccc7b54-4df3-4bca-a65a-3da1ecc777f0
    unique_name:
      description: The room's name.
      type: str
      sample: support-desk
    max_participants:
      description: How many participants may be in the room at once.
      type: int
      sample: 10
    enable_recording:
      description: Whether sessions are recorded.
      type: bool
      sample: false
    webhook_event_url:
      description: The primary webhook URL; missing when none.
      type: str
    webhook_event_failover_url:
      description: The failover webhook URL; missing when none.
      type: str
    webhook_timeout_secs:
      description: Seconds a webhook may take; null when not set.
      type: int
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
    sessions:
      description: The room's sessions (as M(commsops.sessions.room_session_info) returns them).
      type: list
      elements: dict
      returned: when O(include_sessions=true)
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.commsops.sessions.plugins.module_utils.fields import check_fields, projected
from ansible_collections.commsops.sessions.plugins.module_utils.module_glue import module_client, reported_errors
from ansible_collections.commsops.sessions.plugins.module_utils.options import telnyx_argument_spec, telnyx_client
from ansible_collections.commsops.sessions.plugins.module_utils.room_plans import (
    ROOM_FIELDS, RoomSelection, each_selected_room, kept_fields)
from ansible_collections.commsops.sessions.plugins.module_utils.validation import check_uuid

FILTERS = ("unique_name", "created_at", "updated_at")


def main():
    module = AnsibleModule(
        argument_spec=telnyx_argument_spec(
            id=dict(type="str", aliases=["room_id"]),
            unique_name=dict(type="str"),
            created_at=dict(type="dict"),
            updated_at=dict(type="dict"),
            include_sessions=dict(type="bool", default=False),
            fields=dict(type="list", elements="str"),
        ),
        mutually_exclusive=[("id", name) for name in FILTERS],
        supports_check_mode=True,
    )
    params = module.params
    with reported_errors(module):
        fields = check_fields(params["fields"], ROOM_FIELDS)
        include = params["include_sessions"]
        if params["id"]:
            room_id = check_uuid(params["id"], "id")
            client = module_client(module, telnyx_client)
            room = client.find_room(room_id=room_id, include_sessions=include)
            rooms = [room] if room else []
        else:
            selection = RoomSelection(**dict((f, params[f]) for f in FILTERS))
            client = module_client(module, telnyx_client)
            rooms = each_selected_room(client, selection, include)
        module.exit_json(changed=False, rooms=list(projected(rooms, kept_fields(fields, include))))


if __name__ == "__main__":
    main()
