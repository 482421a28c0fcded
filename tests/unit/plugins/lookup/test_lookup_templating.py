# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Lookups get the play's variables untemplated: they template the option variables themselves."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible import template as ansible_template
from ansible.errors import AnsibleError, AnsibleLookupError
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar

from ansible_collections.commsops.sessions.plugins.lookup import proxy_sessions, room_sessions
from ansible_collections.commsops.sessions.plugins.module_utils.validation import option_number
from ansible_collections.commsops.sessions.tests.unit.plugins.lookup.test_lookups import EMPTY_TELNYX_PAGE, KS, load

# ansible-core 2.19 templates only strings trusted as templates (as a playbook's variables are); 2.17 and 2.18 all.
trusted = getattr(ansible_template, "trust_as_template", lambda value: value)


def in_a_play(plugin, variables):
    """The lookup as a play runs it: with the task's templar, whose variables are the play's."""
    lookup = load(plugin)
    lookup._templar = Templar(loader=DataLoader(), variables=variables)
    return lookup


def test_jinja_in_the_connection_variables_is_rendered(fake_api):
    fake_api.route = lambda rec: EMPTY_TELNYX_PAGE
    variables = {
        "vault_telnyx_api_key": "the-real-key",
        "telnyx_api_key": trusted("{{ vault_telnyx_api_key }}"),
        "api_host": fake_api.url,
        "telnyx_base_url": trusted("{{ api_host }}/v2"),
        "telnyx_max_retries": trusted("{{ 0 }}"),
        "telnyx_validate_certs": trusted("{{ 1 == 1 }}"),
        # Not an option variable: never templated, so its undefined reference does no harm.
        "unrelated": trusted("{{ not_defined_anywhere }}"),
    }
    lookup = in_a_play(room_sessions, variables)
    assert lookup.run([], variables) == []
    assert [r["headers"].get("Authorization") for r in fake_api.requests] == ["Bearer the-real-key"]
    # max_retries is a raw option (read by option_number): ansible-core before 2.19 renders "{{ 0 }}" as text.
    assert option_number(lookup.get_option("max_retries")) == 0 and lookup.get_option("validate_certs") is True


def test_twilio_credentials_from_jinja(fake_api):
    fake_api.route = lambda rec: (200, {}, {"sessions": [], "meta": {"next_page_url": None}})
    variables = {
        "sid": "AC" + "7" * 32, "secret": "tok",
        "twilio_account_sid": trusted("{{ sid }}"), "twilio_auth_token": trusted("{{ secret }}"),
        "twilio_proxy_base_url": fake_api.url, "twilio_max_retries": 0,
    }
    assert in_a_play(proxy_sessions, variables).run([], variables, service_sid=KS) == []
    assert fake_api.requests[0]["headers"]["Authorization"].startswith("Basic ")
    assert "{{" not in repr(fake_api.requests[0]["headers"])


def test_an_undefined_variable_in_a_credential_fails_before_any_request(fake_api):
    variables = {"telnyx_api_key": trusted("{{ vault_key_not_loaded }}"), "telnyx_base_url": fake_api.url + "/v2"}
    with pytest.raises(AnsibleError, match="vault_key_not_loaded"):
        in_a_play(room_sessions, variables).run([], variables, max_retries=0)
    assert fake_api.requests == []


def test_an_option_given_as_a_keyword_does_not_template_its_variable(fake_api):
    fake_api.route = lambda rec: EMPTY_TELNYX_PAGE
    variables = {"telnyx_api_key": trusted("{{ vault_key_not_loaded }}"), "telnyx_base_url": fake_api.url + "/v2"}
    assert in_a_play(room_sessions, variables).run([], variables, api_key="from-keyword", max_retries=0) == []
    assert fake_api.requests[0]["headers"]["Authorization"] == "Bearer from-keyword"


def test_a_boolean_variable_that_renders_to_a_loose_value_is_still_refused(fake_api):
    variables = {"maybe": "maybe", "telnyx_validate_certs": trusted("{{ maybe }}")}
    with pytest.raises(AnsibleLookupError, match="^telnyx_validate_certs must be true or false"):
        in_a_play(room_sessions, variables).run([], variables, api_key="k", base_url=fake_api.url + "/v2", max_retries=0)
    assert fake_api.requests == []
