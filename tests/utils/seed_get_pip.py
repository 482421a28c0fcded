# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Seed ansible-test's cache with an offline stand-in for its pip bootstrap script.

ansible-test creates a virtual environment per sanity test and downloads get-pip.py into it from a host
this machine cannot reach. The stand-in bootstraps pip with the standard library's ensurepip and lets pip
install the pinned version from the package index, which is reachable.
"""

import glob
import os
import re

import ansible_test

STAND_IN = '''import os, subprocess, sys
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"])
env = dict(os.environ)
env.pop("PIP_CONFIG_FILE", None)  # ensurepip may point it at /dev/null, hiding the machine's pip.conf
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install"] + args, env=env))
'''


def main():
    source = os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py")
    with open(source) as handle:
        version = re.search(r"pip='([0-9.]+)'", handle.read()).group(1)
    cache = os.path.expanduser("~/.ansible/test/cache")
    os.makedirs(cache, exist_ok=True)
    target = os.path.join(cache, "get_pip_%s.py" % version.replace(".", "_"))
    for stale in glob.glob(target + ".download*"):
        os.remove(stale)
    with open(target, "w") as handle:
        handle.write(STAND_IN)
    print("ansible-test pip %s bootstrap: %s" % (version, target))


if __name__ == "__main__":
    main()
