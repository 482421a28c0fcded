# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The decision environment (meta/decision-environment.yml), tested as test_ee.py tests the execution environment:
the documented commands, run from the repository root, make a build context with ansible-rulebook, a Java runtime
and this checkout's collection from a tarball in the context. No container is built."""

import hashlib
import json
import os
import subprocess
import sys
import tarfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "utils"))
from isolated import isolated_env  # noqa: E402  pylint: disable=wrong-import-position
from test_ee import OFFLINE, galaxy_version, load, tool  # noqa: E402  pylint: disable=wrong-import-position

# Every test here writes or reads .build/de-dist: one xdist worker runs them all.
pytestmark = pytest.mark.xdist_group("de")
DEFINITION = os.path.join("meta", "decision-environment.yml")
ISOLATED = {}


@pytest.fixture(scope="module", autouse=True)
def isolate_from_the_user(tmp_path_factory):
    ISOLATED["env"] = isolated_env(str(tmp_path_factory.mktemp("isolated")), OFFLINE)


def sh(cmd, cwd=ROOT):
    done = subprocess.run(cmd, cwd=cwd, env=ISOLATED["env"], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, "%s\n%s\n%s" % (" ".join(cmd), done.stdout, done.stderr)
    return done.stdout + done.stderr


def sha256(path):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    """The two commands the definition's header documents, verbatim but for the context directory."""
    namespace, name, version = galaxy_version()
    tarball = "%s-%s-%s.tar.gz" % (namespace, name, version)
    sh([tool("ansible-galaxy"), "collection", "build", "--output-path", ".build/de-dist", "--force"])
    ctx = str(tmp_path_factory.mktemp("de") / "context")
    output = sh([tool("ansible-builder"), "create", "-f", DEFINITION, "--context", ctx])
    return {"dir": ctx, "output": output, "tarball": tarball, "version": version,
            "built": os.path.join(ROOT, ".build", "de-dist", tarball)}


def test_the_documented_commands_are_in_the_definition_and_work(context):
    with open(os.path.join(ROOT, DEFINITION)) as handle:
        header = handle.read()
    assert "ansible-galaxy collection build --output-path .build/de-dist --force" in header
    assert "ansible-builder create -f %s --context .build/de" % DEFINITION in header
    assert "Complete!" in context["output"]
    assert "No matches" not in context["output"] and "does not exist" not in context["output"]


def test_the_definition_names_the_tarball_galaxy_yml_builds():
    """Like make_ee.py's check for the EE: a version bump must update both places."""
    namespace, name, version = galaxy_version()
    built = "%s-%s-%s.tar.gz" % (namespace, name, version)
    definition = load(DEFINITION)
    assert [os.path.basename(f["src"]) for f in definition["additional_build_files"]] == [built]
    assert [os.path.basename(c["name"]) for c in definition["dependencies"]["galaxy"]["collections"]] == [built]


def test_the_containerfile_installs_ansible_rulebook_java_and_the_collection(context):
    definition = load(DEFINITION)
    assert definition["version"] == 3
    base = definition["images"]["base_image"]["name"]
    assert base == load(os.path.join("meta", "execution-environment.yml"))["images"]["base_image"]["name"]
    names = [n for n in ("Containerfile", "Dockerfile") if os.path.exists(os.path.join(context["dir"], n))]
    assert names, os.listdir(context["dir"])
    with open(os.path.join(context["dir"], names[0])) as handle:
        text = handle.read()
    assert 'ARG EE_BASE_IMAGE="%s"' % base in text
    assert "ansible-galaxy collection install" in text
    assert "JAVA_HOME=" in text
    build = os.path.join(context["dir"], "_build")
    with open(os.path.join(build, "requirements.txt")) as handle:
        assert "ansible-rulebook==1.3.2" in handle.read().split()
    with open(os.path.join(build, "bindep.txt")) as handle:
        assert "openjdk" in handle.read()


def test_the_context_holds_this_checkouts_tarball_with_the_rulebooks_and_sources(context):
    in_context = os.path.join(context["dir"], "_build", "collections", context["tarball"])
    assert sha256(in_context) == sha256(context["built"])
    with tarfile.open(in_context) as tar:
        members = tar.getnames()
        manifest = json.load(tar.extractfile("MANIFEST.json"))
    assert manifest["collection_info"]["version"] == context["version"]
    for path in ("extensions/eda/rulebooks/end_long_room_sessions.yml", "extensions/eda/rulebooks/kick_participants.yml",
                 "extensions/eda/rulebooks/close_out_of_session_proxy_sessions.yml",
                 "extensions/eda/plugins/event_source/telnyx_webhook.py", "playbooks/eda_end_room_session.yml"):
        assert path in members, path
    # Inside the artifact ansible-builder would read the definition's ../ paths from the collection root.
    assert DEFINITION not in members


def test_the_installed_collection_brings_its_python_needs(context, tmp_path):
    """The galaxy stage installs the tarball; the builder stage's introspection then adds requests to
    ansible-rulebook."""
    build = os.path.join(context["dir"], "_build")
    installed = str(tmp_path / "collections")
    sh([tool("ansible-galaxy"), "collection", "install", "-r", "requirements.yml", "--collections-path", installed],
       cwd=build)
    out_pip = str(tmp_path / "pip.txt")
    sh([sys.executable, os.path.join(build, "scripts", "introspect.py"), "introspect", installed,
        "--user-pip", os.path.join(build, "requirements.txt"), "--user-bindep", os.path.join(build, "bindep.txt"),
        "--write-pip", out_pip, "--write-bindep", str(tmp_path / "bindep.txt")])
    with open(out_pip) as handle:
        pip = handle.read()
    assert "ansible-rulebook" in pip and "requests" in pip and "# from collection commsops.sessions" in pip, pip
    with open(str(tmp_path / "bindep.txt")) as handle:
        assert "java-21-openjdk" in handle.read()
