# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The built collection artifact holds the collection and nothing of the workshop."""

import os
import shutil
import subprocess
import sys
import tarfile

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "utils"))
from isolated import isolated_env  # noqa: E402  pylint: disable=wrong-import-position
JUNK = (".venv/", ".build/", "tests/output/", ".pytest_cache/", "__pycache__/", "collections/", ".ansible/",
        ".ci/", "context/", "benchmarks/results/", ".git/")


def galaxy():
    with open(os.path.join(ROOT, "galaxy.yml")) as handle:
        return yaml.safe_load(handle)


def test_galaxy_metadata():
    meta = galaxy()
    assert (meta["namespace"], meta["name"], meta["license"]) == ("commsops", "sessions", ["GPL-3.0-or-later"])
    # pylint: disable=import-outside-toplevel
    from ansible_collections.commsops.sessions.plugins.module_utils.http_layer import USER_AGENT
    from ansible_collections.commsops.sessions.plugins.module_utils.version import COLLECTION_NAME, COLLECTION_VERSION
    # The version is written once for the modules (galaxy.yml is not shipped to the hosts): it must match.
    assert (COLLECTION_NAME, COLLECTION_VERSION) == ("commsops.sessions", meta["version"])
    assert USER_AGENT.startswith("commsops.sessions/%s " % meta["version"])


def test_action_groups_name_real_modules():
    with open(os.path.join(ROOT, "meta", "runtime.yml")) as handle:
        runtime = yaml.safe_load(handle)
    assert runtime["requires_ansible"] == ">=2.17.0,<2.22"  # the lines core_matrix.py tests
    assert set(runtime["action_groups"]) == {"telnyx", "twilio"}
    folder = os.path.join(ROOT, "plugins", "modules")
    modules = set(os.path.splitext(f)[0] for f in os.listdir(folder) if f.endswith(".py")) if os.path.isdir(folder) else set()
    grouped = set(runtime["action_groups"]["telnyx"]) | set(runtime["action_groups"]["twilio"])
    assert grouped <= modules


def test_built_tarball_has_no_test_output_caches_or_venvs(tmp_path):
    galaxy_cli = shutil.which("ansible-galaxy") or os.path.join(os.path.dirname(sys.executable), "ansible-galaxy")
    if not os.path.exists(galaxy_cli):
        pytest.skip("ansible-galaxy is not installed")
    # Junk of the kinds build_ignore must keep out, planted in a copy of the tree.
    tree = tmp_path / "sessions"
    # dist/ and context/ are left out as well: a README snippet may be writing them at this moment (pytest -n).
    shutil.copytree(ROOT, str(tree), ignore=shutil.ignore_patterns(".git", ".venv", ".build", "dist", "context"))
    for junk in ("tests/output/junk.txt", ".pytest_cache/junk", "plugins/__pycache__/x.pyc", ".venv/junk",
                 "collections/junk", "dist/old.tar.gz", "old-build.tar.gz", "context/Containerfile"):
        path = tree / junk
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("junk")
    result = subprocess.run([galaxy_cli, "collection", "build", "--output-path", str(tmp_path / "out")],
                            cwd=str(tree), capture_output=True, text=True, timeout=120, check=False,
                            env=isolated_env(str(tmp_path / "isolated")))
    assert result.returncode == 0, result.stdout + result.stderr
    with tarfile.open(str(tmp_path / "out" / ("commsops-sessions-%s.tar.gz" % galaxy()["version"]))) as tar:
        names = tar.getnames()
    assert "plugins/module_utils/http_layer.py" in names and "MANIFEST.json" in names
    bad = [n for n in names if any(n.startswith(j) or "/" + j in n for j in JUNK) or n.endswith((".tar.gz", ".pyc"))]
    assert bad == []
