# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Filters of Telnyx Video room sessions, shared by room_session_info and the room_sessions lookup.
    # The select option of room_session_action takes the same keys.
    DOCUMENTATION = r"""
options:
  room_id:
    description: Only sessions of this room (a room UUID), or of any of these rooms.
    type: list
    elements: str
  active:
    description: Only active (V(true)) or only ended (V(false)) sessions.
    type: bool
  created_at:
    description:
      - Time window on the session's creation, a dictionary with any of C(eq), C(gte), C(lte).
      - Each bound is a date (V(2026-11-01)), an ISO 8601 timestamp in any zone (V(2026-11-01T08:00:00+02:00)) or a
        moment relative to now (V(now-2h), V(now-7d)). The API filters by date only, so the server narrows by date
        and the sessions are then kept within the exact instant. The same goes for O(updated_at) and O(ended_at).
    type: dict
  updated_at:
    description: Time window on the session's last update.
    type: dict
  ended_at:
    description: Time window on the session's end. Active sessions have no end, so they never match it.
    type: dict
  include_participants:
    description: Return each session's participants too (in the same requests).
    type: bool
    default: false
"""
