//! What a run tells a person on stderr beside its data: warnings, progress lines and the `-v`
//! trace. One value owns stderr and the secrets the run has seen, so that every line, from
//! whichever layer, is scrubbed of them the same way; the HTTP client and the context share it.

use crate::io::SharedWrite;
use crate::redact::SeenSecrets;
use std::io::Write;

pub struct Diagnostics {
    stderr: SharedWrite,
    seen: SeenSecrets,
    verbose: bool,
    /// `warning:` in colour (stderr is a terminal that takes colour).
    color: bool,
}

impl Diagnostics {
    pub fn new(stderr: SharedWrite, verbose: bool, color: bool) -> Diagnostics {
        Diagnostics {
            stderr,
            seen: SeenSecrets::default(),
            verbose,
            color,
        }
    }

    /// Every secret this run has sent, received or read.
    pub fn seen(&self) -> &SeenSecrets {
        &self.seen
    }

    /// Whether `-v` asked for the HTTP trace.
    pub fn verbose(&self) -> bool {
        self.verbose
    }

    /// A warning, whatever -v says: `warning:` and the message, scrubbed.
    pub fn warn(&self, message: &str) {
        let line = crate::style::Styled::new()
            .with(crate::style::Tone::Caution, "warning:")
            .with(
                crate::style::Tone::Plain,
                format!(" {}", self.seen.scrub(message)),
            )
            .render(self.color);
        let _ = writeln!(self.stderr.borrow_mut(), "{line}");
    }

    /// A progress line (what the command waits for, what reached it), scrubbed, control
    /// characters escaped. Failing to write one is no reason to fail the command.
    pub fn say(&self, line: &str) {
        let shown = self.seen.scrub(line);
        let _ = writeln!(
            self.stderr.borrow_mut(),
            "{}",
            crate::redact::escape_controls(&shown)
        );
    }

    /// Trace text under -v, each line scrubbed.
    pub fn trace(&self, text: &str) {
        if !self.verbose {
            return;
        }
        let mut err = self.stderr.borrow_mut();
        for line in text.lines() {
            let _ = writeln!(err, "{}", self.seen.scrub(line));
        }
    }

    /// The error with every secret this run has seen taken out of its texts: servers' words
    /// end up in errors, and errors are shown (to people, and by `login`'s page and
    /// `receive`'s answers to browsers and apps).
    pub fn scrub(&self, e: crate::error::Error) -> crate::error::Error {
        e.map_text(|t| self.seen.scrub(t))
    }
}
