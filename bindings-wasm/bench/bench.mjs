// The four workloads through the JS API in Node, beside a hand-written plain-JS version (and,
// for the state machine, an xstate v5 machine) run in the same process, reported as ratios.
//   W1 routing 1M tickets up an 11,111-unit hierarchy
//   W2 1M tickets x 6 transitions
//   W3 30 sweeps over 1M open tickets (escalating the overdue ones)
//   W4 1,000 tallies of 4,000 ballots
// Usage: node bench/bench.mjs [--quick] [--web]   (--quick divides the sizes by 10; --web runs
// the browsers' module, wangge_bg.wasm, built for size, instead of Node's, built for speed)
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
const require = createRequire(import.meta.url);
const web = process.argv.includes("--web");
const w = web ? await import("../pkg/wangge.js") : require("../pkg/wangge.cjs");
if (web) w.initSync({ module: readFileSync(new URL("../pkg/wangge_bg.wasm", import.meta.url)) });
const { createMachine, createActor } = await import("xstate");

const quick = process.argv.includes("--quick");
const N = quick ? 100_000 : 1_000_000;
const now = () => performance.now();
function best(fn, runs = 3) {
  let t = Infinity, out;
  for (let i = 0; i < runs; i++) { const s = now(); out = fn(); t = Math.min(t, now() - s); }
  return [t, out];
}
let seed = 0x9e3779b9;
const rand = (n) => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) % n; };
const report = [];
const line = (name, ours, theirs, label) => {
  report.push({ workload: name, wangge_ms: +ours.toFixed(1), [label + "_ms"]: +theirs.toFixed(1), ratio: +(theirs / ours).toFixed(2) });
};

// ---- W1: routing ------------------------------------------------------------------------
const h = new w.Hierarchy();
const parent = []; const ids = []; const grids = [];
const addUnit = (id, kind, p) => { h.add(id, kind, id); if (p !== null) h.contain(ids[p], id); ids.push(id); parent.push(p ?? -1); return ids.length - 1; };
const city = addUnit("c", "city", null);
for (let d = 0; d < 10; d++) { const di = addUnit(`c.${d}`, "district", city);
  for (let s = 0; s < 10; s++) { const si = addUnit(`c.${d}.${s}`, "street", di);
    for (let m = 0; m < 10; m++) { const mi = addUnit(`c.${d}.${s}.${m}`, "community", si);
      for (let g = 0; g < 10; g++) grids.push(addUnit(`c.${d}.${s}.${m}.${g}`, "grid", mi)); } } }
// Each district's operations centre supervises and commands it (as in core/benches): it files,
// dispatches, verifies and calls back under the default authority (gbt30428).
const centreKey = [];
for (let d = 0; d < 10; d++) {
  h.add(`zx.${d}`, "operations_centre", `zx.${d}`); h.supervise(`zx.${d}`, `c.${d}`); h.command(`zx.${d}`, `c.${d}`);
  centreKey.push(h.keyOf(`zx.${d}`));
}
const centreOf = (unitIndex) => centreKey[Number(ids[unitIndex].split(".")[1])];
const keyOf = Uint32Array.from(ids.map((id) => h.keyOf(id)));
const pick = new Uint32Array(N); const pickIdx = new Uint32Array(N);
for (let i = 0; i < N; i++) { const g = grids[rand(grids.length)]; pick[i] = keyOf[g]; pickIdx[i] = g; }
const [tW, routed] = best(() => h.chainsOf(pick));
const parentArr = Int32Array.from(parent);
const [tJ] = best(() => {
  const out = new Uint32Array(N * 6); const ends = new Uint32Array(N); let k = 0;
  for (let i = 0; i < N; i++) { let u = pickIdx[i]; while (u >= 0) { out[k++] = u; u = parentArr[u]; } ends[i] = k; }
  return ends;
});
if (routed.ends[N - 1] !== N * 5) throw new Error("routing mismatch");
line("W1 routing (chainsOf, one call)", tW, tJ, "plain_js");

