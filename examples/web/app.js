// The demo page: a plain ES module on the `web` build of wangge, no framework.
import init, { Hierarchy, Ledger, Calendar, OwnerRoll, Vote, convertCoords } from "../../bindings-wasm/pkg/wangge.js";

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

// --- 新建社区 on the map: the grids' boundaries (GCJ-02) drawn as SVG, and where a report
// lands: a phone's GPS fix (WGS-84) converted and located, or a click on the map -------------
{
  const h = Hierarchy.fromJson(await load("xinjian.hierarchy.json"));
  const svg = $("map");
  const NS = "http://www.w3.org/2000/svg";
  const community = h.node("340404001001");
  const outline = (node) => node.boundary.coordinates[0];
  const lngs = outline(community).map((p) => p[0]), lats = outline(community).map((p) => p[1]);
  const [west, east, south, north] = [Math.min(...lngs), Math.max(...lngs), Math.min(...lats), Math.max(...lats)];
  const pad = 12, W = 640 - 2 * pad, H = 384 - 2 * pad;
  const x = (lng) => pad + ((lng - west) / (east - west)) * W;
  const y = (lat) => pad + ((north - lat) / (north - south)) * H;
  const lngOf = (px) => west + ((px - pad) / W) * (east - west);
  const latOf = (py) => north - ((py - pad) / H) * (north - south);
  const shapes = new Map();
  const draw = (node, cls, label) => {
    const poly = document.createElementNS(NS, "polygon");
    poly.setAttribute("points", outline(node).map(([lng, lat]) => `${x(lng)},${y(lat)}`).join(" "));
    poly.setAttribute("class", cls);
    poly.dataset.id = node.id;
    const title = document.createElementNS(NS, "title");
    title.textContent = node.name;
    poly.append(title);
    svg.append(poly);
    shapes.set(node.id, poly);
    if (label) {
      const lng = outline(node).reduce((a, p) => a + p[0], 0) / outline(node).length;
      const lat = outline(node).reduce((a, p) => a + p[1], 0) / outline(node).length;
      const t = document.createElementNS(NS, "text");
      t.setAttribute("x", x(lng) - 20); t.setAttribute("y", y(lat));
      t.textContent = label;
      svg.append(t);
    }
  };
  for (const g of h.descendantsOfKind("340404001001", "grid")) {
    if (g.boundary) draw(g, "grid", g.name.replace("新建社区", ""));
  }
  draw(h.node("xj-kgxq"), "compound", "");
  draw(community, "community", "");
  const marker = document.createElementNS(NS, "circle");
  marker.setAttribute("r", 6); marker.setAttribute("fill", "#d32f2f");
  svg.append(marker);
  // Where a report lands: the unit, and the grid holding it, highlighted.
  const place = (lat, lng, system) => {
    const [mlat, mlng] = system === "gcj02" ? [lat, lng] : convertCoords(lat, lng, system, "gcj02");
    marker.setAttribute("cx", x(mlng)); marker.setAttribute("cy", y(mlat));
    const unit = h.locate(lat, lng, system);
    const grid = unit ? h.gridOf(unit) : undefined;
    for (const poly of shapes.values()) poly.classList.remove("hit");
    if (grid) shapes.get(grid.id)?.classList.add("hit");
    $("point").textContent = `${lat.toFixed(6)}°N ${lng.toFixed(6)}°E (${system})`;
    $("located").textContent = unit
      ? `${h.node(unit).name}${grid && grid.id !== unit ? ` · ${grid.name}` : ""}`
      : "outside 新建社区";
  };
  // A resident's phone: GPS (WGS-84) numbers, the same fix as the Rust example's.
  place(32.633628, 116.819763, "wgs84");
  // With ?service=…, a click is also reported to a running wangge service (Open311 GeoReport
  // v2): posted as a phone would, in WGS-84, then read back from the service.
  const service = new URLSearchParams(location.search).get("service");
  const report = async (lat, lng) => {
    const [wlat, wlng] = convertCoords(lat, lng, "gcj02", "wgs84");
    const form = new URLSearchParams({ api_key: "demo-key", service_code: "livelihood.parking",
      lat: wlat.toFixed(7), long: wlng.toFixed(7), description: "网页地图上报 reported from the demo map" });
    try {
      const posted = await fetch(`${service}/open311/v2/requests.json`, { method: "POST", body: form });
      const body = await posted.json();
      if (!posted.ok) {
        $("service").textContent = `service: ${body[0].code} ${body[0].description}`;
        return;
      }
      const id = body[0].service_request_id;
      const [request] = await (await fetch(`${service}/open311/v2/requests/${id}.json`)).json();
      $("service").textContent = `service: ${id} reported in ${h.node(request.address_id)?.name ?? request.address_id} ` +
        `(${request.status}, ${request.requested_datetime})`;
      $("service").dataset.ticket = id;
    } catch (e) {
      $("service").textContent = `service: ${e}`;
    }
  };
  svg.addEventListener("click", (e) => {
    const r = svg.getBoundingClientRect();
    const [lat, lng] = [latOf(((e.clientY - r.top) / r.height) * 384), lngOf(((e.clientX - r.left) / r.width) * 640)];
    place(lat, lng, "gcj02");
    if (service) report(lat, lng);
  });
}

