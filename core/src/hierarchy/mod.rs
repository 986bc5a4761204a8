//! The governance hierarchy as a typed graph (治理体系).
//!
//! Territorial units (province → city → district → street/town → community → grid →
//! compound → building) form a containment tree; Party organisations, residents' and owners'
//! committees, property managers, departments and people in roles hang off that tree through
//! further edges: `leads` (党组织领导), `serves` (a grid worker serves a grid, a property
//! manager serves a compound), `member_of`, and `jurisdiction` (a functional department
//! 职能部门 has jurisdiction over a unit for some case categories, inherited by everything
//! the unit contains).
//!
//! The graph is a [`petgraph::stable_graph::StableGraph`]. Every node has an external id
//! chosen by the caller ([`NodeId`], e.g. an administrative division code) and a compact
//! [`NodeKey`] that the hierarchy assigns once and never gives to another id, so tickets can
//! refer to units cheaply and removing a node never changes another node's key.
//!
//! Every mutation checks the invariants and is refused with its own [`HierarchyError`]
//! variant, leaving the graph exactly as it was:
//! - ids are unique and well-formed;
//! - containment is a tree (one parent, no cycle) that respects the level order
//!   ([`NodeKind::level`]): a unit may only contain units of strictly lower levels, so a
//!   community may contain grids and compounds but never a street, and a building contains
//!   nothing territorial;
//! - every edge connects the right kinds (only a department holds jurisdiction, only people
//!   serve grids, only Party organisations lead, …);
//! - a node that still contains others cannot be removed.
//!
//! Queries that run per ticket (the escalation chain, ancestry, the acting units of an actor,
//! jurisdiction) use a compact index that is built on first use after a mutation and then
//! answered without allocation.
//!
//! ```
//! use wangge::hierarchy::{Hierarchy, NodeKind};
//!
//! let mut h = Hierarchy::new();
//! h.add("340404", NodeKind::District, "八公山区")?;
//! h.add("340404001", NodeKind::Street, "毕家岗街道")?;
//! h.add("340404001001", NodeKind::Community, "新建社区")?;
//! h.add("340404001001-01", NodeKind::Grid, "第一网格")?;
//! h.contain("340404", "340404001")?;
//! h.contain("340404001", "340404001001")?;
//! h.contain("340404001001", "340404001001-01")?;
//!
//! let chain: Vec<&str> = h.chain("340404001001-01")?.map(|n| n.id.as_str()).collect();
//! assert_eq!(chain, ["340404001001-01", "340404001001", "340404001", "340404"]);
//!
//! // A street can never sit inside a community:
//! h.add("340404002", NodeKind::Street, "土坝孜街道")?;
//! assert!(h.contain("340404001001", "340404002").is_err());
//! # Ok::<(), wangge::hierarchy::HierarchyError>(())
//! ```

// The code: this file holds the ids and keys, the nodes and edges, and the `Hierarchy`
// storage with its lookups; `mutations` adds, connects, moves and removes nodes under the
// invariants; `queries` answers the structural questions (parents, chains, ancestors,
// departments, centres).

pub mod boundary;
mod division;
mod error;
mod format;
pub(crate) mod index;
mod kinds;
mod mutations;
mod queries;

use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use crate::hash::IdState;
use hashbrown::HashTable;
use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use petgraph::visit::{EdgeRef, IntoEdgeReferences};
use petgraph::Direction;
use serde::{Deserialize, Serialize};
use std::hash::BuildHasher;

pub use boundary::{Boundary, Ring, CONTAINMENT_TOLERANCE};
pub use division::{DivisionCodeError, DivisionImport, DivisionRow, RowError};
pub use error::HierarchyError;
pub use format::{HierarchyDocument, FORMAT_NAME, FORMAT_VERSION};
pub use kinds::{EdgeKind, NodeClass, NodeKind};

use index::Index;

