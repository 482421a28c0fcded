# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""BENCHMARKS.md and benchmarks/concurrency.svg from the results of benchmarks/run.py (every figure from the run)."""

import math
import os
import statistics

SERVER_LIMIT = 20
RATE = 100
AUTO_MAX = 64
TELNYX_PAGE, TWILIO_PAGE = 250, 1000
NAN = float("nan")

# Aims of the brief.
AIM_URI = 100.0
AIM_FLOOR = 1.3
AIM_LIMIT = 1.25
AIM_429 = 0.05
AIM_RATE = 1.15
AIM_RSS = 300.0
AIM_EVENTS = 1000.0  # signed events a second that one listener verifies and queues, on one core


# Numbers ---------------------------------------------------------------------------------------


def values(samples, key="seconds"):
    return [s[key] for s in samples if s.get(key) is not None and not _nan(s[key])]


def _nan(value):
    return isinstance(value, float) and math.isnan(value)


def med(samples, key="seconds"):
    found = values(samples, key)
    return statistics.median(found) if found else NAN


def fmt(samples, key="seconds"):
    found = values(samples, key)
    if not found:
        return "n/a"
    if len(found) == 1:
        return "%.2f s (1 run)" % found[0]
    return "%.2f s (min %.2f, max %.2f; %d runs)" % (statistics.median(found), min(found), max(found), len(found))


def sec(value):
    return "n/a" if _nan(value) else "%.2f s" % value


def ratio(value):
    return "n/a" if _nan(value) else "%.2f" % value


def div(numerator, denominator):
    return NAN if _nan(numerator) or _nan(denominator) or not denominator else numerator / denominator


def verdict(ok):
    return "n/a" if ok is None else ("**met**" if ok else "**missed**")


def le(a, b):
    return None if _nan(a) or _nan(b) else a <= b


def telnyx_list_trips(count):
    pages = math.ceil(count / float(TELNYX_PAGE))
    return 1 if pages <= 1 else 2  # the first page tells how many; the rest are fetched in parallel


def twilio_list_trips(count):
    return max(1, math.ceil(count / float(TWILIO_PAGE)))  # a chain of next_page_url: one after another


def list_trips(vendor, count):
    return telnyx_list_trips(count) if vendor == "telnyx" else twilio_list_trips(count)


def any_failed(samples):
    return any(s.get("failed") for s in samples)


