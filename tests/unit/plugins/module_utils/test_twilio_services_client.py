# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""TwilioProxy's Proxy service methods against the scripted server: method, path, form body, answers."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.commsops.sessions.plugins.module_utils import http_layer as http_mod
from ansible_collections.commsops.sessions.plugins.module_utils.api_error import ApiError
from ansible_collections.commsops.sessions.plugins.module_utils.twilio_proxy import TwilioProxy
from ansible_collections.commsops.sessions.plugins.module_utils.twilio_values import service_form
from ansible_collections.commsops.sessions.plugins.module_utils.validation import InvalidInput
from ansible_collections.commsops.sessions.tests.unit.plugins._fake import DROP

KS = "KS" + "a" * 32
KS2 = "KS" + "b" * 32
AC = "AC" + "d" * 32
IS = "IS" + "e" * 32
NOT_FOUND = (404, {}, {"code": 20404, "message": "not found", "status": 404})


def proxy(api):
    return TwilioProxy.connect(AC, "tok-123", base_url=api.url, max_retries=2)


def listing(*services, next_url=None):
    return 200, {}, {"services": list(services), "meta": {"next_page_url": next_url, "key": "services"}}


def test_create_sends_every_field_in_pascal_case(fake_api):
    fake_api.queue((201, {}, {"sid": KS, "unique_name": "support"}))
    result = proxy(fake_api).create_service(dict(
        unique_name="support", default_ttl="3600", callback_url="https://hooks.example.com/s",
        intercept_callback_url="https://hooks.example.com/i", out_of_session_callback_url="http://hooks.example.com/o",
        geo_match_level="area-code", number_selection_behavior="avoid-sticky", chat_instance_sid=IS))
    assert result == {"sid": KS, "unique_name": "support"}
    rec = fake_api.requests[0]
    assert (rec["method"], rec["path"]) == ("POST", "/v1/Services")
    assert rec.form == [("UniqueName", "support"), ("DefaultTtl", "3600"), ("CallbackUrl", "https://hooks.example.com/s"),
                        ("InterceptCallbackUrl", "https://hooks.example.com/i"),
                        ("OutOfSessionCallbackUrl", "http://hooks.example.com/o"),
                        ("GeoMatchLevel", "area-code"), ("NumberSelectionBehavior", "avoid-sticky"), ("ChatInstanceSid", IS)]


def test_a_create_whose_answer_was_lost_is_found_by_its_name_not_sent_twice(fake_api, monkeypatch):
    monkeypatch.setattr(http_mod.time, "sleep", lambda s: None)
    fake_api.queue(DROP, listing({"sid": KS2, "unique_name": "other"}, {"sid": KS, "unique_name": "support"}))
    assert proxy(fake_api).create_service({"unique_name": "support"}) == {"sid": KS, "unique_name": "support"}
    post, look = fake_api.requests
    assert post["method"] == "POST"
    assert (look["method"], look["path"], look.query) == ("GET", "/v1/Services", {"PageSize": "1000"})


def test_a_create_that_failed_is_sent_again_once_the_name_is_not_found(fake_api, monkeypatch):
    monkeypatch.setattr(http_mod.time, "sleep", lambda s: None)
    fake_api.queue((502, {}, ""), listing({"sid": KS2, "unique_name": "support-old"}), (201, {}, {"sid": KS}))
    assert proxy(fake_api).create_service({"unique_name": "support"}) == {"sid": KS}
    assert [r["method"] for r in fake_api.requests] == ["POST", "GET", "POST"]


def test_find_by_name_lists_every_page_and_matches_exactly(fake_api):
    def answer(rec):
        if rec.query.get("PageToken") is None:
            return listing({"sid": KS2, "unique_name": "Support"},
                           next_url=fake_api.url + "/v1/Services?PageSize=1000&Page=1&PageToken=PT1")
        return listing({"sid": KS, "unique_name": "support"})
    fake_api.route = answer
    assert proxy(fake_api).find_service(unique_name="support")["sid"] == KS
    assert proxy(fake_api).find_service(unique_name="nobody") is None
    assert all(r["path"] == "/v1/Services" for r in fake_api.requests) and len(fake_api.requests) == 4


