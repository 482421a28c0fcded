# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.commsops.sessions.plugins.filter.cleanup_report import cleanup_report
from ansible_collections.commsops.sessions.plugins.plugin_utils.cleanup_report import human_age
from ansible_collections.commsops.sessions.plugins.module_utils.actions import PAST

NOW = datetime.datetime(2026, 11, 23, 12, 0, 0, tzinfo=datetime.timezone.utc)
ROOM = {"results": [
    {"room_session_id": "s1", "room_id": "r1", "created_at": "2026-11-23T09:30:00.000000Z", "action": "end", "changed": True},
    {"room_session_id": "s2", "room_id": "r1", "created_at": "2026-11-20T12:00:00Z", "action": "end", "skipped": True,
     "reason": "already ended"},
    {"room_session_id": "s3", "room_id": "r2", "created_at": None, "action": "end", "failed": True, "error": "HTTP 500 | boom"},
]}


def test_rows_counts_and_outcomes_when_applied():
    report = cleanup_report(ROOM, "room", now=NOW)
    assert report["counts"] == {"total": 3, "changed": 1, "would_change": 0, "skipped": 1, "failed": 1, "unknown": 0}
    assert report["mode"] == "applied"
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
    assert report["counts"] == {"total": 1, "changed": 0, "would_change": 1, "skipped": 0, "failed": 0, "unknown": 0}
    assert report["mode"] == "dry run" and report["sessions"][0]["changed"] is False


def room_run(action, outcome, check_mode, **extra):
    """A registered room_session_action result as the module returns it."""
    return dict({"changed": True, "check_mode": check_mode, "counts": {}, "invocation": {"module_args": {"action": action}},
                 "results": [{"room_session_id": "s1", "room_id": "r1", "created_at": "2026-11-23T09:30:00Z", "action": action,
                              "outcome": outcome, "changed": outcome == "changed", "failed": False, "reason": "1 participant(s)"}]},
                **extra)


def test_a_check_mode_result_reads_as_check_mode_without_being_told():
    report = cleanup_report(room_run("end", "would_change", True), "room", now=NOW)
    assert report["mode"] == "check mode"
    assert report["sessions"][0]["outcome"] == "would end" and report["sessions"][0]["changed"] is False
    assert report["counts"] == {"total": 1, "changed": 0, "would_change": 1, "skipped": 0, "failed": 0, "unknown": 0}
    assert report["summary"] == ("Telnyx room session cleanup (check mode): 1 sessions matched, 1 would change, 0 skipped, "
                                 "0 failed")
    assert "- Mode: check mode" in report["markdown"] and "applied" not in report["markdown"]


def test_a_check_mode_result_is_never_reported_as_applied_even_when_told():
    assert cleanup_report([room_run("end", "would_change", True)], "room", "applied", now=NOW)["mode"] == "check mode"
    assert cleanup_report(room_run("end", "would_change", True), "room", "dry run", now=NOW)["mode"] == "dry run"


def test_a_limit_stopped_result_in_a_real_run_says_would_not_ended():
    report = cleanup_report(room_run("end", "would_change", False, failed=True, stopped_by_limit=True), "room", now=NOW)
    assert report["mode"] == "applied" and report["sessions"][0]["outcome"] == "would end"
    assert report["counts"]["changed"] == 0 and report["counts"]["would_change"] == 1
    assert "0 changed, 1 would change" in report["summary"]


@pytest.mark.parametrize("action, title", [("mute", "Telnyx room session mute"), ("kick", "Telnyx room session kick"),
                                           ("end", "Telnyx room session cleanup")])
def test_the_title_names_the_action(action, title):
    report = cleanup_report(room_run(action, "changed", False), "room", now=NOW)
    assert report["title"] == title and report["markdown"].startswith("# %s\n" % title)
    assert report["sessions"][0]["outcome"] == PAST[action]


def test_the_action_comes_from_the_module_args_when_nothing_matched():
    run = dict(room_run("unmute", "changed", False), results=[])
    assert cleanup_report(run, "room", now=NOW)["title"] == "Telnyx room session unmute"


def test_a_loop_register_is_read_item_by_item():
    items = [dict(room_run(action, "would_change", True), ansible_loop_var="item", item={"action": action})
             for action in ("close", "delete")]
    for item in items:
        item["results"][0] = dict(item["results"][0], sid="KC" + item["item"]["action"], service_sid="KS1")
    report = cleanup_report({"changed": True, "msg": "All items completed", "results": items}, "proxy", now=NOW)
    assert report["mode"] == "check mode" and report["title"] == "Twilio Proxy session cleanup"
    assert [(r["id"], r["outcome"]) for r in report["sessions"]] == [("KCclose", "would close"), ("KCdelete", "would delete")]


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
    assert report["counts"] == {"total": 1, "changed": 0, "would_change": 0, "skipped": 0, "failed": 0, "unknown": 1}
    assert report["sessions"][0]["outcome"].startswith("unknown: may have been applied")
    assert report["summary"].endswith("1 unknown (may have been applied; rerun to converge)")


def test_all_skipped_says_so_not_that_nothing_matched():
    report = cleanup_report({"results": [{"room_session_id": "s2", "action": "end", "outcome": "skipped", "changed": False,
                                          "failed": False, "reason": "already ended"}]}, "room", now=NOW)
    assert "every session that matched was skipped" in report["markdown"]