def median_sample(samples):
    """The run whose wall time is the median (for a trace to draw)."""
    ordered = sorted(samples, key=lambda s: s["seconds"])
    return ordered[(len(ordered) - 1) // 2] if ordered else None


def load(samples):
    """The 1-minute load average when each run ended, as median (min to max)."""
    found = values(samples, "load")
    if not found:
        return "?"
    if len(found) == 1:
        return "%.1f" % found[0]
    return "%.1f (%.1f to %.1f)" % (statistics.median(found), min(found), max(found))


def cpu_line(samples):
    """CPU seconds used during the runs (medians), where the run recorded them."""
    if not values(samples, "module_cpu"):
        return ""
    return ("CPU used during these runs (medians, from /proc): module processes %.2f s, controller processes %.2f s, "
            "emulator %.2f s, against %.2f s of wall time on %d cores." % (
                med(samples, "module_cpu"), med(samples, "controller_cpu"), med(samples, "emulator_cpu"), med(samples),
                os.cpu_count() or 0))


def trace_figures(sample):
    """From a -vv trace: the limiter's time-weighted mean limit over its span, its halvings (after a 429 or 503)
    and its cuts by a tenth (latency above twice its minimum), and the effective round trip that the throughput
    implies (mean limit x span / requests)."""
    points = (sample.get("concurrency") or {}).get("trace") or []
    if len(points) < 2:
        return None
    area = sum(l0 * (t1 - t0) for (t0, l0), (t1, _l1) in zip(points, points[1:]))
    span = points[-1][0]
    mean = area / span if span else NAN
    halvings = sum(1 for (_t0, l0), (_t1, l1) in zip(points, points[1:]) if l1 < l0 * 0.7)
    tenths = sum(1 for (_t0, l0), (_t1, l1) in zip(points, points[1:]) if l0 * 0.7 <= l1 < l0 - 1e-6)
    return dict(mean=mean, span=span, halvings=halvings, tenths=tenths,
                round_trip=div(mean * span, sample.get("requests", 0)))


def conc(samples):
    shown = [s.get("concurrency") for s in samples if s.get("concurrency")]
    if not shown:
        return "n/a"
    settled = sorted(c["settled"] for c in shown)
    peak = sorted(c["peak"] for c in shown)
    return "settled %s, peak %s" % ("/".join(str(v) for v in settled), "/".join(str(v) for v in peak))


def task_groups(sample):
    """Seconds of one role run by kind of task."""
    groups = {"bulk": 0.0, "report": 0.0, "other": 0.0}
    for task in sample.get("tasks", []):
        if task["action"].endswith("_session_action"):  # the bulk task (the cleanup_report action is the report)
            groups["bulk"] += task["seconds"]
        elif "report" in task["name"].lower() or task["action"] in ("ansible.builtin.debug", "ansible.builtin.include_tasks"):
            groups["report"] += task["seconds"]
        else:
            groups["other"] += task["seconds"]
    groups["outside"] = sample["seconds"] - sum(groups.values())
    return groups


def median_groups(samples):
    per = [task_groups(s) for s in samples]
    return {key: statistics.median([p[key] for p in per]) for key in per[0]} if per else {}


# SVG ---------------------------------------------------------------------------------------------


def write_svg(results, path):
    """Auto mode's limit over time (from the -vv trace of the median run of measure 2 and its Twilio form)
    against the server's limit. Plain SVG text."""
    measures = results.get("measures", {})
    series = []
    for name, label, colour in (("telnyx_limit", "Telnyx end", "#1f77b4"), ("twilio_limit", "Twilio delete", "#2ca02c")):
        data = measures.get(name)
        if not data:
            continue
        run = median_sample(data["role"])
        trace = (run or {}).get("concurrency", {}) or {}
        points = trace.get("trace") if isinstance(trace, dict) else None
        if points:
            series.append((label, colour, points, run))
    if not series:
        return None
    width, height, left, right, top, bottom = 760, 380, 60, 20, 50, 50
    x_max = max(p[0] for _l, _c, points, _r in series for p in points) * 1.02 or 1.0
    y_max = max([SERVER_LIMIT * 1.5] + [p[1] for _l, _c, points, _r in series for p in points]) * 1.1
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(value):
        return left + plot_w * value / x_max

    def y(value):
        return top + plot_h * (1 - value / y_max)

    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
           'font-family="sans-serif" font-size="12">' % (width, height, width, height),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="20" font-size="14" font-weight="bold">Auto concurrency against a server limit of %d in flight '
           '(%d sessions, %d ms round trip)</text>' % (left, SERVER_LIMIT, measures.get("telnyx_limit", measures.get(
               "twilio_limit", {})).get("count", 0), measures.get("telnyx_limit", measures.get(
                   "twilio_limit", {})).get("latency_ms", 0)),
           '<text x="%d" y="36" fill="#555">limiter permits: -vv trace of the median run of measures 2 and 4.2, '
           'run of %s</text>' % (left, results["meta"]["started"][:16].replace("T", " "))]
    # axes and grid
    step_y = 10 if y_max <= 80 else 20
    for value in range(0, int(y_max) + 1, step_y):
        out.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#e5e5e5"/>' % (left, y(value), width - right, y(value)))
        out.append('<text x="%d" y="%.1f" text-anchor="end">%d</text>' % (left - 6, y(value) + 4, value))
    step_x = _nice_step(x_max)
    value = 0.0
    while value <= x_max:
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#e5e5e5"/>' % (x(value), top, x(value), top + plot_h))
        out.append('<text x="%.1f" y="%d" text-anchor="middle">%g</text>' % (x(value), top + plot_h + 16, round(value, 3)))
        value += step_x
    out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>' % (left, top + plot_h, width - right, top + plot_h))
    out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>' % (left, top, left, top + plot_h))
    out.append('<text x="%d" y="%d" text-anchor="middle">seconds since the task\'s limiter started</text>' % (
        left + plot_w // 2, height - 12))
    out.append('<text x="16" y="%d" transform="rotate(-90 16 %d)" text-anchor="middle">requests allowed in flight</text>' % (
        top + plot_h // 2, top + plot_h // 2))
    # the server's limit
    out.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#d62728" stroke-width="2" stroke-dasharray="6 4"/>' % (
        left, y(SERVER_LIMIT), width - right, y(SERVER_LIMIT)))
    out.append('<text x="%d" y="%.1f" fill="#d62728" text-anchor="end">server limit (--max-concurrency %d)</text>' % (
        width - right - 4, y(SERVER_LIMIT) - 6, SERVER_LIMIT))
    # the traces, as steps
    legend_y = top + 14
    for label, colour, points, run in series:
        steps, last = [], None
        for t, limit in points:
            if last is not None:
                steps.append("%.1f,%.1f" % (x(t), y(last)))
            steps.append("%.1f,%.1f" % (x(t), y(limit)))
            last = limit
        out.append('<polyline fill="none" stroke="%s" stroke-width="1.8" points="%s"/>' % (colour, " ".join(steps)))
        out.append('<rect x="%d" y="%d" width="14" height="3" fill="%s"/>' % (width - right - 330, legend_y - 4, colour))
        out.append('<text x="%d" y="%d">%s: settled %s, peak %s, %d answers 429</text>' % (
            width - right - 310, legend_y, label, run["concurrency"]["settled"], run["concurrency"]["peak"], run.get("r429", 0)))
        legend_y += 16
    out.append("</svg>")
    with open(path, "w") as handle:
        handle.write("\n".join(out) + "\n")
    return path


def _nice_step(span):
    for step in (0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60):
        if span / step <= 10:
            return step
    return 120


# Markdown ---------------------------------------------------------------------------------------


class Doc:
    def __init__(self, results):
        self.results = results
        self.meta = results["meta"]
        self.m = results.get("measures", {})
        self.summary = []  # rows: (measure, aim, measured, ok)
        self.notes = []  # why aims were missed

    def startup(self, vendor):
        """One Ansible start-up: the empty playbook measured in the rounds of measure 1 (Telnyx) or 4.1 (Twilio)."""
        for name in ("telnyx_end", "twilio_delete") if vendor == "telnyx" else ("twilio_delete", "telnyx_end"):
            if self.m.get(name, {}).get("startup"):
                return med(self.m[name]["startup"])
        return NAN

    def aim(self, measure, aim, measured, ok):
        self.summary.append("| %s | %s | %s | %s |" % (measure, aim, measured, verdict(ok)))
        return ok


def header(doc, svg):
    meta, machine = doc.meta, doc.meta["machine"]
    lines = ["# Benchmarks", "",
             "Written by `make bench` (`%s`), started %s; the whole run took %.1f minutes." % (
                 meta["command"], meta["started"].replace("T", " "), meta.get("seconds", 0) / 60.0), "",
             "**Machine:** %s; `nproc` %d; %.1f GB memory; Python %s; %s; SDKs `telnyx` %s, `twilio` %s; %s. "
             "Load average when the run started: %s." % (
                 machine["cpu"], machine["nproc"], machine.get("memory_gb") or 0, machine["python"], machine["ansible"],
                 machine.get("telnyx"), machine.get("twilio"), machine["platform"],
                 ", ".join("%.2f" % v for v in machine.get("load", [])) or "?"), "",
             "**How:** one emulator (`tests/emulator/`) on 127.0.0.1 in its own process, its round-trip latency and "
             "limits set per measure through `/_emulator/config`; request and 429 counts come from its "
             "`/_emulator/stats`. *Wall time* is the whole `ansible-playbook` run (or the whole SDK script), "
             "start-up included. *Bulk task* is the one `room_session_action` / `proxy_session_action` task alone "
             "(its module's start-up included), timed by a callback plugin of the benchmark "
             "(`benchmarks/callback_plugins/bench_capture.py`), which also reads the task's `concurrency` report. "
             "Fast measures run %d times (median, min, max); the long ones run fewer times, as said where they "
             "appear: the `uri` loop samples %d time%s, the 100,000-session measures once. The ways compared in measures 1, 4.1 and 6 run in rounds "
             "(one of each per round), so that they meet the same load. The machine is small (2 cores shared by the "
             "emulator, Ansible and the module's threads) and other work runs on it: the *load* columns give the "
             "1-minute load average as each run ended. Compare the ratios within this run, which are of medians "
             "measured side by side, not figures across runs." % (
                 meta["runs"], meta["uri_runs"], "" if meta["uri_runs"] == 1 else "s")]
    if meta.get("resumed"):
        lines += ["", "**Resumed run:** the measures %s come from an invocation started %s that was interrupted "
                  "(%.1f minutes); the rest from this one." % (", ".join(meta["resumed"]["kept"]),
                                                               meta["resumed"]["started"].replace("T", " "),
                                                               meta["resumed"]["seconds"] / 60.0)]
    if meta.get("scale", 1.0) != 1.0:
        lines += ["", "**Scaled run (`--scale %g`): sizes are not the ones the aims are written for.**" % meta["scale"]]
    if svg:
        lines += ["", "Picture: [auto mode's concurrency against a server limit of 20](%s) (measure 2)." % (
            os.path.relpath(svg, os.path.dirname(os.path.abspath(doc.out))).replace(os.sep, "/"))]
    return lines


def section_throughput(doc):
    data = doc.m.get("throughput")
    if not data:
        return []
    tp = data["values"]
    return ["## Emulator capacity", "",
            "32 concurrent keep-alive clients doing `GET /v2/room_sessions/{id}` for 5 s, no added latency: "
            "**%.0f requests/s** (median of %d; min %.0f, max %.0f). It bounds what any client can reach when the "
            "latency is small (measure 5)." % (statistics.median(tp), len(tp), min(tp), max(tp)), ""]


def section_bulk(doc, name, number, title, vendor, action_word):
    data = doc.m.get(name)
    if not data:
        return []
    count, sample, latency = data["count"], data["uri_sample"], data["latency_ms"]
    role, uri = data["role"], data.get("uri", [])
    sdk8, sdk32 = data.get("sdk_8", []), data.get("sdk_32", [])
    a = med(role)
    b = med(uri, "scaled_seconds")
    trips = list_trips(vendor, count) + math.ceil(count / float(AUTO_MAX))
    d_net = trips * latency / 1000.0
    d = d_net + doc.startup(vendor)
    empty = data.get("startup", [])
    unit = "DELETE" if vendor == "twilio" else "POST .../actions/end"
    if vendor == "twilio":
        setting = ("The role is `commsops.sessions.proxy_session_cleanup` with "
                   "`proxy_session_cleanup_delete_closed_after: 1m` and `idle: \"\"` (delete only), on "
                   "%d closed sessions of one service (fixtures updated a day ago)." % count)
    else:
        setting = ("The role is `commsops.sessions.room_session_cleanup` (`max_age: 1m`, on %d "
                   "seeded active sessions, all older than 5 minutes)." % count)
    lines = ["## %s. %s" % (number, title), "",
             "Latency %d ms. %s" % (latency, setting) +
             " Concurrency `auto` (the role's default); `max_sessions` raised above the count.", "",
             "| way | wall time | HTTP requests | 429 | against (a) | load |", "|---|---|---|---|---|---|",
             "| (a) the cleanup role, auto mode | %s | %d | %d | 1.00 | %s |" % (
                 fmt(role), role[0]["requests"], role[0]["r429"], load(role)),
             "| &nbsp;&nbsp;its bulk task alone | %s | | | | |" % fmt(role, "task_seconds")]
    if uri:
        lines.append("| (b) `ansible.builtin.uri` loop, %d of %d %s measured, scaled to %d | %s | %d (for %d) | %d | %s | %s |" % (
            sample, count, "ends" if vendor == "telnyx" else "deletes", count, fmt(uri, "scaled_seconds"),
            uri[0]["requests"], sample, uri[0]["r429"], ratio(div(b, a)), load(uri)))
    for threads, runs in ((8, sdk8), (32, sdk32)):
        if runs:
            lines.append("| (c) `%s` SDK script, ThreadPoolExecutor(%d), start-up included | %s | %d | %d | %s | %s |" % (
                vendor, threads, fmt(runs), runs[0]["requests"], runs[0]["r429"], ratio(div(med(runs), a)), load(runs)))
    if empty:
        lines.append("| one Ansible start-up: an empty playbook (`hosts: localhost`, no facts, no tasks) | %s | 0 | | | %s |" % (
            fmt(empty), load(empty)))
    noop = data.get("module_task", [])
    if noop:
        lines.append("| the same playbook with one bulk module task that has nothing to do (an empty list of ids) | %s | %d | | | "
                     "%s |" % (fmt(noop), noop[0]["requests"], load(noop)))
    lines.append("| (d) floor: %d round trips of %d ms (%s listing + ceil(%d / %d) waves of %s) + one Ansible start-up "
                 "(%s) | %s | %d | | %s | |" % (
                     trips, latency, "%d page%s" % (math.ceil(count / float(TELNYX_PAGE if vendor == "telnyx" else TWILIO_PAGE)),
                                                    "s" if count > (TELNYX_PAGE if vendor == "telnyx" else TWILIO_PAGE) else ""),
                     count, AUTO_MAX, unit, sec(doc.startup(vendor)), sec(d),
                     math.ceil(count / float(TELNYX_PAGE if vendor == "telnyx" else TWILIO_PAGE)) + count, ratio(div(d, a))))
    lines += ["", "(d) is the floor at the concurrency the server allows (auto mode's bound of %d; the emulator sets no limit "
              "here) plus one Ansible start-up, measured in the same rounds; the aim (a) <= %.1f x (d) counts that "
              "start-up once." % (AUTO_MAX, AIM_FLOOR), ""]
    if uri:
        u = uri[0]
        lines.append("(b) is one run: the playbook took %.2f s for a sample of %d, of which the loop task %.2f s "
                     "(%.3f s per item); scaled = playbook + (%d / %d - 1) x loop = %.1f s. Measuring all %d would take "
                     "minutes and say the same." % (
                         u["seconds"], sample, u["loop_seconds"], u["loop_seconds"] / sample, count, sample,
                         u["scaled_seconds"], count))
        lines.append("")
    lines.append("Auto mode in (a): %s (of %d runs). All sessions %s: %s." % (
        conc(role), len(role), "ended" if vendor == "telnyx" else "deleted",
        "yes" if all(s.get("done") == count and not s.get("failed") for s in role) else "NO"))
    groups = median_groups(role)
    if groups:
        lines += ["", "Where the role's time goes (medians of the runs above, from the callback's task times):", "",
                  "| part | seconds |", "|---|---|",
                  "| Ansible start-up, play set-up and end (wall time minus the tasks) | %.2f |" % groups["outside"],
                  "| the bulk task (module start-up, listing, %d %s) | %.2f |" % (count, unit, groups["bulk"]),
                  "| the report (`cleanup_report` filter over %d results, debug) | %.2f |" % (count, groups["report"]),
                  "| other small tasks (argument spec, assert, set_fact, the skipped report-file tasks, set_stats) | %.2f |"
                  % groups["other"], ""]
        if cpu_line(role):
            lines += [cpu_line(role), ""]
    label = "%s (%s)" % (number, vendor)
    task = groups.get("bulk", NAN)
    around = a - task
    module_cpu = med(role, "module_cpu")
    cpu_said = ""
    if not _nan(module_cpu):
        settled = [s["concurrency"]["settled"] for s in role if s.get("concurrency")]
        cpu_said = (" While the role ran, its module process used %.2f s of CPU (%.1f ms per request, its "
                    "start-up included), its controller %.2f s and the emulator %.2f s, in %s of wall time on 2 cores%s%s." % (
                        module_cpu, 1000.0 * div(module_cpu, role[0]["requests"]), med(role, "controller_cpu"),
                        med(role, "emulator_cpu"), sec(a),
                        ": this CPU work (a module is one Python process, whose threads share one core under the GIL), "
                        "more than the %d ms round trips, sets the bulk task's pace" % latency
                        if task > 2 * d_net else "",
                        ", and the auto limiter reads the queueing for CPU as a latency rise and settles below its "
                        "bound (%s)" % conc(role) if settled and statistics.median(settled) < AUTO_MAX - 4 else ""))
    if uri:
        ok = doc.aim(label, "(b)/(a) >= %d" % AIM_URI, "%.1f (%s against %s)" % (div(b, a), sec(b), sec(a)), div(b, a) >= AIM_URI)
        if not ok:
            per_item = uri[0]["loop_seconds"] / sample
            doc.notes.append(
                "**%s, (b)/(a) = %.1f < %d.** The `uri` loop (one run, load %s) costs %.3f s per item (Ansible runs "
                "a module process per loop item), so %d items take about %.0f s; to be %d times faster the role "
                "would need %.2f s in all, and it took %s: %.2f s of Ansible around its bulk task and %.2f s in it. "
                "The ratio depends on how busy the machine was when the one loop ran (its per-item cost follows the "
                "load), and it grows with the number of sessions, since the role's fixed cost does not." % (
                    label, div(b, a), AIM_URI, load(uri), per_item, count, per_item * count, AIM_URI, b / AIM_URI,
                    sec(a), around, task))
    for threads, runs in ((8, sdk8), (32, sdk32)):
        if runs:
            c = med(runs)
            ok = doc.aim(label, "(a) faster than (c) at %d threads" % threads, "%s against %s (%.2fx)" % (
                sec(a), sec(c), div(c, a)), a < c)
            if not ok:
                steps = ""
                if values(runs, "act_seconds"):
                    steps = (" The script's own steps: import and client %.2f s, listing %.2f s, %d %s from %d threads "
                             "%.2f s." % (med(runs, "import_seconds"), med(runs, "list_seconds"), count, unit, threads,
                                          med(runs, "act_seconds")))
                doc.notes.append(
                    "**%s, (a) is not faster than the SDK at %d threads (%s against %s).** Ansible costs %.2f s around "
                    "the bulk task (start-up %s, the report %.2f s, small tasks %.2f s), and the bulk task itself "
                    "takes %.2f s against a network floor of %s.%s%s" % (
                        label, threads, sec(a), sec(c), around, sec(doc.startup(vendor)),
                        groups.get("report", NAN), groups.get("other", NAN), task, sec(d_net), steps, " CPU: see the next note." if cpu_said else ""))
    ok = doc.aim(label, "(a) <= %.1f x (d) (floor + one start-up)" % AIM_FLOOR, "%.2f (%s against %s)" % (
        div(a, d), sec(a), sec(d)), le(a, AIM_FLOOR * d))
    if ok is False:
        doc.notes.append(
            "**%s, (a)/(d) = %.2f > %.1f.** Past one Ansible start-up (%s), the role spends %.2f s in the report "
            "(the cleanup_report action over %d results, and its debug) and %.2f s in other small tasks; and its bulk "
            "task takes %.2f s "
            "where the network floor is %s (it also holds the module's start-up%s, the listing%s and %d results sent "
            "back as JSON).%s What would close it: the bulk task itself, which is CPU-bound here: fewer CPU "
            "milliseconds per request (see measure 8), and the emulator's share of the cores, which is not there "
            "against the real API." % (
                label, div(a, d), AIM_FLOOR, sec(doc.startup(vendor)), groups.get("report", NAN), count,
                groups.get("other", NAN), task, sec(d_net),
                (": a bulk module task with nothing to do costs %s more than the empty playbook" % sec(
                    med(data["module_task"]) - med(empty))) if data.get("module_task") and empty else "",
                " with participants" if vendor == "telnyx" else "", count, cpu_said))
    if any_failed(role + uri + sdk8 + sdk32):
        lines += ["", "**Some runs failed** (see the console output)."]
    return lines + [""]


def section_limited(doc, name, number, title, vendor, mode):
    data = doc.m.get(name)
    if not data:
        return []
    count, latency, role = data["count"], data["latency_ms"], data["role"]
    t, w = med(role, "task_seconds"), med(role)
    requests = med(role, "requests")
    r429 = med(role, "r429")
    not_done = max(s.get("not_done", 0) + (count - s.get("done", 0)) for s in role)
    label = "%s (%s)" % (number, vendor)
    lines = ["## %s. %s" % (number, title), ""]
    if mode == "limit":
        floor = math.ceil(count / float(SERVER_LIMIT)) * latency / 1000.0
        listing = list_trips(vendor, count) * latency / 1000.0
        lines += ["Emulator at `--max-concurrency %d`, latency %d ms; the same role in auto mode, run at `-vv` so that the "
                  "module returns its trace. The floor is ceil(%d / %d) = %d round trips of %d ms = %.2f s (the "
                  "listing adds %.2f s more)." % (SERVER_LIMIT, latency, count, SERVER_LIMIT,
                                                  math.ceil(count / float(SERVER_LIMIT)), latency, floor, listing), "",
                  "| wall time | bulk task | task / floor | wall / (floor + start-up) | requests | 429 (share) | "
                  "sessions not done | auto mode | server's peak in flight | load |", "|---|---|---|---|---|---|---|---|---|---|",
                  "| %s | %s | %s | %s | %d | %d (%.1f %%) | %d | %s | %s | %s |" % (
                      fmt(role), fmt(role, "task_seconds"), ratio(div(t, floor)), ratio(div(w, floor + doc.startup(vendor))),
                      requests, r429, 100.0 * div(r429, requests), not_done, conc(role),
                      "/".join(str(s.get("peak_in_flight")) for s in role), load(role)), ""]
        figures = [f for f in (trace_figures(r) for r in role) if f]
        if figures:
            lines += ["From the traces (medians of %d runs): the limiter's span %.2f s, its mean limit %.1f, %s halving(s) "
                      "after a 429 and %s cut(s) by a tenth when latency rose above twice its minimum. At that mean, "
                      "the %d requests imply an effective round trip of **%.0f ms** against the %d ms the emulator "
                      "adds; the difference is time spent queueing for CPU (the client's threads and the emulator "
                      "share 2 cores). The rest of the bulk task (%.2f s) is outside the limiter's span (which "
                      "holds the listing): the module's start-up, and Ansible sending the module and reading its "
                      "result." % (
                          len(figures), statistics.median(f["span"] for f in figures),
                          statistics.median(f["mean"] for f in figures),
                          "/".join(str(f["halvings"]) for f in figures), "/".join(str(f["tenths"]) for f in figures),
                          requests, 1000.0 * statistics.median(f["round_trip"] for f in figures), latency,
                          t - statistics.median(f["span"] for f in figures)), ""]
        if cpu_line(role):
            lines += [cpu_line(role), ""]
        span = statistics.median(f["span"] for f in figures) if figures else NAN
        ok = doc.aim(label, "auto mode (its span: listing and ends) <= %.2f x floor (%s + listing %s)" % (
            AIM_LIMIT, sec(floor), sec(listing)), "%.2f (%s)" % (div(span, floor + listing), sec(span)),
            le(span, AIM_LIMIT * (floor + listing)))
        doc.aim(label, "(bulk task, module start-up included, <= %.2f x floor)" % AIM_LIMIT, "%.2f (%s)" % (
            div(t, floor), sec(t)), le(t, AIM_LIMIT * floor))
        doc.aim(label, "(whole playbook <= %.2f x (floor + one start-up))" % AIM_LIMIT,
                "%.2f (%s against %s)" % (div(w, floor + doc.startup(vendor)), sec(w), sec(floor + doc.startup(vendor))),
                le(w, AIM_LIMIT * (floor + doc.startup(vendor))))
        doc.aim(label, "no session failed", "%d not done, worst of %d runs" % (not_done, len(role)), not_done == 0)
        ok429 = doc.aim(label, "429s <= 5 % of requests", "%.1f %% (%d of %d)" % (100.0 * div(r429, requests), r429, requests),
                        le(div(r429, requests), AIM_429))
        if ok is False or ok429 is False:
            fig = figures and {key: statistics.median(f[key] for f in figures) for key in figures[0]}
            doc.notes.append(
                "**%s, concurrency limit: auto mode's span %s against a floor of %s (%.2fx); %d of %d requests "
                "answered 429.** %s Of the bulk task, %.2f s is outside the limiter's span (the module's start-up and Ansible reading its result). "
                "What would close it: fewer CPU milliseconds per request (the client's threads and the emulator "
                "share 2 cores), as in measure 1." % (
                    label, sec(span), sec(floor + listing), div(span, floor + listing), r429, requests,
                    ("Its limit averaged %.1f over %.2f s, so the requests went through at an effective round trip "
                     "of %.0f ms, not %d: both the lower mean (%s halving(s) after a 429, %s cut(s) by a tenth on a "
                     "latency rise) and the longer round trip (CPU queueing on 2 cores) cost time; at a mean of %d "
                     "and %d ms the same span would be %.2f s." % (
                         fig["mean"], fig["span"], 1000.0 * fig["round_trip"], latency,
                         "/".join(str(f["halvings"]) for f in figures), "/".join(str(f["tenths"]) for f in figures),
                         SERVER_LIMIT, latency, requests * latency / 1000.0 / SERVER_LIMIT)) if fig else "",
                    t - fig["span"] if fig else NAN))
    else:
        floor = requests / float(RATE)
        lines += ["Emulator at `--rate-limit %d` (a token bucket of %d, full at the start), no concurrency limit, latency "
                  "%d ms; the same role in auto mode. The floor is requests / %d per s, the requests counted by the "
                  "emulator (429s included)." % (RATE, RATE, latency, RATE), "",
                  "| wall time | bulk task | floor | task / floor | wall / floor | requests | 429 | sessions not done | auto mode | load |",
                  "|---|---|---|---|---|---|---|---|---|---|",
                  "| %s | %s | %s | %s | %s | %d | %d | %d | %s | %s |" % (
                      fmt(role), fmt(role, "task_seconds"), sec(floor), ratio(div(t, floor)), ratio(div(w, floor)),
                      requests, r429, not_done, conc(role), load(role)), ""]
        if cpu_line(role):
            lines += [cpu_line(role), ""]
        ok = doc.aim(label, "within %.2f x requests / %d s (%s)" % (AIM_RATE, RATE, sec(floor)),
                     "wall %.2f (%s), bulk task %.2f (%s)" % (div(w, floor), sec(w), div(t, floor), sec(t)),
                     le(w, AIM_RATE * floor))
        doc.aim(label, "no session failed", "%d not done" % not_done, not_done == 0)
        if ok is False:
            at_floor = div(t, floor) <= 1.1
            doc.notes.append(
                "**%s, rate limit: wall time %.2fx requests / %d.** The bulk task alone is %.2fx (%s, %d answers 429), and it "
                "starts with the bucket's %d tokens at once, so its own floor is (requests - %d) / %d = %s. %s "
                "What would close it: %s." % (
                    label, div(w, floor), RATE, div(t, floor), sec(t), r429, RATE, RATE, RATE,
                    sec(max(0.0, requests - RATE) / RATE),
                    ("The miss is Ansible's fixed cost around it: %.2f s of wall time outside the bulk task (start-up "
                     "%s, the report, small tasks), which a run of %d requests cannot amortize under 1.15x." % (
                         w - t, sec(doc.startup(vendor)), requests)) if at_floor else
                    ("The task itself loses time: %d answers 429, and after each the workers wait the whole-second "
                     "`Retry-After` together, while the bucket refills in a tenth of that per 10 tokens." % r429),
                    "a lighter role around the bulk task, as in measure 1" if at_floor else
                    "pace requests to `x-ratelimit-remaining` / `x-ratelimit-reset` before the bucket empties (Telnyx "
                    "sends them; Twilio does not), and read `Retry-After` as a bound rather than a sleep for all"))
    if any_failed(role):
        lines += ["**Some runs failed** (see the console output).", ""]
    return lines


def section_scale(doc):
    data = doc.m.get("scale")
    if not data:
        return []
    count, latency = data["count"], data["latency_ms"]
    tp = doc.m.get("throughput")
    rate = statistics.median(tp["values"]) if tp else NAN
    t_page, w_page = data.get("telnyx_page_seconds", NAN), data.get("twilio_page_seconds", NAN)
    t_pages, w_pages = math.ceil(count / float(TELNYX_PAGE)), math.ceil(count / float(TWILIO_PAGE))
    rows = (("telnyx_list", "list {:,} Telnyx sessions: `room_session_info` (active: true), one task".format(count),
             t_pages, "%d pages of %d" % (t_pages, TELNYX_PAGE), t_pages * t_page),
            ("twilio_list", "list {:,} Twilio sessions: `proxy_session_info` (one service), one task".format(count),
             w_pages, "%d pages of %d" % (w_pages, TWILIO_PAGE), w_pages * (w_page + latency / 1000.0)),
            ("twilio_list_fields", "list {:,} Twilio sessions with `fields: [%s]`, one task".format(count)
             % ", ".join(data.get("fields", ())), w_pages, "%d pages of %d" % (w_pages, TWILIO_PAGE), w_pages * (w_page + latency / 1000.0)),
            ("telnyx_end", "end {:,} Telnyx sessions: `room_session_action` select active, `results: none`, auto".format(count),
             t_pages + count, "pages + one POST each", t_pages * t_page + div(count, rate)))
    lines = ["## 5. {:,} sessions".format(count), "",
             "Seeded through `POST /_emulator/seed` (%.0f s for both vendors), latency **%d ms**, one run each "
             "(each takes minutes). Peak RSS is sampled every 50 ms from /proc: the controller (`ansible-playbook` and "
             "its forks, the largest process) and the module process (AnsiballZ)." % (data.get("seed_seconds", 0), latency),
             "",
             "At this size the emulator is the bottleneck: for every page it walks, filters and sorts all %s sessions "
             "of the vendor, in Python, one request at a time under its GIL. Timed alone (sequential GETs, no "
             "added latency) one page takes **%s** (Telnyx, 250 with participants) and **%s** (Twilio, 1,000). The "
             "*emulator floor* below is pages x that (Twilio's pages are a chain, so its round trips add), plus, for the "
             "end, %s POSTs at the emulator's measured capacity (%.0f requests/s)." % (
                 "{:,}".format(count), sec(t_page), sec(w_page), "{:,}".format(count), rate), "",
             "| what | wall time | bulk / info task | emulator floor | requests | minimum | controller RSS | module RSS | "
             "CPU: module / controller / emulator | result |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for key, what, minimum, how, floor in rows:
        runs = data.get(key)
        if not runs:
            continue
        s = runs[0]
        result = ("%d ended, %d not done; %s" % (s.get("done", 0), s.get("not_done", 0), conc(runs))
                  if key == "telnyx_end" else ("listed all" if not s["failed"] else "FAILED"))
        result += "; load %s" % load(runs)
        lines.append("| %s | %s | %s | %s | %d | %d (%s) | %.0f MB | %.0f MB | %s | %s |" % (
            what, fmt(runs), fmt(runs, "task_seconds"), sec(floor), s["requests"], minimum, how, s["controller_mb"],
            s["module_mb"], "%.0f / %.0f / %.0f s" % (s["module_cpu"], s["controller_cpu"], s["emulator_cpu"])
            if "module_cpu" in s else "n/a", result))
        named = ("twilio list with `fields: [%s]`" % ", ".join(data.get("fields", ())) if key == "twilio_list_fields"
                 else key.replace("_", " "))
        for kind in ("controller", "module"):
            mb = s["%s_mb" % kind]
            ok = doc.aim("5", "%s RSS < %d MB: %s" % (kind, AIM_RSS, named), "%.0f MB" % mb, mb < AIM_RSS)
            if not ok:
                doc.notes.append(
                    "**5, %s: %s peak RSS %.0f MB.** %s" % (
                        key.replace("_", " "), kind, mb,
                        ("The info module returns every session: the module process holds them as Python objects and "
                         "as the JSON it writes, and the controller parses that JSON and keeps the registered result. "
                         "A Twilio session has 16 fields, three of them URLs (`url`, `links`), so 100,000 are far "
                         "larger than Telnyx's 100,000 (compare the row above). " if key == "twilio_list" else
                         "The info module returns every session: the module process holds them as Python objects and "
                         "as the JSON it writes, and the controller parses that JSON and keeps the registered result. ") +
                        ("The play closes it by choosing the fields it reads (the `fields` row below)."
                         if key == "twilio_list" else
                         "What would close it: return fewer fields (option `fields`), or list with the lookup, which "
                         "runs in the controller and skips the module process and its JSON copy.")
                        if "list" in key else
                        "With `results: none` the result is small; what remains is one plan per session (%s of "
                        "them, each with the participants present), all held before the first end because the "
                        "safety limit (`max_sessions`) needs the whole count first. That is about 3 KB of RSS per "
                        "session: the plan dicts, and the memory arenas that the pages they were parsed from leave "
                        "partly used. What would close it: a compact plan per session (a tuple of the few fields the "
                        "end needs), and result dicts made only for the entries `results` keeps." % (
                            "{:,}".format(count))))
        if s["requests"] > minimum:
            doc.notes.append("**5, %s: %d requests against a minimum of %d** (by status: %s)." % (
                key.replace("_", " "), s["requests"], minimum, s["by_status"]))
        if key == "telnyx_end":
            doc.aim("5", "bulk end of {:,}: every session ended, requests = minimum".format(count),
                    "%d ended, %d requests for %d" % (s.get("done", 0), s["requests"], minimum),
                    s.get("done") == count and s["requests"] == minimum)
    lines += ["", "Requests are counted by the emulator; the minimum is the pages at the largest page size each API "
              "allows (plus one POST per session for the end). CPU is user + system seconds from /proc over the run.", ""]
    said = []
    for key, label in (("telnyx_list", "The Telnyx listing"), ("twilio_list", "The Twilio listing"),
                       ("telnyx_end", "The end of {:,}".format(count))):
        one = (data.get(key) or [None])[0]
        if not one or "module_cpu" not in one:
            continue
        if key == "telnyx_end":
            said.append("%s used %.0f s of module CPU (%.1f ms per request) and %.0f s of emulator CPU in %.0f s of "
                        "wall time on 2 cores: both processes were busy all along, so the end is CPU-bound on this "
                        "machine, not bound by the %d ms round trip; auto mode settled at %s, its latency rule reading "
                        "the queueing for CPU as congestion. Against a real API the server's share is not on the "
                        "client's cores, and the module's %.1f ms per request is what would remain to cut." % (
                            label, one["module_cpu"], 1000.0 * div(one["module_cpu"], one["requests"]),
                            one["emulator_cpu"], one["seconds"], latency,
                            (one.get("concurrency") or {}).get("settled", "?"),
                            1000.0 * div(one["module_cpu"], one["requests"])))
        else:
            said.append("%s: the emulator used %.0f s of CPU in %.0f s of wall time, the module %.0f s%s." % (
                label, one["emulator_cpu"], one["seconds"], one["module_cpu"],
                " (the info task's time beyond the emulator floor is the module turning 100,000 sessions into JSON "
                "and the controller reading it)" if key == "twilio_list" else ": the listing is the emulator's"))
    if said:
        lines += [" ".join(said), ""]
    return lines


def section_sweep(doc):
    data = doc.m.get("sweep")
    if not data:
        return []
    count = data["count"]
    lines = ["## 6. Round-trip sweep: auto mode against a fixed concurrency of 8", "",
             "The room cleanup role on %d sessions, `room_session_cleanup_concurrency: auto` against `8`, at three "
             "latencies set through `/_emulator/config`. Network floors: ceil(%d / %d) = %d round trips for auto "
             "(its bound), ceil(%d / 8) = %d for 8, each plus the listing." % (
                 count, count, AUTO_MAX, math.ceil(count / float(AUTO_MAX)), count, math.ceil(count / 8.0)), "",
             "| round trip | auto: wall (bulk task) | 8: wall (bulk task) | 8 / auto, wall | 8 / auto, bulk task | auto mode | load |",
             "|---|---|---|---|---|---|---|"]
    for latency in data["latencies"]:
        auto, fixed = data.get("%d_auto" % latency, []), data.get("%d_8" % latency, [])
        if not auto or not fixed:
            continue
        lines.append("| %d ms | %s (%s) | %s (%s) | %s | %s | %s | %s |" % (
            latency, fmt(auto), sec(med(auto, "task_seconds")), fmt(fixed), sec(med(fixed, "task_seconds")),
            ratio(div(med(fixed), med(auto))), ratio(div(med(fixed, "task_seconds"), med(auto, "task_seconds"))),
            conc(auto), load(auto + fixed)))
        if any_failed(auto + fixed):
            lines.append("| | **some runs failed** | | | | | |")
    return lines + ["", "No aim is set here; the ratio shows what auto mode gains over the old fixed default as the "
                    "round trip grows (at a short round trip the work is CPU-bound on this 2-core machine and "
                    "concurrency gains little).", ""]


def section_role_cost(doc):
    data = doc.m.get("role_cost")
    if not data:
        return []
    small, size = data["sizes"]
    lines = ["## 8. The roles beside their bulk task", "",
             "Each cleanup role at %d and %d sessions (latency %d ms), the two sizes alternating in %d rounds. "
             "*Beside the bulk task* adds up every other task of the role: the report (the `cleanup_report` action "
             "and the debug that shows it) and the small ones (argument spec, checks, the fail that is skipped); "
             "Ansible's start-up and the end of the run are apart. The module's CPU per request is the difference of "
             "the module's CPU between the two sizes over the difference of their requests, so its start-up is "
             "apart." % (small, size, data["latency_ms"], len(data.get("telnyx_%d" % size, []))), "",
             "| role | sessions | wall | bulk task | the report | small tasks | beside the bulk task | module CPU | requests | load |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for vendor, role in (("telnyx", "room_session_cleanup"), ("twilio", "proxy_session_cleanup")):
        runs = {n: data.get("%s_%d" % (vendor, n), []) for n in (small, size)}
        if not runs[small] or not runs[size]:
            continue
        beside = {}
        for n in (small, size):
            groups = median_groups(runs[n])
            beside[n] = groups["report"] + groups["other"]
            lines.append("| %s | %d | %s | %s | %.2f s | %.2f s | %.2f s | %.2f s | %d | %s |" % (
                role, n, fmt(runs[n]), sec(med(runs[n], "task_seconds")), groups["report"], groups["other"], beside[n],
                med(runs[n], "module_cpu"), med(runs[n], "requests"), load(runs[n])))
        per_request = div(med(runs[size], "module_cpu") - med(runs[small], "module_cpu"),
                          med(runs[size], "requests") - med(runs[small], "requests"))
        label = "8 (%s)" % vendor
        doc.aim(label, "beside the bulk task <= 0.3 s at %d sessions" % size, "%.2f s" % beside[size], le(beside[size], 0.3))
        doc.aim(label, "beside the bulk task does not grow with the sessions (%d against %d)" % (size, small),
                "%+.2f s" % (beside[size] - beside[small]), le(beside[size] - beside[small], 0.05))
        doc.aim(label, "module CPU per request <= 0.8 ms", "%.2f ms" % (per_request * 1000), le(per_request * 1000, 0.8))
    return lines + [""]


def spread(found, unit="s", scale=1.0):
    """Median (min to max; n) of a list of numbers."""
    found = [v * scale for v in found if not _nan(v)]
    if not found:
        return "n/a"
    if len(found) == 1:
        return "%.3f %s (1 event)" % (found[0], unit)
    return "%.3f %s (min %.3f, max %.3f; %d)" % (statistics.median(found), unit, min(found), max(found), len(found))


def listener_ok(runs):
    """Every run: each request answered 204, each event queued once (as many events as requests, all distinct)."""
    return bool(runs) and all(r["answered"] == {"204": r["sent"]} and r["events"] == r["sent"] == r["unique"]
                              for r in runs)


def section_events(doc):
    data = doc.m.get("events")
    if not data:
        return []
    lines = ["## 9. Event sources", ""]
    lines += events_listeners(doc, data) + events_action(doc, data.get("action") or {})
    return lines + events_polling(doc, data.get("polling") or {})


def events_listeners(doc, data):
    lines = ["### 9.1 Signed webhooks that a listener verifies and queues", "",
             "Each listener runs `main(queue, args)` in a process of its own, pinned to core %d "
             "(`os.sched_setaffinity`), which drains the queue and counts the events and their distinct "
             "`session_event.id`. %d client processes, pinned to the other core%s, each send their share of the "
             "requests one after another on one keep-alive connection, from a common start; every request is a "
             "distinct event, signed beforehand by the emulator's own signing code (Telnyx: Ed25519 over "
             "`timestamp|body`, JSON; Twilio: `X-Twilio-Signature` over the URL and the sorted fields of a form). "
             "*Events/s* counts the events on the queue over the time from the start to the last one; the "
             "listener's CPU seconds give what one core does when nothing else runs on it, and its time waiting for "
             "its core (`/proc/self/schedstat`) how much other work on this machine took core %d meanwhile "
             "(medians)." % (
                 data["listener_core"], data["clients"], "s" if (data.get("nproc") or 2) > 2 else "",
                 data["listener_core"]), "",
             "| listener | events/s | events per CPU second of the listener | listener: CPU / waiting for its core | "
             "sent | queued | distinct ids | answers | load |",
             "|---|---|---|---|---|---|---|---|---|"]
    for vendor in ("telnyx", "twilio"):
        runs = data.get("%s_listener" % vendor) or []
        if not runs:
            continue
        rates, per_cpu = values(runs, "rate"), values(runs, "per_cpu_second")
        lines.append("| `%s_webhook` | %.0f (min %.0f, max %.0f; %d run%s) | %.0f | %.2f s / %s | %s | %s | %s | %s | %s |" % (
            vendor, statistics.median(rates), min(rates), max(rates), len(runs), "" if len(runs) == 1 else "s",
            statistics.median(per_cpu), med(runs, "listener_cpu"), sec(med(runs, "listener_waited")),
            "/".join(str(r["sent"]) for r in runs), "/".join(str(r["events"]) for r in runs),
            "/".join(str(r["unique"]) for r in runs),
            "; ".join(", ".join("%s x %d" % item for item in sorted(r["answered"].items())) for r in runs),
            load(runs)))
        rate, whole = statistics.median(rates), listener_ok(runs)
        ok = doc.aim("9.1 (%s)" % vendor, ">= %s signed events/s on one core, none lost, none duplicated" % "{:,}".format(
            int(AIM_EVENTS)), "%.0f/s; %s" % (rate, "every event queued once" if whole else "events lost or duplicated"),
            rate >= AIM_EVENTS and whole)
        if not ok:
            doc.notes.append(
                "**9.1, `%s_webhook`: %.0f events/s%s.** Its process used %.2f s of CPU for %d events (%.0f events per "
                "CPU second) and waited %s for its core, the load average being %s: %s" % (
                    vendor, rate, "" if whole else ", and not every event was queued exactly once",
                    med(runs, "listener_cpu"), runs[0]["events"], statistics.median(per_cpu),
                    sec(med(runs, "listener_waited")), load(runs),
                    "other work on this machine held the core it is pinned to; alone on it, the listener would "
                    "do %.0f a second." % statistics.median(per_cpu) if statistics.median(per_cpu) >= AIM_EVENTS
                    else "the listener's own work per request is the limit."))
    return lines + [""]


def events_action(doc, action):
    lines = ["### 9.2 A webhook to the rule's action, in ansible-rulebook", ""]
    if action.get("skipped"):
        return lines + ["Not measured: %s." % action["skipped"], ""]
    events = action.get("events") or []
    if not events:
        return []
    warm = action.get("warm_up") or {}
    routes = events[0].get("routes") or {}
    lines += ["The real `ansible-rulebook` (tests/utils/rulebook.py: its venv, and the collection installed from this "
              "checkout's tarball) runs a rulebook of one rule: the `commsops.sessions.telnyx_webhook` source, and on "
              "`video.room.session.started` a `run_module` of `commsops.sessions.room_session_action` "
              "(`action: end` of the session the event names) against the emulator, with no added latency. For each "
              "event the benchmark starts a session in the emulator and sends its webhook, signed; times count from "
              "just before the request is sent. *The action starts* at ansible-rulebook's first log line of the "
              "action (`ruleset: ..., rule: ...`, by `run_module`'s runner); *the end request* is the session's "
              "`ended_at` in the emulator: the module's %s. One event after another, each once the last action is "
              "over (the rulebook runs one action at a time); a first event, after the start, is kept apart." % (
                  " then ".join("`%s`" % route for route in routes) + " (its requests)" if routes else "requests"), "",
              "| from the webhook sent, to | median (min, max; events) | the first event after the start |",
              "|---|---|---|"]
    for key, what in (("to_answer", "the listener's 204 (the event is on the queue)"),
                      ("to_action", "the rule's action starts"),
                      ("to_request", "the module's end request (the action's effect)")):
        first = "%.3f s" % warm[key] if key in warm and not _nan(warm[key]) else "n/a"
        lines.append("| %s | %s | %s |" % (what, spread([e[key] for e in events]), first))
    failed = [e for e in events if e.get("status") != 204]
    if failed:
        lines += ["", "**%d webhooks were not answered 204.**" % len(failed)]
    lines += ["", "Between the action's start and the end request are ansible-runner and a whole `ansible-playbook` "
              "(interpreter, collection loading, the module's process): Ansible's start-up, not the engine's. The "
              "listener runs in ansible-rulebook's event loop, beside the rule engine, and answers once the event is "
              "on the queue: the first event after the start got its 204 only after %s (presumably the engine's first "
              "match, which holds that loop). "
              "Load %s." % ("%.2f s" % warm["to_answer"] if "to_answer" in warm else "n/a", load([action])), ""]
    doc.aim("9.2", "a webhook to the rule's action: no aim, the figure", "action starts %s, end request %s (medians)" % (
        spread([e["to_action"] for e in events]).split(" (")[0], spread([e["to_request"] for e in events]).split(" (")[0]),
        None)
    return lines


def events_polling(doc, polling):
    if not polling:
        return []
    sessions, latency = polling["sessions"], polling["latency_ms"]
    minimum = {"telnyx": math.ceil(sessions / float(TELNYX_PAGE)), "twilio": math.ceil(sessions / float(TWILIO_PAGE))}
    how = {"telnyx": "ceil({:,} / {}) pages, participants included in the listing".format(sessions, TELNYX_PAGE),
           "twilio": "ceil({:,} / {}) pages of one service; participants not needed".format(sessions, TWILIO_PAGE)}
    lines = ["### 9.3 Requests per poll at {:,} sessions".format(sessions), "",
             "Each polling source's poller, made from its arguments as `main` makes it and driven here one poll after "
             "another: the first poll (the baseline) and the next (nothing changed), their requests counted by "
             "`/_emulator/stats`, on {count:,} active Telnyx room sessions, then {count:,} Proxy sessions of one service "
             "(given by SID: no request to resolve it), latency {latency} ms.".format(count=sessions, latency=latency), "",
             "| source | requests: first poll / next poll | minimum | seconds per poll: next (first) | events | load |",
             "|---|---|---|---|---|---|"]
    for vendor, name in (("telnyx", "room_session_events"), ("twilio", "proxy_session_events")):
        runs = polling.get(vendor) or []
        if not runs:
            continue
        lines.append("| `%s` | %s | %d (%s) | %s (%s) | %s | %s |" % (
            name, ", ".join("%d / %d" % (r["first_requests"], r["next_requests"]) for r in runs), minimum[vendor],
            how[vendor], fmt(runs, "next_seconds"), sec(med(runs, "first_seconds")),
            ", ".join("%d / %d" % (r["first_events"], r["next_events"]) for r in runs), load(runs)))
        asked = [r[key] + (r.get("prepare_requests", 0) if key == "first_requests" else 0)
                 for r in runs for key in ("first_requests", "next_requests")]
        ok = doc.aim("9.3 (%s)" % vendor, "`%s`: requests per poll at {:,} sessions = the listing's minimum (%d)".format(
            sessions) % (name, minimum[vendor]), "%s; %s a poll" % ("/".join(str(v) for v in sorted(set(asked))),
                                                                    sec(med(runs, "next_seconds"))),
            all(v == minimum[vendor] for v in asked))
        if not ok:
            doc.notes.append("**9.3, `%s`: %s requests a poll against a minimum of %d** (by route: %s)." % (
                name, "/".join(str(v) for v in sorted(set(asked))), minimum[vendor], runs[0]["next_routes"]))
    return lines + [""]


def write_markdown(results, path, svg):
    doc = Doc(results)
    doc.out = path
    body = []
    body += section_throughput(doc)
    body += section_bulk(doc, "telnyx_end", "1", "Bulk end of 1,000 Telnyx room sessions", "telnyx", "end")
    body += section_limited(doc, "telnyx_limit", "2", "Telnyx bulk end against a concurrency limit of 20",
                            "telnyx", "limit")
    body += section_limited(doc, "telnyx_rate", "3", "Telnyx bulk end under a rate limit of 100 requests/s",
                            "telnyx", "rate")
    body += section_bulk(doc, "twilio_delete", "4.1", "Bulk delete of 1,000 Twilio Proxy sessions", "twilio", "delete")
    body += section_limited(doc, "twilio_limit", "4.2", "Twilio bulk delete against a concurrency limit of 20",
                            "twilio", "limit")
    body += section_limited(doc, "twilio_rate", "4.3", "Twilio bulk delete under a rate limit of 100 requests/s",
                            "twilio", "rate")
    body += section_scale(doc)
    body += section_sweep(doc)
    if svg:
        body += ["## 7. Picture", "", "![auto mode's concurrency over time against the server's limit of 20](%s)" % (
            os.path.relpath(svg, os.path.dirname(os.path.abspath(path))).replace(os.sep, "/")), "",
            "The limiter's permit count over the bulk task of measure 2 (and 4.2), from the `-vv` trace of each "
            "measure's median run; the dashed line is the server's limit.", ""]
    body += section_role_cost(doc)
    body += section_events(doc)
    log = ["## Run log", "", "| measure | its time | load average after it (1, 5, 15 min) |", "|---|---|---|"]
    for name, data in doc.m.items():
        load = data.get("load_after")
        log.append("| %s | %.0f s | %s |" % (
            name, data.get("measure_seconds", 0), ", ".join("%.1f" % v for v in load) if load else "not recorded"))
    body += log + [""]
    lines = header(doc, svg) + ["", "## Aims against this run", "", "| measure | aim | measured | |", "|---|---|---|---|"]
    lines += doc.summary + [""]
    if doc.notes:
        lines += ["### Where an aim is missed, and why", ""]
        for note in doc.notes:
            lines += [note, ""]
    extra = os.path.join(os.path.dirname(os.path.abspath(__file__)), "analysis.md")
    if os.path.exists(extra):
        with open(extra) as handle:
            lines += [handle.read().rstrip(), ""]
    lines += body
    with open(path, "w") as handle:
        handle.write("\n".join(lines).rstrip() + "\n")
