//! Starting the service and talking to it as a client would.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use futures::StreamExt;
use serde_json::{Value, json};
use testbay_service::app::Application;
use testbay_service::config::ServeConfig;
use tokio::sync::oneshot;

/// How long a test waits for a run to reach a state before it fails.
pub const RUN_DEADLINE: Duration = Duration::from_secs(90);

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

pub fn sample_tests() -> PathBuf {
    workspace_root().join("sample_tests")
}

/// Tests that misbehave on purpose, for the sandbox.
pub fn misbehaving_tests() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/misbehaving")
}

/// Tests that print many lines quickly, for following a live log.
pub fn chatty_tests() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/chatty")
}

/// The Python with pytest that the README's set-up installs.
pub fn python() -> PathBuf {
    std::env::var_os("TESTBAY_TEST_PYTHON").map_or_else(|| workspace_root().join(".venv/bin/python"), PathBuf::from)
}

/// What a test needs that this machine may lack (cgroups, a SurrealDB server binary). A test
/// without it fails, naming what is missing, unless the `opt_out` variable is `1`: then it is
/// skipped on purpose, which is said on stderr and written to the file `TESTBAY_TEST_SKIPS`
/// names, so that `scripts/test.sh` prints it in its summary. Returns whether to go on.
pub fn prerequisite(present: bool, missing: &str, opt_out: &str) -> bool {
    if present {
        return true;
    }
    assert!(
        std::env::var(opt_out).is_ok_and(|value| value == "1"),
        "{missing}; set {opt_out}=1 to skip the tests that need it on purpose"
    );
    let line = format!("skipped on purpose ({opt_out}=1): {missing}");
    eprintln!("{line}");
    if let Some(path) = std::env::var_os("TESTBAY_TEST_SKIPS") {
        use std::io::Write;
        let file = std::fs::OpenOptions::new().create(true).append(true).open(path);
        let _ = file.and_then(|mut file| writeln!(file, "{line}"));
    }
    false
}

/// The variable that skips the tests needing cgroups on a machine without them.
pub const WITHOUT_CGROUPS: &str = "TESTBAY_TEST_WITHOUT_CGROUPS";

/// Talks to a service at `address` as a client would.
pub struct ServiceClient {
    pub address: String,
    pub client: reqwest::Client,
}

/// The service in this process, on an ephemeral port with a fresh data dir. It runs on a
/// runtime and thread of its own, as a separate server would, so that it stops completely (its
/// embedded database closed) also when a test ends without `stop`, or fails.
pub struct TestApp {
    api: ServiceClient,
    /// Dropped before the data dir: the service stops before its files go.
    server: ServerThread,
    pub data_dir: tempfile::TempDir,
}

impl std::ops::Deref for TestApp {
    type Target = ServiceClient;

    fn deref(&self) -> &ServiceClient {
        &self.api
    }
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(|_| {}).await
    }

    /// Starts the service with the test defaults, changed by `configure`.
    pub async fn spawn_with(configure: impl FnOnce(&mut ServeConfig)) -> TestApp {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let mut config = ServeConfig::for_tests(sample_tests(), data_dir.path().to_path_buf());
        config.python = Some(python());
        config.grace_period_s = 2;
        configure(&mut config);
        let (server, port) = ServerThread::start(config).await;
        TestApp { api: ServiceClient::new(format!("http://127.0.0.1:{port}")), server, data_dir }
    }

    /// Stops the service as SIGTERM would, waiting until it has stopped, and hands back its
    /// data dir.
    pub async fn stop(self) -> tempfile::TempDir {
        let TestApp { server, data_dir, .. } = self;
        server.stop().await;
        data_dir
    }
}

