# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
short_description: Receive Telnyx Video room webhooks, verified with the account's Ed25519 public key
description:
  - An HTTP listener for the webhooks a Telnyx Video room posts to its C(webhook_event_url)
    (C(video.room.session.started), C(video.room.session.ended), C(video.room.participant.joined),
    C(video.room.participant.left)).
  - Each request must carry C(telnyx-signature-ed25519), an Ed25519 signature (Base64, 64 bytes) over
    C(telnyx-timestamp), a C(|) and the raw body, made with the key whose public half is O(public_key).
  - Refused, with no event, are a missing or wrong signature (401), a timestamp further than O(tolerance)
    from now (401), a signature already seen (a replay, 401), a body over O(max_body_bytes) (413, decided from
    C(Content-Length) before the body is read), a body that is not a Telnyx event in JSON (400), another method
    than POST (405) and another path than O(path) (404). A refusal's text never repeats what was sent.
  - A good request gets 204 once its event is on the queue; one event per request, in the collection's one
    event shape (C(session_event) with C(vendor), C(type), C(id), C(session_id), C(room_id),
    C(participant_id), C(occurred_at), C(source=webhook); C(payload) is the body as parsed). C(id) is Telnyx's
    C(data.id), the same when Telnyx delivers an event twice, so a rule can drop duplicates.
  - The listener speaks plain HTTP. Put it behind a reverse proxy that terminates TLS for Telnyx to reach it.
author: commsops.sessions contributors
options:
  host:
    description:
      - The address to listen on. The default only accepts connections from this machine (safe for tests and
        for a reverse proxy on the same host); use C(0.0.0.0) to listen on every interface.
    type: str
    default: 127.0.0.1
  port:
    description: The TCP port to listen on.
    type: int
    required: true
  path:
    description: The path the room's C(webhook_event_url) points to; other paths get 404.
    type: str
    default: /
  public_key:
    description:
      - The Telnyx account's webhook public key, Base64 (32 bytes, Ed25519), as the portal shows it.
      - It is not a secret, but without it nothing is accepted.
      - If not set, the environment variable E(TELNYX_PUBLIC_KEY) is used.
    type: str
  tolerance:
    description:
      - Seconds C(telnyx-timestamp) may differ from this machine's clock, either way.
      - Signatures are remembered for twice this long, so a replay within the tolerance is refused.
    type: int
    default: 300
  max_body_bytes:
    description: The largest body accepted; a larger one gets 413.
    type: int
    default: 1048576
  read_timeout:
    description: Seconds a client has to send a request's headers, and again its body, before it gets 408.
    type: float
    default: 10
  max_connections:
    description: Open connections at most; one more gets 503 at once.
    type: int
    default: 512
  replay_memory:
    description: Signatures remembered at most (the oldest are forgotten first).
    type: int
    default: 100000
notes:
  - Webhooks may arrive twice or out of order; C(session_event.id) identifies a duplicate.
"""

EXAMPLES = r"""
- name: Telnyx Video room events
  hosts: localhost
  sources:
    - commsops.sessions.telnyx_webhook:
        host: 0.0.0.0
        port: 5000
        path: /telnyx/video
        public_key: "{{ telnyx_public_key }}"
  rules:
    - name: A session started
      condition: event.session_event.type == "video.room.session.started"
      action:
        debug:
          msg: "Room {{ event.session_event.room_id }} session {{ event.session_event.session_id }} started"
