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
from .common import ApiAnswer, now
from .faults import EVENT_FAULT_MODES, parse_event_fault, parse_fault
from .routing import Refusal, Request, Router, serve
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


def own_phone_numbers(emulator, request):
    """{"phone_numbers": ["+1555...", {"phone_number", "sid", "friendly_name", "iso_country", "capabilities"}]}: the
    account owns these numbers from now on (what Twilio's IncomingPhoneNumbers would list); all or none."""
    try:
        account = account_of(emulator, request)
    except UnknownAccount as exc:
        return no_such_account(exc.args[0])
    specs = request.body.get("phone_numbers")
    if not isinstance(specs, list):
        return ApiAnswer(400, {"error": "phone_numbers must be a list of E.164 numbers or objects"})
    specs = [spec if isinstance(spec, dict) else {"phone_number": spec} for spec in specs]
    try:
        return ApiAnswer(200, {"phone_numbers": account.twilio.own_numbers(specs)})
    except (TypeError, ValueError) as exc:
        return ApiAnswer(400, {"error": str(exc)})


def owned_phone_numbers(emulator, request):
    try:
        account = account_of(emulator, request)
    except UnknownAccount as exc:
        return no_such_account(exc.args[0])
    return ApiAnswer(200, {"phone_numbers": list(account.twilio.owned.values())})


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
    """An API fault, or an event fault (its mode one of EVENT_FAULT_MODES), for the webhooks."""
    event_fault = request.body.get("mode") in EVENT_FAULT_MODES
    try:
        fault = (parse_event_fault if event_fault else parse_fault)(request.body)
    except (ValueError, TypeError, re.error) as exc:
        return ApiAnswer(400, {"error": str(exc)})
    if event_fault:
        emulator.webhooks.add_fault(fault)
    else:
        emulator.faults.append(fault)
    return ApiAnswer(200, fault)


# Pushed events (webhooks.py) ------------------------------------------------------------

def webhook_key(emulator, _request):
    """The public half of the key pair that signs Telnyx webhooks (not a secret: a listener needs it)."""
    if emulator.webhooks.public_key is None:
        return ApiAnswer(503, {"error": "cryptography is not installed: Telnyx webhooks cannot be signed"})
    return ApiAnswer(200, {"public_key": emulator.webhooks.public_key, "algorithm": "ed25519"})


def deliveries(emulator, request):
    return ApiAnswer(200, emulator.webhooks.deliveries(request.query))


def webhook_settings(emulator, request):
    try:
        return ApiAnswer(200, emulator.webhooks.settings(request.body))
    except ValueError as exc:
        return ApiAnswer(400, {"error": str(exc)})


def telnyx_target(emulator, request, kind):
    """(account, the room or session the path names) or raise Refusal with the admin API's 404."""
    try:
        account = account_of(emulator, request)
    except UnknownAccount as exc:
        raise Refusal(no_such_account(exc.args[0])) from None
    key = "room_id" if kind == "room" else "id"
    found = (account.telnyx.rooms if kind == "room" else account.telnyx.sessions).get(request.params[key])
    if found is None:
        raise Refusal(ApiAnswer(404, {"error": "no %s %s in account %s" % (kind, request.params[key], account.name)}))
    return account, found


def start_room_session(emulator, request):
    """{"account"?, "id"?, "participants"?: [{"context", "id"?}]}: a session starts in the room (session.started,
    then participant.joined for each). 409 if the room has an active session."""
    account, room = telnyx_target(emulator, request, "room")
    store = account.telnyx
    try:
        session = store.start_session(room, request.body.get("id"))
        for spec in request.body.get("participants") or []:
            store.join(session, spec.get("context", ""), spec.get("id"))
    except ValueError as exc:
        return ApiAnswer(409, {"error": str(exc)})
    return ApiAnswer(201, store.render_session(session, True))


def join_room_session(emulator, request):
    """{"account"?, "context"?, "id"?}: a participant joins the active session (participant.joined)."""
    account, session = telnyx_target(emulator, request, "session")
    try:
        participant = account.telnyx.join(session, request.body.get("context", ""), request.body.get("id"))
    except ValueError as exc:
        return ApiAnswer(409, {"error": str(exc)})
    return ApiAnswer(201, account.telnyx.render_participant(participant))


