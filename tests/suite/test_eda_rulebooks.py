# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The example rulebooks (extensions/eda/rulebooks/) run by the REAL ansible-rulebook against the emulator.

ansible-rulebook 1.3.2 lives in a venv of its own (tests/utils/rulebook.py: .build/rulebook-venv, or
$RULEBOOK_VENV; installed once) and needs Java 17: without java these tests skip, saying so, and only then. The
collection is installed from the tarball of this checkout into a collections path of its own, so the rulebooks,
their sources and modules are found by FQCN exactly as an installed collection offers them.

Each test starts the emulator (in this process: it pushes the webhooks), then ansible-rulebook (stopped by its
process group id; every wait is bounded), makes something happen in the emulator, and checks its effect there: a
session ended, a participant kicked, a Proxy session closed. Bad requests to a listener must be refused and fire
nothing. No assertion depends on time: waits poll for an outcome, up to a bound meant only for a broken run.
"""

import base64
import datetime
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
import yaml

from tests.suite.conftest import SECRETS, Emulator
from collection_path import ROOT

sys.path.insert(0, os.path.join(ROOT, "tests", "utils"))
import rulebook as rulebook_utils  # noqa: E402  pylint: disable=wrong-import-position

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

# One worker runs them all: they share the rulebook venv (built once, under a lock) and each starts a JVM.
pytestmark = pytest.mark.xdist_group("eda-rulebooks")

WAIT = 90  # seconds: the bound of any wait, for a broken run only
SEED = base64.b64encode(bytes(range(32))).decode()  # the emulator's Ed25519 key, known here to sign test requests
SERVICE = "KS%032d" % 42
LIMIT = 4  # max_session_seconds of the webhook test: longer than the playbook takes to start


@pytest.fixture(scope="module")
def rulebook_env(tmp_path_factory):
    """The environment to run ansible-rulebook in, with the collection installed from this checkout's tarball."""
    _home, why = rulebook_utils.java_home()
    if why:
        pytest.skip("ansible-rulebook needs Java 17: %s" % why)
    bin_dir = rulebook_utils.rulebook_venv(rulebook_utils.default_venv(), say=lambda _text: None)
    return rulebook_utils.install_collection(str(tmp_path_factory.mktemp("eda")), bin_dir)


