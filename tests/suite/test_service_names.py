# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A Proxy service by its unique name, for real (ansible and the role against the emulator): resolved in one
listing of the services per task, SIDs used as given, an unknown name refused before anything is read or changed."""

import yaml

SALES, SUPPORT, OTHER = ("KS%032d" % n for n in (11, 12, 13))


def seed(emu):
    emu.admin("fixtures", {
        "services": [{"sid": SALES, "unique_name": "sales"}, {"sid": SUPPORT, "unique_name": "support"},
                     {"sid": OTHER, "unique_name": "other"}],
        "proxy_sessions": [
            {"service_sid": SALES, "unique_name": "sales-idle", "status": "open", "date_created": "now-3d"},
            {"service_sid": SUPPORT, "unique_name": "support-idle", "status": "in-progress", "date_created": "now-3d",
             "date_last_interaction": "now-2d"},
            {"service_sid": SUPPORT, "unique_name": "support-old", "status": "closed", "date_created": "now-30d",
             "date_updated": "now-20d"},
            {"service_sid": OTHER, "unique_name": "other-idle", "status": "open", "date_created": "now-3d"}]})


def statuses(emu):
    """{session unique name: status, or None when deleted} of every seeded session."""
    found = {}
    for service in emu.admin("state")["proxy_services"].values():
        for session in (service.get("sessions") if isinstance(service, dict) else service):
            found[session["unique_name"]] = session["status"]
    return found


def listings_of_services(emu):
    return emu.admin("stats")["by_route"].get("GET /v1/Services", 0)


def run_role(emu, tmp_path, services):
    play = [{"hosts": "localhost", "gather_facts": False, "roles": [{
        "role": "commsops.sessions.proxy_session_cleanup",
        "vars": {"proxy_session_cleanup_service_sids": services, "proxy_session_cleanup_idle": "1d",
                 "proxy_session_cleanup_delete_closed_after": "7d"}}]}]
    path = tmp_path / "cleanup.yml"
    path.write_text(yaml.safe_dump(play))
    return emu.playbook(str(path))


def test_the_role_cleans_services_given_by_name_and_by_sid(emulator, tmp_path):
    seed(emulator)
    emulator.admin("stats/reset")
    rc, out, err = run_role(emulator, tmp_path, ["support", SALES])
    assert rc == 0, out[-3000:] + err[-2000:]
    after = statuses(emulator)
    assert after["sales-idle"] == "closed" and after["support-idle"] == "closed"  # closed, by SID and by name
    assert "support-old" not in after  # deleted
    assert after["other-idle"] == "open"  # a service not named is left alone
    assert listings_of_services(emulator) == 1  # the role finds the names once, for both its tasks (close, delete)


def test_the_role_refuses_an_unknown_name_and_changes_nothing(emulator, tmp_path):
    seed(emulator)
    before = statuses(emulator)
    emulator.admin("stats/reset")
    rc, out, _err = run_role(emulator, tmp_path, ["support", "suport"])
    assert rc != 0
    assert "service_sids[1]: no Proxy service has the unique name 'suport'" in out, out[-3000:]
    assert emulator.admin("stats")["writes"] == 0 and statuses(emulator) == before
    assert "GET /v1/Services/{ServiceSid}/Sessions" not in emulator.admin("stats")["by_route"]  # no session was read


def test_proxy_session_action_resolves_several_names_in_one_listing(emulator):
    seed(emulator)
    emulator.admin("stats/reset")
    rc, result, out, _err = emulator.adhoc("proxy_session_action", {
        "action": "close", "service_sids": ["sales", "support", OTHER], "select": {"status": ["open", "in-progress"]}})
    assert rc == 0, out[-3000:]
    assert sorted(r["service_sid"] for r in result["results"]) == [SALES, SUPPORT, OTHER]
    assert listings_of_services(emulator) == 1
    # SIDs alone are used as given: no listing of the services.
    rc, _result, out, _err = emulator.adhoc("proxy_session_action", {
        "action": "delete", "service_sids": [SALES, SUPPORT], "select": {"status": "closed"}})
    assert rc == 0, out[-3000:]
    assert listings_of_services(emulator) == 1


def test_proxy_session_and_the_lookup_take_the_service_by_name(emulator, tmp_path):
    seed(emulator)
    play = [{"hosts": "localhost", "gather_facts": False, "tasks": [
        {"name": "A session in the service named support",
         "commsops.sessions.proxy_session": {"service_sid": "support", "unique_name": "by-name", "ttl": 60},
         "register": "made"},
        {"name": "The same, again", "commsops.sessions.proxy_session": {
            "service_sid": "support", "unique_name": "by-name", "ttl": 60}, "register": "again"},
        {"ansible.builtin.assert": {"that": [
            "made is changed and again is not changed",
            "made.session.service_sid == '%s'" % SUPPORT,
            "query('commsops.sessions.proxy_sessions', service_sid='support') | map(attribute='unique_name') | sort"
            " == ['by-name', 'support-idle', 'support-old']"]}}]}]
    path = tmp_path / "by_name.yml"
    path.write_text(yaml.safe_dump(play))
    rc, out, err = emulator.playbook(str(path))
    assert rc == 0, out[-3000:] + err[-2000:]


def test_proxy_phone_numbers_takes_the_service_by_name(emulator):
    seed(emulator)
    emulator.admin("phone_numbers", {"phone_numbers": ["+15550100001"]})
    emulator.admin("stats/reset")
    rc, result, out, _err = emulator.adhoc("proxy_phone_numbers", {"service_sid": "support", "numbers": ["+15550100001"]})
    assert rc == 0, out[-3000:]
    assert result["changed"] and result["results"][0]["service_sid"] == SUPPORT
    assert listings_of_services(emulator) == 1
    rc, result, out, _err = emulator.adhoc("proxy_phone_numbers", {"service_sid": "suport", "numbers": ["+15550100001"]})
    assert rc != 0 and "service_sid: no Proxy service has the unique name 'suport'" in result["msg"], out[-3000:]
