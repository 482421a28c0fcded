# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

import pytest

from ansible_collections.commsops.sessions.plugins.module_utils.timefilter import (
    TimeWindow, UnreadableTimestamp, parse_bound, parse_instant, to_utc_string)
from ansible_collections.commsops.sessions.plugins.module_utils.validation import InvalidInput

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize("text, expected", [
    ("2026-11-01T08:00:00Z", datetime.datetime(2026, 11, 1, 8, 0, tzinfo=UTC)),
    ("2026-11-01T08:00:00+02:00", datetime.datetime(2026, 11, 1, 6, 0, tzinfo=UTC)),
    ("2026-11-01T08:00:00.123456789-0130", datetime.datetime(2026, 11, 1, 9, 30, 0, 123456, tzinfo=UTC)),
    ("2026-11-01 08:00", datetime.datetime(2026, 11, 1, 8, 0, tzinfo=UTC)),
    ("2026-11-01", None), ("yesterday", None), ("", None),
])
def test_parse_instant(text, expected):
    assert parse_instant(text) == expected


def test_window_narrows_by_date_on_the_server_and_exactly_on_the_client():
    window = TimeWindow("created_at", {"gte": "2026-11-01T08:00:00+02:00", "lte": "2026-11-20"}, "created_at")
    assert window.server_dates() == {"gte": "2026-11-01", "lte": "2026-11-20"}
    assert not window.matches("2026-11-01T05:59:59Z")
    assert window.matches("2026-11-01T06:00:00Z")
    assert window.matches("2026-11-20T23:59:59.999999Z")  # a date bound covers its whole day
    assert not window.matches("2026-11-21T00:00:00Z")
    assert not window.matches(None)


def test_eq_instant_matches_to_the_second_given():
    window = TimeWindow("ended_at", {"eq": "2026-11-01T08:00:00Z"}, "ended_at")
    assert window.matches("2026-11-01T08:00:00.734Z")
    assert not window.matches("2026-11-01T08:00:01Z")


def test_relative_bounds_are_taken_from_now():
    window = TimeWindow("created_at", {"lte": "now-2h"}, "select.created_at", now=NOW)
    assert window.server_dates() == {"lte": "2026-11-23"}
    assert window.matches("2026-11-23T09:59:59Z")
    assert not window.matches("2026-11-23T10:00:01Z")


def test_date_objects_from_lookups_are_accepted():
    window = TimeWindow("created_at", {"gte": datetime.date(2026, 11, 2)}, "created_at")
    assert window.server_dates() == {"gte": "2026-11-02"}
    assert window.matches("2026-11-02T00:00:00Z") and not window.matches("2026-11-01T23:59:59Z")


@pytest.mark.parametrize("spec, message", [
    ({"gt": "2026-11-01"}, "select.created_at has unknown key(s) gt"),
    ({"lte": "last week"}, "select.created_at.lte must be a date"),
    ({"lte": 5}, "select.created_at.lte must be a date"),
    ("2026-11-01", "select.created_at must be a dictionary"),
])
def test_bad_windows_name_the_option(spec, message):
    with pytest.raises(InvalidInput) as err:
        TimeWindow("created_at", spec, "select.created_at")
    assert str(err.value).startswith(message)


def test_to_utc_string():
    assert to_utc_string("2026-12-01T12:30:00+02:00", "date_expiry") == "2026-12-01T10:30:00Z"
    assert to_utc_string("2026-12-01", "date_expiry") == "2026-12-01T00:00:00Z"
    with pytest.raises(InvalidInput, match="^date_expiry must be"):
        to_utc_string("soon", "date_expiry")


@pytest.mark.parametrize("text", [
    "2026-11-01T08:00:00+25:00", "2026-11-01T08:00:00+24:00", "2026-11-01T08:00:00+05:60", "2026-13-01T00:00:00Z",
    "2026-02-30T00:00:00Z", "0000-01-01T00:00:00Z", "2026-11-01T24:00:00Z", "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:00:00-02:00", "2026-11-01T08:00:00Zjunk", None, 5])
def test_impossible_timestamps_are_not_timestamps(text):
    assert parse_instant(text) is None


def test_the_largest_offsets_are_taken():
    assert parse_instant("2026-11-01T23:59:00+23:59") == datetime.datetime(2026, 11, 1, 0, 0, tzinfo=UTC)
    assert parse_instant("2026-11-01T00:00:00-23:59") == datetime.datetime(2026, 11, 1, 23, 59, tzinfo=UTC)


@pytest.mark.parametrize("bound", [
    "now-99999999999d", "now+99999999999d", "now-" + "9" * 5000 + "w", "now-36601d", "now - 5300w"])
def test_moments_too_far_from_now_name_the_option(bound):
    with pytest.raises(InvalidInput, match="^select.created_at.lte must be at most 100 years, got "):
        TimeWindow("created_at", {"lte": bound}, "select.created_at", now=NOW)


def test_a_century_back_is_still_fine():
    assert parse_bound("now-36600d", "x", now=NOW) == (None, NOW - datetime.timedelta(days=36600))


@pytest.mark.parametrize("bound", [
    "0000-01-01", "2026-13-01", "2026-02-30", "2026-11-01T08:00:00+25:00", "2026-11-01T24:00:00Z",
    "now-2h trailing", "2026-11-01x", True, 1.5, 20261101, ["2026-11-01"]])
def test_impossible_bounds_name_the_option(bound):
    with pytest.raises(InvalidInput, match="^select.created_at.gte must be a date"):
        TimeWindow("created_at", {"gte": bound}, "select.created_at", now=NOW)


@pytest.mark.parametrize("value", ["2026-11-01T08:00:00+25:00", "2026-13-01T00:00:00Z", "yesterday", 1767225600, ["x"]])
def test_a_timestamp_from_the_server_that_cannot_be_read_fails_naming_the_field(value):
    window = TimeWindow("created_at", {"gte": "2026-11-01"}, "created_at")
    with pytest.raises(UnreadableTimestamp) as err:
        window.matches(value)
    assert "the server sent created_at=%r, which is not an ISO 8601 timestamp" % (value,) in str(err.value)


@pytest.mark.parametrize("value", [None, ""])
def test_a_missing_timestamp_is_in_no_window(value):
    assert not TimeWindow("ended_at", {"lte": "2026-11-01"}, "ended_at").matches(value)
    assert TimeWindow("ended_at", {}, "ended_at").matches("not even a timestamp")  # an empty window reads nothing
