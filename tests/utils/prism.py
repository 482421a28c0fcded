# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Prism, the validating proxy, for the contract tests: python tests/utils/prism.py [--dir DIR] installs it.

- ``install(prism_dir)``: ``npm ci`` of tests/prism/package-lock.json (@stoplight/prism-cli, pinned) into
  prism_dir (``$PRISM_DIR``, default .build/prism), once; reused while its stamp matches the lock file. A file
  lock keeps two pytest workers from installing at the same time.
- ``local_specs(out_dir)``: what Prism serves: the contracts kept in tests/prism/contracts/ (the official
  documents without their prose, ``contract_of``; refreshed from ``$SESSIONS_SPECS_DIR``, default ../shared/specs,
  by ``--contracts``) with the few patches Prism needs, each in ``PATCHES`` with its reason.
- ``Prism``: ``prism proxy SPEC UPSTREAM --errors`` started by node itself (one PID, stopped by it), ready when
  it says it listens (bounded), with a ``Witness`` in front that keeps every exchange: status, Prism's
  ``sl-violations`` header and its problem body. ``Prism.problems()`` lists every violation seen.

How Prism 5 (proxy mode, ``--errors``) reports, read from its code and checked by the tests:

- a request violation: the request is not forwarded; the answer is 422 (401 for missing credentials),
  ``application/problem+json`` with a ``validation`` list, and the log line "Request terminated with error";
- a response violation of severity error (the upstream's body or headers do not match the document, or a 2xx
  status it does not list): the upstream's answer is replaced by 500, type ``...#VIOLATIONS``, same list;
- a response violation of severity warning (a 4xx/5xx status the document does not list): the answer passes,
  with an ``sl-violations`` header (a JSON list) and a "Violation:" warning in the log;
- a path or method the document does not have: 404/405 problem, "Request terminated with error".
"""

import argparse
import copy
import fcntl
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PACKAGE_DIR = os.path.join(ROOT, "tests", "prism")
PRISM_VERSION = "5.14.2"  # also in tests/prism/package.json and its lock file
ENTRY = os.path.join("node_modules", "@stoplight", "prism-cli", "dist", "index.js")
STAMP = ".prism-installed"
START_TIMEOUT = 60  # seconds; the documents load in about 2 s
STOP_TIMEOUT = 10
SPECS = {"twilio": "twilio_proxy_v1.json", "telnyx": "telnyx_video_rooms_subset.yml"}
# The contracts Prism serves: the official documents with their prose left out (contract_of), kept in the
# repository so that a clone anywhere runs the check; tests/suite/test_prism_contract.py compares them with the
# official documents whenever those are at hand (specs_dir), so they cannot drift.
CONTRACTS_DIR = os.path.join(PACKAGE_DIR, "contracts")
CONTRACTS = {"twilio": "twilio_proxy_v1.contract.json", "telnyx": "telnyx_video_rooms.contract.json"}
PROSE = ("description", "summary", "externalDocs", "example", "examples", "x-twilio")

TWILIO_SESSIONS = "/v1/Services/{ServiceSid}/Sessions"
FORM = "application/x-www-form-urlencoded"
# What the local copies change, and why. Nothing else differs from the official documents.
PATCHES = {
    "twilio": [
        # Twilio (and this collection) send a session's participants as the form field Participants repeated
        # once per participant, each a JSON text. Without an encoding Prism 5.14 reads a form array as one
        # value and answers 422 "Participants must be array" even for one participant; style form + explode
        # is how OpenAPI says "repeated field". allowReserved: JSON holds ':' '{' '"', which Prism otherwise
        # refuses as reserved characters in a form body.
        ("post", TWILIO_SESSIONS, "Participants", {"style": "form", "explode": True, "allowReserved": True}),
    ],
    "telnyx": [],  # served as it is (its deepObject filters and page[...] validate correctly)
}


def default_dir():
    return os.environ.get("PRISM_DIR") or os.path.join(ROOT, ".build", "prism")


def specs_dir():
    return os.environ.get("SESSIONS_SPECS_DIR") or os.path.join(os.path.dirname(ROOT), "shared", "specs")


def missing_tools():
    """Why Prism cannot run here (node or npm not installed), or None."""
    lacking = [tool for tool in ("node", "npm") if not shutil.which(tool)]
    return "%s not installed: the Prism contract tests need Node.js and npm" % " and ".join(lacking) if lacking else None


def _lock_digest():
    with open(os.path.join(PACKAGE_DIR, "package-lock.json"), "rb") as handle:
        return "%s %s" % (PRISM_VERSION, hashlib.sha256(handle.read()).hexdigest())


def install(prism_dir=None, say=print):
    """The path of Prism's entry script in prism_dir, installed with ``npm ci`` when missing or stale."""
    prism_dir = os.path.abspath(prism_dir or default_dir())
    os.makedirs(os.path.dirname(prism_dir), exist_ok=True)
    entry = os.path.join(prism_dir, ENTRY)
    wanted = _lock_digest()
    with open(prism_dir + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stamp = os.path.join(prism_dir, STAMP)
        if os.path.exists(stamp) and os.path.exists(entry):
            with open(stamp) as handle:
                if handle.read().strip() == wanted:
                    return entry
        say("prism: npm ci of @stoplight/prism-cli %s into %s (once; reused afterwards)" % (PRISM_VERSION, prism_dir))
        shutil.rmtree(prism_dir, ignore_errors=True)
        os.makedirs(prism_dir)
        for name in ("package.json", "package-lock.json"):
            shutil.copy(os.path.join(PACKAGE_DIR, name), prism_dir)
        # No package of the lock runs install scripts; --ignore-scripts keeps it so.
        done = subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
                              cwd=prism_dir, capture_output=True, text=True, timeout=900, check=False)
        if done.returncode != 0 or not os.path.exists(entry):
            raise RuntimeError("npm ci in %s failed:\n%s%s" % (prism_dir, done.stdout, done.stderr[-4000:]))
        with open(stamp, "w") as handle:
            handle.write(wanted + "\n")
    return entry


