# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Galaxy's own import check: python tests/utils/galaxy_import.py [--venv DIR] [--tarball FILE]

Galaxy runs ``galaxy-importer`` on every uploaded collection and refuses the upload when it fails. This runs the
same code on the tarball that ``ansible-galaxy collection build`` makes from this checkout:

- galaxy-importer pins its own ansible-lint and attrs, so it lives in a virtual environment of its own
  (``.build/importer-venv`` by default, or ``$GALAXY_IMPORTER_VENV``), kept and reused while it holds
  ``IMPORTER`` on the same Python;
- its config file sets ``RUN_ANSIBLE_TEST = False`` (``make test`` runs ansible-test sanity already) and keeps
  ``RUN_ANSIBLE_LINT`` on, as Galaxy runs it (production profile, Galaxy's own rule exclusions);
- it runs with an empty HOME and no ANSIBLE_COLLECTIONS_PATH of the user's, so that only the tarball is seen.

Prints the importer's whole output and exits 1 on any ERROR or WARNING line: Galaxy shows warnings to every
user of the collection, so they count as failures here.
"""

import argparse
import fcntl
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
IMPORTER = "galaxy-importer==0.4.44"
STAMP = ".importer-installed"
CONFIG = """[galaxy-importer]
RUN_ANSIBLE_TEST = False
RUN_ANSIBLE_LINT = True
RUN_ANSIBLE_DOC = True
CHECK_CHANGELOG = True
LOG_LEVEL_MAIN = INFO
"""
DONE = "Importer processing completed successfully"
BAD_PREFIXES = ("ERROR:", "WARNING:", "CRITICAL:", "Traceback ")


def default_venv():
    return os.environ.get("GALAXY_IMPORTER_VENV") or os.path.join(ROOT, ".build", "importer-venv")


def _python_id(python):
    done = subprocess.run([python, "-c", "import sys; print(sys.version.split()[0])"],
                          capture_output=True, text=True, timeout=60, check=False)
    return done.stdout.strip() if done.returncode == 0 else None


def importer_venv(venv, python=sys.executable, say=print):
    """The venv's python, with IMPORTER installed; created once, then reused. A lock keeps two test workers
    from building it at the same time."""
    os.makedirs(os.path.dirname(os.path.abspath(venv)), exist_ok=True)
    venv_python = os.path.join(venv, "bin", "python")
    wanted = "%s python %s" % (IMPORTER, _python_id(python))
    with open(os.path.abspath(venv) + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stamp = os.path.join(venv, STAMP)
        if os.path.exists(stamp) and os.path.exists(venv_python):
            with open(stamp) as handle:
                if handle.read().strip() == wanted:
                    return venv_python
        say("galaxy-import: installing %s into %s (once; reused afterwards)" % (IMPORTER, venv))
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([python, "-m", "venv", venv], check=True, timeout=300)
        env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1")
        done = subprocess.run([venv_python, "-m", "pip", "install", "-q", IMPORTER], env=env, capture_output=True,
                              text=True, timeout=1200, check=False)
        if done.returncode != 0:
            raise RuntimeError("pip install %s failed:\n%s%s" % (IMPORTER, done.stdout, done.stderr[-4000:]))
        with open(stamp, "w") as handle:
            handle.write(wanted + "\n")
    return venv_python


def build(source, out_dir, galaxy_cli=None):
    """``ansible-galaxy collection build`` of source into out_dir; returns the tarball's path."""
    galaxy_cli = galaxy_cli or os.path.join(os.path.dirname(sys.executable), "ansible-galaxy")
    if not os.path.exists(galaxy_cli):
        galaxy_cli = shutil.which("ansible-galaxy") or "ansible-galaxy"
    done = subprocess.run([galaxy_cli, "collection", "build", "--output-path", out_dir, "--force"], cwd=source,
                          capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0:
        raise RuntimeError("ansible-galaxy collection build failed:\n%s%s" % (done.stdout, done.stderr))
    built = [name for name in os.listdir(out_dir) if name.endswith(".tar.gz")]
    if len(built) != 1:
        raise RuntimeError("expected one tarball in %s, found %s" % (out_dir, built))
    return os.path.join(out_dir, built[0])


def run_importer(venv_python, tarball, workdir):
    """(exit code, whole output) of ``python -m galaxy_importer.main tarball``, run in workdir (it writes
    importer_result.json there) with an empty HOME and this config."""
    config = os.path.join(workdir, "galaxy-importer.cfg")
    with open(config, "w") as handle:
        handle.write(CONFIG)
    home = os.path.join(workdir, "home")
    os.makedirs(home, exist_ok=True)
    bin_dir = os.path.dirname(venv_python)
    env = dict(os.environ, GALAXY_IMPORTER_CONFIG=config, HOME=home, PATH=bin_dir + os.pathsep + os.environ["PATH"],
               VIRTUAL_ENV=os.path.dirname(bin_dir), ANSIBLE_NOCOLOR="1", NO_COLOR="1")
    for name in ("ANSIBLE_COLLECTIONS_PATH", "ANSIBLE_COLLECTIONS_PATHS", "ANSIBLE_CONFIG", "PYTHONPATH"):
        env.pop(name, None)
    done = subprocess.run([venv_python, "-m", "galaxy_importer.main", tarball], cwd=workdir, env=env,
                          capture_output=True, text=True, timeout=900, check=False)
    return done.returncode, done.stdout + done.stderr


def problems(output):
    """The lines Galaxy would show as errors or warnings, and a missing success line."""
    bad = [line for line in output.splitlines() if line.lstrip().startswith(BAD_PREFIXES)]
    if DONE not in output:
        bad.append("(no %r line)" % DONE)
    return bad


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", default=default_venv(), help="galaxy-importer's virtual environment (default: %(default)s)")
    parser.add_argument("--tarball", help="import this tarball instead of building one from the checkout")
    args = parser.parse_args()
    venv_python = importer_venv(args.venv)
    with tempfile.TemporaryDirectory(prefix="galaxy-import-") as work:
        tarball = args.tarball or build(ROOT, os.path.join(work, "dist"))
        print("galaxy-import: %s on %s" % (IMPORTER, os.path.basename(tarball)), flush=True)
        code, output = run_importer(venv_python, os.path.abspath(tarball), work)
    print(output.rstrip())
    bad = problems(output)
    if code != 0 or bad:
        print("galaxy-import: FAILED (exit %d); Galaxy would show or refuse:\n  %s" % (code, "\n  ".join(bad)))
        return 1
    print("galaxy-import: passed, no error and no warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
