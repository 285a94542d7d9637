//! The `testbay` binary: `testbay serve` starts the service, `testbay openapi` prints its spec,
//! and the other commands are a client of a running service.

use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use testbay::app::Application;
use testbay::config::{Cli, Command};

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
            let code = if error.use_stderr() { testbay::cli::EXIT_REFUSED } else { 0 };
            return Ok(ExitCode::from(code));
        }
    };
    match cli.command {
        Command::Client(command) => Ok(testbay::cli::main(command)),
        Command::Openapi => {
            println!("{}", testbay::api::spec_json());
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve(config) => {
            testbay::process::init_logging();
            let runtime = testbay::process::runtime().context("cannot start the async runtime")?;
            runtime.block_on(async {
                let app = Application::build(config).await.context("cannot start Testbay")?;
                app.run_until_stopped().await.context("the server failed")
            })?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
