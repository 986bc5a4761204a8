"""世纪新城小区: the elevator vote per building unit (既有住宅加装电梯), in Python.

Civil Code Art. 278 item 7: two thirds participating by area and by owners, three quarters
of the participants agreeing by area and by owners, and the owner of every flat the shaft
uses must agree. Unit 1 fails, unit 2 passes.

Run with ``.venv/bin/python examples/python/elevator.py``.
"""

from pathlib import Path

import wangge

DATA = Path(__file__).resolve().parents[1] / "data"

h = wangge.Hierarchy.from_json((DATA / "shijixincheng.hierarchy.json").read_text(encoding="utf-8"))
roll = wangge.OwnerRoll((DATA / "shijixincheng.roll.json").read_text(encoding="utf-8"))
units = roll.to_document()["units"]


def name(node_id: str) -> str:
    node = h.node(node_id)
    return node["name"] if node else node_id


print(f"{name('sjxc')}: {name('sjxc-ywh')}, {len(units)} flats in {name('sjxc-5')}")

DURING = "2025-05-10T10:00:00+08:00"
passed = 0
for entrance, opposing in (("1", {"5-1-101"}), ("2", {"5-2-102", "5-2-202"})):
    electorate = roll.electorate(h, {"building_unit": {"building": "sjxc-5", "unit": entrance}})
    vote = wangge.Vote(
        electorate, id=f"elevator-{entrance}", agenda=f"5幢{entrance}单元加装电梯",
        rule={"preset": "elevator_installation", "units": [f"5-{entrance}-101"]},
        opens_at="2025-05-01T09:00:00+08:00", closes_at="2025-05-31T18:00:00+08:00",
    )
    voted = set()
    for unit in (u for u in units if u.get("buildingUnit") == entrance):
        if unit["owner"] in voted:  # one owner of several flats votes once
            continue
        voted.add(unit["owner"])
        vote.cast(unit["owner"], "oppose" if unit["id"] in opposing else "agree", at=DURING)
    vote.close(at="2025-05-31T18:00:00+08:00")
    outcome = vote.outcome()
    passed += outcome["passed"]
    print(f"\n5幢{entrance}单元 ({len(electorate)} owners): {'通过 passed' if outcome['passed'] else '未通过 not passed'}")
    print(f"  {outcome['explanation']['zh']}")
    print(f"  {outcome['explanation']['en']}")
assert passed == 1
