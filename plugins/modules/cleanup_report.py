#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# The work is done on the controller by the action plugin of the same name (plugins/action/cleanup_report.py).

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: cleanup_report
short_description: Report on a bulk session task in one step, and write and publish the report
version_added: 0.3.0
description:
  - Builds the report of the P(commsops.sessions.cleanup_report#filter) filter from a registered result of
    M(commsops.sessions.room_session_action) or M(commsops.sessions.proxy_session_action) (one result, or the
    register of a loop over such a task), writes it as JSON and Markdown when asked, and publishes its counts
    as the job's artifacts (as C(ansible.builtin.set_stats) does, aggregated, not per host).
  - The cleanup roles use it as their report task. It reads the registered result by its variable's name,
    which costs far less than passing a result of thousands of sessions through a template.
  - Runs on the controller; the files are written there.
author:
  - commsops maintainers (@commsops)
extends_documentation_fragment:
  - commsops.sessions.attributes
options:
  kind:
    description: V(room) for Telnyx room sessions, V(proxy) for Twilio Proxy sessions.
    type: str
    required: true
    choices: [room, proxy]
  result_var:
    description: The name of the variable the bulk task registered (a name, not a template).
    type: str
    required: true
  mode:
    description:
      - What the report calls the run, for example V(dry run). By default it is read from the result, V(check mode)
        when it ran in check mode, else V(applied). A result that ran in check mode is never reported as applied.
    type: str
  limit_name:
    description: The safety limit's name as the play's user knows it, for the messages (a role variable, a survey question).
    type: str
  limit:
    description: The safety limit's value, for the messages.
    type: raw
  report_path:
    description:
      - A directory for the report's files, C(<kind>_session_cleanup-<UTC time>.json) and C(.md)
        (C(<kind>_session_cleanup-<inventory host>-<UTC time>.*) when the play has several hosts). It is created
        when missing. Empty for no file.
      - Only an applied run writes them; a dry run, check mode and a run the safety limit stopped write none.
    type: str
    default: ""
  show_rows:
    description:
      - How many rows of the table RV(shown) holds, so that the output of a run over thousands of sessions stays
        short; a last line says how many more there are. RV(table) and the files always hold every row.
      - V(-1) for every row.
    type: int
    default: 100
attributes:
  check_mode:
    support: full
    details:
      - In check mode the report says what would be done and no file is written.
  diff_mode:
    support: none
  idempotent:
    support: none
    details:
      - Each applied run with O(report_path) writes new files named by the time of the run.
  platform:
    description: Target OS/families that can be operated against.
    support: N/A
    platforms: all
notes:
  - The task does not fail on what it reports. The failures of O(result_var) and the stop of the safety limit are
    in RV(fail_message), for a later C(ansible.builtin.fail) task, so that the report is shown first.
seealso:
  - plugin: commsops.sessions.cleanup_report
    plugin_type: filter
  - module: commsops.sessions.room_session_action
  - module: commsops.sessions.proxy_session_action
"""

EXAMPLES = r"""
- name: End the stale sessions
  commsops.sessions.room_session_action:
    action: end
    select:
      active: true
      created_at:
        lte: now-4h
  register: ended

- name: Report, write the files and publish the counts
  commsops.sessions.cleanup_report:
    kind: room
    result_var: ended
    report_path: /var/log/cleanup
  register: report

- name: Show it
  ansible.builtin.debug:
    msg: "{{ report.shown }}"

- name: Fail when some sessions could not be handled
  ansible.builtin.fail:
    msg: "{{ report.fail_message }}"
  when: report.fail_message | length > 0
"""

RETURN = r"""
title:
  description: The report's title.
  returned: always
  type: str
mode:
  description: V(applied), V(check mode), or the O(mode) given.
  returned: always
  type: str
generated_at:
  description: When the report was built, UTC, ISO 8601.
  returned: always
  type: str
counts:
  description: Sessions by outcome, C(total), C(changed), C(would_change), C(skipped), C(failed) and C(unknown).
  returned: always
  type: dict
sessions:
  description: One row per session (id, room or service, age, action, outcome, status).
  returned: always
  type: list
  elements: dict
summary:
  description: One line that says what happened.
  returned: always
  type: str
table:
  description: The summary and a text table of the sessions acted on, one line each.
  returned: always
  type: list
  elements: str
markdown:
  description: The report as Markdown.
  returned: always
  type: str
stopped_by_limit:
  description: Whether the safety limit stopped the run (for a loop, the actions it stopped).
  returned: always
  type: raw
stop_message:
  description: What the safety limit stopped, naming O(limit_name); empty when it did not.
  returned: always
  type: str
failure_message:
  description: Why the bulk task failed, when it did; empty otherwise.
  returned: always
  type: str
artifacts:
  description:
    - What is published as the job's artifacts, C(<kind>_session_cleanup_by_account) (this host's counts, summary
      and C(report_file)) and the C(<kind>_session_cleanup_total_*) counts, which add up over the hosts of a job.
  returned: always
  type: dict
report_file:
  description: The JSON file written; empty when none was.
  returned: always
  type: str
write_error:
  description: Why the files could not be written; empty when they were, or when none was to be.
  returned: always
  type: str
shown:
  description: The summary, at most O(show_rows) rows of the table, and a line about the report file, for the play's output.
  returned: always
  type: list
  elements: str
fail_message:
  description:
    - Empty when all went well. Otherwise what a later task should fail with, in this order, the safety limit's
      stop, the bulk task's failures, or the files that could not be written.
  returned: always
  type: str
"""
