// The WebAssembly package, tested in Node against the built `nodejs` target: every API
// family, every error family, handle freeing, and malformed input never crashing the module.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const w = require("../pkg/wangge.cjs");
const cn2025 = readFileSync(new URL("../../core/src/calendar/cn-2025.txt", import.meta.url), "utf8");

const T = (m) => new Date(Date.parse("2025-03-03T09:00:00+08:00") + m * 60000)
  .toISOString().replace(".000Z", "Z");

/** The leak setting of the article: 淮南高新区 → 三和镇 → 弘湖社区 → grids; 西湖春天小区. */
function leakHierarchy() {
  const h = new w.Hierarchy();
  const units = [["city", "city", "淮南市"], ["zone", "district", "淮南高新区"], ["town", "town", "三和镇"],
    ["hh", "community", "弘湖社区"], ["g1", "grid", "第一网格"], ["g2", "grid", "第二网格"],
    ["xhct", "compound", "西湖春天小区"], ["b3", "building", "3栋"]];
  for (const [id, kind, name] of units) h.add(id, kind, name);
  for (const [p, c] of [["city", "zone"], ["zone", "town"], ["town", "hh"], ["hh", "g1"], ["hh", "g2"], ["g1", "xhct"], ["xhct", "b3"]]) h.contain(p, c);
  h.add("w1", "grid_worker", "网格员甲"); h.serve("w1", "g1");
  h.add("w2", "grid_worker", "网格员乙"); h.serve("w2", "g2");
  for (const [id, name] of [["smr", "市场监管局"], ["cg", "城管局"], ["zj", "住建局"]]) {
    h.add(id, "department", name);
    h.grantJurisdiction(id, "zone", ["livelihood.repair"]);
  }
  // The zone's operations centre supervises and commands it (GB/T 30428); zx1 is its staff.
  h.add("zx", "operations_centre", "高新区城市运行管理服务中心");
  h.supervise("zx", "zone"); h.command("zx", "zone");
  h.add("zx1", "staff", "中心值班员"); h.join("zx1", "zx");
  return h;
}

function expectWangge(fn, code) {
  let caught;
  try { fn(); } catch (e) { caught = e; }
  assert.ok(caught instanceof Error, "an Error is thrown");
  assert.equal(caught.name, "WanggeError", String(caught));
  if (code) assert.equal(caught.code, code, caught.message);
  return caught;
}

test("version", () => {
  assert.match(w.version(), /^\d+\.\d+\.\d+/);
});

test("hierarchy: build, query, errors, JSON, division codes, typed routing", () => {
  const h = leakHierarchy();
  assert.equal(h.size, 15);
  assert.deepEqual(h.chain("b3").map((n) => n.id), ["b3", "xhct", "g1", "hh", "town", "zone", "city"]);
  assert.equal(h.gridOf("b3").id, "g1");
  assert.equal(h.parent("city"), undefined);
  assert.deepEqual(h.staff("g1").map((n) => n.id), ["w1"]);
  assert.deepEqual(h.departmentsFor("b3", "livelihood.repair").map((n) => n.id), ["smr", "cg", "zj"]);
  assert.equal(h.lowestCommonAncestor("g1", "g2").id, "hh");
  assert.deepEqual(h.descendantsOfKind("hh", "grid").map((n) => n.id), ["g1", "xhct".slice(0, 0) || "g2"].filter(Boolean).length ? ["g1", "g2"] : []);
  const e = expectWangge(() => h.contain("hh", "town"), "hierarchy.containment_cycle");
  assert.equal(e.parent, "hh");
  expectWangge(() => h.add("g1", "grid", "dup"), "hierarchy.duplicate_id");
  expectWangge(() => h.add("x", "villa", "?"), "hierarchy.unknown_kind");
  expectWangge(() => h.serve("smr", "g1"), "hierarchy.edge_kinds");
  const doc = h.toDocument();
  assert.equal(doc.format, "wangge.hierarchy");
  const back = w.Hierarchy.fromJson(h.toJson());
  assert.equal(back.toJson(), h.toJson());
  assert.equal(w.Hierarchy.fromJson(doc).size, 15);
  const imp = new w.Hierarchy().importDivisionCodes([
    { code: "340404001001", name: "新建社区" }, { code: "340404001000", name: "毕家岗街道" },
    { code: "340404000000", name: "八公山区" }, { code: "3404", name: "bad" }]);
  assert.deepEqual(imp.errors.map((x) => [x.row, x.code]), [[4, "division.malformed"]]);
  const keys = new Uint32Array([h.keyOf("b3"), h.keyOf("g2")]);
  const { chains, ends } = h.chainsOf(keys);
  assert.ok(chains instanceof Uint32Array && ends instanceof Uint32Array);
  assert.deepEqual(Array.from(ends), [7, 12]);
  assert.equal(h.idOf(chains[7]), "g2");
  assert.equal(h.chainLengths(keys), 12);
  // Unknown keys are refused (as in Python), not given an empty chain.
  assert.equal(expectWangge(() => h.chainsOf(new Uint32Array([4e9])), "hierarchy.unknown_key").key, 4e9);
  expectWangge(() => h.chainLengths(new Uint32Array([4e9])), "hierarchy.unknown_key");
});

