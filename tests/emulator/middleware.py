# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The way of an API request (not /_emulator/) through the emulator: one step after another, then the router.

Each step in STEPS is step(emulator, call): it may note something on the call (a fault drawn, a wait) and
returns a Reply to end the request there, or None to go on; the last, route, always replies. The steps in
FINISH then reshape the error as the vendor's document says, add the rate limit's headers and count the request,
before it is sent. The server calls leave_in_flight once the answer is sent (or not), whatever happened.
"""

import json
import math
import re
import time

from .common import ApiAnswer
from .faults import CANNED_MODES, draw_fault
from .routing import Request, serve
from .state import WRITE_METHODS
from .telnyx import API as TELNYX
from .twilio import API as TWILIO

APIS = (TELNYX, TWILIO)
LISTING = re.compile(r"/(room_sessions|sessions|participants)/?$", re.IGNORECASE)  # what wrong_shape_200 answers as a list


class Call:
    """One API request on its way through the steps, and what they decided about it."""

    def __init__(self, method, path, query, headers, body, base):
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.base = base  # http://host:port as the client reached us, for the links in Twilio's answers
        self.api = next((api for api in APIS if path.startswith(api.prefix)), None)
        self.fault = None  # the scheduled fault this request drew
        self.mode = None  # the fault mode it meets, scheduled or random
        self.wait = 0  # seconds until the rate limit lets one more through
        self.bucket = None  # the rate limit's (limit, tokens left, seconds until full) once this request took its token
        self.in_flight = False  # counted in emulator.in_flight: leave_in_flight must take it off
        self.crowded = False  # refused because max_concurrency requests were in flight
        self.account = None  # the account whose credentials the request carries, once authenticate knows it


class Reply:
    """What to send: the answer, how (dropped, trickled), and how it is counted.

    route: the name stats count it under (None: the path's template); as_is: sent as the fault gives it,
    not reshaped as the vendor's document says."""

    def __init__(self, answer, route=None, drop=False, as_is=False, interval_ms=0):
        self.answer = answer
        self.route = route
        self.drop = drop
        self.as_is = as_is
        self.interval_ms = interval_ms


# Steps before the route ---------------------------------------------------------

def draw_scheduled_fault(emulator, call):
    with emulator.lock:
        call.fault = draw_fault(emulator.faults, call.method, call.path)
    call.mode = call.fault["mode"] if call.fault else None


def enter_in_flight(emulator, call):
    """Count the request in flight, or refuse it at once (no latency, no token) when max_concurrency already are."""
    if call.api is None:  # not an API request: refuse_unknown_path answers it
        return None
    with emulator.lock:
        call.crowded = bool(emulator.max_concurrency) and emulator.in_flight >= emulator.max_concurrency
        if call.crowded:
            call.bucket = emulator.bucket.state()  # refused without taking a token, it still tells what is left
        else:
            emulator.in_flight += 1
            call.in_flight = True
            emulator.stats.peak_in_flight = max(emulator.stats.peak_in_flight, emulator.in_flight)
    # Twilio documents its concurrency 429 (20429) with no Retry-After: the client backs off by itself.
    return Reply(too_many_requests(emulator, call, None)) if call.crowded else None


def leave_in_flight(emulator, call):
    """Called by the server once the answer is written, dropped or lost to an error."""
    if call.in_flight:
        call.in_flight = False
        with emulator.lock:
            emulator.in_flight -= 1


def take_rate_token(emulator, call):
    with emulator.lock:
        call.wait = emulator.bucket.take()
        call.bucket = emulator.bucket.state()


def draw_random_fault(emulator, call):
    """fault_rate of the requests no other fault or the rate limit meets: 503, or dropped (after applying a write)."""
    if call.fault or call.wait or not emulator.fault_rate:
        return
    dropped = "drop_after" if call.method in WRITE_METHODS else "drop_before"
    with emulator.lock:
        if emulator.rng.random() < emulator.fault_rate:
            call.mode = emulator.rng.choice(("503", "drop_before", dropped))


def wait_fault_delay(_emulator, call):
    if call.fault and call.fault.get("delay_ms"):
        time.sleep(call.fault["delay_ms"] / 1000.0)


def add_latency(emulator, _call):
    if emulator.latency_ms:
        time.sleep(emulator.latency_ms / 1000.0)


def refuse_unknown_path(_emulator, call):
    """Neither API's prefix: a plain 404, neither reshaped nor counted (the steps above did apply)."""
    if call.api is None:
        return Reply(ApiAnswer(404, {"message": "Not found"}), as_is=True)
    return None


def answer_rate_limited(emulator, call):
    if not call.wait and call.mode != "429":
        return None
    retry = max(1, int(math.ceil(call.wait))) if call.wait else 1
    with emulator.lock:
        reset = emulator.bucket.until_full() if call.wait else retry
    return Reply(too_many_requests(emulator, call, retry, reset))


def too_many_requests(emulator, call, retry, reset=None):
    """The vendor's 429, for the rate limit, a 429 fault or max_concurrency alike. Retry-After is whole
    seconds (HTTP); Telnyx's x-ratelimit-reset says to the millisecond when the limit resets (the bucket is
    full again), which is sooner than the whole second."""
    answer = call.api.standard_error(429)
    if retry is not None:
        answer.headers["Retry-After"] = str(retry)
        answer.headers.update(call.api.limit_headers(int(emulator.rate_limit or 0), 0, retry if reset is None else reset))
    return answer


def answer_unavailable(_emulator, call):
    if call.mode not in ("503", "drop_before"):
        return None
    return Reply(call.api.standard_error(503), drop=call.mode == "drop_before")


def answer_canned(_emulator, call):
    """A canned fault answers in place of the request, which is not applied."""
    if call.mode not in CANNED_MODES:
        return None
    return Reply(canned_answer(call), as_is=True)


def canned_answer(call):
    if call.mode == "empty_200":
        return ApiAnswer(200, b"")
    if call.mode == "echo_headers":
        return call.api.echo_headers(call.fault["status"], call.headers)
    if "body" in call.fault:
        return ApiAnswer(200, json.dumps(call.fault["body"]).encode())
    return ApiAnswer(200, call.api.wrong_shape(call.method == "GET" and bool(LISTING.search(call.path))))


def authenticate(emulator, call):
    """The credentials pick the account (each sees only its own stores), or the vendor's 401."""
    with emulator.lock:
        call.account, denied = call.api.authenticate(call.headers.get("Authorization") or "", list(emulator.accounts.values()))
    return Reply(denied) if denied else None


def route(emulator, call):
    """The vendor's route table answers, on the account's stores; a path or method it does not serve is the
    vendor's 404."""
    request = Request(call.method, clean_path(call.path), call.query, call.body, call.base)
    with emulator.lock:
        answer, found = serve(call.api.router, call.account.stores[call.api.name], request)
        emulator.webhooks.collect(call.account)  # the events the route caused (actions/end...) go out in the background
    return Reply(answer or call.api.standard_error(404), found.name, drop=call.mode == "drop_after",
                 interval_ms=call.fault["interval_ms"] if call.mode == "slow_body" else 0)


def clean_path(path):
    """The path without empty segments: the APIs take /v2//room_sessions/ as /v2/room_sessions."""
    return "/" + "/".join(segment for segment in path.split("/") if segment)


# Steps after ----------------------------------------------------------------------

def reshape_error(_emulator, call, reply):
    if not reply.as_is:
        reply.answer = call.api.documented_error(reply.answer, route_name(call, reply))


def add_limit_headers(_emulator, call, reply):
    """With a rate limit, every answer (Telnyx's: Twilio's limit_headers are none) says what its token left."""
    if call.bucket:
        for name, value in call.api.limit_headers(*call.bucket).items():
            reply.answer.headers.setdefault(name, value)  # a 429's own reset (to the millisecond) stays


def account(emulator, call, reply):
    """Count it; under by_account too when its credentials name an account, even if answered before the auth step."""
    with emulator.lock:
        owner = call.account
        if owner is None:
            owner, _denied = call.api.authenticate(call.headers.get("Authorization") or "", list(emulator.accounts.values()))
        emulator.stats.add(call.method, route_name(call, reply), "dropped" if reply.drop else reply.answer.status,
                           owner.name if owner else None)
        emulator.stats.in_flight_limited += call.crowded


def route_name(call, reply):
    return reply.route or "%s %s" % (call.method, call.api.path_template(call.path))


STEPS = (draw_scheduled_fault, enter_in_flight, take_rate_token, draw_random_fault, wait_fault_delay, add_latency,
         refuse_unknown_path, answer_rate_limited, answer_unavailable, answer_canned, authenticate, route)
FINISH = (reshape_error, add_limit_headers, account)


def handle(emulator, call):
    """Runs the steps in order until one replies; then FINISH, for the paths of an API. Returns the Reply."""
    reply = None
    for step in STEPS:
        reply = step(emulator, call)
        if reply:
            break
    if call.api:
        for step in FINISH:
            step(emulator, call, reply)
    return reply
