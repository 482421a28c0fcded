# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A Proxy service given by SID or by unique name, turned into its SID: PRIVATE to commsops.sessions.

The options service_sid and service_sids take either. check_service_refs checks their shape before any
request; service_sids_of resolves them after the client exists and before anything is read or written: a
SID is used as given (no request), every name of one task is found in one listing of the services, and a
name that no service has is refused naming the option and the value. No Ansible.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.commsops.sessions.plugins.module_utils.validation import (
    MAX_IDS, InvalidInput, check_sid, check_unique_name)

_SERVICE_SID_RE = re.compile(r"KS[0-9a-fA-F]{32}")
WHAT = "a Proxy service SID (KS and 32 hexadecimal digits) or a service's unique name"


def is_service_sid(value):
    return isinstance(value, str) and _SERVICE_SID_RE.fullmatch(value) is not None


def check_service_ref(value, option):
    """A service SID, or a text that can be a unique name (not empty, at most 191 characters); checked
    before any request, so bad input never reaches a listing. A value that starts with KS is read as a SID
    and must be one: a SID with a typo (or a newline after it) is refused here, never looked up as a name."""
    if not isinstance(value, str):
        raise InvalidInput("%s must be %s, got %r" % (option, WHAT, value))
    if value.startswith("KS"):
        try:
            return check_sid(value, "KS", option)
        except InvalidInput as exc:
            raise InvalidInput("%s (a value that starts with KS is read as a service SID; any other value is a "
                               "service's unique name)" % exc) from None
    return check_unique_name(value, option)


def check_service_refs(values, option):
    """check_service_ref of each item of a list option; an item is named option[index]."""
    if not isinstance(values, (list, tuple)):
        raise InvalidInput("%s must be a list, each item %s" % (option, WHAT))
    if len(values) > MAX_IDS:
        raise InvalidInput("%s has %d entries; at most %d are accepted in one task" % (option, len(values), MAX_IDS))
    return [check_service_ref(value, "%s[%d]" % (option, index)) for index, value in enumerate(values)]


def service_sids_of(client, values, option):
    """The SID of each item of a list option (service_sids), in order; a refused item is named option[index]."""
    return _resolved(client, [("%s[%d]" % (option, index), value) for index, value in enumerate(values)])


def service_sid_of(client, value, option):
    """The SID of a single option's value (service_sid)."""
    return _resolved(client, [(option, value)])[0]


def _resolved(client, named):
    """The SID of each (option, value), values already checked by check_service_ref.

    One listing at most (client.each_service(), stopped once every name is found), none when every value is
    a SID. Unique names are matched exactly, as the API keeps them."""
    names = set(value for _option, value in named if not is_service_sid(value))
    found = {}
    if names:
        for service in client.each_service():
            name = service.get("unique_name")
            if isinstance(name, str) and name in names:
                found.setdefault(name, service.get("sid"))
                if len(found) == len(names):
                    break
    for option, value in named:
        if not is_service_sid(value) and value not in found:
            raise InvalidInput("%s: no Proxy service has the unique name %r, and it is not a service SID (KS and 32 "
                               "hexadecimal digits); nothing was changed" % (option, value))
    return [value if is_service_sid(value) else found[value] for _option, value in named]
