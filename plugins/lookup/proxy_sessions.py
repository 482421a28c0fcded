# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: proxy_sessions
short_description: Twilio Proxy sessions, for loops and templates
version_added: 0.1.0
description:
  - Returns every session of a Proxy service matching the filters, all pages gathered, as a list of dictionaries
    with the API's field names (see M(commsops.sessions.proxy_session_info)).
  - Use C(query()) (or C(lookup(..., wantlist=true))) so the result stays a list.
  - Takes keyword arguments only. The connection options also come from variables or the environment.
  - An unknown keyword argument is an error, and so is a boolean other than V(true), V(false), V(yes), V(no), V(on),
    V(off), V(1) or V(0) (variables that set options may hold templates, such as a vaulted key, and are templated as module arguments are).
author:
  - commsops maintainers (@commsops)
extends_documentation_fragment:
  - commsops.sessions.twilio
  - commsops.sessions.http_options
  - commsops.sessions.twilio.plugins
  - commsops.sessions.proxy_session_filters
  - commsops.sessions.fields
options:
  service_sid:
    description:
      - The Proxy service, by its SID (C(KS) followed by 32 hexadecimal digits) or by its unique name. A value
        that starts with C(KS) is read as a SID.
      - A SID is used as given. A unique name is looked up once per call, in one listing of the account's services;
        a name that no service has is an error that names it.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Open and in-progress sessions
  ansible.builtin.debug:
    msg: "{{ query('commsops.sessions.proxy_sessions', service_sid='KS00000000000000000000000000000001', status=['open', 'in-progress']) | length }}"

- name: Unique names of sessions idle for a week
  ansible.builtin.debug:
    msg: >-
      {{ query('commsops.sessions.proxy_sessions', service_sid='KS00000000000000000000000000000001',
               last_activity={'lte': 'now-7d'}) | map(attribute='unique_name') }}

- name: Only the fields the template reads (100,000 sessions then fit in memory)
  ansible.builtin.debug:
    msg: >-
      {{ query('commsops.sessions.proxy_sessions', service_sid='KS00000000000000000000000000000001',
               fields=['sid', 'unique_name', 'status']) | map(attribute='unique_name') }}

- name: The service by its unique name instead of its SID
  ansible.builtin.debug:
    msg: "{{ query('commsops.sessions.proxy_sessions', service_sid='support', status=['open']) | length }}"
"""

RETURN = r"""
_raw:
  description:
    - The sessions, each with C(sid), C(unique_name), C(status), C(ttl), C(mode), the C(date_*) fields and more.
    - With O(fields), each has only those keys (and C(participants) with O(include_participants)).
  type: list
  elements: dict
"""

from ansible_collections.commsops.sessions.plugins.module_utils.fields import TWILIO_SESSION_FIELDS, check_fields, projected
from ansible_collections.commsops.sessions.plugins.module_utils.options import twilio_client
from ansible_collections.commsops.sessions.plugins.module_utils.proxy_service_ref import check_service_ref, service_sid_of
from ansible_collections.commsops.sessions.plugins.module_utils.proxy_session_select import WINDOWS, Selection, each_selected, with_participants
from ansible_collections.commsops.sessions.plugins.plugin_utils.lookup import SessionsLookupBase


class LookupModule(SessionsLookupBase):
    def run(self, terms, variables=None, **kwargs):
        def fetch(client):
            service = check_service_ref(self.get_option("service_sid"), "service_sid")
            selection = Selection(dict((f, self.get_option(f)) for f in ("status",) + WINDOWS))
            fields = check_fields(self.get_option("fields"), TWILIO_SESSION_FIELDS)
            include = self.get_option("include_participants")
            service_sid = service_sid_of(client, service, "service_sid")  # after every check: bad input sends nothing
            sessions = each_selected(client, [service_sid], selection)
            if include:
                sessions = with_participants(client, sessions)
            return list(projected(sessions, fields, include))

        return self.run_with(terms, variables, kwargs, twilio_client, fetch)
