//! What each command does: requests to the service, and what it prints of the answers.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::args::{Connection, EnvsArgs, ListArgs, LogsArgs, RerunArgs, RunArgs, RunIdArgs, RunsArgs, WaitArgs};
use super::client::{Client, parse};
use super::follow::LogSink;
use super::models::{EnvironmentList, LogPage, Run, RunPage, RunStatus, TestResultList, TestTree};
use super::output::{self, Table, cell, say, status, status_style, tell};
use super::{CliError, EXIT_FAILED, EXIT_PASSED, EXIT_RUN_ERROR};

pub(super) fn connect(connection: &Connection) -> Result<Client, CliError> {
    Ok(Client::new(&connection.url, connection.token.clone())?)
}

pub(super) fn variables(pairs: &[(String, String)]) -> Value {
    Value::from(
        pairs.iter().cloned().map(|(name, value)| (name, Value::from(value))).collect::<serde_json::Map<_, _>>(),
    )
}

/// `$USER`, else the name of the account this runs as.
fn login_name() -> Option<String> {
    std::env::var("USER")
        .ok()
        .filter(|user| !user.is_empty())
        .or_else(|| nix::unistd::User::from_uid(nix::unistd::getuid()).ok().flatten().map(|user| user.name))
}

/// The exit code of a command that waited for a run: 0 passed, 1 failed, 2 any other end.
fn exit_code(status: RunStatus) -> u8 {
    match status {
        RunStatus::Passed => EXIT_PASSED,
        RunStatus::Failed => EXIT_FAILED,
        _ => EXIT_RUN_ERROR,
    }
}

pub async fn run(args: RunArgs) -> Result<u8, CliError> {
    let client = connect(&args.connection)?;
    let mut body = json!({});
    // A user's token says who asks: the service fills it in. Otherwise the login name.
    let signed_in = args.connection.token.is_some()
        && client.get("/me").await.is_ok_and(|me| me.get("kind").and_then(Value::as_str) == Some("user"));
    match args.user {
        Some(user) => body["user"] = user.into(),
        None if signed_in => {}
        None => {
            let user = login_name().ok_or_else(|| CliError::Local("say who asks for the run with --user".into()))?;
            body["user"] = user.into();
        }
    }
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
    if let Some(profile) = args.profile {
        body["profile"] = profile.into();
    }
    if args.wait_for_environment {
        body["wait_for_environment"] = true.into();
    }
    let created = client.post("/runs", Some(&body)).await?;
    started(&client, &created, &args.wait).await
}

pub async fn rerun(args: RerunArgs) -> Result<u8, CliError> {
    let client = connect(&args.connection)?;
    let mut body = json!({ "failed_only": args.failed, "wait_for_environment": args.wait_for_environment });
    if let Some(user) = args.user {
        body["user"] = user.into();
    }
    let created = client.post(&format!("/runs/{}/rerun", args.id), Some(&body)).await?;
    started(&client, &created, &args.wait).await
}

/// Reports a run just created and, if asked, waits for it to end.
async fn started(client: &Client, created: &Value, wait: &WaitArgs) -> Result<u8, CliError> {
    let run: Run = parse(created)?;
    let page = client.page_url(&format!("/runs/{}", run.id));
    let place = match (run.line_position, run.queue_position) {
        (Some(place), _) => format!(", #{place} in line for the environment"),
        (None, Some(place)) => format!(", #{place} in the queue"),
        (None, None) => String::new(),
    };
    let news = format!("run {} {} in environment {}{place}: {page}", run.id, run.status, run.environment);
    if !(wait.wait || wait.follow || wait.junit.is_some()) {
        if wait.json {
            output::json(created);
        } else {
            say(news);
        }
        return Ok(EXIT_PASSED);
    }
    tell(news);
    let mut sink = match (wait.follow, wait.json) {
        (false, _) => LogSink::Nowhere,
        (true, false) => LogSink::stdout(),
        (true, true) => LogSink::stderr(),
    };
    let ended = super::follow::until_end(client, run.id, &mut sink).await?;
    if let Some(file) = &wait.junit {
        let xml = client.get_text(&format!("/runs/{}/junit.xml", run.id)).await?;
        std::fs::write(file, xml).map_err(|error| {
            CliError::Local(format!("cannot write the JUnit report to {}: {error}", file.display()))
        })?;
        tell(format!("JUnit XML report written to {}", file.display()));
    }
    if wait.json {
        output::json(&client.get(&format!("/runs/{}", run.id)).await?);
    } else {
        say(output::run_summary(&ended));
        print_failed_tests(client, &ended).await?;
    }
    Ok(exit_code(ended.status))
}