/// The external id of a node, chosen by the caller: e.g. a statistical division code
/// (`"340404001001"`), a grid code, or any stable string.
///
/// Ids are non-empty, at most 128 bytes, and contain no whitespace or control characters.
/// Ids starting with `@` are reserved for actors that are not nodes (`@system`).
///
/// Ids of up to 24 bytes (every statistical division code, and most grid and unit codes) are
/// kept inline, without a heap allocation of their own.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(compact_str::CompactString);

impl Serialize for NodeId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// The longest id accepted, in bytes.
pub const MAX_ID_LEN: usize = 128;

impl NodeId {
    /// Checks and wraps an id.
    pub fn new(id: impl Into<String>) -> Result<NodeId, HierarchyError> {
        let id = id.into();
        match NodeId::check(&id) {
            Ok(()) => Ok(NodeId(compact_str::CompactString::from(id))),
            Err(None) => Err(HierarchyError::ReservedId { id }),
            Err(Some(reason)) => Err(HierarchyError::InvalidId { id, reason }),
        }
    }

    /// Checks and wraps an id given as text (no copy to a `String` first).
    pub(crate) fn from_text(id: &str) -> Result<NodeId, HierarchyError> {
        match NodeId::check(id) {
            Ok(()) => Ok(NodeId(compact_str::CompactString::from(id))),
            Err(_) => NodeId::new(id),
        }
    }

    /// Why an id is refused: `Err(None)` for a reserved id.
    fn check(id: &str) -> Result<(), Option<&'static str>> {
        if id.is_empty() {
            Err(Some("an id must not be empty"))
        } else if id.len() > MAX_ID_LEN {
            Err(Some("an id must be at most 128 bytes"))
        } else if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
            Err(Some(
                "an id must not contain whitespace or control characters",
            ))
        } else if id.starts_with('@') {
            Err(None)
        } else {
            Ok(())
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// An id that is known to be valid (used for placeholders such as `#12`).
    pub(crate) fn unchecked(id: String) -> NodeId {
        NodeId(compact_str::CompactString::from(id))
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for NodeId {
    type Err = HierarchyError;
    fn from_str(s: &str) -> Result<NodeId, HierarchyError> {
        NodeId::from_text(s)
    }
}

impl Borrow<str> for NodeId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for NodeId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for NodeId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<NodeId, D::Error> {
        crate::strict_json::parse_str(deserializer, NodeId::from_text)
    }
}

/// A compact handle for a node of one hierarchy (and of its clones).
///
/// Keys are assigned in insertion order, never reused for another id (a removed id keeps its
/// key, so records that mention it still resolve), and are the way hot paths and the ledger
/// refer to nodes. They are meaningless in another hierarchy: exchange [`NodeId`]s across
/// hierarchies and processes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeKey(u32);

impl NodeKey {
    /// The key as a dense index (0, 1, 2, …).
    pub const fn index(self) -> usize {
        self.0 as usize
    }

    /// The key from a dense index. Whether it names a node is up to the hierarchy.
    pub const fn from_index(index: u32) -> NodeKey {
        NodeKey(index)
    }

    /// The raw value.
    pub const fn raw(self) -> u32 {
        self.0
    }
}

/// A point on the map (degrees, in the hierarchy's coordinate system: WGS-84 unless its
/// document says otherwise), for units that have one.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeoPoint {
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lng: f64,
}

impl GeoPoint {
    /// Whether this is a point on the globe: finite, latitude within ±90°, longitude within
    /// ±180°. Checked wherever a node gets a location.
    pub fn is_valid(&self) -> bool {
        self.lat.is_finite()
            && self.lng.is_finite()
            && (-90.0..=90.0).contains(&self.lat)
            && (-180.0..=180.0).contains(&self.lng)
    }

    pub(crate) fn check(&self, id: &str) -> Result<(), HierarchyError> {
        if self.is_valid() {
            Ok(())
        } else {
            Err(HierarchyError::InvalidLocation {
                id: id.to_owned(),
                lat: self.lat.to_string(),
                lng: self.lng.to_string(),
            })
        }
    }
}

