//! Boundaries of territorial units (GeoJSON polygons) and locating a point in the innermost
//! unit that contains it (定位).
//!
//! A grid (网格) is first of all a piece of the map: GB/T 30428 systems draw unit grids as
//! polygons. A unit may carry a [`Boundary`], a GeoJSON (RFC 7946) `Polygon` or
//! `MultiPolygon` whose positions are `[longitude, latitude]` in the hierarchy's
//! [coordinate system](super::Hierarchy::coordinate_system).
//!
//! # What a boundary must be
//!
//! - Every ring is closed (its last position is its first), has at least three distinct
//!   positions, and every position is finite and on the globe. The first ring of a polygon is
//!   its outline, the others its holes.
//! - A unit's boundary lies inside its parent's, when both have one: every vertex of the
//!   child lies inside the parent's boundary or within [`CONTAINMENT_TOLERANCE`] degrees of
//!   one of its edges (about a metre: boundaries drawn from different sources rarely agree
//!   to the centimetre). It is checked when the boundary is set, when the unit is put under a
//!   parent, and when it moves. Only vertices are checked: a child's edge that cuts across a
//!   concave corner of its parent between two vertices inside it is not caught.
//! - Siblings are not checked against each other (overlapping grids are a data problem the
//!   library reports through [`Hierarchy::locate`] answering one of them, deterministically).
//!
//! # Which unit a point is in
//!
//! [`Hierarchy::locate`] answers the innermost unit whose boundary contains the point: the
//! deepest in the containment tree, and among units equally deep the one with the smallest
//! key. A point is inside a polygon when a ray cast from it due east crosses the polygon's
//! edges an odd number of times, with each edge taken as half-open in latitude. The rule is
//! the same for every polygon, so the points of an edge two units share belong to exactly one
//! of them: the unit to the **east** of a north–south edge, the unit to the **north** of an
//! east–west edge (and for a slanted edge, the one to the east). A point on an edge no other
//! unit shares may fall outside its unit by the same rule (its outer east and north edges).
//! Two units share an edge only if their documents give it the same numbers: boundaries
//! digitised separately leave slivers and overlaps of a few centimetres, where the answer
//! is whichever polygon the point is in (or the parent).
//!
//! A point is located through an index: a regular grid of cells over the boundaries'
//! extent, each listing the units whose bounding box meets it, built on first use and
//! rebuilt after a change. A property test checks that the answer is the brute-force one.

use serde::{Deserialize, Serialize};

use super::{Hierarchy, HierarchyError, NodeKey};
use crate::geo::{CoordSystem, MapPoint};

/// How far (in degrees, about a metre) a child's vertex may lie outside its parent's
/// boundary.
pub const CONTAINMENT_TOLERANCE: f64 = 1e-5;

/// A ring: closed, `[longitude, latitude]` positions.
pub type Ring = Vec<[f64; 2]>;

/// The boundary of a unit: one or more polygons, each an outline and its holes.
#[derive(Debug, Clone, PartialEq)]
pub struct Boundary {
    polygons: Vec<Vec<Ring>>,
    multi: bool,
}

/// The GeoJSON geometry as read and written.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Geometry<C> {
    #[serde(rename = "type")]
    kind: GeometryKind,
    coordinates: C,
}

#[derive(Clone, Copy, PartialEq, Serialize)]
enum GeometryKind {
    Polygon,
    MultiPolygon,
}

crate::names::deserialize_by_name!(GeometryKind {
    Polygon = "Polygon",
    MultiPolygon = "MultiPolygon",
});

/// Nested arrays of numbers, as read before the geometry's type says how deep they go (one
/// small reader instead of one per depth).
enum Nested {
    Number(f64),
    List(Vec<Nested>),
}

