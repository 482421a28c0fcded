# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The phone-number methods of TwilioProxy, and proxy_phone_numbers' apply, against the scripted server."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

import pytest

from ansible_collections.commsops.sessions.plugins.module_utils import http_layer as http_mod
from ansible_collections.commsops.sessions.plugins.module_utils.api_error import ApiError
from ansible_collections.commsops.sessions.plugins.module_utils.proxy_number_plans import (
    apply_pool_plan, declared_pool, plan_pool, read_pool)
from ansible_collections.commsops.sessions.plugins.module_utils.twilio_proxy import TwilioProxy
from ansible_collections.commsops.sessions.plugins.module_utils.validation import InvalidInput
from ansible_collections.commsops.sessions.plugins.modules import proxy_phone_numbers
from ansible_collections.commsops.sessions.tests.unit.plugins._fake import DROP, run_module

KS = "KS" + "a" * 32
AC = "AC" + "d" * 32
PN1, PN2, PN3 = ("PN" + d * 32 for d in "123")
N1, N2, N3 = "+15550100001", "+15550100002", "+15550100003"
POOL_PATH = "/v1/Services/%s/PhoneNumbers" % KS
NOT_OWNED = {"code": 21452, "message": "the account does not own this number", "status": 400}


def proxy(api, **kwargs):
    kwargs.setdefault("max_retries", 2)
    return TwilioProxy.connect(AC, "tok-123", base_url=api.url, **kwargs)


def number(sid, phone, reserved=False):
    return {"sid": sid, "phone_number": phone, "is_reserved": reserved, "service_sid": KS}


def listing(*items, next_url=None):
    return 200, {}, {"phone_numbers": list(items), "meta": {"next_page_url": next_url}}


def sent(api):
    return [(r["method"], r["path"], r.form) for r in api.requests]


@pytest.fixture
def no_sleep(monkeypatch):
    monkeypatch.setattr(http_mod.time, "sleep", lambda s: None)


# The client -----------------------------------------------------------------

def test_each_phone_number_follows_pages(fake_api):
    fake_api.queue(listing(number(PN1, N1), next_url=fake_api.url + POOL_PATH + "?PageToken=2"), listing(number(PN2, N2)))
    assert [n["sid"] for n in proxy(fake_api).each_phone_number(KS)] == [PN1, PN2]
    first, second = fake_api.requests
    assert (first["method"], first["path"], first.query) == ("GET", POOL_PATH, {"PageSize": "1000"})
    assert (second["path"], second.query) == (POOL_PATH, {"PageToken": "2"})


def test_a_number_of_another_service_in_the_listing_is_an_error(fake_api):
    fake_api.queue(listing(dict(number(PN1, N1), service_sid="KS" + "b" * 32)))
    with pytest.raises(ApiError, match="another service"):
        list(proxy(fake_api).each_phone_number(KS))


def test_add_by_sid_and_by_number_send_the_form_the_api_takes(fake_api):
    fake_api.queue((201, {}, number(PN1, N1)), (201, {}, number(PN2, N2, True)))
    client = proxy(fake_api)
    assert client.add_phone_number(KS, sid=PN1) == number(PN1, N1)
    assert client.add_phone_number(KS, phone_number="+1 (555) 010-0002", is_reserved=True)["sid"] == PN2
    assert sent(fake_api) == [("POST", POOL_PATH, [("Sid", PN1)]),
                              ("POST", POOL_PATH, [("PhoneNumber", N2), ("IsReserved", "true")])]


def test_update_and_remove(fake_api):
    fake_api.queue((200, {}, number(PN1, N1)), (204, {}, b""), (404, {}, {"code": 20404, "message": "not found"}))
    client = proxy(fake_api)
    client.update_phone_number(KS, PN1, False)
    assert client.remove_phone_number(KS, PN1) is True
    assert client.remove_phone_number(KS, PN2) is False  # already gone: not an error, not ours
    assert sent(fake_api) == [("POST", POOL_PATH + "/" + PN1, [("IsReserved", "false")]),
                              ("DELETE", POOL_PATH + "/" + PN1, []), ("DELETE", POOL_PATH + "/" + PN2, [])]


