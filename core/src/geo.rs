//! Points on the map (坐标) and the three coordinate systems Chinese maps use.
//!
//! A resident's report arrives with a location, and which system its numbers are in depends
//! on who measured them:
//!
//! | system | 中文 | who uses it |
//! |---|---|---|
//! | [`CoordSystem::Wgs84`] | WGS-84 | GPS receivers, OpenStreetMap, GeoJSON (RFC 7946) |
//! | [`CoordSystem::Gcj02`] | 国测局坐标 (GCJ-02, "火星坐标") | maps published in China: AMap (高德), Tencent (腾讯), Apple and Google in China |
//! | [`CoordSystem::Bd09`] | 百度坐标 (BD-09) | Baidu Maps (百度地图) |
//!
//! The same place has different numbers in each: in Beijing GCJ-02 is some 500 m from
//! WGS-84, and BD-09 another 1 km away. Mixing them silently puts a report in the wrong
//! grid, so the library never takes bare numbers for a location: a [`MapPoint`] always says
//! its system, and [`MapPoint::to`] converts.
//!
//! # The conversions
//!
//! GCJ-02 is WGS-84 moved by an offset that depends on the place. The offset's formula is not
//! published by its owner; the one used here is the formula every open-source converter uses
//! (e.g. `coordtransform` by wandergis and `eviltransform` by Googol Lee), with the Krasovsky
//! 1940 ellipsoid (a = 6,378,245 m, e² = 0.00669342162296594323). As in those libraries the
//! offset applies inside a box around China (longitude 73.66°–135.05°, latitude 3.86°–53.55°,
//! bounds excluded) and is zero outside. The box is a rough outline: it includes parts of
//! neighbouring countries and GCJ-02 offsets there are what the formula gives.
//!
//! - **WGS-84 → GCJ-02** is the formula itself, and agrees with both libraries' published
//!   results to the last digit (tested).
//! - **GCJ-02 → WGS-84** has no closed form. Here it is four steps of a fixed-point
//!   iteration (w ← w + (g − gcj(w)), from w = g); each gains some four digits, so a round
//!   trip WGS-84 → GCJ-02 → WGS-84 returns the point within 1e-9° (0.1 mm; a property test
//!   checks it over China). The one-step inverse of `coordtransform` (`gcj02towgs84`) is off by
//!   up to some 1e-5° (1 m); it is not used. Within a few hundred metres of the box's edges a
//!   point and its image can fall on both sides of it; the fixed number of steps keeps the
//!   answer the same on every runtime there too.
//! - **GCJ-02 → BD-09** is Baidu's formula as published (z = √(x² + y²) + 2·10⁻⁵ sin(y·π·3000/180),
//!   θ = atan2(y, x) + 3·10⁻⁶ cos(x·π·3000/180), then shifted by 0.0065°, 0.006°), applied
//!   everywhere.
//! - **BD-09 → GCJ-02**: the usual closed-form inverse is off by some 4·10⁻⁷° (4 cm); here it
//!   starts three refinement steps of the same iteration, so a round trip returns the point
//!   within 1e-9°.
//! - WGS-84 ↔ BD-09 goes through GCJ-02.
//!
//! Results are `f64` degrees. The Rust, Python and WebAssembly runtimes compute with the same
//! code, but the sines of the platform's maths library and of WebAssembly's may differ in the
//! last bit, so the conformance corpus compares conversions to within 1e-9°.
//!
//! ```
//! use wangge::geo::{CoordSystem, MapPoint};
//!
//! // A GPS fix in Beijing, drawn on an AMap (GCJ-02) or a Baidu (BD-09) map.
//! let gps = MapPoint::new(CoordSystem::Wgs84, 39.915, 116.404)?;
//! let amap = gps.to(CoordSystem::Gcj02);
//! assert!((amap.lat - 39.916404).abs() < 1e-6 && (amap.lng - 116.410244).abs() < 1e-6);
//! let baidu = gps.to(CoordSystem::Bd09);
//! assert_eq!(baidu.system, CoordSystem::Bd09);
//! // Back again, within a tenth of a millimetre.
//! let back = baidu.to(CoordSystem::Wgs84);
//! assert!((back.lat - gps.lat).abs() < 1e-9 && (back.lng - gps.lng).abs() < 1e-9);
//! // Bare numbers are not a point: the system is part of it, and bad numbers are refused.
//! assert_eq!(
//!     MapPoint::new(CoordSystem::Gcj02, 91.0, 116.4).unwrap_err().code(),
//!     "geo.invalid_coordinate"
//! );
//! # Ok::<(), wangge::geo::GeoError>(())
//! ```

