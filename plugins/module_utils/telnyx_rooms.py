# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Telnyx Video rooms and room sessions client: PRIVATE to commsops.sessions. No Ansible imports.

Query encoding follows the API: filter[date_created_at][gte]=2026-11-01, filter[active]=true,
page[number], page[size] (at most 250). Lists walk meta.total_pages.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import itertools

from ansible_collections.commsops.sessions.plugins.module_utils.api_error import ApiError, expect_object, shown
from ansible_collections.commsops.sessions.plugins.module_utils.http_layer import MAX_PAGES, HttpClient, unseen
from ansible_collections.commsops.sessions.plugins.module_utils.validation import InvalidInput, check_uuid, check_uuid_list

DEFAULT_BASE_URL = "https://api.telnyx.com/v2"
MAX_PAGE_SIZE = 250
ACTIONS = ("end", "kick", "mute", "unmute")
# Our option names for the API's date filters.
SESSION_DATE_FILTERS = {"created_at": "date_created_at", "updated_at": "date_updated_at", "ended_at": "date_ended_at"}
PARTICIPANT_DATE_FILTERS = {"joined_at": "date_joined_at", "updated_at": "date_updated_at", "left_at": "date_left_at"}
ROOM_DATE_FILTERS = {"created_at": "date_created_at", "updated_at": "date_updated_at"}


def _bool(value):
    return "true" if value else "false"


def encode_filters(filters, date_names):
    """{'created_at': {'gte': '2026-11-01'}, 'room_id': x, 'active': True} -> bracketed query params.

    Date windows must already be dates (timefilter.TimeWindow.server_dates() gives them).
    """
    params = {}
    for key, value in (filters or {}).items():
        if value is None:
            continue
        if key in date_names:
            for op, day in value.items():
                params["filter[%s][%s]" % (date_names[key], op)] = str(day)
        elif isinstance(value, bool):
            params["filter[%s]" % key] = _bool(value)
        else:
            params["filter[%s]" % key] = str(value)
    return params


