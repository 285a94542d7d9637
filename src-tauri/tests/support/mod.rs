//! What the desktop app's tests share: an X server and a window manager of their own, waiting,
//! and the service's API.

#![allow(dead_code)] // Each test crate uses a part.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub const DEADLINE: Duration = Duration::from_secs(90);

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("repo root").to_path_buf()
}

/// An X server of its own, on the first free display.
pub struct Xvfb(Child, pub String);

impl Xvfb {
    pub fn start() -> Xvfb {
        let mut child = Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0", "1280x900x24", "-nolisten", "tcp"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb starts (apt install xvfb)");
        let mut number = String::new();
        let mut stdout = child.stdout.take().expect("stdout");
        let mut byte = [0u8; 1];
        while stdout.read(&mut byte).expect("display number") == 1 && byte[0] != b'\n' {
            number.push(byte[0] as char);
        }
        Xvfb(child, format!(":{}", number.trim()))
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A window manager on `display`: it draws frames and closes windows the EWMH way
/// (`_NET_CLOSE_WINDOW`, which it turns into the window's `WM_DELETE_WINDOW`).
pub struct WindowManager(Child);

impl WindowManager {
    pub fn start(display: &str) -> WindowManager {
        let child = Command::new("openbox")
            .env("DISPLAY", display)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("openbox starts (apt install openbox)");
        let manager = WindowManager(child);
        wait_for("the window manager manages the display", || wmctrl(display, &["-m"]).contains("Openbox"));
        manager
    }
}

impl Drop for WindowManager {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// What `wmctrl` says on `display` (empty when it fails, e.g. before the manager is up).
pub fn wmctrl(display: &str, args: &[&str]) -> String {
    Command::new("wmctrl")
        .env("DISPLAY", display)
        .args(args)
        .stderr(Stdio::null())
        .output()
        .map(|output| String::from_utf8_lossy(&output.stdout).into_owned())
        .expect("wmctrl runs (apt install wmctrl)")
}

/// Waits until `check` holds, failing after the deadline.
pub fn wait_for(what: &str, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < DEADLINE, "never: {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

pub fn get(url: &str) -> Option<Value> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(async { reqwest::get(url).await.ok()?.json().await.ok() })
}

pub fn post(url: &str, body: &Value) -> Value {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        reqwest::Client::new().post(url).json(body).send().await.expect("post").json().await.expect("json")
    })
}