use std::f64::consts::PI;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A coordinate system of latitudes and longitudes in degrees (see the [module docs](self)).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CoordSystem {
    /// WGS-84: GPS, OpenStreetMap, GeoJSON.
    #[default]
    Wgs84,
    /// GCJ-02 (国测局坐标): maps published in China (AMap, Tencent).
    Gcj02,
    /// BD-09 (百度坐标): Baidu Maps.
    Bd09,
}

impl CoordSystem {
    /// Every system.
    pub const ALL: [CoordSystem; 3] = [CoordSystem::Wgs84, CoordSystem::Gcj02, CoordSystem::Bd09];

    /// The serialized name: `wgs84`, `gcj02` or `bd09`.
    pub fn as_str(self) -> &'static str {
        match self {
            CoordSystem::Wgs84 => "wgs84",
            CoordSystem::Gcj02 => "gcj02",
            CoordSystem::Bd09 => "bd09",
        }
    }

    /// The Chinese name.
    pub fn label_zh(self) -> &'static str {
        match self {
            CoordSystem::Wgs84 => "WGS-84坐标",
            CoordSystem::Gcj02 => "国测局坐标",
            CoordSystem::Bd09 => "百度坐标",
        }
    }
}

impl fmt::Display for CoordSystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CoordSystem {
    type Err = GeoError;
    /// Reads `wgs84`, `gcj02` or `bd09`.
    fn from_str(s: &str) -> Result<CoordSystem, GeoError> {
        CoordSystem::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| GeoError::UnknownSystem {
                system: s.to_owned(),
            })
    }
}

crate::names::deserialize_by_name!(CoordSystem: ALL, as_str);

/// Why a coordinate or a coordinate system was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[non_exhaustive]
pub enum GeoError {
    /// A latitude or longitude that is not a number, or out of its range (latitude −90° to
    /// 90°, longitude −180° to 180°): often the two swapped.
    #[error("invalid {system} coordinate (lat {lat}, lng {lng}): {reason}")]
    InvalidCoordinate {
        /// The system the point was given in.
        system: CoordSystem,
        /// The latitude given.
        lat: f64,
        /// The longitude given.
        lng: f64,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A coordinate system's name that is not `wgs84`, `gcj02` or `bd09`.
    #[error("unknown coordinate system `{system}`: expected wgs84, gcj02 or bd09")]
    UnknownSystem {
        /// The name given.
        system: String,
    },
}

impl GeoError {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            GeoError::InvalidCoordinate { .. } => "geo.invalid_coordinate",
            GeoError::UnknownSystem { .. } => "geo.unknown_system",
        }
    }
}

/// A point as a map gives it: a latitude and a longitude in degrees, and the coordinate
/// system they are in. (A hierarchy node's `location` is a WGS-84
/// [`GeoPoint`](crate::hierarchy::GeoPoint); `to` turns a point of a Chinese map
/// into one.)
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MapPoint {
    /// The system of the numbers.
    pub system: CoordSystem,
    /// Latitude, −90° to 90° (north positive).
    pub lat: f64,
    /// Longitude, −180° to 180° (east positive).
    pub lng: f64,
}

impl MapPoint {
    /// Checks and makes a point: both numbers finite and in range.
    pub fn new(system: CoordSystem, lat: f64, lng: f64) -> Result<MapPoint, GeoError> {
        let reason = if !lat.is_finite() || !lng.is_finite() {
            Some("latitude and longitude must be finite numbers")
        } else if !(-90.0..=90.0).contains(&lat) {
            Some("the latitude must be between -90 and 90 degrees (are latitude and longitude swapped?)")
        } else if !(-180.0..=180.0).contains(&lng) {
            Some("the longitude must be between -180 and 180 degrees")
        } else {
            None
        };
        match reason {
            Some(reason) => Err(GeoError::InvalidCoordinate {
                system,
                lat,
                lng,
                reason,
            }),
            None => Ok(MapPoint { system, lat, lng }),
        }
    }

