#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: proxy_service
short_description: Declare one Twilio Proxy service
version_added: 0.3.0
description:
  - Creates a Proxy service, converges an existing one (default TTL, callback URLs, geo matching, number selection,
    chat instance) or deletes it.
  - The service is found by O(unique_name), or by O(sid). A service found by O(unique_name) always has exactly that
    unique name (the account's services are listed and matched exactly). Given both, O(sid) finds the service and
    O(unique_name) renames it; they must not name two different services.
  - Only the options you give are managed; the others keep their values. The API document offers no way to remove
    a callback URL or O(chat_instance_sid) once set, so an empty string is refused before any request; point the
    option at another value instead.
  - Converges when the world moves under it. When two runs create the same O(unique_name) at once, the one that
    loses converges on the service the other made. When the API gives up after an attempt that may have been
    applied, the service is read again; if it is as declared the task succeeds, otherwise it fails saying the
    change may have been applied and a rerun converges.
notes:
  - Deleting a service deletes its sessions and releases its phone numbers from its pool (the numbers stay in the
    account).
  - Twilio no longer lets new accounts create Proxy services; accounts that use Proxy can.
author:
  - commsops maintainers (@commsops)
extends_documentation_fragment:
  - commsops.sessions.twilio
  - commsops.sessions.http_options
  - commsops.sessions.attributes
  - commsops.sessions.attributes.actiongroup_twilio
attributes:
  check_mode:
    support: full
    details:
      - Reads the service and reports what would change; sends no create, update or delete.
  diff_mode:
    support: full
    details:
      - Shows the service's unique name and fields (not its SID) before and after. For a create, the fields you do
        not set show the values the API gives them (default_ttl 0, geo_match_level V(country),
        number_selection_behavior V(prefer-sticky)), so check mode shows the same C(after) as the real run.
  idempotent:
    support: full
    details:
      - A second run with the same options reports no change.
options:
  unique_name:
    description:
      - The service's unique name in the account, at most 191 characters. Finds the service, and is set when it is
        created. Do not put personal data in it.
    type: str
  sid:
    description:
      - The service's SID (C(KS) followed by 32 hexadecimal digits). A service cannot be created with a chosen SID.
    type: str
  state:
    description:
      - V(present) creates or converges the service; V(absent) deletes it. Already absent is no change.
    type: str
    choices: [present, absent]
    default: present
  default_ttl:
    description:
      - Seconds a session of this service lives after its last interaction, unless the session sets its own; 0
        means no limit.
      - A whole number, in ASCII digits when given as text.
    type: raw
  callback_url:
    description: The URL the service calls when an interaction's status changes, an http or https URL.
    type: str
  intercept_callback_url:
    description: The URL the service calls before each interaction (an answer 403 blocks it), an http or https URL.
    type: str
  out_of_session_callback_url:
    description:
      - The URL the service calls for a call or message to a closed or missing session, an http or https URL.
    type: str
  geo_match_level:
    description: How close to a participant a proxy number must be.
    type: str
    choices: [area-code, overlay, radius, country]
  number_selection_behavior:
    description: Whether a participant keeps the proxy number of earlier sessions (V(prefer-sticky)) or avoids it.
    type: str
    choices: [avoid-sticky, prefer-sticky]
  chat_instance_sid:
    description:
      - The chat service instance this service forwards messages to (C(IS) followed by 32 hexadecimal digits).
    type: str
"""

EXAMPLES = r"""
- name: The service the support sessions live in
  commsops.sessions.proxy_service:
    unique_name: support
    default_ttl: 3600
    callback_url: https://hooks.example.com/proxy/status
    out_of_session_callback_url: https://hooks.example.com/proxy/out-of-session
    geo_match_level: country
    number_selection_behavior: prefer-sticky
  register: support

- name: Its sessions by the service's SID
  commsops.sessions.proxy_session_info:
    service_sid: "{{ support.service.sid }}"

- name: Send its interceptions to another endpoint
  commsops.sessions.proxy_service:
    unique_name: support
    intercept_callback_url: https://hooks.example.com/proxy/intercept-v2

- name: Delete it, its sessions with it
  commsops.sessions.proxy_service:
    unique_name: support
    state: absent
"""

RETURN = r"""
service:
  description: The service as the API describes it; null when absent, and in check mode when it would be created.
  returned: always
  type: dict
  contains:
    sid:
      description: The service's SID.
      type: str
      sample: KS0123456789abcdef0123456789abcdef
    account_sid:
      description: The account.
      type: str
    unique_name:
      description: The unique name.
      type: str
      sample: support
    default_ttl:
      description: Seconds a session lives after its last interaction, unless it sets its own; 0 means no limit.
      type: int
      sample: 3600
    callback_url:
      description: Called when an interaction's status changes.
      type: str
    intercept_callback_url:
      description: Called before each interaction.
      type: str
    out_of_session_callback_url:
      description: Called for a call or message to a closed or missing session.
      type: str
    geo_match_level:
      description: V(area-code), V(overlay), V(radius) or V(country).
      type: str
      sample: country
    number_selection_behavior:
      description: V(prefer-sticky) or V(avoid-sticky).
      type: str
      sample: prefer-sticky
    chat_instance_sid:
      description: The chat service instance, or null.
      type: str
    date_created:
      description: When it was created.
      type: str
    date_updated:
      description: When it last changed.
      type: str
    url:
      description: The service's API URL.
      type: str
    links:
      description: URLs of its sessions and phone numbers.
      type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.commsops.sessions.plugins.module_utils.module_glue import module_client, reported_errors
from ansible_collections.commsops.sessions.plugins.module_utils.options import twilio_argument_spec, twilio_client
from ansible_collections.commsops.sessions.plugins.module_utils.proxy_service_plans import (
    apply_service_plan, declared_service, diff_view, expected_after, plan_service, read_service)


def main():
    module = AnsibleModule(
        argument_spec=twilio_argument_spec(
            unique_name=dict(type="str"),
            sid=dict(type="str"),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            default_ttl=dict(type="raw"),
            callback_url=dict(type="str"),
            intercept_callback_url=dict(type="str"),
            out_of_session_callback_url=dict(type="str"),
            geo_match_level=dict(type="str", choices=["area-code", "overlay", "radius", "country"]),
            number_selection_behavior=dict(type="str", choices=["avoid-sticky", "prefer-sticky"]),
            chat_instance_sid=dict(type="str"),
        ),
        required_one_of=[("unique_name", "sid")],
        supports_check_mode=True,
    )
    with reported_errors(module):
        declared = declared_service(module.params)
        client = module_client(module, twilio_client)
        current = read_service(client, declared)
        plan = plan_service(current, declared)
        changed = plan["action"] != "none"
        after = expected_after(current, plan) if changed else current
        if changed and not module.check_mode:
            after, changed = apply_service_plan(client, declared, current, plan)
        module.exit_json(changed=changed, service=after if after and "sid" in after else None,
                         diff=dict(before=diff_view(current), after=diff_view(after)))


if __name__ == "__main__":
    main()
