//! Coordinates on the map: conversions between WGS-84, GCJ-02 and BD-09 (`wangge::geo`).

use wangge::geo::{self, CoordSystem};
use wasm_bindgen::prelude::*;

use crate::convert::{err, from_js};
use crate::types::JsCoordSystem;

pub(crate) fn system(value: JsValue) -> Result<CoordSystem, JsValue> {
    match value.as_string() {
        Some(name) => name.parse().map_err(err),
        None => from_js(value),
    }
}

/// Converts a latitude and a longitude (degrees) from one coordinate system to another
/// (`"wgs84"`, `"gcj02"` or `"bd09"`); returns `[lat, lng]`. A number out of range or an
/// unknown system throws a `WanggeError` (`geo.invalid_coordinate`, `geo.unknown_system`).
#[wasm_bindgen(js_name = convertCoords)]
pub fn convert_coords(
    lat: f64,
    lng: f64,
    from: JsCoordSystem,
    to: JsCoordSystem,
) -> Result<Vec<f64>, JsValue> {
    let (from, to) = (system(from.into())?, system(to.into())?);
    let (lat, lng) = geo::convert(lat, lng, from, to).map_err(err)?;
    Ok(vec![lat, lng])
}
