"""Hostile values at the Python boundary: typed errors, never a crash and never a silent guess."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

import wangge
from conftest import T


def malformed(excinfo) -> str:
    assert excinfo.value.code == "input.malformed", excinfo.value.code
    return str(excinfo.value)


def test_a_dict_that_contains_itself_is_refused_not_a_segfault():
    d: dict = {"format": "wangge.hierarchy", "version": 1}
    d["nodes"] = [d]
    with pytest.raises(wangge.WanggeError) as e:
        wangge.Hierarchy.from_json(d)
    assert "contains itself" in malformed(e)


def test_a_list_that_contains_itself_is_refused():
    lst: list = []
    lst.append(lst)
    h = wangge.Hierarchy()
    ledger = wangge.Ledger(h)
    with pytest.raises(wangge.WanggeError) as e:
        ledger.apply("T1", actor="x", at=T(0), action={"type": "file", "notes": lst})
    assert "deeper than 128" in malformed(e)


@pytest.mark.parametrize("depth", [129, 1_000, 100_000])
def test_deep_nesting_is_refused(depth):
    value: object = 0
    for _ in range(depth):
        value = [value]
    with pytest.raises(wangge.WanggeError) as e:
        wangge.Hierarchy.from_json({"format": "wangge.hierarchy", "version": 1, "nodes": value})
    malformed(e)


def test_nesting_within_the_limit_reads_as_before():
    value: object = "x"
    for _ in range(100):
        value = {"a": value}
    # Read, then refused by the document's own shape (not by the depth limit).
    with pytest.raises(wangge.WanggeError) as e:
        wangge.Hierarchy.from_json({"format": "wangge.hierarchy", "version": 1, "nodes": [value]})
    assert e.value.code == "hierarchy.malformed" and "unknown field `a`" in str(e.value)


@pytest.mark.parametrize("bad", [object(), {1, 2}, b"bytes", math.inf, -math.inf, 2**70, Decimal("NaN")])
def test_values_that_are_not_json_are_refused_and_named(bad):
    h = wangge.Hierarchy()
    h.add("g1", "grid", "g1")
    ledger = wangge.Ledger(h)
    with pytest.raises(wangge.WanggeError) as e:
        ledger.report({"id": "T1", "category": "livelihood.repair", "unit": "g1", "description": bad},
                      actor="g1", at=T(0))
    assert "not a JSON value" in malformed(e)
    assert ledger.event_count == 0, "a refused report leaves the ledger as it was"


def test_an_exact_decimal_keeps_its_digits():
    from test_consultation import building

    h, roll, units = building()
    doc = roll.to_document()
    doc["units"][0]["area"] = Decimal("88.25")
    again = wangge.OwnerRoll(doc)
    assert again.to_document()["units"][0]["area"] == "88.25"


def test_an_instant_with_a_fraction_of_a_second_is_the_start_of_its_second():
    from datetime import datetime, timedelta, timezone

    cal = wangge.Calendar.standard()
    cst = timezone(timedelta(hours=8))
    nine = datetime(2025, 3, 3, 9, 0, 0, tzinfo=cst)
    for at in ["2025-03-03T09:00:00.999+08:00", "2025-03-03T01:00:00.5Z",
               datetime(2025, 3, 3, 9, 0, 0, 999_999, tzinfo=cst)]:
        assert cal.next_working_instant(at) == nine, at
    with pytest.raises(wangge.WanggeError) as e:
        cal.next_working_instant("2025-03-03T09:00:00.+08:00")
    assert e.value.code == "time.invalid_instant"


def test_negative_amounts_are_refused_not_read_as_zero():
    cal = wangge.Calendar.standard()
    t = 1_740_963_600
    assert list(cal.add_working_seconds_many([t], 0)) == [t]
    with pytest.raises(wangge.CalendarError) as e:
        cal.add_working_seconds_many([t], -60)
    assert e.value.code == "calendar.invalid_amount" and "-60" in str(e.value)
    with pytest.raises(wangge.WanggeError):
        cal.add_working_minutes("2025-03-03T09:00:00+08:00", -1)
    with pytest.raises(OverflowError):
        cal.add_working_days("2025-03-03T09:00:00+08:00", -5)
