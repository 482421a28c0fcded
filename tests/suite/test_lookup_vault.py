# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Lookup credentials from variables that hold Jinja or ansible-vault values, as the vault pattern writes them:
the lookups template their connection options the way modules get them, and no secret reaches the output."""

import json
import os
import re
import subprocess

from tests.suite.conftest import BIN, ROOT, SECRETS, SERVICE

VAULT_PASSWORD = "vault-pw-5e6f7a-not-a-credential"
ROOMS, PROXIES = 7, 5
# What the environment holds is wrong on purpose: only the variables can make the lookups succeed.
WRONG_ENV = {"TELNYX_API_KEY": "TLX-ENV-WRONG-1a1a1a", "TWILIO_AUTH_TOKEN": "TWL-ENV-WRONG-2b2b2b",
             "TELNYX_BASE_URL": "http://127.0.0.1:9/v2", "TWILIO_PROXY_BASE_URL": "http://127.0.0.1:9"}


def encrypt(tmp_path, name, value):
    """`ansible-vault encrypt_string` output: a YAML mapping entry `name: !vault |...`."""
    done = subprocess.run([os.path.join(BIN, "ansible-vault"), "encrypt_string", "--vault-password-file",
                           str(tmp_path / "vault-pass"), "--name", name, value],
                          capture_output=True, text=True, timeout=120, check=True,
                          env=dict(os.environ, ANSIBLE_NOCOLOR="1"))
    assert "$ANSIBLE_VAULT;" in done.stdout and value not in done.stdout
    return done.stdout.strip() + "\n"


def lookups(label):
    """Tasks that record what each lookup returned, and fail the play if it returned nothing."""
    telnyx = "query('commsops.sessions.room_sessions')"
    twilio = "query('commsops.sessions.proxy_sessions', service_sid='%s')" % SERVICE
    return """
    - name: Both lookups ({label})
      ansible.builtin.set_fact:
        counts_{label}: "{{{{ {{'telnyx': {telnyx} | length, 'twilio': {twilio} | length}} }}}}"
    - ansible.builtin.debug:
        msg: "COUNTS {label} telnyx={{{{ counts_{label}.telnyx }}}} twilio={{{{ counts_{label}.twilio }}}}"
""".format(label=label, telnyx=telnyx, twilio=twilio)


def test_lookups_take_jinja_and_vaulted_credentials(emulator, tmp_path):
    emulator.admin("seed", {"room_sessions": ROOMS, "proxy_sessions": PROXIES, "services": [SERVICE], "seed": 21})
    (tmp_path / "vault-pass").write_text(VAULT_PASSWORD + "\n")
    # The usual vault pattern: encrypted vault_* variables in a vars file, plain names that refer to them.
    (tmp_path / "vault.yml").write_text(
        "---\n" + encrypt(tmp_path, "vault_telnyx_api_key", SECRETS["telnyx_api_key"])
        + encrypt(tmp_path, "vault_twilio_auth_token", SECRETS["twilio_auth_token"]))
    # The option variables themselves encrypted.
    (tmp_path / "direct.yml").write_text(
        "---\n" + encrypt(tmp_path, "telnyx_api_key", SECRETS["telnyx_api_key"])
        + encrypt(tmp_path, "twilio_auth_token", SECRETS["twilio_auth_token"]))
    # Jinja in plain variables, no vault at all: the key is assembled from two halves.
    key, token = SECRETS["telnyx_api_key"], SECRETS["twilio_auth_token"]
    plain = {"key_head": key[:4], "key_tail": key[4:], "token_head": token[:4], "token_tail": token[4:]}
    playbook = tmp_path / "vaulted.yml"
    playbook.write_text("""
- name: Jinja that refers to vaulted variables
  hosts: localhost
  gather_facts: false
  vars_files:
    - {vault}
  vars:
    emulator_url: {url}
    telnyx_api_key: "{{{{ vault_telnyx_api_key }}}}"
    telnyx_base_url: {url}/v2
    twilio_account_sid: {sid}
    twilio_auth_token: "{{{{ vault_twilio_auth_token }}}}"
    twilio_proxy_base_url: "{{{{ emulator_url }}}}"
  tasks:{jinja_vault}
- name: Jinja in plain variables
  hosts: localhost
  gather_facts: false
  vars:
    plain: {plain}
    telnyx_api_key: "{{{{ plain.key_head ~ plain.key_tail }}}}"
    telnyx_base_url: {url}/v2
    twilio_account_sid: {sid}
    twilio_auth_token: "{{{{ plain.token_head ~ plain.token_tail }}}}"
    twilio_proxy_base_url: {url}
  tasks:{jinja}
- name: Vaulted option variables
  hosts: localhost
  gather_facts: false
  vars_files:
    - {direct}
  vars:
    telnyx_base_url: {url}/v2
    twilio_account_sid: {sid}
    twilio_proxy_base_url: {url}
  tasks:{vaulted}
""".format(vault=tmp_path / "vault.yml", direct=tmp_path / "direct.yml", url=emulator.url, plain=json.dumps(plain),
           sid=SECRETS["twilio_account_sid"], jinja_vault=lookups("jinja_vault"), jinja=lookups("jinja"),
           vaulted=lookups("vaulted")))
    env = emulator.env(**WRONG_ENV)
    env.pop("TWILIO_ACCOUNT_SID")
    done = subprocess.run([os.path.join(BIN, "ansible-playbook"), str(playbook), "-vvv",
                           "--vault-password-file", str(tmp_path / "vault-pass")],
                          capture_output=True, text=True, env=env, timeout=600, check=False, cwd=ROOT)
    out, err = done.stdout, done.stderr
    assert done.returncode == 0, out[-4000:] + err[-2000:]
    counts = dict((m.group(1), {"telnyx": int(m.group(2)), "twilio": int(m.group(3))})
                  for m in re.finditer(r'"COUNTS (\w+) telnyx=(\d+) twilio=(\d+)"', out))
    expected = {"telnyx": ROOMS, "twilio": PROXIES}
    assert counts == {"jinja_vault": expected, "jinja": expected, "vaulted": expected}, out[-4000:]
    for secret in (SECRETS["telnyx_api_key"], SECRETS["twilio_auth_token"], VAULT_PASSWORD):
        assert secret not in out, secret
        assert secret not in err, secret


def test_an_undefined_variable_in_a_credential_is_an_error_that_names_it(emulator, tmp_path):
    playbook = tmp_path / "undefined.yml"
    playbook.write_text("""
- hosts: localhost
  gather_facts: false
  vars:
    telnyx_api_key: "{{ vault_telnyx_api_key_not_loaded }}"
  tasks:
    - ansible.builtin.debug:
        msg: "{{ query('commsops.sessions.room_sessions') | length }}"
""")
    rc, out, err = emulator.playbook(str(playbook))
    assert rc != 0
    assert "vault_telnyx_api_key_not_loaded" in out + err
    assert "HTTP 401" not in out  # it failed before any request, not at the API
    assert emulator.admin("stats").get("by_route", {}).get("GET /v2/room_sessions", 0) == 0