/// A thread running the service until told to stop.
struct ServerThread {
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

impl ServerThread {
    async fn start(config: ServeConfig) -> (ServerThread, u16) {
        let (stop, stopped) = oneshot::channel::<()>();
        let (started, port) = oneshot::channel::<Result<u16, String>>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_stack_size(10 * 1024 * 1024)
                .enable_all()
                .build()?;
            runtime.block_on(async move {
                let app = match Application::build(config).await {
                    Ok(app) => app,
                    Err(error) => {
                        let _ = started.send(Err(format!("{error:?}")));
                        return Ok(());
                    }
                };
                let _ = started.send(Ok(app.port()));
                app.run_until(async move {
                    let _ = stopped.await;
                })
                .await
            })
        });
        let port = port.await.expect("the service's thread runs").expect("the service starts");
        (ServerThread { stop: Some(stop), thread: Some(thread) }, port)
    }

    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let thread = self.thread.take().expect("a running service");
        let stopped = tokio::task::spawn_blocking(move || thread.join()).await.expect("join");
        stopped.expect("the service does not panic").expect("the service stops cleanly");
    }
}

impl Drop for ServerThread {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl ServiceClient {
    pub fn new(address: String) -> ServiceClient {
        ServiceClient { address, client: reqwest::Client::new() }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request")
    }

    pub async fn get_json(&self, path: &str) -> Value {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.expect("json")
    }

    /// `get_json` for futures that must own their arguments.
    pub async fn get_json_owned(&self, path: String) -> Value {
        self.get_json(&path).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client.post(self.url(path)).json(body).send().await.expect("request")
    }

    pub async fn create_run(&self, user: &str, environment: u8, paths: &[&str]) -> reqwest::Response {
        self.post("/api/runs", &json!({"user": user, "environment": environment, "paths": paths})).await
    }

    /// Creates a run and returns it, failing the test unless it was created.
    pub async fn start_run(&self, environment: u8, paths: &[&str]) -> Value {
        self.start_run_with(&json!({"user": "tester", "environment": environment, "paths": paths})).await
    }

    /// Creates a run from a whole request body, failing the test unless it was created.
    pub async fn start_run_with(&self, body: &Value) -> Value {
        let response = self.post("/api/runs", body).await;
        assert_eq!(response.status(), 201, "{body}");
        response.json().await.expect("json")
    }

    /// Polls the run until `done` holds, failing after the deadline.
    pub async fn wait_for_run(&self, id: i64, what: &str, done: impl Fn(&Value) -> bool) -> Value {
        let deadline = tokio::time::Instant::now() + RUN_DEADLINE;
        loop {
            let run = self.get_json(&format!("/api/runs/{id}")).await;
            if done(&run) {
                return run;
            }
            assert!(tokio::time::Instant::now() < deadline, "run {id} never became {what}: {run}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn wait_until_finished(&self, id: i64) -> Value {
        self.wait_for_run(id, "finished", |run| run["finished_at"].is_string()).await
    }

    pub async fn wait_until_running(&self, id: i64) -> Value {
        self.wait_for_run(id, "running", |run| run["status"] == "running").await
    }

    /// Follows a server-sent event stream.
    pub async fn events(&self, path: &str, last_event_id: Option<&str>) -> EventReader {
        let mut request = self.client.get(self.url(path)).header("Accept", "text/event-stream");
        if let Some(id) = last_event_id {
            request = request.header("Last-Event-ID", id);
        }
        let response = request.send().await.expect("request");
        assert_eq!(response.status(), 200);
        EventReader { body: Box::pin(response.bytes_stream()), buffer: String::new() }
    }
}

/// One server-sent event.
#[derive(Debug, Clone)]
pub struct SseEvent {
    pub id: Option<String>,
    pub data: Value,
}

pub struct EventReader {
    body: futures::stream::BoxStream<'static, reqwest::Result<bytes::Bytes>>,
    buffer: String,
}

impl EventReader {
    /// The next event, skipping keep-alive comments; fails after the deadline.
    pub async fn next(&mut self) -> SseEvent {
        tokio::time::timeout(RUN_DEADLINE, self.next_event()).await.expect("an event before the deadline")
    }

    async fn next_event(&mut self) -> SseEvent {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut id = None;
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(value) = line.strip_prefix("id:") {
                        id = Some(value.trim().to_owned());
                    } else if let Some(value) = line.strip_prefix("data:") {
                        data.push_str(value.strip_prefix(' ').unwrap_or(value));
                    }
                }
                if data.is_empty() {
                    continue;
                }
                return SseEvent { id, data: serde_json::from_str(&data).expect("event data is JSON") };
            }
            let chunk = self.body.next().await.expect("the stream stays open").expect("stream chunk");
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
}

/// Pids of live processes of run `id` of the service with `data_dir`: their environment holds
/// `TESTBAY_RUN_ID=id` and a `PYTHONPATH` inside that data dir (ids repeat across services).
pub fn processes_of_run(data_dir: &Path, id: i64) -> Vec<u32> {
    let run_marker = format!("TESTBAY_RUN_ID={id}");
    let service_marker = format!("PYTHONPATH={}", data_dir.display());
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let Ok(environ) = std::fs::read(format!("/proc/{pid}/environ")) else { return false };
            let mut vars = environ.split(|b| *b == 0);
            let vars: Vec<&[u8]> = vars.by_ref().collect();
            vars.contains(&run_marker.as_bytes()) && vars.iter().any(|var| var.starts_with(service_marker.as_bytes()))
        })
        .collect()
}

