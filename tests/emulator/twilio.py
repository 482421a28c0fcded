# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Twilio Proxy v1 sessions and participants: state, the service's rules, and the routes under /v1.

Services and their phone numbers are in twilio_services.py (ServiceStore, which TwilioStore extends)."""

import base64
import json
import re
from urllib.parse import unquote

from .common import STANDARD_TITLES, Api, ApiAnswer, echo_parts, iso, now, parse_datetime
from .routing import Refusal, Router
from .twilio_services import PHONE_NUMBER, PHONE_NUMBERS, SERVICE, SERVICES, ServiceStore
from .twilio_wire import KC_RE, KP_RE, KS_RE, PN_RE, bad, error, form_of, found_or_404, new_sid

MODES = ("message-only", "voice-only", "voice-and-message")
STATUSES = ("open", "in-progress", "closed")
MAX_PARTICIPANTS = 2


class TwilioStore(ServiceStore):
    """One account's Proxy services (ServiceStore), their sessions and participants."""

    # Data -----------------------------------------------------------------

    def add_session(self, service_sid, unique_name=None, status="open", ttl=0, mode="voice-and-message",
                    date_expiry=None, created=None, last_interaction=None, updated=None, participants=(), sid=None):
        service = self.add_service(service_sid)
        created = created or now()
        session = {"sid": sid or new_sid("KC"), "service_sid": service_sid, "unique_name": unique_name, "status": status,
                   "ttl": ttl, "mode": mode, "date_expiry": date_expiry, "date_created": created,
                   "date_updated": updated or last_interaction or created, "date_started": created,
                   "date_last_interaction": last_interaction, "date_ended": None, "closed_reason": None,
                   "participants": {}}
        if status == "closed":
            session["date_ended"] = session["date_updated"]
            session["closed_reason"] = "api"
        service["sessions"][session["sid"]] = session
        if unique_name:
            service["names"][unique_name] = session["sid"]
        for spec in participants:
            self.add_participant(session, spec.get("identifier") or spec.get("Identifier"),
                                 spec.get("friendly_name", spec.get("FriendlyName")),
                                 spec.get("proxy_identifier") or spec.get("ProxyIdentifier"), created)
        return session

    @staticmethod
    def add_participant(session, identifier, friendly_name=None, proxy_identifier=None, created=None):
        created = created or now()
        participant = {"sid": new_sid("KP"), "identifier": identifier, "friendly_name": friendly_name,
                       "proxy_identifier": proxy_identifier or "+15550000000", "proxy_identifier_sid": "PN" + "0" * 32,
                       "date_created": created, "date_updated": created}
        session["participants"][participant["sid"]] = participant
        return participant

    def render_session(self, base, session):
        url = "%s/v1/Services/%s/Sessions/%s" % (base, session["service_sid"], session["sid"])
        return {"sid": session["sid"], "service_sid": session["service_sid"], "account_sid": self.account_sid,
                "date_started": iso(session["date_started"], False), "date_ended": iso(session["date_ended"], False),
                "date_last_interaction": iso(session["date_last_interaction"], False),
                "date_expiry": iso(session["date_expiry"], False), "unique_name": session["unique_name"],
                "status": session["status"], "closed_reason": session["closed_reason"], "ttl": session["ttl"],
                "mode": session["mode"], "date_created": iso(session["date_created"], False),
                "date_updated": iso(session["date_updated"], False), "url": url,
                "links": {"interactions": url + "/Interactions", "participants": url + "/Participants"}}

    def render_participant(self, base, session, participant):
        url = "%s/v1/Services/%s/Sessions/%s/Participants/%s" % (base, session["service_sid"], session["sid"], participant["sid"])
        return {"sid": participant["sid"], "session_sid": session["sid"], "service_sid": session["service_sid"],
                "account_sid": self.account_sid, "friendly_name": participant["friendly_name"],
                "identifier": participant["identifier"], "proxy_identifier": participant["proxy_identifier"],
                "proxy_identifier_sid": participant["proxy_identifier_sid"], "date_deleted": None,
                "date_created": iso(participant["date_created"], False),
                "date_updated": iso(participant["date_updated"], False), "url": url,
                "links": {"message_interactions": url + "/MessageInteractions"}}

    def state(self, base):
        return dict((sid, [dict(self.render_session(base, s),
                                participants=[self.render_participant(base, s, p) for p in s["participants"].values()])
                           for s in service["sessions"].values()])
                    for sid, service in self.services.items())

    # Routes (the table, ROUTER, is below the class) ---------------------------

    def find_service(self, request):
        """Loader of {ServiceSid}."""
        return self.service_of(request, request.params["ServiceSid"])

    def service_of(self, request, service_sid):
        if not KS_RE.match(service_sid):
            raise Refusal(bad("ServiceSid", "must match ^KS[0-9a-fA-F]{32}$"))
        return found_or_404(self.services.get(service_sid), request)

    def find_session(self, request, service, key=None):
        """Loader of {SessionSid}: by SID only."""
        key = unquote(request.params["SessionSid"]) if key is None else key
        if not KC_RE.match(key):
            raise Refusal(bad("Sid", "must match ^KC[0-9a-fA-F]{32}$"))
        return found_or_404(service["sessions"].get(key), request)

    def find_session_or_name(self, request, service):
        """Loader of a session's own {Sid}: a fetch (GET) accepts the UniqueName too."""
        key = unquote(request.params["Sid"])
        if request.method == "GET" and not KC_RE.match(key):
            key = found_or_404(service["names"].get(key), request)
        return self.find_session(request, service, key)

    def find_participant(self, request, session, **_outer):
        """Loader of a participant's {Sid}."""
        participant_sid = request.params["Sid"]
        if not KP_RE.match(participant_sid):
            raise Refusal(bad("Sid", "must match ^KP[0-9a-fA-F]{32}$"))
        return found_or_404(session["participants"].get(participant_sid), request)

    def list_sessions(self, request, service):
        sessions = sorted(service["sessions"].values(), key=lambda s: (s["date_created"], s["sid"]))
        return self.page(request.base, request.path, sessions, request.query, "sessions",
                         lambda s: self.render_session(request.base, s))

    def fetch_session(self, request, session, **_outer):
        return ApiAnswer(200, self.render_session(request.base, session))

    def delete_session(self, _request, service, session):
        del service["sessions"][session["sid"]]
        service["names"].pop(session["unique_name"], None)
        return ApiAnswer(204)

    def list_participants(self, request, session, **_outer):
        return self.page(request.base, request.path, list(session["participants"].values()), request.query, "participants",
                         lambda p: self.render_participant(request.base, session, p))

    def fetch_participant(self, request, session, participant, **_outer):
        return ApiAnswer(200, self.render_participant(request.base, session, participant))

    def delete_participant(self, _request, session, participant, **_outer):
        del session["participants"][participant["sid"]]
        return ApiAnswer(200)  # the document's DeleteParticipant lists 200 with no body (its other deletes: 204)

    def page(self, base, path, items, query, key, render):
        params = dict(query)
        try:
            size = int(params.get("PageSize", "50"))
            number = int(params.get("Page", "0"))
        except ValueError:
            return bad("PageSize", "must be an integer")
        if not 1 <= size <= 1000:
            return bad("PageSize", "must be between 1 and 1000")
        offset = 0
        token = params.get("PageToken")
        if token:
            if not re.match(r"^PA\d+$", token):
                return error(400, 21481, "Invalid PageToken")
            offset = int(token[2:])
        chunk = items[offset:offset + size]
        url = "%s%s" % (base, path)

        def link(page, start):
            return "%s?PageSize=%d&Page=%d&PageToken=PA%d" % (url, size, page, start)

        meta = {"page": number, "page_size": size, "first_page_url": "%s?PageSize=%d&Page=0" % (url, size),
                "previous_page_url": link(number - 1, max(0, offset - size)) if offset > 0 else None,
                "next_page_url": link(number + 1, offset + size) if offset + size < len(items) else None,
                "url": link(number, offset) if token else "%s?PageSize=%d&Page=%d" % (url, size, number), "key": key}
        return ApiAnswer(200, {key: [render(i) for i in chunk], "meta": meta})

    def create_session(self, request, service):
        form = form_of(request)
        fields = dict(form)
        participants = [value for name, value in form if name == "Participants"]
        checked = check_fields(fields)
        if isinstance(checked, ApiAnswer):
            return checked
        name = fields.get("UniqueName")
        if name is not None:
            if len(name) > 191:
                return bad("UniqueName", "must be at most 191 characters")
            if name in service["names"]:
                return error(400, 80603, "Session UniqueName must be unique within the Service")
        if len(participants) > MAX_PARTICIPANTS:
            return error(400, 80609, "A Session can have at most %d Participants" % MAX_PARTICIPANTS)
        specs = []
        for raw in participants:
            try:
                spec = json.loads(raw)
            except ValueError:
                return bad("Participants", "each must be a JSON object")
            if not isinstance(spec, dict) or not spec.get("Identifier"):
                return bad("Participants", "each needs an Identifier")
            specs.append(spec)
        session = self.add_session(request.params["ServiceSid"], unique_name=name, status=checked.get("status", "open"),
                                   ttl=checked.get("ttl", 0), mode=checked.get("mode", "voice-and-message"),
                                   date_expiry=checked.get("date_expiry"), participants=specs)
        return ApiAnswer(201, self.render_session(request.base, session))

    def update_session(self, request, session, **_outer):
        fields = dict(form_of(request))
        for frozen in ("UniqueName", "Mode"):
            if frozen in fields:
                return bad(frozen, "cannot be updated")
        checked = check_fields(fields)
        if isinstance(checked, ApiAnswer):
            return checked
        if session["status"] == "closed" and checked.get("status") != "in-progress":
            return error(400, 80607, "Session is closed and cannot be updated")
        stamp = now()
        for key in ("ttl", "date_expiry"):
            if key in checked:
                session[key] = checked[key]
        status = checked.get("status")
        if status == "closed" and session["status"] != "closed":
            session.update(status="closed", date_ended=stamp, closed_reason="api")
        elif status == "in-progress" and session["status"] == "closed":
            session.update(status="in-progress", date_ended=None, closed_reason=None)
        elif status:
            session["status"] = status
        session["date_updated"] = stamp
        return ApiAnswer(200, self.render_session(request.base, session))

    def create_participant(self, request, session, **_outer):
        fields = dict(form_of(request))
        identifier = fields.get("Identifier")
        if not identifier:
            return bad("Identifier", "is required")
        if session["status"] == "closed":
            return error(400, 80607, "Session is closed and cannot be updated")
        if any(p["identifier"] == identifier for p in session["participants"].values()):
            return error(400, 80103, "Participant identifier is already a Participant in this Session")
        if len(session["participants"]) >= MAX_PARTICIPANTS:
            return error(400, 80609, "A Session can have at most %d Participants" % MAX_PARTICIPANTS)
        if fields.get("ProxyIdentifierSid") and not PN_RE.match(fields["ProxyIdentifierSid"]):
            return bad("ProxyIdentifierSid", "must match ^PN[0-9a-fA-F]{32}$")
        participant = self.add_participant(session, identifier, fields.get("FriendlyName"), fields.get("ProxyIdentifier"))
        session["date_updated"] = participant["date_created"]
        return ApiAnswer(201, self.render_participant(request.base, session, participant))


