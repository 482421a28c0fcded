# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.commsops.sessions.plugins.module_utils.options import (
    telnyx_argument_spec, telnyx_client, twilio_argument_spec, twilio_client)


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
    client = telnyx_client(getter(api_key="k", base_url="http://127.0.0.1:1/v2", timeout=3, max_retries=1), pool_size=4)
    assert (client.http.base_url, client.http.timeout, client.http.max_retries) == ("http://127.0.0.1:1/v2", 3, 1)
    assert client.http.session.headers["Authorization"] == "Bearer k"
    assert twilio_client(getter(account_sid="AC1", auth_token="t")).http.base_url == "https://proxy.twilio.com"


@pytest.mark.parametrize("factory, values, message", [
    (telnyx_client, {}, "api_key is required"),
    (twilio_client, {"account_sid": "AC1"}, "Twilio credentials are missing"),
    (twilio_client, {"api_key": "SK1"}, "api_secret is required with api_key"),
    (telnyx_client, {"api_key": "k", "timeout": 0}, "timeout must be greater than 0"),
    (twilio_client, {"account_sid": "AC1", "auth_token": "t", "max_retries": -1}, "max_retries must be 0 or more"),
])
def test_missing_or_bad_connection_options(factory, values, message):
    with pytest.raises(ValueError, match="^" + message):
        factory(getter(**values))
