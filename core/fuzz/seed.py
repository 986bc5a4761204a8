#!/usr/bin/env python3
"""Seeds the fuzz corpora (core/fuzz/corpus/<target>/) from the conformance cases
(tests/conformance/*.json), the example data (examples/data), the test data
(core/tests/data) and the holiday schedules that ship with the core (core/src/calendar). Standard library only. Each seed is a file named by the SHA-1 of its
content, so running this again adds nothing new; the corpora are generated, not committed.

    python3 core/fuzz/seed.py            # all targets, into core/fuzz/corpus
    python3 core/fuzz/seed.py --out DIR  # into DIR/<target> instead (the smoke's fresh corpora)
    python3 core/fuzz/seed.py --list     # how many seeds each target gets, written nowhere

See docs/FUZZING.md for what each target reads.
"""

import csv
import glob
import hashlib
import io
import json
import os
import sys

FUZZ = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(FUZZ, "..", ".."))
CORPUS = os.path.join(FUZZ, "corpus")

# The kind byte of each document kind in the `documents` target (its `match kind % 9`).
KINDS = {
    "taxonomy": 0,
    "authority": 1,
    "service_policy": 2,
    "escalation": 3,
    "rule": 4,
    "rule_spec": 5,
    "roll": 6,
    "residents": 7,
    "forums": 8,
}
TIME_KEYS = {"at", "now", "from", "to", "opensAt", "closesAt", "start", "date", "on", "since"}

seeds = {}


def add(target, content):
    if isinstance(content, str):
        content = content.encode("utf-8")
    seeds.setdefault(target, set()).add(content)


