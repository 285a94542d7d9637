//! The command-line client: `testbay run`, `runs`, `show`, `logs`, `cancel`, `rerun`, `tests`,
//! `envs` and `templates`, talking to a running service over its REST API, for people and for
//! CI jobs.
//!
//! Exit codes are part of the interface (`--wait` makes a CI job fail with its tests):
//! 0 passed (or done), 1 failed, 2 error, cancelled, timed out or interrupted, 3 refused
//! (environment busy, bad input, not found), 4 service unreachable or failing.

mod client;
mod follow;
mod output;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use anstyle::Style;
use clap::{Args, Subcommand};
use serde_json::{Value, json};

use self::client::{Client, ClientError, parse};
use self::follow::LogSink;
use self::output::{Table, cell, status_name, status_style, styled};
use crate::api::models::{RunPage, RunStatusView, RunView, TemplateList, TemplateView, TestResultList};

pub const EXIT_PASSED: u8 = 0;
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_RUN_ERROR: u8 = 2;
pub const EXIT_REFUSED: u8 = 3;
pub const EXIT_UNREACHABLE: u8 = 4;

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
    /// Print a run's log (--follow: as it happens, until the run ends)
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
}

#[derive(Clone, Debug, Args)]
pub struct Connection {
    /// The Testbay service.
    #[arg(long, env = "TESTBAY_URL", default_value = "http://127.0.0.1:8080")]
    url: String,
    /// The service's token, if it requires one.
    #[arg(long, env = "TESTBAY_TOKEN", hide_env_values = true)]
    token: Option<String>,
}

#[derive(Debug, Args)]
pub struct WaitArgs {
    /// Wait for the run to end; the exit code tells how it ended.
    #[arg(long)]
    wait: bool,
    /// Print the run's log as it happens, then how it ended (implies --wait).
    #[arg(long)]
    follow: bool,
    /// Write the run's JUnit XML report to FILE once it has ended (implies --wait).
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Print the run as JSON (the API's form) instead of text; a followed log goes to stderr.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Test files, folders or node ids, relative to the service's test tree.
    #[arg(value_name = "PATH")]
    paths: Vec<String>,
    /// Who asks for the run [default: $USER, or the account's name].
    #[arg(long)]
    user: Option<String>,
    /// The test environment, 1 to 100.
    #[arg(long = "env", visible_alias = "environment", value_name = "N")]
    environment: Option<u8>,
    /// An environment variable for pytest (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_variable)]
    variables: Vec<(String, String)>,
    /// Seconds before the run is stopped as timed out.
    #[arg(long, value_name = "S")]
    timeout: Option<u32>,
    /// Start from this saved template; the other options override it.
    #[arg(long, value_name = "NAME")]
    template: Option<String>,
    #[command(flatten)]
    wait: WaitArgs,
    #[command(flatten)]
    connection: Connection,
}

#[derive(Debug, Args)]
pub struct RerunArgs {
    /// The run to start again.
    id: i64,
    /// Only the tests that failed or errored, by node id.
    #[arg(long)]
    failed: bool,
    /// Who asks for the new run [default: the original run's user].
    #[arg(long)]
    user: Option<String>,
    #[command(flatten)]
    wait: WaitArgs,
    #[command(flatten)]
    connection: Connection,
}

#[derive(Debug, Args)]
pub struct RunsArgs {
    /// Only runs with this status (queued, running, passed, failed, error, cancelled,
    /// timed_out, interrupted).
    #[arg(long)]
    status: Option<String>,
    /// Only runs of this user.
    #[arg(long)]
    user: Option<String>,
    /// Only runs in this environment.
    #[arg(long = "env", visible_alias = "environment", value_name = "N")]
    environment: Option<u8>,
    /// Only runs started from this template.
    #[arg(long)]
    template: Option<String>,
    /// How many runs to list, 1 to 200.
    #[arg(long, default_value_t = 20)]
    limit: u32,
    /// Print JSON (the API's form).
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    connection: Connection,
}

#[derive(Debug, Args)]
pub struct RunIdArgs {
    /// The run's number.
    id: i64,
    /// Print JSON (the API's form).
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    connection: Connection,
}

#[derive(Debug, Args)]
pub struct LogsArgs {
    /// The run's number.
    id: i64,
    /// Keep printing as the run goes on, until it ends.
    #[arg(long)]
    follow: bool,
    #[command(flatten)]
    connection: Connection,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print JSON (the API's form).
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    connection: Connection,
}

#[derive(Debug, Args)]
pub struct EnvsArgs {
    /// List all 100 environments, free ones too.
    #[arg(long)]
    all: bool,
    /// Print JSON (the API's form).
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    connection: Connection,
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
    name: String,
    /// Print JSON (the API's form).
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    connection: Connection,
}

#[derive(Debug, Args)]
pub struct SaveTemplateArgs {
    /// The template's name: letters, digits, `.`, `_` and `-`.
    name: String,
    /// Test files, folders or node ids, relative to the service's test tree.
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<String>,
    /// The test environment, 1 to 100.
    #[arg(long = "env", visible_alias = "environment", value_name = "N")]
    environment: u8,
    /// An environment variable for pytest (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_variable)]
    variables: Vec<(String, String)>,
    /// Seconds before a run is stopped as timed out.
    #[arg(long, value_name = "S")]
    timeout: Option<u32>,
    /// What the template is for.
    #[arg(long)]
    description: Option<String>,
    /// Print JSON (the API's form).
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    connection: Connection,
}

fn parse_variable(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_owned(), value.to_owned())),
        _ => Err(format!("expected NAME=VALUE, got `{text}`")),
    }
}

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
            eprintln!("testbay: cannot start: {error}");
            return ExitCode::from(EXIT_RUN_ERROR);
        }
    };
    match runtime.block_on(execute(command)) {
        Ok(code) => ExitCode::from(code),
        Err(error) => ExitCode::from(report(&error)),
    }
}

