//! The `testbay` binary: `testbay serve` starts the service, `testbay openapi` prints its spec,
//! and the other commands are a client of a running service.

use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use testbay_client::ClientCommand;
use testbay_service::app::Application;
use testbay_service::config::ServeConfig;

#[derive(Debug, Parser)]
#[command(
    name = "testbay",
    version,
    about = "Runs a team's pytest suites on a shared machine.",
    after_help = "Client commands talk to the service at --url (TESTBAY_URL, default http://127.0.0.1:8080).\n\
                  Exit codes: 0 passed or done, 1 failed, 2 error, cancelled, timed out or interrupted,\n\
                  3 refused (environment busy, bad input, not found), 4 service unreachable or failing."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start the service.
    Serve(ServeConfig),
    /// Print the OpenAPI spec of the REST API as JSON.
    Openapi,
    #[command(flatten)]
    Client(ClientCommand),
}

/// The embedded database's compactions hold much memory for a while; jemalloc returns it to the
/// system once they are done, where glibc's allocator would keep the service at its peak.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's settings: pages freed after a burst go back to the system within a second, not the
/// default ten, so the service's resident memory follows what it holds.
#[allow(unsafe_code, non_upper_case_globals)]
#[unsafe(export_name = "_rjem_malloc_conf")]
pub static malloc_conf: &[u8] = b"background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0\0";

fn main() -> anyhow::Result<ExitCode> {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            // A command line that makes no sense is bad input (3), not a run's error (2).
            let code = if error.use_stderr() { testbay_client::EXIT_REFUSED } else { 0 };
            return Ok(ExitCode::from(code));
        }
    };
    match cli.command {
        Command::Client(command) => Ok(testbay_client::main(command)),
        Command::Openapi => {
            println!("{}", testbay_service::api::spec_json());
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve(config) => {
            testbay_service::process::init_logging();
            let runtime = testbay_service::process::runtime().context("cannot start the async runtime")?;
            runtime.block_on(async {
                let app = Application::build(config).await.context("cannot start Testbay")?;
                app.run_until_stopped().await.context("the server failed")
            })?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
