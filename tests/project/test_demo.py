# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""make demo, as a newcomer runs it: it passes, prints no warning, and names each step for what it is; it declares
its room and its Proxy service by name (created once, unchanged the second time) and then names the service only by
its unique name."""

import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "utils"))
from isolated import isolated_env  # noqa: E402  pylint: disable=wrong-import-position


def test_the_demo_runs_clean_and_says_what_each_step_is(tmp_path):
    # A HOME of its own: the demo must not depend on (or pick up) what the user installed in ~/.ansible.
    env = isolated_env(str(tmp_path / "isolated"), DEMO_REPORT_PATH=str(tmp_path / "reports"))
    done = subprocess.run(["make", "--no-print-directory", "demo"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600, check=False)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-3000:]
    assert "[WARNING]" not in out and "[DEPRECATION WARNING]" not in out, [l for l in out.splitlines() if "WARNING" in l]
    steps = re.findall(r"^TASK \[(Step [^\]]*)\]", done.stdout, re.M)
    assert any("dry run" in step for step in steps) and not any("check mode" in step for step in steps), steps
    assert re.search(r"^localhost\s*: ok=\d+\s+changed=\d+\s+unreachable=0\s+failed=0", done.stdout, re.M)
    # The room and the service are declared before their sessions are worked on: created, then no change.
    assert steps.index("Step 1: the Telnyx room, declared by name (room)") < steps.index(
        "Step 1: the Twilio Proxy service, declared by name (proxy_service)") < min(
        number for number, step in enumerate(steps) if step.startswith("Step 2"))
    assert status_of(done.stdout, "Step 1: the Telnyx room, declared by name (room)") == "changed"
    assert status_of(done.stdout, "Step 1: the Twilio Proxy service, declared by name (proxy_service)") == "changed"
    assert status_of(done.stdout, "Step 1: the room again: nothing changes (idempotent)") == "ok"
    assert status_of(done.stdout, "Step 1: the service again: nothing changes (idempotent)") == "ok"
    # The service is then used by its unique name: the lookup and both cleanup runs found its sessions.
    assert re.search(r"Twilio Proxy demo-support: open [1-9]\d*, in progress \d+, closed \d+", done.stdout), done.stdout[-3000:]


def status_of(stdout, task):
    """The status word (ok, changed, failed, ...) the callback printed for localhost under this task."""
    block = stdout.split("TASK [%s]" % task, 1)[1]
    return re.search(r"^(\w+): \[localhost\]", block, re.M).group(1)
