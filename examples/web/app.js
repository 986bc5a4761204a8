// The demo page: a plain ES module on the `web` build of wangge, no framework.
import init, { Hierarchy, Ledger, Calendar, OwnerRoll, Vote } from "../../bindings-wasm/pkg/web/wangge.js";

const $ = (id) => document.getElementById(id);
const load = async (name) => (await fetch(`../data/${name}`)).text();

await init();
const calendar = new Calendar(await load("cn-2025.calendar.json"));

// --- 新建社区: grids, their Party branches and staff -------------------------------------
{
  const h = Hierarchy.fromJson(await load("xinjian.hierarchy.json"));
  const rows = h.descendantsOfKind("340404001001", "grid").map((g) => {
    const branch = h.leadingPartyOrg(g.id);
    const staff = h.staff(g.id).map((p) => p.name).join("、");
    const chain = h.chain(g.id).map((n) => n.name).join(" → ");
    return `<tr><td>${g.name}</td><td>${branch ? branch.name : "—"}</td><td>${staff}</td><td class="muted">${chain}</td></tr>`;
  });
  $("xinjian").innerHTML = `<table><tr><th>网格 grid</th><th>党支部 Party branch</th><th>人员 staff</th><th>升级链 escalation chain</th></tr>${rows.join("")}</table>`;
}

// --- the leak: one button per step; refused steps show their error ------------------------
const hongfu = Hierarchy.fromJson(await load("hongfu.hierarchy.json"));
const ledger = new Ledger(hongfu, undefined);
ledger.setServiceLevels({ name: "demo", rules: [{ name: "all", targets: {
  acknowledge: { workingHours: 2 }, handle: { workingDays: 3 }, reply: { workingDays: 5 } } }] }, calendar, "2025-03-03T09:00:00+08:00");
const ID = "XHCT-2025-001";
let clock = Date.parse("2025-03-03T09:00:00+08:00");
const iso = (ms) => new Date(ms + 8 * 3600e3).toISOString().replace(".000Z", "+08:00");
const steps = [
  ["居民反映 report", "340471100001", { type: "report", id: ID, category: "livelihood.repair", unit: "xhct-3", holder: "340471100001",
    channel: "resident_visit", verifyFirst: true, description: "商铺楼饭店二层卫生间漏水到住宅楼入户大厅" }],
  ["现场核查 verify on site", "340471100001", { type: "confirm_on_site" }],
  ["立案 file", "340471100001", { type: "file" }],
  ["派遣 dispatch to grid 1", "340471100001", { type: "dispatch", to: "340471100001001" }],
  ["签收 acknowledge", "340471100001001-wgy", { type: "acknowledge" }],
  ["店主拒修 owner refuses", "340471100001001-wgy", { type: "record_refusal", party: "饭店店主", note: "不舍得花钱维修" }],
  ["上报三和镇 escalate to the town", "340471100001", { type: "escalate", to: "340471100000" }],
  ["镇签收 town acknowledges", "340471100000", { type: "acknowledge" }],
  ["吹哨 whistle three departments", "340471100000", { type: "whistle", departments: ["gx-scjg", "gx-cg", "gx-zj"] }],
  ["市场监管报到 market regulation signs", "gx-scjg", { type: "sign_whistle" }],
  ["城管报到 urban management signs", "gx-cg", { type: "sign_whistle" }],
  ["住建报到 housing signs", "gx-zj", { type: "sign_whistle" }],
  ["市场监管完成 reports", "gx-scjg", { type: "report_whistle", note: "现场责令维修" }],
  ["城管完成 reports", "gx-cg", { type: "report_whistle" }],
  ["住建完成 reports", "gx-zj", { type: "report_whistle" }],
  ["处置完成 handled", "340471100000", { type: "handle", outcome: "店主已维修卫生间" }],
  ["核查通过 verified", "340471100000", { type: "verify", passed: true }],
  ["回访满意 resident satisfied", "340471100000", { type: "visit", satisfaction: "satisfied" }],
];
const refused = ["结案 close now (refused)", "340471100000", { type: "close" }];

function render() {
  const t = ledger.get(ID);
  $("state").textContent = t ? t.state : "—";
  $("holder").textContent = t ? (hongfu.node(t.holder)?.name ?? t.holder) : "—";
  const due = t?.deadlines.handle;
  $("deadline").textContent = due ?? "—";
  const open = t && !["closed", "rejected", "merged"].includes(t.state);
  $("countdown").textContent = due && open
    ? `距处置时限 ${Math.round(calendar.workingMinutesBetween(iso(clock), due))} 个工作分钟 working minutes left (simulated clock ${iso(clock).slice(0, 16)})`
    : "";
  $("log").innerHTML = t ? ledger.events(ID).map((e) => `${e.at} ${e.actor} ${e.action.type}`).join("<br>") : "";
}

function act([label, actor, action], button) {
  clock += 20 * 60e3;
  try {
    if (action.type === "report") {
      const { type, ...ticket } = action;
      ledger.report(ticket, actor, iso(clock));
    } else {
      ledger.apply(ID, actor, iso(clock), action);
    }
    $("message").className = "ok";
    $("message").textContent = `${label}: ${ledger.get(ID).state}`;
    if (button) button.disabled = true;
  } catch (e) {
    $("message").className = "error";
    $("message").textContent = `${e.name} ${e.code}: ${e.message}`;
  }
  render();
}

steps.forEach((step, i) => {
  const b = document.createElement("button");
  b.textContent = `${i + 1}. ${step[0]}`;
  b.dataset.step = String(i + 1);
  b.onclick = () => act(step, b);
  $("steps").append(b);
});
const r = document.createElement("button");
r.textContent = refused[0];
r.id = "refused";
r.onclick = () => act(refused, null);
$("steps").append(r);
setInterval(() => { clock += 60e3; render(); }, 1000); // a simulated minute per second
render();

// --- the elevator vote: the outcome and its explanation update per ballot ------------------
{
  const h = Hierarchy.fromJson(await load("shijixincheng.hierarchy.json"));
  const roll = new OwnerRoll(await load("shijixincheng.roll.json"));
  const electorate = roll.electorate(h, { building_unit: { building: "sjxc-5", unit: "2" } });
  const vote = new Vote(electorate, { id: "elevator-5-2", agenda: "5幢2单元加装电梯",
    rule: { preset: "elevator_installation", units: ["5-2-101"] },
    opensAt: "2025-05-01T09:00:00+08:00", closesAt: "2025-05-31T18:00:00+08:00" });
  const show = () => {
    const o = vote.outcome();
    $("outcome").textContent = o.passed ? "通过 passed" : "未通过 not (yet) passed";
    $("outcome").className = o.passed ? "ok" : "error";
    $("explanation-zh").textContent = o.explanation.zh;
    $("explanation-en").textContent = o.explanation.en;
  };
  for (const voter of electorate.voters()) {
    const span = document.createElement("span");
    span.append(`${voter}: `);
    for (const choice of ["agree", "oppose"]) {
      const b = document.createElement("button");
      b.textContent = choice === "agree" ? "同意" : "反对";
      b.dataset.voter = voter; b.dataset.choice = choice;
      b.onclick = () => {
        try { vote.cast(voter, choice, "2025-05-02T10:00:00+08:00"); span.querySelectorAll("button").forEach((x) => (x.disabled = true)); }
        catch (e) { $("explanation-en").textContent = `${e.code}: ${e.message}`; }
        show();
      };
      span.append(b);
    }
    $("ballots").append(span, document.createElement("br"));
  }
  show();
}
document.body.dataset.ready = "true";
