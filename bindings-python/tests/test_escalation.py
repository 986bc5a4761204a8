from __future__ import annotations

import datetime
import json
from array import array
from datetime import date

import pytest

import wangge
from conftest import CN2025, CST, DATA, T

POLICY = {"name": "test", "rules": [{"name": "all", "targets": {
    "acknowledge": {"workingMinutes": 30}, "handle": {"workingHours": 2}}}]}
ESCALATION = {"name": "e", "top": "district", "rules": [
    {"name": "late", "when": {"type": "deadline_missed", "deadline": "handle"},
     "then": [{"type": "escalate"}, {"type": "supervise"}]},
    {"name": "refusal", "when": {"type": "refusal"},
     "then": [{"type": "whistle", "signWithin": {"hours": 1}, "reportWithin": {"workingDays": 3}}]},
]}


def test_calendar_2025(calendar):
    c = calendar
    assert c.add_working_minutes("2025-01-24T16:00:00+08:00", 120).isoformat() == "2025-01-26T09:00:00+08:00"
    assert c.add_working_days("2025-09-26T09:00:00+08:00", 15).isoformat() == "2025-10-23T17:30:00+08:00"
    assert c.working_minutes_between("2025-09-30T12:00:00+08:00", "2025-10-09T09:30:00+08:00") == 270
    assert c.period_end_date("2025-09-26", 5) == date(2025, 10, 9)
    assert c.period_end_date(date(2025, 9, 26), 5) == date(2025, 10, 9)
    assert c.period_deadline("2025-09-26T09:00:00+08:00", 5).isoformat() == "2025-10-10T00:00:00+08:00"
    assert c.is_working_day("2025-02-08") is True
    assert c.is_working_day(date(2025, 10, 1)) is False
    assert c.is_working_time("2025-10-01T10:00:00+08:00") is False
    assert c.next_working_instant("2025-10-01T10:00:00+08:00").isoformat() == "2025-10-09T08:30:00+08:00"
    again = wangge.Calendar(c.to_document())
    assert again == c and wangge.Calendar(c.to_json()) == c
    assert again.add_working_days("2025-01-24T10:00:00+08:00", 3).isoformat() == "2025-02-05T17:30:00+08:00"
    t = int(wangge.instant("2025-01-24T16:00:00+08:00").timestamp())
    assert list(c.add_working_seconds_many([t], 7200)) == [int(wangge.instant("2025-01-26T09:00:00+08:00").timestamp())]
    assert "Calendar(" in repr(c)
    assert wangge.Calendar((DATA / "cn-2025.calendar.json").read_text(encoding="utf-8")) == c


def test_calendar_errors(calendar):
    with pytest.raises(wangge.TimeError):
        calendar.add_working_minutes("2025-01-24T16:00:00", 1)
    with pytest.raises(wangge.CalendarError, match="-1 working minutes") as e:
        calendar.add_working_minutes("2025-01-24T16:00:00+08:00", -1)
    assert e.value.code == "calendar.invalid_amount"
    with pytest.raises(wangge.CalendarError) as e:
        calendar.add_working_minutes("2025-01-24T16:00:00+08:00", 2**62)
    assert e.value.code == "calendar.out_of_range"
    with pytest.raises(wangge.CalendarError) as e:
        calendar.add_working_seconds_many(array("q", [0]), -60)
    assert e.value.code == "calendar.invalid_amount"
    with pytest.raises(wangge.TimeError):
        calendar.is_working_day("2025-13-01")
    with pytest.raises(wangge.CalendarError) as e:
        wangge.Calendar.standard().with_exceptions_text("2025-13-01 holiday")
    assert e.value.code == "calendar.invalid_line"
    with pytest.raises(wangge.CalendarError) as e:
        wangge.Calendar({"format": "wangge.calendar", "version": 1, "week": {}})
    assert e.value.code == "calendar.no_working_time"