    /// The same place in another system (itself when `system` is its own).
    pub fn to(self, system: CoordSystem) -> MapPoint {
        use CoordSystem::{Bd09, Gcj02, Wgs84};
        let (lat, lng) = (self.lat, self.lng);
        let (lat, lng) = match (self.system, system) {
            (a, b) if a == b => (lat, lng),
            (Wgs84, Gcj02) => wgs84_to_gcj02(lat, lng),
            (Gcj02, Wgs84) => gcj02_to_wgs84(lat, lng),
            (Gcj02, Bd09) => gcj02_to_bd09(lat, lng),
            (Bd09, Gcj02) => bd09_to_gcj02(lat, lng),
            (Wgs84, _) => {
                let (la, ln) = wgs84_to_gcj02(lat, lng);
                gcj02_to_bd09(la, ln)
            }
            (_, _) => {
                let (la, ln) = bd09_to_gcj02(lat, lng);
                gcj02_to_wgs84(la, ln)
            }
        };
        MapPoint { system, lat, lng }
    }
}

/// Converts a latitude and longitude between systems, after checking them
/// ([`MapPoint::new`]): the form the bindings' bulk calls use.
pub fn convert(
    lat: f64,
    lng: f64,
    from: CoordSystem,
    to: CoordSystem,
) -> Result<(f64, f64), GeoError> {
    let p = MapPoint::new(from, lat, lng)?.to(to);
    Ok((p.lat, p.lng))
}

/// Krasovsky 1940 semi-major axis (m) and first eccentricity squared, as the GCJ-02 formula
/// uses them.
const A: f64 = 6_378_245.0;
#[allow(clippy::excessive_precision)] // the constant as published
const EE: f64 = 0.006_693_421_622_965_943_23;
/// π·3000/180, Baidu's constant.
const X_PI: f64 = PI * 3000.0 / 180.0;

/// Whether GCJ-02 offsets a point: inside the box around China (bounds excluded).
pub fn offset_applies(lat: f64, lng: f64) -> bool {
    lng > 73.66 && lng < 135.05 && lat > 3.86 && lat < 53.55
}

fn transform_lat(x: f64, y: f64) -> f64 {
    let mut r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    r
}

fn transform_lng(x: f64, y: f64) -> f64 {
    let mut r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    r
}

/// WGS-84 → GCJ-02 (latitude, longitude in degrees).
pub fn wgs84_to_gcj02(lat: f64, lng: f64) -> (f64, f64) {
    if !offset_applies(lat, lng) {
        return (lat, lng);
    }
    let dlat = transform_lat(lng - 105.0, lat - 35.0);
    let dlng = transform_lng(lng - 105.0, lat - 35.0);
    let rad = lat / 180.0 * PI;
    let magic = 1.0 - EE * rad.sin() * rad.sin();
    let sqrt_magic = magic.sqrt();
    let dlat = dlat * 180.0 / ((A * (1.0 - EE)) / (magic * sqrt_magic) * PI);
    let dlng = dlng * 180.0 / (A / sqrt_magic * rad.cos() * PI);
    (lat + dlat, lng + dlng)
}

/// GCJ-02 → WGS-84 by four fixed-point steps (see the [module docs](self)).
pub fn gcj02_to_wgs84(lat: f64, lng: f64) -> (f64, f64) {
    let (mut wlat, mut wlng) = (lat, lng);
    for _ in 0..4 {
        let (glat, glng) = wgs84_to_gcj02(wlat, wlng);
        wlat += lat - glat;
        wlng += lng - glng;
    }
    (wlat, wlng)
}

/// GCJ-02 → BD-09.
pub fn gcj02_to_bd09(lat: f64, lng: f64) -> (f64, f64) {
    let z = (lng * lng + lat * lat).sqrt() + 0.000_02 * (lat * X_PI).sin();
    let theta = lat.atan2(lng) + 0.000_003 * (lng * X_PI).cos();
    (z * theta.sin() + 0.006, z * theta.cos() + 0.0065)
}

