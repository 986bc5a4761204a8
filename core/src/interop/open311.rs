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
//! category (`service_code`), the unit (`address_id`), the holder (`agency_responsible`), the
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

/// Imports service requests (JSON objects as GeoReport v2 returns them) as reported tickets.
pub fn import(ledger: &mut Ledger, requests: &[Value]) -> Imported {
    let mut out = Imported {
        tickets: Vec::new(),
        unmapped: Vec::new(),
        errors: Vec::new(),
    };
    for (index, value) in requests.iter().enumerate() {
        let empty = Map::new();
        let obj = value.as_object().unwrap_or(&empty);
        let text = |f: &str| obj.get(f).and_then(Value::as_str).map(str::to_owned);
        let id = text("service_request_id");
        let row = index + 1;
        let fail = |error: TicketError| (row, error);
        let ticket = match build(ledger, obj) {
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
        match ledger.report(ticket, crate::ticket::SYSTEM_ACTOR, at) {
            Ok(key) => {
                out.tickets.push(new_id);
                // Everything the ticket does not imply is reported.
                let implied = ledger
                    .view(key)
                    .map(|v| serde_json::to_value(request(ledger, &v)).unwrap_or(Value::Null));
                let implied = implied.as_ref().and_then(Value::as_object);
                for (field, v) in obj {
                    let same = implied.and_then(|m| m.get(field)) == Some(v);
                    let taken = matches!(
                        field.as_str(),
                        "service_request_id"
                            | "service_code"
                            | "address_id"
                            | "description"
                            | "requested_datetime"
                            | "account_id"
                            | "device_id"
                            | "agency_responsible"
                    );
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

fn build(ledger: &Ledger, obj: &Map<String, Value>) -> Result<NewTicket, TicketError> {
    let text = |f: &str| obj.get(f).and_then(Value::as_str).map(str::to_owned);
    let id = text("service_request_id").unwrap_or_default();
    let code = text("service_code").unwrap_or_default();
    let unit = text("address_id").ok_or_else(|| TicketError::UnknownUnit {
        unit: text("address").unwrap_or_default(),
    })?;
    let mut t = NewTicket::new(&id, &code, &unit)?;
    t.channel = Channel::Online;
    t.priority = Priority::default();
    t.request_type = RequestType::default();
    t.description = text("description");
    t.reporter = text("account_id").or_else(|| text("device_id"));
    if let Some(holder) = text("agency_responsible") {
        if ledger.hierarchy().key(&holder).is_some() {
            t.holder = Some(holder.parse().map_err(|_| TicketError::UnknownUnit {
                unit: holder.clone(),
            })?);
        } else {
            return Err(TicketError::UnknownUnit { unit: holder });
        }
    }
    Ok(t)
}

/// The deadline an export writes as `expected_datetime`.
pub fn expected(v: &TicketView<'_>) -> Option<Timestamp> {
    v.deadline(DeadlineKind::Reply)
        .or_else(|| v.deadline(DeadlineKind::Handle))
}
