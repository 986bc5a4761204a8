//! Importing service requests as tickets and service lists as taxonomies (see the
//! [module docs](super#import)).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::error::Open311Error;
use super::read::read;
use super::{request, state_notes};
use crate::geo::{CoordSystem, MapPoint};
use crate::hierarchy::{Hierarchy, NodeId};
use crate::ticket::machine::importable;
use crate::ticket::{
    Action, Category, Channel, DeadlineKind, Ledger, NewTicket, Taxonomy, TicketId, TicketState,
};
use crate::time::Timestamp;

/// The status table of an import: an Open311 `status` (compared without ASCII case) and the state a
/// ticket takes. [`ImportOptions::statuses`] adds to it or overrides it. A status the table
/// does not know imports as `reported`, and the status is listed in [`Imported::unmapped`].
///
/// | status | state | from |
/// |---|---|---|
/// | `open`, `submitted` | reported | GeoReport v2; Boston |
/// | `closed` | closed | GeoReport v2 |
/// | `fixed`, `no_further_action` | closed | FixMyStreet's extended statuses |
/// | `investigating`, `action_scheduled`, `in_progress` | in_progress | FixMyStreet |
/// | `duplicate`, `not_councils_responsibility` | rejected | FixMyStreet |
/// | `internal_referral` | filed | FixMyStreet |
/// | `reported`, `filed`, `dispatched`, `handled`, `verified`, `rejected` | that state | wangge |
pub const DEFAULT_STATUSES: &[(&str, TicketState)] = &[
    ("open", TicketState::Reported),
    ("submitted", TicketState::Reported),
    ("closed", TicketState::Closed),
    ("fixed", TicketState::Closed),
    ("no_further_action", TicketState::Closed),
    ("investigating", TicketState::InProgress),
    ("action_scheduled", TicketState::InProgress),
    ("in_progress", TicketState::InProgress),
    ("duplicate", TicketState::Rejected),
    ("not_councils_responsibility", TicketState::Rejected),
    ("internal_referral", TicketState::Filed),
    ("reported", TicketState::Reported),
    ("filed", TicketState::Filed),
    ("dispatched", TicketState::Dispatched),
    ("handled", TicketState::Handled),
    ("verified", TicketState::Verified),
    ("rejected", TicketState::Rejected),
];

/// How an import reads what the specification leaves to the server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImportOptions {
    /// The unit of a request whose `address_id` is not one of ours and whose `lat`/`long`
    /// fall in no unit's boundary (or are missing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_unit: Option<NodeId>,
    /// Statuses added to [`DEFAULT_STATUSES`] or overriding it (keys without ASCII case), e.g.
    /// `{"acknowledged": "filed"}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub statuses: BTreeMap<String, TicketState>,
    /// The UTC offset (`±HH:MM`) of times written without a zone (some servers write
    /// `2012-05-22 23:57:23.97`); without it such times are refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_offset: Option<String>,
}

/// A field of an imported request that the ticket does not carry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unmapped {
    /// The request's row number in the input (from 1).
    pub row: usize,
    /// The request's id, if it had one.
    pub request: Option<String>,
    /// The field (`extended_attributes.title` for a member of `extended_attributes`).
    pub field: String,
    /// Its value, as given.
    pub value: Value,
}

/// Something an import assumed to read a request, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assumed {
    /// The row (from 1).
    pub row: usize,
    /// The ticket's id.
    pub request: String,
    /// The field concerned.
    pub field: &'static str,
    /// Its value, as given (`null` when absent).
    pub value: Value,
    /// What was assumed.
    pub assumption: &'static str,
}

/// A request identical to an earlier one of the same import (pages that overlap).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Duplicate {
    /// The row (from 1).
    pub row: usize,
    /// The earlier row it repeats.
    pub of: usize,
    /// The request's id.
    pub request: String,
}

/// A request that could not be imported.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowError {
    /// The row (from 1).
    pub row: usize,
    /// The request's id, if it had one.
    pub request: Option<String>,
    /// Why.
    pub error: Open311Error,
}

