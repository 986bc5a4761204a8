from __future__ import annotations

import pytest

import wangge
from conftest import T


def small_ledger(h):
    ledger = wangge.Ledger(h)
    ledger.report({"id": "A", "category": "livelihood.repair", "unit": "b3"}, actor="w1", at=T(0))
    ledger.report({"id": "B", "category": "livelihood.repair", "unit": "g2"}, actor="w2", at=T(0))
    ledger.apply("A", actor="zx", at=T(1), action={"type": "file"})
    return ledger


def test_metrics_rank_check(h):
    ledger = small_ledger(h)
    cal = wangge.Calendar.standard()
    m = wangge.Metrics(ledger, cal, {"groupBy": {"level": "grid"}, "periodBy": "month"})
    r = m.report()
    assert [(x["group"], x["period"], x["counts"]["received"], x["counts"]["filed"]) for x in r["rows"]] == [
        ("g1", "2025-03", 1, 1), ("g2", "2025-03", 1, 0)]
    assert r["rows"][0]["rates"]["closing"]["value"] is None
    rows = m.rows()
    assert rows[0]["group"] == "g1" and rows[0]["counts_received"] == 1
    assert isinstance(m.departments(), list) and isinstance(m.grids(), list)
    assert [(x["rank"], x["group"]) for x in m.rank("filed", period="2025-03")] == [(1, "g1"), (2, "g2")]
    assert [x["group"] for x in m.rank("filed", period="2025-03", lowest_first=True)][0] == "g2"
    assert len(m.check([{"metric": "received", "atMost": {"num": 0, "den": 1}}])) == 2
    assert wangge.Metrics(ledger, cal).report()["rows"][0]["counts"]["received"] == 2
    assert m == wangge.Metrics(ledger, cal, {"groupBy": {"level": "grid"}, "periodBy": "month"})
    assert "Metrics(rows=2" in repr(m)
    with pytest.raises(wangge.MalformedInput):
        m.rank("no_such_metric")
    with pytest.raises(wangge.MalformedInput):
        m.check([{"metric": "received", "atMost": "x"}])
    with pytest.raises(wangge.MalformedInput):
        wangge.Metrics(ledger, cal, {"groupBy": "planet"})


def test_metrics_with_forums(h):
    ledger = small_ledger(h)
    forums = wangge.ForumRecords({"format": "wangge.consultation.forum_records", "version": 1,
                                  "forums": [{"id": "f", "name": "议事厅", "kind": "weekend_deliberation_hall"}],
                                  "sessions": []})
    m = wangge.Metrics(ledger, wangge.Calendar.standard(), forums=forums)
    assert m.report()["forums"]["total"]["sessions"] == 0


def test_open311(h):
    ledger = small_ledger(h)
    requests = wangge.open311_requests(ledger)
    assert requests[0]["service_code"] == "livelihood.repair"
    fresh = wangge.Ledger(h)
    imp = wangge.open311_import(fresh, requests)
    assert imp["tickets"] == ["A", "B"] and imp["errors"] == []
    again = wangge.open311_import(fresh, requests + [{"service_request_id": "C"}])
    assert [i for i, _ in again["errors"]] == [1, 2, 3]
    assert all(isinstance(e, wangge.WanggeError) for _, e in again["errors"])
    assert any(s["service_code"] == "livelihood.parking" for s in wangge.open311_services(ledger))
    with pytest.raises(wangge.Open311Error) as e:
        wangge.open311_import(fresh, "not a list")
    assert e.value.code == "open311.malformed"
    # One request as a dict (GET /requests/{id}): imported, or refused as a row.
    one = wangge.open311_import(fresh, {"not": "a request"})
    assert one["tickets"] == [] and [i for i, _ in one["errors"]] == [1]
