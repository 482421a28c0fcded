# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Checks of identifiers before they go into a URL path: PRIVATE to commsops.sessions.

Every message names the option, so bad input is reported before any request is sent.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

try:
    from urllib.parse import quote
except ImportError:  # pragma: no cover - Python 2 is not supported, this only keeps pylint quiet
    from urllib import quote  # type: ignore

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
SID_RE = r"^%s[0-9a-fA-F]{32}$"
UNIQUE_NAME_MAX = 191
MAX_IDS = 10000


class InvalidInput(ValueError):
    """Bad input from the user; the message names the option."""


def check_uuid(value, option):
    if not isinstance(value, str) or not UUID_RE.match(value):
        raise InvalidInput("%s must be a UUID such as 0ccc7b54-4df3-4bca-a65a-3da1ecc777f0, got %r"
                           % (option, _shorten(value)))
    return value.lower()


def check_uuid_list(values, option, limit=MAX_IDS):
    if not isinstance(values, (list, tuple)):
        raise InvalidInput("%s must be a list of UUIDs" % option)
    if len(values) > limit:
        raise InvalidInput("%s has %d entries; at most %d are accepted in one task" % (option, len(values), limit))
    return [check_uuid(v, "%s[%d]" % (option, i)) for i, v in enumerate(values)]


def check_sid(value, prefix, option):
    """Twilio SIDs are two letters and 32 hex digits (KS service, KC session, KP participant)."""
    if not isinstance(value, str) or not re.match(SID_RE % prefix, value):
        raise InvalidInput("%s must be %s followed by 32 hexadecimal digits, got %r" % (option, prefix, _shorten(value)))
    return value


def check_sid_list(values, prefix, option, limit=MAX_IDS):
    if not isinstance(values, (list, tuple)):
        raise InvalidInput("%s must be a list of %s SIDs" % (option, prefix))
    if len(values) > limit:
        raise InvalidInput("%s has %d entries; at most %d are accepted in one task" % (option, len(values), limit))
    return [check_sid(v, prefix, "%s[%d]" % (option, i)) for i, v in enumerate(values)]


def check_unique_name(value, option="unique_name"):
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput("%s must be a non-empty string" % option)
    if len(value) > UNIQUE_NAME_MAX:
        raise InvalidInput("%s is %d characters long; Twilio accepts at most %d" % (option, len(value), UNIQUE_NAME_MAX))
    return value


def check_keys(spec, allowed, option):
    """A dictionary option's keys must be among the allowed ones."""
    unknown = sorted(set(spec) - set(allowed))
    if unknown:
        raise InvalidInput("%s has unknown key(s) %s; use %s" % (option, ", ".join(unknown), ", ".join(allowed)))


def path_segment(value):
    """Percent-encode one path segment, slashes and dots included, so it cannot change the URL."""
    encoded = quote(value, safe="")
    return encoded.replace(".", "%2E") if encoded in (".", "..") or encoded.startswith("..") else encoded


def _shorten(value, limit=60):
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[:limit] + "..."
