//! Division-code import.

use serde::{Deserialize, Serialize};

use super::{Hierarchy, HierarchyError, Node, NodeId, NodeKind};

/// Bulk import of the territorial tree from statistical division codes (统计用区划代码).
///
/// A 12-digit code is read as province (2) + city (2) + county (2) + town/street (3) +
/// community/village (3) digits; trailing zero segments mark the level, and the parent is the
/// code with the lowest non-zero segment zeroed:
///
/// | code | level | parent |
/// |---|---|---|
/// | `340000000000` | province | — |
/// | `340400000000` | city | `340000000000` |
/// | `340404000000` | district | `340400000000` |
/// | `340404001000` | street (town segment 001–099) or town (100–999) | `340404000000` |
/// | `340404001001` | community | `340404001000` |
///
/// A 15-digit code is a Beijing-style grid code: 6-digit district + 3 street + 3 community + 3
/// grid sequence; its parent is the community whose 12-digit code is its first 12 digits.
///
/// Rows may come in any order. The highest level present in the input is its root level: a
/// row at that level whose parent is not in the hierarchy becomes a root (so a district's
/// codes can be imported on their own). A malformed code, an orphan (a lower row whose parent
/// is neither in the input nor already in the hierarchy) or a row that breaks a hierarchy
/// invariant is reported with its 1-based row number; every good row is kept.
///
/// This type is one input row: a division code and a name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DivisionRow {
    /// The 12-digit division code or 15-digit grid code.
    pub code: String,
    /// The unit's name.
    pub name: String,
}

impl DivisionRow {
    /// A row.
    pub fn new(code: impl Into<String>, name: impl Into<String>) -> DivisionRow {
        DivisionRow {
            code: code.into(),
            name: name.into(),
        }
    }
}

/// Why a row was not imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum DivisionCodeError {
    /// The code is not 12 or 15 digits, or its segments are inconsistent.
    #[error("malformed division code {code:?}: {reason}")]
    Malformed {
        /// The code given (`division_code` in the error's details).
        #[serde(rename = "division_code")]
        code: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The parent code is neither in the input nor in the hierarchy.
    #[error(
        "division code {code:?} has no parent: {parent:?} is not in the input or the hierarchy"
    )]
    Orphan {
        /// The code given (`division_code` in the error's details).
        #[serde(rename = "division_code")]
        code: String,
        /// The parent code it needs.
        parent: String,
    },
    /// Adding the unit broke a hierarchy invariant (e.g. a duplicate code).
    #[error("division code {code:?}: {source}")]
    Hierarchy {
        /// The code given (`division_code` in the error's details).
        #[serde(rename = "division_code")]
        code: String,
        /// The hierarchy error.
        source: HierarchyError,
    },
}

impl DivisionCodeError {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            DivisionCodeError::Malformed { .. } => "division.malformed",
            DivisionCodeError::Orphan { .. } => "division.orphan",
            DivisionCodeError::Hierarchy { source, .. } => source.code(),
        }
    }
}

/// A bad row: its 1-based row number and why it was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// 1-based row number in the input.
    pub row: usize,
    /// The error.
    pub error: DivisionCodeError,
}

/// The outcome of a division-code import.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct DivisionImport {
    /// The ids of the units added, in the order they were added (parents first).
    pub added: Vec<NodeId>,
    /// Every refused row, in row order.
    pub errors: Vec<RowError>,
}

struct Parsed {
    row: usize,
    level: u8,
    kind: NodeKind,
    parent: Option<String>,
}

