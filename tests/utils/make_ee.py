# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Execution environment: python tests/utils/make_ee.py [--context DIR] [--no-build]

Does what the README's Install section documents, from the repository root:

1. ``ansible-galaxy collection build --output-path .build/ee-dist --force`` (the tarball of this checkout);
2. ``ansible-builder create -f meta/execution-environment.yml --context .build/ee`` (the build context,
   with the tarball in it);
3. where podman or docker can build (the command exists and answers ``info``), ``ansible-builder build``
   to make the image ``commsops-sessions-ee:latest`` and a smoke test in it. Otherwise it says plainly
   that it created the context only.

Exits non-zero when a step fails.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

import yaml

from isolated import isolated_env

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFINITION = os.path.join("meta", "execution-environment.yml")
DIST = os.path.join(".build", "ee-dist")
CONTEXT = os.path.join(".build", "ee")
TAG = "commsops-sessions-ee:latest"
BIN = os.path.dirname(sys.executable)


def tool(name):
    """The tool next to this Python (the venv's), else the one on PATH."""
    here = os.path.join(BIN, name)
    return here if os.path.exists(here) else (shutil.which(name) or name)


# ansible-galaxy and ansible-builder run with a HOME and collections path of their own: a copy of the collection
# the user installed in ~/.ansible/collections must not stand in for this checkout.
ISOLATION = tempfile.TemporaryDirectory(prefix="make-ee-")


def run(cmd, **kwargs):
    print("+ " + " ".join(cmd), flush=True)
    kwargs.setdefault("env", isolated_env(ISOLATION.name))
    return subprocess.run(cmd, cwd=ROOT, check=False, **kwargs).returncode


def expected_tarball():
    """The tarball the definition copies into the context; its version must be galaxy.yml's."""
    with open(os.path.join(ROOT, DEFINITION)) as handle:
        definition = yaml.safe_load(handle)
    with open(os.path.join(ROOT, "galaxy.yml")) as handle:
        galaxy = yaml.safe_load(handle)
    built = "%s-%s-%s.tar.gz" % (galaxy["namespace"], galaxy["name"], galaxy["version"])
    sources = [os.path.basename(f["src"]) for f in definition.get("additional_build_files") or []]
    wanted = [c["name"] for c in definition["dependencies"]["galaxy"]["collections"] if c.get("type") == "file"]
    problems = []
    if built not in sources:
        problems.append("additional_build_files copies %s, but ansible-galaxy builds %s" % (sources, built))
    if not any(os.path.basename(name) == built for name in wanted):
        problems.append("dependencies.galaxy installs %s, but ansible-galaxy builds %s" % (wanted, built))
    if problems:
        sys.exit("%s is out of date with galaxy.yml (update the version in both places): %s"
                 % (DEFINITION, "; ".join(problems)))
    return built


def working_runtime():
    """(name, None) for a container runtime that can build here, else (None, why not)."""
    reasons = []
    for name in ("podman", "docker"):
        path = shutil.which(name)
        if not path:
            reasons.append("%s is not installed" % name)
            continue
        try:
            done = subprocess.run([path, "info"], capture_output=True, text=True, timeout=30, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            reasons.append("%s info failed (%s)" % (name, exc))
            continue
        if done.returncode == 0:
            return name, None
        last = (done.stderr or done.stdout).strip().splitlines()
        reasons.append("%s is installed but cannot build (%s)" % (name, last[-1] if last else "rc %d" % done.returncode))
    return None, "; ".join(reasons)


def create(context):
    tarball = expected_tarball()
    dist = os.path.join(ROOT, DIST)
    shutil.rmtree(dist, ignore_errors=True)
    if run([tool("ansible-galaxy"), "collection", "build", "--output-path", DIST, "--force"]) != 0:
        sys.exit("ee: ansible-galaxy collection build failed")
    if not os.path.exists(os.path.join(dist, tarball)):
        sys.exit("ee: ansible-galaxy did not write %s/%s" % (DIST, tarball))
    shutil.rmtree(os.path.join(ROOT, context), ignore_errors=True)
    if run([tool("ansible-builder"), "create", "-f", DEFINITION, "--context", context]) != 0:
        sys.exit("ee: ansible-builder create failed")
    if not os.path.exists(os.path.join(ROOT, context, "_build", "collections", tarball)):
        sys.exit("ee: the build context has no %s" % tarball)
    return tarball


def build(context, runtime):
    if run([tool("ansible-builder"), "build", "-f", DEFINITION, "--context", context, "--container-runtime", runtime,
            "--tag", TAG]) != 0:
        sys.exit("ee: ansible-builder build failed")
    smoke = ("ansible-galaxy collection list commsops.sessions && python3 -c 'import requests' && "
             "ansible-doc -t lookup commsops.sessions.room_sessions >/dev/null && echo EE smoke test passed")
    if run([runtime, "run", "--rm", TAG, "bash", "-c", smoke]) != 0:
        sys.exit("ee: the image was built but its smoke test failed")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--context", default=CONTEXT, help="build context directory, relative to the repository root")
    parser.add_argument("--no-build", action="store_true", help="create the context only, even where an image could be built")
    args = parser.parse_args()
    started = time.monotonic()
    tarball = create(args.context)
    print("ee: created the build context %s (base image, requirements, %s)" % (args.context, tarball))
    if args.no_build:
        print("ee: created the build context only (--no-build); no image was built")
        return 0
    runtime, why_not = working_runtime()
    if runtime is None:
        print("ee: created the build context only; no image was built: %s. Where podman or docker works, run: "
              "ansible-builder build -f %s --context %s --tag %s" % (why_not, DEFINITION, args.context, TAG))
        return 0
    build(args.context, runtime)
    print("ee: built the image %s with %s in %.0f s" % (TAG, runtime, time.monotonic() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
