//! The OpenAPI spec as served: poem-openapi's generated document, completed with what its
//! derive macros cannot state.
//!
//! - Request bodies are checked by the domain's parsers (see `json_body`), so their rules
//!   (lengths, patterns, bounds, unknown fields refused, `null` taken as absent) are written
//!   here from the domain's own constants and this service's limits, not a second time in
//!   attributes.
//! - Statuses that are answered before a handler runs (the guard, poem's parsing of
//!   parameters and bodies) are added to every operation they can reach.
//! - Event streams are described event by event: an SSE event whose `data` is JSON.

use serde_json::{Map, Value, json};

use super::guard::MAX_BODY_BYTES;
use crate::domain::{
    CPU_MIN_MILLICORES, ENVIRONMENT_MAX, ENVIRONMENT_MIN, LimitPolicy, MEMORY_MIN_MB, MIB, PATH_MAX_CHARS,
    PATH_PATTERN, PATHS_MAX, PIDS_MIN, RunProfile, TEMPLATE_DESCRIPTION_MAX_CHARS, TEMPLATE_NAME_MAX_CHARS,
    TEMPLATE_NAME_PATTERN, TIMEOUT_MIN_S, USER_MAX_CHARS, USER_NAME_MAX_CHARS, USER_NAME_PATTERN, USER_PATTERN,
    VARIABLE_NAME_MAX_CHARS, VARIABLE_NAME_PATTERN, VARIABLE_VALUE_MAX_CHARS, VARIABLE_VALUE_PATTERN, VARIABLES_MAX,
};

/// Completes `spec`, the generated document, for a service with `policy`.
pub fn complete(spec: &mut Value, policy: &LimitPolicy) {
    state_security(spec);
    let schemas = &mut spec["components"]["schemas"];
    state_request_rules(schemas, policy);
    let Some(paths) = spec["paths"].as_object_mut() else { return };
    for (path, operations) in paths.iter_mut() {
        let Some(operations) = operations.as_object_mut() else { continue };
        for operation in operations.values_mut() {
            link_created_resources(operation);
            state_parameter_rules(path, operation);
            describe_event_streams(operation);
            add_statuses_answered_before_handlers(operation);
        }
    }
}

/// How a request shows its token: none is needed while the service has no users and no
/// `--token` (on loopback); otherwise a user's token or the service's.
fn state_security(spec: &mut Value) {
    spec["components"]["securitySchemes"] = json!({
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "A user's token (`testbay users add`), or the service's own `--token`.",
        },
        "access_token": {
            "type": "apiKey",
            "in": "query",
            "name": "access_token",
            "description": "The same token in the query, for `EventSource`, which cannot send headers.",
        },
    });
    spec["security"] = json!([{"bearer": []}, {"access_token": []}, {}]);
}

fn user() -> Value {
    json!({"type": "string", "minLength": 1, "maxLength": USER_MAX_CHARS, "pattern": USER_PATTERN})
}

fn environment() -> Value {
    json!({"type": "integer", "minimum": ENVIRONMENT_MIN, "maximum": ENVIRONMENT_MAX})
}

fn paths() -> Value {
    json!({
        "type": "array", "minItems": 1, "maxItems": PATHS_MAX, "uniqueItems": true,
        "items": {"type": "string", "minLength": 1, "maxLength": PATH_MAX_CHARS, "pattern": PATH_PATTERN},
    })
}

fn template_name() -> Value {
    json!({"type": "string", "minLength": 1, "maxLength": TEMPLATE_NAME_MAX_CHARS, "pattern": TEMPLATE_NAME_PATTERN})
}

fn user_name() -> Value {
    json!({"type": "string", "minLength": 1, "maxLength": USER_NAME_MAX_CHARS, "pattern": USER_NAME_PATTERN})
}

fn variables() -> Value {
    json!({
        "type": "object", "maxProperties": VARIABLES_MAX,
        "propertyNames": {"maxLength": VARIABLE_NAME_MAX_CHARS, "pattern": VARIABLE_NAME_PATTERN},
        "additionalProperties": {"type": "string", "maxLength": VARIABLE_VALUE_MAX_CHARS, "pattern": VARIABLE_VALUE_PATTERN},
    })
}

fn bounded(minimum: u64, maximum: u64) -> Value {
    json!({"type": "integer", "minimum": minimum, "maximum": maximum})
}