/// The outcome of an import.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Imported {
    /// The tickets created, in input order.
    pub tickets: Vec<TicketId>,
    /// Fields that were not mapped onto the tickets.
    pub unmapped: Vec<Unmapped>,
    /// What was assumed to read some requests.
    pub assumed: Vec<Assumed>,
    /// Requests identical to an earlier one of the same call, not imported (or refused) twice.
    pub duplicates: Vec<Duplicate>,
    /// Requests that could not be imported, with the reason.
    pub errors: Vec<RowError>,
}

/// The options, checked once.
struct Opts<'a> {
    default_unit: Option<&'a NodeId>,
    statuses: &'a BTreeMap<String, TicketState>,
    offset: Option<&'a str>,
}

impl ImportOptions {
    fn check(&self) -> Result<Opts<'_>, Open311Error> {
        if let Some(o) = &self.local_offset {
            if format!("2000-01-01T00:00:00{o}")
                .parse::<Timestamp>()
                .is_err()
                || o.len() != 6
            {
                return Err(Open311Error::InvalidOption {
                    option: "localOffset",
                    value: o.clone(),
                    reason: "expected a UTC offset written ±HH:MM, e.g. -07:00",
                });
            }
        }
        Ok(Opts {
            default_unit: self.default_unit.as_ref(),
            statuses: &self.statuses,
            offset: self.local_offset.as_deref(),
        })
    }
}

impl Opts<'_> {
    fn state_of(&self, status: &str) -> Option<TicketState> {
        let s = status.trim();
        self.statuses
            .iter()
            .find(|(k, _)| k.trim().eq_ignore_ascii_case(s))
            .map(|(_, v)| *v)
            .or_else(|| {
                DEFAULT_STATUSES
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(s))
                    .map(|(_, v)| *v)
            })
    }
}

/// Imports service requests with the default options (see [`import_with`]).
pub fn import(ledger: &mut Ledger, requests: &[Value]) -> Imported {
    let options = ImportOptions::default();
    match options.check() {
        Ok(o) => import_checked(ledger, requests, &o),
        Err(_) => Imported::default(),
    }
}

/// Imports a GeoReport v2 document already read as JSON: a list of service requests, one
/// request (as `GET /requests/{id}` servers return it) or `{"service_requests": […]}`. Any
/// other kind of document (an error document, a service list) is refused as a whole.
pub fn import_document(
    ledger: &mut Ledger,
    document: &Value,
    options: &ImportOptions,
) -> Result<Imported, Open311Error> {
    let opts = options.check()?;
    let items = super::read::classify(document.clone())?.into_requests()?;
    Ok(import_checked(ledger, &items, &opts))
}

/// Imports a GeoReport v2 document from its text, JSON or XML (see [`read`]).
///
/// ```
/// use wangge::hierarchy::{Hierarchy, NodeKind};
/// use wangge::interop::open311::{import_text, ImportOptions};
/// use wangge::ticket::{Category, Ledger, Taxonomy, TicketState};
///
/// let mut h = Hierarchy::new();
/// h.add("340404", NodeKind::District, "淮南高新区")?;
/// let tx = Taxonomy::new(vec![Category { code: "001".into(), name: "Cans left out".into(), name_en: String::new() }])?;
/// let mut ledger = Ledger::new(h.into(), tx.into());
/// let xml = "<service_requests><request>
///   <service_request_id>638344</service_request_id><status>closed</status>
///   <status_notes>Duplicate request.</status_notes><service_code>001</service_code>
///   <requested_datetime>2010-04-14T06:37:38-08:00</requested_datetime>
///   <updated_datetime>2010-04-14T06:37:38.123-08:00</updated_datetime>
/// </request></service_requests>";
/// let options = ImportOptions { default_unit: Some("340404".parse()?), ..Default::default() };
/// let imported = import_text(&mut ledger, xml, &options)?;
/// assert!(imported.errors.is_empty());
/// assert_eq!(ledger.get("638344").unwrap().state(), TicketState::Closed);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn import_text(
    ledger: &mut Ledger,
    text: &str,
    options: &ImportOptions,
) -> Result<Imported, Open311Error> {
    let opts = options.check()?;
    let items = read(text)?.into_requests()?;
    Ok(import_checked(ledger, &items, &opts))
}

