# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Call the emulator's admin API (/_emulator/...) from tests and benchmarks (standard library only)."""

import json
import urllib.request

READS = ("stats", "state", "accounts", "deliveries", "webhook_key", "webhooks")


def admin(url, action, body=None, method=None):
    """GET for READS (when no body is given), POST with a JSON body otherwise (method: another, such as DELETE for
    accounts/NAME); returns the JSON answer."""
    data = None if body is None and (action in READS or method in ("GET", "DELETE")) else json.dumps(body or {}).encode()
    request = urllib.request.Request(url + "/_emulator/" + action, data=data,
                                     method=method or ("GET" if data is None else "POST"),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as answer:
        return json.loads(answer.read())
