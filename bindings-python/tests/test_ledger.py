from __future__ import annotations

import copy
from datetime import datetime

import pytest

import wangge
from conftest import CST, T, leak_hierarchy, leak_ledger


def test_leak_case_step_by_step(h):
    ledger = wangge.Ledger(h)
    ledger.report({"id": "XHCT-1", "category": "livelihood.repair", "unit": "b3", "holder": "hh",
                   "verifyFirst": True}, actor="hh", at=T(0))
    before = ledger.get("XHCT-1")
    with pytest.raises(wangge.IllegalTransition) as e:
        ledger.apply("XHCT-1", actor="zx", at=T(1), action={"type": "file"})
    assert (e.value.ticket, e.value.state, e.value.action) == ("XHCT-1", "reported", "file")
    assert e.value.details["state"] == "reported"
    assert ledger.get("XHCT-1") == before, "a refused action changes nothing"
    with pytest.raises(wangge.Unauthorized) as u:
        ledger.apply("XHCT-1", actor="w2", at=T(1), action={"type": "confirm_on_site"})
    assert u.value.code == "ticket.unauthorized"
    assert isinstance(u.value, wangge.TicketError)
    assert ledger.check("XHCT-1", actor="hh", at=T(1), action={"type": "confirm_on_site"}) == "reported"
    assert ledger.apply("XHCT-1", actor="hh", at=T(2), action={"type": "confirm_on_site"}) == "reported"
    assert ledger.apply("XHCT-1", actor="zx", at=T(3), action={"type": "file"}) == "filed"
    assert ledger.state("XHCT-1") == "filed"


def test_full_case_queries_and_log():
    ledger = leak_ledger()
    s = ledger.get("XHCT-1")
    assert s["state"] == "closed" and s["escalations"] == 1 and len(s["summons"]) == 3
    assert len(ledger) == 1 and "XHCT-1" in ledger and ledger.event_count == 18
    assert len(ledger.events("XHCT-1")) == 18 and len(ledger.all_events()) == 18
    assert ledger.in_state("closed") == ["XHCT-1"] and ledger.in_state("filed") == []
    assert ledger.within("xhct") == ["XHCT-1"]
    assert ledger.in_category("livelihood") == ["XHCT-1"]
    assert ledger.held_by(s["holder"]) == ["XHCT-1"]
    assert len(ledger.tickets()) == 1
    assert ledger.reported_at("XHCT-1") == T(0)
    assert ledger.reported_at("XHCT-1").utcoffset().total_seconds() == 8 * 3600
    assert ledger.deadline("XHCT-1", "handle") is None
    assert ledger.taxonomy()["categories"]
    assert ledger.hierarchy == leak_hierarchy()
    assert ledger.heap_size() > 0
    assert repr(ledger) == "Ledger(tickets=1, events=18, hierarchy_nodes=15)"
    text = ledger.to_jsonl()
    back = wangge.Ledger.from_jsonl(leak_hierarchy(), text)
    assert back.get("XHCT-1") == s and back == ledger
    with pytest.raises(wangge.TamperedLog) as e:
        wangge.Ledger.from_jsonl(leak_hierarchy(), text.replace("店主已维修", "没修"))
    assert e.value.code == "log.tampered" and e.value.line >= 1
    with pytest.raises(wangge.TamperedLog) as e:
        wangge.Ledger.from_jsonl(leak_hierarchy(), "\n".join(text.splitlines()[:-1]))
    assert e.value.code == "log.truncated"
    with pytest.raises(wangge.LogError) as e:
        wangge.Ledger.from_jsonl(leak_hierarchy(), "{not json}\n")
    assert e.value.code == "log.malformed"
    replayed = wangge.Ledger.replay(leak_hierarchy(), ledger.all_events())
    assert replayed.get("XHCT-1") == s
    events = ledger.all_events()
    with pytest.raises(wangge.TicketError):
        wangge.Ledger.replay(leak_hierarchy(), events[1:])
    assert ledger.check("XHCT-1", actor="zx", at=T(100), action={"type": "reopen"}) == "in_progress"


def test_jsonl_files(tmp_path):
    ledger = leak_ledger()
    path = tmp_path / "log.jsonl"
    ledger.write_jsonl(path)
    assert wangge.Ledger.read_jsonl(leak_hierarchy(), path) == ledger
    back, bad = wangge.load_events(leak_hierarchy(), path)
    assert back == ledger and bad == []
    with pytest.raises(wangge.MalformedInput):
        wangge.Ledger.read_jsonl(leak_hierarchy(), tmp_path / "missing.jsonl")


