#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: proxy_session_info
short_description: List Twilio Proxy sessions, or fetch one
version_added: 0.1.0
description:
  - Returns one session by O(sid) or O(unique_name), or every session of the service (all pages, 1000 a page)
    matching the filters.
  - The filters (O(status), O(date_created), O(date_updated), O(date_last_interaction), O(date_expiry),
    O(last_activity)) cannot be used with O(sid) or O(unique_name).
author:
  - commsops maintainers (@commsops)
extends_documentation_fragment:
  - commsops.sessions.twilio
  - commsops.sessions.http_options
  - commsops.sessions.proxy_session_filters
  - commsops.sessions.fields
  - commsops.sessions.attributes
  - commsops.sessions.attributes.info_module
  - commsops.sessions.attributes.actiongroup_twilio
options:
  service_sid:
    description:
      - The Proxy service, by its SID (C(KS) followed by 32 hexadecimal digits) or by its unique name. A value
        that starts with C(KS) is read as a SID.
      - A SID is used as given. A unique name is looked up once per task, in one listing of the account's services,
        before any session is read; a name that no service has fails the task, naming it.
    type: str
    required: true
  sid:
    description: One session by SID. The filters cannot be used with it.
    type: str
  unique_name:
    description: One session by unique name. The filters cannot be used with it.
    type: str
  status:
    # Description, type and elements come from the proxy_session_filters fragment; only the module checks choices.
    choices: [open, in-progress, closed, failed, unknown]
"""

EXAMPLES = r"""
- name: Sessions still open or in progress
  commsops.sessions.proxy_session_info:
    service_sid: KS00000000000000000000000000000001
    status: [open, in-progress]
  register: live

- name: Sessions without an interaction for a day
  commsops.sessions.proxy_session_info:
    service_sid: KS00000000000000000000000000000001
    last_activity:
      lte: now-1d

- name: One session, with its participants
  commsops.sessions.proxy_session_info:
    service_sid: KS00000000000000000000000000000001
    unique_name: order-1234
    include_participants: true

- name: "100,000 sessions: only what the play reads, so little comes back"
  commsops.sessions.proxy_session_info:
    service_sid: KS00000000000000000000000000000001
    status: [open, in-progress]
    fields: [sid, unique_name, status, date_last_interaction]
  register: slim
"""

RETURN = r"""
proxy_sessions:
  description:
    - The sessions as the API describes them (see RV(commsops.sessions.proxy_session#module:session) for the fields).
    - With O(include_participants), each has C(participants) as a list.
    - With O(fields), each has only those keys (and C(participants) with O(include_participants)).
  returned: always
  type: list
  elements: dict
  sample:
    - sid: KC0123456789abcdef0123456789abcdef
      unique_name: order-1234
      status: open
      ttl: 3600
      mode: message-only
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.commsops.sessions.plugins.module_utils.fields import TWILIO_SESSION_FIELDS, check_fields, projected
from ansible_collections.commsops.sessions.plugins.module_utils.module_glue import module_client, reported_errors
from ansible_collections.commsops.sessions.plugins.module_utils.options import twilio_argument_spec, twilio_client
from ansible_collections.commsops.sessions.plugins.module_utils.proxy_service_ref import service_sid_of
from ansible_collections.commsops.sessions.plugins.module_utils.proxy_session_plans import session_keys
from ansible_collections.commsops.sessions.plugins.module_utils.proxy_session_select import WINDOWS, Selection, each_selected, with_participants

FILTERS = ("status",) + WINDOWS


def main():
    module = AnsibleModule(
        argument_spec=twilio_argument_spec(
            service_sid=dict(type="str", required=True),
            sid=dict(type="str"),
            unique_name=dict(type="str"),
            status=dict(type="list", elements="str", choices=["open", "in-progress", "closed", "failed", "unknown"]),
            date_created=dict(type="dict"),
            date_updated=dict(type="dict"),
            date_last_interaction=dict(type="dict"),
            date_expiry=dict(type="dict"),
            last_activity=dict(type="dict"),
            include_participants=dict(type="bool", default=False),
            fields=dict(type="list", elements="str"),
        ),
        mutually_exclusive=[("sid", "unique_name")] + [(one, f) for one in ("sid", "unique_name") for f in FILTERS],
        supports_check_mode=True,
    )
    params = module.params
    with reported_errors(module):
        service_sid, sid, unique_name = session_keys(params)
        selection = Selection(dict((f, params[f]) for f in FILTERS))
        fields = check_fields(params["fields"], TWILIO_SESSION_FIELDS)
        client = module_client(module, twilio_client)
        service_sid = service_sid_of(client, service_sid, "service_sid")
        if sid or unique_name:
            found = client.find_session(service_sid, sid=sid, unique_name=unique_name)
            sessions = [found] if found else []
        else:
            sessions = each_selected(client, [service_sid], selection)
        if params["include_participants"]:
            sessions = with_participants(client, sessions)
        sessions = list(projected(sessions, fields, params["include_participants"]))
        module.exit_json(changed=False, proxy_sessions=sessions)


if __name__ == "__main__":
    main()
