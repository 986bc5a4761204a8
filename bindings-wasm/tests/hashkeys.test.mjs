// The module keys its hash maps of ids with bytes from crypto.getRandomValues when it starts
// (std has no randomness in WebAssembly; see wangge::hash). Loaded in a child process with
// getRandomValues wrapped, to see the call; and without Web Crypto it still loads and works.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const pkg = fileURLToPath(new URL("../pkg/wangge.cjs", import.meta.url));

function run(prelude) {
  const script = `${prelude}
const w = require(${JSON.stringify(pkg)});
const h = new w.Hierarchy();
h.add("g1", "grid", "第一网格");
console.log(JSON.stringify({ calls: globalThis.__calls ?? null, nodes: h.size }));`;
  return JSON.parse(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }));
}

test("the module draws 16 bytes from crypto.getRandomValues when it starts", () => {
  const out = run(`
globalThis.__calls = [];
const original = globalThis.crypto.getRandomValues.bind(globalThis.crypto);
globalThis.crypto.getRandomValues = (buf) => { globalThis.__calls.push(buf.length); return original(buf); };`);
  assert.deepEqual(out, { calls: [16], nodes: 1 });
});

test("without Web Crypto the module still loads and works", () => {
  const out = run(`Object.defineProperty(globalThis, "crypto", { value: undefined, configurable: true });`);
  assert.deepEqual(out, { calls: null, nodes: 1 });
});
