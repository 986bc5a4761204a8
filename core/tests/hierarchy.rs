//! Hierarchy: every invariant, every query, every error variant, and property tests.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use proptest::prelude::*;
use wangge::hierarchy::{
    DivisionCodeError, DivisionRow, Edge, EdgeKind, GeoPoint, Hierarchy, HierarchyError, NodeId,
    NodeKind,
};

/// 新建社区 as in the article: 八公山区 → 毕家岗街道 → 新建社区 → 10 grids, each with a
/// Party branch, a grid leader and two grid workers; one compound with a building.
fn xinjian() -> Hierarchy {
    let mut h = Hierarchy::new();
    h.add("340400", NodeKind::City, "淮南市").unwrap();
    h.add("340404", NodeKind::District, "八公山区").unwrap();
    h.add("340404001", NodeKind::Street, "毕家岗街道").unwrap();
    h.add("340404001001", NodeKind::Community, "新建社区")
        .unwrap();
    h.contain("340400", "340404").unwrap();
    h.contain("340404", "340404001").unwrap();
    h.contain("340404001", "340404001001").unwrap();
    h.add("xj-party", NodeKind::PartyCommittee, "新建社区党委")
        .unwrap();
    h.lead("xj-party", "340404001001").unwrap();
    for g in 1..=10 {
        let grid = format!("xj-g{g:02}");
        h.add(&grid, NodeKind::Grid, &format!("第{g}网格")).unwrap();
        h.contain("340404001001", &grid).unwrap();
        let branch = format!("{grid}-branch");
        h.add(&branch, NodeKind::PartyBranch, &format!("第{g}网格党支部"))
            .unwrap();
        h.lead(&branch, &grid).unwrap();
        h.lead("xj-party", &branch).unwrap();
        let leader = format!("{grid}-leader");
        h.add(&leader, NodeKind::GridLeader, &format!("网格长{g}"))
            .unwrap();
        h.serve(&leader, &grid).unwrap();
        for w in 1..=2 {
            let worker = format!("{grid}-w{w}");
            h.add(&worker, NodeKind::GridWorker, &format!("网格员{g}-{w}"))
                .unwrap();
            h.serve(&worker, &grid).unwrap();
        }
    }
    h.add("xj-c1", NodeKind::Compound, "矿工小区").unwrap();
    h.contain("xj-g01", "xj-c1").unwrap();
    h.add("xj-c1-b1", NodeKind::Building, "1栋").unwrap();
    h.contain("xj-c1", "xj-c1-b1").unwrap();
    h.add("xj-pm", NodeKind::PropertyManager, "物业公司")
        .unwrap();
    h.serve("xj-pm", "xj-c1").unwrap();
    h.add("dept-smr", NodeKind::Department, "市场监管局")
        .unwrap();
    h.add("dept-cg", NodeKind::Department, "城管局").unwrap();
    h.add("dept-zj", NodeKind::Department, "住建局").unwrap();
    h.grant_jurisdiction("dept-smr", "340404", &["event.market", "event.food"])
        .unwrap();
    h.grant_jurisdiction("dept-cg", "340404", &["event"])
        .unwrap();
    h.grant_jurisdiction(
        "dept-zj",
        "340404001",
        &["facility.building", "event.construction"],
    )
    .unwrap();
    h
}

fn ids<'a>(it: impl Iterator<Item = &'a wangge::hierarchy::Node>) -> Vec<String> {
    it.map(|n| n.id.to_string()).collect()
}

#[test]
fn chain_children_parent() {
    let h = xinjian();
    assert_eq!(
        ids(h.chain("xj-c1-b1").unwrap()),
        [
            "xj-c1-b1",
            "xj-c1",
            "xj-g01",
            "340404001001",
            "340404001",
            "340404",
            "340400"
        ]
    );
    assert_eq!(h.parent("xj-g03").unwrap().unwrap().name, "新建社区");
    assert!(h.parent("340400").unwrap().is_none());
    assert_eq!(h.children("340404001001").unwrap().count(), 10);
    assert_eq!(ids(h.roots()), ["340400"]);
    // People and organisations are not in the territorial tree.
    assert_eq!(h.chain("xj-g01-w1").unwrap().count(), 0);
    assert_eq!(h.depth(h.key("xj-g01").unwrap()), Some(4));
}

