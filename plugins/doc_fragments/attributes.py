# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # What the attributes mean; each module states its own support level.
    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
  idempotent:
    description:
      - When run twice in a row outside check mode, with the same arguments, the second invocation indicates no change.
"""

    # For modules that only read.
    INFO_MODULE = r"""
options: {}
attributes:
  check_mode:
    support: full
    details:
      - This action does not modify state.
  diff_mode:
    support: N/A
    details:
      - This action does not modify state.
  idempotent:
    support: full
    details:
      - This action does not modify state.
"""

    ACTIONGROUP_TELNYX = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/commsops.sessions.telnyx) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - commsops.sessions.telnyx
"""

    ACTIONGROUP_TWILIO = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/commsops.sessions.twilio) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - commsops.sessions.twilio
"""
