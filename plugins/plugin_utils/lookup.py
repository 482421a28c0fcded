# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What every lookup of the collection shares: PRIVATE to commsops.sessions."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

from ansible_collections.commsops.sessions.plugins.module_utils.http_layer import ApiError, HAS_REQUESTS
from ansible_collections.commsops.sessions.plugins.module_utils.validation import InvalidInput, check_bool

BOOL_TYPES = ("bool", "boolean")


class SessionsLookupBase(LookupBase):
    """Options come from keyword arguments, variables or the environment (the config manager
    resolves them from DOCUMENTATION); errors become AnsibleLookupError without a traceback."""

    def run_with(self, terms, variables, kwargs, client_factory, fetch):
        if terms:
            raise AnsibleLookupError("this lookup takes keyword arguments only, got terms %r" % (terms,))
        try:
            self.check_keywords(kwargs, variables or {})
        except InvalidInput as exc:
            raise AnsibleLookupError(str(exc))
        self.set_options(var_options=variables, direct=kwargs)
        if not HAS_REQUESTS:
            raise AnsibleLookupError("the Python library 'requests' is required on the controller")
        try:
            client = client_factory(self.get_option)
            try:
                return fetch(client)
            finally:
                client.http.close()
        except (InvalidInput, ApiError) as exc:
            raise AnsibleLookupError(str(exc))

    def check_keywords(self, kwargs, variables):
        """Refuse what the config manager would quietly accept and so widen the selection:
        an unknown keyword (actve=false is dropped) or a loose boolean (active='maybe' becomes false)."""
        definitions = self.option_definitions
        unknown = sorted(set(kwargs) - set(definitions))
        if unknown:
            raise InvalidInput("unknown keyword argument(s) %s; valid ones are %s"
                               % (", ".join(unknown), ", ".join(sorted(definitions))))
        for name, definition in definitions.items():
            if definition.get("type") not in BOOL_TYPES:
                continue
            if name in kwargs:
                check_bool(kwargs[name], name)
                continue
            for var in definition.get("vars") or []:
                value = variables.get(var["name"])
                # Lookups get variables untemplated, and the config manager would read '{{ x }}' as false.
                if isinstance(value, str) and "{{" in value:
                    raise InvalidInput("%s must be a literal true or false (a lookup does not template it), got %r"
                                       % (var["name"], value))
                if value is not None:
                    check_bool(value, var["name"])
