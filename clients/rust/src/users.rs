//! `testbay users`: add users, list them, give and revoke their tokens.

use serde_json::json;

use super::args::UsersCommand;
use super::client::{parse, path_segment};
use super::commands::connect;
use super::models::{IssuedToken, User, UserList};
use super::output::{self, Table, cell, say, tell};
use super::{CliError, EXIT_PASSED};

pub async fn run(command: UsersCommand) -> Result<u8, CliError> {
    match command {
        UsersCommand::Add(args) => {
            let client = connect(&args.connection)?;
            let body = json!({"name": args.name, "admin": args.admin});
            let answer = client.post("/users", Some(&body)).await?;
            if args.json {
                output::json(&answer);
            } else {
                print_token(&parse(&answer)?, "added");
            }
        }
        UsersCommand::List(args) => {
            let client = connect(&args.connection)?;
            let answer = client.get("/users").await?;
            if args.json {
                output::json(&answer);
                return Ok(EXIT_PASSED);
            }
            let list: UserList = parse(&answer)?;
            if list.items.is_empty() {
                say(
                    "no users: the service needs no user tokens; add the first admin with `testbay users add NAME --admin`",
                );
                return Ok(EXIT_PASSED);
            }
            let mut table = Table::new(vec!["NAME", "ADMIN", "TOKEN SINCE", "ADDED"]);
            for user in &list.items {
                table.row(vec![
                    cell(user.name.clone()),
                    cell(if user.admin { "yes" } else { "no" }),
                    cell(user.token_issued_at.map_or_else(|| "revoked".into(), |at| output::local_time(&at))),
                    cell(output::local_time(&user.created_at)),
                ]);
            }
            output::print(&table.render());
        }
        UsersCommand::Token(args) => {
            let client = connect(&args.connection)?;
            let answer = client.post(&format!("/users/{}/token", path_segment(&args.name)), None).await?;
            if args.json {
                output::json(&answer);
            } else {
                print_token(&parse(&answer)?, "has a new token; the old one no longer works");
            }
        }
        UsersCommand::Revoke(args) => {
            let client = connect(&args.connection)?;
            let answer = client.delete_json(&format!("/users/{}/token", path_segment(&args.name))).await?;
            if args.json {
                output::json(&answer);
            } else {
                let user: User = parse(&answer)?;
                say(format!(
                    "the token of {} is revoked; `testbay users token {}` gives a new one",
                    user.name, user.name
                ));
            }
        }
    }
    Ok(EXIT_PASSED)
}

/// The token on stdout, alone, so that a script can take it; the rest on stderr.
fn print_token(issued: &IssuedToken, what: &str) {
    let role = if issued.user.admin { "admin" } else { "user" };
    tell(format!("{role} {} {what}; their token (shown only now):", issued.user.name));
    say(&issued.token);
}
