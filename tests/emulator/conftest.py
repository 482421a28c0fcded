# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""An emulator in this process for each test, on 127.0.0.1 and a free port, stopped after it."""

import json
import os

import pytest

from tests.emulator.admin import admin as call_admin
from tests.emulator.server import DEFAULTS, run_in_thread

SCHEMAS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "schemas")
TELNYX_AUTH = {"Authorization": "Bearer " + DEFAULTS["telnyx_api_key"]}
TWILIO_AUTH = (DEFAULTS["twilio_account_sid"], DEFAULTS["twilio_auth_token"])
SERVICE = "KS00000000000000000000000000000001"


@pytest.fixture
def emulator():
    server = run_in_thread()
    yield server
    server.stop()


@pytest.fixture
def admin(emulator):
    return lambda action, body=None, method=None: call_admin(emulator.url, action, body, method)


def load_schema(name):
    with open(os.path.join(SCHEMAS, name)) as handle:
        return json.load(handle)