/// A node of the hierarchy: a territorial unit, an organisation or a person in a role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Node {
    /// The stable external id.
    pub id: NodeId,
    /// What the node is.
    pub kind: NodeKind,
    /// Its display name, e.g. `新建社区`.
    pub name: String,
    /// A postal address, if known (used by the Open311 export).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// A location, if known, in the hierarchy's coordinate system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<GeoPoint>,
    /// The unit's boundary on the map, if drawn (a GeoJSON `Polygon` or `MultiPolygon` in the
    /// hierarchy's coordinate system; see [`Boundary`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boundary: Option<Boundary>,
}

impl Node {
    /// A node with an id, a kind and a name.
    pub fn new(
        id: impl Into<String>,
        kind: NodeKind,
        name: impl Into<String>,
    ) -> Result<Node, HierarchyError> {
        Ok(Node {
            id: NodeId::new(id)?,
            kind,
            name: name.into(),
            address: None,
            location: None,
            boundary: None,
        })
    }
}

/// An edge as plain data (the import/export form).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Edge {
    /// What the edge means.
    pub kind: EdgeKind,
    /// The source: the container, the leader, the server, the member, the department.
    pub from: NodeId,
    /// The target: the contained unit, the led unit, the served unit, the organisation, the
    /// unit under jurisdiction.
    pub to: NodeId,
    /// For `jurisdiction` only: the case categories covered (see [`category_matches`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
}

/// Whether a jurisdiction pattern covers a case category.
///
/// Categories are dotted codes (`event.street_order.stall`). A pattern covers the category
/// equal to it and every category below it (`event.street_order` covers
/// `event.street_order.stall`, but not `event.street_orderly`); `*` covers everything.
///
/// ```
/// use wangge::hierarchy::category_matches;
/// assert!(category_matches("event", "event.construction"));
/// assert!(!category_matches("event.con", "event.construction"));
/// assert!(category_matches("*", "livelihood"));
/// ```
pub fn category_matches(pattern: &str, category: &str) -> bool {
    if pattern == "*" || pattern == category {
        return true;
    }
    category
        .strip_prefix(pattern)
        .is_some_and(|rest| rest.starts_with('.'))
}

#[derive(Debug, Clone)]
struct NodeData {
    key: NodeKey,
    node: Node,
}

#[derive(Debug, Clone)]
struct EdgeData {
    kind: EdgeKind,
    categories: Box<[String]>,
}

#[derive(Debug, Clone)]
struct Slot {
    id: NodeId,
    kind: NodeKind,
    index: Option<NodeIndex>,
}

/// The keys of ids ever added (removed nodes keep theirs): a table of keys, compared
/// through the slots' ids. Four bytes a node, where a map holding its own copy of each id
/// took 32: the lookup reads the node's slot, which the caller reads next anyway, and a
/// city's table (37,000 nodes: about 320 KB with its control bytes, where the map took
/// 2.1 MB) stays in the cache while a ledger streams through.
#[derive(Clone, Default)]
struct IdIndex {
    table: HashTable<u32>,
    state: IdState,
}

impl IdIndex {
    fn get(&self, slots: &[Slot], id: &str) -> Option<NodeKey> {
        self.table
            .find(self.state.hash_one(id), |k| {
                slots.get(*k as usize).is_some_and(|s| s.id.as_str() == id)
            })
            .map(|k| NodeKey(*k))
    }

    /// Adds the key of a slot; the id must not be in the table.
    fn insert(&mut self, slots: &[Slot], key: NodeKey) {
        let Some(slot) = slots.get(key.index()) else {
            return;
        };
        let state = &self.state;
        self.table
            .insert_unique(state.hash_one(slot.id.as_str()), key.0, |k| {
                slots
                    .get(*k as usize)
                    .map_or(0, |s| state.hash_one(s.id.as_str()))
            });
    }
}

