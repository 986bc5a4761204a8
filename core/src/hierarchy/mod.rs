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

mod division;
mod error;
mod format;
pub(crate) mod index;
mod kinds;

use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use petgraph::visit::{EdgeRef, IntoEdgeReferences};
use petgraph::Direction;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

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
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct NodeId(String);

/// The longest id accepted, in bytes.
pub const MAX_ID_LEN: usize = 128;

impl NodeId {
    /// Checks and wraps an id.
    pub fn new(id: impl Into<String>) -> Result<NodeId, HierarchyError> {
        let id = id.into();
        let reason = if id.is_empty() {
            Some("an id must not be empty")
        } else if id.len() > MAX_ID_LEN {
            Some("an id must be at most 128 bytes")
        } else if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
            Some("an id must not contain whitespace or control characters")
        } else if id.starts_with('@') {
            return Err(HierarchyError::ReservedId { id });
        } else {
            None
        };
        match reason {
            Some(reason) => Err(HierarchyError::InvalidId { id, reason }),
            None => Ok(NodeId(id)),
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// An id that is known to be valid (used for placeholders such as `#12`).
    pub(crate) fn unchecked(id: String) -> NodeId {
        NodeId(id)
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
        NodeId::new(s)
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
        let s = String::deserialize(deserializer)?;
        NodeId::new(s).map_err(serde::de::Error::custom)
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

/// A point on the map (WGS-84 degrees), for units that have one.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeoPoint {
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lng: f64,
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
    /// A location, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<GeoPoint>,
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

/// The governance hierarchy: a typed graph with checked invariants. See the
/// [module documentation](self).
///
/// `Hierarchy` is plain data: `Clone`, `Send`, `Sync`, serializable to the documented JSON
/// format ([`HierarchyDocument`]), and compared by content (`==` ignores insertion order).
#[derive(Clone, Default)]
pub struct Hierarchy {
    graph: StableDiGraph<NodeData, EdgeData>,
    slots: Vec<Slot>,
    by_id: FxHashMap<NodeId, NodeKey>,
    index: OnceLock<Index>,
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
            .get(id)
            .copied()
            .filter(|k| self.slot(*k).is_some_and(|s| s.index.is_some()))
    }

    /// The key of a live node, or [`HierarchyError::UnknownId`].
    pub fn require(&self, id: &str) -> Result<NodeKey> {
        self.key(id)
            .ok_or_else(|| HierarchyError::UnknownId { id: id.to_owned() })
    }

    /// The key ever assigned to an id, even if the node was removed since.
    pub fn key_ever(&self, id: &str) -> Option<NodeKey> {
        self.by_id.get(id).copied()
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
    }

    pub(crate) fn index(&self) -> &Index {
        self.index.get_or_init(|| Index::build(self))
    }

    // ----- mutations -----------------------------------------------------------------------

    /// Adds a node. Refused if the id is already used by a live node.
    ///
    /// Re-adding an id that was removed gives it back its old key.
    pub fn add_node(&mut self, node: Node) -> Result<NodeKey> {
        if self.key(node.id.as_str()).is_some() {
            return Err(HierarchyError::DuplicateId {
                id: node.id.to_string(),
            });
        }
        let key = match self.by_id.get(node.id.as_str()) {
            Some(k) => *k,
            None => {
                let raw = u32::try_from(self.slots.len()).map_err(|_| {
                    HierarchyError::CapacityExceeded {
                        limit: u32::MAX as usize,
                    }
                })?;
                NodeKey(raw)
            }
        };
        let kind = node.kind;
        let id = node.id.clone();
        let ix = self.graph.add_node(NodeData { key, node });
        if key.index() == self.slots.len() {
            self.slots.push(Slot {
                id: id.clone(),
                kind,
                index: Some(ix),
            });
            self.by_id.insert(id, key);
        } else if let Some(slot) = self.slots.get_mut(key.index()) {
            slot.kind = kind;
            slot.index = Some(ix);
        }
        self.invalidate();
        Ok(key)
    }

    /// Adds a node from an id, a kind and a name.
    pub fn add(&mut self, id: &str, kind: NodeKind, name: &str) -> Result<NodeKey> {
        self.add_node(Node::new(id, kind, name)?)
    }

    /// Adds an edge of any kind after checking every invariant.
    pub fn connect(&mut self, edge: &Edge) -> Result<()> {
        let (from_key, from_ix, from_kind) = self.live(edge.from.as_str())?;
        let (to_key, to_ix, to_kind) = self.live(edge.to.as_str())?;
        if edge.kind != EdgeKind::Jurisdiction && !edge.categories.is_empty() {
            return Err(HierarchyError::UnexpectedCategories {
                edge: edge.kind,
                from: edge.from.to_string(),
                to: edge.to.to_string(),
            });
        }
        kinds::check_edge_kinds(edge.kind, from_kind, to_kind).map_err(|rule| {
            HierarchyError::EdgeKinds {
                edge: edge.kind,
                from: edge.from.to_string(),
                from_kind,
                to: edge.to.to_string(),
                to_kind,
                rule,
            }
        })?;
        if from_key == to_key {
            return Err(match edge.kind {
                EdgeKind::Contains => HierarchyError::ContainmentCycle {
                    parent: edge.from.to_string(),
                    child: edge.to.to_string(),
                },
                _ => HierarchyError::EdgeKinds {
                    edge: edge.kind,
                    from: edge.from.to_string(),
                    from_kind,
                    to: edge.to.to_string(),
                    to_kind,
                    rule: "an edge cannot connect a node to itself",
                },
            });
        }
        if self.find_edge(from_ix, to_ix, edge.kind).is_some() {
            return Err(HierarchyError::DuplicateEdge {
                edge: edge.kind,
                from: edge.from.to_string(),
                to: edge.to.to_string(),
            });
        }
        let categories: Box<[String]> = match edge.kind {
            EdgeKind::Jurisdiction => {
                if edge.categories.is_empty() {
                    return Err(HierarchyError::EmptyJurisdiction {
                        department: edge.from.to_string(),
                        unit: edge.to.to_string(),
                    });
                }
                for c in &edge.categories {
                    check_category_pattern(c)?;
                }
                edge.categories.clone().into_boxed_slice()
            }
            _ => Box::default(),
        };
        if edge.kind == EdgeKind::Contains {
            self.check_containment(from_ix, to_ix, &edge.from, &edge.to)?;
        }
        self.graph.add_edge(
            from_ix,
            to_ix,
            EdgeData {
                kind: edge.kind,
                categories,
            },
        );
        self.invalidate();
        Ok(())
    }

    fn check_containment(
        &self,
        parent_ix: NodeIndex,
        child_ix: NodeIndex,
        parent: &NodeId,
        child: &NodeId,
    ) -> Result<()> {
        self.check_cycle_and_level(parent_ix, child_ix, parent.as_str(), child.as_str())?;
        if let Some(existing) = self.parent_ix(child_ix) {
            let existing = self
                .graph
                .node_weight(existing)
                .map(|d| d.node.id.to_string())
                .unwrap_or_default();
            return Err(HierarchyError::AlreadyContained {
                child: child.to_string(),
                parent: parent.to_string(),
                existing_parent: existing,
            });
        }
        Ok(())
    }

    fn check_cycle_and_level(
        &self,
        parent_ix: NodeIndex,
        child_ix: NodeIndex,
        parent: &str,
        child: &str,
    ) -> Result<()> {
        // A cycle: the child is the parent or one of its ancestors.
        let mut cursor = Some(parent_ix);
        while let Some(ix) = cursor {
            if ix == child_ix {
                return Err(HierarchyError::ContainmentCycle {
                    parent: parent.to_owned(),
                    child: child.to_owned(),
                });
            }
            cursor = self.parent_ix(ix);
        }
        let parent_kind = self.kind_at(parent_ix);
        let child_kind = self.kind_at(child_ix);
        match (parent_kind.level(), child_kind.level()) {
            (Some(p), Some(c)) if c > p => Ok(()),
            _ => Err(HierarchyError::LevelOrder {
                parent: parent.to_owned(),
                parent_kind,
                child: child.to_owned(),
                child_kind,
            }),
        }
    }

    fn kind_at(&self, ix: NodeIndex) -> NodeKind {
        self.graph
            .node_weight(ix)
            .map(|d| d.node.kind)
            .unwrap_or(NodeKind::Building)
    }

    fn parent_ix(&self, ix: NodeIndex) -> Option<NodeIndex> {
        self.graph
            .edges_directed(ix, Direction::Incoming)
            .find(|e| e.weight().kind == EdgeKind::Contains)
            .map(|e| e.source())
    }

    fn find_edge(&self, from: NodeIndex, to: NodeIndex, kind: EdgeKind) -> Option<EdgeIndex> {
        self.graph
            .edges_connecting(from, to)
            .find(|e| e.weight().kind == kind)
            .map(|e| e.id())
    }

    /// `parent` contains `child` (territorial containment, 包含).
    pub fn contain(&mut self, parent: &str, child: &str) -> Result<()> {
        self.connect(&edge(EdgeKind::Contains, parent, child)?)
    }

    /// A Party committee or branch leads a unit or an organisation (领导).
    pub fn lead(&mut self, party_org: &str, target: &str) -> Result<()> {
        self.connect(&edge(EdgeKind::Leads, party_org, target)?)
    }

    /// A person or an organisation serves a territorial unit (服务/负责): a grid worker a
    /// grid, a property manager a compound.
    pub fn serve(&mut self, who: &str, unit: &str) -> Result<()> {
        self.connect(&edge(EdgeKind::Serves, who, unit)?)
    }

    /// A person or an organisation is a member of an organisation.
    pub fn join(&mut self, member: &str, organisation: &str) -> Result<()> {
        self.connect(&edge(EdgeKind::MemberOf, member, organisation)?)
    }

    /// A department gets jurisdiction over a unit (and everything it contains) for some case
    /// categories.
    pub fn grant_jurisdiction(
        &mut self,
        department: &str,
        unit: &str,
        categories: &[&str],
    ) -> Result<()> {
        let mut e = edge(EdgeKind::Jurisdiction, department, unit)?;
        e.categories = categories.iter().map(|c| (*c).to_owned()).collect();
        self.connect(&e)
    }

    /// A centre (an operations or hotline centre) supervises a unit and everything it
    /// contains (监督: files, verifies, closes, makes the return visit; see
    /// [`crate::ticket::authority`]).
    pub fn supervise(&mut self, centre: &str, unit: &str) -> Result<()> {
        self.connect(&edge(EdgeKind::Supervises, centre, unit)?)
    }

    /// A centre commands a unit and everything it contains (指挥: dispatches, decides
    /// extensions and suspensions, sets deadlines).
    pub fn command(&mut self, centre: &str, unit: &str) -> Result<()> {
        self.connect(&edge(EdgeKind::Commands, centre, unit)?)
    }

    /// Removes an edge.
    pub fn disconnect(&mut self, kind: EdgeKind, from: &str, to: &str) -> Result<()> {
        let (_, from_ix, _) = self.live(from)?;
        let (_, to_ix, _) = self.live(to)?;
        let e =
            self.find_edge(from_ix, to_ix, kind)
                .ok_or_else(|| HierarchyError::UnknownEdge {
                    edge: kind,
                    from: from.to_owned(),
                    to: to.to_owned(),
                })?;
        self.graph.remove_edge(e);
        self.invalidate();
        Ok(())
    }

    /// Removes a node and all its edges. Refused while it still contains other units.
    ///
    /// The id keeps its key: records that mention it (tickets, logs) still resolve.
    pub fn remove(&mut self, id: &str) -> Result<Node> {
        let (key, ix, _) = self.live(id)?;
        let children = self
            .graph
            .edges_directed(ix, Direction::Outgoing)
            .filter(|e| e.weight().kind == EdgeKind::Contains)
            .count();
        if children > 0 {
            return Err(HierarchyError::NotEmpty {
                id: id.to_owned(),
                children,
            });
        }
        let data = self
            .graph
            .remove_node(ix)
            .ok_or_else(|| HierarchyError::UnknownId { id: id.to_owned() })?;
        if let Some(slot) = self.slots.get_mut(key.index()) {
            slot.index = None;
        }
        self.invalidate();
        Ok(data.node)
    }

    /// Moves a unit (with everything it contains) under a new parent (划转).
    pub fn move_to(&mut self, child: &str, new_parent: &str) -> Result<()> {
        let (_, child_ix, child_kind) = self.live(child)?;
        let (_, parent_ix, parent_kind) = self.live(new_parent)?;
        kinds::check_edge_kinds(EdgeKind::Contains, parent_kind, child_kind).map_err(|rule| {
            HierarchyError::EdgeKinds {
                edge: EdgeKind::Contains,
                from: new_parent.to_owned(),
                from_kind: parent_kind,
                to: child.to_owned(),
                to_kind: child_kind,
                rule,
            }
        })?;
        self.check_cycle_and_level(parent_ix, child_ix, new_parent, child)?;
        let old = self
            .graph
            .edges_directed(child_ix, Direction::Incoming)
            .find(|e| e.weight().kind == EdgeKind::Contains)
            .map(|e| e.id());
        if let Some(e) = old {
            self.graph.remove_edge(e);
        }
        self.graph.add_edge(
            parent_ix,
            child_ix,
            EdgeData {
                kind: EdgeKind::Contains,
                categories: Box::default(),
            },
        );
        self.invalidate();
        Ok(())
    }

    /// Renames a node.
    pub fn rename(&mut self, id: &str, name: &str) -> Result<()> {
        let (_, ix, _) = self.live(id)?;
        if let Some(d) = self.graph.node_weight_mut(ix) {
            d.node.name = name.to_owned();
        }
        Ok(())
    }

    /// Sets or clears the address and location of a node.
    pub fn set_place(
        &mut self,
        id: &str,
        address: Option<String>,
        location: Option<GeoPoint>,
    ) -> Result<()> {
        let (_, ix, _) = self.live(id)?;
        if let Some(d) = self.graph.node_weight_mut(ix) {
            d.node.address = address;
            d.node.location = location;
        }
        Ok(())
    }

    // ----- queries -------------------------------------------------------------------------

    /// The unit that contains this one, if any.
    pub fn parent(&self, id: &str) -> Result<Option<&Node>> {
        let key = self.require(id)?;
        Ok(self.parent_key(key).and_then(|k| self.node_by_key(k)))
    }

    /// The key of the containing unit.
    pub fn parent_key(&self, key: NodeKey) -> Option<NodeKey> {
        self.index().parent(key)
    }

    /// The units directly contained in this one, in key order.
    pub fn children(&self, id: &str) -> Result<impl Iterator<Item = &Node> + '_> {
        let key = self.require(id)?;
        Ok(self
            .index()
            .children(key)
            .iter()
            .filter_map(|k| self.node_by_key(*k)))
    }

    /// The escalation chain (升级链): the unit itself, then every ancestor up to the root.
    /// Empty for nodes outside the territorial tree (organisations, people).
    pub fn chain(&self, id: &str) -> Result<impl Iterator<Item = &Node> + '_> {
        let key = self.require(id)?;
        Ok(self
            .chain_keys(key)
            .iter()
            .filter_map(|k| self.node_by_key(*k)))
    }

