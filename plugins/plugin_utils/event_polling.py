# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the two polling event sources share: PRIVATE to commsops.sessions.

The sources (extensions/eda/plugins/event_source/room_session_events.py and proxy_session_events.py) each give
a poller: ``prepare()`` (requests made once, before the first poll), ``poll()`` (one poll: the events of what
changed, or an exception with the poller's state untouched) and ``close()``. ``run_polls`` calls them from the
event loop, each call in a thread because the HTTP client is synchronous.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import asyncio
import os

from ansible_collections.commsops.sessions.plugins.module_utils.api_error import ApiError
from ansible_collections.commsops.sessions.plugins.module_utils.validation import (
    InvalidInput, check_bool, check_seconds, option_number)

DEFAULT_INTERVAL = 10
# Below a second a poller would be a load test; the tests lower it on the module.
MIN_INTERVAL = 1
MAX_INTERVAL = 86400
DEFAULT_MAX_BACKOFF = 300
# Keys ansible-rulebook may add to a source's arguments itself.
RULEBOOK_KEYS = ("eda_feedback_queue",)
POLL_KEYS = ("interval", "max_backoff", "emit_existing")


def check_arguments(args, spec, own):
    """The source's arguments as a dict, refusing an unknown key (a typo would silently change what is watched):
    spec is the vendor's connection argument spec (options.py), own the source's other option names."""
    if args is None:
        args = {}
    if not isinstance(args, dict):
        raise InvalidInput("the source's arguments must be a mapping of option names to values")
    known = set(spec) | set(own) | set(POLL_KEYS)
    unknown = sorted(str(key) for key in set(args) - known - set(RULEBOOK_KEYS))
    if unknown:
        raise InvalidInput("unknown option(s) %s; valid ones are %s" % (", ".join(unknown), ", ".join(sorted(known))))
    return args


def option_getter(args, spec):
    """get(name) for options.telnyx_client / twilio_client: the argument, else the environment variable the
    argument spec names as its fallback (as a module reads it), else the spec's default."""
    def get(name):
        value = args.get(name)
        if value is not None:
            return value
        definition = spec.get(name) or {}
        fallback = definition.get("fallback")
        if fallback:
            for variable in fallback[1]:
                if variable in os.environ:
                    return os.environ[variable]
        return definition.get("default")
    return get


def poll_settings(args):
    """(interval, max_backoff, emit_existing), checked before any request."""
    interval = _seconds(args.get("interval"), "interval", DEFAULT_INTERVAL)
    if interval < MIN_INTERVAL:
        raise InvalidInput("interval must be at least %s seconds, got %s" % (MIN_INTERVAL, interval))
    max_backoff = _seconds(args.get("max_backoff"), "max_backoff", DEFAULT_MAX_BACKOFF)
    emit_existing = args.get("emit_existing")
    emit_existing = False if emit_existing is None else check_bool(emit_existing, "emit_existing")
    # A backoff shorter than the interval would poll faster after a failure than after a success.
    return interval, max(interval, max_backoff), emit_existing


def _seconds(value, option, default):
    if value is None:
        return default
    return check_seconds(option_number(value, True), option, MAX_INTERVAL, allow_zero=False)


def backoff(failures, interval, cap):
    """Seconds before the next poll after this many failed polls in a row: the interval, doubled per further
    failure, at most cap."""
    return min(cap, interval * 2 ** min(failures - 1, 30))


def failure_text(exc, redact):
    """What the log says of a failed poll. An ApiError's message is redacted already (HttpClient.request);
    any other error is redacted here, since a library's message may quote a URL or a header."""
    if isinstance(exc, (ApiError, InvalidInput)):
        return str(exc)
    return redact("%s: %s" % (type(exc).__name__, exc))


async def run_polls(queue, poller, interval, max_backoff, logger):
    """Poll until cancelled: put each poll's events on the queue, wait interval (or the backoff after a failed
    poll) and poll again. A failed poll is logged and retried, never the end of the source; the poller keeps its
    state, so a failure makes no event. prepare() is retried the same way when the API fails, but an
    InvalidInput from it (an option the API refutes, such as an unknown service name) ends the source.
    The client is closed however the source ends."""
    prepared, failures = False, 0
    try:
        while True:
            try:
                if not prepared:
                    await asyncio.to_thread(poller.prepare)
                    prepared = True
                events = await asyncio.to_thread(poller.poll)
            except InvalidInput as exc:
                if not prepared:
                    raise
                failures = _failed(logger, poller, failures, interval, max_backoff, exc)
                events = ()
            except Exception as exc:  # pylint: disable=broad-except  # no fault of one poll ends the source
                failures = _failed(logger, poller, failures, interval, max_backoff, exc)
                events = ()
            else:
                if failures:
                    logger.info("%s: polling again after %d failed poll(s)", poller.name, failures)
                failures = 0
            for event in events:
                await queue.put(event)
                await asyncio.sleep(0)
            await asyncio.sleep(backoff(failures, interval, max_backoff) if failures else interval)
    finally:
        poller.close()


def _failed(logger, poller, failures, interval, max_backoff, exc):
    failures += 1
    logger.warning("%s: poll failed (%d in a row), next one in %.1f s: %s", poller.name, failures,
                   backoff(failures, interval, max_backoff), failure_text(exc, poller.redact))
    return failures
