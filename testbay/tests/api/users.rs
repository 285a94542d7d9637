//! Users and their tokens: once a user exists, every request needs a user's token (or the
//! service's own), revoked and replaced tokens stop working at once, and only admins manage
//! users.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::helpers::TestApp;

async fn as_user(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut request = app.client.request(method, app.url(path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.expect("request")
}

async fn add_user(app: &TestApp, by: Option<&str>, name: &str, admin: bool) -> reqwest::Response {
    let body = json!({"name": name, "admin": admin});
    match by {
        Some(token) => as_user(app, token, reqwest::Method::POST, "/api/users", Some(body)).await,
        None => app.post("/api/users", &body).await,
    }
}

async fn token_of(response: reqwest::Response) -> String {
    assert_eq!(response.status(), 201, "the user was added");
    let issued: Value = response.json().await.expect("json");
    issued["token"].as_str().expect("a token").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_admin_turns_on_tokens_for_everyone() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get_json("/api/me").await, json!({"kind": "anyone", "name": null, "admin": true}));

    let root = token_of(add_user(&app, None, "root", true).await).await;
    assert!(root.starts_with("tb_") && root.len() > 40, "a long random token: {root}");
    let anonymous = app.get("/api/runs").await;
    assert_eq!(anonymous.status(), 401, "a request without a token is refused once users exist");
    assert_eq!(anonymous.json::<Value>().await.expect("problem")["code"], "unauthorized");
    assert_eq!(as_user(&app, &root, reqwest::Method::GET, "/api/runs", None).await.status(), 200);
    let me: Value = as_user(&app, &root, reqwest::Method::GET, "/api/me", None).await.json().await.expect("json");
    assert_eq!(me, json!({"kind": "user", "name": "root", "admin": true}));
    // EventSource cannot send headers: the token may come in the query.
    assert_eq!(app.get(&format!("/api/runs?access_token={root}")).await.status(), 200);
    // The page and the spec stay public, so that the page can ask for a token.
    assert_eq!(app.get("/").await.status(), 200);
    assert_eq!(app.get("/openapi.json").await.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_admins_manage_users_and_tokens_are_never_shown_again() {
    let app = TestApp::spawn().await;
    let root = token_of(add_user(&app, None, "root", true).await).await;
    let ada = token_of(add_user(&app, Some(&root), "ada", false).await).await;

    let refused = add_user(&app, Some(&ada), "eve", true).await;
    assert_eq!(refused.status(), 403);
    assert_eq!(refused.json::<Value>().await.expect("problem")["code"], "forbidden");
    assert_eq!(as_user(&app, &ada, reqwest::Method::GET, "/api/users", None).await.status(), 403);
    let revoke = as_user(&app, &ada, reqwest::Method::DELETE, "/api/users/root/token", None).await;
    assert_eq!(revoke.status(), 403, "a user cannot revoke an admin's token");

    let list: Value = as_user(&app, &root, reqwest::Method::GET, "/api/users", None).await.json().await.expect("json");
    let names: Vec<&str> = list["items"].as_array().expect("items").iter().filter_map(|u| u["name"].as_str()).collect();
    assert_eq!(names, ["ada", "root"]);
    assert_eq!(list["items"][0]["admin"], false);
    let listed = list.to_string();
    assert!(!listed.contains(&ada) && !listed.contains("token_hash"), "no token or hash is listed: {listed}");

    let again = add_user(&app, Some(&root), "ada", false).await;
    assert_eq!(again.status(), 409);
    assert_eq!(again.json::<Value>().await.expect("problem")["code"], "user_exists");
    let bad = add_user(&app, Some(&root), "ada lovelace", false).await;
    assert_eq!(bad.status(), 422);
    assert_eq!(bad.json::<Value>().await.expect("problem")["field"], "name");
    let unknown = as_user(&app, &root, reqwest::Method::POST, "/api/users/nobody/token", None).await;
    assert_eq!(unknown.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_or_replaced_token_stops_working_at_once() {
    let app = TestApp::spawn().await;
    let root = token_of(add_user(&app, None, "root", true).await).await;
    let ada = token_of(add_user(&app, Some(&root), "ada", false).await).await;
    assert_eq!(as_user(&app, &ada, reqwest::Method::GET, "/api/runs", None).await.status(), 200);

    let revoked = as_user(&app, &root, reqwest::Method::DELETE, "/api/users/ada/token", None).await;
    assert_eq!(revoked.status(), 200);
    assert_eq!(revoked.json::<Value>().await.expect("json")["token_issued_at"], Value::Null);
    assert_eq!(as_user(&app, &ada, reqwest::Method::GET, "/api/runs", None).await.status(), 401);

    let issued: Value =
        as_user(&app, &root, reqwest::Method::POST, "/api/users/ada/token", None).await.json().await.expect("json");
    let new_token = issued["token"].as_str().expect("a new token");
    assert_ne!(new_token, ada);
    assert_eq!(as_user(&app, new_token, reqwest::Method::GET, "/api/runs", None).await.status(), 200);
    assert_eq!(as_user(&app, &ada, reqwest::Method::GET, "/api/runs", None).await.status(), 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_token_acts_as_an_admin_and_wrong_tokens_are_slowed_down() {
    let service_token = "correct-horse-battery-staple";
    let app = TestApp::spawn_with(|config| config.token = Some(service_token.into())).await;
    let refused = add_user(&app, None, "root", true).await;
    assert_eq!(refused.status(), 401, "without users, the service's token is still required");
    let root = token_of(add_user(&app, Some(service_token), "root", true).await).await;
    let me: Value =
        as_user(&app, service_token, reqwest::Method::GET, "/api/me", None).await.json().await.expect("json");
    assert_eq!(me, json!({"kind": "service_token", "name": null, "admin": true}));
    assert_eq!(as_user(&app, &root, reqwest::Method::GET, "/api/users", None).await.status(), 200);

    // Wrong tokens wait 100, 200, 400, 800 ms...: the fourth alone waits at least 800 ms.
    for _ in 0..3 {
        let wrong = as_user(&app, "tb_wrong", reqwest::Method::GET, "/api/runs", None).await;
        assert_eq!(wrong.status(), 401);
    }
    let start = Instant::now();
    let wrong = as_user(&app, "tb_wrong", reqwest::Method::GET, "/api/runs", None).await;
    assert_eq!(wrong.status(), 401);
    assert!(start.elapsed() >= Duration::from_millis(800), "the fourth wrong token waited {:?}", start.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_and_templates_belong_to_their_users() {
    use reqwest::Method;
    let app = TestApp::spawn().await;
    let root = token_of(add_user(&app, None, "root", true).await).await;
    let ada = token_of(add_user(&app, Some(&root), "ada", false).await).await;
    let bob = token_of(add_user(&app, Some(&root), "bob", false).await).await;
    let slow = |environment: u8, user: Option<&str>| {
        let mut body = json!({"environment": environment, "paths": ["slow"]});
        if let Some(user) = user {
            body["user"] = json!(user);
        }
        body
    };

    // A run is its token's user's; naming someone else is an admin's privilege.
    let mine: Value =
        as_user(&app, &ada, Method::POST, "/api/runs", Some(slow(61, None))).await.json().await.expect("run");
    assert_eq!((mine["user"].as_str(), mine["created_by"].as_str()), (Some("ada"), Some("ada")));
    let posing = as_user(&app, &ada, Method::POST, "/api/runs", Some(slow(62, Some("bob")))).await;
    assert_eq!(posing.status(), 403);
    assert_eq!(posing.json::<Value>().await.expect("problem")["code"], "forbidden");
    let for_ci = as_user(&app, &root, Method::POST, "/api/runs", Some(slow(63, Some("ci-nightly")))).await;
    assert_eq!(for_ci.status(), 201);
    let for_ci: Value = for_ci.json().await.expect("run");
    assert_eq!((for_ci["user"].as_str(), for_ci["created_by"].as_str()), (Some("ci-nightly"), Some("root")));

    // Cancelling is for the run's user and admins, and says who did it.
    let id = mine["id"].as_i64().expect("id");
    let refused = as_user(&app, &bob, Method::POST, &format!("/api/runs/{id}/cancel"), None).await;
    assert_eq!(refused.status(), 403, "bob cannot cancel ada's run");
    let cancelled: Value =
        as_user(&app, &ada, Method::POST, &format!("/api/runs/{id}/cancel"), None).await.json().await.expect("run");
    assert_eq!((cancelled["status"].as_str(), cancelled["cancelled_by"].as_str()), (Some("cancelled"), Some("ada")));
    let ci_id = for_ci["id"].as_i64().expect("id");
    let by_admin: Value =
        as_user(&app, &root, Method::POST, &format!("/api/runs/{ci_id}/cancel"), None).await.json().await.expect("run");
    assert_eq!(by_admin["cancelled_by"], "root");
    let stored: Value =
        as_user(&app, &ada, Method::GET, &format!("/api/runs/{id}"), None).await.json().await.expect("run");
    assert_eq!(stored["cancelled_by"], "ada", "who cancelled is stored");

    // A rerun is the caller's, unless an admin names someone else.
    let rerun: Value = as_user(&app, &bob, Method::POST, &format!("/api/runs/{id}/rerun"), Some(json!({})))
        .await
        .json()
        .await
        .expect("run");
    assert_eq!((rerun["user"].as_str(), rerun["created_by"].as_str()), (Some("bob"), Some("bob")));
    let rerun_as =
        as_user(&app, &bob, Method::POST, &format!("/api/runs/{ci_id}/rerun"), Some(json!({"user": "ada"}))).await;
    assert_eq!(rerun_as.status(), 403, "only admins rerun as someone else");

    // A template is its first saver's and the admins'.
    let setup = json!({"environment": 64, "paths": ["math"]});
    let saved: Value = as_user(&app, &ada, Method::PUT, "/api/templates/adas", Some(setup.clone()))
        .await
        .json()
        .await
        .expect("template");
    assert_eq!(saved["owner"], "ada");
    assert_eq!(as_user(&app, &bob, Method::PUT, "/api/templates/adas", Some(setup.clone())).await.status(), 403);
    assert_eq!(as_user(&app, &bob, Method::DELETE, "/api/templates/adas", None).await.status(), 403);
    assert_eq!(as_user(&app, &ada, Method::PUT, "/api/templates/adas", Some(setup)).await.status(), 200);
    assert_eq!(as_user(&app, &root, Method::DELETE, "/api/templates/adas", None).await.status(), 204);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_authenticating_proxy_signs_people_in_only_from_its_address() {
    let header = "X-Forwarded-User";
    let me_as = |app: &TestApp, name: &str| app.client.get(app.url("/api/me")).header(header, name.to_owned()).send();
    let trusted = TestApp::spawn_with(|config| {
        config.trust_user_header = Some(header.into());
        config.trusted_proxies = vec!["127.0.0.1".parse().expect("address")];
    })
    .await;
    token_of(add_user(&trusted, None, "root", true).await).await;
    let ada: Value = me_as(&trusted, "ada@example.org").await.expect("request").json().await.expect("json");
    assert_eq!(ada, json!({"kind": "user", "name": "ada@example.org", "admin": false}));
    let root: Value = me_as(&trusted, "root").await.expect("request").json().await.expect("json");
    assert_eq!(root["admin"], true, "a known admin signed in by the proxy is an admin");
    assert_eq!(trusted.get("/api/me").await.status(), 401, "without the header, a token is needed");
    let twice = trusted
        .client
        .get(trusted.url("/api/me"))
        .header(header, "ada")
        .header(header, "root")
        .send()
        .await
        .expect("request");
    assert_eq!(twice.status(), 401, "a header given twice is refused, not its first value believed");
    let run = trusted
        .client
        .post(trusted.url("/api/runs"))
        .header(header, "ada@example.org")
        .json(&json!({"environment": 65, "paths": ["math/test_arithmetic.py"]}))
        .send()
        .await
        .expect("request");
    assert_eq!(run.status(), 201);
    assert_eq!(run.json::<Value>().await.expect("run")["user"], "ada@example.org");

    // From any other address the header is ignored: the request is refused as one without a token.
    let untrusted = TestApp::spawn_with(|config| {
        config.trust_user_header = Some(header.into());
        config.trusted_proxies = vec!["10.9.9.9".parse().expect("address")];
    })
    .await;
    token_of(add_user(&untrusted, None, "root", true).await).await;
    assert_eq!(me_as(&untrusted, "root").await.expect("request").status(), 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_in_the_query_is_percent_decoded() {
    let token = "a+b/c=d-service-token";
    let app = TestApp::spawn_with(|config| config.token = Some(token.into())).await;
    let encoded = "a%2Bb%2Fc%3Dd-service-token";
    assert_eq!(app.get(&format!("/api/runs?access_token={encoded}")).await.status(), 200);
    assert_eq!(app.get("/api/runs?access_token=a+b/c=d-service-token").await.status(), 401, "`+` is a space");
}