test("ledger: the leak case step by step, refusals change nothing, the log round-trips", () => {
  const h = leakHierarchy();
  const l = new w.Ledger(h, undefined);
  l.report({ id: "XHCT-1", category: "livelihood.repair", unit: "b3", holder: "hh", verifyFirst: true,
    channel: "resident_visit", reporter: "r-1", description: "卫生间漏水" }, "hh", T(0));
  const before = JSON.stringify(l.get("XHCT-1"));
  const e = expectWangge(() => l.apply("XHCT-1", "zx", T(1), { type: "file" }), "ticket.illegal_transition");
  assert.equal(e.state, "reported");
  assert.equal(e.action, "file");
  assert.equal(JSON.stringify(l.get("XHCT-1")), before, "a refused action changes nothing");
  expectWangge(() => l.apply("XHCT-1", "w2", T(1), { type: "confirm_on_site" }), "ticket.unauthorized");
  const steps = [
    ["hh", { type: "confirm_on_site" }], ["zx", { type: "file" }], ["zx", { type: "dispatch", to: "g1" }],
    ["w1", { type: "acknowledge" }], ["w1", { type: "record_refusal", party: "饭店店主" }],
    ["hh", { type: "escalate", to: "town" }], ["town", { type: "acknowledge" }],
    ["town", { type: "whistle", departments: ["smr", "cg", "zj"], signBy: T(200), reportBy: T(3000) }],
    ["smr", { type: "sign_whistle" }], ["cg", { type: "sign_whistle" }], ["zj", { type: "sign_whistle" }],
    ["smr", { type: "report_whistle" }], ["cg", { type: "report_whistle" }], ["zj", { type: "report_whistle", note: "已维修" }],
    ["town", { type: "handle", outcome: "店主已维修" }], ["zx", { type: "verify", passed: true }],
    ["zx", { type: "visit", satisfaction: "satisfied" }],
  ];
  let m = 10;
  for (const [actor, action] of steps) l.apply("XHCT-1", actor, T(m++), action);
  const s = l.get("XHCT-1");
  assert.equal(s.state, "closed");
  assert.equal(s.escalations, 1);
  assert.equal(s.summons.length, 3);
  assert.equal(l.events("XHCT-1").length, 18);
  assert.deepEqual(l.inState("closed"), ["XHCT-1"]);
  assert.deepEqual(l.within("xhct"), ["XHCT-1"]);
  const text = l.toJsonl();
  const back = w.Ledger.fromJsonl(h, text, undefined);
  assert.deepEqual(back.get("XHCT-1"), s);
  const tampered = text.replace("店主已维修", "没修");
  expectWangge(() => w.Ledger.fromJsonl(h, tampered, undefined), "log.tampered");
  const replayed = w.Ledger.replay(h, l.allEvents(), undefined);
  assert.deepEqual(replayed.get("XHCT-1"), s);
  const unknown = l.applyMany([{ ticket: "T9", actor: "zx", at: T(100), action: { type: "file" } }]);
  assert.deepEqual(unknown.states, [null], "an unknown ticket has no state, as in Python and the core");
  assert.equal(unknown.errors[0].code, "ticket.unknown_ticket");
  const bulk = l.applyMany([{ ticket: "XHCT-1", actor: "town", at: T(100), action: { type: "file" } }]);
  assert.equal(bulk.errors[0].code, "ticket.illegal_transition");
  assert.equal(bulk.errors[0].row, 1, "rows are numbered from 1");
  // A row that cannot be read is refused on its own; the batch goes on.
  const rows = l.applyMany([
    { ticket: "XHCT-1", actor: "zx", at: "yesterday", action: { type: "reopen" } },
    { ticket: "XHCT-1", actor: "zx", action: { type: "reopen" } },
    { ticket: "XHCT-1", actor: "zx", at: T(101), action: { type: "reopen", foo: 1 } },
    42,
    { ticket: "XHCT-1", actor: "town", at: T(102), action: { type: "file" } },
  ]);
  assert.deepEqual(rows.states, [null, null, null, null, "closed"]);
  assert.deepEqual(rows.errors.map((e) => [e.row, e.code]), [
    [1, "input.malformed"], [2, "input.malformed"], [3, "input.malformed"], [4, "input.malformed"],
    [5, "ticket.illegal_transition"]]);
  assert.match(rows.errors[0].message, /yesterday/);
  assert.equal(l.check("XHCT-1", "zx", T(100), { type: "reopen" }), "in_progress");
});