/// The rules of each request body, merged into the generated schemas (which keep their
/// descriptions). Every optional field may also be `null`, which counts as absent.
fn state_request_rules(schemas: &mut Value, policy: &LimitPolicy) {
    let defaults = policy.defaults;
    let timeout = bounded(TIMEOUT_MIN_S.into(), policy.max_timeout_s.into());
    let rules = [
        (
            "CreateRunRequest",
            vec![
                ("user", user()),
                ("environment", environment()),
                ("paths", paths()),
                ("template", template_name()),
                ("variables", variables()),
                ("profile", json!({"type": "string", "enum": RunProfile::ALL.map(RunProfile::as_str)})),
                ("wait_for_environment", json!({"type": "boolean"})),
            ],
        ),
        (
            "LimitsRequest",
            vec![
                ("memory_mb", bounded(MEMORY_MIN_MB, defaults.memory_bytes / MIB)),
                ("cpu_millicores", bounded(CPU_MIN_MILLICORES.into(), defaults.cpu_millicores.into())),
                ("pids", bounded(PIDS_MIN.into(), defaults.pids.into())),
                ("timeout_s", timeout.clone()),
            ],
        ),
        (
            "RerunRequest",
            vec![
                ("failed_only", json!({"type": "boolean"})),
                ("user", user()),
                ("wait_for_environment", json!({"type": "boolean"})),
            ],
        ),
        ("AddUserRequest", vec![("name", user_name()), ("admin", json!({"type": "boolean"}))]),
        (
            "TemplateRequest",
            vec![
                ("description", json!({"type": "string", "maxLength": TEMPLATE_DESCRIPTION_MAX_CHARS})),
                ("environment", environment()),
                ("paths", paths()),
                ("variables", variables()),
                ("timeout_s", timeout),
            ],
        ),
    ];
    for (name, fields) in rules {
        let schema = &mut schemas[name];
        schema["additionalProperties"] = Value::Bool(false);
        let required: Vec<Value> = schema.get("required").and_then(Value::as_array).cloned().unwrap_or_default();
        for (field, rule) in fields {
            let property = &mut schema["properties"][field];
            let description = property.get("description").cloned();
            let mut rule = rule;
            if let Some(description) = description {
                rule["description"] = description;
            }
            if !required.contains(&Value::from(field)) {
                rule["nullable"] = Value::Bool(true);
            }
            *property = rule;
        }
    }
    // A nested object's reference cannot carry `nullable` itself in OpenAPI 3.0.
    if let Some(limits) = schemas["CreateRunRequest"]["properties"]["limits"].as_object_mut() {
        limits.insert("nullable".into(), Value::Bool(true));
    }
    schemas["TemplateRequest"]["example"] =
        json!({"description": "Arithmetic", "environment": 3, "paths": ["math/test_arithmetic.py"]});
    // A run needs an environment and paths, from the request or from its template: two named
    // shapes, so that generated clients offer both.
    let run = schemas["CreateRunRequest"].take();
    let description = run["description"].clone();
    let shapes: [(&str, &str, &[&str], Value); 2] = [
        (
            "RunFromPathsRequest",
            "A run of test paths in an environment.",
            &["environment", "paths"],
            json!({"user": "ada", "environment": 3, "paths": ["math/test_arithmetic.py"]}),
        ),
        (
            "RunFromTemplateRequest",
            "A run from a saved template, which gives what the request leaves out.",
            &["template"],
            json!({"user": "ada", "template": "arithmetic"}),
        ),
    ];
    for (name, summary, required, example) in shapes {
        let mut shape = run.clone();
        shape["title"] = Value::from(name);
        shape["description"] = Value::from(summary);
        shape["example"] = example;
        shape["required"] = required.iter().map(|field| Value::from(*field)).collect();
        for field in required {
            if let Some(property) = shape["properties"][field].as_object_mut() {
                property.remove("nullable");
            }
        }
        schemas[name] = shape;
    }
    schemas["CreateRunRequest"] = json!({
        "description": description,
        "anyOf": [
            {"$ref": "#/components/schemas/RunFromPathsRequest"},
            {"$ref": "#/components/schemas/RunFromTemplateRequest"},
        ],
    });
}

