# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The two job templates run the way AWX runs them: ansible-runner in a private data dir, the project's
playbooks, credentials injected as AWX renders the collection's credential types, survey answers as extra
vars (blank, null, textarea lists), the Check job type, and the job's artifacts (set_stats)."""

import itertools
import json
import os
import shutil

import ansible_runner
import jinja2
import pytest
import yaml

from tests.suite.conftest import BIN, ROOT, SECRETS, SERVICE, collections_tree

SERVICE_2 = "KS00000000000000000000000000000002"
ROOM_A = "7b61621f-62e0-4aad-ab11-9fd19e272e73"
ROOM_KEEP = "8c72732a-73f1-4bbe-bc22-0ae20f383f84"
# AWX's own inventory line for localhost.
AWX_LOCALHOST = 'localhost ansible_connection=local ansible_python_interpreter="{{ ansible_playbook_python }}"\n'
SURVEY = {"room": "survey_room_session_cleanup.json", "proxy": "survey_proxy_session_cleanup.json"}
COUNTS = ("matched", "changed", "would_change", "skipped", "failed", "unknown")
_jobs = itertools.count()


def injected_env(vendor, inputs):
    """The environment AWX gives a job from a credential of the collection's credential type."""
    with open(os.path.join(ROOT, "docs", "awx", "credential_type_%s.yml" % vendor)) as handle:
        injectors = yaml.safe_load(handle)["injectors"]["env"]
    return dict((name, jinja2.Environment().from_string(template).render(**inputs)) for name, template in injectors.items())


def credentials(emu):
    return dict(injected_env("telnyx", {"api_key": SECRETS["telnyx_api_key"], "base_url": emu.url + "/v2"}),
                **injected_env("twilio", {"account_sid": SECRETS["twilio_account_sid"],
                                          "auth_token": SECRETS["twilio_auth_token"], "base_url": emu.url}))


class Job:
    """One finished job: rc, status, the recap's numbers, the artifacts, the output and the events."""

    def __init__(self, runner):
        self.rc, self.status, self.stats = runner.rc, runner.status, runner.stats
        self.events = list(runner.events)
        self.stdout = runner.stdout.read()
        stats_events = [e for e in self.events if e.get("event") == "playbook_on_stats"]
        self.artifacts = stats_events[-1]["event_data"].get("artifact_data", {}) if stats_events else {}

    def changed(self):
        return sum(self.stats["changed"].values())

    def account(self, kind, host="localhost"):
        return self.artifacts["%s_session_cleanup_by_account" % kind][host]

    def totals(self, kind):
        return dict((c, self.artifacts["%s_session_cleanup_total_%s" % (kind, c)]) for c in COUNTS)


def run_job(tmp_path, emu, playbook, extravars, check=False, inventory=AWX_LOCALHOST, project_files=None):
    """Run a job template's playbook through ansible-runner, as AWX does, and check that no secret shows."""
    pdd = tmp_path / ("job-%d" % next(_jobs))
    project = pdd / "project"
    project.mkdir(parents=True)
    if project_files:
        for name, text in project_files.items():
            (project / name).write_text(text)
    else:
        shutil.copy(os.path.join(ROOT, "playbooks", playbook), str(project / playbook))
    # The project's collections, next to the playbook: this checkout.
    (project / "collections").mkdir()
    os.symlink(os.path.join(collections_tree(), "ansible_collections"), str(project / "collections" / "ansible_collections"))
    (pdd / "inventory").mkdir()
    (pdd / "inventory" / "hosts").write_text(inventory)
    (pdd / "env").mkdir()
    envvars = dict(credentials(emu), ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0", ANSIBLE_LOCALHOST_WARNING="false",
                   ANSIBLE_COLLECTIONS_PATH=str(project / "collections"))
    (pdd / "env" / "envvars").write_text(json.dumps(envvars))
    (pdd / "env" / "extravars").write_text(json.dumps(extravars))
    if check:
        (pdd / "env" / "cmdline").write_text("--check")
    # The execution environment's ansible-playbook: this one's.
    path = BIN + os.pathsep + os.environ.get("PATH", "")
    runner = ansible_runner.run(private_data_dir=str(pdd), playbook=playbook, quiet=True, envvars={"PATH": path},
                                timeout=600)
    job = Job(runner)
    events = json.dumps(job.events)
    for name in ("telnyx_api_key", "twilio_auth_token"):
        assert SECRETS[name] not in job.stdout, name
        assert SECRETS[name] not in events, name
    assert "DEPRECATION" not in job.stdout, job.stdout[-3000:]
    return job


