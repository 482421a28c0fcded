# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: rooms
short_description: Telnyx Video rooms, for loops and templates
version_added: 0.3.0
description:
  - Returns every room matching the filters, all pages gathered, as a list of dictionaries with the API's field names
    (see M(commsops.sessions.room_info)). The usual use is a room's id by its name, for a task that takes a room id.
  - Use C(query()) (or C(lookup(..., wantlist=true))) so the result stays a list.
  - Takes keyword arguments only. The connection options also come from variables or the environment.
  - An unknown keyword argument is an error, and so is a boolean other than V(true), V(false), V(yes), V(no), V(on),
    V(off), V(1) or V(0).
author:
  - commsops maintainers (@commsops)
extends_documentation_fragment:
  - commsops.sessions.telnyx
  - commsops.sessions.http_options
  - commsops.sessions.telnyx.plugins
  - commsops.sessions.room_filters
options: {}
"""

EXAMPLES = r"""
- name: The live sessions of the support desk's room
  commsops.sessions.room_session_info:
    room_id: "{{ query('commsops.sessions.rooms', unique_name='support-desk')[0].id }}"
    active: true

- name: Names of the rooms made this week
  ansible.builtin.debug:
    msg: "{{ query('commsops.sessions.rooms', created_at={'gte': 'now-7d'}, fields=['unique_name']) | map(attribute='unique_name') }}"
"""

RETURN = r"""
_raw:
  description:
    - The rooms, each with C(id), C(unique_name), C(max_participants), C(enable_recording), the webhook settings,
      C(active_session_id) when a session is going on, C(created_at), C(updated_at), C(record_type).
    - With O(fields), each has only those keys (and C(sessions) with O(include_sessions)).
  type: list
  elements: dict
"""

from ansible_collections.commsops.sessions.plugins.module_utils.fields import check_fields, projected
from ansible_collections.commsops.sessions.plugins.module_utils.options import telnyx_client
from ansible_collections.commsops.sessions.plugins.module_utils.room_plans import (
    ROOM_FIELDS, RoomSelection, each_selected_room, kept_fields)
from ansible_collections.commsops.sessions.plugins.plugin_utils.lookup import SessionsLookupBase

FILTERS = ("unique_name", "created_at", "updated_at")


class LookupModule(SessionsLookupBase):
    def run(self, terms, variables=None, **kwargs):
        def fetch(client):
            selection = RoomSelection(**dict((f, self.get_option(f)) for f in FILTERS))
            fields = check_fields(self.get_option("fields"), ROOM_FIELDS)
            include = self.get_option("include_sessions")
            return list(projected(each_selected_room(client, selection, include), kept_fields(fields, include)))

        return self.run_with(terms, variables, kwargs, telnyx_client, fetch)
