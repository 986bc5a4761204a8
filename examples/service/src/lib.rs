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