test("typed bulk entry points", () => {
  const h = leakHierarchy();
  const l = new w.Ledger(h, undefined);
  const g1 = h.keyOf("g1"), hh = h.keyOf("hh"), zx = h.keyOf("zx");
  const t0 = Date.parse("2025-03-03T09:00:00+08:00");
  const ids = ["A", "B"];
  // Room is reserved ahead; more than a ledger can hold throws a typed error and changes nothing.
  l.reserve(2);
  assert.throws(() => l.reserve(2 ** 32 - 1), (e) => e.code === "ticket.capacity_exceeded" && /4294967295 more/.test(e.message));
  assert.equal(l.size, 0);
  assert.deepEqual(l.reportCoded(ids, "livelihood.repair", new Uint32Array([g1, g1]), new Uint32Array([g1, g1]), new Float64Array([t0, t0])), []);
  // Refused reports come back with their position and error, as in Python (not as a count).
  const again = l.reportCoded(["A", "C"], "livelihood.repair", new Uint32Array([g1, 999999]), new Uint32Array([g1, g1]), new Float64Array([t0, t0]));
  assert.deepEqual(again.map((e) => [e.row, e.code]), [[1, "ticket.duplicate_ticket"], [2, "ticket.unknown_unit"]]);
  const keys = new Uint32Array(ids.map((i) => l.ticketKey(i)));
  const n = 6, tickets = new Uint32Array(12), actors = new Uint32Array(12), at = new Float64Array(12), codes = new Uint8Array(12), args = new Uint32Array(12);
  // The centre files, dispatches, verifies and visits; the grid signs for and handles.
  const plan = [[0, zx, 0], [1, zx, g1], [2, g1, 0], [3, g1, 0], [4, zx, 0], [5, zx, 0]];
  for (let t = 0; t < 2; t++) for (let i = 0; i < n; i++) {
    const j = t * n + i; tickets[j] = keys[t]; actors[j] = plan[i][1]; at[j] = t0 + (i + 1) * 60000; codes[j] = plan[i][0]; args[j] = plan[i][2];
  }
  codes[11] = 2; // a refused item: acknowledge a verified ticket
  const states = l.applyCoded(tickets, actors, at, codes, args);
  assert.equal(states[5], 7, "closed");
  assert.equal(states[11] & 0x80, 0x80, "refused items are flagged");
  assert.equal(l.get("B").state, "verified");
  expectWangge(() => l.applyCoded(tickets, actors, at, codes, new Uint32Array(1)), "input.malformed");
  // An unknown code refuses its item, not the batch.
  const coded = l.applyCoded(keys.slice(0, 1), new Uint32Array([hh]), new Float64Array([t0 + 3600e3]), new Uint8Array([99]), new Uint32Array(1));
  assert.equal(coded[0] & 0x80, 0x80);
});

test("calendar: 2025 schedule, Civil Code periods", () => {
  const c = w.Calendar.standard().withExceptionsText(cn2025);
  assert.equal(c.addWorkingMinutes("2025-01-24T16:00:00+08:00", 120), "2025-01-26T09:00:00+08:00");
  assert.equal(c.addWorkingDays("2025-09-26T09:00:00+08:00", 15), "2025-10-23T17:30:00+08:00");
  assert.equal(c.workingMinutesBetween("2025-09-30T12:00:00+08:00", "2025-10-09T09:30:00+08:00"), 270);
  assert.equal(c.periodEndDate("2025-09-26", 5), "2025-10-09");
  assert.equal(c.isWorkingDay("2025-02-08"), true);
  assert.equal(c.isWorkingTime("2025-10-01T10:00:00+08:00"), false);
  assert.equal(new w.Calendar(c.toDocument()).addWorkingDays("2025-01-24T10:00:00+08:00", 3), "2025-02-05T17:30:00+08:00");
  expectWangge(() => c.addWorkingMinutes("2025-01-24T16:00:00", 1), "time.invalid_instant");
  expectWangge(() => w.Calendar.standard().withExceptionsText("2025-13-01 holiday"), "calendar.invalid_line");
  expectWangge(() => new w.Calendar({ format: "wangge.calendar", version: 1, week: {} }), "calendar.no_working_time");
  const many = c.addWorkingSecondsMany(new Float64Array([Date.parse("2025-01-24T16:00:00+08:00")]), 7200);
  assert.equal(many[0], Date.parse("2025-01-26T09:00:00+08:00"));
});

