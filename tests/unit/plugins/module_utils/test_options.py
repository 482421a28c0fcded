# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.commsops.sessions.plugins.module_utils.options import (
    telnyx_argument_spec, telnyx_client, twilio_argument_spec, twilio_client)
from ansible_collections.commsops.sessions.plugins.module_utils.validation import InvalidInput


def getter(**values):
    defaults = dict(timeout=30, validate_certs=True, max_retries=5, max_retry_wait=60, base_url=None)
    defaults.update(values)
    return defaults.get


def test_secrets_are_no_log_and_env_fallbacks_match_the_docs():
    telnyx, twilio = telnyx_argument_spec(), twilio_argument_spec()
    assert telnyx["api_key"]["no_log"] is True and twilio["auth_token"]["no_log"] is True
    assert twilio["api_secret"]["no_log"] is True and twilio["api_key"]["no_log"] is False
    envs = [spec["fallback"][1][0] for spec_set in (telnyx, twilio) for spec in spec_set.values() if "fallback" in spec]
    assert set(envs) == {"TELNYX_API_KEY", "TELNYX_BASE_URL", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN",
                         "TWILIO_API_KEY", "TWILIO_API_SECRET", "TWILIO_PROXY_BASE_URL"}


def test_clients_take_the_http_options():
    client = telnyx_client(getter(api_key="k", base_url="http://127.0.0.1:1/v2", timeout=3, max_retries=1, concurrency=4))
    assert (client.http.limiter.auto, client.http.workers) == (False, 4)
    assert (client.http.base_url, client.http.timeout, client.http.max_retries) == ("http://127.0.0.1:1/v2", 3, 1)
    assert client.http.session.headers["Authorization"] == "Bearer k"
    assert twilio_client(getter(account_sid="AC1", auth_token="t")).http.base_url == "https://proxy.twilio.com"


@pytest.mark.parametrize("factory, values, message", [
    (telnyx_client, {}, "api_key is required"),
    (twilio_client, {"account_sid": "AC1"}, "Twilio credentials are missing"),
    (twilio_client, {"api_key": "SK1"}, "api_secret is required with api_key"),
    (telnyx_client, {"api_key": "k", "timeout": 0}, "timeout must be greater than 0"),
    (twilio_client, {"account_sid": "AC1", "auth_token": "t", "max_retries": -1}, "max_retries must be between 0 and 100"),
])
def test_missing_or_bad_connection_options(factory, values, message):
    with pytest.raises(InvalidInput, match="^" + message):
        factory(getter(**values))


@pytest.mark.parametrize("values, message", [
    ({"timeout": float("nan")}, "timeout must be a finite number of seconds, got nan"),
    ({"timeout": float("inf")}, "timeout must be a finite number of seconds, got inf"),
    ({"timeout": 0}, "timeout must be greater than 0 and at most 3600 seconds, got 0"),
    ({"timeout": -1}, "timeout must be greater than 0 and at most 3600 seconds, got -1"),
    ({"timeout": 1e9}, "timeout must be greater than 0 and at most 3600 seconds, got 1000000000.0"),
    ({"max_retry_wait": float("nan")}, "max_retry_wait must be a finite number of seconds, got nan"),
    ({"max_retry_wait": float("-inf")}, "max_retry_wait must be a finite number of seconds, got -inf"),
    ({"max_retry_wait": -0.5}, "max_retry_wait must be 0 or more and at most 86400 seconds, got -0.5"),
    ({"max_retry_wait": 86401}, "max_retry_wait must be 0 or more and at most 86400 seconds, got 86401"),
    ({"max_retries": -1}, "max_retries must be between 0 and 100, got -1"),
    ({"max_retries": 101}, "max_retries must be between 0 and 100, got 101"),
    ({"max_retries": True}, "max_retries must be a whole number, got True"),
    ({"validate_certs": "maybe"}, "validate_certs must be true or false, got 'maybe'"),
])
@pytest.mark.parametrize("factory, credentials", [
    (telnyx_client, {"api_key": "k"}), (twilio_client, {"account_sid": "AC1", "auth_token": "t"})])
def test_connection_numbers_out_of_range_name_the_option(factory, credentials, values, message):
    with pytest.raises(InvalidInput) as err:
        factory(getter(**dict(credentials, **values)))
    assert str(err.value) == message


def test_connection_numbers_at_their_limits_are_taken():
    client = telnyx_client(getter(api_key="k", timeout=3600, max_retry_wait=0, max_retries=100))
    assert (client.http.timeout, client.http.max_retries) == (3600, 100)
    assert telnyx_client(getter(api_key="k", max_retry_wait=86400, max_retries=0)).http.max_retries == 0


# Numbers in options are read one way: ASCII digits, whatever Ansible's int() or float() would take -------


@pytest.mark.parametrize("values, message", [
    ({"concurrency": "²"}, "concurrency must be auto or a whole number from 1 to 256, got '²'"),
    ({"concurrency": "٣"}, "concurrency must be auto or a whole number from 1 to 256, got '٣'"),
    ({"timeout": "１"}, "timeout must be a finite number of seconds, got '１'"),
    ({"timeout": "1e3"}, "timeout must be a finite number of seconds, got '1e3'"),
    ({"max_retries": "٣"}, "max_retries must be a whole number, got '٣'"),
    ({"max_retries": "²"}, "max_retries must be a whole number, got '²'"),
    ({"max_retry_wait": "1_0"}, "max_retry_wait must be a finite number of seconds, got '1_0'"),
    ({"max_concurrency": "１６"}, "max_concurrency must be a whole number, got '１６'"),
])
def test_a_number_in_other_digits_is_refused_naming_the_option(values, message):
    # Through Ansible's own argument checks first, as a module gets its options: the spec must not turn
    # '１' into 1.0 before the collection sees it.
    validated = ArgumentSpecValidator(telnyx_argument_spec()).validate(dict(values, api_key="k"))
    assert validated.error_messages == []
    with pytest.raises(InvalidInput) as err:
        telnyx_client(validated.validated_parameters.get)
    assert str(err.value) == message


def test_numbers_as_ascii_text_are_taken():
    validated = ArgumentSpecValidator(twilio_argument_spec()).validate(dict(
        account_sid="AC1", auth_token="t", timeout="2.5", max_retries=" 3 ", max_retry_wait="10", concurrency="4",
        max_concurrency="16"))
    http = twilio_client(validated.validated_parameters.get).http
    assert (http.timeout, http.max_retries, http.max_retry_wait, http.limiter.max) == (2.5, 3, 10, 4)


def test_a_missing_telnyx_key_names_the_variable_not_ansibles_required_check():
    validated = ArgumentSpecValidator(telnyx_argument_spec()).validate({})
    assert validated.error_messages == []  # not "missing required arguments: api_key"
    with pytest.raises(InvalidInput, match="TELNYX_API_KEY"):
        telnyx_client(validated.validated_parameters.get)
