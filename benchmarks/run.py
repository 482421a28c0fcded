# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""make bench: the collection against what users write today, on the emulator at --latency-ms 50.

Writes the tables into BENCHMARKS.md. Every server is on 127.0.0.1, started and stopped here by its pid.
    python benchmarks/run.py [--runs 3] [--uri-runs 1] [--only bulk_end,listing,...]
"""

import argparse
import concurrent.futures
import datetime
import http.client
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "tests"))
sys.path.insert(0, os.path.join(ROOT, "tests", "utils"))
from collection_path import collections_tree  # noqa: E402  pylint: disable=wrong-import-position
from with_emulator import CREDENTIALS, start, stop  # noqa: E402  pylint: disable=wrong-import-position
from tests.emulator.admin import admin  # noqa: E402  pylint: disable=wrong-import-position

BIN = os.path.dirname(sys.executable)
LATENCY_MS = 50
CONCURRENCY = 8
SERVICE = "KS00000000000000000000000000000001"


class Bench:
    def __init__(self, emulator_args):
        self.proc, self.url = start(emulator_args)
        self.tmp = tempfile.mkdtemp(prefix="commsops-bench-")

    def admin(self, action, body=None):
        return admin(self.url, action, body)

    def env(self):
        return dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_tree(), ANSIBLE_NOCOLOR="1",
                    ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
                    PATH=BIN + os.pathsep + os.environ.get("PATH", ""), TELNYX_BASE_URL=self.url + "/v2",
                    TWILIO_PROXY_BASE_URL=self.url, BENCH_URL=self.url, **CREDENTIALS)

    def playbook(self, text):
        """Run a playbook; return (seconds, requests by the emulator's count, peak RSS by kind, failed?)."""
        path = os.path.join(self.tmp, "play.yml")
        with open(path, "w") as handle:
            handle.write(text)
        self.admin("stats/reset")
        sampler = MemorySampler()
        started = time.monotonic()
        proc = subprocess.Popen([os.path.join(BIN, "ansible-playbook"), path], env=self.env(), stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        sampler.start(proc.pid)
        out = proc.communicate(timeout=3600)[0]
        seconds = time.monotonic() - started
        sampler.stop()
        stats = self.admin("stats")
        failed = proc.returncode != 0 or not re.search(r"failed=0 ", out)
        if failed:
            print(out[-3000:], file=sys.stderr)
        return dict(seconds=seconds, requests=stats["total"], writes=stats["writes"], by_status=stats["by_status"],
                    controller_mb=sampler.peak["controller"], module_mb=sampler.peak["module"], failed=failed)

    def close(self):
        stop(self.proc)


class MemorySampler:
    """Peak RSS of the controller (ansible-playbook) and of module processes (AnsiballZ), sampled from /proc."""

    def __init__(self):
        self.peak = {"controller": 0.0, "module": 0.0}
        self._stop = threading.Event()
        self._thread = None

    def start(self, root_pid):
        self._thread = threading.Thread(target=self._run, args=(root_pid,), daemon=True)
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._thread.join()

    def _run(self, root_pid):
        while not self._stop.is_set():
            for pid in os.listdir("/proc"):
                if not pid.isdigit():
                    continue
                try:
                    with open("/proc/%s/cmdline" % pid, "rb") as handle:
                        cmdline = handle.read().decode(errors="replace")
                    with open("/proc/%s/status" % pid) as handle:
                        rss = int(re.search(r"VmRSS:\s+(\d+)", handle.read()).group(1)) / 1024.0
                except (OSError, AttributeError):
                    continue
                kind = "module" if "AnsiballZ" in cmdline else "controller" if (
                    int(pid) == root_pid or "ansible-playbook" in cmdline) else None
                if kind:
                    self.peak[kind] = max(self.peak[kind], rss)
            self._stop.wait(0.05)


def summary(samples, key):
    values = [s[key] for s in samples]
    return statistics.median(values), min(values), max(values)


# Playbooks --------------------------------------------------------------------

ROLE_END = """
- hosts: localhost
  gather_facts: false
  roles:
    - role: commsops.sessions.room_session_cleanup
      vars:
        room_session_cleanup_max_age: 1m
        room_session_cleanup_max_sessions: 100000
        room_session_cleanup_concurrency: %d
""" % CONCURRENCY

URI_END = """
- hosts: localhost
  gather_facts: false
  vars:
    base: "{{ lookup('env', 'TELNYX_BASE_URL') }}"
    auth: {Authorization: "Bearer {{ lookup('env', 'TELNYX_API_KEY') }}"}
    query: "filter%5Bactive%5D=true&page%5Bsize%5D=250"
  tasks:
    - name: First page
      ansible.builtin.uri: {url: "{{ base }}/room_sessions?{{ query }}&page%5Bnumber%5D=1", headers: "{{ auth }}"}
      register: first
    - name: Other pages
      ansible.builtin.uri: {url: "{{ base }}/room_sessions?{{ query }}&page%5Bnumber%5D={{ item }}", headers: "{{ auth }}"}
      loop: "{{ range(2, first.json.meta.total_pages + 1) | list }}"
      register: rest
    - name: End each session
      ansible.builtin.uri: {url: "{{ base }}/room_sessions/{{ item }}/actions/end", method: POST, headers: "{{ auth }}"}
      loop: "{{ (first.json.data + (rest.results | map(attribute='json.data') | flatten)) | map(attribute='id') | list }}"
"""

ROLE_DELETE = """
- hosts: localhost
  gather_facts: false
  roles:
    - role: commsops.sessions.proxy_session_cleanup
      vars:
        proxy_session_cleanup_service_sids: [%s]
        proxy_session_cleanup_idle: ""
        proxy_session_cleanup_delete_closed_after: 1m
        proxy_session_cleanup_max_sessions: 100000
        proxy_session_cleanup_concurrency: %d
""" % (SERVICE, CONCURRENCY)

URI_DELETE = """
- hosts: localhost
  gather_facts: false
  vars:
    auth: {url_username: "{{ lookup('env', 'TWILIO_ACCOUNT_SID') }}", url_password: "{{ lookup('env', 'TWILIO_AUTH_TOKEN') }}"}
    sessions_url: "{{ lookup('env', 'TWILIO_PROXY_BASE_URL') }}/v1/Services/%s/Sessions"
  tasks:
    - name: The one page of 1000 (a longer list would need a loop over next_page_url)
      ansible.builtin.uri:
        url: "{{ sessions_url }}?PageSize=1000"
        url_username: "{{ auth.url_username }}"
        url_password: "{{ auth.url_password }}"
        force_basic_auth: true
      register: page
    - name: Delete each session
      ansible.builtin.uri:
        url: "{{ sessions_url }}/{{ item }}"
        method: DELETE
        status_code: 204
        url_username: "{{ auth.url_username }}"
        url_password: "{{ auth.url_password }}"
        force_basic_auth: true
      loop: "{{ page.json.sessions | selectattr('status', 'equalto', 'closed') | map(attribute='sid') | list }}"
""" % SERVICE

LISTING = """
- hosts: localhost
  gather_facts: false
  tasks:
    - ansible.builtin.assert:
        that:
          - query('commsops.sessions.room_sessions') | length == 10000
          - query('commsops.sessions.proxy_sessions', service_sid='%s') | length == 10000
""" % SERVICE

ONE_INFO = """
- hosts: localhost
  gather_facts: false
  tasks:
    - commsops.sessions.room_session_info: {active: true}
"""

ONE_URI = """
- hosts: localhost
  gather_facts: false
  tasks:
    - ansible.builtin.uri:
        url: "{{ lookup('env', 'TELNYX_BASE_URL') }}/room_sessions?filter%5Bactive%5D=true&page%5Bsize%5D=250"
        headers: {Authorization: "Bearer {{ lookup('env', 'TELNYX_API_KEY') }}"}
"""


# Scenarios ------------------------------------------------------------------------


def seed_rooms(bench, count=1000):
    bench.admin("reset")
    bench.admin("seed", {"room_sessions": count, "active_ratio": 1.0, "seed": 1})


def seed_closed_proxy(bench, count=1000):
    bench.admin("reset")
    sessions = [{"service_sid": SERVICE, "status": "closed", "date_created": "now-2d", "date_updated": "now-1d"}] * count
    bench.admin("fixtures", {"proxy_sessions": sessions})


def measure(bench, seed, playbook, runs):
    samples = []
    for _run in range(runs):
        seed(bench)
        samples.append(bench.playbook(playbook))
    return samples


def floor_seconds(pages, count):
    return (pages + math.ceil(count / float(CONCURRENCY))) * LATENCY_MS / 1000.0


def throughput(url, clients=32, seconds=5.0):
    """Requests a second the emulator serves to many concurrent keep-alive clients (no latency added)."""
    host, port = url.split("//")[1].split(":")
    sid = admin(url, "seed", {"room_sessions": 1, "active_ratio": 1.0})["room_sessions"][0]
    deadline = time.monotonic() + seconds

    def client(_n):
        conn, done = http.client.HTTPConnection(host, int(port), timeout=10), 0
        while time.monotonic() < deadline:
            conn.request("GET", "/v2/room_sessions/" + sid, headers={"Authorization": "Bearer " + CREDENTIALS["TELNYX_API_KEY"]})
            conn.getresponse().read()
            done += 1
        conn.close()
        return done

    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        total = sum(pool.map(client, range(clients)))
    return total / seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--uri-runs", type=int, default=1, help="the uri loops take minutes each")
    parser.add_argument("--only", default="throughput,bulk_end,bulk_delete,listing,one_call,rate_limit")
    parser.add_argument("--output", default=os.path.join(ROOT, "BENCHMARKS.md"))
    args = parser.parse_args()
    only = set(args.only.split(","))
    results = {}

    if "throughput" in only:
        bench = Bench([])
        try:
            results["throughput"] = [throughput(bench.url) for _run in range(3)]
        finally:
            bench.close()
        print("throughput", results["throughput"], flush=True)

    bench = Bench(["--latency-ms", str(LATENCY_MS)])
    try:
        if "bulk_end" in only:
            results["bulk_end"] = {"role": measure(bench, seed_rooms, ROLE_END, args.runs),
                                   "uri": measure(bench, seed_rooms, URI_END, args.uri_runs)}
            print("bulk_end", results["bulk_end"], flush=True)
        if "bulk_delete" in only:
            results["bulk_delete"] = {"role": measure(bench, seed_closed_proxy, ROLE_DELETE, args.runs),
                                      "uri": measure(bench, seed_closed_proxy, URI_DELETE, args.uri_runs)}
            print("bulk_delete", results["bulk_delete"], flush=True)
        if "listing" in only:
            def seed_listing(b):
                b.admin("reset")
                b.admin("seed", {"room_sessions": 10000, "proxy_sessions": 10000, "services": [SERVICE], "seed": 2})
            results["listing"] = measure(bench, seed_listing, LISTING, args.runs)
            print("listing", results["listing"], flush=True)
        if "one_call" in only:
            results["one_call"] = {"info": measure(bench, lambda b: seed_rooms(b, 100), ONE_INFO, max(5, args.runs)),
                                   "uri": measure(bench, lambda b: seed_rooms(b, 100), ONE_URI, max(5, args.runs))}
            print("one_call", results["one_call"], flush=True)
    finally:
        bench.close()

    if "rate_limit" in only:
        bench = Bench(["--latency-ms", str(LATENCY_MS), "--rate-limit", "100"])
        try:
            results["rate_limit"] = measure(bench, seed_rooms, ROLE_END, args.runs)
            print("rate_limit", results["rate_limit"], flush=True)
        finally:
            bench.close()

    os.makedirs(os.path.join(ROOT, "benchmarks", "results"), exist_ok=True)
    with open(os.path.join(ROOT, "benchmarks", "results", "last.json"), "w") as handle:
        json.dump(results, handle, indent=1)
    write_markdown(results, args)


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = re.search(r"model name\s*:\s*(.+)", handle.read()).group(1)
    except (OSError, AttributeError):
        pass
    version = subprocess.run([os.path.join(BIN, "ansible"), "--version"], capture_output=True, text=True, check=False)
    return "%s, %d cores, Python %s, %s, %s" % (cpu, os.cpu_count(), platform.python_version(),
                                                version.stdout.splitlines()[0] if version.stdout else "ansible ?",
                                                platform.platform())


def fmt(samples, key="seconds"):
    med, low, high = summary(samples, key)
    return "%.2f s (min %.2f, max %.2f, %d run%s)" % (med, low, high, len(samples), "" if len(samples) == 1 else "s")


def row(way, samples, minimum):
    return "| %s | %s | %d | %d | %.0f / %.0f MB |" % (
        way, fmt(samples), samples[0]["requests"], minimum,
        max(s["controller_mb"] for s in samples), max(s["module_mb"] for s in samples))


def bulk_rows(name, data, pages, count, minimum):
    role, uri = data["role"], data["uri"]
    floor = floor_seconds(pages, count)
    ratio_uri = summary(uri, "seconds")[0] / summary(role, "seconds")[0] if uri else float("nan")
    ratio_floor = summary(role, "seconds")[0] / floor
    failed = any(s["failed"] for s in role + uri)
    return [
        "### %s" % name, "",
        "| way | wall time (median, min, max) | HTTP requests | minimum | peak RSS controller / module |",
        "|---|---|---|---|---|",
        row("(a) the cleanup role", role, minimum)] + (
        [row("(b) `ansible.builtin.uri` loop", uri, minimum)] if uri else []) + [
        "| (c) physical floor: %d list page(s) + ceil(%d / %d) round trips of %d ms | %.2f s | | | |" % (
            pages, count, CONCURRENCY, LATENCY_MS, floor),
        "", "(b)/(a) = **%.1f times faster**; (a)/(c) = %.2f (the floor leaves out Ansible's own start-up)%s" % (
            ratio_uri, ratio_floor, "; SOME RUNS FAILED" if failed else ""), ""]


def write_markdown(results, args):
    lines = ["# Benchmarks", "",
             "Measured by `make bench` (`python benchmarks/run.py --runs %d --uri-runs %d`) on %s, %s." % (
                 args.runs, args.uri_runs, datetime.date.today().isoformat(), machine()),
             "The emulator runs in its own process with `--latency-ms %d` (a realistic round trip to a cloud API); "
             "request counts come from its `/_emulator/stats`. Wall time is the whole `ansible-playbook` run, start-up "
             "included. These machines are small and noisy: compare ratios within one run, not across runs." % LATENCY_MS, ""]
    if "throughput" in results:
        tp = results["throughput"]
        lines += ["## Emulator throughput", "",
                  "32 concurrent keep-alive clients doing `GET /v2/room_sessions/{id}` for 5 s, no added latency: "
                  "**%.0f requests/s** (median of 3; min %.0f, max %.0f)." % (statistics.median(tp), min(tp), max(tp)), ""]
    if "bulk_end" in results:
        lines += bulk_rows("1. Bulk end: 1,000 active Telnyx room sessions", results["bulk_end"], 4, 1000, 4 + 1000)
        lines += ["The role lists the sessions twice (a check-mode plan for its safety limit, then the real run): "
                  "8 list requests instead of the 4 of a single `room_session_action` task. The module alone sends "
                  "exactly the list pages plus one POST per session.", ""]
    if "bulk_delete" in results:
        lines += bulk_rows("2. Bulk delete: 1,000 Twilio Proxy sessions", results["bulk_delete"], 1, 1000, 1 + 1000)
        lines += ["The role plans first and runs one listing per kind of work it is asked to do (here: delete only).", ""]
    if "listing" in results:
        listing = results["listing"]
        lines += ["## 3. Listing 10,000 sessions of each vendor with the lookups", "",
                  "| what | wall time | HTTP requests | minimum |", "|---|---|---|---|",
                  "| `room_sessions` + `proxy_sessions` lookups in one task | %s | %d | 40 + 10 = 50 |" % (
                      fmt(listing), listing[0]["requests"]), "",
                  "Telnyx pages after the first are fetched in parallel (the first tells how many there are); Twilio's "
                  "pages are a chain of `next_page_url`, so they are sequential.", ""]
    if "one_call" in results:
        one = results["one_call"]
        lines += ["## 4. One call: the collection's own overhead", "",
                  "| task | wall time of the playbook |", "|---|---|",
                  "| `commsops.sessions.room_session_info` | %s |" % fmt(one["info"]),
                  "| `ansible.builtin.uri` GET | %s |" % fmt(one["uri"]), "",
                  "Overhead of the module against `uri`: %+.2f s (median)." % (
                      summary(one["info"], "seconds")[0] - summary(one["uri"], "seconds")[0]), ""]
    if "rate_limit" in results:
        rate = results["rate_limit"]
        floor = summary(rate, "requests")[0] / 100.0
        lines += ["## 5. Bulk end under a rate limit of 100 requests/s", "",
                  "| wall time | HTTP requests (429s included) | 429 answers | floor: requests / 100 per s | ratio | failures |",
                  "|---|---|---|---|---|---|",
                  "| %s | %d | %d | %.2f s | %.2f | %s |" % (
                      fmt(rate), rate[0]["requests"], rate[0]["by_status"].get("429", 0), floor,
                      summary(rate, "seconds")[0] / floor, "none" if not any(s["failed"] for s in rate) else "SOME"), ""]
    lines += ["## 6. Peak memory", "", "In the tables above: resident set size sampled every 50 ms from /proc, for the "
              "controller (`ansible-playbook` and its forks) and for module processes (AnsiballZ).", ""]
    with open(args.output, "w") as handle:
        handle.write("\n".join(lines))
    print("wrote", args.output)


if __name__ == "__main__":
    main()
