#!/usr/bin/env python3
"""Writes the conformance corpus (tests/conformance/*.json).

The expected values are computed here, by small models written from the domain rules and
independent of the library: a transition table for the ticket lifecycle, a minute-by-minute
walk over the 2025 working calendar, exact fractions for the quorum rules. Hand-written cases
(every error code, the article's stories) sit beside them. Run `python3 generate.py` to
rewrite the files, `python3 generate.py --check` to fail if they are stale (make test does).

Standard library only, so that it runs before anything is installed.
"""

import datetime as dt
import json
import random
import sys
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

FILE_HEADER = {"format": "wangge.conformance", "version": 1}


def doc(description, cases):
    return dict(FILE_HEADER, description=description, cases=cases)


def case(name, ops, setup=None, **extra):
    c = {"name": name}
    if setup:
        c["setup"] = setup
    c["ops"] = ops
    c.update(extra)
    return c


MISSING = object()


def op(op_name, expect=MISSING, error=None, subset=None, details=None, **args):
    o = {"op": op_name}
    o.update(args)
    if error is not None:
        o["error"] = error
        if details is not None:
            o["errorDetails"] = details
    elif subset is not None:
        o["expectSubset"] = subset
    elif expect is not MISSING:
        o["expect"] = expect
    return o


# ---------------------------------------------------------------------------------------------
# The leak setting (西湖春天小区, 弘湖社区, 三和镇, 淮南高新区): a small inline hierarchy.

LEAK = {
    "format": "wangge.hierarchy",
    "version": 1,
    "nodes": [
        {"id": i, "kind": k, "name": n}
        for i, k, n in [
            ("city", "city", "淮南市"), ("zone", "district", "淮南高新区"), ("town", "town", "三和镇"),
            ("hh", "community", "弘湖社区"), ("g1", "grid", "第一网格"), ("g2", "grid", "第二网格"),
            ("xhct", "compound", "西湖春天小区"), ("b3", "building", "3栋"),
            ("dw", "party_committee", "弘湖社区党委"), ("zb1", "party_branch", "第一网格党支部"),
            ("w1", "grid_worker", "网格员甲"), ("w2", "grid_worker", "网格员乙"),
            ("pm", "property_manager", "物业公司"), ("smr", "department", "市场监管局"),
            ("cg", "department", "城管局"), ("zj", "department", "住建局"),
            ("zx", "operations_centre", "高新区城市运行管理服务中心"), ("zx1", "staff", "中心值班员"),
        ]
    ],
    "edges": [{"kind": "contains", "from": p, "to": c} for p, c in [
        ("city", "zone"), ("zone", "town"), ("town", "hh"), ("hh", "g1"), ("hh", "g2"),
        ("g1", "xhct"), ("xhct", "b3")]]
    + [{"kind": "leads", "from": "dw", "to": "hh"}, {"kind": "leads", "from": "dw", "to": "zb1"},
       {"kind": "leads", "from": "zb1", "to": "g1"},
       {"kind": "serves", "from": "w1", "to": "g1"}, {"kind": "serves", "from": "w2", "to": "g2"},
       {"kind": "serves", "from": "pm", "to": "xhct"}]
    + [{"kind": "jurisdiction", "from": d, "to": "zone", "categories": ["livelihood.repair"]}
       for d in ("smr", "cg", "zj")]
    # The zone's operations centre supervises and commands it (GB/T 30428); zx1 is its staff.
    + [{"kind": "supervises", "from": "zx", "to": "zone"}, {"kind": "commands", "from": "zx", "to": "zone"},
       {"kind": "member_of", "from": "zx1", "to": "zx"}],
}
LEAK_SIZE = len(LEAK["nodes"])

LEAK_SETUP = {"hierarchy": LEAK}


def t(minutes):
    """2025-03-03 (a Monday) 09:00 +08:00 plus some minutes, as RFC 3339."""
    base = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    return (base + dt.timedelta(minutes=minutes)).isoformat()


# ---------------------------------------------------------------------------------------------
# Hierarchy


def hierarchy_cases():
    cases = []
    q = [
        ("chain of a building", "h.chain", {"id": "b3"}, ["b3", "xhct", "g1", "hh", "town", "zone", "city"]),
        ("chain of the root", "h.chain", {"id": "city"}, ["city"]),
        ("parent of a grid", "h.parent", {"id": "g1"}, "hh"),
        ("the root has no parent", "h.parent", {"id": "city"}, None),
        ("children of a community", "h.children", {"id": "hh"}, ["g1", "g2"]),
        ("a building has no children", "h.children", {"id": "b3"}, []),
        ("the community of a building", "h.ancestor", {"id": "b3", "kind": "community"}, "hh"),
        ("the street of a building (none: a town)", "h.ancestor", {"id": "b3", "kind": "street"}, None),
        ("the town of a compound", "h.ancestor", {"id": "xhct", "kind": "town"}, "town"),
        ("grids of a district", "h.descendants", {"id": "zone", "kind": "grid"}, ["g1", "g2"]),
        ("buildings of a community", "h.descendants", {"id": "hh", "kind": "building"}, ["b3"]),
        ("lowest common ancestor of two grids", "h.lca", {"a": "g1", "b": "g2"}, "hh"),
        ("lowest common ancestor of a building and its grid", "h.lca", {"a": "b3", "b": "g1"}, "g1"),
        ("the grid of a building", "h.grid_of", {"id": "b3"}, "g1"),
        ("a community has no grid", "h.grid_of", {"id": "hh"}, None),
        ("the grid of a grid is itself", "h.grid_of", {"id": "g2"}, "g2"),
        ("the Party organisation leading a grid", "h.party", {"id": "g1"}, "zb1"),
        ("the Party organisation leading a grid without a branch is the community's", "h.party", {"id": "g2"}, "dw"),
        ("the Party organisation leading a Party branch", "h.party", {"id": "zb1"}, "dw"),
        ("an organisation nobody leads", "h.party", {"id": "pm"}, None),
        ("the staff of a grid", "h.staff", {"id": "g1"}, ["w1"]),
        ("departments with jurisdiction, inherited", "h.departments", {"id": "b3", "category": "livelihood.repair"}, ["smr", "cg", "zj"]),
        ("jurisdiction of a category nobody holds", "h.departments", {"id": "b3", "category": "livelihood.parking"}, []),
        ("what a Party committee leads", "h.targets", {"id": "dw", "kind": "leads"}, ["hh", "zb1"]),
        ("who serves a compound", "h.sources", {"id": "xhct", "kind": "serves"}, ["pm"]),
        ("size", "h.size", {}, LEAK_SIZE),
        ("the JSON document round-trips", "h.roundtrip", {}, True),
    ]
    for name, o, args, expect in q:
        cases.append(case(f"query: {name}", [op(o, expect=expect, **args)], LEAK_SETUP))

    # Mutations and each of their refusals; a refused mutation changes nothing.
    def m(name, ops):
        cases.append(case(name, ops, LEAK_SETUP))

    m("add and contain a new grid", [
        op("h.add", id="g3", kind="grid", name="第三网格"), op("h.contain", parent="hh", child="g3"),
        op("h.children", id="hh", expect=["g1", "g2", "g3"]), op("h.size", expect=LEAK_SIZE + 1)])
    m("duplicate id refused", [
        op("h.add", id="g1", kind="grid", name="重复", error="hierarchy.duplicate_id", details={"id": "g1"}),
        op("h.size", expect=LEAK_SIZE)])
    m("unknown kind refused", [
        op("h.add", id="v1", kind="villa", name="?", error="hierarchy.unknown_kind", details={"kind": "villa"}), op("h.size", expect=LEAK_SIZE)])
    m("an empty id is refused", [op("h.add", id="", kind="grid", name="?", error="hierarchy.invalid_id")])
    m("an id with control characters is refused", [op("h.add", id="a\nb", kind="grid", name="?", error="hierarchy.invalid_id")])
    m("unknown id refused", [op("h.contain", parent="hh", child="nowhere", error="hierarchy.unknown_id", details={"id": "nowhere"})])
    m("containment cycle refused", [
        op("h.contain", parent="b3", child="zone", error="hierarchy.containment_cycle", details={"parent": "b3", "child": "zone"}),
        op("h.add", id="town2", kind="town", name="镇二"), op("h.contain", parent="zone", child="town2"),
        op("h.chain", id="b3", expect=["b3", "xhct", "g1", "hh", "town", "zone", "city"])])
    m("a community may not contain a street", [
        op("h.add", id="st", kind="street", name="街道"),
        op("h.contain", parent="hh", child="st", error="hierarchy.level_order", details={"parent": "hh", "child": "st"})])
    m("a building contains nothing territorial", [
        op("h.add", id="b4", kind="building", name="4栋"),
        op("h.contain", parent="b3", child="b4", error="hierarchy.level_order")])
    m("a unit has one parent", [
        op("h.contain", parent="g2", child="xhct", error="hierarchy.already_contained", details={"child": "xhct"}),
        op("h.parent", id="xhct", expect="g1")])
    m("a grid containing its own ancestor is a cycle or a level error", [
        op("h.add", id="g9", kind="grid", name="九"), op("h.add", id="c9", kind="compound", name="九区"),
        op("h.contain", parent="g9", child="c9"),
        op("h.add", id="c10", kind="compound", name="十区"), op("h.contain", parent="c9", child="c10", error="hierarchy.level_order")])
    m("only people serve a grid", [op("h.serve", who="smr", unit="g1", error="hierarchy.edge_kinds", details={"from": "smr", "to": "g1"})])
    m("only a Party organisation leads", [op("h.lead", **{"from": "w1", "to": "g1"}, error="hierarchy.edge_kinds")])
    m("only a department holds jurisdiction", [
        op("h.grant", department="pm", unit="xhct", categories=["livelihood.repair"], error="hierarchy.edge_kinds")])
    m("jurisdiction needs categories", [
        op("h.grant", department="smr", unit="g1", categories=[], error="hierarchy.empty_jurisdiction")])
    m("a jurisdiction category must be a valid code", [
        op("h.grant", department="smr", unit="g1", categories=["Not A Code"], error="hierarchy.invalid_category")])
    m("the same edge twice is refused", [op("h.serve", who="w1", unit="g1", error="hierarchy.duplicate_edge")])
    m("disconnect an edge, and an unknown edge", [
        op("h.disconnect", kind="serves", **{"from": "w1", "to": "g1"}), op("h.staff", id="g1", expect=[]),
        op("h.disconnect", kind="serves", **{"from": "w1", "to": "g1"}, error="hierarchy.unknown_edge")])
    m("removing a unit that contains others is refused", [
        op("h.remove", id="hh", error="hierarchy.not_empty", details={"id": "hh"}), op("h.size", expect=LEAK_SIZE)])
    m("remove a leaf, then it is unknown", [
        op("h.remove", id="b3", expect="b3"), op("h.size", expect=LEAK_SIZE - 1),
        op("h.parent", id="b3", error="hierarchy.unknown_id")])
    m("move a compound to another grid", [
        op("h.move", child="xhct", parent="g2"), op("h.grid_of", id="b3", expect="g2"),
        op("h.chain", id="b3", expect=["b3", "xhct", "g2", "hh", "town", "zone", "city"])])
    m("moving a unit under its own descendant is refused", [
        op("h.move", child="g1", parent="xhct", error="hierarchy.containment_cycle"),
        op("h.add", id="hh2", kind="community", name="社区二"), op("h.contain", parent="town", child="hh2"),
        op("h.move", child="town", parent="hh2", error="hierarchy.containment_cycle"), op("h.parent", id="town", expect="zone")])
    m("rename", [op("h.rename", id="g1", name="一网格"), op("h.node", id="g1", subset={"id": "g1", "name": "一网格", "kind": "grid"})])
    m("membership of a Party member in a branch", [
        op("h.add", id="pmem", kind="party_member", name="党员"), op("h.join", member="pmem", organisation="zb1"),
        op("h.sources", id="zb1", kind="member_of", expect=["pmem"])])

    # Import errors.
    def load(name, document, code):
        cases.append(case(f"load: {name}", [op("h.load", document=document, error=code)]))

    load("not JSON", "{nope", "hierarchy.malformed")
    load("wrong format", {"format": "other", "version": 1, "nodes": [], "edges": []}, "hierarchy.unsupported_format")
    load("future version", {"format": "wangge.hierarchy", "version": 99, "nodes": [], "edges": []}, "hierarchy.unsupported_format")
    load("unknown kind", {"format": "wangge.hierarchy", "version": 1, "nodes": [{"id": "a", "kind": "villa", "name": "a"}], "edges": []}, "hierarchy.malformed")
    load("duplicate id", {"format": "wangge.hierarchy", "version": 1, "nodes": [{"id": "a", "kind": "grid", "name": "a"}, {"id": "a", "kind": "grid", "name": "b"}], "edges": []}, "hierarchy.duplicate_id")
    load("edge to an unknown id", {"format": "wangge.hierarchy", "version": 1, "nodes": [{"id": "a", "kind": "grid", "name": "a"}], "edges": [{"kind": "contains", "from": "a", "to": "b"}]}, "hierarchy.unknown_id")
    load("categories on a contains edge", {"format": "wangge.hierarchy", "version": 1, "nodes": [{"id": "a", "kind": "community", "name": "a"}, {"id": "b", "kind": "grid", "name": "b"}], "edges": [{"kind": "contains", "from": "a", "to": "b", "categories": ["x"]}]}, "hierarchy.unexpected_categories")
    load("a latitude beyond 90°", {"format": "wangge.hierarchy", "version": 1, "nodes": [{"id": "a", "kind": "grid", "name": "a", "location": {"lat": 95, "lng": 116.8}}], "edges": []}, "hierarchy.invalid_location")
    load("a longitude beyond 180°", {"format": "wangge.hierarchy", "version": 1, "nodes": [{"id": "a", "kind": "grid", "name": "a", "location": {"lat": 32.6, "lng": 500}}], "edges": []}, "hierarchy.invalid_location")
    load("a cycle in the file", {"format": "wangge.hierarchy", "version": 1, "nodes": [{"id": "a", "kind": "compound", "name": "a"}, {"id": "b", "kind": "compound", "name": "b"}], "edges": [{"kind": "contains", "from": "a", "to": "b"}, {"kind": "contains", "from": "b", "to": "a"}]}, "hierarchy.level_order")
    cases.append(case("load: the article's hierarchies", [
        op("h.load", document="hongfu", expect=23), op("h.grid_of", id="xhct-3", expect="340471100001001"),
        op("h.load", document="xinjian"),
        op("h.roundtrip", expect=True)]))

    # The division-code importer.
    rows = [{"code": "340404001001", "name": "新建社区"}, {"code": "340404001000", "name": "毕家岗街道"},
            {"code": "340404000000", "name": "八公山区"}]
    cases.append(case("divisions: rows in any order, parents first", [
        op("h.divisions", rows=rows, expect={"added": ["340404000000", "340404001000", "340404001001"], "errors": []}),
        op("h.chain", id="340404001001", expect=["340404001001", "340404001000", "340404000000"]),
        op("h.node", id="340404001000", subset={"kind": "street"})]))
    cases.append(case("divisions: a 15-digit grid code under its community", [
        op("h.divisions", rows=rows + [{"code": "340404001001003", "name": "第三网格"}],
           subset={"errors": []}),
        op("h.parent", id="340404001001003", expect="340404001001"), op("h.node", id="340404001001003", subset={"kind": "grid"})]))
    cases.append(case("divisions: every bad row reported, good rows kept", [
        op("h.divisions", rows=rows + [{"code": "3404", "name": "短"}, {"code": "34040400100X", "name": "字母"},
                                        {"code": "340404002001", "name": "孤儿"}, {"code": "340404001001", "name": "重复"}],
           expect={"added": ["340404000000", "340404001000", "340404001001"],
                   "errors": [[4, "division.malformed"], [5, "division.malformed"], [6, "division.orphan"], [7, "hierarchy.duplicate_id"]]}),
        op("h.size", expect=3)]))
    cases.append(case("divisions: a town code (1xx street segment) is a town", [
        op("h.divisions", rows=[{"code": "340471000000", "name": "淮南高新区"}, {"code": "340471100000", "name": "三和镇"}], subset={"errors": []}),
        op("h.node", id="340471100000", subset={"kind": "town"})]))
    cases.append(case("divisions: malformed input", [op("h.divisions", rows=[{"code": 1}], error="input.malformed")]))
    return cases


# ---------------------------------------------------------------------------------------------
# Tickets: the lifecycle as a table (states x actions), from docs/domain-facts.md §2


def report(tid="T1", verify=False, unit="b3", category="livelihood.repair", **more):
    tk = {"id": tid, "category": category, "unit": unit}
    if verify:
        tk["verifyFirst"] = True
    tk.update(more)
    return tk


# Paths that reach each state. Who takes each action follows the default authority (gbt30428,
# GB/T 30428): the zone's operations centre "zx" supervises and commands (files, dispatches,
# verifies, visits, suspends, decides extensions); the holder's grid worker "w1" signs for,
# handles, returns and asks for extensions (tickets are dispatched to grid g1); reports come
# from "zone", which acts for the place; whistles are signed by the departments themselves.
A = {
    "file": {"type": "file"},
    "reject": {"type": "reject", "reason": {"kind": "out_of_scope"}},
    "reopen": {"type": "reopen"},
    "dispatch": {"type": "dispatch", "to": "g1"},
    "acknowledge": {"type": "acknowledge"},
    "return": {"type": "return", "reason": "不属于本单位职责"},
    "handle": {"type": "handle", "outcome": "已处理"},
    "verify_pass": {"type": "verify", "passed": True},
    "verify_fail": {"type": "verify", "passed": False},
    "visit_satisfied": {"type": "visit", "satisfaction": "satisfied"},
    "visit_basically": {"type": "visit", "satisfaction": "basically_satisfied"},
    "visit_unsatisfied": {"type": "visit", "satisfaction": "unsatisfied"},
    "close": {"type": "close"},
    "suspend": {"type": "suspend", "reason": "等待鉴定"},
    "resume": {"type": "resume"},
    "request_extension": {"type": "request_extension", "until": t(60 * 24 * 10), "reason": "材料未到"},
    "grant_extension": {"type": "decide_extension", "granted": True},
    "park": {"type": "park", "reason": "历史遗留"},
    "unpark": {"type": "unpark"},
    "merge": {"type": "merge", "into": "T0"},
    "escalate": {"type": "escalate", "to": "town"},
    "whistle": {"type": "whistle", "departments": ["smr", "cg"]},
    "record_refusal": {"type": "record_refusal", "party": "饭店店主"},
    "supervise": {"type": "supervise", "note": "督办"},
    "remind": {"type": "remind", "deadline": "handle"},
}

PATHS = {
    "reported": [],
    "rejected": ["reject"],
    "filed": ["file"],
    "dispatched": ["file", "dispatch"],
    "in_progress": ["file", "dispatch", "acknowledge"],
    "handled": ["file", "dispatch", "acknowledge", "handle"],
    "verified": ["file", "dispatch", "acknowledge", "handle", "verify_pass"],
    "closed": ["file", "dispatch", "acknowledge", "handle", "verify_pass", "visit_satisfied"],
    "suspended": ["file", "dispatch", "acknowledge", "suspend"],
    "parked": ["file", "dispatch", "acknowledge", "request_extension", "grant_extension", "park"],
    "merged": ["merge"],
}

OPEN = {"reported", "filed", "dispatched", "in_progress", "handled", "verified", "suspended", "parked"}