def patched(vendor, document):
    """A copy of the parsed document with PATCHES[vendor] applied (each form field gets its encoding)."""
    document = copy.deepcopy(document)
    for method, path, field, encoding in PATCHES[vendor]:
        content = document["paths"][path][method]["requestBody"]["content"][FORM]
        if field not in content["schema"]["properties"]:
            raise RuntimeError("the %s document no longer has %s %s %s: review PATCHES" % (vendor, method, path, field))
        content.setdefault("encoding", {})[field] = dict(encoding)
    return document


def contract_of(node, parent=None):
    """An OpenAPI document without its prose: descriptions, summaries, examples and the vendor's doc extensions
    go; paths, parameters, schemas, formats, patterns, enums and statuses stay. Inside a map of names
    (properties, paths...) every name stays, even one called description."""
    if isinstance(node, dict):
        names = parent in ("properties", "paths", "schemas", "responses", "parameters", "headers", "content",
                           "encoding", "securitySchemes", "patternProperties", "variables")
        kept = dict((key, contract_of(value, key)) for key, value in node.items()
                    if names or not (key in PROSE or key.startswith("x-twilio") or key.startswith("x-stainless")))
        if parent == "responses":  # a response object must have a description: an empty one
            for response in kept.values():
                if isinstance(response, dict) and "$ref" not in response:
                    response["description"] = ""
        return kept
    if isinstance(node, list):
        return [contract_of(item) for item in node]
    return node


def official_document(vendor, source=None):
    """The parsed official document, or None when it is not at hand."""
    path = os.path.join(source or specs_dir(), SPECS[vendor])
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as handle:
        if path.endswith(".json"):
            return json.load(handle)
        import yaml  # pylint: disable=import-outside-toplevel
        return yaml.safe_load(handle)


def contract(vendor):
    """The contract kept in the repository (parsed)."""
    with open(os.path.join(CONTRACTS_DIR, CONTRACTS[vendor]), encoding="utf-8") as handle:
        return json.load(handle)


def write_contracts(source=None):
    """Write tests/prism/contracts/ from the official documents (python tests/utils/prism.py --contracts)."""
    for vendor in SPECS:
        document = official_document(vendor, source)
        if document is None:
            raise RuntimeError("official document %s not found in %s (set SESSIONS_SPECS_DIR)" % (
                SPECS[vendor], source or specs_dir()))
        with open(os.path.join(CONTRACTS_DIR, CONTRACTS[vendor]), "w", encoding="utf-8") as handle:
            json.dump(contract_of(document), handle, indent=1, sort_keys=True)
            handle.write("\n")


def local_specs(out_dir=None, patches=True):
    """{vendor: path of the copy Prism serves}: the repository's contract with PATCHES applied (none with
    patches=False), written to out_dir (default: beside Prism, in the build dir)."""
    out_dir = out_dir or default_dir() + "-specs"
    os.makedirs(out_dir, exist_ok=True)
    paths = {}
    for vendor in SPECS:
        paths[vendor] = os.path.join(out_dir, ("%s" if patches else "%s.unpatched") % CONTRACTS[vendor])
        aside = "%s.%d" % (paths[vendor], os.getpid())  # written aside, renamed: pytest workers share out_dir
        document = contract(vendor)
        with open(aside, "w", encoding="utf-8") as handle:
            json.dump(patched(vendor, document) if patches else document, handle, indent=1)
        os.replace(aside, paths[vendor])
    return paths


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Witness:
    """A relay on 127.0.0.1 in front of Prism that keeps, for each exchange, what Prism answered about it:
    (method, path, status, sl-violations list, problem body or None, body). Clients use .url as Prism's."""

    HOP = ("connection", "keep-alive", "transfer-encoding", "content-length", "host")

    def __init__(self, target_port):
        self.exchanges = []
        witness = self

        class Relay(BaseHTTPRequestHandler):
            def relay(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = dict((k, v) for k, v in self.headers.items() if k.lower() not in Witness.HOP)
                upstream = http.client.HTTPConnection("127.0.0.1", target_port, timeout=120)
                try:
                    upstream.request(self.command, self.path, body=body if body or self.command != "GET" else None,
                                     headers=headers)
                    answer = upstream.getresponse()
                    data = answer.read()
                finally:
                    upstream.close()
                witness.keep(self.command, self.path, answer, data)
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in Witness.HOP:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = relay

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Relay)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def keep(self, method, path, answer, data):
        try:
            violations = json.loads(answer.getheader("sl-violations") or "[]")
        except ValueError:  # Prism cuts a long list and says so ("Too many violations! ...")
            violations = [{"message": answer.getheader("sl-violations")}]
        problem = None
        if (answer.getheader("Content-Type") or "").startswith("application/problem+json"):
            try:
                problem = json.loads(data)
            except ValueError:
                problem = {"title": data[:300].decode("utf-8", "replace")}
        self.exchanges.append((method, path, answer.status, violations, problem, data))

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


