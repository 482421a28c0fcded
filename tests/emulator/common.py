# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Small pieces both emulated APIs use."""

import datetime
import re

UTC = datetime.timezone.utc


class ApiAnswer:
    """What a route answers: a status, a JSON body (or None) and extra headers."""

    def __init__(self, status, body=None, headers=None):
        self.status = status
        self.body = body
        self.headers = headers or {}


def now():
    return datetime.datetime.now(UTC)


def iso(stamp, fraction=True):
    """Telnyx writes microseconds; Twilio whole seconds. None stays None."""
    if stamp is None:
        return None
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if fraction else "%Y-%m-%dT%H:%M:%SZ")


def parse_bool(text):
    return {"true": True, "false": False}.get(str(text).lower())


def parse_day(text):
    if not re.match(r"^\d{4}-\d{2}-\d{2}$", text or ""):
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def parse_datetime(text):
    """An ISO 8601 date-time with a zone (Z or an offset), as aware UTC; None when it is not one."""
    if not isinstance(text, str) or not re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$", text):
        return None
    try:
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None
