# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What every lookup of the collection shares: PRIVATE to commsops.sessions."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

from ansible_collections.commsops.sessions.plugins.module_utils.api_error import ApiError
from ansible_collections.commsops.sessions.plugins.module_utils.http_layer import HAS_REQUESTS
from ansible_collections.commsops.sessions.plugins.module_utils.validation import InvalidInput, check_bool

BOOL_TYPES = ("bool", "boolean")


class SessionsLookupBase(LookupBase):
    """Options come from keyword arguments, variables or the environment (the config manager
    resolves them from DOCUMENTATION); errors become AnsibleLookupError without a traceback."""

    def run_with(self, terms, variables, kwargs, client_factory, fetch):
        if terms:
            raise AnsibleLookupError("this lookup takes keyword arguments only, got terms %r" % (terms,))
        variables = self.option_variables(variables, kwargs)
        try:
            self.check_keywords(kwargs, variables)
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

    def option_variables(self, variables, kwargs):
        """The variables the options are read from, templated the way a module's arguments are.

        A lookup gets the play's variables as they were written (ansible-core 2.17 to 2.21), so
        ``telnyx_api_key: "{{ vault_telnyx_api_key }}"`` would reach the API as that text. Only the variables
        named in the options' ``vars`` are taken (not those of options given as keywords, which win), and each
        is templated with the task's templar: a template renders, a vaulted value decrypts, an undefined
        variable is an error. Without a templar (a plugin made outside a play) they are taken as they are.
        """
        taken = {}
        if not variables:
            return taken
        for option, definition in self.option_definitions.items():
            if option in kwargs:
                continue
            for var in definition.get("vars") or []:
                name = var["name"]
                if name in taken or name not in variables:
                    continue
                value = variables[name]
                if self._templar is not None:
                    value = self._templar.template(value)
                taken[name] = value
        return taken

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
                # Still a template: there was no templar to render it, and the config manager would read it as false.
                if isinstance(value, str) and "{{" in value:
                    raise InvalidInput("%s must be a literal true or false (a lookup does not template it), got %r"
                                       % (var["name"], value))
                if value is not None:
                    check_bool(value, var["name"])
