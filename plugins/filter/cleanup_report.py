# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The cleanup_report filter; the report itself is built in plugin_utils/cleanup_report.py, which the roles'
report task (the cleanup_report action) uses too."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.commsops.sessions.plugins.plugin_utils.cleanup_report import cleanup_report as build_report


def cleanup_report(results, kind, *args, **kwargs):
    try:
        return build_report(results, kind, *args, **kwargs)
    except ValueError as error:
        raise AnsibleFilterError(str(error))


class FilterModule(object):
    def filters(self):
        return {"cleanup_report": cleanup_report}
