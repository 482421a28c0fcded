# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Telnyx Video rooms and room sessions: state, the API's rules, and its routes under /v2."""

import functools
import json
import re
import uuid

from .common import STANDARD_TITLES, Api, ApiAnswer, echo_parts, iso, now, parse_bool, parse_day
from .routing import Refusal, Router
from .webhooks import telnyx_event

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SESSION_DATES = {"date_created_at": "created_at", "date_updated_at": "updated_at", "date_ended_at": "ended_at"}
ROOM_DATES = {"date_created_at": "created_at", "date_updated_at": "updated_at"}
# A room's settings, with the document's create defaults (webhook_event_url has none: unset, it is left out).
ROOM_DEFAULTS = {"max_participants": 10, "enable_recording": False, "webhook_event_url": None,
                 "webhook_event_failover_url": "", "webhook_timeout_secs": None}
PARTICIPANT_DATES = {"date_joined_at": "joined_at", "date_updated_at": "updated_at", "date_left_at": "left_at"}
ACTIONS = ("end", "kick", "mute", "unmute")


def error(status, code, title, detail, parameter=None):
    err = {"code": code, "title": title, "detail": detail}
    if parameter:
        err["source"] = {"parameter": parameter}
    return ApiAnswer(status, {"errors": [err]})


# The document's error responses: any 4XX of these routes is video_GenericErrorResponse
# ({"message", "success": false}); a 404 of a session view is one bare video_Error.
GENERIC_4XX_ROUTES = ("GET /v2/room_sessions", "GET /v2/rooms", "GET /v2/rooms/{room_id}/sessions",
                      "GET /v2/room_sessions/{id}/participants") \
    + tuple("POST /v2/room_sessions/{id}/actions/" + action for action in ACTIONS)
# Routes whose 404 the document gives as one bare video_Error.
BARE_404_ROUTES = ("GET /v2/room_sessions/{id}", "GET /v2/rooms/{room_id}", "PATCH /v2/rooms/{room_id}",
                   "DELETE /v2/rooms/{room_id}")


def documented_error(answer, route):
    """Reshape an {"errors": [...]} answer as the document says this route answers this status.

    Where it says nothing (5xx; 400, 401 and 429 of a session or room view; paths it lacks) the errors list
    stays, as video_Errors, the shape the document gives elsewhere (and gives a room's create and update 422).
    """
    if not 400 <= answer.status < 500 or not isinstance(answer.body, dict) or "errors" not in answer.body:
        return answer
    first = answer.body["errors"][0]
    if route in GENERIC_4XX_ROUTES:
        return ApiAnswer(answer.status, {"message": first.get("detail") or first["title"], "success": False}, answer.headers)
    if route in BARE_404_ROUTES and answer.status == 404:
        return ApiAnswer(404, first, answer.headers)
    return answer