// ---- W2: 1M tickets x 6 transitions -------------------------------------------------------
const t0 = Date.parse("2025-03-03T09:00:00+08:00");
function freshLedger() {
  const l = new w.Ledger(h, undefined);
  const tids = Array.from({ length: N }, (_, i) => `T${i}`);
  const units = new Uint32Array(N); const at = new Float64Array(N).fill(t0);
  for (let i = 0; i < N; i++) units[i] = pick[i];
  l.reportCoded(tids, "livelihood.repair", units, units, at);
  return l;
}
const M = N * 6;
const tk = new Uint32Array(M), ac = new Uint32Array(M), tm = new Float64Array(M), cd = new Uint8Array(M), ar = new Uint32Array(M);
for (let i = 0; i < N; i++) {
  const grid = pick[i], centre = centreOf(pickIdx[i]);
  const plan = [[0, centre, 0], [1, centre, grid], [2, grid, 0], [3, grid, 0], [4, centre, 0], [5, centre, 0]];
  for (let j = 0; j < 6; j++) { const k = j * N + i; tk[k] = i; ac[k] = plan[j][1]; tm[k] = t0 + (j + 1) * 600_000; cd[k] = plan[j][0]; ar[k] = plan[j][2]; }
}
let tW2 = Infinity;
for (let r = 0; r < 2; r++) {
  const l = freshLedger();
  const s = now(); const states = l.applyCoded(tk, ac, tm, cd, ar); tW2 = Math.min(tW2, now() - s);
  if (states[M - 1] !== 7) throw new Error(`transition mismatch ${states[M - 1]}`);
  l.free();
}
const table = [[1, -1, 0], [2, 0, 1], [3, 1, 2], [4, 2, 3], [5, 3, 4], [6, 4, 5]]; // [to, code, from]
const [tJ2] = best(() => {
  const st = new Uint8Array(N);
  for (let k = 0; k < M; k++) { const i = tk[k], c = cd[k]; const e = table[c]; if (st[i] === e[2]) st[i] = e[0]; }
  return st;
});
line("W2 1M tickets x 6 transitions (applyCoded)", tW2, tJ2, "plain_js");
const machine = createMachine({ id: "ticket", initial: "reported", states: {
  reported: { on: { FILE: "filed" } }, filed: { on: { DISPATCH: "dispatched" } }, dispatched: { on: { ACK: "in_progress" } },
  in_progress: { on: { HANDLE: "handled" } }, handled: { on: { VERIFY: "verified" } }, verified: { on: { VISIT: "closed" } }, closed: {} } });
const X = quick ? 2_000 : 20_000;
const [tX] = best(() => {
  for (let i = 0; i < X; i++) {
    const a = createActor(machine).start();
    for (const type of ["FILE", "DISPATCH", "ACK", "HANDLE", "VERIFY", "VISIT"]) a.send({ type });
  }
}, 1);
const xPerTransition = tX / (X * 6), wPerTransition = tW2 / M;
report.push({ workload: "W2 vs xstate v5 (per transition)", wangge_ns: +(wPerTransition * 1e6).toFixed(1), xstate_ns: +(xPerTransition * 1e6).toFixed(1), ratio: +(xPerTransition / wPerTransition).toFixed(1) });

// ---- W3: 30 sweeps over 1M open tickets -----------------------------------------------------
const cal = new w.Calendar(readFileSync(new URL("../../examples/data/cn-2025.calendar.json", import.meta.url), "utf8"));
const policy = new w.EscalationPolicy({ name: "bench", top: "district", rules: [
  { name: "handle-overdue", when: { type: "deadline_missed", deadline: "handle" }, then: [{ type: "escalate" }] }] });
