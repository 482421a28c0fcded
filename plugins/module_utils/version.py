# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The collection's name and version, for the User-Agent: PRIVATE to commsops.sessions.

galaxy.yml is not shipped to the hosts modules run on, so the version is written here once;
tests/project/test_build.py keeps it equal to galaxy.yml's.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

COLLECTION_NAME = "commsops.sessions"
COLLECTION_VERSION = "0.2.0"
