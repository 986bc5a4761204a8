"""Bulk loading and export: lists of dicts, JSON lines, CSV, columns; bad rows reported."""

from __future__ import annotations

import json

import pytest

import wangge
from conftest import T, leak_hierarchy, leak_ledger

GOOD_AND_BAD = [
    {"ticket": "T1", "at": "2025-03-03T09:00:00+08:00", "actor": "w1", "type": "report",
     "category": "livelihood.repair", "unit": "b3"},
    {"ticket": "T1", "at": "2025-03-03T09:05:00+08:00", "actor": "zx", "type": "file"},
    {"ticket": "T1", "at": "2025-03-03T09:06:00+08:00", "actor": "zx", "type": "visit"},  # 3: no satisfaction
    {"ticket": "T2", "at": "2025-03-03T09:07:00+08:00", "actor": "zx", "type": "file"},   # 4: unknown ticket
    {"ticket": "T1", "at": "2025-03-03T09:08:00", "actor": "zx", "type": "dispatch", "to": "g1"},  # 5: naive
    {"ticket": "T1", "at": "2025-03-03T09:09:00+08:00", "actor": "zx", "type": "dispatch", "to": "g1"},
    {"ticket": "T3", "at": "2025-03-03T09:10:00+08:00", "actor": "w1", "type": "report",
     "category": "no.such", "unit": "b3"},  # 7: unknown category
    {"ticket": "T1", "at": "2025-03-03T09:11:00+08:00", "actor": "nobody", "type": "acknowledge"},  # 8
]
BAD = [3, 4, 5, 7, 8]


def check(ledger, bad):
    assert [row for row, _ in bad] == BAD, [(r, e.code, str(e)) for r, e in bad]
    assert all(isinstance(e, wangge.WanggeError) for _, e in bad)
    assert ledger.get("T1")["state"] == "dispatched"
    assert ledger.event_count == 3


def test_list_of_dicts():
    ledger, bad = wangge.load_events(leak_hierarchy(), GOOD_AND_BAD)
    check(ledger, bad)
    codes = {row: e.code for row, e in bad}
    assert codes[4] == "ticket.unknown_ticket" and codes[7] == "ticket.unknown_category"
    assert codes[8] == "ticket.unknown_actor"


def test_columns():
    names = sorted({k for r in GOOD_AND_BAD for k in r})
    cols = {n: [r.get(n) for r in GOOD_AND_BAD] for n in names}
    ledger, bad = wangge.load_events(leak_hierarchy(), cols)
    check(ledger, bad)
    ledger2 = wangge.Ledger(leak_hierarchy())
    at = [int(wangge.instant(r["at"] + ("" if r["at"].endswith("+08:00") else "+08:00")).timestamp())
          for r in GOOD_AND_BAD]
    cols2 = dict(cols, at=at)
    bad2 = ledger2.load_columns(cols2, epoch_seconds=["at"])
    assert [r for r, _ in bad2] == [3, 4, 6, 7, 8]  # row 5 is aware now, so row 6 repeats it


def test_typed_columns_give_the_flat_rows_verdicts():
    """Columns of plain types are read as one Arrow batch, others as flat rows: the same
    ledger and the same verdicts, message for message, either way."""
    src = leak_ledger()
    rows = src.event_rows() + GOOD_AND_BAD + [
        {"ticket": "XHCT-1", "at": "2025-03-03T10:00:00+08:00", "actor": "zx", "type": "no_such"},
        {"ticket": "XHCT-1", "at": "2025-03-03T10:01:00+08:00", "actor": "zx", "type": "verify"},
        {"ticket": "T9", "at": "2025-03-03T10:02:00+08:00", "actor": "w1", "type": "report",
         "category": "livelihood.repair", "unit": "b3", "verifyFirst": True, "seq": 0},
    ]
    rows = [{k: v for k, v in r.items() if k != "seq"} | ({"seq": r["seq"]} if "seq" in r else {})
            for r in rows]
    naive = {i for i, r in enumerate(rows) if not r["at"].endswith("+08:00")}
    rows = [r for i, r in enumerate(rows) if i not in naive]
    names = sorted({k for r in rows for k in r})
    cols = {n: [r.get(n) for r in rows] for n in names}
    cols["at"] = [int(wangge.instant(a).timestamp()) for a in cols["at"]]
    assert all(type(c) in (str, bool, int) for col in cols.values() for c in col if c is not None)

    def outcome(load):
        ledger = wangge.Ledger(leak_hierarchy())
        bad = load(ledger)
        return ledger, [(r, e.code, str(e)) for r, e in bad]

    flat = outcome(lambda led: led.load_rows(rows))
    typed = outcome(lambda led: led.load_columns(cols, epoch_seconds=["at"]))
    # a column of floats (whole numbers, as pandas writes an integer column with gaps) sends
    # every row through the flat-row reader
    floats = dict(cols, seq=[float("nan") if c is None else float(c) for c in cols["seq"]])
    untyped = outcome(lambda led: led.load_columns(floats, epoch_seconds=["at"]))
    assert len(flat[1]) >= 6 and flat[0].event_count == src.event_count + 4
    assert typed == flat
    assert untyped == flat