/// Imports service requests (JSON objects as GeoReport v2 returns them) as tickets; see the
/// [module docs](super#import) for the mapping. Options that cannot be used (a bad
/// `localOffset`) refuse the whole call.
pub fn import_with(
    ledger: &mut Ledger,
    requests: &[Value],
    options: &ImportOptions,
) -> Result<Imported, Open311Error> {
    let opts = options.check()?;
    Ok(import_checked(ledger, requests, &opts))
}

fn import_checked(ledger: &mut Ledger, requests: &[Value], opts: &Opts<'_>) -> Imported {
    let mut out = Imported::default();
    // The first row of each id in this call: a later row equal to it is a duplicate (listed
    // once, whether the first was imported or refused).
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (index, value) in requests.iter().enumerate() {
        let row = index + 1;
        let Some(obj) = value.as_object() else {
            out.errors.push(RowError {
                row,
                request: None,
                error: Open311Error::invalid(
                    "",
                    value.to_string(),
                    "a service request is an object",
                ),
            });
            continue;
        };
        let id = text(obj, "service_request_id");
        if let Some(id) = &id {
            match seen.get(id) {
                Some(first) if requests.get(first - 1) == Some(value) => {
                    out.duplicates.push(Duplicate {
                        row,
                        of: *first,
                        request: id.clone(),
                    });
                    continue;
                }
                Some(_) => {}
                None => {
                    seen.insert(id.clone(), row);
                }
            }
        }
        let mut row_out = RowOut::default();
        match import_one(ledger, row, value, obj, opts, &mut row_out) {
            Ok(ticket) => {
                out.tickets.push(ticket);
                out.unmapped.append(&mut row_out.unmapped);
                out.assumed.append(&mut row_out.assumed);
            }
            Err(error) => out.errors.push(RowError {
                row,
                request: id,
                error,
            }),
        }
    }
    out
}

#[derive(Default)]
struct RowOut {
    unmapped: Vec<Unmapped>,
    assumed: Vec<Assumed>,
}

/// A field's text: a string as it is (`None` when empty or blank), a number as JSON writes
/// it (the specification's own examples give ids, codes and `address_id` as numbers).
fn text(obj: &Map<String, Value>, field: &str) -> Option<String> {
    match obj.get(field)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A coordinate: a number, or a string holding one (servers write both).
fn number(obj: &Map<String, Value>, field: &str) -> Result<Option<f64>, Open311Error> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64()),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        // Read as JSON reads numbers (serde_json's reader: std's float parser would add some
        // 15 KB to the WebAssembly module).
        Some(Value::String(s)) => serde_json::from_str::<f64>(s.trim())
            .map(Some)
            .map_err(|_| Open311Error::invalid(field, s.clone(), "not a number")),
        Some(other) => Err(Open311Error::invalid(
            field,
            other.to_string(),
            "not a number",
        )),
    }
}

/// A time: W3C/RFC 3339 with or without a fraction; without a zone, at the local offset if
/// one is given (`true` in the result then).
fn time(
    obj: &Map<String, Value>,
    field: &'static str,
    opts: &Opts<'_>,
) -> Result<Option<(Timestamp, bool)>, Open311Error> {
    let Some(s) = text(obj, field) else {
        return match obj.get(field) {
            None | Some(Value::Null) | Some(Value::String(_)) => Ok(None),
            Some(other) => Err(Open311Error::invalid(
                field,
                other.to_string(),
                "not a time",
            )),
        };
    };
    let s = s.trim();
    match s.parse::<Timestamp>() {
        Ok(t) => Ok(Some((t, false))),
        Err(e) => {
            if let Some(offset) = opts.offset {
                if let Ok(t) = format!("{s}{offset}").parse::<Timestamp>() {
                    return Ok(Some((t, true)));
                }
            }
            let reason = match e {
                crate::time::TimeError::InvalidInstant { reason, .. } => reason,
                other => other.to_string(),
            };
            let hint = if opts.offset.is_none() && reason.contains("offset") {
                " (a time without a zone is read only with the localOffset option)"
            } else {
                ""
            };
            Err(Open311Error::invalid(field, s, format!("{reason}{hint}")))
        }
    }
}

