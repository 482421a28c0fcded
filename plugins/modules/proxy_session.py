#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: proxy_session
short_description: Declare one Twilio Proxy session
version_added: 0.1.0
description:
  - Creates a Proxy session, converges an existing one (TTL, expiry, status, participants) or deletes it.
  - The session is found by O(sid) or O(unique_name). Without either, O(state=present) creates a new session on
    every run, which is not idempotent; give a O(unique_name) to make it so. O(state=absent) needs one of them.
  - A session found by O(unique_name) always has exactly that unique name. The API reads a key shaped like a session
    SID (C(KC) and 32 hexadecimal digits) as a SID first, so such a name is looked up in the service's list of
    sessions instead; a session of another name is never updated or deleted in its place.
  - O(mode) and O(unique_name) cannot change on an existing session. Asking for a different one fails and says how
    to proceed; the module never deletes a session by itself.
  - A session has at most two participants; asking for more fails before any request.
  - Converges when the world moves under it. When two runs create the same O(unique_name) at once, the one that
    loses converges on the session the other made. A close that meets a session already closed (code 80607) reads
    the session and reports no change unless our own request closed it. When the API gives up after an attempt that
    may have been applied, the session is read again; if it is as declared the task succeeds, otherwise it fails
    saying the change may have been applied and a rerun converges.
notes:
  - Participants cannot be updated through the API. A declared O(participants[].friendly_name) that differs from the
    stored one gives a warning, not a change.
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
      - Reads the session and reports what would change; sends no create, update or delete.
  diff_mode:
    support: full
    details:
      - Shows the session's fields (not its SID) and its participants' identifiers before and after. For a create,
        the fields you do not set show the values the API gives them (status V(open), ttl 0, mode
        V(voice-and-message)), so check mode shows the same C(after) as the real run.
  idempotent:
    support: partial
    details:
      - Idempotent when the session is found by O(sid) or O(unique_name). Without either, each run creates a session.
options:
  service_sid:
    description:
      - The Proxy service, by its SID (C(KS) followed by 32 hexadecimal digits) or by its unique name. A value
        that starts with C(KS) is read as a SID.
      - A SID is used as given. A unique name is looked up once per task, in one listing of the account's services,
        before any session is read or changed; a name that no service has fails the task, naming it.
    type: str
    required: true
  sid:
    description: The session's SID (C(KC) followed by 32 hexadecimal digits).
    type: str
  unique_name:
    description:
      - The session's unique name within the service, at most 191 characters. Used to find the session, and set
        when it is created. Do not put personal data in it.
    type: str
  state:
    description:
      - V(present) creates or converges the session; V(absent) deletes it. Already absent, whether found by O(sid) or
        O(unique_name), or deleted by someone else meanwhile, is no change.
    type: str
    choices: [present, absent]
    default: present
  status:
    description:
      - V(closed) closes the session. V(open) or V(in-progress) keeps it open, and re-opens a closed one (the API
        re-opens with V(in-progress)). Open and in progress both mean "not closed" here, since interactions move a
        session from one to the other.
    type: str
    choices: [open, in-progress, closed]
  ttl:
    description:
      - Seconds the session lives after its last interaction (or its creation); 0 means no limit.
      - A whole number, in ASCII digits when given as text.
    type: raw
  date_expiry:
    description:
      - When the session expires, as an ISO 8601 timestamp in any zone; sent in UTC, and compared as an instant, so
        V(2026-12-31T01:00:00+01:00) and the server's C(2026-12-31T00:00:00.000+00:00) are no change.
      - A relative value such as C(now+1d) is accepted, but it is a new instant on every run, so every run reports a
        change. To keep a session alive for a while after its last interaction, and converge, use O(ttl) instead.
    type: str
  mode:
    description: What the session carries. Set when it is created; cannot change later.
    type: str
    choices: [message-only, voice-only, voice-and-message]
  participants:
    description:
      - The participants, matched by O(participants[].identifier). Missing ones are added; with
        O(purge_participants=true) the ones not listed are removed. At most two.
      - A phone number is compared and sent in one spelling (E.164), with or without a channel prefix such as
        C(whatsapp:), so V(+1 555-010-0001) and V(+15550100001) are the same participant. Other identifiers (for
        example V(messenger:123456)) are compared and sent exactly as written.
      - The API cannot change a participant, and one removed cannot be added to the session again. So a participant
        whose O(participants[].friendly_name) differs from the stored one is left as it is, and the task warns,
        naming the participant; even with O(purge_participants=true) it is not removed and re-added.
    type: list
    elements: dict
    suboptions:
      identifier:
        description:
          - The participant's phone number or channel address, for example V(+15558675310) or
            V(whatsapp:+15558675310). A phone number is sent in E.164 form (spaces, dashes, dots and parentheses
            removed).
        type: str
        required: true
      friendly_name:
        description: A name for the participant.
        type: str
      proxy_identifier:
        description: The proxy number or channel address to use for this participant.
        type: str
      proxy_identifier_sid:
        description: The SID (C(PN...)) of the proxy number to use.
        type: str
  purge_participants:
    description: Remove participants not listed in O(participants).
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: A session for an order, with its two participants
  commsops.sessions.proxy_session:
    service_sid: KS00000000000000000000000000000001
    unique_name: order-1234
    ttl: 3600
    mode: message-only
    participants:
      - identifier: "+15558675310"
        friendly_name: Customer
      - identifier: "+15558675311"
        friendly_name: Courier
  register: order