#[test]
fn ancestors_descendants_lca_grid() {
    let h = xinjian();
    assert_eq!(
        h.ancestor_of_kind("xj-c1-b1", NodeKind::Street)
            .unwrap()
            .unwrap()
            .id
            .as_str(),
        "340404001"
    );
    assert!(h
        .ancestor_of_kind("340404", NodeKind::Grid)
        .unwrap()
        .is_none());
    assert_eq!(
        h.descendants_of_kind("340404", NodeKind::Grid)
            .unwrap()
            .count(),
        10
    );
    assert_eq!(
        ids(h.descendants_of_kind("340404", NodeKind::Building).unwrap()),
        ["xj-c1-b1"]
    );
    assert_eq!(
        h.lowest_common_ancestor("xj-g01", "xj-g02")
            .unwrap()
            .unwrap()
            .id
            .as_str(),
        "340404001001"
    );
    assert_eq!(
        h.lowest_common_ancestor("xj-c1-b1", "xj-g01")
            .unwrap()
            .unwrap()
            .id
            .as_str(),
        "xj-g01"
    );
    assert_eq!(
        h.grid_of("xj-c1-b1").unwrap().unwrap().id.as_str(),
        "xj-g01"
    );
    assert!(h.grid_of("340404").unwrap().is_none());
    let (b, g, s) = (
        h.key("xj-c1-b1").unwrap(),
        h.key("xj-g01").unwrap(),
        h.key("340404001").unwrap(),
    );
    assert!(h.is_within(b, s) && h.is_within(b, b) && !h.is_within(s, b) && !h.is_within(g, b));
}

#[test]
fn lca_of_separate_trees_is_none() {
    let mut h = xinjian();
    h.add("320000000000", NodeKind::Province, "江苏省").unwrap();
    assert!(h
        .lowest_common_ancestor("xj-g01", "320000000000")
        .unwrap()
        .is_none());
}

#[test]
fn party_staff_departments() {
    let h = xinjian();
    assert_eq!(
        h.leading_party_org("xj-g04").unwrap().unwrap().id.as_str(),
        "xj-g04-branch"
    );
    assert_eq!(
        h.leading_party_org("xj-c1-b1")
            .unwrap()
            .unwrap()
            .id
            .as_str(),
        "xj-g01-branch"
    );
    assert_eq!(
        h.leading_party_org("340404001001")
            .unwrap()
            .unwrap()
            .id
            .as_str(),
        "xj-party"
    );
    assert!(h.leading_party_org("340404").unwrap().is_none());
    assert_eq!(
        ids(h.staff("xj-g02").unwrap()),
        ["xj-g02-leader", "xj-g02-w1", "xj-g02-w2"]
    );
    // The property manager serves the compound but is not staff (a person).
    assert_eq!(h.staff("xj-c1").unwrap().count(), 0);
    let depts = |cat: &str| ids(h.departments_for("xj-c1-b1", cat).unwrap().into_iter());
    // Nearest first: 住建 is granted at the street, the others at the district.
    assert_eq!(depts("event.construction"), ["dept-zj", "dept-cg"]);
    assert_eq!(depts("event.market.price"), ["dept-smr", "dept-cg"]);
    assert_eq!(depts("facility.building"), ["dept-zj"]);
    assert!(depts("livelihood").is_empty());
    // Jurisdiction does not flow up: the city has none.
    assert!(h.departments_for("340400", "event").unwrap().is_empty());
}

#[test]
fn acts_for() {
    let h = xinjian();
    let k = |id: &str| h.key(id).unwrap();
    assert_eq!(h.acts_for(k("xj-g01-w1")), [k("xj-g01")]);
    assert_eq!(h.acts_for(k("xj-g01")), [k("xj-g01")]);
    assert_eq!(h.acts_for(k("xj-party")), [k("340404001001")]);
    assert!(h.acts_for(k("dept-cg")).is_empty());
}

