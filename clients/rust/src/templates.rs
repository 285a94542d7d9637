//! `testbay templates`: list, show, save and delete saved run setups.

use serde_json::json;

use super::args::TemplatesCommand;
use super::client::{parse, path_segment};
use super::commands::{connect, pairs, print_facts, shorten, variables};
use super::models::{Template, TemplateList};
use super::output::{self, Table, cell, say};
use super::{CliError, EXIT_PASSED};

pub async fn run(command: TemplatesCommand) -> Result<u8, CliError> {
    match command {
        TemplatesCommand::List(args) => {
            let client = connect(&args.connection)?;
            let answer = client.get("/templates").await?;
            if args.json {
                output::json(&answer);
                return Ok(EXIT_PASSED);
            }
            let list: TemplateList = parse(&answer)?;
            if list.items.is_empty() {
                say("no templates; save one with `testbay templates save NAME --env N PATH...`");
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
            output::print(&table.render());
        }
        TemplatesCommand::Show(args) => {
            let client = connect(&args.connection)?;
            let answer = client.get(&format!("/templates/{}", path_segment(&args.name))).await?;
            if args.json {
                output::json(&answer);
            } else {
                print_template(&parse(&answer)?);
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
            let (answer, created) = client.put(&format!("/templates/{}", path_segment(&args.name)), &body).await?;
            if args.json {
                output::json(&answer);
            } else {
                let template: Template = parse(&answer)?;
                let what = if created { "saved" } else { "replaced" };
                say(format!(
                    "template {} {what}; start it with `testbay run --template {}`",
                    template.name, template.name
                ));
            }
        }
        TemplatesCommand::Delete(args) => {
            let client = connect(&args.connection)?;
            client.delete(&format!("/templates/{}", path_segment(&args.name))).await?;
            if !args.json {
                say(format!("template {} deleted", args.name));
            }
        }
    }
    Ok(EXIT_PASSED)
}

fn print_template(template: &Template) {
    say(format!("template {}", template.name));
    let mut facts: Vec<(&str, String)> = Vec::new();
    if let Some(description) = &template.description {
        facts.push(("description", description.clone()));
    }
    facts.push(("environment", template.environment.to_string()));
    facts.push(("paths", template.paths.join(" ")));
    if !template.variables.is_empty() {
        facts.push(("variables", pairs(&template.variables)));
    }
    if let Some(timeout) = template.timeout_s {
        facts.push(("timeout", format!("{timeout} s")));
    }
    facts.push(("updated", output::local_time(&template.updated_at)));
    print_facts(&facts);
}
