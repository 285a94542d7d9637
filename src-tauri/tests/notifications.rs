//! "Notify me when it ends" in the desktop window: driven through WebDriver (tauri-driver in
//! front of WebKitGTK's WebKitWebDriver), the page's button turns notifications on, and the end
//! of the user's run reaches the system's notification service (`org.freedesktop.Notifications`
//! on a D-Bus session bus of the test's own, watched by `dbus-monitor`) once.

mod support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

use support::{Xvfb, get, post, repo_root, wait_for};

/// A process the test started, killed when the test ends however it ends.
struct Started(Child);

impl Drop for Started {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A D-Bus session bus of the test's own; its address.
fn session_bus() -> (Started, String) {
    let mut child = Command::new("dbus-daemon")
        .args(["--session", "--nofork", "--print-address=1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("dbus-daemon starts (apt install dbus)");
    let mut address = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut address).expect("the bus's address");
    (Started(child), address.trim().to_owned())
}

/// Every `Notify` call on the bus, as `dbus-monitor` prints it.
fn watch_notifications(bus: &str) -> (Started, Arc<Mutex<String>>) {
    let mut child = Command::new("dbus-monitor")
        .args(["--address", bus, "interface='org.freedesktop.Notifications',member='Notify'"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("dbus-monitor starts");
    let seen = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&seen);
    let lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            let mut seen = sink.lock().expect("seen");
            seen.push_str(&line);
            seen.push('\n');
        }
    });
    (Started(child), seen)
}

/// tauri-driver, which `scripts/test.sh` installs into `.tools`.
fn tauri_driver() -> PathBuf {
    let path = repo_root().join(".tools/bin/tauri-driver");
    assert!(path.exists(), "tauri-driver is missing at {} (scripts/test.sh installs it)", path.display());
    path
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("a port").local_addr().expect("address").port()
}

/// A WebDriver session on the desktop app.
struct Session {
    driver: String,
    id: String,
}

impl Session {
    fn start(driver: &str, application: &Path) -> Session {
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "tauri:options": {"application": application},
        }}});
        let answer = post(&format!("{driver}/session"), &capabilities);
        let id = answer["value"]["sessionId"].as_str().unwrap_or_else(|| panic!("a session: {answer}")).to_owned();
        Session { driver: driver.to_owned(), id }
    }

    fn command(&self, path: &str, body: &Value) -> Value {
        post(&format!("{}/session/{}/{path}", self.driver, self.id), body)["value"].clone()
    }

    fn url(&self) -> String {
        get(&format!("{}/session/{}/url", self.driver, self.id)).expect("the url")["value"]
            .as_str()
            .expect("a url")
            .to_owned()
    }

    fn script(&self, script: &str) -> Value {
        self.command("execute/sync", &json!({"script": script, "args": []}))
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        let url = format!("{}/session/{}", self.driver, self.id);
        let _ = runtime.block_on(reqwest::Client::new().delete(url).send());
    }
}

#[test]
fn the_end_of_my_run_is_a_system_notification_in_the_desktop_window() {
    let xvfb = Xvfb::start();
    let (_bus, bus) = session_bus();
    let (_monitor, notified) = watch_notifications(&bus);
    let home = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let _driver = Started(
        Command::new(tauri_driver())
            .args(["--port", &port.to_string(), "--native-port", &free_port().to_string()])
            .args(["--native-driver", "/usr/bin/WebKitWebDriver"])
            .env("DISPLAY", &xvfb.1)
            .env("DBUS_SESSION_BUS_ADDRESS", &bus)
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("HOME", home.path())
            .env("TESTBAY_TESTS_ROOT", repo_root().join("sample_tests"))
            .env("TESTBAY_PYTHON", repo_root().join(".venv/bin/python"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tauri-driver starts"),
    );
    let driver = format!("http://127.0.0.1:{port}");
    wait_for("tauri-driver listens", || get(&format!("{driver}/status")).is_some());
    let session = Session::start(&driver, Path::new(env!("CARGO_BIN_EXE_testbay-desktop")));
    let mut page = String::new();
    wait_for("the window shows the service's page", || {
        page = session.url();
        page.starts_with("http://127.0.0.1:")
    });
    let api = page.trim_end_matches('/').to_owned();

    let run = post(&format!("{api}/api/runs"), &json!({"user": "desk", "environment": 2, "paths": ["slow"]}));
    let id = run["id"].as_i64().unwrap_or_else(|| panic!("a run: {run}"));
    session.script("localStorage.setItem('testbay.user', 'desk')");
    session.command("url", &json!({"url": format!("{api}/runs/{id}")}));
    let button = "//button[normalize-space()='Notify me when it ends']";
    let mut element = Value::Null;
    wait_for("the run page offers notifications", || {
        element = session.command("element", &json!({"using": "xpath", "value": button}));
        element.as_object().is_some_and(|found| found.keys().any(|key| key.starts_with("element-")))
    });
    let element_id = element.as_object().and_then(|found| found.values().next()).and_then(Value::as_str).expect("id");
    session.command(&format!("element/{element_id}/click"), &json!({}));
    let on = "//button[normalize-space()='Notifying when it ends']";
    wait_for("the page says it will notify", || {
        let found = session.command("element", &json!({"using": "xpath", "value": on}));
        found.as_object().is_some_and(|found| found.keys().any(|key| key.starts_with("element-")))
    });

    wait_for("the run ends", || get(&format!("{api}/api/runs/{id}")).is_some_and(|run| run["finished_at"].is_string()));
    let title = format!("string \"Run #{id} passed\"");
    wait_for("the notification reaches the notification service", || notified.lock().expect("seen").contains(&title));
    std::thread::sleep(Duration::from_secs(2));
    let told = notified.lock().expect("seen").matches(&title).count();
    assert_eq!(told, 1, "one notification for the run: {}", notified.lock().expect("seen"));
    assert!(notified.lock().expect("seen").contains("in environment 2"), "its body names the environment");
}
