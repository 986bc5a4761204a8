//! The hierarchy JSON format.

use serde::{Deserialize, Serialize};

use super::{Edge, Hierarchy, HierarchyError, Node};

/// The `format` field of a hierarchy document.
pub const FORMAT_NAME: &str = "wangge.hierarchy";
/// The newest `version` of the format, which this library reads with version 1. It writes
/// version 2 when a document needs it (a boundary, or a coordinate system other than
/// WGS-84) and version 1 otherwise, so documents without boundaries read in earlier releases.
pub const FORMAT_VERSION: u32 = 2;

/// The hierarchy JSON format, versions 1 and 2 (a public contract).
///
/// ```json
/// {
///   "format": "wangge.hierarchy",
///   "version": 2,
///   "coordinateSystem": "gcj02",
///   "nodes": [
///     {"id": "340404", "kind": "district", "name": "八公山区"},
///     {"id": "340404001", "kind": "street", "name": "毕家岗街道",
///      "address": "…", "location": {"lat": 32.63, "lng": 116.83},
///      "boundary": {"type": "Polygon", "coordinates": [[[116.82, 32.62], [116.84, 32.62], [116.84, 32.64], [116.82, 32.62]]]}}
///   ],
///   "edges": [
///     {"kind": "contains", "from": "340404", "to": "340404001"},
///     {"kind": "jurisdiction", "from": "dept-smr", "to": "340404", "categories": ["event"]}
///   ]
/// }
/// ```
///
/// - `nodes[].kind` is one of the snake_case [`NodeKind`](super::NodeKind) names;
///   `edges[].kind` one of `contains`, `leads`, `serves`, `member_of`, `jurisdiction`.
/// - `address`, `location` and `boundary` are optional; `categories` appears on jurisdiction
///   edges only.
/// - Version 2 adds `coordinateSystem` (`wgs84`, `gcj02` or `bd09`; required in version 2:
///   a document says which system its numbers are in) and `boundary`, a GeoJSON `Polygon` or
///   `MultiPolygon` of `[longitude, latitude]` positions (see [`Boundary`](super::Boundary)
///   for what is checked). `location` is in the same system. A version 1 document has
///   neither; its locations are WGS-84.
/// - Unknown fields are refused, so a typo cannot silently drop data.
/// - Export writes nodes in key (insertion) order and edges ordered by kind, source, target;
///   import adds nodes in document order and then edges, through the same checks as the
///   mutation API, so a document that breaks an invariant is refused with the same error.
///   Export → import is the identity, and so is import → export for an exported document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HierarchyDocument {
    /// Always `"wangge.hierarchy"`.
    pub format: String,
    /// 1, or 2 with boundaries or a coordinate system.
    pub version: u32,
    /// The system of the locations and boundaries (version 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coordinate_system: Option<crate::geo::CoordSystem>,
    /// The nodes.
    pub nodes: Vec<Node>,
    /// The edges.
    #[serde(default)]
    pub edges: Vec<Edge>,
}

impl Hierarchy {
    /// The hierarchy as a document.
    pub fn to_document(&self) -> HierarchyDocument {
        let nodes: Vec<Node> = self.nodes().cloned().collect();
        let v2 = self.coordinate_system != crate::geo::CoordSystem::Wgs84
            || nodes.iter().any(|n| n.boundary.is_some());
        HierarchyDocument {
            format: FORMAT_NAME.to_owned(),
            version: if v2 { 2 } else { 1 },
            coordinate_system: v2.then_some(self.coordinate_system),
            nodes,
            edges: self.edges(),
        }
    }

    /// Builds a hierarchy from a document, checking every invariant.
    pub fn from_document(doc: &HierarchyDocument) -> Result<Hierarchy, HierarchyError> {
        if doc.format != FORMAT_NAME || !(1..=FORMAT_VERSION).contains(&doc.version) {
            return Err(HierarchyError::UnsupportedFormat {
                format: doc.format.clone(),
                version: doc.version,
            });
        }
        let malformed = |message: &str| HierarchyError::Malformed {
            message: message.to_owned(),
        };
        let system = match (doc.version, doc.coordinate_system) {
            (1, None) => crate::geo::CoordSystem::Wgs84,
            (1, Some(_)) => {
                return Err(malformed(
                    "`coordinateSystem` needs version 2 of the format",
                ))
            }
            (_, Some(system)) => system,
            (_, None) => {
                return Err(malformed(
                    "a version 2 document says its `coordinateSystem` (wgs84, gcj02 or bd09)",
                ))
            }
        };
        if doc.version == 1 {
            if let Some(n) = doc.nodes.iter().find(|n| n.boundary.is_some()) {
                return Err(malformed(&format!(
                    "node {:?} has a `boundary`, which needs version 2 of the format",
                    n.id.as_str()
                )));
            }
        }
        let mut h = Hierarchy::with_coordinate_system(system);
        h.slots.reserve(doc.nodes.len());
        for node in &doc.nodes {
            h.add_node(node.clone())?;
        }
        for edge in &doc.edges {
            h.connect(edge)?;
        }
        Ok(h)
    }

    /// The hierarchy as JSON text in the documented format.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.to_document()).unwrap_or_default()
    }

    /// The hierarchy as indented JSON text.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(&self.to_document()).unwrap_or_default()
    }

    /// Reads a hierarchy from JSON text, checking every invariant.
    pub fn from_json(text: &str) -> Result<Hierarchy, HierarchyError> {
        let doc: HierarchyDocument =
            crate::strict_json::from_str(text).map_err(|e| HierarchyError::Malformed {
                message: e.to_string(),
            })?;
        Hierarchy::from_document(&doc)
    }
}

impl Serialize for Hierarchy {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_document().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Hierarchy {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Hierarchy, D::Error> {
        let doc = HierarchyDocument::deserialize(deserializer)?;
        Hierarchy::from_document(&doc).map_err(serde::de::Error::custom)
    }
}
