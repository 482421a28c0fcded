# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One RST page per Event-Driven Ansible source: python tests/utils/eda_source_docs.py DEST_DIR

antsibull-docs (2.28, pinned in requirements-dev.txt) documents modules, plugins and roles but not a collection's
event sources (extensions/eda/plugins/event_source/): it has no "event_source" plugin type, and its Sphinx roles
cannot name one (their plugin type is letters only). So tests/utils/build_docs.py runs this script after
`antsibull-docs collection` and before sphinx-build: it reads each source's DOCUMENTATION and EXAMPLES (with ast,
without importing the source) and writes ``<name>_event_source.rst`` beside the module pages, laid out like them
(the same option table, classes and anchors, ``#parameter-<option>``), with a section on the events the source
emits. The sample events on those pages are made by plugins/module_utils/session_events.py itself, so they show
the shape the code builds. docs/site/index.rst lists the pages (a toctree that globs ``*_event_source``).

The markup of the documentation (O(), V(), C(), E(), M(), U(), L(), I(), B()) is parsed with antsibull-docs-parser
and written as plain RST: an option of the page links to its row; an environment variable is shown, not linked
(the site's index of environment variables only knows those of modules and plugins).
"""

import ast
import glob
import importlib.util
import json
import os
import re
import sys
import textwrap

import yaml
from antsibull_docs_parser import dom
from antsibull_docs_parser.parser import Context, parse
from antsibull_docs_parser.rst import PlainRSTFormatter, rst_escape, to_rst_plain

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTION = "commsops.sessions"
SOURCE_DIR = os.path.join(ROOT, "extensions", "eda", "plugins", "event_source")
KIND = "event_source"
TYPE_NAMES = {"str": "string", "int": "integer", "bool": "boolean", "float": "float", "list": "list",
              "dict": "dictionary", "raw": "any", "path": "path"}


def session_events():
    """plugins/module_utils/session_events.py, loaded by path (it imports nothing of Ansible)."""
    path = os.path.join(ROOT, "plugins", "module_utils", "session_events.py")
    spec = importlib.util.spec_from_file_location("commsops_session_events", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EV = session_events()
RECEIVED = "2026-03-02T10:15:30Z"
TELNYX_BODY = {"data": {"record_type": "event", "event_type": EV.ROOM_PARTICIPANT_JOINED,
                        "id": "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0", "occurred_at": "2026-03-02T10:15:29.512Z",
                        "payload": {"session_id": "3c8c7b58-2f1a-4d43-9a47-5d3c2b1f0e11",
                                    "room_id": "7b61621f-62e0-4aad-ab11-9fd19e272e73",
                                    "participant_id": "11111111-2222-4333-8444-555555555555", "context": "guest"}},
               "meta": {"attempt": 1, "delivered_to": "https://eda.example.com/telnyx/video"}}
TELNYX_SESSION = {"id": "3c8c7b58-2f1a-4d43-9a47-5d3c2b1f0e11", "room_id": "7b61621f-62e0-4aad-ab11-9fd19e272e73",
                  "active": True, "created_at": "2026-03-02T09:00:00Z", "updated_at": "2026-03-02T09:00:00Z",
                  "record_type": "room_session"}
TWILIO_FIELDS = {"accountSid": "AC00000000000000000000000000000000", "serviceSid": "KS0123456789abcdef0123456789abcdef",
                 "sessionSid": "KC0123456789abcdef0123456789abcdef", "sessionStatus": "closed", "From": "+15550100007",
                 "To": "+15550100001", "Body": "hello?"}
TWILIO_SESSION = {"sid": "KC0123456789abcdef0123456789abcdef", "service_sid": "KS0123456789abcdef0123456789abcdef",
                  "unique_name": "support-4711", "status": "closed", "date_created": "2026-03-01T08:00:00Z",
                  "date_updated": "2026-03-02T10:15:30Z", "date_ended": "2026-03-02T10:15:30Z"}

# What each source emits: vendor, how ("webhook" or "poll"), its event types, what payload holds, a sample event.
# A source missing here fails the build: its page must say what it emits.
SOURCES = {
    "telnyx_webhook": {
        "vendor": EV.TELNYX, "source": EV.WEBHOOK, "types": EV.TELNYX_TYPES,
        "payload": "the webhook's JSON body as Telnyx sent it (``data.event_type``, ``data.payload`` with the "
                   "participant's ``context``, ``meta.attempt``...)",
        "sample": lambda: EV.telnyx_webhook_event(TELNYX_BODY)},
    "room_session_events": {
        "vendor": EV.TELNYX, "source": EV.POLL, "types": EV.TELNYX_TYPES,
        "payload": "the room session (session events) or the participant (participant events) as the API listed "
                   "it; only its ids when it is gone from the API",
        "sample": lambda: EV.polled_event(EV.TELNYX, EV.ROOM_SESSION_STARTED, TELNYX_SESSION)},
    "twilio_webhook": {
        "vendor": EV.TWILIO, "source": EV.WEBHOOK, "types": tuple(EV.CALLBACK_TYPES.values()),
        "payload": "the callback's form fields, name to value (a list for a name sent more than once)",
        "sample": lambda: EV.twilio_callback_event("out_of_session", TWILIO_FIELDS, received_at=RECEIVED)},
    "proxy_session_events": {
        "vendor": EV.TWILIO, "source": EV.POLL, "types": EV.TWILIO_POLLED_TYPES,
        "payload": "the Proxy session as the API listed it (for a deleted one, its ``sid``, ``service_sid`` and "
                   "last ``status``)",
        "sample": lambda: EV.polled_event(EV.TWILIO, EV.PROXY_SESSION_CLOSED, TWILIO_SESSION)},
}


def source_names():
    return sorted(os.path.splitext(os.path.basename(p))[0] for p in glob.glob(os.path.join(SOURCE_DIR, "*.py"))
                  if not os.path.basename(p).startswith("_"))


def read_strings(path):
    """DOCUMENTATION (parsed) and EXAMPLES (text) of a source file, read without importing it."""
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read(), path)
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id in ("DOCUMENTATION", "EXAMPLES"):
                    found[target.id] = node.value.value
    if "DOCUMENTATION" not in found or "EXAMPLES" not in found:
        raise ValueError("%s has no DOCUMENTATION or EXAMPLES string" % path)
    doc = yaml.safe_load(found["DOCUMENTATION"])
    if not isinstance(doc, dict) or not isinstance(doc.get("options"), dict):
        raise ValueError("%s: DOCUMENTATION is not a mapping with options" % path)
    return doc, textwrap.dedent(found["EXAMPLES"]).strip("\n")


def page_label(name):
    return "ansible_collections.%s.%s_%s" % (COLLECTION, name, KIND)


def option_label(name, option):
    return "%s__parameter-%s" % (page_label(name), option)


class SourceFormatter(PlainRSTFormatter):
    """Plain RST, but an option of this source links to its row and an environment variable is not a reference."""

    def __init__(self, name):
        self.name = name

    def format_option_name(self, part, url):
        if part.plugin is not None and part.plugin.fqcn != "%s.%s" % (COLLECTION, self.name):
            return super(SourceFormatter, self).format_option_name(part, url)
        text = part.name if part.value is None else "%s=%s" % (part.name, part.value)
        return "\\ :ref:`%s <%s>`\\ " % (rst_escape(text, escape_ending_whitespace=True), option_label(self.name, part.name))

    def format_env_variable(self, part):
        return "\\ :ansenvvar:`%s`\\ " % rst_escape(part.name, escape_ending_whitespace=True, must_not_be_empty=True)


def markup(text, name):
    """Ansible markup of one paragraph (or a list of them) as RST."""
    paragraphs = text if isinstance(text, list) else [text]
    plugin = dom.PluginIdentifier(fqcn="%s.%s" % (COLLECTION, name), type=KIND)
    return [to_rst_plain(parse(str(p), Context(current_plugin=plugin)), formatter=SourceFormatter(name),
                         current_plugin=plugin) for p in paragraphs]


def environment(option):
    """An option's environment variables: its env entries, else those its description names with E()."""
    names = [entry["name"] for entry in option.get("env") or () if isinstance(entry, dict) and entry.get("name")]
    if names:
        return names
    text = " ".join(option.get("description") if isinstance(option.get("description"), list)
                    else [str(option.get("description", ""))])
    return list(dict.fromkeys(re.findall(r"E\(([A-Z][A-Z0-9_]*)\)", text)))


def indent(lines, spaces):
    pad = " " * spaces
    return [pad + line if line else "" for line in lines]


def option_rows(name, options):
    out = []
    for option in sorted(options):
        spec = options[option] or {}
        kind = TYPE_NAMES.get(spec.get("type", "str"), spec.get("type", "str"))
        type_line = ":ansible-option-type:`%s`" % kind
        if spec.get("elements"):
            type_line += " / :ansible-option-elements:`elements=%s`" % TYPE_NAMES.get(spec["elements"], spec["elements"])
        if spec.get("required"):
            type_line += " / :ansible-option-required:`required`"
        head = [
            ".. raw:: html", "",
            '  <div class="ansible-option-cell">',
            '  <div class="ansibleOptionAnchor" id="parameter-%s"></div>' % option, "",
            ".. _%s:" % option_label(name, option), "",
            ".. rst-class:: ansible-option-title", "",
            "**%s**" % option, "",
            ".. raw:: html", "",
            '  <a class="ansibleOptionLink" href="#parameter-%s" title="Permalink to this option"></a>' % option, "",
            ".. ansible-option-type-line::", "",
            "  " + type_line, "",
            ".. raw:: html", "", "  </div>",
        ]
        body = [".. raw:: html", "", '  <div class="ansible-option-cell">', ""]
        for paragraph in markup(spec.get("description", ""), name):
            body += paragraph.splitlines() + [""]
        if spec.get("choices"):
            body += [".. rst-class:: ansible-option-line", "", ":ansible-option-choices:`Choices:`", ""]
            body += ["- :ansible-option-choices-entry:`%s`" % rst_escape(json.dumps(c)) for c in spec["choices"]] + [""]
        if "default" in spec and spec["default"] is not None:
            body += [".. rst-class:: ansible-option-line", "",
                     ":ansible-option-default-bold:`Default:` :ansible-option-default:`%s`"
                     % rst_escape(json.dumps(spec["default"])), ""]
        envs = environment(spec)
        if envs:
            body += [".. rst-class:: ansible-option-line", "", ":ansible-option-configuration:`Configuration:`", ""]
            body += ["- Environment variable: :ansenvvar:`%s`" % rst_escape(env) for env in envs] + [""]
        body += [".. raw:: html", "", "  </div>"]
        out += ["  * - " + head[0]] + indent(head[1:], 6) + [""]
        out += ["    - " + body[0]] + indent(body[1:], 6) + [""]
    return out


def events_section(name):
    info = SOURCES.get(name)
    if info is None:
        raise ValueError("tests/utils/eda_source_docs.py: add %s to SOURCES (what it emits)" % name)
    scope = ("room_id", "the Telnyx room of the session") if info["vendor"] == EV.TELNYX else (
        "service_sid", "the Twilio Proxy service of the session")
    how = "pushed to this listener" if info["source"] == EV.WEBHOOK else "seen by comparing two polls"
    rows = [
        ("vendor", "``%s``" % info["vendor"]),
        ("type", "one of the types below; the same names whether an event was pushed or polled"),
        ("id", "a stable id, the same for the same event delivered or seen twice: the vendor's event id when it "
               "has one (Telnyx ``data.id``; Twilio ``interactionSid`` with the type and the resource statuses), "
               "else a SHA-1 of vendor, type, session, participant and time. Drop duplicates with a rule's "
               "``throttle`` grouped by ``event.session_event.id``"),
        ("session_id", "the session's id (Telnyx UUID, Twilio ``KC...`` SID), or null"),
        (scope[0], scope[1]),
        ("participant_id", "the participant of a participant event (Twilio: the inbound participant), else null"),
        ("occurred_at", "when it happened, ISO 8601 UTC with ``Z``%s" % (
            " (Twilio sends no time: when the callback arrived)" if info["vendor"] == EV.TWILIO and
            info["source"] == EV.WEBHOOK else "")),
        ("source", "``%s`` (%s)" % (info["source"], how)),
    ]
    out = ["The events", "----------", "",
           "Every event source of this collection emits one shape. Each event is a mapping with two keys: "
           "``session_event``, the same keys for every source, and ``payload``, %s. A rule reads them as "
           "``event.session_event.type``, ``event.payload...``; ansible-rulebook adds ``event.meta``." % info["payload"],
           "", ".. list-table::", "  :width: 100%", "  :widths: auto", "  :header-rows: 1", "",
           "  * - Key of ``session_event``", "    - Value"]
    for key, text in rows:
        out += ["  * - ``%s``" % key, "    - %s" % text]
    out += ["", "Types this source emits:", ""] + ["- ``%s``" % t for t in info["types"]] + [""]
    out += ["An event of this source (made by the collection's own code):", "", ".. code-block:: json", ""]
    out += indent(json.dumps(info["sample"](), indent=2).splitlines(), 4) + [""]
    return out


def page(name, doc, examples, version):
    fqcn = "%s.%s" % (COLLECTION, name)
    title = "%s event source -- %s" % (fqcn, doc.get("short_description", "").rstrip("."))
    out = [
        ".. Document meta: written by tests/utils/eda_source_docs.py from the source's DOCUMENTATION and EXAMPLES.",
        "", ".. |antsibull-internal-nbsp| unicode:: 0xA0", "    :trim:", "",
        ".. _%s:" % page_label(name), "",
        title, "+" * len(title), "",
        ".. note::",
        "    This event source is part of the `%s collection <https://galaxy.ansible.com/ui/repo/published/%s/>`_"
        " (version %s)." % (COLLECTION, COLLECTION.replace(".", "/"), version), "",
        "    Event-Driven Ansible runs it: ``ansible-rulebook``, or a rulebook activation of Automation Controller "
        "with a decision environment that holds this collection.", "",
        "    To use it in a rulebook, name it under ``sources``: :code:`%s`." % fqcn, "",
        ".. contents::", "   :local:", "   :depth: 1", "",
        "Synopsis", "--------", "",
    ]
    for paragraph in markup(doc.get("description", []), name):
        lines = paragraph.splitlines() or [""]
        out += ["- " + lines[0]] + indent(lines[1:], 2) + [""]
    out += ["Parameters", "----------", "",
            ".. tabularcolumns:: \\X{1}{3}\\X{2}{3}", "",
            ".. list-table::", "  :width: 100%", "  :widths: auto", "  :header-rows: 1",
            "  :class: longtable ansible-option-table", "",
            "  * - Parameter", "    - Comments", ""]
    out += option_rows(name, doc["options"])
    if doc.get("notes"):
        out += ["Notes", "-----", "", ".. note::"]
        for paragraph in markup(doc["notes"], name):
            lines = paragraph.splitlines() or [""]
            out += ["   - " + lines[0]] + indent(lines[1:], 5)
        out += [""]
    out += events_section(name)
    out += ["Examples", "--------", "", ".. code-block:: yaml+jinja", ""] + indent(examples.splitlines(), 4) + [""]
    authors = doc.get("author") or []
    authors = [authors] if isinstance(authors, str) else authors
    if authors:
        out += ["Authors", "~~~~~~~", ""] + ["- %s" % rst_escape(a) for a in authors] + [""]
    return "\n".join(out) + "\n"


def collection_version():
    with open(os.path.join(ROOT, "galaxy.yml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)["version"]


def write_pages(dest):
    """Write one page per source into dest; return the page names."""
    version = collection_version()
    written = []
    for name in source_names():
        doc, examples = read_strings(os.path.join(SOURCE_DIR, name + ".py"))
        path = os.path.join(dest, "%s_%s.rst" % (name, KIND))
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(page(name, doc, examples, version))
        written.append(os.path.basename(path))
    return written


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: eda_source_docs.py DEST_DIR", file=sys.stderr)
        return 2
    os.makedirs(argv[0], exist_ok=True)
    written = write_pages(argv[0])
    print("== eda_source_docs: wrote %s" % ", ".join(written), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