HOLDER_ACTIONS = {"acknowledge", "return", "handle", "request_extension", "record_refusal"}


def who(action):
    """The actor of the default authority for an action of the lifecycle table: the holder's
    grid worker for the holder's actions, the operations centre for the rest."""
    name = action if isinstance(action, str) else action["type"]
    return "w1" if name in HOLDER_ACTIONS else "zx"


def model(state, action, resume_to="in_progress", extension_pending=False, extended=False):
    """The lifecycle of docs/domain-facts.md §2 (GB/T 30428's seven steps and the 12345 loop)."""
    s, a = state, action
    table = {
        ("reported", "file"): "filed", ("reported", "reject"): "rejected",
        ("rejected", "reopen"): "reported", ("closed", "reopen"): "in_progress",
        ("filed", "dispatch"): "dispatched", ("dispatched", "acknowledge"): "in_progress",
        ("dispatched", "return"): "filed", ("in_progress", "return"): "filed",
        ("in_progress", "handle"): "handled",
        ("handled", "verify_pass"): "verified", ("handled", "verify_fail"): "in_progress",
        ("verified", "visit_satisfied"): "closed", ("verified", "visit_basically"): "closed",
        ("verified", "visit_unsatisfied"): "in_progress", ("verified", "close"): "closed",
        ("suspended", "resume"): resume_to, ("parked", "unpark"): "in_progress",
    }
    if (s, a) in table:
        return table[(s, a)]
    if a == "suspend" and s in ("filed", "dispatched", "in_progress", "handled"):
        return "suspended"
    if a == "request_extension" and s in ("dispatched", "in_progress"):
        return None if extension_pending else s
    if a == "grant_extension" and s in ("dispatched", "in_progress"):
        return s if extension_pending else None
    if a == "park" and s == "in_progress":
        return "parked" if extended else None
    if a == "merge" and s in ("reported", "filed", "dispatched", "in_progress", "suspended"):
        return "merged"
    if a == "escalate" and s in ("filed", "dispatched", "in_progress"):
        return "dispatched"
    if a in ("whistle", "record_refusal") and s in ("dispatched", "in_progress"):
        return s
    if a in ("supervise", "remind") and s in OPEN:
        return s
    return None


def write_log(events, end_events=None):
    """The JSON-lines log of tickets/log.rs's contract: each line's digest is the SHA-256 of
    the previous digest of the same ticket (32 zero bytes first) and the line without its
    digest member; the end record hashes, per ticket in order of first appearance, its id, a
    newline and its last digest."""
    import hashlib
    heads, order, lines, seqs = {}, [], [], {}
    for ticket, actor, minute, action in events:
        seq = seqs.get(ticket, 0)
        seqs[ticket] = seq + 1
        body = json.dumps({"v": 1, "ticket": ticket, "seq": seq, "at": t(minute), "actor": actor, "action": action},
                          ensure_ascii=False, separators=(",", ":"))
        prev = heads.get(ticket, bytes(32))
        digest = hashlib.sha256(prev + body.encode()).digest()
        if ticket not in heads:
            order.append(ticket)
        heads[ticket] = digest
        lines.append(body[:-1] + ',"digest":"' + digest.hex() + '"}')
    end = hashlib.sha256(b"".join(t_.encode() + b"\n" + heads[t_] for t_ in order)).hexdigest()
    n = len(events) if end_events is None else end_events
    lines.append(json.dumps({"v": 1, "end": {"events": n, "digest": end}}, separators=(",", ":")))
    return "\n".join(lines) + "\n"


def ticket_machine_cases():
    cases = []
    actions = ["file", "reject", "reopen", "dispatch", "acknowledge", "return", "handle", "verify_pass",
               "verify_fail", "visit_satisfied", "visit_basically", "visit_unsatisfied", "close", "suspend",
               "resume", "request_extension", "grant_extension", "park", "unpark", "merge", "escalate",
               "whistle", "record_refusal", "supervise", "remind"]
    for state, path in PATHS.items():
        prefix = [op("t.report", ticket=report("T0"), actor="zone", at=t(0)),
                  op("t.report", ticket=report("T1"), actor="zone", at=t(1))]
        m = 2
        for step in path:
            prefix.append(op("t.apply", ticket="T1", actor=who(step), at=t(m), action=A[step]))
            m += 1
        prefix.append(op("t.state", ticket="T1", expect=state))
        for action in actions:
            extended = state == "parked" or False
            pending = False
            nxt = model(state, action, extension_pending=pending, extended=extended)
            ops = list(prefix)
            if nxt is None:
                ops.append(op("t.apply", ticket="T1", actor=who(action), at=t(m), action=A[action],
                              error="ticket.illegal_transition",
                              details={"ticket": "T1", "state": state}))
                ops.append(op("t.state", ticket="T1", expect=state))
                ops.append(op("t.events", ticket="T1", expect=1 + len(path)))
            else:
                ops.append(op("t.check", ticket="T1", actor=who(action), at=t(m), action=A[action], expect=nxt))
                ops.append(op("t.state", ticket="T1", expect=state))
                ops.append(op("t.apply", ticket="T1", actor=who(action), at=t(m), action=A[action], expect=nxt))
                ops.append(op("t.events", ticket="T1", expect=2 + len(path)))
            verb = "allowed" if nxt else "refused"
            cases.append(case(f"{state} + {action}: {verb}", ops, LEAK_SETUP))
    return cases


def ticket_cases():
    cases = []

    def c(name, ops, setup=LEAK_SETUP):
        cases.append(case(name, ops, setup))

    def rep(tid="T1", error=None, details=None, **kw):
        return op("t.report", ticket=report(tid, **kw), actor="zone", at=t(0), error=error, details=details)

    ap = lambda action, minute, actor=None, tid="T1", **kw: op("t.apply", ticket=tid, actor=actor or who(action), at=t(minute), action=action, **kw)

    # The leak case of the article, step by step, with its refusals.
    leak = [
        op("t.report", ticket=report("XHCT-1", verify=True, holder="hh", channel="resident_visit", reporter="r-1",
                                     description="卫生间漏水"), actor="hh", at=t(0)),
        op("t.apply", ticket="XHCT-1", actor="hh", at=t(1), action=A["file"], error="ticket.illegal_transition",
           details={"ticket": "XHCT-1", "state": "reported", "action": "file"}),
        op("t.apply", ticket="XHCT-1", actor="w2", at=t(1), action={"type": "confirm_on_site"}, error="ticket.unauthorized",
           details={"ticket": "XHCT-1", "actor": "w2"}),
    ]
    steps = [
        ("hh", {"type": "confirm_on_site"}, "reported"), ("zx", A["file"], "filed"),
        ("zx", {"type": "dispatch", "to": "g1"}, "dispatched"), ("w1", A["acknowledge"], "in_progress"),
        ("w1", {"type": "record_refusal", "party": "饭店店主"}, "in_progress"),
        ("hh", {"type": "escalate", "to": "town"}, "dispatched"), ("town", A["acknowledge"], "in_progress"),
        ("town", {"type": "whistle", "departments": ["smr", "cg", "zj"], "signBy": t(200), "reportBy": t(3000)}, "in_progress"),
        ("smr", {"type": "sign_whistle"}, "in_progress"), ("cg", {"type": "sign_whistle"}, "in_progress"),
        ("zj", {"type": "sign_whistle"}, "in_progress"),
        ("smr", {"type": "report_whistle"}, "in_progress"), ("cg", {"type": "report_whistle"}, "in_progress"),
    ]
    m = 10
    for actor, action, state in steps:
        leak.append(op("t.apply", ticket="XHCT-1", actor=actor, at=t(m), action=action, expect=state))
        m += 1
    leak += [
        op("t.apply", ticket="XHCT-1", actor="town", at=t(m), action=A["handle"], error="ticket.whistle_outstanding",
           details={"ticket": "XHCT-1"}),
        op("t.apply", ticket="XHCT-1", actor="zj", at=t(m + 1), action={"type": "report_whistle", "note": "已维修"}, expect="in_progress"),
        op("t.apply", ticket="XHCT-1", actor="town", at=t(m + 2), action={"type": "handle", "outcome": "店主已维修"}, expect="handled"),
        op("t.apply", ticket="XHCT-1", actor="town", at=t(m + 3), action=A["verify_pass"], error="ticket.separation_of_duty",
           details={"ticket": "XHCT-1", "actor": "town", "conflict": "handler"}),
        op("t.apply", ticket="XHCT-1", actor="zx", at=t(m + 3), action=A["verify_pass"], expect="verified"),
        op("t.apply", ticket="XHCT-1", actor="zx1", at=t(m + 4), action=A["visit_satisfied"], expect="closed"),
        op("t.get", ticket="XHCT-1", subset={"state": "closed", "escalations": 1, "holder": "town", "dispatcher": "zx"}),
        op("t.events", ticket="XHCT-1", expect=18),
        op("t.in_state", state="closed", expect=["XHCT-1"]),
        op("t.roundtrip", expect=True),
        op("t.load_jsonl", replace=[["店主已维修", "没修"]], error="log.tampered"),
    ]
    c("the leak of 西湖春天小区: refused, escalated to 三和镇, whistled to three departments, closed", leak)

    c("a whistle released instead of reported lets the ticket be handled", [
        rep(), ap(A["file"], 1), ap(A["dispatch"], 2), ap(A["acknowledge"], 3), ap(A["whistle"], 4),
        ap(A["handle"], 5, error="ticket.whistle_outstanding"),
        ap({"type": "sign_whistle"}, 6, actor="smr"), ap({"type": "report_whistle"}, 7, actor="smr"),
        ap({"type": "release_whistle", "department": "cg"}, 8, actor="w1", error="ticket.separation_of_duty"),
        ap({"type": "release_whistle", "department": "cg"}, 8),
        ap(A["handle"], 9, expect="handled")])
    c("only a summoned department signs for a whistle", [
        rep(), ap(A["file"], 1), ap(A["dispatch"], 2), ap(A["acknowledge"], 3), ap(A["whistle"], 4),
        ap({"type": "sign_whistle"}, 5, actor="zj", error="ticket.unauthorized")])
    c("a whistle must summon departments", [
        rep(), ap(A["file"], 1), ap(A["dispatch"], 2), ap(A["acknowledge"], 3),
        ap({"type": "whistle", "departments": ["w1"]}, 4, error="ticket.invalid_target"),
        ap({"type": "whistle", "departments": ["nobody"]}, 4, error="ticket.unknown_unit")])
    c("a whistle's deadlines come after it, and the report after the signing", [
        rep(), ap(A["file"], 1), ap(A["dispatch"], 2), ap(A["acknowledge"], 3),
        ap({"type": "whistle", "departments": ["smr"], "signBy": t(3)}, 4, error="ticket.invalid_target",
           details={"target": t(3)}),
        ap({"type": "whistle", "departments": ["smr"], "reportBy": t(2)}, 4, error="ticket.invalid_target"),
        ap({"type": "whistle", "departments": ["smr"], "signBy": t(100), "reportBy": t(50)}, 4,
           error="ticket.invalid_target", details={"target": t(50)}),
        ap({"type": "whistle", "departments": ["smr"], "signBy": t(4), "reportBy": t(4)}, 4, expect="in_progress")])
    c("dispatch to a unit that does not exist", [
        rep(), ap(A["file"], 1), ap({"type": "dispatch", "to": "mars"}, 2, error="ticket.unknown_unit"),
        op("t.state", ticket="T1", expect="filed")])
    c("escalation goes up, never sideways or down", [
        rep(), ap(A["file"], 1), ap({"type": "escalate", "to": "b3"}, 2, error="ticket.invalid_target"),
        ap({"type": "escalate"}, 3, expect="dispatched"), op("t.get", ticket="T1", subset={"holder": "hh", "escalations": 1})])
    c("a return goes back to the dispatcher and is counted", [
        op("t.report", ticket=report(holder="zone"), actor="zone", at=t(0)), ap(A["file"], 1), ap(A["dispatch"], 2), ap(A["return"], 3, actor="w1", expect="filed"),
        op("t.get", ticket="T1", subset={"holder": "zone", "returns": 1})])
    c("a return after an escalation goes to the command centre, not back to the unit that missed its deadline", [
        rep(), ap(A["file"], 1), ap(A["dispatch"], 2), ap(A["acknowledge"], 3),
        ap({"type": "escalate"}, 4, actor="@system", expect="dispatched"),
        op("t.get", ticket="T1", subset={"holder": "hh", "dispatcher": "zx", "escalations": 1}),
        ap(A["return"], 5, actor="hh", expect="filed"),
        op("t.get", ticket="T1", subset={"holder": "zx", "returns": 1}),
        ap({"type": "dispatch", "to": "g2"}, 6, expect="dispatched"),
        op("t.roundtrip", expect=True)])
    c("an escalation may not name another return destination than the authority's", [
        rep(), ap(A["file"], 1),
        ap({"type": "escalate", "returnTo": "g1"}, 2, error="ticket.invalid_target"),
        ap({"type": "escalate", "returnTo": "zx"}, 2, expect="dispatched")])
    c("an unsatisfied resident reopens the ticket", [
        rep(), ap(A["file"], 1), ap(A["dispatch"], 2), ap(A["acknowledge"], 3), ap(A["handle"], 4),
        ap(A["verify_pass"], 5), ap(A["visit_unsatisfied"], 6, expect="in_progress"),
        op("t.get", ticket="T1", subset={"reopens": 1})])
    c("a failed verification sends the ticket back", [
        rep(), ap(A["file"], 1), ap(A["dispatch"], 2), ap(A["acknowledge"], 3), ap(A["handle"], 4),
        ap(A["verify_fail"], 5, expect="in_progress")])
    c("suspend and resume return to the state before", [
        rep(), ap(A["file"], 1), ap(A["dispatch"], 2), ap(A["suspend"], 3, expect="suspended"),
        ap(A["resume"], 4, expect="dispatched")])
    c("an extension requested after the deadline is refused", [
        rep(), ap(A["file"], 1), ap(A["dispatch"], 2),
        ap({"type": "set_deadline", "deadline": "handle", "due": t(60)}, 3, actor="@system"),
        ap({"type": "request_extension", "until": t(600), "reason": "晚了"}, 90, error="ticket.extension_too_late")])
    c("a second extension request while one is pending is refused", [
        rep(), ap(A["file"], 1), ap(A["dispatch"], 2), ap(A["request_extension"], 3),
        ap(A["request_extension"], 4, error="ticket.illegal_transition")])
    c("parking needs a granted extension first", [
        rep(), ap(A["file"], 1), ap(A["dispatch"], 2), ap(A["acknowledge"], 3),
        ap(A["park"], 4, error="ticket.illegal_transition"),
        ap(A["request_extension"], 5), ap({"type": "decide_extension", "granted": False}, 6),
        ap(A["park"], 7, error="ticket.illegal_transition")])
    c("rejection as a duplicate, and merging into the original", [
        rep("T0"), rep("T1"), ap({"type": "merge", "into": "T0"}, 1, expect="merged"),
        ap({"type": "merge", "into": "T9"}, 2, tid="T0", error="ticket.unknown_ticket")])
    c("a ticket cannot be merged into itself", [rep(), ap({"type": "merge", "into": "T1"}, 1, error="ticket.invalid_target")])
    c("a report with an id already used", [rep(), rep(error="ticket.duplicate_ticket", details={"ticket": "T1"})])
    c("a report in an unknown category", [rep(category="livelihood.nonsense", error="ticket.unknown_category")])
    c("a report on an unknown unit", [rep(unit="nowhere", error="ticket.unknown_unit")])
    c("a report on a unit that is not a place", [rep(unit="w1", error="ticket.invalid_target")])
    c("a report with an empty id is malformed input", [rep(tid="", error="input.malformed")])
    c("an actor that is not in the hierarchy", [
        op("t.report", ticket=report(), actor="stranger", at=t(0), error="ticket.unknown_actor")])
    c("a grid worker of another grid may not act", [
        rep(), op("t.apply", ticket="T1", actor="w2", at=t(1), action=A["file"], error="ticket.unauthorized",
                  details={"ticket": "T1", "actor": "w2", "action": "file", "allowed": ["supervisor"]})])
    c("the host system may not file", [
        rep(), op("t.apply", ticket="T1", actor="@system", at=t(1), action=A["file"], error="ticket.unauthorized")])
    c("an action on an unknown ticket", [ap(A["file"], 1, tid="nope", error="ticket.unknown_ticket")])
    c("time may not go backwards", [
        rep(), ap(A["file"], 10), ap(A["dispatch"], 5, error="ticket.time_went_backwards"), op("t.state", ticket="T1", expect="filed")])
    c("an outcome text over the limit", [
        rep(), ap(A["file"], 1), ap(A["dispatch"], 2), ap(A["acknowledge"], 3),
        ap({"type": "handle", "outcome": "长" * 22000}, 4, error="ticket.text_too_long")])
    c("a time outside the supported range", [
        rep(), op("t.apply", ticket="T1", actor="zone", at="2200-01-01T00:00:00+08:00", action=A["file"], error="ticket.time_out_of_range")])
    c("tickets are dated 2000–2099, China time", [
        op("t.report", ticket=report(), actor="zone", at="1969-12-31T23:59:59+08:00", error="ticket.time_out_of_range"),
        op("t.report", ticket=report(), actor="zone", at="1999-12-31T23:59:59+08:00", error="ticket.time_out_of_range"),
        op("t.report", ticket=report(), actor="zone", at="2200-03-03T09:00:00+08:00", error="ticket.time_out_of_range"),
        op("t.report", ticket=report(), actor="zone", at="1999-12-31T16:00:00Z"),
        op("t.apply", ticket="T1", actor=who(A["file"]), at="2099-12-31T23:59:59+08:00", action=A["file"]),
        op("t.apply", ticket="T1", actor=who(A["dispatch"]), at="2100-01-01T00:00:00+08:00", action=A["dispatch"], error="ticket.time_out_of_range"),
        op("t.state", ticket="T1", expect="filed")])
    c("an unknown deadline kind", [rep(), op("t.deadline", ticket="T1", kind="someday", error="ticket.unknown_name")])
    c("a time without an offset", [
        rep(), op("t.apply", ticket="T1", actor="zone", at="2025-03-03T09:00:00", action=A["file"], error="time.invalid_instant")])
    c("an action that is not an action", [rep(), ap({"type": "teleport"}, 1, error="input.malformed")])
    c("a report given as an action on another id", [
        rep(), ap({"type": "report", "id": "T2", "category": "livelihood.repair", "unit": "b3"}, 1, error="ticket.invalid_id")])

    # Logs: replay, tamper detection, truncation, versions.
    base = [rep(), ap(A["file"], 1), ap(A["dispatch"], 2), ap(A["acknowledge"], 3)]
    c("the log round-trips and replays to the same state", base + [op("t.roundtrip", expect=True), op("t.load_jsonl", expect=1), op("t.state", ticket="T1", expect="in_progress")])
    c("an edited event is detected", base + [op("t.load_jsonl", replace=[['"acknowledge"', '"file"']], error="log.tampered")])
    c("a missing end record is detected", base + [op("t.load_jsonl", dropLines=1, error="log.truncated")])
    c("a log of another version is refused", base + [op("t.load_jsonl", replace=[['"v":1', '"v":7']], error="log.unsupported_version")])
    c("a line that is not JSON is refused", [op("t.load_jsonl", text="not json\n", error="log.malformed")])
    c("a log converted to CRLF line ends is an edited log", base + [op("t.load_jsonl", replace=[["\n", "\r\n"]], error="log.malformed", details={"line": 1})])
    c("a tab after the end record (outside every digest) is an edited log", base + [op("t.load_jsonl", replace=[["}}\n", "}}\t\n"]], error="log.malformed", details={"line": 5})])
    c("replay refuses an event the lifecycle forbids", [
        op("t.replay", events=[
            {"seq": 0, "ticket": "T1", "actor": "zone", "at": t(0), "action": {"type": "report", "id": "T1", "category": "livelihood.repair", "unit": "b3"}},
            {"seq": 1, "ticket": "T1", "actor": "zone", "at": t(1), "action": {"type": "handle", "outcome": "x"}}],
            error="ticket.illegal_transition")])

    # A log written here, independently of the library, by the documented contract.
    events = [("T1", "zone", 0, {"type": "report", "id": "T1", "category": "livelihood.repair", "unit": "b3"}),
              ("T2", "zone", 1, {"type": "report", "id": "T2", "category": "livelihood.repair", "unit": "g2"}),
              ("T1", "zx", 2, {"type": "file"}), ("T1", "zx", 3, {"type": "dispatch", "to": "g1"}),
              ("T2", "zx", 4, {"type": "file"}), ("T1", "w1", 5, {"type": "acknowledge"})]
    c("a log written by another implementation of the contract loads", [
        op("t.load_jsonl", text=write_log(events), expect=2), op("t.state", ticket="T1", expect="in_progress"),
        op("t.state", ticket="T2", expect="filed"), op("t.events", ticket="T1", expect=4)])
    c("a well-chained log of a history the lifecycle forbids is refused on replay", [
        op("t.load_jsonl", text=write_log(events[:2] + [("T1", "zx", 2, {"type": "acknowledge"})]), error="log.replay_refused")])
    c("a log whose end record does not match its events", [
        op("t.load_jsonl", text=write_log(events, end_events=5), error="log.truncated")])

    # Taxonomies.
    c("a custom taxonomy", [
        op("t.report", ticket=report(category="water.leak"), actor="zone", at=t(0)), op("t.state", ticket="T1", expect="reported")],
      setup=dict(LEAK_SETUP, taxonomy={"format": "wangge.taxonomy", "version": 1, "categories": [
          {"code": "water", "name": "供水"}, {"code": "water.leak", "name": "漏水"},
          {"code": "livelihood", "name": "民生"}, {"code": "livelihood.repair", "name": "维修"}]}))
    c("a jurisdiction naming a category the taxonomy lacks is refused with the ledger", [
        op("t.report", ticket=report(category="water.leak"), actor="zone", at=t(0), error="ticket.unmatched_category")],
      setup=dict(LEAK_SETUP, taxonomy={"format": "wangge.taxonomy", "version": 1, "categories": [
          {"code": "water", "name": "供水"}, {"code": "water.leak", "name": "漏水"}]}))
    for name, cats, code in [
        ("duplicate code", [{"code": "a", "name": "a"}, {"code": "a", "name": "b"}], "taxonomy.duplicate_code"),
        ("invalid code", [{"code": "A B", "name": "a"}], "taxonomy.invalid_code"),
        ("missing parent", [{"code": "a.b", "name": "a"}], "taxonomy.missing_parent"),
    ]:
        cases.append(case(f"taxonomy: {name}", [op("tx.load", document={"format": "wangge.taxonomy", "version": 1, "categories": cats}, error=code)]))
    cases.append(case("taxonomy: not JSON", [op("tx.load", document="{", error="taxonomy.malformed")]))
    return cases


