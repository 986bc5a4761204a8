"""The conformance corpus (tests/conformance/*.json) run against the Python module.

The same files are run by the Rust (core/tests/conformance.rs) and JavaScript
(bindings-wasm/tests/conformance.test.mjs) runners, so the three runtimes provably give the
same answers. The format is documented in tests/conformance/README.md; every operation maps
onto one call of the public Python API. One pytest item per case.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

import wangge

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "conformance"
DATA = ROOT / "examples" / "data"


def data_file(name: str, suffix: str) -> str:
    return (DATA / f"{name}.{suffix}.json").read_text(encoding="utf-8")


def doc(value: Any, suffix: str) -> Any:
    """A document given inline, or by data-file name."""
    if isinstance(value, str) and not value.lstrip().startswith(("{", "[")):
        return data_file(value, suffix)
    return value


def plain(value: Any) -> Any:
    """Python results as JSON values (datetimes and dates as ISO text)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def ids(nodes: List[Dict[str, Any]]) -> List[str]:
    return [n["id"] for n in nodes]


def node_id(node: Optional[Dict[str, Any]]) -> Optional[str]:
    return None if node is None else node["id"]


def calendar(value: Any) -> wangge.Calendar:
    if value in ("standard", "china"):
        return getattr(wangge.Calendar, value)()
    return wangge.Calendar(doc(value, "calendar"))


def escalation(value: Any) -> wangge.EscalationPolicy:
    if value == "standard":
        return wangge.EscalationPolicy.standard()
    return wangge.EscalationPolicy(doc(value, "escalation"))


def service_policy(value: Any) -> Dict[str, Any]:
    if value == "guangdong_12345":
        return wangge.service_policy_guangdong_12345()
    if value == "beijing":
        return wangge.service_policy_beijing()
    return wangge.service_policy_document(value)


def decisions(handle: wangge.Decisions) -> List[List[str]]:
    listed = handle.to_list()
    # to_list() builds the dicts of a sweep's common decisions by hand; indexing goes through
    # serde. Both give the same dicts, members in the same order, for every decision here.
    assert json.dumps(listed, ensure_ascii=False) == json.dumps(
        [handle[i] for i in range(len(handle))], ensure_ascii=False)
    out = []
    for d in listed:
        if d["trigger"] == "recheck":
            continue
        effect = d["effect"]
        what = effect["action"]["type"] if effect["type"] == "act" else "notify"
        out.append([d["ticket"], d["rule"], what])
    return out


def authority(value: Any) -> wangge.Authority:
    """A preset's name, or a document (a dict or JSON text)."""
    return wangge.Authority(value)


