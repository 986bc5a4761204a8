//! WebAssembly bindings for wangge: translation only, the domain lives in `core/`.
//!
//! Conventions (decided once, documented in the package README):
//! - Data in and out are plain objects with the core's serde shapes: camelCase keys,
//!   snake_case enum values, numbers as JS numbers, maps as objects.
//! - Times are ISO-8601 / RFC 3339 strings with an offset (`2025-03-03T09:00:00+08:00`);
//!   wangge writes `+08:00`. Dates are `YYYY-MM-DD` strings.
//! - Ids are strings. Typed arrays (`Uint32Array`) are used by the bulk entry points, with
//!   node keys from [`Hierarchy::key_of`].
//! - Errors are thrown as `Error` objects named `WanggeError` with a stable `code` and the
//!   error's data as camelCase properties.

#![allow(clippy::new_without_default)]

mod authority;
mod consultation;
mod convert;
mod escalation;
mod geo;
mod hierarchy;
mod ledger;
mod metrics;
mod types;

pub use authority::Authority;
pub use consultation::{Electorate, ForumRecords, OwnerRoll, Rule, Vote};
pub use escalation::{Calendar, Decisions, EscalationPolicy};
pub use hierarchy::Hierarchy;
pub use ledger::Ledger;

use wasm_bindgen::prelude::*;

/// The version of the wangge core these bindings wrap.
pub const VERSION: &str = wangge::VERSION;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);

    /// Web Crypto's `crypto.getRandomValues` (browsers, Node 19+, Deno, workers).
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues, catch)]
    fn get_random_values(buf: &mut [u8]) -> Result<(), JsValue>;
}

/// Runs once when the module starts. Installs the panic hook: a panic — which the core's
/// lints make unreachable — is logged with its message before the instance traps with a
/// `WebAssembly.RuntimeError`, itself an `Error`. And keys the hash maps of ids with 16
/// bytes from `crypto.getRandomValues`: std has no randomness on this target, so without
/// them the keys would be the same at every load (see `wangge::hash`). Where Web Crypto is
/// missing the maps keep std's keys.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error(&format!("wangge: internal error (please report): {info}"));
    }));
    let mut entropy = [0u8; 16];
    if get_random_values(&mut entropy).is_ok() {
        wangge::hash::add_entropy(entropy);
    }
}

/// The library version.
#[wasm_bindgen]
pub fn version() -> String {
    VERSION.to_owned()
}
