# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Proxy modules take a service by unique name where they take its SID (the lookup: tests/unit/plugins/lookup/
test_service_by_name_lookup.py, where ansible.errors can be imported)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.commsops.sessions.plugins.modules import proxy_session, proxy_session_action, proxy_session_info
from ansible_collections.commsops.sessions.tests.unit.plugins._fake import run_module

KS1, KS2, KS9 = ("KS%032d" % n for n in (1, 2, 9))
KC = "KC" + "a" * 32
SERVICES = {"services": [{"sid": KS1, "unique_name": "sales"}, {"sid": KS2, "unique_name": "support"}],
            "meta": {"next_page_url": None}}


def args(api, **kwargs):
    return dict(account_sid="AC" + "0" * 32, auth_token="SECRET-twilio-token-77", base_url=api.url, max_retries=0, **kwargs)


def closed_session(service_sid):
    return {"sid": KC, "service_sid": service_sid, "unique_name": "order-1", "status": "closed",
            "date_created": "2026-01-01T00:00:00Z", "date_updated": "2026-01-01T00:00:00Z"}


def serve(api):
    """The services above; each service lists one closed session; writes succeed."""
    def route(rec):
        if rec["method"] == "GET" and rec["path"] == "/v1/Services":
            return 200, {}, SERVICES
        if rec["method"] == "GET" and rec["path"].endswith("/Sessions"):
            service = rec["path"].split("/")[3]
            return 200, {}, {"sessions": [dict(closed_session(service), sid="KC" + service[-32:])],
                             "meta": {"next_page_url": None}}
        if rec["method"] == "GET":
            return 404, {}, {"code": 20404, "message": "not found", "status": 404}
        if rec["method"] == "DELETE":
            return 204, {}, b""
        return 201, {}, closed_session(rec["path"].split("/")[3])
    api.route = route


def requests(api):
    return [(r["method"], r["path"]) for r in api.requests]


def service_listings(api):
    return [r for r in api.requests if r["path"] == "/v1/Services"]


def test_action_resolves_every_name_in_one_listing_and_acts_on_their_sessions(fake_api, capsys):
    serve(fake_api)
    failed, result = run_module(proxy_session_action.main, args(
        fake_api, action="delete", service_sids=["support", KS9, "sales", KS2], select={"status": "closed"}), capsys=capsys)
    assert not failed, result
    assert len(service_listings(fake_api)) == 1 and requests(fake_api)[0] == ("GET", "/v1/Services")
    listed = [path for method, path in requests(fake_api)[1:] if method == "GET"]
    assert listed == ["/v1/Services/%s/Sessions" % sid for sid in (KS2, KS9, KS1)]  # support twice (name, SID): once
    assert sorted(r["service_sid"] for r in result["results"]) == sorted([KS1, KS2, KS9])
    assert result["counts"]["changed"] == 3


def test_sids_are_used_as_given_names_are_listed(fake_api, capsys):
    serve(fake_api)
    failed, _result = run_module(proxy_session_action.main, args(
        fake_api, action="close", service_sids=[KS1, KS2], select={"status": "closed"}), capsys=capsys)
    assert not failed and service_listings(fake_api) == []
    failed, _result = run_module(proxy_session_action.main, args(
        fake_api, action="close", service_sids=["sales"], select={"status": "closed"}), capsys=capsys)
    assert not failed and len(service_listings(fake_api)) == 1


def test_an_unknown_name_fails_the_action_after_the_listing_and_before_any_session_is_read(fake_api, capsys):
    serve(fake_api)
    failed, result = run_module(proxy_session_action.main, args(
        fake_api, action="delete", service_sids=["sales", "billing"], select={}), capsys=capsys)
    assert failed and result["msg"].startswith("service_sids[1]: no Proxy service has the unique name 'billing'")
    assert requests(fake_api) == [("GET", "/v1/Services")]


def test_action_with_one_service_by_name_and_given_sids(fake_api, capsys):
    serve(fake_api)
    failed, result = run_module(proxy_session_action.main, args(
        fake_api, action="delete", service_sid="support", sids=[KC]), capsys=capsys)
    assert not failed, result
    assert requests(fake_api)[0] == ("GET", "/v1/Services") and len(service_listings(fake_api)) == 1
    assert [r["service_sid"] for r in result["results"]] == [KS2]


def test_an_empty_sids_still_sends_nothing(fake_api, capsys):
    failed, result = run_module(proxy_session_action.main, args(
        fake_api, action="close", service_sid="support", sids=[]), capsys=capsys)
    assert not failed and result["results"] == [] and fake_api.requests == []


def test_proxy_session_creates_in_the_service_it_names(fake_api, capsys):
    serve(fake_api)
    failed, result = run_module(proxy_session.main, args(
        fake_api, service_sid="support", unique_name="order-1", ttl=60), capsys=capsys)
    assert not failed and result["changed"], result
    assert len(service_listings(fake_api)) == 1
    assert ("POST", "/v1/Services/%s/Sessions" % KS2) in requests(fake_api)
    assert all(KS1 not in path for _method, path in requests(fake_api))


def test_proxy_session_refuses_an_unknown_name_without_writing(fake_api, capsys):
    serve(fake_api)
    failed, result = run_module(proxy_session.main, args(
        fake_api, service_sid="suport", unique_name="order-1", ttl=60), capsys=capsys)
    assert failed and result["msg"].startswith("service_sid: no Proxy service has the unique name 'suport'")
    assert requests(fake_api) == [("GET", "/v1/Services")]


def test_proxy_session_info_reads_the_service_it_names(fake_api, capsys):
    serve(fake_api)
    failed, result = run_module(proxy_session_info.main, args(fake_api, service_sid="sales"), capsys=capsys)
    assert not failed and [s["service_sid"] for s in result["proxy_sessions"]] == [KS1]
    assert requests(fake_api) == [("GET", "/v1/Services"), ("GET", "/v1/Services/%s/Sessions" % KS1)]


@pytest.mark.parametrize("module, extra", [
    (proxy_session, dict(unique_name="a")),
    (proxy_session_info, {}),
    (proxy_session_action, dict(action="close", select={})),
])
def test_a_value_that_starts_with_ks_must_be_a_sid_any_other_is_a_name(fake_api, capsys, module, extra):
    failed, result = run_module(module.main, args(fake_api, service_sid="KS-sales", **extra), capsys=capsys)
    assert failed and result["msg"].startswith("service_sid must be KS followed by 32 hexadecimal digits, got 'KS-sales'")
    assert fake_api.requests == []
    serve(fake_api)
    failed, result = run_module(module.main, args(fake_api, service_sid="sales", **extra), capsys=capsys)
    assert not failed, result
    assert requests(fake_api)[0] == ("GET", "/v1/Services") and len(service_listings(fake_api)) == 1