test("service levels, escalation engine, what-if", () => {
  const h = leakHierarchy();
  const l = new w.Ledger(h, undefined);
  const cal = w.Calendar.standard().withExceptionsText(cn2025);
  const policy = { name: "test", rules: [{ name: "all", targets: { acknowledge: { workingMinutes: 30 }, handle: { workingHours: 2 } } }] };
  assert.equal(l.setServiceLevels(policy, cal, T(0)), 0);
  l.report({ id: "T1", category: "livelihood.repair", unit: "b3" }, "w1", T(0));
  l.apply("T1", "zx", T(5), { type: "file" });
  l.apply("T1", "zx", T(10), { type: "dispatch", to: "g1" });
  assert.equal(l.deadline("T1", "handle"), "2025-03-03T11:10:00+08:00");
  const esc = new w.EscalationPolicy({ name: "e", top: "district", rules: [
    { name: "late", when: { type: "deadline_missed", deadline: "handle" }, then: [{ type: "escalate" }, { type: "supervise" }] },
    { name: "refusal", when: { type: "refusal" }, then: [{ type: "whistle", signWithin: { hours: 1 }, reportWithin: { workingDays: 3 } }] }] });
  const d = esc.evaluate(l, T(200), cal);
  const acts = d.toArray().filter((x) => x.trigger !== "recheck").map((x) => x.effect.type === "act" ? x.effect.action.type : "notify");
  assert.deepEqual(acts, ["escalate", "supervise", "rule_fired"]);
  const applied = esc.apply(l, d, T(200));
  assert.ok(applied.every((a) => a.state !== undefined), JSON.stringify(applied));
  assert.equal(l.get("T1").holder, "hh");
  assert.equal(esc.evaluate(l, T(200), cal).length, 0, "idempotent");
  const swept = esc.sweep(l, T(600), cal);
  assert.ok(swept.length > 0 && swept.toArray().length === swept.length);
  const standard = w.EscalationPolicy.standard().toDocument();
  assert.equal(standard.top, "district");
  const gd = w.servicePolicyGuangdong12345();
  assert.equal(gd.rules.length, 5);
  assert.equal(w.servicePolicyBeijing().rules[0].targets.handle.hours, 2);
  const shorter = w.scaleServicePolicy(policy, 50);
  const what = esc.whatIf(l, policy, cal, esc, shorter, T(60 * 24 * 7));
  assert.equal(what.totals.tickets, 1);
  expectWangge(() => new w.EscalationPolicy({ name: "x", rules: [{ name: "", when: { type: "refusal" }, then: [{ type: "remind" }] }] }), "policy.invalid_rule");
  expectWangge(() => new w.EscalationPolicy({ name: "x", rules: [{ name: "a", when: { type: "bogus" }, then: [] }] }), "policy.malformed");
});

test("consultation: the elevator vote per building unit, with explanations", () => {
  const h = new w.Hierarchy();
  h.add("sjxc", "compound", "世纪新城小区"); h.add("b5", "building", "5幢"); h.contain("sjxc", "b5");
  const owners = [], units = [];
  for (const entrance of ["1", "2"]) for (let floor = 1; floor <= 6; floor++) for (const door of [1, 2]) {
    const id = `5-${entrance}-${floor}0${door}`;
    owners.push({ id: `o-${id}` });
    units.push({ id, building: "b5", buildingUnit: entrance, area: "89.57", owner: `o-${id}` });
  }
  const roll = new w.OwnerRoll({ format: "wangge.consultation.owner_roll", version: 1, owners, units });
  const open = (entrance) => new w.Vote(roll.electorate(h, { building_unit: { building: "b5", unit: entrance } }), {
    id: `v-${entrance}`, agenda: "加装电梯", rule: { preset: "elevator_installation", units: [`5-${entrance}-101`] },
    opensAt: "2025-05-01T09:00:00+08:00", closesAt: "2025-05-31T18:00:00+08:00" });
  // Unit 1: everyone agrees but the ground-floor owner whose flat the shaft lands on.
  const v1 = open("1");
  for (const u of units.filter((x) => x.buildingUnit === "1")) v1.cast(u.owner, u.id === "5-1-101" ? "oppose" : "agree", "2025-05-02T10:00:00+08:00");
  v1.close("2025-05-31T18:00:00+08:00");
  const o1 = v1.outcome();
  assert.equal(o1.passed, false);
  assert.match(o1.explanation.en, /5-1-101|consent/i);
  // Unit 2: 9 of 12 agree (exactly three quarters of those voting), all 12 vote.
  const v2 = open("2");
  units.filter((x) => x.buildingUnit === "2").forEach((u, i) => v2.cast(u.owner, i < 9 ? "agree" : "oppose", "2025-05-02T10:00:00+08:00"));
  assert.equal(v2.passes(), true);
  assert.equal(v2.tally().agree.headcount, 9);
  expectWangge(() => v2.cast("o-5-2-101", "agree", "2025-05-03T10:00:00+08:00"), "consultation.duplicate_ballot");
  expectWangge(() => v2.cast("o-5-1-101", "agree", "2025-05-03T10:00:00+08:00"), "consultation.voter_not_in_scope");
  v2.close("2025-05-31T18:00:00+08:00");
  expectWangge(() => v2.cast("o-5-2-102", "agree", "2025-06-03T10:00:00+08:00"), "consultation.vote_closed");
  // Typed arrays: the core's choice table (0 agree, 1 oppose, 2 abstain), as in Python.
  const e2 = roll.electorate(h, { building_unit: { building: "b5", unit: "2" } });
  const rule = new w.Rule({ preset: "civil_code_278_ordinary" });
  const everyone = Uint32Array.from({ length: e2.size }, (_, i) => i);
  assert.equal(e2.passesCoded(rule, everyone, new Uint8Array(e2.size).fill(0)), true);
  assert.equal(e2.passesCoded(rule, everyone, new Uint8Array(e2.size).fill(2)), false);
  const code = expectWangge(() => e2.passesCoded(rule, everyone, new Uint8Array(e2.size).fill(7)), "consultation.unknown_choice_code");
  assert.equal(code.details.code, 7);
  expectWangge(() => e2.passesCoded(rule, new Uint32Array([999]), new Uint8Array([0])), "consultation.unknown_voter_position");
  expectWangge(() => e2.passesCoded(rule, everyone, new Uint8Array(0)), "consultation.malformed");
  assert.equal(w.ruleDocument({ preset: "civil_code_278_ordinary" }).id, "civil_code_278_ordinary");
  expectWangge(() => new w.OwnerRoll({ format: "wangge.consultation.owner_roll", version: 1, owners: [], units: [{ id: "u", building: "b5", area: "-1", owner: "x" }] }));
});