fn report(error: &CliError) -> u8 {
    let red = Style::new().fg_color(Some(anstyle::AnsiColor::Red.into())).bold();
    anstream::eprintln!("{} {error}", styled(red, "error:"));
    match error {
        CliError::Client(ClientError::Unreachable { .. } | ClientError::Service(_)) => EXIT_UNREACHABLE,
        CliError::Client(ClientError::Refused { .. }) | CliError::Local(_) => EXIT_REFUSED,
    }
}

async fn execute(command: ClientCommand) -> Result<u8, CliError> {
    match command {
        ClientCommand::Run(args) => run(args).await,
        ClientCommand::Rerun(args) => rerun(args).await,
        ClientCommand::Runs(args) => runs(args).await,
        ClientCommand::Show(args) => show(args).await,
        ClientCommand::Logs(args) => logs(args).await,
        ClientCommand::Cancel(args) => cancel(args).await,
        ClientCommand::Tests(args) => tests(args).await,
        ClientCommand::Envs(args) => envs(args).await,
        ClientCommand::Templates(command) => templates(command).await,
    }
}

fn connect(connection: &Connection) -> Result<Client, CliError> {
    Ok(Client::new(&connection.url, connection.token.clone())?)
}

fn variables(pairs: &[(String, String)]) -> Value {
    Value::from(
        pairs.iter().cloned().map(|(name, value)| (name, Value::from(value))).collect::<serde_json::Map<_, _>>(),
    )
}

async fn run(args: RunArgs) -> Result<u8, CliError> {
    let client = connect(&args.connection)?;
    let user = match args.user {
        Some(user) => user,
        None => login_name().ok_or_else(|| CliError::Local("say who asks for the run with --user".into()))?,
    };
    let mut body = json!({ "user": user });
    if let Some(environment) = args.environment {
        body["environment"] = environment.into();
    }
    if !args.paths.is_empty() {
        body["paths"] = args.paths.into();
    }
    if !args.variables.is_empty() {
        body["variables"] = variables(&args.variables);
    }
    if let Some(timeout) = args.timeout {
        body["limits"] = json!({ "timeout_s": timeout });
    }
    if let Some(template) = args.template {
        body["template"] = template.into();
    }
    let created = client.post("/runs", Some(&body)).await?;
    started(&client, &created, &args.wait).await
}

/// `$USER`, else the name of the account this runs as.
fn login_name() -> Option<String> {
    std::env::var("USER")
        .ok()
        .filter(|user| !user.is_empty())
        .or_else(|| nix::unistd::User::from_uid(nix::unistd::getuid()).ok().flatten().map(|user| user.name))
}

async fn rerun(args: RerunArgs) -> Result<u8, CliError> {
    let client = connect(&args.connection)?;
    let mut body = json!({ "failed_only": args.failed });
    if let Some(user) = args.user {
        body["user"] = user.into();
    }
    let created = client.post(&format!("/runs/{}/rerun", args.id), Some(&body)).await?;
    started(&client, &created, &args.wait).await
}