fn err<T: std::fmt::Debug>(r: Result<T, HierarchyError>) -> HierarchyError {
    r.expect_err("expected an error")
}

#[test]
fn every_error_variant_and_nothing_changes() {
    let mut h = xinjian();
    let before = h.clone();
    let doc = h.to_json();
    let cases: Vec<(HierarchyError, &str)> = vec![
        (err(h.add("", NodeKind::Grid, "x")), "hierarchy.invalid_id"),
        (
            err(h.add("a b", NodeKind::Grid, "x")),
            "hierarchy.invalid_id",
        ),
        (
            err(h.add("xj-g01", NodeKind::Grid, "dup")),
            "hierarchy.duplicate_id",
        ),
        (err(h.contain("nope", "xj-g01")), "hierarchy.unknown_id"),
        (err("villa".parse::<NodeKind>()), "hierarchy.unknown_kind"),
        (
            err(h.contain("340404", "xj-g01")),
            "hierarchy.already_contained",
        ),
        (
            err(h.contain("xj-g01", "340404001")),
            "hierarchy.containment_cycle",
        ),
        (
            err(h.contain("xj-g01", "xj-g01")),
            "hierarchy.containment_cycle",
        ),
        (err(h.serve("xj-pm", "xj-g01")), "hierarchy.edge_kinds"),
        (
            err(h.serve("xj-g01-w1", "xj-g01")),
            "hierarchy.duplicate_edge",
        ),
        (
            err(h.disconnect(EdgeKind::Serves, "xj-g01-w1", "xj-g02")),
            "hierarchy.unknown_edge",
        ),
        (
            err(h.grant_jurisdiction("dept-cg", "xj-g01", &[])),
            "hierarchy.empty_jurisdiction",
        ),
        (
            err(h.grant_jurisdiction("dept-cg", "xj-g01", &["event..x"])),
            "hierarchy.invalid_category",
        ),
        (err(h.remove("340404001001")), "hierarchy.not_empty"),
        (
            err(h.set_place(
                "xj-g01",
                None,
                Some(GeoPoint {
                    lat: 95.0,
                    lng: 116.8,
                }),
            )),
            "hierarchy.invalid_location",
        ),
        (
            err(h.set_place(
                "xj-g01",
                None,
                Some(GeoPoint {
                    lat: 32.6,
                    lng: 500.0,
                }),
            )),
            "hierarchy.invalid_location",
        ),
        (
            err(h.set_place(
                "xj-g01",
                None,
                Some(GeoPoint {
                    lat: f64::NAN,
                    lng: 116.8,
                }),
            )),
            "hierarchy.invalid_location",
        ),
        (
            err(Hierarchy::from_json(&doc.replacen(
                "\"kind\":\"grid\"",
                "\"kind\":\"grid\",\"location\":{\"lat\":-91,\"lng\":0}",
                1,
            ))),
            "hierarchy.invalid_location",
        ),
        (err(Hierarchy::from_json("{")), "hierarchy.malformed"),
        (
            err(Hierarchy::from_json(
                &doc.replace("\"version\":1", "\"version\":3"),
            )),
            "hierarchy.unsupported_format",
        ),
    ];
    for (e, code) in &cases {
        assert_eq!(e.code(), *code, "{e}");
    }
    let unexpected = Edge {
        kind: EdgeKind::Serves,
        from: "xj-g02-w1".parse().unwrap(),
        to: "xj-g03".parse().unwrap(),
        categories: vec!["event".into()],
    };
    assert_eq!(
        err(h.connect(&unexpected)).code(),
        "hierarchy.unexpected_categories"
    );
    // Level order: a street cannot sit in a community.
    h.add("340404002", NodeKind::Street, "土坝孜街道").unwrap();
    let level = err(h.contain("340404001001", "340404002"));
    assert!(
        matches!(level, HierarchyError::LevelOrder { ref parent, ref child, .. }
        if parent == "340404001001" && child == "340404002")
    );
    h.remove("340404002").unwrap();
    assert_eq!(h, before, "refused mutations changed the hierarchy");
    assert_eq!(h.to_json(), doc);
}