test("metrics, rankings, thresholds, forums, Open311", () => {
  const h = leakHierarchy();
  const l = new w.Ledger(h, undefined);
  l.report({ id: "A", category: "livelihood.repair", unit: "b3" }, "w1", T(0));
  l.report({ id: "B", category: "livelihood.repair", unit: "g2" }, "w2", T(0));
  l.apply("A", "zx", T(1), { type: "file" });
  const cal = w.Calendar.standard();
  const m = w.Metrics.compute(l, cal, { groupBy: { level: "grid" }, periodBy: "month" });
  const r = m.report();
  assert.deepEqual(r.rows.map((x) => [x.group, x.period, x.counts.received, x.counts.filed]), [["g1", "2025-03", 1, 1], ["g2", "2025-03", 1, 0]]);
  assert.equal(r.rows[0].rates.closing.value, null);
  assert.deepEqual(m.rank("filed", "2025-03", false).map((x) => [x.rank, x.group]), [[1, "g1"], [2, "g2"]]);
  assert.deepEqual(m.check([{ metric: "received", atMost: { num: 0, den: 1 } }]).length, 2);
  assert.equal(w.computeMetrics(l, cal, undefined).rows[0].counts.received, 2);
  const forums = new w.ForumRecords({ format: "wangge.consultation.forum_records", version: 1,
    forums: [{ id: "f", name: "周末议事厅", kind: "weekend_deliberation_hall" }],
    sessions: [{ id: "s1", forum: "f", date: "2025-03-08", convener: "社区党委", participants: 12,
      agenda: [{ issue: "i1", title: "景观桥", decisions: [{ text: "换大理石", ticket: "A", solved: true }] }] }] });
  assert.deepEqual(forums.stats(), { sessions: 1, consultations: 1, problemsSolved: 1, participants: 12 });
  assert.equal(w.Metrics.computeWithForums(l, cal, undefined, forums).report().forums.total.sessions, 1);
  assert.equal(forums.stats().sessions, 1, "the forum handle is still usable");
  const res = forums.resolveTickets(l, "w1", T(60));
  assert.equal(res[0].error, "ticket.illegal_transition");
  const requests = w.open311Requests(l);
  assert.equal(requests[0].service_code, "livelihood.repair");
  const fresh = new w.Ledger(h, undefined);
  const imp = w.open311Import(fresh, requests);
  assert.deepEqual(imp.tickets, ["A", "B"]);
  assert.ok(w.open311Services(l).some((s) => s.service_code === "livelihood.parking"));
});

test("handles can be freed; a freed handle throws instead of crashing", () => {
  const h = new w.Hierarchy();
  h.add("g", "grid", "g");
  h.free();
  assert.throws(() => h.size, /null pointer|destroyed|moved/i);
});

