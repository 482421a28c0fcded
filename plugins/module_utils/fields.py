# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The option fields: which keys of each listed item come back. PRIVATE to commsops.sessions.

One check and one projection for the info modules and the lookups. The projection is a generator put
right after the listing, so each item is cut down as its page comes and a listing of 100,000 sessions
never holds every field of every session. No Ansible, no HTTP.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.commsops.sessions.plugins.module_utils.validation import InvalidInput

# The names a play may choose, as each API documents its items. An unknown name is an error (a
# misspelled name would otherwise quietly return items without that key); a field the API adds
# later is added here.
TELNYX_SESSION_FIELDS = ("id", "room_id", "active", "created_at", "updated_at", "ended_at", "record_type",
                         "participants")
TELNYX_PARTICIPANT_FIELDS = ("id", "session_id", "context", "joined_at", "left_at", "updated_at", "record_type")
TWILIO_SESSION_FIELDS = ("sid", "service_sid", "account_sid", "unique_name", "status", "closed_reason", "ttl", "mode",
                         "date_created", "date_updated", "date_started", "date_ended", "date_last_interaction",
                         "date_expiry", "url", "links", "participants")


def check_fields(fields, known, option="fields"):
    """None (every field) or the names asked for, in order, each once; checked before any request."""
    if fields is None:
        return None
    if not isinstance(fields, (list, tuple)) or not all(isinstance(f, str) for f in fields):
        raise InvalidInput("%s must be a list of field names, got %r" % (option, fields))
    unknown = [f for f in fields if f not in known]
    if unknown:
        raise InvalidInput("%s has unknown field(s) %s; known fields are %s"
                           % (option, ", ".join(unknown), ", ".join(known)))
    return tuple(dict.fromkeys(fields))


def projected(items, fields, participants=False):
    """Each item with only the chosen keys, lazily. fields None keeps items whole. With participants
    (include_participants), an item keeps its participants, whole, whether or not fields names them."""
    if fields is None:
        return iter(items)
    if participants and "participants" not in fields:
        fields = tuple(fields) + ("participants",)
    return (dict((k, item[k]) for k in fields if k in item) for item in items)
