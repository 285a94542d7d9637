//! The `testbay` binary: `testbay serve` starts the service, `testbay openapi` prints its spec.

use std::io::IsTerminal;

use anyhow::Context;
use clap::Parser;
use testbay::app::Application;
use testbay::config::{Cli, Command};
use tracing_subscriber::EnvFilter;

/// SurrealQL's parser recurses deeply; the default 2 MiB worker stack is not enough.
const WORKER_STACK_BYTES: usize = 10 * 1024 * 1024;

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Openapi => {
            println!("{}", testbay::api::spec_json());
            Ok(())
        }
        Command::Serve(config) => {
            tracing_subscriber::fmt()
                .with_env_filter(
                    EnvFilter::try_from_default_env()
                        .unwrap_or_else(|_| EnvFilter::new("info,surrealdb=warn,surrealkv=warn")),
                )
                .with_writer(std::io::stderr)
                .with_ansi(std::io::stderr().is_terminal())
                .init();
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .thread_stack_size(WORKER_STACK_BYTES)
                .build()
                .context("cannot start the async runtime")?;
            runtime.block_on(async {
                let app = Application::build(config).await.context("cannot start Testbay")?;
                app.run_until_stopped().await.context("the server failed")
            })
        }
    }
}