def leave_room_session(emulator, request):
    """A participant still present leaves (participant.left, left_reason "left")."""
    account, session = telnyx_target(emulator, request, "session")
    participant = next((p for p in session["participants"] if p["id"] == request.params["participant_id"]), None)
    if participant is None:
        return ApiAnswer(404, {"error": "no participant %s in session %s" % (request.params["participant_id"], session["id"])})
    if participant["left_at"] is not None:
        return ApiAnswer(409, {"error": "participant %s has left already" % participant["id"]})
    account.telnyx.leave(session, participant, now())
    return ApiAnswer(200, account.telnyx.render_participant(participant))


def end_room_session(emulator, request):
    """The session ends as actions/end ends it (participant.left for those present, session.ended), with
    ended_reason "emulator". 409 if it has ended."""
    account, session = telnyx_target(emulator, request, "session")
    if not session["active"]:
        return ApiAnswer(409, {"error": "session %s has ended" % session["id"]})
    account.telnyx.end_session(session, now(), "emulator")
    return ApiAnswer(200, account.telnyx.render_session(session, True))


def proxy_target(emulator, request, need_session):
    """(account, service, session or None) the body names, or raise Refusal with the admin API's 400 or 404."""
    try:
        account = account_of(emulator, request)
    except UnknownAccount as exc:
        raise Refusal(no_such_account(exc.args[0])) from None
    service = account.twilio.services.get(request.body.get("service_sid"))
    if service is None:
        raise Refusal(ApiAnswer(404, {"error": "no service %s in account %s" % (request.body.get("service_sid"), account.name)}))
    sid = request.body.get("session_sid")
    if sid is None and not need_session:
        return account, service, None
    session = service["sessions"].get(sid)
    if session is None:
        raise Refusal(ApiAnswer(404, {"error": "no session %s in service %s" % (sid, service["sid"])}))
    return account, service, session


def proxy_interaction(emulator, request):
    """{"account"?, "service_sid", "session_sid", "type"?: "message"|"voice", "body"?, "inbound_participant_sid"?}:
    an interaction: the intercept callback, then the callback. Answers the callback's fields."""
    account, service, session = proxy_target(emulator, request, True)
    kind = request.body.get("type", "message")
    if kind not in ("message", "voice"):
        return ApiAnswer(400, {"error": "type must be message or voice"})
    try:
        fields = account.twilio.interaction(service, session, kind, str(request.body.get("body", "")),
                                            request.body.get("inbound_participant_sid"))
    except ValueError as exc:
        return ApiAnswer(409, {"error": str(exc)})
    return ApiAnswer(200, {"fields": fields})


def proxy_out_of_session(emulator, request):
    """{"account"?, "service_sid", "session_sid"? (a closed session), "from"?, "to"?, "body"?}: the out-of-session
    callback. Answers its fields."""
    account, service, session = proxy_target(emulator, request, False)
    fields = account.twilio.out_of_session(service, session, str(request.body.get("from", "+15550001111")),
                                           str(request.body.get("to", "+15550002222")), str(request.body.get("body", "")))
    return ApiAnswer(200, {"fields": fields})


ROUTER = Router("/_emulator", routes=[
    ("GET", "/stats", stats),
    ("POST", "/stats/reset", reset_stats),
    ("POST", "/reset", reset),
    ("POST", "/seed", seed),
    ("POST", "/fixtures", fixtures),
    ("GET", "/state", state),
    ("POST", "/state", state),  # what admin.py sends when given a body: {"account": name}
    ("GET", "/phone_numbers", owned_phone_numbers),
    ("POST", "/phone_numbers", own_phone_numbers),
    ("GET", "/accounts", list_accounts),
    ("POST", "/accounts", add_accounts),
    ("DELETE", "/accounts/{name}", remove_account),
    ("POST", "/config", config),
    ("POST", "/faults", add_fault),
    ("GET", "/webhook_key", webhook_key),
    ("GET", "/deliveries", deliveries),
    ("GET", "/webhooks", webhook_settings),
    ("POST", "/webhooks", webhook_settings),
    ("POST", "/rooms/{room_id}/sessions", start_room_session),
    ("POST", "/room_sessions/{id}/participants", join_room_session),
    ("POST", "/room_sessions/{id}/participants/{participant_id}/leave", leave_room_session),
    ("POST", "/room_sessions/{id}/end", end_room_session),
    ("POST", "/proxy_interaction", proxy_interaction),
    ("POST", "/out_of_session", proxy_out_of_session),
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
        for account in emulator.accounts.values():  # the events a route caused go out in the background
            emulator.webhooks.collect(account)
    return answer or ApiAnswer(404, {"error": "no admin route %s %s" % (method, path[len("/_emulator/"):])})