def seed_rooms(emu):
    emu.admin("reset")
    emu.admin("fixtures", {"room_sessions": [
        {"room_id": ROOM_A, "created_at": "now-6h"},
        {"room_id": ROOM_A, "created_at": "now-1d"},
        {"room_id": ROOM_KEEP, "created_at": "now-1d"},  # excluded
        {"room_id": ROOM_A, "created_at": "now-1h"},  # fresh: younger than the default 4h
    ]})
    emu.admin("stats/reset")


def seed_proxy(emu):
    emu.admin("reset")
    emu.admin("fixtures", {"proxy_sessions": [
        {"service_sid": SERVICE, "status": "open", "date_created": "now-2d"},  # idle longer than the default 1d
        {"service_sid": SERVICE_2, "status": "in-progress", "date_created": "now-9d", "date_last_interaction": "now-3d"},
        {"service_sid": SERVICE, "status": "in-progress", "date_created": "now-9d", "date_last_interaction": "now-2h"},
        {"service_sid": SERVICE, "status": "closed", "date_created": "now-30d", "date_updated": "now-10d"},  # older than 7d
        {"service_sid": SERVICE_2, "status": "closed", "date_created": "now-30d", "date_updated": "now-2d"},
    ]})
    emu.admin("stats/reset")


def ended_rooms(emu):
    return sorted(s["room_id"] + "/" + s["created_at"][:10] for s in emu.admin("state")["room_sessions"] if not s["active"])


def blank_room_answers(blank, **answers):
    survey = load_survey("room")
    return dict(dict((q["variable"], blank) for q in survey["spec"]), **answers)


def load_survey(kind):
    with open(os.path.join(ROOT, "docs", "awx", SURVEY[kind])) as handle:
        return json.load(handle)


# The conversion of the answers, on its own (no job, no emulator): every form an answer can take, in one run.
PLAYBOOKS = {"room": "room_session_cleanup.yml", "proxy": "proxy_session_cleanup.yml"}
ROLE_VARS = {"room": ["room_session_cleanup_max_age", "room_session_cleanup_action", "room_session_cleanup_room_ids",
                      "room_session_cleanup_exclude_room_ids", "room_session_cleanup_max_sessions",
                      "room_session_cleanup_dry_run", "room_session_cleanup_report_path"],
             "proxy": ["proxy_session_cleanup_service_sids", "proxy_session_cleanup_idle",
                       "proxy_session_cleanup_delete_closed_after", "proxy_session_cleanup_max_sessions",
                       "proxy_session_cleanup_dry_run", "proxy_session_cleanup_report_path"]}
ROOM_DEFAULTS = dict(room_session_cleanup_max_age="4h", room_session_cleanup_action="end", room_session_cleanup_room_ids=[],
                     room_session_cleanup_exclude_room_ids=[], room_session_cleanup_max_sessions=100,
                     room_session_cleanup_dry_run=False, room_session_cleanup_report_path="")
PROXY_DEFAULTS = dict(proxy_session_cleanup_service_sids=[SERVICE], proxy_session_cleanup_idle="1d",
                      proxy_session_cleanup_delete_closed_after="7d", proxy_session_cleanup_max_sessions=100,
                      proxy_session_cleanup_dry_run=False, proxy_session_cleanup_report_path="")