# ---------------------------------------------------------------------------------------------
# Authority: who may take each action (separation of duties), from a model of the roles


def _auth_hierarchy():
    """LEAK plus: a second district (zone2) with a community, a grid, a worker and a department
    of its own; a second community (hh2) in the town; a community station (hhz) commanding and
    supervising 弘湖社区; a member of the zone centre's staff who also serves grid 1 (zx2, two
    roles at once); a city 12345 hotline centre (rx) with its staff (rx1)."""
    nodes = list(LEAK["nodes"]) + [
        {"id": i, "kind": k, "name": n} for i, k, n in [
            ("zone2", "district", "八公山区"), ("qt", "community", "其他社区"), ("g9", "grid", "其他网格"),
            ("w9", "grid_worker", "其他网格员"), ("smr2", "department", "八公山区市场监管局"),
            ("hh2", "community", "弘福社区"), ("g3", "grid", "弘福社区网格"), ("w3", "grid_worker", "弘福网格员"),
            ("hhz", "operations_centre", "弘湖社区网格化服务管理站"),
            ("zx2", "staff", "中心派驻网格的工作人员"),
            ("rx", "hotline_centre", "淮南市12345热线中心"), ("rx1", "staff", "热线话务员"),
        ]]
    edges = list(LEAK["edges"]) + [
        {"kind": "contains", "from": p, "to": c} for p, c in [
            ("city", "zone2"), ("zone2", "qt"), ("qt", "g9"), ("town", "hh2"), ("hh2", "g3")]] + [
        {"kind": "serves", "from": "w9", "to": "g9"}, {"kind": "serves", "from": "w3", "to": "g3"},
        {"kind": "jurisdiction", "from": "smr2", "to": "zone2", "categories": ["livelihood.repair"]},
        {"kind": "supervises", "from": "hhz", "to": "hh"}, {"kind": "commands", "from": "hhz", "to": "hh"},
        {"kind": "member_of", "from": "zx2", "to": "zx"}, {"kind": "serves", "from": "zx2", "to": "g1"},
        {"kind": "supervises", "from": "rx", "to": "city"}, {"kind": "commands", "from": "rx", "to": "city"},
        {"kind": "member_of", "from": "rx1", "to": "rx"},
    ]
    return {"format": "wangge.hierarchy", "version": 1, "nodes": nodes, "edges": edges}


AUTH = _auth_hierarchy()


def preset(name):
    """An authority preset: the library's own data file (the presets are documents)."""
    return json.loads((ROOT / "core/src/ticket/authority" / f"{name}.json").read_text(encoding="utf-8"))


class Model:
    """The roles, conflicts and jurisdiction of the authority module docs, over a hierarchy
    document, written independently of the library."""

    def __init__(self, h, authority):
        self.kind = {n["id"]: n["kind"] for n in h["nodes"]}
        self.order = [n["id"] for n in h["nodes"]]
        self.parent, self.edges = {}, h["edges"]
        for e in self.edges:
            if e["kind"] == "contains":
                self.parent[e["to"]] = e["from"]
        self.auth = authority
        self.allow = {a: set(r) for a, r in authority["allow"].items()}
        self.separate = {}
        for s in authority.get("separate", []):
            for a in s["actions"]:
                self.separate.setdefault(a, []).append(s["excludes"])

    TERRITORIAL = {"province", "city", "district", "street", "town", "community", "grid", "compound", "building"}

    def chain(self, u):
        out = []
        while u is not None and self.kind.get(u) in self.TERRITORIAL:
            out.append(u)
            u = self.parent.get(u)
        return out

    def out(self, a, kind):
        return [e["to"] for e in self.edges if e["kind"] == kind and e["from"] == a]

    def into(self, u, kind):
        return [e["from"] for e in self.edges if e["kind"] == kind and e["to"] == u]

    def staff(self, unit, a):
        return a == unit or a in self.into(unit, "serves") or a in self.into(unit, "member_of")

    def covers(self, a, kind):
        """The units a centre (or a member of one) supervises or commands."""
        units = self.out(a, kind)
        for org in self.out(a, "member_of"):
            units += self.out(org, kind)
        return units

    def has(self, t, a, role):
        if a == "@system":
            return role == "system"
        home, chain = t["home"], self.chain(t["home"])
        place = self.chain(t["unit"])
        served = [u for u in self.out(a, "serves") if self.kind[u] in self.TERRITORIAL]
        return {
            "system": False,
            "holder": self.staff(t["holder"], a),
            "dispatcher": t["dispatcher"] is not None and self.staff(t["dispatcher"], a),
            "territorial": a == home or a in self.into(home, "serves"),
            "territorial_ancestor": (a != home and a in chain) or any(u != home and u in chain for u in served),
            "party": any(u in chain for u in self.out(a, "leads") if self.kind[u] in self.TERRITORIAL),
            "supervisor": any(u in chain for u in self.covers(a, "supervises")),
            "commander": any(u in chain for u in self.covers(a, "commands")),
            "summoned": a in t["summoned"],
            "place": a in place or any(u in place for u in served),
        }[role]

    def conflict(self, t, a, c):
        holder_side = a != "@system" and self.staff(t["holder"], a)
        log = t["log"]
        if c == "holder":
            return holder_side
        if c == "handler":
            return holder_side or any(k == "handle" and x == a for k, x, _ in log)
        if c == "requester":
            req = [x for k, x, _ in log if k == "request_extension"]
            return holder_side or (bool(req) and req[-1] == a)
        if c == "returner":
            moves = [(k, x, tgt) for k, x, tgt in log if k in ("return", "dispatch", "escalate")]
            if not moves or moves[-1][0] != "return":
                return False
            returning = moves[-2][2] if len(moves) > 1 else None
            return moves[-1][1] == a or (a != "@system" and returning is not None and self.staff(returning, a))
        raise ValueError(c)

    def jurisdiction(self, dept, place, category=None):
        chain = self.chain(place)
        for e in self.edges:
            if e["kind"] == "jurisdiction" and e["from"] == dept and e["to"] in chain:
                if category is None or any(p == "*" or p == category or category.startswith(p + ".") for p in e["categories"]):
                    return True
        return False

    def dispatchable(self, a, t, target):
        if self.auth.get("dispatchTo", "jurisdiction") == "anywhere":
            return True
        depts = [target] if self.kind[target] == "department" else [
            o for o in self.out(target, "member_of") if self.kind[o] == "department"]
        if depts:
            return any(self.jurisdiction(d, t["unit"], t["category"]) for d in depts)
        # The host system's territory is the whole hierarchy.
        territory = [] if a == "@system" else ([a] if self.kind[a] in self.TERRITORIAL else []) + \
            [u for u in self.out(a, "serves") + self.out(a, "leads") if self.kind[u] in self.TERRITORIAL] + \
            self.covers(a, "commands")
        inside = lambda u: a == "@system" or any(x in territory for x in self.chain(u))
        if self.kind[target] in self.TERRITORIAL:
            return inside(target)
        places = self.out(target, "serves") + [u for o in self.out(target, "member_of") for u in self.out(o, "serves")]
        return any(inside(u) for u in places)

    def outcome(self, t, a, action):
        """None if allowed, else the error code (the lifecycle is assumed to allow it)."""
        kind = action["type"]
        if not any(self.has(t, a, r) for r in self.allow[kind]):
            return "ticket.unauthorized"
        if any(self.conflict(t, a, c) for c in self.separate.get(kind, [])):
            return "ticket.separation_of_duty"
        if kind == "dispatch" and not self.dispatchable(a, t, action["to"]):
            return "ticket.out_of_jurisdiction"
        if kind == "whistle" and self.auth.get("dispatchTo", "jurisdiction") != "anywhere" and not all(
                self.jurisdiction(d, t["unit"]) for d in action["departments"]):
            return "ticket.out_of_jurisdiction"
        return None


# The situations of the role matrix: a prefix of actions on T1 (reported by w1 in building b3,
# held by grid g1), the ticket as the model sees it afterwards, and the actions tried there
# with the state each leads to.
def _situations():
    base = {"unit": "b3", "home": "g1", "holder": "g1", "dispatcher": None, "summoned": set(),
            "log": [], "category": "livelihood.repair"}

    def after(steps, **changes):
        t = dict(base, log=[(k, a, tgt) for k, a, tgt in steps])
        t.update(changes)
        return t

    filed = [("file", "zx", None)]
    dispatched = filed + [("dispatch", "zx", "g1")]
    in_progress = dispatched + [("acknowledge", "w1", None)]
    handled = in_progress + [("handle", "w1", None)]
    ext = {"type": "request_extension", "until": t(60 * 24 * 10), "reason": "材料未到"}
    return [
        ("reported", [], after([]), [
            (A["file"], "filed"), (A["reject"], "rejected"), ({"type": "merge", "into": "T0"}, "merged"),
            (A["supervise"], "reported"), ({"type": "remind", "deadline": "reply"}, "reported")]),
        ("filed", filed, after(filed), [
            ({"type": "dispatch", "to": "g1"}, "dispatched"), ({"type": "dispatch", "to": "w3"}, "dispatched"),
            ({"type": "dispatch", "to": "g9"}, "dispatched"), ({"type": "dispatch", "to": "smr"}, "dispatched"),
            ({"type": "dispatch", "to": "smr2"}, "dispatched"), ({"type": "escalate"}, "dispatched"),
            (A["suspend"], "suspended")]),
        ("dispatched", dispatched, after(dispatched, dispatcher="g1"), [
            (A["acknowledge"], "in_progress"), (A["return"], "filed"), (ext, "dispatched"),
            ({"type": "whistle", "departments": ["smr"]}, "dispatched"),
            ({"type": "whistle", "departments": ["smr2"]}, "dispatched"),
            ({"type": "set_deadline", "deadline": "handle", "due": "2099-01-01T00:00:00+08:00"}, "dispatched"),
            (A["remind"], "dispatched"), (A["record_refusal"], "dispatched")]),
        ("in progress", in_progress, after(in_progress, dispatcher="g1"), [
            (A["handle"], "handled"), (ext, "in_progress"), (A["suspend"], "suspended"),
            ({"type": "rule_fired", "rule": "late", "breach": t(30)}, "in_progress"),
            ({"type": "recheck", "deadline": "handle"}, "in_progress"), (A["supervise"], "in_progress")]),
        ("extension pending", in_progress + [("request_extension", "w1", None)],
         after(in_progress + [("request_extension", "w1", None)], dispatcher="g1"), [
            (A["grant_extension"], "in_progress")]),
        ("handled", handled, after(handled, dispatcher="g1"), [
            (A["verify_pass"], "verified"), (A["verify_fail"], "in_progress")]),
        ("verified", handled + [("verify", "zx", None)], after(handled + [("verify", "zx", None)], dispatcher="g1"), [
            (A["visit_satisfied"], "closed"), (A["close"], "closed")]),
        ("returned by a centre member who serves the grid", dispatched + [("return", "zx2", None)],
         after(dispatched + [("return", "zx2", None)]), [
            ({"type": "dispatch", "to": "g2"}, "dispatched")]),
        ("summoned", in_progress + [("whistle", "zx", None)],
         after(in_progress + [("whistle", "zx", None)], dispatcher="g1", summoned={"smr", "cg"}), [
            ({"type": "sign_whistle"}, "in_progress"), ({"type": "release_whistle", "department": "cg"}, "in_progress")]),
    ]


def _prefix_ops(steps):
    ops = [op("t.report", ticket=report("T0"), actor="zone", at=t(0)),
           op("t.report", ticket=report("T1"), actor="w1", at=t(1))]
    for i, (kind, actor, target) in enumerate(steps):
        action = {"dispatch": {"type": "dispatch", "to": target}, "return": A["return"],
                  "request_extension": {"type": "request_extension", "until": t(60 * 24 * 10), "reason": "材料未到"},
                  "verify": A["verify_pass"], "whistle": {"type": "whistle", "departments": ["smr", "cg"]}}.get(
            kind, {"type": kind})
        if kind == "handle":
            action = A["handle"]
        ops.append(op("t.apply", ticket="T1", actor=actor, at=t(2 + i), action=action))
    return ops


def authority_cases():
    cases = []
    setup = {"hierarchy": AUTH}
    actors = ["@system"] + AUTH_ORDER
    for preset_name in ("gbt30428", "hotline12345"):
        model = Model(AUTH, preset(preset_name))
        for sit, steps, ticket, tries in _situations():
            for action, nxt in tries:
                at = t(2 + len(steps))
                ops = _prefix_ops(steps)
                allowed = []
                for a in actors:
                    code = model.outcome(ticket, a, action)
                    if code is None:
                        allowed.append(a)
                        ops.append(op("t.check", ticket="T1", actor=a, at=at, action=action, expect=nxt))
                    else:
                        ops.append(op("t.apply", ticket="T1", actor=a, at=at, action=action, error=code,
                                      details={"ticket": "T1", "actor": a}))
                ops.append(op("t.who_can", ticket="T1", at=at, action=action, expect=allowed))
                cases.append(case(f"{preset_name}: {sit}: who may {json.dumps(action, ensure_ascii=False)}",
                                  ops, dict(setup, authority=preset_name)))
    return cases + red_team_cases()


AUTH_ORDER = [n["id"] for n in AUTH["nodes"]]


