# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the Twilio Proxy v1 API takes for a service, a session and its participants: PRIVATE to commsops.sessions.

Forms with the API's PascalCase names, checked before they reach a request, and the one spelling of a
participant's identifier. No Ansible, no HTTP: the client (twilio_proxy.py) and the plans use it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re
from urllib.parse import urlsplit

from ansible_collections.commsops.sessions.plugins.module_utils.timefilter import to_utc_string
from ansible_collections.commsops.sessions.plugins.module_utils.validation import (
    InvalidInput, check_int_range, check_sid, check_unique_name, option_number)

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
GEO_MATCH_LEVELS = ("area-code", "overlay", "radius", "country")
NUMBER_SELECTION_BEHAVIORS = ("avoid-sticky", "prefer-sticky")
SERVICE_URLS = ("callback_url", "intercept_callback_url", "out_of_session_callback_url")
# A service's fields: our name -> the API's. unique_name first: a create's form reads in this order.
SERVICE_FIELDS = (("unique_name", "UniqueName"), ("default_ttl", "DefaultTtl"), ("callback_url", "CallbackUrl"),
                  ("intercept_callback_url", "InterceptCallbackUrl"),
                  ("out_of_session_callback_url", "OutOfSessionCallbackUrl"), ("geo_match_level", "GeoMatchLevel"),
                  ("number_selection_behavior", "NumberSelectionBehavior"), ("chat_instance_sid", "ChatInstanceSid"))
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


def service_form(fields, create=False):
    """The form of a service's create (unique_name required) or update, as (PascalCase, text) pairs, from
    our names; fields set to None are left out, an unknown name is refused."""
    checked = service_values(fields)
    if create and "unique_name" not in checked:
        raise InvalidInput("unique_name is required to create a Proxy service")
    return [(wire, str(checked[ours])) for ours, wire in SERVICE_FIELDS if ours in checked]


def service_values(fields):
    """Our names -> checked values (default_ttl an int, the rest text); None values are dropped."""
    known = [ours for ours, _wire in SERVICE_FIELDS]
    unknown = sorted(set(fields) - set(known))
    if unknown:
        raise InvalidInput("unknown Proxy service field(s) %s; use %s" % (", ".join(unknown), ", ".join(known)))
    checked = {}
    for name, value in fields.items():
        if value is not None:
            checked[name] = _service_value(name, value)
    return checked


def _service_value(name, value):
    if name == "unique_name":
        return check_unique_name(value)
    if name == "default_ttl":
        return check_int_range(option_number(value), "default_ttl", 0)
    if name == "geo_match_level":
        return _one_of(value, GEO_MATCH_LEVELS, name)
    if name == "number_selection_behavior":
        return _one_of(value, NUMBER_SELECTION_BEHAVIORS, name)
    if value == "":
        raise InvalidInput(empty_refused(name))
    if name == "chat_instance_sid":
        return check_sid(value, "IS", name)
    return check_url(value, name)


def empty_refused(name):
    """Why "" is refused: the document types the URLs as format uri and ChatInstanceSid as an IS SID, and
    offers no other way to unset them; sent, "" would be outside the contract."""
    if name == "chat_instance_sid":
        return ("chat_instance_sid: an empty value is not a chat instance SID; the API document offers no way to "
                "remove it (point it at another chat instance)")
    return "%s: an empty value is not a URL; the API document offers no way to remove it (point it at another URL)" % name


def _one_of(value, allowed, option):
    if value not in allowed:
        raise InvalidInput("%s must be one of %s, got %r" % (option, ", ".join(allowed), value))
    return value


def check_url(value, option):
    """An absolute http(s) URL."""
    try:
        parts = urlsplit(value) if isinstance(value, str) else None
    except ValueError:  # such as an unclosed [ in the host
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        raise InvalidInput("%s must be an absolute http or https URL, got %r" % (option, value))
    return value


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
