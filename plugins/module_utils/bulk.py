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


# What happened to one item. "changed": done (or would be, in check mode); "skipped": nothing to do;
# "failed": not done; "unknown": an attempt may have been applied and reading back could not settle it.
OUTCOMES = ("changed", "skipped", "failed", "unknown")
UNKNOWN_REASON = "unknown: may have been applied; rerun to converge"


def with_outcome(entry, outcome, **fields):
    """entry marked with its outcome. Items never carry a 'skipped' key: Ansible reads a 'results' list
    whose items are all skipped as a skipped task, and a task that decided there was nothing to do ran."""
    entry = dict(entry, outcome=outcome, changed=outcome == "changed", failed=outcome == "failed", **fields)
    entry.pop("skipped", None)
    return entry


def failure(exc):
    """The fields of a failed or unknown outcome, from an ApiError."""
    return dict(error=str(exc), error_code=exc.code, status=exc.status)


def unique(items, key=None):
    """items without repeats, first occurrence kept (ids given twice are acted on once)."""
    seen, kept = set(), []
    for item in items:
        marker = key(item) if key else item
        if marker not in seen:
            seen.add(marker)
            kept.append(item)
    return kept


def run_bulk(items, worker, concurrency=8):
    """Call worker(item) for every item; return one outcome dict per item, in input order.

    worker returns a dict (at least 'outcome'); an ApiError it raises becomes a failed outcome.
    Other exceptions are bugs and propagate.
    """
    items = list(items)
    if not items:
        return []

    def guarded(item):
        try:
            return worker(item)
        except ApiError as exc:
            return with_outcome({}, "failed", **failure(exc))

    return parallel_map(guarded, items, concurrency)


def parallel_map(func, items, concurrency):
    """[func(item) for item in items], at most concurrency at a time, in input order; errors propagate."""
    items = list(items)
    workers = min(bounded_concurrency(concurrency), len(items))
    if workers <= 1:
        return [func(item) for item in items]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(func, items))


def summarize(results, key):
    """Counts and a message naming the failures and unknown outcomes, for a bulk module's return value."""
    counts = dict((name, sum(1 for r in results if r.get("outcome") == name)) for name in OUTCOMES)
    counts["total"] = len(results)
    problems = []
    for name, text in (("failed", "failed"), ("unknown", "may have been applied (rerun to converge)")):
        hit = [r for r in results if r.get("outcome") == name]
        if hit:
            names = ", ".join(str(r.get(key)) for r in hit[:20])
            more = " and %d more" % (len(hit) - 20) if len(hit) > 20 else ""
            problems.append("%d of %d sessions %s (%s%s)" % (len(hit), len(results), text, names, more))
    message = "; ".join(problems) + "; the others were handled: see results" if problems else None
    return counts, message


def finish_bulk(module, results, key, max_sessions, carry_out):
    """How every bulk module ends: the safety limit, the action unless in check mode, counts,
    and a failed task (with every result) when some sessions failed or may have been applied."""
    planned = sum(1 for r in results if r["outcome"] == "changed")
    if max_sessions is not None and planned > max_sessions:
        counts, _message = summarize(results, key)
        module.fail_json(msg="%d sessions match, more than max_sessions (%d): nothing was changed" % (planned, max_sessions),
                         results=results, counts=counts)
    if not module.check_mode:
        results = carry_out(results)
    counts, problems = summarize(results, key)
    if problems:
        module.fail_json(msg=problems, changed=counts["changed"] > 0, results=results, counts=counts)
    module.exit_json(changed=counts["changed"] > 0, results=results, counts=counts)
