# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The execution environment: the documented commands, run from the repository root, make a build context
that installs this checkout's collection from a tarball in the context, with no network."""

import hashlib
import json
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

# Every test here writes or reads .build/ee-dist (as the README's commands do): one xdist worker runs them all,
# with the README's own EE snippet (tests/suite/test_doc_snippets.py).
pytestmark = pytest.mark.xdist_group("ee")
BIN = os.path.dirname(sys.executable)
DEFINITION = os.path.join("meta", "execution-environment.yml")
# Any attempt to reach a Galaxy server fails at once instead of silently downloading.
OFFLINE = dict(os.environ, ANSIBLE_GALAXY_SERVER="http://127.0.0.1:9/", ANSIBLE_GALAXY_SERVER_LIST="",
               ANSIBLE_GALAXY_DISABLE_GPG_VERIFY="1", ANSIBLE_NOCOLOR="1", NO_COLOR="1")
# The commands below run with a HOME and a collections path of their own (set by isolate_from_the_user).
ISOLATED = {}


def tool(name):
    path = os.path.join(BIN, name)
    if not os.path.exists(path):
        path = shutil.which(name)
    if not path:
        pytest.skip("%s is not installed" % name)
    return path


@pytest.fixture(scope="module", autouse=True)
def isolate_from_the_user(tmp_path_factory):
    """A developer who followed the README's "install from a checkout" has this collection in
    ~/.ansible/collections: ansible-galaxy must not find that copy and install nothing."""
    ISOLATED["env"] = isolated_env(str(tmp_path_factory.mktemp("isolated")), OFFLINE)


