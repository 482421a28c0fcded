# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Filters of Twilio Proxy sessions, shared by proxy_session_info and the proxy_sessions lookup.
    # The select option of proxy_session_action takes the same keys.
    DOCUMENTATION = r"""
options:
  status:
    description: Only sessions with this status, or any of these.
    type: list
    elements: str
  date_created:
    description:
      - Time window on the session's creation, a dictionary with any of C(eq), C(gte), C(lte).
      - Each bound is a date, an ISO 8601 timestamp in any zone, or a V(now-2h)-style moment. The API lists sessions
        without filters, so the windows (and O(status)) are applied on the client, to the exact instant.
        The same goes for O(date_updated), O(date_last_interaction), O(date_expiry) and O(last_activity).
    type: dict
  date_updated:
    description: Time window on the session's last change.
    type: dict
  date_last_interaction:
    description: Time window on the session's last interaction. Sessions without one never match it.
    type: dict
  date_expiry:
    description: Time window on the session's expiry. Sessions without one never match it.
    type: dict
  last_activity:
    description: Time window on the last interaction, or the creation when there was none.
    type: dict
  include_participants:
    description: Return each session's participants too (one request per session, made in parallel).
    type: bool
    default: false
"""
