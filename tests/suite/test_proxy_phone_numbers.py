# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""proxy_phone_numbers for real (ansible against the emulator): a pool of 200 numbers in one task, a second run
that changes nothing, purge, check mode, state=absent, and a number the account does not own."""

import base64
import json
import urllib.request

import yaml

from tests.suite.conftest import SECRETS, SERVICE
from tests.suite.test_check_mode_and_idempotency import examples

POOL_SIZE = 200
NUMBERS = ["+1555%07d" % n for n in range(1, POOL_SIZE + 1)]
NOT_OWNED = "+15559999999"
POOL_ROUTE = "POST /v1/Services/{ServiceSid}/PhoneNumbers"


def sid_of(number):
    return "PN%032d" % int(number[1:])  # the emulator's SID of an owned number


def declared():
    """The 200 numbers in every form the option takes: E.164 strings (some spelled with separators), SIDs,
    and dictionaries, every tenth one reserved."""
    entries = []
    for index, number in enumerate(NUMBERS):
        if index % 10 == 0:
            entries.append({"phone_number": number, "is_reserved": True})
        elif index % 10 == 1:
            entries.append(sid_of(number))
        elif index % 10 == 2:
            entries.append("%s %s-%s" % (number[:5], number[5:8], number[8:]))
        else:
            entries.append(number)
    return entries


def pool(emu):
    """The service's pool as the API lists it: {number: is_reserved}."""
    auth = base64.b64encode(("%s:%s" % (SECRETS["twilio_account_sid"], SECRETS["twilio_auth_token"])).encode()).decode()
    request = urllib.request.Request("%s/v1/Services/%s/PhoneNumbers?PageSize=1000" % (emu.url, SERVICE),
                                     headers={"Authorization": "Basic " + auth})
    with urllib.request.urlopen(request, timeout=30) as answer:
        body = json.loads(answer.read())
    assert body["meta"]["next_page_url"] is None
    return dict((n["phone_number"], n["is_reserved"]) for n in body["phone_numbers"])


def run(emu, numbers, check=False, **args):
    rc, result, out, err = emu.adhoc("proxy_phone_numbers", dict(service_sid=SERVICE, numbers=numbers, **args), check=check)
    assert result is not None, out[-2000:] + err[-2000:]
    return rc, result


def test_a_pool_of_200_numbers_in_one_task(emulator):
    emulator.admin("phone_numbers", {"phone_numbers": NUMBERS})
    emulator.admin("stats/reset")

    # Check mode: every number would be added, nothing is sent.
    rc, planned = run(emulator, declared(), check=True)
    assert rc == 0 and planned["changed"] is True
    assert planned["counts"]["would_change"] == POOL_SIZE and emulator.admin("stats")["writes"] == 0
    assert pool(emulator) == {}

    # One task adds the 200 numbers; the one the account does not own fails alone, with the API's error.
    rc, first = run(emulator, declared() + [NOT_OWNED])
    assert rc != 0 and first["changed"] is True
    assert first["counts"] == dict(total=POOL_SIZE + 1, changed=POOL_SIZE, would_change=0, skipped=0, failed=1, unknown=0)
    failed = [r for r in first["results"] if r["outcome"] == "failed"]
    assert [(r["number"], r["action"], r["error_code"], r["status"]) for r in failed] == [(NOT_OWNED, "add", "80301", 400)]
    assert first["msg"].startswith("1 of 201 numbers failed (%s)" % NOT_OWNED)
    assert first["results"][1]["number"] == NUMBERS[1] and first["results"][1]["sid"] == sid_of(NUMBERS[1])
    assert pool(emulator) == dict((n, i % 10 == 0) for i, n in enumerate(NUMBERS))
    stats = emulator.admin("stats")
    assert stats["by_route"][POOL_ROUTE] == POOL_SIZE + 1 and stats["writes"] == POOL_SIZE + 1
    assert first["concurrency"]["mode"] == "auto" and first["concurrency"]["peak"] > 1  # the adds went out in parallel

    # The same declaration again changes nothing and writes nothing.
    emulator.admin("stats/reset")
    rc, again = run(emulator, declared())
    assert rc == 0 and again["changed"] is False and again["counts"]["skipped"] == POOL_SIZE
    assert emulator.admin("stats")["writes"] == 0


def test_purge_update_and_absent(emulator):
    emulator.admin("phone_numbers", {"phone_numbers": NUMBERS[:60]})
    rc, first = run(emulator, NUMBERS[:60])
    assert rc == 0 and first["counts"]["changed"] == 60 and len(pool(emulator)) == 60

    # Keep 40, reserve one of them, drop the other 20.
    kept = NUMBERS[:39] + [{"sid": sid_of(NUMBERS[39]), "is_reserved": True}]
    rc, purged = run(emulator, kept, purge=True, results="changes")
    assert rc == 0 and purged["changed"] is True
    assert purged["counts"] == dict(total=60, changed=21, would_change=0, skipped=39, failed=0, unknown=0)
    actions = sorted((r["action"], r["number"]) for r in purged["results"])
    assert actions == sorted([("update", NUMBERS[39])] + [("remove", n) for n in NUMBERS[40:60]])
    assert pool(emulator) == dict((n, i == 39) for i, n in enumerate(NUMBERS[:40]))

    # Remove two listed ones, then again: the second run has nothing to do.
    rc, removed = run(emulator, NUMBERS[:2], state="absent")
    rc2, removed_again = run(emulator, NUMBERS[:2], state="absent")
    assert rc == 0 and removed["counts"]["changed"] == 2
    assert rc2 == 0 and removed_again["changed"] is False
    assert [r["reason"] for r in removed_again["results"]] == ["not in the pool", "not in the pool"]
    assert len(pool(emulator)) == 38


def test_bad_entries_are_refused_before_any_request(emulator):
    emulator.admin("stats/reset")
    rc, result = run(emulator, ["+15550000001", "555-0100"])
    assert rc != 0 and "numbers[1] must be a phone number in E.164" in result["msg"]
    rc, result = run(emulator, ["+15550000001", {"sid": sid_of("+15550000001")}, "+1 555 000 0001"])
    assert rc != 0 and "numbers[2] (+15550000001) repeats numbers[0]" in result["msg"]
    assert emulator.admin("stats")["total"] == 0


def test_the_examples_run_and_a_second_run_changes_nothing(emulator, tmp_path):
    emulator.admin("phone_numbers", {"phone_numbers": ["+15550100001", "+15550100002", "+15550100003"]})
    tasks = examples("proxy_phone_numbers")
    assert len(tasks) == 2
    for number, task in enumerate(tasks):
        playbook = tmp_path / ("example-%d.yml" % number)
        playbook.write_text(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "tasks": [task]}]))
        rc, out, _err = emulator.playbook(str(playbook))
        assert rc == 0 and "changed=1" in out, "example %d: %s" % (number, out[-2000:])
        writes = emulator.admin("stats")["writes"]
        rc, out, _err = emulator.playbook(str(playbook))
        assert rc == 0 and "changed=0" in out, "example %d changed again: %s" % (number, out[-2000:])
        assert emulator.admin("stats")["writes"] == writes
    assert pool(emulator) == {"+15550100003": False}
