# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Proxy services and their phone numbers in the emulator: fields, defaults, unique names, pools, error codes."""

import urllib.error

import jsonschema
import pytest
import requests

from tests.emulator.conftest import SERVICE, TWILIO_AUTH, load_schema

TWILIO = load_schema("twilio_proxy_v1_sessions.json")
N1, N2, N3 = "+15550100001", "+15550100002", "+15550100003"
PN1 = "PN00000000000000000000015550100001"
HOOK = "https://hooks.example.com/proxy"


def valid(name, body):
    jsonschema.validate(body, {"$ref": "#/$defs/" + name, "$defs": TWILIO["$defs"]})
    return body


def call(emulator, method, path, **form):
    where = "params" if method == "GET" else "data"
    return requests.request(method, emulator.url + "/v1/Services" + path, auth=TWILIO_AUTH, timeout=10, **{where: form or None})


def refused(answer, status, code):
    valid("Error", answer.json())
    return answer.status_code == status and answer.json()["code"] == code


def test_a_service_is_created_with_the_documents_defaults_then_updated_listed_and_deleted(emulator, admin):
    created = call(emulator, "POST", "", UniqueName="support")
    assert created.status_code == 201
    service = valid("Service", created.json())
    assert service["unique_name"] == "support" and service["default_ttl"] == 0
    assert (service["geo_match_level"], service["number_selection_behavior"]) == ("country", "prefer-sticky")
    assert service["callback_url"] is None and service["chat_instance_sid"] is None
    assert service["links"]["phone_numbers"] == service["url"] + "/PhoneNumbers"
    sid = service["sid"]
    updated = valid("Service", call(emulator, "POST", "/" + sid, DefaultTtl="60", CallbackUrl=HOOK,
                                    GeoMatchLevel="area-code", ChatInstanceSid="IS" + "1" * 32).json())
    assert (updated["default_ttl"], updated["callback_url"], updated["geo_match_level"]) == (60, HOOK, "area-code")
    cleared = call(emulator, "POST", "/" + sid, CallbackUrl="", ChatInstanceSid="").json()
    assert cleared["callback_url"] is None and cleared["chat_instance_sid"] is None and cleared["default_ttl"] == 60
    assert valid("Service", call(emulator, "GET", "/" + sid).json())["sid"] == sid
    listing = valid("ServiceList", call(emulator, "GET", "", PageSize="2").json())
    assert listing["meta"]["key"] == "services" and listing["meta"]["next_page_url"]
    second = requests.get(listing["meta"]["next_page_url"], auth=TWILIO_AUTH, timeout=10).json()
    names = [s["unique_name"] for s in listing["services"] + valid("ServiceList", second)["services"]]
    assert names == ["service-1", "service-2", "service-3", "support"]
    assert call(emulator, "DELETE", "/" + sid).status_code == 204
    assert refused(call(emulator, "GET", "/" + sid), 404, 20404)
    assert refused(call(emulator, "DELETE", "/" + sid), 404, 20404)
    assert admin("stats")["by_route"]["POST /v1/Services"] == 1


@pytest.mark.parametrize("form, parameter", [
    (dict(), "UniqueName"),
    (dict(UniqueName="x" * 192), "UniqueName"),
    (dict(UniqueName="s", DefaultTtl="-1"), "DefaultTtl"),
    (dict(UniqueName="s", CallbackUrl="hooks.example.com"), "CallbackUrl"),
    (dict(UniqueName="s", GeoMatchLevel="city"), "GeoMatchLevel"),
    (dict(UniqueName="s", NumberSelectionBehavior="sticky"), "NumberSelectionBehavior"),
    (dict(UniqueName="s", ChatInstanceSid="IS1"), "ChatInstanceSid"),
])
def test_bad_service_fields_are_refused_naming_the_parameter(emulator, form, parameter):
    answer = call(emulator, "POST", "", **form)
    assert refused(answer, 400, 20001) and parameter in answer.json()["message"]


def test_unique_names_are_unique_on_create_and_rename(emulator):
    sid = call(emulator, "POST", "", UniqueName="support").json()["sid"]
    assert refused(call(emulator, "POST", "", UniqueName="support"), 400, 80602)
    assert refused(call(emulator, "POST", "", UniqueName="service-1"), 400, 80602)  # the services always there
    assert refused(call(emulator, "POST", "/" + sid, UniqueName="service-2"), 400, 80602)
    assert call(emulator, "POST", "/" + sid, UniqueName="support").status_code == 200  # its own name
    assert call(emulator, "POST", "/" + sid, UniqueName="help-desk").json()["unique_name"] == "help-desk"