def sh(cmd, cwd=ROOT, env=None):
    done = subprocess.run(cmd, cwd=cwd, env=env or ISOLATED["env"], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, "%s\n%s\n%s" % (" ".join(cmd), done.stdout, done.stderr)
    return done.stdout + done.stderr


def load(path):
    with open(os.path.join(ROOT, path)) as handle:
        return yaml.safe_load(handle)


def galaxy_version():
    galaxy = load("galaxy.yml")
    return galaxy["namespace"], galaxy["name"], galaxy["version"]


def sha256(path):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    """The README's two commands, verbatim but for the context directory (a temporary one)."""
    namespace, name, version = galaxy_version()
    tarball = "%s-%s-%s.tar.gz" % (namespace, name, version)
    sh([tool("ansible-galaxy"), "collection", "build", "--output-path", ".build/ee-dist", "--force"])
    built = os.path.join(ROOT, ".build", "ee-dist", tarball)
    assert os.path.exists(built)
    ctx = str(tmp_path_factory.mktemp("ee") / "context")
    output = sh([tool("ansible-builder"), "create", "-f", DEFINITION, "--context", ctx])
    return {"dir": ctx, "output": output, "tarball": tarball, "built": built, "version": version}


def test_the_documented_command_works_from_the_repository_root(context):
    assert "Complete!" in context["output"]
    # A missing file is only a warning to ansible-builder; here it would be a context that cannot build.
    assert "No matches" not in context["output"] and "does not exist" not in context["output"]
    assert "outdated base image" not in context["output"]


def test_the_containerfile_starts_from_a_maintained_public_base_image(context):
    base = load(DEFINITION)["images"]["base_image"]["name"]
    assert base.startswith(("registry.access.redhat.com/", "quay.io/fedora/", "registry.fedoraproject.org/",
                            "ghcr.io/ansible-community/"))
    assert "ansible-runner" not in base  # quay.io/ansible/ansible-runner is no longer maintained
    names = [n for n in ("Containerfile", "Dockerfile") if os.path.exists(os.path.join(context["dir"], n))]
    assert names, os.listdir(context["dir"])
    with open(os.path.join(context["dir"], names[0])) as handle:
        text = handle.read()
    assert 'ARG EE_BASE_IMAGE="%s"' % base in text
    assert "ansible-galaxy collection install" in text


def test_the_context_holds_the_tarball_built_from_this_checkout(context):
    in_context = os.path.join(context["dir"], "_build", "collections", context["tarball"])
    assert os.path.exists(in_context), os.listdir(os.path.join(context["dir"], "_build"))
    assert sha256(in_context) == sha256(context["built"])
    with tarfile.open(in_context) as tar:
        manifest = json.load(tar.extractfile("MANIFEST.json"))
        members = tar.getnames()
    info = manifest["collection_info"]
    assert (info["namespace"], info["name"], info["version"]) == galaxy_version()
    assert "LICENSE" in members
    # Inside a collection ansible-builder reads the definition's paths from the collection root, where
    # ../requirements.txt does not exist: the definition must stay out of the artifact.
    assert "meta/execution-environment.yml" not in members


def test_the_galaxy_requirements_install_that_file_and_nothing_from_galaxy(context):
    build = os.path.join(context["dir"], "_build")
    with open(os.path.join(build, "requirements.yml")) as handle:
        requirements = yaml.safe_load(handle)
    assert [c.get("type") for c in requirements["collections"]] == ["file"]
    assert not requirements.get("roles")
    # The galaxy stage runs `ansible-galaxy collection install -r requirements.yml` in the context's _build.
    installed = os.path.join(os.path.dirname(context["dir"]), "collections")
    sh([tool("ansible-galaxy"), "collection", "install", "-r", "requirements.yml", "--collections-path", installed],
       cwd=build)
    with open(os.path.join(installed, "ansible_collections", "commsops", "sessions", "MANIFEST.json")) as handle:
        assert json.load(handle)["collection_info"]["version"] == context["version"]
    context["installed"] = installed


def test_the_requirements_are_in_the_context_and_ansible_builder_can_read_the_installed_collection(context):
    build = os.path.join(context["dir"], "_build")
    with open(os.path.join(build, "requirements.txt")) as handle:
        assert "requests" in handle.read()
    with open(os.path.join(build, "bindep.txt")) as handle:
        assert "ca-certificates" in handle.read()
    if "installed" not in context:
        pytest.skip("needs the collection installed by the previous test")
    # The builder stage's introspection, run here on the collection the galaxy stage installed.
    out_pip = os.path.join(os.path.dirname(build), "pip.txt")
    out_bindep = os.path.join(os.path.dirname(build), "bindep.txt")
    sh([sys.executable, os.path.join(build, "scripts", "introspect.py"), "introspect", context["installed"],
        "--user-pip", os.path.join(build, "requirements.txt"), "--user-bindep", os.path.join(build, "bindep.txt"),
        "--write-pip", out_pip, "--write-bindep", out_bindep])
    with open(out_pip) as handle:
        pip = handle.read()
    with open(out_bindep) as handle:
        bindep = handle.read()
    assert "requests" in pip and "# from collection commsops.sessions" in pip, pip
    assert "ca-certificates" in bindep, bindep


def test_make_ee_says_when_it_created_the_context_only(tmp_path):
    tool("ansible-builder")
    env = dict(ISOLATED["env"], PATH=BIN + os.pathsep + "/usr/bin" + os.pathsep + "/bin")
    if any(os.path.exists(os.path.join(d, rt)) for d in ("/usr/bin", "/bin") for rt in ("podman", "docker")):
        env["PATH"] = BIN  # hide the runtimes so that the message is the one for a machine without them
    out = sh([sys.executable, os.path.join("tests", "utils", "make_ee.py"), "--context", str(tmp_path / "ctx")], env=env)
    assert "created the build context only; no image was built: podman is not installed; docker is not installed" in out
    assert os.path.isdir(str(tmp_path / "ctx" / "_build" / "collections"))


def test_the_readme_gives_these_commands_and_names_this_base_image():
    section = readme_section("Install")
    for command in ("ansible-galaxy collection build --output-path .build/ee-dist --force",
                    "ansible-builder create -f %s --context .build/ee" % DEFINITION):
        assert command in section, command
    assert load(DEFINITION)["images"]["base_image"]["name"].rsplit(":", 1)[0] in section


# Packaging housekeeping: the licence, the authors, the Install section, the ansible-core matrix. ---------------

def readme_section(title):
    with open(os.path.join(ROOT, "README.md")) as handle:
        text = handle.read()
    marker = "\n## %s\n" % title
    assert marker in text, "README.md has no %s section" % title
    section = text.split(marker, 1)[1]
    return section.split("\n## ", 1)[0]


def test_the_license_file_is_the_gpl_v3_that_galaxy_yml_names():
    assert load("galaxy.yml")["license"] == ["GPL-3.0-or-later"]
    with open(os.path.join(ROOT, "LICENSE")) as handle:
        text = handle.read()
    assert text.split("\n")[0].strip() == "GNU GENERAL PUBLIC LICENSE"
    assert "Version 3, 29 June 2007" in text and "END OF TERMS AND CONDITIONS" in text
    assert "How to Apply These Terms to Your New Programs" in text and len(text) > 30000


def test_the_authors_are_real_entries_without_placeholder_addresses():
    authors = load("galaxy.yml")["authors"]
    assert authors
    for author in authors:
        assert "example." not in author and "@" not in author, author  # no made-up e-mail addresses
        assert "https://github.com/commsops/sessions" in author, author


def test_the_install_section_covers_galaxy_a_tarball_an_awx_project_and_requests():
    section = readme_section("Install")
    namespace, name, version = galaxy_version()
    assert "ansible-galaxy collection install %s.%s" % (namespace, name) in section
    assert "ansible-galaxy collection build" in section
    assert "ansible-galaxy collection install dist/%s-%s-%s.tar.gz" % (namespace, name, version) in section
    assert "collections/requirements.yml" in section and "requests" in section
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    listed = yaml.safe_load(block)["collections"]
    assert listed[0]["name"] == "%s.%s" % (namespace, name)
    git = yaml.safe_load("\n".join(line.replace("# ", "", 1) for line in block.splitlines() if line.startswith("  # ")
                                   and ("- name" in line or ":" in line) and "straight" not in line))
    assert git == [{"name": "https://github.com/commsops/sessions.git", "type": "git", "version": "main"}]


def test_the_core_matrix_plans_every_supported_line_and_skips_plainly(tmp_path):
    script = os.path.join(ROOT, "tests", "utils", "core_matrix.py")
    every = "2.17,2.18,2.19,2.20,2.21"
    out = sh([sys.executable, script, "--list", "--versions", every])
    assert [line.split(":")[0] for line in out.splitlines()] == ["core " + v for v in every.split(",")]
    # A machine with only its system Python: the lines that need a newer one are skipped, and say why.
    bare = dict(os.environ, HOME=str(tmp_path), PYENV_ROOT=str(tmp_path / "no-pyenv"), PATH=str(tmp_path))
    out = sh([sys.executable, script, "--list", "--versions", "2.20,2.21"], env=bare)
    if any(os.path.exists("%s/python3.%d" % (d, m)) for d in ("/usr/bin", "/usr/local/bin") for m in (12, 13, 14)):
        pytest.skip("this machine has a system Python 3.12 or newer")
    assert out.splitlines() == ["core 2.20: SKIPPED: no Python 3.12 or 3.13 or 3.14 here",
                                "core 2.21: SKIPPED: no Python 3.12 or 3.13 or 3.14 here"]


def test_a_collection_installed_in_the_users_home_changes_nothing(context, tmp_path):
    """The README's "install from a checkout" step, then these tests: they still install this checkout's tarball
    (before, ansible-galaxy found the user's copy, said "Nothing to do", and MANIFEST.json was missing)."""
    home = tmp_path / "home"
    home.mkdir()
    user = dict((k, v) for k, v in OFFLINE.items() if k not in ("ANSIBLE_COLLECTIONS_PATH", "ANSIBLE_COLLECTIONS_PATHS"))
    user["HOME"] = str(home)
    tarball = os.path.join(context["dir"], "_build", "collections", context["tarball"])
    sh([tool("ansible-galaxy"), "collection", "install", tarball], env=user)  # lands in ~/.ansible/collections
    assert (home / ".ansible" / "collections" / "ansible_collections" / "commsops" / "sessions" / "MANIFEST.json").exists()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "--basetemp", str(tmp_path / "inner"), __file__, "-k", "galaxy_requirements or builder_can_read"],
                          cwd=ROOT, env=user, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    assert "2 passed" in done.stdout, done.stdout[-3000:]
