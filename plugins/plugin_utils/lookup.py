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
from ansible_collections.commsops.sessions.plugins.module_utils.validation import InvalidInput


class SessionsLookupBase(LookupBase):
    """Options come from keyword arguments, variables or the environment (the config manager
    resolves them from DOCUMENTATION); errors become AnsibleLookupError without a traceback."""

    def run_with(self, terms, variables, kwargs, client_factory, fetch):
        if terms:
            raise AnsibleLookupError("this lookup takes keyword arguments only, got terms %r" % (terms,))
        self.set_options(var_options=variables, direct=kwargs)
        if not HAS_REQUESTS:
            raise AnsibleLookupError("the Python library 'requests' is required on the controller")
        try:
            client = client_factory(self.get_option)
            try:
                return fetch(client)
            finally:
                client.http.close()
        except (InvalidInput, ValueError) as exc:
            raise AnsibleLookupError(str(exc))
        except ApiError as exc:
            raise AnsibleLookupError(str(exc))
