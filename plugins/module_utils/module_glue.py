# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Ansible-facing glue of every module: PRIVATE to commsops.sessions.

Everything that touches AnsibleModule lives here: a client from module params, expected failures
turned into fail_json, and how a bulk module ends. The layers below know no Ansible.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.commsops.sessions.plugins.module_utils.bulk import OUTCOMES, summarize
from ansible_collections.commsops.sessions.plugins.module_utils.api_error import ApiError
from ansible_collections.commsops.sessions.plugins.module_utils.http_layer import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.commsops.sessions.plugins.module_utils.validation import InvalidInput, check_max_sessions


def module_client(module, factory):
    """A client from the module's params (factory: options.telnyx_client or options.twilio_client)."""
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    return factory(module.params.get)


@contextlib.contextmanager
def reported_errors(module):
    """Turn expected failures into fail_json: bad input names the option, API errors carry the vendor's code."""
    try:
        yield
    except InvalidInput as exc:
        module.fail_json(msg=str(exc))
    except ApiError as exc:
        module.fail_json(msg=str(exc), api_error=exc.to_dict())


# Which outcomes the module option `results` keeps in the returned list.
RESULTS_KEPT = {"all": OUTCOMES, "changes": ("changed", "would_change", "failed", "unknown"), "none": ()}


def finish_bulk(module, client, results, key, carry_out):
    """How every bulk module ends: the safety limit (max_sessions), the action unless in check mode,
    counts, the concurrency the client settled on, and a failed task when some sessions failed or may
    have been applied. The `results` option says which entries are returned; counts always cover all.

    Plans come as "would_change" and only carry_out makes them "changed", so a run that the limit stopped,
    or check mode, never reads as done. The task's own `changed` follows Ansible: in check mode it says
    whether a real run would change something."""
    kept = RESULTS_KEPT[module.params.get("results") or "all"]
    max_sessions = check_max_sessions(module.params.get("max_sessions"))  # checked before any request, read here as a number
    planned = sum(1 for r in results if r["outcome"] == "would_change")
    if max_sessions is not None and planned > max_sessions:
        counts, _message = summarize(results, key)
        module.fail_json(msg="%d sessions match, more than max_sessions (%d): nothing was changed" % (planned, max_sessions),
                         results=[r for r in results if r["outcome"] in kept], counts=counts, stopped_by_limit=True,
                         check_mode=module.check_mode)
    if not module.check_mode:
        results = carry_out(results)
    counts, problems = summarize(results, key)
    ending = dict(changed=counts["would_change" if module.check_mode else "changed"] > 0,
                  results=[r for r in results if r["outcome"] in kept], counts=counts, stopped_by_limit=False,
                  concurrency=client.http.concurrency_report(with_trace=module._verbosity >= 2), check_mode=module.check_mode)
    if problems:
        module.fail_json(msg=problems, **ending)
    module.exit_json(**ending)