/// What a client can do next with the run or template an operation created (OpenAPI links,
/// which clients and schemathesis follow).
fn link_created_resources(operation: &mut Value) {
    let (statuses, parameter, source, targets): (&[&str], _, _, &[&str]) = match operation
        .get("operationId")
        .and_then(Value::as_str)
    {
        Some("create_run" | "rerun_run") => (
            &["201"],
            "id",
            "$response.body#/id",
            &["get_run", "list_run_tests", "get_run_log", "get_run_junit", "follow_run", "cancel_run", "rerun_run"],
        ),
        Some("save_template") => (&["200", "201"], "name", "$request.path.name", &["get_template", "delete_template"]),
        _ => return,
    };
    let links: Map<String, Value> = targets
        .iter()
        .map(|target| ((*target).to_owned(), json!({"operationId": target, "parameters": {parameter: source}})))
        .collect();
    for status in statuses {
        if let Some(response) = operation.pointer_mut(&format!("/responses/{status}")).and_then(Value::as_object_mut) {
            response.insert("links".into(), Value::Object(links.clone()));
        }
    }
}

/// Path parameters that the handlers check themselves, and the range of every integer
/// parameter (beyond it the parameter does not parse: 422).
fn state_parameter_rules(path: &str, operation: &mut Value) {
    let Some(parameters) = operation.get_mut("parameters").and_then(Value::as_array_mut) else { return };
    for parameter in parameters {
        if parameter["in"] == "path" && parameter["name"] == "name" {
            if path.starts_with("/templates/") {
                parameter["schema"] = template_name();
            } else if path.starts_with("/users/") {
                parameter["schema"] = user_name();
            }
        }
        let schema = &mut parameter["schema"];
        let range = match schema["format"].as_str() {
            Some("int64") => Some((Value::from(i64::MIN), Value::from(i64::MAX))),
            Some("uint64") => Some((Value::from(0), Value::from(u64::MAX))),
            Some("uint32") => Some((Value::from(0), Value::from(u32::MAX))),
            Some("uint8") => Some((Value::from(0), Value::from(u8::MAX))),
            _ => None,
        };
        if let (Some((minimum, maximum)), Some(schema)) = (range, schema.as_object_mut()) {
            schema.entry("minimum").or_insert(minimum);
            schema.entry("maximum").or_insert(maximum);
        }
    }
}

/// poem-openapi describes a stream as an array of its events; OpenAPI 3.0 tools read the
/// schema of `text/event-stream` as that of one event, whose `data` holds the JSON.
fn describe_event_streams(operation: &mut Value) {
    let Some(responses) = operation.get_mut("responses").and_then(Value::as_object_mut) else { return };
    for response in responses.values_mut() {
        let Some(stream) = response.get_mut("content").and_then(|c| c.get_mut("text/event-stream")) else { continue };
        let item = stream["schema"]["items"].take();
        stream["schema"] = json!({
            "type": "object",
            "required": ["data", "id"],
            "properties": {
                "id": {"type": "string", "description": "Send the last one back as `Last-Event-ID` to resume after it."},
                "event": {"type": "string", "enum": ["message"]},
                "data": {"type": "string", "contentMediaType": "application/json", "contentSchema": item},
            },
        });
    }
}

/// What the guard and poem's own parsing answer before a handler runs.
fn add_statuses_answered_before_handlers(operation: &mut Value) {
    let has_parameters =
        operation.get("parameters").and_then(Value::as_array).is_some_and(|p| p.iter().any(|p| p["in"] != "header"));
    let has_body = operation.get("requestBody").is_some();
    let Some(responses) = operation.get_mut("responses").and_then(Value::as_object_mut) else { return };
    let mut add = |status: &str, description: String| {
        responses.entry(status.to_owned()).or_insert_with(|| problem_response(&description));
    };
    add(
        "401",
        "This service needs a token (it listens beyond loopback): send `Authorization: Bearer TOKEN` \
         (code `unauthorized`)."
            .into(),
    );
    add(
        "403",
        "The `Host` header is not this service's (code `foreign_host`), or a write came from another \
         origin (code `foreign_origin`)."
            .into(),
    );
    if has_parameters || has_body {
        add("422", "A parameter or the body is malformed; `field` names it.".into());
    }
    if has_body {
        add("411", "The body was sent without a `Content-Length` (code `length_required`).".into());
        add("413", format!("The body is larger than {MAX_BODY_BYTES} bytes (code `body_too_large`)."));
        add("415", "The body is not `application/json` (code `unsupported_media_type`).".into());
    }
    add("500", "Testbay could not complete the request; its log says why (code `internal`).".into());
}

fn problem_response(description: &str) -> Value {
    let mut response = Map::new();
    response.insert("description".into(), Value::from(description));
    response.insert(
        "content".into(),
        json!({"application/json; charset=utf-8": {"schema": {"$ref": "#/components/schemas/Problem"}}}),
    );
    Value::Object(response)
}