/// The id of a request that has none: `open311-` and the first 16 hex digits of the SHA-256
/// of its JSON text.
fn derived_id(value: &Value) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(value.to_string().as_bytes());
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut id = String::from("open311-");
    for b in digest.iter().take(8) {
        for nibble in [b >> 4, b & 15] {
            id.push(char::from(
                HEX.get(usize::from(nibble)).copied().unwrap_or(b'0'),
            ));
        }
    }
    id
}

/// The unit of a request, and the fields that placed it: `address_id` when it names one of
/// our units; else `lat`/`long` (WGS-84) located in the hierarchy's boundaries; else the
/// default unit.
fn unit_of(
    h: &Hierarchy,
    obj: &Map<String, Value>,
    opts: &Opts<'_>,
    row: &mut Located,
) -> Result<(String, &'static [&'static str]), Open311Error> {
    let address_id = text(obj, "address_id");
    if let Some(id) = address_id.as_ref().filter(|id| h.key(id).is_some()) {
        return Ok((id.clone(), &["address_id"]));
    }
    let (lat, lng) = (number(obj, "lat")?, number(obj, "long")?);
    let mut point = None;
    if let (Some(lat), Some(lng)) = (lat, lng) {
        if lat == 0.0 && lng == 0.0 {
            row.zero = true;
        } else {
            let p = MapPoint::new(CoordSystem::Wgs84, lat, lng).map_err(|e| {
                Open311Error::invalid("lat/long", format!("{lat}, {lng}"), e.to_string())
            })?;
            point = Some((lat, lng));
            if let Some(id) = h.locate(p).and_then(|k| h.id(k)) {
                return Ok((id.to_string(), &[]));
            }
        }
    }
    if let Some(unit) = opts.default_unit {
        return Ok((unit.to_string(), &[]));
    }
    Err(match (address_id, point) {
        (Some(a), _) => Open311Error::invalid(
            "address_id",
            a,
            "not a unit of the hierarchy; lat/long place the request in no unit and no default unit is given",
        ),
        (None, Some((lat, lng))) => Open311Error::invalid(
            "lat/long",
            format!("{lat}, {lng}"),
            "in no unit's boundary, and no default unit is given",
        ),
        (None, None) => match text(obj, "address") {
            Some(a) => Open311Error::invalid(
                "address",
                a,
                "an address alone does not place a request: give address_id, lat/long or a default unit",
            ),
            None => Open311Error::MissingField {
                field: "address_id",
            },
        },
    })
}

#[derive(Default)]
struct Located {
    zero: bool,
}