TWO_ROOMS = [ROOM_A, ROOM_KEEP]
ROOM_CASES = [
    # Nothing, blanks, nulls and the survey's own defaults all mean the defaults.
    ({}, ROOM_DEFAULTS),
    ("blank", ROOM_DEFAULTS),
    ("null", ROOM_DEFAULTS),
    ("survey defaults", ROOM_DEFAULTS),
    ({"room_cleanup_max_sessions": 0}, dict(ROOM_DEFAULTS, room_session_cleanup_max_sessions=0)),
    ({"room_cleanup_max_sessions": " 7 "}, dict(ROOM_DEFAULTS, room_session_cleanup_max_sessions=7)),
    ({"room_cleanup_max_age": " 90M ", "room_cleanup_action": "Kick"},
     dict(ROOM_DEFAULTS, room_session_cleanup_max_age="90m", room_session_cleanup_action="kick")),
    # Lists: textarea (\r\n, blank lines), comma-separated, YAML list, bullets, JSON text.
    ({"room_cleanup_room_ids": "%s\r\n\r\n%s\r\n" % tuple(TWO_ROOMS)}, dict(ROOM_DEFAULTS, room_session_cleanup_room_ids=TWO_ROOMS)),
    ({"room_cleanup_room_ids": " %s , %s ," % tuple(TWO_ROOMS)}, dict(ROOM_DEFAULTS, room_session_cleanup_room_ids=TWO_ROOMS)),
    ({"room_cleanup_exclude_room_ids": TWO_ROOMS}, dict(ROOM_DEFAULTS, room_session_cleanup_exclude_room_ids=TWO_ROOMS)),
    ({"room_cleanup_exclude_room_ids": "- %s\n- %s\n" % tuple(TWO_ROOMS)},
     dict(ROOM_DEFAULTS, room_session_cleanup_exclude_room_ids=TWO_ROOMS)),
    ({"room_cleanup_exclude_room_ids": json.dumps(TWO_ROOMS)}, dict(ROOM_DEFAULTS, room_session_cleanup_exclude_room_ids=TWO_ROOMS)),
    ({"room_cleanup_report_path": " /var/log/cleanup "}, dict(ROOM_DEFAULTS, room_session_cleanup_report_path="/var/log/cleanup")),
]
# Yes/no in every form.
ROOM_CASES += [({"room_cleanup_dry_run": form}, dict(ROOM_DEFAULTS, room_session_cleanup_dry_run=True))
               for form in (True, "true", "True", "yes", "on", "1", 1, " Y ")]
ROOM_CASES += [({"room_cleanup_dry_run": form}, ROOM_DEFAULTS) for form in (False, "false", "no", "off", "0", 0, "N")]
PROXY_CASES = [
    ({"proxy_cleanup_service_sids": SERVICE}, PROXY_DEFAULTS),
    ({"proxy_cleanup_service_sids": [SERVICE], "blank": True}, PROXY_DEFAULTS),
    ({"proxy_cleanup_service_sids": SERVICE + "\r\n", "null": True}, PROXY_DEFAULTS),
    ({"proxy_cleanup_service_sids": "%s\r\n\r\n%s" % (SERVICE, SERVICE_2)},
     dict(PROXY_DEFAULTS, proxy_session_cleanup_service_sids=[SERVICE, SERVICE_2])),
    ({"proxy_cleanup_service_sids": "%s,%s" % (SERVICE, SERVICE_2)},
     dict(PROXY_DEFAULTS, proxy_session_cleanup_service_sids=[SERVICE, SERVICE_2])),
    ({"proxy_cleanup_service_sids": SERVICE, "proxy_cleanup_idle": "never", "proxy_cleanup_delete_closed_after": False},
     dict(PROXY_DEFAULTS, proxy_session_cleanup_idle="", proxy_session_cleanup_delete_closed_after="")),
    ({"proxy_cleanup_service_sids": SERVICE, "proxy_cleanup_idle": "12H", "proxy_cleanup_max_sessions": 5,
      "proxy_cleanup_dry_run": "on"},
     dict(PROXY_DEFAULTS, proxy_session_cleanup_idle="12h", proxy_session_cleanup_max_sessions=5,
          proxy_session_cleanup_dry_run=True)),
]
CONVERSIONS = {"room": ROOM_CASES, "proxy": PROXY_CASES}


def survey_answers(kind, case):
    """A case's answers: "blank", "null" and "survey defaults" stand for every question answered so."""
    survey = load_survey(kind)["spec"]
    if case == "survey defaults":
        return dict((q["variable"], q["default"]) for q in survey)
    if case in ("blank", "null"):
        return dict((q["variable"], "" if case == "blank" else None) for q in survey)
    case = dict(case)
    for blank, value in (("blank", ""), ("null", None)):
        if case.pop(blank, False):
            case = dict(dict((q["variable"], value) for q in survey), **case)
    return case


