# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The cleanup roles' report: one piece of code for both, from the bulk modules' results."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

from ansible.errors import AnsibleFilterError

from ansible_collections.commsops.sessions.plugins.module_utils.bulk import OUTCOMES, PAST
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
    """The registered results, one per module run: a loop's register is opened into its items' results."""
    for result in results if isinstance(results, list) else [results]:
        if not isinstance(result, dict):
            continue
        items = result.get("results") or []
        if items and all(isinstance(i, dict) and "ansible_loop_var" in i for i in items):
            yield from items
        else:
            yield result


def actions_of(result):
    """The actions a result is about: from its entries, else from the module's arguments."""
    actions = [e.get("action") for e in result.get("results") or [] if isinstance(e, dict) and e.get("action")]
    args = (result.get("invocation") or {}).get("module_args") or {}
    return actions or ([args["action"]] if args.get("action") else [])


def report_title(kind, actions):
    actions = list(dict.fromkeys(actions))
    what = "cleanup" if all(a in CLEANUP_ACTIONS for a in actions) else " and ".join(actions)
    return "%s session %s" % (KIND_NAMES[kind], what)


def cleanup_report(results, kind, mode=None, title=None, now=None):
    """results: one registered bulk-module result or a list of them (a loop's register too).

    mode: what the report calls the run. By default it is read from the results: "check mode" when any of
    them ran in check mode (they carry check_mode), else "applied". A caller may name it ("dry run"), but a
    result that ran in check mode is never reported as applied. The title names the action when it is not
    a cleanup (end, close, delete): a mute run is a mute, not a cleanup."""
    if kind not in KINDS:
        raise AnsibleFilterError("cleanup_report: kind must be one of %s" % ", ".join(sorted(KINDS)))
    id_key, scope_key, created_key, scope_title = KINDS[kind]
    now = now or datetime.datetime.now(datetime.timezone.utc)
    registered = [r for r in module_results(results) if not (r.get("skipped") and "results" not in r)]
    checked = any(r.get("check_mode") for r in registered)
    if mode is None or mode == "applied" and checked:
        mode = "check mode" if checked else "applied"
    applied = mode == "applied"
    rows, actions = [], []
    for result in registered:
        actions += actions_of(result)
        for entry in result.get("results") or []:
            created = parse_instant(entry.get(created_key) or "")
            status = status_of(entry, applied)
            rows.append(dict(
                id=entry.get(id_key), scope=entry.get(scope_key), created=entry.get(created_key),
                age=human_age((now - created).total_seconds() if created else None),
                action=entry.get("action"), outcome=outcome_of(entry, status), status=status,
                changed=status == "changed", would_change=status == "would_change", failed=status == "failed",
                unknown=status == "unknown"))
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
    header = ("Session", scope_title, "Age", "Action", "Outcome")
    table = [summary]
    if acted:
        widths = (34, 36, 7, 7)
        line = "  ".join("%-*s" % (w, h) for w, h in zip(widths, header[:4])) + "  " + header[4]
        table.append(line)
        for r in acted:
            cells = (r["id"] or "-", r["scope"] or "-", r["age"], r["action"] or "-")
            table.append("  ".join("%-*s" % (w, c) for w, c in zip(widths, cells)) + "  " + r["outcome"])
    markdown = ["# %s" % title, "", "- Generated: %s" % now.strftime("%Y-%m-%dT%H:%M:%SZ"), "- Mode: %s" % mode,
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
    return dict(title=title, mode=mode, generated_at=now.strftime("%Y-%m-%dT%H:%M:%SZ"), counts=counts,
                sessions=rows, summary=summary, table=table, markdown="\n".join(markdown) + "\n")


class FilterModule(object):
    def filters(self):
        return {"cleanup_report": cleanup_report}
