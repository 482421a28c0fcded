# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The admin API under /_emulator/ (no auth, never delayed, limited or faulted), as a route table.

Its handlers are handler(emulator, request), request.body the parsed JSON. tests/emulator/admin.py is its client.
seed, fixtures and state act on one account: the one named by "account" (in the body, or ?account= for GET state),
else the first.
"""

import json
import re

from . import seed as seeding
from .common import ApiAnswer
from .faults import parse_fault
from .routing import Request, Router, serve
from .state import AccountConflict, TokenBucket, account_specs


class UnknownAccount(Exception):
    pass


def account_of(emulator, request):
    """The account the request names (body "account", or ?account=), else the first; UnknownAccount if none such."""
    name = request.body.get("account") if isinstance(request.body, dict) else None
    if name is None:
        name = dict(request.query).get("account")
    try:
        return emulator.account(name)
    except KeyError:
        raise UnknownAccount(name) from None


def no_such_account(name):
    return ApiAnswer(404, {"error": "no account named %r" % (name,)})


def stats(emulator, _request):
    return ApiAnswer(200, emulator.stats.as_json())


def reset_stats(emulator, _request):
    emulator.reset_stats()
    return ApiAnswer(200, {"reset": "stats"})


def reset(emulator, _request):
    emulator.reset()  # every account's stores; the accounts stay registered
    return ApiAnswer(200, {"reset": "all"})


def seed(emulator, request):
    body = request.body
    try:
        account = account_of(emulator, request)
    except UnknownAccount as exc:
        return no_such_account(exc.args[0])
    return ApiAnswer(200, seeding.seed(account.telnyx, account.twilio, int(body.get("room_sessions", 0)),
                                       int(body.get("proxy_sessions", 0)), body.get("seed", 0),
                                       float(body.get("active_ratio", 0.5)), body.get("rooms"), body.get("services")))


def fixtures(emulator, request):
    try:
        account = account_of(emulator, request)
    except UnknownAccount as exc:
        return no_such_account(exc.args[0])
    try:
        return ApiAnswer(200, seeding.fixtures(account.telnyx, account.twilio, request.body))
    except (KeyError, ValueError) as exc:
        return ApiAnswer(400, {"error": str(exc)})


def state(emulator, request):
    try:
        account = account_of(emulator, request)
    except UnknownAccount as exc:
        return no_such_account(exc.args[0])
    return ApiAnswer(200, {"room_sessions": account.telnyx.state(), "proxy_services": account.twilio.state(request.base)})


def list_accounts(emulator, _request):
    """Names only, in the order added (the first is the default): never a credential."""
    return ApiAnswer(200, {"accounts": list(emulator.accounts)})


def add_accounts(emulator, request):
    """One account, a list of them or {"accounts": [...]}; all are added or none. 201 when one was new, else 200."""
    try:
        done = emulator.add_accounts(account_specs(request.body))
    except AccountConflict as exc:
        return ApiAnswer(409, {"error": str(exc)})
    except ValueError as exc:
        return ApiAnswer(400, {"error": str(exc)})
    return ApiAnswer(201 if any(created for _name, created in done) else 200,
                     {"added": [name for name, created in done if created],
                      "unchanged": [name for name, created in done if not created], "accounts": list(emulator.accounts)})


def remove_account(emulator, request):
    name = request.params["name"]
    try:
        emulator.remove_account(name)
    except KeyError:
        return no_such_account(name)
    except ValueError as exc:
        return ApiAnswer(400, {"error": str(exc)})
    return ApiAnswer(200, {"removed": name, "accounts": list(emulator.accounts)})


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
    ("POST", "/state", state),  # what admin.py sends when given a body: {"account": name}
    ("GET", "/accounts", list_accounts),
    ("POST", "/accounts", add_accounts),
    ("DELETE", "/accounts/{name}", remove_account),
    ("POST", "/config", config),
    ("POST", "/faults", add_fault),
])


def handle(emulator, method, path, raw_body, base, query=()):
    """The admin API's answer to one request (path under /_emulator/; query: its (name, value) pairs)."""
    try:
        body = json.loads(raw_body) if raw_body else {}
    except ValueError:
        return ApiAnswer(400, {"error": "body must be JSON"})
    if not isinstance(body, dict) and path.rstrip("/") != "/_emulator/accounts":
        return ApiAnswer(400, {"error": "body must be a JSON object"})
    with emulator.lock:
        answer, _found = serve(ROUTER, emulator, Request(method, path, query, body=body, base=base))
    return answer or ApiAnswer(404, {"error": "no admin route %s %s" % (method, path[len("/_emulator/"):])})
