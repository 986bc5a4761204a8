//! WebAssembly bindings for wangge: translation only, the domain lives in `core/`.

/// The version of the wangge core these bindings wrap.
pub const VERSION: &str = wangge::VERSION;
