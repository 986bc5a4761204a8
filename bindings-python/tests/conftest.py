"""Shared fixtures: the article's leak setting (淮南高新区 → 三和镇 → 弘湖社区) and times."""

from __future__ import annotations

import pathlib
from datetime import datetime, timedelta, timezone

import pytest

import wangge

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "examples" / "data"
CN2025 = (ROOT / "core" / "src" / "calendar" / "cn-2025.txt").read_text(encoding="utf-8")
CST = timezone(timedelta(hours=8))
T0 = datetime(2025, 3, 3, 9, 0, tzinfo=CST)


def T(minutes: int) -> datetime:
    """2025-03-03 09:00 (+08:00) plus some minutes, as an aware datetime."""
    return T0 + timedelta(minutes=minutes)


def leak_hierarchy() -> wangge.Hierarchy:
    h = wangge.Hierarchy()
    units = [
        ("city", "city", "淮南市"), ("zone", "district", "淮南高新区"), ("town", "town", "三和镇"),
        ("hh", "community", "弘湖社区"), ("g1", "grid", "第一网格"), ("g2", "grid", "第二网格"),
        ("xhct", "compound", "西湖春天小区"), ("b3", "building", "3栋"),
    ]
    for id_, kind, name in units:
        h.add(id_, kind, name)
    for p, c in [("city", "zone"), ("zone", "town"), ("town", "hh"), ("hh", "g1"), ("hh", "g2"),
                 ("g1", "xhct"), ("xhct", "b3")]:
        h.contain(p, c)
    h.add("w1", "grid_worker", "网格员甲")
    h.serve("w1", "g1")
    h.add("w2", "grid_worker", "网格员乙")
    h.serve("w2", "g2")
    for id_, name in [("smr", "市场监管局"), ("cg", "城管局"), ("zj", "住建局")]:
        h.add(id_, "department", name)
        h.grant_jurisdiction(id_, "zone", ["livelihood.repair"])
    # The zone's operations centre supervises and commands it (GB/T 30428); zx1 is its staff.
    h.add("zx", "operations_centre", "高新区城市运行管理服务中心")
    h.supervise("zx", "zone")
    h.command("zx", "zone")
    h.add("zx1", "staff", "中心值班员")
    h.join("zx1", "zx")
    return h


@pytest.fixture
def h() -> wangge.Hierarchy:
    return leak_hierarchy()


@pytest.fixture
def calendar() -> wangge.Calendar:
    return wangge.Calendar.standard().with_exceptions_text(CN2025)


def leak_ledger() -> wangge.Ledger:
    """The leak case of the article, closed after a whistle to three departments."""
    h = leak_hierarchy()
    ledger = wangge.Ledger(h)
    ledger.report({"id": "XHCT-1", "category": "livelihood.repair", "unit": "b3", "holder": "hh",
                   "verifyFirst": True, "channel": "resident_visit", "reporter": "r-1",
                   "description": "卫生间漏水"}, actor="hh", at=T(0))
    steps = [
        ("hh", {"type": "confirm_on_site"}), ("zx", {"type": "file"}),
        ("zx", {"type": "dispatch", "to": "g1"}),
        ("w1", {"type": "acknowledge"}), ("w1", {"type": "record_refusal", "party": "饭店店主"}),
        ("hh", {"type": "escalate", "to": "town"}), ("town", {"type": "acknowledge"}),
        ("town", {"type": "whistle", "departments": ["smr", "cg", "zj"],
                  "signBy": T(200).isoformat(), "reportBy": T(3000).isoformat()}),
        ("smr", {"type": "sign_whistle"}), ("cg", {"type": "sign_whistle"}),
        ("zj", {"type": "sign_whistle"}),
        ("smr", {"type": "report_whistle"}), ("cg", {"type": "report_whistle"}),
        ("zj", {"type": "report_whistle", "note": "已维修"}),
        ("town", {"type": "handle", "outcome": "店主已维修"}),
        ("zx", {"type": "verify", "passed": True}),
        ("zx1", {"type": "visit", "satisfaction": "satisfied"}),
    ]
    for m, (actor, action) in enumerate(steps, start=10):
        ledger.apply("XHCT-1", actor=actor, at=T(m), action=action)
    return ledger
