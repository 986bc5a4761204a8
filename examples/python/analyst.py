"""An analyst's year: a synthetic (seeded) year of cases for a district of 5 streets,
30 communities and 300 grids, loaded into wangge; the 三率 per street; the five most
overloaded grids; a what-if with a 20% shorter handling deadline; an elevator vote.

    python examples/python/analyst.py          (after: bash scripts/python.sh setup)

Every figure is computed by the wangge core; this script only makes data and prints.
"""

from __future__ import annotations

import pathlib
import random
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Tuple

import wangge
from wangge.types import Choice, Rate

CST = timezone(timedelta(hours=8))
DATA = pathlib.Path(__file__).resolve().parents[1] / "data"
SEED = 2025
TICKETS = 12_000


def district() -> Tuple[wangge.Hierarchy, List[str], Dict[str, str], Dict[str, str]]:
    """5 streets × 6 communities × 10 grids, two grid workers per grid, three departments."""
    h = wangge.Hierarchy()
    h.add("d", "district", "示范区")
    grids: List[str] = []
    community_of: Dict[str, str] = {}
    street_of: Dict[str, str] = {}
    for s in range(1, 6):
        sid = f"d-s{s}"
        h.add(sid, "street", f"第{s}街道")
        h.contain("d", sid)
        # the street's grid management centre files, dispatches, verifies and calls back
        h.add(f"{sid}-zx", "operations_centre", f"第{s}街道网格化服务管理中心")
        h.supervise(f"{sid}-zx", sid)
        h.command(f"{sid}-zx", sid)
        for c in range(1, 7):
            cid = f"{sid}-c{c}"
            h.add(cid, "community", f"第{s}街道第{c}社区")
            h.contain(sid, cid)
            for g in range(1, 11):
                gid = f"{cid}-g{g}"
                h.add(gid, "grid", f"{s}-{c}-{g}网格")
                h.contain(cid, gid)
                # some grids are short of staff: one worker instead of two
                for w in range(1, 2 if (s * 7 + c * 3 + g) % 9 == 0 else 3):
                    h.add(f"{gid}-w{w}", "grid_worker", f"网格员{gid}-{w}")
                    h.serve(f"{gid}-w{w}", gid)
                grids.append(gid)
                community_of[gid] = cid
                street_of[gid] = sid
    for dep, name in [("dep-sc", "市场监管局"), ("dep-cg", "城管局"), ("dep-zj", "住建局")]:
        h.add(dep, "department", name)
        h.grant_jurisdiction(dep, "d", ["livelihood", "event"])
    return h, grids, community_of, street_of


CATEGORIES = ["livelihood.repair", "livelihood.parking", "event.appearance_environment"]


def working_instant(rnd: random.Random, day: int) -> datetime:
    """A moment inside working hours on day `day` of 2025 (weekends moved to Monday)."""
    d = datetime(2025, 1, 1, tzinfo=CST) + timedelta(days=day)
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d.replace(hour=9) + timedelta(minutes=rnd.randrange(0, 7 * 60))


def synthetic_year(grids: List[str], community_of: Dict[str, str],
                   street_of: Dict[str, str]) -> List[Dict[str, Any]]:
    """Flat event rows, as an analyst would get them from a case system export."""
    rnd = random.Random(SEED)
    # a few grids get far more cases (a market, a construction site…)
    weights = [8 if i % 37 == 0 else 1 for i in range(len(grids))]
    rows: List[Dict[str, Any]] = []
    for i in range(TICKETS):
        g = rnd.choices(grids, weights)[0]
        c, s = community_of[g], street_of[g]
        worker = f"{g}-w1"
        t = working_instant(rnd, rnd.randrange(0, 350))
        tid = f"2025-{i:06d}"

        def ev(kind: str, actor: str, minutes: int, **fields: Any) -> None:
            nonlocal t
            t = t + timedelta(minutes=minutes)
            rows.append({"ticket": tid, "at": t.isoformat(), "actor": actor, "type": kind, **fields})

        centre = f"{s}-zx"
        ev("report", worker, 0, category=rnd.choice(CATEGORIES), unit=g)
        ev("file", centre, rnd.randrange(5, 90))
        ev("dispatch", centre, rnd.randrange(5, 60), to=g)
        # the case system's deadlines, as its export records them (4 hours to sign, a week to handle)
        ev("set_deadline", "@system", 0, deadline="acknowledge", due=(t + timedelta(hours=4)).isoformat())
        ev("set_deadline", "@system", 0, deadline="handle", due=(t + timedelta(days=7)).isoformat())
        ev("acknowledge", worker, rnd.choice([10, 30, 60, 120, 200, 300]))
        if rnd.random() < 0.06:   # still open at the end of the year
            continue
        holder = worker
        if rnd.random() < 0.12:   # beyond the grid: escalate, and the street blows the whistle
            ev("escalate", c, rnd.randrange(60, 3000), to=s)
            ev("acknowledge", s, rnd.randrange(10, 600))
            deps = rnd.sample(["dep-sc", "dep-cg", "dep-zj"], 2)
            sign_by = t + timedelta(hours=2)
            ev("whistle", s, 5, departments=";".join(deps), signBy=sign_by.isoformat(),
               reportBy=(t + timedelta(days=5)).isoformat())
            for dep in deps:
                ev("sign_whistle", dep, rnd.choice([20, 60, 100, 400]))  # some sign late
            for dep in deps:
                ev("report_whistle", dep, rnd.randrange(600, 4000))
            holder = s
        ev("handle", holder, rnd.randrange(60, 20_000), outcome="已处理")
        ev("verify", centre, rnd.randrange(30, 2000), passed=True)
        ev("visit", centre, rnd.randrange(60, 3000),
           satisfaction=rnd.choices(["satisfied", "basically_satisfied", "unsatisfied"], [80, 14, 6])[0])
    # three rows a real export would have: a typo'd action, a naive time, an unknown ticket
    rows.insert(10, {"ticket": "2025-000001", "at": "2025-06-01T10:00:00+08:00", "actor": "d", "type": "aknowledge"})
    rows.insert(20, {"ticket": "2025-000002", "at": "2025-06-01 10:00:00", "actor": "d", "type": "supervise"})
    rows.append({"ticket": "2099-000000", "at": "2025-06-01T10:00:00+08:00", "actor": "d", "type": "file"})
    return rows


