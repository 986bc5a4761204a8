//! Open311 GeoReport v2 (<https://wiki.open311.org/GeoReport_v2>): tickets as service
//! requests, the taxonomy as services, and service requests imported as reported tickets.
//!
//! Export mapping (field names as in the GeoReport v2 JSON):
//!
//! | Open311 | wangge |
//! |---|---|
//! | `service_request_id` | the ticket id |
//! | `status` | `closed` for closed, rejected and merged tickets, `open` otherwise |
//! | `status_notes` | the finer state, e.g. `in_progress 处置中` |
//! | `service_code` / `service_name` | the category code / its name |
//! | `description` | the description |
//! | `agency_responsible` | the id of the node holding the ticket |
//! | `requested_datetime` / `updated_datetime` | the report / the last event |
//! | `expected_datetime` | the reply deadline, else the handling deadline |
//! | `address`, `lat`, `long` | those of the unit where it arose, or of its nearest ancestor that has them |
//! | `address_id` | the id of the unit where it arose |
//!
//! Import creates reported tickets (by `@system`, at `requested_datetime`): the id, the
//! category (`service_code`), the unit (`address_id` when it is one of ours, else `lat`/`long`
//! located in the hierarchy's boundaries, else a default unit the caller gives; see
//! [`import_with`]), the holder (`agency_responsible` when it is one of our nodes), the
//! description and the reporter (`account_id` or `device_id`, opaque). Every other field whose
//! value is not what the ticket itself implies (e.g. a `closed` status, an
//! `expected_datetime`, a name or e-mail) is reported in [`Imported::unmapped`], never dropped
//! silently. Exporting a reported ticket and importing it again gives the same ticket.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::hierarchy::{GeoPoint, Hierarchy, NodeKey};
use crate::ticket::{
    Channel, DeadlineKind, Ledger, NewTicket, Priority, RequestType, Taxonomy, TicketError,
    TicketId, TicketView,
};
use crate::time::Timestamp;

/// A GeoReport v2 service request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceRequest {
    /// The request's id.
    pub service_request_id: String,
    /// `open` or `closed`.
    pub status: String,
    /// Free text about the status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_notes: Option<String>,
    /// The service's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    /// The service's code.
    pub service_code: String,
    /// The description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Who is responsible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency_responsible: Option<String>,
    /// A notice about the service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_notice: Option<String>,
    /// When it was requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_datetime: Option<Timestamp>,
    /// When it was last updated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_datetime: Option<Timestamp>,
    /// When it is expected to be done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_datetime: Option<Timestamp>,
    /// The address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// The address's id in the provider's system (here: the unit id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_id: Option<String>,
    /// The postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zipcode: Option<String>,
    /// Latitude.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    /// Longitude.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub long: Option<f64>,
    /// A media URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_url: Option<String>,
}

/// A GeoReport v2 service (a category).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    /// The code.
    pub service_code: String,
    /// The name.
    pub service_name: String,
    /// A description (the English name).
    pub description: String,
    /// Whether the service has extra attributes (never, here).
    pub metadata: bool,
    /// Always `realtime`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Keywords: the code's parts.
    pub keywords: String,
    /// The parent category's name.
    pub group: String,
}

/// The taxonomy as Open311 services.
pub fn services(taxonomy: &Taxonomy) -> Vec<Service> {
    taxonomy
        .categories()
        .iter()
        .map(|c| Service {
            service_code: c.code.clone(),
            service_name: c.name.clone(),
            description: c.name_en.clone(),
            metadata: false,
            kind: "realtime".to_owned(),
            keywords: c.code.replace('.', ","),
            group: c
                .code
                .rsplit_once('.')
                .and_then(|(p, _)| taxonomy.get(p))
                .map(|p| p.name.clone())
                .unwrap_or_else(|| c.name.clone()),
        })
        .collect()
}

fn place(h: &Hierarchy, unit: NodeKey) -> (Option<String>, Option<GeoPoint>) {
    let mut address = None;
    let mut location = None;
    for k in h.chain_keys(unit) {
        if let Some(n) = h.node_by_key(*k) {
            if address.is_none() {
                address = n.address.clone();
            }
            if location.is_none() {
                location = n.location;
            }
        }
    }
    (address, location)
}

fn status_notes(v: &TicketView<'_>) -> String {
    format!("{} {}", v.state().as_str(), v.state().chinese())
}

