//! Several nodes on one SurrealDB server on loopback: runs per second with one, two and three
//! nodes sharing the queue, and how long a line a test prints on one node takes to reach a
//! client of another.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;
use serde_json::{Value, json};

use crate::live::prints_heard;
use crate::service::{Service, ServiceSpec};
use crate::stats::Samples;

/// A SurrealDB server in memory, on a free port.
struct SurrealServer {
    child: Child,
    address: String,
}

impl SurrealServer {
    async fn start(binary: &Path) -> anyhow::Result<SurrealServer> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let child = Command::new(binary)
            .args(["start", "--bind", &format!("127.0.0.1:{port}"), "--user", "root", "--pass", "root", "memory"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("start {}", binary.display()))?;
        let server = SurrealServer { child, address: format!("127.0.0.1:{port}") };
        let deadline = Instant::now() + Duration::from_secs(60);
        while !reqwest::get(format!("http://{}/health", server.address)).await.is_ok_and(|r| r.status().is_success()) {
            anyhow::ensure!(Instant::now() < deadline, "the SurrealDB server never became healthy");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(server)
    }

    fn node_args(&self, name: &str) -> Vec<String> {
        [
            "--database",
            &format!("ws://{}", self.address),
            "--database-user",
            "root",
            "--database-password",
            "root",
            "--node",
            name,
        ]
        .map(str::to_owned)
        .to_vec()
    }
}

impl Drop for SurrealServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the cluster bench measured.
pub struct ClusterFigures {
    /// Runs per second with 1, 2 and 3 nodes: the median of the rounds, and each round.
    pub runs_per_second: Vec<(usize, f64, Vec<f64>)>,
    pub runs: usize,
    pub capacity: usize,
    /// Milliseconds from a print on node B to a client of node A.
    pub across_nodes: Samples,
    /// The same with the client on node B.
    pub same_node: Samples,
}

/// Measures `rounds` times each: `runs` one-test runs submitted to the first of 1, 2 and 3
/// nodes (each running `capacity` at once), and the print latency across nodes.
pub async fn measure(
    spec: &ServiceSpec,
    surrealdb: &Path,
    runs: usize,
    capacity: usize,
    rounds: u8,
) -> anyhow::Result<ClusterFigures> {
    anyhow::ensure!((1..=100).contains(&runs), "at most 100 runs: one environment each");
    let mut runs_per_second = Vec::new();
    for nodes in 1..=3 {
        let mut rates = Vec::new();
        for _ in 0..rounds {
            rates.push(throughput(spec, surrealdb, nodes, runs, capacity).await?);
        }
        let mut sorted = rates.clone();
        sorted.sort_by(f64::total_cmp);
        runs_per_second.push((nodes, sorted[sorted.len() / 2], rates));
    }
    let (across_nodes, same_node) = latency(spec, surrealdb).await?;
    Ok(ClusterFigures { runs_per_second, runs, capacity, across_nodes, same_node })
}

/// Runs per second from the first creation to the last end, with `nodes` nodes.
async fn throughput(
    spec: &ServiceSpec,
    surrealdb: &Path,
    nodes: usize,
    runs: usize,
    capacity: usize,
) -> anyhow::Result<f64> {
    let server = SurrealServer::start(surrealdb).await?;
    let scratch = tempfile::tempdir()?;
    let mut services = Vec::new();
    for index in 0..nodes {
        let mut args = server.node_args(&format!("node-{index}"));
        args.extend(["--max-concurrent-runs".to_owned(), capacity.to_string()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        services.push(Service::start(spec, &scratch.path().join(format!("node-{index}")), &args)?);
    }
    let client = reqwest::Client::new();
    let started = Instant::now();
    let mut ids = Vec::new();
    for environment in 1..=runs {
        let body = json!({"user": "bench", "environment": environment, "paths": ["test_one.py"]});
        let run: Value = client.post(format!("{}/api/runs", services[0].url)).json(&body).send().await?.json().await?;
        ids.push(run["id"].as_i64().with_context(|| format!("run id in {run}"))?);
    }
    for id in ids {
        loop {
            let run: Value = client.get(format!("{}/api/runs/{id}", services[0].url)).send().await?.json().await?;
            if run["finished_at"].is_string() {
                anyhow::ensure!(run["status"] == "passed", "run {id} ended {}", run["status"]);
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    for service in services {
        service.stop()?;
    }
    Ok(runs as f64 / seconds)
}

/// The print latency with the run on node B and the client on node A, then on node B. Node A
/// serves a tree without the printing test, so it never claims the run.
async fn latency(spec: &ServiceSpec, surrealdb: &Path) -> anyhow::Result<(Samples, Samples)> {
    let server = SurrealServer::start(surrealdb).await?;
    let scratch = tempfile::tempdir()?;
    let other_tree = scratch.path().join("tree-without-the-test");
    std::fs::create_dir_all(&other_tree)?;
    std::fs::write(other_tree.join("test_other.py"), "def test_other():\n    pass\n")?;
    let a_spec = ServiceSpec { tests_root: other_tree, ..spec.clone() };
    let a_args = server.node_args("node-a");
    let a = Service::start(&a_spec, &scratch.path().join("a"), &a_args.iter().map(String::as_str).collect::<Vec<_>>())?;
    let b_args = server.node_args("node-b");
    let b = Service::start(spec, &scratch.path().join("b"), &b_args.iter().map(String::as_str).collect::<Vec<_>>())?;
    let across = prints_heard(&b.url, &a.url, 1).await?;
    let same = prints_heard(&b.url, &b.url, 2).await?;
    a.stop()?;
    b.stop()?;
    Ok((across, same))
}

pub fn render(spec: &ServiceSpec, figures: &ClusterFigures) -> String {
    let mut out = format!(
        "cluster on one SurrealDB server (loopback), {} ({} one-test runs submitted to one node, {} at once per \
         node)\n\n| nodes | runs per second (median) | rounds |\n| --- | --- | --- |\n",
        spec.binary.display(),
        figures.runs,
        figures.capacity
    );
    for (nodes, median, rates) in &figures.runs_per_second {
        let rounds: Vec<String> = rates.iter().map(|rate| format!("{rate:.2}")).collect();
        out.push_str(&format!("| {nodes} | {median:.2} | {} |\n", rounds.join(", ")));
    }
    out.push_str(&format!(
        "\nprint to SSE client: across nodes p50 {:.1} ms, p99 {:.1} ms ({} lines); on the executing node p50 \
         {:.1} ms, p99 {:.1} ms\n",
        figures.across_nodes.p50(),
        figures.across_nodes.p99(),
        figures.across_nodes.len(),
        figures.same_node.p50(),
        figures.same_node.p99()
    ));
    out
}