test("malformed input of every kind gives a WanggeError, never a crash", () => {
  const h = leakHierarchy();
  const l = new w.Ledger(h, undefined);
  const cal = w.Calendar.standard();
  const bad = [null, undefined, 42, "", "{", "[]", {}, [], { type: "nope" }, { id: 1 }, "not json", { format: "x" }];
  const calls = [
    (x) => w.Hierarchy.fromJson(x), (x) => h.addNode(x), (x) => h.connect(x), (x) => h.importDivisionCodes(x),
    (x) => l.report(x, "g1", T(0)), (x) => l.apply("A", "g1", T(0), x), (x) => l.applyMany(x),
    (x) => new w.Ledger(h, x === undefined ? "{" : x), (x) => new w.Calendar(x), (x) => new w.EscalationPolicy(x),
    (x) => new w.OwnerRoll(x), (x) => new w.ForumRecords(x), (x) => w.computeMetrics(l, cal, x ?? "{"),
    (x) => w.ruleDocument(x), (x) => w.open311Import(l, x), (x) => l.setServiceLevels(x ?? "{", cal, T(0)),
    (x) => w.Ledger.fromJsonl(h, typeof x === "string" ? x + "\n" : "{}\n", undefined),
    (x) => l.apply("A", "g1", typeof x === "string" ? x : "2025-13-45", { type: "file" }),
  ];
  let thrown = 0;
  for (const call of calls) for (const x of bad) {
    try { call(x); } catch (e) {
      thrown++;
      assert.ok(e instanceof Error, `${call} ${JSON.stringify(x)}: ${e}`);
      assert.equal(e.name, "WanggeError", `${call} ${JSON.stringify(x)}: ${e.name} ${e.message}`);
      assert.equal(typeof e.code, "string");
    }
  }
  assert.ok(thrown > 150, `${thrown} refusals`);
  // The module still works afterwards.
  assert.equal(h.chain("b3").length, 7);
});

test("authority: presets and documents, who may act, refusals, trusted history", () => {
  const a = w.Authority.preset("gbt30428");
  assert.equal(a.name, "gbt30428");
  assert.equal(a.migration, false);
  assert.deepEqual(w.Authority.presets(), ["gbt30428", "hotline12345", "legacy_permissive"]);
  assert.deepEqual(a.roles("file"), ["supervisor"]);
  assert.deepEqual(a.conflicts("verify"), ["handler"]);
  const doc = a.toDocument();
  assert.equal(doc.format, "wangge.authority");
  assert.equal(new w.Authority(doc).toJson(), a.toJson());
  assert.equal(new w.Authority(a.toJson()).name, "gbt30428");
  expectWangge(() => new w.Authority("lax"), "authority.unknown_preset");
  const unsafe = expectWangge(() => new w.Authority({ ...doc, allow: { ...doc.allow, set_deadline: ["holder"] } }), "authority.unsafe");
  assert.equal(unsafe.action, "set_deadline");

  const h = leakHierarchy();
  h.add("far", "department", "外区部门");
  const l = new w.Ledger(h, undefined, undefined);
  assert.equal(l.authority.name, "gbt30428");
  l.report({ id: "T1", category: "livelihood.repair", unit: "b3" }, "w1", T(0));
  assert.equal(l.can("T1", "w1", T(1), { type: "file" }), false);
  const why = l.whyNot("T1", "w1", T(1), { type: "file" });
  assert.equal(why.rule, "allow.file");
  assert.match(why.zh, /立案只能由监督中心进行/);
  assert.equal(l.whyNot("T1", "zx", T(1), { type: "file" }), undefined);
  assert.deepEqual(l.whoCan("T1", T(1), { type: "file" }), ["zx", "zx1"]);
  const e = expectWangge(() => l.apply("T1", "w1", T(1), { type: "file" }), "ticket.unauthorized");
  assert.deepEqual(e.allowed, ["supervisor"]);
  l.apply("T1", "zx", T(1), { type: "file" });
  const out = expectWangge(() => l.apply("T1", "zx", T(2), { type: "dispatch", to: "far" }), "ticket.out_of_jurisdiction");
  assert.equal(out.target, "far");
  l.apply("T1", "zx", T(2), { type: "dispatch", to: "g1" });
  l.apply("T1", "w1", T(3), { type: "acknowledge" });
  l.apply("T1", "w1", T(4), { type: "handle", outcome: "修好" });
  const before = l.toJsonl();
  const sod = expectWangge(() => l.apply("T1", "w1", T(5), { type: "verify", passed: true }), "ticket.separation_of_duty");
  assert.equal(sod.conflict, "handler");
  assert.equal(l.toJsonl(), before, "a refused action changes nothing");

  // A history recorded under the permissive rule: refused unless trusted or replayed under it.
  const legacy = new w.Ledger(h, undefined, "legacy_permissive");
  legacy.report({ id: "L1", category: "livelihood.repair", unit: "b3" }, "hh", T(0));
  legacy.apply("L1", "hh", T(1), { type: "file" });
  const log = legacy.toJsonl();
  expectWangge(() => w.Ledger.fromJsonl(h, log, undefined, undefined), "log.replay_refused");
  assert.equal(w.Ledger.fromJsonl(h, log, undefined, { trusted: true }).get("L1").state, "filed");
  assert.equal(w.Ledger.fromJsonl(h, log, undefined, { authority: "legacy_permissive" }).authority.name, "legacy_permissive");
  expectWangge(() => w.Ledger.fromJsonl(h, log, undefined, { trusted: "yes" }), "input.malformed");
  const rows = [{ ticket: "R1", at: T(0), actor: "w1", type: "report", category: "livelihood.repair", unit: "b3" },
    { ticket: "R1", at: T(1), actor: "w1", type: "file" }, { ticket: "R1", at: T(1), actor: "zx", type: "file" }];
  const fresh = new w.Ledger(h, undefined, undefined);
  const bad = fresh.loadRows(rows, undefined);
  assert.deepEqual(bad.map((r) => [r.row, r.code]), [[2, "ticket.unauthorized"]]);
  assert.equal(fresh.get("R1").state, "filed");
  assert.deepEqual(new w.Ledger(h, undefined, undefined).loadRows(rows.slice(0, 2), { trusted: true }), []);
  assert.deepEqual(h.supervisingCentres("b3").map((n) => n.id), ["zx"]);
  expectWangge(() => h.add("@system", "department", "冒充"), "hierarchy.reserved_id");
});

