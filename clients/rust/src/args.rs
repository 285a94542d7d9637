//! The client's command line: its commands, their arguments and their help.

use std::path::PathBuf;

use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Start a run (--wait: wait for its end and exit 0 passed, 1 failed, 2 error)
    Run(RunArgs),
    /// Start a run again: all of it, or only its failed tests
    Rerun(RerunArgs),
    /// List runs, newest first
    Runs(RunsArgs),
    /// Show a run: what it was created with, how it stands, its failed tests
    Show(RunIdArgs),
    /// Print a run's log (--follow: as it happens, until the run ends, exiting as run --wait)
    Logs(LogsArgs),
    /// Cancel a queued or running run
    Cancel(RunIdArgs),
    /// List the test files and folders a run can name
    Tests(ListArgs),
    /// List the environments that active runs hold
    Envs(EnvsArgs),
    /// List, show, save and delete run templates
    #[command(subcommand)]
    Templates(TemplatesCommand),
    /// Add users, list them, and give or revoke their tokens (admins only, once users exist)
    #[command(subcommand)]
    Users(UsersCommand),
    /// Show a test's history: its outcome run by run, since when it fails, whether it is flaky
    History(HistoryArgs),
    /// List flaky tests: those that both passed and failed on unchanged code
    Flaky(FlakyArgs),
    /// List the slowest tests and those that grew slower
    Slow(SlowArgs),
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The test's pytest node id, e.g. `math/test_add.py::test_add[1-2]`.
    pub node_id: String,
    /// Only runs in this environment.
    #[arg(long = "env", visible_alias = "environment", value_name = "N")]
    pub environment: Option<u8>,
    /// Only runs of the last N days.
    #[arg(long, value_name = "N")]
    pub days: Option<u32>,
    /// How many results to list, 1 to 500.
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    /// Print JSON (the API's form).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub connection: Connection,
}

#[derive(Debug, Args)]
pub struct FlakyArgs {
    /// Tests that flipped in the last N days, 1 to 365.
    #[arg(long, default_value_t = 14, value_name = "N")]
    pub days: u32,
    /// Print JSON (the API's form).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub connection: Connection,
}

#[derive(Debug, Args)]
pub struct SlowArgs {
    /// Tests per list, 1 to 200.
    #[arg(long, default_value_t = 20)]
    pub limit: u32,
    /// List tests whose median duration grew at least this many times.
    #[arg(long, default_value_t = 1.5, value_name = "X")]
    pub growth: f64,
    /// Print JSON (the API's form).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub connection: Connection,
}

#[derive(Clone, Debug, Args)]
pub struct Connection {
    /// The Testbay service.
    #[arg(long, env = "TESTBAY_URL", default_value = "http://127.0.0.1:8080")]
    pub url: String,
    /// The service's token, if it requires one (better in TESTBAY_TOKEN: a command line is
    /// visible to every user of the machine).
    #[arg(long, env = "TESTBAY_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
}

