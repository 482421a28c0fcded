# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Run one function over many items with bounded concurrency: PRIVATE to commsops.sessions.

It knows no vendor. Joint back-off on 429 lives in the HTTP layer (all workers share one
client), so here a worker only says what happened to its item.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.commsops.sessions.plugins.module_utils.http_layer import ApiError

MIN_CONCURRENCY = 1
MAX_CONCURRENCY = 32


def bounded_concurrency(value):
    return max(MIN_CONCURRENCY, min(MAX_CONCURRENCY, int(value)))


def run_bulk(items, worker, concurrency=8):
    """Call worker(item) for every item; return one outcome dict per item, in input order.

    worker returns a dict (at least 'changed'); an ApiError it raises becomes
    {'changed': False, 'failed': True, 'error': ...}. Other exceptions are bugs and propagate.
    """
    items = list(items)
    if not items:
        return []

    def guarded(item):
        try:
            outcome = worker(item)
        except ApiError as exc:
            return dict(changed=False, failed=True, error=str(exc), error_code=exc.code, status=exc.status)
        outcome.setdefault("failed", False)
        return outcome

    workers = min(bounded_concurrency(concurrency), len(items))
    if workers == 1:
        return [guarded(item) for item in items]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(guarded, items))


def summarize(results, key):
    """Counts and a message naming the failures, for a bulk module's return value."""
    failed = [r for r in results if r.get("failed")]
    counts = dict(
        total=len(results),
        changed=sum(1 for r in results if r.get("changed")),
        skipped=sum(1 for r in results if r.get("skipped")),
        failed=len(failed),
    )
    message = None
    if failed:
        names = ", ".join(str(r.get(key)) for r in failed[:20])
        more = " and %d more" % (len(failed) - 20) if len(failed) > 20 else ""
        message = "%d of %d sessions failed (%s%s); the others were handled: see results" % (
            len(failed), len(results), names, more)
    return counts, message


def finish_bulk(module, results, key, max_sessions, carry_out):
    """How every bulk module ends: the safety limit, the action unless in check mode, counts,
    and a failed task (with every result) when some sessions failed."""
    planned = sum(1 for r in results if r["changed"])
    if max_sessions is not None and planned > max_sessions:
        counts, _message = summarize(results, key)
        module.fail_json(msg="%d sessions match, more than max_sessions (%d): nothing was changed" % (planned, max_sessions),
                         results=results, counts=counts)
    if not module.check_mode:
        results = carry_out(results)
    counts, failures = summarize(results, key)
    if failures:
        module.fail_json(msg=failures, changed=counts["changed"] > 0, results=results, counts=counts)
    module.exit_json(changed=counts["changed"] > 0, results=results, counts=counts)
