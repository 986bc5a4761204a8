//! The hierarchy JSON format.

use serde::{Deserialize, Serialize};

use super::{Edge, Hierarchy, HierarchyError, Node};

/// The `format` field of a hierarchy document.
pub const FORMAT_NAME: &str = "wangge.hierarchy";
/// The `version` field written by this library, and the only one it reads.
pub const FORMAT_VERSION: u32 = 1;

/// The hierarchy JSON format, version 1 (a public contract).
///
/// ```json
/// {
///   "format": "wangge.hierarchy",
///   "version": 1,
///   "nodes": [
///     {"id": "340404", "kind": "district", "name": "八公山区"},
///     {"id": "340404001", "kind": "street", "name": "毕家岗街道",
///      "address": "…", "location": {"lat": 32.63, "lng": 116.83}}
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
/// - `address` and `location` are optional; `categories` appears on jurisdiction edges only.
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
    /// Always 1 for this version of the format.
    pub version: u32,
    /// The nodes.
    pub nodes: Vec<Node>,
    /// The edges.
    #[serde(default)]
    pub edges: Vec<Edge>,
}

impl Hierarchy {
    /// The hierarchy as a document.
    pub fn to_document(&self) -> HierarchyDocument {
        HierarchyDocument {
            format: FORMAT_NAME.to_owned(),
            version: FORMAT_VERSION,
            nodes: self.nodes().cloned().collect(),
            edges: self.edges(),
        }
    }

    /// Builds a hierarchy from a document, checking every invariant.
    pub fn from_document(doc: &HierarchyDocument) -> Result<Hierarchy, HierarchyError> {
        if doc.format != FORMAT_NAME || doc.version != FORMAT_VERSION {
            return Err(HierarchyError::UnsupportedFormat {
                format: doc.format.clone(),
                version: doc.version,
            });
        }
        let mut h = Hierarchy::new();
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