impl<'de> Deserialize<'de> for Nested {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Nested, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Nested;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("nested arrays of [longitude, latitude] positions")
            }
            fn visit_f64<E>(self, v: f64) -> Result<Nested, E> {
                Ok(Nested::Number(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Nested, E> {
                Ok(Nested::Number(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Nested, E> {
                Ok(Nested::Number(v as f64))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Nested, A::Error> {
                let mut out = Vec::new();
                while let Some(x) = seq.next_element()? {
                    out.push(x);
                }
                Ok(Nested::List(out))
            }
        }
        d.deserialize_any(V)
    }
}

impl Nested {
    fn list(self) -> Result<Vec<Nested>, &'static str> {
        match self {
            Nested::List(v) => Ok(v),
            Nested::Number(_) => Err("expected an array"),
        }
    }

    fn position(self) -> Result<[f64; 2], &'static str> {
        match self.list()?.as_slice() {
            [Nested::Number(lng), Nested::Number(lat)] => Ok([*lng, *lat]),
            _ => Err("a position is [longitude, latitude]"),
        }
    }

    fn polygon(self) -> Result<Vec<Ring>, &'static str> {
        self.list()?
            .into_iter()
            .map(|ring| ring.list()?.into_iter().map(Nested::position).collect())
            .collect()
    }
}

impl Serialize for Boundary {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match (self.multi, self.polygons.first()) {
            (false, Some(p)) => Geometry {
                kind: GeometryKind::Polygon,
                coordinates: p,
            }
            .serialize(serializer),
            _ => Geometry {
                kind: GeometryKind::MultiPolygon,
                coordinates: &self.polygons,
            }
            .serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Boundary {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Boundary, D::Error> {
        let g = Geometry::<Nested>::deserialize(deserializer)?;
        let read = || -> Result<Boundary, &'static str> {
            Ok(match g.kind {
                GeometryKind::Polygon => Boundary::polygon(g.coordinates.polygon()?),
                GeometryKind::MultiPolygon => Boundary::multi_polygon(
                    g.coordinates
                        .list()?
                        .into_iter()
                        .map(Nested::polygon)
                        .collect::<Result<_, _>>()?,
                ),
            })
        };
        read().map_err(serde::de::Error::custom)
    }
}

impl Boundary {
    /// A `Polygon`: its outline, then its holes. Checked when a node gets it.
    pub fn polygon(rings: Vec<Ring>) -> Boundary {
        Boundary {
            polygons: vec![rings],
            multi: false,
        }
    }

    /// A `MultiPolygon`. Checked when a node gets it.
    pub fn multi_polygon(polygons: Vec<Vec<Ring>>) -> Boundary {
        Boundary {
            polygons,
            multi: true,
        }
    }

    /// The polygons (one for a `Polygon`), each its outline and its holes.
    pub fn polygons(&self) -> &[Vec<Ring>] {
        &self.polygons
    }

    /// Why the boundary is not a valid one (see the [module docs](self)), or `None`.
    pub fn problem(&self) -> Option<String> {
        if self.polygons.is_empty() {
            return Some("a MultiPolygon needs at least one polygon".to_owned());
        }
        for (p, polygon) in self.polygons.iter().enumerate() {
            if polygon.is_empty() {
                return Some(format!("polygon {p} has no rings"));
            }
            for (r, ring) in polygon.iter().enumerate() {
                let at = format!("polygon {p}, ring {r}");
                if let Some(bad) = ring.iter().find(|[lng, lat]| {
                    !lng.is_finite()
                        || !lat.is_finite()
                        || !(-180.0..=180.0).contains(lng)
                        || !(-90.0..=90.0).contains(lat)
                }) {
                    return Some(format!(
                        "{at}: position {bad:?} is not [longitude, latitude] on the globe"
                    ));
                }
                if ring.first() != ring.last() || ring.len() < 4 {
                    return Some(format!(
                        "{at}: a ring must be closed (its last position its first) and have at least 4 positions"
                    ));
                }
                let mut distinct: Vec<[u64; 2]> = ring
                    .iter()
                    .map(|[a, b]| [a.to_bits(), b.to_bits()])
                    .collect();
                distinct.sort_unstable();
                distinct.dedup();
                if distinct.len() < 3 {
                    return Some(format!("{at}: a ring needs at least 3 distinct positions"));
                }
            }
        }
        None
    }

    /// Whether the point (in the boundary's system) is inside, by the half-open rule of the
    /// [module docs](self): inside an odd number of its rings.
    pub fn contains(&self, lat: f64, lng: f64) -> bool {
        self.polygons.iter().any(|polygon| {
            polygon
                .iter()
                .filter(|ring| ring_contains(ring, lat, lng))
                .count()
                % 2
                == 1
        })
    }

    /// The distance in degrees (on the plane of longitude and latitude) from the point to the
    /// nearest edge.
    fn distance_to_edge(&self, lat: f64, lng: f64) -> f64 {
        self.polygons
            .iter()
            .flatten()
            .flat_map(|ring| ring.windows(2))
            .filter_map(|w| match w {
                [a, b] => Some(segment_distance([lng, lat], *a, *b)),
                _ => None,
            })
            .fold(f64::INFINITY, f64::min)
    }

    /// The bounding box `[min lng, min lat, max lng, max lat]`.
    pub fn bbox(&self) -> [f64; 4] {
        let mut b = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for [lng, lat] in self.polygons.iter().flatten().flatten() {
            b = [
                b[0].min(*lng),
                b[1].min(*lat),
                b[2].max(*lng),
                b[3].max(*lat),
            ];
        }
        b
    }

    /// The vertices of the outlines.
    fn outline_vertices(&self) -> impl Iterator<Item = [f64; 2]> + '_ {
        self.polygons
            .iter()
            .filter_map(|p| p.first())
            .flatten()
            .copied()
    }
}

/// The crossing-number test with edges half-open in latitude (see the module docs).
fn ring_contains(ring: &[[f64; 2]], lat: f64, lng: f64) -> bool {
    let mut inside = false;
    for w in ring.windows(2) {
        let [[x1, y1], [x2, y2]] = match w {
            [a, b] => [*a, *b],
            _ => continue,
        };
        if (y1 > lat) != (y2 > lat) {
            let x = x1 + (lat - y1) * (x2 - x1) / (y2 - y1);
            if lng < x {
                inside = !inside;
            }
        }
    }
    inside
}

fn segment_distance(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (cx, cy) = (a[0] + t * dx, a[1] + t * dy);
    ((p[0] - cx).powi(2) + (p[1] - cy).powi(2)).sqrt()
}

/// The spatial index of [`Hierarchy::locate`]: a regular grid of cells over the extent of
/// the boundaries, each listing (key, depth) of the units whose bounding box meets it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Locator {
    extent: [f64; 4],
    cols: usize,
    rows: usize,
    cells: Vec<Vec<(NodeKey, u32)>>,
}

