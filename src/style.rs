//! Text for people with its styles carried as spans: a command says "this word is a verdict",
//! and only rendering decides (from `--color`, NO_COLOR and the terminal) whether that becomes
//! colour. Nothing is ever re-parsed to find what to colour.

use anstyle::{AnsiColor, Style};

/// What a span is, which decides how it looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Plain,
    /// VALID
    Valid,
    /// INVALID, a failed check, `gsignin: error:`
    Invalid,
    /// a passed check
    Pass,
    /// UNVERIFIED, `warning:`
    Caution,
}

impl Tone {
    fn style(self) -> Style {
        let fg = |c: AnsiColor| Style::new().fg_color(Some(c.into()));
        match self {
            Tone::Plain => Style::new(),
            Tone::Valid => fg(AnsiColor::Green).bold(),
            Tone::Invalid => fg(AnsiColor::Red).bold(),
            Tone::Pass => fg(AnsiColor::Green),
            Tone::Caution => fg(AnsiColor::Yellow),
        }
    }
}

/// Text made of spans, each with its tone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Styled {
    spans: Vec<(Tone, String)>,
}

impl Styled {
    pub fn new() -> Styled {
        Styled::default()
    }

    pub fn plain(text: impl Into<String>) -> Styled {
        Styled::new().with(Tone::Plain, text)
    }

    pub fn with(mut self, tone: Tone, text: impl Into<String>) -> Styled {
        self.push(tone, text);
        self
    }

    pub fn push(&mut self, tone: Tone, text: impl Into<String>) {
        let text = text.into();
        if !text.is_empty() {
            self.spans.push((tone, text));
        }
    }

    pub fn append(&mut self, other: Styled) {
        self.spans.extend(other.spans);
    }

    /// The text, coloured or not. Whatever a span holds (a token's claims, a Drive file name,
    /// a server's words), control characters are escaped: only the styles added here reach the
    /// terminal as escape sequences.
    pub fn render(&self, color: bool) -> String {
        use std::fmt::Write;
        let mut out = String::with_capacity(self.spans.iter().map(|(_, t)| t.len()).sum());
        for (tone, text) in &self.spans {
            let text = crate::redact::lines_escaped(text);
            if color && *tone != Tone::Plain {
                let style = tone.style();
                let _ = write!(out, "{style}{text}{style:#}");
            } else {
                out.push_str(&text);
            }
        }
        out
    }
}

impl From<String> for Styled {
    fn from(text: String) -> Styled {
        Styled::plain(text)
    }
}

impl From<&str> for Styled {
    fn from(text: &str) -> Styled {
        Styled::plain(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_when_asked() {
        let s = Styled::plain("[2] ")
            .with(Tone::Invalid, "INVALID")
            .with(Tone::Plain, " ID token");
        assert_eq!(s.render(false), "[2] INVALID ID token");
        let coloured = s.render(true);
        assert!(coloured.starts_with("[2] \x1b["), "{coloured:?}");
        assert!(coloured.contains("INVALID\x1b[0m ID token"), "{coloured:?}");
    }

    #[test]
    fn x4_a_spans_text_cannot_drive_the_terminal() {
        let s = Styled::plain("name: Mallory\u{1b}[2J\nnext line\n");
        assert_eq!(s.render(true), "name: Mallory\\u{1b}[2J\nnext line\n");
    }
}
