# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The documentation site (`make docs`): it builds with antsibull-docs and Sphinx with warnings as errors, has a
page for every module, lookup, filter and role, for every event source (with each option) and for the guides, and
renders in headless Chromium with the module's options. The build and the checks are tests/utils/build_docs.py's; screenshots go to .build/docs/*.png."""

import fcntl
import importlib.util
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "tests", "utils", "build_docs.py")


def load_script():
    spec = importlib.util.spec_from_file_location("build_docs", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build_docs = load_script()
# The site is built once per worker that runs these tests: one worker runs them all (pytest -n --dist loadgroup).
pytestmark = pytest.mark.xdist_group("docs-site")


@pytest.fixture(scope="module")
def site():
    """Build the site once, as `make docs` does but with --warnings-as-errors; the HTML directory.

    The build directory is the checkout's .build/docs: a lock keeps two test processes (pytest -n) from building
    into it at once, or reading it while the other builds."""
    os.makedirs(build_docs.BUILD, exist_ok=True)
    with open(os.path.join(build_docs.BUILD, ".lock"), "w", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = subprocess.run([sys.executable, SCRIPT, "--warnings-as-errors"], capture_output=True, text=True,
                              timeout=900, check=False, cwd=ROOT)
        assert done.returncode == 0, "the docs site does not build without warnings:\n%s\n%s" % (
            done.stdout[-6000:], done.stderr[-6000:])
        yield build_docs.HTML


@pytest.fixture(scope="module")
def browser():
    path, why = build_docs.find_chromium(install=True)
    if path is None:
        pytest.skip("no headless browser check: %s" % why)
    return path


def read(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def test_every_module_lookup_filter_and_role_has_a_page(site):
    names = build_docs.plugin_names()
    assert names["module"] and names["lookup"] and names["filter"] and names["role"]
    assert "room_session_action" in names["module"] and "cleanup_report" in names["filter"]
    for kind, plugins in names.items():
        for name in plugins:
            page = os.path.join(build_docs.PLUGIN_PAGES, "%s_%s.html" % (name, kind))
            assert os.path.isfile(page), page
            text = read(page)
            assert "commsops.sessions.%s %s" % (name, kind) in text, page
            # An error page says so instead of the documentation.
            assert "Missing documentation" not in text and "Cannot load" not in text, page


def load_event_source_docs():
    spec = importlib.util.spec_from_file_location("eda_source_docs", build_docs.EVENT_SOURCE_DOCS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_event_source_has_a_page_with_each_option_and_the_event_shape(site):
    """antsibull-docs does not document event sources: build_docs.py writes their pages (eda_source_docs.py)."""
    docs = load_event_source_docs()
    names = build_docs.event_source_names()
    assert {"telnyx_webhook", "twilio_webhook", "room_session_events", "proxy_session_events"} <= set(names)
    index = read(os.path.join(site, "index.html"))
    for name in names:
        assert 'href="collections/commsops/sessions/%s_event_source.html' % name in index, name
        page = os.path.join(build_docs.PLUGIN_PAGES, "%s_event_source.html" % name)
        assert os.path.isfile(page), page
        text = read(page)
        assert "commsops.sessions.%s event source" % name in text, page
        doc, examples = docs.read_strings(os.path.join(build_docs.EVENT_SOURCES, name + ".py"))
        for option, spec in doc["options"].items():
            # The option's row: its anchor, its name, its type; its default and environment variable, if any.
            start = text.index('id="parameter-%s"' % option)
            end = text.find('id="parameter-', start + 1)
            row = text[start:end if end > 0 else len(text)]
            assert "<strong>%s</strong>" % option in row, (name, option)
            assert docs.TYPE_NAMES[spec.get("type", "str")] in row, (name, option)
            if spec.get("default") is not None:
                assert "Default:" in row, (name, option)
            for env in docs.environment(spec):
                assert "Environment variable:" in row and env in row, (name, option, env)
        assert "The events" in text and "session_event" in text and "occurred_at" in text, page
        for event_type in docs.SOURCES[name]["types"]:
            assert event_type in text, (name, event_type)
        # The examples, highlighted: the rulebook names the source by its FQCN.
        assert "commsops.sessions.%s" % name in examples
        assert "commsops.sessions.%s</span>" % name in text[text.index('id="examples"'):], (name, "examples")
    # An environment variable a source names (not a secret: the public key's) shows on its option.
    telnyx = read(os.path.join(build_docs.PLUGIN_PAGES, "telnyx_webhook_event_source.html"))
    assert "Environment variable:" in telnyx and "TELNYX_PUBLIC_KEY" in telnyx


def test_the_guides_are_pages_linked_from_the_front_page(site):
    index = read(os.path.join(site, "index.html"))
    for page in ("guide", "architecture", "emulator"):
        assert 'href="%s.html' % page in index
    guide = read(os.path.join(site, "guide.html"))
    assert "Running against the emulator" in guide and "module_defaults" in guide
    # The Markdown link of the architecture page to the guide is a link between pages of the site.
    assert 'href="guide.html' in read(os.path.join(site, "architecture.html"))


def test_the_front_page_and_a_module_page_render_in_chromium(site, browser):
    index = build_docs.dump_dom(browser, os.path.join(site, "index.html"))
    assert build_docs.missing_from_index_dom(index) == []
    page = os.path.join(build_docs.PLUGIN_PAGES, build_docs.MODULE_PAGE)
    dom = build_docs.dump_dom(browser, page)
    assert build_docs.missing_from_module_dom(dom) == []
    for option in ("action", "room_session_id", "select", "concurrency"):
        assert 'id="parameter-%s"' % option in dom
    for png, shown in (("index.png", os.path.join(site, "index.html")), ("room_session_action_module.png", page)):
        shot = build_docs.screenshot(browser, shown, os.path.join(build_docs.BUILD, png))
        with open(shot, "rb") as handle:
            assert handle.read(8) == b"\x89PNG\r\n\x1a\n"


def test_installing_chromium_is_announced_before_it_happens(monkeypatch):
    monkeypatch.setattr(build_docs.shutil, "which", lambda name: "/usr/bin/apt-get" if name == "apt-get" else None)
    monkeypatch.setattr(build_docs.os, "geteuid", lambda: 0)
    notice = build_docs.chromium_install_notice()
    assert "apt-get install chromium" in notice and "docs site" in notice
    monkeypatch.setattr(build_docs.shutil, "which", lambda name: "/usr/bin/" + name)
    assert build_docs.chromium_install_notice() is None  # a browser is there: nothing is installed