impl Locator {
    pub(crate) fn build(h: &Hierarchy) -> Locator {
        let units: Vec<(NodeKey, u32, [f64; 4])> = h
            .nodes()
            .filter_map(|n| {
                let b = n.boundary.as_ref()?;
                let key = h.key(n.id.as_str())?;
                let depth = u32::try_from(h.chain_keys(key).len()).unwrap_or(u32::MAX);
                Some((key, depth, b.bbox()))
            })
            .collect();
        if units.is_empty() {
            return Locator::default();
        }
        let mut extent = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for (_, _, b) in &units {
            extent = [
                extent[0].min(b[0]),
                extent[1].min(b[1]),
                extent[2].max(b[2]),
                extent[3].max(b[3]),
            ];
        }
        // About one unit per cell: a side of √n cells.
        let side = ((units.len() as f64).sqrt().ceil() as usize).clamp(1, 1024);
        let mut locator = Locator {
            extent,
            cols: side,
            rows: side,
            cells: vec![Vec::new(); side * side],
        };
        for (key, depth, b) in units {
            let (c0, r0) = locator.cell_of(b[0], b[1]);
            let (c1, r1) = locator.cell_of(b[2], b[3]);
            for r in r0..=r1 {
                for c in c0..=c1 {
                    if let Some(cell) = locator.cells.get_mut(r * locator.cols + c) {
                        cell.push((key, depth));
                    }
                }
            }
        }
        locator
    }

    /// The cell of a position, clamped to the grid.
    fn cell_of(&self, lng: f64, lat: f64) -> (usize, usize) {
        let [x0, y0, x1, y1] = self.extent;
        let at = |v: f64, lo: f64, hi: f64, n: usize| {
            if hi > lo {
                (((v - lo) / (hi - lo) * n as f64) as usize).min(n.saturating_sub(1))
            } else {
                0
            }
        };
        (at(lng, x0, x1, self.cols), at(lat, y0, y1, self.rows))
    }

