# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.commsops.sessions.plugins.module_utils.api_error import ApiError
from ansible_collections.commsops.sessions.plugins.module_utils.telnyx_rooms import TelnyxRooms
from ansible_collections.commsops.sessions.plugins.module_utils.timefilter import TimeWindow
from ansible_collections.commsops.sessions.plugins.module_utils.validation import InvalidInput

SID = "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0"
ROOM = "7b61621f-62e0-4aad-ab11-9fd19e272e73"
P1 = "11111111-2222-4333-8444-555555555555"


def rooms(api):
    return TelnyxRooms.connect("KEY-abc", api.url + "/v2", max_retries=0)


def paged(total_pages, per_page=2):
    def answer(rec):
        number = int(rec.query.get("page[number]", "1"))
        data = [{"id": "s-%d-%d" % (number, i)} for i in range(per_page)]
        return 200, {}, {"data": data, "meta": {"page_number": number, "page_size": per_page,
                                                "total_pages": total_pages, "total_results": total_pages * per_page}}
    return answer


def test_list_encodes_every_filter_and_walks_all_pages(fake_api):
    fake_api.route = paged(3)
    window = TimeWindow("created_at", {"gte": "2026-11-01T08:00:00+02:00", "lte": "2026-11-20"}, "created_at")
    sessions = rooms(fake_api).list_sessions(
        {"room_id": ROOM, "active": True, "created_at": window.server_dates(),
         "updated_at": {"eq": "2026-11-02"}, "ended_at": {"lte": "2026-11-03"}},
        include_participants=True)
    assert [s["id"] for s in sessions] == ["s-%d-%d" % (p, i) for p in (1, 2, 3) for i in (0, 1)]
    first = fake_api.requests[0]
    assert first["path"] == "/v2/room_sessions"
    assert first.query == {
        "filter[room_id]": ROOM, "filter[active]": "true",
        "filter[date_created_at][gte]": "2026-11-01", "filter[date_created_at][lte]": "2026-11-20",
        "filter[date_updated_at][eq]": "2026-11-02", "filter[date_ended_at][lte]": "2026-11-03",
        "include_participants": "true", "page[number]": "1", "page[size]": "250"}
    assert "filter%5Bactive%5D=true" in first["raw_query"]  # brackets percent-encoded, like the SDK
    assert sorted(r.query["page[number]"] for r in fake_api.requests) == ["1", "2", "3"]
    assert first["headers"]["Authorization"] == "Bearer KEY-abc"


def test_one_page_means_one_request(fake_api):
    fake_api.route = paged(1)
    assert len(rooms(fake_api).list_sessions({"active": False})) == 2
    assert len(fake_api.requests) == 1 and fake_api.requests[0].query["filter[active]"] == "false"


def test_view_and_participants(fake_api):
    fake_api.queue((200, {}, {"data": {"id": SID, "active": True}}),
                   (200, {}, {"data": [{"id": P1}], "meta": {"total_pages": 1}}))
    client = rooms(fake_api)
    assert client.get_session(SID, include_participants=True) == {"id": SID, "active": True}
    assert client.list_participants(SID, {"joined_at": {"gte": "2026-11-01"}, "left_at": {"eq": "2026-11-02"},
                                          "context": "agent"}) == [{"id": P1}]
    view, parts = fake_api.requests
    assert view["path"] == "/v2/room_sessions/%s" % SID and view.query == {"include_participants": "true"}
    assert parts["path"] == "/v2/room_sessions/%s/participants" % SID
    assert parts.query["filter[date_joined_at][gte]"] == "2026-11-01"
    assert parts.query["filter[date_left_at][eq]"] == "2026-11-02"
    assert parts.query["filter[context]"] == "agent"


def test_find_session_returns_none_on_404(fake_api):
    fake_api.queue((404, {}, {"errors": [{"code": "10005", "title": "Resource not found"}]}))
    assert rooms(fake_api).find_session(SID) is None


@pytest.mark.parametrize("action, participants, exclude, body", [
    ("end", None, None, None),
    ("kick", "all", [P1], {"participants": "all", "exclude": [P1]}),
    ("mute", [P1], None, {"participants": [P1]}),
    ("unmute", None, None, {"participants": "all"}),
])
def test_actions_send_the_api_bodies(fake_api, action, participants, exclude, body):
    fake_api.queue((200, {}, {"data": {"result": "ok"}}))
    assert rooms(fake_api).act(SID, action, participants, exclude) == {"data": {"result": "ok"}}
    rec = fake_api.requests[0]
    assert (rec["method"], rec["path"]) == ("POST", "/v2/room_sessions/%s/actions/%s" % (SID, action))
    assert rec.json == body


@pytest.mark.parametrize("bad", ["../room_sessions", "abc?x=1", SID + "/actions/end", "", None])
def test_bad_ids_never_reach_the_server(fake_api, bad):
    with pytest.raises(InvalidInput) as err:
        rooms(fake_api).act(bad, "end")
    assert "room_session_id" in str(err.value)
    assert fake_api.requests == []