/// Reports a run just created and, if asked, waits for it to end.
async fn started(client: &Client, created: &Value, wait: &WaitArgs) -> Result<u8, CliError> {
    let run: RunView = parse(created)?;
    let page = client.page_url(&format!("/runs/{}", run.id));
    let waits = wait.wait || wait.follow || wait.junit.is_some();
    if !waits {
        if wait.json {
            println!("{}", output::json(created));
        } else {
            anstream::println!("run {} {} in environment {}: {page}", run.id, status_name(run.status), run.environment);
        }
        return Ok(EXIT_PASSED);
    }
    anstream::eprintln!("run {} {} in environment {}: {page}", run.id, status_name(run.status), run.environment);
    let sink = match (wait.follow, wait.json) {
        (false, _) => LogSink::Nowhere,
        (true, false) => LogSink::Stdout,
        (true, true) => LogSink::Stderr,
    };
    let ended = follow::until_end(client, run.id, sink).await?;
    if let Some(file) = &wait.junit {
        let xml = client.get_text(&format!("/runs/{}/junit.xml", run.id)).await?;
        std::fs::write(file, xml).map_err(|error| {
            CliError::Local(format!("cannot write the JUnit report to {}: {error}", file.display()))
        })?;
        eprintln!("JUnit XML report written to {}", file.display());
    }
    if wait.json {
        println!("{}", output::json(&client.get(&format!("/runs/{}", run.id)).await?));
    } else {
        print_outcome(client, &ended).await?;
    }
    Ok(exit_code(ended.status))
}

fn exit_code(status: RunStatusView) -> u8 {
    match status {
        RunStatusView::Passed => EXIT_PASSED,
        RunStatusView::Failed => EXIT_FAILED,
        _ => EXIT_RUN_ERROR,
    }
}

/// The run's summary line and its failed tests.
async fn print_outcome(client: &Client, run: &RunView) -> Result<(), CliError> {
    anstream::println!("{}", output::run_summary(run));
    let results: TestResultList = parse(&client.get(&format!("/runs/{}/tests", run.id)).await?)?;
    for line in output::failed_tests(&results.items) {
        anstream::println!("{line}");
    }
    Ok(())
}

async fn runs(args: RunsArgs) -> Result<u8, CliError> {
    let client = connect(&args.connection)?;
    let mut query = vec![("limit", args.limit.to_string())];
    let filters = [("status", args.status), ("user", args.user), ("template", args.template)];
    query.extend(filters.into_iter().filter_map(|(key, value)| value.map(|value| (key, value))));
    if let Some(environment) = args.environment {
        query.push(("environment", environment.to_string()));
    }
    let page = client.get_with("/runs", &query).await?;
    if args.json {
        println!("{}", output::json(&page));
        return Ok(EXIT_PASSED);
    }
    let page: RunPage = parse(&page)?;
    if page.items.is_empty() {
        println!("no runs");
        return Ok(EXIT_PASSED);
    }
    let mut table = Table::new(vec!["RUN", "STATUS", "USER", "ENV", "RESULTS", "CREATED", "TEMPLATE", "PATHS"]);
    for run in &page.items {
        table.row(vec![
            cell(run.id.to_string()),
            (status_name(run.status).to_owned(), status_style(run.status)),
            cell(run.user.clone()),
            cell(run.environment.to_string()),
            cell(output::counts(&run.counts)),
            cell(output::local_time(&run.created_at)),
            cell(run.template.clone().unwrap_or_else(|| "-".into())),
            cell(shorten(&run.paths.join(" "), 60)),
        ]);
    }
    anstream::print!("{}", table.render());
    Ok(EXIT_PASSED)
}

fn shorten(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(max_chars - 1).collect();
    short.push('…');
    short
}

