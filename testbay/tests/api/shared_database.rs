//! Several Testbay nodes on one SurrealDB server (`--database ws://`): the environment hold and
//! the runs are shared, so no two nodes can start runs in one environment, and any node follows
//! any run.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use testbay_service::config::ServeConfig;

use crate::helpers::{ServiceProcess, TestApp, misbehaving_tests, prerequisite, processes_of_run, sample_tests};

/// A SurrealDB server in memory, from `tools/surrealdb-server` (built by `scripts/test.sh`).
struct SurrealServer {
    child: Child,
    address: String,
}

impl SurrealServer {
    async fn start() -> Option<SurrealServer> {
        let binary = std::env::var_os("TESTBAY_SURREALDB_SERVER");
        let missing = "no SurrealDB server: set TESTBAY_SURREALDB_SERVER to its binary (scripts/test.sh builds one)";
        if !prerequisite(binary.is_some(), missing, "TESTBAY_TEST_WITHOUT_SURREALDB_SERVER") {
            return None;
        }
        let binary = binary?;
        let port = TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("address").port();
        let child = Command::new(binary)
            .args(["start", "--bind", &format!("127.0.0.1:{port}"), "--user", "root", "--pass", "root", "memory"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the SurrealDB server starts");
        let server = SurrealServer { child, address: format!("127.0.0.1:{port}") };
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        while !reqwest::get(format!("http://{}/health", server.address)).await.is_ok_and(|r| r.status().is_success()) {
            assert!(tokio::time::Instant::now() < deadline, "the SurrealDB server never became healthy");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Some(server)
    }

    /// A node serving the sample tests.
    async fn node(&self, name: &str) -> TestApp {
        self.node_serving(name, sample_tests()).await
    }

    async fn node_serving(&self, name: &str, tests_root: std::path::PathBuf) -> TestApp {
        self.node_with(name, move |config| config.tests_root = tests_root).await
    }

    async fn node_with(&self, name: &str, configure: impl FnOnce(&mut ServeConfig)) -> TestApp {
        let address = format!("ws://{}", self.address);
        let name = name.to_owned();
        TestApp::spawn_with(move |config| {
            config.database = Some(address);
            config.database_user = Some("root".into());
            config.database_password = Some("root".into());
            config.node = Some(name);
            configure(config);
        })
        .await
    }

    /// A node in a process of its own, which a test may kill.
    fn node_process(&self, name: &str, data_dir: &Path, tests_root: &Path, extra_args: &[&str]) -> ServiceProcess {
        let address = format!("ws://{}", self.address);
        let mut args = vec!["--database", &address, "--database-user", "root", "--database-password", "root"];
        args.extend(["--node", name]);
        args.extend(extra_args);
        ServiceProcess::start(data_dir, tests_root, &args)
    }
}

impl Drop for SurrealServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nodes_on_one_database_share_runs_and_environment_holds() {
    let Some(server) = SurrealServer::start().await else { return };
    // Runs that hold their environment until they are cancelled, however slow the machine is.
    let (a, b) = (
        Arc::new(server.node_serving("node-a", misbehaving_tests()).await),
        Arc::new(server.node_serving("node-b", misbehaving_tests()).await),
    );

    let run = a.start_run(5, &["test_wait.py"]).await;
    let run = a.wait_until_running(run["id"].as_i64().expect("id")).await;
    let busy = b.create_run("bob", 5, &["test_sleep.py"]).await;
    assert_eq!(busy.status(), 409, "node b sees node a's hold");
    assert_eq!(busy.json::<Value>().await.expect("json")["run_id"], run["id"]);
    let listed = b.get_json("/api/runs").await;
    assert_eq!(listed["items"][0]["id"], run["id"], "node b lists node a's run");

    // Creates racing on both nodes for one environment: exactly one wins.
    let attempts: Vec<_> = (0..40)
        .map(|i| {
            let node = Arc::clone(if i % 2 == 0 { &a } else { &b });
            tokio::spawn(async move { node.create_run(&format!("user{i}"), 6, &["test_wait.py"]).await.status() })
        })
        .collect();
    let mut created = 0;
    for attempt in attempts {
        match attempt.await.expect("join").as_u16() {
            201 => created += 1,
            409 => {}
            status => panic!("unexpected {status}"),
        }
    }
    assert_eq!(created, 1, "one create wins across nodes");
    let winner = &b.get_json("/api/runs?environment=6").await["items"][0];
    // Cancelled from the node that does not execute it: the executing node hears of it.
    let winner = b.wait_until_running(winner["id"].as_i64().expect("id")).await;
    let elsewhere = if winner["node"] == "node-a" { &b } else { &a };
    let cancelled = elsewhere.post(&format!("/api/runs/{}/cancel", winner["id"]), &Value::Null).await;
    assert_eq!(cancelled.status(), 200);
    let cancelled: Value = cancelled.json().await.expect("json");
    assert_eq!((&cancelled["status"], &cancelled["node"]), (&json!("cancelled"), &winner["node"]));

    // Each node reads the run the other executes, to its end.
    for (canceller, reader) in [(&a, &b), (&b, &a)] {
        if run["node"] != json!(canceller.get_json("/api/system").await["node"]) {
            assert_eq!(canceller.post(&format!("/api/runs/{}/cancel", run["id"]), &Value::Null).await.status(), 200);
            assert_eq!(reader.get_json(&format!("/api/runs/{}", run["id"])).await["status"], "cancelled");
        }
    }
    assert_eq!(b.create_run("bob", 5, &["test_sleep.py"]).await.status(), 201, "the environment is free");
}

/// A node follows a run that another node executes, live and to its end: what the executing
/// node stores, the following node reads by sequence number.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_follows_a_run_another_node_executes() {
    let Some(server) = SurrealServer::start().await else { return };
    let (a, b) = (server.node("node-a").await, server.node("node-b").await);
    let mut list = b.events("/api/events", None).await;
    let run = a.start_run(7, &["slow/test_slow.py::test_takes_a_while[1]", "text/test_output.py"]).await;
    let id = run["id"].as_i64().expect("id");
    let mut events = b.events(&format!("/api/runs/{id}/events"), None).await;
    let mut log = String::new();
    let mut heard_while_running = false;
    let mut ids = Vec::new();
    let last = loop {
        let event = events.next().await;
        ids.push(event.id.clone().expect("id").parse::<i64>().expect("numeric id"));
        if event.data["type"] == "log" {
            assert_eq!(event.data["offset"].as_u64(), Some(log.len() as u64), "contiguous");
            log.push_str(event.data["text"].as_str().expect("text"));
            let state = a.get_json(&format!("/api/runs/{id}")).await;
            heard_while_running |= state["status"] == "running";
        }
        if event.data["type"] == "run" && event.data["run"]["finished_at"].is_string() {
            break event;
        }
    };
    assert!(heard_while_running, "node b heard the log while node a still ran the run");
    assert!(ids.windows(2).all(|pair| pair[0] < pair[1]), "in order, none twice: {ids:?}");
    assert_eq!(last.data["run"]["status"], "passed");
    let stored = a.get_json(&format!("/api/runs/{id}/log")).await;
    assert_eq!(log, stored["text"].as_str().expect("text"));

    // Node b's runs list stream heard of the run node a created and executed, to its end.
    let mut statuses = Vec::new();
    while statuses.last().is_none_or(|status| status != "passed") {
        let event = list.next().await;
        if event.data["run"]["id"] == id {
            statuses.push(event.data["run"]["status"].as_str().expect("status").to_owned());
        }
    }
    assert!(statuses.iter().any(|status| status == "running"), "it heard the run start: {statuses:?}");
}

/// A node killed mid-run: once its lease has run out, another node marks its runs interrupted
/// (naming it) and frees their environments while its own runs go on, and takes the queued
/// runs; the killed node, started again, ends what its old process left and is live again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_nodes_runs_are_ended_by_another_once_its_lease_runs_out() {
    let Some(server) = SurrealServer::start().await else { return };
    let data_dir = tempfile::tempdir().expect("temp dir");
    let args = ["--lease-s", "2", "--max-concurrent-runs", "1"];
    let a = server.node_process("node-a", data_dir.path(), &misbehaving_tests(), &args);
    // Node a is alone: it takes its run. Then it is full, and node b takes the next.
    let on_a = a.start_run(11, &["test_wait.py"]).await["id"].as_i64().expect("id");
    assert_eq!(a.wait_until_running(on_a).await["node"], "node-a");
    let b = server
        .node_with("node-b", |config| {
            config.tests_root = misbehaving_tests();
            config.lease_s = 2;
            config.max_concurrent_runs = Some(1);
        })
        .await;
    let on_b = b.start_run(12, &["test_wait.py"]).await["id"].as_i64().expect("id");
    assert_eq!(b.wait_until_running(on_b).await["node"], "node-b");
    let queued = b.start_run(13, &["test_sleep.py"]).await;
    assert_eq!((&queued["status"], &queued["queue_position"]), (&json!("queued"), &json!(1)), "both are full");

    let nodes = b.get_json("/api/nodes").await;
    let names: Vec<_> = nodes["items"].as_array().expect("items").iter().map(|node| node["name"].clone()).collect();
    assert_eq!(names, ["node-a", "node-b"]);
    assert!(nodes["items"].as_array().expect("items").iter().all(|node| node["state"] == "live"), "{nodes}");
    assert_eq!(nodes["items"][1]["this_node"], true);
    assert_eq!(nodes["items"][0]["tree_differs"], false, "both serve the same tree");
    assert_eq!(nodes["lease_s"], 2);
    assert_eq!(b.create_run("bob", 11, &["test_sleep.py"]).await.status(), 409, "node a holds environment 11");
    assert!(!processes_of_run(data_dir.path(), on_a).is_empty(), "node a's pytest runs");

    a.kill();
    let killed_at = tokio::time::Instant::now();
    let interrupted = b.wait_for_run(on_a, "interrupted", |run| run["status"] == "interrupted").await;
    let took = killed_at.elapsed();
    assert!(took <= Duration::from_secs(2 + 5), "ended within lease + 5 s, not {took:?}");
    let message = interrupted["message"].as_str().expect("a message");
    assert!(message.contains("node `node-a`") && message.contains("node `node-b`"), "{message}");
    let nodes = b.get_json("/api/nodes").await;
    assert_eq!((&nodes["items"][0]["state"], &nodes["items"][0]["lost_to"]), (&json!("lost"), &json!("node-b")));
    assert_eq!(b.get_json(&format!("/api/runs/{on_b}")).await["status"], "running", "node b's run goes on");
    assert_eq!(b.create_run("bob", 11, &["test_sleep.py"]).await.status(), 201, "environment 11 is free");

    // The survivor takes the queue once it has room.
    assert_eq!(b.post(&format!("/api/runs/{on_b}/cancel"), &Value::Null).await.status(), 200);
    let queued = b.wait_until_finished(queued["id"].as_i64().expect("id")).await;
    assert_eq!((&queued["status"], &queued["node"]), (&json!("passed"), &json!("node-b")));

    // Node a comes back: it ends what its old process left and takes part again.
    let a = server.node_process("node-a", data_dir.path(), &misbehaving_tests(), &args);
    assert!(processes_of_run(data_dir.path(), on_a).is_empty(), "the old run's processes were ended");
    let nodes = a.get_json("/api/nodes").await;
    assert_eq!(nodes["items"][0]["state"], "live", "{nodes}");
    assert_eq!(b.get_json(&format!("/api/runs/{on_a}")).await["status"], "interrupted", "not resumed");
    a.stop();
    let nodes = b.get_json("/api/nodes").await;
    assert_eq!(nodes["items"][0]["state"], "stopped", "a node that stops says so: {nodes}");
}

/// Nodes started at the same moment on a fresh server race to create its database, define the
/// schema and record its version: every one of them starts, and they share one database.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nodes_that_start_together_on_a_fresh_server_all_start() {
    let Some(server) = SurrealServer::start().await else { return };
    let names = ["node-a", "node-b", "node-c", "node-d", "node-e"];
    let nodes = futures::future::join_all(names.map(|name| server.node(name))).await;
    let created = nodes[0].start_run(7, &["math/test_arithmetic.py"]).await;
    for (name, node) in names.iter().zip(&nodes) {
        assert_eq!(node.get_json("/api/system").await["node"], *name);
        let listed = node.get_json("/api/runs").await;
        assert_eq!(listed["items"][0]["id"], created["id"], "{name} lists the run another node created");
    }
}

