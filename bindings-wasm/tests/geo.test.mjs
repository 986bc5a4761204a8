// Coordinates on the map: conversions between WGS-84, GCJ-02 and BD-09.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const w = require("../pkg/wangge.cjs");

test("a GPS fix on Chinese maps and back", () => {
  const gcj = w.convertCoords(39.915, 116.404, "wgs84", "gcj02");
  assert.ok(gcj instanceof Float64Array && gcj.length === 2);
  // Published by coordtransform (wandergis).
  assert.ok(Math.abs(gcj[0] - 39.91640428150164) < 1e-12 && Math.abs(gcj[1] - 116.41024449916938) < 1e-12);
  const bd = w.convertCoords(39.915, 116.404, "wgs84", "bd09");
  const back = w.convertCoords(bd[0], bd[1], "bd09", "wgs84");
  assert.ok(Math.abs(back[0] - 39.915) < 1e-9 && Math.abs(back[1] - 116.404) < 1e-9);
});

test("bad numbers and systems throw, naming them", () => {
  assert.throws(() => w.convertCoords(116.4, 39.9, "wgs84", "gcj02"),
    (e) => e.code === "geo.invalid_coordinate" && e.lat === 116.4 && e.lng === 39.9 && e.system === "wgs84");
  assert.throws(() => w.convertCoords(NaN, 116.4, "gcj02", "bd09"), (e) => e.code === "geo.invalid_coordinate");
  assert.throws(() => w.convertCoords(39.9, 116.4, "baidu", "wgs84"), (e) => e.code === "geo.unknown_system" && e.system === "baidu");
  assert.throws(() => w.convertCoords(39.9, 116.4, 7, "wgs84"), (e) => e instanceof Error && typeof e.code === "string");
});

const rect = (x0, y0, x1, y1) => ({ type: "Polygon", coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] });

test("grids on the map and locating a report", () => {
  const h = w.Hierarchy.withCoordinateSystem("gcj02");
  assert.equal(h.coordinateSystem, "gcj02");
  h.add("c1", "community", "新建社区");
  h.add("g1", "grid", "第一网格");
  h.add("g2", "grid", "第二网格");
  h.contain("c1", "g1");
  h.contain("c1", "g2");
  h.setBoundary("c1", rect(116.40, 39.90, 116.42, 39.92));
  h.setBoundary("g1", rect(116.40, 39.90, 116.41, 39.91));
  h.setBoundary("g2", rect(116.41, 39.90, 116.42, 39.91));
  assert.equal(h.locate(39.905, 116.405, "gcj02"), "g1");
  assert.equal(h.locate(39.905, 116.41, "gcj02"), "g2"); // the shared edge goes east
  assert.equal(h.locate(39.915, 116.405, "gcj02"), "c1");
  assert.equal(h.locate(39.95, 116.405, "gcj02"), undefined);
  const [lat, lng] = w.convertCoords(39.905, 116.405, "gcj02", "bd09");
  assert.equal(h.locate(lat, lng, "bd09"), "g1");
  const doc = h.toDocument();
  assert.equal(doc.version, 2);
  assert.equal(w.Hierarchy.fromJson(doc).toJson(), h.toJson());
  assert.throws(() => h.setBoundary("g1", rect(116.40, 39.90, 116.43, 39.91)),
    (e) => e.code === "hierarchy.boundary_outside_parent" && e.child === "g1" && e.parent === "c1");
  assert.equal(h.locate(39.905, 116.405, "gcj02"), "g1");
  h.setBoundary("g1", null);
  assert.equal(h.locate(39.905, 116.405, "gcj02"), "c1");
  assert.throws(() => h.locate(39.9, 116.4, "mars"), (e) => e.code === "geo.unknown_system");
});

test("Open311 requests placed by coordinates or a default", () => {
  const h = w.Hierarchy.withCoordinateSystem("gcj02");
  h.add("c1", "community", "新建社区");
  h.add("g1", "grid", "第一网格");
  h.contain("c1", "g1");
  h.setBoundary("c1", rect(116.40, 39.90, 116.42, 39.92));
  h.setBoundary("g1", rect(116.40, 39.90, 116.41, 39.92));
  const ledger = new w.Ledger(h);
  const [lat, lng] = w.convertCoords(39.91, 116.405, "gcj02", "wgs84");
  const one = { service_request_id: 638344, service_code: "livelihood.repair", lat, long: lng,
    agency_responsible: "Public Works", requested_datetime: "2025-03-04T10:00:00.5+08:00" };
  let out = w.open311Import(ledger, one);
  assert.deepEqual(out.tickets, ["638344"]);
  assert.equal(out.errors.length, 0);
  assert.equal(ledger.get("638344").unit, "g1");
  assert.ok(out.unmapped.some((u) => u.field === "agency_responsible" && u.value === "Public Works"));
  const nowhere = { service_request_id: "X", service_code: "livelihood.repair", requested_datetime: "2025-03-04T10:00:00Z" };
  out = w.open311Import(ledger, [nowhere]);
  assert.equal(out.errors[0].code, "open311.missing_field");
  assert.equal(out.errors[0].field, "address_id");
  assert.equal(out.errors[0].request, "X");
  out = w.open311Import(ledger, [nowhere], { defaultUnit: "c1" });
  assert.deepEqual(out.tickets, ["X"]);
  assert.equal(ledger.get("X").unit, "c1");
});
