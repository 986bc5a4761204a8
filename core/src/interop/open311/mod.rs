//! Open311 GeoReport v2 (<https://wiki.open311.org/GeoReport_v2>): tickets as service
//! requests, the taxonomy as services; service requests imported as tickets and service
//! lists as taxonomies, from the JSON or XML documents real servers write.
//!
//! # Export
//!
//! Field names as in the GeoReport v2 JSON:
//!
//! | Open311 | wangge |
//! |---|---|
//! | `service_request_id` | the ticket id |
//! | `status` | `closed` for closed, rejected and merged tickets, `open` otherwise |
//! | `status_notes` | the note of the ticket's import if it has one, else the state, e.g. `in_progress 处置中` |
//! | `service_code` / `service_name` | the category code / its name |
//! | `description` | the description |
//! | `agency_responsible` | the id of the node holding the ticket |
//! | `requested_datetime` / `updated_datetime` | the report / the last event |
//! | `expected_datetime` | the reply deadline, else the handling deadline |
//! | `address`, `lat`, `long` | those of the unit where it arose, or of its nearest ancestor that has them |
//! | `address_id` | the id of the unit where it arose |
//! | `extended_attributes` | `state` (the wangge state) and `deadlines` (every deadline set, by kind) |
//!
//! # Import
//!
//! [`import_text`] reads a document ([`read`]: JSON or XML, a list or one request, error
//! documents recognised as errors) and [`import_with`] imports the requests, each as a ticket
//! reported by `@system` at `requested_datetime`:
//!
//! - the id (`service_request_id`, a string or a number; a request without one, as servers
//!   list requests still being processed, gets `open311-` and 16 hex digits of the SHA-256 of
//!   the request, so importing it again finds it; listed in [`Imported::assumed`]);
//! - the category (`service_code`, which must be in the ledger's taxonomy: import the
//!   server's service list with [`import_services`]);
//! - the unit: `address_id` when it is one of our units, else `lat`/`long` (WGS-84, as the
//!   specification has them; `0`,`0` is read as no location) located in the hierarchy's
//!   boundaries, else [`ImportOptions::default_unit`];
//! - the holder: `agency_responsible` when it is one of our nodes (otherwise it is free
//!   text, as the specification has it, kept in [`Imported::unmapped`]);
//! - the description and the reporter (`account_id` or `device_id`, opaque);
//! - the state: `extended_attributes.state` when it is a wangge state (our own export), else
//!   `status` through the status table ([`ImportOptions::statuses`] over
//!   [`DEFAULT_STATUSES`], case-insensitive). A state other than `reported`, a
//!   `status_notes`, or an `updated_datetime` after the report is recorded by one
//!   [`crate::ticket::Action::Import`] event at `updated_datetime`, which
//!   marks the ticket's history before it as held elsewhere;
//! - the deadlines: `extended_attributes.deadlines`, else `expected_datetime` as the reply
//!   deadline (`set_deadline` events by `@system`, before the import event).
//!
//! Times are W3C/RFC 3339 with or without fractions (kept to the second); a time without a
//! zone (as some servers write) is read at [`ImportOptions::local_offset`] when given, and
//! refused otherwise. Every other field whose value is not what the ticket implies (a
//! `media_url`, `extended_attributes` of another system, a name or e-mail, a status the table
//! does not know) is listed in [`Imported::unmapped`] with its value as given, never dropped.
//! A request identical to an earlier one of the same call (pages that overlap) is listed in
//! [`Imported::duplicates`]; every other refusal is an [`Open311Error`] naming the field and
//! the value at fault, in [`Imported::errors`].
//!
//! Exporting tickets and importing them again keeps their ids, categories, units, holders,
//! descriptions, reporters, states (but suspended, parked and merged, which an import cannot
//! set: those come back open, with `extended_attributes.state` listed in `unmapped`), deadlines
//! and the times of the report and of the last event.

mod error;
mod import;
mod read;

pub use error::{Open311Error, ServerError};
pub use import::{
    import, import_document, import_services, import_services_text, import_text, import_with,
    services_named, Assumed, Duplicate, ImportOptions, Imported, RowError, ServicesImported,
    Unmapped, DEFAULT_STATUSES,
};
pub use read::{classify, read, Document};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::hierarchy::{GeoPoint, Hierarchy, NodeKey};
use crate::ticket::{Action, DeadlineKind, Ledger, Taxonomy, TicketView};
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
    /// Attributes beyond the specification's fields (`extensions=true`): `state`, the
    /// wangge state, and `deadlines`, every deadline set, by kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extended_attributes: Option<Map<String, Value>>,
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

/// The `status_notes` an export writes for a state when the ticket has no imported note.
pub(crate) fn state_notes(state: crate::ticket::TicketState) -> String {
    format!("{} {}", state.as_str(), state.chinese())
}

fn status_notes(v: &TicketView<'_>) -> String {
    let imported = v.events().take(8).find_map(|e| match e.action {
        Action::Import { note, .. } => note,
        _ => None,
    });
    imported.unwrap_or_else(|| state_notes(v.state()))
}

fn extended(v: &TicketView<'_>) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("state".to_owned(), Value::from(v.state().as_str()));
    let d = v.deadlines();
    let mut deadlines = Map::new();
    for kind in DeadlineKind::ALL {
        if let Some(t) = d.get(*kind) {
            deadlines.insert(kind.as_str().to_owned(), Value::from(t.to_string()));
        }
    }
    if !deadlines.is_empty() {
        m.insert("deadlines".to_owned(), Value::Object(deadlines));
    }
    m
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
        extended_attributes: Some(extended(v)),
    }
}

/// Every ticket as a service request, in ledger order.
pub fn requests(ledger: &Ledger) -> Vec<ServiceRequest> {
    ledger.tickets().map(|v| request(ledger, &v)).collect()
}

/// The deadline an export writes as `expected_datetime`.
pub fn expected(v: &TicketView<'_>) -> Option<Timestamp> {
    v.deadline(DeadlineKind::Reply)
        .or_else(|| v.deadline(DeadlineKind::Handle))
}