    /// The units whose bounding box may hold the point.
    fn candidates(&self, lat: f64, lng: f64) -> &[(NodeKey, u32)] {
        let [x0, y0, x1, y1] = self.extent;
        if self.cells.is_empty() || lng < x0 || lng > x1 || lat < y0 || lat > y1 {
            return &[];
        }
        let (c, r) = self.cell_of(lng, lat);
        self.cells
            .get(r * self.cols + c)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

impl Hierarchy {
    /// The coordinate system of the hierarchy's locations and boundaries.
    pub fn coordinate_system(&self) -> CoordSystem {
        self.coordinate_system
    }

    /// An empty hierarchy whose locations and boundaries are in `system` (a new hierarchy's
    /// are WGS-84).
    pub fn with_coordinate_system(system: CoordSystem) -> Hierarchy {
        Hierarchy {
            coordinate_system: system,
            ..Hierarchy::default()
        }
    }

    /// The innermost unit whose boundary contains the point (converted into the hierarchy's
    /// coordinate system first), or `None`. See the [boundary docs](self#which-unit-a-point-is-in)
    /// for the rule on shared edges.
    ///
    /// ```
    /// use wangge::geo::{CoordSystem, MapPoint};
    /// use wangge::hierarchy::{Boundary, Hierarchy, NodeKind};
    ///
    /// // Corners written out: neighbours share an edge only if they share its numbers
    /// // (116.40 + 0.01 is not 116.41 in floating point).
    /// let rect = |x0: f64, y0: f64, x1: f64, y1: f64| {
    ///     Boundary::polygon(vec![vec![[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]])
    /// };
    /// let mut h = Hierarchy::with_coordinate_system(CoordSystem::Gcj02);
    /// h.add("c1", NodeKind::Community, "新建社区")?;
    /// h.add("g1", NodeKind::Grid, "第一网格")?;
    /// h.add("g2", NodeKind::Grid, "第二网格")?;
    /// h.contain("c1", "g1")?;
    /// h.contain("c1", "g2")?;
    /// h.set_boundary("c1", Some(rect(116.40, 39.90, 116.42, 39.92)))?;
    /// h.set_boundary("g1", Some(rect(116.40, 39.90, 116.41, 39.91)))?;
    /// h.set_boundary("g2", Some(rect(116.41, 39.90, 116.42, 39.91)))?;
    ///
    /// let at = |lat, lng| MapPoint::new(CoordSystem::Gcj02, lat, lng).unwrap();
    /// let id = |p| h.locate(p).map(|k| h.id(k).unwrap().to_string());
    /// assert_eq!(id(at(39.905, 116.405)).as_deref(), Some("g1"));
    /// assert_eq!(id(at(39.915, 116.405)).as_deref(), Some("c1")); // in no grid
    /// assert_eq!(id(at(39.905, 116.41)).as_deref(), Some("g2")); // the shared edge: east
    /// assert_eq!(id(at(39.95, 116.405)), None);
    /// # Ok::<(), wangge::hierarchy::HierarchyError>(())
    /// ```
    pub fn locate(&self, point: MapPoint) -> Option<NodeKey> {
        let p = point.to(self.coordinate_system);
        let locator = self.locator.get_or_init(|| Locator::build(self));
        locator
            .candidates(p.lat, p.lng)
            .iter()
            .filter(|(key, _)| {
                self.node_by_key(*key)
                    .and_then(|n| n.boundary.as_ref())
                    .is_some_and(|b| b.contains(p.lat, p.lng))
            })
            .min_by_key(|(key, depth)| (std::cmp::Reverse(*depth), *key))
            .map(|(key, _)| *key)
    }

    /// Sets or clears a unit's boundary, after checking it and that it lies inside its
    /// parent's and around its children's (see the [module docs](self)).
    pub fn set_boundary(
        &mut self,
        id: &str,
        boundary: Option<Boundary>,
    ) -> Result<(), HierarchyError> {
        let key = self.require(id)?;
        if let Some(b) = &boundary {
            check_boundary(id, b)?;
            if let Some(parent) = self.parent_key(key) {
                self.check_inside(key, b, parent)?;
            }
            let children: Vec<NodeKey> = self.index().children(key).to_vec();
            for child in children {
                if let Some(cb) = self.node_by_key(child).and_then(|n| n.boundary.clone()) {
                    self.check_inside_of(child, &cb, key, b)?;
                }
            }
        }
        if let Some(d) = self
            .slot(key)
            .and_then(|s| s.index)
            .and_then(|ix| self.graph.node_weight_mut(ix))
        {
            d.node.boundary = boundary;
        }
        self.invalidate();
        Ok(())
    }

    /// Checks that `child`'s boundary `b` lies inside `parent`'s (if the parent has one).
    pub(crate) fn check_inside(
        &self,
        child: NodeKey,
        b: &Boundary,
        parent: NodeKey,
    ) -> Result<(), HierarchyError> {
        match self.node_by_key(parent).and_then(|n| n.boundary.as_ref()) {
            Some(pb) => self.check_inside_of(child, b, parent, pb),
            None => Ok(()),
        }
    }

    fn check_inside_of(
        &self,
        child: NodeKey,
        b: &Boundary,
        parent: NodeKey,
        pb: &Boundary,
    ) -> Result<(), HierarchyError> {
        for [lng, lat] in b.outline_vertices() {
            if !pb.contains(lat, lng) && pb.distance_to_edge(lat, lng) > CONTAINMENT_TOLERANCE {
                let name = |k| self.id(k).map(ToString::to_string).unwrap_or_default();
                return Err(HierarchyError::BoundaryOutsideParent {
                    child: name(child),
                    parent: name(parent),
                    lat: lat.to_string(),
                    lng: lng.to_string(),
                });
            }
        }
        Ok(())
    }
}

/// Checks a boundary's form (closed rings, distinct positions, on the globe).
pub(crate) fn check_boundary(id: &str, b: &Boundary) -> Result<(), HierarchyError> {
    match b.problem() {
        Some(reason) => Err(HierarchyError::InvalidBoundary {
            id: id.to_owned(),
            reason,
        }),
        None => Ok(()),
    }
}