@pytest.mark.parametrize("kind", sorted(PLAYBOOKS))
def test_every_form_of_answer_converts_to_the_role_variables(emulator, tmp_path, kind):
    with open(os.path.join(ROOT, "playbooks", PLAYBOOKS[kind])) as handle:
        play = yaml.safe_load(handle)[0]
    resolved = "{{ {%s} }}" % ", ".join("'%s': %s" % (v, v) for v in ROLE_VARS[kind] + ["__%s_cleanup_problems" % kind])
    cases = CONVERSIONS[kind]
    # The answers as task variables: they come before the play's variables, as extra vars do.
    tasks = [{"name": "case %d" % number, "ansible.builtin.set_fact": {"resolved_%d" % number: resolved},
              "vars": survey_answers(kind, answers)} for number, (answers, _expected) in enumerate(cases)]
    tasks.append({"name": "all", "ansible.builtin.debug": {"msg": "RESOLVED {{ [%s] | to_json }} END" % ", ".join(
        "resolved_%d" % n for n in range(len(cases)))}})
    playbook = tmp_path / "conversion.yml"
    playbook.write_text(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "vars": play["vars"], "tasks": tasks}],
                                       width=1000))
    rc, out, err = emulator.playbook(str(playbook))
    assert rc == 0, out[-3000:]
    assert "DEPRECATION" not in out + err and "WARNING" not in out + err, err[-3000:]
    got = json.loads(out[out.index("RESOLVED ") + 9:out.index(" END")].encode().decode("unicode_escape"))
    for (answers, expected), result in zip(cases, got):
        assert result.pop("__%s_cleanup_problems" % kind) == [], answers
        assert result == expected, answers
        for name, value in expected.items():
            assert type(result[name]) is type(value), (answers, name)  # pylint: disable=unidiomatic-typecheck


def test_room_job_with_blank_answers_check_then_run_then_nothing_to_do(emulator, tmp_path):
    seed_rooms(emulator)
    reports = tmp_path / "reports"
    # Blank answers mean the defaults (4h, end, limit 100, no dry run); the excluded room comes from a textarea.
    answers = blank_room_answers("", room_cleanup_exclude_room_ids="%s\r\n\r\n" % ROOM_KEEP,
                                 room_cleanup_report_path=str(reports))

    check = run_job(tmp_path, emulator, "room_session_cleanup.yml", answers, check=True)
    assert (check.rc, check.status) == (0, "successful"), check.stdout[-3000:]
    assert check.changed() == 0
    assert emulator.admin("stats")["writes"] == 0
    assert check.account("room")["mode"] == "check mode"
    assert check.totals("room") == dict(matched=2, changed=0, would_change=2, skipped=0, failed=0, unknown=0)
    assert not reports.exists()  # check mode writes no report file...
    assert "No report file: check mode writes none" in check.stdout  # ...and says so

    applied = run_job(tmp_path, emulator, "room_session_cleanup.yml", answers)
    assert (applied.rc, applied.status) == (0, "successful"), applied.stdout[-3000:]
    assert applied.changed() > 0
    assert emulator.admin("stats")["writes"] == 2
    ended = [s for s in emulator.admin("state")["room_sessions"] if not s["active"]]
    assert len(ended) == 2 and all(s["room_id"] == ROOM_A for s in ended)
    account = applied.account("room")
    assert account["mode"] == "applied" and account["changed"] == 2 and account["report_file"].startswith(str(reports))
    assert applied.totals("room") == dict(matched=2, changed=2, would_change=0, skipped=0, failed=0, unknown=0)
    assert "Telnyx room session cleanup (applied): 2 sessions matched, 2 changed" in applied.stdout  # readable
    assert len(list(reports.iterdir())) == 2

    again = run_job(tmp_path, emulator, "room_session_cleanup.yml", answers)
    assert (again.rc, again.status) == (0, "successful"), again.stdout[-3000:]
    assert again.changed() == 0  # a scheduled run with nothing to do is not "changed", report file or not
    assert again.totals("room")["matched"] == 0
    assert len(list(reports.iterdir())) == 4


@pytest.mark.parametrize("kind", ["room", "proxy"])
def test_an_unusable_report_path_is_refused_before_any_session_is_touched(emulator, tmp_path, kind):
    (seed_rooms if kind == "room" else seed_proxy)(emulator)
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the report directory would go\n")
    answers = dict(blank_room_answers("", room_cleanup_exclude_room_ids=ROOM_KEEP) if kind == "room" else
                   {"proxy_cleanup_service_sids": "%s\n%s" % (SERVICE, SERVICE_2)},
                   **{"%s_cleanup_report_path" % kind: str(blocker / "reports")})
    job = run_job(tmp_path, emulator, "%s_session_cleanup.yml" % kind, answers)
    assert (job.rc, job.status) == (2, "failed"), job.stdout[-3000:]
    assert "%s_cleanup_report_path (%s) cannot be used: %s is not a directory" % (kind, blocker / "reports", blocker) in job.stdout
    stats = emulator.admin("stats")
    assert (stats["total"], stats["writes"]) == (0, 0)  # refused before any request, so before any write
    assert blocker.read_text().startswith("a file")


