# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What every connection shares: the accounts and their stores, the settings, scheduled faults, the rate bucket and
the counts."""

import collections
import json
import math
import random
import re
import threading
import time

from . import seed as seeding
from .telnyx import TelnyxStore
from .twilio import TwilioStore
from .webhooks import Webhooks

WRITE_METHODS = ("POST", "DELETE", "PUT", "PATCH")


class TokenBucket:
    """rate tokens a second, at most rate in store; no rate (0 or None) never limits."""

    def __init__(self, rate):
        self.rate = rate
        self.tokens = float(rate or 0)
        self.last = time.monotonic()

    def take(self):
        """Takes a token; returns the seconds to wait for one when there is none, else 0."""
        if not self.rate:
            return 0
        self.refill()
        if self.tokens >= 1:
            self.tokens -= 1
            return 0
        return (1 - self.tokens) / self.rate

    def refill(self):
        clock = time.monotonic()
        self.tokens = min(float(self.rate), self.tokens + (clock - self.last) * self.rate)
        self.last = clock

    def until_full(self):
        """Seconds until the bucket is full again (the limit resets), to the millisecond."""
        self.refill()
        return round((self.rate - self.tokens) / self.rate, 3) if self.rate else 0

    def state(self):
        """What the bucket says now: (rate as an int, whole tokens left, whole seconds until full); None with no rate."""
        if not self.rate:
            return None
        self.refill()
        return int(self.rate), int(math.floor(self.tokens)), int(math.ceil((self.rate - self.tokens) / self.rate))


ACCOUNT_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
ACCOUNT_FIELDS = ("telnyx_api_key", "twilio_account_sid", "twilio_auth_token", "twilio_api_key", "twilio_api_secret")
REQUIRED_FIELDS = ("telnyx_api_key", "twilio_account_sid", "twilio_auth_token")
SID_FORMS = {"twilio_account_sid": re.compile(r"^AC[0-9a-fA-F]{32}$"), "twilio_api_key": re.compile(r"^SK[0-9a-fA-F]{32}$")}
DEFAULT_ACCOUNT = "default"


class Account:
    """One set of credentials (a Telnyx API key; a Twilio account SID and auth token, and maybe an API key and its
    secret) and the stores only they reach: its own Telnyx sessions and Twilio services and sessions."""

    def __init__(self, name, telnyx_api_key, twilio_account_sid, twilio_auth_token, twilio_api_key=None,
                 twilio_api_secret=None):
        self.name = name
        self.telnyx_api_key = telnyx_api_key
        self.twilio_account_sid = twilio_account_sid
        self.twilio_auth_token = twilio_auth_token
        self.twilio_api_key = twilio_api_key
        self.twilio_api_secret = twilio_api_secret
        self.reset()

    def reset(self):
        """Empty stores, but for the three services that always exist."""
        self.stores = {"telnyx": TelnyxStore(), "twilio": TwilioStore(self.twilio_account_sid)}
        for sid in seeding.SERVICES:
            self.twilio.add_service(sid)

    def credentials(self):
        return {field: getattr(self, field) for field in ACCOUNT_FIELDS}

    def twilio_pairs(self):
        """The (user, password) pairs Twilio's basic auth takes for this account."""
        pairs = [(self.twilio_account_sid, self.twilio_auth_token)]
        if self.twilio_api_key:
            pairs.append((self.twilio_api_key, self.twilio_api_secret))
        return pairs

    @property
    def telnyx(self):
        return self.stores["telnyx"]

    @property
    def twilio(self):
        return self.stores["twilio"]


class AccountConflict(ValueError):
    """An account's name or credentials clash with a registered account's (the admin API answers 409)."""


def parse_account(spec):
    """An account's spec (a dict) checked: its name and credentials, as Account's arguments; ValueError if wrong."""
    if not isinstance(spec, dict):
        raise ValueError("an account must be an object, not %r" % (spec,))
    unknown = sorted(set(spec) - set(ACCOUNT_FIELDS) - {"name"})
    if unknown:
        raise ValueError("unknown account field(s): %s" % ", ".join(unknown))
    name = spec.get("name")
    if not isinstance(name, str) or not ACCOUNT_NAME_RE.match(name):
        raise ValueError("an account needs a name of letters, digits, '.', '_' or '-' (at most 64), got %r" % (name,))
    for field in REQUIRED_FIELDS:
        if not isinstance(spec.get(field), str) or not spec[field]:
            raise ValueError("account %s: %s is required (a non-empty string)" % (name, field))
    for field in ("twilio_api_key", "twilio_api_secret"):
        if spec.get(field) is not None and (not isinstance(spec[field], str) or not spec[field]):
            raise ValueError("account %s: %s must be a non-empty string" % (name, field))
    if bool(spec.get("twilio_api_key")) != bool(spec.get("twilio_api_secret")):
        raise ValueError("account %s: give twilio_api_key and twilio_api_secret together, or neither" % name)
    for field, form in SID_FORMS.items():
        if spec.get(field) and not form.match(spec[field]):
            raise ValueError("account %s: %s must be %s followed by 32 hex digits" % (name, field, field == "twilio_api_key" and "SK" or "AC"))
    return dict({"name": name}, **{field: spec.get(field) for field in ACCOUNT_FIELDS})