#[test]
fn edge_kind_rules() {
    let mut h = xinjian();
    // Only departments hold jurisdiction.
    assert!(matches!(
        err(h.grant_jurisdiction("xj-pm", "xj-c1", &["event"])),
        HierarchyError::EdgeKinds { .. }
    ));
    // Only people serve grids; organisations may serve compounds.
    assert!(h.serve("xj-pm", "xj-g02").is_err());
    h.add("vt", NodeKind::VolunteerTeam, "灭蚁卫士").unwrap();
    h.serve("vt", "340404001001").unwrap();
    // Only Party organisations lead; they do not lead people.
    assert!(h.lead("xj-pm", "xj-c1").is_err());
    assert!(h.lead("xj-party", "xj-g01-w1").is_err());
    // Membership: people join organisations, not units or people.
    h.add("pm1", NodeKind::PartyMember, "老党员").unwrap();
    h.join("pm1", "xj-g01-branch").unwrap();
    assert!(h.join("pm1", "xj-g01").is_err());
    assert!(h.join("pm1", "xj-g01-w1").is_err());
    assert_eq!(
        ids(h
            .sources("xj-g01-branch", EdgeKind::MemberOf)
            .unwrap()
            .into_iter()),
        ["pm1"]
    );
    assert_eq!(
        ids(h
            .targets("xj-g01-w1", EdgeKind::Serves)
            .unwrap()
            .into_iter()),
        ["xj-g01"]
    );
    // Containment connects territorial units only.
    assert!(h.contain("xj-g01", "xj-g01-w1").is_err());
}

#[test]
fn remove_keeps_keys_and_move() {
    let mut h = xinjian();
    let b = h.key("xj-c1-b1").unwrap();
    let g2 = h.key("xj-g02").unwrap();
    h.remove("xj-c1-b1").unwrap();
    assert!(h.key("xj-c1-b1").is_none());
    assert_eq!(h.key_ever("xj-c1-b1"), Some(b));
    assert_eq!(h.id(b).unwrap().as_str(), "xj-c1-b1");
    assert_eq!(h.key("xj-g02"), Some(g2));
    // Re-adding gets the old key back.
    assert_eq!(h.add("xj-c1-b1", NodeKind::Building, "1栋").unwrap(), b);
    h.contain("xj-c1", "xj-c1-b1").unwrap();
    // Moving a compound with its building to another grid.
    h.move_to("xj-c1", "xj-g02").unwrap();
    assert_eq!(
        h.grid_of("xj-c1-b1").unwrap().unwrap().id.as_str(),
        "xj-g02"
    );
    let before = h.clone();
    assert!(matches!(
        err(h.move_to("xj-g02", "xj-c1")),
        HierarchyError::ContainmentCycle { .. }
    ));
    assert!(matches!(
        err(h.move_to("340404", "xj-c1")),
        HierarchyError::ContainmentCycle { .. }
    ));
    assert!(matches!(
        err(h.move_to("xj-c1", "xj-c1-b1")),
        HierarchyError::ContainmentCycle { .. }
    ));
    assert!(matches!(
        err(h.move_to("xj-g03", "xj-c1-b1")),
        HierarchyError::LevelOrder { .. }
    ));
    assert_eq!(h, before);
    h.rename("xj-c1", "新名").unwrap();
    assert_eq!(h.node("xj-c1").unwrap().name, "新名");
}

#[test]
fn json_round_trip() {
    let h = xinjian();
    let text = h.to_json();
    let back = Hierarchy::from_json(&text).unwrap();
    assert_eq!(back, h);
    assert_eq!(back.to_json(), text);
    let via_serde: Hierarchy = serde_json::from_str(&serde_json::to_string(&h).unwrap()).unwrap();
    assert_eq!(via_serde, h);
    // An invariant broken inside a document is refused with the mutation API's error.
    let mut doc = h.to_document();
    doc.edges.push(Edge {
        kind: EdgeKind::Contains,
        from: "340404001001".parse().unwrap(),
        to: "340404".parse().unwrap(),
        categories: vec![],
    });
    assert_eq!(
        Hierarchy::from_document(&doc).unwrap_err().code(),
        "hierarchy.containment_cycle"
    );
    // Unknown fields are refused.
    let typo = text.replacen("\"name\"", "\"nmae\"", 1);
    assert_eq!(
        Hierarchy::from_json(&typo).unwrap_err().code(),
        "hierarchy.malformed"
    );
}

