# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The cleanup roles' report: one piece of code for both, from the bulk modules' results."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

from ansible.errors import AnsibleFilterError

from ansible_collections.commsops.sessions.plugins.module_utils.bulk import PAST
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


def outcome_of(entry, applied):
    action = entry.get("action") or ""
    if entry.get("outcome") == "unknown":
        return "%s: %s" % (entry.get("reason") or "unknown", entry.get("error") or "")
    if entry.get("failed"):
        return "failed: %s" % (entry.get("error") or "unknown error")
    if not entry.get("changed"):
        return "skipped: %s" % (entry.get("reason") or "nothing to do")
    return PAST.get(action, action + " done") if applied else "would %s" % action


def cleanup_report(results, kind, mode="applied", title=None, now=None):
    """results: one registered bulk-module result or a list of them. mode: applied, dry run or check mode."""
    if kind not in KINDS:
        raise AnsibleFilterError("cleanup_report: kind must be one of %s" % ", ".join(sorted(KINDS)))
    id_key, scope_key, created_key, scope_title = KINDS[kind]
    now = now or datetime.datetime.now(datetime.timezone.utc)
    applied = mode == "applied"
    registered = results if isinstance(results, list) else [results]
    rows = []
    for result in registered:
        if not isinstance(result, dict) or result.get("skipped") and "results" not in result:
            continue
        for entry in result.get("results") or []:
            created = parse_instant(entry.get(created_key) or "")
            rows.append(dict(
                id=entry.get(id_key), scope=entry.get(scope_key), created=entry.get(created_key),
                age=human_age((now - created).total_seconds() if created else None),
                action=entry.get("action"), outcome=outcome_of(entry, applied),
                changed=bool(entry.get("changed")), failed=bool(entry.get("failed")),
                unknown=entry.get("outcome") == "unknown"))
    counts = dict(
        total=len(rows),
        changed=sum(1 for r in rows if r["changed"] and not r["failed"]),
        skipped=sum(1 for r in rows if not (r["changed"] or r["failed"] or r["unknown"])),
        failed=sum(1 for r in rows if r["failed"]),
        unknown=sum(1 for r in rows if r["unknown"]),
    )
    acted = [r for r in rows if r["changed"] or r["failed"] or r["unknown"]]
    title = title or "%s session cleanup" % ("Telnyx room" if kind == "room" else "Twilio Proxy")
    verb = "changed" if applied else "would change"
    summary = "%s (%s): %d sessions matched, %d %s, %d skipped, %d failed" % (
        title, mode, counts["total"], counts["changed"], verb, counts["skipped"], counts["failed"])
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
                "- Matched: %d, %s: %d, skipped: %d, failed: %d, unknown: %d" % (
                    counts["total"], verb, counts["changed"], counts["skipped"], counts["failed"], counts["unknown"]), ""]
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
