# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Build the documentation site: python tests/utils/build_docs.py [--warnings-as-errors] [--check-in-browser]

The way the Ansible documentation builds collection pages, offline:

1. ``antsibull-docs sphinx-init --use-current --dest-dir .build/docs/site commsops.sessions`` writes a Sphinx
   project (conf.py, build.sh, requirements.txt), with docs/site/index.rst as its front page;
2. the packages of its requirements.txt (and myst-parser) must be importable; when they are not, they are
   installed with pip (they belong in requirements-dev.txt);
3. docs/site/conf_extra.py is hooked into its conf.py (no intersphinx, so no network; the Markdown pages), and
   docs/guide.md, docs/architecture.md and tests/emulator/README.md are copied in as pages;
4. its build.sh runs, with ANSIBLE_COLLECTIONS_PATH pointing at a tree that holds this checkout:
   ``antsibull-docs collection`` writes a page per module, lookup, filter and role, then
   tests/utils/eda_source_docs.py a page per event source (extensions/eda/plugins/event_source/: antsibull-docs
   does not document those), then ``sphinx-build`` the HTML, into .build/docs/html (with --warnings-as-errors,
   any warning fails the build);
5. every plugin, role and event source has a page, and the front page links the guide and the collection;
6. with --check-in-browser, headless Chromium opens the front page and room_session_action's page, their DOM
   must show what they should (the module's options), and screenshots go to .build/docs/*.png for a person.
   Chromium is Debian's ``chromium``; when it is missing it is installed with apt-get if this machine allows
   (root, apt-get); when it cannot be, the script says so and skips only that check.

Exit status 0 when everything asked for passed (a skipped browser check included, said plainly), 1 otherwise.
"""

import argparse
import glob
import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests"))
from collection_path import collections_tree  # noqa: E402  pylint: disable=wrong-import-position

COLLECTION = "commsops.sessions"
# DOCS_BUILD_DIR: another build directory (two builds at once, each in its own).
BUILD = os.environ.get("DOCS_BUILD_DIR") or os.path.join(ROOT, ".build", "docs")
SITE = os.path.join(BUILD, "site")  # the Sphinx project sphinx-init writes
HTML = os.path.join(BUILD, "html")
PLUGIN_PAGES = os.path.join(HTML, "collections", "commsops", "sessions")
SITE_SOURCES = os.path.join(ROOT, "docs", "site")
# Markdown pages of the site: (source in the checkout, page name).
PAGES = [("docs/guide.md", "guide"), ("docs/architecture.md", "architecture"), ("tests/emulator/README.md", "emulator")]
# Importable names of what the generated requirements.txt asks for, and myst-parser for the Markdown pages.
REQUIRED_IMPORTS = ["sphinx", "sphinx_ansible_theme", "ansible_pygments", "antsibull_docs", "myst_parser"]
EXTRA_REQUIREMENTS = ["myst-parser"]
ERROR_PAGE = "Missing documentation (or could not parse documentation)"
PLUGIN_KINDS = {"modules": "module", "lookup": "lookup", "filter": "filter"}
# The event sources' pages: written by this script beside the module pages (antsibull-docs has no such type).
EVENT_SOURCES = os.path.join(ROOT, "extensions", "eda", "plugins", "event_source")
EVENT_SOURCE_DOCS = os.path.join(ROOT, "tests", "utils", "eda_source_docs.py")

# What the browser must find. The module page: its title and every option, by the anchors antsibull-docs gives them.
MODULE_PAGE = "room_session_action_module.html"
MODULE_TITLE = "commsops.sessions.room_session_action module"
MODULE_OPTIONS = ["action", "room_session_id", "room_session_ids", "select", "participants", "exclude", "results",
                  "max_sessions", "concurrency", "api_key", "base_url"]
INDEX_TEXTS = ["commsops.sessions user guide", "Architecture", "room_session_action module", "room_sessions lookup",
               "cleanup_report filter", "room_session_cleanup role", "Index of all Modules"]


def log(message):
    print("== build_docs: %s" % message, flush=True)


class Failed(Exception):
    pass


def run(cmd, **kwargs):
    log("$ " + " ".join(cmd))
    done = subprocess.run(cmd, check=False, **kwargs)
    if done.returncode:
        raise Failed("%s exited with %d" % (cmd[0], done.returncode))
    return done


def tool(name):
    """A command of this Python's environment (the venv), else from PATH."""
    path = os.path.join(os.path.dirname(sys.executable), name)
    return path if os.path.exists(path) else (shutil.which(name) or name)


def docs_env():
    bindir = os.path.dirname(sys.executable)
    return dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_tree(), ANSIBLE_NOCOLOR="1",
                PATH=bindir + os.pathsep + os.environ.get("PATH", ""))


