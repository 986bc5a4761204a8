#!/usr/bin/env python3
"""Writes tests/open311/manifest.json: what each real GeoReport v2 document under
tests/open311/documents must give when imported, read here independently of wangge (Python's
json and xml.etree, the specification's rules). The Rust, Python and JS suites each import
every document and compare with this manifest.

    python3 tests/open311/expect.py          # write the manifest
    python3 tests/open311/expect.py --check  # fail if it is not up to date
"""

import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOCS = HERE / "documents"

# Times without a zone, by document: the server's offset on those dates (San Francisco,
# May 2012: Pacific daylight time).
LOCAL_OFFSET = {"sf_requests_list.xml": "-07:00"}


def leaf(e):
    nil = e.get("{http://www.w3.org/2001/XMLSchema-instance}nil") == "true"
    text = (e.text or "").strip()
    return None if nil or not text else text


def xml_items(root, item):
    return [{c.tag: leaf(c) for c in r if len(c) == 0} for r in root if r.tag == item]


def read(path):
    """(kind, items): kind is requests, services, definition, receipts, errors or malformed."""
    raw = path.read_text(encoding="utf-8")
    body = raw.lstrip("\ufeff").lstrip()
    if body.startswith("<"):
        try:
            root = ET.fromstring(body.encode("utf-8"))
        except ET.ParseError:
            return "malformed", []
        tag = root.tag
        if tag == "errors":
            return "errors", [{"code": leaf(e.find("code")) or ""} for e in root]
        if tag == "error":
            return "errors", [{"code": ""}]
        if tag == "services":
            return "services", xml_items(root, "service")
        if tag == "service_definition":
            return "definition", []
        if tag == "service_requests":
            items = xml_items(root, "request")
            if all(set(i) <= {"token", "service_request_id", "service_notice", "account_id"} for i in items):
                return "receipts", items
            return "requests", items
        return "malformed", []
    try:
        doc = json.loads(body)
    except json.JSONDecodeError:
        # Bare leading-zero numbers (the specification's examples) read as text: quote
        # them outside strings.
        parts = re.split(r'("(?:[^"\\]|\\.)*")', body)
        fixed = "".join(p if i % 2 else re.sub(r'([:\[,]\s*)(0\d+)', r'\1"\2"', p)
                        for i, p in enumerate(parts))
        try:
            doc = json.loads(fixed)
        except json.JSONDecodeError:
            return "malformed", []
    if isinstance(doc, dict):
        if "service_code" in doc and "attributes" in doc:
            return "definition", []
        doc = [doc]
    if all(set(d) <= {"code", "description"} for d in doc):
        return "errors", [{"code": str(d.get("code", ""))} for d in doc]
    if all("service_code" in d and not {"status", "requested_datetime", "service_request_id"} & set(d)
           and {"metadata", "type", "keywords", "group"} & set(d) for d in doc):
        return "services", doc
    if all(set(d) <= {"token", "service_request_id", "service_notice", "account_id"} for d in doc):
        return "receipts", doc
    return "requests", doc


def expectation(path):
    kind, items = read(path)
    e = {"file": str(path.relative_to(DOCS)), "kind": kind}
    if kind == "requests":
        first = {}
        duplicates = 0
        unique = []
        for r in items:
            rid = r.get("service_request_id")
            if rid is not None and str(rid) in first and first[str(rid)] == r:
                duplicates += 1
                continue
            if rid is not None:
                first.setdefault(str(rid), r)
            unique.append(r)
        e["requests"] = len(items)
        e["duplicates"] = duplicates
        e["tickets"] = len(unique)
        e["closed"] = sum(1 for r in unique if str(r.get("status") or "").lower() == "closed")
        e["services"] = len({str(r["service_code"]) for r in items if r.get("service_code") is not None})
        if path.name in LOCAL_OFFSET:
            e["localOffset"] = LOCAL_OFFSET[path.name]
    elif kind == "services":
        e["services"] = len(items)
    elif kind == "errors":
        e["codes"] = [i["code"] for i in items]
    return e


def main():
    files = sorted(p for p in DOCS.rglob("*") if p.suffix in (".json", ".xml"))
    manifest = {
        "format": "wangge.open311-corpus",
        "version": 1,
        "comment": "Written by tests/open311/expect.py from the documents; see SOURCES.md.",
        "documents": [expectation(p) for p in files],
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=1) + "\n"
    out = HERE / "manifest.json"
    if "--check" in sys.argv:
        if not out.exists() or out.read_text(encoding="utf-8") != text:
            sys.exit("tests/open311/manifest.json is out of date: run python3 tests/open311/expect.py")
        return
    out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
