# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Twilio Proxy v1 sessions client: PRIVATE to commsops.sessions. No Ansible imports.

Form-encoded bodies with the API's PascalCase names, HTTP basic auth (Account SID + Auth Token
or API Key + Secret), lists that follow meta.next_page_url.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from urllib.parse import urlsplit

from ansible_collections.commsops.sessions.plugins.module_utils.http_layer import (
    MAX_PAGES, ApiError, HttpClient, expect_object, shown)
from ansible_collections.commsops.sessions.plugins.module_utils.timefilter import to_utc_string
from ansible_collections.commsops.sessions.plugins.module_utils.validation import (
    InvalidInput, check_int_range, check_sid, check_unique_name, option_number, path_segment)

DEFAULT_BASE_URL = "https://proxy.twilio.com"
MAX_PAGE_SIZE = 1000
MAX_PARTICIPANTS = 2
MODES = ("message-only", "voice-only", "voice-and-message")
STATUSES = ("open", "in-progress", "closed")
PARTICIPANT_FIELDS = (("identifier", "Identifier"), ("friendly_name", "FriendlyName"),
                      ("proxy_identifier", "ProxyIdentifier"), ("proxy_identifier_sid", "ProxyIdentifierSid"))
# A phone number as people write it: a leading +, then digits and the separators people put between them.
_PHONE_RE = re.compile(r"\+[0-9 ()./-]*[0-9][0-9 ()./-]*")
_PHONE_SEPARATORS = re.compile(r"[ ()./-]")
# A channel address such as whatsapp:+15550100001 or messenger:123456: the channel, a colon, the address.
_CHANNEL_RE = re.compile(r"([A-Za-z][A-Za-z0-9_-]*:)(.*)", re.DOTALL)
# The API reads /Sessions/{Sid} as a SID first, so a unique name of this shape may fetch another session.
_SESSION_SID_RE = re.compile(r"KC[0-9a-f]{32}", re.IGNORECASE)


def session_form(unique_name=None, date_expiry=None, ttl=None, mode=None, status=None, participants=None):
    """The form fields of a create or update, as a list of pairs (Participants repeats)."""
    form = []
    if unique_name is not None:
        form.append(("UniqueName", check_unique_name(unique_name)))
    if date_expiry is not None:
        form.append(("DateExpiry", to_utc_string(date_expiry, "date_expiry")))
    if ttl is not None:
        form.append(("Ttl", str(check_ttl(ttl))))
    if mode is not None:
        if mode not in MODES:
            raise InvalidInput("mode must be one of %s, got %r" % (", ".join(MODES), mode))
        form.append(("Mode", mode))
    if status is not None:
        if status not in STATUSES:
            raise InvalidInput("status must be one of %s, got %r" % (", ".join(STATUSES), status))
        form.append(("Status", status))
    for participant in participants or []:
        form.append(("Participants", json.dumps(participant_fields(participant), sort_keys=True)))
    return form


def check_ttl(ttl):
    """Seconds a session lives after its last interaction; 0 means no limit."""
    return check_int_range(option_number(ttl), "ttl", 0)


def check_participant_count(count, what):
    """A Proxy session has at most MAX_PARTICIPANTS participants; what says how many there would be."""
    if count > MAX_PARTICIPANTS:
        raise InvalidInput("%s; a Proxy session has at most %d participants" % (what, MAX_PARTICIPANTS))


def canonical_identifier(identifier):
    """One spelling of a participant's identifier, to compare and to send.

    A phone number, bare or after a channel prefix (whatsapp:), becomes E.164: +15550100001 for
    ' +1 (555) 010-0001 '. Anything else (messenger:123456, a channel's own ids, None) is returned
    as it is: it is not ours to respell."""
    if not isinstance(identifier, str):
        return identifier
    channel = _CHANNEL_RE.fullmatch(identifier.strip())
    prefix, address = channel.groups() if channel else ("", identifier)
    if not _PHONE_RE.fullmatch(address.strip()):
        return identifier
    return prefix + _PHONE_SEPARATORS.sub("", address.strip())


def participant_fields(participant):
    """{'identifier': ..., 'friendly_name': ...} -> {'Identifier': ..., 'FriendlyName': ...}, the identifier
    in its canonical spelling (canonical_identifier)."""
    if not isinstance(participant, dict) or not participant.get("identifier"):
        raise InvalidInput("each participant needs an identifier")
    if participant.get("proxy_identifier_sid"):
        check_sid(participant["proxy_identifier_sid"], "PN", "participants.proxy_identifier_sid")
    fields = dict((wire, participant[ours]) for ours, wire in PARTICIPANT_FIELDS if participant.get(ours) is not None)
    fields["Identifier"] = canonical_identifier(fields["Identifier"])
    return fields


def looks_like_session_sid(name):
    """Whether a unique name has the shape of a session SID (the API would take it for one)."""
    return isinstance(name, str) and _SESSION_SID_RE.fullmatch(name) is not None


