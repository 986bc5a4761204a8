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