def red_team_cases():
    """Self-serving and out-of-territory attempts, each refused with its own code; the runners
    check that every refused action leaves the ledger's log byte-identical."""
    cases = []
    setup = {"hierarchy": AUTH}

    def c(name, ops, s=None):
        cases.append(case(f"red team: {name}", ops, s or setup))

    ap = lambda action, minute, actor, tid="T1", **kw: op("t.apply", ticket=tid, actor=actor, at=t(minute), action=action, **kw)
    deadline_2099 = {"type": "set_deadline", "deadline": "handle", "due": "2099-01-01T00:00:00+08:00"}
    # A property company holding a ticket tries to supervise itself.
    pm_holds = [op("t.report", ticket=report(holder="pm"), actor="w1", at=t(0)),
                ap(A["file"], 1, "zx"), ap({"type": "dispatch", "to": "pm"}, 2, "zx"), ap(A["acknowledge"], 3, "pm")]
    no = lambda action, minute, code, actor="pm": ap(action, minute, actor, error=code, details=(
        {"actor": actor} if code == "ticket.unknown_actor" else {"ticket": "T1"} if code == "ticket.illegal_transition"
        else {"ticket": "T1", "actor": actor}))
    c("a property company holding a ticket cannot move its own deadline, grant its own extension, "
      "write the engine's records, stop its clock or close its own work", pm_holds + [
        no(deadline_2099, 4, "ticket.unauthorized"),
        ap(A["request_extension"], 5, "pm", expect="in_progress"),
        no(A["grant_extension"], 6, "ticket.unauthorized"),
        no({"type": "rule_fired", "rule": "late", "breach": t(4)}, 6, "ticket.unauthorized"),
        no({"type": "recheck", "deadline": "handle"}, 6, "ticket.unauthorized"),
        no({"type": "recheck", "deadline": "handle", "at": "2099-01-01T00:00:00+08:00"}, 6, "ticket.unauthorized"),
        no(A["suspend"], 6, "ticket.unauthorized"),
        no(A["supervise"], 6, "ticket.unauthorized"),
        no(A["remind"], 6, "ticket.unauthorized"),
        no({"type": "escalate"}, 6, "ticket.unauthorized"),
        no({"type": "whistle", "departments": ["smr"]}, 6, "ticket.unauthorized"),
        no({"type": "sign_whistle"}, 6, "ticket.unauthorized"),
        ap(A["grant_extension"], 7, "zx", expect="in_progress"),
        no({"type": "park", "reason": "挂账"}, 8, "ticket.unauthorized"),
        ap(A["handle"], 9, "pm", expect="handled"),
        no(A["verify_pass"], 10, "ticket.unauthorized"),
        no(deadline_2099, 10, "ticket.unauthorized"),
        ap(A["verify_pass"], 11, "zx", expect="verified"),
        no(A["close"], 12, "ticket.unauthorized"),
        no(A["visit_satisfied"], 12, "ticket.unauthorized"),
        no(A["visit_satisfied"], 12, "ticket.unauthorized", actor="w1"),
        op("t.state", ticket="T1", expect="verified"),
        ap(A["visit_satisfied"], 13, "zx1", expect="closed"),
        no(A["reopen"], 14, "ticket.unauthorized"),
        op("t.get", ticket="T1", subset={"state": "closed", "holder": "pm", "extended": True}),
        op("t.roundtrip", expect=True)])
    c("the holder's own grid worker may not verify, close or rate the grid's work", [
        op("t.report", ticket=report(), actor="w1", at=t(0)), ap(A["file"], 1, "zx"),
        ap(A["dispatch"], 2, "zx"), ap(A["acknowledge"], 3, "w1"), ap(A["handle"], 4, "w1"),
        no(A["verify_pass"], 5, "ticket.separation_of_duty", actor="w1"),
        no(A["verify_pass"], 5, "ticket.separation_of_duty", actor="zx2"),
        no(A["verify_pass"], 5, "ticket.separation_of_duty", actor="g1"),
        ap(A["verify_pass"], 5, "hh", expect="verified"),
        no(A["visit_satisfied"], 6, "ticket.separation_of_duty", actor="zx2"),
        no(A["close"], 6, "ticket.separation_of_duty", actor="zx2"),
        ap(A["close"], 6, "zx1", expect="closed")])
    c("someone who handled a ticket may not verify it, even with another role", [
        op("t.report", ticket=report(holder="hh"), actor="hh", at=t(0)), ap(A["file"], 1, "zx"),
        ap({"type": "dispatch", "to": "zx2"}, 2, "zx"), ap(A["acknowledge"], 3, "zx2"), ap(A["handle"], 4, "zx2"),
        no(A["verify_pass"], 5, "ticket.separation_of_duty", actor="zx2"),
        no(A["visit_satisfied"], 5, "ticket.illegal_transition", actor="zx2"),
        ap(A["verify_pass"], 6, "zx1", expect="verified"),
        no(A["visit_satisfied"], 7, "ticket.separation_of_duty", actor="zx2"),
        no(A["close"], 7, "ticket.separation_of_duty", actor="zx2")])
    c("a centre member serving the holding grid may not decide its own extension, set its own "
      "deadline, suspend or release itself", [
        op("t.report", ticket=report(), actor="w1", at=t(0)), ap(A["file"], 1, "zx"),
        ap(A["dispatch"], 2, "zx2", expect="dispatched"), ap(A["acknowledge"], 3, "w1"),
        ap(A["request_extension"], 4, "zx2", expect="in_progress"),
        no(A["grant_extension"], 5, "ticket.separation_of_duty", actor="zx2"),
        no(deadline_2099, 5, "ticket.separation_of_duty", actor="zx2"),
        no(A["suspend"], 5, "ticket.separation_of_duty", actor="zx2"),
        ap(A["grant_extension"], 5, "zx1", expect="in_progress"),
        ap({"type": "whistle", "departments": ["smr"]}, 6, "zx2", expect="in_progress"),
        no({"type": "release_whistle", "department": "smr"}, 7, "ticket.separation_of_duty", actor="zx2"),
        ap({"type": "release_whistle", "department": "smr"}, 7, "zx1", expect="in_progress")])
    c("whoever returned a ticket may not decide the return by dispatching it again", [
        op("t.report", ticket=report(), actor="w1", at=t(0)), ap(A["file"], 1, "zx"),
        ap(A["dispatch"], 2, "zx"), ap(A["return"], 3, "zx2", expect="filed"),
        no({"type": "dispatch", "to": "g1"}, 4, "ticket.separation_of_duty", actor="zx2"),
        no({"type": "dispatch", "to": "g1"}, 4, "ticket.unauthorized", actor="w1"),
        ap({"type": "dispatch", "to": "g1"}, 4, "zx1", expect="dispatched"),
        ap(A["acknowledge"], 5, "w1"), ap(A["return"], 6, "w1", expect="filed"),
        no({"type": "dispatch", "to": "g2"}, 7, "ticket.separation_of_duty", actor="zx2"),
        ap({"type": "dispatch", "to": "g2"}, 7, "zx", expect="dispatched")])
    c("a centre does not hold tickets", [
        op("t.report", ticket=report(holder="zx"), actor="w1", at=t(0), error="ticket.invalid_target"),
        op("t.report", ticket=report(), actor="w1", at=t(0)), ap(A["file"], 1, "zx"),
        ap({"type": "dispatch", "to": "zx"}, 2, "zx", error="ticket.invalid_target"),
        ap({"type": "dispatch", "to": "hhz"}, 2, "zx", error="ticket.invalid_target")])
    c("centres: who may supervise and command, and what", [
        op("h.add", id="c2", kind="operations_centre", name="第二中心"),
        op("h.supervise", centre="smr", unit="zone", error="hierarchy.edge_kinds"),
        op("h.command", centre="c2", unit="g1", error="hierarchy.edge_kinds", details={"from": "c2", "to": "g1"}),
        op("h.supervise", centre="c2", unit="w1", error="hierarchy.edge_kinds"),
        op("h.serve", who="c2", unit="xhct", error="hierarchy.edge_kinds"),
        op("h.supervise", centre="c2", unit="hh"), op("h.command", centre="c2", unit="town"),
        op("h.supervise", centre="c2", unit="hh", error="hierarchy.duplicate_edge"),
        op("h.targets", id="c2", kind="supervises", expect=["hh"]),
        op("h.sources", id="town", kind="commands", expect=["c2"])])
    c("a community station may not dispatch to another community's grid worker or another district", [
        op("t.report", ticket=report(), actor="w1", at=t(0)), ap(A["file"], 1, "hhz"),
        no({"type": "dispatch", "to": "w3"}, 2, "ticket.out_of_jurisdiction", actor="hhz"),
        no({"type": "dispatch", "to": "g3"}, 2, "ticket.out_of_jurisdiction", actor="hhz"),
        no({"type": "dispatch", "to": "g9"}, 2, "ticket.out_of_jurisdiction", actor="hhz"),
        no({"type": "dispatch", "to": "w9"}, 2, "ticket.out_of_jurisdiction", actor="zx"),
        no({"type": "dispatch", "to": "smr2"}, 2, "ticket.out_of_jurisdiction", actor="zx"),
        no({"type": "dispatch", "to": "w3"}, 2, "ticket.unauthorized", actor="hh"),
        op("t.why_not", ticket="T1", actor="hhz", at=t(2), action={"type": "dispatch", "to": "w3"},
           subset={"code": "ticket.out_of_jurisdiction", "rule": "jurisdiction.dispatch",
                   "details": {"actor": "hhz", "target": "w3"}}),
        ap({"type": "dispatch", "to": "w1"}, 2, "hhz", expect="dispatched"),
        op("t.state", ticket="T1", expect="dispatched")])
    c("a report may not name a holder outside the reporter's territory or a department without jurisdiction", [
        op("t.report", ticket=report(holder="g9"), actor="w1", at=t(0), error="ticket.out_of_jurisdiction",
           details={"ticket": "T1", "actor": "w1", "target": "g9"}),
        op("t.report", ticket=report(holder="smr2"), actor="@system", at=t(0), error="ticket.out_of_jurisdiction"),
        op("t.report", ticket=report(holder="w3"), actor="w1", at=t(0), error="ticket.out_of_jurisdiction"),
        op("t.report", ticket=report(), actor="w9", at=t(0), error="ticket.unauthorized"),
        op("t.report", ticket=report(), actor="smr", at=t(0), error="ticket.unauthorized"),
        op("t.report", ticket=report(holder="smr"), actor="w1", at=t(0)),
        op("t.get", ticket="T1", subset={"holder": "smr", "responsibleUnit": "g1"})])
    c("a whistle may summon only departments with jurisdiction over the place", [
        op("t.report", ticket=report(), actor="w1", at=t(0)), ap(A["file"], 1, "zx"), ap(A["dispatch"], 2, "zx"),
        no({"type": "whistle", "departments": ["smr", "smr2"]}, 3, "ticket.out_of_jurisdiction", actor="zx"),
        op("t.events", ticket="T1", expect=3),
        no({"type": "sign_whistle"}, 4, "ticket.unauthorized", actor="smr"),
        ap({"type": "whistle", "departments": ["smr"]}, 4, "zx", expect="dispatched"),
        no({"type": "sign_whistle"}, 5, "ticket.unauthorized", actor="cg"),
        no({"type": "report_whistle"}, 5, "ticket.illegal_transition", actor="smr"),
        no({"type": "release_whistle", "department": "smr"}, 5, "ticket.unauthorized", actor="smr")])
    c("the host system does only the engine's work", [
        op("t.report", ticket=report(), actor="@system", at=t(0)),
        no(A["file"], 1, "ticket.unauthorized", actor="@system"),
        no(A["reject"], 1, "ticket.unauthorized", actor="@system"),
        ap(A["file"], 1, "zx"), ap(A["dispatch"], 2, "zx"),
        no(A["acknowledge"], 3, "ticket.unauthorized", actor="@system"),
        ap(A["acknowledge"], 3, "w1"), ap(A["handle"], 4, "w1"),
        no(A["verify_pass"], 5, "ticket.unauthorized", actor="@system"),
        ap(A["verify_pass"], 5, "zx"),
        no(A["close"], 6, "ticket.unauthorized", actor="@system"),
        no(A["visit_satisfied"], 6, "ticket.unauthorized", actor="@system"),
        ap({"type": "remind", "deadline": "reply"}, 6, "@system", expect="verified")])
    c("actors outside the hierarchy and reserved ids", [
        op("h.add", id="@system", kind="department", name="冒充系统", error="hierarchy.reserved_id", details={"id": "@system"}),
        op("h.add", id="@root", kind="grid", name="x", error="hierarchy.reserved_id"),
        op("t.report", ticket=report(), actor="w1", at=t(0)),
        no(A["file"], 1, "ticket.unknown_actor", actor="@admin"),
        no(A["file"], 1, "ticket.unknown_actor", actor="SYSTEM")])
    c("a department that is not summoned may not sign or report for another", [
        op("t.report", ticket=report(), actor="w1", at=t(0)), ap(A["file"], 1, "zx"), ap(A["dispatch"], 2, "zx"),
        ap(A["acknowledge"], 3, "w1"), ap({"type": "whistle", "departments": ["smr", "cg"]}, 4, "zx"),
        no({"type": "sign_whistle"}, 5, "ticket.unauthorized", actor="zj"),
        no({"type": "report_whistle"}, 5, "ticket.unauthorized", actor="zj"),
        no({"type": "sign_whistle"}, 5, "ticket.unauthorized", actor="zx"),
        ap({"type": "sign_whistle"}, 5, "smr", expect="in_progress")])
    c("a return after an escalation by the engine goes to the command centre", [
        op("t.report", ticket=report(), actor="w1", at=t(0)), ap(A["file"], 1, "zx"), ap(A["dispatch"], 2, "zx"),
        ap({"type": "escalate", "to": "town"}, 3, "@system", expect="dispatched"),
        op("t.get", ticket="T1", subset={"holder": "town", "dispatcher": "zx"}),
        ap(A["return"], 4, "town", expect="filed"),
        op("t.get", ticket="T1", subset={"holder": "zx"}),
        no({"type": "dispatch", "to": "g1"}, 5, "ticket.unauthorized", actor="town"),
        ap({"type": "dispatch", "to": "g2"}, 5, "zx", expect="dispatched")])

    # Logs and tables: every loader checks the authority unless the history is trusted.
    hist = [("T1", "w1", 0, {"type": "report", "id": "T1", "category": "livelihood.repair", "unit": "b3"}),
            ("T1", "zx", 1, {"type": "file"}), ("T1", "zx", 2, {"type": "dispatch", "to": "g1"}),
            ("T1", "w1", 3, {"type": "acknowledge"}), ("T1", "w1", 4, {"type": "handle", "outcome": "已处理"}),
            ("T1", "w1", 5, {"type": "verify", "passed": True}),
            ("T1", "w1", 6, {"type": "visit", "satisfaction": "satisfied"})]
    c("a re-chained log in which the handler verified and rated its own work is refused on replay", [
        op("t.load_jsonl", text=write_log(hist), error="log.replay_refused",
           details={"line": 6, "error": {"ticket": "T1", "actor": "w1", "action": "verify", "conflict": "handler"}})])
    c("the same log loads as trusted history", [
        op("t.load_jsonl", text=write_log(hist), trusted=True, expect=1), op("t.state", ticket="T1", expect="closed")])
    c("a re-chained log in which the holder moved its own deadline is refused on replay", [
        op("t.load_jsonl", text=write_log(hist[:4] + [("T1", "w1", 4, {"type": "set_deadline", "deadline": "handle", "due": "2099-01-01T00:00:00+08:00"})]),
           error="log.replay_refused", details={"line": 5, "error": {"actor": "w1", "action": "set_deadline"}})])
    c("replayed events are checked too", [
        op("t.replay", events=[{"seq": i, "ticket": tk, "actor": a, "at": t(m), "action": act}
                               for i, (tk, a, m, act) in enumerate(hist)], error="ticket.separation_of_duty"),
        op("t.replay", events=[{"seq": i, "ticket": tk, "actor": a, "at": t(m), "action": act}
                               for i, (tk, a, m, act) in enumerate(hist)], trusted=True, expect=1)])
    rows = [{"ticket": "T1", "at": t(0), "actor": "w1", "type": "report", "category": "livelihood.repair", "unit": "b3"},
            {"ticket": "T1", "at": t(1), "actor": "w1", "type": "file"},
            {"ticket": "T1", "at": t(1), "actor": "zx", "type": "file"},
            {"ticket": "T1", "at": t(2), "actor": "hh", "type": "dispatch", "to": "g1"},
            {"ticket": "T1", "at": t(2), "actor": "zx", "type": "dispatch", "to": "g9"},
            {"ticket": "T1", "at": t(2), "actor": "zx", "type": "dispatch", "to": "g1"},
            {"ticket": "T1", "at": t(3), "actor": "w1", "type": "set_deadline", "deadline": "handle", "due": "2099-01-01T00:00:00+08:00"},
            {"ticket": "T1", "at": t(3), "actor": "w1", "type": "acknowledge"}]
    c("a table of events reports every row the authority refuses, and keeps the others", [
        op("t.load_rows", rows=rows, expect={"errors": [[2, "ticket.unauthorized"], [4, "ticket.unauthorized"],
                                                        [5, "ticket.out_of_jurisdiction"], [7, "ticket.unauthorized"]]}),
        op("t.state", ticket="T1", expect="in_progress"), op("t.events", ticket="T1", expect=4)])
    c("a table of events as trusted history", [
        op("t.load_rows", rows=rows[:2] + rows[3:4], trusted=True, expect={"errors": []}),
        op("t.state", ticket="T1", expect="dispatched")])

    # Asking before acting.
    c("can and why_not: the rule that refuses, in English and Chinese", [
        op("t.report", ticket=report(), actor="w1", at=t(0)),
        op("t.can", ticket="T1", actor="zx", at=t(1), action=A["file"], expect=True),
        op("t.can", ticket="T1", actor="w1", at=t(1), action=A["file"], expect=False),
        op("t.why_not", ticket="T1", actor="zx", at=t(1), action=A["file"], expect=None),
        op("t.why_not", ticket="T1", actor="w1", at=t(1), action=A["file"], expect={
            "code": "ticket.unauthorized", "rule": "allow.file",
            "en": "under gbt30428, file may be taken only by the supervising centre; w1 is none of them",
            "zh": "按gbt30428规则，立案只能由监督中心进行；w1不在其列",
            "details": {"ticket": "T1", "state": "reported", "action": "file", "actor": "w1", "holder": "g1",
                        "allowed": ["supervisor"]}}),
        op("t.why_not", ticket="T1", actor="w1", at=t(1), action=A["close"], subset={
            "code": "ticket.illegal_transition", "rule": "lifecycle.reported.close"}),
        op("t.why_not", ticket="T9", actor="w1", at=t(1), action=A["file"], subset={"code": "ticket.unknown_ticket"}),
        op("t.why_not", ticket="T2", actor="w9", at=t(1), action={"type": "report", "id": "T2", "category": "livelihood.repair", "unit": "b3"},
           subset={"code": "ticket.unauthorized", "rule": "allow.report"}),
        op("t.can", ticket="T2", actor="w1", at=t(1), action={"type": "report", "id": "T2", "category": "livelihood.repair", "unit": "b3"}, expect=True),
        ap(A["file"], 1, "zx"), ap(A["dispatch"], 2, "zx"), ap(A["acknowledge"], 3, "w1"), ap(A["handle"], 4, "w1"),
        op("t.why_not", ticket="T1", actor="w1", at=t(5), action=A["verify_pass"], expect={
            "code": "ticket.separation_of_duty", "rule": "separate.handler",
            "en": "w1 handled this ticket or works for the unit that did: whoever handled a ticket may not verify it",
            "zh": "w1是处置方或其人员：处置方不得核查自己处置的工单",
            "details": {"ticket": "T1", "state": "handled", "action": "verify", "actor": "w1", "conflict": "handler"}}),
        op("t.events", ticket="T1", expect=5)])

    # The 12345 preset.
    s12345 = dict(setup, authority="hotline12345")
    c("12345: the hotline centre takes, dispatches, follows up and visits; the handling unit only handles", [
        op("t.report", ticket=report(channel="hotline_12345"), actor="rx1", at=t(0)),
        op("t.get", ticket="T1", subset={"channel": "hotline_12345"}),
        no(A["file"], 1, "ticket.unauthorized", actor="hh"),
        ap(A["file"], 1, "rx1", expect="filed"),
        ap({"type": "dispatch", "to": "hh"}, 2, "rx", expect="dispatched"),
        ap(A["acknowledge"], 3, "hh"),
        no({"type": "escalate"}, 4, "ticket.unauthorized", actor="hh"),
        ap({"type": "whistle", "departments": ["smr"]}, 4, "hh", expect="in_progress"),
        ap({"type": "sign_whistle"}, 5, "smr"), ap({"type": "report_whistle"}, 6, "smr"),
        ap(A["handle"], 7, "hh", expect="handled"),
        no(A["verify_pass"], 8, "ticket.unauthorized", actor="hh"),
        no(A["verify_pass"], 8, "ticket.unauthorized", actor="town"),
        ap(A["verify_pass"], 8, "rx1", expect="verified"),
        no(A["visit_satisfied"], 9, "ticket.unauthorized", actor="hh"),
        ap(A["visit_satisfied"], 9, "rx1", expect="closed")], s12345)
    c("12345: a return after an escalation goes to the escalating body (the engine's: the centre)", [
        op("t.report", ticket=report(), actor="rx1", at=t(0)), ap(A["file"], 1, "rx1"), ap(A["dispatch"], 2, "rx"),
        ap({"type": "escalate"}, 3, "rx1", expect="dispatched"),
        op("t.get", ticket="T1", subset={"holder": "hh", "dispatcher": "rx1"}),
        ap(A["return"], 4, "hh", expect="filed"), op("t.get", ticket="T1", subset={"holder": "rx1"}),
        op("t.report", ticket=report("T2"), actor="rx1", at=t(0)), ap(A["file"], 1, "rx1", tid="T2"),
        ap(A["dispatch"], 2, "rx", tid="T2"), ap({"type": "escalate"}, 3, "@system", tid="T2"),
        # The nearest centre commanding 弘湖社区 is its own station.
        op("t.get", ticket="T2", subset={"holder": "hh", "dispatcher": "hhz"})], s12345)

    # Migration.
    legacy = [("T1", "hh", 0, {"type": "report", "id": "T1", "category": "livelihood.repair", "unit": "b3"}),
              ("T1", "hh", 1, {"type": "file"}), ("T1", "hh", 2, {"type": "dispatch", "to": "g1"}),
              ("T1", "w1", 3, {"type": "acknowledge"}), ("T1", "w1", 4, {"type": "handle", "outcome": "已处理"}),
              ("T1", "w1", 5, {"type": "verify", "passed": True}), ("T1", "w1", 6, {"type": "visit", "satisfaction": "satisfied"})]
    c("a history recorded before the separation of duties is refused under the default authority", [
        op("t.load_jsonl", text=write_log(legacy), error="log.replay_refused", details={"line": 2, "error": {"actor": "hh", "action": "file"}})])
    c("it replays under the legacy_permissive migration authority", [
        op("t.load_jsonl", text=write_log(legacy), expect=1), op("t.state", ticket="T1", expect="closed"),
        op("t.roundtrip", expect=True)], dict(setup, authority="legacy_permissive"))
    c("the legacy rule sends a return after an escalation back to the previous holder", [
        op("t.report", ticket=report(), actor="hh", at=t(0)), ap(A["file"], 1, "hh"), ap(A["dispatch"], 2, "hh"),
        ap({"type": "escalate"}, 3, "@system", expect="dispatched"),
        op("t.get", ticket="T1", subset={"holder": "hh", "dispatcher": "g1"})], dict(setup, authority="legacy_permissive"))

    # Authority documents.
    gb = preset("gbt30428")
    bad = lambda **edits: dict(gb, **edits)
    for name, document, code in [
        ("not JSON", "{", "authority.malformed"),
        ("another format", bad(format="wangge.roles"), "authority.unsupported_format"),
        ("another version", bad(version=2), "authority.unsupported_format"),
        ("an unknown field", bad(extra=1), "authority.malformed"),
        ("an unknown role", bad(allow=dict(gb["allow"], file=["mayor"])), "authority.malformed"),
        ("an unknown action", bad(allow=dict(gb["allow"], teleport=[])), "authority.unknown_action"),
        ("a missing action", bad(allow={k: v for k, v in gb["allow"].items() if k != "visit"}), "authority.missing_action"),
        ("the holder setting deadlines", bad(allow=dict(gb["allow"], set_deadline=["system", "holder"])), "authority.unsafe"),
        ("anyone but the system writing rule_fired", bad(allow=dict(gb["allow"], rule_fired=["system", "commander"])), "authority.unsafe"),
        ("recheck by the holder", bad(allow=dict(gb["allow"], recheck=["holder"])), "authority.unsafe"),
        ("no separation of duties", bad(separate=[]), "authority.missing_separation"),
        ("dispatch anywhere", bad(dispatchTo="anywhere"), "authority.unsafe"),
        ("returns back to the previous holder", bad(returnAfterEscalation="previous_holder"), "authority.unsafe"),
        ("an unknown preset", "lax", "authority.unknown_preset"),
    ]:
        c(f"authority document refused: {name}", [op("a.load", document=document, error=code)])
    c("authority presets and documents load", [
        op("a.load", document="gbt30428", expect="gbt30428"), op("a.load", document="hotline12345", expect="hotline12345"),
        op("a.load", document="legacy_permissive", expect="legacy_permissive"),
        op("a.load", document=dict(gb, name="本市规则"), expect="本市规则"),
        op("a.load", document=dict(gb, name="migration", separate=[], dispatchTo="anywhere", migration=True), expect="migration")])
    c("a ledger under a custom authority document", [
        op("t.report", ticket=report(), actor="w1", at=t(0)),
        ap(A["file"], 1, "hh", expect="filed")],
      dict(setup, authority=dict(gb, name="社区立案", allow=dict(gb["allow"], file=["supervisor", "territorial_ancestor"]))))
    return cases


