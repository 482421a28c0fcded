# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The phone numbers of a Twilio Proxy service (its number pool): PRIVATE to commsops.sessions. No Ansible.

PhoneNumbers is a part of TwilioProxy (twilio_proxy.py mixes it in), kept in its own file so that the
client stays short; it uses the client's http, _each_item, _fetch_or_none and _delete.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.commsops.sessions.plugins.module_utils.twilio_values import canonical_identifier
from ansible_collections.commsops.sessions.plugins.module_utils.validation import InvalidInput, check_sid

POOL_PAGE_SIZE = 1000


def phone_number_form(sid=None, phone_number=None, is_reserved=None):
    """The form of an add (Sid or PhoneNumber, and IsReserved) or of an update (IsReserved alone)."""
    if sid is not None and phone_number is not None:
        raise InvalidInput("give a phone number's sid or its phone_number, not both")
    form = []
    if sid is not None:
        form.append(("Sid", check_sid(sid, "PN", "sid")))
    if phone_number is not None:
        form.append(("PhoneNumber", canonical_identifier(phone_number)))
    if is_reserved is not None:
        if not isinstance(is_reserved, bool):
            raise InvalidInput("is_reserved must be true or false, got %r" % (is_reserved,))
        form.append(("IsReserved", "true" if is_reserved else "false"))
    return form


class PhoneNumbers:
    """GET/POST /v1/Services/{ServiceSid}/PhoneNumbers and GET/POST/DELETE .../PhoneNumbers/{Sid}."""

    def _phone_numbers(self, service_sid):
        return "/v1/Services/%s/PhoneNumbers" % check_sid(service_sid, "KS", "service_sid")

    def _phone_number(self, service_sid, sid):
        return "%s/%s" % (self._phone_numbers(service_sid), check_sid(sid, "PN", "sid"))

    def each_phone_number(self, service_sid):
        """The service's pool, yielded page by page (the listing checks of _each_item)."""
        return self._each_item(self._phone_numbers(service_sid), "phone_numbers", POOL_PAGE_SIZE,
                               {"service_sid": service_sid})

    def find_phone_number(self, service_sid, sid):
        """The pool's number with this SID, or None when the API says 404."""
        return self._fetch_or_none(self._phone_number(service_sid, sid))

    def find_pooled_number(self, service_sid, phone_number):
        """The pool's entry for this E.164 number (any spelling), from the listing; None when there is none."""
        wanted = canonical_identifier(phone_number)
        return next((item for item in self.each_phone_number(service_sid)
                     if canonical_identifier(item.get("phone_number")) == wanted), None)

    def add_phone_number(self, service_sid, sid=None, phone_number=None, is_reserved=None):
        """Add one of the account's numbers to the pool, by SID or by number. A POST that is not idempotent:
        after an ambiguous failure it is sent again only once the number is not found in the pool."""
        if sid is None and phone_number is None:
            raise InvalidInput("give a phone number's sid or its phone_number")
        form = phone_number_form(sid, phone_number, is_reserved)

        def recover():
            if sid is not None:
                return self.find_phone_number(service_sid, sid)
            return self.find_pooled_number(service_sid, phone_number)

        return self.http.request("POST", self._phone_numbers(service_sid), form=form, recover=recover)[1]

    def update_phone_number(self, service_sid, sid, is_reserved):
        """Set IsReserved: an absolute value, so sending it twice is harmless (retried)."""
        form = phone_number_form(is_reserved=is_reserved)
        return self.http.request("POST", self._phone_number(service_sid, sid), form=form, idempotent=True)[1]

    def remove_phone_number(self, service_sid, sid):
        """True when removed now, False when it was already out of the pool (404)."""
        return self._delete(self._phone_number(service_sid, sid))