    /// The escalation chain as keys, without allocation.
    pub fn chain_keys(&self, key: NodeKey) -> &[NodeKey] {
        self.index().chain(key)
    }

    /// Writes the escalation chains of many units into one buffer: `out` receives the chains
    /// one after another and `ends[i]` is where the i-th chain ends (so chain `i` is
    /// `out[ends[i-1]..ends[i]]`). Unknown keys get an empty chain. Buffers are cleared first
    /// and reused, so a caller that keeps them allocates nothing in steady state.
    pub fn chains_into(&self, keys: &[NodeKey], out: &mut Vec<NodeKey>, ends: &mut Vec<u32>) {
        let index = self.index();
        out.clear();
        ends.clear();
        ends.reserve(keys.len());
        for key in keys {
            out.extend_from_slice(index.chain(*key));
            ends.push(u32::try_from(out.len()).unwrap_or(u32::MAX));
        }
    }

    /// Checks raw keys from outside (the typed arrays of the bindings): every one must have
    /// been assigned by this hierarchy.
    fn check_keys(&self, keys: &[u32]) -> Result<()> {
        let bound = u32::try_from(self.key_bound()).unwrap_or(u32::MAX);
        match keys.iter().find(|k| **k >= bound) {
            Some(key) => Err(HierarchyError::UnknownKey { key: *key }),
            None => Ok(()),
        }
    }

