# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.commsops.sessions.plugins.module_utils.validation import (
    InvalidInput, check_sid, check_sid_list, check_unique_name, check_uuid, check_uuid_list, path_segment)

UUID = "0CCC7B54-4DF3-4BCA-A65A-3DA1ECC777F0"


def test_uuid_is_normalised_to_lower_case():
    assert check_uuid(UUID, "room_session_id") == UUID.lower()


@pytest.mark.parametrize("bad", ["../x", UUID + "?a=1", UUID[:-1], 42, None, ""])
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
