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
