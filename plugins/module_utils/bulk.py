# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Work over many items with bounded concurrency, and the shape of each item's outcome:
PRIVATE to commsops.sessions.

It knows no vendor and no Ansible (module_glue.py ends the modules). Joint back-off on 429 lives in
the HTTP layer (all workers share one client), so here a worker only says what happened to its item.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import itertools
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.commsops.sessions.plugins.module_utils.api_error import ApiError

# What happened to one item. "would_change": planned and not carried out (a plan, check mode, or a run the
# safety limit stopped); "changed": done; "skipped": nothing to do; "failed": not done; "unknown": an attempt
# may have been applied and reading back could not settle it.
OUTCOMES = ("changed", "would_change", "skipped", "failed", "unknown")
UNKNOWN_REASON = "unknown: may have been applied; rerun to converge"


def bounded_map(func, items, concurrency):
    """func(item) for each item, yielded in input order, with at most concurrency calls in flight
    (the client's workers: its limiter then decides how many requests go out at once).

    Items are taken lazily, so a long (or endless) iterable never becomes a list of futures. The
    first error propagates. A caller that stops early (break) leaves only the calls in flight to finish.
    """
    items = iter(items)
    if concurrency <= 1:
        for item in items:
            yield func(item)
        return
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        pending = collections.deque(pool.submit(func, item) for item in itertools.islice(items, concurrency))
        while pending:
            yield pending.popleft().result()
            # The next item is taken only after the caller had this result, so a lazy iterable can
            # stop producing on what it saw (an empty page ends a listing).
            for item in itertools.islice(items, 1):
                pending.append(pool.submit(func, item))


def with_outcome(entry, outcome, **fields):
    """entry marked with its outcome. Items never carry a 'skipped' key: Ansible reads a 'results' list
    whose items are all skipped as a skipped task, and a task that decided there was nothing to do ran."""
    entry = dict(entry, outcome=outcome, changed=outcome == "changed", failed=outcome == "failed", **fields)
    entry.pop("skipped", None)
    return entry


def failure(exc):
    """The fields of a failed or unknown outcome, from an ApiError."""
    return dict(error=str(exc), error_code=exc.code, status=exc.status)


def unexpected_failure(exc, redact=None):
    """The fields of a failed or unknown outcome, from an error that is not an ApiError (a bug, or an answer
    the code did not foresee): its type and message, through redact (the client's: no credential leaves)."""
    text = "unexpected error: %s: %s" % (type(exc).__name__, exc)
    return dict(error=redact(text) if redact else text, error_code=None)  # no HTTP status: none came with it


def unique(items):
    """items without repeats, first occurrence kept (ids given twice are acted on once)."""
    return list(dict.fromkeys(items))


def each_outcome(items, worker, client, unexpected="failed"):
    """worker(item) for every item, one outcome dict each, yielded in input order; an ApiError becomes a
    failed outcome, so one item's failure never stops the others. Any other error also becomes that item's
    outcome, `unexpected` ("failed" for a read, "unknown" where the worker may already have sent a write), so
    the record of what the other workers did is never lost to one crash; client.redact cleans its message.
    client: what runs the work (an HttpClient: its map bounds the workers, its redact knows the credentials)."""
    def guarded(item):
        try:
            return worker(item)
        except ApiError as exc:
            return with_outcome({}, "failed", **failure(exc))
        except Exception as exc:  # whatever it is, the other items' outcomes must survive it
            fields = dict(reason=UNKNOWN_REASON) if unexpected == "unknown" else {}
            fields.update(unexpected_failure(exc, client.redact))
            return with_outcome({}, unexpected, **fields)

    return client.map(guarded, items)


def run_bulk(items, worker, client):
    """The outcomes of each_outcome, as a list (a read: an unexpected error fails its item)."""
    return list(each_outcome(items, worker, client, "failed"))


def run_plans(plans, act, client):
    """act(plan) for every plan whose outcome is "would_change"; the others are returned as they are.
    act returns the plan's outcome once carried out (carried_out marks it changed). A failure keeps the
    plan's fields (which session, which action) beside the error; an unexpected error while acting is
    "unknown", since the action may have been sent.
    The list is updated in place, each plan replaced by its outcome as it comes, so a run over
    100,000 sessions never holds two copies of them."""
    def worker(plan):
        return act(plan) if plan["outcome"] == "would_change" else plan

    for index, outcome in enumerate(each_outcome(plans, worker, client, "unknown")):
        plans[index] = dict(plans[index], **outcome) if outcome["outcome"] in ("failed", "unknown") else outcome
    return plans


def carried_out(plan, reason):
    """A plan once carried out: changed, with what was done."""
    return with_outcome(plan, "changed", reason=reason)


def read_each(ids, find, client):
    """Sessions by id, read concurrently: one dict(id=..., session=...) per id, session None when the
    API says it does not exist; an id whose read failed (for any reason) gets a failed outcome instead."""
    def read(session_id):
        return dict(id=session_id, session=find(session_id))

    outcomes = run_bulk(ids, read, client)
    return [dict(outcome, id=session_id) for session_id, outcome in zip(ids, outcomes)]


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
