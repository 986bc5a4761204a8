use serde::Serialize;

use super::{EdgeKind, NodeKind};

/// Why a hierarchy mutation, query or import was refused. A refused mutation changes nothing.
///
/// Every variant names the ids involved; [`HierarchyError::code`] gives a stable code that is
/// the same in Rust, Python (`WanggeError.code`) and JavaScript (`error.code`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum HierarchyError {
    /// The id is empty, too long, or contains whitespace or control characters.
    #[error("invalid node id {id:?}: {reason}")]
    InvalidId {
        /// The id given.
        id: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// The id starts with `@`, which is reserved for actors that are not nodes (`@system`).
    #[error("node id {id:?} is reserved: ids starting with '@' name actors outside the hierarchy, such as @system")]
    ReservedId {
        /// The id given.
        id: String,
    },
    /// A raw node key (from a typed array) that this hierarchy never assigned.
    #[error("no node with key {key}")]
    UnknownKey {
        /// The key given.
        key: u32,
    },
    /// A live node already has this id.
    #[error("a node with id {id:?} already exists")]
    DuplicateId {
        /// The id given.
        id: String,
    },
    /// No live node has this id.
    #[error("no node with id {id:?}")]
    UnknownId {
        /// The id given.
        id: String,
    },
    /// The kind name is not one of the known node or edge kinds.
    #[error("unknown kind {kind:?}")]
    UnknownKind {
        /// The text given.
        kind: String,
    },
    /// The child is already contained in another unit (containment is a tree).
    #[error(
        "{child:?} cannot be placed in {parent:?}: it is already contained in {existing_parent:?}"
    )]
    AlreadyContained {
        /// The unit to place.
        child: String,
        /// The requested parent.
        parent: String,
        /// Its current parent.
        existing_parent: String,
    },
    /// The containment would create a cycle (the child is the parent or one of its
    /// ancestors).
    #[error(
        "{parent:?} cannot contain {child:?}: {child:?} is {parent:?} or one of its ancestors"
    )]
    ContainmentCycle {
        /// The requested parent.
        parent: String,
        /// The unit to place.
        child: String,
    },
    /// The containment breaks the level order (e.g. a community containing a street).
    #[error("a {parent_kind} ({parent:?}) cannot contain a {child_kind} ({child:?}): containment goes from higher to strictly lower levels")]
    LevelOrder {
        /// The requested parent.
        parent: String,
        /// Its kind.
        parent_kind: NodeKind,
        /// The unit to place.
        child: String,
        /// Its kind.
        child_kind: NodeKind,
    },
    /// The edge connects kinds that it may not connect.
    #[error(
        "a {edge} edge from {from:?} ({from_kind}) to {to:?} ({to_kind}) is not allowed: {rule}"
    )]
    EdgeKinds {
        /// The edge kind.
        edge: EdgeKind,
        /// The source id.
        from: String,
        /// The source kind.
        from_kind: NodeKind,
        /// The target id.
        to: String,
        /// The target kind.
        to_kind: NodeKind,
        /// The rule that was broken.
        rule: &'static str,
    },
    /// The same edge already exists.
    #[error("a {edge} edge from {from:?} to {to:?} already exists")]
    DuplicateEdge {
        /// The edge kind.
        edge: EdgeKind,
        /// The source id.
        from: String,
        /// The target id.
        to: String,
    },
    /// No such edge.
    #[error("no {edge} edge from {from:?} to {to:?}")]
    UnknownEdge {
        /// The edge kind.
        edge: EdgeKind,
        /// The source id.
        from: String,
        /// The target id.
        to: String,
    },
    /// A jurisdiction edge must name at least one case category.
    #[error("jurisdiction of {department:?} over {unit:?} names no case category")]
    EmptyJurisdiction {
        /// The department.
        department: String,
        /// The unit.
        unit: String,
    },
    /// Only jurisdiction edges carry categories.
    #[error("a {edge} edge from {from:?} to {to:?} cannot carry case categories")]
    UnexpectedCategories {
        /// The edge kind.
        edge: EdgeKind,
        /// The source id.
        from: String,
        /// The target id.
        to: String,
    },
    /// A category pattern is not `*` or a dotted code of letters, digits, `_` and `-`.
    #[error("invalid case category pattern {category:?}")]
    InvalidCategory {
        /// The pattern given.
        category: String,
    },
    /// The unit still contains others and cannot be removed.
    #[error("{id:?} still contains {children} unit(s); move or remove them first")]
    NotEmpty {
        /// The unit.
        id: String,
        /// How many units it contains.
        children: usize,
    },
    /// The hierarchy has reached the largest number of keys it can assign.
    #[error("the hierarchy cannot hold more than {limit} nodes")]
    CapacityExceeded {
        /// The limit.
        limit: usize,
    },
    /// A location outside the globe: latitude beyond ±90°, longitude beyond ±180°, or a
    /// coordinate that is not a finite number.
    #[error("invalid location of {id:?}: latitude {lat}, longitude {lng} (latitude -90..=90, longitude -180..=180, in degrees)")]
    InvalidLocation {
        /// The node.
        id: String,
        /// The latitude given, as written.
        lat: String,
        /// The longitude given, as written.
        lng: String,
    },
    /// A boundary that is not a valid polygon or multipolygon: a ring not closed, with fewer
    /// than 3 distinct positions, or a position off the globe.
    #[error("invalid boundary of {id:?}: {reason}")]
    InvalidBoundary {
        /// The node.
        id: String,
        /// What is wrong, naming the polygon, the ring and the position.
        reason: String,
    },
    /// A unit's boundary reaches outside its parent's by more than the tolerance
    /// (`boundary::CONTAINMENT_TOLERANCE`).
    #[error(
        "the boundary of {child:?} leaves its parent {parent:?} at longitude {lng}, latitude {lat}"
    )]
    BoundaryOutsideParent {
        /// The contained unit.
        child: String,
        /// Its parent.
        parent: String,
        /// The latitude of the first vertex outside, as written.
        lat: String,
        /// Its longitude, as written.
        lng: String,
    },
    /// The document is not a wangge hierarchy of a supported version.
    #[error("unsupported hierarchy document: format {format:?} version {version} (expected \"wangge.hierarchy\" version 1 or 2)")]
    UnsupportedFormat {
        /// The `format` field found.
        format: String,
        /// The `version` field found.
        version: u32,
    },
    /// The document is not valid JSON for the hierarchy format.
    #[error("malformed hierarchy document: {message}")]
    Malformed {
        /// What the parser said.
        message: String,
    },
}

