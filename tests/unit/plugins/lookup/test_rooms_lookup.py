# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The rooms lookup: a room's id by its name, filters sent and matched, fields, errors before any request."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleLookupError

from ansible_collections.commsops.sessions.plugins.lookup import rooms
from ansible_collections.commsops.sessions.tests.unit.plugins.lookup.test_lookups import load

ROOM, OTHER = "7b61621f-62e0-4aad-ab11-9fd19e272e73", "8c61621f-62e0-4aad-ab11-9fd19e272e73"


def page(*items):
    return 200, {}, {"data": list(items), "meta": {"page_number": 1, "page_size": 250, "total_pages": 1,
                                                   "total_results": len(items)}}


@pytest.fixture
def rooms_lookup(fake_api):
    lookup = load(rooms)
    return lambda **kwargs: lookup.run([], {}, **dict(dict(api_key="k", base_url=fake_api.url + "/v2", max_retries=0),
                                                      **kwargs))


def test_a_rooms_id_by_its_exact_name(rooms_lookup, fake_api):
    fake_api.queue(page({"id": OTHER, "unique_name": "Desk"}, {"id": ROOM, "unique_name": "desk", "max_participants": 4}))
    assert rooms_lookup(unique_name="desk")[0]["id"] == ROOM
    sent = fake_api.requests[0]
    assert (sent["method"], sent["path"]) == ("GET", "/v2/rooms")
    assert sent.query == {"filter[unique_name]": "desk", "page[number]": "1", "page[size]": "250"}


def test_windows_fields_and_sessions(rooms_lookup, fake_api):
    fake_api.queue(page({"id": ROOM, "unique_name": "a", "created_at": "2026-11-01T09:00:00Z", "sessions": []},
                        {"id": OTHER, "unique_name": "b", "created_at": "2026-11-01T07:00:00Z", "sessions": []}))
    found = rooms_lookup(created_at={"gte": "2026-11-01T08:00:00Z"}, fields=["id"], include_sessions=True)
    assert found == [{"id": ROOM, "sessions": []}]
    assert fake_api.requests[0].query["filter[date_created_at][gte]"] == "2026-11-01"
    assert fake_api.requests[0].query["include_sessions"] == "true"


@pytest.mark.parametrize("kwargs, message", [
    (dict(fields=["id", "nmae"]), "fields has unknown field(s) nmae"),
    (dict(created_at={"after": "now"}), "created_at has unknown key(s) after"),
    (dict(unique_name=" "), "unique_name must be a non-empty string"),
    (dict(uniqe_name="desk"), "unknown keyword argument(s) uniqe_name"),
])
def test_bad_input_is_refused_before_any_request(rooms_lookup, fake_api, kwargs, message):
    with pytest.raises(AnsibleLookupError) as refused:
        rooms_lookup(**kwargs)
    assert message in str(refused.value) and fake_api.requests == []
