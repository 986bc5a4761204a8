//! Boundaries on the map and `locate`: validation, containment in the parent, the rule for
//! shared edges, documents of version 2, and `locate` against a brute-force search.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use proptest::prelude::*;
use wangge::geo::{CoordSystem, MapPoint};
use wangge::hierarchy::{Boundary, Hierarchy, NodeKey, NodeKind};

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Boundary {
    Boundary::polygon(vec![vec![[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]])
}

fn gcj(lat: f64, lng: f64) -> MapPoint {
    MapPoint::new(CoordSystem::Gcj02, lat, lng).unwrap()
}

/// A community cut into a lattice of grids at the given lines (some cells without a grid).
fn lattice(xs: &[f64], ys: &[f64], missing: &[bool]) -> Hierarchy {
    let mut h = Hierarchy::with_coordinate_system(CoordSystem::Gcj02);
    h.add("c", NodeKind::Community, "社区").unwrap();
    h.set_boundary(
        "c",
        Some(rect(xs[0], ys[0], *xs.last().unwrap(), *ys.last().unwrap())),
    )
    .unwrap();
    let mut n = 0;
    for j in 0..ys.len() - 1 {
        for i in 0..xs.len() - 1 {
            n += 1;
            if missing
                .get(n % missing.len().max(1))
                .copied()
                .unwrap_or(false)
            {
                continue;
            }
            let id = format!("g{i}-{j}");
            h.add(&id, NodeKind::Grid, &id).unwrap();
            h.set_boundary(&id, Some(rect(xs[i], ys[j], xs[i + 1], ys[j + 1])))
                .unwrap();
            h.contain("c", &id).unwrap();
        }
    }
    h
}

/// The innermost unit by brute force: every boundary tested, the deepest, then the
/// smallest key.
fn brute(h: &Hierarchy, lat: f64, lng: f64) -> Option<NodeKey> {
    h.nodes()
        .filter(|n| n.boundary.as_ref().is_some_and(|b| b.contains(lat, lng)))
        .map(|n| {
            let k = h.key(n.id.as_str()).unwrap();
            (std::cmp::Reverse(h.chain_keys(k).len()), k)
        })
        .min()
        .map(|(_, k)| k)
}

#[test]
fn shared_edges_go_east_then_north() {
    let h = lattice(&[116.0, 116.01, 116.02], &[39.0, 39.01, 39.02], &[false]);
    let id = |lat, lng| {
        h.locate(gcj(lat, lng))
            .map(|k| h.id(k).unwrap().to_string())
    };
    // A north–south edge shared by g0-0 and g1-0: the east one.
    assert_eq!(id(39.005, 116.01).as_deref(), Some("g1-0"));
    // An east–west edge shared by g0-0 and g0-1: the north one.
    assert_eq!(id(39.01, 116.005).as_deref(), Some("g0-1"));
    // The corner of four: the north-east one.
    assert_eq!(id(39.01, 116.01).as_deref(), Some("g1-1"));
    // Inside, and outside everything.
    assert_eq!(id(39.015, 116.015).as_deref(), Some("g1-1"));
    assert_eq!(id(39.5, 116.5), None);
}

#[test]
fn a_point_is_converted_into_the_hierarchy_system() {
    let h = lattice(&[116.40, 116.41], &[39.90, 39.91], &[false]);
    // The grid's centre in GCJ-02 numbers, given as the WGS-84 point of the same place.
    let wgs = gcj(39.905, 116.405).to(CoordSystem::Wgs84);
    assert!((wgs.lng - 116.405).abs() > 0.001, "the systems differ here");
    assert_eq!(
        h.locate(wgs).map(|k| h.id(k).unwrap().as_str()),
        Some("g0-0")
    );
    // The same numbers read as WGS-84 are another place, outside the grid.
    assert_eq!(
        h.locate(gcj(39.9095, 116.4095))
            .map(|k| h.id(k).unwrap().as_str()),
        Some("g0-0")
    );
    let raw = MapPoint::new(CoordSystem::Wgs84, 39.9095, 116.4095).unwrap();
    assert_eq!(h.locate(raw), None);
}

#[test]
fn boundaries_are_checked() {
    let mut h = Hierarchy::new();
    h.add("c", NodeKind::Community, "社区").unwrap();
    h.add("g", NodeKind::Grid, "网格").unwrap();
    h.contain("c", "g").unwrap();
    let open = Boundary::polygon(vec![vec![[1.0, 1.0], [2.0, 1.0], [2.0, 2.0], [1.0, 2.0]]]);
    let flat = Boundary::polygon(vec![vec![[1.0, 1.0], [2.0, 1.0], [1.0, 1.0], [1.0, 1.0]]]);
    let off = Boundary::polygon(vec![vec![[1.0, 1.0], [200.0, 1.0], [2.0, 2.0], [1.0, 1.0]]]);
    for b in [open, flat, off, Boundary::multi_polygon(vec![])] {
        let e = h.set_boundary("g", Some(b)).unwrap_err();
        assert_eq!(e.code(), "hierarchy.invalid_boundary", "{e}");
    }
    assert_eq!(
        h.node("g").unwrap().boundary,
        None,
        "a refusal changes nothing"
    );
    h.set_boundary("c", Some(rect(1.0, 1.0, 2.0, 2.0))).unwrap();
    // Inside, on the edge, and within the tolerance of it: accepted.
    h.set_boundary("g", Some(rect(1.0, 1.0, 1.5, 2.0 + 5e-6)))
        .unwrap();
    // Out by more than the tolerance: refused, naming the vertex.
    let e = h
        .set_boundary("g", Some(rect(1.0, 1.0, 2.1, 1.5)))
        .unwrap_err();
    assert_eq!(e.code(), "hierarchy.boundary_outside_parent");
    assert!(e.to_string().contains("2.1"), "{e}");
    // The parent cannot shrink away from its child either.
    let e = h
        .set_boundary("c", Some(rect(1.0, 1.0, 1.2, 1.2)))
        .unwrap_err();
    assert_eq!(e.code(), "hierarchy.boundary_outside_parent");
    // Nor can a unit be put under a parent it does not fit in.
    h.add("g2", NodeKind::Grid, "网格2").unwrap();
    h.set_boundary("g2", Some(rect(5.0, 5.0, 6.0, 6.0)))
        .unwrap();
    let e = h.contain("c", "g2").unwrap_err();
    assert_eq!(e.code(), "hierarchy.boundary_outside_parent");
}

#[test]
fn documents_of_version_2_carry_boundaries_and_their_system() {
    let h = lattice(&[116.0, 116.01, 116.02], &[39.0, 39.01], &[false]);
    let text = h.to_json();
    assert!(
        text.starts_with(r#"{"format":"wangge.hierarchy","version":2,"coordinateSystem":"gcj02""#),
        "{text}"
    );
    assert!(
        text.contains(r#""boundary":{"type":"Polygon","coordinates":[[[116.0,39.0],"#),
        "{text}"
    );
    let back = Hierarchy::from_json(&text).unwrap();
    assert_eq!(back, h);
    assert_eq!(back.to_json(), text);
    // A version 2 document says its system; a version 1 document has no boundaries.
    let no_system = text.replacen(r#""coordinateSystem":"gcj02","#, "", 1);
    assert_eq!(
        Hierarchy::from_json(&no_system).unwrap_err().code(),
        "hierarchy.malformed"
    );
    let as_v1 = text.replacen(
        r#""version":2,"coordinateSystem":"gcj02","#,
        r#""version":1,"#,
        1,
    );
    assert_eq!(
        Hierarchy::from_json(&as_v1).unwrap_err().code(),
        "hierarchy.malformed"
    );
    // A MultiPolygon reads and writes back.
    let multi = r#"{"format":"wangge.hierarchy","version":2,"coordinateSystem":"wgs84","nodes":[{"id":"g","kind":"grid","name":"x","boundary":{"type":"MultiPolygon","coordinates":[[[[0.0,0.0],[1.0,0.0],[1.0,1.0],[0.0,0.0]]],[[[2.0,2.0],[3.0,2.0],[3.0,3.0],[2.0,2.0]]]]}}],"edges":[]}"#;
    let h = Hierarchy::from_json(multi).unwrap();
    assert_eq!(h.to_json(), multi);
    let at = |lat, lng| MapPoint::new(CoordSystem::Wgs84, lat, lng).unwrap();
    assert!(h.locate(at(2.2, 2.8)).is_some() && h.locate(at(1.5, 1.5)).is_none());
}

proptest! {
    /// `locate` (through its index) gives the brute-force answer, on random lattices and
    /// points, including points on the lattice's lines.
    #[test]
    fn locate_agrees_with_brute_force(
        cuts_x in prop::collection::vec(1u32..1000, 1..6),
        cuts_y in prop::collection::vec(1u32..1000, 1..6),
        missing in prop::collection::vec(any::<bool>(), 1..7),
        points in prop::collection::vec((0u32..1200, 0u32..1200, any::<bool>(), any::<bool>()), 1..40),
    ) {
        let line = |cuts: &[u32], base: f64| {
            let mut v: Vec<f64> = cuts.iter().map(|c| base + f64::from(*c) * 1e-5).collect();
            v.push(base);
            v.push(base + 0.01);
            v.sort_by(f64::total_cmp);
            v.dedup();
            v
        };
        let (xs, ys) = (line(&cuts_x, 116.0), line(&cuts_y, 39.0));
        let h = lattice(&xs, &ys, &missing);
        for (px, py, on_x, on_y) in points {
            // Some points exactly on a line of the lattice.
            let lng = if on_x { xs[px as usize % xs.len()] } else { 116.0 - 0.001 + f64::from(px) * 1e-5 };
            let lat = if on_y { ys[py as usize % ys.len()] } else { 39.0 - 0.001 + f64::from(py) * 1e-5 };
            prop_assert_eq!(h.locate(gcj(lat, lng)), brute(&h, lat, lng), "{} {}", lat, lng);
        }
    }
}
