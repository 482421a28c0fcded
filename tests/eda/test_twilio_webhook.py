# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The twilio_webhook event source, run as ansible-rulebook runs it, sent real signed callbacks.

Requests are signed with twilio's own RequestValidator.compute_signature, so the listener is checked against
the vendor library, not against itself.
"""

import concurrent.futures
from urllib.parse import urlencode

import pytest
from twilio.request_validator import RequestValidator

from ansible_collections.commsops.sessions.extensions.eda.plugins.event_source import twilio_webhook

TOKEN = "TWL-SECRET-a9b8c7"
PUBLIC = "https://eda.example.test/proxy"
FIELDS = {
    "interactionSid": "KI" + "1" * 32, "interactionSessionSid": "KC" + "2" * 32,
    "interactionServiceSid": "KS" + "3" * 32, "inboundParticipantSid": "KP" + "4" * 32,
    "interactionType": "Message", "interactionData": '{"body": "hi & bye"}',
    "inboundResourceStatus": "received", "outboundResourceStatus": "sent",
}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def signed(path, fields, url=PUBLIC, token=TOKEN):
    signature = RequestValidator(token).compute_signature(url + path, fields)
    return urlencode(fields).encode(), dict(FORM, **{"X-Twilio-Signature": signature})


@pytest.fixture
def source(listening):
    with listening(twilio_webhook.main, {"auth_token": TOKEN, "public_url": PUBLIC + "/"}) as running:
        yield running


@pytest.mark.parametrize("path, type_", [("/callback", "proxy.interaction"),
                                         ("/intercept", "proxy.interaction.intercept"),
                                         ("/out-of-session", "proxy.out_of_session")])
def test_each_callback_gives_one_event_in_the_one_shape(source, path, type_):
    assert source.post(path, *signed(path, FIELDS)) == (204, "")
    [event] = source.events()
    occurred_at = event["session_event"].pop("occurred_at")
    assert event == {
        "session_event": {
            "vendor": "twilio", "type": type_, "id": "KI" + "1" * 32 + ":" + type_ + ":received:sent",
            "session_id": "KC" + "2" * 32, "service_sid": "KS" + "3" * 32, "participant_id": "KP" + "4" * 32,
            "source": "webhook",
        },
        "payload": FIELDS,
    }
    assert occurred_at.endswith("Z") and occurred_at[4] == "-"


@pytest.mark.parametrize("url", [
    "https://eda.example.test/proxy", "https://eda.example.test:443/proxy",
    "http://eda.example.test/proxy", "http://eda.example.test:80/proxy",
])
def test_our_signature_is_twilios(url):
    pairs = sorted(FIELDS.items()) + [("Repeated", "b"), ("Repeated", "a")]
    fields = {"Repeated": ["b", "a"]}
    fields.update(FIELDS)

    class Multi(dict):
        def getall(self, name):
            value = self[name]
            return value if isinstance(value, list) else [value]

    expected = RequestValidator(TOKEN).compute_signature(url + "/callback?x=1", Multi(fields))
    assert twilio_webhook.signature(TOKEN, url + "/callback?x=1", pairs).decode() == expected
    for variant in twilio_webhook.url_variants(url + "/callback?x=1"):
        given = twilio_webhook.signature(TOKEN, variant, pairs).decode()
        assert RequestValidator(TOKEN).validate(url + "/callback?x=1", Multi(fields), given)


def test_the_url_is_tried_with_and_without_the_default_port_and_keeps_the_query(source):
    body, headers = signed("/callback?attempt=2", FIELDS, url="https://eda.example.test:443/proxy")
    assert source.post("/callback?attempt=2", body, headers)[0] == 204
    body, headers = signed("/callback?attempt=2", FIELDS)
    assert source.post("/callback?attempt=3", body, headers)[0] == 401
    assert len(source.events()) == 1


def test_without_public_url_the_host_header_is_the_url(listening):
    with listening(twilio_webhook.main, {"auth_token": TOKEN}) as source:
        local = "http://127.0.0.1:%d" % source.port
        assert source.post("/callback", *signed("/callback", FIELDS, url=local))[0] == 204
        # Behind a proxy Twilio signs its public URL, which the listener cannot know: refused.
        assert source.post("/intercept", *signed("/intercept", FIELDS))[0] == 401
        assert len(source.events()) == 1


def with_headers(**changes):
    def forge(path, fields):
        body, headers = signed(path, fields)
        headers.update(changes)
        return body, {name: value for name, value in headers.items() if value is not None}
    return forge


def other_token(path, fields):
    return signed(path, fields, token="another-token")


def tampered(path, fields):
    body, headers = signed(path, fields)
    return body.replace(b"received", b"receivEd"), headers


def other_url(path, fields):
    return signed(path, fields, url="https://elsewhere.example.test/proxy")


@pytest.mark.parametrize("forge, status", [
    (with_headers(**{"X-Twilio-Signature": None}), 401),
    (with_headers(**{"X-Twilio-Signature": "bm90IGl0"}), 401),
    (with_headers(**{"X-Twilio-Webhooks-Signature-Settings": "key=k1,algorithm=HMAC_SHA256"}), 401),
    (other_token, 401),
    (tampered, 401),
    (other_url, 401),
    (with_headers(**{"Content-Type": "application/json"}), 415),
])
def test_a_bad_callback_gets_its_status_and_no_event(source, forge, status):
    body, headers = forge("/callback", FIELDS)
    code, text = source.post("/callback", body, headers)
    assert code == status
    assert TOKEN not in text and "KI" + "1" * 32 not in text
    assert source.events() == []


@pytest.mark.parametrize("body", [b"a&b", b"name=\xff\xfe", b"&".join(b"f%d=1" % n for n in range(1001))])
def test_a_malformed_form_gets_400(source, body):
    headers = dict(FORM, **{"X-Twilio-Signature": "irrelevant"})
    assert source.post("/callback", body, headers)[0] == 400
    assert source.events() == []


def test_oversize_method_and_path(listening):
    with listening(twilio_webhook.main, {"auth_token": TOKEN, "public_url": PUBLIC, "max_body_bytes": 100,
                                         "callback_path": "/proxy-events"}) as source:
        assert source.raw(b"POST /proxy-events HTTP/1.1\r\nContent-Length: 101\r\n\r\n").startswith("HTTP/1.1 413 ")
        assert source.post("/proxy-events", method="GET")[0] == 405
        assert source.post("/callback", *signed("/callback", FIELDS))[0] == 404
        small = {"interactionSid": "KI" + "9" * 32}
        assert source.post("/proxy-events", *signed("/proxy-events", small))[0] == 204
        assert [e["session_event"]["id"] for e in source.events()] == ["KI" + "9" * 32 + ":proxy.interaction"]


def test_a_replayed_callback_is_acknowledged_but_not_queued_again(source):
    body, headers = signed("/callback", FIELDS)
    assert source.post("/callback", body, headers)[0] == 204
    assert source.post("/callback", body, headers)[0] == 204
    # The same interaction's next status is an event of its own.
    assert source.post("/callback", *signed("/callback", dict(FIELDS, outboundResourceStatus="delivered")))[0] == 204
    assert [e["session_event"]["id"][-9:] for e in source.events()] == ["ived:sent", "delivered"]


def test_a_flood_of_bad_callbacks_does_not_stop_good_ones(source):
    def send(number):
        fields = dict(FIELDS, interactionSid="KI%032d" % number)
        if number % 6 == 0:
            return "good", source.post("/out-of-session", *signed("/out-of-session", fields))[0]
        forge = [other_token, tampered, other_url][number % 3]
        return "bad", source.post("/out-of-session", *forge("/out-of-session", fields))[0]

    with concurrent.futures.ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(send, range(1, 241)))
    assert [status for kind, status in results if kind == "good"] == [204] * 40
    assert set(status for kind, status in results if kind == "bad") == {401}
    assert sorted(e["payload"]["interactionSid"] for e in source.events()) == ["KI%032d" % n for n in range(6, 241, 6)]


def test_options_and_environment():
    queue = object()
    assert twilio_webhook.TwilioWebhook(queue, {"port": 1}, environ={"TWILIO_AUTH_TOKEN": TOKEN}).token == TOKEN
    with pytest.raises(ValueError, match="auth_token is required") as error:
        twilio_webhook.TwilioWebhook(queue, {"port": 1}, environ={})
    with pytest.raises(ValueError, match="must differ") as error:
        twilio_webhook.TwilioWebhook(queue, {"port": 1, "auth_token": TOKEN, "intercept_path": "/callback"})
    assert TOKEN not in str(error.value)
