# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Twilio Proxy v1 listings: PRIVATE to commsops.sessions. No Ansible imports.

TwilioPaging is the part of the one client (twilio_proxy.TwilioProxy) that follows meta.next_page_url and
checks every page, kept apart so that each resource's methods stay short to read.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from urllib.parse import urlsplit

from ansible_collections.commsops.sessions.plugins.module_utils.api_error import expect_object, shown
from ansible_collections.commsops.sessions.plugins.module_utils.http_layer import MAX_PAGES, unseen

MAX_PAGE_SIZE = 1000


class TwilioPaging:
    """Listings of the Proxy API, for a client with .http (an HttpClient) and ._origin ((scheme, host:port))."""

    def _each_item(self, path, key, page_size, owner=None):
        """Follow meta.next_page_url; items are yielded page by page, each page once it has been checked.

        A next page must stay on the API's own origin (credentials go with it) and on the listing's own
        path (the same service, the same session, the same resource: only the query may change), must not
        come back to a page already read, and must not follow an empty page. owner ({field: value}, such as
        the service_sid asked for) is what each item must say it belongs to, when it says so: an item of
        another service is an error, never yielded (bulk plans address the service an item names).

        Twilio's meta has no total, so a short listing can only show as repeats: a page whose items were
        all read before (the server ignores its own page token) is an error; an item seen twice is dropped.
        Every check raises before the page it is about is yielded and before the next page is asked for."""
        visited, seen, where = set(), set(), self.http.log_path(path)
        url, params = path, {"PageSize": str(max(1, min(MAX_PAGE_SIZE, int(page_size))))}
        while True:
            body = self.http.request("GET", url, params=params)[1]
            page = expect_object(body, key, list, "GET", where)
            next_url = expect_object(body, "meta", dict, "GET", where).get("next_page_url")
            self._check_owner(page, owner, key, path)
            fresh = unseen(page, "sid", seen)
            if page and not fresh:
                raise self.http.error("a page repeats %d %s already read: the server does not follow its own "
                                      "next_page_url; refusing a partial list" % (len(page), key), "GET", path)
            if next_url:
                self._check_next_page(next_url, page, visited, path)
            yield from fresh
            if not next_url:
                return
            visited.add(next_url)
            url, params = next_url, None

    def _check_owner(self, page, owner, key, path):
        """An ApiError when an item says it belongs to another service or session than the one listed
        (SIDs compared without case: the options accept either case of hex digits)."""
        for field, wanted in sorted((owner or {}).items()):
            for item in page:
                said = item.get(field, wanted)
                if not (isinstance(said, str) and said.lower() == wanted.lower()):
                    raise self.http.error("the listing of %s holds an item whose %s is %s: refusing %s of another %s"
                                          % (wanted, field, shown(item[field]), key, field.split("_")[0]), "GET", path)

    def _check_next_page(self, next_url, page, visited, path):
        """An ApiError unless next_url leads somewhere new on our own origin and the listing's own path,
        after a page with items."""
        target = _origin_of(next_url)
        if target is None:
            problem = "meta.next_page_url is not a URL"
        elif target != self._origin:
            problem = "refusing to follow next_page_url to another host (%s)" % target[1]
        elif urlsplit(next_url).path != urlsplit(self.http.url_for(path)).path:
            # Another service's or session's listing: following it would act on what was not selected.
            problem = "refusing to follow next_page_url to another path (%s): a next page must list the same " \
                "resource" % shown(urlsplit(next_url).path, 200)
        elif not page:
            # Stopping could drop the pages behind it; following could loop: neither is safe.
            problem = "meta.next_page_url after an empty page"
        elif next_url in visited:
            problem = "meta.next_page_url leads back to a page already read: the list would never end"
        elif len(visited) + 1 >= MAX_PAGES:
            problem = "more than %d pages: the list would not end in reasonable time" % MAX_PAGES
        else:
            return
        raise self.http.error(problem, "GET", path)


def _origin_of(url):
    """(scheme, host:port) of a URL, or None when it is not one."""
    try:
        parts = urlsplit(url) if isinstance(url, str) else None
    except ValueError:
        return None
    return (parts.scheme, parts.netloc) if parts and parts.scheme and parts.netloc else None
