//! Testbay: runs a team's pytest suites on a shared machine and reports on them over HTTP.
//!
//! The crate is a library so that the `testbay` binary, its integration tests and the desktop
//! shell all start the very same service (the binary's client commands are another crate,
//! `testbay-client`, which this one does not know):
//!
//! ```no_run
//! # async fn start() -> anyhow::Result<()> {
//! let config = testbay_service::config::ServeConfig::for_tests("sample_tests".into(), "/tmp/tb".into());
//! let app = testbay_service::app::Application::build(config).await?;
//! println!("listening on port {}", app.port());
//! app.run_until_stopped().await?;
//! # Ok(())
//! # }
//! ```
//!
//! The modules follow the architecture: `api` speaks HTTP, `domain` holds types and rules,
//! `store` is the only code that speaks SurrealQL, `runner` owns processes, `journal` numbers,
//! stores and fans out each run's events, `events` carries the runs list's live stream,
//! `retention` keeps the history to its settings and `test_tree` reads the tests from the file
//! system.

pub mod api;
pub mod app;
pub mod config;
pub mod domain;
pub mod events;
pub mod journal;
pub mod membership;
pub mod metrics;
pub mod other_nodes_changes;
pub mod process;
pub mod retention;
pub mod runner;
pub mod store;
pub mod test_tree;
pub mod usecases;