/// Three nodes of two slots each share one queue: thirty runs created on one node spread over
/// all three, each node runs at most two at once, and the runs start in the order they were
/// created.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_nodes_share_one_queue_in_creation_order() {
    let Some(server) = SurrealServer::start().await else { return };
    let mut nodes = Vec::new();
    for name in ["node-a", "node-b", "node-c"] {
        nodes.push(
            server
                .node_with(name, |config| {
                    config.tests_root = misbehaving_tests();
                    config.max_concurrent_runs = Some(2);
                })
                .await,
        );
    }
    let mut ids = Vec::new();
    for environment in 31..61 {
        ids.push(nodes[0].start_run(environment, &["test_sleep.py"]).await["id"].as_i64().expect("id"));
    }
    let mut runs = Vec::new();
    for id in &ids {
        runs.push(nodes[2].wait_until_finished(*id).await);
    }
    assert!(runs.iter().all(|run| run["status"] == "passed"), "every run passed");

    let time = |run: &Value, field: &str| {
        chrono::DateTime::parse_from_rfc3339(run[field].as_str().expect("a time")).expect("RFC 3339")
    };
    for name in ["node-a", "node-b", "node-c"] {
        let mine: Vec<&Value> = runs.iter().filter(|run| run["node"] == name).collect();
        assert!(!mine.is_empty(), "{name} took some of the runs");
        for run in &mine {
            let (start, end) = (time(run, "started_at"), time(run, "finished_at"));
            let at_once = mine
                .iter()
                .filter(|other| time(other, "started_at") <= start && start < time(other, "finished_at"))
                .count();
            assert!(at_once <= 2, "{name} ran {at_once} at once at {start} (run {} ended {end})", run["id"]);
        }
    }
    // Creation order: a run starts after every earlier one has (nodes that claim at the same
    // moment may start theirs a little apart: each run takes two seconds, so a run taken out of
    // order would start seconds early).
    for (index, run) in runs.iter().enumerate() {
        let start = time(run, "started_at");
        for earlier in &runs[..index] {
            let slack = chrono::Duration::milliseconds(500);
            assert!(
                time(earlier, "started_at") <= start + slack,
                "run {} started before run {}",
                run["id"],
                earlier["id"]
            );
        }
    }
    let environments = nodes[1].get_json("/api/environments").await;
    assert!(environments["items"].as_array().expect("items").iter().all(|env| env["run_id"].is_null()), "all free");
}

