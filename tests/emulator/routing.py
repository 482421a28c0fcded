# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Route tables: (method, path pattern, handler) rows, matched against a request's method and path.

A pattern is a path with {name} for one segment: "/room_sessions/{id}/actions/end". A loader is a
(pattern, key, function) row that finds what the first segments of a path name (a service, a session)
for every route below it, outermost first; it may refuse with the vendor's 400 or 404 (raise Refusal).
Handlers and loaders are called as function(target, request, **loaded): target is the object the
table serves (a store, the emulator), loaded what the loaders found so far.
"""

import collections
import re

PARAM = re.compile(r"\{(\w+)\}")

Route = collections.namedtuple("Route", "method pattern regex handler name")


class Match(collections.namedtuple("Match", "handler params name loaders status allowed")):
    """What the router decided. status None: handler serves the request. 405: the path matches a pattern
    but no row has this method (handler None; allowed lists the methods). 404: no pattern matches
    (name None, no params)."""


class Refusal(Exception):
    """Raised by a loader (or handler) to answer at once, with a vendor's 400 or 404."""

    def __init__(self, answer):
        super().__init__(answer.status)
        self.answer = answer


class Request:
    """What handlers see. body: as the table's API reads it (bytes for the vendors, a JSON value for the
    admin API); base: http://host:port as the client reached us; params: the pattern's {names}."""

    def __init__(self, method, path, query=(), body=b"", base=""):
        self.method = method
        self.path = path
        self.query = list(query)
        self.body = body
        self.base = base
        self.params = {}


def compile_pattern(pattern):
    """"/rooms/{room_id}/sessions" -> a regex for fullmatch, one segment a {name}."""
    parts = PARAM.split(pattern)  # literal, name, literal, name, ..., literal
    regex = "".join(re.escape(part) if index % 2 == 0 else "(?P<%s>[^/]+)" % part for index, part in enumerate(parts))
    return re.compile(regex)


def below(pattern, prefix):
    """Whether pattern is prefix or lies under it, segment by segment."""
    return pattern == prefix or pattern.startswith(prefix + "/")


class Router:
    """Rows of (method, pattern, handler); prefix ("/v2") is part of every path and route name."""

    def __init__(self, prefix="", routes=(), loaders=()):
        self.prefix = prefix
        self.routes = []
        self.loaders = []
        for pattern, key, loader in loaders:
            self.load(pattern, key, loader)
        for method, pattern, handler in routes:
            self.add(method, pattern, handler)

    def add(self, method, pattern, handler, name=None):
        """name: what /_emulator/stats counts the route as; by default "METHOD /prefix/pattern"."""
        full = self.prefix + pattern
        self.routes.append(Route(method, pattern, compile_pattern(full), handler, name or "%s %s" % (method, full)))

    def load(self, pattern, key, loader):
        """loader finds loaded[key] for every route at or below pattern."""
        self.loaders.append((pattern, key, loader))

    def loaders_for(self, pattern):
        found = [(prefix, key, loader) for prefix, key, loader in self.loaders if below(pattern, prefix)]
        return [(key, loader) for _prefix, key, loader in sorted(found, key=lambda row: row[0].count("/"))]

    def match(self, method, path):
        shaped_alike = []  # rows whose pattern fits the path, whatever their method
        for route in self.routes:
            found = route.regex.fullmatch(path)
            if found and route.method == method:
                return Match(route.handler, found.groupdict(), route.name, self.loaders_for(route.pattern), None, [route.method])
            if found:
                shaped_alike.append((route, found.groupdict()))
        if not shaped_alike:
            return Match(None, {}, None, [], 404, [])
        route, params = shaped_alike[0]
        return Match(None, params, "%s %s%s" % (method, self.prefix, route.pattern), self.loaders_for(route.pattern), 405,
                     [row.method for row, _params in shaped_alike])


def serve(router, target, request):
    """Answer request from router's table on target. Returns (answer, match): answer None when no row
    serves the method and path (match.status says 404 or 405, and the caller answers in its API's way).
    The loaders run for a 405 too: a bad or unknown id is refused as it would be for a served method."""
    found = router.match(request.method, request.path)
    if found.status == 404:
        return None, found
    request.params = found.params
    loaded = {}
    try:
        for key, loader in found.loaders:
            loaded[key] = loader(target, request, **loaded)
        if found.handler is None:
            return None, found
        return found.handler(target, request, **loaded), found
    except Refusal as refusal:
        return refusal.answer, found
