# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The cleanup roles' report in one task, on the controller: build it, write its files, publish its artifacts.

The bulk task's result is read from the task's variables by name, not passed as a templated argument: Ansible
would template every value of a 1,000-session result on the way in (a tenth of a second), and reading it
here costs almost nothing."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import tempfile

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.action import ActionBase

from ansible_collections.commsops.sessions.plugins.plugin_utils.cleanup_report import cleanup_report

ARGUMENTS = dict(
    kind=dict(type="str", required=True, choices=["room", "proxy"]),
    result_var=dict(type="str", required=True),
    mode=dict(type="str"),
    limit_name=dict(type="str"),
    limit=dict(type="raw"),
    report_path=dict(type="str", default=""),
    show_rows=dict(type="int", default=100),
)


def write_atomically(path, text):
    """Write text to path, or leave no partial file: a temporary file in the same directory, renamed."""
    directory = os.path.dirname(path)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".report-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, 0o644)
        os.rename(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def write_files(base, report):
    """The report as <base>.json and <base>.md; the reason as text when they could not be written."""
    try:
        os.makedirs(os.path.dirname(base), mode=0o755, exist_ok=True)
        write_atomically(base + ".json", json.dumps(report, indent=4, sort_keys=True, ensure_ascii=False) + "\n")
        write_atomically(base + ".md", report["markdown"])
    except (OSError, TypeError, ValueError) as error:
        return to_text(error) or type(error).__name__
    return ""


def shown_lines(report, show_rows):
    """The summary and at most show_rows rows of the table: the output of a run over thousands of sessions
    stays short, and the whole table is in the variable (and the file)."""
    table = report["table"]
    hidden = table[2 + show_rows:] if show_rows >= 0 else []
    if not hidden:
        return list(table)
    more = "... and %d more sessions: the report's table (and its file) holds every row" % len(hidden)
    return table[:2 + show_rows] + [more]


def file_note(report_path, base, written, write_error, report, check_mode):
    """The line the role shows under the table about the report file."""
    if not report_path:
        return None
    if write_error:
        return "No report file: writing %s.json failed: %s" % (base, write_error)
    if written:
        return "Report written to %s.json and .md" % base
    if report["stopped_by_limit"]:
        return "No report file: the safety limit stopped the run"
    return "No report file: %s writes none" % ("check mode" if check_mode else report["mode"])


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        task_vars = task_vars or {}
        _spec, args = self.validate_argument_spec(argument_spec=ARGUMENTS)
        registered = task_vars.get(args["result_var"])
        if not isinstance(registered, dict):
            raise AnsibleActionFail("result_var: %s is not a registered result of a bulk session module" % args["result_var"])
        account = task_vars.get("inventory_hostname", "localhost")
        try:
            report = cleanup_report(registered, args["kind"], args["mode"], limit_name=args["limit_name"],
                                    limit=args["limit"], account=account)
        except ValueError as error:
            raise AnsibleActionFail(to_text(error))

        report_path = os.path.expanduser(args["report_path"] or "")
        prefix = "%s_session_cleanup" % args["kind"]  # the role's name: its files and its artifacts' keys
        several = len(task_vars.get("ansible_play_hosts_all") or []) > 1  # one file per account when the play has several
        stamp = report["generated_at"].replace(":", "")
        base = os.path.join(report_path, "%s-%s%s" % (prefix, (account + "-") if several else "", stamp)) if report_path else ""
        writes = bool(report_path) and report["mode"] == "applied" and not report["stopped_by_limit"]
        # In check mode (this task's own) nothing is written; changed predicts what would be.
        write_error = write_files(base, report) if writes and not self._play_context.check_mode else ""
        written = writes and not write_error and not self._play_context.check_mode

        artifacts = report["artifacts"]
        artifacts[prefix + "_by_account"][account]["report_file"] = (base + ".json") if written else ""
        note = file_note(report_path, base, written, write_error, report, self._play_context.check_mode)
        fail_message = report["stop_message"] or report["failure_message"] or (
            "The cleanup ran (see the report above and the job's artifacts), but its report file could not be written "
            "to %s: %s" % (report_path, write_error) if write_error else "")
        result.update(report)
        result.update(
            # The files are a change only when the cleanup changed something: a scheduled run with nothing to do
            # shows changed=0.
            changed=bool(writes and not write_error and registered.get("changed")),
            report_file=(base + ".json") if written else "",
            write_error=write_error,
            shown=shown_lines(report, args["show_rows"]) + ([note] if note else []),
            fail_message=fail_message,
            ansible_stats=dict(data=artifacts, per_host=False, aggregate=True),
        )
        return result