class TwilioProxy:
    """Sessions and participants of Proxy services."""

    def __init__(self, http):
        self.http = http
        base = urlsplit(http.base_url)
        self._origin = (base.scheme, base.netloc)

    @classmethod
    def connect(cls, account_sid=None, auth_token=None, api_key=None, api_secret=None,
                base_url=DEFAULT_BASE_URL, **http_options):
        """API Key + Secret when an API key is given, else Account SID + Auth Token."""
        if api_key:
            if not api_secret:
                raise InvalidInput("api_secret is required with api_key (or set TWILIO_API_SECRET)")
            auth = (api_key, api_secret)
        elif account_sid and auth_token:
            auth = (account_sid, auth_token)
        else:
            raise InvalidInput("Twilio credentials are missing: set account_sid and auth_token, or api_key and api_secret "
                               "(or the TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_API_KEY, TWILIO_API_SECRET variables)")
        http = HttpClient(base_url or DEFAULT_BASE_URL, auth=auth, secrets=(auth_token, api_secret), **http_options)
        return cls(http)

    @staticmethod
    def _sessions(service_sid):
        return "/v1/Services/%s/Sessions" % check_sid(service_sid, "KS", "service_sid")

    def _session(self, service_sid, sid):
        return "%s/%s" % (self._sessions(service_sid), check_sid(sid, "KC", "sid"))

    # Sessions --------------------------------------------------------------

    def list_sessions(self, service_sid, page_size=MAX_PAGE_SIZE):
        return list(self.each_session(service_sid, page_size))

    def each_session(self, service_sid, page_size=MAX_PAGE_SIZE):
        """The sessions of list_sessions, yielded as their pages come: a long listing is never held whole."""
        return self._each_item(self._sessions(service_sid), "sessions", page_size, {"service_sid": service_sid})

    def find_session(self, service_sid, sid=None, unique_name=None):
        """The session by SID or unique name, or None when the API says 404 (only then: an empty
        200 is an ApiError, never "no such session", which would make proxy_session create one).

        A session found by unique name always has that unique name. The API resolves /Sessions/{Sid}
        by SID first, so a name shaped like a SID would fetch another session (or none): such a name,
        and any fetch that answers with a session of another name, is looked up in the service's
        listing, matched exactly."""
        if sid:
            return self._fetch_or_none(self._session(service_sid, sid))
        name = check_unique_name(unique_name)
        if not looks_like_session_sid(name):
            found = self._fetch_or_none("%s/%s" % (self._sessions(service_sid), path_segment(name)))
            if found is None or found.get("unique_name") == name:
                return found
        return self.find_session_in_listing(service_sid, name)

    def find_session_in_listing(self, service_sid, unique_name):
        """The session whose unique_name is exactly this one, from the listing; None when there is none."""
        return next((s for s in self.each_session(service_sid) if s.get("unique_name") == unique_name), None)

    def _fetch_or_none(self, path):
        try:
            return self._fetch_session(path)
        except ApiError as exc:
            if exc.status == 404:
                return None
            raise

    def create_session(self, service_sid, unique_name=None, date_expiry=None, ttl=None, mode=None,
                       status=None, participants=None):
        """Create a session. Retried after an ambiguous failure only with a unique name: the
        retry first looks the name up, so a create that succeeded is found, not duplicated."""
        check_participant_count(len(participants or []), "participants has %d entries" % len(participants or []))
        form = session_form(unique_name, date_expiry, ttl, mode, status, participants)
        recover = None
        if unique_name:
            def recover():
                return self.find_session(service_sid, unique_name=unique_name)
        return self.http.request("POST", self._sessions(service_sid), form=form, recover=recover)[1]

    def update_session(self, service_sid, sid, ttl=None, date_expiry=None, status=None):
        """Set Ttl, DateExpiry and/or Status. Setting absolute values twice is harmless: retried."""
        form = session_form(date_expiry=date_expiry, ttl=ttl, status=status)
        return self.http.request("POST", self._session(service_sid, sid), form=form, idempotent=True)[1]

    def delete_session(self, service_sid, sid):
        """True when deleted now, False when it was already gone."""
        return self._delete(self._session(service_sid, sid))

    # Participants ----------------------------------------------------------

    def list_participants(self, service_sid, session_sid):
        return list(self._each_item(self._session(service_sid, session_sid) + "/Participants", "participants", MAX_PAGE_SIZE,
                                    {"service_sid": service_sid, "session_sid": session_sid}))

    def create_participant(self, service_sid, session_sid, participant):
        """Add one participant. After an ambiguous failure the retry first looks for its identifier."""
        path = self._session(service_sid, session_sid) + "/Participants"
        fields = participant_fields(participant)

        def recover():
            for existing in self.list_participants(service_sid, session_sid):
                if canonical_identifier(existing.get("identifier")) == fields["Identifier"]:
                    return existing
            return None

        return self.http.request("POST", path, form=sorted(fields.items()), recover=recover)[1]

    def delete_participant(self, service_sid, session_sid, sid):
        """True when removed now, False when it was already gone."""
        path = self._session(service_sid, session_sid)
        return self._delete("%s/Participants/%s" % (path, check_sid(sid, "KP", "participant sid")))

    def _delete(self, path):
        """True when deleted by us, False when it was already gone.

        A 404 after retries means our own earlier attempt deleted it only when that attempt may have
        reached the server (see ApiError.may_have_applied); after a 429 or 503 it was gone before us.
        """
        try:
            self.http.request("DELETE", path)
        except ApiError as exc:
            if exc.status == 404:
                return exc.may_have_applied
            raise
        return True

    # Paging ----------------------------------------------------------------

    def _fetch_session(self, path):
        """GET one session: a JSON object with its 'sid', or an ApiError."""
        body = self.http.request("GET", path)[1]
        expect_object(body, "sid", str, "GET", self.http.log_path(path))
        return body

    def _each_item(self, path, key, page_size, owner=None):
        """Follow meta.next_page_url; items are yielded page by page, each page once it has been checked.

        A next page must stay on the API's own origin (credentials go with it) and on the listing's own
        path (the same service, the same session, the same resource: only the query may change), must not
        come back to a page already read, and must not follow an empty page. owner ({field: value}, such as
        the service_sid asked for) is what each item must say it belongs to, when it says so: an item of
        another service is an error, never yielded (bulk plans address the service an item names).

        Twilio's meta has no total, so a short listing can only show as repeats: a page whose items were
        all read before (the server ignores its own page token) is an error; an item seen twice is dropped.
        Every check raises before the page it is about is yielded and before the next page is asked for."""
        visited, seen, where = set(), set(), self.http.log_path(path)
        url, params = path, {"PageSize": str(max(1, min(MAX_PAGE_SIZE, int(page_size))))}
        while True:
            body = self.http.request("GET", url, params=params)[1]
            page = expect_object(body, key, list, "GET", where)
            next_url = expect_object(body, "meta", dict, "GET", where).get("next_page_url")
            self._check_owner(page, owner, key, path)
            fresh = _unseen(page, "sid", seen)
            if page and not fresh:
                raise self.http.error("a page repeats %d %s already read: the server does not follow its own "
                                      "next_page_url; refusing a partial list" % (len(page), key), "GET", path)
            if next_url:
                self._check_next_page(next_url, page, visited, path)
            yield from fresh
            if not next_url:
                return
            visited.add(next_url)
            url, params = next_url, None

    def _check_owner(self, page, owner, key, path):
        """An ApiError when an item says it belongs to another service or session than the one listed
        (SIDs compared without case: the options accept either case of hex digits)."""
        for field, wanted in sorted((owner or {}).items()):
            for item in page:
                said = item.get(field, wanted)
                if not (isinstance(said, str) and said.lower() == wanted.lower()):
                    raise self.http.error("the listing of %s holds an item whose %s is %s: refusing %s of another %s"
                                          % (wanted, field, shown(item[field]), key, field.split("_")[0]), "GET", path)

    def _check_next_page(self, next_url, page, visited, path):
        """An ApiError unless next_url leads somewhere new on our own origin and the listing's own path,
        after a page with items."""
        target = _origin_of(next_url)
        if target is None:
            problem = "meta.next_page_url is not a URL"
        elif target != self._origin:
            problem = "refusing to follow next_page_url to another host (%s)" % target[1]
        elif urlsplit(next_url).path != urlsplit(self.http.url_for(path)).path:
            # Another service's or session's listing: following it would act on what was not selected.
            problem = "refusing to follow next_page_url to another path (%s): a next page must list the same " \
                "resource" % shown(urlsplit(next_url).path, 200)
        elif not page:
            # Stopping could drop the pages behind it; following could loop: neither is safe.
            problem = "meta.next_page_url after an empty page"
        elif next_url in visited:
            problem = "meta.next_page_url leads back to a page already read: the list would never end"
        elif len(visited) + 1 >= MAX_PAGES:
            problem = "more than %d pages: the list would not end in reasonable time" % MAX_PAGES
        else:
            return
        raise self.http.error(problem, "GET", path)


def _unseen(page, field, seen):
    """The items of page whose `field` (a string id) is not in seen yet, which learns them; items without one are kept."""
    fresh = []
    for item in page:
        key = item.get(field)
        if not isinstance(key, str):
            fresh.append(item)
        elif key not in seen:
            seen.add(key)
            fresh.append(item)
    return fresh


def _origin_of(url):
    """(scheme, host:port) of a URL, or None when it is not one."""
    try:
        parts = urlsplit(url) if isinstance(url, str) else None
    except ValueError:
        return None
    return (parts.scheme, parts.netloc) if parts and parts.scheme and parts.netloc else None
