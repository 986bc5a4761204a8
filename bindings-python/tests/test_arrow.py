"""Arrow in and out: the Arrow PyCapsule interface, wangge.arrow (pyarrow, Parquet) and the
pandas helpers built on it (pyarrow is installed by scripts/python.sh setup)."""

from __future__ import annotations

import pytest

import wangge
from conftest import T, leak_hierarchy, leak_ledger
from test_bulk import BAD, GOOD_AND_BAD, check

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
from wangge import arrow  # noqa: E402


def test_the_events_table_has_the_documented_schema():
    ledger = leak_ledger()
    stream = ledger.events_arrow()
    assert stream.num_rows == ledger.event_count == 18
    assert "18 rows" in repr(stream)
    table = pa.table(stream)
    assert table.schema.metadata[b"wangge.format"] == b"wangge.events"
    assert table.schema.metadata[b"wangge.version"] == b"1"
    assert table.schema.field("at").type == pa.timestamp("s", tz="+08:00")
    assert pa.types.is_dictionary(table.schema.field("ticket").type)
    assert table.schema.field("seq").type == pa.uint32()
    # The same values as the flat rows, cell by cell.
    rows = ledger.event_rows()
    got = table.to_pylist()
    assert len(got) == len(rows)
    for flat, typed in zip(rows, got):
        for key, value in flat.items():
            cell = typed[key]
            if hasattr(cell, "isoformat"):
                cell = wangge.instant(cell)
                value = wangge.instant(value)
            assert cell == value, (key, flat, typed)
        extra = {k for k, v in typed.items() if v is not None} - set(flat)
        assert not extra, extra
    # The stream can be taken more than once.
    assert pa.table(stream).equals(table)


def test_round_trip_through_pyarrow_and_batches():
    ledger = leak_ledger()
    # A ticket's events stay in one batch: one ticket, one batch.
    stream = ledger.events_arrow(batch_rows=5)
    assert stream.num_batches == 1
    table = pa.table(stream)
    back, bad = arrow.load_table(leak_hierarchy(), table)
    assert bad == [] and back == ledger
    # From a RecordBatchReader of small batches too, and into an existing ledger.
    batches = table.to_batches(max_chunksize=5)
    assert len(batches) == 4
    reader = pa.RecordBatchReader.from_batches(table.schema, batches)
    into = wangge.Ledger(leak_hierarchy())
    assert into.load_arrow(reader) == [] and into == ledger


def test_plain_string_columns_report_every_bad_row_as_flat_rows_do():
    names = list(dict.fromkeys(k for row in GOOD_AND_BAD for k in row))
    table = pa.table({n: [row.get(n) for row in GOOD_AND_BAD] for n in names})
    ledger, bad = arrow.load_table(leak_hierarchy(), table)
    check(ledger, bad)
    flat, flat_bad = wangge.load_events(leak_hierarchy(), GOOD_AND_BAD)
    assert [(r, e.code, str(e)) for r, e in bad] == [(r, e.code, str(e)) for r, e in flat_bad]
    assert [r for r, _ in bad] == BAD


def test_unreadable_tables_raise_and_load_nothing():
    ledger = wangge.Ledger(leak_hierarchy())
    no_actor = pa.table({"ticket": ["T1"], "at": ["2025-03-03T09:00:00+08:00"], "type": ["report"]})
    with pytest.raises(wangge.MalformedInput) as e:
        ledger.load_arrow(no_actor)
    assert e.value.code == "input.missing_column" and e.value.details["column"] == "actor"
    naive = pa.table({"ticket": ["T1"], "at": pa.array([0], pa.timestamp("s")), "actor": ["w1"], "type": ["report"]})
    with pytest.raises(wangge.MalformedInput) as e:
        ledger.load_arrow(naive)
    assert e.value.code == "input.column_type" and "time zone" in str(e.value)
    with pytest.raises(TypeError):
        ledger.load_arrow([{"ticket": "T1"}])
    assert ledger.event_count == 0


def test_parquet_round_trip(tmp_path):
    ledger = leak_ledger()
    path = tmp_path / "events.parquet"
    arrow.write_parquet(ledger, path, compression="zstd")
    back, bad = arrow.read_parquet(leak_hierarchy(), path)
    assert bad == [] and back == ledger
    # A dataset directory, partitioned by ticket.
    pq.write_to_dataset(arrow.events_table(ledger), tmp_path / "dataset", partition_cols=["type"])
    table = pq.read_table(tmp_path / "dataset")
    assert table.num_rows == ledger.event_count


