# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json

import pytest

from ansible_collections.commsops.sessions.plugins.module_utils import http_layer as http_mod
from ansible_collections.commsops.sessions.plugins.module_utils.api_error import ApiError
from ansible_collections.commsops.sessions.plugins.module_utils.twilio_proxy import TwilioProxy
from ansible_collections.commsops.sessions.plugins.module_utils.validation import InvalidInput
from ansible_collections.commsops.sessions.tests.unit.plugins._fake import DROP

KS = "KS" + "a" * 32
KC = "KC" + "b" * 32
KP = "KP" + "c" * 32
AC = "AC" + "d" * 32
SK = "SK" + "e" * 32


def proxy(api, **kwargs):
    kwargs.setdefault("max_retries", 2)
    return TwilioProxy.connect(AC, "tok-123", base_url=api.url, **kwargs)


def basic(user, password):
    return "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()


def test_both_credential_forms_use_basic_auth(fake_api):
    fake_api.route = lambda rec: (200, {}, {"sessions": [], "meta": {"next_page_url": None}})
    proxy(fake_api).list_sessions(KS)
    TwilioProxy.connect(AC, None, SK, "sec-456", base_url=fake_api.url).list_sessions(KS)
    assert [r["headers"]["Authorization"] for r in fake_api.requests] == [basic(AC, "tok-123"), basic(SK, "sec-456")]


def test_missing_credentials_are_refused():
    with pytest.raises(InvalidInput):
        TwilioProxy.connect(AC, None)
    with pytest.raises(InvalidInput):
        TwilioProxy.connect(None, None, SK, None)


