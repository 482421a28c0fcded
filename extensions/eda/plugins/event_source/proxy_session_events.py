# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Event-Driven Ansible source: Twilio Proxy sessions, polled."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
short_description: Poll Twilio Proxy sessions and emit what changed
description:
  - 'Lists the sessions of each service of O(service_sids) every O(interval) seconds and emits an event for each
    change since the previous poll. Proxy has no callback for session changes: this source is how a rulebook
    hears of them. V(proxy.session.created) for a session not seen before; V(proxy.session.closed) for a
    session whose status became V(closed) (a session created and closed between two polls gets both);
    V(proxy.session.status_changed) for any other change of status; V(proxy.session.deleted) for a session gone
    from the service.'
  - The first poll only records what exists (the baseline) and emits nothing, unless O(emit_existing=true).
  - 'Each event is C({"session_event": {...}, "payload": ...}); C(session_event) has C(vendor) (V(twilio)),
    C(type), C(id) (a SHA-1 of vendor, type, session and time, stable across polls), C(session_id),
    C(service_sid), C(participant_id) (always null here), C(occurred_at) (ISO 8601 UTC; the session''s
    C(date_created), C(date_updated) or C(date_ended), and the time of the poll for a deletion) and C(source)
    (V(poll)); C(payload) is the session as the API listed it (for a deleted one, its C(sid), C(service_sid) and
    last C(status)).'
  - "Requests per poll: one per 1000 sessions of each service (the Proxy API cannot filter sessions by status),
    plus one for each session listed at the previous poll and not at this one, to tell deleted from a listing
    that moved. Unique names in O(service_sids) are resolved to SIDs once, with one listing of the services,
    before the first poll."
  - A failed poll (an API error after the client's own retries, a network error) is logged and retried after a
    backoff that doubles from O(interval) up to O(max_backoff) and resets after a good poll; it emits nothing and
    the source keeps the previous poll's state, so a failure never makes a false event. The source stops when
    cancelled, closing its HTTP client.
  - The state kept is the SID and status of each session listed at the last poll.
options:
  service_sids:
    description:
      - The Proxy services to watch, each a service SID (C(KS) and 32 hexadecimal digits) or a service's unique
        name. A value that starts with C(KS) is read as a SID and must be one. A unique name no service has
        ends the source with an error naming it.
    type: list
    elements: str
    required: true
  account_sid:
    description:
      - Twilio Account SID, with O(auth_token). The E(TWILIO_ACCOUNT_SID) environment variable is used when this
        option is not set.
    type: str
  auth_token:
    description:
      - Twilio Auth Token. The E(TWILIO_AUTH_TOKEN) environment variable is used when this option is not set.
    type: str
  api_key:
    description:
      - Twilio API Key SID, used instead of the Account SID and Auth Token when set. The E(TWILIO_API_KEY)
        environment variable is used when this option is not set.
    type: str
  api_secret:
    description:
      - The API Key's secret. The E(TWILIO_API_SECRET) environment variable is used when this option is not set.
    type: str
  base_url:
    description:
      - Base URL of the Proxy API. The E(TWILIO_PROXY_BASE_URL) environment variable is used when this option is
        not set.
    type: str
    default: https://proxy.twilio.com
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
      - Emit the sessions listed at the first poll as V(proxy.session.created) instead of only recording them.
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
      - Requests in flight at once, V(auto) or a whole number from 1 to 256.
    type: raw
    default: auto
  max_concurrency:
    description:
      - The most requests in flight that O(concurrency=auto) may reach.
    type: raw
    default: 64
"""

EXAMPLES = r"""
- name: Proxy sessions as events
  hosts: localhost
  sources:
    - commsops.sessions.proxy_session_events:
        service_sids:
          - support-line
          - KS00000000000000000000000000000001
        interval: 30
  rules:
    - name: A session closed
      condition: event.session_event.type == "proxy.session.closed"
      action:
        debug:
          msg: "Session {{ event.session_event.session_id }} of {{ event.session_event.service_sid }} closed"
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
from ansible_collections.commsops.sessions.plugins.module_utils.options import twilio_argument_spec, twilio_client  # noqa: E402
from ansible_collections.commsops.sessions.plugins.module_utils.proxy_service_ref import (  # noqa: E402
    check_service_refs, service_sids_of)
from ansible_collections.commsops.sessions.plugins.module_utils.session_events import (  # noqa: E402
    PROXY_SESSION_CLOSED, PROXY_SESSION_CREATED, PROXY_SESSION_DELETED, PROXY_SESSION_STATUS_CHANGED, TWILIO,
    polled_event)
from ansible_collections.commsops.sessions.plugins.module_utils.validation import InvalidInput  # noqa: E402
from ansible_collections.commsops.sessions.plugins.plugin_utils.event_polling import (  # noqa: E402
    check_arguments, option_getter, poll_settings, run_polls)

LOGGER = logging.getLogger(__name__)
SPEC = twilio_argument_spec()
CLOSED = "closed"
_UNSEEN = object()


class ProxySessionPoller:
    """One poll at a time (run_polls calls it from a thread). seen: service SID -> {session SID: status} of the
    sessions listed at the last good poll; None until the baseline."""

    name = "proxy_session_events"

    def __init__(self, client, service_refs, emit_existing):
        self.client = client
        self.redact = client.http.redact
        self.service_refs = service_refs
        self.services = None
        self.emit_existing = emit_existing
        self.seen = None

    def prepare(self):
        """Unique names to SIDs, once (one listing of the services; none when every value is a SID)."""
        self.services = list(dict.fromkeys(service_sids_of(self.client, self.service_refs, "service_sids")))

    def close(self):
        self.client.http.close()

    def poll(self):
        """The events since the last poll; self.seen changes only when the whole poll worked."""
        baseline = self.seen is None
        emit = self.emit_existing or not baseline
        before = self.seen or {}
        events, now = [], {}
        for service_sid in self.services:
            known = before.get(service_sid, {})
            current = now[service_sid] = {}
            for session in self.client.each_session(service_sid):
                sid = session.get("sid")
                if isinstance(sid, str) and sid not in current:
                    current[sid] = self._changes(session, known.get(sid, _UNSEEN), events, emit, baseline)
            missing = [sid for sid in known if sid not in current]
            for sid, session in self.client.http.map(lambda sid, service=service_sid: self._fetch(service, sid), missing):
                if session is not None:  # still there: the listing moved under us
                    current[sid] = self._changes(session, known[sid], events, emit, baseline)
                else:
                    events.append(polled_event(TWILIO, PROXY_SESSION_DELETED,
                                               {"sid": sid, "service_sid": service_sid, "status": known[sid]}))
        self.seen = now
        return events

    def _fetch(self, service_sid, sid):
        return sid, self.client.find_session(service_sid, sid=sid)

    @staticmethod
    def _changes(session, was, events, emit, baseline):
        """Append the events of one listed session; return its status, what is remembered of it."""
        status = session.get("status")
        if not emit:
            return status
        if was is _UNSEEN:
            events.append(polled_event(TWILIO, PROXY_SESSION_CREATED, session))
            if status == CLOSED and not baseline:
                events.append(polled_event(TWILIO, PROXY_SESSION_CLOSED, session))
        elif status != was:
            events.append(polled_event(TWILIO, PROXY_SESSION_CLOSED if status == CLOSED else PROXY_SESSION_STATUS_CHANGED,
                                       session))
        return status


def poller(args):
    """The poller for the source's arguments, every one checked before any request."""
    args = check_arguments(args, SPEC, ("service_sids",))
    settings = poll_settings(args)
    refs = args.get("service_sids")
    if refs is None or refs == []:
        raise InvalidInput("service_sids is required: the Proxy services to watch, by SID or unique name")
    refs = check_service_refs(refs, "service_sids")
    return ProxySessionPoller(twilio_client(option_getter(args, SPEC)), refs, settings[2]), settings


async def main(queue, args):
    """Poll until cancelled (see DOCUMENTATION)."""
    source, (interval, max_backoff, _emit_existing) = poller(args)
    await run_polls(queue, source, interval, max_backoff, LOGGER)
