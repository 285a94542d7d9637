//! Following a run to its end through its server-sent events, the stream the web page uses,
//! reconnecting with `Last-Event-ID` when the connection drops.

use std::io::Write;
use std::time::{Duration, Instant};

use eventsource_stream::Eventsource;
use futures::StreamExt;
use poem_openapi::types::ParseFromJSON;

use super::client::{Client, ClientError};
use crate::api::models::{RunStatusView, RunStreamEvent, RunView};

/// How long the service may stay unreachable before following gives up.
const GIVE_UP_AFTER: Duration = Duration::from_secs(60);
const FIRST_RETRY: Duration = Duration::from_millis(250);
const LONGEST_RETRY: Duration = Duration::from_secs(5);

/// Where a followed run's log goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogSink {
    Nowhere,
    Stdout,
    Stderr,
}

pub fn is_final(status: RunStatusView) -> bool {
    !matches!(status, RunStatusView::Queued | RunStatusView::Running)
}

/// Follows run `id` until it has ended and returns it as it ended, writing its log to `sink`
/// as it arrives, each byte once and in order.
pub async fn until_end(client: &Client, id: i64, sink: LogSink) -> Result<RunView, ClientError> {
    let path = format!("/runs/{id}/events");
    let mut last_event_id: Option<String> = None;
    let mut log_end: u64 = 0;
    let mut unreachable_since: Option<Instant> = None;
    let mut retry = FIRST_RETRY;
    loop {
        let lost = match client.events(&path, last_event_id.as_deref()).await {
            Ok(response) => {
                let mut events = response.bytes_stream().eventsource();
                let mut lost = None;
                while let Some(event) = events.next().await {
                    let event = match event {
                        Ok(event) => event,
                        Err(error) => {
                            lost = Some(error.to_string());
                            break;
                        }
                    };
                    unreachable_since = None;
                    retry = FIRST_RETRY;
                    let parsed = serde_json::from_str(&event.data)
                        .ok()
                        .and_then(|json| RunStreamEvent::parse_from_json(Some(json)).ok())
                        .ok_or_else(|| {
                            ClientError::Service(format!("an event this client cannot read: {}", event.data))
                        })?;
                    if !event.id.is_empty() {
                        last_event_id = Some(event.id);
                    }
                    match parsed {
                        RunStreamEvent::Log(log) => write_log(sink, &mut log_end, log.offset, &log.text),
                        RunStreamEvent::Run(changed) if is_final(changed.run.status) => return Ok(changed.run),
                        RunStreamEvent::Run(_) | RunStreamEvent::Test(_) => {}
                    }
                }
                lost.unwrap_or_else(|| "the service closed the stream".into())
            }
            Err(ClientError::Unreachable { reason, .. }) => reason,
            Err(other) => return Err(other),
        };
        let since = *unreachable_since.get_or_insert_with(|| {
            eprintln!("testbay: lost the connection to run {id}'s events ({lost}); reconnecting");
            Instant::now()
        });
        if since.elapsed() > GIVE_UP_AFTER {
            return Err(ClientError::Unreachable {
                url: client.page_url(""),
                reason: format!("no connection for {} s while following run {id}: {lost}", GIVE_UP_AFTER.as_secs()),
            });
        }
        tokio::time::sleep(retry).await;
        retry = (retry * 2).min(LONGEST_RETRY);
    }
}

/// Writes the part of `text` (at byte `offset` of the log) that lies after `log_end`.
fn write_log(sink: LogSink, log_end: &mut u64, offset: u64, text: &str) {
    let end = offset + text.len() as u64;
    if end <= *log_end {
        return;
    }
    let mut skip = usize::try_from(log_end.saturating_sub(offset)).unwrap_or(usize::MAX).min(text.len());
    while !text.is_char_boundary(skip) {
        skip += 1;
    }
    *log_end = end;
    let new = &text[skip..];
    // The log carries pytest's colours; they are dropped when the output is not a terminal.
    let written = match sink {
        LogSink::Nowhere => Ok(()),
        LogSink::Stdout => {
            let mut out = anstream::stdout().lock();
            out.write_all(new.as_bytes()).and_then(|()| out.flush())
        }
        LogSink::Stderr => {
            let mut out = anstream::stderr().lock();
            out.write_all(new.as_bytes()).and_then(|()| out.flush())
        }
    };
    // A closed pipe (`| head`) ends the output, not the wait.
    drop(written);
}
