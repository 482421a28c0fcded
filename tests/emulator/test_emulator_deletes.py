# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Each delete of the emulator answers the one success status its official document lists, with no body:
Twilio's DeleteParticipant 200, its DeleteSession, DeleteService and DeletePhoneNumber 204, Telnyx's
DeleteRoom 204. A second delete of the same resource is the vendor's 404."""

import requests

from tests.emulator.conftest import SERVICE, TELNYX_AUTH, TWILIO_AUTH

N1 = "+15550100001"


def twilio(emulator, method, path, **form):
    return requests.request(method, emulator.url + "/v1/Services" + path, auth=TWILIO_AUTH, data=form or None, timeout=10)


def made(answer):
    assert answer.status_code == 201, answer.text
    return answer.json()


def deleted(answer, status):
    return (answer.status_code, answer.content) == (status, b"")


def test_twilio_deletes_answer_the_documented_status(emulator, admin):
    session = made(twilio(emulator, "POST", "/%s/Sessions" % SERVICE, UniqueName="order-1"))
    sessions = "/%s/Sessions/%s" % (SERVICE, session["sid"])
    participant = made(twilio(emulator, "POST", sessions + "/Participants", Identifier="+15550100009"))
    owned = admin("phone_numbers", {"phone_numbers": [N1]})["phone_numbers"][0]["sid"]
    service = made(twilio(emulator, "POST", "", UniqueName="support"))["sid"]
    made(twilio(emulator, "POST", "/%s/PhoneNumbers" % service, Sid=owned))
    deletes = [(sessions + "/Participants/" + participant["sid"], 200), (sessions, 204),
               ("/%s/PhoneNumbers/%s" % (service, owned), 204), ("/" + service, 204)]
    for path, status in deletes:
        assert deleted(twilio(emulator, "DELETE", path), status), path
        again = twilio(emulator, "DELETE", path)
        assert (again.status_code, again.json()["code"]) == (404, 20404), path


def test_telnyx_room_delete_answers_the_documented_status(emulator):
    rooms = emulator.url + "/v2/rooms"
    room = requests.post(rooms, json={"unique_name": "desk"}, headers=TELNYX_AUTH, timeout=10).json()["data"]
    assert deleted(requests.delete(rooms + "/" + room["id"], headers=TELNYX_AUTH, timeout=10), 204)
    assert requests.delete(rooms + "/" + room["id"], headers=TELNYX_AUTH, timeout=10).status_code == 404
