// Real outputs through the declared types. Every method and function of the package is
// wrapped to record what it returns while the whole conformance corpus and a few hundred
// differential sequences run; the recorded values are then written into a TypeScript file
// as literals typed with the declared return types (`const x: ReturnType<Ledger["get"]> =
// {...}`) and compiled with `tsc --strict`. A declaration that does not match what the
// package really returns — a missing member, an extra one, a wrong literal — fails here.
// A corrupted copy of one fixture must fail to compile, so the check itself can fail.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const require = createRequire(import.meta.url);
const w = require("../pkg/wangge.cjs");
const here = path.dirname(fileURLToPath(import.meta.url));
const pkgRoot = path.resolve(here, "..");
const repo = path.resolve(pkgRoot, "..");
const targetDir = path.resolve(repo, process.env.CARGO_TARGET_DIR ?? "target");
const outDir = path.join(targetDir, "typed-outputs");

const PER_METHOD = 120; // distinct values kept per method
const recorded = new Map(); // "Class.method" or "fn" -> Map(json -> true)

function plain(v) {
  if (v === null || ["string", "number", "boolean"].includes(typeof v)) return true;
  if (Array.isArray(v)) return v.every(plain);
  if (typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) return Object.values(v).every(plain);
  return false;
}

function record(key, value) {
  if (value === undefined || !plain(value)) return;
  let seen = recorded.get(key);
  if (!seen) recorded.set(key, (seen = new Map()));
  if (seen.size < PER_METHOD) seen.set(JSON.stringify(value), true);
}

// Wrap every exported class's prototype methods (not getters) and every exported function.
for (const [name, value] of Object.entries(w)) {
  if (typeof value !== "function" || name === "initSync" || name === "default") continue;
  const proto = value.prototype;
  const methods = proto ? Object.getOwnPropertyNames(proto).filter((m) => m !== "constructor") : [];
  if (methods.length > 0 && /^[A-Z]/.test(name)) {
    for (const m of methods) {
      const d = Object.getOwnPropertyDescriptor(proto, m);
      if (typeof d.value !== "function" || m.startsWith("__") || m === "free") continue;
      const original = d.value;
      proto[m] = function (...args) {
        const out = original.apply(this, args);
        record(`${name}.${m}`, out);
        return out;
      };
    }
    for (const m of Object.getOwnPropertyNames(value)) {
      const d = Object.getOwnPropertyDescriptor(value, m);
      if (typeof d.value !== "function" || ["length", "name", "prototype"].includes(m) || m.startsWith("__")) continue;
      const original = d.value;
      value[m] = function (...args) {
        const out = original.apply(this, args);
        record(`${name}.${m}`, out);
        return out;
      };
    }
  } else if (/^[a-z]/.test(name)) {
    const original = value;
    w[name] = function (...args) {
      const out = original.apply(this, args);
      record(name, out);
      return out;
    };
  }
}

const { Session } = await import("./session.mjs");

function runOps(setup, ops) {
  const s = new Session(setup);
  for (const o of ops) {
    try { s.run(o); } catch { /* refusals are expected; only returned values are recorded */ }
  }
  // The documents and collections of the session's objects, whatever the case did.
  for (const f of [() => s.h.toDocument(), () => s.h.nodes(), () => s.h.edges(), () => s.ledger().tickets(),
    () => s.ledger().allEvents(), () => s.ledger().taxonomy(), () => s.calendar.toDocument(), () => s.policy.toDocument(),
    () => s.policy.evaluate(s.ledger(), "2025-06-01T09:00:00+08:00", s.calendar).toArray(),
    () => s.roll?.toDocument(), () => s.vote?.tally(), () => s.vote?.outcome(), () => s.electorate?.totals(),
    () => s.forums?.toDocument(), () => s.authority?.toDocument(), () => w.open311Requests?.(s.ledger()),
    () => w.open311Services?.(s.ledger()),
    // The entry points the corpus does not call with a result to keep.
    () => { const m = w.Metrics.compute(s.ledger(), s.calendar, { groupBy: { level: "grid" }, periodBy: "month" }); m.report();
      m.rank("received", m.report().rows[0]?.period ?? "all", false);
      m.check([{ metric: "closing_rate", atLeast: { num: 9, den: 10 } }, { metric: "received", atMost: { num: 1, den: 1 } }]); },
    () => s.policy.whatIf(s.ledger(), w.servicePolicyGuangdong12345(), s.calendar, w.EscalationPolicy.standard(),
      w.servicePolicyBeijing(), "2025-06-01T09:00:00+08:00"),
    () => s.ledger().applyMany(s.ledger().tickets().slice(0, 3).map((t) => ({ ticket: t.id, actor: "zx", at: "2025-06-01T09:00:00+08:00", action: { type: "supervise" } }))),
    () => s.policy.apply(s.ledger(), s.policy.evaluate(s.ledger(), "2025-06-02T09:00:00+08:00", s.calendar), "2025-06-02T09:00:00+08:00"),
    () => s.forums?.resolveTickets(s.ledger(), "zx", "2025-06-03T09:00:00+08:00"),
    () => s.h.chain(s.h.nodes()[0]?.id)]) {
    try { f(); } catch { /* not every session has every object */ }
  }
}