def test_bad_participant_ids_never_reach_the_server(fake_api):
    with pytest.raises(InvalidInput) as err:
        rooms(fake_api).act(SID, "kick", ["not-a-uuid"])
    assert "participants[0]" in str(err.value) and fake_api.requests == []


# Paging that lies, and successes of the wrong shape -----------------------------------------


def lying(meta, pages_with_data=1, per_page=2):
    """Pages 1..pages_with_data hold items, later ones are empty; every page carries this meta."""
    def answer(rec):
        number = int(rec.query["page[number]"])
        data = [{"id": "s-%d-%d" % (number, i)} for i in range(per_page)] if number <= pages_with_data else []
        return 200, {}, {"data": data, "meta": meta}
    return answer


@pytest.mark.parametrize("total_pages, said", [
    ("abc", "'abc'"), (None, "null"), (-1, "-1"), (2.5, "2.5"), (True, "true"), ([3], "[3]"),
])
def test_total_pages_that_is_not_a_whole_number_is_an_error(fake_api, total_pages, said):
    fake_api.route = lying({"total_pages": total_pages, "total_results": 4})
    with pytest.raises(ApiError) as err:
        rooms(fake_api).list_sessions()
    assert str(err.value) == "GET /v2/room_sessions: meta.total_pages is %s, expected a whole number" % said
    assert len(fake_api.requests) == 1


def test_missing_total_pages_is_an_error(fake_api):
    fake_api.route = lying({"total_results": 4})
    with pytest.raises(ApiError) as err:
        rooms(fake_api).list_sessions()
    assert "meta.total_pages is missing" in str(err.value)


def test_more_pages_than_total_results_can_fill_is_an_error(fake_api):
    fake_api.route = lying({"total_pages": 10 ** 9, "total_results": 4, "page_size": 2}, pages_with_data=10)
    with pytest.raises(ApiError) as err:
        rooms(fake_api).list_sessions(page_size=2)
    assert "meta.total_pages is 1000000000, but meta.total_results (4) fills only 2 pages of 2" in str(err.value)
    assert len(fake_api.requests) == 1


def test_a_server_page_size_below_ours_counts(fake_api):
    fake_api.route = lying({"total_pages": 3, "total_results": 5, "page_size": 2}, pages_with_data=3)
    assert len(rooms(fake_api).list_sessions()) == 6  # we asked 250 a page, it sent 2
    assert len(fake_api.requests) == 3


def test_more_pages_than_any_listing_reads_is_an_error(fake_api):
    fake_api.route = lying({"total_pages": 10 ** 9}, pages_with_data=10)
    with pytest.raises(ApiError) as err:
        rooms(fake_api).list_sessions()
    assert "meta.total_pages is 1000000000, more than the 10000 pages a listing reads" in str(err.value)
    assert len(fake_api.requests) == 1


def test_an_empty_page_ends_the_list_and_few_pages_are_asked_for_at_once(fake_api):
    fake_api.route = lying({"total_pages": 9000}, pages_with_data=3)  # no total_results to be short of
    client = rooms(fake_api)
    sessions = client.list_sessions(page_size=2)
    assert [s["id"] for s in sessions] == ["s-%d-%d" % (p, i) for p in (1, 2, 3) for i in (0, 1)]
    assert len(fake_api.requests) <= 4 + client.http.workers


def test_pages_are_read_one_at_a_time_without_concurrency(fake_api):
    fake_api.route = lying({"total_pages": 5}, pages_with_data=2)
    client = TelnyxRooms.connect("KEY-abc", fake_api.url + "/v2", max_retries=0, concurrency=1)
    assert len(client.list_sessions(page_size=2)) == 4
    assert [r.query["page[number]"] for r in fake_api.requests] == ["1", "2", "3"]


@pytest.mark.parametrize("body, got", [
    (b"", "got an empty answer"),
    ({"data": {"id": SID}, "meta": {}}, "'data' (a list of objects), got 'data' as an object"),
    ({"data": [1, 2], "meta": {"total_pages": 1}}, "got 'data' holding a number"),
    ({"data": []}, "'meta' (an object), got an object without 'meta'"),
    ({"data": [], "meta": []}, "got 'meta' as a list"),
])
def test_a_list_page_of_the_wrong_shape_is_an_error(fake_api, body, got):
    fake_api.queue((200, {}, body))
    with pytest.raises(ApiError) as err:
        rooms(fake_api).list_participants(SID)
    assert str(err.value).startswith("GET /v2/room_sessions/%s/participants: expected a JSON object with" % SID)
    assert got in str(err.value)


