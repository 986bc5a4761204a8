//! Rankings (四类排名): the rows of one period ordered by a metric.

use serde::{Deserialize, Serialize};

use crate::hierarchy::NodeId;

use super::report::{value, Metric, MetricsReport, MetricsRow};

/// One ranked row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Ranked {
    /// 1 for the best; equal values share a rank (1, 2, 2, 4).
    pub rank: u32,
    /// The group.
    pub group: Option<NodeId>,
    /// Its name.
    pub group_name: Option<String>,
    /// The period.
    pub period: String,
    /// The value (none ranks last, unranked).
    pub value: Option<f64>,
}

/// Ranks the rows of one period (四类排名) by a metric, best first: highest first, or lowest
/// first when `lowest_first` (e.g. returns). Equal values share a rank and are ordered by
/// group id; rows without a value come last with rank 0.
pub fn rank(
    report: &MetricsReport,
    metric: Metric,
    period: &str,
    lowest_first: bool,
) -> Vec<Ranked> {
    let mut rows: Vec<(&MetricsRow, Option<(u128, u128)>)> = report
        .rows
        .iter()
        .filter(|r| r.period == period)
        .map(|r| (r, value(r, metric)))
        .collect();
    let cmp = |a: &(u128, u128), b: &(u128, u128)| (a.0 * b.1).cmp(&(b.0 * a.1));
    rows.sort_by(|(ra, a), (rb, b)| {
        let by_value = match (a, b) {
            (Some(a), Some(b)) => {
                if lowest_first {
                    cmp(a, b)
                } else {
                    cmp(b, a)
                }
            }
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        };
        by_value.then_with(|| ra.group.cmp(&rb.group))
    });
    let mut out: Vec<Ranked> = Vec::with_capacity(rows.len());
    let mut previous: Option<(u128, u128)> = None;
    let mut current = 0u32;
    for (i, (row, v)) in rows.iter().enumerate() {
        let rank = match v {
            None => 0,
            Some(v) => {
                if previous.is_none_or(|p| cmp(&p, v) != std::cmp::Ordering::Equal) {
                    current = u32::try_from(i + 1).unwrap_or(u32::MAX);
                    previous = Some(*v);
                }
                current
            }
        };
        out.push(Ranked {
            rank,
            group: row.group.clone(),
            group_name: row.group_name.clone(),
            period: row.period.clone(),
            value: v.map(|(n, d)| n as f64 / d as f64),
        });
    }
    out
}