const l3 = freshLedger();
{
  const M3 = N * 3, k3 = new Uint32Array(M3), a3 = new Uint32Array(M3), t3 = new Float64Array(M3), c3 = new Uint8Array(M3), g3 = new Uint32Array(M3);
  for (let i = 0; i < N; i++) {
    const grid = pick[i], centre = centreOf(pickIdx[i]);
    const dueMin = Math.floor(t0 / 60000) + 60 + rand(30 * 24 * 60);
    [[0, centre, 0], [1, centre, grid], [11, 0xffffffff, dueMin]].forEach(([c, a, g], j) => {
      const k = j * N + i; k3[k] = i; a3[k] = a; t3[k] = t0 + (j + 1) * 1000; c3[k] = c; g3[k] = g; });
  }
  l3.applyCoded(k3, a3, t3, c3, g3);
  l3.setServiceLevels({ name: "renew", rules: [{ name: "all", targets: { handle: { workingDays: 5 } } }] }, cal, "2025-03-03T09:00:10+08:00");
}
const day = (d) => new Date(t0 + d * 86400e3 + 8 * 3600e3).toISOString().replace(".000Z", "+08:00");
let s3 = now(); let decisions = 0;
for (let d = 1; d <= 30; d++) { const ds = policy.sweep(l3, day(d), cal); decisions += ds.length; ds.free(); }
const tW3 = now() - s3;
const [tJ3] = best(() => {
  const due = new Float64Array(N), unit = new Int32Array(pickIdx);
  let r = 11; for (let i = 0; i < N; i++) { r ^= r << 13; r ^= r >>> 17; r ^= r << 5; due[i] = t0 + 3600e3 + ((r >>> 0) % (30 * 24 * 60)) * 60e3; }
  let esc = 0;
  for (let d = 1; d <= 30; d++) { const now = t0 + d * 86400e3;
    for (let i = 0; i < N; i++) if (due[i] <= now && parentArr[unit[i]] > 0) { unit[i] = parentArr[unit[i]]; due[i] = now + 5 * 86400e3; esc++; } }
  return esc;
}, 1);
line("W3 30 sweeps over 1M open tickets (sweep)", tW3, tJ3, "plain_js");

// ---- W4: 1,000 tallies of 4,000 ballots ------------------------------------------------------
const owners = [], units = [];
const E = 5000;
for (let i = 0; i < E; i++) { owners.push({ id: `o${i}` }); units.push({ id: `u${i}`, building: "c", area: (60 + (i % 90)).toFixed(2), owner: `o${i}` }); }
const roll = new w.OwnerRoll({ format: "wangge.consultation.owner_roll", version: 1, owners, units });
const e = roll.electorate(h, "whole_roll");
const rule = new w.Rule({ preset: "civil_code_278_ordinary" });
const B = 4000, voters = new Uint32Array(B), choices = new Uint8Array(B);
for (let i = 0; i < B; i++) { voters[i] = e.voterIndex(`o${i}`); choices[i] = i % 5 === 0 ? 1 : 0; }
const [tW4, passed] = best(() => { let p = 0; for (let r = 0; r < 1000; r++) p += e.passesCoded(rule, voters, choices) ? 1 : 0; return p; });
if (passed !== 1000) throw new Error("tally mismatch");
const area = Float64Array.from(units, (u) => Math.round(Number(u.area) * 100));
const [tJ4] = best(() => {
  let p = 0; let total = 0; for (let i = 0; i < E; i++) total += area[i];
  for (let r = 0; r < 1000; r++) {
    let pa = 0, pc = 0, aa = 0, ac = 0;
    for (let i = 0; i < B; i++) { const a = area[voters[i]]; pa += a; pc++; if (choices[i] === 0) { aa += a; ac++; } }
    if (3 * pa >= 2 * total && 3 * pc >= 2 * E && 2 * aa > pa && 2 * ac > pc) p++;
  }
  return p;
});
line("W4 1,000 tallies of 4,000 ballots (passesCoded)", tW4, tJ4, "plain_js");

console.log(`wangge WebAssembly benchmark (N = ${N.toLocaleString()}), Node ${process.version}, ${web ? "wangge_bg.wasm (browsers, built for size)" : "wangge_node.wasm (Node, built for speed)"}; ratio = other / wangge (>1: wangge faster)`);
console.table(report);
console.log(`W3: ${decisions} decisions over 30 sweeps`);
