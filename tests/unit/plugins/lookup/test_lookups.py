# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib

import pytest
import yaml

from ansible import constants as C
from ansible.errors import AnsibleLookupError

from ansible_collections.commsops.sessions.plugins.lookup import proxy_sessions, room_sessions

KS = "KS" + "1" * 32
EMPTY_TELNYX_PAGE = (200, {}, {"data": [], "meta": {"total_pages": 1, "total_results": 0, "page_number": 1, "page_size": 250}})


def fragment_docs(plugin):
    """The YAML of each doc fragment the plugin extends (commsops.sessions.NAME or commsops.sessions.NAME.PART)."""
    for reference in yaml.safe_load(plugin.DOCUMENTATION)["extends_documentation_fragment"]:
        parts = reference.split(".")
        assert parts[:2] == ["commsops", "sessions"] and len(parts) in (3, 4), reference
        fragment = importlib.import_module("ansible_collections.commsops.sessions.plugins.doc_fragments." + parts[2])
        yield getattr(fragment.ModuleDocFragment, parts[3].upper() if len(parts) == 4 else "DOCUMENTATION")


def load(plugin):
    """The lookup as the plugin loader gives it: its options and its doc fragments' registered with the config
    manager. (The loader itself cannot be used here: the collection is imported from sys.path in unit tests.)"""
    options = {}
    for doc in list(fragment_docs(plugin)) + [plugin.DOCUMENTATION]:
        for name, spec in (yaml.safe_load(doc)["options"] or {}).items():
            options.setdefault(name, {}).update(spec)
    name = "commsops.sessions." + plugin.__name__.rsplit(".", 1)[1]
    C.config.initialize_plugin_configuration_definitions("lookup", name, options)
    lookup = plugin.LookupModule()
    lookup._load_name = name
    return lookup


@pytest.fixture
def telnyx_lookup(fake_api):
    lookup = load(room_sessions)
    return lambda variables=None, **kwargs: lookup.run([], variables or {}, **dict(
        dict(api_key="k", base_url=fake_api.url + "/v2", max_retries=0), **kwargs))


@pytest.fixture
def twilio_lookup(fake_api):
    lookup = load(proxy_sessions)
    return lambda variables=None, **kwargs: lookup.run([], variables or {}, **dict(
        dict(account_sid="AC" + "0" * 32, auth_token="t", base_url=fake_api.url, max_retries=0, service_sid=KS), **kwargs))


def test_unknown_keywords_are_refused_and_the_valid_ones_listed(telnyx_lookup, twilio_lookup, fake_api):
    with pytest.raises(AnsibleLookupError, match=r"unknown keyword argument\(s\) actve; valid ones are .*\bactive\b"):
        telnyx_lookup(actve=False)
    with pytest.raises(AnsibleLookupError, match=r"unknown keyword argument\(s\) state, stauts"):
        twilio_lookup(stauts="open", state="x")
    assert fake_api.requests == []


@pytest.mark.parametrize("kwargs, message", [
    ({"active": "maybe"}, "active must be true or false, got 'maybe'"),
    ({"active": 2}, "active must be true or false, got 2"),
    ({"include_participants": "perhaps"}, "include_participants must be true or false"),
    ({"validate_certs": "maybe"}, "validate_certs must be true or false"),
])
def test_loose_booleans_are_refused_not_read_as_false(telnyx_lookup, fake_api, kwargs, message):
    with pytest.raises(AnsibleLookupError, match="^" + message):
        telnyx_lookup(**kwargs)
    assert fake_api.requests == []


@pytest.mark.parametrize("value, message", [
    ("maybe", "telnyx_validate_certs must be true or false"),
    ("{{ verify }}", r"telnyx_validate_certs must be a literal true or false \(a lookup does not template it\)"),
])
def test_loose_booleans_in_variables_are_refused(telnyx_lookup, fake_api, value, message):
    with pytest.raises(AnsibleLookupError, match="^" + message):
        telnyx_lookup({"telnyx_validate_certs": value})
    assert fake_api.requests == []


def test_real_booleans_and_the_usual_strings_are_taken(telnyx_lookup, fake_api):
    fake_api.route = lambda rec: EMPTY_TELNYX_PAGE
    assert telnyx_lookup({"telnyx_validate_certs": "yes"}, active="no", include_participants="on") == []
    assert telnyx_lookup(active=True) == []
    sent = [r.query for r in fake_api.requests]
    assert (sent[0]["filter[active]"], sent[0]["include_participants"]) == ("false", "true")
    assert sent[1]["filter[active]"] == "true"


@pytest.mark.parametrize("kwargs, message", [
    ({"timeout": 0}, "timeout must be greater than 0"),
    ({"max_retry_wait": float("nan")}, "max_retry_wait must be a finite number"),
    ({"status": [5]}, "status must be a status or a list of statuses"),
    ({"date_created": {"gte": "now-99999999999d"}}, "date_created.gte must be at most 100 years"),
    ({"service_sid": KS + "\n"}, "service_sid must be KS followed by 32"),
])
def test_bad_input_becomes_a_lookup_error_before_any_request(twilio_lookup, fake_api, kwargs, message):
    with pytest.raises(AnsibleLookupError, match="^" + message):
        twilio_lookup(**kwargs)
    assert fake_api.requests == []


def test_only_invalid_input_and_api_errors_become_lookup_errors():
    """A plain ValueError is a bug: it must show its traceback, not pass for the user's mistake."""
    lookup = load(room_sessions)

    def broken_factory(get):
        raise ValueError("a bug")

    with pytest.raises(ValueError, match="a bug"):
        lookup.run_with([], {}, {"api_key": "k"}, broken_factory, None)
