# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The proxy_sessions lookup takes a service by unique name where it takes its SID."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleLookupError

from ansible_collections.commsops.sessions.plugins.lookup import proxy_sessions
from ansible_collections.commsops.sessions.tests.unit.plugins.lookup.test_lookups import load
from ansible_collections.commsops.sessions.tests.unit.plugins.modules.test_service_by_name import (
    KS2, args, requests, serve)


def test_the_lookup_takes_a_service_by_name(fake_api):
    serve(fake_api)
    lookup = load(proxy_sessions)
    found = lookup.run([], {}, **args(fake_api, service_sid="support"))
    assert [s["service_sid"] for s in found] == [KS2]
    assert requests(fake_api) == [("GET", "/v1/Services"), ("GET", "/v1/Services/%s/Sessions" % KS2)]
    with pytest.raises(AnsibleLookupError, match=r"^service_sid: no Proxy service has the unique name 'nobody'"):
        lookup.run([], {}, **args(fake_api, service_sid="nobody"))