- name: Close it
  commsops.sessions.proxy_session:
    service_sid: KS00000000000000000000000000000001
    unique_name: order-1234
    status: closed

- name: Delete it
  commsops.sessions.proxy_session:
    service_sid: KS00000000000000000000000000000001
    unique_name: order-1234
    state: absent

- name: A Proxy service declared by its unique name
  commsops.sessions.proxy_service:
    unique_name: support
    default_ttl: 3600

- name: A session in it, the service given by that name (looked up once per task)
  commsops.sessions.proxy_session:
    service_sid: support
    unique_name: order-5678
    ttl: 600
"""

RETURN = r"""
session:
  description: The session as the API describes it, with C(participants) as a list; null when absent.
  returned: always
  type: dict
  contains:
    sid:
      description: The session's SID.
      type: str
      sample: KC0123456789abcdef0123456789abcdef
    service_sid:
      description: The Proxy service.
      type: str
    account_sid:
      description: The account.
      type: str
    unique_name:
      description: The unique name.
      type: str
      sample: order-1234
    status:
      description: V(open), V(in-progress), V(closed), V(failed) or V(unknown).
      type: str
      sample: open
    ttl:
      description: Seconds the session lives after its last interaction.
      type: int
      sample: 3600
    mode:
      description: What the session carries.
      type: str
      sample: message-only
    date_expiry:
      description: When the session expires (UTC).
      type: str
    date_created:
      description: When it was created.
      type: str
    date_updated:
      description: When it last changed.
      type: str
    date_started:
      description: When it started.
      type: str
    date_ended:
      description: When it was closed.
      type: str
    date_last_interaction:
      description: When the last message or call went through it.
      type: str
    closed_reason:
      description: Why it was closed.
      type: str
    url:
      description: The session's API URL.
      type: str
    links:
      description: URLs of its interactions and participants.
      type: dict
    participants:
      description: The participants (C(sid), C(identifier), C(friendly_name), C(proxy_identifier), ...).
      type: list
      elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.commsops.sessions.plugins.module_utils.module_glue import module_client, reported_errors
from ansible_collections.commsops.sessions.plugins.module_utils.options import twilio_argument_spec, twilio_client
from ansible_collections.commsops.sessions.plugins.module_utils.proxy_service_ref import service_sid_of
from ansible_collections.commsops.sessions.plugins.module_utils.proxy_session_plans import (
    apply_session_plan, declared_session, diff_view, expected_after, plan_session, read_session)

PARTICIPANT = dict(identifier=dict(type="str", required=True), friendly_name=dict(type="str"),
                   proxy_identifier=dict(type="str"), proxy_identifier_sid=dict(type="str"))


def main():
    module = AnsibleModule(
        argument_spec=twilio_argument_spec(
            service_sid=dict(type="str", required=True),
            sid=dict(type="str"),
            unique_name=dict(type="str"),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            status=dict(type="str", choices=["open", "in-progress", "closed"]),
            ttl=dict(type="raw"),
            date_expiry=dict(type="str"),
            mode=dict(type="str", choices=["message-only", "voice-only", "voice-and-message"]),
            participants=dict(type="list", elements="dict", options=PARTICIPANT),
            purge_participants=dict(type="bool", default=False),
        ),
        # absent without a key would find nothing and report "no change": refused before any request.
        required_if=[("state", "absent", ("sid", "unique_name"), True)],
        supports_check_mode=True,
    )
    with reported_errors(module):
        declared = declared_session(module.params)
        client = module_client(module, twilio_client)
        declared["service_sid"] = service_sid_of(client, declared["service_sid"], "service_sid")
        current, participants = read_session(client, declared)
        plan = plan_session(current, participants, declared)
        for warning in plan.get("warnings", []):
            module.warn(warning)
        changed = plan["action"] != "none"
        after, after_participants = expected_after(current, participants, plan) if changed else (current, participants)
        if changed and not module.check_mode:
            after, after_participants, changed = apply_session_plan(client, declared, current, plan)
        module.exit_json(changed=changed, session=dict(after, participants=after_participants) if after and "sid" in after else None,
                         diff=dict(before=diff_view(current, participants), after=diff_view(after, after_participants)))


if __name__ == "__main__":
    main()
