//! Turns the bytes a run prints into UTF-8 log text, capped at a size.
//!
//! Output is cut only at character boundaries (an incomplete character waits for its last
//! bytes), invalid bytes become U+FFFD, and once the cap is reached one marker line says so and
//! further output is read and dropped, so the run keeps going without filling the database.

/// Turns a run's output into log text as it is read.
#[derive(Debug)]
pub struct LogBuffer {
    cap_bytes: u64,
    /// Bytes of text handed out so far.
    written: u64,
    /// The start of a character whose remaining bytes have not arrived yet.
    partial: Vec<u8>,
    truncated: bool,
}

impl LogBuffer {
    pub fn new(cap_bytes: u64) -> Self {
        LogBuffer { cap_bytes, written: 0, partial: Vec::new(), truncated: false }
    }

    /// The text that bytes read from the run's output complete, if any.
    pub fn push(&mut self, bytes: &[u8]) -> Option<String> {
        if self.truncated {
            return None;
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
        self.keep(text)
    }

    /// What of `text` fits under the cap, with a marker once the cap is reached.
    fn keep(&mut self, mut text: String) -> Option<String> {
        let room = self.cap_bytes.saturating_sub(self.written);
        if (text.len() as u64) > room {
            let mut cut = usize::try_from(room).unwrap_or(usize::MAX).min(text.len());
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
            text.push_str(&format!(
                "\n[testbay] log cut at {} bytes (--log-cap-bytes); further output of this run is not kept\n",
                self.cap_bytes
            ));
            self.truncated = true;
            self.partial.clear();
        }
        self.written += text.len() as u64;
        (!text.is_empty()).then_some(text)
    }

    /// What is left of an incomplete character once the output has ended.
    pub fn finish(&mut self) -> Option<String> {
        if self.partial.is_empty() || self.truncated {
            return None;
        }
        let text = String::from_utf8_lossy(&std::mem::take(&mut self.partial)).into_owned();
        self.keep(text)
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
        assert_eq!(log.push(&bytes[..2]).as_deref(), Some("h"));
        assert_eq!(log.push(&bytes[2..]).as_deref(), Some("éllo"));
    }

    #[test]
    fn replaces_invalid_bytes() {
        let mut log = LogBuffer::new(1024);
        assert_eq!(log.push(b"a\xffb").as_deref(), Some("a\u{fffd}b"));
    }

    #[test]
    fn cuts_at_the_cap_and_says_so() {
        let mut log = LogBuffer::new(10);
        assert_eq!(log.push(b"0123456").as_deref(), Some("0123456"));
        let text = log.push(b"789abcdef").expect("text");
        assert!(text.starts_with("789\n[testbay] log cut at 10 bytes"), "{text}");
        assert!(log.is_truncated());
        assert_eq!(log.push(b"ignored"), None);
        assert_eq!(log.finish(), None);
    }

    #[test]
    fn finish_gives_a_dangling_partial_character() {
        let mut log = LogBuffer::new(1024);
        assert_eq!(log.push(&"é".as_bytes()[..1]), None);
        assert_eq!(log.finish().as_deref(), Some("\u{fffd}"));
    }
}