# The document calls a session's SID {Sid} in its own routes and {SessionSid} in its participants' routes;
# the route names in /_emulator/stats keep both, so each has its loader.
SESSIONS = "/Services/{ServiceSid}/Sessions"
SESSION = SESSIONS + "/{Sid}"
OWNER_SESSION = SESSIONS + "/{SessionSid}"
PARTICIPANTS = OWNER_SESSION + "/Participants"
PARTICIPANT = PARTICIPANTS + "/{Sid}"
ROUTER = Router("/v1", loaders=[
    (SERVICE, "service", TwilioStore.find_service_by_sid),
    ("/Services/{ServiceSid}", "service", TwilioStore.find_service),
    (PHONE_NUMBER, "phone_number", TwilioStore.find_phone_number),
    (SESSION, "session", TwilioStore.find_session_or_name),
    (OWNER_SESSION, "session", TwilioStore.find_session),
    (PARTICIPANT, "participant", TwilioStore.find_participant),
], routes=[
    ("GET", SERVICES, TwilioStore.list_services),
    ("POST", SERVICES, TwilioStore.create_service),
    ("GET", SERVICE, TwilioStore.fetch_service),
    ("POST", SERVICE, TwilioStore.update_service),
    ("DELETE", SERVICE, TwilioStore.delete_service),
    ("GET", PHONE_NUMBERS, TwilioStore.list_phone_numbers),
    ("POST", PHONE_NUMBERS, TwilioStore.add_phone_number),
    ("GET", PHONE_NUMBER, TwilioStore.fetch_phone_number),
    ("POST", PHONE_NUMBER, TwilioStore.update_phone_number),
    ("DELETE", PHONE_NUMBER, TwilioStore.remove_phone_number),
    ("GET", SESSIONS, TwilioStore.list_sessions),
    ("POST", SESSIONS, TwilioStore.create_session),
    ("GET", SESSION, TwilioStore.fetch_session),
    ("POST", SESSION, TwilioStore.update_session),
    ("DELETE", SESSION, TwilioStore.delete_session),
    ("GET", PARTICIPANTS, TwilioStore.list_participants),
    ("POST", PARTICIPANTS, TwilioStore.create_participant),
    ("GET", PARTICIPANT, TwilioStore.fetch_participant),
    ("DELETE", PARTICIPANT, TwilioStore.delete_participant),
])


