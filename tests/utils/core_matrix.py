# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""ansible-core matrix: python tests/utils/core_matrix.py [--versions 2.17,2.18,...] [--list] [--no-integration]

For each supported ansible-core line whose Python this machine has, in a virtual environment of its own under
.build/core-<version> (kept and reused while it holds that line and that Python):

- installs ``ansible-core==<version>.*`` with requests, pytest, pytest-xdist and jsonschema;
- copies the collection (a copy, not a link: ansible-test needs a real ansible_collections/commsops/sessions)
  to .build/core-<version>/collections/ansible_collections/commsops/sessions;
- runs with a HOME of its own (.build/core-<version>/isolated/home, ansible-test's pip bootstrap stand-in seeded
  there), so that nothing the user installed in ~/.ansible is seen;
- runs ``ansible-test units --python X.Y`` and the integration targets against the emulator (through
  tests/utils/with_emulator.py, as ``make integration`` does).

Sanity and lint are not run here. The default line (2.19 on Python 3.11) is what ``make test`` runs, so by
default the matrix covers the others; ``--versions 2.19`` adds it. One line per version says PASS, FAIL or
SKIPPED (and why), with the time taken. Exits 1 when a version fails. Output of each run: .build/core-<version>/log.txt.
"""

import argparse
import glob
import os
import shutil
import subprocess
import sys
import time

from isolated import isolated_env, seed_get_pip

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, ".build")  # --build changes it (make passes its BUILD)
# ansible-core line -> the controller Pythons it supports, preferred first.
LINES = {
    "2.17": ("3.11", "3.12", "3.10"),
    "2.18": ("3.11", "3.12", "3.13"),
    "2.19": ("3.11", "3.12", "3.13"),
    "2.20": ("3.12", "3.13", "3.14"),
    "2.21": ("3.12", "3.13", "3.14"),
}
DEFAULT_LINE = "2.19"  # run by `make test` with the project's .venv
PACKAGES = ("requests", "pytest", "pytest-xdist", "jsonschema")
STAMP = ".matrix-installed"


def python_version(path):
    try:
        out = subprocess.run([path, "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
                             capture_output=True, text=True, timeout=30, check=False)
    except OSError:
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def find_python(minor):
    """A working pythonX.Y: pyenv's, then ~/.pyenv/versions, then PATH (pyenv shims answer only when selected)."""
    candidates = []
    if shutil.which("pyenv"):
        done = subprocess.run(["pyenv", "prefix", minor], capture_output=True, text=True, timeout=30, check=False)
        if done.returncode == 0:
            candidates += [os.path.join(p, "bin", "python" + minor) for p in done.stdout.split(":") if p.strip()]
    pyenv_root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates += sorted(glob.glob(os.path.join(pyenv_root, "versions", minor + ".*", "bin", "python" + minor)), reverse=True)
    candidates += [p for p in (shutil.which("python" + minor),) if p]
    candidates += ["/usr/bin/python" + minor, "/usr/local/bin/python" + minor]
    for path in candidates:
        path = path.strip()
        version = os.path.exists(path) and python_version(path)
        if version and version.startswith(minor + "."):
            return path, version
    return None, None


def plan(versions):
    """[(line, python path or None, python version or why it is skipped)]"""
    rows = []
    for line in versions:
        for minor in LINES[line]:
            path, version = find_python(minor)
            if path:
                rows.append((line, path, version))
                break
        else:
            rows.append((line, None, "no Python %s here" % " or ".join(LINES[line])))
    return rows


def run(cmd, log, cwd=None, env=None, timeout=3600):
    log.write("\n$ %s\n" % " ".join(cmd))
    log.flush()
    try:
        return subprocess.run(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, timeout=timeout,
                              check=False).returncode
    except subprocess.TimeoutExpired:
        log.write("\n(timed out after %d s)\n" % timeout)
        return 124


def installed_core(venv_python):
    done = subprocess.run([venv_python, "-c", "import ansible.release as r; print(r.__version__)"],
                          capture_output=True, text=True, timeout=60, check=False)
    return done.stdout.strip() if done.returncode == 0 else None


def setup_venv(line, python, python_ver, base, log):
    """The cached venv for this line: reused when it holds ansible-core <line>.x on this Python. Returns
    (venv python, ansible-core version, reused?) or raises RuntimeError."""
    venv = os.path.join(base, "venv")
    venv_python = os.path.join(venv, "bin", "python")
    stamp = os.path.join(venv, STAMP)
    wanted = "%s %s %s" % (line, python_ver, " ".join(PACKAGES))
    if os.path.exists(stamp) and os.path.exists(venv_python):
        with open(stamp) as handle:
            ok = handle.read().strip() == wanted
        core = ok and installed_core(venv_python)
        if core and core.startswith(line + ".") and (python_version(venv_python) or "") == python_ver:
            return venv_python, core, True
    shutil.rmtree(venv, ignore_errors=True)
    if run([python, "-m", "venv", venv], log) != 0:
        raise RuntimeError("could not create the virtual environment")
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1")
    if run([venv_python, "-m", "pip", "install", "-q", "ansible-core==%s.*" % line] + list(PACKAGES), log, env=env) != 0:
        raise RuntimeError("pip install failed")
    core = installed_core(venv_python)
    if not core or not core.startswith(line + "."):
        raise RuntimeError("pip installed ansible-core %s, not %s.x" % (core, line))
    with open(stamp, "w") as handle:
        handle.write(wanted + "\n")
    return venv_python, core, False


