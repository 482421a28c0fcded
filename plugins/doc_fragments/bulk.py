# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The options every bulk module shares (module_glue.finish_bulk reads them).
    DOCUMENTATION = r"""
options:
  results:
    description:
      - Which sessions RV(results) lists. V(all) lists every session; V(changes) lists only those changed, failed or
        unknown; V(none) returns only RV(counts).
      - V(all) is the default, so that a play (and the cleanup roles' reports) sees every session. For runs of many
        thousands of sessions choose V(changes) or V(none), since each entry is a dictionary that Ansible passes back
        to the controller as JSON, and 100,000 of them are tens of megabytes.
    type: str
    choices: [all, changes, none]
    default: all
  max_sessions:
    description:
      - Safety limit. When more sessions would be acted on than this, the task fails before changing anything and
        says how many matched (RV(stopped_by_limit)).
      - A whole number of 0 or more, in ASCII digits when given as text.
    type: raw
"""
