# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""make bench: the collection against what users write today (uri loops, the vendors' SDKs), on the emulator.

Writes BENCHMARKS.md (through benchmarks/report.py), benchmarks/concurrency.svg and benchmarks/results/last.json
(saved after each measure). One emulator on 127.0.0.1, started and stopped here by its pid; its latency and limits
are changed between measures through /_emulator/config.

    python benchmarks/run.py [--runs 3] [--uri-runs 1] [--only telnyx_end,telnyx_limit,...] [--scale 0.05]
                             [--output FILE --json FILE --svg FILE]
    python benchmarks/run.py --from-json benchmarks/results/last.json   # write the Markdown again, no measuring

Measures (--only), with their time on a 2-core machine at the full scale:
    throughput     the emulator's capacity, 3 x 5 s
    telnyx_end     1: role (auto) / telnyx SDK at 8 and 32 threads / empty playbook, in --runs rounds, and a
                   uri loop on a sample of 200 ends scaled to 1,000 (--uri-runs times); about 5 minutes
    telnyx_limit   2: the role against --max-concurrency 20, at -vv for the trace; under a minute
    telnyx_rate    3: the role under --rate-limit 100; under a minute
    twilio_delete  4.1, twilio_limit 4.2, twilio_rate 4.3: the same for Twilio Proxy deletes; about 4 minutes
    sweep          6: auto against concurrency 8 at 10, 50 and 200 ms; about 4 minutes
    role_cost      8: each cleanup role at 100 and 1,000 sessions: its tasks beside the bulk task, and the module's
                   CPU per request (the difference of the two sizes, so its start-up is apart); about 2 minutes
    events         9: the Event-Driven Ansible sources: 9.1 signed webhooks a second that each listener (telnyx_webhook,
                   twilio_webhook) verifies and queues, its process on one core, --runs times; 9.2 a webhook's arrival
                   to the rule's action starting, in the real ansible-rulebook (10 x --runs events; its venv is
                   built once by tests/utils/rulebook.py, needs Java 17); 9.3 each polling source's requests and
                   seconds per poll at 10,000 sessions, --runs times; about 4 minutes
    scale          5: 100,000 sessions, one run each (the emulator is the bottleneck); about 13 minutes
