# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from collection_path import ensure_importable  # noqa: E402  pylint: disable=wrong-import-position

ensure_importable()


def pytest_sessionstart(session):
    """Say before it happens that the docs site check will install Chromium with apt-get (test_docs_site.py's
    browser fixture), since that output would otherwise stay hidden inside a test worker."""
    if hasattr(session.config, "workerinput"):  # an xdist worker: the controller says it once
        return
    docs_test = os.path.join(os.path.dirname(os.path.abspath(__file__)), "test_docs_site.py")
    args = [os.path.abspath(str(arg).split("::", 1)[0]) for arg in session.config.args]
    if not any(docs_test == arg or docs_test.startswith(arg + os.sep) for arg in args):
        return
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "utils"))
    import build_docs  # pylint: disable=import-outside-toplevel

    notice = build_docs.chromium_install_notice()
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if notice and reporter is not None:
        reporter.write_line("== " + notice)
