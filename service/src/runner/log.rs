//! Turns the bytes a run prints into UTF-8 log text, capped at a size.
//!
//! Output is cut only at character boundaries (an incomplete character waits for its last
//! bytes), invalid bytes become U+FFFD, and once the cap is reached one marker line says so and
//! further output is read and dropped, so the run keeps going without filling the database.

/// Collects a run's output between two flushes.
#[derive(Debug)]
pub struct LogBuffer {
    cap_bytes: u64,
    /// Bytes of text handed out so far.
    written: u64,
    pending: String,
    /// The start of a character whose remaining bytes have not arrived yet.
    partial: Vec<u8>,
    truncated: bool,
}

impl LogBuffer {
    pub fn new(cap_bytes: u64) -> Self {
        LogBuffer { cap_bytes, written: 0, pending: String::new(), partial: Vec::new(), truncated: false }
    }

    /// Adds bytes read from the run's output.
    pub fn push(&mut self, bytes: &[u8]) {
        if self.truncated {
            return;
        }
        self.partial.extend_from_slice(bytes);
        let complete = match std::str::from_utf8(&self.partial) {
            Ok(_) => self.partial.len(),
            // An incomplete character at the end: keep it for the next read.
            Err(error) if error.error_len().is_none() => error.valid_up_to(),
            Err(_) => self.partial.len(),
        };
        let rest = self.partial.split_off(complete);
        let text = String::from_utf8_lossy(&self.partial).into_owned();
        self.partial = rest;
        self.append(&text);
    }

    fn append(&mut self, text: &str) {
        let room = self.cap_bytes.saturating_sub(self.written + self.pending.len() as u64);
        if (text.len() as u64) <= room {
            self.pending.push_str(text);
            return;
        }
        let mut cut = usize::try_from(room).unwrap_or(usize::MAX).min(text.len());
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        self.pending.push_str(&text[..cut]);
        self.pending.push_str(&format!(
            "\n[testbay] log cut at {} bytes (--log-cap-bytes); further output of this run is not kept\n",
            self.cap_bytes
        ));
        self.truncated = true;
        self.partial.clear();
    }

    /// Adds what is left of an incomplete character once the output has ended.
    pub fn finish(&mut self) {
        if !self.partial.is_empty() {
            let text = String::from_utf8_lossy(&std::mem::take(&mut self.partial)).into_owned();
            self.append(&text);
        }
    }

    /// Takes the text gathered since the last call, with its byte offset in the log.
    pub fn take(&mut self) -> Option<(u64, String)> {
        if self.pending.is_empty() {
            return None;
        }
        let offset = self.written;
        let text = std::mem::take(&mut self.pending);
        self.written += text.len() as u64;
        Some((offset, text))
    }

    pub fn pending_bytes(&self) -> usize {
        self.pending.len()
    }

    /// Bytes of log handed out so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    pub fn is_truncated(&self) -> bool {
        self.truncated
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_characters_whole_across_reads() {
        let mut log = LogBuffer::new(1024);
        let bytes = "héllo".as_bytes();
        log.push(&bytes[..2]);
        assert_eq!(log.take(), Some((0, "h".to_owned())));
        log.push(&bytes[2..]);
        assert_eq!(log.take(), Some((1, "éllo".to_owned())));
        assert_eq!(log.written(), 6);
    }

    #[test]
    fn replaces_invalid_bytes() {
        let mut log = LogBuffer::new(1024);
        log.push(b"a\xffb");
        assert_eq!(log.take().map(|(_, t)| t), Some("a\u{fffd}b".to_owned()));
    }

    #[test]
    fn cuts_at_the_cap_and_says_so() {
        let mut log = LogBuffer::new(10);
        log.push(b"0123456");
        log.push(b"789abcdef");
        log.push(b"more");
        let (_, text) = log.take().expect("text");
        assert!(text.starts_with("0123456789\n[testbay] log cut at 10 bytes"));
        assert!(log.is_truncated());
        log.push(b"ignored");
        assert_eq!(log.take(), None);
    }

    #[test]
    fn finish_flushes_a_dangling_partial_character() {
        let mut log = LogBuffer::new(1024);
        log.push(&"é".as_bytes()[..1]);
        assert_eq!(log.take(), None);
        log.finish();
        assert_eq!(log.take().map(|(_, t)| t), Some("\u{fffd}".to_owned()));
    }
}