async fn show(args: RunIdArgs) -> Result<u8, CliError> {
    let client = connect(&args.connection)?;
    let value = client.get(&format!("/runs/{}", args.id)).await?;
    if args.json {
        println!("{}", output::json(&value));
        return Ok(EXIT_PASSED);
    }
    let run: RunView = parse(&value)?;
    let mut facts: Vec<(&str, String)> =
        vec![("user", run.user.clone()), ("environment", run.environment.to_string()), ("paths", run.paths.join(" "))];
    if let Some(template) = &run.template {
        facts.push(("template", template.clone()));
    }
    if let Some(original) = run.rerun_of {
        facts.push(("rerun of", format!("run {original}")));
    }
    if !run.variables.is_empty() {
        let pairs: Vec<String> = run.variables.iter().map(|(name, value)| format!("{name}={value}")).collect();
        facts.push(("variables", pairs.join(" ")));
    }
    facts.push(("created", output::local_time(&run.created_at)));
    if let Some(started) = &run.started_at {
        facts.push(("started", output::local_time(started)));
    }
    if let Some(finished) = &run.finished_at {
        facts.push(("finished", output::local_time(finished)));
    }
    if let Some(position) = run.queue_position {
        facts.push(("queue", format!("position {position}")));
    }
    if let Some(code) = run.exit_code {
        facts.push(("exit code", code.to_string()));
    }
    let limits = &run.limits;
    facts.push((
        "limits",
        format!(
            "{} MiB memory, {:.2} CPU, {} processes, {} s",
            limits.memory_bytes / (1024 * 1024),
            f64::from(limits.cpu_millicores) / 1000.0,
            limits.pids,
            limits.timeout_s
        ),
    ));
    if let Some(peak) = run.resources.peak_memory_bytes {
        let cpu = run.resources.cpu_seconds.map(|s| format!(", {s:.2} s CPU")).unwrap_or_default();
        facts.push(("used", format!("{:.1} MiB memory at peak{cpu}", peak as f64 / (1024.0 * 1024.0))));
    }
    facts.push(("node", run.node.clone()));
    facts.push(("page", client.page_url(&format!("/runs/{}", run.id))));
    anstream::println!("{}", output::run_summary(&run));
    let width = facts.iter().map(|(key, _)| key.len()).max().unwrap_or(0);
    for (key, value) in facts {
        println!("  {key:<width$}  {value}");
    }
    let results: TestResultList = parse(&client.get(&format!("/runs/{}/tests", run.id)).await?)?;
    for line in output::failed_tests(&results.items) {
        anstream::println!("{line}");
    }
    Ok(EXIT_PASSED)
}

async fn logs(args: LogsArgs) -> Result<u8, CliError> {
    let client = connect(&args.connection)?;
    if args.follow {
        let ended = follow::until_end(&client, args.id, LogSink::Stdout).await?;
        anstream::println!("{}", output::run_summary(&ended));
        return Ok(EXIT_PASSED);
    }
    let mut offset = 0u64;
    loop {
        let page = client.get_with(&format!("/runs/{}/log", args.id), &[("offset", offset.to_string())]).await?;
        let text = page.get("text").and_then(Value::as_str).unwrap_or_default();
        let next = page.get("next_offset").and_then(Value::as_u64).unwrap_or(offset);
        let complete = page.get("complete").and_then(Value::as_bool).unwrap_or(true);
        {
            use std::io::Write;
            let mut out = anstream::stdout().lock();
            if out.write_all(text.as_bytes()).and_then(|()| out.flush()).is_err() {
                return Ok(EXIT_PASSED);
            }
        }
        if complete || next <= offset {
            return Ok(EXIT_PASSED);
        }
        offset = next;
    }
}

async fn cancel(args: RunIdArgs) -> Result<u8, CliError> {
    let client = connect(&args.connection)?;
    let value = client.post(&format!("/runs/{}/cancel", args.id), None).await?;
    if args.json {
        println!("{}", output::json(&value));
        return Ok(EXIT_PASSED);
    }
    let run: RunView = parse(&value)?;
    if follow::is_final(run.status) {
        anstream::println!("run {} {}", run.id, styled(status_style(run.status), status_name(run.status)));
    } else {
        println!("run {} is stopping; it ends as cancelled", run.id);
    }
    Ok(EXIT_PASSED)
}

async fn tests(args: ListArgs) -> Result<u8, CliError> {
    let client = connect(&args.connection)?;
    let tree = client.get("/tests").await?;
    if args.json {
        println!("{}", output::json(&tree));
        return Ok(EXIT_PASSED);
    }
    for entry in tree.get("entries").and_then(Value::as_array).into_iter().flatten() {
        let path = entry.get("path").and_then(Value::as_str).unwrap_or_default();
        let folder = entry.get("kind").and_then(Value::as_str) == Some("folder");
        println!("{path}{}", if folder { "/" } else { "" });
    }
    Ok(EXIT_PASSED)
}

