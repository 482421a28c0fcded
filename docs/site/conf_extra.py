# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the documentation site adds to the conf.py that `antsibull-docs sphinx-init` generates.

tests/utils/build_docs.py appends two lines to that conf.py: they import this file and call
``configure(globals())``, which also hands Sphinx the ``setup`` below. It makes the build work offline and adds
the Markdown pages (docs/guide.md, docs/architecture.md, tests/emulator/README.md), which the script copies in.
"""

import os
import re

ANSIBLE_DOCS = "https://docs.ansible.com/projects/ansible/latest/"

# No intersphinx: the build must work offline, and the generated pages link to only a few labels of the
# Ansible documentation. Those are resolved here, to the published pages; any other missing reference is
# still a warning (an error with --warnings-as-errors).
EXTERNAL_LABELS = {
    "common_return_values": ("reference_appendices/common_return_values.html", "Return Values"),
    "ansible_configuration_settings": ("reference_appendices/config.html", "Ansible Configuration Settings"),
    # The page of a module with an action plugin (cleanup_report) links to it.
    "action_plugins": ("plugins/action.html", "Action Plugins"),
}


def configure(conf):
    """Change the generated configuration (conf.py's globals)."""
    conf.update(
        project="commsops.sessions",
        copyright="commsops.sessions contributors",
        title="commsops.sessions documentation",
        html_short_title="commsops.sessions",
        html_title="commsops.sessions documentation",
        extensions=[ext for ext in conf["extensions"] if ext != "sphinx.ext.intersphinx"] + ["myst_parser"],
        intersphinx_mapping={},
        source_suffix={".rst": "restructuredtext", ".md": "markdown"},
        # Headings of the Markdown pages get anchors, so that [section 4](guide.md#4-running-against-the-emulator) works.
        myst_heading_anchors=3,
        # A fence with no language (diagrams, directory trees) is shown as it is, not lexed as YAML.
        highlight_language="none",
        setup=setup,
    )


def external_label(_app, _env, node, contnode):
    """Resolve a reference to one of EXTERNAL_LABELS to a link to the published Ansible documentation."""
    from docutils import nodes  # pylint: disable=import-outside-toplevel

    if node.get("reftype") not in ("ref", "any"):
        return None
    target = EXTERNAL_LABELS.get(node.get("reftarget"))
    if target is None:
        return None
    link = nodes.reference("", "", internal=False, refuri=ANSIBLE_DOCS + target[0], reftitle=target[1])
    link.append(contnode)
    return link


PLUGIN_LIST_MARKER = ".. commsops-plugin-list:"
COLLECTION_INDEX = "collections/commsops/sessions/index.rst"
HEADINGS = {"Role Index": "Roles"}


def plugin_list(app, docname, source):
    """On the front page, replace the marker with the lists of the collection's index page (written by antsibull-docs)."""
    if docname != "index" or PLUGIN_LIST_MARKER not in source[0]:
        return
    path = os.path.join(app.srcdir, COLLECTION_INDEX)
    app.env.note_dependency(path)
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    out, heading = [], None
    for number, line in enumerate(lines):
        following = lines[number + 1] if number + 1 < len(lines) else ""
        if line and re.match(r"^[~-]{3,}$", following) and len(following) >= len(line):
            heading = HEADINGS.get(line, line)
        elif line.startswith("* :ansplugin:"):
            if heading:
                out += ["", ".. rubric:: " + heading, ""]
                heading = None
            out.append(line)
    if not out:
        raise ValueError("%s lists no plugin: has antsibull-docs changed its collection index?" % path)
    text = []
    for line in source[0].split("\n"):
        text += out + [""] if line.startswith(PLUGIN_LIST_MARKER) else [line]
    source[0] = "\n".join(text)


def setup(app):
    app.connect("missing-reference", external_label)
    app.connect("source-read", plugin_list)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