class TelnyxStore:
    def __init__(self):
        self.sessions = {}
        self.rooms = {}
        self.outbox = []  # webhook events noted, for webhooks.Webhooks.collect (only rooms with a webhook_event_url)

    # Data -----------------------------------------------------------------

    def add_session(self, room_id=None, active=True, created_at=None, ended_at=None, participants=(), session_id=None):
        created = created_at or now()
        sid = session_id or str(uuid.uuid4())
        room_id = self.add_room(room_id, created_at=created)["id"]  # a session lives in a room: the room exists
        session = {"id": sid, "room_id": room_id, "active": bool(active), "created_at": created,
                   "updated_at": ended_at or created, "ended_at": None if active else (ended_at or created),
                   "participants": []}
        for spec in participants:
            joined = spec.get("joined_at") or created
            left = spec.get("left_at")
            if not active and left is None:
                left = session["ended_at"]
            session["participants"].append({
                "id": spec.get("id") or str(uuid.uuid4()), "session_id": sid, "context": spec.get("context", ""),
                "joined_at": joined, "left_at": left, "updated_at": left or joined, "muted": bool(spec.get("muted"))})
        self.sessions[sid] = session
        return session

    @staticmethod
    def render_session(session, include_participants=False, with_state=False):
        """The API's form; with_state (for /_emulator/state) keeps ended_at as null until the session ends."""
        body = {"id": session["id"], "room_id": session["room_id"], "active": session["active"],
                "created_at": iso(session["created_at"]), "updated_at": iso(session["updated_at"]),
                "ended_at": iso(session["ended_at"]), "record_type": "room_session"}
        if include_participants:
            body["participants"] = [TelnyxStore.render_participant(p, with_state) for p in session["participants"]]
        return body if with_state else without_nulls(body)

    @staticmethod
    def render_participant(participant, with_state=False):
        """The API's form; with_state adds the mute state and keeps left_at as null until the participant leaves."""
        body = {"id": participant["id"], "session_id": participant["session_id"], "context": participant["context"],
                "joined_at": iso(participant["joined_at"]), "left_at": iso(participant["left_at"]),
                "updated_at": iso(participant["updated_at"]), "record_type": "room_participant"}
        if with_state:
            body["muted"] = participant["muted"]
            return body
        return without_nulls(body)

    def state(self):
        return [self.render_session(s, True, True) for s in self.ordered()]

    def ordered(self):
        return sorted(self.sessions.values(), key=lambda s: (s["created_at"], s["id"]))

    def add_room(self, room_id=None, created_at=None, **settings):
        """The room of this id (made, with the create defaults, when there is none); settings for a new room."""
        stamp = created_at or now()
        room = self.rooms.get(room_id)
        if room is not None:
            return room
        room = dict(ROOM_DEFAULTS, id=room_id or str(uuid.uuid4()), unique_name=None, created_at=stamp, updated_at=stamp)
        room.update(settings)
        self.rooms[room["id"]] = room
        return room

    def room_sessions(self, room):
        return [s for s in self.ordered() if s["room_id"] == room["id"]]

    def render_room(self, room, include_sessions=False):
        """The API's form: a URL that is unset or "" left out (the document types the URLs as strings of format
        uri, which "" is not, though it is the failover URL's default); active_session_id only while a session is
        going on."""
        body = dict((key, room[key]) for key in ("id", "unique_name") + tuple(ROOM_DEFAULTS))
        body.update(created_at=iso(room["created_at"]), updated_at=iso(room["updated_at"]), record_type="room")
        active = [s["id"] for s in self.room_sessions(room) if s["active"]]
        if active:
            body["active_session_id"] = active[-1]
        if include_sessions:
            body["sessions"] = [self.render_session(s) for s in self.room_sessions(room)]
        return dict((k, v) for k, v in body.items() if v not in (None, "") or k == "webhook_timeout_secs")

    # Routes (the table, ROUTER, is below the class) ---------------------------

    def find_session(self, request):
        """Loader of {id}: the session, or the refusal of a malformed or unknown id."""
        session_id = request.params["id"]
        if not UUID_RE.match(session_id):
            raise Refusal(error(400, "10006", "Invalid ID", "room_session_id is not a valid UUID", "room_session_id"))
        session = self.sessions.get(session_id)
        if session is None:
            raise Refusal(error(404, "10005", "Resource not found", "The requested room session could not be found."))
        return session

    def list_all_sessions(self, request):
        return self.list_sessions(request.query)

    def list_room_sessions(self, request, room):
        query = [(k, v) for k, v in request.query if k != "filter[room_id]"] + [("filter[room_id]", room["id"])]
        return self.list_sessions(query)

    # Rooms ----------------------------------------------------------------

    def find_room(self, request):
        """Loader of {room_id}: the room, or the refusal of a malformed or unknown id."""
        room_id = request.params["room_id"]
        if not UUID_RE.match(room_id):
            raise Refusal(error(400, "10006", "Invalid ID", "room_id is not a valid UUID", "room_id"))
        room = self.rooms.get(room_id)
        if room is None:
            raise Refusal(error(404, "10005", "Resource not found", "The requested room could not be found."))
        return room

    def list_rooms(self, request):
        params = dict(request.query)
        include = parse_bool(params.get("include_sessions", "false"))
        if include is None:
            return error(400, "10015", "Bad Request", "include_sessions must be true or false", "include_sessions")
        try:
            windows = parse_windows(request.query, ROOM_DATES)
        except ValueError as exc:
            return error(400, "10015", "Bad Request", str(exc), exc.args[1])
        name = params.get("filter[unique_name]")
        selected = [r for r in sorted(self.rooms.values(), key=lambda r: (r["created_at"], r["id"]))
                    if (name is None or r["unique_name"] == name) and in_windows(r, windows)]
        return paginate(selected, params, lambda r: self.render_room(r, include))

    def view_room(self, request, room):
        include = parse_bool(dict(request.query).get("include_sessions", "false"))
        if include is None:
            return error(400, "10015", "Bad Request", "include_sessions must be true or false", "include_sessions")
        return ApiAnswer(200, {"data": self.render_room(room, include)})

    def create_room(self, request):
        fields, refused = self.room_fields(request, None)
        if refused:
            return refused
        room = self.add_room(str(uuid.uuid4()), **fields)
        return ApiAnswer(201, {"data": self.render_room(room)})

    def update_room(self, request, room):
        fields, refused = self.room_fields(request, room)
        if refused:
            return refused
        room.update(fields, updated_at=now())
        return ApiAnswer(200, {"data": self.render_room(room)})

    def delete_room(self, _request, room):
        """The document: the room's participants are kicked out, so its active session ends; its sessions stay
        listed under /room_sessions (with the room_id of a room that is gone)."""
        for session in self.room_sessions(room):
            self.end_session(session, now(), "room_deleted")
        del self.rooms[room["id"]]
        return ApiAnswer(204)

    def room_fields(self, request, room):
        """The body of a create or update, checked as the document types it: (fields, None) or (None, the 422).
        A unique_name is unique in the account (another room's name is refused)."""
        try:
            body = json.loads(request.body) if request.body else {}
        except ValueError:
            return None, error(422, "10015", "Bad Request", "The request body is not valid JSON.")
        if not isinstance(body, dict):
            return None, error(422, "10015", "Bad Request", "The request body must be a JSON object.")
        for key, value in body.items():
            problem = ROOM_CHECKS[key](value) if key in ROOM_CHECKS else None
            if problem:
                return None, invalid_field(key, "%s %s" % (key, problem))
        name = body.get("unique_name")
        if name is not None and any(r["unique_name"] == name and r is not room for r in self.rooms.values()):
            return None, invalid_field("unique_name", "unique_name has already been taken")
        return dict((k, v) for k, v in body.items() if k in ROOM_CHECKS), None

    def view_session(self, request, session):
        include = parse_bool(dict(request.query).get("include_participants", "false"))
        if include is None:
            return error(400, "10015", "Bad Request", "include_participants must be true or false", "include_participants")
        return ApiAnswer(200, {"data": self.render_session(session, include)})

    def list_sessions(self, query):
        params = dict(query)
        include = parse_bool(params.get("include_participants", "false"))
        if include is None:
            return error(400, "10015", "Bad Request", "include_participants must be true or false", "include_participants")
        selected = []
        try:
            windows = parse_windows(query, SESSION_DATES)
        except ValueError as exc:
            return error(400, "10015", "Bad Request", str(exc), exc.args[1] if len(exc.args) > 1 else None)
        active = params.get("filter[active]")
        if active is not None and parse_bool(active) is None:
            return error(400, "10015", "Bad Request", "filter[active] must be true or false", "filter[active]")
        for session in self.ordered():
            if "filter[room_id]" in params and session["room_id"] != params["filter[room_id]"]:
                continue
            if active is not None and session["active"] != parse_bool(active):
                continue
            if not in_windows(session, windows):
                continue
            selected.append(session)
        return paginate(selected, params, lambda s: self.render_session(s, include))

    def list_participants(self, request, session):
        params = dict(request.query)
        try:
            windows = parse_windows(request.query, PARTICIPANT_DATES)
        except ValueError as exc:
            return error(400, "10015", "Bad Request", str(exc))
        selected = [p for p in session["participants"]
                    if ("filter[context]" not in params or p["context"] == params["filter[context]"]) and in_windows(p, windows)]
        return paginate(selected, params, self.render_participant)

    def end_session(self, session, stamp, reason="api_request"):
        """End an active session: every participant still present leaves (each a participant.left event, then
        session.ended)."""
        if not session["active"]:
            return
        session.update(active=False, ended_at=stamp, updated_at=stamp)
        for participant in session["participants"]:
            if participant["left_at"] is None:
                self.leave(session, participant, stamp, "session_ended")
        self.emit("video.room.session.ended", session, stamp, reason=reason)

    # Events (the admin API starts sessions and moves participants: the API has no route for it) -----------

    def start_session(self, room, session_id=None, stamp=None):
        """A new active session in room (session.started); ValueError if the room has one going on already."""
        if any(s["active"] for s in self.room_sessions(room)):
            raise ValueError("room %s has an active session already" % room["id"])
        if session_id is not None and (not UUID_RE.match(str(session_id)) or session_id in self.sessions):
            raise ValueError("id must be a UUID no session has")
        session = self.add_session(room["id"], True, stamp or now(), session_id=session_id)
        self.emit("video.room.session.started", session, session["created_at"])
        return session

    def join(self, session, context="", participant_id=None, stamp=None):
        """A participant joins an active session (participant.joined); ValueError if it ended or the id is taken."""
        if not session["active"]:
            raise ValueError("session %s has ended" % session["id"])
        if participant_id is not None and (not UUID_RE.match(str(participant_id)) or any(
                p["id"] == participant_id for p in session["participants"])):
            raise ValueError("id must be a UUID no participant of the session has")
        stamp = stamp or now()
        participant = {"id": participant_id or str(uuid.uuid4()), "session_id": session["id"], "context": context,
                       "joined_at": stamp, "left_at": None, "updated_at": stamp, "muted": False}
        session["participants"].append(participant)
        session["updated_at"] = stamp
        self.emit("video.room.participant.joined", session, stamp, participant)
        return participant

    def leave(self, session, participant, stamp, reason="left"):
        """A participant still present leaves (participant.left): left on its own, kicked, or the session ended."""
        participant.update(left_at=stamp, updated_at=stamp)
        self.emit("video.room.participant.left", session, stamp, participant, reason)

    def emit(self, event_type, session, stamp, participant=None, reason=None):
        """Note a webhook event for the session's room, if that room has a webhook_event_url."""
        payload = {"session_id": session["id"], "room_id": session["room_id"]}
        if participant is not None:
            payload.update(context=participant["context"], participant_id=participant["id"])
        if event_type.endswith((".ended", ".left")):
            start = participant["joined_at"] if participant is not None else session["created_at"]
            payload["duration_secs"] = max(0, int((stamp - start).total_seconds()))
            payload["left_reason" if participant is not None else "ended_reason"] = reason
        entry = telnyx_event(self.rooms.get(session["room_id"]), event_type, payload, stamp)
        if entry:
            self.outbox.append(entry)

    def act(self, request, session, action):
        body = {}
        if request.body:
            try:
                body = json.loads(request.body)
            except ValueError:
                return error(400, "10015", "Bad Request", "The request body is not valid JSON.")
            if not isinstance(body, dict):
                return error(422, "10015", "Bad Request", "The request body must be a JSON object.")
        stamp = now()
        present = [p for p in session["participants"] if p["left_at"] is None]
        if action == "end":
            self.end_session(session, stamp)
            return ApiAnswer(200, {"data": {"result": "ok"}})
        targets = body.get("participants", "all")
        exclude = body.get("exclude") or []
        if targets != "all" and not (isinstance(targets, list) and all(isinstance(t, str) and UUID_RE.match(t) for t in targets)):
            return error(422, "10015", "Bad Request", "participants must be \"all\" or a list of participant ids",
                         "participants")
        if not (isinstance(exclude, list) and all(isinstance(t, str) and UUID_RE.match(t) for t in exclude)):
            return error(422, "10015", "Bad Request", "exclude must be a list of participant ids", "exclude")
        chosen = [p for p in present if (targets == "all" or p["id"] in targets) and p["id"] not in exclude]
        for participant in chosen:
            if action == "kick":
                self.leave(session, participant, stamp, "kicked")
            else:
                participant["muted"] = action == "mute"
        if action == "kick" and chosen:
            session["updated_at"] = stamp
        return ApiAnswer(200, {"data": {"result": "ok"}})


