//! The log of `testbay serve` as its operator reads it: a clean start and stop warns of nothing
//! in the database (a warning there must mean something).

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use crate::helpers::{python, sample_tests};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clean_stop_logs_no_database_warning() {
    let data = tempfile::tempdir().expect("temp dir");
    let mut service = Command::new(env!("CARGO_BIN_EXE_testbay"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data.path())
        .arg("--tests-root")
        .arg(sample_tests())
        .arg("--python")
        .arg(python())
        .env_remove("RUST_LOG")
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the service starts");
    let mut lines = BufReader::new(service.stderr.take().expect("stderr")).lines();
    let mut log = Vec::new();
    let started = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.expect("read the log") {
            let listening = line.contains("url=");
            log.push(line);
            if listening {
                return true;
            }
        }
        false
    });
    assert!(started.await.unwrap_or(false), "the service started: {log:#?}");
    let pid = nix::unistd::Pid::from_raw(service.id().expect("pid") as i32);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).expect("SIGTERM");
    while let Ok(Some(line)) = lines.next_line().await {
        log.push(line);
    }
    let status = service.wait().await.expect("the service ends");
    assert!(status.success(), "it stopped cleanly: {status}: {log:#?}");
    assert!(log.iter().any(|line| line.contains("stopped")), "{log:#?}");
    let alarming: Vec<&String> =
        log.iter().filter(|line| line.contains("ERROR") || line.contains("WARN surreal")).collect();
    assert!(alarming.is_empty(), "a clean start and stop warns of nothing in the database: {alarming:#?}");
}