#[test]
fn division_codes() {
    let rows = vec![
        DivisionRow::new("340404001001", "新建社区"),
        DivisionRow::new("340000000000", "安徽省"),
        DivisionRow::new("340404001000", "毕家岗街道"),
        DivisionRow::new("340404000000", "八公山区"),
        DivisionRow::new("340400000000", "淮南市"),
        DivisionRow::new("340404100000", "某镇"),
        DivisionRow::new("34040400100A", "bad digit"),
        DivisionRow::new("340404", "short"),
        DivisionRow::new("340400001000", "town without county"),
        DivisionRow::new("340405001000", "orphan street"),
        DivisionRow::new("340404001001", "duplicate"),
        DivisionRow::new("340404001001003", "第三网格"),
        DivisionRow::new("340404001009003", "orphan grid"),
        DivisionRow::new("340404001001000", "grid zero"),
    ];
    let mut h = Hierarchy::new();
    let report = h.import_division_codes(&rows);
    assert_eq!(report.added.len(), 7);
    let bad: Vec<(usize, &str)> = report
        .errors
        .iter()
        .map(|e| (e.row, e.error.code()))
        .collect();
    assert_eq!(
        bad,
        [
            (7, "division.malformed"),
            (8, "division.malformed"),
            (9, "division.malformed"),
            (10, "division.orphan"),
            (11, "hierarchy.duplicate_id"),
            (13, "division.orphan"),
            (14, "division.malformed"),
        ]
    );
    assert!(
        matches!(&report.errors[3].error, DivisionCodeError::Orphan { parent, .. } if parent == "340405000000")
    );
    assert_eq!(h.node("340404100000").unwrap().kind, NodeKind::Town);
    assert_eq!(h.node("340404001000").unwrap().kind, NodeKind::Street);
    assert_eq!(h.node("340404001001003").unwrap().kind, NodeKind::Grid);
    assert_eq!(
        ids(h.chain("340404001001003").unwrap()),
        [
            "340404001001003",
            "340404001001",
            "340404001000",
            "340404000000",
            "340400000000",
            "340000000000"
        ]
    );
}

#[test]
fn node_id_rules() {
    assert!(NodeId::new("340404001001").is_ok());
    assert!(NodeId::new("x".repeat(129)).is_err());
    assert!(NodeId::new("a\tb").is_err());
    assert_eq!("grid".parse::<NodeKind>().unwrap(), NodeKind::Grid);
    assert_eq!(NodeKind::Grid.chinese(), "网格");
    assert_eq!("member_of".parse::<EdgeKind>().unwrap(), EdgeKind::MemberOf);
}

#[test]
fn chains_into_buffer() {
    let h = xinjian();
    let keys = [
        h.key("xj-g01").unwrap(),
        h.key("xj-g01-w1").unwrap(),
        h.key("340404").unwrap(),
    ];
    let (mut out, mut ends) = (Vec::new(), Vec::new());
    h.chains_into(&keys, &mut out, &mut ends);
    assert_eq!(ends, [5, 5, 7]);
    assert_eq!(h.id(out[5]).unwrap().as_str(), "340404");
}

// ----- property tests ------------------------------------------------------------------

const TERRITORIAL: [NodeKind; 9] = [
    NodeKind::Province,
    NodeKind::City,
    NodeKind::District,
    NodeKind::Street,
    NodeKind::Town,
    NodeKind::Community,
    NodeKind::Grid,
    NodeKind::Compound,
    NodeKind::Building,
];

