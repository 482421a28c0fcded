# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Behaviour that lives in the documentation: what users are told where no test of a run can tell them."""

import ast
import os

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def module_doc(name, part="DOCUMENTATION"):
    with open(os.path.join(ROOT, "plugins", "modules", name + ".py")) as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and node.targets[0].id == part:
            return yaml.safe_load(node.value.value)
    raise AssertionError("no %s in %s" % (part, name))


def test_a_relative_date_expiry_is_documented_as_changing_every_run_with_ttl_as_the_way():
    text = " ".join(module_doc("proxy_session")["options"]["date_expiry"]["description"])
    assert "now+1d" in text and "every run" in text and "O(ttl)" in text


def test_bulk_results_document_their_outcome_and_no_skipped_flag():
    for name in ("room_session_action", "proxy_session_action"):
        returned = module_doc(name, "RETURN")
        entry = returned["results"]["contains"]
        assert entry["outcome"]["choices"] == ["changed", "would_change", "skipped", "failed", "unknown"], name
        assert "skipped" not in entry, name
        assert "unknown" in str(returned["counts"]), name