def copy_collection(base, log):
    """What git sees (tracked, and untracked but not ignored), .git included: ansible-test lists files with git."""
    tree = os.path.join(base, "collections")
    shutil.rmtree(tree, ignore_errors=True)
    dest = os.path.join(tree, "ansible_collections", "commsops", "sessions")
    os.makedirs(dest)
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout
    for name in [n for n in listed.decode().split("\0") if n]:
        source = os.path.join(ROOT, name)
        if not os.path.lexists(source):
            continue  # deleted in the working tree
        target = os.path.join(dest, name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)
    if os.path.isdir(os.path.join(ROOT, ".git")):
        shutil.copytree(os.path.join(ROOT, ".git"), os.path.join(dest, ".git"), symlinks=True)
    log.write("copied %d files to %s\n" % (len(listed.split(b"\0")) - 1, dest))
    return dest


def test_line(line, python, python_ver, integration, build=None):
    base = os.path.join(build or BUILD, "core-" + line)
    os.makedirs(base, exist_ok=True)
    times = {}
    with open(os.path.join(base, "log.txt"), "w") as log:
        started = time.monotonic()
        try:
            venv_python, core, reused = setup_venv(line, python, python_ver, base, log)
        except RuntimeError as exc:
            return "FAIL", "setup: %s" % exc, times
        times["setup"] = time.monotonic() - started
        copy = copy_collection(base, log)
        bin_dir = os.path.dirname(venv_python)
        minor = ".".join(python_ver.split(".")[:2])
        env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""), ANSIBLE_NOCOLOR="1",
                   NO_COLOR="1", PIP_DISABLE_PIP_VERSION_CHECK="1", VIRTUAL_ENV=os.path.dirname(bin_dir))
        env = isolated_env(os.path.join(base, "isolated"), env)
        # ansible-test finds the collection from its working directory and sets the collections path itself.
        for name in ("ANSIBLE_COLLECTIONS_PATH", "PYTHONPATH"):
            env.pop(name, None)
        seed_get_pip(venv_python, env)
        ansible_test = os.path.join(bin_dir, "ansible-test")
        failed = []
        started = time.monotonic()
        if run([ansible_test, "units", "--python", minor, "--color", "no"], log, cwd=copy, env=env) != 0:
            failed.append("units")
        times["units"] = time.monotonic() - started
        # Integration runs even when units failed, so that one run tells all.
        if integration and os.path.isdir(os.path.join(copy, "tests", "integration", "targets")):
            started = time.monotonic()
            if run([venv_python, "tests/utils/with_emulator.py", "--integration-config",
                    "tests/integration/integration_config.yml", "--", ansible_test, "integration", "--python", minor,
                    "--color", "no"], log, cwd=copy, env=env) != 0:
                failed.append("integration")
            times["integration"] = time.monotonic() - started
        detail = "ansible-core %s on Python %s%s" % (core, python_ver, " (cached venv)" if reused else "")
        if failed:
            return "FAIL", "ansible-test %s failed, %s" % (" and ".join(failed), detail), times
        return "PASS", detail, times


def tail(path, lines=40):
    try:
        with open(path) as handle:
            return "".join(handle.readlines()[-lines:])
    except OSError:
        return ""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    others = [v for v in LINES if v != DEFAULT_LINE]
    parser.add_argument("--versions", default=",".join(others),
                        help="comma-separated ansible-core lines (default: %(default)s; " + DEFAULT_LINE + " is make test's)")
    parser.add_argument("--list", action="store_true", help="print which Python each line would use, and stop")
    parser.add_argument("--no-integration", action="store_true", help="units only")
    parser.add_argument("--build", default=BUILD, help="where the venvs and copies go (default: %(default)s)")
    args = parser.parse_args()
    versions = [v.strip() for v in args.versions.split(",") if v.strip()]
    unknown = [v for v in versions if v not in LINES]
    if unknown:
        parser.error("unsupported ansible-core line(s) %s; supported: %s" % (", ".join(unknown), ", ".join(LINES)))
    rows = plan(versions)
    if args.list:
        for line, path, info in rows:
            print("core %s: %s" % (line, "Python %s (%s)" % (info, path) if path else "SKIPPED: " + info))
        return 0
    failed = False
    summary = []
    overall = time.monotonic()
    for line, python, info in rows:
        if python is None:
            summary.append("core %s: SKIPPED: %s" % (line, info))
            print(summary[-1], flush=True)
            continue
        print("core %s: testing on Python %s ..." % (line, info), flush=True)
        started = time.monotonic()
        status, detail, times = test_line(line, python, info, not args.no_integration, args.build)
        spent = ", ".join("%s %.0f s" % item for item in times.items())
        summary.append("core %s: %s: %s in %.0f s (%s)" % (line, status, detail, time.monotonic() - started, spent))
        print(summary[-1], flush=True)
        if status == "FAIL":
            failed = True
            log = os.path.join(args.build, "core-" + line, "log.txt")
            print("---- last lines of %s ----\n%s----" % (os.path.relpath(log, ROOT), tail(log)), flush=True)
    print("== core matrix (%.0f s):" % (time.monotonic() - overall))
    for row in summary:
        print("   " + row)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
