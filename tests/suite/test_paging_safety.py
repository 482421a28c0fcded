# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Servers that page wrongly, against the real bulk modules: the task fails with a clear message before any write.

A listing streams into the bulk plans, so these show that nothing is carried out until the whole listing
was read and checked: a next page on another service's path (Twilio), a page that repeats what was read or
a listing short of what meta.total_results promised (Telnyx). The hostile server records every request."""

import pytest

from tests.suite.conftest import SERVICE
from tests.unit.plugins._fake import FakeApi

OTHER_SERVICE = "KS" + "9" * 32


@pytest.fixture
def hostile():
    api = FakeApi()
    api.thread.start()
    yield api
    api.stop()


def writes(api):
    return [r for r in api.requests if r["method"] != "GET"]


def twilio_session(service_sid, number):
    return {"sid": "KC%032d" % number, "service_sid": service_sid, "unique_name": None, "status": "open",
            "date_created": "2026-01-01T00:00:00Z", "date_last_interaction": None}


def twilio_listing(api, second_page):
    """The selected service's first page leads to second_page = (path, sessions); deletes succeed."""
    def answer(rec):
        if rec["method"] != "GET":
            return 204, {}, b""
        if "PageToken" not in rec.query:
            later = "%s%s?PageSize=1000&Page=1&PageToken=PAnext" % (api.url, second_page[0])
            return 200, {}, {"sessions": [twilio_session(SERVICE, 1), twilio_session(SERVICE, 2)],
                             "meta": {"page": 0, "page_size": 1000, "next_page_url": later, "key": "sessions"}}
        return 200, {}, {"sessions": second_page[1], "meta": {"page": 1, "page_size": 1000, "next_page_url": None,
                                                              "key": "sessions"}}
    return answer


@pytest.mark.parametrize("second_page, said", [
    # The next page is another service's listing: its session would be deleted, though that service was not selected.
    (("/v1/Services/%s/Sessions" % OTHER_SERVICE, [twilio_session(OTHER_SERVICE, 3)]),
     "refusing to follow next_page_url to another path"),
    # The next page is on our path, but holds another service's session (and the delete addresses its service).
    (("/v1/Services/%s/Sessions" % SERVICE, [twilio_session(OTHER_SERVICE, 3)]),
     "holds an item whose service_sid is '%s': refusing sessions of another service" % OTHER_SERVICE),
], ids=["next-page-of-another-service", "item-of-another-service"])
def test_a_twilio_listing_that_leads_into_another_service_deletes_nothing(emulator, hostile, second_page, said):
    hostile.route = twilio_listing(hostile, second_page)
    rc, result, out, _err = emulator.adhoc("proxy_session_action", {"action": "delete", "service_sid": SERVICE, "select": {}},
                                           TWILIO_PROXY_BASE_URL=hostile.url)
    assert rc != 0 and result is not None and "Traceback" not in out, out[-2000:]
    assert result["msg"].startswith("GET /v1/Services/%s/Sessions: " % SERVICE) and said in result["msg"], result["msg"]
    assert writes(hostile) == []
    assert not result.get("changed")


def room_session(number):
    return {"id": "00000000-0000-4000-8000-%012d" % number, "room_id": "7b61621f-62e0-4aad-ab11-9fd19e272e73",
            "active": True, "created_at": "2026-01-01T00:00:00Z", "participants": []}


def telnyx_listing(later_page):
    """250 sessions on page 1 of 750 promised; later_page(number) is what pages 2 and 3 hold. Actions succeed."""
    def answer(rec):
        if rec["method"] != "GET":
            return 200, {}, {"data": {"result": "ok"}}
        number = int(rec.query["page[number]"])
        data = [room_session(i) for i in range(250)] if number == 1 else later_page(number)
        return 200, {}, {"data": data, "meta": {"page_size": 250, "total_pages": 3, "total_results": 750}}
    return answer


@pytest.mark.parametrize("later_page, said", [
    # It ignores page[number]: the same 250 sessions on every page (and no page_number to tell it).
    (lambda number: [room_session(i) for i in range(250)], "page 2 repeats 250 items already read"),
    # Its later pages are empty, though 750 were promised: only the end of the listing can tell.
    (lambda number: [], "the listing ended with 250 items, but meta.total_results said 750"),
], ids=["page-number-ignored", "later-pages-empty"])
def test_a_telnyx_listing_that_does_not_page_ends_nothing(emulator, hostile, later_page, said):
    hostile.route = telnyx_listing(later_page)
    rc, result, out, _err = emulator.adhoc("room_session_action", {"action": "end", "select": {}},
                                           TELNYX_BASE_URL=hostile.url + "/v2")
    assert rc != 0 and result is not None and "Traceback" not in out, out[-2000:]
    assert result["msg"].startswith("GET /v2/room_sessions: ") and said in result["msg"], result["msg"]
    assert writes(hostile) == []
    assert not result.get("changed")
