//! The typed-array protocol of the bindings: tickets, actors, times, action codes and
//! arguments as parallel arrays (Python `array`/NumPy buffers, JS typed arrays), decoded and
//! applied here so that every runtime has the same table and the same per-item errors.

use serde::Serialize;

use super::ledger::{Ledger, TicketKey};
use super::{
    Action, ActorKey, DeadlineKind, NewTicket, RejectReason, Satisfaction, TicketError, TicketState,
};
use crate::hierarchy::NodeKey;
use crate::time::Timestamp;
use crate::Error;

/// What the codes of [`coded_action`] mean (for error messages and binding docs).
pub const ACTION_CODES: &str = "0 file, 1 dispatch (arg: node key), 2 acknowledge, 3 handle, \
4 verify (passed), 5 visit (arg: 0 satisfied, 1 basically satisfied, 2 unsatisfied), 6 escalate (arg: node key, or 0xFFFFFFFF for one level \
up), 7 reject (out of scope), 8 reopen, 9 close, 10 supervise, 11 set the handling deadline \
(arg: minutes since the Unix epoch)";

/// The action of a numeric code and argument, for the typed-array bulk entry points of the
/// bindings (one table for every runtime; see [`ACTION_CODES`]). Node arguments are keys of
/// `hierarchy`.
///
/// ```
/// use wangge::hierarchy::{Hierarchy, NodeKind};
/// use wangge::ticket::{coded_action, Action, Satisfaction};
/// let mut h = Hierarchy::new();
/// let g = h.add("g1", NodeKind::Grid, "第一网格")?;
/// assert_eq!(coded_action(&h, 0, 0)?, Action::File);
/// assert_eq!(coded_action(&h, 1, g.raw())?, Action::Dispatch { to: "g1".parse()? });
/// assert_eq!(
///     coded_action(&h, 5, 1)?,
///     Action::Visit { satisfaction: Satisfaction::BasicallySatisfied }
/// );
/// assert_eq!(coded_action(&h, 5, 3).unwrap_err().code(), "ticket.unknown_name");
/// assert_eq!(coded_action(&h, 99, 0).unwrap_err().code(), "ticket.unknown_name");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn coded_action(
    hierarchy: &crate::hierarchy::Hierarchy,
    code: u8,
    arg: u32,
) -> Result<Action, TicketError> {
    let node = |k: u32| {
        hierarchy
            .id(crate::hierarchy::NodeKey::from_index(k))
            .cloned()
            .ok_or_else(|| TicketError::UnknownUnit {
                unit: format!("node key {k}"),
            })
    };
    Ok(match code {
        0 => Action::File,
        1 => Action::Dispatch { to: node(arg)? },
        2 => Action::Acknowledge,
        3 => Action::Handle {
            outcome: String::new(),
        },
        4 => Action::Verify {
            passed: true,
            note: None,
        },
        5 => Action::Visit {
            satisfaction: match arg {
                0 => Satisfaction::Satisfied,
                1 => Satisfaction::BasicallySatisfied,
                2 => Satisfaction::Unsatisfied,
                _ => {
                    return Err(TicketError::UnknownName {
                        what: "satisfaction code",
                        name: format!("{arg} (0 satisfied, 1 basically satisfied, 2 unsatisfied)"),
                    })
                }
            },
        },
        6 => Action::Escalate {
            to: if arg == u32::MAX {
                None
            } else {
                Some(node(arg)?)
            },
            return_to: None,
        },
        7 => Action::Reject {
            reason: RejectReason::OutOfScope,
            note: None,
        },
        8 => Action::Reopen { reason: None },
        9 => Action::Close,
        10 => Action::Supervise { note: None },
        11 => Action::SetDeadline {
            deadline: DeadlineKind::Handle,
            due: Timestamp::EPOCH.plus_seconds(i64::from(arg) * 60),
        },
        _ => {
            return Err(TicketError::UnknownName {
                what: "action code",
                name: format!("{code} ({ACTION_CODES})"),
            })
        }
    })
}

/// The result of a typed-array application: the state after each item (`None` for a ticket
/// the ledger does not have) and every refused item by row number (from 1), with its error.
/// Refused items changed nothing.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CodedReport {
    /// The ticket's state after each item.
    pub states: Vec<Option<TicketState>>,
    /// The refused items.
    #[serde(skip)]
    pub errors: Vec<(usize, Error)>,
}