impl HierarchyError {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            HierarchyError::InvalidId { .. } => "hierarchy.invalid_id",
            HierarchyError::ReservedId { .. } => "hierarchy.reserved_id",
            HierarchyError::DuplicateId { .. } => "hierarchy.duplicate_id",
            HierarchyError::UnknownId { .. } => "hierarchy.unknown_id",
            HierarchyError::UnknownKey { .. } => "hierarchy.unknown_key",
            HierarchyError::UnknownKind { .. } => "hierarchy.unknown_kind",
            HierarchyError::AlreadyContained { .. } => "hierarchy.already_contained",
            HierarchyError::ContainmentCycle { .. } => "hierarchy.containment_cycle",
            HierarchyError::LevelOrder { .. } => "hierarchy.level_order",
            HierarchyError::EdgeKinds { .. } => "hierarchy.edge_kinds",
            HierarchyError::DuplicateEdge { .. } => "hierarchy.duplicate_edge",
            HierarchyError::UnknownEdge { .. } => "hierarchy.unknown_edge",
            HierarchyError::EmptyJurisdiction { .. } => "hierarchy.empty_jurisdiction",
            HierarchyError::UnexpectedCategories { .. } => "hierarchy.unexpected_categories",
            HierarchyError::InvalidCategory { .. } => "hierarchy.invalid_category",
            HierarchyError::NotEmpty { .. } => "hierarchy.not_empty",
            HierarchyError::CapacityExceeded { .. } => "hierarchy.capacity_exceeded",
            HierarchyError::InvalidLocation { .. } => "hierarchy.invalid_location",
            HierarchyError::InvalidBoundary { .. } => "hierarchy.invalid_boundary",
            HierarchyError::BoundaryOutsideParent { .. } => "hierarchy.boundary_outside_parent",
            HierarchyError::UnsupportedFormat { .. } => "hierarchy.unsupported_format",
            HierarchyError::Malformed { .. } => "hierarchy.malformed",
        }
    }
}
