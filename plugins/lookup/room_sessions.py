# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: room_sessions
short_description: Telnyx Video room sessions, for loops and templates
version_added: 0.1.0
description:
  - Returns every room session matching the filters, all pages gathered, as a list of dictionaries with the API's
    field names (see M(commsops.sessions.room_session_info)).
  - Use C(query()) (or C(lookup(..., wantlist=true))) so the result stays a list.
  - Takes keyword arguments only. The connection options also come from variables or the environment.
  - An unknown keyword argument is an error, and so is a boolean other than V(true), V(false), V(yes), V(no), V(on),
    V(off), V(1) or V(0) (variables that set options may hold templates, such as a vaulted key, and are templated as module arguments are).
author:
  - commsops maintainers (@commsops)
extends_documentation_fragment:
  - commsops.sessions.telnyx
  - commsops.sessions.http_options
  - commsops.sessions.telnyx.plugins
  - commsops.sessions.room_session_filters
  - commsops.sessions.fields
options: {}
"""

EXAMPLES = r"""
- name: Count the live sessions
  ansible.builtin.debug:
    msg: "{{ query('commsops.sessions.room_sessions', active=true) | length }} live sessions"

- name: Rooms with a session older than four hours
  ansible.builtin.debug:
    msg: "{{ query('commsops.sessions.room_sessions', active=true, created_at={'lte': 'now-4h'}) | map(attribute='room_id') | unique }}"

- name: Only the fields the template reads
  ansible.builtin.debug:
    msg: "{{ query('commsops.sessions.room_sessions', active=true, fields=['id', 'created_at']) }}"
"""

RETURN = r"""
_raw:
  description:
    - The sessions, each with C(id), C(room_id), C(active), C(created_at), C(updated_at), C(ended_at), C(record_type).
    - With O(fields), each has only those keys (and C(participants) with O(include_participants)).
  type: list
  elements: dict
"""

from ansible_collections.commsops.sessions.plugins.module_utils.fields import TELNYX_SESSION_FIELDS, check_fields, projected
from ansible_collections.commsops.sessions.plugins.module_utils.options import telnyx_client
from ansible_collections.commsops.sessions.plugins.module_utils.room_session_plans import Selection, each_selected
from ansible_collections.commsops.sessions.plugins.plugin_utils.lookup import SessionsLookupBase

FILTERS = ("room_id", "active", "created_at", "updated_at", "ended_at")


class LookupModule(SessionsLookupBase):
    def run(self, terms, variables=None, **kwargs):
        def fetch(client):
            selection = Selection(dict((f, self.get_option(f)) for f in FILTERS))
            fields = check_fields(self.get_option("fields"), TELNYX_SESSION_FIELDS)
            include = self.get_option("include_participants")
            return list(projected(each_selected(client, selection, include), fields, include))

        return self.run_with(terms, variables, kwargs, telnyx_client, fetch)