/// Prints the failed and erroring tests of a run that has some.
async fn print_failed_tests(client: &Client, run: &Run) -> Result<(), CliError> {
    if run.counts.failed + run.counts.errors == 0 {
        return Ok(());
    }
    let id = run.id;
    let results: TestResultList = parse(&client.get(&format!("/runs/{id}/tests")).await?)?;
    for line in output::failed_tests(&results.items, run) {
        say(line);
    }
    Ok(())
}

pub async fn runs(args: RunsArgs) -> Result<u8, CliError> {
    let client = connect(&args.connection)?;
    let mut query = vec![("limit", args.limit.to_string())];
    let filters = [("status", args.status), ("user", args.user), ("template", args.template)];
    query.extend(filters.into_iter().filter_map(|(key, value)| value.map(|value| (key, value))));
    if let Some(environment) = args.environment {
        query.push(("environment", environment.to_string()));
    }
    let answer = client.get_with("/runs", &query).await?;
    if args.json {
        output::json(&answer);
        return Ok(EXIT_PASSED);
    }
    let page: RunPage = parse(&answer)?;
    if page.items.is_empty() {
        say("no runs");
        return Ok(EXIT_PASSED);
    }
    let mut table = Table::new(vec!["RUN", "STATUS", "USER", "ENV", "RESULTS", "CREATED", "TEMPLATE", "PATHS"]);
    for run in &page.items {
        table.row(vec![
            cell(run.id.to_string()),
            (run.status.to_string(), status_style(run.status)),
            cell(run.user.clone()),
            cell(run.environment.to_string()),
            cell(output::counts(&run.counts)),
            cell(output::local_time(&run.created_at)),
            cell(run.template.clone().unwrap_or_else(|| "-".into())),
            cell(shorten(&run.paths.join(" "), 60)),
        ]);
    }
    output::print(&table.render());
    Ok(EXIT_PASSED)
}

pub(super) fn shorten(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(max_chars - 1).collect();
    short.push('…');
    short
}