/// Ten runs asked for from three nodes wait in line for one held environment and run one after
/// another in the order they asked; a run that leaves the line is skipped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_waiting_for_an_environment_take_turns_in_arrival_order() {
    let Some(server) = SurrealServer::start().await else { return };
    let mut nodes = Vec::new();
    for name in ["node-a", "node-b", "node-c"] {
        nodes.push(server.node_serving(name, misbehaving_tests()).await);
    }
    let holder = nodes[0].start_run(70, &["test_wait.py"]).await["id"].as_i64().expect("id");
    let mut waiting = Vec::new();
    for index in 0..10 {
        let body = json!({"user": format!("user{index}"), "environment": 70, "paths": ["test_quick.py"],
                          "wait_for_environment": true});
        let run = nodes[index % 3].start_run_with(&body).await;
        assert_eq!((&run["status"], &run["waiting_for_environment"]), (&json!("queued"), &json!(true)), "{run}");
        assert_eq!(run["line_position"], index + 1, "{run}");
        waiting.push(run["id"].as_i64().expect("id"));
    }
    let refused = nodes[1].create_run("late", 70, &["test_quick.py"]).await;
    assert_eq!(refused.status(), 409, "a run that does not ask to wait is still refused");

    let leaving = waiting.remove(4);
    let left = nodes[2].post(&format!("/api/runs/{leaving}/cancel"), &Value::Null).await;
    assert_eq!(left.status(), 200);
    let environments = nodes[1].get_json("/api/environments").await;
    let seventy = &environments["items"][69];
    assert_eq!(seventy["run_id"], holder);
    assert_eq!(seventy["waiting"], json!(waiting), "the line, in order, without the run that left");

    assert_eq!(nodes[1].post(&format!("/api/runs/{holder}/cancel"), &Value::Null).await.status(), 200);
    let mut runs = Vec::new();
    for id in &waiting {
        runs.push(nodes[2].wait_until_finished(*id).await);
    }
    assert!(runs.iter().all(|run| run["status"] == "passed"), "each ran: {runs:?}");
    for pair in runs.windows(2) {
        let (ended, next) =
            (pair[0]["finished_at"].as_str().expect("end"), pair[1]["started_at"].as_str().expect("start"));
        let (ended, next) = (
            chrono::DateTime::parse_from_rfc3339(ended).expect("time"),
            chrono::DateTime::parse_from_rfc3339(next).expect("time"),
        );
        assert!(ended <= next, "run {} started at {next} before run {} ended at {ended}", pair[1]["id"], pair[0]["id"]);
    }
    assert_eq!(nodes[0].get_json(&format!("/api/runs/{leaving}")).await["status"], "cancelled");
    assert!(nodes[0].get_json("/api/environments").await["items"][69]["run_id"].is_null(), "free at the end");
}