# The parts of the report a cleanup role used to build itself: the safety limit, the failure, the artifacts.
def stopped_run(action, sessions, limit=None, stopped=True, **extra):
    """A registered bulk result the safety limit stopped (or not): its sessions planned, none done."""
    result = room_run(action, "would_change", False, failed=stopped, stopped_by_limit=stopped,
                      counts={"would_change": sessions}, **extra)
    result["results"] = [dict(result["results"][0], room_session_id="s%d" % n) for n in range(sessions)]
    if limit is not None:
        result["invocation"]["module_args"]["max_sessions"] = limit
    return result


def looped(*runs):
    return {"changed": True, "results": [dict(run, ansible_loop_var="item") for run in runs]}


LIMITED_DELETE = dict(room_run("delete", "changed", False), stopped_by_limit=False)
STOP_CASES = [
    # What was registered, the filter's arguments -> stopped_by_limit, stop_message.
    (room_run("end", "changed", False, stopped_by_limit=False), {}, False, ""),
    (stopped_run("end", 3), dict(limit_name="room_cleanup_max_sessions", limit=2), True,
     "3 sessions match, more than room_cleanup_max_sessions (2): nothing was changed. "
     "Narrow the selection or raise the limit."),
    (stopped_run("end", 3, limit=2), {}, True,
     "3 sessions match, more than max_sessions (2): nothing was changed. Narrow the selection or raise the limit."),
    (stopped_run("end", 3), dict(limit_name="cap"), True,
     "3 sessions match, more than cap: nothing was changed. Narrow the selection or raise the limit."),
    (looped(stopped_run("close", 2, limit=1), LIMITED_DELETE), dict(limit_name="cap"), ["close"],
     "close: 2 sessions match, more than cap (1): nothing was closed. Narrow the selection or raise the limit."),
    (looped(stopped_run("close", 2), stopped_run("delete", 4)), dict(limit_name="cap", limit=1), ["close", "delete"],
     "close: 2 sessions match, more than cap (1): nothing was closed. delete: 4 sessions match, more than cap (1): "
     "nothing was deleted. Narrow the selection or raise the limit."),
    (looped(LIMITED_DELETE), dict(limit_name="cap"), [], ""),
]


@pytest.mark.parametrize("registered, options, stopped, message", STOP_CASES)
def test_the_safety_limit_is_read_from_the_results(registered, options, stopped, message):
    report = cleanup_report(registered, "room", now=NOW, **options)
    assert report["stopped_by_limit"] == stopped
    assert report["stop_message"] == message
    assert report["failure_message"] == ""  # a limit is not a failure of the sessions


@pytest.mark.parametrize("options, outcomes, counts", [
    ({}, ["would end", "would end", "skipped: already ended"], dict(would_change=2, skipped=1, failed=0)),
    (dict(limit_name="room_cleanup_max_sessions", limit=1),
     ["failed: not done: more sessions match than room_cleanup_max_sessions (1)"] * 2 + ["skipped: already ended"],
     dict(would_change=0, skipped=1, failed=2)),
])
def test_with_a_limit_name_the_sessions_a_stopped_run_did_not_act_on_read_as_not_done(options, outcomes, counts):
    run = stopped_run("end", 2)
    run["results"].append(dict(run["results"][0], room_session_id="s9", outcome="skipped", reason="already ended"))
    report = cleanup_report(run, "room", now=NOW, **options)
    assert [r["outcome"] for r in report["sessions"]] == outcomes
    assert dict((k, report["counts"][k]) for k in counts) == counts
    assert report["counts"]["changed"] == 0


@pytest.mark.parametrize("registered, message", [
    (dict(room_run("end", "changed", False), failed=True, msg="1 of 1 sessions failed (s1)"), "1 of 1 sessions failed (s1)"),
    (looped(dict(room_run("close", "changed", False), failed=True, msg="close failed"), LIMITED_DELETE,
            dict(room_run("delete", "changed", False), failed=True, msg="delete failed")), "close failed; delete failed"),
    ({"failed": True}, "failed"),
    (looped(stopped_run("close", 2), dict(room_run("delete", "changed", False), failed=True, msg="delete failed")),
     "delete failed"),
])
def test_the_failure_message_joins_the_failed_results_but_the_stopped_ones(registered, message):
    assert cleanup_report(registered, "room", now=NOW)["failure_message"] == message


def test_the_artifacts_count_for_the_account_and_add_up_as_totals():
    report = cleanup_report(looped(stopped_run("close", 2, limit=1), LIMITED_DELETE), "proxy", "applied", now=NOW,
                            limit_name="cap", account="east")
    entry = dict(mode="applied", matched=3, changed=1, would_change=0, skipped=0, failed=2, unknown=0,
                 stopped_by_limit=["close"], summary=report["summary"])
    assert report["artifacts"] == {
        "proxy_session_cleanup_by_account": {"east": entry},
        "proxy_session_cleanup_total_matched": 3, "proxy_session_cleanup_total_changed": 1,
        "proxy_session_cleanup_total_would_change": 0, "proxy_session_cleanup_total_skipped": 0,
        "proxy_session_cleanup_total_failed": 2, "proxy_session_cleanup_total_unknown": 0}


def test_the_artifacts_of_one_task_say_whether_the_limit_stopped_it():
    report = cleanup_report(room_run("end", "would_change", True), "room", "dry run", now=NOW)
    assert report["artifacts"]["room_session_cleanup_by_account"] == {"localhost": dict(
        mode="dry run", matched=1, changed=0, would_change=1, skipped=0, failed=0, unknown=0, stopped_by_limit=False,
        summary=report["summary"])}
    assert report["artifacts"]["room_session_cleanup_total_would_change"] == 1