class TelnyxRooms:
    """Room sessions and their participants."""

    def __init__(self, http):
        self.http = http

    @classmethod
    def connect(cls, api_key, base_url=DEFAULT_BASE_URL, **http_options):
        if not api_key:
            raise InvalidInput("api_key is required: set it, or the TELNYX_API_KEY environment variable")
        headers = {"Authorization": "Bearer %s" % api_key}
        return cls(HttpClient(base_url or DEFAULT_BASE_URL, headers=headers, secrets=(api_key,), **http_options))

    # Listing ---------------------------------------------------------------

    def list_sessions(self, filters=None, include_participants=False, page_size=MAX_PAGE_SIZE):
        """Every room session matching filters (room_id, active, created_at, updated_at, ended_at)."""
        return list(self.each_session(filters, include_participants, page_size))

    def each_session(self, filters=None, include_participants=False, page_size=MAX_PAGE_SIZE):
        """The sessions of list_sessions, yielded as their pages come: a long listing is never held whole."""
        params = encode_filters(filters, SESSION_DATE_FILTERS)
        if include_participants:
            params["include_participants"] = "true"
        return self._each_item("/room_sessions", params, page_size)

    def get_session(self, room_session_id, include_participants=False):
        room_session_id = check_uuid(room_session_id, "room_session_id")
        params = {"include_participants": "true"} if include_participants else None
        path = "/room_sessions/%s" % room_session_id
        body = self.http.request("GET", path, params=params)[1]
        return expect_object(body, "data", dict, "GET", self.http.log_path(path))

    def find_session(self, room_session_id, include_participants=False):
        """The session, or None when the API says 404 (only then: an empty 200 is an ApiError)."""
        try:
            return self.get_session(room_session_id, include_participants)
        except ApiError as exc:
            if exc.status == 404:
                return None
            raise

    def list_participants(self, room_session_id, filters=None, page_size=MAX_PAGE_SIZE):
        """Participants of a session; filters: joined_at, updated_at, left_at (date windows), context."""
        room_session_id = check_uuid(room_session_id, "room_session_id")
        params = encode_filters(filters, PARTICIPANT_DATE_FILTERS)
        return list(self._each_item("/room_sessions/%s/participants" % room_session_id, params, page_size))

    # Rooms -----------------------------------------------------------------

    def each_room(self, filters=None, include_sessions=False, page_size=MAX_PAGE_SIZE):
        """Rooms matching filters (unique_name, created_at, updated_at), yielded as their pages come."""
        params = encode_filters(filters, ROOM_DATE_FILTERS)
        if include_sessions:
            params["include_sessions"] = "true"
        return self._each_item("/rooms", params, page_size)

    def find_room(self, room_id=None, unique_name=None, include_sessions=False):
        """The room by id (None only on 404), else the room whose unique_name is exactly this one, or None
        (the listing's filter is the server's to interpret: only an exact match is taken)."""
        if room_id is not None:
            room_id = check_uuid(room_id, "id")
            path = "/rooms/%s" % room_id
            params = {"include_sessions": "true"} if include_sessions else None
            try:
                body = self.http.request("GET", path, params=params)[1]
            except ApiError as exc:
                if exc.status == 404:
                    return None
                raise
            return expect_object(body, "data", dict, "GET", self.http.log_path(path))
        for room in self.each_room({"unique_name": unique_name}, include_sessions):
            if room.get("unique_name") == unique_name:
                return room
        return None

    def create_room(self, fields):
        """POST /rooms. After an ambiguous failure it is resent only when a unique_name lets it look first."""
        name = fields.get("unique_name")

        def recover():
            # Found: the lost attempt made it; answered as the create would have been.
            found = self.find_room(unique_name=name)
            return None if found is None else {"data": found}

        body = self.http.request("POST", "/rooms", json_body=fields, recover=recover if name is not None else None)[1]
        return expect_object(body, "data", dict, "POST", self.http.log_path("/rooms"))

    def update_room(self, room_id, fields):
        """PATCH /rooms/{id}: sending the same fields again is harmless, so it is retried."""
        path = "/rooms/%s" % check_uuid(room_id, "id")
        body = self.http.request("PATCH", path, json_body=fields, idempotent=True)[1]
        return expect_object(body, "data", dict, "PATCH", self.http.log_path(path))

    def delete_room(self, room_id):
        """DELETE /rooms/{id}: whether we deleted it. A 404 means gone already, unless an attempt of ours may
        have been applied (then it was us)."""
        try:
            self.http.request("DELETE", "/rooms/%s" % check_uuid(room_id, "id"))
        except ApiError as exc:
            if exc.status == 404:
                return exc.may_have_applied
            raise
        return True

    def _each_item(self, path, params, page_size):
        """Page 1 tells total_pages; the rest are fetched on the shared pool, at most the client's workers
        at a time. Items are yielded page by page, in page order.

        A server that does not page as asked never gives a quiet partial list. The rule:

        - a page whose meta.page_number is not the page asked for is an error;
        - a later page whose items were all read before is an error, unless the totals the pages reported
          (meta.total_results) moved by at least as many items while we read;
        - a listing that ends with fewer distinct items than the smallest meta.total_results a page
          reported is an error, unless the shortfall is no more than that movement of the totals.

        Sessions that arrive or leave while we read shift the others between pages: a few are then seen
        twice (the first is kept) or missed, and each arrival or departure shows in the totals of the pages
        read after it; that is the movement tolerated. In doubt it refuses: a rerun reads again, while a
        partial list would silently leave sessions out. The last check can only come once every page was
        read, after their items were yielded: whoever acts on a listing must read it to the end first
        (the bulk modules plan the whole listing before they carry out any plan)."""
        page_size = max(1, min(MAX_PAGE_SIZE, int(page_size)))
        where = self.http.log_path(path)

        def page(number):
            query = dict(params)
            query["page[number]"] = str(number)
            query["page[size]"] = str(page_size)
            body = self.http.request("GET", path, params=query)[1]
            data = expect_object(body, "data", list, "GET", where)
            meta = expect_object(body, "meta", dict, "GET", where)
            said = meta.get("page_number")
            if _whole(said) and said != number:
                raise self.http.error("asked for page %d, the server sent page %d: it does not page as asked; "
                                      "refusing a partial list" % (number, said), "GET", path)
            return number, data, meta

        first = page(1)
        last = self._page_count(first[2], page_size, path)
        pages = [first]
        if first[1] and last > 1:
            pages = itertools.chain(pages, self._later_pages(page, last))
        seen, count, moved = set(), 0, 0
        lowest = highest = None  # of the totals the pages reported: how far they moved while we read
        for number, items, meta in pages:
            total = meta.get("total_results")
            if _whole(total):
                lowest = total if lowest is None else min(lowest, total)
                highest = total if highest is None else max(highest, total)
                moved = highest - lowest
            fresh = unseen(items, "id", seen)
            if number > 1 and items and not fresh and len(items) > moved:
                raise self.http.error("page %s repeats %d items already read: the server does not page as asked "
                                      "(page[number] ignored?); refusing a partial list" % (number, len(items)), "GET", path)
            count += len(fresh)
            yield from fresh
        if lowest is not None and count < lowest - moved:
            raise self.http.error("the listing ended with %d items, but meta.total_results said %d: the server does not "
                                  "page as asked; refusing a partial list" % (count, lowest), "GET", path)

    def _page_count(self, meta, page_size, path):
        """meta.total_pages, when it is a whole number that meta.total_results and MAX_PAGES allow."""
        total_pages = meta.get("total_pages")
        if not _whole(total_pages):
            said = shown(total_pages) if "total_pages" in meta else "missing"
            raise self.http.error("meta.total_pages is %s, expected a whole number" % said, "GET", path)
        total_results, size = meta.get("total_results"), meta.get("page_size")
        if _whole(total_results):
            # The server may cap page[size] below what we asked: its own page_size then counts.
            size = size if _whole(size) and 0 < size < page_size else page_size
            justified = max(1, -(-total_results // size))
            if total_pages > justified:
                raise self.http.error("meta.total_pages is %d, but meta.total_results (%d) fills only %d pages of %d"
                                      % (total_pages, total_results, justified, size), "GET", path)
        if total_pages > MAX_PAGES:
            raise self.http.error("meta.total_pages is %d, more than the %d pages a listing reads: narrow the filters"
                                  % (total_pages, MAX_PAGES), "GET", path)
        return max(1, total_pages)

    def _later_pages(self, page, last):
        """page(number) of pages 2..last, (number, items, meta) each, with at most the client's workers in
        flight (never one future per page: last may be large). An empty page means the list ended: no more
        are asked for, and the pages already asked for are still read, so none is lost (whether the list
        ended where meta.total_results said is for _each_item to judge)."""
        ended = []

        def numbers():
            for number in range(2, last + 1):
                if ended:
                    return
                yield number

        for answer in self.http.map(page, numbers()):
            if not answer[1]:
                ended.append(True)
            yield answer

    # Actions ---------------------------------------------------------------

    def act(self, room_session_id, action, participants="all", exclude=None):
        """POST /room_sessions/{id}/actions/{action}. Repeating one is harmless, so it is retried."""
        if action not in ACTIONS:
            raise InvalidInput("action must be one of %s, got %r" % (", ".join(ACTIONS), action))
        room_session_id = check_uuid(room_session_id, "room_session_id")
        body = None
        if action != "end":
            body = {"participants": participants_value(participants)}
            if exclude:
                body["exclude"] = check_uuid_list(exclude, "exclude")
        path = "/room_sessions/%s/actions/%s" % (room_session_id, action)
        return self.http.request("POST", path, json_body=body, idempotent=True)[1]


def _whole(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def participants_value(participants):
    """'all' or a list of participant UUIDs, as the API takes it."""
    if participants in (None, "all", ["all"]):
        return "all"
    return check_uuid_list(participants, "participants")
