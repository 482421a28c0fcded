# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Checks of identifiers before they go into a URL path, and the one number parser: PRIVATE to commsops.sessions.

Every message names the option, so bad input is reported before any request is sent.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import re

from urllib.parse import quote

# Patterns are used with fullmatch: with match and "$", a trailing newline would pass into the URL.
UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
SID_RE = r"%s[0-9a-fA-F]{32}"
TRUE_STRINGS = ("true", "yes", "on", "1")
FALSE_STRINGS = ("false", "no", "off", "0")
UNIQUE_NAME_MAX = 191
MAX_IDS = 10000
# Numbers are spelled in ASCII digits only: str.isdigit() also takes '²', and int() and float() take
# '１', '٣' and '1_0', so each of them read the same text differently. re.ASCII keeps [0-9] to ASCII.
_WHOLE_RE = re.compile(r"[0-9]+", re.ASCII)
_DECIMAL_RE = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+", re.ASCII)
# Longer is no count or duration anyone means (and int() refuses digit strings past 4300).
MAX_NUMBER_CHARS = 30


class InvalidInput(ValueError):
    """Bad input from the user; the message names the option."""


def check_uuid(value, option):
    if not isinstance(value, str) or not UUID_RE.fullmatch(value):
        raise InvalidInput("%s must be a UUID such as 0ccc7b54-4df3-4bca-a65a-3da1ecc777f0, got %s"
                           % (option, _shown(value)))
    return value.lower()


def check_uuid_list(values, option, limit=MAX_IDS):
    if not isinstance(values, (list, tuple)):
        raise InvalidInput("%s must be a list of UUIDs" % option)
    if len(values) > limit:
        raise InvalidInput("%s has %d entries; at most %d are accepted in one task" % (option, len(values), limit))
    return [check_uuid(v, "%s[%d]" % (option, i)) for i, v in enumerate(values)]


def check_sid(value, prefix, option):
    """Twilio SIDs are two letters and 32 hex digits (KS service, KC session, KP participant)."""
    if not isinstance(value, str) or not re.fullmatch(SID_RE % re.escape(prefix), value):
        raise InvalidInput("%s must be %s followed by 32 hexadecimal digits, got %s" % (option, prefix, _shown(value)))
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


def check_bool(value, option):
    """A real bool, or one of the usual strings; anything else (maybe, 2, None) is an error, not false."""
    if isinstance(value, bool):
        return value
    text = value.lower() if isinstance(value, str) else None
    if text in TRUE_STRINGS:
        return True
    if text in FALSE_STRINGS:
        return False
    raise InvalidInput("%s must be true or false, got %s" % (option, _shown(value)))


def parse_number(value, decimal=False):
    """The number a text spells in ASCII digits (with one decimal point when decimal), else None.

    The one way the collection reads a number from a header, a body or an option's string: no sign,
    exponent, underscore, superscript or other script's digits; spaces and tabs around it are ignored.
    Returns an int, or a float when decimal.
    """
    if not isinstance(value, str):
        return None
    text = value.strip(" \t\r\n")
    if len(text) > MAX_NUMBER_CHARS or not (_DECIMAL_RE if decimal else _WHOLE_RE).fullmatch(text):
        return None
    return float(text) if decimal else int(text)


def option_number(value, decimal=False):
    """An option's value with a number spelled as text read by parse_number; anything else is returned as
    it is, for the check_* function to refuse naming the option (so '²' is refused, never int()'s error)."""
    if not isinstance(value, str):
        return value
    number = parse_number(value)
    if number is None and decimal:
        number = parse_number(value, decimal=True)
    return value if number is None else number


def check_int_range(value, option, minimum, maximum=None):
    """An int within minimum..maximum (no maximum when None); bools, floats and strings are refused, not
    truncated or read (an option given as text goes through option_number first)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput("%s must be a whole number, got %s" % (option, _shown(value)))
    if value < minimum or (maximum is not None and value > maximum):
        raise InvalidInput("%s must be %s, got %d" % (option, _range_text(minimum, maximum), value))
    return value


def check_seconds(value, option, maximum, allow_zero=True):
    """A finite number of seconds, 0 (or above 0 when allow_zero is false) up to maximum."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidInput("%s must be a finite number of seconds, got %s" % (option, _shown(value)))
    if value < 0 or (value == 0 and not allow_zero) or value > maximum:
        lower = "0 or more" if allow_zero else "greater than 0"
        raise InvalidInput("%s must be %s and at most %s seconds, got %s" % (option, lower, maximum, value))
    return value


def check_dict(spec, allowed, option):
    """A dictionary option (None means empty) with only the allowed keys; keys set to None are dropped."""
    if spec is not None and not isinstance(spec, dict):
        raise InvalidInput("%s must be a dictionary with any of the keys %s" % (option, ", ".join(allowed)))
    spec = dict((k, v) for k, v in (spec or {}).items() if v is not None)
    check_keys(spec, allowed, option)
    return spec


def check_keys(spec, allowed, option):
    """A dictionary option's keys must be among the allowed ones."""
    unknown = sorted(str(key) for key in set(spec) - set(allowed))
    if unknown:
        raise InvalidInput("%s has unknown key(s) %s; use %s" % (option, ", ".join(unknown), ", ".join(allowed)))


def path_segment(value):
    """Percent-encode one path segment, slashes and dots included, so it cannot change the URL."""
    encoded = quote(value, safe="")
    return encoded.replace(".", "%2E") if encoded in (".", "..") or encoded.startswith("..") else encoded


def _range_text(minimum, maximum):
    return "%d or more" % minimum if maximum is None else "between %d and %d" % (minimum, maximum)


def _shown(value, limit=60):
    """The value as Python shows it (so a trailing newline is visible), cut short."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def check_max_sessions(max_sessions):
    """The bulk modules' safety limit, refused (not clamped) when below 0; None when not given."""
    return None if max_sessions is None else check_int_range(option_number(max_sessions), "max_sessions", 0)
