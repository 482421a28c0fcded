# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""proxy_service's plan as tables: (current, declared) -> plan -> expected after; no HTTP."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.commsops.sessions.plugins.module_utils.api_error import ApiError
from ansible_collections.commsops.sessions.plugins.module_utils.proxy_service_plans import (
    CREATE_DEFAULTS, apply_service_plan, declared_service, diff_view, expected_after, plan_service, read_service)
from ansible_collections.commsops.sessions.plugins.module_utils.validation import InvalidInput

KS = "KS" + "a" * 32
KS2 = "KS" + "b" * 32
IS = "IS" + "c" * 32
STORED = dict(CREATE_DEFAULTS, sid=KS, unique_name="support", default_ttl=3600, callback_url="https://h.example/s")


def declared(**params):
    params.setdefault("unique_name", "support")
    return declared_service(params)


@pytest.mark.parametrize("current, params, action, update", [
    (None, dict(), "create", {}),
    (None, dict(state="absent"), "none", {}),
    (STORED, dict(state="absent"), "delete", {}),
    (STORED, dict(), "none", {}),
    (STORED, dict(default_ttl="3600", callback_url="https://h.example/s"), "none", {}),
    (STORED, dict(default_ttl=60), "update", {"default_ttl": 60}),
    (STORED, dict(callback_url="https://h.example/t"), "update", {"callback_url": "https://h.example/t"}),
    (STORED, dict(intercept_callback_url="https://h.example/i"), "update", {"intercept_callback_url": "https://h.example/i"}),
    (STORED, dict(geo_match_level="country", number_selection_behavior="avoid-sticky"), "update",
     {"number_selection_behavior": "avoid-sticky"}),
    (STORED, dict(sid=KS, unique_name="help-desk"), "update", {"unique_name": "help-desk"}),
    (STORED, dict(sid=KS, unique_name=None), "none", {}),
])
def test_plan_service(current, params, action, update):
    plan = plan_service(current, declared(**params))
    assert (plan["action"], plan["update"]) == (action, update)


def test_a_create_shows_the_defaults_the_api_gives():
    plan = plan_service(None, declared(default_ttl=60))
    after = expected_after(None, plan)
    assert after == dict(CREATE_DEFAULTS, unique_name="support", default_ttl=60)
    assert diff_view(after) == dict(CREATE_DEFAULTS, unique_name="support", default_ttl=60)
    assert "sid" not in diff_view(STORED)


@pytest.mark.parametrize("current, params, after", [
    (STORED, dict(state="absent"), None),
    (STORED, dict(chat_instance_sid=IS, default_ttl=5), dict(STORED, chat_instance_sid=IS, default_ttl=5)),
    (STORED, dict(), STORED),
])
def test_expected_after(current, params, after):
    assert expected_after(current, plan_service(current, declared(**params))) == after


@pytest.mark.parametrize("params, option", [
    (dict(unique_name=None), "give unique_name"),
    (dict(unique_name=None, state="absent"), "give unique_name"),
    (dict(sid="KS1"), "sid"),
    (dict(unique_name=""), "unique_name"),
    (dict(default_ttl=-5), "default_ttl"),
    (dict(default_ttl=True), "default_ttl"),
    (dict(callback_url="not a url"), "callback_url"),
    (dict(geo_match_level="city"), "geo_match_level"),
    (dict(chat_instance_sid="CH" + "0" * 32), "chat_instance_sid"),
    (dict(callback_url=""), "callback_url: an empty value is not a URL; the API document offers no way to remove it"),
    (dict(intercept_callback_url=""), "intercept_callback_url: an empty value is not a URL"),
    (dict(sid=KS, out_of_session_callback_url=""), "out_of_session_callback_url: an empty value is not a URL"),
    (dict(chat_instance_sid=""), "chat_instance_sid: an empty value is not a chat instance SID"),
    (dict(state="absent", default_ttl=5), "default_ttl: no meaning with state=absent"),
])
def test_bad_input_is_refused_naming_the_option(params, option):
    with pytest.raises(InvalidInput) as err:
        declared(**params)
    assert str(err.value).startswith(option)


class Client:
    """A scripted client: services by SID, and what each call did."""

    def __init__(self, services=(), create_error=None, update_error=None):
        self.services = dict((s["sid"], dict(s)) for s in services)
        self.create_error, self.update_error, self.calls = create_error, update_error, []

    def find_service(self, sid=None, unique_name=None):
        self.calls.append(("find", sid or unique_name))
        if sid:
            return self.services.get(sid)
        return next((s for s in self.services.values() if s["unique_name"] == unique_name), None)

    def create_service(self, fields):
        self.calls.append(("create", fields))
        if self.create_error:
            raise self.create_error
        return dict(CREATE_DEFAULTS, sid=KS2, **fields)

    def update_service(self, sid, fields):
        self.calls.append(("update", sid, fields))
        self.services[sid].update(fields)
        if self.update_error:
            raise self.update_error
        return self.services[sid]

    def delete_service(self, sid):
        self.calls.append(("delete", sid))
        return self.services.pop(sid, None) is not None


def converge(client, **params):
    wanted = declared(**params)
    current = read_service(client, wanted)
    return apply_service_plan(client, wanted, current, plan_service(current, wanted))


def test_a_create_race_converges_on_the_service_the_other_run_made():
    duplicate = ApiError("A Service with this UniqueName already exists", 400, 80602, "POST", "/v1/Services")
    client = Client(create_error=duplicate)
    wanted = declared(default_ttl=3600)
    plan = plan_service(None, wanted)
    client.services[KS] = dict(STORED)  # the other run's create lands between our read and our create
    assert apply_service_plan(client, wanted, None, plan) == (STORED, False)
    wanted = declared(default_ttl=60)
    service, changed = apply_service_plan(client, wanted, None, plan_service(None, wanted))
    assert changed and service["default_ttl"] == 60 and client.calls[-1] == ("update", KS, {"default_ttl": 60})


def test_a_refused_create_with_no_such_name_stands():
    client = Client(create_error=ApiError("Invalid parameter", 400, 20001, "POST", "/v1/Services"))
    with pytest.raises(ApiError):
        converge(client)


def test_an_update_that_may_have_been_applied_settles_by_reading_again():
    lost = ApiError("connection dropped", None, None, "POST", "/v1/Services/" + KS, may_have_applied=True)
    client = Client([STORED], update_error=lost)
    service, changed = converge(client, default_ttl=5)
    assert changed and service["default_ttl"] == 5 and client.calls[-1] == ("find", KS)


def test_an_update_refused_outright_is_not_settled():
    client = Client([STORED], update_error=ApiError("Invalid parameter", 400, 20001, "POST", "/v1/Services/" + KS))
    with pytest.raises(ApiError):
        converge(client, default_ttl=5)
    assert client.calls[-1][0] == "update"


def test_sid_and_name_of_two_services_are_refused_and_a_sid_is_never_created():
    client = Client([STORED, dict(STORED, sid=KS2, unique_name="other")])
    with pytest.raises(InvalidInput) as err:
        read_service(client, declared(sid=KS, unique_name="other"))
    assert "different services" in str(err.value)
    with pytest.raises(InvalidInput) as err:
        read_service(Client(), declared(sid=KS))
    assert "chosen SID" in str(err.value)
    assert read_service(Client(), declared(sid=KS, state="absent")) is None


def test_delete_and_delete_again():
    client = Client([STORED])
    assert converge(client, state="absent") == (None, True)
    wanted = declared(state="absent")
    assert plan_service(read_service(client, wanted), wanted)["action"] == "none"