async fn envs(args: EnvsArgs) -> Result<u8, CliError> {
    let client = connect(&args.connection)?;
    let list = client.get("/environments").await?;
    if args.json {
        println!("{}", output::json(&list));
        return Ok(EXIT_PASSED);
    }
    let items = list.get("items").and_then(Value::as_array).cloned().unwrap_or_default();
    let holders: BTreeMap<u64, Option<i64>> = items
        .iter()
        .filter_map(|item| Some((item.get("id")?.as_u64()?, item.get("run_id").and_then(Value::as_i64))))
        .collect();
    let mut table = Table::new(vec!["ENV", "HELD BY"]);
    for (environment, holder) in &holders {
        match holder {
            Some(run_id) => table.row(vec![cell(environment.to_string()), cell(format!("run {run_id}"))]),
            None if args.all => table.row(vec![cell(environment.to_string()), cell("free")]),
            None => {}
        }
    }
    let free = holders.values().filter(|holder| holder.is_none()).count();
    if free < holders.len() || args.all {
        anstream::print!("{}", table.render());
    }
    println!("{free} of {} environments free", holders.len());
    Ok(EXIT_PASSED)
}

async fn templates(command: TemplatesCommand) -> Result<u8, CliError> {
    match command {
        TemplatesCommand::List(args) => {
            let client = connect(&args.connection)?;
            let list = client.get("/templates").await?;
            if args.json {
                println!("{}", output::json(&list));
                return Ok(EXIT_PASSED);
            }
            let list: TemplateList = parse(&list)?;
            if list.items.is_empty() {
                println!("no templates; save one with `testbay templates save NAME --env N PATH...`");
                return Ok(EXIT_PASSED);
            }
            let mut table = Table::new(vec!["NAME", "ENV", "TIMEOUT", "PATHS", "DESCRIPTION"]);
            for template in &list.items {
                table.row(vec![
                    cell(template.name.clone()),
                    cell(template.environment.to_string()),
                    cell(template.timeout_s.map_or_else(|| "-".into(), |s| format!("{s} s"))),
                    cell(shorten(&template.paths.join(" "), 50)),
                    cell(template.description.clone().unwrap_or_default()),
                ]);
            }
            anstream::print!("{}", table.render());
        }
        TemplatesCommand::Show(args) => {
            let client = connect(&args.connection)?;
            let value = client.get(&format!("/templates/{}", client::path_segment(&args.name))).await?;
            if args.json {
                println!("{}", output::json(&value));
            } else {
                print_template(&parse(&value)?);
            }
        }
        TemplatesCommand::Save(args) => {
            let client = connect(&args.connection)?;
            let mut body = json!({ "environment": args.environment, "paths": args.paths });
            if !args.variables.is_empty() {
                body["variables"] = variables(&args.variables);
            }
            if let Some(timeout) = args.timeout {
                body["timeout_s"] = timeout.into();
            }
            if let Some(description) = args.description {
                body["description"] = description.into();
            }
            let value = client.put(&format!("/templates/{}", client::path_segment(&args.name)), &body).await?;
            if args.json {
                println!("{}", output::json(&value));
            } else {
                let template: TemplateView = parse(&value)?;
                let what = if template.created_at == template.updated_at { "saved" } else { "replaced" };
                println!("template {} {what}; start it with `testbay run --template {}`", template.name, template.name);
            }
        }
        TemplatesCommand::Delete(args) => {
            let client = connect(&args.connection)?;
            client.delete(&format!("/templates/{}", client::path_segment(&args.name))).await?;
            if !args.json {
                println!("template {} deleted", args.name);
            }
        }
    }
    Ok(EXIT_PASSED)
}

fn print_template(template: &TemplateView) {
    println!("template {}", template.name);
    if let Some(description) = &template.description {
        println!("  description  {description}");
    }
    println!("  environment  {}", template.environment);
    println!("  paths        {}", template.paths.join(" "));
    if !template.variables.is_empty() {
        let pairs: Vec<String> = template.variables.iter().map(|(name, value)| format!("{name}={value}")).collect();
        println!("  variables    {}", pairs.join(" "));
    }
    if let Some(timeout) = template.timeout_s {
        println!("  timeout      {timeout} s");
    }
    println!("  updated      {}", output::local_time(&template.updated_at));
}