def plugin_names():
    """{kind: [names]} of everything the site must have a page for, from the checkout."""
    found = {}
    for folder, kind in PLUGIN_KINDS.items():
        names = set()
        for path in glob.glob(os.path.join(ROOT, "plugins", folder, "*.py")) + glob.glob(os.path.join(ROOT, "plugins", folder, "*.yml")):
            name = os.path.splitext(os.path.basename(path))[0]
            if name == "__init__":
                continue
            if kind == "filter" and path.endswith(".py"):
                continue  # filter docs live in .yml files; the .py holds the plugin
            names.add(name)
        found[kind] = sorted(names)
    found["role"] = sorted(os.path.basename(os.path.dirname(os.path.dirname(p)))
                           for p in glob.glob(os.path.join(ROOT, "roles", "*", "meta", "argument_specs.yml")))
    return found


def event_source_names():
    """The event sources the site must have a page for (<name>_event_source.html), from the checkout."""
    return sorted(os.path.splitext(os.path.basename(p))[0] for p in glob.glob(os.path.join(EVENT_SOURCES, "*.py"))
                  if not os.path.basename(p).startswith("_"))


def ensure_requirements():
    missing = [name for name in REQUIRED_IMPORTS if importlib.util.find_spec(name) is None]
    if not missing:
        return
    log("missing %s: installing the site's requirements with pip" % ", ".join(missing))
    run([sys.executable, "-m", "pip", "install", "-q", "-r", os.path.join(SITE, "requirements.txt")] + EXTRA_REQUIREMENTS)


def init_site(warnings_as_errors):
    if os.path.isdir(SITE):
        shutil.rmtree(SITE)
    os.makedirs(SITE)
    os.chmod(SITE, 0o700)  # antsibull-docs wants its destination writable only by its owner
    cmd = [tool("antsibull-docs"), "sphinx-init", "--use-current", "--dest-dir", SITE,
           "--index-rst-source", os.path.join(SITE_SOURCES, "index.rst"), "--no-add-antsibull-docs-version",
           "--project", COLLECTION, "--title", "commsops.sessions documentation"]
    if warnings_as_errors:
        cmd.append("--fail-on-error")
    run(cmd + [COLLECTION], env=docs_env())

    with open(os.path.join(SITE, "conf.py"), "a", encoding="utf-8") as conf:
        conf.write("\n# Added by tests/utils/build_docs.py: see docs/site/conf_extra.py.\n"
                   "import sys; sys.path.insert(0, %r)  # noqa: E402,E702\n"
                   "import conf_extra; conf_extra.configure(globals())  # noqa: E402,E702\n" % SITE_SOURCES)

    # build.sh ends with `sphinx-build -M html rst build -c . -W --keep-going`: write to .build/docs/html instead,
    # with -W only when asked, after the event sources' pages are written where antsibull-docs wrote the modules'
    # (its `collection --cleanup everything` would remove them if they were written before).
    build_sh = os.path.join(SITE, "build.sh")
    with open(build_sh, encoding="utf-8") as handle:
        script = handle.read()
    pattern = re.compile(r"^sphinx-build -M html rst build -c \. -W --keep-going$", re.M)
    if not pattern.search(script):
        raise Failed("%s has no `sphinx-build -M html rst build -c . -W --keep-going` line to adapt; has antsibull-docs "
                     "changed its template?" % build_sh)
    sources = "%s %s rst/collections/commsops/sessions" % (shlex.quote(sys.executable), shlex.quote(EVENT_SOURCE_DOCS))
    script = pattern.sub(lambda _m: '%s\nsphinx-build -M html rst %s -c . -n -j auto $SPHINX_WARNINGS'
                         % (sources, BUILD.replace(" ", "\\ ")), script)
    with open(build_sh, "w", encoding="utf-8") as handle:
        handle.write(script)

    rst = os.path.join(SITE, "rst")
    for source, page in PAGES:
        shutil.copyfile(os.path.join(ROOT, source), os.path.join(rst, page + ".md"))


def build(warnings_as_errors=False):
    """Build the site into .build/docs/html; raise Failed when it does not build."""
    started = time.monotonic()
    for old in (HTML, os.path.join(BUILD, "doctrees")):
        if os.path.isdir(old):
            shutil.rmtree(old)
    init_site(warnings_as_errors)
    ensure_requirements()
    env = docs_env()
    env["SPHINX_WARNINGS"] = "-W --keep-going" if warnings_as_errors else ""
    run(["bash", os.path.join(SITE, "build.sh")], env=env)
    check_pages()
    log("site built in %.1f s: file://%s" % (time.monotonic() - started, os.path.join(HTML, "index.html")))


