# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Scheduled faults: what POST /_emulator/faults accepts, and which fault a request draws."""

import re

FAULT_MODES = ("503", "429", "drop_before", "drop_after", "delay", "slow_body", "empty_200", "wrong_shape_200", "echo_headers")
CANNED_MODES = ("empty_200", "wrong_shape_200", "echo_headers")  # answered instead of the request, which is not applied
# Faults of the events the emulator pushes (webhooks.py), as Telnyx warns webhooks may come: twice, out of order, late.
EVENT_FAULT_MODES = ("duplicate", "out_of_order", "late_retry")
EVENT_FAULT_DELAY_MS = {"duplicate": 0, "out_of_order": 2000, "late_retry": 1000}


def parse_fault(body):
    """A scheduled fault from the admin request's body; ValueError or TypeError says what is wrong."""
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    mode = str(body.get("mode", "503"))
    if mode not in FAULT_MODES:
        raise ValueError("mode must be one of " + ", ".join(FAULT_MODES))
    fault = {"method": str(body.get("method", "*")), "path": str(body.get("path", ".")), "mode": mode,
             "count": int(body.get("count", 1)), "delay_ms": int(body.get("delay_ms", 0))}
    re.compile(fault["path"])
    if mode == "slow_body":
        fault["interval_ms"] = int(body.get("interval_ms", 500))
        if fault["interval_ms"] < 1:
            raise ValueError("interval_ms must be 1 or more")
    if mode == "echo_headers":
        fault["status"] = int(body.get("status", 400))
        if not 400 <= fault["status"] <= 599:
            raise ValueError("status must be between 400 and 599")
    if mode == "wrong_shape_200" and "body" in body:
        fault["body"] = body["body"]
    return fault


def draw_fault(faults, method, path):
    """The first scheduled fault with hits left that matches, one hit used; None when none does."""
    for fault in faults:
        if fault["count"] > 0 and fault["method"] in (method, "*") and re.search(fault["path"], path):
            fault["count"] -= 1
            return fault
    return None


def parse_event_fault(body):
    """An event fault from POST /_emulator/faults (its mode one of EVENT_FAULT_MODES); ValueError or TypeError.

    event_type: a regex the event's type must match ("." all); delay_ms: how long out_of_order holds an event when
    no other comes, and how late late_retry sends it again."""
    mode = str(body.get("mode"))
    if mode not in EVENT_FAULT_MODES:
        raise ValueError("mode must be one of " + ", ".join(EVENT_FAULT_MODES))
    fault = {"mode": mode, "event_type": str(body.get("event_type", ".")), "count": int(body.get("count", 1)),
             "delay_ms": int(body.get("delay_ms", EVENT_FAULT_DELAY_MS[mode]))}
    unknown = sorted(set(body) - set(fault))
    if unknown:
        raise ValueError("an event fault takes mode, event_type, count and delay_ms, not %s" % ", ".join(unknown))
    if fault["count"] < 1 or fault["delay_ms"] < 0:
        raise ValueError("count must be 1 or more and delay_ms 0 or more")
    re.compile(fault["event_type"])
    return fault


def draw_event_fault(faults, event_type):
    """The first event fault with hits left whose event_type matches, one hit used; None when none does."""
    for fault in faults:
        if fault["count"] > 0 and re.search(fault["event_type"], event_type):
            fault["count"] -= 1
            return fault
    return None
