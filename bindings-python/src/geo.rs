//! Coordinates on the map: conversions between WGS-84, GCJ-02 and BD-09 (`wangge::geo`).

use pyo3::prelude::*;
use wangge::geo::{self, CoordSystem};

use crate::errors::{guard, IntoPyResult};

/// Converts a latitude and a longitude (degrees) from one coordinate system to another
/// (`"wgs84"`, `"gcj02"` or `"bd09"`); returns `(lat, lng)`. A number out of range or a
/// system the library does not know raises `GeoError`.
#[pyfunction]
#[pyo3(signature = (lat, lng, from_system, to_system))]
pub fn convert_coords(
    lat: f64,
    lng: f64,
    from_system: &str,
    to_system: &str,
) -> PyResult<(f64, f64)> {
    guard(|| {
        let from: CoordSystem = from_system.parse().py()?;
        let to: CoordSystem = to_system.parse().py()?;
        geo::convert(lat, lng, from, to).py()
    })
}