def read(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def check_pages():
    """Every module, lookup, filter, role and event source has a page; the front page links the guides and the
    collection, and the event sources."""
    missing = []
    for kind, names in plugin_names().items():
        for name in names:
            if not os.path.isfile(os.path.join(PLUGIN_PAGES, "%s_%s.html" % (name, kind))):
                missing.append("%s %s" % (kind, name))
    for name in event_source_names():
        if not os.path.isfile(os.path.join(PLUGIN_PAGES, "%s_event_source.html" % name)):
            missing.append("event source %s" % name)
    for _source, page in PAGES:
        if not os.path.isfile(os.path.join(HTML, page + ".html")):
            missing.append("page %s" % page)
    if missing:
        raise Failed("the site has no page for: " + ", ".join(missing))
    broken = [os.path.basename(page) for page in glob.glob(os.path.join(PLUGIN_PAGES, "*.html"))
              if ERROR_PAGE in read(page)]
    if broken:
        # Only without --warnings-as-errors (--fail-on-error stops antsibull-docs before it writes error pages).
        log("WARNING: antsibull-docs could not parse the documentation of %s: their pages say why" % ", ".join(broken))
    index = read(os.path.join(HTML, "index.html"))
    links = ["guide.html", "architecture.html", "emulator.html", "collections/commsops/sessions/index.html"]
    links += ["collections/commsops/sessions/%s_event_source.html" % name for name in event_source_names()]
    for link in links:
        if 'href="%s' % link not in index:
            raise Failed("index.html does not link %s" % link)


# ---- the browser check ---------------------------------------------------------------------------------------------

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def chromium_install_notice():
    """What find_chromium(install=True) is about to do, when it will install something; else None."""
    if any(shutil.which(name) for name in BROWSERS) or not shutil.which("apt-get") or os.geteuid() != 0:
        return None
    return ("Chromium is not installed: the docs site check installs Debian's chromium package with apt-get "
            "(apt-get install chromium; a few hundred MB, once) to render two pages headless")


def find_chromium(install=True):
    """(path to Chromium, None), or (None, why there is none) once installing is ruled out or failed."""
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path, None
    if not install:
        return None, "Chromium is not installed"
    if not shutil.which("apt-get"):
        return None, "Chromium is not installed and this machine has no apt-get to install Debian's chromium package"
    if os.geteuid() != 0:
        return None, "Chromium is not installed and installing Debian's chromium package needs root (apt-get install chromium)"
    log(chromium_install_notice())
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in (["apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium"],
                ["apt-get", "update", "-q"],
                ["apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium"]):
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900, check=False)
        if done.returncode == 0 and cmd[1] == "install":
            break
    path = shutil.which("chromium")
    if path:
        return path, None
    return None, "Chromium is not installed and apt-get could not install it: %s" % (done.stderr.strip().splitlines() or ["?"])[-1]


def chromium(browser, args, timeout=120):
    """Run headless Chromium with a throwaway profile; return its stdout."""
    with tempfile.TemporaryDirectory(prefix="docs-chromium-") as profile:
        cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
               "--disable-extensions", "--user-data-dir=" + profile, "--window-size=1280,1600"] + args
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode:
        raise Failed("chromium %s exited with %d: %s" % (" ".join(args), done.returncode, done.stderr.strip()[-2000:]))
    return done.stdout


def dump_dom(browser, page):
    return chromium(browser, ["--dump-dom", "file://" + page])


def screenshot(browser, page, png):
    if os.path.exists(png):
        os.remove(png)
    chromium(browser, ["--screenshot=" + png, "--hide-scrollbars", "file://" + page])
    if not os.path.isfile(png) or os.path.getsize(png) < 1000:
        raise Failed("chromium wrote no screenshot of %s" % page)
    return png


def missing_from_module_dom(dom):
    """What the rendered room_session_action page lacks: its title, and each option's anchor and name."""
    lacking = [] if MODULE_TITLE in dom else ["the title %r" % MODULE_TITLE]
    for option in MODULE_OPTIONS:
        if 'id="parameter-%s"' % option not in dom or ">%s<" % option not in dom:
            lacking.append("option %s" % option)
    return lacking


def missing_from_index_dom(dom):
    return [text for text in INDEX_TEXTS if text not in dom]


def check_in_browser():
    """Open the front page and room_session_action's page in headless Chromium. Returns a reason when skipped."""
    browser, why = find_chromium()
    if browser is None:
        log("SKIPPED the browser check: %s. The site was built and checked; only the headless Chromium check is skipped."
            % why)
        return why
    checks = [("index.html", missing_from_index_dom, "index.png"),
              (os.path.join("collections", "commsops", "sessions", MODULE_PAGE), missing_from_module_dom,
               "room_session_action_module.png")]
    for page, missing, png in checks:
        path = os.path.join(HTML, page)
        dom = dump_dom(browser, path)
        with open(os.path.join(BUILD, os.path.basename(page) + ".dom.html"), "w", encoding="utf-8") as handle:
            handle.write(dom)
        lacking = missing(dom)
        if lacking:
            raise Failed("Chromium's DOM of %s lacks: %s" % (page, ", ".join(lacking)))
        log("Chromium rendered %s; screenshot %s" % (page, screenshot(browser, path, os.path.join(BUILD, png))))
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--warnings-as-errors", action="store_true", help="fail on any warning of antsibull-docs or Sphinx")
    parser.add_argument("--check-in-browser", action="store_true",
                        help="open the site in headless Chromium (installed with apt-get when missing and possible)")
    options = parser.parse_args(argv)
    try:
        build(options.warnings_as_errors)
        if options.check_in_browser:
            check_in_browser()
    except Failed as exc:
        log("FAILED: %s" % exc)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
