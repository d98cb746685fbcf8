//! A verdict as people read it (checks, then claims with their dates) and as scripts read it.

use crate::error::{Code, Error};
use crate::google::id_token::{self, Status, Verdict};
use crate::output::{Data, Outcome};
use crate::redact::{controls_escaped, escape_controls};
use crate::style::{Styled, Tone};
use crate::timefmt::dated;
use serde_json::{Map, Value, json};

pub(super) fn unverified(token: &[u8], now: i64) -> Outcome {
    let (text, valid) = render_unverified(token, now, false);
    let record = unverified_json(token);
    Outcome {
        data: Data::Records {
            human: text,
            records: vec![record],
        },
        failure: (!valid).then(|| {
            Error::new(
                Code::TokenMalformed,
                "cannot decode the token",
                "paste the whole token: three base64url parts joined by dots",
            )
        }),
    }
}

fn unverified_json(token: &[u8]) -> Value {
    match id_token::decode(token) {
        Ok(d) => {
            json!({"valid": Value::Null, "verified": false, "header": d.header, "claims": d.claims, "error": Value::Null})
        }
        Err(reason) => {
            json!({"valid": false, "verified": false, "header": null, "claims": null, "error": {"code": "token_malformed", "message": reason}})
        }
    }
}

/// `--no-verify`: decoded, said to be unverified; only an undecodable token counts as bad.
pub(super) fn render_unverified(token: &[u8], now: i64, json: bool) -> (Styled, bool) {
    let decoded = id_token::decode(token);
    let ok = decoded.is_ok();
    let text = if json {
        Styled::plain(format!("{}\n", unverified_json(token)))
    } else {
        match decoded {
            Ok(d) => Styled::new().with(Tone::Caution, "UNVERIFIED").with(
                Tone::Plain,
                format!(
                    ": decoded only, nothing was checked\n{}",
                    claims_block(&d.header, &d.claims, now)
                ),
            ),
            Err(reason) => Styled::new()
                .with(Tone::Caution, "UNVERIFIED")
                .with(Tone::Plain, format!(" and undecodable: {reason}\n")),
        }
    };
    (text, ok)
}

pub fn verdict_json(v: &Verdict) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

pub fn human_verdict(v: &Verdict, now: i64) -> Styled {
    let who = v.who();
    let mut out = if v.valid() {
        Styled::new()
            .with(Tone::Valid, "VALID")
            .with(Tone::Plain, format!(" ID token for {who}\n"))
    } else {
        let failed = v.failures().count();
        Styled::new().with(Tone::Invalid, "INVALID").with(
            Tone::Plain,
            format!(
                " ID token{}: {failed} check{} failed\n",
                if v.claims.is_some() {
                    format!(" for {who}")
                } else {
                    String::new()
                },
                if failed == 1 { "" } else { "s" }
            ),
        )
    };
    out.push(Tone::Plain, "checks:\n");
    for (name, c) in &v.checks {
        let (tone, mark) = match c.status {
            Status::Pass => (Tone::Pass, "pass"),
            Status::Fail => (Tone::Invalid, "FAIL"),
            Status::Skipped => (Tone::Plain, "skip"),
        };
        out.push(Tone::Plain, "  ");
        out.push(tone, mark);
        out.push(
            Tone::Plain,
            format!(
                "{}  {name:<14} {}\n",
                " ".repeat(4 - mark.len()),
                controls_escaped(&c.detail)
            ),
        );
    }
    if let (Some(h), Some(c)) = (&v.header, &v.claims) {
        out.push(Tone::Plain, claims_block(h, c, now));
    }
    out
}

fn claims_block(header: &Map<String, Value>, claims: &Map<String, Value>, now: i64) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(64 * (header.len() + claims.len()));
    out.push_str("header:\n");
    for (k, val) in header {
        let _ = writeln!(out, "  {k:<15} {}", plain(val));
    }
    out.push_str("claims:\n");
    for (k, val) in claims {
        let _ = write!(out, "  {k:<15} ");
        match val.as_i64() {
            Some(t) if matches!(k.as_str(), "exp" | "iat" | "nbf" | "auth_time") => {
                let _ = match dated(t, now) {
                    Some((date, rel)) => writeln!(out, "{t} ({date}, {rel})"),
                    None => writeln!(out, "{t} (out of range)"),
                };
            }
            _ => {
                out.push_str(&plain(val));
                out.push('\n');
            }
        }
    }
    out
}

/// A claim's value as one line of text: a token's claims are the issuer's (or anyone's)
/// words, so a line break in one cannot forge a line of the report (rendering escapes the
/// other control characters anyway).
fn plain(v: &Value) -> std::borrow::Cow<'_, str> {
    match v {
        Value::String(s) => controls_escaped(s),
        other => escape_controls(&other.to_string()).into(),
    }
}
