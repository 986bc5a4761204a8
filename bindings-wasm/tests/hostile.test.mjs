// Hostile values at every public entry point of the package: each call either returns or
// throws a typed error (a `WanggeError` with a code, or a JS `TypeError`/`RangeError` from the
// glue), never a WebAssembly trap; and the module keeps working afterwards.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const w = require("../pkg/wangge.cjs");

let seed = 0x2545f491;
const rand = (n) => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) % n; };

const cyclic = {}; cyclic.self = cyclic;
const deep = (() => { let v = 0; for (let i = 0; i < 10_000; i++) v = [v]; return v; })();
const HOSTILE = [
  undefined, null, true, 0, -1, 1.5, NaN, Infinity, -Infinity, 2 ** 32, 2 ** 53, -(2 ** 31),
  5n, "", "x", "g1", "2025-03-03T09:00:00+08:00", "🙂".repeat(3), new Date(0), new Date(NaN),
  {}, [], [1, 2], ["a"], { type: "file" }, cyclic, deep, () => 1, Symbol("s"),
  new Uint32Array([1, 2]), new Uint8Array([9]), new Float64Array([NaN]), new Map(), new Set([1]),
];
const pick = () => HOSTILE[rand(HOSTILE.length)];

function sampleSubjects() {
  const h = new w.Hierarchy();
  h.add("c", "community", "c"); h.add("g1", "grid", "g1"); h.contain("c", "g1");
  const ledger = new w.Ledger(h);
  ledger.report({ id: "T1", category: "livelihood.repair", unit: "g1" }, "g1", "2025-03-03T09:00:00+08:00");
  const members = w.Electorate.members([{ id: "a" }, { id: "b" }]);
  const vote = new w.Vote(members, { id: "v", agenda: "议题", rule: { preset: "consensus_of_attendees", basis: "persons" },
    opensAt: "2025-03-03T09:00:00+08:00", closesAt: "2025-03-04T09:00:00+08:00" });
  return [h, ledger, w.Calendar.standard(), w.EscalationPolicy.standard(), members, vote,
    new w.Rule({ preset: "residents_meeting" }), ledger.authority];
}

function healthy() {
  const h = new w.Hierarchy();
  h.add("z", "grid", "z");
  assert.equal(h.len ?? h.size ?? 1, h.len ?? h.size ?? 1);
  assert.ok(w.Calendar.standard().isWorkingDay("2025-03-03"));
}

function check(label, fn) {
  try {
    fn();
  } catch (e) {
    assert.ok(!(e instanceof WebAssembly.RuntimeError), `${label}: the module trapped: ${e}`);
    assert.ok(e instanceof Error, `${label}: threw a non-error ${String(e)}`);
    if (e.name === "WanggeError") assert.equal(typeof e.code, "string", `${label}: a WanggeError without a code`);
  }
}

const methodsOf = (proto) => Object.getOwnPropertyNames(proto).filter((m) => {
  if (m === "constructor" || m === "free" || m.startsWith("__")) return false;
  const d = Object.getOwnPropertyDescriptor(proto, m);
  return typeof d.value === "function";
});

test("every method, static function and top-level function survives hostile arguments", (t) => {
  let calls = 0;
  const subjects = sampleSubjects();
  for (const subject of subjects) {
    const proto = Object.getPrototypeOf(subject);
    for (const m of methodsOf(proto)) {
      for (let round = 0; round < 12; round++) {
        const args = Array.from({ length: Math.max(proto[m].length, 1) }, pick);
        check(`${proto.constructor.name}.${m}`, () => subject[m](...args));
        calls++;
      }
      healthy();
    }
  }
  for (const [name, value] of Object.entries(w)) {
    if (typeof value !== "function") continue;
    const statics = value.prototype ? Object.getOwnPropertyNames(value).filter((k) =>
      typeof value[k] === "function" && !["length", "name", "prototype"].includes(k)) : [];
    for (const s of statics) {
      for (let round = 0; round < 8; round++) {
        const args = Array.from({ length: Math.max(value[s].length, 1) }, pick);
        check(`${name}.${s}`, () => value[s](...args));
        calls++;
      }
    }
    for (let round = 0; round < 8; round++) {
      const args = Array.from({ length: Math.max(value.length, 1) }, pick);
      check(name, () => (value.prototype && /^[A-Z]/.test(name) ? new value(...args) : value(...args)));
      calls++;
    }
    healthy();
  }
  assert.ok(calls >= 300, `only ${calls} hostile calls`);
  t.diagnostic(`${calls} hostile calls, no trap`);
});