test("the same API as Python: properties, queries and documents", () => {
  const h = new w.Hierarchy();
  h.add("s", "street", "街道"); h.add("g", "grid", "网格"); h.contain("s", "g");
  assert.deepEqual(h.roots().map((n) => n.id), ["s"]);
  const l = new w.Ledger(h);
  // Properties, as in Python (`ledger.hierarchy`, `ledger.authority`, `ledger.event_count`).
  assert.equal(l.hierarchy.size, 2);
  assert.equal(l.authority.name, "gbt30428");
  l.report({ id: "T1", category: "livelihood.repair", unit: "g" }, "g", "2025-03-03T09:00:00+08:00");
  assert.equal(l.eventCount, 1);
  assert.equal(l.has("T1"), true);
  assert.equal(l.has("T2"), false);
  assert.equal(l.state("T1"), "reported");
  assert.throws(() => l.state("T2"), (e) => e.code === "ticket.unknown_ticket" && e.ticket === "T2");
  assert.equal(l.reportedAt("T1"), "2025-03-03T09:00:00+08:00");
  assert.deepEqual(l.reportedBetween("2025-03-03T00:00:00+08:00", "2025-03-04T00:00:00+08:00"), ["T1"]);
  assert.deepEqual(l.reportedBetween("2025-03-04T00:00:00+08:00", "2025-03-05T00:00:00+08:00"), []);
  assert.deepEqual(l.needingAttention(), []);
  assert.equal(l.serviceLevels(), undefined);
  l.setServiceLevels(w.servicePolicyGuangdong12345(), w.Calendar.standard(), "2025-03-01T00:00:00+08:00");
  assert.equal(l.serviceLevels().policy.name, w.servicePolicyGuangdong12345().name);
  assert.equal(l.serviceLevels().calendar.format, "wangge.calendar");
  assert.deepEqual(w.servicePolicyDocument(JSON.stringify(w.servicePolicyBeijing())), w.servicePolicyBeijing());
  const before = l.eventCount;
  const copy = l.clone();
  copy.apply("T1", "@system", "2025-03-03T10:00:00+08:00", { type: "remind", deadline: "handle" });
  assert.ok(copy.eventCount > before);
  assert.equal(l.eventCount, before, "a clone is independent");
  // Documents: toJson and toDocument agree for every document class.
  for (const d of [h, w.Calendar.standard(), w.EscalationPolicy.standard(), l.authority, new w.Rule({ preset: "residents_meeting" })]) {
    assert.deepEqual(JSON.parse(d.toJson()), d.toDocument());
  }
  // The vote's properties, as in Python.
  const e = w.Electorate.members([{ id: "a" }, { id: "b" }]);
  const v = new w.Vote(e, { id: "v1", agenda: "议题", rule: { preset: "consensus_of_attendees", basis: "persons" },
    opensAt: "2025-03-03T09:00:00+08:00", closesAt: "2025-03-04T09:00:00+08:00" });
  assert.equal(v.id, "v1");
  assert.equal(v.agenda, "议题");
  assert.equal(v.rule.toDocument().id, w.ruleDocument({ preset: "consensus_of_attendees", basis: "persons" }).id);
  assert.deepEqual(v.electorate.totals(), e.totals());
  // Metrics built like Python's Metrics(ledger, calendar, options).
  assert.deepEqual(new w.Metrics(l, w.Calendar.standard(), { periodBy: "month" }).report(),
    w.computeMetrics(l, w.Calendar.standard(), { periodBy: "month" }));
  // A residents' roll gives back its parts.
  const r = new w.ResidentRoll({ households: [{ id: "h1", representative: "r1" }],
    residents: [{ id: "r1", household: "h1", birthDate: "1980-01-01" }] });
  assert.deepEqual(r.households().map((x) => x.id), ["h1"]);
  assert.deepEqual(r.residents().map((x) => x.id), ["r1"]);
  assert.deepEqual(r.groups(), []);
});

