# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The error model of the HTTP layer and its redaction: PRIVATE to commsops.sessions.

ApiError (what every failed call becomes), the vendors' error bodies read into it, the checks of an
answer's shape (expect_object, shown: they make ApiErrors that name types, never values), and the
redaction of every wire form of a credential from whatever an ApiError carries. No vendor, no Ansible,
no requests: the clients and the plan layer import ApiError from here.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json
import re
from urllib.parse import quote, quote_plus

REDACTED = "********"


class ApiError(Exception):
    """An API call that did not succeed.

    Carries the HTTP status (None when no answer came), the vendor's error code and
    message, and the request's method and path. Never a credential or a header.
    retries: how many times the request was sent again; the message says it (once) when not 0.
    may_have_applied: some attempt of this request may have reached the server and been carried
    out (its connection dropped after sending, or it was answered 500, 502 or 504), so the server's
    state has to be read to know what happened.
    """

    def __init__(self, message, status=None, code=None, method=None, path=None, more_info=None, retries=0,
                 may_have_applied=False):
        super(ApiError, self).__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.method = method
        self.path = path
        self.more_info = more_info
        self.retries = retries
        self.may_have_applied = may_have_applied

    def __str__(self):
        where = "%s %s" % (self.method, self.path) if self.method else "request"
        parts = [where + ":"]
        if self.status is not None:
            parts.append("HTTP %s" % self.status)
        if self.code not in (None, ""):
            parts.append("(code %s)" % self.code)
        text = " ".join(parts)
        text += " " + self.message if self.message else ""
        if self.more_info:
            text += " (see %s)" % self.more_info
        return text

    def to_dict(self):
        return dict(status=self.status, code=self.code, message=self.message, method=self.method,
                    path=self.path, more_info=self.more_info, retries=self.retries,
                    may_have_applied=self.may_have_applied)


def parse_error_body(text):
    """Return (code, message, more_info) from a vendor error body, whatever its shape."""
    try:
        body = json.loads(text) if text else None
    except ValueError:
        body = None
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            # Telnyx: {"errors": [{"code", "title", "detail"}, ...]}
            messages = [_join_title_detail(err) for err in errors if isinstance(err, dict)]
            return _text(errors[0].get("code")), "; ".join(m for m in messages if m), None
        if "title" in body and "code" in body:
            # Telnyx video_Error: one object, not wrapped in a list
            return _text(body.get("code")), _join_title_detail(body), None
        if "message" in body or "code" in body:
            # Twilio {code, message, more_info, status}, or Telnyx's bare {"message": ...}
            return _text(body.get("code")), _text(body.get("message")) or "", _text(body.get("more_info"))
    return None, plain_text(text), None


def _join_title_detail(err):
    title, detail = _text(err.get("title")), _text(err.get("detail"))
    if title and detail and detail != title:
        return "%s: %s" % (title, detail)
    return title or detail or ""


def _text(value):
    return None if value is None else str(value)


def plain_text(text, limit=300):
    """Body text for humans: tags dropped (an HTML error page from a proxy), whitespace collapsed."""
    if not text:
        return ""
    text = re.sub(r"(?is)<(script|style).*?</\1>", " ", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text[:limit] + ("..." if len(text) > limit else "")


_KIND_NAMES = {dict: "an object", list: "a list of objects", str: "a string"}


def expect_object(body, key, kind, method, path):
    """body[key], when body is a JSON object whose `key` holds a `kind` (dict, list of objects or str).

    Anything else is an ApiError that says what came instead. It names types, never values,
    so no server text (an echoed credential) can reach it.
    """
    value = body.get(key) if isinstance(body, dict) else None
    if isinstance(body, dict) and isinstance(value, kind) and (
            kind is not list or all(isinstance(item, dict) for item in value)):
        return value
    if not isinstance(body, dict):
        got = "an empty answer" if body is None else _kind_of(body)
    elif key not in body:
        got = "an object without '%s'" % key
    elif kind is list and isinstance(value, list):
        got = "'%s' holding %s" % (key, ", ".join(sorted(set(_kind_of(item) for item in value if not isinstance(item, dict)))))
    else:
        got = "'%s' as %s" % (key, _kind_of(value))
    raise ApiError("expected a JSON object with '%s' (%s), got %s" % (key, _KIND_NAMES[kind], got),
                   method=method, path=path)


def _kind_of(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "an object"


def shown(value, limit=40):
    """A server value for an error message: short ones as they came (redact the message!), long ones by kind."""
    text = repr(value) if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= limit else _kind_of(value)


def secret_forms(secrets=(), auth=None, headers=None):
    """Every form a credential takes on the wire: raw, the Basic pair in Base64, the token of an
    Authorization header, and each of these percent-encoded (Base64 holds + / =)."""
    plain = [s for s in secrets if s]
    if isinstance(auth, tuple) and len(auth) == 2 and all(isinstance(part, str) for part in auth):
        plain.append(auth[1])
        pair = ("%s:%s" % auth).encode("latin1", "replace")  # what requests encodes for Basic auth
        encoded = base64.b64encode(pair).decode()
        plain.extend((encoded, encoded.rstrip("=")))  # a server may drop the padding
    for name, value in (headers or {}).items():
        if name.lower() in ("authorization", "proxy-authorization") and value:
            plain.append(value.split(" ", 1)[-1])
    forms = set()
    for text in plain:
        forms.update((text, quote(text, safe=""), quote_plus(text)))
    return sorted((form for form in forms if form), key=len, reverse=True)


def redactor(forms):
    """A function that replaces every one of forms (secret_forms' list) in a text by REDACTED."""
    pattern = re.compile("|".join(re.escape(form) for form in forms), re.IGNORECASE) if forms else None

    def redact(text):
        return pattern.sub(REDACTED, text) if text and pattern is not None else text
    return redact


def redacted(exc, redact):
    """The ApiError with every credential form gone from every field (args too: repr shows them)."""
    for name in ("message", "code", "more_info", "path"):
        value = getattr(exc, name, None)
        if isinstance(value, str):
            setattr(exc, name, redact(value))
    exc.args = (exc.message,)
    return exc


def told(error, waited=None):
    """The error, its message saying once how often the request was sent again (ApiError.__str__ does not)."""
    if waited is not None and (error.retries or waited):
        error.message += " (gave up after %d retries and %.1f s of waiting)" % (error.retries, waited)
    elif error.retries:
        error.message += " (after %d retries)" % error.retries
    return error
