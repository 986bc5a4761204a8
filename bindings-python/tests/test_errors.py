"""Every exception class is raised from real bad input; malformed input of every kind gives
a WanggeError subclass, never a BaseException such as PanicException."""

from __future__ import annotations

import pickle

import pytest

import wangge
from wangge import errors
from conftest import T, leak_hierarchy


def test_hierarchy_of_classes():
    for name in errors.__all__:
        cls = getattr(errors, name)
        assert issubclass(cls, wangge.WanggeError) and issubclass(cls, Exception)
        assert getattr(wangge, name) is cls
    assert issubclass(wangge.IllegalTransition, wangge.TicketError)
    assert issubclass(wangge.TamperedLog, wangge.LogError)


def raised(fn):
    try:
        fn()
    except BaseException as e:  # noqa: BLE001 - the point is to see everything
        return e
    return None


def test_every_class_is_raised():
    h = leak_hierarchy()
    ledger = wangge.Ledger(h)
    ledger.report({"id": "A", "category": "livelihood.repair", "unit": "b3"}, actor="w1", at=T(0))
    text = ledger.to_jsonl()
    cases = {
        wangge.HierarchyError: lambda: h.contain("hh", "town"),
        wangge.DivisionCodeError: None,
        wangge.TicketError: lambda: ledger.apply("nope", actor="zx", at=T(1), action={"type": "file"}),
        wangge.IllegalTransition: lambda: ledger.apply("A", actor="zx", at=T(1), action={"type": "close"}),
        wangge.Unauthorized: lambda: ledger.apply("A", actor="w2", at=T(1), action={"type": "file"}),
        wangge.LogError: lambda: wangge.Ledger.from_jsonl(h, '{"v":9}\n'),
        wangge.TamperedLog: lambda: wangge.Ledger.from_jsonl(h, text.replace("b3", "g2")),
        wangge.TaxonomyError: lambda: wangge.Ledger(h, {"format": "wangge.taxonomy", "version": 1,
                                                        "categories": [{"code": "a.b", "name": "x"}]}),
        wangge.CalendarError: lambda: wangge.Calendar.standard().with_exceptions_text("bogus"),
        wangge.TimeError: lambda: wangge.instant("yesterday"),
        wangge.PolicyError: lambda: wangge.EscalationPolicy({"name": "x", "rules": [
            {"name": "", "when": {"type": "refusal"}, "then": [{"type": "remind"}]}]}),
        wangge.QuorumError: lambda: wangge.OwnerRoll({"format": "wangge.consultation.owner_roll",
                                                      "version": 1, "owners": [{"id": "x"}, {"id": "x"}],
                                                      "units": []}),
        wangge.MalformedInput: lambda: h.add_node({"id": 1}),
    }
    for cls, fn in cases.items():
        if fn is None:
            continue
        e = raised(fn)
        assert type(e) is cls, (cls, e)
        assert isinstance(e.code, str) and isinstance(e.details, dict) and str(e)
        assert repr(e).startswith(cls.__name__)
    # division codes are reported per row, not raised
    _, bad = wangge.Hierarchy().import_division_codes([("12", "x")])
    assert type(bad[0][1]) is wangge.DivisionCodeError
    # InternalError is what a panic would become; it is an Exception with a code
    assert issubclass(wangge.InternalError, Exception) and wangge.InternalError("x").message == "x"


def test_exceptions_pickle():
    e = raised(lambda: leak_hierarchy().chain("nope"))
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is type(e) and back.code == e.code and back.id == "nope" and back.details == e.details


BAD_VALUES = [None, 42, "", "{", "[]", {}, [], {"type": "nope"}, {"id": 1}, "not json",
              {"format": "x"}, 3.5, ["a", 1], {"id": "x", "kind": "grid"}, b"bytes", object()]


def calls():
    h = leak_hierarchy()
    ledger = wangge.Ledger(h)
    ledger.report({"id": "A", "category": "livelihood.repair", "unit": "b3"}, actor="w1", at=T(0))
    cal = wangge.Calendar.standard()
    esc = wangge.EscalationPolicy.standard()
    roll = wangge.OwnerRoll({"format": "wangge.consultation.owner_roll", "version": 1,
                             "owners": [{"id": "o"}], "units": [{"id": "u", "building": "b3",
                                                                 "area": "50", "owner": "o"}]})
    e = roll.electorate(h, "whole_roll")
    return [
        lambda x: wangge.Hierarchy.from_json(x), lambda x: h.add_node(x), lambda x: h.connect(x),
        lambda x: h.import_division_codes(x), lambda x: h.set_place("g1", location=x),
        lambda x: ledger.report(x, actor="g1", at=T(0)),
        lambda x: ledger.apply("A", actor="g1", at=T(0), action=x),
        lambda x: ledger.check("A", actor="g1", at=T(0), action=x),
        lambda x: ledger.apply("A", actor="g1", at=x, action={"type": "file"}),
        lambda x: ledger.apply_many(x), lambda x: ledger.load_rows(x),
        lambda x: wangge.Ledger(h, x if x is not None else "{"),
        lambda x: wangge.Ledger.replay(h, x), lambda x: wangge.Calendar(x),
        lambda x: cal.is_working_time(x), lambda x: cal.is_working_day(x),
        lambda x: wangge.EscalationPolicy(x), lambda x: esc.evaluate(ledger, now=x, calendar=cal),
        lambda x: wangge.OwnerRoll(x), lambda x: roll.electorate(h, x),
        lambda x: wangge.ForumRecords(x), lambda x: wangge.Metrics(ledger, cal, x if x is not None else "{"),
        lambda x: wangge.rule_document(x), lambda x: wangge.Rule(x),
        lambda x: wangge.Vote(e, id="v", agenda="a", rule=x, opens_at=T(0), closes_at=T(10)),
        lambda x: wangge.Vote(e, id="v", agenda="a", rule={"preset": "civil_code_278_ordinary"},
                              opens_at=x, closes_at=T(10)),
        lambda x: wangge.open311_import(ledger, x), lambda x: wangge.Decisions(x),
        lambda x: ledger.set_service_levels(x if x is not None else "{", cal, now=T(0)),
        lambda x: wangge.scale_service_policy(x, 80), lambda x: wangge.service_policy_document(x),
        lambda x: wangge.Ledger.from_jsonl(h, x + "\n" if isinstance(x, str) else "{}\n"),
        lambda x: wangge.instant(x),
    ], h


def test_malformed_input_of_every_kind():
    fns, h = calls()
    refused = 0
    for fn in fns:
        for x in BAD_VALUES:
            e = raised(lambda: fn(x))
            if e is None:
                continue
            refused += 1
            assert isinstance(e, Exception), (fn, x, e)
            # Wrong Python types for plain str/int parameters are TypeErrors from argument
            # parsing; every value that reaches wangge gives a WanggeError.
            assert isinstance(e, (wangge.WanggeError, TypeError)), (fn, x, type(e), e)
            if isinstance(e, wangge.WanggeError):
                assert isinstance(e.code, str) and e.code != "internal.panic"
    assert refused > 400, refused
    assert len(h.chain("b3")) == 7, "the module still works"


def test_document_inputs_give_wangge_errors_only():
    """Every document/data parameter accepts any Python object and refuses with WanggeError."""
    fns, _ = calls()
    for fn in fns:
        for x in [None, 42, "{", {"type": "nope"}, [1, 2], object()]:
            e = raised(lambda: fn(x))
            assert e is None or isinstance(e, wangge.WanggeError), (fn, x, type(e), e)
