# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""An environment in which ansible sees none of the user's own setup.

A developer who followed the README installed the collection into ~/.ansible/collections; ansible-galaxy then
finds it there and installs nothing ("Nothing to do"), and ansible-doc or a playbook may run that copy instead
of the checkout. Every test and script that builds, installs or runs the collection uses ``isolated_env``: its
own HOME (so no ~/.ansible/collections, ~/.ansible.cfg or ~/.ansible/tmp of the user's) and its own
ANSIBLE_COLLECTIONS_PATH, with ANSIBLE_CONFIG and the sys.path scan off.

ansible-test keeps its pip bootstrap stand-in and its virtual environments in ~/.ansible/test: callers that run
ansible-test seed the stand-in into the new HOME (``seed_get_pip``).
"""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# Names ansible reads to find collections or a config file outside the ones given here.
DROPPED = ("ANSIBLE_COLLECTIONS_PATHS", "ANSIBLE_CONFIG", "ANSIBLE_COLLECTIONS_PATH")


def isolated_env(base_dir, env=None, collections=None, **extra):
    """A copy of env (default: os.environ) with HOME=<base_dir>/home and ANSIBLE_COLLECTIONS_PATH=collections
    (default <base_dir>/collections); both are created. pip's cache stays the user's, so nothing is downloaded
    twice."""
    home = os.path.join(base_dir, "home")
    collections = collections or os.path.join(base_dir, "collections")
    for path in (home, collections):
        os.makedirs(path, exist_ok=True)
    source = os.environ if env is None else env
    out = dict((k, v) for k, v in source.items() if k not in DROPPED)
    real_home = source.get("HOME") or os.path.expanduser("~")
    out.setdefault("PIP_CACHE_DIR", os.path.join(real_home, ".cache", "pip"))
    out.update(HOME=home, ANSIBLE_COLLECTIONS_PATH=collections, ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false")
    out.update(extra)
    return out


def seed_get_pip(python, env):
    """Seed ansible-test's pip bootstrap stand-in into env's HOME, for the ansible-core that python runs."""
    subprocess.run([python, os.path.join(HERE, "seed_get_pip.py")], env=env, check=True, timeout=120,
                   stdout=subprocess.DEVNULL)


if __name__ == "__main__":
    sys.exit("a helper module; import isolated_env from it")
