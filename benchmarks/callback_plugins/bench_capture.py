# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark helper, not part of the collection: records each task's wall time and, for bulk tasks, the
concurrency and counts they returned (without their per-session results), into the JSON file $BENCH_CAPTURE."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: bench_capture
type: aggregate
short_description: Task times and bulk concurrency reports for benchmarks/run.py
description: Writes a JSON file named by the BENCH_CAPTURE environment variable at the end of the play.
requirements: [enabled in ANSIBLE_CALLBACKS_ENABLED]
"""

import json
import os
import time

from ansible.plugins.callback import CallbackBase

KEEP = ("concurrency", "counts", "failed", "changed", "msg")


def _plain(value):
    """Tagged or lazy containers as plain JSON values."""
    return json.loads(json.dumps(value, default=str))


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_capture"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self.tasks = []
        self.current = None

    def _start(self, task):
        self._close()
        self.current = {"name": task.get_name(), "action": task.action, "started": time.time(), "bulk": []}

    def _close(self):
        if self.current is not None:
            started = self.current.pop("started")
            self.current["seconds"] = round(self.current.pop("ended", time.time()) - started, 4)
            self.tasks.append(self.current)
            self.current = None

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._start(task)

    def v2_playbook_on_handler_task_start(self, task):
        self._start(task)

    def _result(self, result, *_args, **_kwargs):
        if self.current is None:
            return
        self.current["ended"] = time.time()
        data = result._result
        entries = data.get("results") if isinstance(data.get("results"), list) and "concurrency" not in data else [data]
        for entry in entries:
            if isinstance(entry, dict) and "concurrency" in entry:
                self.current["bulk"].append(_plain({key: entry[key] for key in KEEP if key in entry}))

    v2_runner_on_ok = _result
    v2_runner_on_failed = _result
    v2_runner_on_skipped = _result

    def v2_playbook_on_stats(self, stats):
        self._close()
        path = os.environ.get("BENCH_CAPTURE")
        if path:
            with open(path, "w") as handle:
                json.dump({"tasks": self.tasks}, handle)