/// The governance hierarchy: a typed graph with checked invariants. See the
/// [module documentation](self).
///
/// `Hierarchy` is plain data: `Clone`, `Send`, `Sync`, serializable to the documented JSON
/// format ([`HierarchyDocument`]), and compared by content (`==` ignores insertion order).
#[derive(Clone, Default)]
pub struct Hierarchy {
    graph: StableDiGraph<NodeData, EdgeData>,
    slots: Vec<Slot>,
    by_id: IdIndex,
    index: OnceLock<Index>,
    /// The system of locations and boundaries (WGS-84 unless the document says otherwise).
    coordinate_system: crate::geo::CoordSystem,
    locator: OnceLock<boundary::Locator>,
}

impl fmt::Debug for Hierarchy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hierarchy")
            .field("nodes", &self.len())
            .field("edges", &self.edge_count())
            .finish()
    }
}

type Result<T, E = HierarchyError> = std::result::Result<T, E>;

impl Hierarchy {
    /// An empty hierarchy.
    pub fn new() -> Hierarchy {
        Hierarchy::default()
    }

    /// The number of live nodes.
    pub fn len(&self) -> usize {
        self.graph.node_count()
    }

    /// Whether there are no nodes.
    pub fn is_empty(&self) -> bool {
        self.graph.node_count() == 0
    }

    /// The number of edges of all kinds.
    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    // ----- lookups -------------------------------------------------------------------------

    /// The key of a live node.
    pub fn key(&self, id: &str) -> Option<NodeKey> {
        self.by_id
            .get(&self.slots, id)
            .filter(|k| self.slot(*k).is_some_and(|s| s.index.is_some()))
    }

    /// The key of a live node, or [`HierarchyError::UnknownId`].
    pub fn require(&self, id: &str) -> Result<NodeKey> {
        self.key(id)
            .ok_or_else(|| HierarchyError::UnknownId { id: id.to_owned() })
    }

    /// The key of a live node, trying `hint` first: when the caller can guess the node (a
    /// dispatch usually names the ticket's own grid), comparing one id saves the lookup,
    /// which in a large ledger is a cache miss. The answer is the same as [`key`](Self::key)'s.
    pub(crate) fn key_hinted(&self, id: &str, hint: NodeKey) -> Option<NodeKey> {
        match self.slot(hint) {
            Some(s) if s.index.is_some() && s.id.as_str() == id => Some(hint),
            _ => self.key(id),
        }
    }

    /// The key ever assigned to an id, even if the node was removed since.
    pub fn key_ever(&self, id: &str) -> Option<NodeKey> {
        self.by_id.get(&self.slots, id)
    }

    /// The id of a key (also for removed nodes, which keep their key).
    pub fn id(&self, key: NodeKey) -> Option<&NodeId> {
        self.slot(key).map(|s| &s.id)
    }

    /// The kind of a key (also for removed nodes).
    pub fn kind_of(&self, key: NodeKey) -> Option<NodeKind> {
        self.slot(key).map(|s| s.kind)
    }

    /// Whether the key names a live node.
    pub fn is_live(&self, key: NodeKey) -> bool {
        self.slot(key).is_some_and(|s| s.index.is_some())
    }

    /// The number of keys ever assigned (live and removed); keys are `0..key_bound()`.
    pub fn key_bound(&self) -> usize {
        self.slots.len()
    }

