# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The webhook sources' DOCUMENTATION and EXAMPLES: YAML as a module's, and true to the code.

Neither ansible-test sanity nor galaxy-importer parses an event source's documentation, so this does."""

import ast
import os

import pytest
import yaml

from ansible_collections.commsops.sessions.extensions.eda.plugins.event_source import telnyx_webhook, twilio_webhook

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SOURCES = {"telnyx_webhook": telnyx_webhook, "twilio_webhook": twilio_webhook}


def documented(name):
    with open(os.path.join(ROOT, "extensions", "eda", "plugins", "event_source", name + ".py")) as handle:
        tree = ast.parse(handle.read())
    strings = {node.targets[0].id: node.value.value for node in tree.body
               if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) in ("DOCUMENTATION", "EXAMPLES")}
    return yaml.safe_load(strings["DOCUMENTATION"]), yaml.safe_load(strings["EXAMPLES"])


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_documentation_is_yaml_with_typed_options(name):
    doc, examples = documented(name)
    assert doc["short_description"] and doc["description"]
    for option, spec in doc["options"].items():
        assert spec.get("description"), option
        assert spec.get("type") in ("str", "int", "float"), option
    assert doc["options"]["host"]["default"] == "127.0.0.1"
    used = [source for ruleset in examples for source in ruleset["sources"]]
    assert [list(source) for source in used] == [["commsops.sessions." + name]]
    assert set(used[0]["commsops.sessions." + name]) <= set(doc["options"])


def test_documented_defaults_are_the_code_defaults():
    telnyx_doc, _examples = documented("telnyx_webhook")
    twilio_doc, _examples = documented("twilio_webhook")
    source = telnyx_webhook.TelnyxWebhook(None, {"port": 1}, environ={"TELNYX_PUBLIC_KEY": "A" * 43 + "="})
    assert source.tolerance == telnyx_doc["options"]["tolerance"]["default"]
    assert list(source.listener.routes) == [telnyx_doc["options"]["path"]["default"]]
    assert source.options["max_body_bytes"] == telnyx_doc["options"]["max_body_bytes"]["default"]
    assert source.options["read_timeout"] == telnyx_doc["options"]["read_timeout"]["default"]
    assert source.options["max_connections"] == telnyx_doc["options"]["max_connections"]["default"]
    assert source.seen.max_entries == telnyx_doc["options"]["replay_memory"]["default"]
    twilio = twilio_webhook.TwilioWebhook(None, {"port": 1}, environ={"TWILIO_AUTH_TOKEN": "t"})
    assert sorted(twilio.listener.routes) == sorted(twilio_doc["options"][kind + "_path"]["default"]
                                                    for kind in ("callback", "intercept", "out_of_session"))
    assert twilio.seen.window == twilio_doc["options"]["replay_window"]["default"]
