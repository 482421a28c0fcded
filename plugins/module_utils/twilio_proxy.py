# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Twilio Proxy v1 client (services, sessions, participants): PRIVATE to commsops.sessions. No Ansible imports.

Form-encoded bodies with the API's PascalCase names, HTTP basic auth (Account SID + Auth Token
or API Key + Secret), lists that follow meta.next_page_url (twilio_paging.py).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from urllib.parse import urlsplit

from ansible_collections.commsops.sessions.plugins.module_utils.api_error import ApiError, expect_object
from ansible_collections.commsops.sessions.plugins.module_utils.http_layer import HttpClient
from ansible_collections.commsops.sessions.plugins.module_utils.twilio_paging import MAX_PAGE_SIZE, TwilioPaging
from ansible_collections.commsops.sessions.plugins.module_utils.twilio_phone_numbers import PhoneNumbers
from ansible_collections.commsops.sessions.plugins.module_utils.twilio_values import (
    check_participant_count, canonical_identifier, looks_like_session_sid, participant_fields, service_form, session_form)
from ansible_collections.commsops.sessions.plugins.module_utils.validation import (
    InvalidInput, check_sid, check_unique_name, path_segment)

DEFAULT_BASE_URL = "https://proxy.twilio.com"


class TwilioProxy(TwilioPaging, PhoneNumbers):
    """Proxy services, and the sessions, participants and phone numbers (PhoneNumbers) of a service."""

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

    # Services --------------------------------------------------------------

    def list_services(self, page_size=MAX_PAGE_SIZE):
        return list(self.each_service(page_size))

    def each_service(self, page_size=MAX_PAGE_SIZE):
        """The account's services, yielded as their pages come."""
        return self._each_item("/v1/Services", "services", page_size)

    def find_service(self, sid=None, unique_name=None):
        """The service by SID, or the one whose unique_name is exactly this one (from the listing: the
        API fetches /Services/{Sid} by SID, and a name is never taken for a SID); None only when the API
        says 404 or no service has that name."""
        if sid:
            return self._fetch_or_none(self._service(sid))
        name = check_unique_name(unique_name)
        return next((s for s in self.each_service() if s.get("unique_name") == name), None)

    def create_service(self, fields):
        """Create a service from our names ({'unique_name': ..., 'default_ttl': ...}). After an ambiguous
        failure the retry first looks the unique name up, so a create that succeeded (ours, or a
        concurrent run's) is found, not duplicated."""
        form = service_form(fields, create=True)
        name = fields["unique_name"]
        return self.http.request("POST", "/v1/Services", form=form,
                                 recover=lambda: self.find_service(unique_name=name))[1]

    def update_service(self, sid, fields):
        """Set the given fields. Setting absolute values twice is harmless: retried."""
        return self.http.request("POST", self._service(sid), form=service_form(fields), idempotent=True)[1]

    def delete_service(self, sid):
        """True when deleted now, False when it was already gone."""
        return self._delete(self._service(sid))

    @staticmethod
    def _service(sid):
        return "/v1/Services/%s" % check_sid(sid, "KS", "sid")

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
            return self._fetch_one(path)
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

    def _fetch_one(self, path):
        """GET one resource (a service, a session...): a JSON object with its 'sid', or an ApiError."""
        body = self.http.request("GET", path)[1]
        expect_object(body, "sid", str, "GET", self.http.log_path(path))
        return body
