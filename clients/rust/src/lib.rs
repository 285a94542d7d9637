//! Testbay's command-line client: `testbay run`, `runs`, `show`, `logs`, `cancel`, `rerun`,
//! `tests`, `envs`, `templates`, `users`, `history`, `flaky` and `slow`, talking to a running service over its REST API, for
//! people and for CI jobs. It reads the API's answers with its own types (`models`), as any client would.
//!
//! Exit codes are part of the interface (`--wait` makes a CI job fail with its tests):
//! 0 passed (or done), 1 failed, 2 error, cancelled, timed out or interrupted, 3 refused
//! (environment busy, bad input, not found), 4 service unreachable or failing.

mod args;
mod client;
mod commands;
mod follow;
mod history;
mod memory;
mod models;
mod output;
mod templates;
mod users;

use std::process::ExitCode;

use anstyle::{AnsiColor, Style};

pub use self::args::ClientCommand;
use self::client::ClientError;

pub const EXIT_PASSED: u8 = 0;
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_RUN_ERROR: u8 = 2;
pub const EXIT_REFUSED: u8 = 3;
pub const EXIT_UNREACHABLE: u8 = 4;

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error(transparent)]
    Client(#[from] ClientError),
    /// Something about the command line or this machine, not the service.
    #[error("{0}")]
    Local(String),
}

/// Runs a client command; the exit code says how it went.
pub fn main(command: ClientCommand) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            output::tell(format!("testbay: cannot start: {error}"));
            return ExitCode::from(EXIT_RUN_ERROR);
        }
    };
    let result = runtime.block_on(async {
        match command {
            ClientCommand::Run(args) => commands::run(args).await,
            ClientCommand::Rerun(args) => commands::rerun(args).await,
            ClientCommand::Runs(args) => commands::runs(args).await,
            ClientCommand::Show(args) => commands::show(args).await,
            ClientCommand::Logs(args) => commands::logs(args).await,
            ClientCommand::Cancel(args) => commands::cancel(args).await,
            ClientCommand::Tests(args) => commands::tests(args).await,
            ClientCommand::Envs(args) => commands::envs(args).await,
            ClientCommand::Templates(command) => templates::run(command).await,
            ClientCommand::Users(command) => users::run(command).await,
            ClientCommand::History(args) => history::history(args).await,
            ClientCommand::Flaky(args) => history::flaky(args).await,
            ClientCommand::Slow(args) => history::slow(args).await,
        }
    });
    ExitCode::from(result.unwrap_or_else(|error| report(&error)))
}

fn report(error: &CliError) -> u8 {
    let red = Style::new().fg_color(Some(AnsiColor::Red.into())).bold();
    output::tell(format!("{} {error}", output::styled(red, "error:")));
    match error {
        CliError::Client(ClientError::Unreachable { .. } | ClientError::Service(_)) => EXIT_UNREACHABLE,
        CliError::Client(ClientError::Refused { .. }) | CliError::Local(_) => EXIT_REFUSED,
    }
}
