# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The option fields of the info modules and the lookups (module_utils/fields.py checks and applies it).
    # The known fields listed here are those of fields.py; keep them in step.
    DOCUMENTATION = r"""
options:
  fields:
    description:
      - Only these keys of each item come back. Omitted, every field the API returns comes back.
      - Items are cut down as their pages come, so a long listing never holds every field of every item in memory,
        and much less data goes back to the controller (a Twilio session has 16 fields, 3 of them URLs).
      - An unknown name fails the task before any request is sent and lists the known fields. A misspelled name would
        otherwise silently return items without that key; a field the API adds later is added to the known ones in a
        release.
      - An item that lacks a chosen key comes back without it.
      - 'Known fields of a Telnyx room session: C(id), C(room_id), C(active), C(created_at), C(updated_at), C(ended_at),
        C(record_type), C(participants).'
      - 'Of a Twilio Proxy session: C(sid), C(service_sid), C(account_sid), C(unique_name), C(status), C(closed_reason),
        C(ttl), C(mode), C(date_created), C(date_updated), C(date_started), C(date_ended), C(date_last_interaction),
        C(date_expiry), C(url), C(links), C(participants).'
      - 'Of a Telnyx room participant: C(id), C(session_id), C(context), C(joined_at), C(left_at), C(updated_at),
        C(record_type).'
      - Participants are not cut down. With C(include_participants=true), each session keeps C(participants), whole,
        whether or not O(fields) names it (asking for participants is asking for all of them; a Proxy session has at
        most two).
    type: list
    elements: str
"""
