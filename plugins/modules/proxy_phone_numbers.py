#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: proxy_phone_numbers
short_description: Declare the phone number pool of a Twilio Proxy service
version_added: 0.3.0
description:
  - Adds phone numbers of the account to a Proxy service's pool, sets whether each is reserved, and removes
    numbers from the pool, for a pool of hundreds of numbers in one task.
  - The pool is read once. Each number then gets a plan (add, update of C(is_reserved), remove, or nothing), and
    the planned changes are sent in parallel over one keep-alive connection pool, as many at once as
    O(concurrency) allows. When the API answers 429, every worker waits, so a large pool slows down instead of
    failing.
  - When some numbers fail (for example a number the account does not own, which the API refuses), the others are
    still done, and the task fails with a message that counts and names the failures; RV(results) says what
    happened to each number.
  - An add is sent again after an answer that was lost only once the number is not found in the pool, so it is
    never added twice. When the API gives up after an attempt that may have reached it, the number is read once;
    when that read cannot tell, the number is reported V(unknown), never plainly failed or done.
  - Bad entries (neither an E.164 number nor a C(PN...) SID, unknown keys, or the same number listed twice) are
    refused before any request, naming the entry. A SID and a number that turn out to be the same pool number are
    refused after the pool is read, before any change.
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
      - Reads the pool and reports what would be done; sends no add, update or remove.
  diff_mode:
    support: full
    details:
      - Shows the pool's numbers before and after, sorted, each reserved one followed by C((reserved)). A number
        added by SID shows its SID until the API has answered with its number (so in check mode).
  idempotent:
    support: full
    details:
      - A number in the pool as declared is no change; removing a number that is not in the pool is no change.
options:
  service_sid:
    description:
      - The Proxy service, by its SID (C(KS) followed by 32 hexadecimal digits) or its unique name.
      - A unique name is looked up once, in the listing of the services, before the pool is read.
    type: str
    required: true
  numbers:
    description:
      - The numbers, each either a string or a dictionary.
      - A string is a phone number in E.164 form (C(+15550100001); spaces, dashes, dots and brackets are dropped) or
        the SID of one of the account's phone numbers (C(PN) followed by 32 hexadecimal digits).
      - A dictionary has one of the keys C(sid) (the SID) and C(phone_number) (the E.164 number), and may have
        C(is_reserved) (true or false). A reserved number is never given to a participant by the pool's own
        choice. Without C(is_reserved), an added number takes the API's default (not reserved) and a number already
        in the pool keeps its setting.
      - Each number may be listed once. An empty list with O(purge=true) empties the pool.
    type: list
    elements: raw
    default: []
  purge:
    description:
      - With O(state=present), also remove every number of the pool that O(numbers) does not list.
      - Has no meaning with O(state=absent), where it is refused.
    type: bool
    default: false
  state:
    description:
      - V(present) adds the listed numbers that are not in the pool and sets their C(is_reserved) where given.
      - V(absent) removes the listed numbers from the pool (the numbers stay in the account). C(is_reserved) is
        refused with it.
    type: str
    choices: [present, absent]
    default: present
  results:
    description:
      - Which numbers RV(results) lists. V(all) lists every number; V(changes) lists only those changed (or to be
        changed in check mode), failed or unknown; V(none) returns only RV(counts).
    type: str
    choices: [all, changes, none]
    default: all
"""

EXAMPLES = r"""
- name: Declare a pool of three numbers, one of them reserved, and remove any other
  commsops.sessions.proxy_phone_numbers:
    service_sid: KS00000000000000000000000000000001
    numbers:
      - "+15550100001"
      - phone_number: "+1 555 010 0002"
        is_reserved: true
      - sid: PN00000000000000000000015550100003
    purge: true

- name: Take two numbers out of the pool
  commsops.sessions.proxy_phone_numbers:
    service_sid: KS00000000000000000000000000000001
    numbers: ["+15550100001", "+15550100002"]
    state: absent
