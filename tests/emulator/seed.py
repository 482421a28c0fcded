# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Varied, realistic data, the same for the same seed (apart from 'now')."""

import datetime
import random
import uuid

from .common import now, parse_datetime

SERVICES = ["KS%032d" % n for n in (1, 2, 3)]
CONTEXTS = ("agent", "customer", "supervisor", "")


def seeded_uuid(rng):
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def seed_rooms(store, count, rng, active_ratio=0.5, rooms=None):
    rooms = [seeded_uuid(rng) for _room in range(rooms or max(3, min(20, count // 25 or 1)))]
    stamp = now()
    for room_id in rooms if count else ():
        # Every room the seed names exists, with or without sessions, older than any of them (3 weeks at most).
        store.add_room(room_id, created_at=stamp - datetime.timedelta(days=22))
    created = []
    for _session in range(count):
        active = rng.random() < active_ratio
        age = datetime.timedelta(minutes=rng.randint(5, 3 * 7 * 24 * 60))
        start = stamp - age
        ended = None if active else start + age * rng.uniform(0.05, 0.9)
        participants = []
        for _participant in range(rng.randint(0, 4)):
            joined = start + (stamp - start) * rng.uniform(0, 0.3)
            gone = (not active) or rng.random() < 0.3
            participants.append({"id": seeded_uuid(rng), "context": rng.choice(CONTEXTS), "joined_at": joined,
                                 "left_at": (ended or joined + (stamp - joined) * rng.uniform(0.1, 0.9)) if gone else None})
        session = store.add_session(rng.choice(rooms), active, start, ended, participants, seeded_uuid(rng))
        created.append(session["id"])
    return {"room_sessions": created, "rooms": rooms}


def seed_proxy(store, count, rng, services=None):
    services = services or SERVICES
    for sid in services:
        store.add_service(sid)
    stamp = now()
    created = []
    for n in range(count):
        age = datetime.timedelta(minutes=rng.randint(10, 30 * 24 * 60))
        start = stamp - age
        status = rng.choice(("open", "open", "in-progress", "in-progress", "closed"))
        last = None if status == "open" and rng.random() < 0.6 else start + age * rng.uniform(0.05, 0.95)
        updated = (last or start) + (stamp - (last or start)) * (rng.uniform(0.1, 0.9) if status == "closed" else 0)
        participants = [{"identifier": "+1555%07d" % rng.randint(0, 9999999)} for _participant in range(rng.randint(0, 2))]
        session = store.add_session(
            services[n % len(services)], unique_name="seed-%d-%06d" % (rng.randint(0, 999), n), status=status,
            ttl=rng.choice((0, 3600, 86400)), mode=rng.choice(("message-only", "voice-only", "voice-and-message")),
            date_expiry=rng.choice((None, stamp + datetime.timedelta(days=rng.randint(1, 30)))), created=start,
            last_interaction=last, updated=updated, participants=participants, sid="KC%032x" % rng.getrandbits(128))
        created.append(session["sid"])
    return {"proxy_sessions": created, "services": services}


def seed(telnyx, twilio, room_sessions=0, proxy_sessions=0, seed_value=0, active_ratio=0.5, rooms=None, services=None):
    rng = random.Random(seed_value)
    result = {}
    result.update(seed_rooms(telnyx, room_sessions, rng, active_ratio, rooms))
    result.update(seed_proxy(twilio, proxy_sessions, rng, services))
    return result


def when(value):
    """A fixture timestamp: ISO 8601, or now-<N><s|m|h|d> relative to now; None stays None."""
    if value is None:
        return None
    text = str(value)
    if text.startswith("now"):
        amount = text[3:].strip()
        if not amount:
            return now()
        unit = {"s": 1, "m": 60, "h": 3600, "d": 86400}[amount[-1]]
        return now() + datetime.timedelta(seconds=int(amount[:-1]) * unit)
    stamp = parse_datetime(text)
    if stamp is None:
        raise ValueError("not a timestamp: %r" % value)
    return stamp


def fixtures(telnyx, twilio, body):
    """Insert explicit objects; timestamps may be relative (now-3h)."""
    out = {"room_sessions": [], "proxy_sessions": [], "services": []}
    for spec in body.get("services", []):
        # A SID, or {"sid", "unique_name", and the service's other fields}: a service with these values.
        spec = spec if isinstance(spec, dict) else {"sid": spec}
        twilio.add_service(spec["sid"], **dict((k, v) for k, v in spec.items() if k != "sid"))
        out["services"].append(spec["sid"])
    # Numbers the account owns, as POST /_emulator/phone_numbers takes them: they may then join a service's pool.
    owned = [spec if isinstance(spec, dict) else {"phone_number": spec} for spec in body.get("phone_numbers", [])]
    out["phone_numbers"] = [number["sid"] for number in twilio.own_numbers(owned)] if owned else []
    for spec in body.get("room_sessions", []):
        parts = [dict(p, joined_at=when(p.get("joined_at", "now-1h")), left_at=when(p.get("left_at")))
                 for p in spec.get("participants", [])]
        session = telnyx.add_session(spec.get("room_id"), spec.get("active", True), when(spec.get("created_at", "now-1h")),
                                     when(spec.get("ended_at")), parts, spec.get("id"))
        out["room_sessions"].append(telnyx.render_session(session, True))
    for spec in body.get("proxy_sessions", []):
        session = twilio.add_session(
            spec["service_sid"], spec.get("unique_name"), spec.get("status", "open"), spec.get("ttl", 0),
            spec.get("mode", "voice-and-message"), when(spec.get("date_expiry")), when(spec.get("date_created", "now-1h")),
            when(spec.get("date_last_interaction")), when(spec.get("date_updated")), spec.get("participants", []),
            spec.get("sid"))
        out["proxy_sessions"].append(session["sid"])
    return out
