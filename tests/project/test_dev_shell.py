# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The README's way to run the collection from the checkout: ``make shell`` (and ``make dev-collections``, which
the README's snippet runs by hand; tests/suite/test_doc_snippets.py runs that snippet)."""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "utils"))
from isolated import isolated_env  # noqa: E402  pylint: disable=wrong-import-position


def make(target, tmp_path, stdin=""):
    # A HOME of its own, with a ~/.bashrc that hides the venv behind another PATH, as pyenv's or a distro's may.
    env = isolated_env(str(tmp_path / "isolated"))
    with open(os.path.join(env["HOME"], ".bashrc"), "w") as handle:
        handle.write('export PATH="/usr/bin:/bin"\n')
    env.pop("ANSIBLE_COLLECTIONS_PATH")
    return subprocess.run(["make", "--no-print-directory", target, "BUILD=%s" % (tmp_path / "build")], cwd=ROOT,
                          env=env, input=stdin, capture_output=True, text=True, timeout=300, check=False)


def test_make_shell_runs_ansible_doc_on_the_checkout(tmp_path):
    done = make("shell", tmp_path, stdin='ansible-doc commsops.sessions.room_session_action\necho "path=$ANSIBLE_COLLECTIONS_PATH"\nexit\n')
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-3000:]
    assert "was not found" not in out, out[-3000:]
    assert "commsops.sessions.room_session_action" in done.stdout and "OPTIONS" in done.stdout, out[-3000:]
    assert "path=%s" % (tmp_path / "build" / "dev") in done.stdout


def test_make_dev_collections_links_this_checkout_and_prints_the_export_line(tmp_path):
    done = make("dev-collections", tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    link = tmp_path / "build" / "dev" / "ansible_collections" / "commsops" / "sessions"
    assert os.path.realpath(str(link)) == os.path.realpath(ROOT)
    assert done.stdout.splitlines()[-1] == "export ANSIBLE_COLLECTIONS_PATH=%s" % (tmp_path / "build" / "dev")
    # Again: the link is replaced, not nested inside the old one.
    assert make("dev-collections", tmp_path).returncode == 0
    assert os.path.islink(str(link)) and not os.path.lexists(os.path.join(str(link), "sessions"))