"""

import asyncio
import base64
import binascii
import json
import os
import sys
import time

try:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
except ImportError:  # pragma: no cover - ansible-core requires cryptography; main() says so if it is missing
    Ed25519PublicKey = None

try:
    from ansible_collections.commsops.sessions.plugins.module_utils import session_events
except ImportError:
    # ansible-rulebook runs this file with runpy: put the directory holding ansible_collections on the path.
    _root = os.path.abspath(__file__)
    for _level in range(8):  # event_source, plugins, eda, extensions, sessions, commsops, ansible_collections
        _root = os.path.dirname(_root)
    sys.path.insert(0, _root)
    from ansible_collections.commsops.sessions.plugins.module_utils import session_events
from ansible_collections.commsops.sessions.plugins.plugin_utils import webhook_listener as wl

SIGNATURE_HEADER = "telnyx-signature-ed25519"
TIMESTAMP_HEADER = "telnyx-timestamp"


def load_public_key(text):
    """The Ed25519 public key from its Base64 text; ValueError names the option, never echoes it."""
    if Ed25519PublicKey is None:
        raise ValueError("telnyx_webhook needs the Python package cryptography")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, TypeError, ValueError):
        raw = b""
    if len(raw) != 32:
        raise ValueError("public_key must be a Base64 Ed25519 public key (32 bytes)")
    return Ed25519PublicKey.from_public_bytes(raw)


def verify(public_key, headers, body, now, tolerance):
    """The request's signature (bytes) if it is Telnyx's and fresh; else raises wl.Refused(401, reason)."""
    signature = headers.get(SIGNATURE_HEADER)
    timestamp = headers.get(TIMESTAMP_HEADER)
    if not signature or not timestamp:
        raise wl.Refused(401, "signature or timestamp header missing")
    try:
        sent_at = int(timestamp)
    except ValueError:
        raise wl.Refused(401, "malformed timestamp")
    if abs(now - sent_at) > tolerance:
        raise wl.Refused(401, "timestamp outside the tolerance")
    try:
        raw = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 64:
        raise wl.Refused(401, "malformed signature")
    try:
        # Telnyx signs the timestamp as sent and the raw body: never a re-serialised one.
        public_key.verify(raw, timestamp.encode("latin-1") + b"|" + body)
    except InvalidSignature:
        raise wl.Refused(401, "signature does not verify")
    return raw


def parse_event(body):
    """The event of a verified body; wl.Refused(400) when it is not a Telnyx event in JSON."""
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError):
        raise wl.Refused(400, "body is not JSON")
    try:
        return session_events.telnyx_webhook_event(parsed)
    except session_events.InvalidEvent as exc:
        raise wl.Refused(400, "not a Telnyx event: %s" % exc)


class TelnyxWebhook:
    def __init__(self, queue, args, environ=None, clock=time.time):
        key = wl.option(args, "public_key", env="TELNYX_PUBLIC_KEY", environ=environ)
        if not key:
            raise ValueError("public_key is required (the option or TELNYX_PUBLIC_KEY)")
        self.public_key = load_public_key(key)
        self.queue = queue
        self.clock = clock
        self.tolerance = wl.number(args, "tolerance", 300, minimum=1)
        self.seen = wl.SeenRecently(2 * self.tolerance, wl.number(args, "replay_memory", 100000, minimum=1))
        self.options = wl.listener_options(args)
        path = args.get("path") or "/"
        self.listener = wl.Listener(
            {path: self.handle}, self.options["max_body_bytes"], self.options["read_timeout"],
            self.options["max_connections"], name="telnyx_webhook")

    async def handle(self, request):
        signature = verify(self.public_key, request.headers, request.body, self.clock(), self.tolerance)
        if self.seen.seen(signature):
            raise wl.Refused(401, "signature already used")
        await wl.put_event(self.queue, parse_event(request.body))
        return 204, ""

    async def run(self):
        await self.listener.serve(self.options["host"], self.options["port"])


async def main(queue, args):
    """The event source: listen until cancelled."""
    await TelnyxWebhook(queue, args, environ=os.environ).run()


if __name__ == "__main__":
    # Try it by hand: TELNYX_PUBLIC_KEY=... python telnyx_webhook.py PORT; events are printed.
    class _Printer:
        async def put(self, event):
            print(json.dumps(event))

    asyncio.run(main(_Printer(), {"port": int(sys.argv[1]) if len(sys.argv) > 1 else 5000}))
