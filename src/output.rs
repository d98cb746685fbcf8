//! What commands hand back, and how it is shown: human text or one JSON document on stdout,
//! errors as one line on stderr (and a JSON error object on stdout under `--json`).

use crate::error::Error;
use serde_json::{Value, json};
use std::io::Write;

/// What a command produced.
pub enum Data {
    /// Text for people and the same facts as JSON for scripts.
    Report {
        human: String,
        json: Value,
    },
    /// Text for people, one JSON document per record (JSON Lines) for scripts.
    Records {
        human: String,
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
    pub fn report(human: String, json: Value) -> Outcome {
        Outcome {
            data: Data::Report { human, json },
            failure: None,
        }
    }

    pub fn with_failure(mut self, failure: Option<Error>) -> Outcome {
        self.failure = failure;
        self
    }
}

/// Writes an outcome and returns the exit code.
pub fn render(outcome: Outcome, json_mode: bool, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let wrote = match outcome.data {
        Data::Report { human, json } => {
            let _ = if json_mode {
                writeln!(out, "{json}")
            } else {
                write!(out, "{human}")
            };
            true
        }
        Data::Records { human, records } => {
            if json_mode {
                for r in records {
                    let _ = writeln!(out, "{r}");
                }
            } else {
                let _ = write!(out, "{human}");
            }
            true
        }
        Data::Raw(raw) => {
            let _ = writeln!(out, "{raw}");
            true
        }
        Data::Streamed => true,
        Data::None => false,
    };
    let _ = out.flush();
    match outcome.failure {
        None => 0,
        // The data already carries the failure for scripts: only people get the line.
        Some(e) if wrote => {
            let _ = writeln!(err, "{}", error_line(&e));
            e.exit_code()
        }
        Some(e) => render_error(&e, json_mode, out, err),
    }
}

pub fn render_error(e: &Error, json_mode: bool, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    if json_mode {
        let _ = writeln!(out, "{}", error_json(e));
        let _ = out.flush();
    }
    let _ = writeln!(err, "{}", error_line(e));
    e.exit_code()
}

/// The one line a person reads: what happened, then what to do.
pub fn error_line(e: &Error) -> String {
    let hint = e.hint();
    if hint.is_empty() {
        format!("gsignin: error: {e}")
    } else {
        format!("gsignin: error: {e}; hint: {hint}")
    }
}

pub fn error_json(e: &Error) -> Value {
    json!({"error": {"code": e.code(), "message": e.to_string(), "hint": e.hint()}})
}

/// `key: value` lines with the values aligned.
pub fn aligned(rows: &[(&str, String)]) -> String {
    let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0) + 1;
    rows.iter()
        .map(|(k, v)| format!("  {:<width$} {v}\n", format!("{k}:")))
        .collect()
}
