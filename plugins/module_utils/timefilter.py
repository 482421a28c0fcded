# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Time windows (eq / gte / lte) on timestamps: PRIVATE to commsops.sessions.

A bound is a date (2026-11-01), an ISO 8601 instant in any zone (2026-11-01T08:00:00+02:00),
or a moment relative to now (now, now-2h, now-90m, now-7d). Telnyx filters by date only, so
a window narrows on the server by date and matches the exact instant on the client.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import re

from ansible_collections.commsops.sessions.plugins.module_utils.validation import InvalidInput, check_keys

OPERATORS = ("eq", "gte", "lte")
UTC = datetime.timezone.utc
# All patterns are used with fullmatch, so nothing (not even a newline) may follow them.
# re.ASCII: \d would also match '٣' or '１', which int() reads; numbers are ASCII digits only (validation.parse_number).
_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_INSTANT_RE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|z|[+-]\d{2}:?\d{2})?", re.ASCII)
_RELATIVE_RE = re.compile(r"now(?:\s*([+-])\s*(\d+)\s*([smhdw]))?", re.ASCII)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
# A century: longer is surely a typo, and now minus it is still a valid date.
MAX_DURATION = 100 * 366 * 86400


def _seconds(count, unit, option, value):
    """count (an int or a digit string) units as seconds, at most MAX_DURATION."""
    if isinstance(count, str):
        # Past 15 digits it is over the limit anyway, and int() refuses very long digit strings.
        count = int(count) if len(count) <= 15 else MAX_DURATION + 1
    seconds = count * _UNITS[unit]
    if seconds > MAX_DURATION:
        raise InvalidInput("%s must be at most 100 years, got %r" % (option, value))
    return seconds


def parse_bound(value, option, now=None):
    """Return (datetime.date, None) for a date, or (None, aware UTC datetime) for an instant."""
    if isinstance(value, datetime.datetime):
        return None, value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, datetime.date):
        return value, None
    text = str(value).strip() if isinstance(value, str) else None
    if text is None:
        raise InvalidInput("%s must be a date or an ISO 8601 timestamp, got %r" % (option, value))
    match = _RELATIVE_RE.fullmatch(text.lower())
    if match:
        now = now or datetime.datetime.now(UTC)
        if match.group(1):
            seconds = _seconds(match.group(2), match.group(3), option, value)
            now += datetime.timedelta(seconds=seconds if match.group(1) == "+" else -seconds)
        return None, now
    try:
        match = _DATE_RE.fullmatch(text)
        if match:
            return datetime.date(*[int(g) for g in match.groups()]), None
        instant = parse_instant(text)
    except ValueError:
        instant = None
    if instant is None:
        raise InvalidInput("%s must be a date (2026-11-01), an ISO 8601 timestamp (2026-11-01T08:00:00Z) "
                           "or now-<N><s|m|h|d|w>, got %r" % (option, value))
    return None, instant


def parse_instant(text):
    """Parse an ISO 8601 timestamp into an aware UTC datetime; None when it is not one.

    A timestamp without a zone is taken as UTC, which is what both APIs use. Impossible values
    (month 13, year 0, offset +25:00) are not timestamps either.
    """
    match = _INSTANT_RE.fullmatch(text.strip()) if isinstance(text, str) else None
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        stamp = datetime.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0), micro,
                                  _zone(zone))
        return stamp.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def _zone(zone):
    if not zone or zone in ("Z", "z"):
        return UTC
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 23 or minutes > 59:
        raise ValueError("offset %s is out of range" % zone)
    sign = -1 if zone[0] == "-" else 1
    return datetime.timezone(sign * datetime.timedelta(hours=hours, minutes=minutes))


def to_utc_string(value, option):
    """An instant in any zone as YYYY-MM-DDTHH:MM:SSZ (what Twilio takes). A date means its midnight UTC."""
    day, instant = parse_bound(value, option)
    if instant is None:
        instant = datetime.datetime(day.year, day.month, day.day, tzinfo=UTC)
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")


class UnreadableTimestamp(InvalidInput):
    """A timestamp from the server that is not ISO 8601. Not an HTTP failure (nothing to retry, no status):
    an InvalidInput, so modules and lookups fail the task with its message, as they do for a bad option."""


class TimeWindow:
    """One field's window, e.g. created_at: {gte: 2026-11-01, lte: now-2h}."""

    def __init__(self, field, spec, option, now=None):
        if not isinstance(spec, dict):
            raise InvalidInput("%s must be a dictionary with any of the keys %s" % (option, ", ".join(OPERATORS)))
        check_keys(spec, OPERATORS, option)
        self.field = field
        self.bounds = {}
        for op in OPERATORS:
            if spec.get(op) is not None:
                self.bounds[op] = parse_bound(spec[op], "%s.%s" % (option, op), now)

    def server_dates(self):
        """The window widened to whole days: {op: 'YYYY-MM-DD'}, for APIs that filter by date."""
        return dict((op, (day or instant.date()).isoformat()) for op, (day, instant) in self.bounds.items())

    def matches(self, value):
        """Whether a resource's timestamp (string or None) lies in the window.

        A missing timestamp (a nullable field such as ended_at) lies in no window; one that cannot be
        parsed is the server's fault, so it fails the task rather than silently dropping the resource.
        """
        if not self.bounds:
            return True
        if value is None or value == "":
            return False
        stamp = parse_instant(value)
        if stamp is None:
            raise UnreadableTimestamp("the server sent %s=%r, which is not an ISO 8601 timestamp" % (self.field, value))
        for op, (day, instant) in self.bounds.items():
            left, right = (stamp.date(), day) if day is not None else (stamp, instant)
            if op == "eq" and instant is not None and not instant.microsecond:
                left = stamp.replace(microsecond=0)
            if (op == "eq" and left != right) or (op == "gte" and left < right) or (op == "lte" and left > right):
                return False
        return True
