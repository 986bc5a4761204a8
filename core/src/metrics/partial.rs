//! A metrics accumulator's state as a document (`wangge.metrics_partial`, version 1), so that
//! the parts of a ledger split by territory can be measured in other processes (a Dask, Spark
//! or Ray worker) and merged exactly where the report is made.
//!
//! The document names groups, departments and grids by node id (node keys belong to one
//! hierarchy object; ids are the same in every copy of it) and keeps the handling times
//! themselves, so that the merged percentiles are those of the whole. Periods are the
//! accumulator's period numbers (days since the epoch, months since year 0, ...), the same
//! wherever the options are the same.

use serde::{Deserialize, Serialize};

use super::accumulator::MetricsAccumulator;
use super::report::{Counts, MetricsOptions, MetricsReport};
use crate::calendar::{Calendar, CalendarError};
use crate::hierarchy::{Hierarchy, NodeId};
use crate::ticket::Ledger;

/// The name of the format, in [`MetricsPartial::format`].
pub const METRICS_PARTIAL_FORMAT: &str = "wangge.metrics_partial";

/// A metrics accumulator's state (部分指标): see the module's documentation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MetricsPartial {
    /// Always `wangge.metrics_partial`.
    pub format: String,
    /// The version of the format: 1.
    pub version: u32,
    /// The rows: a group (`None` for the ungrouped row) and a period with their counts.
    pub rows: Vec<PartialRow>,
    /// Whistle punctuality by summoned department.
    pub departments: Vec<PartialDepartment>,
    /// Open tickets by grid.
    pub grids: Vec<PartialGrid>,
}

/// A row of a [`MetricsPartial`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PartialRow {
    /// The group's node, or `None` for the ungrouped row.
    pub group: Option<NodeId>,
    /// The accumulator's period number.
    pub period: i64,
    /// The counts.
    pub counts: Counts,
    /// Every handling time counted, in working seconds (unordered).
    pub handling: Vec<i64>,
}

/// A department's whistle figures in a [`MetricsPartial`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[allow(missing_docs)]
pub struct PartialDepartment {
    pub department: NodeId,
    pub summoned: u64,
    pub signed: u64,
    pub signed_on_time: u64,
    pub reported: u64,
    pub reported_on_time: u64,
    pub released: u64,
}

/// A grid's open tickets in a [`MetricsPartial`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PartialGrid {
    /// The grid.
    pub grid: NodeId,
    /// Its open tickets.
    pub open: u64,
}

/// Why a [`MetricsPartial`] could not be merged (nothing of it is merged then).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[non_exhaustive]
pub enum PartialError {
    /// The document is not `wangge.metrics_partial` version 1.
    #[error("not a wangge.metrics_partial version 1 document: {format} version {version}")]
    UnsupportedFormat {
        /// The format it says.
        format: String,
        /// The version it says.
        version: u32,
    },
    /// A node the document names is not in the hierarchy merged into (the parts were measured
    /// over another hierarchy).
    #[error("the partial metrics name node `{id}`, which the hierarchy does not have")]
    UnknownNode {
        /// The node's id.
        id: String,
    },
}

impl PartialError {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            PartialError::UnsupportedFormat { .. } => "metrics.unsupported_format",
            PartialError::UnknownNode { .. } => "metrics.unknown_node",
        }
    }
}

/// The partial document of one part of a ledger (部分指标): what a worker computes over the
/// tickets of its territory, for [`merge_partials`] to merge. Refused, as
/// [`compute`](super::compute) is, when the calendar does not cover a ticket's handling time.
///
/// ```
/// use std::sync::Arc;
/// use wangge::calendar::Calendar;
/// use wangge::hierarchy::Hierarchy;
/// use wangge::metrics::{self, MetricsOptions};
/// use wangge::ticket::{Ledger, Taxonomy};
///
/// let h = Arc::new(Hierarchy::new());
/// let (cal, options) = (Calendar::standard(), MetricsOptions::default());
/// let part = Ledger::new(h.clone(), Arc::new(Taxonomy::default()));
/// let doc = metrics::partial_of(&part, &cal, &options).unwrap().to_json();
/// // ... sent from the worker as text, read back where the report is made:
/// let parts = [metrics::MetricsPartial::from_json(&doc).unwrap()];
/// let report = metrics::merge_partials(&h, &cal, &options, &parts).unwrap();
/// assert_eq!(report, metrics::compute(&part, &cal, &options, None).unwrap());
/// ```
pub fn partial_of(
    ledger: &Ledger,
    calendar: &Calendar,
    options: &MetricsOptions,
) -> Result<MetricsPartial, CalendarError> {
    let mut acc = MetricsAccumulator::batch(options.clone(), calendar.clone());
    acc.observe_all(ledger)?;
    Ok(acc.partial(ledger.hierarchy()))
}

