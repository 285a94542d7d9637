//! Server-sent events: a run's stream and the runs list stream, with resume by `Last-Event-ID`.

use serde_json::Value;

use crate::helpers::{SseEvent, TestApp, chatty_tests};

fn is_final_run_event(event: &SseEvent) -> bool {
    event.data["type"] == "run" && event.data["run"]["finished_at"].is_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_stream_resumes_after_the_last_event_id_without_loss_or_repeats() {
    let app = TestApp::spawn().await;
    let run = app.start_run(3, &["slow/test_slow.py::test_takes_a_while[1]", "text/test_output.py"]).await;
    let id = run["id"].as_i64().expect("id");
    let path = format!("/api/runs/{id}/events");

    let mut seen: Vec<SseEvent> = Vec::new();
    let mut first = app.events(&path, None).await;
    // Read until some log text has arrived while the run is still going, then drop the
    // connection as a flaky network would.
    loop {
        let event = first.next().await;
        let is_log = event.data["type"] == "log";
        seen.push(event);
        if is_log {
            break;
        }
    }
    drop(first);
    let last_id = seen.last().and_then(|e| e.id.clone()).expect("events have ids");
    let mut second = app.events(&path, Some(&last_id)).await;
    loop {
        let event = second.next().await;
        let done = is_final_run_event(&event);
        seen.push(event);
        if done {
            break;
        }
    }

    let ids: Vec<i64> = seen.iter().map(|e| e.id.as_deref().expect("id").parse().expect("numeric id")).collect();
    assert!(ids.windows(2).all(|pair| pair[0] < pair[1]), "ids only grow, none repeats: {ids:?}");
    let final_run = &seen.last().expect("events").data["run"];
    assert_eq!(final_run["status"], "passed");

    // The log text of both connections, in order, is exactly the stored log.
    let mut streamed = String::new();
    for event in seen.iter().filter(|e| e.data["type"] == "log") {
        assert_eq!(event.data["offset"].as_u64(), Some(streamed.len() as u64), "log pieces are contiguous");
        streamed.push_str(event.data["text"].as_str().expect("text"));
    }
    let stored = app.get_json(&format!("/api/runs/{id}/log")).await;
    assert_eq!(streamed, stored["text"].as_str().expect("text"));
    let tests_streamed = seen.iter().filter(|e| e.data["type"] == "test").count();
    let tests_stored = app.get_json(&format!("/api/runs/{id}/tests")).await["items"].as_array().expect("items").len();
    assert_eq!(tests_streamed, tests_stored);
    assert_eq!(tests_stored, 4, "one slow test and three printing ones");

    // A client that comes after the end replays the whole run.
    let mut replay = app.events(&path, None).await;
    let mut replayed = 0;
    loop {
        let event = replay.next().await;
        replayed += 1;
        if is_final_run_event(&event) {
            break;
        }
    }
    assert!(replayed >= tests_stored + 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_stream_announces_runs_and_resumes() {
    let app = TestApp::spawn().await;
    let mut events = app.events("/api/events", None).await;
    let run = app.start_run(6, &["math/test_arithmetic.py"]).await;
    let created = events.next().await;
    assert_eq!(created.data["type"], "run");
    assert_eq!(created.data["change"], "created");
    assert_eq!(created.data["run"]["id"], run["id"]);
    let created_id = created.id.clone().expect("id");
    loop {
        let event = events.next().await;
        if event.data["run"]["finished_at"].is_string() {
            assert_eq!(event.data["run"]["status"], "passed");
            break;
        }
    }
    drop(events);

    // Resuming after the creation replays the changes since, starting with the next one.
    let mut resumed = app.events("/api/events", Some(&created_id)).await;
    let next = resumed.next().await;
    assert_eq!(next.data["change"], "changed");
    assert_ne!(next.id.as_deref(), Some(created_id.as_str()));

    // An id from another process (or garbage) asks the client to reload.
    let mut stale = app.events("/api/events", Some("1-1")).await;
    assert_eq!(stale.next().await.data["type"], "reload");
    let unknown = app.get("/api/runs/999/events").await;
    assert_eq!(unknown.status(), 404);
    let problem: Value = unknown.json().await.expect("json");
    assert_eq!(problem["code"], "not_found");
}

/// A client on a bad network: it drops the connection after every few events and comes back
/// with `Last-Event-ID`, many times while the run prints, so that it resumes from the store,
/// from the journal's unstored tail and live. It still gets every byte once, in order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_reconnects_again_and_again_gets_every_byte_once() {
    let app = TestApp::spawn_with(|config| config.tests_root = chatty_tests()).await;
    let body = serde_json::json!({"user": "tester", "environment": 8, "paths": ["test_chatty.py"],
        "variables": {"CHATTY_LINES": "400"}});
    let run = app.start_run_with(&body).await;
    let path = format!("/api/runs/{}/events", run["id"]);
    let mut seen: Vec<SseEvent> = Vec::new();
    let mut reconnects = 0;
    'run: loop {
        let last_id = seen.last().and_then(|event| event.id.clone());
        let mut events = app.events(&path, last_id.as_deref()).await;
        // 1 to 5 events per connection, then the connection drops.
        for _ in 0..=(reconnects % 5) {
            let event = events.next().await;
            let done = is_final_run_event(&event);
            seen.push(event);
            if done {
                break 'run;
            }
        }
        reconnects += 1;
    }
    assert!(reconnects > 50, "the client came back many times ({reconnects})");
    let ids: Vec<i64> = seen.iter().map(|e| e.id.as_deref().expect("id").parse().expect("numeric id")).collect();
    assert!(ids.windows(2).all(|pair| pair[0] < pair[1]), "ids only grow, none repeats: {ids:?}");
    let mut streamed = String::new();
    for event in seen.iter().filter(|e| e.data["type"] == "log") {
        assert_eq!(event.data["offset"].as_u64(), Some(streamed.len() as u64), "log pieces are contiguous");
        streamed.push_str(event.data["text"].as_str().expect("text"));
    }
    let id = run["id"].as_i64().expect("id");
    let stored = app.get_json(&format!("/api/runs/{id}/log")).await;
    assert_eq!(streamed, stored["text"].as_str().expect("text"));
    for part in 0..4 {
        assert!(streamed.contains(&format!("part {part} line 99: éééé\n")), "every part's last line");
    }
    let tests_streamed = seen.iter().filter(|e| e.data["type"] == "test").count();
    assert_eq!(tests_streamed, 4);
    assert_eq!(seen.last().expect("events").data["run"]["status"], "passed");
}