def test_apply_many():
    ledger = leak_ledger()
    states, errors = ledger.apply_many([
        {"ticket": "XHCT-1", "actor": "zx", "at": T(100), "action": {"type": "file"}},
        {"ticket": "XHCT-1", "actor": "zx", "at": T(101), "action": {"type": "reopen"}},
    ])
    assert states == ["closed", "in_progress"]
    assert [(i, e.code) for i, e in errors] == [(1, "ticket.illegal_transition")]
    # An unknown ticket has no state (as in JS and the core), not "" or "reported".
    states, errors = ledger.apply_many([{"ticket": "T9", "actor": "zx", "at": T(102), "action": {"type": "file"}}])
    assert states == [None] and errors[0][1].code == "ticket.unknown_ticket"
    # Rows are numbered from 1; a row that cannot be read is refused on its own.
    states, errors = ledger.apply_many([
        {"ticket": "XHCT-1", "actor": "zx", "at": "yesterday", "action": {"type": "reopen"}},
        {"ticket": "XHCT-1", "actor": "zx", "action": {"type": "reopen"}},
        {"ticket": "XHCT-1", "actor": "zx", "at": T(103), "action": {"type": "reopen", "foo": 1}},
        object(),
        {"ticket": "XHCT-1", "actor": "zx", "at": T(104), "action": {"type": "file"}},
    ])
    assert states == [None, None, None, None, "in_progress"]
    assert [(i, e.code) for i, e in errors] == [
        (1, "input.malformed"), (2, "input.malformed"), (3, "input.malformed"),
        (4, "input.malformed"), (5, "ticket.illegal_transition")]
    assert "yesterday" in str(errors[0][1]) and "foo" in str(errors[2][1])
    assert "object" in str(errors[3][1])
    with pytest.raises(wangge.MalformedInput):
        ledger.apply_many({"ticket": "XHCT-1"})


def test_coded_bulk(h):
    ledger = wangge.Ledger(h)
    g1, hh, zx = h.key_of("g1"), h.key_of("hh"), h.key_of("zx")
    t0 = int(T(0).timestamp())
    # Room is reserved ahead; more than a ledger can hold is a typed error that changes nothing.
    ledger.reserve(2)
    with pytest.raises(wangge.TicketError) as too_many:
        ledger.reserve(2**32)
    assert too_many.value.code == "ticket.capacity_exceeded" and "4294967296 more" in str(too_many.value)
    with pytest.raises(OverflowError):
        ledger.reserve(-1)
    assert len(ledger) == 0
    assert ledger.report_coded(["A", "B"], "livelihood.repair", [g1, g1], [g1, g1], [t0, t0]) == []
    bad = ledger.report_coded(["A"], "livelihood.repair", [g1], [g1], [t0])
    assert [(i, e.code) for i, e in bad] == [(1, "ticket.duplicate_ticket")]
    keys = [ledger.ticket_key("A"), ledger.ticket_key("B")]
    # The centre files, dispatches, verifies and visits; the grid signs for and handles.
    plan = [(0, zx, 0), (1, zx, g1), (2, g1, 0), (3, g1, 0), (4, zx, 0), (5, zx, 0)]
    tickets, actors, at, codes, args = [], [], [], [], []
    for k in keys:
        for i, (code, actor, arg) in enumerate(plan):
            tickets.append(k); actors.append(actor); at.append(t0 + (i + 1) * 60)
            codes.append(code); args.append(arg)
    codes[11] = 2  # acknowledge a verified ticket: refused
    import array
    states, refused = ledger.apply_coded(array.array("I", tickets), actors, array.array("q", at),
                                         bytes(codes), args)
    assert wangge.TICKET_STATES[states[5]] == "closed"
    assert refused == [12]  # row numbers, from 1
    assert ledger.get("B")["state"] == "verified"
    with pytest.raises(wangge.MalformedInput):
        ledger.apply_coded(tickets, actors, at, codes, [0])
    # An unknown code refuses its item, not the batch (as in JS).
    _, refused = ledger.apply_coded([keys[0]], [hh], [t0 + 3600], [99], [0])
    assert refused == [1]
    # Packed columns are read in place: bytes in native order, arrays, and the same refusals
    # for a partial item or items of the wrong size.
    ledger2 = wangge.Ledger(h)
    ids = ["P1", "P2"]
    assert ledger2.report_coded(ids, "livelihood.repair", array.array("I", [g1, g1]).tobytes(),
                                bytes(array.array("I", [g1, g1])), array.array("q", [t0, t0])) == []
    k2 = [ledger2.ticket_key(i) for i in ids]
    states2, refused2 = ledger2.apply_coded(bytes(array.array("I", k2)), array.array("I", [zx, zx]),
                                            array.array("q", [t0 + 60] * 2).tobytes(), [0, 0],
                                            bytes(array.array("I", [0, 0])))
    assert refused2 == [] and [wangge.TICKET_STATES[s] for s in states2] == ["filed", "filed"]
    with pytest.raises(wangge.MalformedInput, match="partial item"):
        ledger2.apply_coded(bytes(array.array("I", k2))[:-1], [zx, zx], [t0, t0], [0, 0], [0, 0])
    with pytest.raises(wangge.MalformedInput, match="4-byte items"):
        ledger2.apply_coded(array.array("q", k2), [zx, zx], [t0, t0], [0, 0], [0, 0])
    with pytest.raises(wangge.MalformedInput, match="8-byte items"):
        ledger2.apply_coded(k2, [zx, zx], array.array("I", [t0, t0]), [0, 0], [0, 0])
    assert [ledger2.get(i)["state"] for i in ids] == ["filed", "filed"]
    bad = ledger.report_coded(["A", "C"], "livelihood.repair", [g1, 999999], [g1, g1], [t0, t0])
    assert [(i, e.code) for i, e in bad] == [(1, "ticket.duplicate_ticket"), (2, "ticket.unknown_unit")]
    with pytest.raises(wangge.TicketError):
        ledger.ticket_key("nope")


