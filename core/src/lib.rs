#![doc = include_str!("../../README.md")]
#![forbid(unsafe_code)]

pub mod consultation;
pub mod hierarchy;
pub mod time;

/// The version of this crate.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