pub async fn show(args: RunIdArgs) -> Result<u8, CliError> {
    let client = connect(&args.connection)?;
    let answer = client.get(&format!("/runs/{}", args.id)).await?;
    if args.json {
        output::json(&answer);
        return Ok(EXIT_PASSED);
    }
    let run: Run = parse(&answer)?;
    let mut facts: Vec<(&str, String)> =
        vec![("user", run.user.clone()), ("environment", run.environment.to_string()), ("paths", run.paths.join(" "))];
    if let Some(by) = run.created_by.as_ref().filter(|by| **by != run.user) {
        facts.push(("started by", by.clone()));
    }
    if let Some(template) = &run.template {
        facts.push(("template", template.clone()));
    }
    if let Some(original) = run.rerun_of {
        facts.push(("rerun of", format!("run {original}")));
    }
    if !run.variables.is_empty() {
        facts.push(("variables", pairs(&run.variables)));
    }
    facts.push(("created", output::local_time(&run.created_at)));
    if let Some(started) = &run.started_at {
        facts.push(("started", output::local_time(started)));
    }
    if let Some(finished) = &run.finished_at {
        facts.push(("finished", output::local_time(finished)));
    }
    if let Some(by) = &run.cancelled_by {
        facts.push(("cancelled by", by.clone()));
    }
    if let Some(position) = run.queue_position {
        facts.push(("queue", format!("position {position}")));
    }
    if let Some(position) = run.line_position {
        facts.push(("in line", format!("#{position} for environment {}", run.environment)));
    }
    if let Some(code) = run.exit_code {
        facts.push(("exit code", code.to_string()));
    }
    if run.profile.as_deref() == Some("memory") {
        facts.push(("profile", "memory (memray: every allocation tracked)".into()));
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
    if let Some(memory) = super::memory::fact(&client, run.id).await? {
        facts.push(("memory", memory));
    }
    facts.push(("stored", output::bytes(run.stored_bytes)));
    if let Some(pruned) = &run.log_pruned_at {
        facts.push(("log", format!("removed {} by the retention setting", output::local_time(pruned))));
    }
    facts.push(("node", run.node.clone().unwrap_or_else(|| "none yet (waiting in the queue)".into())));
    facts.push(("page", client.page_url(&format!("/runs/{}", run.id))));
    say(output::run_summary(&run));
    print_facts(&facts);
    // One read of the results for both the failures and the memory growth.
    let results: TestResultList = parse(&client.get(&format!("/runs/{}/tests", run.id)).await?)?;
    for line in output::failed_tests(&results.items, &run) {
        say(line);
    }
    super::memory::print_top_growth(&results.items);
    Ok(EXIT_PASSED)
}

pub(super) fn pairs(variables: &BTreeMap<String, String>) -> String {
    variables.iter().map(|(name, value)| format!("{name}={value}")).collect::<Vec<_>>().join(" ")
}

pub(super) fn print_facts(facts: &[(&str, String)]) {
    let width = facts.iter().map(|(key, _)| key.len()).max().unwrap_or(0);
    for (key, value) in facts {
        say(format!("  {key:<width$}  {value}"));
    }
}

pub async fn logs(args: LogsArgs) -> Result<u8, CliError> {
    let client = connect(&args.connection)?;
    if args.follow {
        let ended = super::follow::until_end(&client, args.id, &mut LogSink::stdout()).await?;
        say(output::run_summary(&ended));
        return Ok(exit_code(ended.status));
    }
    let mut offset = 0u64;
    loop {
        let answer = client.get_with(&format!("/runs/{}/log", args.id), &[("offset", offset.to_string())]).await?;
        let page: LogPage = parse(&answer)?;
        if let Some(pruned) = &page.pruned_at {
            tell(format!(
                "the log of run {} was removed {} by the retention setting; its results are kept (testbay tests {})",
                args.id,
                output::local_time(pruned),
                args.id
            ));
            return Ok(EXIT_PASSED);
        }
        output::print(&page.text);
        if page.complete || page.next_offset <= offset {
            return Ok(EXIT_PASSED);
        }
        offset = page.next_offset;
    }
}

pub async fn cancel(args: RunIdArgs) -> Result<u8, CliError> {
    let client = connect(&args.connection)?;
    let answer = client.post(&format!("/runs/{}/cancel", args.id), None).await?;
    if args.json {
        output::json(&answer);
        return Ok(EXIT_PASSED);
    }
    let run: Run = parse(&answer)?;
    if !run.status.is_active() {
        say(format!("run {} {}", run.id, status(run.status)));
    } else {
        say(format!("run {} is stopping; it ends as cancelled", run.id));
    }
    Ok(EXIT_PASSED)
}

pub async fn tests(args: ListArgs) -> Result<u8, CliError> {
    let client = connect(&args.connection)?;
    let answer = client.get("/tests").await?;
    if args.json {
        output::json(&answer);
        return Ok(EXIT_PASSED);
    }
    let tree: TestTree = parse(&answer)?;
    for entry in &tree.entries {
        say(format!("{}{}", entry.path, if entry.kind == "folder" { "/" } else { "" }));
    }
    Ok(EXIT_PASSED)
}

pub async fn envs(args: EnvsArgs) -> Result<u8, CliError> {
    let client = connect(&args.connection)?;
    let answer = client.get("/environments").await?;
    if args.json {
        output::json(&answer);
        return Ok(EXIT_PASSED);
    }
    let list: EnvironmentList = parse(&answer)?;
    let mut table = Table::new(vec!["ENV", "HELD BY", "WAITING IN LINE"]);
    for environment in &list.items {
        let line: Vec<String> = environment.waiting.iter().map(|run| format!("run {run}")).collect();
        match environment.run_id {
            Some(run_id) => table.row(vec![
                cell(environment.id.to_string()),
                cell(format!("run {run_id}")),
                cell(if line.is_empty() { "-".to_owned() } else { line.join(", ") }),
            ]),
            None if args.all => table.row(vec![cell(environment.id.to_string()), cell("free"), cell("-")]),
            None => {}
        }
    }
    let free = list.items.iter().filter(|environment| environment.run_id.is_none()).count();
    if free < list.items.len() || args.all {
        output::print(&table.render());
    }
    say(format!("{free} of {} environments free", list.items.len()));
    Ok(EXIT_PASSED)
}