/// A `testbay serve` process on an ephemeral port.
pub struct ServiceProcess {
    pub child: Child,
    api: ServiceClient,
}

impl std::ops::Deref for ServiceProcess {
    type Target = ServiceClient;

    fn deref(&self) -> &ServiceClient {
        &self.api
    }
}

impl ServiceProcess {
    pub fn start(data_dir: &Path, tests_root: &Path, extra_args: &[&str]) -> ServiceProcess {
        ServiceProcess::start_on("127.0.0.1:0", data_dir, tests_root, extra_args)
    }

    /// Starts the service listening on `listen`, e.g. the port of a service that stopped.
    pub fn start_on(listen: &str, data_dir: &Path, tests_root: &Path, extra_args: &[&str]) -> ServiceProcess {
        let mut child = Command::new(env!("CARGO_BIN_EXE_testbay"))
            .args(["serve", "--listen", listen, "--grace-period-s", "1"])
            .arg("--data-dir")
            .arg(data_dir)
            .arg("--tests-root")
            .arg(tests_root)
            .arg("--python")
            .arg(python())
            .args(extra_args)
            .env("RUST_LOG", "info")
            .stderr(Stdio::piped())
            .spawn()
            .expect("testbay starts");
        let stderr = child.stderr.take().expect("stderr");
        let mut lines = BufReader::new(stderr).lines();
        let address = loop {
            let line = lines.next().expect("the service logs its address").expect("a log line");
            if let Some(rest) = line.split("url=").nth(1) {
                break rest.split_whitespace().next().expect("url").trim_end_matches('/').to_owned();
            }
        };
        // Keep reading the log so that the service never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        ServiceProcess { child, api: ServiceClient::new(address) }
    }

    /// The peak resident memory of the service process so far, in bytes (`VmHWM`).
    pub fn peak_rss_bytes(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).expect("status");
        let kib: u64 = status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM");
        kib * 1024
    }

    /// Stops the service with SIGTERM, as systemd would, and checks that it exits cleanly.
    pub fn stop(mut self) {
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(self.child.id() as i32), nix::sys::signal::Signal::SIGTERM)
            .expect("SIGTERM");
        let status = self.child.wait().expect("reaped");
        assert!(status.success(), "the service exits cleanly on SIGTERM: {status}");
    }

    pub fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }
}

impl Drop for ServiceProcess {
    /// A test that fails half-way leaves no service behind.
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Whether the process `pid` is still alive (a zombie waiting to be reaped counts as dead).
pub fn is_alive(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat.rsplit(')').next().and_then(|rest| rest.split_whitespace().next()) != Some("Z"),
        Err(_) => false,
    }
}

/// Waits until `path` holds a pid, as a daemon fixture writes it.
pub async fn read_pid_file(path: &Path) -> i32 {
    let deadline = tokio::time::Instant::now() + RUN_DEADLINE;
    loop {
        if let Some(pid) = std::fs::read_to_string(path).ok().and_then(|text| text.trim().parse().ok()) {
            return pid;
        }
        assert!(tokio::time::Instant::now() < deadline, "no pid in {}", path.display());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