/// The actor of a coded key: `u32::MAX` is the host system.
fn actor_of(key: u32) -> ActorKey {
    if key == u32::MAX {
        ActorKey::SYSTEM
    } else {
        ActorKey::node(NodeKey::from_index(key))
    }
}

fn same_lengths(what: &str, lens: &[usize]) -> Result<(), Error> {
    match lens.split_first() {
        Some((first, rest)) if rest.iter().any(|l| l != first) => Err(Error::Malformed {
            message: format!("{what}: the arrays go in parallel but have lengths {lens:?}"),
        }),
        _ => Ok(()),
    }
}

impl Ledger {
    /// Applies many actions given as parallel arrays: ticket keys, actor keys (`u32::MAX`
    /// for `@system`), times in seconds since the Unix epoch, action codes and arguments
    /// ([`ACTION_CODES`]). Each item stands on its own: a bad code, argument or time, or an
    /// action the ledger refuses, is reported with its row number and changes nothing; the
    /// others go through in order. Arrays of different lengths are malformed.
    pub fn apply_coded(
        &mut self,
        tickets: &[u32],
        actors: &[u32],
        at_seconds: &[i64],
        codes: &[u8],
        args: &[u32],
    ) -> Result<CodedReport, Error> {
        same_lengths(
            "apply_coded",
            &[
                tickets.len(),
                actors.len(),
                at_seconds.len(),
                codes.len(),
                args.len(),
            ],
        )?;
        let mut report = CodedReport {
            states: Vec::with_capacity(tickets.len()),
            errors: Vec::new(),
        };
        let items = tickets
            .iter()
            .zip(actors)
            .zip(at_seconds)
            .zip(codes.iter().zip(args));
        for (i, (((t, a), s), (code, arg))) in items.enumerate() {
            if i % super::TOUCHED == 0 {
                // Items in time order name tickets all over the ledger: their records and
                // logs are read ahead, a few at a time (`Ledger::touch`).
                let next = tickets.get(i..).unwrap_or_default();
                self.touch(next, |t| TicketKey::from_index(*t));
            }
            let ticket = TicketKey::from_index(*t);
            let result = coded_action(self.hierarchy(), *code, *arg)
                .map_err(Error::from)
                .and_then(|action| {
                    let at = Timestamp::from_unix_seconds(*s)?;
                    Ok(self.apply_key(ticket, actor_of(*a), at, &action)?)
                });
            match result {
                Ok(state) => report.states.push(Some(state)),
                Err(e) => {
                    report.states.push(self.view(ticket).map(|v| v.state()));
                    report.errors.push((i + 1, e));
                }
            }
        }
        Ok(report)
    }

    /// Reports many tickets given as parallel arrays: ids, one category, and per ticket the
    /// unit's key, the actor's key (`u32::MAX` for `@system`) and the time in seconds since
    /// the Unix epoch. Returns every refused ticket by row number (from 1) with its error; the
    /// others are kept. Arrays of different lengths are malformed.
    pub fn report_coded<S: AsRef<str>>(
        &mut self,
        ids: &[S],
        category: &str,
        units: &[u32],
        actors: &[u32],
        at_seconds: &[i64],
    ) -> Result<Vec<(usize, Error)>, Error> {
        same_lengths(
            "report_coded",
            &[ids.len(), units.len(), actors.len(), at_seconds.len()],
        )?;
        self.reserve(ids.len());
        let h = self.hierarchy().clone();
        let mut bad = Vec::new();
        let items = ids.iter().zip(units).zip(actors).zip(at_seconds);
        for (i, (((id, unit), actor), s)) in items.enumerate() {
            let result = (|| -> Result<(), Error> {
                let unit =
                    h.id(NodeKey::from_index(*unit))
                        .ok_or_else(|| TicketError::UnknownUnit {
                            unit: format!("node key {unit}"),
                        })?;
                let ticket = NewTicket::new(id.as_ref(), category, unit.as_str())?;
                let at = Timestamp::from_unix_seconds(*s)?;
                self.report_key_live(&ticket, actor_of(*actor), at)?;
                Ok(())
            })();
            if let Err(e) = result {
                bad.push((i + 1, e));
            }
        }
        Ok(bad)
    }
}
