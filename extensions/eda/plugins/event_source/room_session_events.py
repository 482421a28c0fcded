# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Event-Driven Ansible source: Telnyx Video room sessions and participants, polled."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
short_description: Poll Telnyx Video room sessions and emit what changed
description:
  - Lists the active room sessions, with their participants, every O(interval) seconds and emits an event for
    each change since the previous poll, with the types Telnyx uses for its webhooks, so one rulebook works with
    this source and with the C(commsops.sessions.telnyx_webhook) source alike. V(video.room.session.started)
    for a session that is newly active; V(video.room.session.ended) for a session that was active and is now
    ended or gone; V(video.room.participant.joined) and
    V(video.room.participant.left) for its participants (a participant that came and went between two polls
    gets both).
  - The first poll only records what exists (the baseline) and emits nothing, unless O(emit_existing=true).
  - 'Each event is C({"session_event": {...}, "payload": ...}); C(session_event) has C(vendor) (V(telnyx)),
    C(type), C(id) (a SHA-1 of vendor, type, session, participant and time, stable across polls),
    C(session_id), C(room_id), C(participant_id), C(occurred_at) (ISO 8601 UTC) and C(source) (V(poll));
    C(payload) is the session or participant as the API listed it (for a session or participant that is gone
    from the API, only its ids).'
  - "Requests per poll: one listing of the active sessions (C(filter[active]=true), participants included):
    one request per 250 active sessions, one listing per room with O(room_ids); plus one request for each
    session that was active at the previous poll and is no longer listed, to tell ended from gone."
  - A failed poll (an API error after the client's own retries, a network error) is logged and retried after a
    backoff that doubles from O(interval) up to O(max_backoff) and resets after a good poll; it emits nothing and
    the source keeps the previous poll's state, so a failure never makes a false event. The source stops when
    cancelled, closing its HTTP client.
  - A session that starts and ends between two polls is not seen; use the webhook source for every event.
  - The state kept is the ids of the sessions active at the last poll and of their participants.
options:
  api_key:
    description:
      - Telnyx API v2 key. The E(TELNYX_API_KEY) environment variable is used when this option is not set.
    type: str
  base_url:
    description:
      - Base URL of the Telnyx API, including C(/v2). The E(TELNYX_BASE_URL) environment variable is used when
        this option is not set.
    type: str
    default: https://api.telnyx.com/v2
  room_ids:
    description:
      - Only the sessions of these rooms (UUIDs); all rooms when not set.
    type: list
    elements: str
  interval:
    description:
      - Seconds between two polls, at least 1.
    type: float
    default: 10
  max_backoff:
    description:
      - The most seconds between two polls after failed ones.
    type: float
    default: 300
  emit_existing:
    description:
      - Emit the sessions active at the first poll as V(video.room.session.started), and their present
        participants as V(video.room.participant.joined), instead of only recording them.
    type: bool
    default: false
  timeout:
    description:
      - The most seconds one request may take.
    type: raw
    default: 30
  validate_certs:
    description:
      - Verify the server's TLS certificate.
    type: bool
    default: true
  max_retries:
    description:
      - How many times the client retries one request after a connection error, a 429 or a temporary server
        error, before the poll counts as failed.
    type: raw
    default: 5
  max_retry_wait:
    description:
      - The most seconds spent waiting between retries of one request.
    type: raw
    default: 60
  concurrency:
    description:
      - Requests in flight at once (page fetches), V(auto) or a whole number from 1 to 256.
    type: raw
    default: auto
  max_concurrency:
    description:
      - The most requests in flight that O(concurrency=auto) may reach.
    type: raw
    default: 64
"""

EXAMPLES = r"""
- name: Room sessions as events
  hosts: localhost
  sources:
    - commsops.sessions.room_session_events:
        api_key: "{{ telnyx_api_key }}"
        room_ids:
          - 0ccc7b54-4df3-4bca-a65a-3da1ecc777f0
        interval: 15
  rules:
    - name: A session ended
      condition: event.session_event.type == "video.room.session.ended"
      action:
        debug:
          msg: "Session {{ event.session_event.session_id }} ended"
"""

import logging  # noqa: E402  pylint: disable=wrong-import-position
import os  # noqa: E402  pylint: disable=wrong-import-position
import sys  # noqa: E402  pylint: disable=wrong-import-position

try:
    import ansible_collections.commsops.sessions.plugins.module_utils.session_events  # noqa: F401  pylint: disable=unused-import
except ImportError:
    # ansible-rulebook runs this file with runpy: put the tree that holds ansible_collections/ (seven levels up:
    # event_source, plugins, eda, extensions, sessions, commsops, ansible_collections) on the path.
    sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), *[os.pardir] * 7)))

# pylint: disable=wrong-import-position
from ansible_collections.commsops.sessions.plugins.module_utils.options import telnyx_argument_spec, telnyx_client  # noqa: E402
from ansible_collections.commsops.sessions.plugins.module_utils.session_events import (  # noqa: E402
    ROOM_PARTICIPANT_JOINED, ROOM_PARTICIPANT_LEFT, ROOM_SESSION_ENDED, ROOM_SESSION_STARTED, TELNYX, polled_event)
from ansible_collections.commsops.sessions.plugins.module_utils.validation import check_uuid_list  # noqa: E402
from ansible_collections.commsops.sessions.plugins.plugin_utils.event_polling import (  # noqa: E402
    check_arguments, option_getter, poll_settings, run_polls)

LOGGER = logging.getLogger(__name__)
SPEC = telnyx_argument_spec()


class RoomSessionPoller:
    """One poll at a time (run_polls calls it from a thread). seen: session id -> (room id, {participant id:
    present}) of the sessions active at the last good poll; None until the baseline."""

    name = "room_session_events"

    def __init__(self, client, room_ids, emit_existing):
        self.client = client
        self.redact = client.http.redact
        self.room_ids = room_ids
        self.emit_existing = emit_existing
        self.seen = None

    def prepare(self):
        """Nothing to look up before the first poll."""

    def close(self):
        self.client.http.close()

    def poll(self):
        """The events since the last poll; self.seen changes only when the whole poll worked."""
        baseline = self.seen is None
        emit = self.emit_existing or not baseline
        before = self.seen or {}
        events, now = [], {}
        for session in self._active():
            sid = session.get("id")
            # A server that ignored filter[active]: an ended session is judged below, as one no longer listed.
            if isinstance(sid, str) and sid not in now and session.get("active") is not False:
                now[sid] = self._changes(session, before.get(sid), events, emit, baseline)
        missing = [sid for sid in before if sid not in now]
        for sid, session in self.client.http.map(self._fetch, missing):
            room_id, known = before[sid]
            if session is not None and session.get("active") is not False:
                now[sid] = self._changes(session, before[sid], events, emit, baseline)  # a listing moved under us
                continue
            if session is None:  # gone from the API: what the last poll knew is all there is
                session = {"id": sid, "room_id": room_id}
                events.extend(self._event(ROOM_PARTICIPANT_LEFT, session, {"id": pid, "session_id": sid})
                              for pid, present in known.items() if present)
            else:
                self._changes(session, before[sid], events, emit, baseline)
            events.append(self._event(ROOM_SESSION_ENDED, session))
        self.seen = now
        return events

    def _active(self):
        """The active sessions with their participants: one listing, or one per room of room_ids."""
        if self.room_ids is None:
            yield from self.client.each_session({"active": True}, include_participants=True)
            return
        for room_id in self.room_ids:
            yield from self.client.each_session({"active": True, "room_id": room_id}, include_participants=True)

    def _fetch(self, sid):
        return sid, self.client.find_session(sid, include_participants=True)

    def _changes(self, session, previous, events, emit, baseline):
        """Append the events of one listed session; return what to remember of it: (room id, participants)."""
        known = previous[1] if previous is not None else {}
        if previous is None and emit:
            events.append(self._event(ROOM_SESSION_STARTED, session))
        participants = {}
        for participant in session.get("participants") or ():
            pid = participant.get("id") if isinstance(participant, dict) else None
            if not isinstance(pid, str):
                continue
            present = not participant.get("left_at")
            participants[pid] = present
            was = known.get(pid)
            if not emit:
                continue
            # At the baseline (emit_existing) only the present ones count as joined; later, one never seen
            # before joined, and if it has left already (a short visit) it left too.
            if was is None and (present or not baseline):
                events.append(self._event(ROOM_PARTICIPANT_JOINED, session, participant))
            if not present and (was or (was is None and not baseline)):
                events.append(self._event(ROOM_PARTICIPANT_LEFT, session, participant))
        if emit:
            events.extend(self._event(ROOM_PARTICIPANT_LEFT, session, {"id": pid, "session_id": session.get("id")})
                          for pid, present in known.items() if present and pid not in participants)
        return session.get("room_id"), participants

    @staticmethod
    def _event(type_, session, participant=None):
        return polled_event(TELNYX, type_, session, participant)


def poller(args):
    """The poller for the source's arguments, every one checked before any request."""
    args = check_arguments(args, SPEC, ("room_ids",))
    settings = poll_settings(args)
    room_ids = args.get("room_ids")
    if room_ids is not None:
        room_ids = list(dict.fromkeys(check_uuid_list(room_ids, "room_ids")))
    return RoomSessionPoller(telnyx_client(option_getter(args, SPEC)), room_ids, settings[2]), settings


async def main(queue, args):
    """Poll until cancelled (see DOCUMENTATION)."""
    source, (interval, max_backoff, _emit_existing) = poller(args)
    await run_polls(queue, source, interval, max_backoff, LOGGER)