def test_an_update_whose_answer_is_lost_is_sent_again(fake_api, no_sleep):
    fake_api.queue(DROP, (200, {}, number(PN1, N1, True)))
    assert proxy(fake_api).update_phone_number(KS, PN1, True)["is_reserved"] is True
    assert [r["method"] for r in fake_api.requests] == ["POST", "POST"]


def test_an_add_whose_answer_is_lost_is_looked_up_not_sent_twice(fake_api, no_sleep):
    fake_api.queue(DROP, listing(number(PN2, N2), number(PN1, N1)))
    assert proxy(fake_api).add_phone_number(KS, phone_number=N1)["sid"] == PN1
    assert [(r["method"], r["path"]) for r in fake_api.requests] == [("POST", POOL_PATH), ("GET", POOL_PATH)]


def test_an_add_by_sid_whose_answer_is_lost_is_fetched_then_sent_again_when_absent(fake_api, no_sleep):
    fake_api.queue(DROP, (404, {}, {"code": 20404, "message": "not found"}), (201, {}, number(PN1, N1)))
    assert proxy(fake_api).add_phone_number(KS, sid=PN1)["phone_number"] == N1
    assert [(r["method"], r["path"]) for r in fake_api.requests] == [
        ("POST", POOL_PATH), ("GET", POOL_PATH + "/" + PN1), ("POST", POOL_PATH)]


def test_bad_values_never_reach_a_request(fake_api):
    client = proxy(fake_api)
    for call in (lambda: client.add_phone_number(KS), lambda: client.add_phone_number(KS, sid="PN1"),
                 lambda: client.add_phone_number(KS, sid=PN1, phone_number=N1),
                 lambda: client.update_phone_number(KS, PN1, "yes"), lambda: client.remove_phone_number("KS1", PN1)):
        with pytest.raises(InvalidInput):
            call()
    assert fake_api.requests == []


# Apply: the pool read once, the changes sent through the client -------------------------

def pool_server(api, pool, refuse=()):
    """Route the fake API like a small pool: numbers in `refuse` are not owned (400)."""
    lock = threading.Lock()

    def route(rec):
        with lock:
            if rec["method"] == "GET" and rec["path"] == POOL_PATH:
                return listing(*pool.values())
            form = dict(rec.form)
            if rec["method"] == "POST" and rec["path"] == POOL_PATH:
                key = form.get("Sid") or form.get("PhoneNumber")
                if key in refuse:
                    return 400, {}, NOT_OWNED
                sid = form.get("Sid") or "PN" + key[-1] * 32
                pool[sid] = number(sid, form.get("PhoneNumber") or "+1555010000" + sid[2], form.get("IsReserved") == "true")
                return 201, {}, pool[sid]
            sid = rec["path"].rsplit("/", 1)[1]
            if sid not in pool:
                return 404, {}, {"code": 20404, "message": "not found"}
            if rec["method"] == "DELETE":
                del pool[sid]
                return 204, {}, b""
            pool[sid] = dict(pool[sid], is_reserved=form["IsReserved"] == "true")
            return 200, {}, pool[sid]

    api.route = route


def test_apply_adds_updates_removes_and_keeps_one_failure_apart(fake_api):
    pool = {PN1: number(PN1, N1), PN2: number(PN2, N2)}
    pool_server(fake_api, pool, refuse={"+15550100009"})
    client = proxy(fake_api)
    declared = declared_pool(dict(service_sid=KS, numbers=[{"sid": PN1, "is_reserved": True}, N3, "+15550100009"],
                                  state="present", purge=True))
    plans = apply_pool_plan(client, plan_pool(read_pool(client, KS), declared))
    outcomes = [(p["number"], p["action"], p["outcome"]) for p in plans]
    assert outcomes == [(N1, "update", "changed"), (N3, "add", "changed"), ("+15550100009", "add", "failed"),
                        (N2, "remove", "changed")]
    assert plans[1]["sid"] == PN3 and plans[2]["error_code"] == "21452" and plans[2]["status"] == 400
    assert sorted(pool) == [PN1, PN3] and pool[PN1]["is_reserved"] is True
    writes = sorted((r["method"], r["path"], tuple(r.form)) for r in fake_api.requests if r["method"] != "GET")
    assert writes == sorted([("POST", POOL_PATH + "/" + PN1, (("IsReserved", "true"),)),
                             ("POST", POOL_PATH, (("PhoneNumber", N3),)), ("POST", POOL_PATH, (("PhoneNumber", "+15550100009"),)),
                             ("DELETE", POOL_PATH + "/" + PN2, ())])


