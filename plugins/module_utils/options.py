# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Connection options of each vendor, and the one place that turns them into a client.

PRIVATE to commsops.sessions. The doc fragments (plugins/doc_fragments/telnyx.py, twilio.py)
describe exactly these options; modules and lookups both come through here.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import env_fallback

from ansible_collections.commsops.sessions.plugins.module_utils.limiter import DEFAULT_MAX_CONCURRENCY
from ansible_collections.commsops.sessions.plugins.module_utils.telnyx_rooms import TelnyxRooms, DEFAULT_BASE_URL as TELNYX_URL
from ansible_collections.commsops.sessions.plugins.module_utils.twilio_proxy import TwilioProxy, DEFAULT_BASE_URL as TWILIO_URL
from ansible_collections.commsops.sessions.plugins.module_utils.validation import (
    InvalidInput, check_bool, check_int_range, check_seconds, option_number)

# Beyond these a value is a typo (1e9 seconds is 31 years), not a wish.
MAX_CONCURRENCY = 256
MAX_TIMEOUT = 3600
MAX_RETRY_WAIT = 86400
MAX_RETRIES = 100


def _common_spec():
    # The numbers are raw: Ansible's int and float types would take '１' or '٣' as 1 or 3, while every
    # number of the collection is read one way (validation.parse_number), in _http_options.
    return dict(
        timeout=dict(type="raw", default=30),
        validate_certs=dict(type="bool", default=True),
        max_retries=dict(type="raw", default=5),
        max_retry_wait=dict(type="raw", default=60),
        concurrency=dict(type="raw", default="auto"),
        max_concurrency=dict(type="raw", default=DEFAULT_MAX_CONCURRENCY),
    )


def telnyx_argument_spec(**extra):
    # api_key is not required=True: Ansible's "missing required arguments: api_key" would not name
    # TELNYX_API_KEY; TelnyxRooms.connect refuses a missing key, naming both, before any request.
    spec = dict(
        api_key=dict(type="str", no_log=True, fallback=(env_fallback, ["TELNYX_API_KEY"])),
        base_url=dict(type="str", default=TELNYX_URL, fallback=(env_fallback, ["TELNYX_BASE_URL"])),
    )
    spec.update(_common_spec())
    spec.update(extra)
    return spec


def twilio_argument_spec(**extra):
    spec = dict(
        account_sid=dict(type="str", fallback=(env_fallback, ["TWILIO_ACCOUNT_SID"])),
        auth_token=dict(type="str", no_log=True, fallback=(env_fallback, ["TWILIO_AUTH_TOKEN"])),
        api_key=dict(type="str", no_log=False, fallback=(env_fallback, ["TWILIO_API_KEY"])),
        api_secret=dict(type="str", no_log=True, fallback=(env_fallback, ["TWILIO_API_SECRET"])),
        base_url=dict(type="str", default=TWILIO_URL, fallback=(env_fallback, ["TWILIO_PROXY_BASE_URL"])),
    )
    spec.update(_common_spec())
    spec.update(extra)
    return spec


def check_concurrency(value, option="concurrency"):
    """auto, or a whole number that pins the requests in flight."""
    if isinstance(value, str) and value.strip().lower() == "auto":
        return "auto"
    number = option_number(value)
    if isinstance(number, int) and not isinstance(number, bool):
        return check_int_range(number, option, 1, MAX_CONCURRENCY)
    raise InvalidInput("%s must be auto or a whole number from 1 to %d, got %r" % (option, MAX_CONCURRENCY, value))


def _http_options(get):
    """The HTTP settings, checked: a timeout of nan, inf or 1e9 would hang a task instead of failing it."""
    checks = dict(
        timeout=lambda value: check_seconds(option_number(value, True), "timeout", MAX_TIMEOUT, allow_zero=False),
        validate_certs=lambda value: check_bool(value, "validate_certs"),
        max_retries=lambda value: check_int_range(option_number(value), "max_retries", 0, MAX_RETRIES),
        max_retry_wait=lambda value: check_seconds(option_number(value, True), "max_retry_wait", MAX_RETRY_WAIT),
        concurrency=check_concurrency,
        max_concurrency=lambda value: check_int_range(option_number(value), "max_concurrency", 1, MAX_CONCURRENCY),
    )
    return dict((name, check(get(name))) for name, check in checks.items() if get(name) is not None)


def telnyx_client(get):
    """A TelnyxRooms client from an option getter (module.params.get or plugin.get_option)."""
    return TelnyxRooms.connect(get("api_key"), get("base_url") or TELNYX_URL, **_http_options(get))


def twilio_client(get):
    """A TwilioProxy client from an option getter (module.params.get or plugin.get_option)."""
    return TwilioProxy.connect(get("account_sid"), get("auth_token"), get("api_key"), get("api_secret"),
                               get("base_url") or TWILIO_URL, **_http_options(get))
