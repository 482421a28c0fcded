# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The HTTP options of every module and lookup, whichever the vendor (options.py checks them in one place).
    # The lookups' variable names (telnyx_timeout, twilio_timeout...) are the vendor fragments' PLUGINS.
    DOCUMENTATION = r"""
options:
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
        temporary server error (408, 500, 502, 503, 504). Only requests that are safe to repeat are retried; a
        create (M(commsops.sessions.proxy_session)) only when it has a unique name, which the retry looks up first
        so a create that succeeded is not made twice.
      - Waits follow the server's C(Retry-After), C(retry-after-ms) or C(x-ratelimit-reset) header, else an
        exponential backoff with jitter.
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
"""
