#!/usr/bin/env python3
"""The naming table of the two bindings, read from their declarations, and its check.

Python's names come from the stubs (``bindings-python/python/wangge/_wangge.pyi``), JavaScript's
from the package's declarations (``bindings-wasm/pkg/wangge.d.ts``, built by
``bindings-wasm/build.sh``). The rule: the same classes, the same nouns and verbs — Python
``snake_case``, JavaScript ``camelCase`` — and a property in one is a property in the other.
Every exception is listed in ``EXCEPTIONS`` with its reason; anything else that differs fails
``--check``, and so does a stale ``docs/NAMING.md`` (the table, written from the same data).

    scripts/api_names.py            write docs/NAMING.md
    scripts/api_names.py --check    fail on an unexplained difference or a stale table
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STUB = ROOT / "bindings-python" / "python" / "wangge" / "_wangge.pyi"
DTS = ROOT / "bindings-wasm" / "pkg" / "wangge.d.ts"
DOC = ROOT / "docs" / "NAMING.md"

# (class or "" for functions, python name or None, js name or None) -> why they differ.
EXCEPTIONS = {
    # Language idioms.
    ("*", "__len__", "size"): "Python's len() is JS's size property",
    ("Decisions", "__len__", "length"): "a list-like result: len() in Python, length in JS",
    ("*", "__contains__", "has"): "`x in h` in Python, `h.has(x)` in JS",
    ("*", "copy", "clone"): "an independent copy: copy() as for Python's containers, clone() in JS",
    ("Decisions", "to_list", "toArray"): "the decisions as plain data: a list in Python, an array in JS",
    ("*", "__eq__", None): "value equality is == in Python (compare toJson() in JS)",
    ("*", "__repr__", None): "Python's repr()",
    ("*", "__reduce__", None): "pickling (Python only)",
    ("*", "__copy__", None): "copy.copy (Python only)",
    ("*", "__deepcopy__", None): "copy.deepcopy (Python only)",
    ("*", "__getitem__", None): "indexing (JS: toArray()[i])",
    ("*", "__iter__", None): "iteration (JS: toArray())",
    ("*", "__new__", None): "the constructor (JS: new)",
    ("*", None, "free"): "JS frees the WebAssembly memory explicitly (or with `using`)",
    ("*", None, "[Symbol.dispose]"): "JS explicit resource management",
    ("", None, "start"): "the module's start function (installs nothing visible)",
    ("", None, "version"): "`wangge.__version__` in Python",
    ("", "instant", None): "datetime conversion (Python only; JS instants are strings)",
    ("Authority", "PRESETS", "presets"): "the preset names: a class constant in Python, a static function in JS",
    ("Authority", "to_dict", None): "the older name of to_document (Python only)",
    ("Metrics", None, "compute"): "JS's older spelling of `new Metrics(ledger, calendar, options)`",
    ("Metrics", None, "computeWithForums"): "JS has no keyword arguments: Python's `Metrics(..., forums=f)`",
    ("Hierarchy", None, "withCoordinateSystem"): "JS has no keyword arguments: Python's `Hierarchy(coordinate_system=...)`",
    # The analysts' bulk API: tables, Arrow/pandas-shaped columns, CSV and files.
    ("Ledger", "event_columns", None): "columns for Arrow/pandas (Python's analysts' API)",
    ("Ledger", "ticket_columns", None): "columns for Arrow/pandas (Python's analysts' API)",
    ("Ledger", "event_rows", None): "flat rows for DataFrames (Python's analysts' API)",
    ("Ledger", "ticket_rows", None): "flat rows for DataFrames (Python's analysts' API)",
    ("Ledger", "load_columns", None): "bulk load from columns (Python's analysts' API)",
    ("Ledger", "events_arrow", None): "Arrow record batches through the PyCapsule interface (Python's analysts' API)",
    ("", "open311_arrow", None): "Arrow record batches through the PyCapsule interface (Python's analysts' API)",
    ("Metrics", "to_arrow", None): "Arrow record batches through the PyCapsule interface (Python's analysts' API)",
    ("Decisions", "to_arrow", None): "Arrow record batches through the PyCapsule interface (Python's analysts' API)",
    ("Ledger", "tickets_arrow", None): "Arrow record batches through the PyCapsule interface (Python's analysts' API)",
    ("Ledger", "load_arrow", None): "bulk load from Arrow tables (Python's analysts' API)",
    ("Ledger", "load_csv", None): "CSV files (Python only)",
    ("Ledger", "write_csv", None): "CSV files (Python only)",
    ("Ledger", "load_jsonl_rows", None): "a JSON-lines file of rows (Python only)",
    ("Metrics", "rows", None): "flat rows for DataFrames (JS: report().rows)",
    ("Metrics", "departments", None): "flat rows for DataFrames (JS: report().departments)",
    ("Metrics", "grids", None): "flat rows for DataFrames (JS: report().grids)",
    ("Hierarchy", "chain_ids", None): "ids only, for tables (JS: chain(id).map(n => n.id))",
    ("Hierarchy", "key_map", None): "the id → key table for NumPy codes (Python's analysts' API)",
    ("Hierarchy", "ancestors_of_kind", None): "bulk over packed keys (Python's analysts' API)",
    ("Electorate", "passes_many", None): "many rules over packed ballots (Python's analysts' API)",
    ("Vote", "cast_many", None): "bulk ballots with per-row errors (Python's analysts' API)",
    # Python reads and writes files; the browser has none.
    ("*", "from_file", None): "files (Python only; JS reads text with fetch or fs)",
    ("*", "to_file", None): "files (Python only)",
    ("*", "load_jsonl_file", None): "files (Python only)",
    ("*", "write_jsonl", None): "files (Python only)",
    ("*", "read_jsonl", None): "files (Python only)",
}

IDIOM_CLASSES = "*"


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(w[:1].upper() + w[1:] for w in rest)


def python_api() -> dict:
    tree = ast.parse(STUB.read_text(encoding="utf-8"))
    api: dict = {"": {}}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            api[""][node.name] = "function"
        if isinstance(node, ast.ClassDef):
            members = api.setdefault(node.name, {})
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    decos = {ast.unparse(d) for d in item.decorator_list}
                    kind = "property" if "property" in decos else "static" if decos & {"staticmethod", "classmethod"} else "method"
                    members.setdefault(item.name, kind)
                elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    members[item.target.id] = "property"
    return api


def js_api() -> dict:
    api: dict = {"": {}}
    text = DTS.read_text(encoding="utf-8")
    text = text.split("export type InitInput")[0]
    for m in re.finditer(r"^export function (\w+)\(", text, re.M):
        api[""][m.group(1)] = "function"
    for m in re.finditer(r"^export class (\w+) \{\n(.*?)^\}", text, re.M | re.S):
        members = api.setdefault(m.group(1), {})
        for line in m.group(2).split("\n"):
            line = line.strip()
            if not line or line.startswith(("*", "/*", "//")):
                continue
            if re.match(r"(private )?constructor\(", line):
                continue
            mm = re.match(r"(static )?(readonly )?(get |set )?(\[Symbol\.dispose\]|\w+)(\??)(\(|:)", line)
            if not mm:
                continue
            static, _, accessor, name, _, paren = mm.groups()
            kind = "static" if static else "property" if (accessor or paren == ":") else "method"
            members.setdefault(name, kind)
    return api


# Classes one language has and the other does not, with the reason.
CLASS_EXCEPTIONS = {
    "ArrowStream": "Arrow record batches through the PyCapsule interface (Python's analysts' API; "
                   "JS bulk paths take typed arrays)",
}


def exception(cls: str, py: str | None, js: str | None) -> str | None:
    return EXCEPTIONS.get((cls, py, js)) or EXCEPTIONS.get(("*", py, js))


def table() -> tuple[list, list]:
    py, js = python_api(), js_api()
    rows, problems = [], []
    for cls in sorted(set(py) | set(js)):
        p, j = py.get(cls), js.get(cls)
        if p is None or j is None:
            if cls in CLASS_EXCEPTIONS:
                rows.append((cls, "—" if p is None else "(class)", "—" if j is None else "(class)",
                             "class", CLASS_EXCEPTIONS[cls]))
            else:
                problems.append(f"class {cls} only in {'JS' if p is None else 'Python'}")
            continue
        matched_js = set()
        for name in sorted(p):
            if name.startswith("_") and not name.startswith("__"):
                continue  # private (pickling helpers)
            kind = p[name]
            jname = camel(name) if not name.startswith("__") else None
            if name == "__len__":
                jname = next((n for n in ("size", "length") if n in j), None)
            for (ecls, epy, ejs) in EXCEPTIONS:
                if epy == name and ejs and ecls in (cls, "*") and ejs in j:
                    jname = ejs
            if jname and jname in j:
                matched_js.add(jname)
                jk = j[jname]
                note = ""
                if jk != kind:
                    note = exception(cls, name, jname) or ""
                    if not note:
                        problems.append(f"{cls or 'module'}: {name} is a {kind} in Python, {jname} a {jk} in JS")
                elif jname != (camel(name) if not name.startswith("__") else None):
                    note = exception(cls, name, jname) or ""
                rows.append((cls, name, jname, kind if kind == jk else f"{kind} / {jk}", note))
            else:
                note = exception(cls, name, None)
                if not note:
                    problems.append(f"{cls or 'module'}: {name} ({kind}) has no JS counterpart {jname}")
                rows.append((cls, name, "—", kind, note or "MISSING"))
        for jname in sorted(set(j) - matched_js):
            note = exception(cls, None, jname)
            if not note:
                problems.append(f"{cls or 'module'}: JS {jname} ({j[jname]}) has no Python counterpart")
            rows.append((cls, "—", jname, j[jname], note or "MISSING"))
    return rows, problems


def document(rows: list) -> str:
    out = [
        "# Naming: the Python module and the JS package",
        "",
        "Written by `scripts/api_names.py` from the Python stubs and the package's `.d.ts`; `make test`",
        "fails if this file is stale or if the two APIs differ in a way not explained here. The rule:",
        "the same classes with the same nouns and verbs, Python `snake_case` and JavaScript",
        "`camelCase`, the same argument order (Python's keyword-only arguments are JavaScript's",
        "positional ones in the same order), and a property in one language is a property in the",
        "other. Values are the same JSON shapes in both (the generated types).",
        "",
        "| class | Python | JavaScript | kind | note |",
        "|---|---|---|---|---|",
    ]
    for cls, p, j, kind, note in rows:
        out.append(f"| {cls or '(module)'} | `{p}` | `{j}` | {kind} | {note} |".replace("`—`", "—"))
    return "\n".join(out) + "\n"


def main() -> int:
    rows, problems = table()
    text = document(rows)
    if "--check" in sys.argv:
        stale = not DOC.exists() or DOC.read_text(encoding="utf-8") != text
        for p in problems:
            print(f"naming: {p}", file=sys.stderr)
        if stale:
            print("naming: docs/NAMING.md is stale; run scripts/api_names.py", file=sys.stderr)
        return 1 if problems or stale else 0
    DOC.write_text(text, encoding="utf-8")
    print(f"docs/NAMING.md: {len(rows)} names; {len(problems)} unexplained differences")
    for p in problems:
        print(f"  {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
