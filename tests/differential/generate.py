#!/usr/bin/env python3
"""Random operation sequences for the differential test (tests/differential/README.md).

Each sequence is a conformance case (the operation language of tests/conformance/README.md)
without expectations: hierarchy edits and queries, ticket reports and actions by random
actors at random instants (many of them refused: wrong actor, wrong state, unknown ids,
instants that go back), escalation sweeps, votes and metrics. The Python and JavaScript
runners record what every operation returns or the error it raises, and the final log and
documents; the two transcripts must be byte-identical.

Deterministic: sequence `n` is drawn from `random.Random(n)`, so a failing seed can be
regenerated alone (`--first n --count 1`). Standard library only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "conformance"))
from generate import LEAK  # noqa: E402  (the conformance corpus's small hierarchy)

BASE = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))

NODES = [n["id"] for n in LEAK["nodes"]]
UNITS = ["city", "zone", "town", "hh", "g1", "g2", "xhct", "b3"]
DEPARTMENTS = ["smr", "cg", "zj"]
ACTORS = NODES + ["@system", "nobody"]
CATEGORIES = ["livelihood.repair", "livelihood.repair", "livelihood.repair", "livelihood.parking", "livelihood", "nothing.here"]
# Jurisdictions name categories of the taxonomy (one that matches none refuses the ledger:
# ticket.unmatched_category, a case of the conformance corpus).
GRANTED = [c for c in CATEGORIES if c != "nothing.here"]
KINDS = ["grid", "compound", "building", "community", "street", "grid_worker", "department", "volunteer_team"]
STATES = ["reported", "filed", "dispatched", "in_progress", "handled", "verified", "closed",
          "rejected", "suspended", "parked", "merged"]
DEADLINES = ["acknowledge", "handle", "reply", "verify"]


# The closed loop under the default authority (as the conformance corpus walks it), with a
# whistle on the way.
HAPPY = [
    ("zx", {"type": "file"}), ("zx", {"type": "dispatch", "to": "g1"}), ("w1", {"type": "acknowledge"}),
    ("zx", {"type": "whistle", "departments": ["smr"]}), ("smr", {"type": "sign_whistle"}),
    ("smr", {"type": "report_whistle"}), ("w1", {"type": "handle", "outcome": "已处理"}),
    ("zx", {"type": "verify", "passed": True}), ("zx", {"type": "visit", "satisfaction": "satisfied"}),
    ("zx", {"type": "close"}),
]


def instant(minutes: int) -> str:
    return (BASE + dt.timedelta(minutes=minutes)).isoformat()


class Sequence:
    def __init__(self, seed: int):
        self.r = random.Random(seed)
        self.minute = 0
        self.tickets: list[str] = []
        self.new_nodes: list[str] = []
        self.ops: list[dict] = []
        self.step: dict[str, int] = {}

    # -- choices -------------------------------------------------------------------------
    def at(self) -> str:
        """Mostly forward in time, sometimes back (a stale instant must be refused alike)."""
        r = self.r
        step = r.choice([0, 1, 5, 30, 60, 240, 1440, 4320, -30])
        self.minute = max(0, self.minute + step)
        return instant(self.minute + (r.choice([0, 0, 0, -600]) if r.random() < 0.1 else 0))

    def node(self) -> str:
        pool = NODES + self.new_nodes
        return self.r.choice(pool + ["mars"] if self.r.random() < 0.05 else pool)

    def unit(self) -> str:
        return self.r.choice(UNITS + self.new_nodes[:3])

    def ticket(self) -> str:
        if not self.tickets or self.r.random() < 0.05:
            return f"T{self.r.randint(0, 30)}"
        return self.r.choice(self.tickets)

    def text(self) -> str:
        return self.r.choice(["已处理", "等待鉴定", "材料未到", "不属于本单位职责", "", "x" * self.r.randint(1, 40)])

    def actor(self, action: dict) -> str:
        """Usually the one the default authority lets act (the holder's grid worker for the
        holder's actions, a summoned department for its whistle, the operations centre for
        the rest, as in the conformance corpus), else anyone: refusals are compared too."""
        r = self.r
        if r.random() < 0.3:
            return r.choice(ACTORS)
        kind = action["type"]
        if kind in ("acknowledge", "return", "handle", "request_extension", "record_refusal"):
            return r.choice(["w1", "w1", "w1", "town", "smr"])
        if kind in ("sign_whistle", "report_whistle"):
            return r.choice(DEPARTMENTS)
        return r.choice(["zx", "zx", "zx", "zx1", "@system"])

    def action(self) -> dict:
        r = self.r
        kind = r.choice([
            "file", "file", "dispatch", "dispatch", "acknowledge", "acknowledge", "handle", "handle",
            "verify", "visit", "close", "close", "reject", "return", "reopen", "suspend", "resume",
            "request_extension", "decide_extension", "park", "unpark", "merge", "escalate",
            "whistle", "sign_whistle", "report_whistle", "release_whistle", "record_refusal",
            "supervise", "remind", "set_deadline", "confirm_on_site", "teleport",
        ])
        a: dict = {"type": kind}
        if kind == "dispatch":
            a["to"] = r.choice(["g1", "g1", "g1", "g2", "w1", "pm", "smr", "hh", "mars"])
        elif kind == "handle":
            a["outcome"] = self.text()
        elif kind == "verify":
            a["passed"] = r.random() < 0.7
        elif kind == "visit":
            a["satisfaction"] = r.choice(["satisfied", "basically_satisfied", "unsatisfied", "ecstatic"])
        elif kind == "reject":
            a["reason"] = {"kind": r.choice(["out_of_scope", "duplicate", "insufficient_information"])}
        elif kind in ("return", "suspend", "park"):
            a["reason"] = self.text()
        elif kind == "request_extension":
            a["until"] = instant(self.minute + r.choice([60, 1440 * 10, -60]))
            a["reason"] = self.text()
        elif kind == "decide_extension":
            a["granted"] = r.random() < 0.6
        elif kind == "merge":
            a["into"] = self.ticket()
        elif kind == "escalate":
            if r.random() < 0.5:
                a["to"] = r.choice(["town", "zone", "hh", "b3", "city"])
        elif kind == "whistle":
            a["departments"] = r.sample(DEPARTMENTS + ["w1"], r.randint(1, 3))
        elif kind == "release_whistle":
            a["department"] = r.choice(DEPARTMENTS)
        elif kind == "record_refusal":
            a["party"] = "饭店店主"
        elif kind == "supervise":
            a["note"] = "督办"
        elif kind == "remind":
            a["deadline"] = r.choice(DEADLINES)
        elif kind == "set_deadline":
            a["deadline"] = r.choice(DEADLINES)
            a["due"] = instant(self.minute + r.choice([30, 600, 4320]))
        return a

    # -- operations ----------------------------------------------------------------------
    def add(self, op: str, **args) -> None:
        self.ops.append({"op": op, **args})

    def hierarchy_edit(self) -> None:
        r = self.r
        choice = r.randrange(8)
        if choice == 0:
            nid = f"n{len(self.new_nodes)}" if r.random() < 0.9 else r.choice(NODES)
            self.add("h.add", id=nid, kind=r.choice(KINDS), name=f"节点{nid}")
            if nid not in NODES and nid not in self.new_nodes:
                self.new_nodes.append(nid)
        elif choice == 1:
            self.add("h.contain", parent=self.node(), child=self.node())
        elif choice == 2:
            self.add("h.move", child=self.node(), parent=self.node())
        elif choice == 3:
            self.add("h.rename", id=self.node(), name=r.choice(["新名", "", "网格" * 3]))
        elif choice == 4:
            self.add("h.serve", who=self.node(), unit=self.node())
        elif choice == 5:
            self.add("h.grant", department=self.node(), unit=self.unit(), categories=r.sample(GRANTED, 2))
        elif choice == 6:
            # Removing a node the ledger refers to is refused once the ledger exists.
            self.add("h.remove", id=self.r.choice(self.new_nodes + ["b3", "w2", "mars"]))
        else:
            self.add("h.lead", **{"from": self.node(), "to": self.node()})

    def hierarchy_query(self) -> None:
        r = self.r
        q = r.choice(["h.size", "h.chain", "h.children", "h.parent", "h.ancestor", "h.descendants",
                      "h.lca", "h.grid_of", "h.staff", "h.departments", "h.roundtrip"])
        if q == "h.size" or q == "h.roundtrip":
            self.add(q)
        elif q in ("h.ancestor", "h.descendants"):
            self.add(q, id=self.node(), kind=r.choice(KINDS))
        elif q == "h.lca":
            self.add(q, a=self.node(), b=self.node())
        elif q == "h.departments":
            self.add(q, id=self.unit(), category=r.choice(CATEGORIES))
        else:
            self.add(q, id=self.node())

    def report(self) -> None:
        r = self.r
        tid = f"T{len(self.tickets)}" if r.random() < 0.9 else self.ticket()
        ticket = {"id": tid, "category": r.choice(CATEGORIES), "unit": self.unit()}
        if r.random() < 0.05:
            ticket["verifyFirst"] = True
        if r.random() < 0.1:
            ticket["priority"] = r.choice(["urgent", "normal", "whenever"])
        self.add("t.report", ticket=ticket, actor=r.choice(["zone"] * 4 + ["zx"] * 4 + ["w1", "@system", "nobody"]), at=self.at())
        if tid not in self.tickets:
            self.tickets.append(tid)

    def ticket_op(self) -> None:
        r = self.r
        if not self.tickets or r.random() < 0.15:
            self.report()
            return
        choice = r.random()
        tid = self.ticket()
        if choice < 0.5:
            # The next step of the closed loop for one of the first tickets (so that sequences
            # go deep).
            tid = r.choice(self.tickets[:2])
            n = self.step.get(tid, 0)
            actor, action = HAPPY[n % len(HAPPY)]
            self.step[tid] = n + 1
            self.add("t.apply", ticket=tid, actor=actor, at=self.at(), action=action)
        elif choice < 0.7:
            action = self.action()
            self.add("t.apply", ticket=tid, actor=self.actor(action), at=self.at(), action=action)
        elif choice < 0.78:
            self.add("t.check", ticket=tid, actor=r.choice(ACTORS), at=self.at(), action=self.action())
        elif choice < 0.84:
            self.add("t.why_not", ticket=tid, actor=r.choice(ACTORS), at=self.at(), action=self.action())
        elif choice < 0.88:
            self.add("t.who_can", ticket=tid, at=self.at(), action=self.action())
        elif choice < 0.92:
            self.add("t.get", ticket=tid)
        elif choice < 0.95:
            self.add("t.deadline", ticket=tid, kind=r.choice(DEADLINES))
        elif choice < 0.97:
            self.add("t.in_state", state=r.choice(STATES))
        else:
            self.add("t.roundtrip")

    def escalation(self) -> None:
        self.add(self.r.choice(["e.evaluate", "e.sweep", "e.sweep"]), now=self.at())

    def vote(self) -> None:
        r = self.r
        voters = [f"v{i}" for i in range(r.randint(1, 9))]
        members = [{"id": v, "representative": r.random() < 0.3} for v in voters]
        if r.random() < 0.05:
            members.append({"id": voters[0]})  # a member twice: refused alike
        self.add("v.members", members=members)
        rule = r.choice([
            {"preset": "two_thirds_of_representatives"}, {"preset": "two_thirds_of_representatives"},
            {"preset": "consensus_of_attendees", "basis": "persons"},
            {"preset": "consensus_of_attendees", "basis": "persons"},
            {"preset": "civil_code_278_ordinary"},  # needs areas: refused on members alike
            {"preset": "no_such_rule"},
        ])
        opens, closes = instant(self.minute), instant(self.minute + 1440)
        self.add("v.open", id=f"vote{len(self.ops)}", agenda="议题", rule=rule, opensAt=opens, closesAt=closes)
        ballots = [
            {"voter": v, "choice": r.choice(["agree", "agree", "oppose", "abstain"]),
             "at": instant(self.minute + r.choice([1, 60, 2000]))}
            for v in voters + ["stranger"] if r.random() < 0.8
        ]
        if r.random() < 0.3:
            # In one call: a voter twice, a choice that is none, a time that is none, each
            # refused on its own row.
            if ballots and r.random() < 0.5:
                ballots.append(dict(ballots[0]))
            if r.random() < 0.3:
                ballots.append({"voter": voters[-1], "choice": "maybe", "at": instant(self.minute + 1)})
            if r.random() < 0.3:
                ballots.append({"voter": voters[-1], "choice": "agree", "at": "2025-13-01T00:00:00+08:00"})
            self.add("v.cast_rows", ballots=ballots)
        else:
            for b in ballots:
                self.add("v.cast", **b)
        if r.random() < 0.8:
            self.add("v.close", at=instant(self.minute + r.choice([1440, 1500, 10])))
        for q in ("v.tally", "v.passes", "v.outcome"):
            self.add(q)

    def build(self) -> list[dict]:
        r = self.r
        for _ in range(r.randint(5, 60)):
            x = r.random()
            if x < 0.15:
                self.hierarchy_edit()
            elif x < 0.25:
                self.hierarchy_query()
            elif x < 0.85:
                self.ticket_op()
            elif x < 0.93:
                self.escalation()
            elif x < 0.97:
                self.vote()
            else:
                self.add("m.compute", options={"groupBy": r.choice(["all", {"level": "grid"}, {"level": "community"}, "department"]),
                                               "periodBy": r.choice(["all", "day", "month"])})
        return self.ops


def case(seed: int) -> dict:
    return {"seed": seed, "ops": Sequence(seed).build()}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--first", type=int, default=0, help="first seed")
    p.add_argument("--count", type=int, default=1000, help="number of sequences")
    a = p.parse_args()
    out = sys.stdout
    # A header names the format and the setup every sequence starts from (one copy).
    header = {"format": "wangge.differential", "version": 1, "setup": {"hierarchy": LEAK}}
    out.write(json.dumps(header, ensure_ascii=False, separators=(",", ":")) + "\n")
    for seed in range(a.first, a.first + a.count):
        out.write(json.dumps(case(seed), ensure_ascii=False, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
