#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: proxy_service_info
short_description: List Twilio Proxy services, or fetch one
version_added: 0.3.0
description:
  - Returns one service by O(sid) or O(unique_name), or every service of the account (all pages, 1000 a page).
  - A service found by O(unique_name) has exactly that unique name; none found is an empty list, not an error.
author:
  - commsops maintainers (@commsops)
extends_documentation_fragment:
  - commsops.sessions.twilio
  - commsops.sessions.http_options
  - commsops.sessions.attributes
  - commsops.sessions.attributes.info_module
  - commsops.sessions.attributes.actiongroup_twilio
options:
  sid:
    description: One service by SID (C(KS) followed by 32 hexadecimal digits).
    type: str
  unique_name:
    description: One service by unique name.
    type: str
"""

EXAMPLES = r"""
- name: Every Proxy service of the account
  commsops.sessions.proxy_service_info:
  register: all_services

- name: One service by name, for its SID
  commsops.sessions.proxy_service_info:
    unique_name: support
  register: support

- name: Its open sessions
  commsops.sessions.proxy_session_info:
    service_sid: "{{ support.proxy_services[0].sid }}"
    status: [open]
  when: support.proxy_services | length > 0
"""

RETURN = r"""
proxy_services:
  description:
    - The services as the API describes them (see RV(commsops.sessions.proxy_service#module:service) for the fields).
    - With O(sid) or O(unique_name), the one service, or an empty list when there is none.
  returned: always
  type: list
  elements: dict
  sample:
    - sid: KS0123456789abcdef0123456789abcdef
      unique_name: support
      default_ttl: 3600
      geo_match_level: country
      number_selection_behavior: prefer-sticky
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.commsops.sessions.plugins.module_utils.module_glue import module_client, reported_errors
from ansible_collections.commsops.sessions.plugins.module_utils.options import twilio_argument_spec, twilio_client
from ansible_collections.commsops.sessions.plugins.module_utils.validation import check_sid, check_unique_name


def main():
    module = AnsibleModule(
        argument_spec=twilio_argument_spec(
            sid=dict(type="str"),
            unique_name=dict(type="str"),
        ),
        mutually_exclusive=[("sid", "unique_name")],
        supports_check_mode=True,
    )
    params = module.params
    with reported_errors(module):
        sid = check_sid(params["sid"], "KS", "sid") if params["sid"] is not None else None
        unique_name = check_unique_name(params["unique_name"]) if params["unique_name"] is not None else None
        client = module_client(module, twilio_client)
        if sid or unique_name is not None:
            found = client.find_service(sid=sid, unique_name=unique_name)
            services = [found] if found else []
        else:
            services = client.list_services()
        module.exit_json(changed=False, proxy_services=services)


if __name__ == "__main__":
    main()
