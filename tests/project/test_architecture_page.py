# -*- coding: utf-8 -*-
# Copyright (c) commsops.sessions contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""docs/architecture.md stays true: every code name it puts in backticks exists in the code it points to.

The rules, so that a failure is easy to read and the page easy to fix:

- The page is cut into units: one list item (with its continuation lines) or one paragraph. Fenced code blocks
  (the layer diagram) are not read. A unit's scope is the .py files it names (`http_layer.py`,
  `tests/emulator/twilio.py`); when it names none that exist, the files or folders its section heading names
  (`tests/emulator/`); else every .py and .yml file under plugins/, roles/ and tests/emulator/.
- A backticked token is checked when it looks like a name of this codebase, as a whole:
  - a call `name(args)`: name must be a def or class (a class's `__init__` gives the parameters). Its arguments
    are a signature: the parameter names, in order, without self (`name=...` and `*name` count as name; a last
    `...` stands for the rest). `()` or `(...)` gives no signature. Builtins (`dict(...)`) are not checked.
  - a name with an underscore, a name that starts with a capital, or a dotted name: defined (def, class,
    assignment, `self.x =`, parameter, a keyword of `dict(...)`, a YAML key) or imported in the scope; a module
    (`bulk`), a plugin or role (`room_session_action`); `module.name` and `Class.name` resolve in that module or
    class; `commsops.sessions.x` is a plugin, role or doc fragment (and `.y`, a fragment of it).
  - a repository path (starts with plugins/, tests/, roles/... or ends in .py, .yml, .md): exists; a path that
    does not start at the root must end some path of the repository (`tasks/main.yml`).
  Anything else (option values such as `auto`, statuses, headers, URL paths, expressions) is prose.
- Section 5 is a recipe for a resource that does not exist yet (Proxy Services): a token whose name or path
  contains "service" is what the recipe says to create and is not checked; all else in it (the files to imitate,
  the helpers to reuse) is.
- NOT_OURS below lists the few names that belong to Ansible, requests or the APIs' bodies, each with why.
"""

import ast
import builtins
import functools
import os
import re

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PAGE = os.path.join(ROOT, "docs", "architecture.md")
# extensions/: the event sources (extensions/eda/plugins/event_source/) are code of the collection too.
CODE_DIRS = ("plugins", "roles", os.path.join("tests", "emulator"), "extensions")
PATH_ROOTS = ("plugins/", "tests/", "roles/", "docs/", "meta/", "changelogs/", "playbooks/", "benchmarks/",
              "extensions/")
FILE_ENDINGS = (".py", ".yml", ".yaml", ".md", ".json", ".txt", ".cfg")
SKIPPED_DIRS = {".git", ".venv", ".build", "__pycache__", "node_modules"}
FUTURE_SECTION, FUTURE_WORD = "5", "service"

# Names the page may use that are not defined in this repository.
NOT_OURS = {
    # Ansible's API, as modules and lookups meet it.
    "AnsibleModule", "fail_json", "exit_json", "module.params.get", "module.check_mode", "get_option",
    # HTTP methods, in the recipe's route rows.
    "GET", "POST", "DELETE",
    # Fields of the vendors' JSON bodies, which the clients read.
    "meta.total_pages", "meta.total_results", "meta.next_page_url",
    # The standard library and requests.
    "ThreadPoolExecutor", "requests.Session",
}

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
NAME_RE = re.compile(r"^%s(?:\.%s)*$" % (IDENT, IDENT))
CALL_RE = re.compile(r"^(%s(?:\.%s)*)\((.*)\)$" % (IDENT, IDENT), re.S)


# The code -------------------------------------------------------------------------


class CodeFile:
    """What one file defines: names (anywhere in it), imports, and per class its members."""

    def __init__(self, path):
        self.path = path
        self.names = set()
        self.imports = {}  # bound name -> (module, name or None)
        self.functions = {}  # qualified (Class.method or func) and bare name -> [FunctionDef]
        self.classes = {}  # name -> (member names, __init__ or None)
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        if path.endswith(".py"):
            tree = ast.parse(text, path)
            self._read_python(tree)
            self._read_constants(tree)
        else:
            self._read_yaml(text)

    def _read_yaml(self, text):
        def keys(node):
            if isinstance(node, dict):
                for key, value in node.items():
                    self.names.add(str(key))
                    keys(value)
            elif isinstance(node, list):
                for item in node:
                    keys(item)

        try:
            keys(yaml.safe_load(text))
        except yaml.YAMLError:
            pass

    def _read_python(self, tree):
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.names.add(node.name)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.functions.setdefault(node.name, []).append(node)
                args = node.args
                for arg in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]:
                    if arg is not None:
                        self.names.add(arg.arg)
            elif isinstance(node, ast.ClassDef):
                self._read_class(node)
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    for part in ast.walk(target):
                        if isinstance(part, ast.Name):
                            self.names.add(part.id)
                        elif isinstance(part, ast.Attribute):
                            self.names.add(part.attr)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
                self.names.update(k.arg for k in node.keywords if k.arg)
            elif isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    self.imports[alias.asname or alias.name] = (node.module or "", alias.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    self.imports[alias.asname or alias.name.split(".")[0]] = (alias.name, None)

    def _read_constants(self, tree):
        """Identifier-like strings in a module's literal constants (FAULT_MODES = ("503", "empty_200", ...))
        are values the code defines."""
        for node in tree.body:
            if isinstance(node, ast.Assign) and isinstance(node.value, (ast.Tuple, ast.List, ast.Set, ast.Dict)):
                values = node.value.keys if isinstance(node.value, ast.Dict) else node.value.elts
                self.names.update(v.value for v in values if isinstance(v, ast.Constant) and isinstance(v.value, str)
                                  and re.match(r"^%s$" % IDENT, v.value))

    def _read_class(self, node):
        members, init = set(), None
        for item in node.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                members.add(item.name)
                self.functions.setdefault("%s.%s" % (node.name, item.name), []).append(item)
                init = item if item.name == "__init__" else init
            elif isinstance(item, ast.ClassDef):
                members.add(item.name)
            elif isinstance(item, (ast.Assign, ast.AnnAssign)):
                for target in item.targets if isinstance(item, ast.Assign) else [item.target]:
                    members.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
        for part in ast.walk(node):  # self.x = ... in any method
            if isinstance(part, ast.Attribute) and isinstance(part.ctx, ast.Store):
                if isinstance(part.value, ast.Name) and part.value.id in ("self", "cls"):
                    members.add(part.attr)
        old_members, old_init = self.classes.get(node.name, (set(), None))
        self.classes[node.name] = (members | old_members, init or old_init)

    def defines(self, name):
        return name in self.names or name in self.imports


class Code:
    """Every file the page may point to, read once."""

    def __init__(self, root):
        self.root = root
        self.files = {}  # path relative to root -> CodeFile
        self.all_paths = set()
        for top, dirs, names in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
            rel_top = os.path.relpath(top, root)
            if rel_top != ".":
                self.all_paths.add(rel_top + "/")
            for name in names:
                rel = os.path.normpath(os.path.join(rel_top, name))
                self.all_paths.add(rel)
                if rel.startswith(tuple(d + os.sep for d in CODE_DIRS)) and rel.endswith((".py", ".yml")):
                    self.files[rel] = CodeFile(os.path.join(root, rel))
        self.modules = {}  # module stem (bulk, twilio) -> [paths]
        for rel in self.files:
            if rel.endswith(".py"):
                self.modules.setdefault(os.path.basename(rel)[:-3], []).append(rel)
        self.roles = set(os.listdir(os.path.join(root, "roles"))) if os.path.isdir(os.path.join(root, "roles")) else set()

    def python(self, paths):
        return [self.files[p] for p in paths if p in self.files and p.endswith(".py")]

    def resolve_files(self, token, folders=()):
        """The repository paths a file name or path names: a path as it is, a bare name by its basename
        (first inside the folders the unit or its heading names)."""
        token = token.rstrip("/")
        if "/" in token:
            return [p for p in (os.path.normpath(token),) if p in self.all_paths or p + "/" in self.all_paths]
        found = sorted(p for p in self.all_paths if os.path.basename(p.rstrip("/")) == token)
        inside = [p for p in found if any(p.startswith(f.rstrip("/") + "/") for f in folders)]
        return inside or found

    # Names ----------------------------------------------------------------------

    def module_files(self, module):
        """The files of a module name as imports spell it (ansible_collections...plugins.module_utils.bulk) or bare."""
        if ".plugins." in module:  # a full import path names one file (action, filter and module may share a name)
            exact = "plugins/" + module.split(".plugins.", 1)[1].replace(".", "/") + ".py"
            if exact in self.files:
                return [self.files[exact]]
        return self.python(self.modules.get(module.split(".")[-1], []))

    def definitions(self, name, scope):
        """[(kind, target)] for a bare name in the scope's files: ("class", (file, class)), ("function",
        [FunctionDef]), ("module", [files]) or ("name", file); imports are followed to their definition."""
        found = []
        for code in scope:
            if name in code.classes:
                found.append(("class", (code, name)))
            if name in code.functions:
                found.append(("function", code.functions[name]))
            if name in code.names:
                found.append(("name", code))
            if name in code.imports:
                module, imported = code.imports[name]
                target = self.module_files(module) if imported is None else None
                if imported is not None:
                    origin = self.module_files(module)
                    found.extend(self.definitions(imported, origin) if origin else [("external", module)])
                    target = self.module_files(module + "." + imported)
                if target:
                    found.append(("module", target))
        if name in self.modules:
            found.append(("module", self.python(self.modules[name])))
        if name in self.roles or any(p.startswith("plugins/") for p in self.modules.get(name, [])):
            found.append(("plugin", name))
        return found

    def members(self, found, attr):
        """What attr is in each thing a first name resolved to."""
        result = []
        for kind, target in found:
            if kind == "module":
                result.extend(self.definitions(attr, target))
            elif kind == "class":
                code, name = target
                members, _init = code.classes[name]
                if attr in members:
                    functions = code.functions.get("%s.%s" % (name, attr))
                    result.append(("function", functions) if functions else ("name", code))
        return result

    def resolve(self, dotted, scope):
        """Every definition a (dotted) name has, seen from the scope."""
        parts = dotted.split(".")
        found = self.definitions(parts[0], scope)
        for part in parts[1:]:
            found = self.members(found, part)
        return found

    def fqcn(self, name):
        """commsops.sessions.x(.y): x a plugin or role; .y an upper-case fragment of doc fragment x."""
        parts = name.split(".")[2:]
        if not parts or not (parts[0] in self.roles or any(p.startswith("plugins/") for p in self.modules.get(parts[0], []))):
            return False
        if len(parts) == 1:
            return True
        fragment = self.files.get(os.path.join("plugins", "doc_fragments", parts[0] + ".py"))
        return len(parts) == 2 and fragment is not None and parts[1].upper() in fragment.names


def parameters(function):
    """The parameter names of a FunctionDef in order, without self/cls."""
    args = function.args
    names = [a.arg for a in args.posonlyargs + args.args]
    if args.vararg:
        names.append(args.vararg.arg)
    names += [a.arg for a in args.kwonlyargs]
    if args.kwarg:
        names.append(args.kwarg.arg)
    return names[1:] if names[:1] in (["self"], ["cls"]) else names


def split_arguments(text):
    """Top-level comma-separated arguments of a signature."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += char in "([{"
        depth -= char in ")]}"
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    if current.strip():
        parts.append(current.strip())
    return parts


# The page -------------------------------------------------------------------------


class Unit:
    """One list item or paragraph of the page, with its section."""

    def __init__(self, section, heading, line, text):
        self.section = section
        self.heading = heading
        self.line = line
        self.text = text

    def tokens(self):
        return [" ".join(t.split()) for t in re.findall(r"`([^`]+)`", self.text)]


def read_units(text):
    """The page's list items and paragraphs, in order; fenced code blocks are left out."""
    units, section, heading, current, fenced = [], "", "", None, False
    item = re.compile(r"^\s*(?:[-*]|\d+\.)\s+")
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("```"):
            fenced = not fenced
            current = None
            continue
        if fenced:
            continue
        if line.startswith("#"):
            heading = line
            if line.startswith("## "):  # a numbered section; its ### subsections keep the number
                match = re.match(r"##\s+(\d+)\.", line)
                section = match.group(1) if match else ""
            current = None
            continue
        if not line.strip():
            current = None
            continue
        if item.match(line) or current is None:
            current = Unit(section, heading, number, line)
            units.append(current)
        else:
            current.text += "\n" + line
    return units


def is_path(token):
    if " " in token or token.startswith("/") or not re.match(r"^[\w./{}-]+$", token):
        return False
    return token.startswith(PATH_ROOTS) or token.endswith(FILE_ENDINGS)


def looks_like_code(name):
    """A name of this codebase rather than a word: an underscore, a capital first letter, or a dot."""
    return "_" in name or name[0].isupper() or "." in name


def future(token, unit):
    """A name (of a call: the callee) or path that section 5 says to create."""
    call = CALL_RE.match(token)
    name = call.group(1) if call else token
    return unit.section == FUTURE_SECTION and FUTURE_WORD in name.lower()


def scope_of(unit, code):
    """The files a unit's names must be found in, and the folders it names (for bare file names)."""
    texts = [unit.text, unit.heading]
    folders = [t for text in texts for t in re.findall(r"`([\w./-]+/)`", text)]
    for text in texts:
        named = re.findall(r"[\w./-]*\w\.py\b", text)
        files = code.python([p for name in named for p in code.resolve_files(name, folders)])
        if files:
            return files, folders
        dirs = [p for folder in re.findall(r"`([\w./-]+/)`", text) for p in code.resolve_files(folder)]
        inside = [p for p in code.files if any(p.startswith(d.rstrip("/") + "/") for d in dirs)]
        if inside:
            return [code.files[p] for p in sorted(inside)], folders
    return [code.files[p] for p in sorted(code.files)], folders


def kind_of(token, unit):
    """How a token is checked: "path", "call", "fqcn" or "name"; None for prose, NOT_OURS and what section 5
    says to create."""
    call = CALL_RE.match(token)
    name = call.group(1) if call else token
    if name in NOT_OURS or token in NOT_OURS or hasattr(builtins, name) or future(token, unit):
        return None
    if is_path(token):
        return "path"
    if call:
        return "call"
    if not NAME_RE.match(token) or not looks_like_code(token):
        return None
    return "fqcn" if token.startswith("commsops.sessions.") else "name"


def check_token(token, unit, code):
    """None when the token is true (or prose), else what is wrong."""
    kind = kind_of(token, unit)
    if kind is None:
        return None
    scope, folders = scope_of(unit, code)
    where = "in " + ", ".join(sorted(os.path.basename(c.path) for c in scope)) if len(scope) < 6 else "anywhere"
    if kind == "path":
        if token.startswith(PATH_ROOTS) or "/" not in token:
            return None if code.resolve_files(token, folders) else "no such file or folder"
        suffix = token.rstrip("/")
        return None if any(p.rstrip("/").endswith("/" + suffix) for p in code.all_paths) else "no path ends so"
    if kind == "fqcn":
        return None if code.fqcn(token) else "no such plugin, role or doc fragment"
    if kind == "name":
        return None if code.resolve(token, scope) else "not defined %s" % where
    name, arguments = CALL_RE.match(token).groups()
    return check_call(name, arguments.strip(), code.resolve(name, scope), where)


def check_call(name, arguments, found, where):
    """A call resolves to a def or class, and the signature it gives (if any) is the real one."""
    functions = [f for kind, target in found if kind == "function" for f in target]
    for kind, target in found:
        if kind == "class":
            file, cls = target
            init = file.classes[cls][1]
            functions.append(init if init is not None else ast.parse("def __init__(self): pass").body[0])
    if not functions:
        return "no def or class %s %s" % (name, where)
    if arguments in ("", "..."):
        return None
    given = [re.sub(r"^\*+|=.*$", "", a, flags=re.S).strip() for a in split_arguments(arguments)]
    real = []
    for function in functions:
        if parameters(function) not in real:
            real.append(parameters(function))
    if given in real or (given[-1:] == ["..."] and any(r[:len(given) - 1] == given[:-1] for r in real)):
        return None
    return "signature (%s), the code has %s" % (", ".join(given), " or ".join("(%s)" % ", ".join(r) for r in real))


@functools.lru_cache(maxsize=None)
def read_code(root):
    return Code(root)


def page_problems(root):
    """What is wrong on the page, and how many tokens were checked."""
    code = read_code(root)
    with open(os.path.join(root, "docs", "architecture.md"), encoding="utf-8") as handle:
        units = read_units(handle.read())
    problems, checked = [], 0
    for unit in units:
        for token in unit.tokens():
            checked += kind_of(token, unit) is not None
            problem = check_token(token, unit, code)
            if problem:
                problems.append("line %d: `%s`: %s" % (unit.line, token, problem))
    return problems, checked


def middleware_order(root):
    """The names in STEPS and FINISH of tests/emulator/middleware.py, in order."""
    with open(os.path.join(root, "tests", "emulator", "middleware.py"), encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    order = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id in ("STEPS", "FINISH"):
                    order[target.id] = [e.id for e in node.value.elts if isinstance(e, ast.Name)]
    return order


# The tests ------------------------------------------------------------------------


def test_every_backticked_code_name_exists():
    problems, checked = page_problems(ROOT)
    assert checked >= 100, "only %d code names found on the page: is the parser still reading it?" % checked
    assert not problems, "docs/architecture.md names what the code does not have:\n" + "\n".join(problems)


def test_middleware_order_is_the_code_s():
    """The page's list of the emulator's steps is STEPS then FINISH, complete and in order."""
    with open(PAGE, encoding="utf-8") as handle:
        units = read_units(handle.read())
    order = middleware_order(ROOT)
    listing = [u for u in units if "`STEPS`" in u.text and "`FINISH`" in u.text and u.section == "4"]
    assert listing, "section 4 has no paragraph naming `STEPS` and `FINISH`"
    functions = set(order["STEPS"] + order["FINISH"])
    named = [t for t in listing[-1].tokens() if t in functions]
    assert named == order["STEPS"] + order["FINISH"]


@pytest.mark.parametrize("token, section, expected", [
    ("telnyx_client(get, pool_size)", "1", "signature"),
    ("telnyx_client(get)", "1", None),
    ("bulk.bounded_map(func, items, concurrency)", "2", None),
    ("page_concurrency", "1", "not defined"),
    ("auto", "2", None),
    ("plugins/module_utils/no_such.py", "1", "no such file"),
    ("find_service(sid=None, unique_name=None)", "5", None),
    ("list_widgets(page_size)", "1", "no def"),
    ("HttpClient.request(method, path, ...)", "1", None),
    ("HttpClient.request(path, method, ...)", "1", "signature"),
    ("ApiError.may_have_applied", "1", None),
    ("ApiError.may_have_been", "1", "not defined"),
    ("commsops.sessions.attributes.actiongroup_twilio", "5", None),
    ("commsops.sessions.attributes.no_such_fragment", "5", "no such plugin"),
    ("tasks/main.yml", "5", None),
    ("tests/integration/targets/proxy_service/", "5", None),
    ("tests/integration/targets/proxy_widget/", "1", "no such file"),
])
def test_the_rules_themselves(token, section, expected):
    """The checker tells a stale name from a true one, and prose from code."""
    unit = Unit(section, "## %s. Heading" % section, 1, "`%s`" % token)
    problem = check_token(token, unit, read_code(ROOT))
    assert (problem is None) if expected is None else (problem is not None and problem.startswith(expected)), problem
