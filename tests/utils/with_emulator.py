# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run a command with the emulator up: python tests/utils/with_emulator.py [options] -- CMD ARGS...

Starts tests/emulator/server.py on 127.0.0.1 (a free port), exports the URLs and the emulator's
credentials to CMD, optionally writes ansible-test's integration_config.yml, and always stops the
emulator by its own process id. Exits with CMD's exit code.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CREDENTIALS = {
    "TELNYX_API_KEY": "emulator-telnyx-key",
    "TWILIO_ACCOUNT_SID": "AC00000000000000000000000000000000",
    "TWILIO_AUTH_TOKEN": "emulator-twilio-token",
}
START_TIMEOUT = 30


def start(server_args):
    cmd = [sys.executable, "-u", os.path.join(ROOT, "tests", "emulator", "server.py"), "--host", "127.0.0.1", "--port", "0"]
    proc = subprocess.Popen(cmd + server_args, stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + START_TIMEOUT
    line = ""
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.startswith("Emulator listening on "):
            return proc, line.split(" on ", 1)[1].strip()
        if proc.poll() is not None:
            break
    stop(proc)
    sys.exit("the emulator did not start (last output: %r)" % line)


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def environment(url):
    env = dict(os.environ, EMULATOR_URL=url, TELNYX_BASE_URL=url + "/v2", TWILIO_PROXY_BASE_URL=url, **CREDENTIALS)
    for name in ("TWILIO_API_KEY", "TWILIO_API_SECRET", "TWILIO_EDGE", "TWILIO_REGION"):
        env.pop(name, None)
    return env


def integration_config(url):
    """The variables integration targets (and the lookups' vars) read."""
    return {
        "emulator_url": url,
        "telnyx_base_url": url + "/v2",
        "telnyx_api_key": CREDENTIALS["TELNYX_API_KEY"],
        "twilio_proxy_base_url": url,
        "twilio_account_sid": CREDENTIALS["TWILIO_ACCOUNT_SID"],
        "twilio_auth_token": CREDENTIALS["TWILIO_AUTH_TOKEN"],
        "twilio_api_key": "SK00000000000000000000000000000000",
        "twilio_api_secret": "emulator-twilio-secret",
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--integration-config", help="write ansible-test's integration_config.yml here")
    parser.add_argument("--server-arg", action="append", default=[], help="extra emulator flag (repeatable)")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give a command after --")
    proc, url = start(args.server_arg)
    try:
        if args.integration_config:
            with open(args.integration_config, "w") as handle:
                json.dump(integration_config(url), handle, indent=2)  # JSON is YAML
        print("emulator: %s (pid %d)" % (url, proc.pid), flush=True)
        return subprocess.call(command, env=environment(url))
    finally:
        stop(proc)


if __name__ == "__main__":
    sys.exit(main())