ROUTER = Router("/v2", loaders=[
    ("/room_sessions/{id}", "session", TelnyxStore.find_session),
    ("/rooms/{room_id}", "room", TelnyxStore.find_room),
], routes=[
    ("GET", "/rooms", TelnyxStore.list_rooms),
    ("POST", "/rooms", TelnyxStore.create_room),
    ("GET", "/rooms/{room_id}", TelnyxStore.view_room),
    ("PATCH", "/rooms/{room_id}", TelnyxStore.update_room),
    ("DELETE", "/rooms/{room_id}", TelnyxStore.delete_room),
    ("GET", "/room_sessions", TelnyxStore.list_all_sessions),
    ("GET", "/rooms/{room_id}/sessions", TelnyxStore.list_room_sessions),
    ("GET", "/room_sessions/{id}", TelnyxStore.view_session),
    ("GET", "/room_sessions/{id}/participants", TelnyxStore.list_participants),
] + [("POST", "/room_sessions/{id}/actions/" + action, functools.partial(TelnyxStore.act, action=action))
     for action in ACTIONS])


def invalid_field(key, detail):
    """The 422 of a room's create or update (video_Errors), pointing at the field."""
    return ApiAnswer(422, {"errors": [{"code": "10015", "title": "Invalid parameter", "detail": detail + ".",
                                       "source": {"pointer": "/" + key}}]})