test("a non-string where a string is expected is a typed error, not a trap", () => {
  const h = new w.Hierarchy();
  for (const bad of [5, new Date(), {}, null, undefined, [1]]) {
    assert.throws(() => h.add(bad, "grid", "x"), (e) => e.name === "WanggeError" && e.code === "input.malformed"
      && /expected a string/.test(e.message));
  }
  assert.throws(() => w.Ledger.fromJsonl(h, 42), (e) => e.code === "input.malformed");
  assert.throws(() => h.chainsOf({ length: 3 }), (e) => e.code === "input.malformed" && /Uint32Array/.test(e.message));
  // The module is intact: the same hierarchy takes a good call.
  h.add("g", "grid", "g");
  assert.equal(h.keyOf("g") >= 0, true);
});

test("an instant may be RFC 3339 text (with a fraction), a Date or epoch milliseconds", () => {
  const c = w.Calendar.standard();
  const nine = "2025-03-03T09:00:00+08:00";
  for (const v of [nine, "2025-03-03T09:00:00.999+08:00", "2025-03-03T01:00:00.5Z", new Date("2025-03-03T01:00:00.750Z"),
    Date.parse("2025-03-03T01:00:00Z"), Date.parse("2025-03-03T01:00:00Z") + 999]) {
    assert.equal(c.nextWorkingInstant(v), nine, String(v));
  }
  for (const bad of [NaN, Infinity, -Infinity, new Date(NaN), 1e300, {}, null, undefined, true, [nine]]) {
    assert.throws(() => c.nextWorkingInstant(bad), (e) => e.name === "WanggeError" && e.code === "time.invalid_instant", String(bad));
  }
  // Through the ledger too: a Date where web code has one.
  const h = new w.Hierarchy(); h.add("g1", "grid", "g1");
  const l = new w.Ledger(h);
  l.report({ id: "T1", category: "livelihood.repair", unit: "g1" }, "g1", new Date("2025-03-03T01:00:00Z"));
  assert.equal(l.get("T1").reportedAt, nine);
});

test("numbers are whole and in range, or a typed error: never wrapped, never NaN as 0", () => {
  const c = w.Calendar.standard();
  const at = "2025-03-03T09:00:00+08:00";
  for (const bad of [-5, 1.5, NaN, Infinity, 2 ** 32]) {
    assert.throws(() => c.addWorkingDays(at, bad), (e) => e.code === "input.malformed" && e.message.includes(String(bad)), String(bad));
    assert.throws(() => c.periodDeadline(at, bad), (e) => e.code === "input.malformed", String(bad));
    assert.throws(() => w.scaleServicePolicy(w.servicePolicyDocument ? { name: "p", rules: [] } : {}, bad), (e) => e.code === "input.malformed", String(bad));
  }
  assert.equal(c.addWorkingDays(at, 0), c.addWorkingDays(at, 0));
  const h = new w.Hierarchy(); h.add("g", "grid", "g");
  assert.equal(h.idOf(h.keyOf("g")), "g");
  for (const bad of [NaN, -1, 0.5]) assert.throws(() => h.idOf(bad), (e) => e.code === "input.malformed", String(bad));
  const t = Date.parse(at);
  assert.deepEqual(Array.from(c.addWorkingSecondsMany(new Float64Array([t]), 0)), [t]);
  for (const bad of [-60, NaN, 0.5]) assert.throws(() => c.addWorkingSecondsMany(new Float64Array([t]), bad), (e) => e.code === "input.malformed", String(bad));
  assert.throws(() => c.addWorkingSecondsMany(new Float64Array([NaN]), 60), (e) => e.code === "time.invalid_instant");
});