# ---------------------------------------------------------------------------------------------
# Calendar: a minute-by-minute model of the 2025 working calendar

CST = dt.timezone(dt.timedelta(hours=8))
SPANS = [(8 * 60 + 30, 12 * 60), (14 * 60, 17 * 60 + 30)]


class Beyond(Exception):
    """A computation reached a day outside the calendar's covered years."""

    def __init__(self, day):
        super().__init__(day)
        self.day = day


def notice(year):
    """The exceptions and covered years of a shipped notice (core/src/calendar/cn-YYYY.txt)."""
    out, covers = {}, set()
    for line in (ROOT / f"core/src/calendar/cn-{year}.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        if line.startswith("covers"):
            covers.update(int(y) for y in line.split()[1:])
            continue
        date, kind = line.split()[:2]
        out[dt.date.fromisoformat(date)] = kind
    return out, covers


class Cal:
    """A minute-by-minute model of a calendar: the office week, exceptions, covered years
    (none: a plain weekly pattern) and whether days beyond them are ordinary weeks."""

    def __init__(self, years=(), lenient=False):
        self.exc, self.covers = {}, set()
        for y in years:
            e, c = notice(y)
            self.exc.update(e)
            self.covers |= c
        self.lenient = lenient

    def reach(self, first, last):
        if not self.covers or self.lenient:
            return
        d = first
        while d <= last:
            if d.year not in self.covers:
                raise Beyond(d)
            d = dt.date(d.year + 1, 1, 1)

    def working_day(self, d):
        if d in self.exc:
            return self.exc[d] == "working"
        return d.weekday() < 5

    def working_minute(self, m):
        """Whether the minute starting at instant m (a naive CST datetime) is working time."""
        if not self.working_day(m.date()):
            return False
        x = m.hour * 60 + m.minute
        return any(a <= x < b for a, b in SPANS)

    def add_minutes(self, start, n):
        cur = start
        if n == 0:
            self.reach(start.date(), start.date())
            return cur
        while True:
            if self.working_minute(cur):
                n -= 1
                if n == 0:
                    end = cur + dt.timedelta(minutes=1)
                    self.reach(start.date(), cur.date())
                    return end
            cur += dt.timedelta(minutes=1)
            if cur.date() > start.date() + dt.timedelta(days=3 * 366):
                raise Beyond(None)

    def between(self, a, b):
        if b <= a:
            return 0
        self.reach(a.date(), (b - dt.timedelta(minutes=1)).date())
        n, cur = 0, a
        while cur < b:
            n += self.working_minute(cur)
            cur += dt.timedelta(minutes=1)
        return n

    def add_days(self, start, n):
        if n == 0:
            self.reach(start.date(), start.date())
            return start
        d = start.date()
        while n:
            d += dt.timedelta(days=1)
            if self.working_day(d):
                n -= 1
        self.reach(start.date(), d)
        return dt.datetime.combine(d, dt.time(17, 30))

    def next_working(self, x):
        cur = x
        while not self.working_minute(cur):
            cur += dt.timedelta(minutes=1)
        self.reach(x.date(), cur.date())
        return cur

    def period_end(self, d, days):
        e = d + dt.timedelta(days=days)
        while not self.working_day(e):
            e += dt.timedelta(days=1)
        self.reach(d, e)
        return e

    def working(self, x):
        self.reach(x.date(), x.date())
        return self.working_minute(x)

    def is_working_day(self, d):
        self.reach(d, d)
        return self.working_day(d)


CN2025 = Cal([2025])
CHINA = Cal([2025, 2026])
EXC = CN2025.exc


def fmt(x):
    return x.replace(tzinfo=CST).isoformat()


def checked(name, f, *args, **fields):
    """An operation whose expected result is the model's, or calendar.beyond_coverage."""
    try:
        value = f(*args)
    except Beyond:
        return op(name, **fields, error="calendar.beyond_coverage")
    if isinstance(value, dt.datetime):
        value = fmt(value)
    elif isinstance(value, dt.date):
        value = value.isoformat()
    return op(name, **fields, expect=value)


def schedule_cases(rnd, cal, year, setup):
    """Random and boundary instants over one year's schedule."""
    cases = []
    anchors = []
    for d in sorted(x for x in cal.exc if x.year == year):
        for delta in (-1, 0):
            day = d + dt.timedelta(days=delta)
            for hh, mm in ((8, 0), (11, 45), (12, 0), (16, 0), (17, 30), (20, 0)):
                anchors.append(dt.datetime.combine(day, dt.time(hh, mm)))
    picked = rnd.sample(anchors, 40) + [dt.datetime(year, 1, 1) + dt.timedelta(minutes=rnd.randrange(0, 365 * 24 * 60 // 15) * 15) for _ in range(20)]
    amounts = [1, 30, 90, 210, 420, 421, 2 * 420, 5 * 420, 10 * 420 + 17]
    ops_add, ops_between, ops_days, ops_work = [], [], [], []
    for i, x in enumerate(picked):
        n = amounts[i % len(amounts)]
        ops_add.append(checked("c.add_minutes", cal.add_minutes, x, n, at=fmt(x), minutes=n))
        z = x + dt.timedelta(minutes=rnd.randrange(0, 14 * 24 * 60))
        ops_between.append(checked("c.between", cal.between, x, z, **{"from": fmt(x), "to": fmt(z)}))
        k = [1, 3, 5, 7, 15][i % 5]
        ops_days.append(checked("c.add_days", cal.add_days, x, k, at=fmt(x), days=k))
        ops_work.append(checked("c.working", cal.working, x, at=fmt(x)))
    for chunk in range(0, len(picked), 6):
        cases.append(case(f"add working minutes across the {year} schedule ({chunk // 6 + 1})", ops_add[chunk:chunk + 6], setup))
        cases.append(case(f"working minutes between two instants, {year} ({chunk // 6 + 1})", ops_between[chunk:chunk + 6], setup))
        cases.append(case(f"add working days, {year} ({chunk // 6 + 1})", ops_days[chunk:chunk + 6], setup))
        cases.append(case(f"is working time, {year} ({chunk // 6 + 1})", ops_work[chunk:chunk + 6], setup))
    days = sorted(x for x in cal.exc if x.year == year)
    cases.append(case(f"holidays and make-up working days of {year}", [checked("c.working_day", cal.is_working_day, d, date=d.isoformat()) for d in days], setup))
    periods = []
    for d in days[::3]:
        for n in (1, 3, 5, 7, 15, 30):
            s = d - dt.timedelta(days=n)
            periods.append(checked("c.period_end", cal.period_end, s, n, start=s.isoformat(), days=n))
    for i in range(0, len(periods), 10):
        cases.append(case(f"Civil Code periods in days (Arts. 201, 203), {year} ({i // 10 + 1})", periods[i:i + 10], setup))
    nexts = [checked("c.next", cal.next_working, x, at=fmt(x)) for x in picked[:12]]
    cases.append(case(f"the next working instant, {year}", nexts, setup))
    return cases


def calendar_cases():
    rnd = random.Random(2025)
    cases = []
    cases += schedule_cases(rnd, CN2025, 2025, {"calendar": "cn-2025"})
    cases += schedule_cases(rnd, CHINA, 2026, {"calendar": "china"})
    setup = {"calendar": "cn-2025"}
    cases.append(case("a period deadline is 24:00 of the last day", [
        op("c.period_deadline", start="2025-09-26T10:00:00+08:00", days=5, expect="2025-10-10T00:00:00+08:00"),
        op("c.period_deadline", start="2025-03-03T10:00:00+08:00", days=3, expect="2025-03-07T00:00:00+08:00")], setup))
    cases.append(case("the article's figures: Friday 16:00 plus two working hours is Sunday 26 Jan 09:00", [
        op("c.add_minutes", at="2025-01-24T16:00:00+08:00", minutes=120, expect="2025-01-26T09:00:00+08:00"),
        op("c.add_minutes", at="2025-01-24T16:00:00+08:00", minutes=90, expect="2025-01-24T17:30:00+08:00"),
        op("c.add_minutes", at="2025-01-24T16:00:00+08:00", minutes=0, expect="2025-01-24T16:00:00+08:00"),
        op("c.between", **{"from": "2025-09-30T12:00:00+08:00", "to": "2025-10-09T09:30:00+08:00"}, expect=270),
        op("c.between", **{"from": "2025-10-09T09:30:00+08:00", "to": "2025-09-30T12:00:00+08:00"}, expect=0)], setup))
    # Across the years: the 2025 notice alone refuses 2026; the shipped calendar knows it.
    crossing = [("2025-12-31T16:00:00", 120), ("2025-12-31T17:00:00", 30), ("2025-12-30T09:00:00", 5 * 420)]
    for name, cal, setup in (("the 2025 notice alone", CN2025, {"calendar": "cn-2025"}), ("the shipped 2025 and 2026 notices", CHINA, {"calendar": "china"})):
        ops = []
        for at, n in crossing:
            x = dt.datetime.fromisoformat(at)
            ops.append(checked("c.add_minutes", cal.add_minutes, x, n, at=fmt(x), minutes=n))
            ops.append(checked("c.add_days", cal.add_days, x, 3, at=fmt(x), days=3))
            ops.append(checked("c.period_end", cal.period_end, x.date(), 3, start=x.date().isoformat(), days=3))
        ops.append(checked("c.between", cal.between, dt.datetime(2025, 12, 31, 9), dt.datetime(2026, 1, 5, 10),
                           **{"from": "2025-12-31T09:00:00+08:00", "to": "2026-01-05T10:00:00+08:00"}))
        ops.append(checked("c.between", cal.between, dt.datetime(2025, 12, 31, 9), dt.datetime(2026, 1, 1),
                           **{"from": "2025-12-31T09:00:00+08:00", "to": "2026-01-01T00:00:00+08:00"}))
        ops.append(checked("c.working_day", cal.is_working_day, dt.date(2026, 1, 4), date="2026-01-04"))
        cases.append(case(f"deadlines across the new year 2026 with {name}", ops, setup))
    late = [("2026-12-31T16:00:00", 120), ("2026-12-25T10:00:00", 10 * 420), ("2026-12-31T08:00:00", 0)]
    beyond = []
    for at, n in late:
        x = dt.datetime.fromisoformat(at)
        beyond.append(checked("c.add_minutes", CHINA.add_minutes, x, n, at=fmt(x), minutes=n))
        beyond.append(checked("c.add_days", CHINA.add_days, x, 5, at=fmt(x), days=5))
        beyond.append(checked("c.next", CHINA.next_working, x + dt.timedelta(hours=10), at=fmt(x + dt.timedelta(hours=10))))
    beyond.append(checked("c.working_day", CHINA.is_working_day, dt.date(2027, 1, 4), date="2027-01-04"))
    beyond.append(checked("c.working", CHINA.working, dt.datetime(2024, 12, 31, 10), at="2024-12-31T10:00:00+08:00"))
    beyond.append(checked("c.period_end", CHINA.period_end, dt.date(2026, 12, 20), 15, start="2026-12-20", days=15))
    beyond.append(checked("c.period_deadline", lambda: CHINA.period_end(dt.date(2026, 12, 28), 5), start="2026-12-28T10:00:00+08:00", days=5))
    cases.append(case("beyond the covered years: a typed error naming the date", beyond, {"calendar": "china"}))
    lenient = Cal([2025, 2026], lenient=True)
    doc = {"format": "wangge.calendar", "version": 2, "week": {d: [["08:30", "12:00"], ["14:00", "17:30"]] for d in ("monday", "tuesday", "wednesday", "thursday", "friday")},
           "covers": [2026], "beyondCoverage": "ordinary_weeks",
           "exceptions": [{"date": d.isoformat(), "kind": k} for d, k in sorted(notice(2026)[0].items())]}
    ops = [op("c.load", document=doc)]
    for at, n in late:
        x = dt.datetime.fromisoformat(at)
        ops.append(checked("c.add_minutes", lenient.add_minutes, x, n, at=fmt(x), minutes=n))
    ops.append(checked("c.working_day", lenient.is_working_day, dt.date(2027, 1, 1), date="2027-01-01"))
    cases.append(case("beyond the covered years as ordinary weeks, by the calendar's opt-in", ops))
    cases.append(case("a notice as text: covers and exceptions", [
        op("c.exceptions", text="covers 2027\n2027-01-01 holiday 元旦\n"),
        op("c.working_day", date="2027-01-01", expect=False),
        op("c.working_day", date="2028-01-03", error="calendar.beyond_coverage"),
        op("c.exceptions", text="covers 20270\n", error="calendar.invalid_line"),
        op("c.exceptions", text="covers\n", error="calendar.invalid_line")], {"calendar": "standard"}))
    cases.append(case("checked arithmetic: no saturated or wrapped result", [
        op("c.add_minutes", at="2025-03-03T09:00:00+08:00", minutes=2 ** 62 // 60, error="calendar.out_of_range"),
        op("c.add_days", at="2025-03-03T09:00:00+08:00", days=4294967295, error="calendar.out_of_range"),
        op("c.period_end", start="9999-12-01", days=100, error="calendar.out_of_range"),
        op("c.add_minutes", at="2025-03-03T09:00:00+08:00", minutes=-1, error="calendar.invalid_amount")], {"calendar": "standard"}))
    cases.append(case("calendar refused: a covered year that is none", [op("c.load", document={
        "format": "wangge.calendar", "version": 2, "week": {"monday": [["08:00", "12:00"]]}, "covers": [20250]}, error="calendar.invalid_year")]))
    cases.append(case("the standard calendar has no holidays", [
        op("c.working_day", date="2025-10-01", expect=True), op("c.working_day", date="2025-09-28", expect=False)],
        {"calendar": "standard"}))
    cases.append(case("exceptions from text", [
        op("c.exceptions", text="2025-03-03 holiday 测试\n"), op("c.working_day", date="2025-03-03", expect=False)],
        {"calendar": "standard"}))
    for name, document, code in [
        ("not JSON", "{", "calendar.malformed"),
        ("wrong format", {"format": "x", "version": 1, "week": {}}, "calendar.unsupported_format"),
        ("no working time at all", {"format": "wangge.calendar", "version": 1, "week": {}}, "calendar.no_working_time"),
        ("a span that ends before it starts", {"format": "wangge.calendar", "version": 1, "week": {"monday": [["12:00", "08:00"]]}}, "calendar.invalid_span"),
        ("overlapping spans", {"format": "wangge.calendar", "version": 1, "week": {"monday": [["08:00", "12:00"], ["11:00", "13:00"]]}}, "calendar.overlapping_spans"),
        ("an invalid offset", {"format": "wangge.calendar", "version": 1, "utcOffset": "+25:00", "week": {"monday": [["08:00", "12:00"]]}}, "calendar.invalid_offset"),
        ("a date twice", {"format": "wangge.calendar", "version": 1, "week": {"monday": [["08:00", "12:00"]]}, "exceptions": [
            {"date": "2025-01-01", "kind": "holiday"}, {"date": "2025-01-01", "kind": "working"}]}, "calendar.duplicate_exception"),
    ]:
        cases.append(case(f"calendar refused: {name}", [op("c.load", document=document, error=code)]))
    cases.append(case("calendar refused: a bad exception line", [op("c.exceptions", text="2025-13-01 holiday\n", error="calendar.invalid_line")], {"calendar": "standard"}))
    cases.append(case("an invalid date", [op("c.working_day", date="2025-02-30", error="time.invalid_date")], {"calendar": "standard"}))
    cases.append(case("an instant that is not RFC 3339", [op("c.working", at="yesterday", error="time.invalid_instant")], {"calendar": "standard"}))
    cases.append(case("an instant out of range", [op("c.working", at="99999-01-01T00:00:00+08:00", error="time.invalid_instant")], {"calendar": "standard"}))
    return cases


# ---------------------------------------------------------------------------------------------
# Escalation


POLICY = {"name": "test", "rules": [{"name": "all", "targets": {"acknowledge": {"workingMinutes": 30}, "handle": {"workingHours": 2}}}]}
ESC = {"name": "e", "top": "district", "rules": [
    {"name": "late", "when": {"type": "deadline_missed", "deadline": "handle"}, "then": [{"type": "escalate"}, {"type": "supervise"}]},
    {"name": "ack-warning", "when": {"type": "deadline_approaching", "deadline": "acknowledge", "before": {"minutes": 10}}, "then": [{"type": "remind"}]},
    {"name": "refusal", "when": {"type": "refusal"}, "then": [{"type": "whistle", "signWithin": {"hours": 1}, "reportWithin": {"workingDays": 3}}]}]}


def escalation_cases():
    setup = dict(LEAK_SETUP, calendar="cn-2025", escalation=ESC, serviceLevels={"policy": POLICY, "since": t(0)})
    rep = op("t.report", ticket=report(), actor="w1", at=t(0))
    f = op("t.apply", ticket="T1", actor="zx", at=t(5), action=A["file"])
    d = op("t.apply", ticket="T1", actor="zx", at=t(10), action=A["dispatch"])
    cases = [
        case("deadlines follow the service levels in working time", [
            rep, f, d, op("t.deadline", ticket="T1", kind="handle", expect="2025-03-03T11:10:00+08:00"),
            op("t.deadline", ticket="T1", kind="acknowledge", expect="2025-03-03T09:40:00+08:00")], setup),
        case("nothing fires before a deadline approaches", [rep, f, d, op("e.evaluate", now=t(15), expect=[])], setup),
        case("a reminder before the acknowledgement deadline", [rep, f, d, op("e.evaluate", now=t(32), expect=[["T1", "ack-warning", "remind"], ["T1", "ack-warning", "rule_fired"]])], setup),
        case("a missed handling deadline escalates and supervises", [
            rep, f, d, op("t.apply", ticket="T1", actor="w1", at=t(20), action=A["acknowledge"]),
            op("e.evaluate", now=t(200), expect=[["T1", "late", "escalate"], ["T1", "late", "supervise"], ["T1", "late", "rule_fired"]])], setup),
        case("a sweep applies the decisions once; a second sweep finds nothing new", [
            rep, f, d, op("t.apply", ticket="T1", actor="w1", at=t(20), action=A["acknowledge"]),
            op("e.sweep", now=t(200), expect=[["T1", "late", "escalate"], ["T1", "late", "supervise"], ["T1", "late", "rule_fired"]]),
            op("t.get", ticket="T1", subset={"holder": "hh", "escalations": 1, "state": "dispatched"}),
            op("e.sweep", now=t(200), expect=[])], setup),
        case("a recorded refusal summons the departments (吹哨)", [
            rep, f, d, op("t.apply", ticket="T1", actor="w1", at=t(20), action=A["acknowledge"]),
            op("t.apply", ticket="T1", actor="w1", at=t(21), action=A["record_refusal"]),
            op("e.sweep", now=t(22), expect=[["T1", "refusal", "whistle"], ["T1", "refusal", "rule_fired"]]),
            op("t.get", ticket="T1", subset={"state": "in_progress"})], setup),
        case("a suspended ticket's clock is paused", [
            rep, f, d, op("t.apply", ticket="T1", actor="w1", at=t(20), action=A["acknowledge"]),
            op("t.apply", ticket="T1", actor="zx", at=t(30), action=A["suspend"]),
            op("e.evaluate", now=t(200), expect=[]),
            op("t.apply", ticket="T1", actor="w1", at=t(90), action=A["resume"]),
            op("t.deadline", ticket="T1", kind="handle", expect="2025-03-03T12:10:00+08:00".replace("12:10", "14:10"))], setup),
        case("closed tickets are left alone", [
            rep, f, d] + [op("t.apply", ticket="T1", actor=who(a), at=t(20 + i), action=A[a]) for i, a in enumerate(
                ["acknowledge", "handle", "verify_pass", "visit_satisfied"])] + [op("e.evaluate", now=t(5000), expect=[])], setup),
    ]
    for name, document, code in [
        ("a rule without a name", {"name": "x", "rules": [{"name": "", "when": {"type": "refusal"}, "then": [{"type": "remind"}]}]}, "policy.invalid_rule"),
        ("an unknown trigger", {"name": "x", "rules": [{"name": "a", "when": {"type": "bogus"}, "then": []}]}, "policy.malformed"),
        ("an escalation to a building, below every grid", {"name": "x", "rules": [{"name": "a", "when": {"type": "refusal"}, "then": [{"type": "escalate", "to": "building"}]}]}, "policy.invalid_rule"),
        ("a top level below the grid", {"name": "x", "top": "compound", "rules": [{"name": "a", "when": {"type": "refusal"}, "then": [{"type": "remind"}]}]}, "policy.invalid_rule"),
        ("not JSON", "{", "policy.malformed"),
    ]:
        cases.append(case(f"escalation policy refused: {name}", [op("e.load", document=document, error=code)]))
    cases.append(case("service policy refused: wrong format", [op("e.service_policy", document={"format": "x", "version": 1, "name": "x", "rules": []}, error="policy.unsupported_format")]))
    cases.append(case("service policy presets load", [op("e.service_policy", document="guangdong_12345", expect=5)]))
    odd = dict(POLICY, rules=[dict(POLICY["rules"][0], name="water", category="water")])
    cases.append(case("service levels whose rule names a category the taxonomy lacks are refused", [
        op("t.report", ticket=report(), actor="w1", at=t(0), error="ticket.unmatched_category")],
        dict(setup, serviceLevels={"policy": odd, "since": t(0)})))
    cases.append(case("a deadline beyond the calendar's years refuses the action and changes nothing", [
        op("t.report", ticket=report(), actor="w1", at="2025-12-31T16:00:00+08:00"),
        op("t.apply", ticket="T1", actor="zx", at="2025-12-31T16:30:00+08:00", action=A["file"]),
        op("t.apply", ticket="T1", actor="zx", at="2025-12-31T17:00:00+08:00", action=A["dispatch"], error="calendar.beyond_coverage"),
        op("t.state", ticket="T1", expect="filed")], setup))
    cases.append(case("a service policy scaled for a what-if, and not by 0 %", [
        op("e.scale", document="guangdong_12345", percent=80, expect="12345 热线 (广东): 咨询2/求助建议10/投诉举报15个工作日 × 80%"),
        op("e.scale", document="guangdong_12345", percent=0, error="policy.invalid_scale", details={"percent": 0})]))
    return cases


# ---------------------------------------------------------------------------------------------
# Consultation: quorum at and around every boundary, by exact fractions


def roll(areas, building="b5", unit_of=lambda i: "1"):
    """A roll of one unit per owner (areas in hundredths)."""
    owners = [{"id": f"o{i}"} for i in range(len(areas))]
    units = [{"id": f"u{i}", "building": building, "buildingUnit": unit_of(i), "area": f"{a // 100}.{a % 100:02d}", "owner": f"o{i}"}
             for i, a in enumerate(areas)]
    return {"format": "wangge.consultation.owner_roll", "version": 1, "owners": owners, "units": units}


COMPOUND = {"format": "wangge.hierarchy", "version": 1,
            "nodes": [{"id": "sjxc", "kind": "compound", "name": "世纪新城小区"}, {"id": "b5", "kind": "building", "name": "5幢"},
                      {"id": "b6", "kind": "building", "name": "6幢"}],
            "edges": [{"kind": "contains", "from": "sjxc", "to": "b5"}, {"kind": "contains", "from": "sjxc", "to": "b6"}]}

OPEN_AT, CLOSE_AT, DURING = "2025-05-01T09:00:00+08:00", "2025-05-31T18:00:00+08:00", "2025-05-02T10:00:00+08:00"


def art278(areas, agree, oppose, abstain, special):
    """Civil Code Art. 278: participation >= 2/3 of area and of owners; agreement > 1/2
    (ordinary) or >= 3/4 (items 6-8) of the participating area and owners."""
    total_area, total_n = sum(areas), len(areas)
    part = agree + oppose + abstain
    pa = sum(areas[i] for i in part)
    aa = sum(areas[i] for i in agree)
    quorum = Fraction(pa, total_area) >= Fraction(2, 3) and Fraction(len(part), total_n) >= Fraction(2, 3)
    if not part:
        return False, quorum
    if special:
        ok = Fraction(aa, pa) >= Fraction(3, 4) and Fraction(len(agree), len(part)) >= Fraction(3, 4)
    else:
        ok = Fraction(aa, pa) > Fraction(1, 2) and Fraction(len(agree), len(part)) > Fraction(1, 2)
    return quorum and ok, quorum


def quorum_cases():
    cases = []
    rnd = random.Random(278)
    # Equal areas: the boundaries of the fractions themselves.
    for n in (12, 24):
        areas = [10000] * n
        for special in (False, True):
            preset = "civil_code_278_special" if special else "civil_code_278_ordinary"
            for p in sorted({n * 2 // 3 - 1, n * 2 // 3, n * 2 // 3 + 1, n}):
                for a in sorted({p // 2, p // 2 + 1, (3 * p) // 4, (3 * p + 3) // 4, p}):
                    if a > p:
                        continue
                    agree = list(range(a))
                    oppose = list(range(a, p))
                    passed, quorum = art278(areas, agree, oppose, [], special)
                    cases.append(case(f"{preset}: {n} equal units, {p} vote, {a} agree", [
                        op("v.electorate", scope={"compound": "sjxc"}, subset={"headcount": n}),
                        op("v.open", id="v", agenda="议题", rule={"preset": preset}, opensAt=OPEN_AT, closesAt=CLOSE_AT),
                        op("v.cast_many", at=DURING, agree=[f"o{i}" for i in agree], oppose=[f"o{i}" for i in oppose]),
                        op("v.close", at=CLOSE_AT),
                        op("v.passes", expect=passed),
                        op("v.outcome", subset={"passed": passed, "quorum": quorum, "closed": True})],
                        {"hierarchy": COMPOUND, "roll": roll(areas)}))
    # Unequal areas: area and headcount disagree.
    for k in range(40):
        n = rnd.choice([9, 10, 15])
        areas = [rnd.choice([5000, 7532, 8957, 12000, 14444]) for _ in range(n)]
        special = k % 2 == 1
        preset = "civil_code_278_special" if special else "civil_code_278_ordinary"
        order = list(range(n))
        rnd.shuffle(order)
        p = rnd.randint(n * 2 // 3 - 1, n)
        voters = order[:p]
        a = rnd.randint(p // 2, p)
        ab = rnd.randint(0, min(1, p - a))
        agree, abstain, oppose = voters[:a], voters[a:a + ab], voters[a + ab:]
        passed, quorum = art278(areas, agree, oppose, abstain, special)
        cases.append(case(f"{preset}: unequal areas #{k}", [
            op("v.electorate", scope={"compound": "sjxc"}, subset={"headcount": n, "area": f"{sum(areas) // 100}.{sum(areas) % 100:02d}"}),
            op("v.open", id="v", agenda="议题", rule={"preset": preset}, opensAt=OPEN_AT, closesAt=CLOSE_AT),
            op("v.cast_many", at=DURING, agree=[f"o{i}" for i in agree], oppose=[f"o{i}" for i in oppose], abstain=[f"o{i}" for i in abstain]),
            op("v.tally", subset={"ballots": p, "agree": {"headcount": len(agree)}}),
            op("v.close", at=CLOSE_AT),
            op("v.outcome", subset={"passed": passed, "quorum": quorum})],
            {"hierarchy": COMPOUND, "roll": roll(areas)}))

    # One owner of several units counts once; the developer's unsold units count as one owner.
    multi = roll([10000] * 6)
    multi["units"][1]["owner"] = "o0"
    multi["owners"] = [o for o in multi["owners"] if o["id"] != "o1"] + [{"id": "dev", "developer": True}]
    multi["units"][4]["owner"] = "dev"
    multi["units"][5]["owner"] = "dev"
    multi["owners"] = [o for o in multi["owners"] if o["id"] not in ("o4", "o5")]
    cases.append(case("headcount rule: one owner of several units counts once; the developer's units count once", [
        op("v.electorate", scope={"compound": "sjxc"}, subset={"headcount": 4, "area": "600.00"})],
        {"hierarchy": COMPOUND, "roll": multi}))

    # The elevator vote per building unit: one unit failing (the ground floor says no), one passing.
    def elevator_roll():
        r = roll([8957] * 12 + [7632] * 12, unit_of=lambda i: "1" if i < 12 else "2")
        return r
    el = {"hierarchy": COMPOUND, "roll": elevator_roll()}
    rule1 = {"preset": "elevator_installation", "units": ["u0"]}
    cases.append(case("elevator, unit 1: everyone agrees but the owner whose flat the shaft uses", [
        op("v.electorate", scope={"building_unit": {"building": "b5", "unit": "1"}}, subset={"headcount": 12}),
        op("v.open", id="v1", agenda="加装电梯", rule=rule1, opensAt=OPEN_AT, closesAt=CLOSE_AT),
        op("v.cast_many", at=DURING, agree=[f"o{i}" for i in range(1, 12)], oppose=["o0"]),
        op("v.close", at=CLOSE_AT), op("v.outcome", subset={"passed": False, "quorum": True})], el))
    cases.append(case("elevator, unit 2: exactly three quarters agree", [
        op("v.electorate", scope={"building_unit": {"building": "b5", "unit": "2"}}, subset={"headcount": 12}),
        op("v.open", id="v2", agenda="加装电梯", rule={"preset": "elevator_installation", "units": ["u12"]}, opensAt=OPEN_AT, closesAt=CLOSE_AT),
        op("v.cast_many", at=DURING, agree=[f"o{i}" for i in range(12, 21)], oppose=[f"o{i}" for i in range(21, 24)]),
        op("v.close", at=CLOSE_AT), op("v.outcome", subset={"passed": True, "quorum": True})], el))
    cases.append(case("elevator: the unit physically used must be in the electorate", [
        op("v.electorate", scope={"building_unit": {"building": "b5", "unit": "1"}}),
        op("v.open", id="v1", agenda="加装电梯", rule={"preset": "elevator_installation", "units": ["u99"]}, opensAt=OPEN_AT, closesAt=CLOSE_AT,
           error="consultation.unknown_unit")], el))
    cases.append(case("Art. 279 unanimity of the owners concerned", [
        op("v.electorate", scope={"building": "b5"}, subset={"headcount": 24}),
        op("v.open", id="v", agenda="住改商", rule={"preset": "civil_code_279_unanimity", "owners": ["o1", "o2"]}, opensAt=OPEN_AT, closesAt=CLOSE_AT),
        op("v.cast_many", at=DURING, agree=["o1"], abstain=["o2"]), op("v.passes", expect=False),
        op("v.close", at=CLOSE_AT), op("v.outcome", subset={"passed": False})], el))

    # Ballot refusals: each changes nothing.
    base = [op("v.electorate", scope={"building_unit": {"building": "b5", "unit": "2"}}),
            op("v.open", id="v", agenda="议题", rule={"preset": "civil_code_278_ordinary"}, opensAt=OPEN_AT, closesAt=CLOSE_AT),
            op("v.cast", voter="o12", choice="agree", at=DURING)]
    after = op("v.tally", subset={"ballots": 1})
    for name, bad in [
        ("a second ballot", op("v.cast", voter="o12", choice="oppose", at=DURING, error="consultation.duplicate_ballot", details={"voter": "o12"})),
        ("a voter outside the scope", op("v.cast", voter="o0", choice="agree", at=DURING, error="consultation.voter_not_in_scope")),
        ("a voter on no roll", op("v.cast", voter="stranger", choice="agree", at=DURING, error="consultation.unknown_voter")),
        ("a ballot before opening", op("v.cast", voter="o13", choice="agree", at="2025-04-30T09:00:00+08:00", error="consultation.ballot_before_opening")),
        ("a ballot after closing time", op("v.cast", voter="o13", choice="agree", at="2025-06-01T09:00:00+08:00", error="consultation.ballot_after_closing")),
        ("a proxy without authorization", op("v.cast_proxy", proxy="o14", principal="o13", choice="agree", at=DURING, error="consultation.proxy_not_authorized")),
        ("an unknown choice", op("v.cast", voter="o13", choice="maybe", at=DURING, error="input.malformed")),
    ]:
        cases.append(case(f"ballot refused: {name}", base + [bad, after], el))
    cases.append(case("a ballot on a closed vote", base + [op("v.close", at=CLOSE_AT), op("v.cast", voter="o13", choice="agree", at=CLOSE_AT, error="consultation.vote_closed"), after], el))
    cases.append(case("a written proxy votes once for its principal", base + [
        op("v.proxy", principal="o13", proxy="o14"), op("v.cast_proxy", proxy="o14", principal="o13", choice="agree", at=DURING),
        op("v.proxy", principal="o13", proxy="o15", error="consultation.duplicate_proxy"),
        op("v.proxy", principal="o15", proxy="o15", error="consultation.self_proxy"),
        op("v.tally", subset={"ballots": 2, "agree": {"headcount": 2}})], el))
    cases.append(case("a vote that closes before it opens", [
        op("v.electorate", scope={"building": "b5"}),
        op("v.open", id="v", agenda="x", rule={"preset": "civil_code_278_ordinary"}, opensAt=CLOSE_AT, closesAt=OPEN_AT, error="consultation.invalid_closing_time")], el))
    cases.append(case("a scope that is not a building", [op("v.electorate", scope={"building": "sjxc"}, error="consultation.scope_kind")], el))
    cases.append(case("an empty scope", [op("v.electorate", scope={"building": "b6"}, error="consultation.empty_scope")], el))
    cases.append(case("a scope on an unknown node", [op("v.electorate", scope={"building": "b9"}, error="consultation.unknown_node")], el))
    cases.append(case("a roll refers to an unknown building", [op("v.electorate", scope={"compound": "sjxc"}, error="consultation.unknown_building")],
                      {"hierarchy": COMPOUND, "roll": roll([100], building="b9")}))
    for name, r, code in [
        ("a duplicate owner", {"format": "wangge.consultation.owner_roll", "version": 1, "owners": [{"id": "a"}, {"id": "a"}], "units": []}, "consultation.duplicate_owner"),
        ("a duplicate unit", {"format": "wangge.consultation.owner_roll", "version": 1, "owners": [{"id": "a"}], "units": [
            {"id": "u", "building": "b5", "area": "1.00", "owner": "a"}, {"id": "u", "building": "b5", "area": "1.00", "owner": "a"}]}, "consultation.duplicate_unit"),
        ("a unit of an unknown owner", {"format": "wangge.consultation.owner_roll", "version": 1, "owners": [], "units": [
            {"id": "u", "building": "b5", "area": "1.00", "owner": "x"}]}, "consultation.unknown_owner"),
        ("two developers", {"format": "wangge.consultation.owner_roll", "version": 1, "owners": [{"id": "d1", "developer": True}, {"id": "d2", "developer": True}], "units": []}, "consultation.multiple_developers"),
        ("a negative area", {"format": "wangge.consultation.owner_roll", "version": 1, "owners": [{"id": "a"}], "units": [
            {"id": "u", "building": "b5", "area": "-1", "owner": "a"}]}, "consultation.invalid_area"),
        ("an area with three decimals", {"format": "wangge.consultation.owner_roll", "version": 1, "owners": [{"id": "a"}], "units": [
            {"id": "u", "building": "b5", "area": "1.005", "owner": "a"}]}, "consultation.invalid_area"),
        ("an owner id with a newline", {"format": "wangge.consultation.owner_roll", "version": 1, "owners": [{"id": "a\nb"}], "units": []}, "consultation.invalid_id"),
        ("another format", {"format": "x", "version": 1, "owners": [], "units": []}, "consultation.unsupported_format"),
        ("not JSON", "{", "consultation.malformed"),
    ]:
        cases.append(case(f"owners' roll refused: {name}", [op("roll.load", document=r, error=code)], {"hierarchy": COMPOUND}))

    # Rules as data.
    cases.append(case("a consensus rule of the attendees", [
        op("v.members", members=[{"id": "m1"}, {"id": "m2"}, {"id": "m3", "representative": True}], subset={"persons": 3, "representatives": 1}),
        op("v.open", id="f", agenda="口袋公园", rule={"preset": "consensus_of_attendees", "basis": "persons"}, opensAt=OPEN_AT, closesAt=CLOSE_AT),
        op("v.cast_many", at=DURING, agree=["m1"], abstain=["m3"]), op("v.passes", expect=True),
        op("v.cast", voter="m2", choice="oppose", at=DURING), op("v.passes", expect=False),
        op("v.close", at=CLOSE_AT), op("v.outcome", subset={"passed": False})]))
    cases.append(case("two thirds of the representatives", [
        op("v.members", members=[{"id": f"r{i}", "representative": True} for i in range(6)] + [{"id": "m"}]),
        op("v.open", id="f", agenda="景观桥", rule={"preset": "two_thirds_of_representatives"}, opensAt=OPEN_AT, closesAt=CLOSE_AT),
        op("v.cast_many", at=DURING, agree=["r0", "r1", "r2", "r3"], oppose=["r4", "r5", "m"]),
        op("v.close", at=CLOSE_AT), op("v.passes", expect=True)]))
    cases.append(case("a member twice", [op("v.members", members=[{"id": "a"}, {"id": "a"}], error="consultation.duplicate_member")]))
    cases.append(case("a rule with a fraction over one", [op("v.rule", rule={"format": "wangge.consultation.rule", "version": 1, "id": "x", "name": {"zh": "x", "en": "x"},
        "groups": [{"conditions": [{"basis": "persons", "numerator": "agreeing", "denominator": "participants", "fraction": {"num": 3, "den": 2}, "comparison": "at_least"}]}]},
        error="consultation.invalid_fraction")]))
    cases.append(case("a rule with nothing to decide", [op("v.rule", rule={"format": "wangge.consultation.rule", "version": 1, "id": "x", "name": {"zh": "x", "en": "x"}, "groups": []},
        error="consultation.invalid_rule")]))
    cases.append(case("a rule on a basis the electorate lacks", [
        op("v.members", members=[{"id": "a"}]),
        op("v.open", id="v", agenda="x", rule={"preset": "civil_code_278_ordinary"}, opensAt=OPEN_AT, closesAt=CLOSE_AT, error="consultation.basis_unavailable")]))
    cases.append(case("a preset by name", [op("v.rule", rule={"preset": "civil_code_278_ordinary"}, subset={"id": "civil_code_278_ordinary"})]))

    # The residents' meeting (Organization Law Art. 9) on a residents' roll.
    households = [{"id": f"h{i}", "representative": f"r{i}a", "place": "b5"} for i in range(5)]
    residents = [{"id": f"r{i}a", "household": f"h{i}", "birthDate": "1970-01-01"} for i in range(5)] + \
                [{"id": f"r{i}b", "household": f"h{i}", "birthDate": "2007-06-01"} for i in range(5)]
    res = op("residents.load", households=households, residents=residents, groups=[{"id": "g", "representatives": ["r0a", "r1a"]}])
    cases.append(case("residents' meeting: 18 on the day counts; more than half attend and agree", [
        res, op("v.electorate", scope={"compound": "sjxc"}, on="2025-06-01", subset={"persons": 10, "households": 5, "representatives": 2}),
        op("v.open", id="m", agenda="居民会议", rule={"preset": "residents_meeting"}, opensAt=OPEN_AT, closesAt=CLOSE_AT),
        op("v.cast_many", at=DURING, agree=["r0a", "r1a", "r2a"], oppose=["r3a"]), op("v.passes", expect=True)],
        {"hierarchy": COMPOUND}))
    cases.append(case("residents' meeting: a day before the 18th birthday does not count", [
        res, op("v.electorate", scope={"compound": "sjxc"}, on="2025-05-31", subset={"persons": 5}),
        op("v.open", id="m", agenda="居民会议", rule={"preset": "residents_meeting"}, opensAt=OPEN_AT, closesAt=CLOSE_AT),
        op("v.cast", voter="r0b", choice="agree", at=DURING, error="consultation.not_eligible", details={"voter": "r0b"}),
        op("v.tally", subset={"ballots": 0})], {"hierarchy": COMPOUND}))
    for name, hs, rs, gs, code in [
        ("a duplicate household", households + households[:1], residents, [], "consultation.duplicate_household"),
        ("a resident of an unknown household", households, residents + [{"id": "x", "household": "h9", "birthDate": "1970-01-01"}], [], "consultation.unknown_household"),
        ("a duplicate resident", households, residents + residents[:1], [], "consultation.duplicate_resident"),
        ("a representative from another household", [dict(households[0], representative="r1a")] + households[1:], residents, [], "consultation.representative_not_in_household"),
        ("a representative who is not a resident", [dict(households[0], representative="ghost")] + households[1:], residents, [], "consultation.unknown_resident"),
        ("a group with one representative", households, residents, [{"id": "g", "representatives": ["r0a"]}], "consultation.invalid_group"),
        ("a duplicate group", households, residents, [{"id": "g", "representatives": ["r0a", "r1a"]}] * 2, "consultation.duplicate_group"),
    ]:
        cases.append(case(f"residents' roll refused: {name}", [op("residents.load", households=hs, residents=rs, groups=gs, error=code)]))

    # Forum records (稻香村街道's weekend deliberation hall).
    forums = {"format": "wangge.consultation.forum_records", "version": 1,
              "forums": [{"id": "f", "name": "周末议事厅", "kind": "weekend_deliberation_hall"}],
              "sessions": [{"id": f"s{i}", "forum": "f", "date": f"2025-03-{8 + 7 * i:02d}", "convener": "社区党委", "participants": 10 + i,
                            "agenda": [{"issue": f"i{i}", "title": "议题", "decisions": [{"text": "决定", "solved": i % 2 == 0}]}]} for i in range(3)]}
    cases.append(case("forum statistics", [op("f.load", document=forums), op("f.stats", expect={"sessions": 3, "consultations": 3, "problemsSolved": 2, "participants": 33})]))
    bad = json.loads(json.dumps(forums))
    bad["sessions"][1]["id"] = "s0"
    cases.append(case("forum statistics over a period", [op("f.load", document=forums),
        op("f.stats", period={"from": "2025-03-10", "to": "2025-03-31"}, subset={"sessions": 2}),
        op("f.stats", period={"from": "2025-03-31", "to": "2025-03-01"}, error="consultation.invalid_period")]))
    cases.append(case("forum records: a session twice", [op("f.load", document=bad, error="consultation.duplicate_session")]))
    bad2 = json.loads(json.dumps(forums))
    bad2["sessions"][0]["forum"] = "nope"
    cases.append(case("forum records: a session of an unknown forum", [op("f.load", document=bad2, error="consultation.unknown_forum")]))
    bad3 = json.loads(json.dumps(forums))
    bad3["forums"].append(bad3["forums"][0])
    cases.append(case("forum records: a forum twice", [op("f.load", document=bad3, error="consultation.duplicate_forum")]))
    return cases


# ---------------------------------------------------------------------------------------------
# Metrics


def metrics_cases():
    setup = dict(LEAK_SETUP, calendar="standard")
    ops = [op("t.report", ticket=report("A", unit="b3"), actor="w1", at=t(0)),
           op("t.report", ticket=report("B", unit="g2"), actor="w2", at=t(0)),
           op("t.report", ticket=report("C", unit="g2"), actor="w2", at=t(1)),
           op("t.apply", ticket="A", actor="zx", at=t(1), action=A["file"]),
           op("t.apply", ticket="C", actor="zx", at=t(2), action=A["reject"])]
    return [
        case("counts per grid and month", ops + [op("m.compute", options={"groupBy": {"level": "grid"}, "periodBy": "month"}, subset={"rows": [
            {"group": "g1", "period": "2025-03", "counts": {"received": 1, "filed": 1, "rejected": 0}},
            {"group": "g2", "period": "2025-03", "counts": {"received": 2, "filed": 0, "rejected": 1}}]})], setup),
        case("a rate with an empty denominator is none", ops + [op("m.compute", options={"groupBy": {"level": "grid"}, "periodBy": "month"}, subset={"rows": [
            {"group": "g1", "rates": {"closing": {"value": None}}}, {"group": "g2", "rates": {"closing": {"value": None}}}]})], setup),
        case("the whole ledger in one row", ops + [op("m.compute", subset={"rows": [{"counts": {"received": 3}}]})], setup),
    ] + partial_cases(setup, ops)


# The counts of a row of `wangge.metrics_partial` v1, every one written out (docs/DASK.md).
PARTIAL_COUNTS = ["received", "filed", "rejected", "closed", "due", "dueClosed", "closedOnTime", "signed",
                  "signedOnTime", "visited", "satisfied", "basicallySatisfied", "unsatisfied", "resolved",
                  "returns", "reopens", "escalations", "whistles", "repeatComplaints"]
MARCH_2025 = 2025 * 12 + 2  # a month's period number: months since year 0


def partial_doc(rows, version=1):
    return {"format": "wangge.metrics_partial", "version": version, "departments": [], "grids": [],
            "rows": [{"group": g, "period": p, "handling": list(h), "counts": {k: c.get(k, 0) for k in PARTIAL_COUNTS}}
                     for g, p, h, c in rows]}


def partial_cases(setup, ops):
    """Partial metrics (wangge.metrics_partial v1): a part's document as every runtime writes
    it, and documents written by hand merged into the report of the whole."""
    by_grid = {"groupBy": {"level": "grid"}, "periodBy": "month"}
    part1 = partial_doc([("g1", MARCH_2025, [600], {"received": 1, "filed": 1})])
    part2 = partial_doc([("g1", MARCH_2025, [1200], {"received": 2}),
                         ("g2", MARCH_2025 + 1, [], {"received": 1, "rejected": 1})])
    return [
        case("a part's partial document", ops + [op("m.partial", options=by_grid, subset={
            "format": "wangge.metrics_partial", "version": 1, "rows": [
                {"group": "g1", "period": MARCH_2025, "counts": {"received": 1, "filed": 1, "rejected": 0}},
                {"group": "g2", "period": MARCH_2025, "counts": {"received": 2, "filed": 0, "rejected": 1}}]})], setup),
        case("partial documents merge into the report of the whole", [op("m.merge", documents=[part1, part2], options=by_grid, subset={"rows": [
            {"group": "g1", "period": "2025-03", "counts": {"received": 3, "filed": 1, "rejected": 0}},
            {"group": "g2", "period": "2025-04", "counts": {"received": 1, "filed": 0, "rejected": 1}}]})], setup),
        case("a part naming a node the hierarchy lacks", [op("m.merge", documents=[part1, partial_doc([("g9", MARCH_2025, [], {})])],
                                                             options=by_grid, error="metrics.unknown_node", details={"id": "g9"})], setup),
        case("a partial document of another version", [op("m.merge", documents=[partial_doc([], version=2)], options=by_grid,
                                                           error="metrics.unsupported_format", details={"version": 2})], setup),
    ]


# Codes the corpus cannot reach, and why. Every other code of the core appears in a case.
UNREACHABLE = {
    "ticket.capacity_exceeded": "needs room for more than 4,294,967,295 tickets, or more memory than the "
                                "machine has; `reserve` is tested in the bindings (test_ledger.py, "
                                "wasm.test.mjs) and by the doctest of `Ledger::try_reserve`",
    "input.missing_column": "Arrow tables are read by the core's `arrow` feature and the Python binding, "
                            "not by a conformance operation; tested in core/tests/arrow.rs and "
                            "bindings-python/tests/test_arrow.py",
    "input.column_type": "Arrow tables are read by the core's `arrow` feature and the Python binding, "
                         "not by a conformance operation; tested in core/tests/arrow.rs and "
                         "bindings-python/tests/test_arrow.py",
    "hierarchy.capacity_exceeded": "needs more than 4,294,967,294 nodes in one hierarchy",
    "consultation.capacity_exceeded": "needs more than 4,294,967,294 voters in one electorate",
    "taxonomy.too_many": "needs more than 65,535 categories (a 3 MB case file); tested in the Rust unit tests",
    "time.out_of_range": "only numeric inputs reach it (seconds since the epoch, Python datetimes); "
                         "an RFC 3339 text out of range is time.invalid_instant",
    "consultation.inconsistent_tally": "a consistency check on tallies built by hand in Rust; "
                                       "a vote's own tally is consistent by construction",
    "hierarchy.unknown_key": "raw node keys come only from the typed arrays of the bindings (tested there)",
    "consultation.unknown_choice_code": "numeric choice codes come only from the typed arrays of the bindings (tested there)",
    "consultation.unknown_voter_position": "voter positions come only from the typed arrays of the bindings (tested there)",
}


def signed_log_cases():
    """Signed logs, in their own module (tests/conformance/signed_logs.py: the cases and an
    Ed25519 of its own, from RFC 8032)."""
    sys.path.insert(0, str(HERE))
    sys.dont_write_bytecode = True
    import signed_logs
    return signed_logs.cases(sys.modules[__name__])


def bad_input_cases():
    """Bad input, in its own module (tests/conformance/bad_input.py)."""
    sys.path.insert(0, str(HERE))
    sys.dont_write_bytecode = True
    import bad_input
    return bad_input.cases(sys.modules[__name__])


# ----- coordinates on the map ------------------------------------------------------------------

def _geo_model():
    """WGS-84 / GCJ-02 / BD-09 conversions written from the published formulas (the GCJ-02
    offset as open-source converters publish it, Krasovsky 1940 ellipsoid; Baidu's pair),
    independently of the library: the fixed-point inverses take the same number of steps."""
    import math
    a, ee, x_pi = 6378245.0, 0.00669342162296594323, math.pi * 3000.0 / 180.0

    def inside(lat, lng):
        return 73.66 < lng < 135.05 and 3.86 < lat < 53.55

    def tlat(x, y):
        r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
        r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
        r += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
        r += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
        return r

    def tlng(x, y):
        r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
        r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
        r += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
        r += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
        return r

    def w2g(lat, lng):
        if not inside(lat, lng):
            return lat, lng
        rad = lat / 180.0 * math.pi
        m = 1 - ee * math.sin(rad) ** 2
        dlat = tlat(lng - 105.0, lat - 35.0) * 180.0 / ((a * (1 - ee)) / (m * math.sqrt(m)) * math.pi)
        dlng = tlng(lng - 105.0, lat - 35.0) * 180.0 / (a / math.sqrt(m) * math.cos(rad) * math.pi)
        return lat + dlat, lng + dlng

    def g2w(lat, lng):
        w = (lat, lng)
        for _ in range(4):
            g = w2g(*w)
            w = (w[0] + lat - g[0], w[1] + lng - g[1])
        return w

    def g2b(lat, lng):
        z = math.sqrt(lng * lng + lat * lat) + 0.00002 * math.sin(lat * x_pi)
        th = math.atan2(lat, lng) + 0.000003 * math.cos(lng * x_pi)
        return z * math.sin(th) + 0.006, z * math.cos(th) + 0.0065

    def b2g(lat, lng):
        x, y = lng - 0.0065, lat - 0.006
        z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * x_pi)
        th = math.atan2(y, x) - 0.000003 * math.cos(x * x_pi)
        g = (z * math.sin(th), z * math.cos(th))
        for _ in range(3):
            b = g2b(*g)
            g = (g[0] + lat - b[0], g[1] + lng - b[1])
        return g

    steps = {("wgs84", "gcj02"): [w2g], ("gcj02", "wgs84"): [g2w], ("gcj02", "bd09"): [g2b],
             ("bd09", "gcj02"): [b2g], ("wgs84", "bd09"): [w2g, g2b], ("bd09", "wgs84"): [b2g, g2w]}

    def convert(lat, lng, frm, to):
        p = (lat, lng)
        for f in steps.get((frm, to), []):
            p = f(*p)
        return [p[0], p[1]]
    return convert


def geo_cases():
    convert = _geo_model()
    places = [  # (name, lat, lng): WGS-84 or any system, the model converts the numbers
        ("Tian'anmen, Beijing", 39.90872, 116.39748), ("the Bund, Shanghai", 31.2400, 121.4900),
        ("Shenzhen Bay", 22.5200, 113.9500), ("Urumqi", 43.8256, 87.6168), ("Harbin", 45.8038, 126.5350),
        ("Sanya", 18.2528, 109.5120), ("Lhasa", 29.6525, 91.1721), ("Mohe", 52.9720, 122.5380),
    ]
    systems = ["wgs84", "gcj02", "bd09"]
    cases = []
    for name, lat, lng in places:
        ops = [op("g.convert", lat=lat, lng=lng, **{"from": f, "to": t}, expectClose=convert(lat, lng, f, t), within=1e-9)
               for f in systems for t in systems]
        cases.append(case(f"conversions at {name}", ops))
    cases.append(case("published reference points (coordtransform, eviltransform)", [
        op("g.convert", lat=39.915, lng=116.404, **{"from": "wgs84", "to": "gcj02"},
           expectClose=[39.91640428150164, 116.41024449916938], within=1e-12),
        op("g.convert", lat=39.915, lng=116.404, **{"from": "gcj02", "to": "bd09"},
           expectClose=[39.92133699351021, 116.41036949371029], within=1e-12),
        op("g.convert", lat=31.1774276, lng=121.5272106, **{"from": "wgs84", "to": "gcj02"},
           expectClose=[31.17530398364597, 121.531541859215], within=1e-12),
        op("g.convert", lat=22.543847, lng=113.912316, **{"from": "wgs84", "to": "gcj02"},
           expectClose=[22.540796131694766, 113.9171764808363], within=1e-12),
        # The closed-form inverse they publish is an approximation (4 cm): ours within it.
        op("g.convert", lat=39.915, lng=116.404, **{"from": "bd09", "to": "gcj02"},
           expectClose=[39.90865673957631, 116.39762729119315], within=1e-6),
    ]))
    cases.append(case("outside the box around China GCJ-02 is WGS-84", [
        op("g.convert", lat=51.5007, lng=-0.1246, **{"from": "wgs84", "to": "gcj02"}, expect=[51.5007, -0.1246]),
        op("g.convert", lat=-33.8568, lng=151.2153, **{"from": "gcj02", "to": "wgs84"}, expect=[-33.8568, 151.2153]),
    ]))
    cases.append(case("bad coordinates and systems are refused, naming the value", [
        op("g.convert", lat=116.397, lng=39.908, **{"from": "wgs84", "to": "gcj02"}, error="geo.invalid_coordinate",
           details={"lat": 116.397, "lng": 39.908, "system": "wgs84"}),
        op("g.convert", lat=39.9, lng=-180.5, **{"from": "bd09", "to": "wgs84"}, error="geo.invalid_coordinate",
           details={"lng": -180.5}),
        op("g.convert", lat=39.9, lng=116.4, **{"from": "WGS84", "to": "gcj02"}, error="geo.unknown_system",
           details={"system": "WGS84"}),
        op("g.convert", lat=39.9, lng=116.4, **{"from": "gcj02", "to": "baidu"}, error="geo.unknown_system",
           details={"system": "baidu"}),
    ]))
    return cases


def _inside(rings, lat, lng):
    """The crossing-number test, edges half-open in latitude: inside an odd number of rings
    (written from the documented rule, independently of the library)."""
    count = 0
    for ring in rings:
        inside = False
        for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
            if (y1 > lat) != (y2 > lat) and lng < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
        count += inside
    return count % 2 == 1


def _locate_model(doc, lat, lng):
    """The innermost unit (deepest in the containment tree, then first added) whose boundary
    holds the point, the point already in the document's system."""
    parent = {e["to"]: e["from"] for e in doc.get("edges", []) if e["kind"] == "contains"}

    def depth(i):
        d = 1
        while i in parent:
            i, d = parent[i], d + 1
        return d
    found = [(-depth(n["id"]), k, n["id"]) for k, n in enumerate(doc["nodes"])
             if "boundary" in n and any(_inside(p, lat, lng) for p in (
                 [n["boundary"]["coordinates"]] if n["boundary"]["type"] == "Polygon" else n["boundary"]["coordinates"]))]
    return min(found)[2] if found else None


def locate_cases():
    def rect(x0, y0, x1, y1):
        return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}
    # 新建社区 on a GCJ-02 map: a community of 0.02° and three grids (the north-east quarter has none).
    doc = {"format": "wangge.hierarchy", "version": 2, "coordinateSystem": "gcj02", "nodes": [
        {"id": "s1", "kind": "street", "name": "街道", "boundary": rect(116.39, 39.89, 116.43, 39.93)},
        {"id": "c1", "kind": "community", "name": "新建社区", "boundary": rect(116.40, 39.90, 116.42, 39.92)},
        {"id": "g1", "kind": "grid", "name": "第一网格", "boundary": rect(116.40, 39.90, 116.41, 39.91)},
        {"id": "g2", "kind": "grid", "name": "第二网格", "boundary": rect(116.41, 39.90, 116.42, 39.91)},
        {"id": "g3", "kind": "grid", "name": "第三网格", "boundary": {"type": "MultiPolygon", "coordinates": [
            rect(116.40, 39.91, 116.405, 39.92)["coordinates"], rect(116.405, 39.91, 116.41, 39.92)["coordinates"]]}},
    ], "edges": [{"kind": "contains", "from": "s1", "to": "c1"}, {"kind": "contains", "from": "c1", "to": "g1"},
                 {"kind": "contains", "from": "c1", "to": "g2"}, {"kind": "contains", "from": "c1", "to": "g3"}]}
    convert = _geo_model()
    points = [(39.905, 116.405), (39.905, 116.415), (39.915, 116.403), (39.915, 116.407), (39.915, 116.415),
              (39.895, 116.395), (39.95, 116.40), (39.905, 116.41), (39.91, 116.405), (39.91, 116.41),
              (39.91, 116.405), (39.92, 116.41), (39.90, 116.40), (39.9, 116.42)]
    ops = [op("h.locate", lat=lat, lng=lng, system="gcj02", expect=_locate_model(doc, lat, lng)) for lat, lng in points]
    # The same places given in WGS-84 or BD-09 numbers land in the same units.
    for lat, lng in points[:6]:
        for system in ("wgs84", "bd09"):
            la, ln = convert(lat, lng, "gcj02", system)
            ops.append(op("h.locate", lat=la, lng=ln, system=system, expect=_locate_model(doc, lat, lng)))
    cases = [case("locating reports in 新建社区's grids (GCJ-02 map; shared edges go east, then north)", ops,
                  setup={"hierarchy": doc})]
    cases.append(case("a version 2 document round-trips; boundaries are checked", [
        op("h.roundtrip", expect=True),
        op("h.boundary", id="g1", boundary={"type": "Polygon", "coordinates": [[[116.40, 39.90], [116.41, 39.90], [116.41, 39.91]]]},
           error="hierarchy.invalid_boundary", details={"id": "g1"}),
        op("h.boundary", id="g1", boundary={"type": "Polygon", "coordinates": [[[116.40, 39.90], [116.41, 39.90], [116.40, 39.90], [116.40, 39.90]]]},
           error="hierarchy.invalid_boundary"),
        op("h.boundary", id="g1", boundary=rect(116.40, 39.90, 116.43, 39.91),
           error="hierarchy.boundary_outside_parent", details={"child": "g1", "parent": "c1", "lng": "116.43"}),
        op("h.boundary", id="c1", boundary=rect(116.40, 39.90, 116.41, 39.91),
           error="hierarchy.boundary_outside_parent", details={"child": "g2", "parent": "c1"}),
        op("h.locate", lat=39.905, lng=116.415, system="gcj02", expect="g2"),
        op("h.boundary", id="g2", boundary=None),
        op("h.locate", lat=39.905, lng=116.415, system="gcj02", expect="c1"),
        op("h.locate", lat=91, lng=116.4, system="gcj02", error="geo.invalid_coordinate"),
        op("h.locate", lat=39.9, lng=116.4, system="mars", error="geo.unknown_system"),
    ], setup={"hierarchy": doc}))
    v1 = dict(doc, version=1)
    v1.pop("coordinateSystem")
    no_system = dict(doc)
    no_system.pop("coordinateSystem")
    cases.append(case("boundaries need version 2, and version 2 says its coordinate system", [
        op("h.load", document=v1, error="hierarchy.malformed"),
        op("h.load", document=no_system, error="hierarchy.malformed"),
        op("h.load", document=dict(doc, version=3), error="hierarchy.unsupported_format"),
        op("h.load", document=doc, expect=5),
    ]))
    return cases


def error_codes():
    """Every stable error code of the core, with the doc line of its variant (read from the
    source, so the list cannot drift from the code)."""
    import re
    codes = {}
    for path in sorted((ROOT / "core/src").rglob("*.rs")):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for variant, code in re.findall(r"(\w+)(?:\s*\{\s*\.\.\s*\}|\(\.\.\)|\(_\))?\s*=>\s*\"([a-z][a-z0-9]*\.[a-z_]+)\"", text):
            doc = ""
            for i, line in enumerate(lines):
                if re.match(r"\s+" + variant + r"\b\s*([{(,]|$)", line):
                    j = i - 1
                    while j > 0 and not lines[j].strip().startswith("///") and i - j < 8:
                        j -= 1
                    block = []
                    while j > 0 and lines[j].strip().startswith("///"):
                        block.insert(0, lines[j].strip()[3:].strip())
                        j -= 1
                    doc = " ".join(block)
                    break
            codes.setdefault(code, {"code": code, "meaning": doc, "module": str(path.relative_to(ROOT))})
    for code, reason in UNREACHABLE.items():
        codes[code]["unreachable"] = reason
    return [codes[c] for c in sorted(codes)]


# ---------------------------------------------------------------------------------------------
# Open311 GeoReport v2 documents as servers write them (the specification's shapes; the real
# documents are under tests/open311, run by each suite against its manifest).

OPEN311_SETUP = dict(LEAK_SETUP, taxonomy={"format": "wangge.taxonomy", "version": 1, "categories": [
    {"code": "001", "name": "Cans left out 24x7"}, {"code": "006", "name": "Sidewalk and curb"},
    {"code": "livelihood", "name": "民生服务"}, {"code": "livelihood.repair", "name": "维修"}]})

OPEN311_XML = """<?xml version="1.0" encoding="utf-8"?>
<service_requests>
 <request>
  <service_request_id>638344</service_request_id><status>closed</status>
  <status_notes>Duplicate request.</status_notes><service_code>006</service_code>
  <requested_datetime>2010-04-14T06:37:38-08:00</requested_datetime>
  <updated_datetime>2010-04-15T06:37:38.5-08:00</updated_datetime>
  <address>8TH AVE and JUDAH ST</address><media_url/>
 </request>
 <request>
  <service_request_id>638349</service_request_id><status>open</status><service_code>006</service_code>
  <requested_datetime>2010-04-19T06:37:38-08:00</requested_datetime><agency_responsible>hh</agency_responsible>
 </request>
 <request>
  <service_request_id>638344</service_request_id><status>closed</status>
  <status_notes>Duplicate request.</status_notes><service_code>006</service_code>
  <requested_datetime>2010-04-14T06:37:38-08:00</requested_datetime>
  <updated_datetime>2010-04-15T06:37:38.5-08:00</updated_datetime>
  <address>8TH AVE and JUDAH ST</address><media_url/>
 </request>
</service_requests>
"""


def open311_cases():
    imp = lambda document, expect=MISSING, error=None, details=None, **options: op(
        "o.import", document=document, options=options, expect=expect, error=error, details=details)
    summary = lambda tickets=(), duplicates=(), errors=(), unmapped=(), assumed=(): {
        "tickets": list(tickets), "duplicates": [list(d) for d in duplicates], "errors": [list(e) for e in errors],
        "unmapped": [list(u) for u in unmapped], "assumed": [list(a) for a in assumed]}
    cases = [
        case("an XML list: closed comes in closed with its note, open as reported, a repeated page once", [
            imp(OPEN311_XML, summary(["638344", "638349"], duplicates=[(3, 1)], unmapped=[(1, "address")]),
                defaultUnit="hh"),
            op("t.state", ticket="638344", expect="closed"),
            op("t.events", ticket="638344", expect=2),
            op("t.state", ticket="638349", expect="reported"),
            op("t.events", ticket="638349", expect=1),
            # Imported again: each id is already used (refused), the repeated page still found.
            imp(OPEN311_XML, summary(duplicates=[(3, 1)], errors=[(1, "open311.refused", "service_request_id"),
                                                                  (2, "open311.refused", "service_request_id")]),
                defaultUnit="hh"),
        ], OPEN311_SETUP),
        case("the specification's JSON: bare 006, numbers for ids, expected time as the reply deadline", [
            imp('[{"service_request_id":638344,"status":"open","service_code":006,"address_id":545483,'
                '"requested_datetime":"2010-04-14T06:37:38-08:00","expected_datetime":"2010-04-15T06:37:38-08:00",'
                '"zipcode":94122,"lat":37.762221815,"long":-122.4651145}]',
                summary(["638344"], unmapped=[(1, "address_id"), (1, "lat"), (1, "long"), (1, "zipcode")]),
                defaultUnit="g1"),
            op("t.deadline", ticket="638344", kind="reply", expect="2010-04-15T22:37:38+08:00"),
            op("t.state", ticket="638344", expect="reported"),
        ], OPEN311_SETUP),
        case("one request as an object; a status by an added table entry; a time without a zone at the local offset", [
            imp({"service_request_id": "A-1", "status": "Acknowledged", "service_code": "001",
                 "requested_datetime": "2012-05-22 23:57:23.97", "address_id": "g2"},
                summary(["A-1"], assumed=[(1, "requested_datetime")]),
                statuses={"acknowledged": "filed"}, localOffset="-07:00"),
            op("t.state", ticket="A-1", expect="filed"),
            op("t.get", ticket="A-1", subset={"reportedAt": "2012-05-23T14:57:23+08:00", "unit": "g2"}),
        ], OPEN311_SETUP),
        case("bad requests are refused one by one, naming the field at fault; the others go in", [
            imp([{"service_request_id": "B1", "service_code": "099", "address_id": "g1",
                  "requested_datetime": "2025-03-04T10:00:00+08:00"},
                 {"service_request_id": "B2", "service_code": "001", "address_id": "g1",
                  "requested_datetime": "2025-03-04 10:00:00"},
                 {"service_request_id": "B3", "address_id": "g1", "requested_datetime": "2025-03-04T10:00:00+08:00"},
                 "B4",
                 {"service_request_id": "B5", "service_code": "001", "address": "somewhere",
                  "requested_datetime": "2025-03-04T10:00:00+08:00"},
                 {"service_request_id": "B6", "service_code": "001", "address_id": "g1"},
                 {"service_request_id": "B7", "service_code": "001", "address_id": "g1", "status": "on hold",
                  "requested_datetime": "2025-03-04T10:00:00+08:00"}],
                summary(["B7"], errors=[(1, "open311.refused", "service_code"),
                                        (2, "open311.invalid_field", "requested_datetime"),
                                        (3, "open311.missing_field", "service_code"),
                                        (4, "open311.invalid_field", ""),
                                        (5, "open311.invalid_field", "address"),
                                        (6, "open311.missing_field", "requested_datetime")],
                        unmapped=[(7, "status")])),
            # A status the table does not know: reported, and the status kept in `unmapped`.
            op("t.state", ticket="B7", expect="reported"),
        ], OPEN311_SETUP),
        case("documents that are not service requests are refused as a whole", [
            imp("<errors><error><code>403</code><description>Invalid api_key</description></error></errors>",
                error="open311.server_error", details={"errors": [{"code": "403", "description": "Invalid api_key"}]}),
            imp('[{"code":400,"description":"Invalid service request: base is a duplicate."}]',
                error="open311.server_error"),
            imp('[{"service_code":"001","service_name":"Cans","metadata":false,"type":"realtime"}]',
                error="open311.wrong_document", details={"expected": "service requests", "found": "a list of services"}),
            imp("HTTP/1.1 403 Forbidden \n\n<error>Invalid API key</error>", error="open311.malformed"),
            imp("<service_requests><request></service_requests>", error="open311.malformed"),
            imp("[]", error="open311.invalid_option", details={"option": "localOffset", "value": "PST"},
                localOffset="PST"),
            op("t.events", ticket="638344", error="ticket.unknown_ticket"),
        ], OPEN311_SETUP),
        case("what a document is", [
            op("o.read", document=OPEN311_XML, expect={"kind": "requests", "items": 3}),
            op("o.read", document='<?xml version="1.0"?><services><service><service_code>001</service_code>'
               '<service_name>Cans</service_name><metadata>false</metadata><type>realtime</type></service></services>',
               expect={"kind": "services", "items": 1}),
            op("o.read", document='<service_definition><service_code>001</service_code><attribute><code>A</code>'
               '</attribute></service_definition>', expect={"kind": "definition", "items": 1}),
            op("o.read", document='<service_requests><request><token>12345</token></request></service_requests>',
               expect={"kind": "receipts", "items": 1}),
            op("o.read", document='[{"service_request_id":293944,"service_notice":"","account_id":null}]',
               expect={"kind": "receipts", "items": 1}),
            op("o.read", document='{"service_requests":[{"service_request_id":"1","status":"open"}]}',
               expect={"kind": "requests", "items": 1}),
            op("o.read", document="42", error="open311.malformed"),
        ]),
        case("a service list becomes a taxonomy; a repeated code is refused", [
            op("o.services", document='<services><service><service_code>001</service_code><service_name>Cans</service_name>'
               '<metadata>false</metadata><type>realtime</type><group>sanitation</group></service>'
               '<service><service_code>001</service_code><service_name>Again</service_name><type>realtime</type></service>'
               '<service><service_code>CSROWR-12</service_code><service_name>Road</service_name><type>realtime</type></service>'
               '</services>',
               expect={"codes": ["001", "CSROWR-12"], "errors": [[2, "open311.invalid_field", "service_code"]],
                       "unmapped": [[1, "group"]]}),
        ]),
        case("an import is the host system's, and only right after the report", [
            op("t.report", ticket=report("T1"), actor="zone", at=t(0)),
            op("t.apply", ticket="T1", actor="hh", at=t(1), action={"type": "import", "state": "closed", "status": "closed"},
               error="ticket.unauthorized"),
            op("t.apply", ticket="T1", actor="@system", at=t(1), action={"type": "import", "state": "merged", "status": "x"},
               error="ticket.illegal_transition"),
            op("t.apply", ticket="T1", actor="@system", at=t(1),
               action={"type": "import", "state": "in_progress", "status": "In progress", "note": "scheduled"},
               expect="in_progress"),
            op("t.apply", ticket="T1", actor="@system", at=t(2), action={"type": "import", "state": "closed", "status": "closed"},
               error="ticket.illegal_transition"),
        ], LEAK_SETUP),
    ]
    return cases


FILES = {
    "hierarchy.json": ("Hierarchy mutations, queries, import and the division-code importer.", hierarchy_cases),
    "tickets-lifecycle.json": ("Every lifecycle action from every state: allowed or refused, and a refusal changes nothing.", ticket_machine_cases),
    "tickets.json": ("The leak case, authorization, targets, times, logs (replay, tamper, truncation) and taxonomies.", ticket_cases),
    "tickets-signed.json": ("Signed event logs (Ed25519 on segment end records and checkpoints): verified with the right key, refused with "
                            "another, unsigned, re-sealed without the key, segments dropped or moved; keys.", lambda: signed_log_cases()),
    "tickets-authority.json": ("Who may take each action (gbt30428 and hotline12345, from a model of the roles), the red team's "
                               "self-serving and out-of-territory attempts, loaders and replay under the authority, "
                               "can / why_not / who_can, presets and authority documents.", authority_cases),
    "calendar.json": ("Working-time arithmetic over the published 2025 schedule; Civil Code periods; calendar errors.", calendar_cases),
    "escalation.json": ("Service levels, deadlines and escalation rules; policy errors.", escalation_cases),
    "consultation.json": ("Quorum rules at and around their boundaries, ballots and their refusals, rolls and forums.", quorum_cases),
    "metrics.json": ("Metrics computed by the core.", metrics_cases),
    "geo.json": ("Coordinates on the map: conversions between WGS-84, GCJ-02 and BD-09 against a model written from "
                 "the published formulas and against published points; refusals. Grid boundaries and locating a point "
                 "(against a point-in-polygon model), hierarchy documents of version 2.",
                 lambda: geo_cases() + locate_cases()),
    "open311.json": ("Open311 GeoReport v2 documents as servers write them: XML and JSON, lists and single objects, "
                     "numbers and bare leading-zero codes, statuses through the table, times without a zone, repeated "
                     "pages, error documents, service lists, the import action's guard; every refusal names its field.",
                     open311_cases),
    "bad-input.json": ("Bad input from a partner system: wrong shapes, types and values in actions, reports, documents, "
                       "logs, rows and arithmetic; every case refused with its typed error, the ledger unchanged.",
                       bad_input_cases),
}


def main():
    check = "--check" in sys.argv
    stale = []
    total = 0
    for name, (description, build) in FILES.items():
        cases = build()
        total += len(cases)
        text = json.dumps(doc(description, cases), ensure_ascii=False, indent=1) + "\n"
        path = HERE / name
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.write_text(text, encoding="utf-8")
    codes = json.dumps({"format": "wangge.error_codes", "version": 1, "codes": error_codes()}, ensure_ascii=False, indent=1) + "\n"
    path = HERE / "error-codes.json"
    if check:
        if not path.exists() or path.read_text(encoding="utf-8") != codes:
            stale.append(path.name)
    else:
        path.write_text(codes, encoding="utf-8")
    if check and stale:
        sys.exit(f"stale conformance files (run python3 tests/conformance/generate.py): {', '.join(stale)}")
    print(f"{total} cases in {len(FILES)} files")


if __name__ == "__main__":
    main()