def _whole_in(low, high, nullable=False):
    def check(value):
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            return "must be a whole number from %d to %d" % (low, high)
        return None
    return check


def _url(value):
    """None when value is "" (no URL: the failover URL's default) or a URL with an http(s) scheme and a host."""
    if value == "" or (isinstance(value, str) and re.match(r"^https?://[^\s/?#]+[^\s]*$", value)):
        return None
    return "must be a URL with a scheme, such as https"


# What a room's create and update take, each with its check (None: valid). Other keys are ignored.
ROOM_CHECKS = {
    "unique_name": lambda v: None if isinstance(v, str) and v else "must be a non-empty string",
    "max_participants": _whole_in(2, 50),
    "enable_recording": lambda v: None if isinstance(v, bool) else "must be true or false",
    "webhook_event_url": _url,
    "webhook_event_failover_url": _url,
    "webhook_timeout_secs": _whole_in(0, 30, nullable=True),
}


def without_nulls(body):
    # The document types ended_at and left_at as strings, never null: unset, they are left out.
    return {key: value for key, value in body.items() if value is not None}


def parse_windows(query, names):
    """filter[date_created_at][gte]=2026-11-01 -> [(field, op, date)]; ValueError for a bad date."""
    windows = []
    for key, value in query:
        match = re.match(r"^filter\[(\w+)\]\[(eq|gte|lte)\]$", key)
        if match and match.group(1) in names:
            day = parse_day(value)
            if day is None:
                raise ValueError("%s must be a date (YYYY-MM-DD)" % key, key)
            windows.append((names[match.group(1)], match.group(2), day))
    return windows


