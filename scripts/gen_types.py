#!/usr/bin/env python3
"""The TypeScript declarations and the Python ``Literal`` aliases and ``TypedDict``s of every
value that crosses a binding, generated from the Rust types of the core.

Source: rustdoc's JSON description of the `wangge` crate (private items included, for the
wire structs of documents), which carries every struct, enum, field and variant with its
serde attributes verbatim (`rename_all`, `rename`, `tag`, `content`, `untagged`,
`transparent`, `default`, `skip_serializing_if`, `flatten`, `skip`). The serde rules are
applied here to give the JSON shape of each type, written twice:

- ``bindings-wasm/src/types.generated.d.ts`` (included into the package's ``.d.ts`` by
  ``bindings-wasm/src/types.rs``);
- ``bindings-python/python/wangge/_types_generated.py`` (re-exported by ``wangge.types``).

A type whose ``Serialize`` is written by hand cannot be read from its fields: it must be in
``HAND_WRITTEN`` below with the shape it writes (a test of the core checks each), and the
script fails on any other, so a new hand-written serializer cannot slip by.

Why not schemars, ts-rs or tsify: each needs a derive (and a feature, to keep the WebAssembly
module small) on the 150-odd types, hand-written impls for the dozen with their own
serializers, and a second tool for Python; rustdoc already has every type with its serde
attributes, and this file turns them into both languages.

    scripts/gen_types.py            write the two files
    scripts/gen_types.py --check    fail if either is stale (make test)
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TS_OUT = ROOT / "bindings-wasm" / "src" / "types.generated.d.ts"
PY_OUT = ROOT / "bindings-python" / "python" / "wangge" / "_types_generated.py"

# The exported types: (name in TS and Python, Rust type name, a module the Rust path contains).
ROOTS = [
    ("NodeKind", "NodeKind", "hierarchy"), ("EdgeKind", "EdgeKind", "hierarchy"),
    ("GeoPoint", "GeoPoint", "hierarchy"), ("HierarchyNode", "Node", "hierarchy"),
    ("HierarchyEdge", "Edge", "hierarchy"), ("HierarchyDocument", "HierarchyDocument", "hierarchy"),
    ("DivisionRow", "DivisionRow", "hierarchy"),
    ("TicketState", "TicketState", "ticket"), ("Channel", "Channel", "ticket"),
    ("Priority", "Priority", "ticket"), ("RequestType", "RequestType", "ticket"),
    ("Satisfaction", "Satisfaction", "ticket"), ("DeadlineKind", "DeadlineKind", "ticket"),
    ("RejectReason", "RejectReason", "ticket"), ("NewTicket", "NewTicket", "ticket"),
    ("Action", "Action", "ticket"), ("ActionKind", "ActionKind", "ticket"),
    ("TicketEvent", "Event", "ticket"), ("Deadlines", "Deadlines", "ticket"),
    ("Summons", "Summons", "ticket"), ("TicketSnapshot", "TicketSnapshot", "ticket"),
    ("Role", "Role", "authority"), ("Conflict", "Conflict", "authority"),
    ("AuthorityDocument", "AuthorityDocument", "authority"), ("Denial", "Denial", "authority"),
    ("Category", "Category", "taxonomy"),
    ("TaxonomyDocument", "TaxonomyDocument", "taxonomy"),
    ("CalendarDocument", "RawCalendar", "calendar"),
    ("Amount", "Amount", "sla"), ("Targets", "Targets", "sla"), ("ServiceRule", "ServiceRule", "sla"),
    ("ServicePolicy", "ServicePolicy", "sla"), ("ServiceLevels", "ServiceLevels", "sla"),
    ("Trigger", "Trigger", "escalation"), ("Response", "Response", "escalation"),
    ("EscalationRule", "Rule", "escalation"), ("EscalationPolicyDocument", "EscalationPolicy", "escalation"),
    ("Effect", "Effect", "escalation"), ("Decision", "Decision", "escalation"),
    ("Course", "Course", "escalation"), ("WhatIf", "WhatIf", "escalation"),
    ("Choice", "Choice", "consultation"), ("ForumKind", "ForumKind", "consultation"),
    ("Basis", "Basis", "consultation"), ("Scope", "Scope", "consultation"),
    ("Owner", "Owner", "consultation"), ("ExclusiveUnit", "ExclusiveUnit", "consultation"),
    ("OwnerRollDocument", "OwnerRollDocument", "consultation"), ("Bilingual", "Bilingual", "consultation"),
    ("Condition", "Condition", "consultation"), ("RuleDocument", "RuleDocument", "consultation"),
    ("RulePreset", "RulePreset", "consultation"),
    ("Weights", "Weights", "consultation"), ("Tally", "Tally", "consultation"),
    ("Quantity", "Quantity", "consultation"), ("ConditionOutcome", "ConditionOutcome", "consultation"),
    ("Outcome", "Outcome", "consultation"), ("ForumRecordsDocument", "ForumRecordsDocument", "consultation"),
    ("ForumDecision", "Decision", "consultation"),
    ("Household", "Household", "consultation"),
    ("Resident", "Resident", "consultation"), ("ResidentsGroup", "ResidentsGroup", "consultation"),
    ("ResidentRollDocument", "ResidentRollDocument", "consultation"),
    ("Member", "Member", "consultation"), ("ForumStats", "ForumStats", "consultation"),
    ("BallotRecord", "BallotRecord", "consultation"),
    ("GroupBy", "GroupBy", "metrics"), ("PeriodBy", "PeriodBy", "metrics"),
    ("MetricsOptions", "MetricsOptions", "metrics"), ("Rate", "Rate", "metrics"),
    ("Counts", "Counts", "metrics"), ("MetricsRow", "MetricsRow", "metrics"),
    ("MetricsReport", "MetricsReport", "metrics"), ("Metric", "Metric", "metrics"),
    ("Ranked", "Ranked", "metrics"), ("Threshold", "Threshold", "metrics"), ("Flag", "Flag", "metrics"),
    ("ServiceRequest", "ServiceRequest", "open311"), ("Open311Service", "Service", "open311"),
    ("Open311Unmapped", "Unmapped", "open311"), ("Open311Assumed", "Assumed", "open311"),
    ("Open311Duplicate", "Duplicate", "open311"), ("Open311ImportOptions", "ImportOptions", "open311"),
    ("CoordSystem", "CoordSystem", "geo"), ("MapPoint", "MapPoint", "geo"),
]

# Types whose Serialize is written by hand: the shape each writes, as a type expression.
# (name, module) -> expression. core/src/document.rs and the conformance corpus check them.
HAND_WRITTEN = {
    ("Timestamp", "time"): ("alias", "Instant"),
    ("Date", "time"): ("alias", "DateText"),
    ("Area", "consultation"): ("prim", "string"),
    ("Span", "calendar"): ("tuple", [("prim", "string"), ("prim", "string")]),
    ("Hierarchy", "hierarchy"): ("name", "HierarchyDocument"),
    ("Calendar", "calendar"): ("name", "CalendarDocument"),
    ("OwnerRoll", "consultation"): ("name", "OwnerRollDocument"),
    ("ForumRecords", "consultation"): ("name", "ForumRecordsDocument"),
    ("Authority", "authority"): ("name", "AuthorityDocument"),
    ("Taxonomy", "taxonomy"): ("name", "TaxonomyDocument"),
    ("RoleSet", "authority"): ("array", ("name", "Role")),
    ("Actor", "ticket"): ("prim", "string"),
    ("SharedStr", "text"): ("prim", "string"),
    ("OutOfJurisdictionReason", "ticket"): ("prim", "string"),
    # A GeoJSON Polygon or MultiPolygon of [longitude, latitude] positions.
    ("Boundary", "hierarchy"): ("union", [
        ("object", "BoundaryPolygon", [
            ("type", ("lit", "Polygon"), False),
            ("coordinates", ("array", ("array", ("tuple", [("prim", "float"), ("prim", "float")]))), False),
        ]),
        ("object", "BoundaryMultiPolygon", [
            ("type", ("lit", "MultiPolygon"), False),
            ("coordinates", ("array", ("array", ("array", ("tuple", [("prim", "float"), ("prim", "float")])))), False),
        ]),
    ]),
}

# `format` and `version` members of documents, as literals.
DOCUMENT_FORMATS = {
    "HierarchyDocument": "wangge.hierarchy", "AuthorityDocument": "wangge.authority",
    "TaxonomyDocument": "wangge.taxonomy", "CalendarDocument": "wangge.calendar",
    "ServicePolicy": "wangge.service_policy", "EscalationPolicyDocument": "wangge.escalation_policy",
    "OwnerRollDocument": "wangge.consultation.owner_roll",
    "ResidentRollDocument": "wangge.consultation.resident_roll", "RuleDocument": "wangge.consultation.rule",
    "Outcome": "wangge.consultation.outcome", "ForumRecordsDocument": "wangge.consultation.forum_records",
}

# Documents read in more than one version (the first is the oldest; all are accepted).
DOCUMENT_VERSIONS = {"HierarchyDocument": [1, 2], "CalendarDocument": [1, 2]}


def version_type(name):
    versions = DOCUMENT_VERSIONS.get(name, [1])
    return ("lit", versions[0]) if len(versions) == 1 else ("union", [("lit", v) for v in versions])


INT = {"u8", "u16", "u32", "u64", "usize", "i8", "i16", "i32", "i64", "isize"}
FLOAT = {"f32", "f64"}


def build_json() -> dict:
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    env = dict(os.environ, RUSTC_BOOTSTRAP="1", RUSTDOCFLAGS="")
    subprocess.run(
        ["cargo", "rustdoc", "-q", "-p", "wangge", "--lib", "--",
         "-Z", "unstable-options", "--output-format", "json", "--document-private-items",
         "-A", "rustdoc::all"],
        cwd=ROOT, env=env, check=True)
    return json.loads((target / "doc" / "wangge.json").read_text())


# --------------------------------------------------------------------------------------------
# serde attributes


def serde_attrs(item: dict) -> dict:
    """The serde attributes of an item as {key: value or True}."""
    out: dict = {}
    for a in item.get("attrs", []):
        text = a.get("other") if isinstance(a, dict) else a
        if not isinstance(text, str):
            continue
        m = re.match(r"#\[serde\((.*)\)\]\s*$", text.replace("\n", " "), re.S)
        if not m:
            continue
        depth, cur, parts = 0, "", []
        for ch in m.group(1):
            if ch in "([":
                depth += 1
            elif ch in ")]":
                depth -= 1
            if ch == "," and depth == 0:
                parts.append(cur)
                cur = ""
            else:
                cur += ch
        parts.append(cur)
        for p in parts:
            p = p.strip()
            if not p:
                continue
            if "=" in p and not p.startswith(("rename(", "alias(")):
                k, v = p.split("=", 1)
                out[k.strip()] = v.strip().strip('"')
            else:
                out[p] = True
    return out


def rename(name: str, rule: str | None) -> str:
    if not rule:
        return name
    words = re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", name) if not "_" in name else name.split("_")
    words = [w.lower() for w in words if w]
    if rule == "snake_case":
        return "_".join(words)
    if rule == "camelCase":
        return words[0] + "".join(w.capitalize() for w in words[1:])
    if rule == "lowercase":
        return name.lower()
    if rule == "kebab-case":
        return "-".join(words)
    if rule == "SCREAMING_SNAKE_CASE":
        return "_".join(words).upper()
    if rule == "PascalCase":
        return "".join(w.capitalize() for w in words)
    raise SystemExit(f"unsupported rename rule {rule}")


# --------------------------------------------------------------------------------------------
# The model: type expressions
#   ("prim", "string"|"int"|"float"|"boolean"|"unknown")  ("lit", value)  ("name", Export)
#   ("alias", "Instant"|"DateText")  ("array", T)  ("tuple", [T])  ("record", T)
#   ("union", [T])  ("nullable", T)  ("object", name, [(key, T, optional)])


class Generator:
    def __init__(self, doc: dict):
        self.index = doc["index"]
        self.paths = doc["paths"]
        self.by_id_name: dict[str, str] = {}  # item id -> export name
        self.defs: dict[str, tuple] = {}  # export name -> expression
        self.order: list[str] = []
        self.docs: dict[str, str] = {}
        for export, rust, module in ROOTS:
            self.by_id_name[self.find(rust, module)] = export

    def find(self, name: str, module: str) -> str:
        hits = [k for k, v in self.paths.items()
                if v["crate_id"] == 0 and v["path"][-1] == name and module in v["path"][:-1]
                and v["kind"] in ("struct", "enum")]
        if not hits:
            # Moved out of the module named (e.g. into a private module below it): any one
            # type of that name in the crate.
            hits = [k for k, v in self.paths.items()
                    if v["crate_id"] == 0 and v["path"][-1] == name and v["kind"] in ("struct", "enum")]
        if len(hits) != 1:
            raise SystemExit(f"{name} in {module}: {len(hits)} matches")
        return hits[0]

    def module_of(self, item_id: str) -> list:
        return self.paths.get(item_id, {}).get("path", [])

    def hand_written(self, item_id: str):
        path = self.module_of(item_id)
        for (name, module), expr in HAND_WRITTEN.items():
            if path and path[-1] == name and module in path[:-1]:
                return expr
        return None

    def derives_serialize(self, item: dict) -> bool:
        inner = item["inner"].get("struct") or item["inner"].get("enum")
        for impl_id in inner.get("impls", []):
            impl = self.index.get(str(impl_id))
            if not impl:
                continue
            trait = impl["inner"]["impl"].get("trait")
            if trait and trait.get("path", "").split("::")[-1] == "Serialize":
                return "automatically_derived" in json.dumps(impl.get("attrs", []))
        raise SystemExit(f"{'::'.join(self.module_of(str(item['id'])))} is not Serialize: it cannot cross the boundary")

    def name_of(self, item_id: str) -> str:
        if item_id in self.by_id_name:
            return self.by_id_name[item_id]
        name = self.module_of(item_id)[-1] if self.module_of(item_id) else self.index[item_id]["name"]
        taken = set(self.by_id_name.values())
        if name in taken:
            raise SystemExit(f"two types named {name}: add one to ROOTS with its own name")
        self.by_id_name[item_id] = name
        return name

    # types --------------------------------------------------------------------------------
    def ty(self, t: dict) -> tuple:
        if "primitive" in t:
            p = t["primitive"]
            if p in INT:
                return ("prim", "int")
            if p in FLOAT:
                return ("prim", "float")
            if p == "bool":
                return ("prim", "boolean")
            if p in ("str", "char"):
                return ("prim", "string")
            raise SystemExit(f"primitive {p}")
        if "borrowed_ref" in t:
            return self.ty(t["borrowed_ref"]["type"])
        if "tuple" in t:
            return ("tuple", [self.ty(x) for x in t["tuple"]])
        if "slice" in t:
            return ("array", self.ty(t["slice"]))
        if "array" in t:
            return ("array", self.ty(t["array"]["type"]))
        if "resolved_path" in t:
            rp = t["resolved_path"]
            last = rp["path"].split("::")[-1]
            args = [a["type"] for a in ((rp.get("args") or {}).get("angle_bracketed") or {}).get("args", []) if "type" in a]
            if last in ("String", "Cow", "str", "Box<str>", "CompactString") or (last == "Box" and args and args[0].get("primitive") == "str"):
                return ("prim", "string")
            if last in ("Vec", "VecDeque", "BTreeSet", "HashSet", "FxHashSet"):
                return ("array", self.ty(args[0]))
            if last == "Option":
                return ("nullable", self.ty(args[0]))
            if last in ("Box", "Arc", "Rc"):
                return self.ty(args[0])
            if last in ("BTreeMap", "HashMap", "FxHashMap", "IndexMap"):
                return ("record", self.ty(args[1]))
            if last == "Map":
                # serde_json::Map<String, Value>: a JSON object.
                return ("record", self.ty(args[1]) if len(args) == 2 else ("prim", "unknown"))
            if last == "Value":
                return ("prim", "unknown")
            item_id = str(rp["id"])
            return self.reference(item_id)
        if "generic" in t:
            return ("prim", "unknown")
        raise SystemExit(f"unsupported type {json.dumps(t)[:200]}")

    def reference(self, item_id: str) -> tuple:
        hand = self.hand_written(item_id)
        if hand is not None:
            return hand
        item = self.index.get(item_id)
        if item is None:
            raise SystemExit(f"type {self.module_of(item_id)} is not in the crate's documentation")
        attrs = serde_attrs(item)
        if "transparent" in attrs or self.newtype(item):
            return self.ty(self.fields(item)[0][1]["inner"]["struct_field"])
        if not self.derives_serialize(item):
            raise SystemExit(f"{'::'.join(self.module_of(item_id))} has a hand-written Serialize: add it to HAND_WRITTEN")
        if "into" in attrs:
            # Serialized as another type of the same module (`#[serde(into = "…")]`).
            module = self.module_of(item_id)[-2]
            return self.reference(self.find(attrs["into"].split("::")[-1], module))
        name = self.name_of(item_id)
        if name not in self.defs and name not in self.order:
            self.order.append(name)
            first = (item.get("docs") or "").split("\n\n")[0].replace("\n", " ")
            # Rust intra-doc links mean nothing in TS or Python: keep their text.
            self.docs[name] = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", first)
            self.defs[name] = self.definition(item, name)
        return ("name", name)

    def newtype(self, item: dict) -> bool:
        kind = item["inner"].get("struct", {}).get("kind")
        return isinstance(kind, dict) and "tuple" in kind and len(kind["tuple"]) == 1

    def fields(self, item: dict) -> list:
        inner = item["inner"].get("struct") or {}
        kind = inner.get("kind") if inner else item["inner"]["variant"]["kind"]
        if kind == "unit" or kind == "plain":
            return []
        ids = kind["plain"]["fields"] if "plain" in kind else kind.get("struct", {}).get("fields") if "struct" in kind else kind["tuple"]
        return [(str(i), self.index[str(i)]) for i in ids if i is not None]

    def object_fields(self, fields: list, rule: str | None, owner: str, all_default: bool = False) -> list:
        out = []
        for _, f in fields:
            a = serde_attrs(f)
            if "skip" in a or "skip_serializing" in a:
                continue
            t = self.ty(f["inner"]["struct_field"])
            if "flatten" in a:
                out.extend(self.flatten(t, owner))
                continue
            key = a.get("rename") or rename(f["name"], rule)
            optional = "skip_serializing_if" in a or "default" in a or all_default
            if optional and t[0] == "nullable":
                t = t[1]
            out.append((key, t, optional))
        return out

    def flatten(self, t: tuple, owner: str) -> list:
        if t[0] == "nullable":
            return [(k, v, True) for k, v, _ in self.flatten(t[1], owner)]
        if t[0] == "name" and self.defs.get(t[1], (None,))[0] == "object":
            return list(self.defs[t[1]][2])
        raise SystemExit(f"{owner}: cannot flatten {t}")

    def definition(self, item: dict, name: str) -> tuple:
        attrs = serde_attrs(item)
        if "struct" in item["inner"]:
            kind = item["inner"]["struct"]["kind"]
            if isinstance(kind, dict) and "tuple" in kind:
                return ("tuple", [self.ty(f["inner"]["struct_field"]) for _, f in self.fields(item)])
            # A container `default` makes every field optional on input.
            fields = self.object_fields(self.fields(item), attrs.get("rename_all"), name, "default" in attrs)
            if name in DOCUMENT_FORMATS:
                fields = [(k, ("lit", DOCUMENT_FORMATS[name]) if k == "format" else version_type(name) if k == "version" else t, o)
                          for k, t, o in fields]
            return ("object", name, fields)
        variants = []
        tag, content = attrs.get("tag"), attrs.get("content")
        for vid in item["inner"]["enum"]["variants"]:
            v = self.index[str(vid)]
            va = serde_attrs(v)
            if "skip" in va or "skip_serializing" in va:
                continue
            vname = va.get("rename") or rename(v["name"], attrs.get("rename_all"))
            kind = v["inner"]["variant"]["kind"]
            fields = self.fields(v)
            field_rule = va.get("rename_all") or attrs.get("rename_all_fields")
            obj_name = name + v["name"]
            if kind == "plain":
                shape = None
            elif "tuple" in kind:
                types = [self.ty(f["inner"]["struct_field"]) for _, f in fields]
                shape = types[0] if len(types) == 1 else ("tuple", types)
            else:
                shape = ("object", obj_name, self.object_fields(fields, field_rule, name))
            if "untagged" in attrs or "untagged" in va:
                variants.append(shape if shape is not None else ("prim", "null"))
            elif tag and content:
                members = [(tag, ("lit", vname), False)] + ([(content, shape, False)] if shape else [])
                variants.append(("object", obj_name, members))
            elif tag:
                members = [(tag, ("lit", vname), False)]
                if shape is not None:
                    members += shape[2] if shape[0] == "object" else self.flatten(shape, name)
                variants.append(("object", obj_name, members))
            else:
                if shape is not None and shape[0] == "object":
                    shape = ("object", obj_name + "Fields", shape[2])  # the outer object has the name
                variants.append(("lit", vname) if shape is None else ("object", obj_name, [(vname, shape, False)]))
        return ("union", variants)

    def run(self) -> None:
        for export, rust, module in ROOTS:
            self.reference(self.find(rust, module))


# --------------------------------------------------------------------------------------------
# TypeScript


def ts(t: tuple) -> str:
    k = t[0]
    if k == "prim":
        return {"string": "string", "int": "number", "float": "number", "boolean": "boolean",
                "unknown": "unknown", "null": "null"}[t[1]]
    if k == "lit":
        return json.dumps(t[1], ensure_ascii=False)
    if k in ("name", "alias"):
        return t[1]
    if k == "array":
        inner = ts(t[1])
        return f"({inner})[]" if re.search(r"[|&]", inner) and not inner.startswith("{") else f"{inner}[]"
    if k == "tuple":
        return "[" + ", ".join(ts(x) for x in t[1]) + "]"
    if k == "record":
        return f"Record<string, {ts(t[1])}>"
    if k == "nullable":
        return f"{ts(t[1])} | null"
    if k == "union":
        return " | ".join(ts(x) for x in t[1])
    if k == "object":
        return "{ " + "; ".join(f"{key if re.fullmatch(r'[A-Za-z_$][A-Za-z0-9_$]*', key) else json.dumps(key)}{'?' if opt else ''}: {ts(v)}"
                                for key, v, opt in t[2]) + " }"
    raise SystemExit(f"ts: {t}")


def ts_file(g: Generator) -> str:
    out = ["// Generated by scripts/gen_types.py from the Rust types of the core: do not edit.",
           "// The JSON shape of every value that crosses the boundary (serde's rules applied to",
           "// the types' attributes as rustdoc reports them).", ""]
    for name in g.order:
        d = g.defs[name]
        doc = g.docs.get(name)
        if doc:
            out.append(f"/** {doc.replace('*/', '*​/')} */")
        if d[0] == "object":
            out.append(f"export interface {name} {ts(d)}")
        else:
            body = ts(d) if d[0] != "union" else "\n  | ".join(ts(x) for x in d[1])
            out.append(f"export type {name} =\n  | {body};" if d[0] == "union" and len(d[1]) > 3 else f"export type {name} = {ts(d).replace(chr(10) + '  | ', ' | ')};")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------------------
# Python


class Py:
    def __init__(self, g: Generator):
        self.g = g
        self.lines: list[str] = []
        self.emitted: set[str] = set()

    def ty(self, t: tuple) -> str:
        k = t[0]
        if k == "prim":
            return {"string": "str", "int": "int", "float": "float", "boolean": "bool",
                    "unknown": "Any", "null": "None"}[t[1]]
        if k == "lit":
            return f"Literal[{json.dumps(t[1], ensure_ascii=False)}]"
        if k == "alias":
            return {"Instant": "Instant", "DateText": "Day"}[t[1]]
        if k == "name":
            return f'"{t[1]}"'
        if k == "array":
            return f"List[{self.ty(t[1])}]"
        if k == "tuple":
            return "Tuple[" + ", ".join(self.ty(x) for x in t[1]) + "]"
        if k == "record":
            return f"Dict[str, {self.ty(t[1])}]"
        if k == "nullable":
            return f"Optional[{self.ty(t[1])}]"
        if k == "union":
            lits = [x for x in t[1] if x[0] == "lit"]
            if len(lits) == len(t[1]):
                return "Literal[" + ", ".join(json.dumps(x[1], ensure_ascii=False) for x in lits) + "]"
            return "Union[" + ", ".join(self.ty(x) for x in t[1]) + "]"
        if k == "object":
            self.typed_dict(t[1], t[2])
            return f'"{t[1]}"'
        raise SystemExit(f"py: {t}")

    def typed_dict(self, name: str, fields: list, doc: str | None = None) -> None:
        if name in self.emitted:
            return
        self.emitted.add(name)
        members = []
        for key, v, opt in fields:
            tt = self.ty(v)
            members.append(f"    {json.dumps(key, ensure_ascii=False)}: {'NotRequired[' + tt + ']' if opt else tt},")
        self.lines.append(f"{name} = TypedDict(\"{name}\", {{\n" + "\n".join(members) + "\n})")
        if doc:
            self.lines.append(f'"""{doc}"""')
        self.lines.append("")

    def file(self) -> str:
        for name in self.g.order:
            d = self.g.defs[name]
            doc = self.g.docs.get(name) or None
            if doc:
                doc = doc.replace('"""', "'''").replace("\\", "\\\\")
                if doc.endswith('"'):
                    doc += " "  # a docstring cannot end with its own quote
            if d[0] == "object":
                self.typed_dict(name, d[2], doc)
            else:
                self.emitted.add(name)
                self.lines.append(f"{name} = {self.ty(d)}")
                if doc:
                    self.lines.append(f'"""{doc}"""')
                self.lines.append("")
        head = [
            '"""The JSON shapes of the values that cross the binding, generated by',
            "scripts/gen_types.py from the Rust types of the core: do not edit. Re-exported by",
            '``wangge.types``."""',
            "",
            "# ruff: noqa",
            "from __future__ import annotations",
            "",
            "import sys",
            "from datetime import date, datetime",
            "from typing import Any, Dict, List, Literal, Optional, Tuple, Union",
            "",
            "if sys.version_info >= (3, 11):",
            "    from typing import NotRequired, TypedDict",
            "else:  # pragma: no cover",
            "    from typing_extensions import NotRequired, TypedDict",
            "",
            "Instant = Union[datetime, str]",
            '"""An aware datetime or an RFC 3339 string with an offset."""',
            "",
            "Day = Union[date, str]",
            '"""A date or a ``YYYY-MM-DD`` string."""',
            "",
        ]
        names = sorted(self.emitted)
        tail = ["__all__ = ["] + [f'    "{n}",' for n in ["Instant", "Day"] + names] + ["]"]
        return "\n".join(head + self.lines + tail) + "\n"


def main() -> int:
    check = "--check" in sys.argv
    g = Generator(build_json())
    g.run()
    outputs = {TS_OUT: ts_file(g), PY_OUT: Py(g).file()}
    stale = []
    for path, text in outputs.items():
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path.relative_to(ROOT))
        else:
            path.write_text(text, encoding="utf-8")
            print(f"{path.relative_to(ROOT)}: {len(g.order)} types")
    if stale:
        print(f"stale: {', '.join(map(str, stale))}; run scripts/gen_types.py and commit", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