def test_times_in_and_out(h):
    ledger = wangge.Ledger(h)
    with pytest.raises(wangge.TimeError) as e:
        ledger.report({"id": "N", "category": "livelihood.repair", "unit": "g1"}, actor="w1",
                      at=datetime(2025, 3, 3, 9, 0))
    assert "naive" in str(e.value) and e.value.code == "time.invalid_instant"
    with pytest.raises(wangge.TimeError):
        ledger.report({"id": "N", "category": "livelihood.repair", "unit": "g1"}, actor="w1",
                      at="2025-03-03T09:00:00")
    # A fraction of a second is dropped: the instant is the start of its second.
    assert wangge.instant(datetime(2025, 3, 3, 9, 0, 0, 500, tzinfo=CST)) == datetime(2025, 3, 3, 9, 0, tzinfo=CST)
    with pytest.raises(wangge.TimeError):
        wangge.instant(42)
    ledger.report({"id": "N", "category": "livelihood.repair", "unit": "g1"}, actor="w1",
                  at="2025-03-03T01:00:00Z")
    assert ledger.reported_at("N") == datetime(2025, 3, 3, 9, 0, tzinfo=CST)
    assert wangge.instant("2025-03-03T01:00:00Z").isoformat() == "2025-03-03T09:00:00+08:00"


def test_service_levels_and_deadlines(h, calendar):
    ledger = wangge.Ledger(h)
    policy = {"name": "test", "rules": [{"name": "all", "targets": {
        "acknowledge": {"workingMinutes": 30}, "handle": {"workingHours": 2}}}]}
    assert ledger.set_service_levels(policy, calendar, now=T(0)) == 0
    assert ledger.service_levels()["policy"]["name"] == "test"
    ledger.report({"id": "T1", "category": "livelihood.repair", "unit": "b3"}, actor="w1", at=T(0))
    ledger.apply("T1", actor="zx", at=T(5), action={"type": "file"})
    ledger.apply("T1", actor="zx", at=T(10), action={"type": "dispatch", "to": "g1"})
    assert ledger.deadline("T1", "handle").isoformat() == "2025-03-03T11:10:00+08:00"
    with pytest.raises(wangge.TicketError):
        ledger.deadline("T1", "bogus")
    with pytest.raises(wangge.TicketError):
        ledger.deadline("nope", "handle")
    with pytest.raises(wangge.PolicyError):
        ledger.set_service_levels({"name": "x", "rules": "no"}, calendar, now=T(0))
    due = ledger.due_until(T(60 * 24))
    assert [(d[1], d[2]) for d in due] == [("T1", "acknowledge"), ("T1", "handle")]
    assert due[1][0] == ledger.deadline("T1", "handle") and due[0][0] == ledger.deadline("T1", "acknowledge")
    assert ledger.due_until(T(0)) == []
    assert ledger.reported_between(T(-1), T(1)) == ["T1"] and ledger.reported_between(T(1), T(2)) == []
    assert isinstance(ledger.needing_attention(), list)
    assert ledger.set_service_levels(None, calendar, now=T(0)) == 0
    assert ledger.service_levels() is None


def test_copies_are_independent():
    ledger = leak_ledger()
    c = ledger.copy()
    c.apply("XHCT-1", actor="zx", at=T(100), action={"type": "reopen"})
    assert ledger.get("XHCT-1")["state"] == "closed"
    assert copy.copy(ledger) == ledger and copy.deepcopy(ledger) == ledger
    assert ledger != c and ledger != 1


def test_taxonomy_argument(h):
    tax = wangge.Ledger(h).taxonomy()
    assert wangge.Ledger(h, tax).taxonomy() == tax
    import json
    assert wangge.Ledger(h, json.dumps(tax)).taxonomy() == tax
    with pytest.raises(wangge.TaxonomyError):
        wangge.Ledger(h, {"format": "wangge.taxonomy", "version": 1, "categories": [
            {"code": "a.b", "name": "orphan"}]})
    with pytest.raises(wangge.TicketError) as e:
        wangge.Ledger(h).report({"id": "X", "category": "no.such", "unit": "g1"}, actor="w1", at=T(0))
    assert e.value.code == "ticket.unknown_category"
