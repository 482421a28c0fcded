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
    scale          5: 100,000 sessions, one run each (the emulator is the bottleneck); about 13 minutes
--scale multiplies every size (1,000 sessions, the sample of 200, 100,000), to try the code in a minute.
"""

import argparse
import base64
import concurrent.futures
import datetime
import functools
import http.client
import json
import math
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.join(ROOT, "benchmarks")
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "tests"))
sys.path.insert(0, os.path.join(ROOT, "tests", "utils"))
from collection_path import collections_tree  # noqa: E402  pylint: disable=wrong-import-position
from with_emulator import CREDENTIALS, start, stop  # noqa: E402  pylint: disable=wrong-import-position
from tests.emulator.admin import admin  # noqa: E402  pylint: disable=wrong-import-position

BIN = os.path.dirname(sys.executable)
LATENCY_MS = 50
SERVER_LIMIT = 20  # --max-concurrency of measures 2 and 4
RATE = 100  # --rate-limit of measures 3 and 4
SERVICE = "KS00000000000000000000000000000001"
TELNYX_PAGE = 250
SCALE_LATENCY_MS = 10
SWEEP_LATENCIES = (10, 50, 200)
MEASURES = ("throughput", "telnyx_end", "telnyx_limit", "telnyx_rate", "twilio_delete", "twilio_limit",
            "twilio_rate", "sweep", "role_cost", "scale")
END_TASK = "commsops.sessions.room_session_action"
DELETE_TASK = "commsops.sessions.proxy_session_action"


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
