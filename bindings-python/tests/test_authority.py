"""The authority (职责分工) through the Python API: documents and presets, who may act, the
exceptions of its refusals, trusted history, pickling."""

from __future__ import annotations

import pickle

import pytest

import wangge
from conftest import T


def test_presets_and_documents():
    a = wangge.Authority("gbt30428")
    assert a.name == "gbt30428" and not a.migration
    assert wangge.Authority.preset("hotline12345").name == "hotline12345"
    assert tuple(wangge.Authority.PRESETS) == ("gbt30428", "hotline12345", "legacy_permissive")
    assert a.roles("file") == ["supervisor"]
    assert a.roles("rule_fired") == ["system"]
    assert a.conflicts("verify") == ["handler"]
    doc = a.to_dict()
    assert doc["format"] == "wangge.authority" and doc["version"] == 1
    assert wangge.Authority(doc) == a
    assert wangge.Authority(a.to_json()) == a
    assert pickle.loads(pickle.dumps(a)) == a
    assert wangge.Authority("legacy_permissive").migration
    with pytest.raises(wangge.AuthorityError) as e:
        wangge.Authority("lax")
    assert e.value.code == "authority.unknown_preset"
    unsafe = dict(doc, allow=dict(doc["allow"], set_deadline=["holder"]))
    with pytest.raises(wangge.AuthorityError) as e:
        wangge.Authority(unsafe)
    assert e.value.code == "authority.unsafe" and e.value.action == "set_deadline"
    with pytest.raises(wangge.TicketError):
        a.roles("teleport")


def test_refusals_are_unauthorized_subclasses(h):
    h.add("far", "department", "外区部门")
    ledger = wangge.Ledger(h)
    ledger.report({"id": "T1", "category": "livelihood.repair", "unit": "b3"}, actor="w1", at=T(0))
    with pytest.raises(wangge.Unauthorized) as e:
        ledger.apply("T1", actor="w1", at=T(1), action={"type": "file"})
    assert type(e.value) is wangge.Unauthorized and e.value.allowed == ["supervisor"]
    ledger.apply("T1", actor="zx", at=T(1), action={"type": "file"})
    with pytest.raises(wangge.OutOfJurisdiction) as o:
        ledger.apply("T1", actor="zx", at=T(2), action={"type": "dispatch", "to": "far"})
    assert isinstance(o.value, wangge.Unauthorized) and (o.value.actor, o.value.target) == ("zx", "far")
    ledger.apply("T1", actor="zx", at=T(2), action={"type": "dispatch", "to": "g1"})
    ledger.apply("T1", actor="w1", at=T(3), action={"type": "acknowledge"})
    ledger.apply("T1", actor="w1", at=T(4), action={"type": "handle", "outcome": "修好"})
    before = ledger.to_jsonl()
    with pytest.raises(wangge.SeparationOfDuty) as s:
        ledger.apply("T1", actor="w1", at=T(5), action={"type": "verify", "passed": True})
    assert isinstance(s.value, wangge.Unauthorized) and s.value.conflict == "handler"
    assert ledger.to_jsonl() == before, "a refused action changes nothing"
    why = ledger.why_not("T1", actor="w1", at=T(5), action={"type": "verify", "passed": True})
    assert why is not None and why["rule"] == "separate.handler" and "处置方" in why["zh"]
    assert ledger.can("T1", actor="zx1", at=T(5), action={"type": "verify", "passed": True})
    # Not the grid or its worker (the handler); the units above it and the centre, in key order.
    assert ledger.who_can("T1", at=T(5), action={"type": "verify", "passed": True}) == [
        "city", "zone", "town", "hh", "zx", "zx1"]


def test_trusted_history_and_another_authority(h):
    legacy = wangge.Ledger(h, authority="legacy_permissive")
    assert legacy.authority.name == "legacy_permissive"
    legacy.report({"id": "T1", "category": "livelihood.repair", "unit": "b3"}, actor="hh", at=T(0))
    for m, (actor, action) in enumerate([
        ("hh", {"type": "file"}), ("hh", {"type": "dispatch", "to": "g1"}), ("w1", {"type": "acknowledge"}),
        ("w1", {"type": "handle", "outcome": "修好"}), ("w1", {"type": "verify", "passed": True}),
    ], start=1):
        legacy.apply("T1", actor=actor, at=T(m), action=action)
    log = legacy.to_jsonl()
    with pytest.raises(wangge.LogError) as e:
        wangge.Ledger.from_jsonl(h, log)
    assert e.value.code == "log.replay_refused" and e.value.line == 2
    trusted = wangge.Ledger.from_jsonl(h, log, trusted=True)
    assert trusted.state("T1") == "verified" and trusted.authority.name == "gbt30428"
    assert wangge.Ledger.from_jsonl(h, log, authority="legacy_permissive").state("T1") == "verified"
    rows = legacy.event_rows()
    fresh = wangge.Ledger(h)
    bad = fresh.load_rows(rows)
    assert [(row, e.code) for row, e in bad][:1] == [(2, "ticket.unauthorized")]
    again = wangge.Ledger(h)
    assert again.load_rows(rows, trusted=True) == []
    # A pickled ledger keeps its authority.
    back = pickle.loads(pickle.dumps(legacy))
    assert back.authority.name == "legacy_permissive" and back.to_jsonl() == log


def test_hierarchy_centres(h):
    assert [c["id"] for c in h.supervising_centres("b3")] == ["zx"]
    assert [c["id"] for c in h.commanding_centres("g1")] == ["zx"]
    with pytest.raises(wangge.HierarchyError) as e:
        h.supervise("smr", "zone")
    assert e.value.code == "hierarchy.edge_kinds"
    with pytest.raises(wangge.HierarchyError) as e:
        h.command("zx", "g1")
    assert e.value.code == "hierarchy.edge_kinds"
    with pytest.raises(wangge.HierarchyError) as e:
        h.add("@system", "department", "冒充")
    assert e.value.code == "hierarchy.reserved_id"
