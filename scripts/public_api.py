#!/usr/bin/env python3
"""The public API of the `wangge` crate, one line per item, from rustdoc's JSON output.

    scripts/public_api.py            compare with core/public-api.txt; exit 1 on any difference
    scripts/public_api.py --bless    rewrite core/public-api.txt

This is the project's semver guard (the job `cargo semver-checks` or `cargo public-api` would do,
without a network install): every public path, signature, field, variant, trait implementation
and `#[non_exhaustive]` marker is listed, so a change to the public API shows as a diff of
`core/public-api.txt` that a reviewer must accept with `--bless`, and the CHANGELOG must explain.
A removed or changed line is a breaking change (bump the minor version while we are 0.x); an
added line is not.

rustdoc's JSON is unstable; we ask the toolchain in use for it with RUSTC_BOOTSTRAP=1 and read
format versions 50 and later (the fields used here have not changed since).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LISTING = ROOT / "core" / "public-api.txt"

# Traits whose implementations are noise in a listing (derived by the compiler everywhere, or
# blanket implementations from the standard library). Serde, Eq, Hash, Ord, Send, Sync stay:
# removing them breaks users.
QUIET_TRAITS = {
    "Any", "Borrow", "BorrowMut", "From", "Into", "TryFrom", "TryInto", "ToOwned", "CloneToUninit",
    "StructuralPartialEq", "Freeze", "Unpin", "RefUnwindSafe", "UnwindSafe", "DeserializeOwned",
    "ToString", "Equivalent", "Comparable", "VZip", "Same",
}


def build_json():
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    env = dict(os.environ, RUSTC_BOOTSTRAP="1", RUSTDOCFLAGS="")
    subprocess.run(
        # Every feature: the optional `arrow` API is public API too.
        ["cargo", "rustdoc", "-q", "-p", "wangge", "--lib", "--all-features", "--",
         "-Z", "unstable-options", "--output-format", "json"],
        cwd=ROOT, env=env, check=True)
    return json.loads((target / "doc" / "wangge.json").read_text())


class Api:
    def __init__(self, doc):
        self.index = doc["index"]
        self.paths = doc["paths"]
        self.lines = set()
        # Where each item is public (its path through the re-exports), from a first walk, so
        # that types in signatures read as users write them and moving an item between
        # private modules changes nothing here.
        self.public = {}

    def item(self, id_):
        return self.index.get(str(id_))

    # --- types -------------------------------------------------------------------------------
    def generic_args(self, args):
        if not args:
            return ""
        if "angle_bracketed" in args:
            parts = []
            for a in args["angle_bracketed"]["args"]:
                if "type" in a:
                    parts.append(self.ty(a["type"]))
                elif "lifetime" in a:
                    parts.append(a["lifetime"])
                elif "const" in a:
                    parts.append(str(a["const"].get("expr", "_")))
            for c in args["angle_bracketed"].get("constraints", []):
                b = c.get("binding", {})
                if "equality" in b and "type" in b["equality"]:
                    parts.append(f"{c['name']} = {self.ty(b['equality']['type'])}")
            return "<" + ", ".join(parts) + ">" if parts else ""
        if "parenthesized" in args:
            p = args["parenthesized"]
            out = "(" + ", ".join(self.ty(t) for t in p["inputs"]) + ")"
            if p.get("output"):
                out += " -> " + self.ty(p["output"])
            return out
        return ""

    def path_name(self, p):
        known = self.paths.get(str(p.get("id")))
        if p.get("id") in self.public:
            name = self.public[p["id"]]
        elif known and known["crate_id"] == 0:
            name = "::".join(known["path"])
        else:
            name = p["path"]
        return name + self.generic_args(p.get("args"))

    def bounds(self, bounds):
        out = []
        for b in bounds:
            if "trait_bound" in b:
                out.append(self.path_name(b["trait_bound"]["trait"]))
            elif "outlives" in b:
                out.append(b["outlives"])
            elif "use" in b:
                out.append("use<..>")
        return " + ".join(out)

    def ty(self, t):
        if t is None:
            return "()"
        (kind, v), = t.items()
        if kind == "resolved_path":
            return self.path_name(v)
        if kind == "generic":
            return v
        if kind == "primitive":
            return v
        if kind == "borrowed_ref":
            lt = (v.get("lifetime") + " ") if v.get("lifetime") else ""
            return "&" + lt + ("mut " if v.get("is_mutable") else "") + self.ty(v["type"])
        if kind == "slice":
            return "[" + self.ty(v) + "]"
        if kind == "array":
            return "[" + self.ty(v["type"]) + "; " + v["len"] + "]"
        if kind == "tuple":
            return "(" + ", ".join(self.ty(x) for x in v) + ("," if len(v) == 1 else "") + ")"
        if kind == "impl_trait":
            return "impl " + self.bounds(v)
        if kind == "dyn_trait":
            return "dyn " + " + ".join(self.path_name(x["trait"]) for x in v["traits"])
        if kind == "raw_pointer":
            return ("*mut " if v.get("is_mutable") else "*const ") + self.ty(v["type"])
        if kind == "qualified_path":
            trait = self.path_name(v["trait"]) if v.get("trait") else "_"
            return f"<{self.ty(v['self_type'])} as {trait}>::{v['name']}"
        if kind == "function_pointer":
            sig = v["sig"]
            return "fn(" + ", ".join(self.ty(x[1]) for x in sig["inputs"]) + ")" + (
                " -> " + self.ty(sig["output"]) if sig.get("output") else "")
        if kind == "infer":
            return "_"
        return json.dumps(t, sort_keys=True)

    def generics(self, g):
        params = []
        for p in g.get("params", []):
            k = p["kind"]
            if "lifetime" in k:
                params.append(p["name"])
            elif "type" in k:
                if k["type"].get("is_synthetic"):
                    continue
                b = self.bounds(k["type"].get("bounds", []))
                params.append(p["name"] + (": " + b if b else ""))
            elif "const" in k:
                params.append(f"const {p['name']}: {self.ty(k['const']['type'])}")
        where = []
        for w in g.get("where_predicates", []):
            if "bound_predicate" in w:
                bp = w["bound_predicate"]
                where.append(self.ty(bp["type"]) + ": " + self.bounds(bp["bounds"]))
        out = "<" + ", ".join(params) + ">" if params else ""
        if where:
            out += " where " + ", ".join(where)
        return out

    def fn_sig(self, name, f):
        h = f["header"]
        prefix = ("const " if h.get("is_const") else "") + ("unsafe " if h.get("is_unsafe") else "")
        args = []
        for arg_name, t in f["sig"]["inputs"]:
            if arg_name == "self":
                args.append(self.ty(t).replace("Self", "self") if t != {"generic": "Self"} else "self")
            else:
                args.append(f"{arg_name}: {self.ty(t)}")
        out = f["sig"].get("output")
        g = self.generics(f["generics"])
        where = ""
        if " where " in g:
            g, where = g.split(" where ", 1)
            where = " where " + where
        return f"{prefix}fn {name}{g}(" + ", ".join(args) + ")" + (
            " -> " + self.ty(out) if out else "") + where

    @staticmethod
    def marks(item):
        out = []
        for a in item.get("attrs", []):
            text = a if isinstance(a, str) else (a.get("other") if isinstance(a, dict) else None)
            if a == "non_exhaustive" or (isinstance(text, str) and "non_exhaustive" in text):
                out.append("#[non_exhaustive] ")
        if item.get("deprecation"):
            out.append("#[deprecated] ")
        return "".join(out)

    # --- walking -----------------------------------------------------------------------------
    def walk_module(self, id_, path, seen):
        if id_ in seen:
            return
        seen.add(id_)
        m = self.item(id_)
        for child in m["inner"]["module"]["items"]:
            self.walk(child, path, seen)

    def walk(self, id_, path, seen):
        it = self.item(id_)
        if it is None or it.get("visibility") != "public":
            return
        (kind, inner), = it["inner"].items()
        if kind == "use":
            target = self.item(inner["id"]) if inner.get("id") is not None else None
            if inner.get("is_glob"):
                if target and "module" in target["inner"]:
                    for child in target["inner"]["module"]["items"]:
                        self.walk(child, path, seen)
                return
            if target is None:
                self.lines.add(f"pub use {path}::{inner['name']} = {inner['source']}")
                return
            self.emit(target, f"{path}::{inner['name']}", seen)
            return
        self.emit(it, f"{path}::{it['name']}", seen)

    def emit(self, it, full, seen):
        self.public.setdefault(it["id"], full)
        (kind, inner), = it["inner"].items()
        marks = self.marks(it)
        add = self.lines.add
        if kind == "module":
            add(f"pub mod {full}")
            self.walk_module(it["id"], full, seen)
        elif kind == "function":
            add(f"{marks}pub {self.fn_sig(full, inner)}")
        elif kind == "constant":
            add(f"pub const {full}: {self.ty(inner['type'])}")
        elif kind == "static":
            add(f"pub static {full}: {self.ty(inner['type'])}")
        elif kind == "type_alias":
            add(f"pub type {full}{self.generics(inner['generics'])} = {self.ty(inner['type'])}")
        elif kind == "macro":
            add(f"pub macro {it['name']}!")
        elif kind == "struct":
            add(f"{marks}pub struct {full}{self.generics(inner['generics'])}")
            sk = inner["kind"]
            if "plain" in sk:
                for f in sk["plain"]["fields"]:
                    fi = self.item(f)
                    if fi and fi.get("visibility") == "public":
                        add(f"pub {full}::{fi['name']}: {self.ty(fi['inner']['struct_field'])}")
            elif "tuple" in sk:
                for n, f in enumerate(sk["tuple"]):
                    fi = self.item(f) if f is not None else None
                    if fi and fi.get("visibility") == "public":
                        add(f"pub {full}::{n}: {self.ty(fi['inner']['struct_field'])}")
            self.impls(full, inner["impls"])
        elif kind == "enum":
            add(f"{marks}pub enum {full}{self.generics(inner['generics'])}")
            for v in inner["variants"]:
                vi = self.item(v)
                vk = vi["inner"]["variant"]["kind"]
                vm = self.marks(vi)
                if vk == "plain":
                    add(f"{vm}pub {full}::{vi['name']}")
                elif "tuple" in vk:
                    fields = [self.ty(self.item(f)["inner"]["struct_field"]) if f is not None else "_"
                              for f in vk["tuple"]]
                    add(f"{vm}pub {full}::{vi['name']}(" + ", ".join(fields) + ")")
                else:
                    fields = [self.item(f) for f in vk["struct"]["fields"]]
                    add(f"{vm}pub {full}::{vi['name']} {{ " + ", ".join(
                        f"{f['name']}: {self.ty(f['inner']['struct_field'])}" for f in fields) + " }")
            self.impls(full, inner["impls"])
        elif kind == "trait":
            add(f"pub trait {full}{self.generics(inner['generics'])}")
            for m in inner["items"]:
                mi = self.item(m)
                (mk, mv), = mi["inner"].items()
                if mk == "function":
                    add(f"pub {full}::{self.fn_sig(mi['name'], mv)}")
                elif mk == "assoc_const":
                    add(f"pub {full}::const {mi['name']}: {self.ty(mv['type'])}")
                elif mk == "assoc_type":
                    add(f"pub {full}::type {mi['name']}")
        else:
            add(f"pub {kind} {full}")

    def impls(self, full, impl_ids):
        for i in impl_ids:
            im = self.item(i)
            if im is None:
                continue
            inner = im["inner"]["impl"]
            trait = inner.get("trait")
            if inner.get("blanket_impl"):
                continue
            # Auto traits are synthetic; Send and Sync are promises embedders rely on.
            if inner.get("is_synthetic") and (trait or {}).get("path") not in ("Send", "Sync"):
                continue
            if trait is None:
                for m in inner["items"]:
                    mi = self.item(m)
                    if mi is None or mi.get("visibility") != "public":
                        continue
                    (mk, mv), = mi["inner"].items()
                    if mk == "function":
                        self.lines.add(f"{self.marks(mi)}pub {full}::{self.fn_sig(mi['name'], mv)}")
                    elif mk == "assoc_const":
                        self.lines.add(f"pub const {full}::{mi['name']}: {self.ty(mv['type'])}")
            else:
                name = trait["path"].split("::")[-1]
                if name in QUIET_TRAITS:
                    continue
                neg = "!" if inner.get("is_negative") else ""
                self.lines.add(f"impl {neg}{self.path_name(trait)} for {full}")


def main():
    doc = build_json()
    if doc.get("format_version", 0) < 50:
        sys.exit(f"rustdoc JSON format {doc.get('format_version')} is older than this script reads")
    api = Api(doc)
    root = doc["index"][str(doc["root"])]
    api.walk_module(root["id"], "wangge", set())
    api.lines = set()
    api.walk_module(root["id"], "wangge", set())
    text = "".join(line + "\n" for line in sorted(api.lines))
    if "--bless" in sys.argv:
        LISTING.write_text(text)
        print(f"{LISTING.relative_to(ROOT)}: {len(api.lines)} items")
        return
    old = LISTING.read_text() if LISTING.exists() else ""
    if old == text:
        print(f"public API unchanged ({len(api.lines)} items)")
        return
    old_lines, new_lines = set(old.splitlines()), set(api.lines)
    removed, added = sorted(old_lines - new_lines), sorted(new_lines - old_lines)
    for line in removed:
        print(f"- {line}")
    for line in added:
        print(f"+ {line}")
    print(f"\nThe public API changed: {len(removed)} removed or changed (breaking), {len(added)} added.\n"
          "If this is intended, run `scripts/public_api.py --bless`, commit core/public-api.txt "
          "and say so in CHANGELOG.md.", file=sys.stderr)
    sys.exit(1)


if __name__ == "__main__":
    main()
