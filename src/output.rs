//! What commands hand back, and how it is shown: human text or one JSON document on stdout,
//! errors as one line on stderr (and a JSON error object on stdout under `--json`).

use crate::error::Error;
pub use crate::io::Colors;
use crate::style::{Styled, Tone};
use serde_json::{Value, json};
use std::io::Write;

/// What a command produced.
pub enum Data {
    /// Text for people and the same facts as JSON for scripts.
    Report {
        human: Styled,
        json: Value,
    },
    /// Text for people, one JSON document per record (JSON Lines) for scripts.
    Records {
        human: Styled,
        records: Vec<Value>,
    },
    /// Already written to stdout as it was produced (a batch).
    Streamed,
    /// A raw value (a token) alone on stdout, for `$(...)`.
    Raw(String),
    None,
}

/// A command's result: its data, and whether the run still counts as failed (a rejected
/// token is reported in full and then exits 3).
pub struct Outcome {
    pub data: Data,
    pub failure: Option<Error>,
}

impl Outcome {
    pub fn report(human: impl Into<Styled>, json: Value) -> Outcome {
        Outcome {
            data: Data::Report {
                human: human.into(),
                json,
            },
            failure: None,
        }
    }

    pub fn with_failure(mut self, failure: Option<Error>) -> Outcome {
        self.failure = failure;
        self
    }
}

/// `gsignin: error:` in red and `warning:` in yellow, for stderr.
pub fn diagnostic_line(line: &str) -> Styled {
    for (prefix, tone) in [
        ("gsignin: error:", Tone::Invalid),
        ("warning:", Tone::Caution),
    ] {
        if let Some(rest) = line.strip_prefix(prefix) {
            return Styled::new().with(tone, prefix).with(Tone::Plain, rest);
        }
    }
    Styled::plain(line)
}

/// Writes an outcome and returns the exit code.
pub fn render(outcome: Outcome, json_mode: bool, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    render_with(outcome, json_mode, Colors::NONE, out, err)
}

pub fn render_with(
    outcome: Outcome,
    json_mode: bool,
    colors: Colors,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let human = |text: &Styled| text.render(colors.stdout);
    let (wrote, written) = match outcome.data {
        Data::Report {
            human: human_text,
            mut json,
        } => (
            true,
            if json_mode {
                // A report that still fails (a grant short of --require-scope) says so in the
                // one document scripts read, as the contract's error object.
                if let (Some(e), Some(map)) = (&outcome.failure, json.as_object_mut()) {
                    map.entry("error")
                        .or_insert_with(|| error_json(e)["error"].clone());
                }
                writeln!(out, "{json}")
            } else {
                write!(out, "{}", human(&human_text))
            },
        ),
        Data::Records {
            human: human_text,
            records,
        } => (
            true,
            if json_mode {
                records.iter().try_for_each(|r| writeln!(out, "{r}"))
            } else {
                write!(out, "{}", human(&human_text))
            },
        ),
        Data::Raw(raw) => (true, writeln!(out, "{raw}")),
        Data::Streamed => (true, Ok(())),
        Data::None => (false, Ok(())),
    };
    let written = written.and_then(|()| out.flush());
    if let Err(e) = written
        && let Some(failed) = write_failure(&e)
    {
        return render_error_with(&failed, false, colors, &mut std::io::sink(), err);
    }
    match outcome.failure {
        None => 0,
        // The data already carries the failure for scripts: only people get the line.
        Some(e) if wrote => {
            let _ = writeln!(err, "{}", diagnostic(&error_line(&e), colors));
            e.exit_code()
        }
        Some(e) => render_error_with(&e, json_mode, colors, out, err),
    }
}

/// A failed write to stdout is a failure (a full disk must not pass for success), except a
/// reader that went away (`| head`): that is its choice, and the run stays quiet, as ripgrep's.
pub fn write_failure(e: &std::io::Error) -> Option<Error> {
    (e.kind() != std::io::ErrorKind::BrokenPipe).then(|| {
        Error::other(
            format!("cannot write the output: {e}"),
            "check where stdout goes (a full disk, a closed file)",
        )
    })
}

fn diagnostic(line: &str, colors: Colors) -> String {
    diagnostic_line(line).render(colors.stderr)
}

pub fn render_error(e: &Error, json_mode: bool, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    render_error_with(e, json_mode, Colors::NONE, out, err)
}

pub fn render_error_with(
    e: &Error,
    json_mode: bool,
    colors: Colors,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    if json_mode {
        let _ = writeln!(out, "{}", error_json(e));
        let _ = out.flush();
    }
    let _ = writeln!(err, "{}", diagnostic(&error_line(e), colors));
    e.exit_code()
}

/// The one line a person reads: what happened, then what to do.
fn error_line(e: &Error) -> String {
    let hint = e.hint();
    if hint.is_empty() {
        format!("gsignin: error: {e}")
    } else {
        format!("gsignin: error: {e}; hint: {hint}")
    }
}

pub fn error_json(e: &Error) -> Value {
    json!({"error": {"code": e.code().as_str(), "message": e.to_string(), "hint": e.hint()}})
}

/// The raw tokens a user asked for with --show-tokens / --show-refresh-token: rows for people
/// and the `"tokens"` object for JSON. The only place a report exposes a secret.
pub fn shown_tokens(
    access: Option<&crate::secret::Secret>,
    id: Option<&crate::secret::Secret>,
    refresh: Option<&crate::secret::Secret>,
) -> (Vec<(&'static str, String)>, serde_json::Map<String, Value>) {
    let mut rows = Vec::new();
    let mut map = serde_json::Map::new();
    for (name, token) in [
        ("access_token", access),
        ("id_token", id),
        ("refresh_token", refresh),
    ] {
        if let Some(t) = token {
            rows.push((name, t.expose().to_string()));
            map.insert(name.into(), json!(t.expose()));
        }
    }
    (rows, map)
}

/// `key: value` lines with the values aligned.
pub fn aligned(rows: &[(&str, String)]) -> String {
    let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0) + 1;
    // A value is one line: one carrying a line break (an email claim is anyone's words)
    // cannot add a row of its own.
    rows.iter()
        .map(|(k, v)| {
            format!(
                "  {:<width$} {}\n",
                format!("{k}:"),
                crate::redact::controls_escaped(v)
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_follows_the_flag_then_no_color_then_the_terminal() {
        use crate::io::ColorChoice::*;
        assert_eq!(
            Colors::decide(Auto, false, true, false),
            Colors {
                stdout: true,
                stderr: false
            }
        );
        assert_eq!(Colors::decide(Auto, true, true, true), Colors::NONE);
        assert_eq!(
            Colors::decide(Always, true, false, false),
            Colors {
                stdout: true,
                stderr: true
            }
        );
        assert_eq!(Colors::decide(Never, false, true, true), Colors::NONE);
    }

    #[test]
    fn diagnostics_colour_their_prefix_only() {
        let warn = diagnostic_line("warning: x").render(true);
        assert!(
            warn.starts_with("\x1b[") && warn.ends_with("warning:\x1b[0m x"),
            "{warn:?}"
        );
        assert_eq!(diagnostic_line("warning: x").render(false), "warning: x");
        assert_eq!(diagnostic_line("plain").render(true), "plain");
    }
}
