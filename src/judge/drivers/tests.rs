//! Driver tests with the host's toolchains (see `tests.rs` below).
