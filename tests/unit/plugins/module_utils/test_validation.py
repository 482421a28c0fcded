# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.commsops.sessions.plugins.module_utils.timefilter import parse_bound, parse_instant
from ansible_collections.commsops.sessions.plugins.module_utils.validation import (
    InvalidInput, check_bool, check_int_range, check_keys, check_seconds, check_sid, check_sid_list, check_unique_name,
    check_uuid, check_uuid_list, option_number, parse_number, path_segment)

UUID = "0CCC7B54-4DF3-4BCA-A65A-3DA1ECC777F0"


def test_uuid_is_normalised_to_lower_case():
    assert check_uuid(UUID, "room_session_id") == UUID.lower()


@pytest.mark.parametrize("bad", ["../x", UUID + "?a=1", UUID[:-1], 42, None, "", UUID + "\n", "\n" + UUID, UUID + "\r\n"])
def test_bad_uuids(bad):
    with pytest.raises(InvalidInput, match="^room_session_id must be a UUID"):
        check_uuid(bad, "room_session_id")


def test_lists_name_the_bad_entry_and_are_bounded():
    with pytest.raises(InvalidInput, match=r"^room_session_ids\[1\] must be a UUID"):
        check_uuid_list([UUID, "nope"], "room_session_ids")
    with pytest.raises(InvalidInput, match="at most 2"):
        check_uuid_list([UUID] * 3, "room_session_ids", limit=2)
    with pytest.raises(InvalidInput, match=r"^sids\[0\] must be KC"):
        check_sid_list(["KS" + "0" * 32], "KC", "sids")


def test_sids():
    assert check_sid("KC" + "aB" * 16, "KC", "sid")
    with pytest.raises(InvalidInput, match="^sid must be KC followed by 32 hexadecimal digits"):
        check_sid("KC" + "g" * 32, "KC", "sid")


def test_unique_name_length():
    assert check_unique_name("x" * 191)
    with pytest.raises(InvalidInput, match="^unique_name is 192 characters long"):
        check_unique_name("x" * 192)


@pytest.mark.parametrize("value, encoded", [
    ("order 1", "order%201"), ("a/../b", "a%2F..%2Fb"), ("..", "%2E%2E"), ("x?y#z", "x%3Fy%23z")])
def test_path_segment_cannot_change_the_url(value, encoded):
    assert path_segment(value) == encoded


@pytest.mark.parametrize("prefix", ["KS", "KC", "KP", "PN"])
def test_a_trailing_newline_is_not_part_of_a_sid(prefix):
    sid = prefix + "0" * 32
    assert check_sid(sid, prefix, "sid") == sid
    with pytest.raises(InvalidInput, match=r"^sid must be %s followed by 32 hexadecimal digits, got '%s\\n'" % (prefix, sid)):
        check_sid(sid + "\n", prefix, "sid")


@pytest.mark.parametrize("value, expected", [
    (True, True), (False, False), ("yes", True), ("On", True), ("TRUE", True), ("1", True),
    ("no", False), ("off", False), ("False", False), ("0", False)])
def test_booleans(value, expected):
    assert check_bool(value, "select.active") is expected


@pytest.mark.parametrize("value", ["maybe", "", "y", "t", " yes", 1, 0, 2, 1.0, None, [], {}])
def test_anything_else_is_not_a_boolean(value):
    with pytest.raises(InvalidInput, match="^select.active must be true or false, got "):
        check_bool(value, "select.active")


@pytest.mark.parametrize("value, minimum, maximum", [(1, 1, 32), (32, 1, 32), (0, 0, None), (10 ** 9, 0, None)])
def test_int_in_range(value, minimum, maximum):
    assert check_int_range(value, "concurrency", minimum, maximum) == value