/// A TCP link between a node and the database server that a test cuts and mends, as a network
/// would: cut, it drops every connection and refuses new ones.
struct Link {
    port: u16,
    target: String,
    accepting: Option<tokio::task::JoinHandle<()>>,
    connections: Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Link {
    async fn to(target: &str) -> Link {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let port = listener.local_addr().expect("address").port();
        let mut link = Link { port, target: target.to_owned(), accepting: None, connections: Arc::default() };
        link.accept(listener);
        link
    }

    fn accept(&mut self, listener: tokio::net::TcpListener) {
        let (target, connections) = (self.target.clone(), Arc::clone(&self.connections));
        self.accepting = Some(tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let target = target.clone();
                let connection = tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                connections.lock().expect("connections").push(connection);
            }
        }));
    }

    fn cut(&mut self) {
        if let Some(accepting) = self.accepting.take() {
            accepting.abort();
        }
        for connection in self.connections.lock().expect("connections").drain(..) {
            connection.abort();
        }
    }

    async fn mend(&mut self) {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", self.port)).await.expect("the same port again");
        self.accept(listener);
    }
}

/// Polls `path` until it answers `status`, failing after `limit`.
async fn until_status(node: &TestApp, path: &str, status: u16, limit: Duration) -> reqwest::Response {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let response = node.get(path).await;
        if response.status() == status {
            return response;
        }
        assert!(tokio::time::Instant::now() < deadline, "{path} never answered {status}: {}", response.status());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// A node whose database goes out of reach says so (503 problems, `/healthz` not ok), keeps
/// what was stored, and serves again by itself once the database is back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_that_loses_its_database_says_so_and_recovers_by_itself() {
    let Some(server) = SurrealServer::start().await else { return };
    let mut link = Link::to(&server.address).await;
    let address = format!("ws://127.0.0.1:{}", link.port);
    let node = TestApp::spawn_with(move |config| {
        config.tests_root = misbehaving_tests();
        config.database = Some(address);
        config.database_user = Some("root".into());
        config.database_password = Some("root".into());
        config.node = Some("node-a".into());
        config.lease_s = 2;
    })
    .await;
    let before = node.start_run(80, &["test_quick.py"]).await["id"].as_i64().expect("id");
    let before = node.wait_until_finished(before).await;

    link.cut();
    let health = until_status(&node, "/api/healthz", 503, Duration::from_secs(15)).await;
    let problem: Value = health.json().await.expect("a JSON problem");
    assert_eq!(problem["code"], "database_unavailable", "{problem}");
    let listed = node.get("/api/runs").await;
    assert_eq!(listed.status(), 503);
    assert_eq!(listed.json::<Value>().await.expect("json")["code"], "database_unavailable");
    assert_eq!(node.create_run("bob", 81, &["test_quick.py"]).await.status(), 503, "a create is refused, not lost");

    link.mend().await;
    until_status(&node, "/api/healthz", 200, Duration::from_secs(30)).await;
    let kept = node.get_json(&format!("/api/runs/{}", before["id"])).await;
    assert_eq!((&kept["status"], &kept["finished_at"]), (&before["status"], &before["finished_at"]), "nothing lost");
    assert_eq!(node.get_json("/api/runs?environment=81").await["items"], json!([]), "the refused create left nothing");
    let after = node.start_run(81, &["test_quick.py"]).await["id"].as_i64().expect("id");
    assert_eq!(node.wait_until_finished(after).await["status"], "passed", "runs go on");
    let nodes = node.get_json("/api/nodes").await;
    assert_eq!(nodes["items"][0]["state"], "live", "{nodes}");
}