@pytest.fixture
def emu():
    emulator = Emulator(webhook_private_key=SEED, webhook_backoff_ms=100)
    yield emulator
    emulator.stop()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def until(what, check, proc=None, log=None):
    """check()'s first true value, polled; fails after WAIT seconds or when proc has exited, with its log."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            break
        time.sleep(0.2)
    pytest.fail("no %s; ansible-rulebook output:\n%s" % (what, read(log)[-6000:] if log else ""))


def read(path):
    with open(path, errors="replace") as handle:
        return handle.read()


class Rulebook:
    """ansible-rulebook running one of the collection's rulebooks (by FQCN), its output in a file."""

    def __init__(self, env, workdir, name, variables, emulator):
        self.log = str(workdir / ("%s.log" % name))
        inventory = workdir / "inventory.yml"
        inventory.write_text("all:\n  hosts:\n    localhost:\n      ansible_connection: local\n"
                             "      ansible_python_interpreter: %s\n" % os.path.join(env["VIRTUAL_ENV"], "bin", "python"))
        vars_file = workdir / ("%s-vars.yml" % name)
        vars_file.write_text(yaml.safe_dump(variables))
        # The modules and the polling source read the credentials from the environment, as documented.
        run_env = dict(env, TELNYX_API_KEY=SECRETS["telnyx_api_key"], TELNYX_BASE_URL=emulator.url + "/v2",
                       TWILIO_ACCOUNT_SID=SECRETS["twilio_account_sid"], TWILIO_AUTH_TOKEN=SECRETS["twilio_auth_token"],
                       TWILIO_PROXY_BASE_URL=emulator.url, ANSIBLE_LOCALHOST_WARNING="false")
        cmd = [os.path.join(env["VIRTUAL_ENV"], "bin", "ansible-rulebook"), "-i", str(inventory),
               "--rulebook", "commsops.sessions." + name, "--vars", str(vars_file), "-vv"]
        with open(self.log, "w") as out:
            self.proc = subprocess.Popen(cmd, cwd=str(workdir), env=run_env, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)

    def output(self):
        return read(self.log)

    def fired(self, rule):
        """How many times the rule (by its name's start) fired: ansible-rulebook -vv logs "Calling rule NAME"."""
        return sum(1 for line in self.output().splitlines() if "Calling rule " + rule in line)

    def wait_listening(self, port):
        def accepts():
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return True
            except OSError:
                return False
        until("listener on port %d" % port, accepts, self.proc, self.log)

    def stop(self):
        """Stop ansible-rulebook and what it started (ansible-runner's playbooks): its own process group."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)


@pytest.fixture
def run_rulebook(rulebook_env, tmp_path):
    started = []

    def start(name, variables, emulator):
        book = Rulebook(rulebook_env, tmp_path, name, variables, emulator)
        started.append(book)
        return book

    yield start
    for book in started:
        book.stop()
    for book in started:  # no secret in anything ansible-rulebook printed
        text = book.output()
        for name in ("telnyx_api_key", "twilio_auth_token"):
            assert SECRETS[name] not in text, name


def api(emulator, method, path, body=None):
    """A Telnyx API call to the emulator, with the account's key; the parsed answer."""
    request = urllib.request.Request(emulator.url + "/v2" + path, method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": "Bearer " + SECRETS["telnyx_api_key"],
                                              "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())["data"]


def deliveries(emulator, event_type):
    url = emulator.url + "/_emulator/deliveries?event_type=" + event_type
    with urllib.request.urlopen(url, timeout=30) as answer:
        return json.loads(answer.read())["deliveries"]


def make_room(emulator, webhook_url=None):
    body = {"unique_name": "eda-%d" % free_port()}
    if webhook_url:
        body["webhook_event_url"] = webhook_url
    return api(emulator, "POST", "/rooms", body)["id"]


def session_active(emulator, session_id):
    return api(emulator, "GET", "/room_sessions/%s" % session_id)["active"]


def present(emulator, session_id):
    """The ids of the participants still in the session."""
    listed = api(emulator, "GET", "/room_sessions/%s/participants" % session_id)
    return sorted(p["id"] for p in listed if not p.get("left_at"))


def test_a_pushed_session_start_ends_the_session_once_it_is_past_the_limit(emu, run_rulebook):
    port = free_port()
    public_key = emu.admin("webhook_key")["public_key"]
    room = make_room(emu, "http://127.0.0.1:%d/" % port)
    book = run_rulebook("end_long_room_sessions", {"telnyx_webhook_port": port, "telnyx_public_key": public_key,
                                                   "max_session_seconds": LIMIT}, emu)
    book.wait_listening(port)
    session = emu.admin("rooms/%s/sessions" % room, {})["id"]
    until("session ended by the rule", lambda: not session_active(emu, session), book.proc, book.log)
    delivered = deliveries(emu, "video.room.session.started")
    assert [d["status"] for d in delivered] == [204]
    until("rule fired line", lambda: book.fired("End a room session") == 1, book.proc, book.log)
    ended = api(emu, "GET", "/room_sessions/%s" % session)
    # Not before its limit: the playbook waited for the session's age to reach it.
    assert seconds_between(ended["created_at"], ended["ended_at"]) >= LIMIT


def seconds_between(start, end):
    def parse(text):
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (parse(end) - parse(start)).total_seconds()


def test_a_polled_session_start_ends_the_session_once_it_is_past_the_limit(emu, run_rulebook):
    room = make_room(emu)
    book = run_rulebook("end_long_room_sessions_polled", {"poll_interval": 1, "max_session_seconds": 1}, emu)
    until("a first poll", lambda: emu.admin("stats")["by_route"].get("GET /v2/room_sessions"), book.proc, book.log)
    session = emu.admin("rooms/%s/sessions" % room, {})["id"]
    until("session ended by the rule", lambda: not session_active(emu, session), book.proc, book.log)
    until("rule fired line", lambda: book.fired("End a room session") == 1, book.proc, book.log)
    assert "'source': 'poll'" in book.output() or '"source": "poll"' in book.output()


def signed(private_key, body, timestamp=None):
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = base64.b64encode(private_key.sign(stamp.encode() + b"|" + body)).decode()
    return {"telnyx-signature-ed25519": signature, "telnyx-timestamp": stamp, "Content-Type": "application/json"}


def post(port, body, headers):
    request = urllib.request.Request("http://127.0.0.1:%d/" % port, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (ConnectionError, urllib.error.URLError):
        return "closed"  # a listener may close on an oversize body once it has answered


def joined(room, session, participant, context, event_id):
    return json.dumps({"data": {"record_type": "event", "event_type": "video.room.participant.joined", "id": event_id,
                                "occurred_at": "2026-01-01T00:00:00Z",
                                "payload": {"room_id": room, "session_id": session, "participant_id": participant,
                                            "context": context}},
                       "meta": {"attempt": 1}}).encode()


def test_a_participant_whose_context_matches_is_kicked_and_the_others_stay(emu, run_rulebook):
    port = free_port()
    room = make_room(emu, "http://127.0.0.1:%d/" % port)
    book = run_rulebook("kick_participants", {"telnyx_webhook_port": port, "telnyx_public_key": emu.admin("webhook_key")["public_key"],
                                              "kick_context_pattern": "^bot:"}, emu)
    book.wait_listening(port)
    session = emu.admin("rooms/%s/sessions" % room, {"participants": [{"context": "guest:ann"}, {"context": "bot:x"}]})
    bot = [p["id"] for p in session["participants"] if p["context"] == "bot:x"][0]
    guest = [p["id"] for p in session["participants"] if p["context"] == "guest:ann"][0]
    until("the bot kicked", lambda: present(emu, session["id"]) == [guest], book.proc, book.log)
    until("rule fired line", lambda: book.fired("Kick a participant") == 1, book.proc, book.log)
    assert bot not in present(emu, session["id"])


def test_bad_requests_to_the_listener_are_refused_and_fire_nothing(emu, run_rulebook):
    port = free_port()
    room = make_room(emu)  # no webhook URL: every request here is the test's own
    book = run_rulebook("kick_participants", {"telnyx_webhook_port": port, "telnyx_public_key": emu.admin("webhook_key")["public_key"],
                                              "kick_context_pattern": "^bot:"}, emu)
    book.wait_listening(port)
    session = emu.admin("rooms/%s/sessions" % room, {"participants": [{"context": "bot:a"}, {"context": "bot:b"}]})
    first, second = [p["id"] for p in session["participants"]]
    key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(SEED))
    body = joined(room, session["id"], first, "bot:a", "ev-first")

    # Each of these would kick `first` if it were accepted.
    assert post(port, body, signed(Ed25519PrivateKey.generate(), body)) == 401  # another key
    assert post(port, body, dict(signed(key, body), **{"telnyx-signature-ed25519": "AAAA"})) == 401  # malformed
    assert post(port, body, {"Content-Type": "application/json"}) == 401  # none
    assert post(port, body, signed(key, body, int(time.time()) - 3600)) == 401  # stale
    assert post(port, body, signed(key, body, int(time.time()) + 3600)) == 401  # from the future
    tampered = body.replace(b"bot:a", b"bot:z")
    assert post(port, tampered, signed(key, body)) == 401  # signed for another body
    big = body[:-1] + b', "pad": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    assert post(port, big, signed(key, big)) in (413, "closed")
    # ... and a good one still gets through: it kicks `second` only.
    good = joined(room, session["id"], second, "bot:b", "ev-second")
    good_headers = signed(key, good)
    assert post(port, good, good_headers) == 204
    until("the good event's kick", lambda: present(emu, session["id"]) == [first], book.proc, book.log)
    assert post(port, good, good_headers) == 401  # the same request again: a replay
    until("rule fired line", lambda: book.fired("Kick a participant") >= 1, book.proc, book.log)
    assert book.fired("Kick a participant") == 1
    assert present(emu, session["id"]) == [first]
    kicks = emu.admin("stats")["by_route"].get("POST /v2/room_sessions/{id}/actions/kick")
    assert kicks == 1


def test_an_out_of_session_callback_closes_the_proxy_session_it_names(emu, run_rulebook):
    port = free_port()
    public_url = "http://127.0.0.1:%d" % port
    emu.admin("fixtures", {"services": [{"sid": SERVICE, "unique_name": "eda-line",
                                         "out_of_session_callback_url": public_url + "/out-of-session"}],
                           "proxy_sessions": [{"service_sid": SERVICE, "sid": "KC%032d" % 1, "status": "in-progress"}]})
    book = run_rulebook("close_out_of_session_proxy_sessions", {"twilio_webhook_port": port,
                                                                "twilio_public_url": public_url}, emu)
    book.wait_listening(port)
    emu.admin("out_of_session", {"service_sid": SERVICE, "session_sid": "KC%032d" % 1, "body": "hello"})
    emu.admin("out_of_session", {"service_sid": SERVICE, "body": "no session"})  # names none: nothing to do

    def status():
        sessions = emu.admin("state")["proxy_services"][SERVICE]
        return [s["status"] for s in sessions if s["sid"] == "KC%032d" % 1][0]
    until("the session closed", lambda: status() == "closed", book.proc, book.log)
    until("rule fired line", lambda: book.fired("Close the session") == 1, book.proc, book.log)