@pytest.mark.parametrize("value, minimum, maximum, message", [
    (0, 1, 32, "concurrency must be between 1 and 32, got 0"),
    (33, 1, 32, "concurrency must be between 1 and 32, got 33"),
    (-1, 0, None, "concurrency must be 0 or more, got -1"),
    (True, 0, None, "concurrency must be a whole number, got True"),
    (8.0, 1, 32, "concurrency must be a whole number, got 8.0"),
    ("8", 1, 32, "concurrency must be a whole number, got '8'"),
    (None, 1, 32, "concurrency must be a whole number, got None"),
])
def test_int_out_of_range_or_not_an_int(value, minimum, maximum, message):
    with pytest.raises(InvalidInput) as err:
        check_int_range(value, "concurrency", minimum, maximum)
    assert str(err.value) == message


@pytest.mark.parametrize("value, allow_zero", [(0, True), (0.5, False), (3600, False), (3600.0, True)])
def test_seconds_in_range(value, allow_zero):
    assert check_seconds(value, "timeout", 3600, allow_zero) == value


@pytest.mark.parametrize("value, allow_zero, message", [
    (float("nan"), True, "timeout must be a finite number of seconds, got nan"),
    (float("inf"), True, "timeout must be a finite number of seconds, got inf"),
    (float("-inf"), True, "timeout must be a finite number of seconds, got -inf"),
    (True, True, "timeout must be a finite number of seconds, got True"),
    ("30", True, "timeout must be a finite number of seconds, got '30'"),
    (0, False, "timeout must be greater than 0 and at most 3600 seconds, got 0"),
    (-1, True, "timeout must be 0 or more and at most 3600 seconds, got -1"),
    (1e9, True, "timeout must be 0 or more and at most 3600 seconds, got 1000000000.0"),
])
def test_seconds_out_of_range_or_not_a_number(value, allow_zero, message):
    with pytest.raises(InvalidInput) as err:
        check_seconds(value, "timeout", 3600, allow_zero)
    assert str(err.value) == message


def test_unknown_keys_that_are_not_strings_are_named_too():
    with pytest.raises(InvalidInput, match=r"^select has unknown key\(s\) 5, colour; use status"):
        check_keys({5: "x", "colour": "red", "status": "open"}, ("status",), "select")


# One way to read a number: ASCII digits only, from a header, a body or an option -----------------


@pytest.mark.parametrize("text, decimal, number", [
    ("0", False, 0), ("42", False, 42), (" 7\t", False, 7), ("007", False, 7),
    ("2.5", True, 2.5), ("3", True, 3.0), (".5", True, 0.5), ("5.", True, 5.0),
])
def test_ascii_digits_are_numbers(text, decimal, number):
    parsed = parse_number(text, decimal)
    assert parsed == number and type(parsed) is type(number)


@pytest.mark.parametrize("text", [
    "²", "１", "٣", "１５００", "1_0", "1e3", "-1", "+1", "0x10", "inf", "nan", "", " ", "1 2", "1.5.2", "1,5",
    "5\n5", "9" * 31, None, 5, 2.5, True,
])
@pytest.mark.parametrize("decimal", [False, True])
def test_anything_else_is_no_number(text, decimal):
    assert parse_number(text, decimal) is None


def test_a_decimal_point_only_where_allowed():
    assert parse_number("2.5") is None and parse_number("2.5", decimal=True) == 2.5


@pytest.mark.parametrize("value, decimal, expected", [
    ("8", False, 8), ("2.5", True, 2.5), ("30", True, 30), ("²", False, "²"), ("１", True, "１"), (8, False, 8),
    (2.5, True, 2.5), (None, False, None),
])
def test_option_number_reads_text_and_leaves_the_rest_to_the_check(value, decimal, expected):
    assert option_number(value, decimal) == expected


@pytest.mark.parametrize("text", ["now-٣h", "now-１d", "٢٠٢٦-11-01", "2026-11-01T0８:00:00Z", "2026-11-01T08:00:00+0٢:00"])
def test_time_bounds_take_ascii_digits_only(text):
    with pytest.raises(InvalidInput, match="^created_at.lte must be"):
        parse_bound(text, "created_at.lte")
    assert parse_instant(text) is None
