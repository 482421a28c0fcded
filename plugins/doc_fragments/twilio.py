# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Connection options of every Twilio Proxy module and lookup.
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
  timeout:
    description:
      - The most seconds one request may take, from connecting to the last byte of the answer, headers included.
      - A number, or a string of ASCII digits with an optional decimal point, from above 0 to 3600.
    type: raw
    default: 30
  validate_certs:
    description:
      - Verify the server's TLS certificate. Turn off only for a server you trust, such as a local test server.
    type: bool
    default: true
  max_retries:
    description:
      - How many times a request is retried after a connection error, a rate limit (HTTP 429) or a
        temporary server error (408, 500, 502, 503, 504). Only requests that are safe to repeat are retried;
        a session create is retried only when it has a unique name, and the retry first looks that name up
        so a create that succeeded is not made twice.
      - Waits follow the server's C(Retry-After) or C(retry-after-ms) header, else an exponential backoff with jitter.
      - A whole number from 0 to 100 (ASCII digits when given as a string).
    type: raw
    default: 5
  max_retry_wait:
    description:
      - The most seconds spent waiting between retries of one request. When the next wait would go past it,
        the request fails with the last error.
      - A number from 0 to 86400 (ASCII digits with an optional decimal point when given as a string).
    type: raw
    default: 60
  concurrency:
    description:
      - How many requests this task keeps in flight at once, for bulk actions, page fetches and participant
        listings alike (one limit per task).
      - V(auto) finds the server's limit by itself. It starts at 8, grows while answers come back well, drops
        just below the level the server accepted on a 429, halves on a 503, shrinks when latency rises well above
        its minimum, and never goes past O(max_concurrency). A rate limit answered with 429 slows the task down;
        it does not use up O(max_retries).
      - A whole number from 1 to 256 pins it (ASCII digits when given as a string).
    type: raw
    default: auto
  max_concurrency:
    description:
      - The most requests in flight that O(concurrency=auto) may reach, from 1 to 256. The default, 64, is far
        above what one task needs to reach either API's limit, and still polite.
    type: raw
    default: 64
requirements:
  - requests
seealso:
  - name: Twilio Proxy Session resource
    description: The API these modules use.
    link: https://www.twilio.com/docs/proxy/api/session
"""

    # Lookups read the same options from keyword arguments, variables or the environment.
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
