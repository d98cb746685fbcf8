//! How `gsignin api` shows an answer: the body unchanged when piped; on a terminal JSON
//! pretty-printed (coloured unless NO_COLOR) and every other text with its control characters
//! escaped (the server's bytes must not drive the terminal). `-i` puts the status line and the
//! headers first; `--jq` replaces a 2xx body by what the expression yields.

use super::jq::{self, Jq, Val};
use crate::error::Result;
use crate::http::Response;
use crate::io::SharedWrite;
use crate::redact::escape_controls_but_newlines;
use std::io::Write;

pub struct Printer<'a> {
    pub out: SharedWrite,
    pub style: Style,
    pub include: bool,
    pub jq: Option<&'a Jq>,
}

use super::style::Style;

/// Whether the reader is still there: false after `| head` went away.
pub type Reading = bool;

impl Printer<'_> {
    /// Prints one answer; a 4xx or 5xx body is printed unfiltered (it says why). What --jq
    /// yields is written output by output, as it comes: `repeat(1) | head -1` ends at once.
    pub fn page(&self, resp: &Response) -> Result<Reading> {
        let mut text = Vec::new();
        if self.include {
            self.head(resp, &mut text);
        }
        match self.jq {
            Some(jq) if resp.is_success() => {
                if !self.write(&text)? {
                    return Ok(false);
                }
                jq.page(&resp.body, &mut |output| self.write(output))
            }
            _ => {
                self.body(&resp.body, &mut text);
                self.write(&text)
            }
        }
    }

    /// Writes and flushes `text`: false when the reader has gone, an error when the write
    /// failed otherwise.
    fn write(&self, text: &[u8]) -> Result<Reading> {
        let mut out = self.out.borrow_mut();
        match out.write_all(text).and_then(|()| out.flush()) {
            Ok(()) => Ok(true),
            Err(e) => match crate::output::write_failure(&e) {
                Some(failed) => Err(failed),
                None => Ok(false),
            },
        }
    }

    fn head(&self, resp: &Response, text: &mut Vec<u8>) {
        let reason = reqwest::StatusCode::from_u16(resp.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("");
        text.extend_from_slice(format!("HTTP/1.1 {} {reason}\r\n", resp.status).as_bytes());
        for (name, value) in &resp.headers {
            let value = String::from_utf8_lossy(value.as_bytes());
            let value = if self.style.terminal {
                crate::redact::escape_controls(&value)
            } else {
                value.into_owned()
            };
            text.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
        text.extend_from_slice(b"\r\n");
    }

    fn body(&self, body: &[u8], text: &mut Vec<u8>) {
        if !self.style.terminal {
            text.extend_from_slice(body);
            return;
        }
        match jq::parse(body) {
            Ok(value) if self.style.pretty && !body.is_empty() => self.style.value(&value, text),
            _ => {
                let shown = escape_controls_but_newlines(&String::from_utf8_lossy(body));
                text.extend_from_slice(shown.as_bytes());
                if !shown.is_empty() && !shown.ends_with('\n') {
                    text.push(b'\n');
                }
            }
        }
    }
}

impl Style {
    /// A value: a string raw (as `jq -r` and `gh api --jq` print it), anything else as JSON,
    /// indented and coloured for a terminal, one line when piped.
    pub fn value(self, value: &Val, text: &mut Vec<u8>) {
        if let Val::TStr(s) = value {
            if self.terminal {
                let shown = escape_controls_but_newlines(&String::from_utf8_lossy(s));
                text.extend_from_slice(shown.as_bytes());
            } else {
                text.extend_from_slice(s);
            }
            text.push(b'\n');
            return;
        }
        let mut pp = jaq_json::write::Pp::default();
        if self.pretty {
            pp.indent = Some("  ".to_string());
            if self.color {
                pp.styles = jaq_json::write::Styles::ansi();
            }
        }
        if !self.terminal {
            // Writing into a Vec cannot fail.
            let _ = jaq_json::write::write(text, &pp, 0, value);
            text.push(b'\n');
            return;
        }
        let mut json = Vec::new();
        let _ = jaq_json::write::write(&mut json, &pp, 0, value);
        // JSON escapes C0 controls, not C1 ones (U+0080..U+009F, which terminals obey as CSI
        // and OSC) nor the invisible ones that reorder what a terminal shows; inside a string
        // (the only place they can be) `\uXXXX` is the same text. Line breaks outside strings
        // are the indentation's, and an ESC can only start a colour of the writer's own (in a
        // string JSON has escaped it).
        for c in String::from_utf8_lossy(&json).chars() {
            if crate::redact::hidden_or_control(c) && c != '\n' && c != '\u{1b}' {
                text.extend_from_slice(format!("\\u{:04x}", u32::from(c)).as_bytes());
            } else {
                let mut buf = [0; 4];
                text.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
        text.push(b'\n');
    }
}
