# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What every Twilio Proxy route of the emulator shares: SIDs, the error body, the form body."""

import re
import secrets
from urllib.parse import parse_qsl

from .common import ApiAnswer
from .routing import Refusal


def sid_re(prefix):
    return re.compile(r"^%s[0-9a-fA-F]{32}$" % prefix)


KS_RE, KC_RE, KP_RE, PN_RE, IS_RE = sid_re("KS"), sid_re("KC"), sid_re("KP"), sid_re("PN"), sid_re("IS")


def new_sid(prefix):
    return prefix + secrets.token_hex(16)


def error(status, code, message):
    return ApiAnswer(status, {"code": code, "message": message,
                              "more_info": "https://www.twilio.com/docs/errors/%d" % code, "status": status})


def not_found(path):
    return error(404, 20404, "The requested resource %s was not found" % path)


def bad(parameter, problem):
    return error(400, 20001, "Invalid parameter %s: %s" % (parameter, problem))


def found_or_404(found, request):
    """A loader's result: what it found, or the refusal that names the path."""
    if found is None:
        raise Refusal(not_found(request.path))
    return found


def form_of(request):
    """The form-encoded body as (name, value) pairs, repeated names kept (Participants)."""
    return parse_qsl(request.body.decode(), keep_blank_values=True) if request.body else []