"""

RETURN = r"""
results:
  description: One entry per number, the listed ones first, in their order, then those O(purge) removes.
  returned: always
  type: list
  elements: dict
  contains:
    number:
      description: The phone number (E.164), when known (a number added by SID in check mode has none yet).
      type: str
      sample: "+15550100001"
    sid:
      description: Its SID (C(PN...)), when known (a number added by phone number in check mode has none yet).
      type: str
    service_sid:
      description: The service.
      type: str
    is_reserved:
      description: Whether the number is (or, once added or updated, will be) reserved; for a removal, its setting
        before. None when not known.
      type: bool
    action:
      description: What the plan was for this number.
      type: str
      choices: [add, update, remove, none]
    outcome:
      description:
        - What happened to this number. V(changed) it was done; V(would_change) it would be done, but the task ran in
          check mode; V(skipped) there was nothing to do; V(failed) it was not done; V(unknown) an attempt may have
          been applied but reading the number back could not tell (or an unexpected error came while acting), and a
          rerun converges.
        - Entries carry no C(skipped) key, so that a task with nothing to do reads as ran, not as skipped.
      type: str
      choices: [changed, would_change, skipped, failed, unknown]
    changed:
      description: Whether the action was done. Always V(false) in check mode.
      type: bool
    failed:
      description: Whether the action failed for this number (not done; V(unknown) outcomes are not failed).
      type: bool
    reason:
      description: What was done or would be done, or why nothing was.
      type: str
      sample: added to the pool
    error:
      description: The error, with the vendor's code.
      type: str
      returned: when failed or unknown
    error_code:
      description: The vendor's error code, when the API gave one.
      type: str
      returned: when failed or unknown
    status:
      description: The HTTP status of the error, when there was one.
      type: int
      returned: when failed or unknown
counts:
  description:
    - Numbers handled (C(total)), C(changed) (done), C(would_change) (would be done; check mode), C(skipped),
      C(failed) and C(unknown) (may have been applied; rerun to converge).
  returned: always
  type: dict
  sample: {"total": 3, "changed": 2, "would_change": 0, "skipped": 1, "failed": 0, "unknown": 0}
concurrency:
  description:
    - How many requests were in flight at once. In V(auto) mode, where it settled (C(settled)) and its highest
      point (C(peak)); C(max) is its bound. At C(-vv) and above, C(trace) lists [seconds, limit] pairs over the run.
  returned: always
  type: dict
  sample: {"mode": "auto", "settled": 19, "peak": 24, "max": 64}
check_mode:
  description: Whether the task ran in check mode, so that nothing was changed.
  returned: always
  type: bool
  sample: false
diff:
  description: The pool's numbers before and after (see the diff_mode attribute).
  returned: always
  type: dict
  contains:
    before:
      description: The numbers in the pool before the task.
      type: list
      elements: str
    after:
      description: The numbers in the pool after the task (in check mode, after the planned changes).
      type: list
      elements: str
  sample: {"before": ["+15550100001"], "after": ["+15550100001", "+15550100002 (reserved)"]}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.commsops.sessions.plugins.module_utils.module_glue import RESULTS_KEPT, module_client, reported_errors
from ansible_collections.commsops.sessions.plugins.module_utils.options import twilio_argument_spec, twilio_client
from ansible_collections.commsops.sessions.plugins.module_utils.proxy_number_plans import (
    apply_pool_plan, declared_pool, diff_view, plan_pool, pool_after, pool_summary, read_pool)
from ansible_collections.commsops.sessions.plugins.module_utils.proxy_service_ref import service_sid_of


def main():
    module = AnsibleModule(
        argument_spec=twilio_argument_spec(
            service_sid=dict(type="str", required=True),
            numbers=dict(type="list", elements="raw", default=[]),
            purge=dict(type="bool", default=False),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            results=dict(type="str", default="all", choices=["all", "changes", "none"]),
        ),
        supports_check_mode=True,
    )
    with reported_errors(module):
        declared = declared_pool(module.params)
        client = module_client(module, twilio_client)
        declared["service_sid"] = service_sid_of(client, declared["service_sid"], "service_sid")
        pool = read_pool(client, declared["service_sid"])
        plans = plan_pool(pool, declared)
        done = ("would_change",) if module.check_mode else ("changed",)
        if not module.check_mode:
            plans = apply_pool_plan(client, plans)
        counts, problems = pool_summary(plans)
        kept = RESULTS_KEPT[module.params["results"]]
        ending = dict(changed=counts[done[0]] > 0, results=[r for r in plans if r["outcome"] in kept], counts=counts,
                      concurrency=client.http.concurrency_report(with_trace=module._verbosity >= 2),
                      check_mode=module.check_mode,
                      diff=dict(before=diff_view(pool_after(pool, [], done)), after=diff_view(pool_after(pool, plans, done))))
        if problems:
            module.fail_json(msg=problems, **ending)
        module.exit_json(**ending)


if __name__ == "__main__":
    main()