    /// A live node by id.
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.key(id).and_then(|k| self.node_by_key(k))
    }

    /// A live node by key.
    pub fn node_by_key(&self, key: NodeKey) -> Option<&Node> {
        let ix = self.slot(key)?.index?;
        self.graph.node_weight(ix).map(|d| &d.node)
    }

    /// All live nodes in key (insertion) order.
    pub fn nodes(&self) -> impl Iterator<Item = &Node> + '_ {
        self.slots
            .iter()
            .filter_map(|s| s.index)
            .filter_map(|ix| self.graph.node_weight(ix).map(|d| &d.node))
    }

    /// All edges, in a deterministic order (by kind, then source key, then target key).
    pub fn edges(&self) -> Vec<Edge> {
        let mut edges: Vec<(EdgeKind, NodeKey, NodeKey, Edge)> = self
            .graph
            .edge_references()
            .filter_map(|e| {
                let from = self.graph.node_weight(e.source())?;
                let to = self.graph.node_weight(e.target())?;
                let w = e.weight();
                Some((
                    w.kind,
                    from.key,
                    to.key,
                    Edge {
                        kind: w.kind,
                        from: from.node.id.clone(),
                        to: to.node.id.clone(),
                        categories: w.categories.to_vec(),
                    },
                ))
            })
            .collect();
        edges.sort_by_key(|(kind, from, to, _)| (*kind, *from, *to));
        edges.into_iter().map(|(_, _, _, e)| e).collect()
    }

    /// The number of keys ever assigned (removed nodes keep theirs): keys are `0..` this.
    #[cfg_attr(not(feature = "arrow"), allow(dead_code))]
    pub(crate) fn key_count(&self) -> usize {
        self.slots.len()
    }

    fn slot(&self, key: NodeKey) -> Option<&Slot> {
        self.slots.get(key.index())
    }

    fn live(&self, id: &str) -> Result<(NodeKey, NodeIndex, NodeKind)> {
        let key = self.require(id)?;
        match self.slot(key) {
            Some(Slot {
                index: Some(ix),
                kind,
                ..
            }) => Ok((key, *ix, *kind)),
            _ => Err(HierarchyError::UnknownId { id: id.to_owned() }),
        }
    }

    fn invalidate(&mut self) {
        self.index = OnceLock::new();
        self.locator = OnceLock::new();
    }

    pub(crate) fn index(&self) -> &Index {
        self.index.get_or_init(|| Index::build(self))
    }
}

impl PartialEq for Hierarchy {
    /// Two hierarchies are equal when they have the same nodes and the same edges,
    /// whatever the order in which they were built.
    fn eq(&self, other: &Hierarchy) -> bool {
        if self.len() != other.len()
            || self.edge_count() != other.edge_count()
            || self.coordinate_system != other.coordinate_system
        {
            return false;
        }
        let nodes_equal = self
            .nodes()
            .all(|n| other.node(n.id.as_str()).is_some_and(|m| m == n));
        if !nodes_equal {
            return false;
        }
        let key = |e: &Edge| (e.kind, e.from.clone(), e.to.clone());
        let mut a = self.edges();
        let mut b = other.edges();
        a.sort_by_key(key);
        b.sort_by_key(key);
        a == b
    }
}

// Compile-time proof that the hierarchy can be shared across threads.
const _: fn() = || {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Hierarchy>();
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hinted_key_is_the_key_whatever_the_hint() {
        let mut h = Hierarchy::new();
        for (id, kind) in [
            ("c", NodeKind::Community),
            ("g1", NodeKind::Grid),
            ("g2", NodeKind::Grid),
        ] {
            h.add(id, kind, id).unwrap_or_else(|e| panic!("{e}"));
        }
        let (g1, g2) = (h.key("g1"), h.key("g2"));
        let (Some(k1), Some(k2)) = (g1, g2) else {
            panic!("added nodes have keys")
        };
        // The right hint, a wrong one, and an id that names nothing.
        assert_eq!(h.key_hinted("g1", k1), g1);
        assert_eq!(h.key_hinted("g1", k2), g1);
        assert_eq!(h.key_hinted("nobody", k1), None);
        // A removed node is not found through its old key either.
        h.remove("g1").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(h.key_hinted("g1", k1), None);
        assert_eq!(h.key_hinted("g2", k1), g2);
    }
}
