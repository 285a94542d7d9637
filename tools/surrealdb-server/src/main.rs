//! SurrealDB's own server (the `surreal` command), built from its server crate, so that
//! Testbay's tests can run against a real SurrealDB server over `ws://`:
//! `surrealdb-test-server start --bind 127.0.0.1:PORT --user root --pass root memory`.

use std::process::ExitCode;

fn main() -> ExitCode {
    surrealdb_server::init(surrealdb_server::core::CommunityComposer())
}