def pct(rate: Rate) -> str:
    v = rate["value"]
    return "   —  " if v is None else f"{100 * v:5.1f}%"


def main() -> None:
    started = time.perf_counter()
    h, grids, community_of, street_of = district()
    rows = synthetic_year(grids, community_of, street_of)
    # The shipped schedule (2025 and 2026): a 2025 ticket may be handled in January 2026.
    calendar = wangge.Calendar.china()
    ledger, bad = wangge.load_events(h, rows)
    print(f"{len(h):,} nodes; loaded {ledger.event_count:,} events of {len(ledger):,} tickets "
          f"from {len(rows):,} rows; {len(bad)} bad rows reported:")
    for row_number, error in bad[:10]:
        print(f"  row {row_number}: [{error.code}] {error}")

    metrics = wangge.Metrics(ledger, calendar, {"groupBy": {"level": "street"}})
    print("\n三率 per street (响应率 response · 解决率 resolution · 满意率 satisfaction), and 结案率:")
    for r in metrics.report()["rows"]:
        rates = r["rates"]
        print(f"  {r['groupName']:<6} received {r['counts']['received']:>5}  响应 {pct(rates['response'])}"
              f"  解决 {pct(rates['resolution'])}  满意 {pct(rates['satisfaction'])}"
              f"  结案 {pct(rates['closing'])}")

    print("\nthe five most overloaded grids (open tickets per staff member):")
    load = sorted(metrics.grids(), key=lambda g: -(g.get("perStaff_value") or 0))
    for g in load[:5]:
        print(f"  {g['name']:<10} open {g['open']:>3}  staff {g['staff']}  per staff {g['perStaff_value']:.1f}")

    base = {"name": "区标准", "rules": [{"name": "all", "targets": {
        "acknowledge": {"workingHours": 4}, "handle": {"workingDays": 5}}}]}
    shorter = wangge.scale_service_policy(base, 80)
    escalation = wangge.EscalationPolicy.standard()
    what = escalation.what_if(ledger, policy=base, calendar=calendar, alternative=escalation,
                              alternative_policy=shorter, horizon=datetime(2026, 1, 1, tzinfo=CST))
    totals = what["totals"]
    print(f"\nwhat if the deadlines were 20% shorter ({shorter['name']})?")
    print(f"  tickets analysed {totals['tickets']:,}; with a breach: {totals['breachedBaseline']:,} → "
          f"{totals['breachedAlternative']:,}; tickets whose course changes: {len(what['changed']):,}")
    extra = {k: v for k, v in totals.items() if k not in ("tickets", "breachedBaseline", "breachedAlternative")}
    if extra:
        print("  " + ", ".join(f"{k} {v}" for k, v in extra.items()))

    hh = wangge.Hierarchy.from_json((DATA / "shijixincheng.hierarchy.json").read_text(encoding="utf-8"))
    roll = wangge.OwnerRoll((DATA / "shijixincheng.roll.json").read_text(encoding="utf-8"))
    electorate = roll.electorate(hh, {"building_unit": {"building": "sjxc-5", "unit": "2"}})
    vote = wangge.Vote(electorate, id="sjxc-5-2-elevator", agenda="5幢2单元加装电梯",
                       rule={"preset": "elevator_installation", "units": ["5-2-101", "5-2-102"]},
                       opens_at="2025-05-01T09:00:00+08:00", closes_at="2025-05-31T18:00:00+08:00")
    rnd = random.Random(SEED)
    for i, voter in enumerate(electorate.voters()):
        choice: Choice = "agree" if i >= 2 or rnd.random() < 0.5 else "oppose"
        vote.cast(voter, choice, at=datetime(2025, 5, 2 + i, 19, 30, tzinfo=CST))
    vote.close(at="2025-05-31T18:00:00+08:00")
    outcome = vote.outcome()
    print(f"\nelevator vote, 世纪新城5幢2单元 ({len(electorate)} owners): "
          f"{'passed' if outcome['passed'] else 'not passed'}")
    print("  " + outcome["explanation"]["zh"].replace("\n", "\n  "))
    print(f"\n({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
