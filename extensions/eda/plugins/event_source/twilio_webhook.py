# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
short_description: Receive Twilio Proxy callbacks, verified with X-Twilio-Signature
description:
  - An HTTP listener for the three callbacks of a Twilio Proxy service, one path for each of C(callback_url)
    (O(callback_path), events of type C(proxy.interaction)), C(intercept_callback_url) (O(intercept_path),
    C(proxy.interaction.intercept)) and C(out_of_session_callback_url) (O(out_of_session_path),
    C(proxy.out_of_session)).
  - Each request must carry C(X-Twilio-Signature), the Base64 HMAC-SHA1, keyed by the account's auth token, of
    the URL Twilio called followed by each form field's name and value, sorted by name. That URL is
    O(public_url) followed by the path and query of the request; like Twilio's own validator, the URL with and
    without its port are both tried.
  - Refused, with no event, are a missing or wrong signature (401), a body over O(max_body_bytes) (413, decided
    from C(Content-Length) before the body is read), a body that is not a form (400; another content type 415),
    another method than POST (405) and another path (404). A refusal's text never repeats what was sent.
  - Twilio's callbacks carry no timestamp, so a replay cannot be told by its age; instead an event whose
    C(session_event.id) was already put on the queue within O(replay_window) seconds is answered 204 and not
    queued again (a retried callback or a replayed request).
  - A good request gets 204 once its event is on the queue; one event per request, in the collection's one event
    shape (C(session_event) with C(vendor=twilio), C(type), C(id), C(session_id), C(service_sid),
    C(participant_id), C(occurred_at) (when it was received, as Twilio sends no time), C(source=webhook);
    C(payload) is the form, name to value, a list for a repeated name).
  - The listener speaks plain HTTP. Put it behind a reverse proxy that terminates TLS, and set O(public_url) to
    the URL Twilio calls.
  - Only the auth token signature (HMAC-SHA1) is accepted; a request signed with a webhook shared key
    (C(X-Twilio-Webhooks-Signature-Settings)) gets 401.
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
  public_url:
    description:
      - The URL that Twilio calls for this listener's root, without the callback paths, for example
        C(https://eda.example.com/proxy) when the service's C(callback_url) is
        C(https://eda.example.com/proxy/callback). Behind a reverse proxy the listener sees another URL
        than Twilio signed, so this is needed then.
      - If not set, C(http://) followed by the request's C(Host) header.
    type: str
  auth_token:
    description:
      - The Twilio account's auth token, which signs the callbacks. It never appears in events, logs or errors.
      - If not set, the environment variable E(TWILIO_AUTH_TOKEN) is used.
    type: str
  callback_path:
    description: The path of the service's C(callback_url).
    type: str
    default: /callback
  intercept_path:
    description: The path of the service's C(intercept_callback_url).
    type: str
    default: /intercept
  out_of_session_path:
    description: The path of the service's C(out_of_session_callback_url).
    type: str
    default: /out-of-session
  replay_window:
    description: Seconds an event id is remembered; the same id again within it is not queued again.
    type: int
    default: 300
  replay_memory:
    description: Event ids remembered at most (the oldest are forgotten first).
    type: int
    default: 100000
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
notes:
  - An intercept callback answered with 204 lets the interaction go on; this source cannot block one.
"""

EXAMPLES = r"""
- name: Twilio Proxy callbacks
  hosts: localhost
  sources:
    - commsops.sessions.twilio_webhook:
        host: 0.0.0.0
        port: 5001
        public_url: https://eda.example.com/proxy
        # auth_token from the environment variable TWILIO_AUTH_TOKEN
  rules:
    - name: A message reached a closed session
      condition: event.session_event.type == "proxy.out_of_session"
      action:
        debug:
          msg: "Out of session for {{ event.session_event.session_id }} in {{ event.session_event.service_sid }}"
"""

import asyncio
import base64
import hashlib
import hmac
import json
import os
import sys
from urllib.parse import parse_qsl, urlparse

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

SIGNATURE_HEADER = "x-twilio-signature"
SETTINGS_HEADER = "x-twilio-webhooks-signature-settings"
FORM_TYPE = "application/x-www-form-urlencoded"
MAX_FIELDS = 1000


def signature(token, url, pairs):
    """Twilio's signature: Base64 HMAC-SHA1 over the URL, then each name and value, names sorted (values too)."""
    values = {}
    for name, value in pairs:
        values.setdefault(name, set()).add(value)
    text = url + "".join(name + value for name in sorted(values) for value in sorted(values[name]))
    return base64.b64encode(hmac.new(token.encode("utf-8"), text.encode("utf-8"), hashlib.sha1).digest())


def url_variants(url):
    """The URL with and without its port, as Twilio's RequestValidator tries both (its signing is not consistent)."""
    parsed = urlparse(url)
    port = parsed.port  # ValueError for a malformed port
    host = parsed.netloc.split(":")[0]
    default = 443 if parsed.scheme == "https" else 80
    return [parsed._replace(netloc=host).geturl(),
            parsed._replace(netloc="%s:%s" % (host, port or default)).geturl()]


def parse_form(request):
    """The form's (name, value) pairs; wl.Refused when the body is not a form."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != FORM_TYPE:
        raise wl.Refused(415, "expected %s" % FORM_TYPE)
    try:
        return parse_qsl(request.body.decode("utf-8"), keep_blank_values=True, strict_parsing=True,
                         max_num_fields=MAX_FIELDS)
    except ValueError:  # UnicodeDecodeError is one
        raise wl.Refused(400, "malformed form")


def as_fields(pairs):
    fields = {}
    for name, value in pairs:
        if name not in fields:
            fields[name] = value
        elif isinstance(fields[name], list):
            fields[name].append(value)
        else:
            fields[name] = [fields[name], value]
    return fields


class TwilioWebhook:
    def __init__(self, queue, args, environ=None):
        self.token = wl.option(args, "auth_token", env="TWILIO_AUTH_TOKEN", environ=environ)
        if not self.token:
            raise ValueError("auth_token is required (the option or TWILIO_AUTH_TOKEN)")
        self.public_url = (args.get("public_url") or "").rstrip("/") or None
        self.queue = queue
        self.seen = wl.SeenRecently(wl.number(args, "replay_window", 300, minimum=1),
                                    wl.number(args, "replay_memory", 100000, minimum=1))
        self.options = wl.listener_options(args)
        routes = {}
        for kind, default in (("callback", "/callback"), ("intercept", "/intercept"),
                              ("out_of_session", "/out-of-session")):
            routes[args.get(kind + "_path") or default] = self._handler(kind)
        if len(routes) != 3:
            raise ValueError("callback_path, intercept_path and out_of_session_path must differ")
        self.listener = wl.Listener(routes, self.options["max_body_bytes"], self.options["read_timeout"],
                                    self.options["max_connections"], name="twilio_webhook")

    def _handler(self, kind):
        async def handle(request):
            return await self.handle(kind, request)
        return handle

    def signed_url(self, request):
        base = self.public_url
        if base is None:
            host = request.headers.get("host")
            if not host:
                raise wl.Refused(400, "no Host header and no public_url")
            base = "http://" + host
        return base + request.target

    def check_signature(self, request, pairs):
        given = request.headers.get(SIGNATURE_HEADER)
        if not given:
            raise wl.Refused(401, "signature header missing")
        algorithm = dict(part.strip().partition("=")[::2] for part in request.headers.get(SETTINGS_HEADER, "").split(","))
        if algorithm.get("algorithm", "HMAC_SHA1").upper() != "HMAC_SHA1":
            raise wl.Refused(401, "only auth token (HMAC-SHA1) signatures are accepted")
        try:
            urls = url_variants(self.signed_url(request))
        except ValueError:
            raise wl.Refused(400, "malformed URL")
        given = given.strip().encode("latin-1")
        # Both variants are always computed, so the time taken does not tell which one matched.
        matches = [hmac.compare_digest(signature(self.token, url, pairs), given) for url in urls]
        if not any(matches):
            raise wl.Refused(401, "signature does not verify")

    async def handle(self, kind, request):
        pairs = parse_form(request)
        self.check_signature(request, pairs)
        event = session_events.twilio_callback_event(kind, as_fields(pairs))
        if self.seen.seen(event["session_event"]["id"]):
            return 204, ""  # a retry or a replay of an event already queued: acknowledged, not queued again
        await wl.put_event(self.queue, event)
        return 204, ""

    async def run(self):
        await self.listener.serve(self.options["host"], self.options["port"])


async def main(queue, args):
    """The event source: listen until cancelled."""
    await TwilioWebhook(queue, args, environ=os.environ).run()


if __name__ == "__main__":
    # Try it by hand: TWILIO_AUTH_TOKEN=... python twilio_webhook.py PORT [PUBLIC_URL]; events are printed.
    class _Printer:
        async def put(self, event):
            print(json.dumps(event))

    asyncio.run(main(_Printer(), {"port": int(sys.argv[1]) if len(sys.argv) > 1 else 5001,
                                  "public_url": sys.argv[2] if len(sys.argv) > 2 else None}))
