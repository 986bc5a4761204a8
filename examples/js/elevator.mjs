// 世纪新城小区: the elevator vote per building unit (既有住宅加装电梯), played through the
// WebAssembly package in Node. Civil Code Art. 278 item 7: two thirds participating by area
// and by owners, three quarters of the participants agreeing by area and by owners, and the
// owner of every flat the shaft uses must agree. Unit 1 fails, unit 2 passes.
//
// Run with `node examples/js/elevator.mjs` after `bash bindings-wasm/build.sh`.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const { Hierarchy, OwnerRoll, Vote } = require("../../bindings-wasm/pkg/wangge.cjs");
const data = (name) => readFileSync(new URL(`../data/${name}`, import.meta.url), "utf8");

const h = Hierarchy.fromJson(data("shijixincheng.hierarchy.json"));
const roll = new OwnerRoll(data("shijixincheng.roll.json"));
const units = JSON.parse(roll.toJson()).units;
console.log(`${h.node("sjxc").name}: ${h.node("sjxc-ywh").name}, ${units.length} flats in ${h.node("sjxc-5").name}`);

const during = "2025-05-10T10:00:00+08:00";
let passedCount = 0;
for (const [entrance, opposes] of [["1", ["5-1-101"]], ["2", ["5-2-102", "5-2-202"]]]) {
  const electorate = roll.electorate(h, { building_unit: { building: "sjxc-5", unit: entrance } });
  const vote = new Vote(electorate, { id: `elevator-${entrance}`, agenda: `5幢${entrance}单元加装电梯`,
    rule: { preset: "elevator_installation", units: [`5-${entrance}-101`] },
    opensAt: "2025-05-01T09:00:00+08:00", closesAt: "2025-05-31T18:00:00+08:00" });
  const voted = new Set();
  for (const u of units.filter((x) => x.buildingUnit === entrance)) {
    if (voted.has(u.owner)) continue; // one owner of several flats votes once
    voted.add(u.owner);
    vote.cast(u.owner, opposes.includes(u.id) ? "oppose" : "agree", during);
  }
  vote.close("2025-05-31T18:00:00+08:00");
  const o = vote.outcome();
  passedCount += o.passed ? 1 : 0;
  console.log(`\n5幢${entrance}单元 (${electorate.size} owners): ${o.passed ? "通过 passed" : "未通过 not passed"}`);
  console.log(`  ${o.explanation.zh}`);
  console.log(`  ${o.explanation.en}`);
}
if (passedCount !== 1) process.exit(1);
