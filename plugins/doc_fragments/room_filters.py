# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Filters and fields of Telnyx Video rooms, shared by room_info and the rooms lookup.
    # The known fields are those of module_utils/room_plans.py ROOM_FIELDS; keep them in step.
    DOCUMENTATION = r"""
options:
  unique_name:
    description: Only the room of this name (matched exactly).
    type: str
  created_at:
    description:
      - Time window on the room's creation, a dictionary with any of C(eq), C(gte), C(lte).
      - Each bound is a date (V(2026-11-01)), an ISO 8601 timestamp in any zone or a moment relative to now
        (V(now-7d)). The API filters by date only, so the server narrows by date and the rooms are then kept within
        the exact instant. The same goes for O(updated_at).
    type: dict
  updated_at:
    description: Time window on the room's last update.
    type: dict
  include_sessions:
    description: Return each room's sessions too, in C(sessions) (in the same requests).
    type: bool
    default: false
  fields:
    description:
      - Only these keys of each room come back. Omitted, every field the API returns comes back.
      - An unknown name fails before any request is sent and lists the known fields.
      - 'Known fields of a Telnyx room: C(id), C(unique_name), C(max_participants), C(enable_recording),
        C(webhook_event_url), C(webhook_event_failover_url), C(webhook_timeout_secs), C(active_session_id),
        C(created_at), C(updated_at), C(record_type), C(sessions).'
      - With O(include_sessions=true), each room keeps C(sessions) whether or not O(fields) names it.
    type: list
    elements: str
"""
