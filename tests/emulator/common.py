# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Small pieces both emulated APIs use."""

import collections
import datetime
import re

UTC = datetime.timezone.utc
STANDARD_TITLES = {404: "Resource not found", 429: "Too Many Requests", 503: "Service Unavailable"}


class ApiAnswer:
    """What a route answers: a status, a JSON body (or None) and extra headers."""

    def __init__(self, status, body=None, headers=None):
        self.status = status
        self.body = body
        self.headers = headers or {}


API_FIELDS = ("name prefix router authenticate standard_error limit_headers echo_headers wrong_shape documented_error "
              "path_template")


class Api(collections.namedtuple("Api", API_FIELDS)):
    """One vendor's API as the middleware sees it; each vendor module makes one, named API.

    name: the key of its store; prefix: the paths it serves ("/v2/"); router: its route table;
    authenticate(header, accounts): (the account the credentials in the Authorization header belong to, None), or
    (None, its 401 answer); standard_error(status): its answer for 404, 429 and 503;
    limit_headers(limit, remaining, reset): the rate limit's headers (per second, whole tokens left, seconds
    until full, to the millisecond on a 429), on its 429s and, with a rate limit, on
    every answer;
    echo_headers(status, headers): its answer to the echo_headers fault; wrong_shape(listing): the wrong_shape_200
    fault's body for a list or for one object; documented_error(answer, route): an error answer in the body its
    document gives that route; path_template(path): a route name for a path no row names (ids as {id}).
    """


def echo_parts(headers):
    """What the echo_headers fault repeats: the Authorization header, its credentials part, every header as one
    line and as a dict."""
    auth = headers.get("Authorization") or ""
    token = auth.partition(" ")[2]  # the base64 part of Basic, the key of Bearer
    listed = "; ".join("%s: %s" % item for item in headers.items())
    return auth, token, listed, dict(headers.items())


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
