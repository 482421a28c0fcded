# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Twilio Proxy v1 services and their phone numbers (the number pool), and the numbers an account owns.

ServiceStore is the part of twilio.TwilioStore that keeps services: their fields and defaults, unique names
(unique per account: 80602), their pools (a number joins one service's pool once: 80104; only a number the account
owns: 80301; never two services' pools: 80601). The account's owned numbers are set through the admin API
(POST /_emulator/phone_numbers); the real API takes them from the account's IncomingPhoneNumbers.
"""

import json
import re

from .common import ApiAnswer, iso, now
from .routing import Refusal
from .twilio_wire import IS_RE, KS_RE, PN_RE, bad, error, form_of, found_or_404, new_sid
from .webhooks import INTERACTION, INTERCEPT, OUT_OF_SESSION, twilio_event

GEO_MATCH_LEVELS = ("area-code", "overlay", "radius", "country")
NUMBER_SELECTION_BEHAVIORS = ("avoid-sticky", "prefer-sticky")
URL_FIELDS = {"CallbackUrl": "callback_url", "InterceptCallbackUrl": "intercept_callback_url",
              "OutOfSessionCallbackUrl": "out_of_session_callback_url"}
SERVICE_DEFAULTS = {"default_ttl": 0, "callback_url": None, "intercept_callback_url": None,
                    "out_of_session_callback_url": None, "geo_match_level": "country",
                    "number_selection_behavior": "prefer-sticky", "chat_instance_sid": None}
E164_RE = re.compile(r"^\+[1-9][0-9]{6,14}$")
URL_RE = re.compile(r"^https?://[^\s/?#]+[^\s]*$")

SERVICES = "/Services"
SERVICE = SERVICES + "/{Sid}"
PHONE_NUMBERS = "/Services/{ServiceSid}/PhoneNumbers"
PHONE_NUMBER = PHONE_NUMBERS + "/{Sid}"


def default_name(sid):
    """The unique name of a service created without one (seeded, fixtures): KS...0001 is service-1."""
    return "service-%s" % (sid[2:].lstrip("0") or "0")


class ServiceStore:
    def __init__(self, account_sid):
        self.account_sid = account_sid
        self.services = {}  # sid -> the service's fields, its "sessions", "names" and "numbers" (its pool)
        self.owned = {}  # PN sid -> an owned number: sid, phone_number, friendly_name, iso_country, capabilities
        self.outbox = []  # callbacks noted, for webhooks.Webhooks.collect (only services with the callback's URL)

    # Data -----------------------------------------------------------------

    def add_service(self, service_sid, unique_name=None, **fields):
        """The service with this SID, created with the defaults (and these fields) when it is new."""
        if service_sid in self.services:
            return self.services[service_sid]
        stamp = now()
        service = dict(SERVICE_DEFAULTS, sid=service_sid, unique_name=unique_name or default_name(service_sid),
                       date_created=stamp, date_updated=stamp, sessions={}, names={}, numbers={})
        service.update((key, value) for key, value in fields.items() if key in SERVICE_DEFAULTS)
        self.services[service_sid] = service
        return service

    def service_named(self, unique_name):
        return next((s for s in self.services.values() if s["unique_name"] == unique_name), None)

    def own_number(self, phone_number, sid=None, friendly_name=None, iso_country="US", capabilities=None):
        """Make the account own a number (the admin API); the same number again keeps its SID."""
        if not isinstance(phone_number, str) or not E164_RE.match(phone_number):
            raise ValueError("phone_number must be E.164 (+ and 7 to 15 digits), got %r" % (phone_number,))
        known = self.owned_number(phone_number=phone_number)
        sid = sid or (known or {}).get("sid") or "PN%032d" % int(phone_number[1:])
        if not PN_RE.match(sid) or (known and known["sid"] != sid) or (sid in self.owned and self.owned[sid]["phone_number"] != phone_number):
            raise ValueError("sid %r must be PN and 32 hex digits, and not another owned number's" % (sid,))
        self.owned[sid] = {"sid": sid, "phone_number": phone_number, "friendly_name": friendly_name or phone_number,
                           "iso_country": iso_country,
                           "capabilities": capabilities or {"fax": False, "mms": True, "sms": True, "voice": True}}
        return self.owned[sid]

    def own_numbers(self, specs):
        """own_number for each spec ({"phone_number", ...}); a bad one leaves the owned numbers as they were."""
        before = dict(self.owned)
        try:
            return [dict(self.own_number(**spec)) for spec in specs]
        except (TypeError, ValueError):
            self.owned = before
            raise

    def owned_number(self, sid=None, phone_number=None):
        if sid:
            return self.owned.get(sid)
        return next((n for n in self.owned.values() if n["phone_number"] == phone_number), None)

    def pool_of(self, number_sid):
        """The service whose pool holds this number, or None."""
        return next((s for s in self.services.values() if number_sid in s["numbers"]), None)

    def render_service(self, base, service):
        url = "%s/v1/Services/%s" % (base, service["sid"])
        body = dict((key, service[key]) for key in SERVICE_DEFAULTS)
        body.update(sid=service["sid"], account_sid=self.account_sid, unique_name=service["unique_name"],
                    date_created=iso(service["date_created"], False), date_updated=iso(service["date_updated"], False),
                    url=url, links={"sessions": url + "/Sessions", "phone_numbers": url + "/PhoneNumbers"})
        return body

    def render_phone_number(self, base, service, entry):
        owned = self.owned[entry["sid"]]
        in_use = sum(1 for session in service["sessions"].values() if session["status"] != "closed" and any(
            p["proxy_identifier"] == owned["phone_number"] for p in session["participants"].values()))
        return {"sid": entry["sid"], "account_sid": self.account_sid, "service_sid": service["sid"],
                "date_created": iso(entry["date_created"], False), "date_updated": iso(entry["date_updated"], False),
                "phone_number": owned["phone_number"], "friendly_name": owned["friendly_name"],
                "iso_country": owned["iso_country"], "capabilities": dict(owned["capabilities"]),
                "url": "%s/v1/Services/%s/PhoneNumbers/%s" % (base, service["sid"], entry["sid"]),
                "is_reserved": entry["is_reserved"], "in_use": in_use}

    # Services ---------------------------------------------------------------

    def find_service_by_sid(self, request):
        """Loader of a service's own {Sid}: a fetch of a SID that is not one finds nothing (404)."""
        sid = request.params["Sid"]
        if request.method == "GET" and not KS_RE.match(sid):
            found_or_404(None, request)
        return self.service_of(request, sid)

    def list_services(self, request):
        services = sorted(self.services.values(), key=lambda s: (s["date_created"], s["sid"]))
        return self.page(request.base, request.path, services, request.query, "services",
                         lambda s: self.render_service(request.base, s))

    def create_service(self, request):
        fields = dict(form_of(request))
        if not fields.get("UniqueName"):
            return bad("UniqueName", "is required")
        checked = service_fields(fields)
        if isinstance(checked, ApiAnswer):
            return checked
        if self.service_named(checked["unique_name"]):
            return duplicate_name()
        service = self.add_service(new_sid("KS"), **checked)
        return ApiAnswer(201, self.render_service(request.base, service))

    def fetch_service(self, request, service):
        return ApiAnswer(200, self.render_service(request.base, service))

    def update_service(self, request, service):
        checked = service_fields(dict(form_of(request)))
        if isinstance(checked, ApiAnswer):
            return checked
        named = self.service_named(checked.get("unique_name"))
        if named is not None and named is not service:
            return duplicate_name()
        service.update(checked, date_updated=now())
        return ApiAnswer(200, self.render_service(request.base, service))

    def delete_service(self, _request, service):
        """The service goes with its sessions and its pool (its numbers stay owned by the account)."""
        del self.services[service["sid"]]
        return ApiAnswer(204)

    # Callbacks (the admin API makes interactions happen: the API has no route for it) -------------------

    def interaction(self, service, session, kind="message", body="", inbound_sid=None):
        """An interaction in an open or in-progress session, from inbound_sid (default its first participant) to
        the other: the intercept callback, then (unless the intercept answers 403) the callback. The session is
        in-progress from now on. ValueError for a closed session or an unknown participant. Returns the callback's
        fields."""
        if session["status"] == "closed":
            raise ValueError("session %s is closed: an interaction there is out of session" % session["sid"])
        people = list(session["participants"].values())
        inbound = session["participants"].get(inbound_sid) if inbound_sid else (people[0] if people else None)
        if inbound is None:
            raise ValueError("the session has no participant %s" % (inbound_sid or "at all"))
        outbound = next((p for p in people if p is not inbound), None)
        voice = kind == "voice"
        resource, prefix = ("Call", "CA") if voice else ("Message", "SM")
        fields = {"accountSid": self.account_sid, "interactionSid": new_sid("KI"), "interactionServiceSid": service["sid"],
                  "interactionSessionSid": session["sid"], "interactionAccountSid": self.account_sid,
                  "interactionType": "Voice" if voice else "Message",
                  "interactionData": json.dumps({} if voice else {"body": body}),
                  "inboundParticipantSid": inbound["sid"], "inboundResourceSid": new_sid(prefix),
                  "inboundResourceType": resource, "inboundResourceStatus": "in-progress" if voice else "received"}
        if outbound is not None:
            fields["outboundParticipantSid"] = outbound["sid"]
        callback = dict(fields, outboundResourceSid=new_sid(prefix), outboundResourceType=resource,
                        outboundResourceStatus="initiated" if voice else "sent")
        stamp = now()
        session.update(status="in-progress", date_last_interaction=stamp, date_updated=stamp)
        # The intercept comes before the outbound leg exists; the callback after, with it.
        entry = twilio_event(INTERCEPT, service["intercept_callback_url"], fields,
                             then=twilio_event(INTERACTION, service["callback_url"], callback))
        if entry:
            self.outbox.append(entry)
        return callback

    def out_of_session(self, service, session=None, sender="+15550001111", to="+15550002222", body=""):
        """A message to a number of the service's pool outside any session (session None) or for a closed one:
        the out-of-session callback. Returns its fields."""
        fields = {"accountSid": self.account_sid, "serviceSid": service["sid"], "From": sender, "To": to, "Body": body,
                  "inboundResourceSid": new_sid("SM"), "inboundResourceType": "Message",
                  "inboundResourceStatus": "received"}
        if session is not None:
            fields.update(sessionSid=session["sid"], sessionUniqueName=session["unique_name"] or "",
                          sessionStatus=session["status"], sessionClosedReason=session["closed_reason"] or "",
                          ttl=str(session["ttl"]))
        entry = twilio_event(OUT_OF_SESSION, service["out_of_session_callback_url"], fields)
        if entry:
            self.outbox.append(entry)
        return fields

    # Phone numbers ----------------------------------------------------------

    def find_phone_number(self, request, service):
        """Loader of a pool number's {Sid}."""
        sid = request.params["Sid"]
        if not PN_RE.match(sid):
            raise Refusal(bad("Sid", "must match ^PN[0-9a-fA-F]{32}$"))
        return found_or_404(service["numbers"].get(sid), request)

    def list_phone_numbers(self, request, service):
        entries = sorted(service["numbers"].values(), key=lambda e: (e["date_created"], e["sid"]))
        return self.page(request.base, request.path, entries, request.query, "phone_numbers",
                         lambda e: self.render_phone_number(request.base, service, e))

    def add_phone_number(self, request, service):
        fields = dict(form_of(request))
        reserved = flag(fields.get("IsReserved", "false"))
        if reserved is None:
            return bad("IsReserved", "must be true or false")
        owned = self.number_asked(fields)
        if isinstance(owned, ApiAnswer):
            return owned
        holder = self.pool_of(owned["sid"])
        if holder is service:
            return error(400, 80104, "This phone number is already in the Service's pool")
        if holder is not None:
            return error(400, 80601, "Phone Number is not available: it is in another Service's pool")
        stamp = now()
        entry = {"sid": owned["sid"], "is_reserved": reserved, "date_created": stamp, "date_updated": stamp}
        service["numbers"][owned["sid"]] = entry
        return ApiAnswer(201, self.render_phone_number(request.base, service, entry))

    def number_asked(self, fields):
        """The owned number a create names (Sid first, else PhoneNumber), or its 400."""
        sid, number = fields.get("Sid"), fields.get("PhoneNumber")
        if sid:
            if not PN_RE.match(sid):
                return bad("Sid", "must match ^PN[0-9a-fA-F]{32}$")
            owned = self.owned_number(sid=sid)
        elif number:
            if not E164_RE.match(number):
                return bad("PhoneNumber", "must be a phone number in E.164 format")
            owned = self.owned_number(phone_number=number)
        else:
            return bad("Sid", "give Sid or PhoneNumber")
        return owned or error(400, 80301, "Phone Number is not associated with the Account")

    def fetch_phone_number(self, request, service, phone_number):
        return ApiAnswer(200, self.render_phone_number(request.base, service, phone_number))

    def update_phone_number(self, request, service, phone_number):
        fields = dict(form_of(request))
        if "IsReserved" in fields:
            reserved = flag(fields["IsReserved"])
            if reserved is None:
                return bad("IsReserved", "must be true or false")
            phone_number.update(is_reserved=reserved, date_updated=now())
        return ApiAnswer(200, self.render_phone_number(request.base, service, phone_number))

    def remove_phone_number(self, _request, service, phone_number):
        del service["numbers"][phone_number["sid"]]
        return ApiAnswer(204)


def duplicate_name():
    return error(400, 80602, "A Service with this UniqueName already exists")


def flag(text):
    return {"true": True, "false": False}.get(str(text).lower())


def service_fields(fields):
    """The typed fields of a create or update (our names), or a 400 answer. An empty URL or ChatInstanceSid
    clears it."""
    checked = {}
    if "UniqueName" in fields:
        if not fields["UniqueName"] or len(fields["UniqueName"]) > 191:
            return bad("UniqueName", "must be 1 to 191 characters")
        checked["unique_name"] = fields["UniqueName"]
    if "DefaultTtl" in fields:
        if not re.match(r"^\d+$", fields["DefaultTtl"]):
            return bad("DefaultTtl", "must be a non-negative integer")
        checked["default_ttl"] = int(fields["DefaultTtl"])
    for wire, ours in URL_FIELDS.items():
        if wire in fields:
            if fields[wire] and not URL_RE.match(fields[wire]):
                return bad(wire, "must be an http or https URL")
            checked[ours] = fields[wire] or None
    for wire, ours, allowed in (("GeoMatchLevel", "geo_match_level", GEO_MATCH_LEVELS),
                                ("NumberSelectionBehavior", "number_selection_behavior", NUMBER_SELECTION_BEHAVIORS)):
        if wire in fields:
            if fields[wire] not in allowed:
                return bad(wire, "must be one of %s" % ", ".join(allowed))
            checked[ours] = fields[wire]
    if "ChatInstanceSid" in fields:
        if fields["ChatInstanceSid"] and not IS_RE.match(fields["ChatInstanceSid"]):
            return bad("ChatInstanceSid", "must match ^IS[0-9a-fA-F]{32}$")
        checked["chat_instance_sid"] = fields["ChatInstanceSid"] or None
    return checked