/// BD-09 → GCJ-02: the closed-form inverse refined by three steps (see the
/// [module docs](self)).
pub fn bd09_to_gcj02(lat: f64, lng: f64) -> (f64, f64) {
    let (x, y) = (lng - 0.0065, lat - 0.006);
    let z = (x * x + y * y).sqrt() - 0.000_02 * (y * X_PI).sin();
    let theta = y.atan2(x) - 0.000_003 * (x * X_PI).cos();
    let (mut glat, mut glng) = (z * theta.sin(), z * theta.cos());
    for _ in 0..3 {
        let (blat, blng) = gcj02_to_bd09(glat, glng);
        glat += lat - blat;
        glng += lng - blng;
    }
    (glat, glng)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: (f64, f64), b: (f64, f64), within: f64) -> bool {
        (a.0 - b.0).abs() <= within && (a.1 - b.1).abs() <= within
    }

    /// Published results of the open-source converters (latitude, longitude).
    #[test]
    fn published_reference_points() {
        // wandergis/coordtransform, test/app.js (input 116.404, 39.915 as lng, lat).
        assert_eq!(
            wgs84_to_gcj02(39.915, 116.404),
            (39.91640428150164, 116.41024449916938)
        );
        assert!(close(
            gcj02_to_bd09(39.915, 116.404),
            (39.92133699351021, 116.41036949371029),
            1e-12
        ));
        // Their one-line inverses are approximations: ours agree within their error.
        assert!(close(
            bd09_to_gcj02(39.915, 116.404),
            (39.90865673957631, 116.39762729119315),
            1e-6
        ));
        assert!(close(
            gcj02_to_wgs84(39.915, 116.404),
            (39.91359571849836, 116.39775550083061),
            3e-5
        ));
        // googollee/eviltransform, python/test.py: Shanghai, Shenzhen, Beijing (WGS-84 → GCJ-02).
        for (w, g) in [
            (
                (31.1774276, 121.5272106),
                (31.17530398364597, 121.531541859215),
            ),
            (
                (22.543847, 113.912316),
                (22.540796131694766, 113.9171764808363),
            ),
            (
                (39.911954, 116.377817),
                (39.91334545536069, 116.38404722455657),
            ),
        ] {
            assert!(close(wgs84_to_gcj02(w.0, w.1), g, 1e-12), "{w:?}");
            assert!(close(gcj02_to_wgs84(g.0, g.1), w, 1e-9), "{g:?}");
        }
        // Outside the box GCJ-02 is WGS-84 (London).
        assert_eq!(wgs84_to_gcj02(51.5, -0.12), (51.5, -0.12));
    }

    #[test]
    fn names_and_errors() {
        for c in CoordSystem::ALL {
            assert_eq!(c.as_str().parse::<CoordSystem>().unwrap(), c);
            assert_eq!(
                serde_json::to_string(&c).unwrap(),
                format!("\"{}\"", c.as_str())
            );
        }
        let e = "WGS84".parse::<CoordSystem>().unwrap_err();
        assert_eq!(e.code(), "geo.unknown_system");
        for (lat, lng) in [
            (f64::NAN, 1.0),
            (116.4, 39.9),
            (39.9, 180.5),
            (1.0, f64::INFINITY),
        ] {
            let e = MapPoint::new(CoordSystem::Wgs84, lat, lng).unwrap_err();
            assert_eq!(e.code(), "geo.invalid_coordinate", "{lat} {lng}");
        }
        let p: MapPoint =
            serde_json::from_str(r#"{"system":"gcj02","lat":39.9,"lng":116.4}"#).unwrap();
        assert_eq!(p.system, CoordSystem::Gcj02);
    }

    proptest! {
        /// Round trips return the point within 1e-9° over China (away from the box's edges,
        /// where a point and its image may fall on both sides).
        #[test]
        fn round_trips_within_a_nanodegree(lat in 4.0f64..53.4, lng in 73.8f64..134.9) {
            let p = MapPoint::new(CoordSystem::Wgs84, lat, lng).unwrap();
            for via in [CoordSystem::Gcj02, CoordSystem::Bd09] {
                let back = p.to(via).to(CoordSystem::Wgs84);
                prop_assert!(close((back.lat, back.lng), (lat, lng), 1e-9), "{:?} via {:?}: {:?}", p, via, back);
            }
            let g = MapPoint::new(CoordSystem::Gcj02, lat, lng).unwrap();
            let back = g.to(CoordSystem::Bd09).to(CoordSystem::Gcj02);
            prop_assert!(close((back.lat, back.lng), (lat, lng), 1e-9));
            // The offsets are those of a map: under 1.5 km.
            let moved = p.to(CoordSystem::Bd09);
            prop_assert!((moved.lat - lat).abs() < 0.015 && (moved.lng - lng).abs() < 0.02);
        }

        /// Anywhere on Earth a conversion gives finite numbers in range.
        #[test]
        fn conversions_stay_in_range(lat in -90.0f64..=90.0, lng in -180.0f64..=180.0) {
            for from in CoordSystem::ALL {
                for to in CoordSystem::ALL {
                    let (a, b) = convert(lat, lng, from, to).unwrap();
                    prop_assert!(a.is_finite() && b.is_finite());
                    prop_assert!((-90.1..=90.1).contains(&a) && (-180.1..=180.1).contains(&b), "{} {} {:?}->{:?}: {} {}", lat, lng, from, to, a, b);
                }
            }
        }
    }
}
