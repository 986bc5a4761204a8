//! Why an Open311 document, or one request in it, was refused.

use serde::Serialize;

use crate::ticket::TicketError;

/// One error of an Open311 error document (`<errors><error><code>…`, `[{"code": …}]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerError {
    /// The code the server gave (an HTTP status in the specification: 400, 403, 404), as text.
    pub code: String,
    /// What the server said.
    pub description: String,
}

/// Why an Open311 document, or a request in it, was refused. Every variant names the field
/// and the value at fault where there is one.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum Open311Error {
    /// The text is neither JSON nor XML, or not a GeoReport v2 document.
    #[error("not a GeoReport v2 document: {message}")]
    Malformed {
        /// What is wrong.
        message: String,
    },
    /// The document is an error document: the server refused the call that produced it.
    #[error("the Open311 server answered with an error: {}", describe(errors))]
    ServerErrors {
        /// The errors, as the server gave them.
        errors: Vec<ServerError>,
    },
    /// The document is of another kind than the call reads (e.g. a service list given where
    /// service requests are imported).
    #[error("expected {expected}, found {found}")]
    WrongDocument {
        /// What the call reads.
        expected: &'static str,
        /// What the document is.
        found: &'static str,
    },
    /// A required field is absent, null or empty.
    #[error("{field} is missing")]
    MissingField {
        /// The field.
        field: &'static str,
    },
    /// A field's value cannot be read or used.
    #[error("{field} {value:?}: {reason}")]
    InvalidField {
        /// The field.
        field: String,
        /// Its value, as text.
        value: String,
        /// Why it was refused.
        reason: String,
    },
    /// The ledger refused the ticket a request describes, because of the value of one field
    /// (e.g. a `service_code` that is not in the taxonomy, a `service_request_id` already used).
    #[error("{field} {value:?}: {error}")]
    Refused {
        /// The field.
        field: &'static str,
        /// Its value.
        value: String,
        /// The ledger's error.
        error: Box<TicketError>,
    },
    /// An import option is not usable.
    #[error("option {option} {value:?}: {reason}")]
    InvalidOption {
        /// The option (as the bindings name it, e.g. `localOffset`).
        option: &'static str,
        /// Its value.
        value: String,
        /// Why it was refused.
        reason: &'static str,
    },
}

fn describe(errors: &[ServerError]) -> String {
    let parts: Vec<String> = errors
        .iter()
        .map(|e| format!("{} {}", e.code, e.description).trim().to_owned())
        .collect();
    parts.join("; ")
}

impl Open311Error {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            Open311Error::Malformed { .. } => "open311.malformed",
            Open311Error::ServerErrors { .. } => "open311.server_error",
            Open311Error::WrongDocument { .. } => "open311.wrong_document",
            Open311Error::MissingField { .. } => "open311.missing_field",
            Open311Error::InvalidField { .. } => "open311.invalid_field",
            Open311Error::Refused { .. } => "open311.refused",
            Open311Error::InvalidOption { .. } => "open311.invalid_option",
        }
    }

    pub(super) fn invalid(
        field: &str,
        value: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        Open311Error::InvalidField {
            field: field.to_owned(),
            value: value.into(),
            reason: reason.into(),
        }
    }
}