#[derive(Debug, Args)]
pub struct WaitArgs {
    /// Wait for the run to end; the exit code tells how it ended.
    #[arg(long)]
    pub wait: bool,
    /// Print the run's log as it happens, then how it ended (implies --wait).
    #[arg(long)]
    pub follow: bool,
    /// Write the run's JUnit XML report to FILE once it has ended (implies --wait).
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Print the run as JSON (the API's form) instead of text; a followed log goes to stderr.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Test files, folders or node ids, relative to the service's test tree.
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,
    /// Who asks for the run [default: the user of TESTBAY_TOKEN, else $USER or the account's name];
    /// only admins may name another user once the service has users.
    #[arg(long)]
    pub user: Option<String>,
    /// The test environment, 1 to 100.
    #[arg(long = "env", visible_alias = "environment", value_name = "N")]
    pub environment: Option<u8>,
    /// An environment variable for pytest (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_variable)]
    pub variables: Vec<(String, String)>,
    /// Seconds before the run is stopped as timed out.
    #[arg(long, value_name = "S")]
    pub timeout: Option<u32>,
    /// Start from this saved template; the other options override it.
    #[arg(long, value_name = "NAME")]
    pub template: Option<String>,
    /// Profile the run: `memory` tracks every allocation with memray (each test's high-water
    /// mark and top allocating lines; `limit_leaks` markers take effect); slower.
    #[arg(long, value_name = "KIND", value_parser = ["memory"])]
    pub profile: Option<String>,
    /// When the environment is held by another run, wait in line for it (first come, first
    /// served) instead of being refused.
    #[arg(long)]
    pub wait_for_environment: bool,
    #[command(flatten)]
    pub wait: WaitArgs,
    #[command(flatten)]
    pub connection: Connection,
}

#[derive(Debug, Args)]
pub struct RerunArgs {
    /// The run to start again.
    pub id: i64,
    /// Only the tests that failed or errored, by node id.
    #[arg(long)]
    pub failed: bool,
    /// Who asks for the new run [default: the user of TESTBAY_TOKEN, else the original run's user].
    #[arg(long)]
    pub user: Option<String>,
    /// When the environment is held by another run, wait in line for it instead of being refused.
    #[arg(long)]
    pub wait_for_environment: bool,
    #[command(flatten)]
    pub wait: WaitArgs,
    #[command(flatten)]
    pub connection: Connection,
}

#[derive(Debug, Args)]
pub struct RunsArgs {
    /// Only runs with this status (queued, running, passed, failed, error, cancelled,
    /// timed_out, interrupted).
    #[arg(long)]
    pub status: Option<String>,
    /// Only runs of this user.
    #[arg(long)]
    pub user: Option<String>,
    /// Only runs in this environment.
    #[arg(long = "env", visible_alias = "environment", value_name = "N")]
    pub environment: Option<u8>,
    /// Only runs started from this template.
    #[arg(long)]
    pub template: Option<String>,
    /// How many runs to list, 1 to 200.
    #[arg(long, default_value_t = 20)]
    pub limit: u32,
    /// Print JSON (the API's form).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub connection: Connection,
}

#[derive(Debug, Args)]
pub struct RunIdArgs {
    /// The run's number.
    pub id: i64,
    /// Print JSON (the API's form).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub connection: Connection,
}

#[derive(Debug, Args)]
pub struct LogsArgs {
    /// The run's number.
    pub id: i64,
    /// Keep printing as the run goes on, until it ends.
    #[arg(long)]
    pub follow: bool,
    #[command(flatten)]
    pub connection: Connection,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print JSON (the API's form).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub connection: Connection,
}

#[derive(Debug, Args)]
pub struct EnvsArgs {
    /// List all 100 environments, free ones too.
    #[arg(long)]
    pub all: bool,
    /// Print JSON (the API's form).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub connection: Connection,
}

#[derive(Debug, Subcommand)]
pub enum TemplatesCommand {
    /// List the saved templates
    List(ListArgs),
    /// Show a template
    Show(TemplateNameArgs),
    /// Save a run setup as a template (replacing one of that name)
    Save(SaveTemplateArgs),
    /// Delete a template
    Delete(TemplateNameArgs),
}

#[derive(Debug, Args)]
pub struct TemplateNameArgs {
    /// The template's name.
    pub name: String,
    /// Print JSON (the API's form).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub connection: Connection,
}

#[derive(Debug, Args)]
pub struct SaveTemplateArgs {
    /// The template's name: letters, digits, `.`, `_` and `-`.
    pub name: String,
    /// Test files, folders or node ids, relative to the service's test tree.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<String>,
    /// The test environment, 1 to 100.
    #[arg(long = "env", visible_alias = "environment", value_name = "N")]
    pub environment: u8,
    /// An environment variable for pytest (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_variable)]
    pub variables: Vec<(String, String)>,
    /// Seconds before a run is stopped as timed out.
    #[arg(long, value_name = "S")]
    pub timeout: Option<u32>,
    /// What the template is for.
    #[arg(long)]
    pub description: Option<String>,
    /// Print JSON (the API's form).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub connection: Connection,
}

fn parse_variable(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_owned(), value.to_owned())),
        _ => Err(format!("expected NAME=VALUE, got `{text}`")),
    }
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Add a user and print their token (shown this once); the first user turns on tokens
    Add(AddUserArgs),
    /// List the users
    List(ListArgs),
    /// Give a user a new token and print it; the old one stops working
    Token(UserNameArgs),
    /// Revoke a user's token: it stops working at once
    Revoke(UserNameArgs),
}

#[derive(Debug, Args)]
pub struct AddUserArgs {
    /// The user's name: letters, digits, `.`, `_` and `-`.
    pub name: String,
    /// The user manages users and may act for others.
    #[arg(long)]
    pub admin: bool,
    /// Print JSON (the API's form).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub connection: Connection,
}

#[derive(Debug, Args)]
pub struct UserNameArgs {
    /// The user's name.
    pub name: String,
    /// Print JSON (the API's form).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub connection: Connection,
}
