# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Credentials and base URL of every Telnyx module and lookup; the HTTP options are the http_options fragment's.
    DOCUMENTATION = r"""
options:
  api_key:
    description:
      - Telnyx API v2 key, sent as a bearer token.
      - Required. When this option is not set, the E(TELNYX_API_KEY) environment variable is used; without
        either, the task fails naming both, before any request.
    type: str
  base_url:
    description:
      - Base URL of the Telnyx API, including the C(/v2) path.
      - Point it at the collection's emulator (C(http://127.0.0.1:PORT/v2)) to try playbooks without an account.
      - For modules, the E(TELNYX_BASE_URL) environment variable is used when this option is not set.
    type: str
    default: https://api.telnyx.com/v2
seealso:
  - name: Telnyx Video room sessions API
    description: The API these modules use.
    link: https://developers.telnyx.com/api-reference/room-sessions/view-a-list-of-room-sessions
"""

    # Lookups read these options, and the http_options fragment's, from keyword arguments, variables or the environment.
    PLUGINS = r"""
options:
  api_key:
    env:
      - name: TELNYX_API_KEY
    vars:
      - name: telnyx_api_key
  base_url:
    env:
      - name: TELNYX_BASE_URL
    vars:
      - name: telnyx_base_url
  timeout:
    vars:
      - name: telnyx_timeout
  validate_certs:
    vars:
      - name: telnyx_validate_certs
  max_retries:
    vars:
      - name: telnyx_max_retries
  max_retry_wait:
    vars:
      - name: telnyx_max_retry_wait
  concurrency:
    vars:
      - name: telnyx_concurrency
  max_concurrency:
    vars:
      - name: telnyx_max_concurrency
"""
