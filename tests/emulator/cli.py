# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The command line: its flags, and main, which serves until SIGINT or SIGTERM."""

import argparse
import signal
import sys
import threading

from .http_server import make_server

DEFAULTS = {
    "telnyx_api_key": "emulator-telnyx-key",
    "twilio_account_sid": "AC00000000000000000000000000000000",
    "twilio_auth_token": "emulator-twilio-token",
    "twilio_api_key": "SK00000000000000000000000000000000",
    "twilio_api_secret": "emulator-twilio-secret",
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Emulator of the Telnyx Video room-sessions and Twilio Proxy APIs")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    for name, value in DEFAULTS.items():
        parser.add_argument("--" + name.replace("_", "-"), default=value, help="default: %(default)s")
    parser.add_argument("--accounts", metavar="FILE", default=None,
                        help="JSON: more accounts besides the default credentials above, a list of "
                             '{"name", "telnyx_api_key", "twilio_account_sid", "twilio_auth_token", '
                             '"twilio_api_key", "twilio_api_secret"} (the last two optional)')
    parser.add_argument("--latency-ms", type=float, default=0, help="added to every API response")
    parser.add_argument("--rate-limit", type=float, default=0, help="API requests per second (0: no limit)")
    parser.add_argument("--fault-rate", type=float, default=0, help="fraction of API requests answered 503 or dropped")
    parser.add_argument("--max-concurrency", type=int, default=0, help="API requests in flight at once; more get 429 (0: no limit)")
    parser.add_argument("--seed-room-sessions", type=int, default=0)
    parser.add_argument("--seed-proxy-sessions", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0, help="makes seeded data and faults repeatable")
    parser.add_argument("--webhook-private-key", default=None, metavar="BASE64",
                        help="the Ed25519 key that signs Telnyx webhooks: base64 of its 32-byte seed (default: a new one)")
    parser.add_argument("--webhook-attempts", type=int, default=3, help="deliveries of an event before giving up")
    parser.add_argument("--webhook-backoff-ms", type=float, default=500, help="wait before the first retry (doubles)")
    return parser.parse_args(argv)


def main(argv=None):
    options = parse_args(argv)
    try:
        server = make_server(options)
    except (OSError, ValueError) as exc:  # a bad --accounts file, a port in use
        print("emulator: %s" % exc, file=sys.stderr)
        return 2

    def shutdown(_signum, _frame):
        # shutdown() waits for serve_forever to return: from the main thread's signal handler it would never.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    print("Emulator listening on http://%s:%d" % (options.host, server.server_address[1]), flush=True)
    server.serve_forever(poll_interval=0.2)
    server.server_close()
    return 0