/// One ticket as a service request.
pub fn request(ledger: &Ledger, v: &TicketView<'_>) -> ServiceRequest {
    let h = &**ledger.hierarchy();
    let snapshot = v.snapshot();
    let (address, location) = place(h, v.unit());
    let deadlines = v.deadlines();
    ServiceRequest {
        service_request_id: v.id().to_string(),
        status: if v.state().is_open() {
            "open"
        } else {
            "closed"
        }
        .to_owned(),
        status_notes: Some(status_notes(v)),
        service_name: ledger.taxonomy().get(v.category()).map(|c| c.name.clone()),
        service_code: v.category().to_owned(),
        description: snapshot.description,
        agency_responsible: Some(snapshot.holder.to_string()),
        service_notice: None,
        requested_datetime: Some(v.reported_at()),
        updated_datetime: Some(v.updated_at()),
        expected_datetime: deadlines.reply.or(deadlines.handle),
        address,
        address_id: Some(snapshot.unit.to_string()),
        zipcode: None,
        lat: location.map(|p| p.lat),
        long: location.map(|p| p.lng),
        media_url: None,
    }
}

/// Every ticket as a service request, in ledger order.
pub fn requests(ledger: &Ledger) -> Vec<ServiceRequest> {
    ledger.tickets().map(|v| request(ledger, &v)).collect()
}

/// A field of an imported request that the ticket does not carry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unmapped {
    /// The request's row number in the input (from 1).
    pub row: usize,
    /// The request's id, if it had one.
    pub request: Option<String>,
    /// The field.
    pub field: String,
    /// Its value.
    pub value: Value,
}

/// The outcome of an import.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Imported {
    /// The tickets created, in input order.
    pub tickets: Vec<TicketId>,
    /// Fields that were not mapped onto the tickets.
    pub unmapped: Vec<Unmapped>,
    /// Requests that could not be imported, by row number (from 1), with the reason.
    pub errors: Vec<(usize, TicketError)>,
}

/// How [`import_with`] places requests that do not name one of our units.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImportOptions {
    /// The unit of a request whose `address_id` is not one of ours and whose `lat`/`long`
    /// fall in no unit's boundary (or are missing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_unit: Option<crate::hierarchy::NodeId>,
}

/// Imports service requests (JSON objects as GeoReport v2 returns them) as reported tickets,
/// with the default options (see [`import_with`]).
pub fn import(ledger: &mut Ledger, requests: &[Value]) -> Imported {
    import_with(ledger, requests, &ImportOptions::default())
}

/// Imports a GeoReport v2 response: a list of service requests, or a single one (as
/// `GET /requests/{id}` servers return it). See [`import_with`].
pub fn import_document(ledger: &mut Ledger, document: &Value, options: &ImportOptions) -> Imported {
    match document {
        Value::Array(items) => import_with(ledger, items, options),
        one => import_with(ledger, std::slice::from_ref(one), options),
    }
}

/// A field's text: a string as it is, a number as JSON writes it (the specification's own
/// examples give `service_request_id`, `service_code` and `address_id` as numbers).
fn field_text(obj: &Map<String, Value>, field: &str) -> Option<String> {
    match obj.get(field)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A coordinate: a number, or a string holding one (servers write both).
fn field_number(obj: &Map<String, Value>, field: &str) -> Option<f64> {
    match obj.get(field)? {
        Value::Number(n) => n.as_f64(),
        // Read as JSON reads numbers (serde_json's reader: std's float parser would add some
        // 15 KB to the WebAssembly module).
        Value::String(s) => serde_json::from_str::<f64>(s.trim()).ok(),
        _ => None,
    }
}

/// The unit of a request, and the fields that placed it: `address_id` when it names one of
/// our units; else `lat`/`long` (WGS-84, as GeoReport v2 gives them) located in the
/// hierarchy's boundaries; else the caller's default unit.
fn unit_of(
    h: &Hierarchy,
    obj: &Map<String, Value>,
    options: &ImportOptions,
) -> Result<(String, &'static [&'static str]), TicketError> {
    if let Some(id) = field_text(obj, "address_id").filter(|id| h.key(id).is_some()) {
        return Ok((id, &["address_id"]));
    }
    if let (Some(lat), Some(lng)) = (field_number(obj, "lat"), field_number(obj, "long")) {
        let located = crate::geo::MapPoint::new(crate::geo::CoordSystem::Wgs84, lat, lng)
            .ok()
            .and_then(|p| h.locate(p))
            .and_then(|k| h.id(k));
        if let Some(id) = located {
            return Ok((id.to_string(), &[]));
        }
    }
    if let Some(unit) = &options.default_unit {
        return Ok((unit.to_string(), &[]));
    }
    Err(TicketError::UnknownUnit {
        unit: field_text(obj, "address_id")
            .or_else(|| field_text(obj, "address"))
            .or_else(|| {
                let (lat, lng) = (field_number(obj, "lat")?, field_number(obj, "long")?);
                Some(format!("lat {lat}, long {lng}"))
            })
            .unwrap_or_default(),
    })
}