fn import_one(
    ledger: &mut Ledger,
    row: usize,
    value: &Value,
    obj: &Map<String, Value>,
    opts: &Opts<'_>,
    out: &mut RowOut,
) -> Result<TicketId, Open311Error> {
    let given_id = text(obj, "service_request_id");
    let id = given_id.clone().unwrap_or_else(|| derived_id(value));
    let assume = |field: &'static str, assumption: &'static str| Assumed {
        row,
        request: id.clone(),
        field,
        value: obj.get(field).cloned().unwrap_or(Value::Null),
        assumption,
    };
    let mut assumed = Vec::new();
    if given_id.is_none() {
        assumed.push(assume(
            "service_request_id",
            "absent: the id is derived from the request (open311- and its SHA-256)",
        ));
    }
    let code = text(obj, "service_code").ok_or(Open311Error::MissingField {
        field: "service_code",
    })?;
    let updated = time(obj, "updated_datetime", opts)?;
    let (requested, zoneless) = match time(obj, "requested_datetime", opts)? {
        Some(t) => t,
        None => match updated {
            Some(u) => {
                assumed.push(assume(
                    "requested_datetime",
                    "absent: the request is dated at its updated_datetime",
                ));
                u
            }
            None => {
                return Err(Open311Error::MissingField {
                    field: "requested_datetime",
                })
            }
        },
    };
    if zoneless || updated.is_some_and(|(_, z)| z) {
        assumed.push(assume(
            "requested_datetime",
            "a time without a zone, read at the localOffset option",
        ));
    }
    let mut located = Located::default();
    let (unit, used) = unit_of(ledger.hierarchy(), obj, opts, &mut located)?;
    if located.zero {
        assumed.push(assume("lat", "0, 0 read as no location"));
    }
    let refused = |field: &'static str, value: &str| {
        let value = value.to_owned();
        move |error| Open311Error::Refused {
            field,
            value,
            error: Box::new(error),
        }
    };
    let mut t = NewTicket::new(&id, &code, &unit).map_err(refused("service_request_id", &id))?;
    t.channel = Channel::Online;
    t.description = text(obj, "description");
    t.reporter = text(obj, "account_id").or_else(|| text(obj, "device_id"));
    // A node of ours holds it; free text (an agency's name) is kept in `unmapped`.
    t.holder = text(obj, "agency_responsible")
        .filter(|holder| ledger.hierarchy().key(holder).is_some())
        .and_then(|holder| holder.parse().ok());
    let holder_taken = t.holder.is_some();

    // The state: our own export's, else the status table's.
    let ext = obj.get("extended_attributes").and_then(Value::as_object);
    let status = text(obj, "status");
    let table = status.as_deref().and_then(|s| opts.state_of(s));
    let ours = ext
        .and_then(|e| e.get("state"))
        .and_then(Value::as_str)
        .and_then(|s| s.parse::<TicketState>().ok());
    let (state, state_from_ext) = match ours {
        Some(s) if importable(s) => (s, true),
        _ => (
            table
                .filter(|s| importable(*s))
                .unwrap_or(TicketState::Reported),
            false,
        ),
    };
    // The deadlines: our own export's, else `expected_datetime` as the reply deadline.
    let mut deadlines: Vec<(DeadlineKind, Timestamp)> = Vec::new();
    let ext_deadlines = ext
        .and_then(|e| e.get("deadlines"))
        .and_then(Value::as_object);
    if let Some(d) = ext_deadlines {
        for (kind, v) in d {
            let field = "extended_attributes.deadlines";
            let kind: DeadlineKind = kind
                .parse()
                .map_err(|_| Open311Error::invalid(field, kind.clone(), "not a deadline kind"))?;
            let due = v
                .as_str()
                .and_then(|s| s.parse::<Timestamp>().ok())
                .ok_or_else(|| Open311Error::invalid(field, v.to_string(), "not a time"))?;
            deadlines.push((kind, due));
        }
    }
    let expected = time(obj, "expected_datetime", opts)?;
    if ext_deadlines.is_none() {
        if let Some((due, _)) = expected {
            deadlines.push((DeadlineKind::Reply, due));
        }
    }
    for (_, due) in &deadlines {
        if *due < requested {
            let field = if ext_deadlines.is_some() {
                "extended_attributes.deadlines"
            } else {
                "expected_datetime"
            };
            return Err(Open311Error::invalid(
                field,
                due.to_string(),
                "a deadline before the request was made",
            ));
        }
    }
    let notes = text(obj, "status_notes");
    let note = notes.clone().filter(|n| *n != state_notes(state));
    let updated_at = updated.map(|(u, _)| u);
    let import_at = match updated_at {
        Some(u) if u >= requested => u,
        Some(_) => {
            assumed.push(assume(
                "updated_datetime",
                "before requested_datetime (a server that truncates times): the import is dated at the request",
            ));
            requested
        }
        None => requested,
    };
    let mut then: Vec<(Timestamp, Action)> = deadlines
        .iter()
        .map(|(deadline, due)| {
            (
                requested,
                Action::SetDeadline {
                    deadline: *deadline,
                    due: *due,
                },
            )
        })
        .collect();
    if state != TicketState::Reported || note.is_some() || import_at > requested {
        then.push((
            import_at,
            Action::Import {
                state,
                status: status.clone().unwrap_or_else(|| state.as_str().to_owned()),
                note,
            },
        ));
    }
    let key = ledger
        .report_with_history(&t, requested, &then)
        .map_err(|(step, error)| {
            let (field, value) = match (step, &error) {
                (0, crate::ticket::TicketError::UnknownCategory { .. }) => {
                    ("service_code", code.clone())
                }
                (0, crate::ticket::TicketError::DuplicateTicket { .. }) => {
                    ("service_request_id", id.clone())
                }
                (0, crate::ticket::TicketError::TimeOutOfRange { .. }) => {
                    ("requested_datetime", requested.to_string())
                }
                (0, crate::ticket::TicketError::InvalidTarget { .. })
                | (0, crate::ticket::TicketError::OutOfJurisdiction { .. }) => (
                    "agency_responsible",
                    text(obj, "agency_responsible").unwrap_or_default(),
                ),
                (0, _) => ("address_id", unit.clone()),
                (i, _) if i <= deadlines.len() => (
                    "expected_datetime",
                    deadlines
                        .get(i - 1)
                        .map(|(_, d)| d.to_string())
                        .unwrap_or_default(),
                ),
                _ => ("status", status.clone().unwrap_or_default()),
            };
            Open311Error::Refused {
                field,
                value,
                error: Box::new(error),
            }
        })?;

    // Everything the ticket does not imply is listed.
    let implied = ledger
        .view(key)
        .and_then(|v| serde_json::to_value(request(ledger, &v)).ok());
    let implied = implied.as_ref().and_then(Value::as_object);
    let same = |field: &str, v: &Value| {
        let i = implied.and_then(|m| m.get(field));
        i == Some(v)
            || (i.is_some() && i.and_then(Value::as_str).map(str::to_owned) == text(obj, field))
    };
    let consumed = |field: &str| match field {
        "service_request_id" | "service_code" | "description" | "requested_datetime"
        | "account_id" | "device_id" | "status_notes" => true,
        "expected_datetime" => ext_deadlines.is_none() && expected.is_some(),
        "updated_datetime" => updated_at == Some(import_at),
        "status" => state_from_ext || table.is_some_and(importable),
        "agency_responsible" => holder_taken,
        _ => used.contains(&field),
    };
    for (field, v) in obj {
        if v.is_null() || consumed(field) || same(field, v) {
            continue;
        }
        if field == "extended_attributes" {
            if let Some(e) = v.as_object() {
                for (k, x) in e {
                    let ours = (k == "state" && state_from_ext) || (k == "deadlines");
                    if !ours && !x.is_null() {
                        out.unmapped.push(Unmapped {
                            row,
                            request: Some(id.clone()),
                            field: format!("extended_attributes.{k}"),
                            value: x.clone(),
                        });
                    }
                }
                continue;
            }
        }
        if matches!(v, Value::String(s) if s.trim().is_empty()) {
            continue;
        }
        out.unmapped.push(Unmapped {
            row,
            request: Some(id.clone()),
            field: field.clone(),
            value: v.clone(),
        });
    }
    out.assumed.append(&mut assumed);
    TicketId::new(&id).map_err(|e| Open311Error::Refused {
        field: "service_request_id",
        value: id.clone(),
        error: Box::new(e),
    })
}