// --- the leak: one button per step; each button is enabled only when its actor may act now
// (ledger.can), and a disabled one says why (ledger.whyNot, in Chinese and English) ----------
const hongfu = Hierarchy.fromJson(await load("hongfu.hierarchy.json"));
const ledger = new Ledger(hongfu, undefined);
ledger.setServiceLevels({ name: "demo", rules: [{ name: "all", targets: {
  acknowledge: { workingHours: 2 }, handle: { workingDays: 3 }, reply: { workingDays: 5 } } }] }, calendar, "2025-03-03T09:00:00+08:00");
const ID = "XHCT-2025-001";
let clock = Date.parse("2025-03-03T09:00:00+08:00");
const iso = (ms) => new Date(ms + 8 * 3600e3).toISOString().replace(".000Z", "+08:00");
const CENTRE = "gx-yyzx", STAFF = "gx-yyzx-1"; // the zone's city operations centre (监督 + 指挥)
const steps = [
  ["居民反映 report", "340471100001", { type: "report", id: ID, category: "livelihood.repair", unit: "xhct-3", holder: "340471100001",
    channel: "resident_visit", verifyFirst: true, description: "商铺楼饭店二层卫生间漏水到住宅楼入户大厅" }],
  ["现场核查 verify on site", "340471100001", { type: "confirm_on_site" }],
  ["立案 file", CENTRE, { type: "file" }],
  ["派遣 dispatch to grid 1", CENTRE, { type: "dispatch", to: "340471100001001" }],
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
  ["核查通过 verified by the centre", CENTRE, { type: "verify", passed: true }],
  ["回访满意 resident satisfied", STAFF, { type: "visit", satisfaction: "satisfied" }],
];
// Attempts the library refuses: the lifecycle, and the separation of duties (职责分离).
const refused = ["结案 close now (refused)", CENTRE, { type: "close" }];
const selfCheck = ["镇自行核查 the town verifies its own work (refused)", "340471100000", { type: "verify", passed: true }];
const buttons = [];
const at = () => iso(clock + 20 * 60e3);
const whyNot = ([, actor, action]) => ledger.whyNot(ID, actor, at(), action);

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
  $("log").innerHTML = t ? ledger.events(ID).map((e) => `${e.at} ${name(e.actor)} ${e.action.type}`).join("<br>") : "";
  // Grey out what the actor may not do now, with the rule that refuses.
  for (const [step, b] of buttons) {
    if (b.dataset.done) continue;
    const why = whyNot(step);
    b.disabled = why !== undefined;
    b.title = why ? `${why.zh}\n${why.en}` : `${name(step[1])} may act now`;
  }
  const next = steps.find((step, i) => !buttons[i][1].dataset.done);
  $("who").textContent = next && t
    ? `${next[0]}: ${ledger.whoCan(ID, at(), next[2]).map(name).join("、") || "—"}`
    : "—";
}

function name(id) {
  return id === "@system" ? "系统 @system" : (hongfu.node(id)?.name ?? id);
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
    $("message").textContent = `${label} [${name(actor)}]: ${ledger.get(ID).state}`;
    if (button) { button.disabled = true; button.dataset.done = "true"; }
  } catch (e) {
    const why = e.code && action.type !== "report" ? ledger.whyNot(ID, actor, iso(clock), action) : undefined;
    $("message").className = "error";
    $("message").textContent = `${e.name} ${e.code}: ${why ? `${why.zh} / ${why.en}` : e.message}`;
  }
  render();
}

steps.forEach((step, i) => {
  const b = document.createElement("button");
  b.textContent = `${i + 1}. ${step[0]} · ${name(step[1])}`;
  b.dataset.step = String(i + 1);
  b.onclick = () => act(step, b);
  buttons.push([step, b]);
  $("steps").append(b);
});
for (const [id, attempt] of [["refused", refused], ["self-check", selfCheck]]) {
  const b = document.createElement("button");
  b.textContent = attempt[0];
  b.id = id;
  b.onclick = () => act(attempt, null);
  $("steps").append(b);
}
$("authority").textContent = `${ledger.authority.name}: 立案 file — ${ledger.authority.roles("file").join(", ")}; ` +
  `核查 verify — ${ledger.authority.roles("verify").join(", ")} (not the ${ledger.authority.conflicts("verify").join(", ")}); ` +
  `派遣 dispatch — ${ledger.authority.roles("dispatch").join(", ")}`;
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
