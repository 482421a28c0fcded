# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
import time

import pytest

from ansible_collections.commsops.sessions.plugins.module_utils import deadlines as deadlines_mod
from ansible_collections.commsops.sessions.plugins.module_utils import http_layer as http_mod
from ansible_collections.commsops.sessions.plugins.module_utils.version import COLLECTION_VERSION
from ansible_collections.commsops.sessions.plugins.module_utils.api_error import ApiError, expect_object, parse_error_body
from ansible_collections.commsops.sessions.plugins.module_utils.http_layer import HttpClient, USER_AGENT
from ansible_collections.commsops.sessions.plugins.module_utils.retry_policy import parse_retry_hint

from ansible_collections.commsops.sessions.tests.unit.plugins._fake import DROP, Raw, head, trickle


def client(api, **kwargs):
    kwargs.setdefault("max_retries", 3)
    kwargs.setdefault("timeout", 5)
    return HttpClient(api.url, headers={"Authorization": "Bearer SECRET-KEY-123"}, secrets=("SECRET-KEY-123",), **kwargs)


def test_get_returns_json_with_user_agent_and_reuses_the_connection(fake_api):
    fake_api.queue((200, {}, {"data": [1]}), (200, {}, {"data": [2]}))
    c = client(fake_api)
    assert c.request("GET", "/things", params={"a": "b"}) == (200, {"data": [1]})
    assert c.request("GET", "/things")[1] == {"data": [2]}
    first, second = fake_api.requests
    assert first["path"] == "/things" and first.query == {"a": "b"}
    assert first["headers"]["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("commsops.sessions/%s " % COLLECTION_VERSION)
    assert first["headers"]["Authorization"] == "Bearer SECRET-KEY-123"
    assert first["client_port"] == second["client_port"]  # keep-alive: one TCP connection


def test_429_waits_as_long_as_retry_after_says(fake_api, clock):
    fake_api.queue((429, {"Retry-After": "3"}, {"errors": [{"code": "10011", "title": "Too many requests"}]}),
                   (200, {}, {"ok": True}))
    assert client(fake_api).request("GET", "/x")[1] == {"ok": True}
    assert clock.sleeps == [3.0]
    assert len(fake_api.requests) == 2


@pytest.mark.parametrize("headers, expected", [
    ({"retry-after-ms": "1500"}, 1.5),
    ({"retry-after": "2"}, 2.0),
    ({"x-ratelimit-reset": "4"}, 4.0),
    ({"retry-after": "1", "x-ratelimit-reset": "0.02"}, 0.02),  # whole seconds against a finer reset
    ({"retry-after": "1", "x-ratelimit-reset": "3"}, 1.0),
    ({"retry-after-ms": "250", "retry-after": "1", "x-ratelimit-reset": "0.02"}, 0.25),
    ({"retry-after": "soon", "x-ratelimit-reset": "nan"}, None),
    ({"retry-after": "Thu, 01 Jan 2099 00:00:00 GMT"}, None),
    ({}, None),
])
def test_retry_hints(headers, expected):
    hint = parse_retry_hint(headers)
    if headers.get("retry-after", "").startswith("Thu"):
        assert hint > 1e6  # an HTTP date far in the future
    else:
        assert hint == expected


def test_a_429_without_a_hint_waits_about_a_round_trip_then_doubles(fake_api, clock):
    refused = (429, {}, {"code": 20429, "message": "Too Many Requests"})
    fake_api.queue(refused, refused, refused, (200, {}, {"ok": True}))
    assert client(fake_api, max_retries=0).request("GET", "/x")[1] == {"ok": True}
    first, second, third = clock.sleeps
    assert 0.025 <= first <= 0.05 and 0.05 <= second <= 0.1 and 0.1 <= third <= 0.2


def test_retry_hint_http_date_is_relative_to_now():
    assert parse_retry_hint({"retry-after": "Thu, 01 Jan 2026 00:00:10 GMT"}, now=1767225600.0) == 10.0


def test_503_then_success_is_retried_with_backoff(fake_api, clock):
    fake_api.queue((503, {}, "<html><body><h1>503 Service Unavailable</h1></body></html>"), (200, {}, {"ok": 1}))
    assert client(fake_api).request("GET", "/x")[1] == {"ok": 1}
    assert len(fake_api.requests) == 2
    assert len(clock.sleeps) == 1 and 0.25 <= clock.sleeps[0] <= 0.5


def test_retries_are_bounded_by_count(fake_api, clock):
    fake_api.route = lambda rec: (503, {}, {"message": "busy"})
    with pytest.raises(ApiError) as err:
        client(fake_api, max_retries=2).request("GET", "/x")
    assert len(fake_api.requests) == 3
    assert err.value.status == 503 and "gave up after 2 retries" in str(err.value)


def test_retries_are_bounded_by_total_wait(fake_api, clock):
    fake_api.route = lambda rec: (429, {"Retry-After": "100"}, {"code": 20429, "message": "Too Many Requests"})
    with pytest.raises(ApiError) as err:
        client(fake_api, max_retry_wait=10).request("GET", "/x")
    assert len(fake_api.requests) == 1 and clock.sleeps == []
    assert err.value.status == 429 and err.value.code == "20429"


def test_post_is_not_retried_after_an_ambiguous_failure(fake_api, clock):
    fake_api.queue((502, {}, ""), (201, {}, {"sid": "dup"}))
    with pytest.raises(ApiError) as err:
        client(fake_api).request("POST", "/create", form=[("A", "1")])
    assert err.value.status == 502
    assert len(fake_api.requests) == 1


def test_post_is_not_retried_after_a_dropped_connection(fake_api, clock):
    fake_api.queue(DROP, (201, {}, {"sid": "dup"}))
    with pytest.raises(ApiError) as err:
        client(fake_api).request("POST", "/create", form=[("A", "1")])
    assert err.value.status is None and "no answer" in str(err.value)
    assert len(fake_api.requests) == 1


def test_any_request_answered_429_is_retried(fake_api, clock):
    fake_api.queue((429, {"Retry-After": "1"}, {}), (201, {}, {"sid": "one"}))
    assert client(fake_api).request("POST", "/create", form=[("A", "1")])[1] == {"sid": "one"}
    assert [r["method"] for r in fake_api.requests] == ["POST", "POST"]


def test_idempotent_post_is_retried(fake_api, clock):
    fake_api.queue(DROP, (200, {}, {"data": {"result": "ok"}}))
    assert client(fake_api).request("POST", "/act", json_body={"participants": "all"}, idempotent=True)[1]
    assert [r.json for r in fake_api.requests] == [{"participants": "all"}] * 2


def test_recover_finds_what_the_first_attempt_did(fake_api, clock):
    fake_api.queue(DROP)
    found = []

    def recover():
        found.append(True)
        return {"sid": "found"}

    assert client(fake_api).request("POST", "/create", form=[("A", "1")], recover=recover) == (200, {"sid": "found"})
    assert found == [True] and len(fake_api.requests) == 1


def test_recover_that_finds_nothing_sends_again(fake_api, clock):
    fake_api.queue((500, {}, {}), (201, {}, {"sid": "created"}))
    result = client(fake_api).request("POST", "/create", form=[("A", "1")], recover=lambda: None)
    assert result == (201, {"sid": "created"})
    assert len(fake_api.requests) == 2


def test_all_workers_wait_after_a_429(fake_api, clock):
    c = client(fake_api)
    fake_api.queue((429, {"Retry-After": "2"}, {}), (200, {}, {}))
    c.request("GET", "/x")
    assert c.limiter._not_before == pytest.approx(clock.now, abs=0.01)  # the gate closed for 2 s and has just opened
    c.limiter.close_gate(5)
    fake_api.queue((200, {}, {"n": 2}))
    assert c.request("GET", "/y")[1] == {"n": 2}
    assert clock.sleeps[-1] == 5.0


@pytest.mark.parametrize("body, code, message, more_info", [
    ('{"errors":[{"code":"10005","title":"Resource not found","detail":"No room session with that id"}]}',
     "10005", "Resource not found: No room session with that id", None),
    ('{"errors":[{"code":"10015","title":"Bad Request"},{"code":"10015","detail":"page[size] too big"}]}',
     "10015", "Bad Request; page[size] too big", None),
    ('{"message":"Error","success":false}', None, "Error", None),
    ('{"code":"10006","title":"Invalid ID","detail":"not a uuid"}', "10006", "Invalid ID: not a uuid", None),
    ('{"code":20404,"message":"The requested resource was not found","more_info":"https://www.twilio.com/docs/errors/20404",'
     '"status":404}', "20404", "The requested resource was not found", "https://www.twilio.com/docs/errors/20404"),
    ("<html><head><style>p{}</style></head><body><h1>502 Bad Gateway</h1></body></html>", None, "502 Bad Gateway", None),
    ("", None, "", None),
])
def test_error_shapes(body, code, message, more_info):
    assert parse_error_body(body) == (code, message, more_info)


def test_api_error_carries_status_code_method_and_path_but_no_credential(fake_api):
    fake_api.queue((401, {}, {"errors": [{"code": "10009", "title": "Authentication failed",
                                          "detail": "key SECRET-KEY-123 is not valid"}]}))
    with pytest.raises(ApiError) as err:
        client(fake_api).request("GET", "/room_sessions", params={"page[size]": "250"})
    exc = err.value
    assert (exc.status, exc.code, exc.method, exc.path) == (401, "10009", "GET", "/room_sessions")
    assert "SECRET-KEY-123" not in str(exc) and "********" in str(exc)
    assert "10009" in str(exc) and "Authentication failed" in str(exc)


def test_html_error_page_gives_its_text(fake_api):
    fake_api.queue((403, {"Content-Type": "text/html"}, "<html><body><h1>Forbidden by proxy</h1></body></html>"))
    with pytest.raises(ApiError) as err:
        client(fake_api).request("GET", "/x")
    assert err.value.status == 403 and err.value.message == "Forbidden by proxy"


def test_success_that_is_not_json_is_an_error(fake_api):
    fake_api.queue((200, {"Content-Type": "text/plain"}, "hello"))
    with pytest.raises(ApiError) as err:
        client(fake_api).request("GET", "/x")
    assert err.value.status == 200 and "not JSON" in str(err.value)


def test_connection_refused_is_a_clear_error(clock):
    c = HttpClient("http://127.0.0.1:9", max_retries=1, timeout=2)
    with pytest.raises(ApiError) as err:
        c.request("GET", "/x")
    assert err.value.status is None and "no answer from http://127.0.0.1:9" in str(err.value)
    assert len(clock.sleeps) == 1  # a GET is retried, within the bound


# A whole request within the timeout: bodies that trickle, break off or are garbled ------------


def test_a_body_that_trickles_ends_at_the_timeout(fake_api):
    fake_api.queue(trickle({"data": ["x" * 20]}, pause=0.3))
    started = time.monotonic()
    with pytest.raises(ApiError) as err:
        client(fake_api, timeout=1, max_retries=0).request("GET", "/slow")
    assert time.monotonic() - started < 2.5  # one byte every 0.3 s for 30 bytes would take 9 s
    assert "no complete answer within 1 s" in str(err.value)
    assert err.value.status is None and err.value.may_have_applied is True


def test_a_get_whose_body_trickled_is_retried(fake_api, clock):
    fake_api.queue(trickle({"data": [1, 2, 3, 4, 5, 6]}, pause=0.3), (200, {}, {"data": [1]}))
    assert client(fake_api, timeout=1).request("GET", "/slow") == (200, {"data": [1]})
    assert len(fake_api.requests) == 2 and len(clock.sleeps) == 1


def test_a_post_whose_body_trickled_is_not_sent_again(fake_api, clock):
    fake_api.queue(trickle({"sid": "KC123456789"}, pause=0.3), (201, {}, {"sid": "dup"}))
    with pytest.raises(ApiError) as err:
        client(fake_api, timeout=1).request("POST", "/create", form=[("A", "1")])
    assert "no complete answer" in str(err.value) and err.value.may_have_applied is True
    assert len(fake_api.requests) == 1


def test_the_connection_is_reused_after_a_streamed_body(fake_api):
    fake_api.queue((200, {}, {"n": 1}), (200, {}, {"n": 2}), (204, {}, b""), (200, {}, {"n": 3}))
    c = client(fake_api)
    assert [c.request(m, "/x")[1] for m in ("GET", "GET", "DELETE", "GET")] == [{"n": 1}, {"n": 2}, None, {"n": 3}]
    assert len(set(r["client_port"] for r in fake_api.requests)) == 1


@pytest.mark.parametrize("answer, words", [
    (Raw(head(200, {"Content-Length": 100}), b'{"data": ['), "broke off"),
    (Raw(head(200, {"Transfer-Encoding": "chunked"}), b'5\r\n{"dat\r\nZZ\r\nnot a chunk\r\n'), "broke off"),
    (Raw(head(200, {"Content-Encoding": "gzip", "Content-Length": 12}), b"not gzip at all!"[:12]), "broke off"),
    (Raw(b"HTTP/1.1 2"), "no answer"),
    (Raw(b"NOT HTTP AT ALL\r\n\r\n"), "no answer"),
])
def test_a_broken_answer_is_a_clean_error(fake_api, clock, answer, words):
    fake_api.queue(answer, answer)
    with pytest.raises(ApiError) as err:
        client(fake_api, max_retries=1).request("GET", "/broken")
    assert words in str(err.value) and err.value.status is None
    assert len(fake_api.requests) == 2  # a GET is retried once, then the error is clear


def test_a_post_whose_body_broke_off_is_not_sent_again(fake_api, clock):
    fake_api.queue(Raw(head(201, {"Content-Length": 50}), b'{"sid": "K'), (201, {}, {"sid": "dup"}))
    with pytest.raises(ApiError) as err:
        client(fake_api).request("POST", "/create", form=[("A", "1")])
    assert "broke off" in str(err.value) and err.value.may_have_applied is True
    assert len(fake_api.requests) == 1


def test_an_invalid_url_is_a_clean_error(fake_api):
    with pytest.raises(ApiError) as err:
        client(fake_api).request("GET", "http://[::1/x")
    assert "could not be sent" in str(err.value) and fake_api.requests == []


# Successes of the wrong shape ---------------------------------------------------------------


@pytest.mark.parametrize("body, kind, got", [
    (None, dict, "got an empty answer"),
    ([], dict, "got a list"),
    ("data", dict, "got a string"),
    ({"other": 1}, dict, "got an object without 'data'"),
    ({"data": None}, dict, "got 'data' as null"),
    ({"data": [1]}, dict, "got 'data' as a list"),
    ({"data": {}}, list, "got 'data' as an object"),
    ({"data": [{}, 1, "x"]}, list, "got 'data' holding a number, a string"),
    ({"data": 5}, str, "got 'data' as a number"),
])
def test_expect_object_says_what_came_instead(body, kind, got):
    with pytest.raises(ApiError) as err:
        expect_object(body, "data", kind, "GET", "/v2/things")
    assert str(err.value).startswith("GET /v2/things: expected a JSON object with 'data' (")
    assert str(err.value).endswith(got)


def test_expect_object_returns_the_value():
    assert expect_object({"data": [{"id": 1}]}, "data", list, "GET", "/x") == [{"id": 1}]
    assert expect_object({"sid": "KC1"}, "sid", str, "GET", "/x") == "KC1"


def test_the_client_works_on_after_a_body_was_cut_off(fake_api):
    fake_api.queue(trickle({"data": ["x" * 20]}, pause=0.3), (200, {}, {"n": 1}))
    c = client(fake_api, timeout=1, max_retries=0)
    with pytest.raises(ApiError):
        c.request("GET", "/slow")
    assert c.request("GET", "/x") == (200, {"n": 1})


class _Stub:
    def __init__(self, **fields):
        self.__dict__.update(fields)


@pytest.mark.parametrize("headers, status, method, received, short", [
    ({"Content-Length": "100"}, 200, "GET", 10, (10, 100)),
    ({"Content-Length": "100"}, 200, "GET", 100, None),
    ({"Content-Length": "100", "Transfer-Encoding": "chunked"}, 200, "GET", 10, None),
    ({"Content-Length": "5"}, 204, "DELETE", 0, None),
    ({"Content-Length": "5"}, 200, "HEAD", 0, None),
    ({}, 200, "GET", 10, None),
])
def test_a_body_shorter_than_its_content_length_is_noticed(headers, status, method, received, short):
    # urllib3 2 raises on its own; urllib3 1.x, which requests>=2.25 allows, returns the short body.
    response = _Stub(headers=headers, status_code=status, request=_Stub(method=method), raw=_Stub(tell=lambda: received))
    assert deadlines_mod._short_of_length(response) == short


# The environment: read once per client, as requests would read it for each request -------------


def test_a_proxy_from_the_environment_carries_the_requests(fake_api, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", fake_api.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    fake_api.queue((200, {}, {"n": 1}), (200, {}, {"n": 2}))
    c = HttpClient("http://api.example.invalid/v2", headers={"Authorization": "Bearer K"}, max_retries=0)
    assert [c.request("GET", "/things")[1] for _n in range(2)] == [{"n": 1}, {"n": 2}]
    assert [(r["path"], r["headers"]["Host"]) for r in fake_api.requests] == [("/v2/things", "api.example.invalid")] * 2


def test_no_proxy_in_the_environment_bypasses_the_proxy(fake_api, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    fake_api.queue((200, {}, {"n": 1}))
    assert client(fake_api, max_retries=0).request("GET", "/things") == (200, {"n": 1})


def test_a_ca_bundle_from_the_environment_verifies_unless_validate_certs_is_false(fake_api, monkeypatch):
    sent = []
    real_send = http_mod.requests.adapters.HTTPAdapter.send
    monkeypatch.setattr(http_mod.requests.adapters.HTTPAdapter, "send",
                        lambda self, request, **kwargs: sent.append(kwargs["verify"]) or real_send(self, request, **kwargs))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/pki/our-ca.pem")
    fake_api.queue((200, {}, {}), (200, {}, {}), (200, {}, {}))
    client(fake_api).request("GET", "/x")
    client(fake_api, validate_certs=False).request("GET", "/x")
    monkeypatch.delenv("REQUESTS_CA_BUNDLE")
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    client(fake_api).request("GET", "/x")
    assert sent == ["/etc/pki/our-ca.pem", False, True]


def test_a_netrc_entry_never_replaces_the_credentials_given(fake_api, monkeypatch, tmp_path):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login someone password NETRC-PASSWORD\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    fake_api.queue((200, {}, {}))
    client(fake_api).request("GET", "/x")
    assert fake_api.requests[0]["headers"]["Authorization"] == "Bearer SECRET-KEY-123"


def test_many_requests_share_one_watchdog_thread(fake_api, monkeypatch):
    started = []
    real_start = threading.Thread.start
    monkeypatch.setattr(threading.Thread, "start", lambda thread: started.append(thread) or real_start(thread))
    fake_api.route = lambda rec: (200, {}, {"ok": True})
    c = client(fake_api)
    for _n in range(20):
        c.request("GET", "/x")
    ours = [t for t in started if getattr(getattr(t, "_target", None), "__self__", None) is not fake_api.server]
    assert len(ours) <= 1  # the deadline thread, once per process; never one per request
