# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The AWX credential types and the execution environment agree with what the collection reads."""

import ast
import os
import shutil
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VENDORS = {"telnyx": "credential_type_telnyx.yml", "twilio": "credential_type_twilio.yml"}


def fragment(vendor, name):
    """A doc fragment's YAML, read from the source without importing Ansible."""
    with open(os.path.join(ROOT, "plugins", "doc_fragments", vendor + ".py")) as handle:
        tree = ast.parse(handle.read())
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and node.targets[0].id == name:
            return yaml.safe_load(node.value.value)
    raise AssertionError("no %s in %s fragment" % (name, vendor))


def fragment_env(vendor):
    return dict((opt, spec["env"][0]["name"]) for opt, spec in fragment(vendor, "PLUGINS")["options"].items()
                if spec.get("env"))


@pytest.mark.parametrize("vendor", sorted(VENDORS))
def test_credential_type_injects_exactly_the_variables_the_collection_reads(vendor):
    with open(os.path.join(ROOT, "docs", "awx", VENDORS[vendor])) as handle:
        cred = yaml.safe_load(handle)
    injected = cred["injectors"]["env"]
    assert set(injected) == set(fragment_env(vendor).values())
    fields = dict((f["id"], f) for f in cred["inputs"]["fields"])
    for option, env in fragment_env(vendor).items():
        assert injected[env].split("}}")[0].strip("{ ").split(" |")[0] == option  # TELNYX_API_KEY <- api_key
        assert option in fields
    secret_options = [o for o in fragment(vendor, "DOCUMENTATION")["options"] if o in ("api_key", "auth_token", "api_secret")]
    for option in secret_options:
        if vendor == "twilio" and option == "api_key":
            continue  # an API key SID is an identifier, not a secret
        assert fields[option].get("secret") is True, option


def test_module_env_fallbacks_match_the_plugin_env():
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(ROOT))))
    from ansible_collections.commsops.sessions.plugins.module_utils.options import (  # pylint: disable=import-outside-toplevel
        telnyx_argument_spec, twilio_argument_spec)
    for vendor, spec in (("telnyx", telnyx_argument_spec()), ("twilio", twilio_argument_spec())):
        fallbacks = dict((o, s["fallback"][1][0]) for o, s in spec.items() if "fallback" in s)
        assert fallbacks == fragment_env(vendor)


def test_ansible_builder_creates_a_build_context(tmp_path):
    builder = shutil.which("ansible-builder") or os.path.join(os.path.dirname(sys.executable), "ansible-builder")
    if not os.path.exists(builder):
        pytest.skip("ansible-builder is not installed")
    work = tmp_path / "ee"
    work.mkdir()
    # v3 resolves files next to the definition; a collection's files are relative to its root.
    for name in ("requirements.txt", "bindep.txt"):
        shutil.copy(os.path.join(ROOT, name), str(work / name))
    shutil.copy(os.path.join(ROOT, "meta", "execution-environment.yml"), str(work / "execution-environment.yml"))
    result = subprocess.run([builder, "create", "-f", "execution-environment.yml", "-c", "context"],
                            cwd=str(work), capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    context = work / "context"
    assert (context / "Containerfile").exists() or (context / "Dockerfile").exists()
    assert "requests" in (context / "_build" / "requirements.txt").read_text()
    assert "ca-certificates" in (context / "_build" / "bindep.txt").read_text()