test("castMany casts each ballot on its own and reports the refused ones by row (from 1)", () => {
  const e = w.Electorate.members([{ id: "a" }, { id: "b" }, { id: "c" }]);
  const v = new w.Vote(e, { id: "v1", agenda: "议题", rule: { preset: "consensus_of_attendees", basis: "persons" },
    opensAt: "2025-03-03T09:00:00+08:00", closesAt: "2025-03-04T09:00:00+08:00" });
  v.registerProxy("c", "zhang");
  const at = "2025-03-03T10:00:00+08:00";
  const bad = v.castMany([
    { voter: "a", choice: "agree", at },
    { voter: "a", choice: "oppose", at },
    { voter: "b", choice: "maybe", at },
    { voter: "b", choice: "agree", at: "2025-13-01T00:00:00+08:00" },
    { voter: "c", choice: "oppose", at, proxy: "zhang" },
    { voter: "stranger", choice: "agree", at },
  ]);
  assert.deepEqual(bad.map((x) => [x.row, x.code]), [
    [2, "consultation.duplicate_ballot"], [3, "input.malformed"], [4, "time.invalid_instant"],
    [6, "consultation.unknown_voter"],
  ]);
  assert.equal(bad[0].voter, "a", "each refusal carries its details");
  assert.deepEqual(v.tally(), (() => {
    const one = new w.Vote(e, { id: "v1", agenda: "议题", rule: { preset: "consensus_of_attendees", basis: "persons" },
      opensAt: "2025-03-03T09:00:00+08:00", closesAt: "2025-03-04T09:00:00+08:00" });
    one.registerProxy("c", "zhang");
    one.cast("a", "agree", at);
    one.castByProxy("zhang", "c", "oppose", at);
    return one.tally();
  })(), "the accepted rows count as if cast one by one");
});

test("a residents' roll is a document, read as in Python", () => {
  const doc = { households: [{ id: "h1", representative: "li" }], residents: [{ id: "li", household: "h1", birthDate: "1960-05-01" }] };
  const r = new w.ResidentRoll(doc);
  const out = r.toDocument();
  assert.equal(out.format, "wangge.consultation.resident_roll");
  assert.equal(out.version, 1);
  assert.deepEqual(new w.ResidentRoll(r.toJson()).toDocument(), out);
  assert.throws(() => new w.ResidentRoll({ ...out, version: 2 }), (e) => e.code === "consultation.unsupported_format");
});

test("calendars know their years: 2026 shipped, beyond coverage refused unless opted in", () => {
  const china = w.Calendar.china();
  assert.deepEqual(Array.from(china.covers), [2025, 2026]);
  assert.equal(china.beyondCoverage, "refuse");
  // 1–3 Jan 2026 are holidays; Sunday 4 Jan is a make-up working day.
  assert.equal(china.addWorkingMinutes("2025-12-31T16:00:00+08:00", 120), "2026-01-04T09:00:00+08:00");
  assert.equal(china.isWorkingDay("2026-02-14"), true);
  assert.throws(() => china.addWorkingMinutes(new Date("2026-12-31T08:00:00Z"), 120),
    (e) => e.code === "calendar.beyond_coverage" && /2027-01-01/.test(e.message));
  const lenient = china.withBeyondCoverage("ordinary_weeks");
  assert.equal(lenient.beyondCoverage, "ordinary_weeks");
  assert.equal(lenient.addWorkingMinutes("2026-12-31T16:00:00+08:00", 120), "2027-01-01T09:00:00+08:00");
  assert.throws(() => china.withBeyondCoverage("sometimes"), (e) => e.code === "input.malformed");
  assert.throws(() => china.addWorkingMinutes("2025-03-03T09:00:00+08:00", -1), (e) => e.code === "calendar.invalid_amount");
  assert.throws(() => china.addWorkingMinutes("2025-03-03T09:00:00+08:00", 2 ** 62), (e) => e.code === "calendar.out_of_range");
  const next = china.withExceptionsText("covers 2027\n2027-01-01 holiday 元旦\n");
  assert.deepEqual(Array.from(next.covers), [2025, 2026, 2027]);
});