def test_calendars_know_their_years():
    china = wangge.Calendar.china()
    assert china.covers == [2025, 2026]
    assert china.beyond_coverage == "refuse"
    at = datetime.datetime(2025, 12, 31, 16, tzinfo=CST)
    assert china.add_working_minutes(at, 120) == datetime.datetime(2026, 1, 4, 9, tzinfo=CST)
    with pytest.raises(wangge.CalendarError, match="2027-01-01") as e:
        china.add_working_minutes(at.replace(year=2026), 120)
    assert e.value.code == "calendar.beyond_coverage"
    lenient = china.with_beyond_coverage("ordinary_weeks")
    assert lenient.beyond_coverage == "ordinary_weeks"
    assert lenient.add_working_minutes(at.replace(year=2026), 120) == datetime.datetime(2027, 1, 1, 9, tzinfo=CST)
    assert wangge.Calendar(lenient.to_json()) == lenient
    with pytest.raises(wangge.MalformedInput):
        china.with_beyond_coverage("sometimes")
    nxt = china.with_exceptions_text("covers 2027\n2027-01-01 holiday 元旦\n")
    assert nxt.covers == [2025, 2026, 2027]


def test_engine_what_if(h, calendar):
    ledger = wangge.Ledger(h)
    ledger.set_service_levels(POLICY, calendar, now=T(0))
    ledger.report({"id": "T1", "category": "livelihood.repair", "unit": "b3"}, actor="w1", at=T(0))
    ledger.apply("T1", actor="zx", at=T(5), action={"type": "file"})
    ledger.apply("T1", actor="zx", at=T(10), action={"type": "dispatch", "to": "g1"})
    esc = wangge.EscalationPolicy(ESCALATION)
    d = esc.evaluate(ledger, now=T(200), calendar=calendar)
    assert esc.evaluate(ledger, now=T(200), calendar=calendar, threads=4) == d
    acts = [x["effect"]["action"]["type"] if x["effect"]["type"] == "act" else "notify"
            for x in d.to_list() if x["trigger"] != "recheck"]
    assert acts == ["escalate", "supervise", "rule_fired"]
    assert len(d) == len(d.to_list()) and d[0] == d.to_list()[0] and d[-1] == d.to_list()[-1]
    with pytest.raises(IndexError):
        d[len(d)]
    assert len(d.select([0])) == 1 and wangge.Decisions(d.to_list()) == d
    assert repr(d) == f"Decisions(len={len(d)})"
    applied = esc.apply(ledger, d, now=T(200))
    assert all("state" in a for a in applied), applied
    assert ledger.get("T1")["holder"] == "hh"
    assert len(esc.evaluate(ledger, now=T(200), calendar=calendar)) == 0, "idempotent"
    swept = esc.sweep(ledger, now=T(600), calendar=calendar)
    assert len(swept) > 0
    standard = wangge.EscalationPolicy.standard()
    assert standard.to_document()["top"] == "district"
    assert wangge.EscalationPolicy(standard.to_json()) == standard and "rules=" in repr(standard)
    gd = wangge.service_policy_guangdong_12345()
    assert len(gd["rules"]) == 5
    assert wangge.service_policy_beijing()["rules"][0]["targets"]["handle"]["hours"] == 2
    assert wangge.service_policy_document(POLICY)["name"] == "test"
    shorter = wangge.scale_service_policy(POLICY, 50)
    what = esc.what_if(ledger, policy=POLICY, calendar=calendar, alternative=esc,
                       alternative_policy=shorter, horizon=T(60 * 24 * 7))
    assert what["totals"]["tickets"] == 1


def test_decisions_refused_on_apply(h, calendar):
    ledger = wangge.Ledger(h)
    ledger.set_service_levels(POLICY, calendar, now=T(0))
    ledger.report({"id": "T1", "category": "livelihood.repair", "unit": "b3"}, actor="w1", at=T(0))
    ledger.apply("T1", actor="zx", at=T(5), action={"type": "file"})
    ledger.apply("T1", actor="zx", at=T(10), action={"type": "dispatch", "to": "g1"})
    esc = wangge.EscalationPolicy(ESCALATION)
    d = esc.evaluate(ledger, now=T(200), calendar=calendar)
    ledger.apply("T1", actor="w1", at=T(150), action={"type": "acknowledge"})
    ledger.apply("T1", actor="w1", at=T(151), action={"type": "handle", "outcome": "修好了"})
    applied = esc.apply(ledger, d, now=T(200))
    errors = [a["error"] for a in applied if "error" in a]
    assert errors and all(isinstance(e, wangge.TicketError) for e in errors)