UNLISTED_STATUS = "Unable to match the returned status code"
TWILIO_ERROR = {"code": int, "message": str, "more_info": str, "status": int}


def twilio_error_body(data):
    """Why data is not Twilio's error body ({code, message, more_info, status}), or None when it is."""
    try:
        body = json.loads(data)
    except ValueError:
        return "not JSON"
    wrong = [key for key, kind in TWILIO_ERROR.items() if not isinstance(body, dict) or not isinstance(body.get(key), kind)]
    return "not a Twilio error body (%s)" % ", ".join(wrong) if wrong else None


class Prism:
    """``prism proxy spec upstream --errors`` on 127.0.0.1, with a Witness in front (.url); call .stop().

    error_body: for a document that lists no error status at all (Twilio's lists only 200, 201 and 204, though
    the API answers 404, 400... with its error body), a function that checks the body of a 4xx answer
    instead; Prism's warning that the status is not listed is then not a problem, any other one still is."""

    def __init__(self, entry, spec, upstream, log_path, error_body=None):
        self.log_path = log_path
        self.error_body = error_body
        self.proc = None
        for _attempt in range(3):  # the free port may be taken between free_port() and Prism's listen
            self.port = free_port()
            with open(log_path, "w") as log:
                self.proc = subprocess.Popen(["node", entry, "proxy", spec, upstream, "--errors", "-h", "127.0.0.1",
                                              "--port", str(self.port)], stdout=log, stderr=subprocess.STDOUT,
                                             stdin=subprocess.DEVNULL, env=dict(os.environ, FORCE_COLOR="0"))
            if self._wait_ready():
                break
            self._end()
        else:
            raise RuntimeError("Prism did not start (%s):\n%s" % (spec, self.log()[-3000:]))
        self.witness = Witness(self.port)
        self.url = self.witness.url

    def _wait_ready(self):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if "Prism is listening on" in self.log():
                return True
            if self.proc.poll() is not None:
                return False
            time.sleep(0.1)
        return False

    def log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as handle:
            return handle.read()

    def mark(self):
        """Where the record is now: problems(since=mark) looks only at what came after."""
        return len(self.witness.exchanges), len(self.log())

    def exchanges(self, since=(0, 0)):
        return self.witness.exchanges[since[0]:]

    def problems(self, since=(0, 0)):
        """Every violation Prism reported after the mark, one line each: the exchanges it refused or flagged,
        and its log's error and warning lines (signale prints them as "✖  error" and "⚠  warning")."""
        found = []
        for method, path, status, violations, problem, data in self.exchanges(since):
            if self.error_body and 400 <= status < 500 and not problem:
                unlisted = [v for v in violations if str(v.get("message", "")).startswith(UNLISTED_STATUS)]
                violations = [v for v in violations if v not in unlisted]
                wrong = self.error_body(data)
                if wrong:
                    violations.append({"location": ["response", "body"], "message": wrong})
            details = list(violations) + list((problem or {}).get("validation") or [])
            if problem and not details:
                details = [{"message": "%s: %s" % (problem.get("title"), problem.get("detail"))}]
            for item in details:
                found.append("%s %s -> %d: %s %s" % (method, path.split("?")[0], status, ".".join(
                    str(part) for part in item.get("location") or []), item.get("message")))
        for line in self.log()[since[1]:].splitlines():
            if self.error_body and "Violation: response " + UNLISTED_STATUS in line:
                continue  # its exchange is checked above
            if re.search(r"\b(error|warning|fatal)\b\s", line):
                found.append("prism log: " + re.sub(r"\x1b\[[0-9;]*m", "", line).strip())
        return found

    def _end(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(STOP_TIMEOUT)

    def stop(self):
        self.witness.stop()
        self._end()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default=default_dir(), help="where Prism is installed (default: %(default)s)")
    parser.add_argument("--contracts", action="store_true",
                        help="write tests/prism/contracts/ from the official documents ($SESSIONS_SPECS_DIR) and stop")
    args = parser.parse_args()
    if args.contracts:
        write_contracts()
        print("prism: contracts written to %s" % CONTRACTS_DIR)
        return 0
    reason = missing_tools()
    if reason:
        print("prism: " + reason)
        return 1
    print("prism: ready at %s" % install(args.dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