/// Imports service requests as reported tickets (by `@system`, at `requested_datetime`).
///
/// - Ids, codes and `address_id` may be strings or numbers.
/// - The unit: `address_id` when it is one of our units, else `lat`/`long` located in the
///   hierarchy's boundaries ([`Hierarchy::locate`], WGS-84 as the specification has it),
///   else [`ImportOptions::default_unit`]; a request none of them places is an error.
/// - `agency_responsible` becomes the holder when it is one of our nodes; otherwise (free
///   text, as the specification has it) it is kept in [`Imported::unmapped`].
/// - Every field whose value the ticket does not carry is listed in [`Imported::unmapped`].
pub fn import_with(ledger: &mut Ledger, requests: &[Value], options: &ImportOptions) -> Imported {
    let mut out = Imported {
        tickets: Vec::new(),
        unmapped: Vec::new(),
        errors: Vec::new(),
    };
    for (index, value) in requests.iter().enumerate() {
        let empty = Map::new();
        let obj = value.as_object().unwrap_or(&empty);
        let text = |f: &str| field_text(obj, f);
        let id = text("service_request_id");
        let row = index + 1;
        let fail = |error: TicketError| (row, error);
        let (ticket, used) = match build(ledger, obj, options) {
            Ok(t) => t,
            Err(e) => {
                out.errors.push(fail(e));
                continue;
            }
        };
        let Some(at) = text("requested_datetime").and_then(|s| s.parse::<Timestamp>().ok()) else {
            out.errors.push(fail(TicketError::UnknownName {
                what: "requested_datetime",
                name: text("requested_datetime").unwrap_or_default(),
            }));
            continue;
        };
        let new_id = ticket.id.clone();
        let holder_taken = ticket.holder.is_some();
        match ledger.report(ticket, crate::ticket::SYSTEM_ACTOR, at) {
            Ok(key) => {
                out.tickets.push(new_id);
                // Everything the ticket does not imply is reported.
                let implied = ledger
                    .view(key)
                    .map(|v| serde_json::to_value(request(ledger, &v)).unwrap_or(Value::Null));
                let implied = implied.as_ref().and_then(Value::as_object);
                for (field, v) in obj {
                    let same = implied.and_then(|m| m.get(field)) == Some(v)
                        || (field_text(obj, field).is_some()
                            && implied
                                .and_then(|m| m.get(field))
                                .and_then(Value::as_str)
                                .map(str::to_owned)
                                == field_text(obj, field));
                    let taken = matches!(
                        field.as_str(),
                        "service_request_id"
                            | "service_code"
                            | "description"
                            | "requested_datetime"
                            | "account_id"
                            | "device_id"
                    ) || used.contains(&field.as_str())
                        || (field == "agency_responsible" && holder_taken);
                    let trivially = field == "status" && v == "open";
                    if !same && !taken && !trivially && !v.is_null() {
                        out.unmapped.push(Unmapped {
                            row,
                            request: id.clone(),
                            field: field.clone(),
                            value: v.clone(),
                        });
                    }
                }
            }
            Err(e) => out.errors.push(fail(e)),
        }
    }
    out
}

fn build(
    ledger: &Ledger,
    obj: &Map<String, Value>,
    options: &ImportOptions,
) -> Result<(NewTicket, &'static [&'static str]), TicketError> {
    let text = |f: &str| field_text(obj, f);
    let id = text("service_request_id").unwrap_or_default();
    let code = text("service_code").unwrap_or_default();
    let (unit, used) = unit_of(ledger.hierarchy(), obj, options)?;
    let mut t = NewTicket::new(&id, &code, &unit)?;
    t.channel = Channel::Online;
    t.priority = Priority::default();
    t.request_type = RequestType::default();
    t.description = text("description");
    t.reporter = text("account_id").or_else(|| text("device_id"));
    // A node of ours holds it; free text (an agency's name) is kept in `unmapped`.
    t.holder = text("agency_responsible")
        .filter(|holder| ledger.hierarchy().key(holder).is_some())
        .and_then(|holder| holder.parse().ok());
    Ok((t, used))
}

/// The deadline an export writes as `expected_datetime`.
pub fn expected(v: &TicketView<'_>) -> Option<Timestamp> {
    v.deadline(DeadlineKind::Reply)
        .or_else(|| v.deadline(DeadlineKind::Handle))
}