def test_sessions_live_in_services_that_exist(emulator):
    sid = call(emulator, "POST", "", UniqueName="support").json()["sid"]
    assert call(emulator, "POST", "/%s/Sessions" % sid, UniqueName="s1").status_code == 201
    assert call(emulator, "DELETE", "/" + sid).status_code == 204
    assert refused(call(emulator, "POST", "/%s/Sessions" % sid, UniqueName="s2"), 404, 20404)
    assert refused(call(emulator, "GET", "/KS%032d/Sessions" % 9), 404, 20404)
    assert refused(call(emulator, "GET", "/not-a-sid"), 404, 20404)


def test_only_owned_numbers_join_a_pool_once(emulator, admin):
    owned = admin("phone_numbers", {"phone_numbers": [N1, {"phone_number": N2, "friendly_name": "Two", "iso_country": "CA"}]})
    assert [n["sid"] for n in owned["phone_numbers"]][0] == PN1
    other = call(emulator, "POST", "", UniqueName="other").json()["sid"]
    pool = "/%s/PhoneNumbers" % SERVICE
    added = call(emulator, "POST", pool, Sid=PN1, IsReserved="true")
    assert added.status_code == 201
    number = valid("PhoneNumber", added.json())
    assert (number["phone_number"], number["is_reserved"], number["in_use"], number["service_sid"]) == (N1, True, 0, SERVICE)
    by_number = valid("PhoneNumber", call(emulator, "POST", pool, PhoneNumber=N2).json())
    assert (by_number["friendly_name"], by_number["iso_country"], by_number["is_reserved"]) == ("Two", "CA", False)
    assert refused(call(emulator, "POST", pool, PhoneNumber=N1), 400, 80104)
    assert refused(call(emulator, "POST", pool, Sid=PN1), 400, 80104)
    assert refused(call(emulator, "POST", "/%s/PhoneNumbers" % other, PhoneNumber=N1), 400, 80601)
    assert refused(call(emulator, "POST", pool, PhoneNumber=N3), 400, 80301)
    assert refused(call(emulator, "POST", pool, Sid="PN" + "f" * 32), 400, 80301)
    assert refused(call(emulator, "POST", pool, PhoneNumber="5550100001"), 400, 20001)
    assert refused(call(emulator, "POST", pool), 400, 20001)
    assert refused(call(emulator, "POST", pool, Sid=PN1, IsReserved="maybe"), 400, 20001)
    listing = valid("PhoneNumberList", call(emulator, "GET", pool).json())
    assert [n["phone_number"] for n in listing["phone_numbers"]] == [N1, N2] and listing["meta"]["key"] == "phone_numbers"
    assert call(emulator, "POST", pool + "/" + PN1, IsReserved="false").json()["is_reserved"] is False
    assert valid("PhoneNumber", call(emulator, "GET", pool + "/" + PN1).json())["is_reserved"] is False
    assert call(emulator, "DELETE", pool + "/" + PN1).status_code == 204
    assert refused(call(emulator, "GET", pool + "/" + PN1), 404, 20404)
    assert refused(call(emulator, "DELETE", pool + "/" + PN1), 404, 20404)
    assert refused(call(emulator, "GET", pool + "/PN123"), 400, 20001)
    assert call(emulator, "POST", "/%s/PhoneNumbers" % other, PhoneNumber=N1).status_code == 201  # free again


def test_owned_numbers_belong_to_one_account_and_go_with_a_reset(emulator, admin):
    assert admin("phone_numbers", {"phone_numbers": [N1]})["phone_numbers"][0]["sid"] == PN1
    assert admin("phone_numbers", {"phone_numbers": [N1]})["phone_numbers"][0]["sid"] == PN1  # the same SID again
    assert [n["phone_number"] for n in admin("phone_numbers", None, "GET")["phone_numbers"]] == [N1]
    with pytest.raises(urllib.error.HTTPError):
        admin("phone_numbers", {"phone_numbers": [N2, "not a number"]})
    assert [n["phone_number"] for n in admin("phone_numbers", None, "GET")["phone_numbers"]] == [N1]  # all or none
    admin("reset")
    assert admin("phone_numbers", None, "GET")["phone_numbers"] == []
    assert refused(call(emulator, "POST", "/%s/PhoneNumbers" % SERVICE, PhoneNumber=N1), 400, 80301)


def test_fixtures_make_services_with_their_fields(emulator, admin):
    sid = "KS" + "7" * 32
    admin("fixtures", {"services": [{"sid": sid, "unique_name": "seeded", "default_ttl": 30}]})
    service = valid("Service", call(emulator, "GET", "/" + sid).json())
    assert (service["unique_name"], service["default_ttl"]) == ("seeded", 30)