def test_a_remove_that_gave_up_after_a_lost_answer_is_settled_by_reading(fake_api, no_sleep):
    pool = {PN1: number(PN1, N1)}
    pool_server(fake_api, pool)
    # The delete is applied, its answer lost each time, then the read shows it gone.
    fake_api.queue(listing(number(PN1, N1)), DROP, DROP, (404, {}, {"code": 20404, "message": "not found"}))
    client = proxy(fake_api, max_retries=1)
    declared = declared_pool(dict(service_sid=KS, numbers=[PN1], state="absent", purge=False))
    plans = apply_pool_plan(client, plan_pool(read_pool(client, KS), declared))
    assert plans[0]["outcome"] == "changed" and "reading the pool showed it done" in plans[0]["reason"]


def test_an_add_that_may_have_applied_and_cannot_be_read_is_unknown(fake_api, no_sleep):
    fake_api.queue(listing(), (502, {}, ""), (502, {}, ""), (500, {}, ""), (500, {}, ""))
    client = proxy(fake_api, max_retries=0)
    plans = plan_pool(read_pool(client, KS), declared_pool(dict(service_sid=KS, numbers=[PN3], state="present")))
    fake_api.route = lambda rec: (500, {}, "")
    plans = apply_pool_plan(client, plans)
    assert plans[0]["outcome"] == "unknown" and plans[0]["sid"] == PN3 and plans[0]["failed"] is False


def test_an_add_that_another_run_made_meanwhile_is_skipped(fake_api):
    already = (400, {}, {"code": 80104, "message": "PhoneNumber has already been added to Service", "status": 400})
    fake_api.queue(listing(), already, listing(number(PN3, N3)))
    client = proxy(fake_api)
    plans = plan_pool(read_pool(client, KS), declared_pool(dict(service_sid=KS, numbers=[N3], state="present")))
    plans = apply_pool_plan(client, plans)
    assert (plans[0]["outcome"], plans[0]["sid"]) == ("skipped", PN3)
    assert plans[0]["reason"] == "already in the pool (added by another run)"
    assert [r["method"] for r in fake_api.requests] == ["GET", "POST", "GET"]


# The module ------------------------------------------------------------------------

def module_args(api, **kwargs):
    return dict(account_sid=AC, auth_token="tok-123", base_url=api.url, max_retries=0, service_sid=KS, **kwargs)


def test_module_check_mode_reads_only_and_shows_the_diff(fake_api, capsys):
    pool_server(fake_api, {PN1: number(PN1, N1)})
    declared = module_args(fake_api, numbers=[N1, {"phone_number": N2, "is_reserved": True}], purge=True)
    failed, result = run_module(proxy_phone_numbers.main, declared, check_mode=True, capsys=capsys)
    assert not failed and result["changed"] is True and result["check_mode"] is True
    assert [r["method"] for r in fake_api.requests] == ["GET"]
    assert result["counts"]["would_change"] == 1 and result["counts"]["changed"] == 0
    assert result["diff"] == {"before": [N1], "after": [N1, N2 + " (reserved)"]}
    assert set(result["concurrency"]) >= {"mode", "max"}


def test_module_fails_naming_the_failed_number_and_keeps_the_others(fake_api, capsys):
    pool = {PN1: number(PN1, N1)}
    pool_server(fake_api, pool, refuse={N3})
    failed, result = run_module(proxy_phone_numbers.main, module_args(fake_api, numbers=[N2, N3], purge=True, results="changes"),
                                capsys=capsys)
    assert failed and result["msg"] == "1 of 3 numbers failed (+15550100003); the others were handled: see results"
    assert [(r["number"], r["outcome"]) for r in result["results"]] == [(N2, "changed"), (N3, "failed"), (N1, "changed")]
    assert sorted(pool) == [PN2] and result["diff"]["after"] == [N2]


def test_module_refuses_bad_input_before_any_request(fake_api, capsys):
    failed, result = run_module(proxy_phone_numbers.main, module_args(fake_api, numbers=[N1, "+1 555 0100001"]), capsys=capsys)
    assert failed and "numbers[1] (+15550100001) repeats numbers[0]" in result["msg"]
    assert fake_api.requests == []