class Session:
    def __init__(self, setup: Dict[str, Any]):
        self.h = wangge.Hierarchy.from_json(doc(setup["hierarchy"], "hierarchy")) if "hierarchy" in setup else wangge.Hierarchy()
        self.taxonomy = setup.get("taxonomy")
        self.calendar = calendar(setup["calendar"]) if "calendar" in setup else wangge.Calendar.standard()
        self.policy = escalation(setup["escalation"]) if "escalation" in setup else wangge.EscalationPolicy.standard()
        self.roll = wangge.OwnerRoll(doc(setup["roll"], "roll")) if "roll" in setup else None
        self.levels = setup.get("serviceLevels")
        self.authority = authority(setup["authority"]) if "authority" in setup else None
        self.ledger_: Optional[wangge.Ledger] = None
        self.residents: Any = None
        self.electorate: Any = None
        self.vote: Any = None
        self.forums: Any = None

    def ledger(self) -> wangge.Ledger:
        if self.ledger_ is None:
            ledger = wangge.Ledger(self.h, self.taxonomy, authority=self.authority)
            if self.levels:
                ledger.set_service_levels(
                    service_policy(self.levels["policy"]), self.calendar, now=self.levels["since"]
                )
            self.ledger_ = ledger
        return self.ledger_

    def log_if_any(self) -> Optional[str]:
        """The ledger's log, or None when the ledger cannot be built (the op will say why)."""
        try:
            return self.ledger().to_jsonl()
        except wangge.WanggeError:
            return None

    def log_text(self, o: Dict[str, Any]) -> str:
        """The ledger's log, signed with ``signingKey`` (hex) if the op gives one."""
        if "signingKey" in o:
            return self.ledger().to_jsonl(signing_key=bytes.fromhex(o["signingKey"]))
        return self.ledger().to_jsonl()

    def edited_log(self, o: Dict[str, Any]) -> str:
        if "text" in o:
            return o["text"]
        text = self.log_text(o)
        for old, new in o.get("replace", []):
            if old not in text:
                raise AssertionError(f"the log does not contain {old!r}")
            text = text.replace(old, new, 1)
        if o.get("dropLines"):
            lines = text.splitlines()
            text = "".join(line + "\n" for line in lines[: max(0, len(lines) - o["dropLines"])])
        return text

    def run(self, o: Dict[str, Any]) -> Any:  # noqa: C901 - one branch per operation
        op, h = o["op"], self.h
        # hierarchy
        if op == "h.add":
            return h.add(o["id"], o["kind"], o["name"])
        if op == "h.contain":
            return h.contain(o["parent"], o["child"])
        if op == "h.lead":
            return h.lead(o["from"], o["to"])
        if op == "h.serve":
            return h.serve(o["who"], o["unit"])
        if op == "h.join":
            return h.join(o["member"], o["organisation"])
        if op == "h.supervise":
            return h.supervise(o["centre"], o["unit"])
        if op == "h.command":
            return h.command(o["centre"], o["unit"])
        if op == "h.grant":
            return h.grant_jurisdiction(o["department"], o["unit"], o["categories"])
        if op == "h.disconnect":
            return h.disconnect(o["kind"], o["from"], o["to"])
        if op == "h.remove":
            return h.remove(o["id"])["id"]
        if op == "h.move":
            return h.move_to(o["child"], o["parent"])
        if op == "h.rename":
            return h.rename(o["id"], o["name"])
        if op == "h.boundary":
            return h.set_boundary(o["id"], o["boundary"])
        if op == "h.locate":
            return h.locate(o["lat"], o["lng"], o["system"])
        if op == "h.load":
            self.h = wangge.Hierarchy.from_json(doc(o["document"], "hierarchy"))
            return len(self.h)
        if op == "h.divisions":
            added, bad_rows = h.import_division_codes(o["rows"])
            return {"added": added, "errors": [[row, e.code] for row, e in bad_rows]}
        if op == "h.size":
            return len(h)
        if op == "h.node":
            return h.node(o["id"])
        if op == "h.parent":
            return node_id(h.parent(o["id"]))
        if op == "h.children":
            return ids(h.children(o["id"]))
        if op == "h.chain":
            return ids(h.chain(o["id"]))
        if op == "h.ancestor":
            return node_id(h.ancestor_of_kind(o["id"], o["kind"]))
        if op == "h.descendants":
            return ids(h.descendants_of_kind(o["id"], o["kind"]))
        if op == "h.lca":
            return node_id(h.lowest_common_ancestor(o["a"], o["b"]))
        if op == "h.grid_of":
            return node_id(h.grid_of(o["id"]))
        if op == "h.party":
            return node_id(h.leading_party_org(o["id"]))
        if op == "h.staff":
            return ids(h.staff(o["id"]))
        if op == "h.departments":
            return ids(h.departments_for(o["id"], o["category"]))
        if op == "h.targets":
            return ids(h.targets(o["id"], o["kind"]))
        if op == "h.sources":
            return ids(h.sources(o["id"], o["kind"]))
        if op == "h.roundtrip":
            text = h.to_json()
            return wangge.Hierarchy.from_json(text).to_json() == text
        # tickets
        if op == "t.report":
            return self.ledger().report(o["ticket"], actor=o["actor"], at=o["at"])
        if op == "t.apply":
            return self.ledger().apply(o["ticket"], actor=o["actor"], at=o["at"], action=o["action"])
        if op == "t.check":
            return self.ledger().check(o["ticket"], actor=o["actor"], at=o["at"], action=o["action"])
        if op == "t.get":
            return self.ledger().get(o["ticket"])
        if op == "t.state":
            return self.ledger().state(o["ticket"])
        if op == "t.events":
            return len(self.ledger().events(o["ticket"]))
        if op == "t.in_state":
            return self.ledger().in_state(o["state"])
        if op == "t.deadline":
            return self.ledger().deadline(o["ticket"], o["kind"])
        if op == "t.roundtrip":
            ledger = self.ledger()
            back = wangge.Ledger.from_jsonl(self.h, ledger.to_jsonl(), self.taxonomy, authority=self.authority)
            replayed = wangge.Ledger.replay(self.h, ledger.all_events(), self.taxonomy, authority=self.authority)
            ours = ledger.tickets()
            return back.tickets() == ours and replayed.tickets() == ours
        if op == "t.load_jsonl":
            text = self.edited_log(o)
            trusted = o.get("trusted", False)
            key = bytes.fromhex(o["publicKey"]) if "publicKey" in o else None
            self.ledger_ = wangge.Ledger.from_jsonl(
                self.h, text, self.taxonomy, authority=self.authority, trusted=trusted, public_key=key
            )
            return len(self.ledger_)
        if op == "t.jsonl":
            return self.log_text(o)
        if op == "t.public_key":
            return wangge.public_key(bytes.fromhex(o["secret"])).hex()
        if op == "t.replay":
            trusted = o.get("trusted", False)
            self.ledger_ = wangge.Ledger.replay(self.h, o["events"], self.taxonomy, authority=self.authority, trusted=trusted)
            return len(self.ledger_)
        if op == "t.load_rows":
            bad = self.ledger().load_rows(o["rows"], trusted=o.get("trusted", False))
            return {"errors": [[row, e.code] for row, e in bad]}
        if op == "t.can":
            return self.ledger().can(o["ticket"], actor=o["actor"], at=o["at"], action=o["action"])
        if op == "t.why_not":
            return self.ledger().why_not(o["ticket"], actor=o["actor"], at=o["at"], action=o["action"])
        if op == "t.who_can":
            return self.ledger().who_can(o["ticket"], at=o["at"], action=o["action"])
        if op == "a.load":
            return authority(o["document"]).name
        if op == "tx.load":
            return len(wangge.Ledger(h, doc(o["document"], "taxonomy")).taxonomy()["categories"])
        # calendar
        if op == "c.load":
            self.calendar = calendar(o["document"])
            return None
        if op == "c.exceptions":
            self.calendar = self.calendar.with_exceptions_text(o["text"])
            return None
        if op == "c.working":
            return self.calendar.is_working_time(o["at"])
        if op == "c.working_day":
            return self.calendar.is_working_day(o["date"])
        if op == "c.add_minutes":
            return self.calendar.add_working_minutes(o["at"], o["minutes"])
        if op == "c.add_days":
            return self.calendar.add_working_days(o["at"], o["days"])
        if op == "g.convert":
            return list(wangge.convert_coords(o["lat"], o["lng"], o["from"], o["to"]))
        if op == "o.import":
            opts = o.get("options") or {}
            out = wangge.open311_import(self.ledger(), o["document"], opts.get("defaultUnit"),
                                        statuses=opts.get("statuses"), local_offset=opts.get("localOffset"))
            return {
                "tickets": out["tickets"],
                "duplicates": [[d["row"], d["of"]] for d in out["duplicates"]],
                "errors": [[row, e.code, getattr(e, "field", "")] for row, e in out["errors"]],
                "unmapped": [[u["row"], u["field"]] for u in out["unmapped"]],
                "assumed": [[a["row"], a["field"]] for a in out["assumed"]],
            }
        if op == "o.read":
            read = wangge.open311_read(o["document"])
            items = read["items"]
            return {"kind": read["kind"], "items": len(items) if isinstance(items, list) else 1}
        if op == "o.services":
            out = wangge.open311_import_services(o["document"])
            return {
                "codes": [c["code"] for c in out["taxonomy"]["categories"]],
                "errors": [[row, e.code, getattr(e, "field", "")] for row, e in out["errors"]],
                "unmapped": [[u["row"], u["field"]] for u in out["unmapped"]],
            }
        if op == "c.between":
            return math.floor(self.calendar.working_minutes_between(o["from"], o["to"]))
        if op == "c.next":
            return self.calendar.next_working_instant(o["at"])
        if op == "c.period_end":
            return self.calendar.period_end_date(o["start"], o["days"])
        if op == "c.period_deadline":
            return self.calendar.period_deadline(o["start"], o["days"])
        # escalation
        if op == "e.load":
            self.policy = escalation(o["document"])
            return None
        if op == "e.service_policy":
            return len(service_policy(o["document"])["rules"])
        if op == "e.scale":
            return wangge.scale_service_policy(service_policy(o["document"]), o["percent"])["name"]
        if op == "e.evaluate":
            return decisions(self.policy.evaluate(self.ledger(), now=o["now"], calendar=self.calendar))
        if op == "e.sweep":
            return decisions(self.policy.sweep(self.ledger(), now=o["now"], calendar=self.calendar))
        # consultation
        if op == "roll.load":
            self.roll = wangge.OwnerRoll(doc(o["document"], "roll"))
            return len(self.roll.to_document()["units"])
        if op == "residents.load":
            # The same document as JS gives (`wangge.consultation.resident_roll`).
            self.residents = wangge.ResidentRoll(
                {"households": o["households"], "residents": o["residents"], "groups": o.get("groups", [])}
            )
            return None
        if op == "v.electorate":
            if "on" in o:
                self.electorate = self.residents.electorate(self.h, o["scope"], on=o["on"])
            else:
                self.electorate = self.roll.electorate(self.h, o["scope"])
            return self.electorate.totals()
        if op == "v.members":
            self.electorate = wangge.Electorate.members(o["members"])
            return self.electorate.totals()
        if op == "v.rule":
            return wangge.rule_document(o["rule"])
        if op == "v.open":
            self.vote = wangge.Vote(
                self.electorate, id=o["id"], agenda=o["agenda"], rule=o["rule"],
                opens_at=o["opensAt"], closes_at=o["closesAt"],
            )
            return None
        if op == "v.proxy":
            return self.vote.register_proxy(o["principal"], o["proxy"])
        if op == "v.cast":
            return self.vote.cast(o["voter"], o["choice"], at=o["at"])
        if op == "v.cast_many":
            for choice in ("agree", "oppose", "abstain"):
                for voter in o.get(choice, []):
                    self.vote.cast(voter, choice, at=o["at"])
            return None
        if op == "v.cast_rows":
            bad = self.vote.cast_many([(b["voter"], b["choice"], b["at"]) for b in o["ballots"]])
            return [[i, e.code] for i, e in bad]
        if op == "v.cast_proxy":
            return self.vote.cast_by_proxy(o["proxy"], o["principal"], o["choice"], at=o["at"])
        if op == "v.close":
            return self.vote.close(at=o["at"])
        if op == "v.passes":
            return self.vote.passes()
        if op == "v.tally":
            return self.vote.tally()
        if op == "v.outcome":
            return self.vote.outcome()
        if op == "f.load":
            self.forums = wangge.ForumRecords(o["document"])
            return None
        if op == "f.stats":
            period = o.get("period") or {}
            return self.forums.stats(o.get("forum"), start=period.get("from"), end=period.get("to"))
        # metrics
        if op == "m.compute":
            return wangge.Metrics(self.ledger(), self.calendar, o.get("options")).report()
        if op == "m.partial":
            return json.loads(wangge.metrics_partial(self.ledger(), self.calendar, o["options"]))
        if op == "m.merge":
            docs = [json.dumps(d, ensure_ascii=False) for d in o["documents"]]
            return wangge.merge_metrics(self.h, self.calendar, docs, o["options"]).report()
        raise AssertionError(f"unknown operation {op}")