/// The report of the whole from its parts' documents ([`partial_of`], over copies of the
/// same hierarchy, with the same calendar and options): counts add, handling times pool, so
/// the percentiles are those of the whole. Refused, with the first offending document's
/// error, for another format or a node `hierarchy` lacks.
pub fn merge_partials<'a>(
    hierarchy: &Hierarchy,
    calendar: &Calendar,
    options: &MetricsOptions,
    partials: impl IntoIterator<Item = &'a MetricsPartial>,
) -> Result<MetricsReport, PartialError> {
    let mut acc = MetricsAccumulator::batch(options.clone(), calendar.clone());
    for partial in partials {
        acc.merge_partial(partial, hierarchy)?;
    }
    Ok(acc.report_in(hierarchy, None))
}

impl MetricsPartial {
    /// Reads a document from JSON text: every value checked, and the format and version.
    pub fn from_json(text: &str) -> Result<MetricsPartial, crate::Error> {
        let p: MetricsPartial = crate::document::read_json(text)?;
        if p.format != METRICS_PARTIAL_FORMAT || p.version != 1 {
            return Err(PartialError::UnsupportedFormat {
                format: p.format,
                version: p.version,
            }
            .into());
        }
        Ok(p)
    }

    /// The document as JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl MetricsAccumulator {
    /// This accumulator's state as a document, with nodes named by their ids in `hierarchy`
    /// (the hierarchy of the ledgers it observed). Rows, departments and grids come in
    /// key order, so the same state gives the same document.
    pub fn partial(&self, hierarchy: &Hierarchy) -> MetricsPartial {
        let state = self.state();
        let id = |k| {
            hierarchy
                .id(k)
                .cloned()
                .unwrap_or_else(|| NodeId::unchecked(format!("#{}", k.raw())))
        };
        MetricsPartial {
            format: METRICS_PARTIAL_FORMAT.to_owned(),
            version: 1,
            rows: state
                .rows
                .into_iter()
                .map(|(group, period, counts, handling)| PartialRow {
                    group: group.map(id),
                    period,
                    counts,
                    handling,
                })
                .collect(),
            departments: state
                .departments
                .into_iter()
                .map(|(k, d)| PartialDepartment {
                    department: id(k),
                    summoned: d.summoned,
                    signed: d.signed,
                    signed_on_time: d.signed_on_time,
                    reported: d.reported,
                    reported_on_time: d.reported_on_time,
                    released: d.released,
                })
                .collect(),
            grids: state
                .grids
                .into_iter()
                .map(|(k, open)| PartialGrid { grid: id(k), open })
                .collect(),
        }
    }

    /// Merges a part measured elsewhere ([`MetricsAccumulator::partial`]), exactly as
    /// [`MetricsAccumulator::merge`] merges an accumulator: nodes are found by id in
    /// `hierarchy`. The same options and calendar must have been used. Refused, with nothing
    /// merged, for another format or a node the hierarchy lacks.
    pub fn merge_partial(
        &mut self,
        partial: &MetricsPartial,
        hierarchy: &Hierarchy,
    ) -> Result<(), PartialError> {
        if partial.format != METRICS_PARTIAL_FORMAT || partial.version != 1 {
            return Err(PartialError::UnsupportedFormat {
                format: partial.format.clone(),
                version: partial.version,
            });
        }
        let key = |id: &NodeId| {
            hierarchy
                .key_ever(id.as_str())
                .ok_or_else(|| PartialError::UnknownNode { id: id.to_string() })
        };
        let mut state = super::accumulator::State::default();
        for r in &partial.rows {
            let group = r.group.as_ref().map(key).transpose()?;
            state
                .rows
                .push((group, r.period, r.counts, r.handling.clone()));
        }
        for d in &partial.departments {
            let figures = super::accumulator::DeptAcc {
                summoned: d.summoned,
                signed: d.signed,
                signed_on_time: d.signed_on_time,
                reported: d.reported,
                reported_on_time: d.reported_on_time,
                released: d.released,
            };
            state.departments.push((key(&d.department)?, figures));
        }
        for g in &partial.grids {
            state.grids.push((key(&g.grid)?, g.open));
        }
        self.merge_state(state);
        Ok(())
    }
}
