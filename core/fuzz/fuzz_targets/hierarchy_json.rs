//! Hierarchy documents (`wangge.hierarchy`, `Hierarchy::from_json`).
//!
//! - A document that reads writes (`to_json`) a document that reads back to a hierarchy
//!   writing the same text (export → import → export is the identity), and the indented form
//!   reads back to it too. Coordinates are compared up to a few units in the last place:
//!   serde_json's default float reader is not exact (see `wangge_fuzz::same_json`).
//! - serde's reader (`Deserialize for Hierarchy`, more lenient about shapes) accepts what the
//!   strict reader accepts and gives the same hierarchy.
//! - The queries answer without panicking on every node of whatever was read, and agree with
//!   one another (a node's parent lists it among its children; its chain starts with it).
#![no_main]

use libfuzzer_sys::fuzz_target;
use wangge::hierarchy::{Hierarchy, NodeKind};

fuzz_target!(|data: &[u8]| {
    let Some(text) = wangge_fuzz::text(data) else {
        return;
    };
    let Ok(h) = Hierarchy::from_json(text) else {
        return;
    };
    let written = h.to_json();
    let back = Hierarchy::from_json(&written)
        .unwrap_or_else(|e| panic!("the export does not read back: {e}\n{written}"));
    // Up to the last place of a coordinate (see `wangge_fuzz::same_json`).
    let again = back.to_json();
    assert!(
        wangge_fuzz::same_json(&again, &written),
        "export → import → export\n{written}\n{again}"
    );
    assert_eq!(back.len(), h.len());
    assert_eq!(back.edge_count(), h.edge_count());
    let pretty = Hierarchy::from_json(&h.to_json_pretty())
        .unwrap_or_else(|e| panic!("the indented export does not read back: {e}"));
    assert!(
        wangge_fuzz::same_json(&pretty.to_json(), &written),
        "indented export"
    );
    let lenient: Hierarchy = serde_json::from_str(text)
        .unwrap_or_else(|e| panic!("serde refuses what from_json accepts: {e}"));
    assert!(
        wangge_fuzz::same_json(&lenient.to_json(), &written),
        "serde and from_json disagree"
    );

    let ids: Vec<String> = h
        .nodes()
        .take(24)
        .map(|n| n.id.as_str().to_owned())
        .collect();
    for id in &ids {
        let parent = h.parent(id).expect("a node read has a parent or none");
        if let Some(p) = parent {
            let p = p.id.as_str().to_owned();
            assert!(
                h.children(&p)
                    .expect("the parent exists")
                    .any(|c| c.id.as_str() == id),
                "{id} is not among the children of its parent {p}"
            );
        }
        let mut chain = h.chain(id).expect("a node read has a chain");
        if let Some(first) = chain.next() {
            assert_eq!(first.id.as_str(), id, "a chain starts with the node");
        }
        let _ = h.grid_of(id);
        let _ = h.leading_party_org(id);
        let _ = h.staff(id).map(|s| s.count());
        let _ = h.commanding_centres(id);
        let _ = h.supervising_centres(id);
        let _ = h.departments_for(id, "livelihood.repair");
        let _ = h.descendants_of_kind(id, NodeKind::Grid).map(|d| d.count());
        for other in ids.iter().take(4) {
            let a = h.lowest_common_ancestor(id, other).expect("both exist");
            let b = h.lowest_common_ancestor(other, id).expect("both exist");
            assert_eq!(
                a.map(|n| n.id.as_str()),
                b.map(|n| n.id.as_str()),
                "the lowest common ancestor of {id} and {other} depends on the order"
            );
        }
    }
});
