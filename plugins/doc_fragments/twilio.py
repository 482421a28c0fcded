# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Credentials and base URL of every Twilio Proxy module and lookup; the HTTP options are the http_options fragment's.
    DOCUMENTATION = r"""
options:
  account_sid:
    description:
      - Twilio Account SID (C(AC...)). With O(auth_token) it is the HTTP basic auth user.
      - For modules, the E(TWILIO_ACCOUNT_SID) environment variable is used when this option is not set.
    type: str
  auth_token:
    description:
      - Auth Token of the account. Give either O(account_sid) and O(auth_token), or O(api_key) and O(api_secret).
      - For modules, the E(TWILIO_AUTH_TOKEN) environment variable is used when this option is not set.
    type: str
  api_key:
    description:
      - SID of an API key (C(SK...)). When set, O(api_key) and O(api_secret) authenticate instead of the Auth Token.
      - For modules, the E(TWILIO_API_KEY) environment variable is used when this option is not set.
    type: str
  api_secret:
    description:
      - Secret of the API key O(api_key).
      - For modules, the E(TWILIO_API_SECRET) environment variable is used when this option is not set.
    type: str
  base_url:
    description:
      - Base URL of the Twilio Proxy API, without the C(/v1) path.
      - Point it at the collection's emulator (C(http://127.0.0.1:PORT)) to try playbooks without an account.
      - For modules, the E(TWILIO_PROXY_BASE_URL) environment variable is used when this option is not set.
    type: str
    default: https://proxy.twilio.com
seealso:
  - name: Twilio Proxy Session resource
    description: The API these modules use.
    link: https://www.twilio.com/docs/proxy/api/session
"""

    # Lookups read these options, and the http_options fragment's, from keyword arguments, variables or the environment.
    PLUGINS = r"""
options:
  account_sid:
    env:
      - name: TWILIO_ACCOUNT_SID
    vars:
      - name: twilio_account_sid
  auth_token:
    env:
      - name: TWILIO_AUTH_TOKEN
    vars:
      - name: twilio_auth_token
  api_key:
    env:
      - name: TWILIO_API_KEY
    vars:
      - name: twilio_api_key
  api_secret:
    env:
      - name: TWILIO_API_SECRET
    vars:
      - name: twilio_api_secret
  base_url:
    env:
      - name: TWILIO_PROXY_BASE_URL
    vars:
      - name: twilio_proxy_base_url
  timeout:
    vars:
      - name: twilio_timeout
  validate_certs:
    vars:
      - name: twilio_validate_certs
  max_retries:
    vars:
      - name: twilio_max_retries
  max_retry_wait:
    vars:
      - name: twilio_max_retry_wait
  concurrency:
    vars:
      - name: twilio_concurrency
  max_concurrency:
    vars:
      - name: twilio_max_concurrency
"""