    /// The escalation chains of many units given as raw keys (the bindings' typed arrays):
    /// `(chains, ends)` as in [`Hierarchy::chains_into`]. A key this hierarchy never assigned
    /// is refused with [`HierarchyError::UnknownKey`].
    pub fn chains_of(&self, keys: &[u32]) -> Result<(Vec<u32>, Vec<u32>)> {
        self.check_keys(keys)?;
        let index = self.index();
        let mut out = Vec::with_capacity(keys.len() * 6);
        let mut ends = Vec::with_capacity(keys.len());
        for key in keys {
            out.extend(index.chain(NodeKey(*key)).iter().map(|k| k.0));
            ends.push(u32::try_from(out.len()).unwrap_or(u32::MAX));
        }
        Ok((out, ends))
    }

    /// The total length of the escalation chains of many units given as raw keys (a routing
    /// checksum); unknown keys are refused as in [`Hierarchy::chains_of`].
    pub fn chain_lengths(&self, keys: &[u32]) -> Result<usize> {
        self.check_keys(keys)?;
        let index = self.index();
        Ok(keys.iter().map(|k| index.chain(NodeKey(*k)).len()).sum())
    }

    /// The nearest strict ancestor of a kind of many units given as raw keys (`None` where
    /// there is none); unknown keys are refused as in [`Hierarchy::chains_of`].
    pub fn ancestors_of_kind(&self, keys: &[u32], kind: NodeKind) -> Result<Vec<Option<u32>>> {
        self.check_keys(keys)?;
        Ok(keys
            .iter()
            .map(|k| self.ancestor_key_of_kind(NodeKey(*k), kind).map(|a| a.0))
            .collect())
    }

