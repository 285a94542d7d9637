//! The desktop app for real: a window under Xvfb, managed by a real window manager (openbox),
//! that shows the page of its in-process service, and that leaves no process and no cgroup behind
//! when the window manager closes it, as a user's click on its close button would.

mod support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

use support::{DEADLINE, WindowManager, Xvfb, get, post, repo_root, wait_for, wmctrl};

/// A screenshot of the window `id` (its contents, without the manager's frame).
fn screenshot(display: &str, id: &str, png: &Path) {
    let status = Command::new("import")
        .args(["-display", display, "-window", id])
        .arg(png)
        .status()
        .expect("ImageMagick's import");
    assert!(status.success(), "import took a screenshot");
}

/// The screenshot's brightness spread: a blank (single-colour) screen has none.
fn contrast(png: &Path) -> f64 {
    let output = Command::new("convert")
        .arg(png)
        .args(["-colorspace", "Gray", "-format", "%[fx:standard_deviation]", "info:"])
        .output()
        .expect("ImageMagick's convert");
    String::from_utf8_lossy(&output.stdout).trim().parse().expect("a number")
}

/// Pids whose environment holds `TESTBAY_RUN_ID=id` and a `PYTHONPATH` under `data_dir`.
fn processes_of_run(data_dir: &Path, id: i64) -> Vec<u32> {
    let run = format!("TESTBAY_RUN_ID={id}");
    let service = format!("PYTHONPATH={}", data_dir.display());
    std::fs::read_dir("/proc")
        .expect("/proc")
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
            let vars: Vec<&[u8]> = environ.split(|b| *b == 0).collect();
            vars.contains(&run.as_bytes()) && vars.iter().any(|var| var.starts_with(service.as_bytes()))
        })
        .collect()
}

/// Folders named `name` in the cgroup hierarchies.
fn cgroups_named(name: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, name: &str, depth: usize, found: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if !entry.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            if entry.file_name() == name {
                found.push(path);
            } else if depth > 0 {
                walk(&path, name, depth - 1, found);
            }
        }
    }
    let mut found = Vec::new();
    walk(Path::new("/sys/fs/cgroup"), name, 5, &mut found);
    found
}

/// Without cgroups there is none to check: allowed only on purpose (the variable the service's
/// tests take too), and said where `scripts/test.sh` prints what was skipped.
fn skipped_without_cgroups(what: &str) {
    let opt_out = "TESTBAY_TEST_WITHOUT_CGROUPS";
    assert!(
        std::env::var(opt_out).is_ok_and(|value| value == "1"),
        "cgroups cannot be used here, and {what} needs them; set {opt_out}=1 to skip it on purpose"
    );
    let line = format!("skipped on purpose ({opt_out}=1): {what}");
    eprintln!("SKIPPED: {line}");
    if let Some(path) = std::env::var_os("TESTBAY_TEST_SKIPS") {
        use std::io::Write;
        let file = std::fs::OpenOptions::new().create(true).append(true).open(path);
        let _ = file.and_then(|mut file| writeln!(file, "{line}"));
    }
}

#[test]
fn the_window_shows_the_page_and_closing_it_leaves_nothing_behind() {
    let xvfb = Xvfb::start();
    let _window_manager = WindowManager::start(&xvfb.1);
    let home = tempfile::tempdir().expect("temp dir");
    let data_home = home.path().join("data");
    let mut app = Command::new(env!("CARGO_BIN_EXE_testbay-desktop"))
        .env("DISPLAY", &xvfb.1)
        .env("XDG_DATA_HOME", &data_home)
        .env("HOME", home.path())
        .env("TESTBAY_TESTS_ROOT", repo_root().join("sample_tests"))
        .env("TESTBAY_PYTHON", repo_root().join(".venv/bin/python"))
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .spawn()
        .expect("the desktop app starts");
    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    let lines = BufReader::new(app.stderr.take().expect("stderr")).lines();
    let sink = Arc::clone(&log);
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            sink.lock().expect("log").push(line);
        }
    });
    let logged = |needle: &str| log.lock().expect("log").iter().any(|line| line.contains(needle));
    wait_for("the service logs its address", || logged("url=http://127.0.0.1:"));
    let url = log
        .lock()
        .expect("log")
        .iter()
        .find_map(|line| line.split("url=").nth(1).map(|rest| rest.split_whitespace().next().unwrap_or("").to_owned()))
        .expect("url");
    let api = url.trim_end_matches('/').to_owned();

    // A script can use the API while the app runs.
    let run = post(&format!("{api}/api/runs"), &json!({"user": "desk", "environment": 1, "paths": ["slow"]}));
    let id = run["id"].as_i64().expect("a run");
    wait_for("the run runs", || get(&format!("{api}/api/runs/{id}")).is_some_and(|run| run["status"] == "running"));

    // The window is up, managed and titled, and its page has rendered: the window is no longer
    // one colour but shows the page.
    let mut window = None;
    wait_for("the window manager lists the Testbay window", || {
        window = wmctrl(&xvfb.1, &["-l"])
            .lines()
            .find(|line| line.ends_with(" Testbay"))
            .and_then(|line| line.split_whitespace().next().map(str::to_owned));
        window.is_some()
    });
    let window = window.expect("the window's id");
    wait_for("the window loads the runs page", || logged("uri=/api/runs?"));
    let png = home.path().join("desktop.png");
    wait_for("the window shows a rendered page, not a blank one", || {
        screenshot(&xvfb.1, &window, &png);
        contrast(&png) > 0.05
    });
    if let Some(keep) = std::env::var_os("TESTBAY_DESKTOP_SCREENSHOT") {
        std::fs::copy(&png, keep).expect("keep the screenshot");
    }

    // Closing the window, as its close button does, ends the run and the service.
    let system = get(&format!("{api}/api/system")).expect("system");
    let closed = Command::new("wmctrl").env("DISPLAY", &xvfb.1).args(["-c", "Testbay"]).status().expect("wmctrl runs");
    assert!(closed.success(), "wmctrl found the window to close");
    let start = Instant::now();
    let exit = loop {
        if let Some(exit) = app.try_wait().expect("wait") {
            break exit;
        }
        assert!(start.elapsed() < DEADLINE, "the app did not end when its window was closed");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(exit.success(), "the app closed cleanly: {exit}");
    let data_dir = data_home.join("testbay").canonicalize().expect("data dir");
    assert_eq!(processes_of_run(&data_dir, id), Vec::<u32>::new(), "no process of the run is left");
    if system["enforcement"] != "rlimit" {
        let instance = format!("testbay-{}", testbay_service::runner::instance_name(&data_dir));
        assert_eq!(cgroups_named(&instance), Vec::<PathBuf>::new(), "no cgroup of the app is left");
    } else {
        skipped_without_cgroups("the desktop app's check that it leaves no cgroup behind");
    }
    assert!(logged("stopping: interrupting active runs"), "the service stopped as `testbay serve` stops");
    assert!(logged("run ended status=interrupted"), "the running run was stored as interrupted");
}
