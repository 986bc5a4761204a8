// The conformance corpus (tests/conformance/*.json) run against the WebAssembly package, so
// that JS users provably get the answers the Rust core and the Python module give. The format
// is documented in tests/conformance/README.md; every operation maps onto one call of the
// package's public API.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";

import { Session, camel } from "./session.mjs";

const root = new URL("../../", import.meta.url);
const corpusDir = new URL("tests/conformance/", root);

/** Equal, or for subsets every expected key present and matching (arrays element-wise). */
function matches(expected, actual, subset) {
  if (expected === null || typeof expected !== "object") return expected === (actual === undefined ? null : actual);
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && expected.length === actual.length && expected.every((e, i) => matches(e, actual[i], subset));
  }
  if (actual === null || typeof actual !== "object" || Array.isArray(actual)) return false;
  const keys = Object.keys(expected);
  if (!subset && keys.length !== Object.keys(actual).filter((k) => actual[k] !== undefined).length) return false;
  return keys.every((k) => k in actual && matches(expected[k], actual[k], subset));
}

/** Equal, numbers within `within` of each other (coordinate conversions, whose last bits depend on the platform's sines). */
function close(expected, actual, within) {
  if (Array.isArray(expected)) return Array.isArray(actual) && expected.length === actual.length && expected.every((e, i) => close(e, actual[i], within));
  if (typeof expected === "number") return typeof actual === "number" && Math.abs(expected - actual) <= within;
  return expected === actual;
}

function runCase(c) {
  const s = new Session(c.setup);
  c.ops.forEach((o, i) => {
    const at = `op ${i} ${JSON.stringify(o).slice(0, 300)}`;
    let result, error;
    // A refused action must leave the ledger and its log byte-identical.
    const acts = o.op === "t.apply" || o.op === "t.report";
    // undefined when the ledger cannot be built: the operation then says why.
    const logIfAny = () => { try { return s.ledger().toJsonl(); } catch { return undefined; } };
    const before = acts ? logIfAny() : undefined;
    try { result = s.run(o); } catch (e) { error = e; }
    if (acts && error && before !== undefined) assert.equal(s.ledger().toJsonl(), before, `${at}: a refused action changed the log`);
    if (o.error !== undefined) {
      assert.ok(error, `${at}: expected error ${o.error}, got ${JSON.stringify(result)}`);
      assert.ok(error instanceof Error, `${at}: a real Error is thrown`);
      assert.equal(error.code, o.error, `${at}: ${error.message}`);
      for (const [k, v] of Object.entries(o.errorDetails ?? {})) {
        // The data is both in `details` (snake_case, as in Rust and Python) and, camelCase,
        // on the error itself.
        assert.ok(matches(v, error.details?.[k], true), `${at}: detail ${k} is ${JSON.stringify(error.details?.[k])}`);
        assert.ok(matches(v, error[camel(k)], true), `${at}: property ${camel(k)} is ${JSON.stringify(error[camel(k)])}`);
      }
    } else {
      if (error) assert.fail(`${at}: unexpected error ${error.code ?? error.name} (${error.message})`);
      if ("expect" in o) assert.ok(matches(o.expect, result, false), `${at}: expected ${JSON.stringify(o.expect)}, got ${JSON.stringify(result)}`);
      if ("expectSubset" in o) assert.ok(matches(o.expectSubset, result, true), `${at}: expected (subset) ${JSON.stringify(o.expectSubset)}, got ${JSON.stringify(result)}`);
      if ("expectClose" in o) assert.ok(close(o.expectClose, result, o.within ?? 0), `${at}: expected ${JSON.stringify(o.expectClose)} within ${o.within}, got ${JSON.stringify(result)}`);
    }
  });
}

const files = readdirSync(corpusDir).filter((f) => f.endsWith(".json") && f !== "error-codes.json").sort();
let ran = 0, skipped = 0;
for (const file of files) {
  const corpus = JSON.parse(readFileSync(new URL(file, corpusDir), "utf8"));
  assert.equal(corpus.format, "wangge.conformance");
  assert.equal(corpus.version, 1);
  for (const c of corpus.cases) {
    if (c.skip?.js) {
      skipped++;
      test(`${file}: ${c.name}`, { skip: c.skip.js }, () => {});
      continue;
    }
    ran++;
    test(`${file}: ${c.name}`, () => runCase(c));
  }
}
test("conformance totals", () => {
  console.log(`conformance (js): ${ran} cases run, ${skipped} skipped`);
  assert.ok(ran + skipped >= 200);
});