fn parse(code: &str) -> Result<(u8, NodeKind, Option<String>), &'static str> {
    if !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err("a division code has digits only");
    }
    let seg = |a: usize, b: usize| code.get(a..b).unwrap_or("");
    let zero = |s: &str| s.bytes().all(|b| b == b'0');
    match code.len() {
        12 => {
            let (p, c, x, t, v) = (seg(0, 2), seg(2, 4), seg(4, 6), seg(6, 9), seg(9, 12));
            if zero(p) {
                return Err("the province segment (digits 1–2) is zero");
            }
            let pad = |prefix: &str| format!("{prefix:0<12}");
            match (zero(c), zero(x), zero(t), zero(v)) {
                (true, true, true, true) => Ok((0, NodeKind::Province, None)),
                (false, true, true, true) => Ok((1, NodeKind::City, Some(pad(p)))),
                (false, false, true, true) => Ok((2, NodeKind::District, Some(pad(seg(0, 4))))),
                (false, false, false, true) => {
                    let town: u32 = t.parse().unwrap_or(0);
                    let kind = if town < 100 {
                        NodeKind::Street
                    } else {
                        NodeKind::Town
                    };
                    Ok((3, kind, Some(pad(seg(0, 6)))))
                }
                (false, false, false, false) => Ok((4, NodeKind::Community, Some(pad(seg(0, 9))))),
                _ => Err("a lower segment is set while a higher one is zero"),
            }
        }
        15 => {
            let community = seg(0, 12);
            if zero(seg(0, 2)) || zero(seg(2, 6)) || zero(seg(6, 9)) || zero(seg(9, 12)) {
                return Err("a grid code needs non-zero district, street and community segments");
            }
            if zero(seg(12, 15)) {
                return Err("the grid sequence (digits 13–15) is zero");
            }
            Ok((5, NodeKind::Grid, Some(community.to_owned())))
        }
        _ => Err("a division code has 12 digits (a grid code 15)"),
    }
}

impl Hierarchy {
    /// Imports units from division-code rows (see [`DivisionRow`] for the code rules). Good rows are
    /// added with `contains` edges to their parents; bad rows are reported, never dropped
    /// silently.
    ///
    /// ```
    /// use wangge::hierarchy::{DivisionRow, Hierarchy};
    /// let mut h = Hierarchy::new();
    /// let report = h.import_division_codes(&[
    ///     DivisionRow::new("340404001001", "新建社区"),
    ///     DivisionRow::new("340404001000", "毕家岗街道"),
    ///     DivisionRow::new("340404000000", "八公山区"),
    ///     DivisionRow::new("3404040010", "bad"),
    ///     DivisionRow::new("340405001000", "orphan"),
    /// ]);
    /// assert_eq!(report.added.len(), 3); // 八公山区 is the root of this import
    /// assert_eq!(report.errors.len(), 2);
    /// assert_eq!(report.errors[0].row, 4);
    /// assert_eq!(h.parent("340404001001")?.unwrap().name, "毕家岗街道");
    /// # Ok::<(), wangge::hierarchy::HierarchyError>(())
    /// ```
    pub fn import_division_codes(&mut self, rows: &[DivisionRow]) -> DivisionImport {
        let mut report = DivisionImport::default();
        let mut parsed = Vec::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            match parse(&row.code) {
                Ok((level, kind, parent)) => parsed.push(Parsed {
                    row: i,
                    level,
                    kind,
                    parent,
                }),
                Err(reason) => report.errors.push(RowError {
                    row: i + 1,
                    error: DivisionCodeError::Malformed {
                        code: row.code.clone(),
                        reason,
                    },
                }),
            }
        }
        // Parents before children; within a level, input order.
        parsed.sort_by_key(|p| (p.level, p.row));
        let root_level = parsed.first().map(|p| p.level);
        for mut p in parsed {
            let Some(row) = rows.get(p.row) else { continue };
            let code = &row.code;
            if let Some(parent) = &p.parent {
                if self.key(parent).is_none() && Some(p.level) == root_level {
                    p.parent = None;
                } else if self.key(parent).is_none() {
                    report.errors.push(RowError {
                        row: p.row + 1,
                        error: DivisionCodeError::Orphan {
                            code: code.clone(),
                            parent: parent.clone(),
                        },
                    });
                    continue;
                }
            }
            let result = Node::new(code.as_str(), p.kind, row.name.as_str())
                .and_then(|node| self.add_node(node))
                .and_then(|_| match &p.parent {
                    Some(parent) => self.contain(parent, code).inspect_err(|_| {
                        // Keep the graph as it was: undo the node just added.
                        let _ = self.remove(code);
                    }),
                    None => Ok(()),
                });
            match result {
                Ok(()) => report.added.push(NodeId::unchecked(code.clone())),
                Err(source) => report.errors.push(RowError {
                    row: p.row + 1,
                    error: DivisionCodeError::Hierarchy {
                        code: code.clone(),
                        source,
                    },
                }),
            }
        }
        report.errors.sort_by_key(|e| e.row);
        report
    }
}
