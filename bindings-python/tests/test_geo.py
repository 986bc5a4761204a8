"""Coordinates on the map: conversions between WGS-84, GCJ-02 and BD-09."""

import math

import pytest

import wangge


def test_a_gps_fix_on_chinese_maps_and_back() -> None:
    lat, lng = wangge.convert_coords(39.915, 116.404, "wgs84", "gcj02")
    # Published by coordtransform (wandergis).
    assert (lat, lng) == pytest.approx((39.91640428150164, 116.41024449916938), abs=1e-12)
    blat, blng = wangge.convert_coords(39.915, 116.404, "wgs84", "bd09")
    back = wangge.convert_coords(blat, blng, "bd09", "wgs84")
    assert back == pytest.approx((39.915, 116.404), abs=1e-9)
    # The same system: the numbers unchanged.
    assert wangge.convert_coords(39.915, 116.404, "gcj02", "gcj02") == (39.915, 116.404)


def test_bad_numbers_and_systems_raise_geo_errors_naming_them() -> None:
    with pytest.raises(wangge.GeoError) as e:
        wangge.convert_coords(116.4, 39.9, "wgs84", "gcj02")  # swapped
    assert e.value.code == "geo.invalid_coordinate"
    assert (e.value.lat, e.value.lng, e.value.system) == (116.4, 39.9, "wgs84")
    with pytest.raises(wangge.GeoError) as e:
        wangge.convert_coords(math.nan, 116.4, "gcj02", "bd09")
    assert e.value.code == "geo.invalid_coordinate"
    with pytest.raises(wangge.GeoError) as e:
        wangge.convert_coords(39.9, 116.4, "baidu", "wgs84")
    assert e.value.code == "geo.unknown_system" and e.value.system == "baidu"
    assert isinstance(e.value, wangge.WanggeError)


def _rect(x0: float, y0: float, x1: float, y1: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def test_grids_on_the_map_and_locating_a_report() -> None:
    h = wangge.Hierarchy(coordinate_system="gcj02")
    assert h.coordinate_system == "gcj02"
    h.add("c1", "community", "新建社区")
    h.add("g1", "grid", "第一网格")
    h.add("g2", "grid", "第二网格")
    h.contain("c1", "g1")
    h.contain("c1", "g2")
    h.set_boundary("c1", _rect(116.40, 39.90, 116.42, 39.92))
    h.set_boundary("g1", _rect(116.40, 39.90, 116.41, 39.91))
    h.set_boundary("g2", _rect(116.41, 39.90, 116.42, 39.91))
    assert h.locate(39.905, 116.405, "gcj02") == "g1"
    assert h.locate(39.905, 116.41, "gcj02") == "g2"  # the shared edge goes east
    assert h.locate(39.915, 116.405, "gcj02") == "c1"
    assert h.locate(39.95, 116.405, "gcj02") is None
    # A GPS fix (WGS-84) of the same place.
    lat, lng = wangge.convert_coords(39.905, 116.405, "gcj02", "wgs84")
    assert h.locate(lat, lng) == "g1"
    # The document is version 2 and reads back.
    doc = h.to_document()
    assert doc["version"] == 2 and doc["coordinateSystem"] == "gcj02"
    assert wangge.Hierarchy.from_json(doc) == h
    with pytest.raises(wangge.HierarchyError) as e:
        h.set_boundary("g1", _rect(116.40, 39.90, 116.43, 39.91))
    assert e.value.code == "hierarchy.boundary_outside_parent"
    assert (e.value.child, e.value.parent) == ("g1", "c1")
    with pytest.raises(wangge.HierarchyError) as e:
        h.set_boundary("g1", {"type": "Polygon", "coordinates": [[[116.4, 39.9], [116.41, 39.9], [116.41, 39.91]]]})
    assert e.value.code == "hierarchy.invalid_boundary"
    assert h.locate(39.905, 116.405, "gcj02") == "g1", "a refusal changes nothing"
    h.set_boundary("g1", None)
    assert h.locate(39.905, 116.405, "gcj02") == "c1"
    with pytest.raises(wangge.GeoError):
        h.locate(139.9, 116.4)
    with pytest.raises(wangge.GeoError):
        wangge.Hierarchy(coordinate_system="mars")


def test_open311_requests_placed_by_coordinates_or_a_default() -> None:
    h = wangge.Hierarchy(coordinate_system="gcj02")
    h.add("c1", "community", "新建社区")
    h.add("g1", "grid", "第一网格")
    h.contain("c1", "g1")
    h.set_boundary("c1", _rect(116.40, 39.90, 116.42, 39.92))
    h.set_boundary("g1", _rect(116.40, 39.90, 116.41, 39.92))
    ledger = wangge.Ledger(h)
    lat, lng = wangge.convert_coords(39.91, 116.405, "gcj02", "wgs84")
    # One request as GET /requests/{id} returns it: numbers, a WGS-84 point, an agency in text.
    one = {"service_request_id": 638344, "service_code": "livelihood.repair", "lat": lat, "long": lng,
           "agency_responsible": "Public Works", "requested_datetime": "2025-03-04T10:00:00.5+08:00"}
    out = wangge.open311_import(ledger, one)
    assert out["tickets"] == ["638344"] and not out["errors"]
    assert ledger.get("638344")["unit"] == "g1"
    assert {"field": "agency_responsible", "value": "Public Works"}.items() <= next(
        u for u in out["unmapped"] if u["field"] == "agency_responsible").items()
    nowhere = {"service_request_id": "X", "service_code": "livelihood.repair", "requested_datetime": "2025-03-04T10:00:00Z"}
    out = wangge.open311_import(ledger, [nowhere])
    assert out["errors"][0][1].code == "open311.missing_field"
    assert out["errors"][0][1].field == "address_id"
    out = wangge.open311_import(ledger, [nowhere], default_unit="c1")
    assert out["tickets"] == ["X"] and ledger.get("X")["unit"] == "c1"