def test_a_later_page_of_the_wrong_shape_is_an_error(fake_api):
    fake_api.queue((200, {}, {"data": [{"id": "a"}], "meta": {"total_pages": 2, "total_results": 2}}), (200, {}, b""))
    with pytest.raises(ApiError) as err:
        rooms(fake_api).list_sessions(page_size=1)
    assert "got an empty answer" in str(err.value)


@pytest.mark.parametrize("body, got", [
    (b"", "got an empty answer"),
    ({}, "got an object without 'data'"),
    ({"data": []}, "got 'data' as a list"),
    ([{"id": SID}], "got a list"),
])
def test_get_and_find_need_a_session_object(fake_api, body, got):
    fake_api.route = lambda rec: (200, {}, body)
    expected = "GET /v2/room_sessions/%s: expected a JSON object with 'data' (an object), %s" % (SID, got)
    for call in (rooms(fake_api).get_session, rooms(fake_api).find_session):
        with pytest.raises(ApiError) as err:
            call(SID)  # never None: "no such session" is only ever a 404
        assert str(err.value) == expected


def test_each_session_yields_a_page_before_the_next_is_asked_for(fake_api):
    fake_api.route = paged(40)
    sessions = rooms(fake_api).each_session({"active": True})
    assert [next(sessions)["id"] for _n in range(2)] == ["s-1-0", "s-1-1"]
    assert len(fake_api.requests) == 1  # a long listing is never held whole: page 2 waits for the caller
    assert sum(1 for _s in sessions) == 78 and len(fake_api.requests) == 40


# A server that does not page as asked: an error, never a quiet partial list (issue 17) ----------


def ignoring_page_number(total_results, per_page=250, page_number=True):
    """Always the first page, whatever page[number] asks for; meta promises total_results."""
    def answer(rec):
        data = [{"id": "s-1-%d" % i} for i in range(per_page)]
        meta = {"page_size": per_page, "total_pages": -(-total_results // per_page), "total_results": total_results}
        if page_number:
            meta["page_number"] = 1
        return 200, {}, {"data": data, "meta": meta}
    return answer


def test_a_page_that_is_not_the_page_asked_for_is_an_error(fake_api):
    fake_api.route = ignoring_page_number(750)
    with pytest.raises(ApiError) as err:
        rooms(fake_api).list_sessions()
    assert str(err.value).startswith("GET /v2/room_sessions: asked for page 2, the server sent page 1: it does not page as asked")


def test_a_page_that_repeats_what_was_read_is_an_error(fake_api):
    fake_api.route = ignoring_page_number(750, page_number=False)
    with pytest.raises(ApiError) as err:
        rooms(fake_api).list_sessions()
    assert str(err.value).startswith("GET /v2/room_sessions: page 2 repeats 250 items already read")


def test_a_listing_that_ends_short_of_total_results_is_an_error(fake_api):
    fake_api.route = lying({"total_pages": 3, "total_results": 6, "page_size": 2}, pages_with_data=1)
    sessions = rooms(fake_api).each_session()
    with pytest.raises(ApiError) as err:
        list(sessions)
    assert str(err.value) == ("GET /v2/room_sessions: the listing ended with 2 items, but meta.total_results said 6: "
                              "the server does not page as asked; refusing a partial list")


def test_a_first_page_empty_of_promised_sessions_is_an_error(fake_api):
    fake_api.route = lambda rec: (200, {}, {"data": [], "meta": {"total_pages": 3, "total_results": 750}})
    with pytest.raises(ApiError) as err:
        rooms(fake_api).list_sessions()
    assert "the listing ended with 0 items, but meta.total_results said 750" in str(err.value)


def moving(pages, totals):
    """Page n holds the ids pages[n - 1] and reports totals[n - 1]: sessions that moved while we read."""
    def answer(rec):
        number = int(rec.query["page[number]"])
        return 200, {}, {"data": [{"id": i} for i in pages[number - 1]],
                         "meta": {"page_number": number, "page_size": 2, "total_pages": len(pages),
                                  "total_results": totals[number - 1]}}
    return answer


@pytest.mark.parametrize("pages, totals, listed", [
    # One arrived after page 1: page 2 starts with page 1's last again, the last one moved past page 3.
    ([["a", "b"], ["b", "c"], ["d", "e"]], [6, 7, 7], ["a", "b", "c", "d", "e"]),
    # One left after page 1: "c" moved up into page 1, unseen.
    ([["a", "b"], ["d", "e"], ["f"]], [6, 5, 5], ["a", "b", "d", "e", "f"]),
    # Two arrived: all of page 2 was read before, and the totals say two moved.
    ([["a", "b"], ["a", "b"], ["c", "d"]], [6, 8, 8], ["a", "b", "c", "d"]),
])
def test_sessions_that_move_between_pages_while_we_read_are_not_an_error(fake_api, pages, totals, listed):
    fake_api.route = moving(pages, totals)
    assert [s["id"] for s in rooms(fake_api).list_sessions(page_size=2)] == listed
