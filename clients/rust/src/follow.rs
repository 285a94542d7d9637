//! Following a run to its end through its server-sent events, the stream the web page uses,
//! reconnecting with `Last-Event-ID` when the connection drops.

use std::io::Write;
use std::time::{Duration, Instant};

use eventsource_stream::Eventsource;
use futures::StreamExt;

use super::client::{Client, ClientError};
use super::models::{Run, RunEvent};

/// How long the service may stay unreachable (or failing) before following gives up.
const GIVE_UP_AFTER: Duration = Duration::from_secs(60);
/// The service sends a keep-alive every 15 s; this much silence means the connection is dead.
const SILENCE_LIMIT: Duration = Duration::from_secs(45);
const FIRST_RETRY: Duration = Duration::from_millis(250);
const LONGEST_RETRY: Duration = Duration::from_secs(5);

/// Where a followed run's log goes. The log carries pytest's colours; the stream drops them
/// when it is not a terminal, and keeps its state across pieces of the log, so a colour code
/// split between two pieces is dropped whole.
pub enum LogSink {
    Nowhere,
    Stdout(anstream::AutoStream<std::io::Stdout>),
    Stderr(anstream::AutoStream<std::io::Stderr>),
}

impl LogSink {
    pub fn stdout() -> LogSink {
        LogSink::Stdout(anstream::AutoStream::auto(std::io::stdout()))
    }

    pub fn stderr() -> LogSink {
        LogSink::Stderr(anstream::AutoStream::auto(std::io::stderr()))
    }

    fn write(&mut self, text: &str) {
        let written = match self {
            LogSink::Nowhere => Ok(()),
            LogSink::Stdout(out) => out.write_all(text.as_bytes()).and_then(|()| out.flush()),
            LogSink::Stderr(out) => out.write_all(text.as_bytes()).and_then(|()| out.flush()),
        };
        // A closed pipe (`| head`) ends the output, not the wait.
        drop(written);
    }
}

/// Follows run `id` until it has ended and returns it as it ended, writing its log to `sink`
/// as it arrives, each byte once and in order.
pub async fn until_end(client: &Client, id: i64, sink: &mut LogSink) -> Result<Run, ClientError> {
    let path = format!("/runs/{id}/events");
    let mut last_event_id: Option<String> = None;
    let mut log_end: u64 = 0;
    let mut failing_since: Option<Instant> = None;
    let mut retry = FIRST_RETRY;
    loop {
        let lost = match client.events(&path, last_event_id.as_deref()).await {
            Ok(response) => {
                // Keep-alive comments count as signs of life, though they carry no event.
                let bytes =
                    tokio_stream::StreamExt::timeout(response.bytes_stream(), SILENCE_LIMIT).map(|read| match read {
                        Ok(Ok(bytes)) => Ok(bytes),
                        Ok(Err(error)) => Err(error.to_string()),
                        Err(_) => Err(format!("nothing heard for {} s", SILENCE_LIMIT.as_secs())),
                    });
                let mut events = Box::pin(bytes.eventsource());
                loop {
                    let event = match events.next().await {
                        None => break "the service closed the stream".to_owned(),
                        Some(Err(error)) => break error.to_string(),
                        Some(Ok(event)) => event,
                    };
                    failing_since = None;
                    retry = FIRST_RETRY;
                    if event.data.is_empty() {
                        continue;
                    }
                    let parsed: RunEvent = serde_json::from_str(&event.data).map_err(|error| {
                        ClientError::Service(format!("an event this client cannot read ({error}): {}", event.data))
                    })?;
                    if !event.id.is_empty() {
                        last_event_id = Some(event.id);
                    }
                    match parsed {
                        RunEvent::Log { offset, text } => write_new_part(sink, &mut log_end, offset, &text),
                        RunEvent::Run { run } if !run.status.is_active() => return Ok(run),
                        RunEvent::Run { .. } | RunEvent::Test {} | RunEvent::Other => {}
                    }
                }
            }
            Err(ClientError::Unreachable { reason, .. }) => reason,
            // A proxy's 502 or a service that is starting again: worth another try.
            Err(ClientError::Service(reason)) => reason,
            Err(refused) => return Err(refused),
        };
        let since = *failing_since.get_or_insert_with(|| {
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
fn write_new_part(sink: &mut LogSink, log_end: &mut u64, offset: u64, text: &str) {
    let end = offset + text.len() as u64;
    if end <= *log_end {
        return;
    }
    let mut skip = usize::try_from(log_end.saturating_sub(offset)).unwrap_or(usize::MAX).min(text.len());
    while !text.is_char_boundary(skip) {
        skip += 1;
    }
    *log_end = end;
    sink.write(&text[skip..]);
}
