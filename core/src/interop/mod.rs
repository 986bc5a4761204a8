//! Interoperability with other civic-issue systems.

pub mod open311;
