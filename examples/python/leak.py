"""西湖春天小区: the leak of the article, played through the Python module.

A shop's toilet leaks into a residential lobby; the community verifies on site and the zone's
city operations centre (监督 + 指挥, GB/T 30428) files and dispatches the case; the owner refuses
to repair; the community escalates to 三和镇, which whistles (吹哨) three departments of 淮南高新区;
they sign for it (报到) and report; the town handles it but may not verify its own work: the
centre verifies it and its staff make the return visit.

Run with ``.venv/bin/python examples/python/leak.py`` (``make demo`` sets up the venv).
"""

from datetime import datetime, timedelta, timezone
from pathlib import Path

import wangge

DATA = Path(__file__).resolve().parents[1] / "data"
CST = timezone(timedelta(hours=8))

h = wangge.Hierarchy.from_json((DATA / "hongfu.hierarchy.json").read_text(encoding="utf-8"))
calendar = wangge.Calendar((DATA / "cn-2025.calendar.json").read_text(encoding="utf-8"))
ledger = wangge.Ledger(h)
start = datetime(2025, 3, 3, 9, 0, tzinfo=CST)
ledger.set_service_levels(
    {"name": "弘湖社区", "rules": [{"name": "all", "targets": {
        "acknowledge": {"workingHours": 2}, "handle": {"workingDays": 3}, "reply": {"workingDays": 5}}}]},
    calendar, now=start,
)

COMMUNITY, GRID, WORKER, TOWN = "340471100001", "340471100001001", "340471100001001-wgy", "340471100000"
CENTRE, STAFF = "gx-yyzx", "gx-yyzx-1"  # the zone's city operations centre and its staff
TICKET = "XHCT-2025-001"
clock = [start]


def at() -> datetime:
    clock[0] += timedelta(minutes=7)
    return clock[0]


def name(node_id: str) -> str:
    node = h.node(node_id)
    return node["name"] if node else node_id


def step(label: str, actor: str, action: dict) -> str:
    try:
        state = ledger.apply(TICKET, actor=actor, at=at(), action=action)
        snapshot = ledger.get(TICKET)
        print(f"{label}: {state} (holder {name(snapshot['holder'] if snapshot else '?')})")
        return state
    except wangge.WanggeError as e:
        print(f"{label}: refused — {e.code}: {e}")
        return e.code


ledger.report({"id": TICKET, "category": "livelihood.repair", "unit": "xhct-3", "holder": COMMUNITY,
               "channel": "resident_visit", "verifyFirst": True,
               "description": "商铺楼饭店二层卫生间漏水到住宅楼入户大厅"}, actor=COMMUNITY, at=start)
print(f"上报 reported: {TICKET} at {name('xhct-3')}, held by {name(COMMUNITY)}")
step("立案 file (before the on-site check)", CENTRE, {"type": "file"})
step("现场核查 verify on site", COMMUNITY, {"type": "confirm_on_site"})
why = ledger.why_not(TICKET, actor=COMMUNITY, at=clock[0], action={"type": "file"})
assert why is not None
print(f"立案 may the community file? {why['zh']} / {why['en']}")
print(f"  who may: {', '.join(name(a) for a in ledger.who_can(TICKET, at=clock[0], action={'type': 'file'}))}")
step("立案 file", CENTRE, {"type": "file"})
step("派遣 dispatch to the grid", CENTRE, {"type": "dispatch", "to": GRID})
step("签收 acknowledge", WORKER, {"type": "acknowledge"})
step("店主拒修 the shop owner refuses", WORKER, {"type": "record_refusal", "party": "饭店店主", "note": "不舍得花钱维修"})

# The standard escalation policy reacts to the refusal: print what it proposes.
for d in wangge.EscalationPolicy.standard().evaluate(ledger, now=at(), calendar=calendar).to_list():
    if d["trigger"] != "recheck":
        what = d["effect"]["action"]["type"] if d["effect"]["type"] == "act" else "notify"
        print(f"  规则 rule {d['rule']!r} proposes {what}: {d['reason']}")

step("上报三和镇 escalate to 三和镇", COMMUNITY, {"type": "escalate", "to": TOWN})
step("镇签收 the town acknowledges", TOWN, {"type": "acknowledge"})
step("吹哨 whistle three departments", TOWN, {"type": "whistle", "departments": ["gx-scjg", "gx-cg", "gx-zj"]})
step("处置 handle (too early)", TOWN, {"type": "handle", "outcome": "x"})
for dept in ("gx-scjg", "gx-cg", "gx-zj"):
    step(f"报到 {name(dept)} signs", dept, {"type": "sign_whistle"})
for dept in ("gx-scjg", "gx-cg", "gx-zj"):
    step(f"报告 {name(dept)} reports", dept, {"type": "report_whistle"})
step("处置完成 handled", TOWN, {"type": "handle", "outcome": "店主修复防水层，入户大厅不再渗水"})
own = step("核查 the town verifying its own work", TOWN, {"type": "verify", "passed": True})
assert own == "ticket.separation_of_duty"
step("核查 verified by the centre", CENTRE, {"type": "verify", "passed": True})
step("回访 return visit: satisfied", STAFF, {"type": "visit", "satisfaction": "satisfied"})

snapshot = ledger.get(TICKET)
assert snapshot is not None
print(f"结案 {snapshot['state']}: {snapshot['events']} events, {snapshot['escalations']} escalation(s), "
      f"{len(snapshot['summons'])} departments summoned")
log = ledger.to_jsonl()
back = wangge.Ledger.from_jsonl(h, log)
print(f"日志 log: {len(log.splitlines())} lines, read back and verified: {back.get(TICKET) == snapshot}")
assert snapshot["state"] == "closed"
