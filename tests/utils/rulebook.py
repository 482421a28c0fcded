# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The real ansible-rulebook, for tests: python tests/utils/rulebook.py [--venv DIR]  (installs it, says where)

ansible-rulebook pins drools_jpy (the Drools engine, run in a JVM through jpy) and its own ansible-runner, so it
lives in a virtual environment of its own (``.build/rulebook-venv`` by default, or ``$RULEBOOK_VENV``), created
once and reused while it holds ``RULEBOOK`` on the same Python; a file lock keeps two pytest workers from building
it at the same time. ansible-core and requests (what the collection's modules need where they run) go in too, at
the project venv's ansible-core version.

It needs Java 17 or newer: ``java_home`` finds it (``$JAVA_HOME``, else the ``java`` on PATH); tests skip, saying
so, only when there is no java.

The collection is installed from the tarball ``ansible-galaxy collection build`` makes of this checkout, into a
collections path of its own (``isolated_env``: own HOME, own ANSIBLE_COLLECTIONS_PATH), so the rulebook finds its
sources (``commsops.sessions.telnyx_webhook``) and modules by FQCN exactly as an installed collection offers them.
"""

import argparse
import fcntl
import os
import shutil
import subprocess
import sys

from isolated import isolated_env

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RULEBOOK = "ansible-rulebook==1.3.2"
STAMP = ".rulebook-installed"
MIN_JAVA = 17


def default_venv():
    return os.environ.get("RULEBOOK_VENV") or os.path.join(ROOT, ".build", "rulebook-venv")


def _run(cmd, timeout, **kwargs):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False, **kwargs)


def _python_id(python):
    done = _run([python, "-c", "import sys; print(sys.version.split()[0])"], 60)
    return done.stdout.strip() if done.returncode == 0 else None


def _core_version(python):
    """The ansible-core of the project venv, so that the rulebook's playbooks run the same one."""
    done = _run([python, "-c", "from ansible.release import __version__; print(__version__)"], 60)
    return done.stdout.strip() if done.returncode == 0 else None


def java_home():
    """(JAVA_HOME, None) for a Java 17+, else (None, why not). $JAVA_HOME wins; else the java on PATH, followed
    through its links (/usr/bin/java -> /usr/lib/jvm/java-17-openjdk-amd64/bin/java)."""
    home = os.environ.get("JAVA_HOME")
    java = os.path.join(home, "bin", "java") if home else shutil.which("java")
    if not java or not os.path.exists(java):
        return None, "no java here (ansible-rulebook needs Java %d; Debian: openjdk-17-jre-headless)" % MIN_JAVA
    done = _run([java, "-version"], 60)
    text = done.stderr + done.stdout
    try:
        version = text.split('version "', 1)[1].split('"', 1)[0]
        major = int(version.split(".")[0])
    except (IndexError, ValueError):
        return None, "cannot read the version of %s: %r" % (java, text[:200])
    if major < MIN_JAVA:
        return None, "java %s is older than %d (ansible-rulebook needs %d)" % (version, MIN_JAVA, MIN_JAVA)
    return home or os.path.dirname(os.path.dirname(os.path.realpath(java))), None


def rulebook_venv(venv=None, python=sys.executable, say=print):
    """The venv's bin directory, with RULEBOOK, ansible-core and requests installed; created once, then reused."""
    venv = os.path.abspath(venv or default_venv())
    os.makedirs(os.path.dirname(venv), exist_ok=True)
    bin_dir = os.path.join(venv, "bin")
    core = _core_version(python)
    packages = [RULEBOOK, "ansible-core==%s" % core if core else "ansible-core", "-r",
                os.path.join(ROOT, "requirements.txt")]
    wanted = "%s python %s" % (" ".join(packages[:2]), _python_id(python))
    with open(venv + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stamp = os.path.join(venv, STAMP)
        if os.path.exists(stamp) and os.path.exists(os.path.join(bin_dir, "ansible-rulebook")):
            with open(stamp) as handle:
                if handle.read().strip() == wanted:
                    return bin_dir
        say("rulebook: installing %s into %s (once; reused afterwards)" % (RULEBOOK, venv))
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([python, "-m", "venv", venv], check=True, timeout=300)
        env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1")
        done = _run([os.path.join(bin_dir, "python"), "-m", "pip", "install", "-q"] + packages, 1800, env=env)
        if done.returncode != 0:
            raise RuntimeError("pip install %s failed:\n%s%s" % (RULEBOOK, done.stdout, done.stderr[-4000:]))
        with open(stamp, "w") as handle:
            handle.write(wanted + "\n")
    return bin_dir


def install_collection(base_dir, bin_dir, source=ROOT):
    """Build this checkout's tarball and install it into <base_dir>/collections; returns the isolated env
    (own HOME and collections path, the rulebook venv first on PATH, JAVA_HOME set) to run ansible-rulebook in."""
    home, why = java_home()
    if home is None:
        raise RuntimeError(why)
    env = isolated_env(base_dir, JAVA_HOME=home, PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""),
                       VIRTUAL_ENV=os.path.dirname(bin_dir), ANSIBLE_NOCOLOR="1", NO_COLOR="1",
                       # Never reach a Galaxy server: the collection comes from the tarball only.
                       ANSIBLE_GALAXY_SERVER="http://127.0.0.1:9/", ANSIBLE_GALAXY_SERVER_LIST="")
    env.pop("PYTHONPATH", None)
    dist = os.path.join(base_dir, "dist")
    os.makedirs(dist, exist_ok=True)
    galaxy = os.path.join(bin_dir, "ansible-galaxy")
    done = _run([galaxy, "collection", "build", "--output-path", dist, "--force"], 300, cwd=source, env=env)
    if done.returncode != 0:
        raise RuntimeError("ansible-galaxy collection build failed:\n%s%s" % (done.stdout, done.stderr))
    tarball = [os.path.join(dist, name) for name in os.listdir(dist) if name.endswith(".tar.gz")]
    done = _run([galaxy, "collection", "install", "--force", "-p", env["ANSIBLE_COLLECTIONS_PATH"]] + tarball, 300,
                cwd=base_dir, env=env)
    if done.returncode != 0:
        raise RuntimeError("ansible-galaxy collection install failed:\n%s%s" % (done.stdout, done.stderr))
    return env


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", default=default_venv(), help="ansible-rulebook's virtual environment (default: %(default)s)")
    args = parser.parse_args()
    home, why = java_home()
    bin_dir = rulebook_venv(args.venv)
    done = _run([os.path.join(bin_dir, "ansible-rulebook"), "--version"], 120,
                env=dict(os.environ, JAVA_HOME=home or ""))
    print((done.stdout + done.stderr).strip())
    print("rulebook: %s" % (os.path.join(bin_dir, "ansible-rulebook")))
    if home is None:
        print("rulebook: %s" % why)
        return 1
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
