#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

/// The repository's README, whose Rust block runs as a doc test (it is not part of the
/// published crate: the crate's own README above is).
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct RepositoryReadme;

#[cfg(feature = "arrow")]
pub mod arrow;
mod bitset;
pub mod calendar;
pub mod consultation;
pub mod document;
pub mod escalation;
mod flat;
mod forum_tickets;
pub mod geo;
pub mod hash;
pub mod hierarchy;
mod intern;
pub mod interop;
pub mod metrics;
mod names;
mod repeats;
pub mod sla;
mod sorted;
mod strict_json;
mod text;
mod threads;
pub mod ticket;
pub mod time;
mod vocabulary;

pub use ticket::authority;

/// The version of this crate.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Any error of the library: one variant per module error, each with a stable
/// [`code`](Error::code) and its data as [`details`](Error::details). The bindings map it to
/// exception classes (Python) and `Error` objects (JavaScript) with the same code.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A hierarchy mutation, query or import was refused.
    #[error(transparent)]
    Hierarchy(#[from] hierarchy::HierarchyError),
    /// A division-code row was refused.
    #[error(transparent)]
    DivisionCode(#[from] hierarchy::DivisionCodeError),
    /// A ticket action was refused.
    #[error(transparent)]
    Ticket(#[from] ticket::TicketError),
    /// An authority document was refused.
    #[error(transparent)]
    Authority(#[from] ticket::authority::AuthorityError),
    /// A serialized log was refused.
    #[error(transparent)]
    Log(#[from] ticket::log::LogError),
    /// A replayed event was refused.
    #[error(transparent)]
    Replay(#[from] ticket::ReplayError),
    /// A taxonomy was refused.
    #[error(transparent)]
    Taxonomy(#[from] ticket::TaxonomyError),
    /// A calendar was refused.
    #[error(transparent)]
    Calendar(#[from] calendar::CalendarError),
    /// A time or date could not be read.
    #[error(transparent)]
    Time(#[from] time::TimeError),
    /// A service or escalation policy was refused.
    #[error(transparent)]
    Policy(#[from] sla::PolicyError),
    /// A consultation (roll, rule, vote, forum record) was refused.
    #[error(transparent)]
    Consultation(#[from] consultation::ConsultationError),
    /// A coordinate or coordinate system was refused.
    #[error(transparent)]
    Geo(#[from] geo::GeoError),
    /// An Open311 document, or a request in it, was refused.
    #[error(transparent)]
    Open311(#[from] interop::open311::Open311Error),
    /// Partial metrics could not be merged.
    #[error(transparent)]
    Metrics(#[from] metrics::PartialError),
    /// A table of columns could not be read at all.
    #[cfg(feature = "arrow")]
    #[error(transparent)]
    Columns(#[from] arrow::ColumnError),
    /// A document could not be read at all.
    #[error("malformed input: {message}")]
    Malformed {
        /// What the parser said.
        message: String,
    },
}

/// The details of [`Error::Malformed`].
#[derive(serde::Serialize)]
struct Malformed<'a> {
    message: &'a str,
}

impl Error {
    /// The stable error code, e.g. `ticket.illegal_transition`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Hierarchy(e) => e.code(),
            Error::DivisionCode(e) => e.code(),
            Error::Ticket(e) => e.code(),
            Error::Log(e) => e.code(),
            Error::Authority(e) => e.code(),
            Error::Replay(e) => e.error.code(),
            Error::Taxonomy(e) => e.code(),
            Error::Calendar(e) => e.code(),
            Error::Time(e) => e.code(),
            Error::Policy(e) => e.code(),
            Error::Consultation(e) => e.code(),
            Error::Geo(e) => e.code(),
            Error::Open311(e) => e.code(),
            Error::Metrics(e) => e.code(),
            #[cfg(feature = "arrow")]
            Error::Columns(e) => e.code(),
            Error::Malformed { .. } => "input.malformed",
        }
    }

    /// The error's data (ids, states, values) as a JSON object with snake_case keys.
    pub fn details(&self) -> serde_json::Value {
        // Written as JSON text and read back: the same value as `serde_json::to_value`, but
        // with the one JSON writer and reader the rest of the library uses (in WebAssembly,
        // `to_value` instantiated a second serializer for every error type).
        let text = match self {
            Error::Hierarchy(e) => serde_json::to_string(e),
            Error::DivisionCode(e) => serde_json::to_string(e),
            Error::Ticket(e) => serde_json::to_string(e),
            Error::Log(e) => serde_json::to_string(e),
            Error::Authority(e) => serde_json::to_string(e),
            Error::Replay(e) => serde_json::to_string(e),
            Error::Taxonomy(e) => serde_json::to_string(e),
            Error::Calendar(e) => serde_json::to_string(e),
            Error::Time(e) => serde_json::to_string(e),
            Error::Policy(e) => serde_json::to_string(e),
            Error::Consultation(e) => serde_json::to_string(e),
            Error::Geo(e) => serde_json::to_string(e),
            Error::Open311(e) => serde_json::to_string(e),
            Error::Metrics(e) => serde_json::to_string(e),
            #[cfg(feature = "arrow")]
            Error::Columns(e) => serde_json::to_string(e),
            Error::Malformed { message } => serde_json::to_string(&Malformed { message }),
        };
        let value = text.and_then(|t| serde_json::from_str::<serde_json::Value>(&t));
        match value {
            Ok(serde_json::Value::Object(map)) => serde_json::Value::Object(map),
            _ => serde_json::Value::Object(serde_json::Map::new()),
        }
    }
}