/// The outcome of importing a service list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServicesImported {
    /// The categories: one per service (code `service_code`, name `service_name`), in input
    /// order; a dotted code's missing parents are added before it, named by the service's
    /// `group` (or by the parent's code).
    pub taxonomy: Taxonomy,
    /// Fields of the services the taxonomy does not carry (`description`, `group`,
    /// `keywords`, …), as given.
    pub unmapped: Vec<Unmapped>,
    /// Services that could not become categories, with the reason.
    pub errors: Vec<RowError>,
}

/// The services a list of requests names (distinct `service_code`s with their
/// `service_name`s), as service objects (`metadata` false, `type` realtime): a taxonomy for requests whose server's service list
/// is not at hand (`import_services(&services_named(&requests))`).
pub fn services_named(requests: &[Value]) -> Vec<Value> {
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for r in requests.iter().filter_map(Value::as_object) {
        if let Some(code) = text(r, "service_code") {
            if !seen.contains(&code) {
                let name = text(r, "service_name").unwrap_or_else(|| code.clone());
                out.push(serde_json::json!({
                    "service_code": code, "service_name": name, "metadata": false, "type": "realtime"
                }));
                seen.push(code);
            }
        }
    }
    out
}

/// Imports a service list (`GET /services`, as JSON objects) into a taxonomy.
pub fn import_services(services: &[Value]) -> ServicesImported {
    let mut categories: Vec<Category> = Vec::new();
    let mut unmapped = Vec::new();
    let mut errors = Vec::new();
    for (index, value) in services.iter().enumerate() {
        let row = index + 1;
        let Some(obj) = value.as_object() else {
            errors.push(RowError {
                row,
                request: None,
                error: Open311Error::invalid("", value.to_string(), "a service is an object"),
            });
            continue;
        };
        let Some(code) = text(obj, "service_code").map(|c| c.trim().to_owned()) else {
            errors.push(RowError {
                row,
                request: None,
                error: Open311Error::MissingField {
                    field: "service_code",
                },
            });
            continue;
        };
        let name = text(obj, "service_name").unwrap_or_else(|| code.clone());
        let group = text(obj, "group");
        // Parents of a dotted code, when the list does not have them.
        let mut added: Vec<Category> = Vec::new();
        let mut prefix = String::new();
        let parts: Vec<&str> = code.split('.').collect();
        for p in parts.iter().take(parts.len().saturating_sub(1)) {
            if !prefix.is_empty() {
                prefix.push('.');
            }
            prefix.push_str(p);
            if !categories.iter().chain(&added).any(|c| c.code == prefix) {
                added.push(Category {
                    code: prefix.clone(),
                    name: group.clone().unwrap_or_else(|| prefix.clone()),
                    name_en: String::new(),
                });
            }
        }
        added.push(Category {
            code: code.clone(),
            name,
            name_en: String::new(),
        });
        // The code's form and parents, checked on its chain alone (the parents already
        // taken, then the new categories); a code already taken is a repeat.
        let checked = if categories.iter().any(|c| c.code == code) {
            Err(crate::ticket::TaxonomyError::DuplicateCode { code: code.clone() })
        } else {
            let mut chain: Vec<Category> = categories
                .iter()
                .filter(|c| code.starts_with(&format!("{}.", c.code)))
                .cloned()
                .collect();
            chain.sort_by_key(|c| c.code.len());
            chain.extend(added.iter().cloned());
            Taxonomy::new(chain).map(|_| ())
        };
        if let Err(e) = checked {
            errors.push(RowError {
                row,
                request: Some(code.clone()),
                error: Open311Error::invalid("service_code", code.clone(), e.to_string()),
            });
            continue;
        }
        categories.extend(added);
        for (field, v) in obj {
            let plain = matches!(field.as_str(), "service_code" | "service_name")
                || v.is_null()
                || matches!(v, Value::String(s) if s.trim().is_empty())
                || (field == "type" && v == "realtime")
                || (field == "metadata" && (v == false || v == "false"));
            if !plain {
                unmapped.push(Unmapped {
                    row,
                    request: Some(code.clone()),
                    field: field.clone(),
                    value: v.clone(),
                });
            }
        }
    }
    let taxonomy = Taxonomy::new(categories).unwrap_or_default();
    ServicesImported {
        taxonomy,
        unmapped,
        errors,
    }
}

/// Imports a service list from its text (JSON or XML; see [`read`]).
pub fn import_services_text(text: &str) -> Result<ServicesImported, Open311Error> {
    Ok(import_services(&read(text)?.into_services()?))
}