def close(expected: Any, actual: Any, within: float) -> bool:
    """Equal, numbers within ``within`` of each other (coordinate conversions, whose last bits
    depend on the platform's sines)."""
    if isinstance(expected, list):
        return isinstance(actual, list) and len(expected) == len(actual) and all(
            close(e, a, within) for e, a in zip(expected, actual))
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return abs(float(expected) - float(actual)) <= within
    return bool(expected == actual)


def matches(expected: Any, actual: Any, subset: bool) -> bool:
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return False
        if not subset and set(expected) != set(actual):
            return False
        return all(k in actual and matches(v, actual[k], subset) for k, v in expected.items())
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(matches(e, a, subset) for e, a in zip(expected, actual))
        )
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return float(expected) == float(actual)
    return expected == actual


def load_cases():
    cases, skipped = [], []
    for path in sorted(CORPUS.glob("*.json")):
        if path.name == "error-codes.json":
            continue
        corpus = json.loads(path.read_text(encoding="utf-8"))
        assert corpus["format"] == "wangge.conformance" and corpus["version"] == 1
        for case in corpus["cases"]:
            reason = (case.get("skip") or {}).get("python")
            item = pytest.param(case, id=f"{path.name}: {case['name']}")
            if reason:
                skipped.append(case["name"])
                item = pytest.param(case, id=f"{path.name}: {case['name']}", marks=pytest.mark.skip(reason=reason))
            cases.append(item)
    return cases, skipped