def compact(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def data_file(name, suffix):
    """A document given by name in a case: examples/data/<name>.<suffix>.json."""
    path = os.path.join(ROOT, "examples", "data", f"{name}.{suffix}.json")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            return f.read()
    return None


def document(value, suffix):
    """A document as text: inline (an object or JSON text) or a data-file name."""
    if isinstance(value, dict):
        return compact(value)
    if isinstance(value, str):
        if value.lstrip().startswith(("{", "[")):
            return value
        return data_file(value, suffix)
    return None


def add_document(kind, value, suffix):
    text = document(value, suffix)
    if text is not None:
        add("documents", bytes([KINDS[kind]]) + text.encode("utf-8"))


def write_log(events):
    """The hash-chained JSON-lines log of ticket/log.rs (as tests/conformance/generate.py
    writes it): each event line's digest is the SHA-256 of the previous digest of its ticket
    and the line without the digest member; an end record closes the segment."""
    heads, order, lines, seqs = {}, [], [], {}
    for ticket, actor, at, action in events:
        seq = seqs.get(ticket, 0)
        seqs[ticket] = seq + 1
        body = compact({"v": 1, "ticket": ticket, "seq": seq, "at": at, "actor": actor, "action": action})
        prev = heads.get(ticket, bytes(32))
        digest = hashlib.sha256(prev + body.encode()).digest()
        if ticket not in heads:
            order.append(ticket)
        heads[ticket] = digest
        lines.append(body[:-1] + ',"digest":"' + digest.hex() + '"}')
    end = hashlib.sha256(b"".join(t.encode() + b"\n" + heads[t] for t in order)).hexdigest()
    lines.append(compact({"v": 1, "end": {"events": len(events), "digest": end}}))
    return "\n".join(lines) + "\n"


def rows_csv(rows):
    """Flat rows as CSV text (every cell a string; nested values as JSON text)."""
    columns = []
    for row in rows:
        for k in row:
            if k not in columns:
                columns.append(k)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(columns)
    for row in rows:
        cells = []
        for k in columns:
            v = row.get(k)
            if v is None:
                cells.append("")
            elif isinstance(v, bool):
                cells.append("true" if v else "false")
            elif isinstance(v, (dict, list)):
                cells.append(compact(v))
            else:
                cells.append(str(v))
        w.writerow(cells)
    return out.getvalue()


def event_row(ticket, actor, at, action):
    row = {"ticket": ticket, "at": at, "actor": actor}
    for k, v in action.items():
        if k == "id":
            continue
        row[k] = v
    return row


def times(value):
    """Every string under a time-like key, recursively."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k in TIME_KEYS and isinstance(v, str):
                yield v
            else:
                yield from times(v)
    elif isinstance(value, list):
        for v in value:
            yield from times(v)


def case_seeds(case):
    setup = case.get("setup", {})
    if "hierarchy" in setup:
        text = document(setup["hierarchy"], "hierarchy")
        if text:
            add("hierarchy_json", text)
    if "taxonomy" in setup:
        add_document("taxonomy", setup["taxonomy"], "taxonomy")
    if isinstance(setup.get("authority"), dict):
        add_document("authority", setup["authority"], "authority")
    if isinstance(setup.get("escalation"), dict):
        add_document("escalation", setup["escalation"], "escalation")
    if "roll" in setup:
        add_document("roll", setup["roll"], "roll")
    levels = setup.get("serviceLevels")
    if isinstance(levels, dict) and isinstance(levels.get("policy"), dict):
        add_document("service_policy", levels["policy"], "service")
    calendar = setup.get("calendar")
    if isinstance(calendar, str) and calendar != "standard":
        text = document(calendar, "calendar")
        if text:
            add("calendar", text)
    for t in times(case.get("ops", [])):
        add("time", t)

    events, rows, requests = [], [], []
    for op in case.get("ops", []):
        try:
            op_seeds(op, events, rows, requests)
        except (AttributeError, KeyError, TypeError, ValueError):
            # A hostile case (tests/conformance/bad-input.json): its arguments are not of the
            # shapes read here. Each string or object argument is a seed of every target that
            # reads text as it is.
            for v in op.values():
                text = v if isinstance(v, str) else compact(v)
                for target in ("action", "event_log", "table_rows", "open311"):
                    add(target, text)
    if events:
        add("event_log", write_log(events))
        add("table_rows", compact(rows))
        add("table_rows", rows_csv(rows))
    if requests:
        add("open311", compact(requests))
        for r in requests:
            add("open311", compact(r))


def op_seeds(op, events, rows, requests):
    """The seeds of one operation; the accepted ticket operations are collected in `events`,
    `rows` and `requests` for the case's log, flat rows and Open311 requests."""
    name = op.get("op")
    failed = "error" in op
    if name == "h.load":
        text = document(op.get("document"), "hierarchy")
        if text:
            add("hierarchy_json", text)
    elif name == "h.divisions":
        add("division_codes", compact(op["rows"]))
        add("division_codes", "".join(f"{r.get('code', '')},{r.get('name', '')}\n" for r in op["rows"]))
    elif name == "tx.load":
        add_document("taxonomy", op.get("document"), "taxonomy")
    elif name == "a.load" and isinstance(op.get("document"), dict):
        add_document("authority", op["document"], "authority")
    elif name in ("e.service_policy", "e.scale"):
        add_document("service_policy", op.get("document"), "service")
    elif name == "e.load":
        add_document("escalation", op.get("document"), "escalation")
    elif name in ("v.rule", "v.open"):
        rule = op.get("rule")
        add_document("rule_spec", rule, "rule")
        if isinstance(rule, dict) and "format" in rule:
            add_document("rule", rule, "rule")
    elif name == "roll.load":
        add_document("roll", op.get("document"), "roll")
    elif name == "residents.load":
        doc = {k: op.get(k, []) for k in ("households", "residents", "groups")}
        add_document("residents", doc, "residents")
    elif name == "f.load":
        add_document("forums", op.get("document"), "forums")
    elif name == "c.load":
        text = document(op.get("document"), "calendar")
        if text:
            add("calendar", text)
    elif name == "c.exceptions":
        add("calendar", op.get("text", ""))
    elif name == "t.load_jsonl" and "text" in op:
        add("event_log", op["text"])
    elif name == "t.replay":
        add("event_log", "".join(compact(e) + "\n" for e in op.get("events", [])))
        for e in op.get("events", []):
            add("action", compact(e))
    elif name == "t.load_rows":
        add("table_rows", compact(op.get("rows", [])))
        add("table_rows", rows_csv(op.get("rows", [])))
    elif name in ("t.apply", "t.check", "t.can", "t.why_not", "t.who_can"):
        add("action", compact(op["action"]))
        if name == "t.apply" and not failed:
            events.append((op["ticket"], op["actor"], op["at"], op["action"]))
            rows.append(event_row(op["ticket"], op["actor"], op["at"], op["action"]))
    elif name == "t.report":
        ticket = op["ticket"]
        add("action", compact(ticket))
        action = dict(ticket, type="report")
        add("action", compact(action))
        if not failed:
            events.append((ticket["id"], op["actor"], op["at"], action))
            rows.append(event_row(ticket["id"], op["actor"], op["at"], action))
            request = {
                "service_request_id": ticket["id"],
                "status": "open",
                "service_code": ticket.get("category", ""),
                "address_id": ticket.get("unit", ""),
                "requested_datetime": op["at"],
            }
            for k, field in (("description", "description"), ("holder", "agency_responsible"),
                             ("reporter", "account_id")):
                if k in ticket:
                    request[field] = ticket[k]
            requests.append(request)


def vote_records(rule):
    """Vote records over the 世纪新城 roll (the vote_record target's fixture) under a rule."""
    roll_text = data_file("shijixincheng", "roll")
    if roll_text is None:
        return
    units = json.loads(roll_text)["units"]
    owners = list(dict.fromkeys(u["owner"] for u in units))
    ballots = [
        {"voter": o, "choice": ("agree", "oppose", "abstain")[i % 3], "at": "2020-05-03T10:00:00+08:00"}
        for i, o in enumerate(owners)
    ]
    for scope, voters in (
        ({"building": "sjxc-5"}, owners),
        ({"building_unit": {"building": "sjxc-5", "unit": "2"}},
         list(dict.fromkeys(u["owner"] for u in units if u.get("buildingUnit") == "2"))),
        ("whole_roll", owners),
        ({"compound": "sjxc"}, owners[:3]),
    ):
        record = {
            "format": "wangge.consultation.vote", "version": 1, "id": "v1", "agenda": "加装电梯",
            "rule": rule, "scope": scope,
            "opensAt": "2020-05-01T08:00:00+08:00", "closesAt": "2020-05-15T18:00:00+08:00",
            "closedAt": "2020-05-15T18:00:00+08:00",
            "proxies": [{"principal": voters[0], "proxy": "someone"}] if voters else [],
            "ballots": [b for b in ballots if b["voter"] in voters],
        }
        add("vote_record", compact(record))


def main():
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "conformance", "*.json"))):
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        for case in doc.get("cases", []):
            case_seeds(case)
    # Civil Code Art. 278 (ordinary matters), written out as a rule document.
    area_and_persons = [
        {"basis": basis, "numerator": numerator, "denominator": denominator,
         "fraction": {"num": num, "den": den}, "comparison": comparison}
        for basis in ("area", "headcount")
        for numerator, denominator, num, den, comparison in (
            ("participants", "eligible", 2, 3, "at_least"),
            ("agreeing", "participants", 1, 2, "more_than"),
        )
    ]
    rule = {"format": "wangge.consultation.rule", "version": 1, "id": "art278",
            "name": {"zh": "第二百七十八条", "en": "Art. 278"},
            "groups": [{"conditions": area_and_persons}]}
    add("documents", bytes([KINDS["rule"]]) + compact(rule).encode("utf-8"))
    vote_records(rule)
    for path in sorted(glob.glob(os.path.join(ROOT, "examples", "data", "*.json"))):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        name = os.path.basename(path)
        if name.endswith(".hierarchy.json"):
            add("hierarchy_json", text)
        elif name.endswith(".calendar.json"):
            add("calendar", text)
        elif name.endswith(".roll.json"):
            add("documents", bytes([KINDS["roll"]]) + text.encode("utf-8"))
    schedules = glob.glob(os.path.join(ROOT, "core", "tests", "data", "*.txt"))
    schedules += glob.glob(os.path.join(ROOT, "core", "src", "calendar", "*.txt"))
    for path in sorted(schedules):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        add("calendar", text)
        for line in text.splitlines():
            if line and not line.startswith("#"):
                add("time", line.split()[0])
    if "--list" in sys.argv:
        for target in sorted(seeds):
            print(f"{target}: {len(seeds[target])}")
        return
    corpus = CORPUS
    if "--out" in sys.argv:
        corpus = sys.argv[sys.argv.index("--out") + 1]
    total = 0
    for target, contents in sorted(seeds.items()):
        directory = os.path.join(corpus, target)
        os.makedirs(directory, exist_ok=True)
        for content in contents:
            path = os.path.join(directory, hashlib.sha1(content).hexdigest())
            if not os.path.exists(path):
                with open(path, "wb") as f:
                    f.write(content)
                total += 1
    print(f"seeded {sum(len(c) for c in seeds.values())} inputs for {len(seeds)} targets "
          f"({total} new) in {os.path.relpath(corpus, ROOT)}")


if __name__ == "__main__":
    main()
