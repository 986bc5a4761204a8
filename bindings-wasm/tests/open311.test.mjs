// Real GeoReport v2 documents written by others (tests/open311/documents; sources in
// tests/open311/SOURCES.md) import as tests/open311/manifest.json says; the Rust and Python
// suites run the same manifest.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const w = require("../pkg/wangge.cjs");
const corpus = new URL("../../tests/open311/", import.meta.url);
const manifest = JSON.parse(readFileSync(new URL("manifest.json", corpus), "utf8"));

const throwsCode = (f, code) =>
  assert.throws(f, (e) => e.name === "WanggeError" && e.code === code, code);

for (const doc of manifest.documents) {
  test(`${doc.file} imports as the manifest says`, () => {
    const text = readFileSync(new URL(`documents/${doc.file}`, corpus), "utf8");
    if (doc.kind === "malformed") {
      throwsCode(() => w.open311Read(text), "open311.malformed");
      return;
    }
    const read = w.open311Read(text);
    assert.equal(read.kind, doc.kind);
    if (doc.kind === "requests") {
      const services = w.open311ImportServices(w.open311ServicesNamed(read.items));
      assert.deepEqual(services.errors, []);
      assert.equal(services.taxonomy.categories.length, doc.services);
      const h = new w.Hierarchy();
      h.add("city", "city", "City");
      const ledger = new w.Ledger(h, services.taxonomy);
      const options = { defaultUnit: "city" };
      if (doc.localOffset) options.localOffset = doc.localOffset;
      const out = w.open311Import(ledger, text, options);
      assert.deepEqual(out.errors, []);
      assert.equal(out.tickets.length, doc.tickets);
      assert.equal(out.duplicates.length, doc.duplicates);
      const closed = out.tickets.filter((t) => ledger.get(t).state === "closed").length;
      assert.equal(closed, doc.closed);
    } else if (doc.kind === "services") {
      const services = w.open311ImportServices(text);
      assert.deepEqual(services.errors, []);
      assert.equal(services.taxonomy.categories.length, doc.services);
    } else if (doc.kind === "errors") {
      assert.deepEqual(read.items.map((e) => e.code), doc.codes);
      throwsCode(() => w.open311Import(new w.Ledger(new w.Hierarchy()), text), "open311.server_error");
    } else {
      throwsCode(() => w.open311Import(new w.Ledger(new w.Hierarchy()), text), "open311.wrong_document");
    }
  });
}

test("a field at fault is named with its value; statuses and zones are options", () => {
  const h = new w.Hierarchy();
  h.add("city", "city", "City");
  const services = w.open311ImportServices('[{"service_code": "001", "service_name": "Cans", "type": "realtime"}]');
  const ledger = new w.Ledger(h, services.taxonomy);
  const out = w.open311Import(ledger, [
    { service_request_id: "1", service_code: "001", requested_datetime: "2012-05-22 23:57:23.97" },
    { service_request_id: "2", service_code: "002", requested_datetime: "2012-05-22T10:00:00Z" },
    { service_request_id: "3", service_code: "001", status: "Acknowledged", requested_datetime: "2012-05-22T10:00:00Z" },
  ], { defaultUnit: "city", statuses: { acknowledged: "filed" } });
  assert.deepEqual(out.errors.map((e) => [e.row, e.code, e.field, e.value]), [
    [1, "open311.invalid_field", "requested_datetime", "2012-05-22 23:57:23.97"],
    [2, "open311.refused", "service_code", "002"],
  ]);
  assert.equal(ledger.get("3").state, "filed");
  const again = w.open311Import(ledger, [{ service_request_id: "1", service_code: "001",
    requested_datetime: "2012-05-22 23:57:23.97" }], { defaultUnit: "city", localOffset: "-07:00" });
  assert.deepEqual(again.tickets, ["1"]);
  assert.equal(ledger.get("1").reportedAt, "2012-05-23T14:57:23+08:00");
  throwsCode(() => w.open311Import(ledger, [], { localOffset: "PST" }), "open311.invalid_option");
});
