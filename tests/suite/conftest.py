# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run the collection for real (ansible, ansible-playbook) against emulators started in this process."""

import json
import os
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from collection_path import ROOT, collections_tree, ensure_importable  # noqa: E402  pylint: disable=wrong-import-position

ensure_importable()

from tests.emulator.admin import admin  # noqa: E402  pylint: disable=wrong-import-position
from tests.emulator.server import run_in_thread  # noqa: E402  pylint: disable=wrong-import-position

BIN = os.path.dirname(sys.executable)
# Recognisable credentials: the secrets test looks for them in every output.
SECRETS = dict(telnyx_api_key="TLX-SECRET-7d1e0f", twilio_account_sid="AC" + "5" * 32,
               twilio_auth_token="TWL-SECRET-a9b8c7", twilio_api_key="SK" + "6" * 32, twilio_api_secret="TWL-KEYSECRET-3c2b1a")
SERVICE = "KS00000000000000000000000000000001"


class Emulator:
    def __init__(self, **options):
        self.server = run_in_thread(**dict(SECRETS, **options))
        self.url = self.server.url

    def admin(self, action, body=None):
        return admin(self.url, action, body)

    def env(self, **extra):
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_tree(), ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0",
                   ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
                   PATH=BIN + os.pathsep + os.environ.get("PATH", ""),
                   TELNYX_API_KEY=SECRETS["telnyx_api_key"], TELNYX_BASE_URL=self.url + "/v2",
                   TWILIO_ACCOUNT_SID=SECRETS["twilio_account_sid"], TWILIO_AUTH_TOKEN=SECRETS["twilio_auth_token"],
                   TWILIO_PROXY_BASE_URL=self.url)
        for name in ("TWILIO_API_KEY", "TWILIO_API_SECRET", "ANSIBLE_STDOUT_CALLBACK"):
            env.pop(name, None)
        env.update(extra)
        return env

    def adhoc(self, module, args, check=False, verbosity=0, **env):
        """Run one module ad hoc; return (rc, parsed result or None, stdout, stderr)."""
        cmd = [os.path.join(BIN, "ansible"), "localhost", "-m", "commsops.sessions." + module, "-a", json.dumps(args)]
        cmd += ["--check"] if check else []
        cmd += ["-" + "v" * verbosity] if verbosity else []
        done = subprocess.run(cmd, capture_output=True, text=True, env=self.env(**env), timeout=300, check=False)
        out = done.stdout
        result = None
        if "=> {" in out:
            try:
                result = json.loads(out[out.index("=> {") + 3:out.rindex("}") + 1])
            except ValueError:
                result = None
        return done.returncode, result, out, done.stderr

    def playbook(self, path, *args, **env):
        cmd = [os.path.join(BIN, "ansible-playbook"), path] + list(args)
        done = subprocess.run(cmd, capture_output=True, text=True, env=self.env(**env), timeout=600, check=False,
                              cwd=ROOT)
        return done.returncode, done.stdout, done.stderr

    def stop(self):
        self.server.stop()


@pytest.fixture
def emulator():
    emu = Emulator()
    yield emu
    emu.stop()


@pytest.fixture
def make_emulator():
    made = []

    def make(**options):
        emu = Emulator(**options)
        made.append(emu)
        return emu

    yield make
    for emu in made:
        emu.stop()
