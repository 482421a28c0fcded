# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Galaxy accepts the collection: galaxy-importer, the code Galaxy runs on every upload, passes on the tarball
that ``ansible-galaxy collection build`` makes, with no error and no warning (tests/utils/galaxy_import.py)."""

import os
import sys

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "utils"))
import galaxy_import  # noqa: E402  pylint: disable=wrong-import-position

# galaxy-importer's own limit on each entry of galaxy.yml's authors.
MOST_AUTHOR_CHARS = 64


def test_each_author_fits_galaxys_limit():
    with open(os.path.join(ROOT, "galaxy.yml")) as handle:
        authors = yaml.safe_load(handle)["authors"]
    assert authors
    assert [a for a in authors if len(a) > MOST_AUTHOR_CHARS] == []


def test_problems_catches_errors_warnings_and_a_missing_success_line():
    clean = "Importing with galaxy-importer\nLoading module x\n%s\n" % galaxy_import.DONE
    assert galaxy_import.problems(clean) == []
    warned = clean + "WARNING: roles/x/tasks/main.yml:3: name[missing]: All tasks should be named.\n"
    assert galaxy_import.problems(warned) == ["WARNING: roles/x/tasks/main.yml:3: name[missing]: All tasks should be named."]
    refused = "ERROR: The import failed for the following reason: Invalid collection metadata.\n"
    assert galaxy_import.problems(refused)[0].startswith("ERROR: The import failed")
    assert len(galaxy_import.problems(refused)) == 2  # and no success line


def test_galaxy_importer_passes_on_the_built_tarball_with_no_error_and_no_warning(tmp_path):
    try:
        venv_python = galaxy_import.importer_venv(galaxy_import.default_venv())
    except RuntimeError as exc:  # no package index: say so rather than pass
        pytest.fail("could not install %s: %s" % (galaxy_import.IMPORTER, exc))
    tarball = galaxy_import.build(ROOT, str(tmp_path / "dist"))
    code, output = galaxy_import.run_importer(venv_python, tarball, str(tmp_path))
    assert code == 0, output
    assert galaxy_import.problems(output) == [], output
    # It really linted and documented the collection, not an empty tarball.
    assert "Linting collection via ansible-lint" in output and "Loading module room_session_action" in output
