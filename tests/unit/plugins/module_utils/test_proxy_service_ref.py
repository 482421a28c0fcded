# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Services given by unique name: one listing for all the names of a task, none for SIDs, a clear refusal."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.commsops.sessions.plugins.module_utils.proxy_service_ref import (
    check_service_ref, check_service_refs, service_sid_of, service_sids_of)
from ansible_collections.commsops.sessions.plugins.module_utils.twilio_proxy import TwilioProxy
from ansible_collections.commsops.sessions.plugins.module_utils.validation import InvalidInput

AC = "AC" + "d" * 32
KS1, KS2, KS3, KS9 = ("KS%032d" % n for n in (1, 2, 3, 9))
SERVICES = [{"sid": KS1, "unique_name": "sales"}, {"sid": KS2, "unique_name": "support"},
            {"sid": KS3, "unique_name": "returns"}]


def proxy(api):
    return TwilioProxy.connect(AC, "tok-123", base_url=api.url, max_retries=0)


def serve_services(api, pages):
    """GET /v1/Services answers these pages of services, in order, linked by meta.next_page_url."""
    def route(rec):
        number = int(rec.query.get("Page", "0"))
        more = number + 1 < len(pages)
        next_url = "%s/v1/Services?PageSize=1000&Page=%d" % (api.url, number + 1) if more else None
        return 200, {}, {"services": pages[number], "meta": {"next_page_url": next_url}}
    api.route = route


def listings(api):
    """The requests that started a listing of the services (a first page: no Page in the query)."""
    return [r for r in api.requests if r["path"] == "/v1/Services" and "Page" not in r.query]


def test_several_names_are_found_in_one_listing_in_the_order_given(fake_api):
    serve_services(fake_api, [SERVICES])
    sids = service_sids_of(proxy(fake_api), ["returns", KS9, "sales", "support"], "service_sids")
    assert sids == [KS3, KS9, KS1, KS2]
    assert len(listings(fake_api)) == 1 and len(fake_api.requests) == 1
    assert fake_api.requests[0]["method"] == "GET"


def test_sids_are_used_as_given_without_any_request(fake_api):
    serve_services(fake_api, [SERVICES])
    mixed_case = "KS" + "aB" * 16
    assert service_sids_of(proxy(fake_api), [KS9, mixed_case], "service_sids") == [KS9, mixed_case]
    assert service_sid_of(proxy(fake_api), KS2, "service_sid") == KS2
    assert fake_api.requests == []


def test_the_listing_stops_once_every_name_is_found(fake_api):
    serve_services(fake_api, [SERVICES[:1], SERVICES[1:2], SERVICES[2:]])
    assert service_sids_of(proxy(fake_api), ["sales", "support"], "service_sids") == [KS1, KS2]
    assert [r.query.get("Page") for r in fake_api.requests] == [None, "1"]  # the third page is never asked for


def test_a_name_on_a_later_page_is_found_in_the_same_listing(fake_api):
    serve_services(fake_api, [SERVICES[:1], SERVICES[1:]])
    assert service_sid_of(proxy(fake_api), "returns", "service_sid") == KS3
    assert len(listings(fake_api)) == 1 and len(fake_api.requests) == 2


def test_names_are_matched_exactly(fake_api):
    serve_services(fake_api, [SERVICES])
    with pytest.raises(InvalidInput, match=r"service_sid: no Proxy service has the unique name 'Sales'"):
        service_sid_of(proxy(fake_api), "Sales", "service_sid")


def test_an_unknown_name_is_refused_naming_the_option_item_and_value_after_one_listing(fake_api):
    serve_services(fake_api, [SERVICES])
    with pytest.raises(InvalidInput) as refused:
        service_sids_of(proxy(fake_api), ["sales", "billing", "support"], "service_sids")
    message = str(refused.value)
    assert message.startswith("service_sids[1]: no Proxy service has the unique name 'billing'")
    assert "nothing was changed" in message
    assert [(r["method"], r["path"]) for r in fake_api.requests] == [("GET", "/v1/Services")]


@pytest.mark.parametrize("value, message", [
    (None, r"^service_sid must be a Proxy service SID .* or a service's unique name, got None$"),
    (17, r"^service_sid must be .*got 17$"),
    ("", r"^service_sid must be a non-empty string$"),
    ("   ", r"^service_sid must be a non-empty string$"),
    ("x" * 192, r"^service_sid is 192 characters long; Twilio accepts at most 191$"),
    # A value that starts with KS is a SID with a typo, never a name to look up.
    ("KS123", r"^service_sid must be KS followed by 32 hexadecimal digits, got 'KS123' \(a value that starts with KS"),
    (KS1 + "\n", r"^service_sid must be KS followed by 32 hexadecimal digits, got 'KS0+1\\n'"),
])
def test_bad_values_are_refused_before_any_request(value, message):
    with pytest.raises(InvalidInput, match=message):
        check_service_ref(value, "service_sid")


def test_list_items_are_checked_and_named_by_index():
    assert check_service_refs([KS1, "sales"], "service_sids") == [KS1, "sales"]
    with pytest.raises(InvalidInput, match=r"^service_sids\[1\] must be a non-empty string$"):
        check_service_refs([KS1, ""], "service_sids")
    with pytest.raises(InvalidInput, match=r"^service_sids must be a list"):
        check_service_refs("sales", "service_sids")
