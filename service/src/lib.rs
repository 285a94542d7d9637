//! Testbay: runs a team's pytest suites on a shared machine and reports on them over HTTP.
//!
//! The crate is a library so that the `testbay` binary, the integration tests and the desktop
//! shell all start the very same service:
//!
//! ```no_run
//! # async fn start() -> anyhow::Result<()> {
//! let config = testbay::config::ServeConfig::for_tests("sample_tests".into(), "/tmp/tb".into());
//! let app = testbay::app::Application::build(config).await?;
//! println!("listening on port {}", app.port());
//! app.run_until_stopped().await?;
//! # Ok(())
//! # }
//! ```
//!
//! The modules follow the architecture: `api` speaks HTTP, `domain` holds types and rules,
//! `store` is the only code that speaks SurrealQL, `runner` owns processes, `journal` numbers,
//! stores and fans out each run's events, `events` carries the runs list's live stream,
//! `retention` keeps the history to its settings,
//! `test_tree` reads the tests from the file system and `cli` is the command-line client of a
//! running service.

pub mod api;
pub mod app;
pub mod cli;
pub mod config;
pub mod domain;
pub mod events;
pub mod journal;
pub mod process;
pub mod retention;
pub mod runner;
pub mod store;
pub mod test_tree;
pub mod usecases;
