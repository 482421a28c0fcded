# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""make test says which stage runs and how long each took, closes on pytest's line, and runs pytest in parallel."""

import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "tests", "utils", "run_stages.py")
# Stands in for make: prints the stage it was asked for; the stage "bad" fails.
FAKE_MAKE = """import sys
stage = sys.argv[2]
print("ran " + stage + " " + sys.argv[3])
sys.exit(3 if stage == "bad" else 0)
"""


def run_stages(tmp_path, *stages):
    fake = tmp_path / "fake_make.py"
    fake.write_text(FAKE_MAKE)
    launcher = tmp_path / "make"
    launcher.write_text("#!/bin/sh\nexec %s %s \"$@\"\n" % (sys.executable, fake))
    launcher.chmod(0o755)
    summary = tmp_path / "pytest.log"
    summary.write_text("....\n\n12 passed, 1 skipped in 3.21s\n")
    return subprocess.run([sys.executable, SCRIPT, "--make", str(launcher), "--summary", str(summary)] + list(stages),
                          capture_output=True, text=True, timeout=60, check=False)


def test_each_stage_is_named_timed_and_the_last_line_is_pytests(tmp_path):
    done = run_stages(tmp_path, "sanity", "pytest")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[:4] == ["== stage sanity (1/2)", "ran sanity STAGED=1", "== stage pytest (2/2)", "ran pytest STAGED=1"]
    assert re.match(r"^   sanity +\d+ s  passed$", lines[5]) and re.match(r"^   pytest +\d+ s  passed$", lines[6])
    assert lines[-2:] == ["== make test: all passed; pytest said:", "12 passed, 1 skipped in 3.21s"]


def test_a_failed_stage_stops_the_run_with_the_table_so_far(tmp_path):
    done = run_stages(tmp_path, "units", "bad", "pytest")
    assert done.returncode == 3
    assert "ran pytest" not in done.stdout
    assert re.search(r"^   bad +\d+ s  FAILED \(exit 3\)$", done.stdout, re.M)
    assert done.stdout.splitlines()[-1] == "== make test: stage bad failed"


def test_make_test_runs_the_stages_and_pytest_in_parallel_last():
    with open(os.path.join(ROOT, "Makefile")) as handle:
        makefile = handle.read()
    stages = re.search(r"^TEST_STAGES := (.*)$", makefile, re.M).group(1).split()
    assert stages[0] == "venv" and stages[-1] == "pytest"
    assert "tests/utils/run_stages.py" in makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    pytest_recipe = makefile.split("\npytest: venv\n", 1)[1].split("\n\n", 1)[0]
    assert "-n $(PYTEST_WORKERS) --dist loadgroup" in pytest_recipe


def test_tests_of_one_xdist_group_run_on_one_worker(tmp_path):
    """make test's pytest runs with --dist loadgroup: the tests that share a directory (the ee, the docs site,
    the doc snippets) carry one xdist_group and must run on one worker. pytest 9 with pytest-xdist 3.8 drops
    the groups silently (requirements-dev.txt pins pytest below 9 for that)."""
    (tmp_path / "test_grouped.py").write_text(
        "import os\nimport pytest\n\npytestmark = pytest.mark.xdist_group('shared')\n\n\n"
        "@pytest.mark.parametrize('number', range(6))\ndef test_worker(number):\n"
        "    print(number, os.environ['PYTEST_XDIST_WORKER'])\n")
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "2", "--dist", "loadgroup",
                           "-v", str(tmp_path / "test_grouped.py")], capture_output=True, text=True, cwd=str(tmp_path),
                          timeout=120, check=False)
    assert done.returncode == 0, done.stdout[-2000:]
    workers = set(re.findall(r"\[(gw\d+)\] .*PASSED", done.stdout))
    assert len(workers) == 1, done.stdout[-2000:]