/// Nodes that serve different trees say so, and a node never claims a run whose paths its tree
/// lacks, however free it is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_claims_only_runs_its_tree_has_and_a_different_tree_is_flagged() {
    let Some(server) = SurrealServer::start().await else { return };
    let a = server
        .node_with("node-a", |config| {
            config.tests_root = misbehaving_tests();
            config.max_concurrent_runs = Some(1);
        })
        .await;
    let b = server.node_serving("node-b", sample_tests()).await;
    let nodes = b.get_json("/api/nodes").await;
    let flags: Vec<_> =
        nodes["items"].as_array().expect("items").iter().map(|node| node["tree_differs"].clone()).collect();
    assert_eq!(flags, [json!(true), json!(true)], "two trees, no majority: both flagged: {nodes}");

    let holder = a.start_run(90, &["test_wait.py"]).await["id"].as_i64().expect("id");
    assert_eq!(a.wait_until_running(holder).await["node"], "node-a");
    let only_a = a.start_run(91, &["test_quick.py"]).await;
    let only_a_id = only_a["id"].as_i64().expect("id");
    // Node b, with free slots, reads the queue five times a second: give it a second.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let waiting = b.get_json(&format!("/api/runs/{only_a_id}")).await;
    assert_eq!((&waiting["status"], &waiting["node"]), (&json!("queued"), &Value::Null), "node b left it: {waiting}");
    assert_eq!(waiting["queue_position"], 1, "{waiting}");
    assert_eq!(a.post(&format!("/api/runs/{holder}/cancel"), &Value::Null).await.status(), 200);
    let ran = a.wait_until_finished(only_a_id).await;
    assert_eq!((&ran["status"], &ran["node"]), (&json!("passed"), &json!("node-a")));
}
