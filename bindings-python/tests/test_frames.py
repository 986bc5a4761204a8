"""DataFrames in and out (pandas is installed by scripts/python.sh setup)."""

from __future__ import annotations

import pytest

import wangge
from conftest import leak_hierarchy, leak_ledger
from test_bulk import BAD, GOOD_AND_BAD

pd = pytest.importorskip("pandas")
from wangge import frames  # noqa: E402


def test_events_frame_round_trip():
    ledger = leak_ledger()
    df = frames.events_frame(ledger)
    assert len(df) == 18 and str(df["at"].dt.tz) in ("+08:00", "UTC+08:00")
    back, bad = frames.load_frame(leak_hierarchy(), df)
    assert bad == [] and back == ledger
    back2, bad2 = wangge.load_events(leak_hierarchy(), df)
    assert bad2 == [] and back2 == ledger
    # as strings too (e.g. read from a CSV without parsing dates)
    back3, bad3 = frames.load_frame(leak_hierarchy(), pd.DataFrame(ledger.event_rows()))
    assert bad3 == [] and back3 == ledger


def test_bad_rows_from_a_frame():
    df = pd.DataFrame(GOOD_AND_BAD)
    ledger, bad = frames.load_frame(leak_hierarchy(), df)
    assert [r for r, _ in bad] == BAD
    assert ledger.get("T1")["state"] == "dispatched"


def test_naive_datetime_column_refused():
    df = frames.events_frame(leak_ledger())
    df["at"] = df["at"].dt.tz_localize(None)
    with pytest.raises(wangge.TimeError) as e:
        frames.load_frame(leak_hierarchy(), df)
    assert "naive" in str(e.value)


def test_other_frames(calendar):
    ledger = leak_ledger()
    t = frames.tickets_frame(ledger)
    assert list(t["id"]) == ["XHCT-1"] and t["reportedAt"].dt.tz is not None
    m = wangge.Metrics(ledger, calendar, {"groupBy": {"level": "grid"}, "periodBy": "month"})
    rows = frames.metrics_frame(m)
    assert "rates_closing_value" in rows.columns or any(c.startswith("rates_") for c in rows.columns)
    assert isinstance(frames.metrics_frame(m, "departments"), pd.DataFrame)
    assert isinstance(frames.metrics_frame(m, "grids"), pd.DataFrame)
    with pytest.raises(ValueError):
        frames.metrics_frame(m, "nope")
    d = wangge.EscalationPolicy.standard().evaluate(ledger, now="2025-06-01T00:00:00+08:00", calendar=calendar)
    assert len(frames.decisions_frame(d)) == len(d)
    o = frames.open311_frame(ledger)
    assert list(o["service_request_id"]) == ["XHCT-1"]
