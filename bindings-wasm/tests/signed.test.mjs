// Signed logs in the WebAssembly package: `toJsonl(signingKey)`, `Ledger.fromJsonl(…, { publicKey })`
// and `publicKey(secret)`, with their errors (the shared cases are in tests/conformance/).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const w = require("../pkg/wangge.cjs");

const hex = (text) => Uint8Array.from(text.match(/../g), (b) => parseInt(b, 16));
// RFC 8032 section 7.1, test 1.
const SECRET = hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
const PUBLIC = hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");

function ledger() {
  const h = new w.Hierarchy();
  h.add("hh", "community", "弘湖社区");
  h.add("g1", "grid", "第一网格");
  h.contain("hh", "g1");
  h.add("zx", "operations_centre", "弘湖社区网格化服务管理站");
  h.supervise("zx", "hh");
  h.command("zx", "hh");
  const l = new w.Ledger(h);
  l.report({ id: "T1", category: "livelihood.repair", unit: "g1" }, "g1", "2025-03-03T09:00:00+08:00");
  l.apply("T1", "zx", "2025-03-03T09:05:00+08:00", { type: "file" });
  return { h, l };
}

function throwsCode(f, code, details = {}) {
  assert.throws(f, (e) => {
    assert.equal(e.name, "WanggeError");
    assert.equal(e.code, code, e.message);
    for (const [k, v] of Object.entries(details)) assert.deepEqual(e.details[k], v, k);
    return true;
  });
}

test("the public key of a secret key", () => {
  assert.deepEqual(w.publicKey(SECRET), PUBLIC);
  throwsCode(() => w.publicKey(SECRET.subarray(0, 31)), "log.invalid_key", { kind: "secret", length: 31 });
  throwsCode(() => w.publicKey("9d61b19d"), "input.malformed");
});

test("a signed log verifies with its key and is refused with another", () => {
  const { h, l } = ledger();
  const text = l.toJsonl(SECRET);
  const end = JSON.parse(text.trimEnd().split("\n").at(-1)).end;
  assert.equal(end.key, "d75a980182b10ab7");
  assert.match(end.signature, /^[0-9a-f]{128}$/);
  assert.equal(l.toJsonl(SECRET), text, "deterministic");
  assert.equal(l.toJsonl(undefined), l.toJsonl(), "no key, no signature");
  const back = w.Ledger.fromJsonl(h, text, undefined, { publicKey: PUBLIC });
  assert.deepEqual(back.get("T1"), l.get("T1"));
  // Without a key the signature is not checked.
  assert.equal(w.Ledger.fromJsonl(h, text).size, 1);
  const other = w.publicKey(new Uint8Array(32).fill(7));
  throwsCode(() => w.Ledger.fromJsonl(h, text, undefined, { publicKey: other }), "log.bad_signature",
    { line: 3, found: "d75a980182b10ab7" });
  throwsCode(() => w.Ledger.fromJsonl(h, l.toJsonl(), undefined, { publicKey: PUBLIC }), "log.unsigned_segment",
    { line: 3, key: "d75a980182b10ab7" });
  // Options combine: trusted history, verified.
  assert.equal(w.Ledger.fromJsonl(h, text, undefined, { trusted: true, publicKey: PUBLIC }).size, 1);
});

test("keys of the wrong type or length are refused", () => {
  const { h, l } = ledger();
  const text = l.toJsonl(SECRET);
  throwsCode(() => l.toJsonl(new Uint8Array(16)), "log.invalid_key", { kind: "secret", length: 16 });
  throwsCode(() => l.toJsonl("secret"), "input.malformed");
  throwsCode(() => w.Ledger.fromJsonl(h, text, undefined, { publicKey: PUBLIC.subarray(1) }), "log.invalid_key",
    { kind: "public", length: 31 });
  throwsCode(() => w.Ledger.fromJsonl(h, text, undefined, { publicKey: new Uint8Array(32) }), "log.invalid_key",
    { kind: "public", length: 32 });
  throwsCode(() => w.Ledger.fromJsonl(h, text, undefined, { publicKey: "d75a98" }), "input.malformed");
  throwsCode(() => w.Ledger.fromJsonl(h, text, undefined, { publicKey: Array.from(PUBLIC) }), "input.malformed");
  // The module keeps working.
  assert.equal(w.Ledger.fromJsonl(h, text, undefined, { publicKey: PUBLIC }).size, 1);
});