--scale multiplies every size (1,000 sessions, the sample of 200, 100,000; the events' requests, webhooks and 10,000
sessions), to try the code in a minute.
"""

import argparse
import asyncio
import base64
import collections
import concurrent.futures
import datetime
import functools
import http.client
import importlib
import json
import math
import multiprocessing
import os
import platform
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from urllib.parse import urlencode

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.join(ROOT, "benchmarks")
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "tests"))
sys.path.insert(0, os.path.join(ROOT, "tests", "utils"))
from collection_path import collections_tree  # noqa: E402  pylint: disable=wrong-import-position
from with_emulator import CREDENTIALS, start, stop  # noqa: E402  pylint: disable=wrong-import-position
from tests.emulator.admin import admin  # noqa: E402  pylint: disable=wrong-import-position
from tests.emulator.webhooks import telnyx_headers, twilio_signature  # noqa: E402  pylint: disable=wrong-import-position

BIN = os.path.dirname(sys.executable)
LATENCY_MS = 50
SERVER_LIMIT = 20  # --max-concurrency of measures 2 and 4
RATE = 100  # --rate-limit of measures 3 and 4
SERVICE = "KS00000000000000000000000000000001"
TELNYX_PAGE = 250
SCALE_LATENCY_MS = 10
SWEEP_LATENCIES = (10, 50, 200)
MEASURES = ("throughput", "telnyx_end", "telnyx_limit", "telnyx_rate", "twilio_delete", "twilio_limit",
            "twilio_rate", "sweep", "role_cost", "events", "scale")
END_TASK = "commsops.sessions.room_session_action"
DELETE_TASK = "commsops.sessions.proxy_session_action"
EVENT_CLIENTS = 8  # measure 9.1: client processes, each on one keep-alive connection
EVENT_REQUESTS = 12000  # measure 9.1: signed requests to a listener in one run
LISTENER_CORE = 0  # measure 9.1: the listener's process runs on this core alone; the clients on the others
ACTION_EVENTS = 10  # measure 9.2: webhooks timed through ansible-rulebook, per --runs
POLL_SESSIONS = 10000  # measure 9.3
EVENT_TOKEN = "bench-auth-token"  # measure 9.1's Twilio listener: a made-up auth token, no account's
NAN = float("nan")
SOURCES = "ansible_collections.commsops.sessions.extensions.eda.plugins.event_source."


class Bench:
    def __init__(self):
        self.proc, self.url = start([])
        self.tmp = tempfile.mkdtemp(prefix="commsops-bench-")

    def admin(self, action, body=None):
        return admin(self.url, action, body)

    def config(self, latency_ms=0, max_concurrency=0, rate_limit=0):
        return self.admin("config", {"latency_ms": latency_ms, "max_concurrency": max_concurrency,
                                     "rate_limit": rate_limit, "fault_rate": 0})

    def env(self, **extra):
        return dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_tree(), ANSIBLE_NOCOLOR="1",
                    ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
                    ANSIBLE_CALLBACK_PLUGINS=os.path.join(HERE, "callback_plugins"),
                    ANSIBLE_CALLBACKS_ENABLED="bench_capture",
                    PATH=BIN + os.pathsep + os.environ.get("PATH", ""), TELNYX_BASE_URL=self.url + "/v2",
                    TWILIO_PROXY_BASE_URL=self.url, BENCH_URL=self.url, **dict(CREDENTIALS, **extra))

    def _stats(self):
        stats = self.admin("stats")
        return dict(requests=stats["total"], writes=stats["writes"], by_status=stats["by_status"],
                    by_method=stats["by_method"], peak_in_flight=stats.get("peak_in_flight"),
                    in_flight_limited=stats.get("in_flight_limited"), r429=stats["by_status"].get("429", 0))

    def playbook(self, text, verbosity=0, keep_trace=False):
        """Run a playbook; the time of the whole ansible-playbook, the emulator's counts, peak RSS, task times."""
        path, capture = os.path.join(self.tmp, "play.yml"), os.path.join(self.tmp, "capture.json")
        with open(path, "w") as handle:
            handle.write(text)
        if os.path.exists(capture):
            os.remove(capture)
        self.admin("stats/reset")
        emulator_cpu = cpu_seconds(self.proc.pid)
        sampler = MemorySampler()
        cmd = [os.path.join(BIN, "ansible-playbook"), path] + (["-" + "v" * verbosity] if verbosity else [])
        started = time.monotonic()
        proc = subprocess.Popen(cmd, env=self.env(BENCH_CAPTURE=capture), stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        sampler.start(proc.pid)
        out = proc.communicate(timeout=3600)[0]
        seconds = time.monotonic() - started
        sampler.stop()
        sample = dict(seconds=seconds, controller_mb=sampler.peak["controller"], module_mb=sampler.peak["module"],
                      module_cpu=sampler.cpu_seconds("module"), controller_cpu=sampler.cpu_seconds("controller"),
                      emulator_cpu=(cpu_seconds(self.proc.pid) or 0.0) - (emulator_cpu or 0.0), **self._stats())
        tasks = []
        if os.path.exists(capture):
            with open(capture) as handle:
                tasks = json.load(handle)["tasks"]
        for task in tasks:
            for entry in task["bulk"]:
                if not keep_trace:
                    entry.get("concurrency", {}).pop("trace", None)
                if not entry.get("failed"):
                    entry.pop("msg", None)
        sample["tasks"] = tasks
        sample["load"] = os.getloadavg()[0]
        sample["failed"] = proc.returncode != 0 or ("tasks: []" not in text and not re.search(r"failed=0 ", out))
        if sample["failed"]:
            print(out[-3000:], file=sys.stderr)
        return sample

    def script(self, args):
        """Run a Python script (the SDK baseline); its whole wall time, interpreter start-up and imports included."""
        self.admin("stats/reset")
        emulator_cpu = cpu_seconds(self.proc.pid)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        proc = subprocess.run([sys.executable] + args, env=self.env(), capture_output=True, text=True, timeout=3600,
                              check=False)
        seconds = time.monotonic() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        sample = dict(seconds=seconds, load=os.getloadavg()[0],
                      script_cpu=(after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
                      emulator_cpu=(cpu_seconds(self.proc.pid) or 0.0) - (emulator_cpu or 0.0), **self._stats())
        try:
            sample.update(json.loads(proc.stdout.strip().splitlines()[-1]))
        except (ValueError, IndexError):
            pass
        sample["failed"] = proc.returncode != 0
        if sample["failed"]:
            print(proc.stdout[-2000:], proc.stderr[-3000:], file=sys.stderr)
        return sample

    def close(self):
        stop(self.proc)
        shutil.rmtree(self.tmp, ignore_errors=True)


class MemorySampler:
    """Peak RSS and CPU seconds of the controller (ansible-playbook and its forks) and of module processes
    (AnsiballZ), sampled from /proc every 50 ms, in the playbook's own process tree."""

    def __init__(self):
        self.peak = {"controller": 0.0, "module": 0.0}
        self.cpu = {}  # (kind, pid) -> the largest user + system CPU seconds seen
        self._stop = threading.Event()
        self._thread = None

    def cpu_seconds(self, kind):
        return sum(seconds for (which, _pid), seconds in self.cpu.items() if which == kind)

    def start(self, root_pid):
        self._thread = threading.Thread(target=self._run, args=(root_pid,), daemon=True)
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._thread.join()

    def _run(self, root_pid):
        ours = {root_pid}  # the playbook's process tree only: other work on the machine may run Ansible too
        while not self._stop.is_set():
            parents = {}
            for pid in os.listdir("/proc"):
                if pid.isdigit():
                    try:
                        with open("/proc/%s/stat" % pid) as handle:
                            parents[int(pid)] = int(handle.read().rsplit(")", 1)[1].split()[1])
                    except (OSError, IndexError, ValueError):
                        continue
            grown = True
            while grown:
                found = {pid for pid, parent in parents.items() if parent in ours} - ours
                ours |= found
                grown = bool(found)
            for pid in ours & set(parents):
                try:
                    with open("/proc/%d/cmdline" % pid, "rb") as handle:
                        cmdline = handle.read().decode(errors="replace")
                    with open("/proc/%d/status" % pid) as handle:
                        rss = int(re.search(r"VmRSS:\s+(\d+)", handle.read()).group(1)) / 1024.0
                except (OSError, AttributeError):
                    continue
                kind = "module" if "AnsiballZ" in cmdline else "controller" if (
                    pid == root_pid or "ansible-playbook" in cmdline) else None
                if kind:
                    self.peak[kind] = max(self.peak[kind], rss)
                    used = cpu_seconds(pid)
                    if used is not None:
                        self.cpu[(kind, pid)] = max(self.cpu.get((kind, pid), 0.0), used)
            self._stop.wait(0.05)


# Helpers ----------------------------------------------------------------------------------


def cpu_seconds(pid):
    """User + system CPU seconds of a process so far (all its threads), from /proc/PID/stat."""
    try:
        with open("/proc/%s/stat" % pid) as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / float(os.sysconf("SC_CLK_TCK"))
    except (OSError, IndexError, ValueError):
        return None


def med(samples, key="seconds"):
    return statistics.median([s[key] for s in samples])


def task(sample, action):
    """The first task of that action in a playbook run (its time and bulk report)."""
    for entry in sample.get("tasks", []):
        if entry["action"] == action:
            return entry
    return None


def task_seconds(sample, action):
    found = task(sample, action)
    return found["seconds"] if found else float("nan")


def bulk(sample, action):
    found = task(sample, action)
    return found["bulk"] if found and found["bulk"] else []


def with_task_times(samples, action):
    for sample in samples:
        sample["task_seconds"] = task_seconds(sample, action)
        entries = bulk(sample, action)
        counts = [e.get("counts", {}) for e in entries]
        sample["done"] = sum(c.get("changed", 0) for c in counts)
        sample["not_done"] = sum(c.get("failed", 0) + c.get("unknown", 0) for c in counts)
        sample["concurrency"] = entries[0].get("concurrency") if entries else None
    return samples


def repeat(runs, seed, work):
    samples = []
    for _run in range(runs):
        seed()
        samples.append(work())
        print("   %.2f s (load %.1f)" % (samples[-1]["seconds"], samples[-1].get("load", 0)), flush=True)
    return samples


# Playbooks ----------------------------------------------------------------------------------

EMPTY = """
- hosts: localhost
  gather_facts: false
  tasks: []
"""

# One bulk module task that sends nothing (an empty list of ids): what a module task costs by itself.
NOTHING_TO_DO = {vendor: """
- hosts: localhost
  gather_facts: false
  tasks:
    - %s
""" % task for vendor, task in (
    ("telnyx", "commsops.sessions.room_session_action: {action: end, room_session_ids: []}"),
    ("twilio", "commsops.sessions.proxy_session_action: {action: delete, service_sid: %s, sids: []}" % SERVICE))}


def role_end(concurrency="auto"):
    return """
- hosts: localhost
  gather_facts: false
  roles:
    - role: commsops.sessions.room_session_cleanup
      vars:
        room_session_cleanup_max_age: 1m
        room_session_cleanup_max_sessions: 1000000
        room_session_cleanup_concurrency: %s
""" % concurrency


def role_delete(concurrency="auto"):
    return """
- hosts: localhost
  gather_facts: false
  roles:
    - role: commsops.sessions.proxy_session_cleanup
      vars:
        proxy_session_cleanup_service_sids: [%s]
        proxy_session_cleanup_idle: ""
        proxy_session_cleanup_delete_closed_after: 1m
        proxy_session_cleanup_max_sessions: 1000000
        proxy_session_cleanup_concurrency: %s
""" % (SERVICE, concurrency)


def uri_end(sample):
    return """
- hosts: localhost
  gather_facts: false
  vars:
    base: "{{ lookup('env', 'TELNYX_BASE_URL') }}"
    auth: {Authorization: "Bearer {{ lookup('env', 'TELNYX_API_KEY') }}"}
    query: "filter%%5Bactive%%5D=true&page%%5Bsize%%5D=250"
  tasks:
    - name: First page
      ansible.builtin.uri: {url: "{{ base }}/room_sessions?{{ query }}&page%%5Bnumber%%5D=1", headers: "{{ auth }}"}
      register: first
    - name: Other pages
      ansible.builtin.uri: {url: "{{ base }}/room_sessions?{{ query }}&page%%5Bnumber%%5D={{ item }}", headers: "{{ auth }}"}
      loop: "{{ range(2, first.json.meta.total_pages + 1) | list }}"
      register: rest
    - name: End each session (the benchmark's sample of %d)
      ansible.builtin.uri: {url: "{{ base }}/room_sessions/{{ item }}/actions/end", method: POST, headers: "{{ auth }}"}
      loop: "{{ ((first.json.data + (rest.results | map(attribute='json.data') | flatten)) | map(attribute='id') | list)[:%d] }}"
""" % (sample, sample)


def uri_delete(sample):
    return """
- hosts: localhost
  gather_facts: false
  vars:
    sessions_url: "{{ lookup('env', 'TWILIO_PROXY_BASE_URL') }}/v1/Services/%s/Sessions"
    user: "{{ lookup('env', 'TWILIO_ACCOUNT_SID') }}"
    password: "{{ lookup('env', 'TWILIO_AUTH_TOKEN') }}"
  tasks:
    - name: The one page of 1000 (a longer list would need a loop over next_page_url)
      ansible.builtin.uri: {url: "{{ sessions_url }}?PageSize=1000", url_username: "{{ user }}", url_password: "{{ password }}", force_basic_auth: true}
      register: page
    - name: Delete each session (the benchmark's sample of %d)
      ansible.builtin.uri:
        url: "{{ sessions_url }}/{{ item }}"
        method: DELETE
        status_code: 204
        url_username: "{{ user }}"
        url_password: "{{ password }}"
        force_basic_auth: true
      loop: "{{ (page.json.sessions | selectattr('status', 'equalto', 'closed') | map(attribute='sid') | list)[:%d] }}"
""" % (SERVICE, sample, sample)


def list_telnyx(count):
    return """
- hosts: localhost
  gather_facts: false
  tasks:
    - commsops.sessions.room_session_info: {active: true}
      register: listed
    - ansible.builtin.assert: {that: ["listed.room_sessions | length == %d"], quiet: true}
""" % count


# The few fields a cleanup play reads: measure 5 lists Twilio's sessions with them beside the full listing.
FEW_FIELDS = ("sid", "unique_name", "status", "date_last_interaction")


def list_twilio(count, fields=None):
    chosen = ", fields: [%s]" % ", ".join(fields) if fields else ""
    return """
- hosts: localhost
  gather_facts: false
  tasks:
    - commsops.sessions.proxy_session_info: {service_sid: %s%s}
      register: listed
    - ansible.builtin.assert: {that: ["listed.proxy_sessions | length == %d"], quiet: true}
""" % (SERVICE, chosen, count)


BULK_END_NONE = """
- hosts: localhost
  gather_facts: false
  tasks:
    - commsops.sessions.room_session_action:
        action: end
        select: {active: true}
        results: none
"""


# Seeds ----------------------------------------------------------------------------------------


def seed_rooms(bench, count):
    bench.admin("reset")
    bench.admin("seed", {"room_sessions": count, "active_ratio": 1.0, "seed": 1})


def seed_closed_proxy(bench, count):
    bench.admin("reset")
    session = {"service_sid": SERVICE, "status": "closed", "date_created": "now-2d", "date_updated": "now-1d"}
    bench.admin("fixtures", {"proxy_sessions": [session] * count})


# Measures -------------------------------------------------------------------------------------


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


def measure_bulk(bench, args, vendor):
    """Measure 1 (Telnyx end) or 4.1 (Twilio delete): the role in auto mode, the SDK script at 8 and 32 threads and
    an empty playbook, in rounds (one of each per round, so that all see the same load), and once, after the first
    round, a uri loop on a sample."""
    count, sample = args.count, args.uri_sample
    if vendor == "telnyx":
        seed = functools.partial(seed_rooms, bench, count)
        role, uri, action = role_end(), uri_end(sample), END_TASK
    else:
        seed = functools.partial(seed_closed_proxy, bench, count)
        role, uri, action = role_delete(), uri_delete(sample), DELETE_TASK
    bench.config(latency_ms=LATENCY_MS)
    ways = [("role", lambda: bench.playbook(role))]
    for threads in args.sdk_threads:
        cmd = [os.path.join(HERE, "sdk_end.py"), vendor, "--url", bench.url, "--threads", str(threads), "--service", SERVICE]
        ways.append(("sdk_%d" % threads, lambda cmd=cmd: bench.script(cmd)))
    ways.append(("startup", lambda: bench.playbook(EMPTY)))
    ways.append(("module_task", lambda: bench.playbook(NOTHING_TO_DO[vendor])))
    result = {"count": count, "uri_sample": sample, "latency_ms": LATENCY_MS}
    for key, _work in ways:
        result[key] = []
    for round_number in range(args.runs):
        for key, work in ways:
            seed()
            result[key].append(work())
            print(" round %d, %s: %.2f s (load %.1f)" % (round_number + 1, key, result[key][-1]["seconds"],
                                                         result[key][-1]["load"]), flush=True)
        if round_number == 0 and args.uri_runs:
            uri_samples = []
            for _run in range(args.uri_runs):
                seed()
                one = bench.playbook(uri)
                loop = one["tasks"][-1]["seconds"]
                one["loop_seconds"] = loop
                one["scaled_seconds"] = one["seconds"] + loop * (count / float(sample) - 1)
                uri_samples.append(one)
                print(" uri loop on a sample of %d: %.2f s, scaled %.1f s (load %.1f)" % (
                    sample, one["seconds"], one["scaled_seconds"], one["load"]), flush=True)
            result["uri"] = uri_samples
    with_task_times(result["role"], action)
    return result


def measure_limited(bench, args, vendor, mode):
    """Measures 2 and 3 (and their Twilio forms in 4): the role in auto mode under the server's concurrency
    limit (at -vv, for the trace) or under its rate limit."""
    count = args.count
    if vendor == "telnyx":
        seed, role, action = functools.partial(seed_rooms, bench, count), role_end(), END_TASK
    else:
        seed, role, action = functools.partial(seed_closed_proxy, bench, count), role_delete(), DELETE_TASK
    if mode == "limit":
        bench.config(latency_ms=LATENCY_MS, max_concurrency=SERVER_LIMIT)
        work = functools.partial(bench.playbook, role, verbosity=2, keep_trace=True)
    else:
        bench.config(latency_ms=LATENCY_MS, rate_limit=RATE)
        work = functools.partial(bench.playbook, role)
    try:
        samples = with_task_times(repeat(args.runs, seed, work), action)
    finally:
        bench.config(latency_ms=LATENCY_MS)
    return {"count": count, "latency_ms": LATENCY_MS, "mode": mode, "role": samples}


def page_seconds(url, path, auth, samples=3):
    """The emulator's own time for one list page (sequential GETs, latency set to 0 for the probe): at this
    size the emulator filters and sorts every session for each page, so this bounds the listing."""
    host, port = url.split("//")[1].split(":")
    times = []
    conn = http.client.HTTPConnection(host, int(port), timeout=120)
    for _sample in range(samples):
        started = time.monotonic()
        conn.request("GET", path, headers={"Authorization": auth})
        conn.getresponse().read()
        times.append(time.monotonic() - started)
    conn.close()
    return statistics.median(times)


def measure_scale(bench, args):
    """Measure 5: 100,000 sessions, one run each (each takes minutes)."""
    count = args.big
    bench.config(latency_ms=SCALE_LATENCY_MS)
    result = {"count": count, "latency_ms": SCALE_LATENCY_MS, "fields": FEW_FIELDS}
    started = time.monotonic()
    bench.admin("reset")
    bench.admin("seed", {"room_sessions": count, "proxy_sessions": count, "services": [SERVICE], "active_ratio": 1.0,
                         "seed": 5})
    result["seed_seconds"] = time.monotonic() - started
    print(" seeded %d + %d in %.1f s" % (count, count, result["seed_seconds"]), flush=True)
    bench.config(latency_ms=0)
    middle = max(1, math.ceil(count / float(TELNYX_PAGE)) // 2)
    result["telnyx_page_seconds"] = page_seconds(
        bench.url, "/v2/room_sessions?filter%%5Bactive%%5D=true&include_participants=true&page%%5Bsize%%5D=250"
        "&page%%5Bnumber%%5D=%d" % middle, "Bearer " + CREDENTIALS["TELNYX_API_KEY"])
    basic = base64.b64encode(("%s:%s" % (CREDENTIALS["TWILIO_ACCOUNT_SID"], CREDENTIALS["TWILIO_AUTH_TOKEN"])).encode())
    result["twilio_page_seconds"] = page_seconds(
        bench.url, "/v1/Services/%s/Sessions?PageSize=1000" % SERVICE, "Basic " + basic.decode())
    print(" one page by the emulator alone: Telnyx %.3f s, Twilio %.3f s" % (
        result["telnyx_page_seconds"], result["twilio_page_seconds"]), flush=True)
    bench.config(latency_ms=SCALE_LATENCY_MS)
    for name, text, action in (("telnyx_list", list_telnyx(count), "commsops.sessions.room_session_info"),
                               ("twilio_list", list_twilio(count), "commsops.sessions.proxy_session_info"),
                               ("twilio_list_fields", list_twilio(count, FEW_FIELDS), "commsops.sessions.proxy_session_info"),
                               ("telnyx_end", BULK_END_NONE, END_TASK)):
        print(" " + name, flush=True)
        result[name] = with_task_times([bench.playbook(text)], action)
        print("   %.2f s" % result[name][0]["seconds"], flush=True)
    return result


def measure_sweep(bench, args):
    """Measure 6: auto mode against concurrency 8 at three round-trip times, the two alternating."""
    result = {"count": args.count, "latencies": list(SWEEP_LATENCIES)}
    try:
        for latency in SWEEP_LATENCIES:
            bench.config(latency_ms=latency)
            for mode in ("auto", "8"):
                result["%d_%s" % (latency, mode)] = []
            for round_number in range(args.runs):
                for mode in ("auto", "8"):
                    seed_rooms(bench, args.count)
                    one = bench.playbook(role_end(mode))
                    result["%d_%s" % (latency, mode)].append(one)
                    print(" %d ms, round %d, concurrency %s: %.2f s (load %.1f)" % (
                        latency, round_number + 1, mode, one["seconds"], one["load"]), flush=True)
            for mode in ("auto", "8"):
                with_task_times(result["%d_%s" % (latency, mode)], END_TASK)
    finally:
        bench.config(latency_ms=LATENCY_MS)
    return result


def measure_role_cost(bench, args):
    """Measure 8: what each cleanup role spends beside its bulk task, at a tenth of the size and at the size,
    the sizes alternating in rounds."""
    sizes = (max(1, args.count // 10), args.count)
    result = {"sizes": list(sizes), "latency_ms": LATENCY_MS}
    bench.config(latency_ms=LATENCY_MS)
    for vendor, seeder, play, action in (("telnyx", seed_rooms, role_end(), END_TASK),
                                         ("twilio", seed_closed_proxy, role_delete(), DELETE_TASK)):
        for size in sizes:
            result["%s_%d" % (vendor, size)] = []
        for round_number in range(args.runs):
            for size in sizes:
                seeder(bench, size)
                one = bench.playbook(play)
                result["%s_%d" % (vendor, size)].append(one)
                print(" %s, round %d, %d sessions: %.2f s (load %.1f)" % (
                    vendor, round_number + 1, size, one["seconds"], one["load"]), flush=True)
        for size in sizes:
            with_task_times(result["%s_%d" % (vendor, size)], action)
    return result


# Measure 9: the event sources ------------------------------------------------------------------

_EVENT_JOBS = []  # measure 9.1: each client's signed requests, made before the clients are forked


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_listening(port, proc=None, seconds=120):
    """True once something accepts on 127.0.0.1:port (False after seconds, or once proc has exited)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and (proc is None or proc.poll() is None):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


def signed_requests(vendor, count, secret, port):
    """count signed webhook requests (path, body, headers), each a distinct event, signed as the vendor signs:
    by the emulator's own signing code, not the listener's."""
    made = []
    for number in range(count):
        if vendor == "telnyx":
            body = json.dumps({"data": {"record_type": "event", "event_type": "video.room.session.started",
                                        "id": "bench-%d" % number, "occurred_at": "2026-01-01T00:00:00.000000Z",
                                        "payload": {"session_id": "s-%d" % number, "room_id": "r"}},
                               "meta": {"attempt": 1}}).encode()
            made.append(("/", body, dict(telnyx_headers(secret, body), **{"Content-Type": "application/json"})))
        else:
            fields = {"interactionSid": "KI%032d" % number, "interactionSessionSid": "KC%032d" % 1,
                      "interactionServiceSid": SERVICE, "interactionType": "Message"}
            signature = twilio_signature(secret, "http://127.0.0.1:%d/callback" % port, fields)
            made.append(("/callback", urlencode(sorted(fields.items())).encode(),
                         {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature}))
    return made


def _on_other_cores():
    others = os.sched_getaffinity(0) - {LISTENER_CORE}
    if others:
        os.sched_setaffinity(0, others)


def _event_client(job):
    """One client process: its requests one after another on one keep-alive connection, from the common start.
    Raw HTTP/1.1 bytes made beforehand and the answers' status lines read, so that a client costs little CPU
    beside the listener."""
    port, index, start_at = job
    raw = [b"POST %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Length: %d\r\n%s\r\n%s" % (
        path.encode(), port, len(body), b"".join(b"%s: %s\r\n" % (k.encode(), v.encode()) for k, v in headers.items()),
        body) for path, body, headers in _EVENT_JOBS[index]]
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)  # before the start: the measure is the requests
    statuses = collections.Counter()
    time.sleep(max(0.0, start_at - time.time()))
    for request in raw:
        sock.sendall(request)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
        status = answer[9:12].decode() if answer.startswith(b"HTTP/1.1 ") else "none"
        statuses[status] += 1
        if status != "204":  # a refusal closes the connection (any body is read with it or lost): open another
            sock.close()
            sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    sock.close()
    return dict(statuses)


def sched_seconds():
    """This process's seconds on a CPU and waiting for one (/proc/self/schedstat; None where it is missing)."""
    try:
        with open("/proc/self/schedstat") as handle:
            on_cpu, waiting = handle.read().split()[:2]
        return int(on_cpu) / 1e9, int(waiting) / 1e9
    except (OSError, ValueError):
        return None, None


async def _drain(vendor, args, expected, counted):
    """Run the source and count its queue until expected events came (or none for 20 s)."""
    source = importlib.import_module(SOURCES + vendor + "_webhook")
    queue = asyncio.Queue()
    task = asyncio.ensure_future(source.main(queue, args))
    cpu_at_start, total, ids, last = time.process_time(), 0, set(), None
    _on_cpu, waited_before = sched_seconds()
    try:
        while total < expected:
            try:
                event = await asyncio.wait_for(queue.get(), 20)
            except asyncio.TimeoutError:
                break
            total += 1
            ids.add(event["session_event"]["id"])
            last = time.time()
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    _on_cpu, waited = sched_seconds()
    counted.put({"events": total, "unique": len(ids), "last": last, "cpu": time.process_time() - cpu_at_start,
                 "waited": waited - waited_before if waited is not None else None})


def _listener(vendor, args, expected, counted):
    """Measure 9.1's listener process, alone on LISTENER_CORE."""
    os.sched_setaffinity(0, {LISTENER_CORE})
    from collection_path import ensure_importable  # pylint: disable=import-outside-toplevel
    ensure_importable()
    asyncio.run(_drain(vendor, args, expected, counted))


def listener_rate(vendor, requests):
    """One run of measure 9.1: signed events a second that one listener verifies and puts on its queue."""
    from tests.emulator.webhooks import load_private_key, public_key_b64  # pylint: disable=import-outside-toplevel
    port = free_port()
    if vendor == "telnyx":
        key = load_private_key()
        secret, args = key, {"port": port, "public_key": public_key_b64(key)}
    else:
        secret, args = EVENT_TOKEN, {"port": port, "auth_token": EVENT_TOKEN,
                                     "public_url": "http://127.0.0.1:%d" % port}
    per_client = max(1, requests // EVENT_CLIENTS)
    made = signed_requests(vendor, per_client * EVENT_CLIENTS, secret, port)
    _EVENT_JOBS[:] = [made[n::EVENT_CLIENTS] for n in range(EVENT_CLIENTS)]
    fork = multiprocessing.get_context("fork")
    counted = fork.Queue()
    listener = fork.Process(target=_listener, args=(vendor, args, len(made), counted), daemon=True)
    listener.start()
    try:
        if not wait_listening(port, None, 60):
            raise RuntimeError("the %s_webhook listener did not start" % vendor)
        with fork.Pool(EVENT_CLIENTS, initializer=_on_other_cores) as pool:
            start_at = time.time() + 2.0  # every client forked and connected first
            answered = collections.Counter()
            for statuses in pool.map(_event_client, [(port, n, start_at) for n in range(EVENT_CLIENTS)]):
                answered.update(statuses)
        got = counted.get(timeout=120)
    finally:
        listener.join(30)
        if listener.is_alive():
            listener.terminate()
        _EVENT_JOBS[:] = []
    seconds = (got["last"] or start_at) - start_at
    return dict(sent=len(made), answered={str(k): v for k, v in answered.items()}, events=got["events"],
                unique=got["unique"], seconds=seconds, rate=div0(got["events"], seconds),
                listener_cpu=got["cpu"], per_cpu_second=div0(got["events"], got["cpu"]), listener_waited=got["waited"],
                load=os.getloadavg()[0])


def div0(numerator, denominator):
    return numerator / denominator if denominator else 0.0


ACTION_RULEBOOK = """
- name: Bench a webhook to an action
  hosts: localhost
  sources:
    - commsops.sessions.telnyx_webhook:
        port: %d
        public_key: %s
  rules:
    - name: %s
      condition: event.session_event.type == "video.room.session.started"
      action:
        run_module:
          name: commsops.sessions.room_session_action
          module_args:
            action: end
            room_session_ids:
              - "{{ event.session_event.session_id }}"
"""
ACTION_RULE = "End the started session"


def log_time(line):
    """The epoch seconds of an ansible-rulebook log line ("2026-01-01 10:00:00,123 - ..."; local time)."""
    stamp = datetime.datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f")
    return stamp.timestamp()


def epoch(iso_text):
    return datetime.datetime.fromisoformat(iso_text.replace("Z", "+00:00")).timestamp()


def telnyx_api(url, method, path, body=None):
    host, port = url.split("//")[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    conn.request(method, "/v2" + path, None if body is None else json.dumps(body),
                 {"Authorization": "Bearer " + CREDENTIALS["TELNYX_API_KEY"], "Content-Type": "application/json"})
    answer = json.loads(conn.getresponse().read())["data"]
    conn.close()
    return answer


def measure_webhook_action(bench, count):
    """Measure 9.2: telnyx_webhook in the real ansible-rulebook, whose rule ends the session an event names with
    room_session_action (run_module). For each event: a session started in the emulator (its room has no webhook
    URL: the benchmark sends the webhook itself, signed, so that it knows when it sent it), then the times to the
    action's start (ansible-rulebook's first log line of the action) and to the module's end request (the
    session's ended_at in the emulator). One event after another, each once the last action is over; a warm-up
    event first (the engine's first match), kept apart."""
    import rulebook as rulebook_utils  # tests/utils/rulebook.py  pylint: disable=import-outside-toplevel
    from tests.emulator.webhooks import load_private_key, public_key_b64  # pylint: disable=import-outside-toplevel
    _home, why = rulebook_utils.java_home()
    if why:
        return {"skipped": why}
    bin_dir = rulebook_utils.rulebook_venv(rulebook_utils.default_venv())
    env = rulebook_utils.install_collection(os.path.join(bench.tmp, "eda"), bin_dir)
    env.update(TELNYX_API_KEY=CREDENTIALS["TELNYX_API_KEY"], TELNYX_BASE_URL=bench.url + "/v2",
               ANSIBLE_LOCALHOST_WARNING="false")
    bench.admin("reset")
    bench.config()  # no added latency: the figure is the engine's and Ansible's own
    key, port = load_private_key(), free_port()
    room = telnyx_api(bench.url, "POST", "/rooms", {"unique_name": "bench-eda"})["id"]
    work = os.path.join(bench.tmp, "eda-run")
    os.makedirs(work, exist_ok=True)
    with open(os.path.join(work, "rulebook.yml"), "w") as handle:
        handle.write(ACTION_RULEBOOK % (port, public_key_b64(key), ACTION_RULE))
    with open(os.path.join(work, "inventory.yml"), "w") as handle:
        handle.write("all:\n  hosts:\n    localhost:\n      ansible_connection: local\n"
                     "      ansible_python_interpreter: %s\n" % os.path.join(bin_dir, "python"))
    log = os.path.join(work, "rulebook.log")
    result = {"events": [], "warm_up": None}
    with open(log, "w") as out:
        proc = subprocess.Popen([os.path.join(bin_dir, "ansible-rulebook"), "-i", "inventory.yml", "--rulebook",
                                 "rulebook.yml", "-vv"], cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        if not wait_listening(port, proc):
            raise RuntimeError("ansible-rulebook did not listen:\n" + read_tail(log))
        for number in range(count + 1):
            one = webhook_to_action(bench, room, key, port, log, proc)
            print("   event %d: answered %.3f s, action started %.3f s, end request %.2f s after the webhook%s" % (
                number, one["to_answer"], one["to_action"], one["to_request"], " (warm-up)" if not number else ""),
                flush=True)
            if number:
                result["events"].append(one)
            else:
                result["warm_up"] = one
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # its own process group: ansible-runner's playbooks too
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
    result["load"] = os.getloadavg()[0]
    return result


def since(path, offset):
    with open(path, errors="replace") as handle:
        handle.seek(offset)
        return handle.read()


def read_tail(path):
    with open(path, errors="replace") as handle:
        return handle.read()[-4000:]


def webhook_to_action(bench, room, key, port, log, proc, seconds=120):
    """One session started and its signed webhook sent; the times from the send to the listener's answer, to the
    action's start and to the module's end request, and the module's requests."""
    session = bench.admin("rooms/%s/sessions" % room, {})
    body = json.dumps({"data": {"record_type": "event", "event_type": "video.room.session.started",
                                "id": "bench-" + session["id"], "occurred_at": session["created_at"],
                                "payload": {"session_id": session["id"], "room_id": room}},
                       "meta": {"attempt": 1}}).encode()
    headers = dict(telnyx_headers(key, body), **{"Content-Type": "application/json"})
    offset = os.path.getsize(log)
    bench.admin("stats/reset")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    sent = time.time()
    conn.request("POST", "/", body, headers)
    answer = conn.getresponse()
    answer.read()
    answered = time.time()
    conn.close()
    deadline = time.monotonic() + seconds
    # Wait for the action to be over (the rulebook runs one at a time: the next event must not wait for it).
    while "Ansible runner rc: " not in since(log, offset):
        if time.monotonic() > deadline or proc.poll() is not None:
            raise RuntimeError("no action on session %s:\n%s" % (session["id"], read_tail(log)))
        time.sleep(0.05)
    routes = bench.admin("stats")["by_route"]
    ended = telnyx_api(bench.url, "GET", "/room_sessions/" + session["id"])
    # RunPlaybook (run_module's base) logs "ruleset: NAME, rule: NAME" first thing when the action starts.
    action = [line for line in since(log, offset).splitlines()
              if ", rule: " + ACTION_RULE in line and " - DEBUG - ruleset: " in line]
    return dict(status=answer.status, to_answer=answered - sent,
                to_action=log_time(action[0]) - sent if action else NAN,
                to_request=epoch(ended["ended_at"]) - sent if ended.get("ended_at") else NAN, routes=routes)


def measure_polling(bench, args, sessions):
    """Measure 9.3: each polling source's poller, driven here (one poll after another): the requests of the first
    poll (the baseline) and of the next (nothing changed), from /_emulator/stats, and their seconds."""
    from collection_path import ensure_importable  # pylint: disable=import-outside-toplevel
    ensure_importable()
    bench.config(latency_ms=LATENCY_MS)
    result = {"sessions": sessions, "latency_ms": LATENCY_MS}
    for vendor, name, args_of in (
            ("telnyx", "room_session_events", {"api_key": CREDENTIALS["TELNYX_API_KEY"], "base_url": bench.url + "/v2"}),
            ("twilio", "proxy_session_events", {"account_sid": CREDENTIALS["TWILIO_ACCOUNT_SID"],
                                                "auth_token": CREDENTIALS["TWILIO_AUTH_TOKEN"],
                                                "base_url": bench.url, "service_sids": [SERVICE]})):
        bench.admin("reset")
        if vendor == "telnyx":
            bench.admin("seed", {"room_sessions": sessions, "active_ratio": 1.0, "seed": 1})
        else:
            bench.admin("seed", {"proxy_sessions": sessions, "services": [SERVICE], "seed": 1})
        source = importlib.import_module(SOURCES + name)
        runs = []
        for _run in range(args.runs):
            poller, _settings = source.poller(dict(args_of, interval=1))
            try:
                bench.admin("stats/reset")
                poller.prepare()
                one = {"prepare_requests": bench.admin("stats")["total"]}
                for which in ("first", "next"):
                    bench.admin("stats/reset")
                    began = time.monotonic()
                    events = poller.poll()
                    one["%s_seconds" % which] = time.monotonic() - began
                    stats = bench.admin("stats")
                    one["%s_requests" % which], one["%s_routes" % which] = stats["total"], stats["by_route"]
                    one["%s_events" % which] = len(events)
            finally:
                poller.close()
            one["seconds"], one["load"] = one["next_seconds"], os.getloadavg()[0]
            runs.append(one)
            print("   %s: %d + %d requests, %.2f s + %.2f s (load %.1f)" % (
                name, one["first_requests"], one["next_requests"], one["first_seconds"], one["next_seconds"],
                one["load"]), flush=True)
        result[vendor] = runs
    return result


def measure_events(bench, args):
    """Measure 9: the listeners' rate (9.1), a webhook to the rule's action (9.2), the pollers (9.3)."""
    requests = max(EVENT_CLIENTS, int(round(EVENT_REQUESTS * args.scale)))
    result = {"clients": EVENT_CLIENTS, "listener_core": LISTENER_CORE, "nproc": os.cpu_count()}
    for vendor in ("telnyx", "twilio"):
        runs = result["%s_listener" % vendor] = []
        for _run in range(args.runs):
            runs.append(listener_rate(vendor, requests))
            one = runs[-1]
            print("   %s_webhook: %d events (%d unique) of %d sent in %.2f s: %.0f/s; listener CPU %.2f s, waited for "
                  "its core %.2f s (load %.1f)" % (vendor, one["events"], one["unique"], one["sent"], one["seconds"],
                                                   one["rate"], one["listener_cpu"], one["listener_waited"] or 0,
                                                   one["load"]), flush=True)
    result["action"] = measure_webhook_action(bench, max(3, int(round(ACTION_EVENTS * args.runs * args.scale))))
    result["polling"] = measure_polling(bench, args, max(1, int(round(POLL_SESSIONS * args.scale))))
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each fast measure (median, min, max)")
    parser.add_argument("--uri-runs", type=int, default=1, help="runs of the uri loop samples (minutes each)")
    parser.add_argument("--only", default=",".join(MEASURES), help="comma-separated, of: " + ", ".join(MEASURES))
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiply every size (1,000 sessions, the uri sample of 200, 100,000): to try the code")
    parser.add_argument("--output", default=os.path.join(ROOT, "BENCHMARKS.md"))
    parser.add_argument("--json", default=os.path.join(HERE, "results", "last.json"))
    parser.add_argument("--svg", default=os.path.join(HERE, "concurrency.svg"))
    parser.add_argument("--from-json", help="write the Markdown and SVG from this results file; measure nothing")
    parser.add_argument("--resume", action="store_true",
                        help="keep the measures already in --json (from an interrupted run) and measure the rest")
    args = parser.parse_args()
    if args.from_json:
        with open(args.from_json) as handle:
            results = json.load(handle)
        write_outputs(results, args)
        return
    only = [m for m in args.only.split(",") if m]
    unknown = set(only) - set(MEASURES)
    if unknown:
        parser.error("unknown measure(s): %s" % ", ".join(sorted(unknown)))
    args.count = max(1, int(round(1000 * args.scale)))
    args.uri_sample = max(1, int(round(200 * args.scale)))
    args.big = max(1, int(round(100000 * args.scale)))
    args.sdk_threads = (8, 32)
    begun, started = datetime.datetime.now(), time.monotonic()
    results = {"meta": {"started": begun.isoformat(timespec="seconds"), "runs": args.runs, "uri_runs": args.uri_runs,
                        "scale": args.scale, "only": only, "command": command_line(), "machine": machine()},
               "measures": {}}
    if args.resume and os.path.exists(args.json):
        with open(args.json) as handle:
            earlier = json.load(handle)
        results["measures"] = earlier.get("measures", {})
        results["meta"]["resumed"] = dict(started=earlier["meta"]["started"], seconds=earlier["meta"].get("seconds", 0),
                                          kept=sorted(results["measures"]))
        only = [name for name in only if name not in results["measures"]]
    done = results["measures"]

    def save():
        results["meta"]["seconds"] = time.monotonic() - started
        os.makedirs(os.path.dirname(args.json), exist_ok=True)
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=1)

    bench = Bench()
    try:
        for name in MEASURES:
            if name not in only:
                continue
            print("== %s" % name, flush=True)
            step = time.monotonic()
            if name == "throughput":
                bench.admin("reset")
                bench.config()
                done[name] = {"values": [throughput(bench.url) for _run in range(3)]}
            elif name == "telnyx_end":
                done[name] = measure_bulk(bench, args, "telnyx")
            elif name == "twilio_delete":
                done[name] = measure_bulk(bench, args, "twilio")
            elif name in ("telnyx_limit", "telnyx_rate", "twilio_limit", "twilio_rate"):
                vendor, mode = name.split("_")
                done[name] = measure_limited(bench, args, vendor, mode)
            elif name == "scale":
                done[name] = measure_scale(bench, args)
            elif name == "sweep":
                done[name] = measure_sweep(bench, args)
            elif name == "role_cost":
                done[name] = measure_role_cost(bench, args)
            elif name == "events":
                done[name] = measure_events(bench, args)
            done[name]["measure_seconds"] = time.monotonic() - step
            done[name]["load_after"] = list(os.getloadavg())  # 1, 5 and 15 minutes: how busy the machine was
            save()
    finally:
        bench.close()
    save()
    write_outputs(results, args)
    print("total %.0f s" % results["meta"]["seconds"])


def command_line():
    return "python benchmarks/run.py " + " ".join(sys.argv[1:]) if sys.argv[1:] else "python benchmarks/run.py"


def machine():
    info = {"nproc": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    try:
        with open("/proc/cpuinfo") as handle:
            info["cpu"] = re.search(r"model name\s*:\s*(.+)", handle.read()).group(1).strip()
    except (OSError, AttributeError):
        info["cpu"] = "unknown CPU"
    try:
        with open("/proc/meminfo") as handle:
            info["memory_gb"] = int(re.search(r"MemTotal:\s+(\d+)", handle.read()).group(1)) / 1024.0 / 1024.0
    except (OSError, AttributeError):
        info["memory_gb"] = None
    version = subprocess.run([os.path.join(BIN, "ansible"), "--version"], capture_output=True, text=True, check=False)
    info["ansible"] = version.stdout.splitlines()[0] if version.stdout else "ansible ?"
    for package in ("telnyx", "twilio", "requests"):
        try:
            info[package] = __import__(package).__version__
        except (ImportError, AttributeError):
            info[package] = "?"
    try:
        info["load"] = os.getloadavg()
    except OSError:
        pass
    return info


def write_outputs(results, args):
    from report import write_markdown, write_svg  # pylint: disable=import-outside-toplevel
    svg = write_svg(results, args.svg)
    write_markdown(results, args.output, svg)
    print("wrote", args.output, "and" if svg else "", svg or "")


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    main()