def in_windows(item, windows):
    for field, op, day in windows:
        stamp = item.get(field)
        if stamp is None:
            return False
        value = stamp.date()
        if (op == "eq" and value != day) or (op == "gte" and value < day) or (op == "lte" and value > day):
            return False
    return True


def paginate(items, params, render):
    try:
        number = int(params.get("page[number]", "1"))
        size = int(params.get("page[size]", "20"))
    except ValueError:
        return error(400, "10015", "Bad Request", "page[number] and page[size] must be integers", "page")
    if number < 1:
        return error(400, "10015", "Bad Request", "page[number] must be 1 or more", "page[number]")
    if not 1 <= size <= 250:
        return error(400, "10015", "Bad Request", "page[size] must be between 1 and 250", "page[size]")
    total = len(items)
    pages = max(1, (total + size - 1) // size)
    chunk = items[(number - 1) * size:number * size]
    return ApiAnswer(200, {"data": [render(i) for i in chunk],
                           "meta": {"page_number": number, "page_size": size, "total_pages": pages, "total_results": total}})


# What the middleware needs besides the routes --------------------------------

STANDARD_CODES = {404: "10005", 429: "10011", 503: "10010"}


def authenticate(header, accounts):
    """The account whose API key the bearer token is, and None; or None and the 401."""
    for account in accounts:
        if header == "Bearer " + account.telnyx_api_key:
            return account, None
    return None, error(401, "10009", "Authentication failed", "The API key is missing or not valid.")


def standard_error(status):
    return error(status, STANDARD_CODES[status], STANDARD_TITLES[status], STANDARD_TITLES[status] + ".")


def limit_headers(limit, remaining, reset):
    return {"x-ratelimit-limit": str(limit), "x-ratelimit-remaining": str(remaining), "x-ratelimit-reset": str(reset)}


def echo_headers(status, headers):
    """A hostile server's error that repeats every request header, the API key in several places."""
    auth, token, listed, as_dict = echo_parts(headers)
    return ApiAnswer(status, {"errors": [{"code": token, "title": "Request rejected", "detail": "Request headers: " + listed,
                                          "source": {"pointer": auth}, "meta": {"headers": as_dict}}]})


def wrong_shape(listing):
    return {"meta": {}} if listing else {"data": []}


def path_template(path):
    path = re.sub(r"^/v2/rooms/[0-9a-fA-F-]{36}", "/v2/rooms/{room_id}", path)
    return re.sub(r"/[0-9a-fA-F-]{36}", "/{id}", path)


API = Api("telnyx", "/v2/", ROUTER, authenticate, standard_error, limit_headers, echo_headers, wrong_shape,
          documented_error, path_template)
