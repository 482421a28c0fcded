# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.commsops.sessions.plugins.filter.cleanup_report import cleanup_report, human_age

NOW = datetime.datetime(2026, 11, 23, 12, 0, 0, tzinfo=datetime.timezone.utc)
ROOM = {"results": [
    {"room_session_id": "s1", "room_id": "r1", "created_at": "2026-11-23T09:30:00.000000Z", "action": "end", "changed": True},
    {"room_session_id": "s2", "room_id": "r1", "created_at": "2026-11-20T12:00:00Z", "action": "end", "skipped": True,
     "reason": "already ended"},
    {"room_session_id": "s3", "room_id": "r2", "created_at": None, "action": "end", "failed": True, "error": "HTTP 500 | boom"},
]}


def test_rows_counts_and_outcomes_when_applied():
    report = cleanup_report(ROOM, "room", now=NOW)
    assert report["counts"] == {"total": 3, "changed": 1, "skipped": 1, "failed": 1, "unknown": 0}
    assert [(r["id"], r["scope"], r["age"], r["outcome"]) for r in report["sessions"]] == [
        ("s1", "r1", "2h30m", "ended"), ("s2", "r1", "3d00h", "skipped: already ended"), ("s3", "r2", "-", "failed: HTTP 500 | boom")]
    assert report["summary"] == "Telnyx room session cleanup (applied): 3 sessions matched, 1 changed, 1 skipped, 1 failed"
    assert len(report["table"]) == 4  # summary, header, the two sessions acted on
    assert "| s3 | r2 | - | end | failed: HTTP 500 \\| boom |" in report["markdown"]


def test_dry_run_says_would_and_skipped_tasks_are_ignored():
    proxy = {"results": [{"sid": "KC1", "service_sid": "KS1", "date_created": "2026-11-22T12:00:00Z", "action": "close",
                          "changed": True}]}
    report = cleanup_report([proxy, {"skipped": True}], "proxy", mode="dry run", now=NOW)
    assert report["sessions"][0]["outcome"] == "would close" and report["sessions"][0]["age"] == "1d00h"
    assert "1 would change" in report["summary"]


def test_nothing_to_do_and_bad_kind():
    assert "Nothing to do" in cleanup_report({"results": []}, "room", now=NOW)["markdown"]
    with pytest.raises(AnsibleFilterError):
        cleanup_report({}, "email")


@pytest.mark.parametrize("seconds, text", [(None, "-"), (59, "0m"), (3600, "1h00m"), (90061, "1d01h")])
def test_human_age(seconds, text):
    assert human_age(seconds) == text


def test_unknown_outcomes_are_counted_and_named():
    report = cleanup_report({"results": [
        {"sid": "KC1", "service_sid": "KS1", "action": "delete", "outcome": "unknown", "changed": False, "failed": False,
         "reason": "unknown: may have been applied; rerun to converge", "error": "DELETE ...: HTTP 503"}]}, "proxy", now=NOW)
    assert report["counts"] == {"total": 1, "changed": 0, "skipped": 0, "failed": 0, "unknown": 1}
    assert report["sessions"][0]["outcome"].startswith("unknown: may have been applied")
    assert report["summary"].endswith("1 unknown (may have been applied; rerun to converge)")


def test_all_skipped_says_so_not_that_nothing_matched():
    report = cleanup_report({"results": [{"room_session_id": "s2", "action": "end", "outcome": "skipped", "changed": False,
                                          "failed": False, "reason": "already ended"}]}, "room", now=NOW)
    assert "every session that matched was skipped" in report["markdown"]