    /// The depth of a territorial unit (0 for a root).
    pub fn depth(&self, key: NodeKey) -> Option<usize> {
        let chain = self.chain_keys(key);
        chain.len().checked_sub(1)
    }

    /// Whether `area` is `unit` or one of its ancestors (O(1)).
    pub fn is_within(&self, unit: NodeKey, area: NodeKey) -> bool {
        self.index().is_within(unit, area)
    }

    /// The nearest strict ancestor of a given kind.
    pub fn ancestor_of_kind(&self, id: &str, kind: NodeKind) -> Result<Option<&Node>> {
        let key = self.require(id)?;
        Ok(self
            .ancestor_key_of_kind(key, kind)
            .and_then(|k| self.node_by_key(k)))
    }

    /// The nearest strict ancestor of a given kind, by key.
    pub fn ancestor_key_of_kind(&self, key: NodeKey, kind: NodeKind) -> Option<NodeKey> {
        self.chain_keys(key)
            .iter()
            .skip(1)
            .find(|k| self.kind_of(**k) == Some(kind))
            .copied()
    }

    /// Every unit below this one (not itself) of a given kind, in depth-first order.
    pub fn descendants_of_kind(
        &self,
        id: &str,
        kind: NodeKind,
    ) -> Result<impl Iterator<Item = &Node> + '_> {
        let key = self.require(id)?;
        Ok(self
            .index()
            .descendants(key)
            .iter()
            .filter(move |k| self.kind_of(**k) == Some(kind))
            .filter_map(|k| self.node_by_key(*k)))
    }

    /// Every unit below this one (not itself), in depth-first order, as keys.
    pub fn descendant_keys(&self, key: NodeKey) -> &[NodeKey] {
        self.index().descendants(key)
    }

    /// The lowest common ancestor of two units (a unit is its own ancestor here), or `None`
    /// if they lie in different trees.
    pub fn lowest_common_ancestor(&self, a: &str, b: &str) -> Result<Option<&Node>> {
        let a = self.require(a)?;
        let b = self.require(b)?;
        Ok(self.lca_key(a, b).and_then(|k| self.node_by_key(k)))
    }

    /// The lowest common ancestor by key.
    pub fn lca_key(&self, a: NodeKey, b: NodeKey) -> Option<NodeKey> {
        let ca = self.chain_keys(a);
        let cb = self.chain_keys(b);
        // Chains run from the unit to the root: align them at the root end.
        let common = ca
            .iter()
            .rev()
            .zip(cb.iter().rev())
            .take_while(|(x, y)| x == y)
            .count();
        common
            .checked_sub(1)
            .and_then(|i| ca.iter().rev().nth(i))
            .copied()
    }

    /// The grid a unit belongs to: the unit itself if it is a grid, else the nearest grid
    /// above it (for a compound or a building); `None` above the grid level.
    pub fn grid_of(&self, id: &str) -> Result<Option<&Node>> {
        let key = self.require(id)?;
        Ok(self
            .chain_keys(key)
            .iter()
            .find(|k| self.kind_of(**k) == Some(NodeKind::Grid))
            .and_then(|k| self.node_by_key(*k)))
    }

    /// The Party organisation that leads a unit or an organisation: the one leading it
    /// directly, else (for a territorial unit) the nearest one up the escalation chain. If
    /// several lead the same node, the one added first wins.
    pub fn leading_party_org(&self, id: &str) -> Result<Option<&Node>> {
        let key = self.require(id)?;
        let index = self.index();
        Ok(index
            .led_by(key)
            .or_else(|| self.chain_keys(key).iter().find_map(|k| index.led_by(*k)))
            .and_then(|k| self.node_by_key(k)))
    }

    /// The people serving a unit (网格长, 网格员, …), in key order.
    pub fn staff(&self, id: &str) -> Result<impl Iterator<Item = &Node> + '_> {
        let key = self.require(id)?;
        Ok(self
            .index()
            .served_by(key)
            .iter()
            .filter(|k| self.kind_of(**k).is_some_and(|kind| kind.is_person()))
            .filter_map(|k| self.node_by_key(*k)))
    }

    /// Everyone serving a unit, people and organisations, as keys.
    pub fn served_by_keys(&self, key: NodeKey) -> &[NodeKey] {
        self.index().served_by(key)
    }

    /// The members of an organisation (people and organisations with a `member_of` edge to
    /// it), as keys in key order.
    pub fn member_keys(&self, organisation: NodeKey) -> &[NodeKey] {
        self.index().members(organisation)
    }

    /// The territorial units an actor acts for: a unit acts for itself; a person or an
    /// organisation for the units it serves; a Party organisation for the units it leads.
    pub fn acts_for(&self, actor: NodeKey) -> &[NodeKey] {
        self.index().acts_for(actor)
    }

    /// The departments with jurisdiction over a unit for a case category, inherited from
    /// the unit's ancestors, nearest first (each department once, at its nearest grant).
    pub fn departments_for(&self, id: &str, category: &str) -> Result<Vec<&Node>> {
        let key = self.require(id)?;
        let mut out = Vec::new();
        self.departments_for_key(key, category, &mut out);
        Ok(out
            .into_iter()
            .filter_map(|k| self.node_by_key(k))
            .collect())
    }

    /// [`Hierarchy::departments_for`] by key, appending to a caller's buffer.
    pub fn departments_for_key(&self, key: NodeKey, category: &str, out: &mut Vec<NodeKey>) {
        let index = self.index();
        for unit in self.chain_keys(key) {
            for (dept, patterns) in index.jurisdiction(*unit) {
                if patterns.iter().any(|p| category_matches(p, category)) && !out.contains(dept) {
                    out.push(*dept);
                }
            }
        }
    }

    /// The centres supervising a unit, directly or through a unit above it, nearest first.
    pub fn supervising_centres(&self, id: &str) -> Result<Vec<&Node>> {
        let key = self.require(id)?;
        let index = self.index();
        Ok(self.centres(key, |u| index.supervised_by(u)))
    }

    /// The centres commanding a unit, directly or through a unit above it, nearest first.
    pub fn commanding_centres(&self, id: &str) -> Result<Vec<&Node>> {
        let key = self.require(id)?;
        let index = self.index();
        Ok(self.centres(key, |u| index.commanded_by(u)))
    }

    fn centres<'a>(
        &'a self,
        key: NodeKey,
        row: impl Fn(NodeKey) -> &'a [NodeKey],
    ) -> Vec<&'a Node> {
        let mut out: Vec<NodeKey> = Vec::new();
        for u in self.chain_keys(key) {
            for c in row(*u) {
                if !out.contains(c) {
                    out.push(*c);
                }
            }
        }
        out.into_iter()
            .filter_map(|k| self.node_by_key(k))
            .collect()
    }

    /// The live nodes of a kind, in key order.
    pub fn nodes_of_kind(&self, kind: NodeKind) -> impl Iterator<Item = &Node> + '_ {
        self.nodes().filter(move |n| n.kind == kind)
    }

    /// The roots of the territorial forest (units without a parent), in key order.
    pub fn roots(&self) -> impl Iterator<Item = &Node> + '_ {
        self.index()
            .roots()
            .iter()
            .filter_map(|k| self.node_by_key(*k))
    }

    /// The targets of a node's outgoing edges of one kind (e.g. the units a grid worker
    /// serves), in key order.
    pub fn targets(&self, id: &str, kind: EdgeKind) -> Result<Vec<&Node>> {
        let (_, ix, _) = self.live(id)?;
        Ok(self.neighbours(ix, kind, Direction::Outgoing))
    }

    /// The sources of a node's incoming edges of one kind (e.g. the members of a Party
    /// branch), in key order.
    pub fn sources(&self, id: &str, kind: EdgeKind) -> Result<Vec<&Node>> {
        let (_, ix, _) = self.live(id)?;
        Ok(self.neighbours(ix, kind, Direction::Incoming))
    }

    fn neighbours(&self, ix: NodeIndex, kind: EdgeKind, dir: Direction) -> Vec<&Node> {
        let mut out: Vec<&NodeData> = self
            .graph
            .edges_directed(ix, dir)
            .filter(|e| e.weight().kind == kind)
            .filter_map(|e| {
                let other = if dir == Direction::Outgoing {
                    e.target()
                } else {
                    e.source()
                };
                self.graph.node_weight(other)
            })
            .collect();
        out.sort_by_key(|d| d.key);
        out.into_iter().map(|d| &d.node).collect()
    }
}

fn edge(kind: EdgeKind, from: &str, to: &str) -> Result<Edge> {
    Ok(Edge {
        kind,
        from: NodeId::new(from)?,
        to: NodeId::new(to)?,
        categories: Vec::new(),
    })
}

fn check_category_pattern(pattern: &str) -> Result<()> {
    let ok = pattern == "*"
        || (!pattern.is_empty()
            && pattern.split('.').all(|part| {
                !part.is_empty()
                    && part
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
            }));
    if ok {
        Ok(())
    } else {
        Err(HierarchyError::InvalidCategory {
            category: pattern.to_owned(),
        })
    }
}

impl PartialEq for Hierarchy {
    /// Two hierarchies are equal when they have the same nodes and the same edges,
    /// whatever the order in which they were built.
    fn eq(&self, other: &Hierarchy) -> bool {
        if self.len() != other.len() || self.edge_count() != other.edge_count() {
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
