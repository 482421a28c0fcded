# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every snippet of the documentation runs as written, against an emulator.

The fenced blocks of README.md, docs/guide.md, roles/*/README.md and tests/emulator/README.md whose language is
yaml (a playbook, or a list of tasks, which is run in a play on localhost) or bash/sh/shell (run line after line
with ``set -e``, from the repository root) each run against a fresh emulator started in this process, as the
guide's section 4 leaves it for a reader:

- started with the options of the block's own ``tests/emulator/server.py`` command, or else with the guide's
  (``--seed-room-sessions 50 --seed-proxy-sessions 50``), and the emulator's default credentials, which the docs
  use; its URL replaces ``http://127.0.0.1:8080``;
- loaded with the fixtures the docs give to ``/_emulator/fixtures`` (the guide's section 4: the sessions its
  examples name);
- with the environment the guide's section 4 exports (credentials and base URLs), and this venv on PATH;
- with a HOME of its own (a temporary one): a snippet that installs the collection (the README's "from a checkout")
  must not write into the user's ~/.ansible/collections, where it would shadow the checkout in later runs.

The README's EE commands write .build/ee-dist and .build/ee, as tests/project/test_ee.py does: under pytest -n
such a snippet carries that file's xdist_group, so one worker runs them one after the other.

Lines that start the emulator (it runs in another terminal) or activate the venv are left out. An ``export`` of a
placeholder (a value with ``...``: "put your own key here") keeps the emulator's credentials instead. The readers'
own secrets (``vault_telnyx_api_key``, ``vault_twilio_auth_token``, ``twilio_account_sid``) are a
``secrets.vault.yml`` beside each playbook and its extra vars; ``/var/log/session-cleanup`` (a report directory)
becomes a temporary directory.

A block that is not meant to run says why, in an HTML comment on the line before it:
``<!-- not run: the reason -->``. Keep those few.
"""

import glob
import json
import os
import re
import shlex
import shutil
import subprocess
import tempfile

import pytest
import yaml

from tests.suite.conftest import BIN, ROOT, Emulator
from tests.emulator.cli import DEFAULTS, parse_args

DOCS = ["README.md", "docs/guide.md", "tests/emulator/README.md"] + sorted(
    os.path.relpath(path, ROOT) for path in glob.glob(os.path.join(ROOT, "roles", "*", "README.md")))
RUN = {"yaml": "yaml", "yml": "yaml", "bash": "bash", "sh": "bash", "shell": "bash"}
DOC_URL = re.compile(r"http://(?:127\.0\.0\.1|localhost):8080")
NOT_RUN = re.compile(r"^\s*<!--\s*not run:\s*(?P<reason>.*?)\s*-->\s*$")
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`\s]*)")
STARTS_EMULATOR = re.compile(r"^\s*(?:python3?\s+)?(?:\./)?tests/emulator/server\.py\b")
ACTIVATES_VENV = re.compile(r"^\s*(?:source|\.)\s+\S*\.venv/bin/activate\b")
FIXTURES = re.compile(r"/_emulator/fixtures\b.*?-d\s+'(?P<body>\{.*?\})'", re.S)
# How the guide starts the emulator, for blocks that do not start one themselves.
GUIDE_EMULATOR = ["--seed-room-sessions", "50", "--seed-proxy-sessions", "50"]
EMULATOR_OPTIONS = ("seed_room_sessions", "seed_proxy_sessions", "seed", "latency_ms", "rate_limit", "fault_rate",
                    "max_concurrency")
REPORT_DIR = "/var/log/session-cleanup"
READER_SECRETS = {"vault_telnyx_api_key": DEFAULTS["telnyx_api_key"],
                  "vault_twilio_auth_token": DEFAULTS["twilio_auth_token"],
                  "twilio_account_sid": DEFAULTS["twilio_account_sid"]}
MOST_NOT_RUN = 9


class Snippet:
    def __init__(self, doc, line, lang, text, not_run):
        self.doc, self.line, self.lang, self.text, self.not_run = doc, line, lang, text, not_run

    @property
    def name(self):
        return "%s:%d" % (self.doc, self.line)


def snippets(doc):
    """The fenced blocks of one document (all languages), with the reason of a preceding not-run marker."""
    with open(os.path.join(ROOT, doc), encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    found, number = [], 0
    while number < len(lines):
        match = FENCE.match(lines[number])
        if not match:
            number += 1
            continue
        indent, fence, info = match.group("indent"), match.group("fence"), match.group("info").lower()
        before = [line for line in lines[:number] if line.strip()][-1:] or [""]
        marker = NOT_RUN.match(before[0])
        body, end = [], number + 1
        while end < len(lines) and not lines[end].strip().startswith(fence):
            body.append(lines[end][len(indent):] if lines[end].startswith(indent) else lines[end].lstrip())
            end += 1
        found.append(Snippet(doc, number + 1, info, "\n".join(body) + "\n", marker.group("reason") if marker else None))
        number = end + 1
    return found


def only_starts_the_emulator(snippet):
    """A block that only starts the emulator (in another terminal, the docs say): nothing is left to run here."""
    commands = [line for line in snippet.text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return RUN.get(snippet.lang) == "bash" and all(STARTS_EMULATOR.match(line) or ACTIVATES_VENV.match(line)
                                                   for line in commands)


ALL = [snippet for doc in DOCS for snippet in snippets(doc)]
RUNNABLE = [snippet for snippet in ALL
            if snippet.lang in RUN and snippet.not_run is None and not only_starts_the_emulator(snippet)]


def doc_fixtures():
    """The fixture bodies the docs load into the emulator (curl ... /_emulator/fixtures -d '{...}')."""
    bodies = []
    for snippet in ALL:
        if RUN.get(snippet.lang) == "bash":
            bodies += [json.loads(match.group("body")) for match in FIXTURES.finditer(snippet.text)]
    return bodies


def emulator_for(snippet):
    argv = GUIDE_EMULATOR
    for line in snippet.text.splitlines():
        if STARTS_EMULATOR.match(line):
            argv = shlex.split(line.split(" #", 1)[0])
            argv = argv[argv.index(next(arg for arg in argv if arg.endswith("server.py"))) + 1:]
    parsed = parse_args(argv)
    options = {name: getattr(parsed, name) for name in EMULATOR_OPTIONS}
    emulator = Emulator(**dict(DEFAULTS, **options))
    for body in doc_fixtures():
        emulator.admin("fixtures", body)
    return emulator


def reader_home(tmp):
    home = os.path.join(tmp, "home")
    os.makedirs(home, exist_ok=True)
    return home


def reader_env(emulator, tmp):
    """What a reader who followed the guide's section 4 has in the shell: the venv first on PATH, the
    emulator's credentials and URLs exported."""
    return emulator.env(TELNYX_API_KEY=DEFAULTS["telnyx_api_key"], TWILIO_ACCOUNT_SID=DEFAULTS["twilio_account_sid"],
                        TWILIO_AUTH_TOKEN=DEFAULTS["twilio_auth_token"], HOME=reader_home(tmp),
                        ANSIBLE_LOCAL_TEMP=os.path.join(tmp, "ansible-tmp"))


def adapt(text, emulator, tmp):
    """The snippet as it runs here: the emulator's URL, a temporary report directory."""
    return DOC_URL.sub(emulator.url, text).replace(REPORT_DIR, os.path.join(tmp, "reports"))


def drop_placeholders(line):
    """`export A=x B=...` -> `export A=x`: a placeholder is the reader's own secret; the emulator's stays."""
    if not line.lstrip().startswith("export "):
        return line
    command = line.split(" #", 1)[0]
    words = shlex.split(command)[1:]
    kept = [word for word in words if "..." not in word]
    if len(kept) == len(words):
        return line
    return "export " + " ".join(shlex.quote(word) for word in kept) if kept else ""


def bash_script(snippet, emulator, tmp):
    out = ["set -e -o pipefail"]
    for line in adapt(snippet.text, emulator, tmp).splitlines():
        if STARTS_EMULATOR.match(line) or ACTIVATES_VENV.match(line):
            out.append(": skipped: " + shlex.quote(line.strip()))
            continue
        out.append(drop_placeholders(line))
    return "\n".join(out) + "\n"


def playbook_of(snippet, emulator, tmp):
    data = yaml.safe_load(adapt(snippet.text, emulator, tmp))
    assert isinstance(data, list) and data and all(isinstance(item, dict) for item in data), (
        "%s is a yaml block that is neither a playbook nor a list of tasks: make it one, or mark it "
        "<!-- not run: reason -->" % snippet.name)
    if any("hosts" in item or "import_playbook" in item for item in data):
        return data
    return [{"hosts": "localhost", "gather_facts": False, "tasks": data}]


def run_snippet(snippet, tmp):
    emulator = emulator_for(snippet)
    try:
        env = reader_env(emulator, tmp)
        if RUN[snippet.lang] == "bash":
            cmd = ["bash", "-c", bash_script(snippet, emulator, tmp)]
        else:
            secrets = os.path.join(tmp, "secrets.vault.yml")
            with open(secrets, "w", encoding="utf-8") as handle:
                yaml.safe_dump(READER_SECRETS, handle)
            playbook = os.path.join(tmp, "snippet.yml")
            with open(playbook, "w", encoding="utf-8") as handle:
                yaml.safe_dump(playbook_of(snippet, emulator, tmp), handle, sort_keys=False)
            cmd = [os.path.join(BIN, "ansible-playbook"), playbook, "-e", "@" + secrets]
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=600, check=False)
        requests = emulator.admin("stats")["total"]
    finally:
        emulator.stop()
    return done, requests


def as_param(snippet):
    marks = [pytest.mark.xdist_group("ee")] if ".build/ee" in snippet.text else []
    return pytest.param(snippet, id=snippet.name, marks=marks)


@pytest.mark.parametrize("snippet", [as_param(snippet) for snippet in RUNNABLE])
def test_snippet_runs_as_written_against_the_emulator(snippet, tmp_path):
    if re.search(r"^\s*curl\b", snippet.text, re.M) and not shutil.which("curl"):
        pytest.skip("%s uses curl, which this machine does not have" % snippet.name)
    done, requests = run_snippet(snippet, str(tmp_path))
    output = done.stdout + done.stderr
    assert done.returncode == 0, "%s (%s) failed with %d:\n%s" % (snippet.name, snippet.lang, done.returncode, output[-8000:])
    assert "was not found" not in output and "[ERROR]" not in output, "%s:\n%s" % (snippet.name, output[-8000:])
    if RUN[snippet.lang] == "yaml":
        assert re.search(r"failed=0\b", done.stdout), output[-8000:]
        assert requests > 0, "%s sent no request to the emulator" % snippet.name


def test_the_snippets_are_found_and_few_are_not_run():
    runnable_docs = {snippet.doc for snippet in RUNNABLE}
    assert set(DOCS) == runnable_docs, "documents with no snippet run: %s" % (set(DOCS) - runnable_docs)
    assert any(snippet.lang in ("yaml", "yml") for snippet in RUNNABLE)
    not_run = [snippet for snippet in ALL if snippet.not_run is not None]
    assert len(not_run) <= MOST_NOT_RUN, "more blocks marked not run than expected: %s" % [s.name for s in not_run]
    for snippet in not_run:
        assert len(snippet.not_run.split()) >= 3, "%s: say why it is not run" % snippet.name
        assert snippet.lang in RUN, "%s: only yaml and shell blocks run; it needs no marker" % snippet.name


def test_the_docs_load_the_sessions_their_examples_name():
    bodies = doc_fixtures()
    assert bodies, "docs/guide.md's section 4 loads no /_emulator/fixtures"
    ids = {session["id"] for body in bodies for session in body.get("room_sessions", [])}
    assert "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0" in ids


def test_placeholders_and_emulator_lines_are_left_out():
    assert drop_placeholders("export TELNYX_API_KEY=KEY0123...") == ""
    assert drop_placeholders("export A=1 TWILIO_AUTH_TOKEN=...   # note") == "export A=1"
    assert drop_placeholders("export TELNYX_API_KEY=emulator-telnyx-key") == "export TELNYX_API_KEY=emulator-telnyx-key"
    assert STARTS_EMULATOR.match("python tests/emulator/server.py --port 8080")
    assert STARTS_EMULATOR.match("python3 tests/emulator/server.py --host 127.0.0.1 --port 8080 --seed 3")
    assert ACTIVATES_VENV.match("source .venv/bin/activate")
    markdown = "<!-- not run: an inventory fragment here -->\n\n```yaml\nall: {}\n```\n\n  ```bash\n  echo hi\n  ```\n"
    with tempfile.TemporaryDirectory() as tmp:
        blocks = snippets(os.path.relpath(write(tmp, "x.md", markdown), ROOT))
    found = [(block.lang, block.not_run, block.text) for block in blocks]
    assert found == [("yaml", "an inventory fragment here", "all: {}\n"), ("bash", None, "echo hi\n")]


def write(folder, name, text):
    path = os.path.join(folder, name)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path