def account_specs(value):
    """The accounts a request or a file gives: one object with a name, {"accounts": [...]}, or a list of objects."""
    if isinstance(value, dict) and "accounts" in value and "name" not in value:
        value = value["accounts"]
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return value
    raise ValueError("give one account (an object with a name), a list of them, or {\"accounts\": [...]}")


def load_accounts_file(path):
    with open(path) as handle:
        try:
            return account_specs(json.load(handle))
        except ValueError as exc:
            raise ValueError("%s: %s" % (path, exc)) from exc


class Stats:
    """Every API request received, by route, method and status ("dropped" for an answer never sent); the most
    requests in flight at once, and the 429s given because max_concurrency were."""

    def __init__(self, in_flight=0):
        self.total = 0
        self.writes = 0
        self.peak_in_flight = in_flight
        self.in_flight_limited = 0
        self.counters = {key: collections.Counter() for key in ("by_route", "by_method", "by_status", "by_account")}

    def add(self, method, route, status, account=None):
        """account: the name of the account whose credentials the request carried (None: no valid ones)."""
        self.total += 1
        self.writes += method in WRITE_METHODS
        self.counters["by_route"][route] += 1
        self.counters["by_method"][method] += 1
        self.counters["by_status"][str(status)] += 1
        if account is not None:
            self.counters["by_account"][account] += 1

    def as_json(self):
        counted = {key: dict(sorted(counter.items())) for key, counter in self.counters.items()}
        return dict({"total": self.total, "writes": self.writes, "peak_in_flight": self.peak_in_flight,
                     "in_flight_limited": self.in_flight_limited}, **counted)


class Emulator:
    """State, settings and accounting, shared by every connection (one lock keeps it consistent).

    accounts: the registry, by name, in the order added; the first is the default credentials of the command line
    (DEFAULTS), named "default". Each account has its own stores; the admin API acts on the first unless told."""

    def __init__(self, options):
        self.options = options
        self.lock = threading.Lock()
        self.latency_ms = options.latency_ms
        self.rate_limit = options.rate_limit
        self.fault_rate = options.fault_rate
        self.max_concurrency = options.max_concurrency
        self.in_flight = 0  # API requests read and not yet answered; outlives resets, as they do
        self.rng = random.Random(options.seed)
        self.bucket = TokenBucket(self.rate_limit)
        self.accounts = collections.OrderedDict()
        self.webhooks = Webhooks(options)  # the events it pushes: key pair, queue, worker, log
        self.add_accounts([dict({"name": DEFAULT_ACCOUNT}, **{field: getattr(options, field) for field in ACCOUNT_FIELDS})])
        more = getattr(options, "accounts", None)
        if more:
            self.add_accounts(load_accounts_file(more) if isinstance(more, str) else account_specs(more))
        self.reset()
        if options.seed_room_sessions or options.seed_proxy_sessions:
            seeding.seed(self.telnyx, self.twilio, options.seed_room_sessions, options.seed_proxy_sessions, options.seed)

    def reset(self):
        """Empty stores in every account (but for the three services that always exist), no counts, no scheduled
        faults. The accounts stay registered."""
        for account in self.accounts.values():
            account.reset()
        self.faults = []
        self.webhooks.reset()
        self.reset_stats()

    # Accounts -------------------------------------------------------------------

    def add_accounts(self, specs):
        """Register accounts, all or none: returns [(name, created)]. A name already registered (or given twice)
        with the same credentials is left as it is (created False), so a setup step can run again; with other
        credentials, or with credentials another account has, AccountConflict. A spec that is wrong: ValueError."""
        parsed = [parse_account(spec) for spec in specs]
        known = {name: account.credentials() for name, account in self.accounts.items()}
        taken = {}  # each credential that names an account -> that account's name
        for name, credentials in known.items():
            self.note_credentials(taken, credentials, name)
        done = []
        for spec in parsed:
            name = spec.pop("name")
            if name in known:
                if known[name] != spec:
                    raise AccountConflict("account %s exists with other credentials" % name)
                done.append((name, False))
                continue
            self.note_credentials(taken, spec, name)
            known[name] = spec
            done.append((name, True))
        for name, created in done:
            if created:
                self.accounts[name] = Account(name, **known[name])
        return done

    @staticmethod
    def note_credentials(taken, credentials, name):
        """Each account has its own Telnyx key, Twilio account SID and API key SID: two accounts never share one."""
        for field in ("telnyx_api_key", "twilio_account_sid", "twilio_api_key"):
            value = credentials.get(field)
            if not value:
                continue
            owner = taken.setdefault((field, value), name)
            if owner != name:
                raise AccountConflict("account %s: its %s is account %s's already" % (name, field, owner))

    def remove_account(self, name):
        if name not in self.accounts:
            raise KeyError(name)
        if name == self.first.name:
            raise ValueError("the first account (%s) cannot be removed" % name)
        del self.accounts[name]

    def account(self, name=None):
        """The account of this name (None: the first); KeyError when there is none."""
        if name is None:
            return self.first
        if not isinstance(name, str) or name not in self.accounts:
            raise KeyError(name)
        return self.accounts[name]

    @property
    def first(self):
        return next(iter(self.accounts.values()))

    def reset_stats(self):
        self.stats = Stats(self.in_flight)  # the peak starts from the requests still in flight

    @property
    def stores(self):
        """The first account's stores (what a single-account emulator had)."""
        return self.first.stores

    @property
    def telnyx(self):
        return self.first.telnyx

    @property
    def twilio(self):
        return self.first.twilio