/// A random valid territorial forest: node i picks a parent among earlier nodes of lower
/// level (or none).
fn arb_hierarchy() -> impl Strategy<Value = Hierarchy> {
    prop::collection::vec(
        (0usize..9, any::<prop::sample::Index>(), any::<bool>()),
        1..40,
    )
    .prop_map(|spec| {
        let mut h = Hierarchy::new();
        let mut kinds = Vec::new();
        for (i, (level, pick, rooted)) in spec.into_iter().enumerate() {
            let kind = TERRITORIAL[level];
            let id = format!("n{i}");
            h.add(&id, kind, &id).unwrap();
            let candidates: Vec<usize> = (0..i)
                .filter(|j| kinds[*j] < kind.level().unwrap())
                .collect();
            if !rooted && !candidates.is_empty() {
                let p = candidates[pick.index(candidates.len())];
                h.contain(&format!("n{p}"), &id).unwrap();
            }
            kinds.push(kind.level().unwrap());
        }
        h
    })
}

fn check_invariants(h: &Hierarchy) {
    for n in h.nodes() {
        let chain: Vec<_> = h.chain(n.id.as_str()).unwrap().collect();
        if n.kind.is_territorial() {
            assert_eq!(chain[0].id, n.id);
            // Strictly increasing levels toward the node: no cycle, level order holds.
            for w in chain.windows(2) {
                assert!(w[1].kind.level().unwrap() < w[0].kind.level().unwrap());
            }
            assert!(h
                .parent(chain.last().unwrap().id.as_str())
                .unwrap()
                .is_none());
        }
    }
}

proptest! {
    #[test]
    fn chain_ends_at_root_and_lists_every_ancestor_once(h in arb_hierarchy()) {
        for n in h.nodes() {
            let chain: Vec<String> = ids(h.chain(n.id.as_str()).unwrap());
            let mut walk = vec![n.id.to_string()];
            let mut cur = n.id.to_string();
            while let Some(p) = h.parent(&cur).unwrap() {
                cur = p.id.to_string();
                walk.push(cur.clone());
            }
            prop_assert_eq!(&chain, &walk);
            let mut dedup = chain.clone();
            dedup.sort();
            dedup.dedup();
            prop_assert_eq!(dedup.len(), chain.len());
        }
    }

    #[test]
    fn lca_is_lowest_common(h in arb_hierarchy(), a in any::<prop::sample::Index>(), b in any::<prop::sample::Index>()) {
        let nodes: Vec<_> = h.nodes().map(|n| n.id.to_string()).collect();
        let (a, b) = (&nodes[a.index(nodes.len())], &nodes[b.index(nodes.len())]);
        let ca = ids(h.chain(a).unwrap());
        let cb = ids(h.chain(b).unwrap());
        match h.lowest_common_ancestor(a, b).unwrap() {
            Some(l) => {
                let l = l.id.to_string();
                prop_assert!(ca.contains(&l) && cb.contains(&l));
                // No deeper common ancestor: everything below l on a's chain is not on b's.
                let pos = ca.iter().position(|x| *x == l).unwrap();
                for deeper in &ca[..pos] {
                    prop_assert!(!cb.contains(deeper));
                }
            }
            None => prop_assert!(ca.iter().all(|x| !cb.contains(x))),
        }
    }

    #[test]
    fn json_export_import_is_identity(h in arb_hierarchy()) {
        let back = Hierarchy::from_json(&h.to_json()).unwrap();
        prop_assert_eq!(&back, &h);
        prop_assert_eq!(back.to_json(), h.to_json());
    }

    #[test]
    fn random_mutations_keep_invariants_and_refusals_change_nothing(
        h in arb_hierarchy(),
        ops in prop::collection::vec((0u8..6, 0usize..60, 0usize..60, 0usize..9), 1..60),
    ) {
        let mut h = h;
        for (op, a, b, kind) in ops {
            let (a, b) = (format!("n{a}"), format!("n{b}"));
            let before = h.clone();
            let before_json = h.to_json();
            let result = match op {
                0 => h.add(&a, TERRITORIAL[kind], "x").map(|_| ()),
                1 => h.contain(&a, &b),
                2 => h.remove(&a).map(|_| ()),
                3 => h.move_to(&a, &b),
                4 => h.disconnect(EdgeKind::Contains, &a, &b),
                _ => h.serve(&a, &b),
            };
            if result.is_err() {
                prop_assert_eq!(&h, &before);
                prop_assert_eq!(h.to_json(), before_json);
            }
            check_invariants(&h);
        }
    }
}
