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

import contextlib

from ansible.module_utils.basic import env_fallback, missing_required_lib

from ansible_collections.commsops.sessions.plugins.module_utils.http_layer import ApiError, HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.commsops.sessions.plugins.module_utils.telnyx import TelnyxRooms, DEFAULT_BASE_URL as TELNYX_URL
from ansible_collections.commsops.sessions.plugins.module_utils.twilio_proxy import TwilioProxy, DEFAULT_BASE_URL as TWILIO_URL
from ansible_collections.commsops.sessions.plugins.module_utils.validation import (
    InvalidInput, check_bool, check_int_range, check_seconds)

# Beyond these a value is a typo (1e9 seconds is 31 years), not a wish.
MAX_TIMEOUT = 3600
MAX_RETRY_WAIT = 86400
MAX_RETRIES = 100


def _common_spec():
    return dict(
        timeout=dict(type="float", default=30),
        validate_certs=dict(type="bool", default=True),
        max_retries=dict(type="int", default=5),
        max_retry_wait=dict(type="float", default=60),
    )


def telnyx_argument_spec(**extra):
    spec = dict(
        api_key=dict(type="str", required=True, no_log=True, fallback=(env_fallback, ["TELNYX_API_KEY"])),
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


def _http_options(get, pool_size):
    """The HTTP settings, checked: a timeout of nan, inf or 1e9 would hang a task instead of failing it."""
    checks = dict(
        timeout=lambda value: check_seconds(value, "timeout", MAX_TIMEOUT, allow_zero=False),
        validate_certs=lambda value: check_bool(value, "validate_certs"),
        max_retries=lambda value: check_int_range(value, "max_retries", 0, MAX_RETRIES),
        max_retry_wait=lambda value: check_seconds(value, "max_retry_wait", MAX_RETRY_WAIT),
    )
    options = dict((name, check(get(name))) for name, check in checks.items() if get(name) is not None)
    options["pool_size"] = pool_size
    return options


def telnyx_client(get, pool_size=16):
    """A TelnyxRooms client from an option getter (module.params.get or plugin.get_option)."""
    if not get("api_key"):
        raise InvalidInput("api_key is required: set it, or the TELNYX_API_KEY environment variable")
    return TelnyxRooms.connect(get("api_key"), get("base_url") or TELNYX_URL, **_http_options(get, pool_size))


def twilio_client(get, pool_size=16):
    """A TwilioProxy client from an option getter (module.params.get or plugin.get_option)."""
    if get("api_key") and not get("api_secret"):
        raise InvalidInput("api_secret is required with api_key (or set TWILIO_API_SECRET)")
    if not get("api_key") and not (get("account_sid") and get("auth_token")):
        raise InvalidInput("Twilio credentials are missing: set account_sid and auth_token, or api_key and api_secret "
                           "(or the TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_API_KEY, TWILIO_API_SECRET variables)")
    return TwilioProxy.connect(get("account_sid"), get("auth_token"), get("api_key"), get("api_secret"),
                               get("base_url") or TWILIO_URL, **_http_options(get, pool_size))


def module_client(module, factory, pool_size=16):
    """Build a client for a module, failing the task cleanly (no traceback) when it cannot."""
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    try:
        return factory(module.params.get, pool_size)
    except InvalidInput as exc:
        module.fail_json(msg=str(exc))


@contextlib.contextmanager
def reported_errors(module):
    """Turn expected failures into fail_json: bad input names the option, API errors carry the vendor's code."""
    try:
        yield
    except InvalidInput as exc:
        module.fail_json(msg=str(exc))
    except ApiError as exc:
        module.fail_json(msg=str(exc), api_error=exc.to_dict())