CASES, SKIPPED = load_cases()


def test_corpus_totals(capsys):
    with capsys.disabled():
        print(f"\nconformance (python): {len(CASES) - len(SKIPPED)} cases run, {len(SKIPPED)} skipped")
    assert len(CASES) >= 200


@pytest.mark.parametrize("case", CASES)
def test_case(case):
    session = Session(case.get("setup", {}))
    for i, o in enumerate(case["ops"]):
        where = f"op {i} {json.dumps(o, ensure_ascii=False)[:300]}"
        acts = o["op"] in ("t.apply", "t.report")
        before = session.log_if_any() if acts else None
        try:
            result = plain(session.run(o))
        except wangge.WanggeError as e:
            if acts and before is not None:
                assert session.ledger().to_jsonl() == before, f"{where}: a refused action changed the log"
            if "error" not in o:
                raise AssertionError(f"{where}: unexpected error {e.code} ({e})") from e
            assert e.code == o["error"], f"{where}: expected {o['error']}, got {e.code} ({e})"
            for key, value in o.get("errorDetails", {}).items():
                assert matches(value, e.details.get(key), True), f"{where}: detail {key} is {e.details.get(key)!r}"
            continue
        assert "error" not in o, f"{where}: expected error {o['error']}, got {result!r}"
        if "expect" in o:
            assert matches(o["expect"], result, False), f"{where}: expected {o['expect']!r}, got {result!r}"
        if "expectSubset" in o:
            assert matches(o["expectSubset"], result, True), f"{where}: expected (subset) {o['expectSubset']!r}, got {result!r}"
        if "expectClose" in o:
            assert close(o["expectClose"], result, o.get("within", 0.0)), f"{where}: expected {o['expectClose']!r} within {o.get('within')}, got {result!r}"