def test_policy_errors():
    with pytest.raises(wangge.PolicyError) as e:
        wangge.EscalationPolicy({"name": "x", "rules": [{"name": "", "when": {"type": "refusal"},
                                                          "then": [{"type": "remind"}]}]})
    assert e.value.code == "policy.invalid_rule"
    with pytest.raises(wangge.PolicyError) as e:
        wangge.EscalationPolicy({"name": "x", "rules": [{"name": "a", "when": {"type": "bogus"}, "then": []}]})
    assert e.value.code == "policy.malformed"
    with pytest.raises(wangge.PolicyError):
        wangge.scale_service_policy({"rules": 1}, 80)


def test_cn2025_text_is_used():
    assert "holiday" in CN2025 and CST.utcoffset(None).total_seconds() == 8 * 3600


def test_decision_dicts_are_serdes(h, calendar):
    """`Decisions.to_list()` builds the dicts of a sweep's common decisions member by member;
    indexing gives serde's. Both are the same dicts, members in the same order, for decisions
    of every kind: rechecks with and without a time, escalations with a target, markers and
    decisions naming a department, notifications with and without an addressee."""
    ledger = wangge.Ledger(h)
    ledger.set_service_levels(POLICY, calendar, now=T(0))
    for i in range(3):
        ledger.report({"id": f"D{i}", "category": "livelihood.repair", "unit": "b3"}, actor="w1", at=T(i))
        ledger.apply(f"D{i}", actor="zx", at=T(5 + i), action={"type": "file"})
        ledger.apply(f"D{i}", actor="zx", at=T(10 + i), action={"type": "dispatch", "to": "g1"})
    ledger.apply("D1", actor="w1", at=T(20), action={"type": "acknowledge"})
    ledger.apply("D2", actor="w1", at=T(20), action={"type": "acknowledge"})
    ledger.apply("D2", actor="w1", at=T(21), action={"type": "record_refusal", "party": "店主"})
    ledger.apply("D2", actor="w1", at=T(22), action={"type": "whistle", "departments": ["smr", "cg"],
                                                      "signBy": T(40).isoformat()})
    policy = wangge.EscalationPolicy({"name": "every-kind", "top": "district", "rules": [
        {"name": "soon", "when": {"type": "deadline_approaching", "deadline": "handle",
                                  "before": {"minutes": 30}},
         "then": [{"type": "remind"}, {"type": "notify", "to": "grid-leader", "message": "快到期"}]},
        {"name": "late", "when": {"type": "deadline_missed", "deadline": "handle"},
         "then": [{"type": "escalate", "to": "community"}, {"type": "notify", "message": "已超期"}]},
        {"name": "later", "when": {"type": "deadline_missed", "deadline": "handle",
                                   "grace": {"hours": 4}},
         "then": [{"type": "supervise"}]},
        {"name": "unsigned", "when": {"type": "summons_late"}, "then": [{"type": "notify", "message": "未报到"}]},
    ]})
    seen = set()
    for minutes in (60, 100, 130, 400):
        d = policy.evaluate(ledger, now=T(minutes), calendar=calendar)
        listed = d.to_list()
        assert json.dumps(listed, ensure_ascii=False) == json.dumps([d[i] for i in range(len(d))],
                                                                    ensure_ascii=False)
        for x in listed:
            e = x["effect"]
            seen.add((e["type"], e["action"]["type"] if e["type"] == "act" else "to" in e,
                      "subject" in x, tuple(sorted(e.get("action", e)))))
    kinds = {(k[0], k[1]) for k in seen}
    assert {("act", "recheck"), ("act", "rule_fired"), ("act", "escalate"), ("act", "remind"),
            ("notify", True), ("notify", False)} <= kinds, seen
    assert any(k[1] == "recheck" and "at" in k[3] for k in seen), seen
    assert any(k[1] == "escalate" and "to" in k[3] for k in seen), seen
    assert any(k[2] for k in seen), seen  # a decision naming a department
    # The cyclic collector, paused while the list is built, runs again after; one paused by
    # the caller stays paused.
    import gc
    assert gc.isenabled() and d.to_list() and gc.isenabled()
    gc.disable()
    try:
        assert d.to_list() and not gc.isenabled()
    finally:
        gc.enable()
