# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A hostile server echoes the credential back, in every form: no error may show any of them."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
from urllib.parse import quote, quote_plus

import pytest

from ansible_collections.commsops.sessions.plugins.module_utils.api_error import ApiError, secret_forms
from ansible_collections.commsops.sessions.plugins.module_utils.telnyx_rooms import TelnyxRooms
from ansible_collections.commsops.sessions.plugins.module_utils.twilio_proxy import TwilioProxy

KS = "KS" + "a" * 32
KC = "KC" + "b" * 32
AC = "AC" + "d" * 32
SK = "SK" + "e" * 32
# Chosen so that both Basic pairs encode to Base64 holding "+", "/" and "=".
TOKEN = "s/a~aa?a+"
API_SECRET = "kaa~aa?a+"
TELNYX_KEY = "KEY+/=abc~def"
SID = "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0"


def basic(user, password):
    return base64.b64encode(("%s:%s" % (user, password)).encode()).decode()


def every_form(*secrets):
    """What a server could echo: each secret raw, percent-encoded (upper and lower hex) and unpadded."""
    forms = set()
    for secret in secrets:
        for text in (secret, secret.rstrip("=")):
            encoded = quote(text, safe="")
            forms.update((text, encoded, quote_plus(text), encoded.replace("%2B", "%2b").replace("%2F", "%2f")))
    return forms


def assert_hidden(exc, forms):
    texts = [str(exc), repr(exc)] + [str(value) for value in exc.to_dict().values()] + [str(a) for a in exc.args]
    for text in texts:
        for form in forms:
            assert form not in text, (form, text)


def twilio(api, user, password):
    if user == SK:
        return TwilioProxy.connect(AC, None, SK, password, base_url=api.url, max_retries=0)
    return TwilioProxy.connect(AC, password, base_url=api.url, max_retries=0)


def echo_twilio(rec):
    header = rec["headers"]["Authorization"]
    encoded = header.split(" ", 1)[1]
    return 401, {}, {"code": encoded, "message": "you sent %s, %s, %s" % (header, quote(encoded, safe=""), quote_plus(encoded)),
                     "more_info": "https://example.test/errors?auth=" + quote(header, safe=""), "status": 401}


@pytest.mark.parametrize("user, password", [(AC, TOKEN), (SK, API_SECRET)])
def test_twilio_error_fields_never_show_the_credential(fake_api, user, password):
    encoded = basic(user, password)
    assert "+" in encoded and "/" in encoded and encoded.endswith("=")
    fake_api.route = echo_twilio
    with pytest.raises(ApiError) as err:
        twilio(fake_api, user, password).find_session(KS, sid=KC)
    assert err.value.status == 401 and "********" in err.value.code
    assert_hidden(err.value, every_form(password, encoded, "Basic " + encoded))


@pytest.mark.parametrize("user, password", [(AC, TOKEN), (SK, API_SECRET)])
def test_twilio_raw_secret_in_the_answer_is_hidden(fake_api, user, password):
    fake_api.queue((400, {}, {"code": password, "message": "token %s / %s / %s" % (password, quote(password, safe=""),
                                                                                   quote_plus(password)),
                              "more_info": "https://example.test/?t=" + quote_plus(password)}))
    with pytest.raises(ApiError) as err:
        twilio(fake_api, user, password).find_session(KS, KC)
    assert_hidden(err.value, every_form(password))


def test_a_next_page_path_that_carries_the_credential_is_hidden(fake_api):
    encoded = basic(AC, TOKEN)
    fake_api.queue((200, {}, {"sessions": [{"sid": KC}], "meta": {
        "next_page_url": fake_api.url + "/v1/Services/%s/Sessions/%s?PageToken=PT1" % (KS, quote(encoded, safe=""))}}),
        (500, {}, {"code": 20500, "message": "boom"}))
    with pytest.raises(ApiError) as err:
        twilio(fake_api, AC, TOKEN).list_sessions(KS)
    # Another path is never followed (issue 17); the refusal names that path with the credential hidden.
    assert "another path ('/v1/Services/%s/Sessions/********')" % KS in str(err.value) and len(fake_api.requests) == 1
    assert_hidden(err.value, every_form(encoded))


def test_telnyx_error_fields_never_show_the_key(fake_api):
    def echo(rec):
        header = rec["headers"]["Authorization"]
        key = header.split(" ", 1)[1]
        return 401, {}, {"errors": [{"code": key, "title": header, "detail": "%s %s" % (quote(header, safe=""), quote_plus(key)),
                                     "source": {"pointer": key}}]}
    fake_api.route = echo
    with pytest.raises(ApiError) as err:
        TelnyxRooms.connect(TELNYX_KEY, fake_api.url + "/v2", max_retries=0).get_session(SID)
    assert err.value.status == 401 and err.value.code == "********"
    assert_hidden(err.value, every_form(TELNYX_KEY, "Bearer " + TELNYX_KEY))


def test_a_key_cut_short_in_a_long_text_answer_is_still_hidden(fake_api):
    fake_api.queue((502, {"Content-Type": "text/html"}, "<p>" + "x" * 290 + TELNYX_KEY + "</p>"))
    with pytest.raises(ApiError) as err:
        TelnyxRooms.connect(TELNYX_KEY, fake_api.url + "/v2", max_retries=0).get_session(SID)
    assert TELNYX_KEY[:5] not in str(err.value)  # redacted before it was cut to 300 characters


def test_a_server_value_quoted_in_a_client_error_is_hidden(fake_api):
    fake_api.queue((200, {}, {"data": [{"id": "a"}], "meta": {"total_pages": TELNYX_KEY}}))
    with pytest.raises(ApiError) as err:
        TelnyxRooms.connect(TELNYX_KEY, fake_api.url + "/v2", max_retries=0).list_sessions()
    assert "meta.total_pages is '********', expected a whole number" in str(err.value)
    assert_hidden(err.value, every_form(TELNYX_KEY))


def test_secret_forms_are_computed_from_auth_and_headers():
    forms = secret_forms(("raw",), auth=(SK, API_SECRET), headers={"Authorization": "Bearer B+K"})
    encoded = basic(SK, API_SECRET).rstrip("=")
    assert {"raw", API_SECRET, encoded, quote(encoded, safe=""), quote_plus(encoded), "B+K", "B%2BK"} <= set(forms)
    assert SK not in forms and AC not in forms  # SIDs are not secrets
    assert forms == sorted(forms, key=len, reverse=True)  # the longest first: no form is half-redacted
