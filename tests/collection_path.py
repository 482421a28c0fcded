# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Make ``ansible_collections.commsops.sessions`` importable from a plain checkout.

The repository root is the collection root, so plain pytest cannot import it by its collection name.
When the import does not work already (ansible-test and installed copies make it work), link the
checkout into a temporary ``ansible_collections/commsops/sessions`` tree and put that on sys.path.
"""

import hashlib
import importlib
import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAMESPACE, NAME = "commsops", "sessions"


def _importable():
    try:
        importlib.import_module("ansible_collections.%s.%s" % (NAMESPACE, NAME))
        return True
    except ImportError:
        return False


def collections_tree():
    """A directory whose ansible_collections/commsops/sessions links to this checkout (for ANSIBLE_COLLECTIONS_PATH)."""
    # One tree per checkout, so that two checkouts tested at once never borrow each other's code.
    checkout = hashlib.sha1(os.path.realpath(ROOT).encode()).hexdigest()[:10]
    tree = os.path.join(tempfile.gettempdir(), "collections-%s-%s-%d-%s" % (NAMESPACE, NAME, os.getuid(), checkout))
    link = os.path.join(tree, "ansible_collections", NAMESPACE, NAME)
    os.makedirs(os.path.dirname(link), exist_ok=True)
    if os.path.realpath(link) != os.path.realpath(ROOT):
        # Made aside and renamed into place: two test workers (pytest -n) may get here at once.
        aside = "%s.%d" % (link, os.getpid())
        if os.path.lexists(aside):
            os.remove(aside)
        os.symlink(ROOT, aside)
        os.replace(aside, link)
    return tree


def ensure_importable():
    if _importable():
        return
    sys.path.insert(0, collections_tree())
    for module in [m for m in sys.modules if m == "ansible_collections" or m.startswith("ansible_collections.")]:
        del sys.modules[module]
