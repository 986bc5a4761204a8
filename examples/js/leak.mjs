// 西湖春天小区: the leak of the article, played through the WebAssembly package in Node.
// A shop's toilet leaks into a residential lobby; the community verifies on site and the zone's
// city operations centre (监督 + 指挥, GB/T 30428) files and dispatches the case; the owner
// refuses to repair; the community escalates to 三和镇, which whistles (吹哨) three departments
// of 淮南高新区; they sign for it (报到) and report; the town handles it but may not verify its
// own work: the centre verifies it and its staff make the return visit.
//
// Run with `node examples/js/leak.mjs` after `bash bindings-wasm/build.sh` (make demo does it).
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const { Hierarchy, Ledger, Calendar, EscalationPolicy } = require("../../bindings-wasm/pkg/wangge.cjs");
const data = (name) => readFileSync(new URL(`../data/${name}`, import.meta.url), "utf8");

const h = Hierarchy.fromJson(data("hongfu.hierarchy.json"));
const calendar = new Calendar(data("cn-2025.calendar.json"));
const ledger = new Ledger(h, undefined);
ledger.setServiceLevels({ name: "弘湖社区", rules: [{ name: "all", targets: {
  acknowledge: { workingHours: 2 }, handle: { workingDays: 3 }, reply: { workingDays: 5 } } }] }, calendar, "2025-03-03T09:00:00+08:00");

const COMMUNITY = "340471100001", GRID = "340471100001001", WORKER = "340471100001001-wgy", TOWN = "340471100000";
const CENTRE = "gx-yyzx", STAFF = "gx-yyzx-1";
const ID = "XHCT-2025-001";
let minute = 0;
const at = () => new Date(Date.parse("2025-03-03T09:00:00+08:00") + 60000 * (minute += 7)).toISOString().replace(".000Z", "Z");
const name = (id) => h.node(id)?.name ?? id;

ledger.report({ id: ID, category: "livelihood.repair", unit: "xhct-3", holder: COMMUNITY, channel: "resident_visit",
  verifyFirst: true, description: "商铺楼饭店二层卫生间漏水到住宅楼入户大厅" }, COMMUNITY, at());
console.log(`上报 reported: ${ID} at ${name("xhct-3")}, held by ${name(COMMUNITY)}`);

const step = (label, actor, action) => {
  try {
    const state = ledger.apply(ID, actor, at(), action);
    console.log(`${label}: ${state} (holder ${name(ledger.get(ID).holder)})`);
  } catch (e) {
    console.log(`${label}: refused — ${e.code}: ${e.message}`);
    return e.code;
  }
};
step("立案 file (before the on-site check)", CENTRE, { type: "file" });
step("现场核查 verify on site", COMMUNITY, { type: "confirm_on_site" });
const why = ledger.whyNot(ID, COMMUNITY, at(), { type: "file" });
console.log(`立案 may the community file? ${why.zh} / ${why.en}`);
step("立案 file", CENTRE, { type: "file" });
step("派遣 dispatch to the grid", CENTRE, { type: "dispatch", to: GRID });
step("签收 acknowledge", WORKER, { type: "acknowledge" });
step("店主拒修 the shop owner refuses", WORKER, { type: "record_refusal", party: "饭店店主", note: "不舍得花钱维修" });

// The standard escalation policy reacts to the refusal; print what it proposes.
const proposals = EscalationPolicy.standard().evaluate(ledger, at(), calendar).toArray().filter((d) => d.trigger !== "recheck");
for (const d of proposals) {
  const what = d.effect.type === "act" ? d.effect.action.type : `notify ${d.effect.to ?? ""}`;
  console.log(`  规则 rule "${d.rule}" proposes ${what}: ${d.reason}`);
}

step("上报三和镇 escalate to 三和镇", COMMUNITY, { type: "escalate", to: TOWN });
step("镇签收 the town acknowledges", TOWN, { type: "acknowledge" });
step("吹哨 whistle three departments", TOWN, { type: "whistle", departments: ["gx-scjg", "gx-cg", "gx-zj"] });
step("处置 handle (too early)", TOWN, { type: "handle", outcome: "x" });
for (const dept of ["gx-scjg", "gx-cg", "gx-zj"]) step(`报到 ${name(dept)} signs`, dept, { type: "sign_whistle" });
for (const dept of ["gx-scjg", "gx-cg", "gx-zj"]) step(`报告 ${name(dept)} reports`, dept, { type: "report_whistle" });
step("处置完成 handled", TOWN, { type: "handle", outcome: "店主修复防水层，入户大厅不再渗水" });
if (step("核查 the town verifying its own work", TOWN, { type: "verify", passed: true }) !== "ticket.separation_of_duty") process.exit(1);
step("核查 verified by the centre", CENTRE, { type: "verify", passed: true });
step("回访 return visit: satisfied", STAFF, { type: "visit", satisfaction: "satisfied" });

const s = ledger.get(ID);
console.log(`结案 ${s.state}: ${s.events} events, ${s.escalations} escalation(s), ${s.summons.length} departments summoned`);
const log = ledger.toJsonl();
const back = Ledger.fromJsonl(h, log, undefined);
console.log(`日志 log: ${log.trim().split("\n").length} lines, read back and verified: ${JSON.stringify(back.get(ID)) === JSON.stringify(s)}`);
if (s.state !== "closed") process.exit(1);
