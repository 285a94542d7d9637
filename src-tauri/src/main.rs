//! Testbay in a desktop window: starts the Testbay service in this process on a free loopback
//! port, with its data under the user's data directory, and shows its page. Closing the window
//! (or SIGTERM/SIGINT) stops the service as `testbay serve` stops: active runs are ended and
//! stored as interrupted. The API stays reachable from scripts on that port while the app runs;
//! the page's footer says where.
//!
//! Configuration is the service's, through the same `TESTBAY_*` variables; only the defaults
//! differ: a free port, `$XDG_DATA_HOME/testbay` for data and `…/testbay/tests` for the tests.

mod config;

use anyhow::Context;
use testbay_service::app::Application;

use crate::config::desktop_config;

fn main() -> anyhow::Result<()> {
    testbay_service::process::init_logging();
    let config = desktop_config()?;
    let runtime = testbay_service::process::runtime().context("cannot start the async runtime")?;
    // Tauri's own tasks share this runtime.
    tauri::async_runtime::set(runtime.handle().clone());
    let service = runtime.block_on(Application::build(config)).context("cannot start the Testbay service")?;
    let url: tauri::Url = format!("http://127.0.0.1:{}/", service.port()).parse().context("the service's address")?;
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = runtime.spawn(service.run_until(async {
        let _ = stop_rx.await;
    }));

    let window_url = url.clone();
    let app = tauri::Builder::default()
        // The page tells of a run's end with the web's `Notification`, which this plugin puts in
        // front of the system's notification service (without it, the window never grants the
        // page's request for permission). `capabilities/page.json` lets the page use it.
        .plugin(tauri_plugin_notification::init())
        .setup(move |app| {
            tauri::WebviewWindowBuilder::new(app, "main", tauri::WebviewUrl::External(window_url.clone()))
                .title("Testbay")
                .inner_size(1280.0, 860.0)
                .build()?;
            Ok(())
        })
        .build(tauri::generate_context!())
        .context("cannot start the desktop window")?;

    let handle = app.handle().clone();
    runtime.spawn(async move {
        stop_signal().await;
        handle.exit(0);
    });

    let runtime_handle = runtime.handle().clone();
    let mut stop_tx = Some(stop_tx);
    let mut server = Some(server);
    app.run(move |_app, event| {
        if let tauri::RunEvent::Exit = event {
            if let Some(stop_tx) = stop_tx.take() {
                let _ = stop_tx.send(());
            }
            // Wait until every run has been ended and stored before the process goes.
            if let Some(server) = server.take()
                && let Err(error) = runtime_handle.block_on(server)
            {
                eprintln!("the Testbay service did not stop cleanly: {error}");
            }
        }
    });
    Ok(())
}

async fn stop_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut terminate), Ok(mut interrupt)) = (signal(SignalKind::terminate()), signal(SignalKind::interrupt()))
    else {
        return std::future::pending().await;
    };
    tokio::select! {
        _ = terminate.recv() => {}
        _ = interrupt.recv() => {}
    }
}