def check_fields(fields):
    """The typed values of Ttl, DateExpiry, Mode and Status, or a 400 answer."""
    checked = {}
    if "Ttl" in fields:
        if not re.match(r"^\d+$", fields["Ttl"]):
            return bad("Ttl", "must be a non-negative integer")
        checked["ttl"] = int(fields["Ttl"])
    if "DateExpiry" in fields:
        stamp = parse_datetime(fields["DateExpiry"])
        if stamp is None:
            return bad("DateExpiry", "must be an ISO 8601 date-time")
        checked["date_expiry"] = stamp
    if "Mode" in fields:
        if fields["Mode"] not in MODES:
            return bad("Mode", "must be one of %s" % ", ".join(MODES))
        checked["mode"] = fields["Mode"]
    if "Status" in fields:
        if fields["Status"] not in STATUSES:
            return bad("Status", "must be one of %s" % ", ".join(STATUSES))
        checked["status"] = fields["Status"]
    return checked


# What the middleware needs besides the routes --------------------------------

STANDARD_CODES = {404: 20404, 429: 20429, 503: 20503}


def authenticate(header, accounts):
    """Basic auth with an account's SID and auth token, or with an API key of the account and its secret: the
    account and None; or None and the 401."""
    try:
        user, _colon, password = base64.b64decode(header[len("Basic "):]).decode().partition(":") \
            if header.startswith("Basic ") else ("", "", "")
    except (ValueError, UnicodeDecodeError):
        user, password = "", ""
    for account in accounts:
        if user and (user, password) in account.twilio_pairs():
            return account, None
    return None, error(401, 20003, "Authenticate")


def standard_error(status):
    return error(status, STANDARD_CODES[status], STANDARD_TITLES[status])


def limit_headers(_limit, _remaining, _reset):
    return {}  # Twilio sends Retry-After alone, on its 429s


def echo_headers(status, headers):
    """A hostile server's error that repeats every request header, the credentials in several forms."""
    auth, token, listed, as_dict = echo_parts(headers)
    return ApiAnswer(status, {"code": 20001, "message": "Request headers: " + listed,
                              "more_info": "https://www.twilio.com/docs/errors/20001?auth=" + auth, "status": status,
                              "details": {"credentials": token, "headers": as_dict}})


def wrong_shape(listing):
    return {"unexpected": True} if listing else []


def documented_error(answer, _route):
    return answer  # Twilio answers every error in one body


def path_template(path):
    return re.sub(r"/(KS|KC|KP|PN)[0-9a-fA-F]{32}",
                  lambda m: {"KS": "/{ServiceSid}", "KC": "/{Sid}", "KP": "/{Sid}", "PN": "/{Sid}"}[m.group(1)], path)


API = Api("twilio", "/v1/", ROUTER, authenticate, standard_error, limit_headers, echo_headers, wrong_shape,
          documented_error, path_template)