def test_create_sends_the_form_the_api_takes(fake_api):
    fake_api.queue((201, {}, {"sid": KC}))
    result = proxy(fake_api).create_session(
        KS, unique_name="order-1", date_expiry="2026-12-01T12:30:00+02:00", ttl=3600, mode="message-only",
        participants=[{"identifier": "+15558675310"}, {"identifier": "+15558675311", "friendly_name": "Bob"}])
    assert result == {"sid": KC}
    rec = fake_api.requests[0]
    assert (rec["method"], rec["path"]) == ("POST", "/v1/Services/%s/Sessions" % KS)
    assert rec["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    form = rec.form
    assert form[:4] == [("UniqueName", "order-1"), ("DateExpiry", "2026-12-01T10:30:00Z"), ("Ttl", "3600"),
                        ("Mode", "message-only")]
    assert [json.loads(v) for k, v in form[4:]] == [{"Identifier": "+15558675310"},
                                                    {"FriendlyName": "Bob", "Identifier": "+15558675311"}]
    assert [k for k, v in form[4:]] == ["Participants", "Participants"]


def test_a_create_that_timed_out_but_succeeded_is_found_not_duplicated(fake_api, monkeypatch):
    monkeypatch.setattr(http_mod.time, "sleep", lambda s: None)
    fake_api.queue(DROP, (200, {}, {"sid": KC, "unique_name": "order/1"}))
    result = proxy(fake_api).create_session(KS, unique_name="order/1")
    assert result == {"sid": KC, "unique_name": "order/1"}
    post, fetch = fake_api.requests
    assert post["method"] == "POST"
    assert (fetch["method"], fetch["path"]) == ("GET", "/v1/Services/%s/Sessions/order%%2F1" % KS)


def test_a_create_that_failed_is_sent_again_after_the_name_is_not_found(fake_api, monkeypatch):
    monkeypatch.setattr(http_mod.time, "sleep", lambda s: None)
    fake_api.queue((502, {}, ""), (404, {}, {"code": 20404, "message": "not found"}), (201, {}, {"sid": KC}))
    assert proxy(fake_api).create_session(KS, unique_name="u1") == {"sid": KC}
    assert [r["method"] for r in fake_api.requests] == ["POST", "GET", "POST"]


def test_a_create_without_unique_name_is_never_resent(fake_api):
    fake_api.queue(DROP, (201, {}, {"sid": KC}))
    with pytest.raises(ApiError):
        proxy(fake_api).create_session(KS, ttl=60)
    assert len(fake_api.requests) == 1


def test_list_follows_next_page_url(fake_api):
    def answer(rec):
        token = rec.query.get("PageToken")
        if token is None:
            return 200, {}, {"sessions": [{"sid": "1"}], "meta": {
                "next_page_url": fake_api.url + "/v1/Services/%s/Sessions?PageSize=1000&Page=1&PageToken=PT1" % KS}}
        return 200, {}, {"sessions": [{"sid": "2"}], "meta": {"next_page_url": None}}
    fake_api.route = answer
    assert [s["sid"] for s in proxy(fake_api).list_sessions(KS)] == ["1", "2"]
    assert fake_api.requests[0].query == {"PageSize": "1000"}
    assert fake_api.requests[1].query == {"PageSize": "1000", "Page": "1", "PageToken": "PT1"}


def test_list_refuses_a_next_page_on_another_host(fake_api):
    fake_api.queue((200, {}, {"sessions": [], "meta": {"next_page_url": "https://evil.example/steal"}}))
    with pytest.raises(ApiError) as err:
        proxy(fake_api).list_sessions(KS)
    assert "another host" in str(err.value) and len(fake_api.requests) == 1


def test_update_delete_and_participants(fake_api):
    fake_api.queue((200, {}, {"sid": KC, "status": "closed"}), (204, {}, b""),
                   (404, {}, {"code": 20404, "message": "gone"}),
                   (200, {}, {"participants": [{"sid": KP}], "meta": {}}),
                   (201, {}, {"sid": KP}), (200, {}, b""))  # the document's participant delete: 200, no body
    client = proxy(fake_api)
    assert client.update_session(KS, KC, ttl=60, status="closed")["status"] == "closed"
    assert client.delete_session(KS, KC) is True
    assert client.delete_session(KS, KC) is False
    assert client.list_participants(KS, KC) == [{"sid": KP}]
    assert client.create_participant(KS, KC, {"identifier": "+1555", "friendly_name": "Al"}) == {"sid": KP}
    assert client.delete_participant(KS, KC, KP) is True
    update, delete, _gone, plist, pcreate, pdelete = fake_api.requests
    assert update.form == [("Ttl", "60"), ("Status", "closed")]
    assert (delete["method"], delete["path"]) == ("DELETE", "/v1/Services/%s/Sessions/%s" % (KS, KC))
    assert plist["path"].endswith("/Sessions/%s/Participants" % KC)
    assert pcreate.form == [("FriendlyName", "Al"), ("Identifier", "+1555")]
    assert pdelete["path"].endswith("/Participants/%s" % KP)


@pytest.mark.parametrize("kwargs, option", [
    (dict(service_sid="KS123"), "service_sid"),
    (dict(service_sid="../../v1/Services"), "service_sid"),
    (dict(service_sid=KS, sid="KC" + "z" * 32), "sid"),
    (dict(service_sid=KS, sid=KC + "?x=1"), "sid"),
])
def test_bad_sids_never_reach_the_server(fake_api, kwargs, option):
    with pytest.raises(InvalidInput) as err:
        proxy(fake_api).find_session(kwargs["service_sid"], sid=kwargs.get("sid", KC))
    assert str(err.value).startswith(option) and fake_api.requests == []


@pytest.mark.parametrize("kwargs, option", [
    (dict(ttl=-1), "ttl"), (dict(ttl="abc"), "ttl"), (dict(mode="video"), "mode"),
    (dict(date_expiry="next tuesday"), "date_expiry"), (dict(unique_name="x" * 192), "unique_name"),
    (dict(participants=[{"identifier": "a"}, {"identifier": "b"}, {"identifier": "c"}]), "participants"),
])
def test_bad_values_never_reach_the_server(fake_api, kwargs, option):
    with pytest.raises(InvalidInput) as err:
        proxy(fake_api).create_session(KS, **kwargs)
    assert str(err.value).startswith(option) and fake_api.requests == []


def test_a_delete_whose_answer_was_lost_counts_as_deleted(fake_api, monkeypatch):
    monkeypatch.setattr(http_mod.time, "sleep", lambda s: None)
    fake_api.queue(DROP, (404, {}, {"code": 20404, "message": "not found", "status": 404}))
    assert proxy(fake_api).delete_session(KS, KC) is True
    assert [r["method"] for r in fake_api.requests] == ["DELETE", "DELETE"]


# Paging that loops, and successes of the wrong shape ----------------------------------------


def pages(fake_api, chain):
    """chain: {PageToken or None: (sessions, next PageToken or None)}; links point at the fake server."""
    def link(token):
        return fake_api.url + "/v1/Services/%s/Sessions?PageSize=1000&PageToken=%s" % (KS, token)

    def answer(rec):
        sessions, token = chain[rec.query.get("PageToken")]
        return 200, {}, {"sessions": sessions, "meta": {"next_page_url": link(token) if token else None}}
    return answer


def test_a_next_page_url_that_repeats_is_an_error(fake_api):
    fake_api.route = pages(fake_api, {None: ([{"sid": "1"}], "A"), "A": ([{"sid": "2"}], "A")})
    with pytest.raises(ApiError) as err:
        proxy(fake_api).list_sessions(KS)
    assert "leads back to a page already read" in str(err.value)
    assert len(fake_api.requests) == 2


def test_a_next_page_url_that_cycles_is_an_error(fake_api):
    fake_api.route = pages(fake_api, {None: ([{"sid": "1"}], "A"), "A": ([{"sid": "2"}], "B"),
                                      "B": ([{"sid": "3"}], "A")})
    with pytest.raises(ApiError) as err:
        proxy(fake_api).list_sessions(KS)
    assert str(err.value).startswith("GET /v1/Services/%s/Sessions: meta.next_page_url leads back" % KS)
    assert len(fake_api.requests) == 3


def test_a_next_page_url_after_an_empty_page_is_an_error(fake_api):
    fake_api.route = pages(fake_api, {None: ([{"sid": "1"}], "A"), "A": ([], "B"), "B": ([{"sid": "3"}], None)})
    with pytest.raises(ApiError) as err:
        proxy(fake_api).list_sessions(KS)
    assert "next_page_url after an empty page" in str(err.value) and len(fake_api.requests) == 2


def test_an_empty_last_page_ends_the_list(fake_api):
    fake_api.route = pages(fake_api, {None: ([{"sid": "1"}], "A"), "A": ([], None)})
    assert proxy(fake_api).list_sessions(KS) == [{"sid": "1"}]


@pytest.mark.parametrize("next_url", [5, ["x"], {"url": "x"}, "not a url", "http://[::1"])
def test_a_next_page_url_that_is_not_a_url_is_an_error(fake_api, next_url):
    fake_api.queue((200, {}, {"sessions": [{"sid": KC}], "meta": {"next_page_url": next_url}}))
    with pytest.raises(ApiError) as err:
        proxy(fake_api).list_sessions(KS)
    assert "meta.next_page_url is not a URL" in str(err.value) and len(fake_api.requests) == 1


@pytest.mark.parametrize("body, got", [
    (b"", "'sessions' (a list of objects), got an empty answer"),
    ({"sessions": None, "meta": {}}, "got 'sessions' as null"),
    ({"sessions": ["KC1"], "meta": {}}, "got 'sessions' holding a string"),
    ({"sessions": []}, "'meta' (an object), got an object without 'meta'"),
    ({"participants": [], "meta": {}}, "got an object without 'sessions'"),
])
def test_a_list_page_of_the_wrong_shape_is_an_error(fake_api, body, got):
    fake_api.queue((200, {}, body))
    with pytest.raises(ApiError) as err:
        proxy(fake_api).list_sessions(KS)
    assert str(err.value).startswith("GET /v1/Services/%s/Sessions: expected a JSON object with" % KS)
    assert got in str(err.value)


@pytest.mark.parametrize("body, got", [
    (b"", "got an empty answer"),
    ({}, "got an object without 'sid'"),
    ({"sid": None}, "got 'sid' as null"),
    ({"sid": 5}, "got 'sid' as a number"),
    ([{"sid": KC}], "got a list"),
])
def test_get_and_find_need_a_session_with_a_sid(fake_api, body, got):
    fake_api.route = lambda rec: (200, {}, body)
    client = proxy(fake_api)
    for call in (lambda: client.find_session(KS, KC),
                 lambda: client.find_session(KS, unique_name="order-1")):
        with pytest.raises(ApiError) as err:
            call()  # never None: that would make proxy_session create a session
        assert "expected a JSON object with 'sid' (a string), %s" % got in str(err.value)
    assert str(err.value).startswith("GET /v1/Services/%s/Sessions/order-1:" % KS)


def test_a_create_whose_recovery_lookup_gets_an_empty_answer_is_not_sent_again(fake_api, monkeypatch):
    monkeypatch.setattr(http_mod.time, "sleep", lambda s: None)
    fake_api.queue(DROP, (200, {}, b""), (201, {}, {"sid": KC}))
    with pytest.raises(ApiError) as err:
        proxy(fake_api).create_session(KS, unique_name="u1")
    assert "got an empty answer" in str(err.value)
    assert [r["method"] for r in fake_api.requests] == ["POST", "GET"]


def test_each_session_yields_a_page_before_the_next_is_asked_for(fake_api):
    def page(rec):
        number = int(rec.query.get("Page", "0"))
        later = "%s/v1/Services/%s/Sessions?Page=%d" % (fake_api.url, KS, number + 1) if number < 9 else None
        return 200, {}, {"sessions": [{"sid": "KC%032d" % (number * 2 + i)} for i in range(2)],
                         "meta": {"next_page_url": later}}
    fake_api.route = page
    sessions = proxy(fake_api).each_session(KS)
    assert [next(sessions)["sid"] for _n in range(2)] == ["KC%032d" % 0, "KC%032d" % 1]
    assert len(fake_api.requests) == 1  # the next page is asked for only when the caller goes on
    assert sum(1 for _s in sessions) == 18 and len(fake_api.requests) == 10


# Paging into what was not asked for (issue 17) ----------------------------------------------

OTHER_KS = "KS" + "f" * 32


def session_of(service_sid, number):
    return {"sid": "KC%032d" % number, "service_sid": service_sid}


@pytest.mark.parametrize("next_path", [
    "/v1/Services/%s/Sessions" % OTHER_KS,  # another service's sessions
    "/v1/Services/%s/Sessions/%s/Participants" % (KS, KC),  # another resource of the same service
    "/v1/Services/%s/Sessions/../../%s/Sessions" % (KS, OTHER_KS),  # the same, spelled to look alike
    "/v1/Services/%s/Sessions/" % KS,
])
def test_a_next_page_on_another_path_is_an_error_before_it_is_read(fake_api, next_path):
    fake_api.queue((200, {}, {"sessions": [session_of(KS, 1)], "meta": {
        "next_page_url": fake_api.url + next_path + "?PageSize=1000&Page=1&PageToken=PA1"}}))
    fake_api.route = lambda rec: (200, {}, {"sessions": [session_of(OTHER_KS, 2)], "meta": {"next_page_url": None}})
    sessions = proxy(fake_api).each_session(KS)
    with pytest.raises(ApiError) as err:
        next(sessions)  # not even the first page is handed out: the listing is refused as a whole
    assert str(err.value).startswith("GET /v1/Services/%s/Sessions: refusing to follow next_page_url to another path" % KS)
    assert len(fake_api.requests) == 1


def test_a_next_page_that_only_changes_the_query_is_followed(fake_api):
    fake_api.queue((200, {}, {"sessions": [session_of(KS, 1)], "meta": {
        "next_page_url": fake_api.url + "/v1/Services/%s/Sessions?PageSize=1000&Page=1&PageToken=PA1" % KS}}),
        (200, {}, {"sessions": [session_of(KS, 2)], "meta": {"next_page_url": None}}))
    assert [s["sid"] for s in proxy(fake_api).list_sessions(KS)] == ["KC%032d" % 1, "KC%032d" % 2]


def test_a_session_of_another_service_in_the_listing_is_an_error(fake_api):
    fake_api.queue((200, {}, {"sessions": [session_of(KS, 1), session_of(OTHER_KS, 2)], "meta": {"next_page_url": None}}))
    sessions = proxy(fake_api).each_session(KS)
    with pytest.raises(ApiError) as err:
        next(sessions)
    assert str(err.value) == ("GET /v1/Services/%s/Sessions: the listing of %s holds an item whose service_sid is '%s': "
                              "refusing sessions of another service" % (KS, KS, OTHER_KS))


def test_a_participant_of_another_session_in_the_listing_is_an_error(fake_api):
    other = dict(sid=KP, service_sid=KS, session_sid="KC" + "0" * 32)
    fake_api.queue((200, {}, {"participants": [other], "meta": {"next_page_url": None}}))
    with pytest.raises(ApiError) as err:
        proxy(fake_api).list_participants(KS, KC)
    assert "holds an item whose session_sid is 'KC%s': refusing participants of another session" % ("0" * 32) in str(err.value)


def test_a_server_that_ignores_its_page_token_is_an_error_not_repeats(fake_api):
    # Every page is the first one again, under a new token each time (so no URL repeats), for three pages.
    def answer(rec):
        number = int(rec.query.get("Page", "0"))
        later = "%s/v1/Services/%s/Sessions?Page=%d&PageToken=PA%d" % (fake_api.url, KS, number + 1, number) if number < 2 else None
        return 200, {}, {"sessions": [session_of(KS, 1), session_of(KS, 2)], "meta": {"next_page_url": later}}
    fake_api.route = answer
    with pytest.raises(ApiError) as err:
        proxy(fake_api).list_sessions(KS)
    assert "a page repeats 2 sessions already read" in str(err.value) and len(fake_api.requests) == 2


def test_a_session_seen_twice_across_pages_is_listed_once(fake_api):
    fake_api.route = pages(fake_api, {None: ([session_of(KS, 1), session_of(KS, 2)], "A"),
                                      "A": ([session_of(KS, 2), session_of(KS, 3)], None)})
    assert [s["sid"] for s in proxy(fake_api).list_sessions(KS)] == ["KC%032d" % n for n in (1, 2, 3)]
