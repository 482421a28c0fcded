# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Twilio Proxy v1 sessions and participants: state, the service's rules, and the routes under /v1."""

import json
import re
import secrets
from urllib.parse import parse_qsl, unquote

from .common import ApiAnswer, iso, now, parse_datetime

MODES = ("message-only", "voice-only", "voice-and-message")
STATUSES = ("open", "in-progress", "closed")
MAX_PARTICIPANTS = 2
ROUTES = {3: "/v1/Services/{ServiceSid}/Sessions", 4: "/v1/Services/{ServiceSid}/Sessions/{Sid}",
          5: "/v1/Services/{ServiceSid}/Sessions/{SessionSid}/Participants",
          6: "/v1/Services/{ServiceSid}/Sessions/{SessionSid}/Participants/{Sid}"}


def sid_re(prefix):
    return re.compile(r"^%s[0-9a-fA-F]{32}$" % prefix)


KS_RE, KC_RE, KP_RE, PN_RE = sid_re("KS"), sid_re("KC"), sid_re("KP"), sid_re("PN")


def new_sid(prefix):
    return prefix + secrets.token_hex(16)


def error(status, code, message):
    return ApiAnswer(status, {"code": code, "message": message,
                              "more_info": "https://www.twilio.com/docs/errors/%d" % code, "status": status})


def not_found(path):
    return error(404, 20404, "The requested resource %s was not found" % path)


def bad(parameter, problem):
    return error(400, 20001, "Invalid parameter %s: %s" % (parameter, problem))


class TwilioStore:
    def __init__(self, account_sid):
        self.account_sid = account_sid
        self.services = {}

    # Data -----------------------------------------------------------------

    def add_service(self, service_sid):
        return self.services.setdefault(service_sid, {"sessions": {}, "names": {}})

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
                                 spec.get("friendly_name") or spec.get("FriendlyName"),
                                 spec.get("proxy_identifier") or spec.get("ProxyIdentifier"), created)
        return session

    @staticmethod
    def add_participant(session, identifier, friendly_name=None, proxy_identifier=None, created=None):
        created = created or now()
        participant = {"sid": new_sid("KP"), "identifier": identifier, "friendly_name": friendly_name or identifier,
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

    # Routes ----------------------------------------------------------------

    def route(self, method, parts, query, body, base):
        """parts: the path below /v1, split on '/'. Returns (ApiAnswer, route template)."""
        if len(parts) < 3 or parts[0] != "Services" or parts[2] != "Sessions":
            return None, None
        template = ROUTES.get(len(parts), "/v1/" + "/".join(parts))
        route = "%s %s" % (method, template)
        path = "/v1/" + "/".join(parts)
        if not KS_RE.match(parts[1]):
            return bad("ServiceSid", "must match ^KS[0-9a-fA-F]{32}$"), route
        service = self.services.get(parts[1])
        if service is None:
            return not_found(path), route
        form = parse_qsl(body.decode(), keep_blank_values=True) if body else []
        if len(parts) == 3:
            if method == "GET":
                return self.page(base, path, sorted(service["sessions"].values(), key=lambda s: (s["date_created"], s["sid"])),
                                 query, "sessions", lambda s: self.render_session(base, s)), route
            if method == "POST":
                return self.create(base, parts[1], service, form), route
            return None, route
        key = unquote(parts[3])
        if len(parts) == 4 and method == "GET" and not KC_RE.match(key):
            found = service["names"].get(key)  # fetch accepts the UniqueName too
            if found is None:
                return error(404, 20404, "The requested resource %s was not found" % path), route
            key = found
        if not KC_RE.match(key):
            return bad("Sid", "must match ^KC[0-9a-fA-F]{32}$"), route
        session = service["sessions"].get(key)
        if session is None:
            return not_found(path), route
        if len(parts) == 4:
            if method == "GET":
                return ApiAnswer(200, self.render_session(base, session)), route
            if method == "POST":
                return self.update(base, session, form), route
            if method == "DELETE":
                del service["sessions"][key]
                service["names"].pop(session["unique_name"], None)
                return ApiAnswer(204), route
            return None, route
        if parts[4] != "Participants":
            return None, None
        if len(parts) == 5:
            if method == "GET":
                return self.page(base, path, list(session["participants"].values()), query, "participants",
                                 lambda p: self.render_participant(base, session, p)), route
            if method == "POST":
                return self.create_participant(base, session, dict(form)), route
            return None, route
        if len(parts) == 6:
            if not KP_RE.match(parts[5]):
                return bad("Sid", "must match ^KP[0-9a-fA-F]{32}$"), route
            participant = session["participants"].get(parts[5])
            if participant is None:
                return not_found(path), route
            if method == "GET":
                return ApiAnswer(200, self.render_participant(base, session, participant)), route
            if method == "DELETE":
                del session["participants"][parts[5]]
                return ApiAnswer(204), route
        return None, route

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

    def create(self, base, service_sid, service, form):
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
        session = self.add_session(service_sid, unique_name=name, status=checked.get("status", "open"),
                                   ttl=checked.get("ttl", 0), mode=checked.get("mode", "voice-and-message"),
                                   date_expiry=checked.get("date_expiry"), participants=specs)
        return ApiAnswer(201, self.render_session(base, session))

    def update(self, base, session, form):
        fields = dict(form)
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
        return ApiAnswer(200, self.render_session(base, session))

    def create_participant(self, base, session, fields):
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
        return ApiAnswer(201, self.render_participant(base, session, participant))


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