def test_a_column_of_instants_is_read_alike_either_way():
    """Instants in `epoch_seconds` columns: NaN and out-of-range values raise, as they did
    before plain columns were read as Arrow; a boolean is read as the flat-row reader reads
    it."""
    def load(at):
        cols = {"ticket": ["T1"], "at": [at], "actor": ["w1"], "type": ["report"],
                "category": ["livelihood.repair"], "unit": ["b3"]}
        return wangge.Ledger(leak_hierarchy()).load_columns(cols, epoch_seconds=["at"])

    with pytest.raises(TypeError):
        load(float("nan"))
    with pytest.raises(wangge.TimeError):
        load(10**15)
    assert [(r, e.code) for r, e in load(True)] == [(1, "ticket.time_out_of_range")]
    assert load(int(wangge.instant("2025-03-03T09:00:00+08:00").timestamp())) == []


def test_jsonl_rows(tmp_path):
    path = tmp_path / "rows.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in GOOD_AND_BAD]
    lines.insert(2, "{broken")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ledger, bad = wangge.load_events(leak_hierarchy(), path)
    assert [r for r, _ in bad] == [3, 4, 5, 6, 8, 9]
    assert isinstance(dict(bad)[3], wangge.MalformedInput)
    assert ledger.get("T1")["state"] == "dispatched"
    direct = wangge.Ledger(leak_hierarchy())
    assert [r for r, _ in direct.load_jsonl_rows(str(path))] == [3, 4, 5, 6, 8, 9]
    with pytest.raises(wangge.MalformedInput):
        direct.load_jsonl_rows(tmp_path / "missing.jsonl")


def test_csv_round_trip(tmp_path):
    src = leak_ledger()
    path = tmp_path / "events.csv"
    src.write_csv(path)
    ledger, bad = wangge.load_events(leak_hierarchy(), str(path))
    assert bad == [] and ledger == src
    src.write_csv(tmp_path / "tickets.csv", what="tickets")
    assert "XHCT-1" in (tmp_path / "tickets.csv").read_text(encoding="utf-8")
    # a bad CSV: the third data row has an unknown action type
    text = path.read_text(encoding="utf-8").splitlines()
    header, rows = text[0], text[1:]
    cols = header.split(",")
    row = rows[2].split(",")
    row[cols.index("type")] = "fly"
    rows[2] = ",".join(row)
    (tmp_path / "bad.csv").write_text("\n".join([header] + rows) + "\n", encoding="utf-8")
    ledger, bad = wangge.load_events(leak_hierarchy(), tmp_path / "bad.csv")
    assert bad[0][0] == 3 and isinstance(bad[0][1], wangge.MalformedInput)
    assert len(bad) >= 1 and ledger.event_count == 2
    direct = wangge.Ledger(leak_hierarchy())
    assert [r for r, _ in direct.load_csv(tmp_path / "bad.csv")] == [r for r, _ in bad]
    with pytest.raises(wangge.MalformedInput):
        direct.load_csv(tmp_path / "missing.csv")


def test_row_exports():
    ledger = leak_ledger()
    events = ledger.event_rows()
    assert len(events) == 18 and events[0]["type"] == "report"
    again, bad = wangge.load_events(leak_hierarchy(), events)
    assert bad == [] and again == ledger
    tickets = ledger.ticket_rows()
    assert tickets[0]["id"] == "XHCT-1" and "deadlineHandle" in tickets[0]
    cols = ledger.event_columns()
    assert len(cols["ticket"]) == 18 and cols["at"][0] == T(0).isoformat()
    assert ledger.ticket_columns()["state"] == ["closed"]


def test_load_into_existing_ledger():
    ledger = leak_ledger()
    bad = ledger.load_rows([{"ticket": "XHCT-1", "at": T(100), "actor": "zx", "type": "reopen"}])
    assert bad == [] and ledger.get("XHCT-1")["state"] == "in_progress"