def test_room_job_dry_run_changes_nothing_writes_no_file_and_shows_changed_0(emulator, tmp_path):
    seed_rooms(emulator)
    answers = blank_room_answers(None, room_cleanup_dry_run="yes", room_cleanup_report_path=str(tmp_path / "reports"))
    job = run_job(tmp_path, emulator, "room_session_cleanup.yml", answers)
    assert (job.rc, job.status) == (0, "successful"), job.stdout[-3000:]
    assert job.changed() == 0
    assert emulator.admin("stats")["writes"] == 0
    assert job.account("room")["mode"] == "dry run"
    assert job.totals("room") == dict(matched=3, changed=0, would_change=3, skipped=0, failed=0, unknown=0)
    assert not (tmp_path / "reports").exists()
    assert "No report file: dry run writes none" in job.stdout


def test_room_job_over_the_safety_limit_fails_naming_the_survey_variable(emulator, tmp_path):
    seed_rooms(emulator)
    job = run_job(tmp_path, emulator, "room_session_cleanup.yml",
                  {"room_cleanup_max_sessions": "2", "room_cleanup_exclude_room_ids": "", "room_cleanup_dry_run": None})
    assert (job.rc, job.status) == (2, "failed"), job.stdout[-3000:]
    assert "3 sessions match, more than room_cleanup_max_sessions (2): nothing was changed" in job.stdout
    assert "room_session_cleanup_max_sessions" not in job.stdout
    assert emulator.admin("stats")["writes"] == 0
    assert job.stats["failures"] == {"localhost": 1}
    account = job.account("room")
    assert account["stopped_by_limit"] is True and account["failed"] == 3 and account["changed"] == 0


def test_proxy_job_with_textarea_services_and_blank_answers(emulator, tmp_path):
    seed_proxy(emulator)
    answers = {"proxy_cleanup_service_sids": "%s\r\n\r\n%s\r\n" % (SERVICE, SERVICE_2), "proxy_cleanup_idle": "",
               "proxy_cleanup_delete_closed_after": None, "proxy_cleanup_max_sessions": "", "proxy_cleanup_dry_run": "",
               "proxy_cleanup_report_path": None}
    check = run_job(tmp_path, emulator, "proxy_session_cleanup.yml", answers, check=True)
    assert (check.rc, check.status) == (0, "successful"), check.stdout[-3000:]
    assert check.changed() == 0 and emulator.admin("stats")["writes"] == 0
    assert check.totals("proxy") == dict(matched=3, changed=0, would_change=3, skipped=0, failed=0, unknown=0)

    dry = run_job(tmp_path, emulator, "proxy_session_cleanup.yml", dict(answers, proxy_cleanup_dry_run="yes"))
    assert (dry.rc, dry.changed(), emulator.admin("stats")["writes"]) == (0, 0, 0), dry.stdout[-3000:]
    assert dry.account("proxy")["mode"] == "dry run"

    applied = run_job(tmp_path, emulator, "proxy_session_cleanup.yml", answers)
    assert (applied.rc, applied.status) == (0, "successful"), applied.stdout[-3000:]
    assert applied.changed() > 0 and emulator.admin("stats")["writes"] == 3
    assert applied.totals("proxy") == dict(matched=3, changed=3, would_change=0, skipped=0, failed=0, unknown=0)
    assert "Twilio Proxy session cleanup (applied): 3 sessions matched, 3 changed" in applied.stdout


def test_proxy_job_over_the_safety_limit_fails_naming_the_survey_variable(emulator, tmp_path):
    seed_proxy(emulator)
    job = run_job(tmp_path, emulator, "proxy_session_cleanup.yml",
                  {"proxy_cleanup_service_sids": "%s\n%s" % (SERVICE, SERVICE_2), "proxy_cleanup_max_sessions": 1})
    assert (job.rc, job.status) == (2, "failed"), job.stdout[-3000:]
    assert "close: 2 sessions match, more than proxy_cleanup_max_sessions (1): nothing was closed" in job.stdout
    assert "proxy_session_cleanup_max_sessions" not in job.stdout
    assert job.account("proxy")["stopped_by_limit"] == ["close"]
    assert job.totals("proxy")["changed"] == 1  # the delete, within the limit, was done


