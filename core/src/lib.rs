#![doc = include_str!("../../README.md")]
#![forbid(unsafe_code)]

pub mod calendar;
pub mod consultation;
pub mod escalation;
pub mod hierarchy;
mod intern;
pub mod interop;
pub mod metrics;
pub mod sla;
pub mod ticket;
pub mod time;

/// The version of this crate.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
