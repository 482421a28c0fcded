# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The bulk modules' actions, by vendor, and how each reads once done: PRIVATE to commsops.sessions.

One table for the plan layers (a result's reason) and the cleanup_report filter (a report's outcome), so
bulk.py stays free of vendor verbs. No Ansible, no vendor client.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# room_session_action (Telnyx) and proxy_session_action (Twilio Proxy): action -> past tense.
PAST = {"end": "ended", "kick": "kicked", "mute": "muted", "unmute": "unmuted", "close": "closed", "delete": "deleted"}