@pytest.mark.parametrize("playbook, answers, messages", [
    ("room_session_cleanup.yml", {"room_cleanup_max_age": "soon", "room_cleanup_action": "explode",
                                  "room_cleanup_max_sessions": "-3", "room_cleanup_dry_run": "maybe",
                                  "room_cleanup_room_ids": "not-a-room\nnor-this"},
     ["room_cleanup_max_age must be a duration", "room_cleanup_action must be end or kick",
      "room_cleanup_max_sessions must be a whole number", "room_cleanup_dry_run must be true or false",
      "room_cleanup_room_ids must be room UUIDs (got not-a-room, nor-this)"]),
    ("proxy_session_cleanup.yml", {"proxy_cleanup_service_sids": "\r\n"},
     ["proxy_cleanup_service_sids must name at least one Proxy service"]),
    ("proxy_session_cleanup.yml", {"proxy_cleanup_service_sids": "KS1", "proxy_cleanup_idle": "a while",
                                   "proxy_cleanup_max_sessions": "lots"},
     ["proxy_cleanup_service_sids must be Proxy service SIDs", "proxy_cleanup_idle must be a duration",
      "proxy_cleanup_max_sessions must be a whole number"]),
], ids=["room", "proxy-no-service", "proxy"])
def test_wrong_answers_fail_naming_the_survey_variables(emulator, tmp_path, playbook, answers, messages):
    job = run_job(tmp_path, emulator, playbook, answers)
    assert (job.rc, job.status) == (2, "failed"), job.stdout[-3000:]
    for message in messages:
        assert message in job.stdout, message
    assert "argument_spec" not in job.stdout and "argument spec" not in job.stdout
    failure = [e["event_data"]["res"]["msg"] for e in job.events if e.get("event") == "runner_on_failed"]
    assert len(failure) == 1 and "_session_cleanup_" not in failure[0]  # the survey's names, not the role's
    assert emulator.admin("stats")["total"] == 0


ACCOUNTS_PLAY = """
- name: One cleanup per account
  hosts: accounts
  gather_facts: false
  module_defaults:
    group/commsops.sessions.telnyx:
      api_key: "{{ telnyx_api_key }}"
      base_url: "{{ telnyx_base_url }}"
  roles:
    - role: commsops.sessions.room_session_cleanup
      vars:
        room_session_cleanup_max_age: 2h
        room_session_cleanup_dry_run: "{{ dry_run }}"
        room_session_cleanup_report_path: "{{ report_path }}"
"""


def test_several_accounts_in_one_job_each_have_their_artifacts_and_a_total(make_emulator, tmp_path):
    first, second = make_emulator(), make_emulator()
    first.admin("fixtures", {"room_sessions": [{"created_at": "now-3h"}, {"created_at": "now-1d"}]})
    second.admin("fixtures", {"room_sessions": [{"created_at": "now-5h"}, {"created_at": "now-1d"},
                                                {"created_at": "now-2d"}, {"created_at": "now-10m"}]})
    reports = tmp_path / "reports"
    inventory = "[accounts]\n" + "".join(
        '%s ansible_connection=local ansible_python_interpreter="{{ ansible_playbook_python }}" telnyx_base_url=%s/v2\n'
        % (name, emu.url) for name, emu in (("east", first), ("west", second)))
    extravars = {"telnyx_api_key": SECRETS["telnyx_api_key"], "report_path": str(reports)}
    results = {}
    for dry_run in (True, False):
        results[dry_run] = run_job(tmp_path, first, "accounts.yml", dict(extravars, dry_run=dry_run), inventory=inventory,
                                   project_files={"accounts.yml": ACCOUNTS_PLAY})
        assert results[dry_run].rc == 0, results[dry_run].stdout[-3000:]
    dry, applied = results[True], results[False]
    assert dry.changed() == 0
    assert (dry.account("room", "east")["would_change"], dry.account("room", "west")["would_change"]) == (2, 3)
    assert dry.totals("room") == dict(matched=5, changed=0, would_change=5, skipped=0, failed=0, unknown=0)
    assert (applied.account("room", "east")["changed"], applied.account("room", "west")["changed"]) == (2, 3)
    assert applied.totals("room") == dict(matched=5, changed=5, would_change=0, skipped=0, failed=0, unknown=0)
    assert isinstance(applied.totals("room")["changed"], int)
    assert applied.account("room", "east")["summary"].startswith("Telnyx room session cleanup (applied): 2 sessions matched")
    # One report per account, none overwriting the other.
    names = sorted(p.name for p in reports.iterdir())
    assert len(names) == 4 and [n.split("-")[1] for n in names] == ["east", "east", "west", "west"]
    assert (first.admin("stats")["writes"], second.admin("stats")["writes"]) == (2, 3)
