//! A Rust service embedding wangge (issue 19): the event log kept durable in SQLite, the
//! ledger rebuilt and verified from it on open.
//!
//! - [`store`]: the [`EventStore`](store::EventStore) trait (what a backend must promise)
//!   and [`SqliteStore`](store::SqliteStore).
//! - [`service`]: [`Service`](service::Service), a ledger whose every acknowledged action is
//!   in the store first.

pub mod http;
pub mod service;
pub mod store;

/// The article's settings (新建社区 and the others), shared with the Rust examples.
#[path = "../../article/mod.rs"]
pub mod article;

/// The 新建社区 example's ledger parts: its hierarchy (with grid boundaries), the default
/// taxonomy and the GB/T 30428 authority.
pub fn xinjian() -> (
    std::sync::Arc<wangge::hierarchy::Hierarchy>,
    std::sync::Arc<wangge::ticket::Taxonomy>,
    std::sync::Arc<wangge::ticket::authority::Authority>,
) {
    // The example's builder is checked by the core's tests; it cannot fail.
    let h = article::xinjian().unwrap_or_default();
    (
        std::sync::Arc::new(h),
        std::sync::Arc::default(),
        std::sync::Arc::default(),
    )
}

/// The demo configuration of the 新建社区 service: jurisdiction `xinjian`, API key
/// `demo-key`, and one staff token per role of the parking story (for the example only: a
/// real deployment reads its keys and tokens from its secrets):
///
/// | token | actor |
/// |---|---|
/// | `worker-token` | 340404001001003-wgy1 (grid 3's grid worker) |
/// | `centre-token` | 340404001000-zx (the street's grid management centre) |
/// | `staff-token` | 340404001000-zx-1 (a member of the centre's staff) |
/// | `property-token` | xj-kgxq-wy (矿工新村's property manager) |
/// | `party-token` | 340404001001-dw (the community Party committee) |
pub fn demo_config(
    clock: std::sync::Arc<dyn Fn() -> wangge::time::Timestamp + Send + Sync>,
) -> http::Config {
    let tokens = [
        ("worker-token", "340404001001003-wgy1"),
        ("centre-token", "340404001000-zx"),
        ("staff-token", "340404001000-zx-1"),
        ("property-token", "xj-kgxq-wy"),
        ("party-token", "340404001001-dw"),
    ];
    http::Config {
        jurisdiction: "xinjian".to_owned(),
        api_keys: vec!["demo-key".to_owned()],
        tokens: tokens
            .iter()
            .map(|(t, a)| ((*t).to_owned(), (*a).to_owned()))
            .collect(),
        clock,
    }
}

/// The demo key that signs the 新建社区 service's checkpoints (for the example only, and no
/// secret: it is printed here. A real deployment generates 32 random bytes once, keeps them
/// with its secrets, and gives auditors the public key).
pub fn demo_signing_key() -> wangge::ticket::log::SigningKey {
    wangge::ticket::log::SigningKey::from_bytes(b"wangge demo key: not a secret!!!")
}

/// Reads a secret signing key: 64 hex digits (surrounding whitespace ignored).
pub fn signing_key_from_hex(text: &str) -> Result<wangge::ticket::log::SigningKey, String> {
    wangge::ticket::log::SigningKey::from_slice(&key_bytes(text)?).map_err(|e| e.to_string())
}

/// Reads a public key: 64 hex digits (surrounding whitespace ignored).
pub fn public_key_from_hex(text: &str) -> Result<wangge::ticket::log::PublicKey, String> {
    wangge::ticket::log::PublicKey::from_slice(&key_bytes(text)?).map_err(|e| e.to_string())
}

/// 32 bytes from 64 hex digits.
fn key_bytes(text: &str) -> Result<Vec<u8>, String> {
    let text = text.trim();
    let bad = || format!("a key is 64 hex digits (found {:?})", text);
    if text.len() != 64 {
        return Err(bad());
    }
    (0..64)
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                .ok_or_else(bad)
        })
        .collect()
}