def test_find_by_sid_fetches_and_only_404_is_none(fake_api):
    fake_api.queue((200, {}, {"sid": KS}), NOT_FOUND, (200, {}, []))
    client = proxy(fake_api)
    assert client.find_service(sid=KS) == {"sid": KS}
    assert client.find_service(sid=KS) is None
    with pytest.raises(ApiError):
        client.find_service(sid=KS)  # an empty 200 is an error, never "no such service"
    assert [(r["method"], r["path"]) for r in fake_api.requests] == [("GET", "/v1/Services/" + KS)] * 3


def test_each_service_and_list_services(fake_api):
    fake_api.queue(listing({"sid": KS}, {"sid": KS2}), listing({"sid": KS}))
    client = proxy(fake_api)
    assert [s["sid"] for s in client.each_service(page_size=2)] == [KS, KS2]
    assert client.list_services() == [{"sid": KS}]
    assert [r.query for r in fake_api.requests] == [{"PageSize": "2"}, {"PageSize": "1000"}]


def test_update_is_retried_and_delete_says_whether_it_deleted(fake_api, monkeypatch):
    monkeypatch.setattr(http_mod.time, "sleep", lambda s: None)
    fake_api.queue(DROP, (200, {}, {"sid": KS, "default_ttl": 60}), (204, {}, b""), NOT_FOUND)
    client = proxy(fake_api)
    assert client.update_service(KS, {"default_ttl": 60, "callback_url": None})["default_ttl"] == 60
    assert client.delete_service(KS) is True
    assert client.delete_service(KS) is False
    first, second, delete, again = fake_api.requests
    assert (first["method"], first["path"], first.form) == ("POST", "/v1/Services/" + KS, [("DefaultTtl", "60")])
    assert second.form == first.form
    assert (delete["method"], delete["path"]) == ("DELETE", "/v1/Services/" + KS)
    assert again["method"] == "DELETE"


@pytest.mark.parametrize("call, option", [
    (lambda c: c.create_service({"default_ttl": 60}), "unique_name"),
    (lambda c: c.create_service({"unique_name": "x" * 192}), "unique_name"),
    (lambda c: c.create_service({"unique_name": "s", "default_ttl": -1}), "default_ttl"),
    (lambda c: c.create_service({"unique_name": "s", "default_ttl": "1e3"}), "default_ttl"),
    (lambda c: c.create_service({"unique_name": "s", "callback_url": "ftp://x.example"}), "callback_url"),
    (lambda c: c.create_service({"unique_name": "s", "intercept_callback_url": "hooks.example.com"}), "intercept_callback_url"),
    (lambda c: c.create_service({"unique_name": "s", "geo_match_level": "city"}), "geo_match_level"),
    (lambda c: c.create_service({"unique_name": "s", "number_selection_behavior": "sticky"}), "number_selection_behavior"),
    (lambda c: c.create_service({"unique_name": "s", "chat_instance_sid": "IS123"}), "chat_instance_sid"),
    (lambda c: c.create_service({"unique_name": "s", "callback_url": ""}), "callback_url: an empty value"),
    (lambda c: c.update_service(KS, {"chat_instance_sid": ""}), "chat_instance_sid: an empty value"),
    (lambda c: c.create_service({"unique_name": "s", "friendly_name": "x"}), "unknown Proxy service field"),
    (lambda c: c.update_service("KS123", {"default_ttl": 1}), "sid"),
    (lambda c: c.delete_service("../Services"), "sid"),
    (lambda c: c.find_service(sid="KS" + "z" * 32), "sid"),
    (lambda c: c.find_service(unique_name=""), "unique_name"),
])
def test_bad_input_never_reaches_the_server(fake_api, call, option):
    with pytest.raises(InvalidInput) as err:
        call(proxy(fake_api))
    assert str(err.value).startswith(option) and fake_api.requests == []


def test_service_form_leaves_out_what_is_not_given():
    assert service_form({"default_ttl": 0, "callback_url": None}) == [("DefaultTtl", "0")]
    assert service_form({}) == []
