# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The cleanup report, from the bulk modules' results: one piece of code for the cleanup_report filter and the
cleanup_report action (the roles' report task)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

from ansible_collections.commsops.sessions.plugins.module_utils.actions import PAST
from ansible_collections.commsops.sessions.plugins.module_utils.bulk import OUTCOMES
from ansible_collections.commsops.sessions.plugins.module_utils.timefilter import parse_instant

# Per kind: a result's id key, its scope (room or service) key, its creation timestamp key, and the
# scope column's title.
KINDS = {
    "room": ("room_session_id", "room_id", "created_at", "Room"),
    "proxy": ("sid", "service_sid", "date_created", "Service"),
}


def human_age(seconds):
    if seconds is None:
        return "-"
    seconds = int(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return "%dd%02dh" % (days, hours)
    if hours:
        return "%dh%02dm" % (hours, minutes)
    return "%dm" % minutes


# Actions that remove sessions: a report of them is a cleanup; any other action names itself.
CLEANUP_ACTIONS = ("end", "close", "delete")
KIND_NAMES = {"room": "Telnyx room", "proxy": "Twilio Proxy"}


def status_of(entry, applied):
    """One of the bulk outcomes for a result entry. An entry that says it changed, in a report that is not
    of an applied run (results from before would_change existed), would have changed."""
    outcome = entry.get("outcome")
    if outcome == "unknown":
        return "unknown"
    if entry.get("failed") or outcome == "failed":
        return "failed"
    if outcome == "would_change" or entry.get("changed") and not applied:
        return "would_change"
    return "changed" if entry.get("changed") else "skipped"


def outcome_of(entry, status):
    action = entry.get("action") or ""
    if status == "unknown":
        return "%s: %s" % (entry.get("reason") or "unknown", entry.get("error") or "")
    if status == "failed":
        return "failed: %s" % (entry.get("error") or "unknown error")
    if status == "skipped":
        return "skipped: %s" % (entry.get("reason") or "nothing to do")
    return PAST.get(action, action + " done") if status == "changed" else "would %s" % action


def module_results(results):
    """The registered results, one per module run, and whether they came from a loop: a loop's register is
    opened into its items' results."""
    runs, looped = [], False
    for result in results if isinstance(results, list) else [results]:
        if not isinstance(result, dict):
            continue
        items = result.get("results") or []
        if items and all(isinstance(i, dict) and "ansible_loop_var" in i for i in items):
            runs += items
            looped = True
        else:
            runs.append(result)
    return runs, looped


def actions_of(result):
    """The actions a result is about: from its entries, else from the module's arguments."""
    actions = [e.get("action") for e in result.get("results") or [] if isinstance(e, dict) and e.get("action")]
    args = (result.get("invocation") or {}).get("module_args") or {}
    return actions or ([args["action"]] if args.get("action") else [])


def report_title(kind, actions):
    actions = list(dict.fromkeys(actions))
    what = "cleanup" if all(a in CLEANUP_ACTIONS for a in actions) else " and ".join(actions)
    return "%s session %s" % (KIND_NAMES[kind], what)


def run_action(result):
    """The one action of a module run, for messages ("" when it says none)."""
    return (actions_of(result) or [""])[0]


def limit_of(result, name, limit=None):
    """The safety limit as the messages name it: name and its value (the one given, else the module's argument,
    which a registered result carries only at times)."""
    if limit is None:
        limit = ((result.get("invocation") or {}).get("module_args") or {}).get("max_sessions")
    return name if limit is None else "%s (%s)" % (name, limit)


def stop_message(stopped, looped, name, limit=None):
    """Why the safety limit failed the run, "" when it did not. One task stopped changed nothing; in a loop
    the other items may have acted, so each stopped one names its action and what it did not do."""
    if not stopped:
        return ""
    lines = []
    for result in stopped:
        planned = (result.get("counts") or {}).get("would_change", 0)
        action = run_action(result)
        lines.append("%s%d sessions match, more than %s: nothing was %s." % (
            action + ": " if looped else "", planned, limit_of(result, name, limit),
            PAST.get(action, action + " done") if looped else "changed"))
    return " ".join(lines + ["Narrow the selection or raise the limit."])


def not_done(entry, result, name, limit=None):
    """A session a stopped run planned, shown as failed: it was not done because of the limit."""
    if entry.get("outcome") != "would_change":
        return entry
    return dict(entry, changed=False, failed=True, outcome="failed",
                error="not done: more sessions match than %s" % limit_of(result, name, limit))


# The artifacts' counts: matched is the report's total.
STAT_COUNTS = ("matched", "changed", "would_change", "skipped", "failed", "unknown")


def artifacts_of(kind, account, stats):
    """What set_stats publishes: this account's entry, and totals that add up over the accounts of a job."""
    prefix = "%s_session_cleanup" % kind
    published = {prefix + "_by_account": {account: stats}}
    published.update((prefix + "_total_" + name, stats[name]) for name in STAT_COUNTS)
    return published


def session_rows(kind, registered, applied, now, limit_name=None, limit=None):
    """One row per session of every result, and the actions the results are about."""
    id_key, scope_key, created_key, _title = KINDS[kind]
    rows, actions = [], []
    for result in registered:
        actions += actions_of(result)
        for entry in result.get("results") or []:
            if limit_name and result.get("stopped_by_limit"):
                entry = not_done(entry, result, limit_name, limit)
            created = parse_instant(entry.get(created_key) or "")
            status = status_of(entry, applied)
            rows.append(dict(
                id=entry.get(id_key), scope=entry.get(scope_key), created=entry.get(created_key),
                age=human_age((now - created).total_seconds() if created else None),
                action=entry.get("action"), outcome=outcome_of(entry, status), status=status,
                changed=status == "changed", would_change=status == "would_change", failed=status == "failed",
                unknown=status == "unknown"))
    return rows, actions


def table_lines(summary, acted, header):
    """The summary, then a fixed-width table of the sessions acted on."""
    table = [summary]
    if acted:
        widths = (34, 36, 7, 7)
        table.append("  ".join("%-*s" % (w, h) for w, h in zip(widths, header[:4])) + "  " + header[4])
        for r in acted:
            cells = (r["id"] or "-", r["scope"] or "-", r["age"], r["action"] or "-")
            table.append("  ".join("%-*s" % (w, c) for w, c in zip(widths, cells)) + "  " + r["outcome"])
    return table


def markdown_text(title, mode, generated_at, counts, done, rows, acted, header):
    markdown = ["# %s" % title, "", "- Generated: %s" % generated_at, "- Mode: %s" % mode,
                "- Matched: %d, %s, skipped: %d, failed: %d, unknown: %d" % (
                    counts["total"], ", ".join("%s: %d" % pair for pair in done), counts["skipped"], counts["failed"],
                    counts["unknown"]), ""]
    if acted:
        markdown += ["| %s |" % " | ".join(header), "|%s" % ("---|" * len(header))]
        markdown += ["| %s | %s | %s | %s | %s |" % (r["id"], r["scope"], r["age"], r["action"], r["outcome"].replace("|", "\\|"))
                     for r in acted]
    elif rows:
        markdown.append("Nothing to do: every session that matched was skipped.")
    else:
        markdown.append("Nothing to do: no session matched.")
    return "\n".join(markdown) + "\n"


def cleanup_report(results, kind, mode=None, title=None, now=None, limit_name=None, limit=None,
                   account="localhost"):
    """results: one registered bulk-module result or a list of them (a loop's register too).

    mode: what the report calls the run. By default it is read from the results: "check mode" when any of
    them ran in check mode (they carry check_mode), else "applied". A caller may name it ("dry run"), but a
    result that ran in check mode is never reported as applied. The title names the action when it is not
    a cleanup (end, close, delete): a mute run is a mute, not a cleanup.

    limit_name: the safety limit's name as the play's user knows it (a role variable, a survey question).
    With it, the sessions of a run that the limit stopped (stopped_by_limit) read as failed, "not done";
    without it they read as planned ("would ..."). stop_message names it either way (max_sessions by default).
    limit: its value, for the messages; by default the module's argument max_sessions, when the result has it.

    account: the key of this report's entry in artifacts (the play's host, for a job over several accounts)."""
    if kind not in KINDS:
        raise ValueError("cleanup_report: kind must be one of %s" % ", ".join(sorted(KINDS)))
    now = now or datetime.datetime.now(datetime.timezone.utc)
    generated_at = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    runs, looped = module_results(results)
    registered = [r for r in runs if not (r.get("skipped") and "results" not in r)]
    checked = any(r.get("check_mode") for r in registered)
    if mode is None or mode == "applied" and checked:
        mode = "check mode" if checked else "applied"
    applied = mode == "applied"
    rows, actions = session_rows(kind, registered, applied, now, limit_name, limit)
    counts = dict((name, sum(1 for r in rows if r["status"] == name)) for name in OUTCOMES)
    counts["total"] = len(rows)
    acted = [r for r in rows if r["status"] != "skipped"]
    title = title or report_title(kind, actions)
    # What was done, what would be: an applied run says what changed, check mode what would change.
    done = [(label, counts[name]) for name, label, shown in (("changed", "changed", applied),
                                                             ("would_change", "would change", not applied))
            if shown or counts[name]]
    summary = "%s (%s): %d sessions matched, %s, %d skipped, %d failed" % (
        title, mode, counts["total"], ", ".join("%d %s" % (n, label) for label, n in done), counts["skipped"], counts["failed"])
    if counts["unknown"]:
        summary += ", %d unknown (may have been applied; rerun to converge)" % counts["unknown"]
    header = ("Session", KINDS[kind][3], "Age", "Action", "Outcome")
    stopped = [r for r in registered if r.get("stopped_by_limit")]
    # A loop (one task per action) says which actions the limit stopped; one task, whether it did.
    stopped_by_limit = [run_action(r) for r in stopped] if looped else bool(stopped)
    stats = dict(mode=mode, matched=counts["total"], **dict((name, counts[name]) for name in STAT_COUNTS[1:]))
    stats.update(stopped_by_limit=stopped_by_limit, summary=summary)
    return dict(title=title, mode=mode, generated_at=generated_at, counts=counts, sessions=rows, summary=summary,
                table=table_lines(summary, acted, header),
                markdown=markdown_text(title, mode, generated_at, counts, done, rows, acted, header),
                stopped_by_limit=stopped_by_limit, stop_message=stop_message(stopped, looped, limit_name or "max_sessions", limit),
                failure_message="; ".join(str(r.get("msg") or "failed") for r in registered
                                          if r.get("failed") and not r.get("stopped_by_limit")),
                artifacts=artifacts_of(kind, account, stats))
