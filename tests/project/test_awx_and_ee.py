# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The AWX credential types and the execution environment agree with what the collection reads."""

import ast
import json
import os
import re
import sys

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VENDORS = {"telnyx": "credential_type_telnyx.yml", "twilio": "credential_type_twilio.yml"}
# Job template (playbook and role) -> its survey spec, and the prefix of the survey's variables.
SURVEYS = {"room_session_cleanup": ("survey_room_session_cleanup.json", "room_cleanup_"),
           "proxy_session_cleanup": ("survey_proxy_session_cleanup.json", "proxy_cleanup_")}
QUESTION_TYPES = {"text", "textarea", "password", "integer", "float", "multiplechoice", "multiselect"}


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


def survey(name):
    with open(os.path.join(ROOT, "docs", "awx", SURVEYS[name][0])) as handle:
        return json.load(handle)


def meaning(question_type, value):
    """What an answer means to the playbook: a textarea is a list, "true"/"false" a boolean."""
    if question_type == "textarea" and isinstance(value, str):
        return [line.strip() for line in value.splitlines() if line.strip()]
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


@pytest.mark.parametrize("name", sorted(SURVEYS))
def test_survey_spec_is_what_the_awx_survey_spec_endpoint_takes(name):
    spec = survey(name)
    assert set(spec) == {"name", "description", "spec"} and spec["name"] and spec["description"]
    variables = [q["variable"] for q in spec["spec"]]
    assert len(variables) == len(set(variables))
    for question in spec["spec"]:
        assert {"question_name", "question_description", "variable", "type", "required", "default"} <= set(question)
        assert question["type"] in QUESTION_TYPES
        assert isinstance(question["required"], bool)
        assert re.match(r"^[a-zA-Z_][a-zA-Z0-9_]*$", question["variable"])
        default = question["default"]
        if question["type"] == "integer":
            assert isinstance(default, int) and question["min"] <= default <= question["max"], question
        elif question["type"] in ("multiplechoice", "multiselect"):
            assert isinstance(question["choices"], list) and default in question["choices"], question
        else:
            assert isinstance(default, str) and question["min"] <= len(default) <= question["max"], question


@pytest.mark.parametrize("name", sorted(SURVEYS))
def test_survey_questions_are_the_playbook_variables_with_the_same_defaults(name):
    prefix = SURVEYS[name][1]
    path = os.path.join(ROOT, "playbooks", name + ".yml")
    with open(path) as handle:
        text = handle.read()
    play = yaml.safe_load(text)[0]
    with open(os.path.join(ROOT, "roles", name, "defaults", "main.yml")) as handle:
        role_defaults = yaml.safe_load(handle)
    playbook_defaults = play["vars"]["__%sdefaults" % prefix]
    questions = dict((q["variable"], q) for q in survey(name)["spec"])
    # Every question is a variable the playbook reads, and every variable it reads is a question.
    assert set(questions) == set(playbook_defaults)
    assert set(re.findall(r"\b(%s[a-z_]+) \| default\(none\)" % prefix, text)) == set(questions)
    for variable, question in questions.items():
        assert variable.startswith(prefix)
        # The survey's default means what a blank answer means to the playbook: the role's default.
        assert meaning(question["type"], question["default"]) == playbook_defaults[variable], variable
        role_variable = variable.replace(prefix, name + "_")
        assert playbook_defaults[variable] == role_defaults[role_variable], variable
        # The required questions are those the role cannot do without.
        assert question["required"] == (role_variable == "proxy_session_cleanup_service_sids"), variable


def test_the_awx_readme_names_every_survey_variable():
    with open(os.path.join(ROOT, "docs", "awx", "README.md")) as handle:
        guide = handle.read()
    for name in SURVEYS:
        assert SURVEYS[name][0] in guide
        for question in survey(name)["spec"]:
            assert "`%s`" % question["variable"] in guide, question["variable"]