def test_pandas_frames_go_through_arrow():
    pd = pytest.importorskip("pandas")
    from wangge import frames

    ledger = leak_ledger()
    df = frames.events_frame(ledger)
    assert isinstance(df["ticket"].dtype, pd.CategoricalDtype)
    assert len(df) == 18 and str(df["at"].dt.tz) in ("+08:00", "UTC+08:00")
    back, bad = frames.load_frame(leak_hierarchy(), df)
    assert bad == [] and back == ledger
    # A frame pyarrow converts (strings) and one it reads as a naive time: both give the
    # verdicts of the columns path.
    plain = pd.DataFrame(GOOD_AND_BAD)
    ledger2, bad2 = frames.load_frame(leak_hierarchy(), plain)
    check(ledger2, bad2)


def test_pandas_with_arrow_dtypes_and_empty_columns():
    pd = pytest.importorskip("pandas")
    from wangge import frames

    ledger = leak_ledger()
    df = frames.events_frame(ledger, dtype_backend="pyarrow")
    assert isinstance(df["at"].dtype, pd.ArrowDtype)
    assert str(df["at"].dt.tz) in ("+08:00", "UTC+08:00")
    back, bad = frames.load_frame(leak_hierarchy(), df)
    assert bad == [] and back == ledger
    # An all-empty object column is Arrow's null type: read as absent values.
    numpy = frames.events_frame(ledger)
    numpy["granted"] = None
    assert pa.Table.from_pandas(numpy).schema.field("granted").type == pa.null()
    back2, bad2 = frames.load_frame(leak_hierarchy(), numpy)
    assert bad2 == [] and back2 == ledger
    with pytest.raises(ValueError):
        frames.events_frame(ledger, dtype_backend="polars")


def test_the_tickets_table_has_the_values_of_the_ticket_rows():
    from test_dask import city, city_ledger

    ledger = leak_ledger()
    table = arrow.tickets_table(ledger)
    assert table.schema.metadata[b"wangge.format"] == b"wangge.tickets"
    assert table.schema.field("reportedAt").type == pa.timestamp("s", tz="+08:00")
    assert pa.types.is_dictionary(table.schema.field("holder").type)
    many = city_ledger(city())  # open and closed tickets, some unsatisfied
    rows = ledger.ticket_rows() + many.ticket_rows()
    got = table.to_pylist() + arrow.tickets_table(many).to_pylist()
    assert len(got) == len(rows) == 121
    for flat, typed in zip(rows, got):
        assert set(typed) == set(flat)
        for key, value in flat.items():
            cell = typed[key]
            if hasattr(cell, "isoformat"):
                cell, value = wangge.instant(cell), wangge.instant(value)
            assert cell == value, (key, value, cell)
    pd = pytest.importorskip("pandas")
    from wangge import frames

    df = frames.tickets_frame(ledger, dtype_backend="pyarrow")
    assert isinstance(df["reportedAt"].dtype, pd.ArrowDtype) and list(df["id"]) == ["XHCT-1"]


def test_metrics_and_decisions_as_arrow(calendar):
    from test_dask import OPTIONS, city, city_ledger

    ledger = city_ledger(city())
    m = wangge.Metrics(ledger, calendar, OPTIONS)
    for what, rows in [("rows", m.rows()), ("departments", m.departments()), ("grids", m.grids())]:
        table = pa.table(m.to_arrow(what))
        assert table.num_rows == len(rows)
        assert table.to_pylist() == rows or table.num_rows == 0
    rows_table = pa.table(m.to_arrow())
    assert rows_table.schema.field("counts_received").type == pa.int64()
    with pytest.raises(ValueError):
        m.to_arrow("nope")
    decisions = wangge.EscalationPolicy.standard().evaluate(ledger, now=T(60 * 24 * 9), calendar=calendar)
    table = pa.table(decisions.to_arrow())
    assert table.num_rows == len(decisions) > 0
    assert table.column("ticket").to_pylist() == [d["ticket"] for d in decisions.to_list()]
    assert table.schema.field("effect_action_breach").type == pa.timestamp("s", tz="+08:00")


def test_open311_requests_as_arrow():
    ledger = leak_ledger()
    requests = wangge.open311_requests(ledger)
    table = pa.table(wangge.open311_arrow(ledger))
    assert table.num_rows == len(requests) == 1
    assert table.column("service_request_id").to_pylist() == [r["service_request_id"] for r in requests]
    assert table.schema.field("requested_datetime").type == pa.timestamp("s", tz="+08:00")
    assert wangge.instant(table.column("requested_datetime")[0].as_py()) == wangge.instant(requests[0]["requested_datetime"])
