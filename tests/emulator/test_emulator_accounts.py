# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Several accounts in one emulator: each set of credentials sees only its own sessions, for both vendors."""

import json
import urllib.error

import jsonschema
import pytest
import requests

from tests.emulator.admin import admin as call_admin
from tests.emulator.cli import parse_args
from tests.emulator.conftest import SERVICE, TELNYX_AUTH, TWILIO_AUTH, load_schema
from tests.emulator.server import DEFAULTS, run_in_thread

TELNYX = load_schema("telnyx_video_room_sessions.json")
TWILIO = load_schema("twilio_proxy_v1_sessions.json")
ACME = {"name": "acme", "telnyx_api_key": "acme-telnyx-key", "twilio_account_sid": "AC" + "a" * 32,
        "twilio_auth_token": "acme-twilio-token", "twilio_api_key": "SK" + "a" * 32, "twilio_api_secret": "acme-key-secret"}
GLOBEX = {"name": "globex", "telnyx_api_key": "globex-telnyx-key", "twilio_account_sid": "AC" + "b" * 32,
          "twilio_auth_token": "globex-twilio-token"}
A_ROOM_SESSION = "aaaaaaaa-0000-4000-8000-000000000001"
B_ROOM_SESSION = "bbbbbbbb-0000-4000-8000-000000000002"
A_PROXY, B_PROXY = "KC" + "a" * 32, "KC" + "b" * 32


def telnyx_auth(account):
    return {"Authorization": "Bearer " + account["telnyx_api_key"]}


def twilio_auth(account, api_key=False):
    if api_key:
        return (account["twilio_api_key"], account["twilio_api_secret"])
    return (account["twilio_account_sid"], account["twilio_auth_token"])


DEFAULT = dict(DEFAULTS, name="default")


def valid(schema, name, body):
    jsonschema.validate(body, {"$ref": "#/$defs/" + name, "$defs": schema["$defs"]})
    return body


def admin_error(url, action, body=None, method=None):
    """The status and JSON body of an admin request expected to fail."""
    with pytest.raises(urllib.error.HTTPError) as failed:
        call_admin(url, action, body, method)
    return failed.value.code, json.loads(failed.value.read())


@pytest.fixture
def two(emulator, admin):
    """The default account and acme, each with one active room session and one open Proxy session of its own."""
    assert admin("accounts", ACME)["added"] == ["acme"]
    admin("fixtures", {"room_sessions": [{"id": A_ROOM_SESSION, "participants": [{}]}],
                       "proxy_sessions": [{"service_sid": SERVICE, "sid": A_PROXY, "unique_name": "shared-name"}]})
    admin("fixtures", {"account": "acme", "room_sessions": [{"id": B_ROOM_SESSION, "participants": [{}]}],
                       "proxy_sessions": [{"service_sid": SERVICE, "sid": B_PROXY, "unique_name": "shared-name"}]})
    return emulator


def test_each_account_lists_only_its_own_sessions(two):
    for auth, mine in ((TELNYX_AUTH, A_ROOM_SESSION), (telnyx_auth(ACME), B_ROOM_SESSION)):
        listed = requests.get(two.url + "/v2/room_sessions", headers=auth, timeout=10).json()
        valid(TELNYX, "RoomSessionList", listed)
        assert [s["id"] for s in listed["data"]] == [mine] and listed["meta"]["total_results"] == 1
    url = two.url + "/v1/Services/" + SERVICE + "/Sessions"
    for auth, mine, sid in ((TWILIO_AUTH, A_PROXY, DEFAULTS["twilio_account_sid"]),
                            (twilio_auth(ACME), B_PROXY, ACME["twilio_account_sid"]),
                            (twilio_auth(ACME, api_key=True), B_PROXY, ACME["twilio_account_sid"])):
        listed = valid(TWILIO, "SessionList", requests.get(url, auth=auth, timeout=10).json())
        assert [(s["sid"], s["account_sid"]) for s in listed["sessions"]] == [(mine, sid)]
        # a unique name is unique per service of one account: both accounts have their own "shared-name"
        assert requests.get(url + "/shared-name", auth=auth, timeout=10).json()["sid"] == mine


@pytest.mark.parametrize("path", ["", "/participants", "/actions/end", "/actions/kick", "/actions/mute"])
def test_a_room_session_of_another_account_is_404(two, path):
    method = requests.post if "/actions/" in path else requests.get
    for auth, other in ((TELNYX_AUTH, B_ROOM_SESSION), (telnyx_auth(ACME), A_ROOM_SESSION)):
        answer = method(two.url + "/v2/room_sessions/" + other + path, headers=auth, timeout=10,
                        **({"json": {}} if method is requests.post else {}))
        assert answer.status_code == 404, (path, answer.text)
    for account in (None, "acme"):  # nothing changed in either account
        state = call_admin(two.url, "state", {"account": account} if account else None)["room_sessions"]
        assert [(s["active"], [p["left_at"] or p["muted"] for p in s["participants"]]) for s in state] == [(True, [False])]


