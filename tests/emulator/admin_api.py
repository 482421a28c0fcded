# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The admin API under /_emulator/ (no auth, never delayed, limited or faulted), as a route table.

Its handlers are handler(emulator, request), request.body the parsed JSON. tests/emulator/admin.py is its client.
"""

import json
import re

from . import seed as seeding
from .common import ApiAnswer
from .faults import parse_fault
from .routing import Request, Router, serve
from .state import TokenBucket


def stats(emulator, _request):
    return ApiAnswer(200, emulator.stats.as_json())


def reset_stats(emulator, _request):
    emulator.reset_stats()
    return ApiAnswer(200, {"reset": "stats"})


def reset(emulator, _request):
    emulator.reset()
    return ApiAnswer(200, {"reset": "all"})


def seed(emulator, request):
    body = request.body
    return ApiAnswer(200, seeding.seed(emulator.telnyx, emulator.twilio, int(body.get("room_sessions", 0)),
                                       int(body.get("proxy_sessions", 0)), body.get("seed", 0),
                                       float(body.get("active_ratio", 0.5)), body.get("rooms"), body.get("services")))


def fixtures(emulator, request):
    try:
        return ApiAnswer(200, seeding.fixtures(emulator.telnyx, emulator.twilio, request.body))
    except (KeyError, ValueError) as exc:
        return ApiAnswer(400, {"error": str(exc)})


def state(emulator, request):
    return ApiAnswer(200, {"room_sessions": emulator.telnyx.state(), "proxy_services": emulator.twilio.state(request.base)})


def config(emulator, request):
    for key in ("latency_ms", "rate_limit", "fault_rate", "max_concurrency"):
        if key in request.body:
            setattr(emulator, key, request.body[key])
    emulator.bucket = TokenBucket(emulator.rate_limit)  # a new rate starts with a full bucket
    return ApiAnswer(200, {"latency_ms": emulator.latency_ms, "rate_limit": emulator.rate_limit,
                           "fault_rate": emulator.fault_rate, "max_concurrency": emulator.max_concurrency})


def add_fault(emulator, request):
    try:
        fault = parse_fault(request.body)
    except (ValueError, TypeError, re.error) as exc:
        return ApiAnswer(400, {"error": str(exc)})
    emulator.faults.append(fault)
    return ApiAnswer(200, fault)


ROUTER = Router("/_emulator", routes=[
    ("GET", "/stats", stats),
    ("POST", "/stats/reset", reset_stats),
    ("POST", "/reset", reset),
    ("POST", "/seed", seed),
    ("POST", "/fixtures", fixtures),
    ("GET", "/state", state),
    ("POST", "/config", config),
    ("POST", "/faults", add_fault),
])


def handle(emulator, method, path, raw_body, base):
    """The admin API's answer to one request (path under /_emulator/)."""
    try:
        body = json.loads(raw_body) if raw_body else {}
    except ValueError:
        return ApiAnswer(400, {"error": "body must be JSON"})
    with emulator.lock:
        answer, _found = serve(ROUTER, emulator, Request(method, path, body=body, base=base))
    return answer or ApiAnswer(404, {"error": "no admin route %s %s" % (method, path[len("/_emulator/"):])})
