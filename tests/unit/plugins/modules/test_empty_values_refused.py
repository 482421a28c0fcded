# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""An empty URL or chat instance SID is outside the API documents (format uri, an IS SID) and they offer no way
to remove one: room and proxy_service refuse "" before any request, naming the option, in a create and an update,
in check mode too."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.commsops.sessions.plugins.modules import proxy_service, room
from ansible_collections.commsops.sessions.tests.unit.plugins._fake import run_module

ROOM = "7b61621f-62e0-4aad-ab11-9fd19e272e73"
KS = "KS" + "1" * 32
TELNYX = dict(api_key="SECRET-telnyx-key-42", max_retries=0)
TWILIO = dict(account_sid="AC" + "0" * 32, auth_token="SECRET-twilio-token-77", max_retries=0)
CASES = [(room.main, TELNYX, "/v2", key, option) for key in ({"unique_name": "desk"}, {"id": ROOM})
         for option in ("webhook_event_url", "webhook_event_failover_url")]
CASES += [(proxy_service.main, TWILIO, "", key, option) for key in ({"unique_name": "support"}, {"sid": KS})
          for option in ("callback_url", "intercept_callback_url", "out_of_session_callback_url", "chat_instance_sid")]


@pytest.mark.parametrize("check_mode", [False, True], ids=["run", "check"])
@pytest.mark.parametrize("main, credentials, prefix, key, option", CASES,
                         ids=["%s-%s-%s" % (c[0].__module__.split(".")[-1], list(c[3])[0], c[4]) for c in CASES])
def test_an_empty_value_is_refused_before_any_request(fake_api, capsys, main, credentials, prefix, key, option,
                                                      check_mode):
    declared = dict(credentials, base_url=fake_api.url + prefix, **dict(key, **{option: ""}))
    failed, result = run_module(main, declared, check_mode=check_mode, capsys=capsys)
    assert failed and fake_api.requests == []
    assert result["msg"].startswith(option + ": an empty value is not a ")
    assert "offers no way to remove it" in result["msg"]