@pytest.mark.parametrize("method, path", [("GET", ""), ("POST", ""), ("DELETE", ""), ("GET", "/Participants"),
                                          ("POST", "/Participants")])
def test_a_proxy_session_of_another_account_is_404(two, method, path):
    url = two.url + "/v1/Services/" + SERVICE + "/Sessions/"
    data = {"Status": "closed"} if path == "" else {"Identifier": "+15550001111"}
    for auth, other in ((TWILIO_AUTH, B_PROXY), (twilio_auth(ACME), A_PROXY), (twilio_auth(ACME, api_key=True), A_PROXY)):
        answer = requests.request(method, url + other + path, auth=auth, data=data if method == "POST" else None, timeout=10)
        assert answer.status_code == 404 and answer.json()["code"] == 20404, (method, path, answer.text)
    for account, sid in ((None, A_PROXY), ("acme", B_PROXY)):
        services = call_admin(two.url, "state", {"account": account} if account else None)["proxy_services"]
        assert [(s["sid"], s["status"], s["participants"]) for s in services[SERVICE]] == [(sid, "open", [])]


def test_each_account_acts_on_its_own_sessions_only(two):
    assert requests.post(two.url + "/v2/room_sessions/" + B_ROOM_SESSION + "/actions/end", json={},
                         headers=telnyx_auth(ACME), timeout=10).status_code == 200
    url = two.url + "/v1/Services/" + SERVICE + "/Sessions/"
    assert requests.post(url + B_PROXY, data={"Status": "closed"}, auth=twilio_auth(ACME, True), timeout=10).status_code == 200
    created = requests.post(url, data={"UniqueName": "new-one"}, auth=twilio_auth(ACME), timeout=10).json()
    assert created["account_sid"] == ACME["twilio_account_sid"]
    mine = call_admin(two.url, "state", {"account": "acme"})
    theirs = call_admin(two.url, "state")
    assert [s["active"] for s in mine["room_sessions"]] == [False] and [s["active"] for s in theirs["room_sessions"]] == [True]
    assert sorted((s["sid"], s["status"]) for s in mine["proxy_services"][SERVICE]) == sorted(
        [(B_PROXY, "closed"), (created["sid"], "open")])
    assert [(s["sid"], s["status"]) for s in theirs["proxy_services"][SERVICE]] == [(A_PROXY, "open")]
    # GET /state?account= says the same as the body form
    assert requests.get(two.url + "/_emulator/state", params={"account": "acme"}, timeout=10).json() == mine


def test_wrong_credentials_mixing_accounts_are_401(two):
    url = two.url + "/v1/Services/" + SERVICE + "/Sessions"
    for auth in ((ACME["twilio_account_sid"], DEFAULTS["twilio_auth_token"]), (DEFAULTS["twilio_account_sid"], ACME["twilio_auth_token"]),
                 (ACME["twilio_api_key"], ACME["twilio_auth_token"])):
        assert requests.get(url, auth=auth, timeout=10).status_code == 401
    assert requests.get(two.url + "/v2/room_sessions", headers={"Authorization": "Bearer nobody"}, timeout=10).status_code == 401


def test_the_registry_lists_names_only_and_adding_again_is_harmless(emulator, admin):
    first = admin("accounts", {"accounts": [ACME, GLOBEX]})
    assert first == {"added": ["acme", "globex"], "unchanged": [], "accounts": ["default", "acme", "globex"]}
    assert admin("accounts", [ACME]) == {"added": [], "unchanged": ["acme"], "accounts": ["default", "acme", "globex"]}
    listed = requests.get(emulator.url + "/_emulator/accounts", timeout=10)
    assert listed.json() == {"accounts": ["default", "acme", "globex"]}
    for account in (DEFAULT, ACME, GLOBEX):
        for field, value in account.items():
            assert field == "name" or value not in listed.text


@pytest.mark.parametrize("body, status", [
    (dict(ACME, twilio_auth_token="another"), 409),  # a name registered with other credentials
    (dict(GLOBEX, telnyx_api_key=ACME["telnyx_api_key"]), 409),  # another account's key
    (dict(GLOBEX, twilio_account_sid=DEFAULTS["twilio_account_sid"]), 409),
    (dict(GLOBEX, name="default"), 409),
    ({"accounts": [GLOBEX, dict(GLOBEX, name="other")]}, 409),  # two in one request with one key: neither is added
    (dict(GLOBEX, telnyx_api_key=None), 400),
    (dict(GLOBEX, name="no spaces"), 400),
    (dict(GLOBEX, twilio_account_sid="AC123"), 400),
    (dict(GLOBEX, twilio_api_key="SK" + "c" * 32), 400),  # a key with no secret
    (dict(GLOBEX, region="us"), 400),
    ("globex", 400),
])
def test_a_bad_or_clashing_account_is_refused_and_nothing_is_added(emulator, admin, body, status):
    admin("accounts", ACME)
    code, answer = admin_error(emulator.url, "accounts", body)
    assert code == status and answer["error"]
    assert admin("accounts") == {"accounts": ["default", "acme"]}