const root = new URL("../../", import.meta.url);
const corpusDir = new URL("tests/conformance/", root);
for (const file of readdirSync(corpusDir).filter((f) => f.endsWith(".json") && f !== "error-codes.json").sort()) {
  const corpus = JSON.parse(readFileSync(new URL(file, corpusDir), "utf8"));
  for (const c of corpus.cases) runOps(c.setup ?? {}, c.ops);
}
const sequences = execFileSync("python3", [path.join(repo, "tests/differential/generate.py"), "--count", "300"], { encoding: "utf8", maxBuffer: 1 << 28 })
  .split("\n").filter(Boolean).map((l) => JSON.parse(l));
const [header, ...seqs] = sequences;
for (const seq of seqs) runOps(header.setup, seq.ops);

/** The declared return type of a recorded key. */
function declared(key) {
  const [owner, method] = key.split(".");
  if (!method) return `ReturnType<typeof W.${owner}>`;
  // Static methods are on the class, instance methods on its prototype.
  return Object.getOwnPropertyNames(w[owner]).includes(method)
    ? `ReturnType<typeof W.${owner}.${method}>`
    : `ReturnType<W.${owner}["${method}"]>`;
}

function fixtures(corrupt) {
  const lines = [`import type * as W from ${JSON.stringify(path.join(pkgRoot, "pkg", "wangge.js"))};`, ""];
  let n = 0;
  for (const [key, values] of [...recorded.entries()].sort()) {
    for (const json of values.keys()) {
      lines.push(`// ${key}`);
      lines.push(`export const f${n++}: ${declared(key)} = ${json};`);
    }
  }
  if (corrupt) {
    const [json] = recorded.get("Ledger.get").keys();
    const bad = { ...JSON.parse(json), state: "teleported" };
    lines.push(`export const corrupted: ReturnType<W.Ledger["get"]> = ${JSON.stringify(bad)};`);
  }
  return { text: lines.join("\n") + "\n", count: n };
}

function tsc(file) {
  mkdirSync(outDir, { recursive: true });
  const config = path.join(outDir, `tsconfig.${path.basename(file, ".ts")}.json`);
  writeFileSync(config, JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, target: "ES2022", module: "ES2022", moduleResolution: "bundler",
      lib: ["ES2022", "ESNext.Disposable", "DOM"], skipLibCheck: false, exactOptionalPropertyTypes: true },
    files: [file],
  }));
  return spawnSync(path.join(pkgRoot, "node_modules/.bin/tsc"), ["-p", config], { encoding: "utf8" });
}

test("every recorded output type-checks against its declared return type", () => {
  const { text, count } = fixtures(false);
  assert.ok(recorded.size >= 50, `only ${recorded.size} methods recorded`);
  const file = path.join(outDir, "outputs.ts");
  mkdirSync(outDir, { recursive: true });
  writeFileSync(file, text);
  const r = tsc(file);
  console.log(`typed outputs: ${count} values of ${recorded.size} methods and functions checked by tsc`);
  assert.equal(r.status, 0, `tsc found outputs that do not match their declarations:\n${(r.stdout + r.stderr).slice(0, 6000)}`);
});

test("a corrupted output fails to type-check (the check can fail)", () => {
  const { text } = fixtures(true);
  const file = path.join(outDir, "corrupted.ts");
  mkdirSync(outDir, { recursive: true });
  writeFileSync(file, text);
  const r = tsc(file);
  assert.notEqual(r.status, 0);
  assert.match(r.stdout, /teleported/);
});