def test_admin_state_seed_and_fixtures_per_account(emulator, admin):
    admin("accounts", [ACME, GLOBEX])
    made = admin("seed", {"account": "globex", "room_sessions": 7, "proxy_sessions": 5, "seed": 2})
    assert len(made["room_sessions"]) == 7
    globex = admin("state", {"account": "globex"})
    assert sorted(s["id"] for s in globex["room_sessions"]) == sorted(made["room_sessions"])
    assert sum(len(v) for v in globex["proxy_services"].values()) == 5
    for name in (None, "acme"):  # the default (no account given) and acme are untouched
        state = admin("state", {"account": name} if name else None)
        assert state["room_sessions"] == [] and all(not v for v in state["proxy_services"].values())
        assert sorted(state["proxy_services"]) == sorted("KS%032d" % n for n in (1, 2, 3))
    assert admin("state", {"account": "default"}) == admin("state")
    for action, body in (("state", {"account": "nobody"}), ("seed", {"account": "nobody", "room_sessions": 1}),
                         ("fixtures", {"account": "nobody", "room_sessions": [{}]})):
        code, answer = admin_error(emulator.url, action, body)
        assert code == 404 and "nobody" in answer["error"]


def test_reset_empties_every_account_and_keeps_the_registry(emulator, admin):
    admin("accounts", ACME)
    admin("seed", {"room_sessions": 3})
    admin("seed", {"account": "acme", "room_sessions": 3})
    assert admin("reset") == {"reset": "all"}
    assert admin("accounts") == {"accounts": ["default", "acme"]}
    assert admin("state")["room_sessions"] == [] and admin("state", {"account": "acme"})["room_sessions"] == []
    assert requests.get(emulator.url + "/v2/room_sessions", headers=telnyx_auth(ACME), timeout=10).status_code == 200


def test_stats_stay_global_with_counts_by_account(emulator, admin):
    admin("accounts", [ACME, GLOBEX])
    for auth, times in ((TELNYX_AUTH, 1), (telnyx_auth(ACME), 2)):
        for _n in range(times):
            requests.get(emulator.url + "/v2/room_sessions", headers=auth, timeout=10)
    requests.get(emulator.url + "/v1/Services/" + SERVICE + "/Sessions", auth=twilio_auth(ACME, True), timeout=10)
    requests.get(emulator.url + "/v2/room_sessions", headers={"Authorization": "Bearer nobody"}, timeout=10)
    admin("faults", {"mode": "503", "count": 1})  # answered before auth, still counted under its account
    requests.get(emulator.url + "/v2/room_sessions", headers=telnyx_auth(GLOBEX), timeout=10)
    stats = admin("stats")
    assert stats["total"] == 6 and stats["by_route"]["GET /v2/room_sessions"] == 5
    assert stats["by_account"] == {"acme": 3, "default": 1, "globex": 1}  # the 401 has no account


def test_removing_an_account_revokes_its_credentials(emulator, admin):
    admin("accounts", ACME)
    assert admin("accounts/acme", method="DELETE") == {"removed": "acme", "accounts": ["default"]}
    assert requests.get(emulator.url + "/v2/room_sessions", headers=telnyx_auth(ACME), timeout=10).status_code == 401
    assert admin_error(emulator.url, "accounts/acme", method="DELETE")[0] == 404
    assert admin_error(emulator.url, "accounts/default", method="DELETE")[0] == 400


def test_accounts_from_a_file_at_start(tmp_path):
    path = tmp_path / "accounts.json"
    path.write_text(json.dumps({"accounts": [ACME, GLOBEX]}))
    assert parse_args(["--accounts", str(path)]).accounts == str(path)
    server = run_in_thread(accounts=str(path), seed_room_sessions=4)
    try:
        assert call_admin(server.url, "accounts") == {"accounts": ["default", "acme", "globex"]}
        # the seed flags fill the first account only
        assert len(call_admin(server.url, "state")["room_sessions"]) == 4
        assert call_admin(server.url, "state", {"account": "acme"})["room_sessions"] == []
        listed = requests.get(server.url + "/v2/room_sessions", headers=telnyx_auth(GLOBEX), timeout=10).json()
        assert listed["data"] == []
    finally:
        server.stop()


def test_a_bad_accounts_file_stops_the_start(tmp_path, capsys):
    from tests.emulator.cli import main  # pylint: disable=import-outside-toplevel
    path = tmp_path / "accounts.json"
    path.write_text(json.dumps([dict(GLOBEX, telnyx_api_key=DEFAULTS["telnyx_api_key"])]))
    assert main(["--port", "0", "--accounts", str(path)]) == 2
    assert "telnyx_api_key" in capsys.readouterr().err
