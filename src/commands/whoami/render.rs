//! A verdict as people read it (checks, then claims with their dates) and as scripts read it.

use super::record::Record;
use crate::error::{Code, Error};
use crate::google::id_token::{self, Expectations, Verdict};
use crate::output::{Data, Outcome};
use crate::redact::{controls_escaped, escape_controls};
use crate::style::{Styled, Tone};
use crate::timefmt::dated;
use gsignin_verify::check::{Check, Status};
use gsignin_verify::keys::KeySet;
use gsignin_verify::kind::Kind;
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
            let kind = Kind::of(&d.header, &d.claims).id();
            json!({"valid": Value::Null, "verified": false, "kind": kind, "header": d.header, "claims": d.claims, "error": Value::Null})
        }
        Err(reason) => {
            json!({"valid": false, "verified": false, "header": null, "claims": null, "error": {"code": "token_malformed", "message": reason.to_string()}})
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
    serde_json::to_value(Record(v)).unwrap_or(Value::Null)
}

pub fn human_verdict(v: &Verdict, now: i64) -> Styled {
    let who = subject(v);
    let mut out = if v.valid() {
        // A token for any other app reads the same when no audience was known.
        let unchecked = v
            .checks
            .iter()
            .any(|(name, c)| *name == "aud" && c.status == Status::Skipped);
        Styled::new().with(Tone::Valid, "VALID").with(
            Tone::Plain,
            format!(
                " {} for {who}{}\n",
                v.kind.words(),
                if unchecked {
                    ", audience not checked"
                } else {
                    ""
                }
            ),
        )
    } else {
        let failed = v.failures().count();
        Styled::new().with(Tone::Invalid, "INVALID").with(
            Tone::Plain,
            format!(
                " {}{}: {failed} check{} failed\n",
                v.kind.words(),
                if v.claims.is_some() {
                    format!(" for {who}")
                } else {
                    String::new()
                },
                if failed == 1 { "" } else { "s" }
            ),
        )
    };
    out.append(checks_and_claims(v, now));
    out
}

/// Whom (or what) the token speaks for, as its kind names it, on one line: a claim is anyone's
/// words, so its control characters are escaped (a line break cannot forge a headline).
fn subject(v: &Verdict) -> String {
    let claim = |name| v.claim_str(name).map(|s| controls_escaped(s).into_owned());
    let service_account = |email: &str| email.ends_with(".gserviceaccount.com");
    match &v.kind {
        Kind::FirebaseIdToken { project }
        | Kind::FirebaseSessionCookie { project }
        | Kind::FirebaseEmulatorToken { project } => {
            let mut who = v.who();
            if let Some(email) = claim("email").filter(|_| v.email_verified()) {
                who = format!("{email} (uid {})", claim("sub").unwrap_or_default());
            } else if let Some(uid) = claim("sub") {
                who = format!("uid {uid}");
            }
            let provider = v
                .claims
                .as_ref()
                .and_then(|c| c.get("firebase")?.get("sign_in_provider")?.as_str())
                .map(|p| format!(", signed in with {}", controls_escaped(p)))
                .unwrap_or_default();
            format!("{who} of project {}{provider}", controls_escaped(project))
        }
        // IAP vouches for the email it asserts: it is the account IAP let through.
        Kind::IapJwt => match (claim("email"), claim("sub")) {
            (Some(email), Some(sub)) => format!("{email} ({sub})"),
            _ => v.who(),
        },
        Kind::ServiceAccountJwt { account } => {
            let mut who = format!("service account {account}");
            if let Some(sub) = claim("sub").filter(|s| s != account) {
                who.push_str(&format!(" acting for {sub}"));
            }
            if let Some(aud) = claim("aud") {
                who.push_str(&format!(", made for {aud}"));
            }
            who
        }
        Kind::GoogleIdToken
            if claim("email").is_some_and(|e| service_account(&e)) && v.email_verified() =>
        {
            format!("service account {}", claim("email").unwrap_or_default())
        }
        _ => v.who(),
    }
}

/// The checks, one per line with its reason, then the header and claims.
fn checks_and_claims(v: &Verdict, now: i64) -> Styled {
    let mut out = Styled::plain("checks:\n");
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

/// The hint of the error that says the issuer's keys could not be fetched.
pub(super) const UNREACHABLE_HINT: &str =
    "verify against keys saved earlier with --jwks FILE|URL, or decode only with --no-verify";

/// The issuer's keys could not be fetched (`error`, a network failure): the token is still
/// decoded and every check that needs no key is made, but it is labelled UNVERIFIED and is
/// never valid; the error (exit 5) names the ways to verify offline.
pub(super) fn keys_unreachable(
    token: &[u8],
    expect: &Expectations,
    error: Error,
    now: i64,
    json: bool,
) -> Outcome {
    let error = error.with_hint(UNREACHABLE_HINT);
    let v = unreachable_verdict(token, expect, &error.to_string(), now);
    // A check that needs no key failed: the token is rejected whatever the keys would say.
    if !v.valid() {
        return Outcome {
            data: one_record(json, || human_verdict(&v, now), || verdict_json(&v)),
            failure: Some(super::rejected(1, 1)),
        };
    }
    Outcome {
        data: one_record(
            json,
            || human_unreachable(&v, now),
            || unreachable_json(&v, &error),
        ),
        failure: Some(error),
    }
}

/// One answer, in the form this run prints only (the other would cost as much again).
pub(super) fn one_record(
    json: bool,
    human: impl FnOnce() -> Styled,
    record: impl FnOnce() -> Value,
) -> Data {
    Data::Records {
        human: if json { Styled::new() } else { human() },
        records: if json { vec![record()] } else { Vec::new() },
    }
}

/// Every check that needs no key; the signature's is skipped, saying why (`reason`).
pub(super) fn unreachable_verdict(
    token: &[u8],
    expect: &Expectations,
    reason: &str,
    now: i64,
) -> Verdict {
    let mut v = id_token::verify(token, &KeySet::default(), expect, now);
    let alg_refused = v
        .checks
        .iter()
        .any(|(name, c)| *name == "alg" && c.status == Status::Fail);
    // A kind with keys of its own fails a token naming no key whatever the keys hold.
    let kidless = expect.kind.as_ref().is_some_and(Kind::own_rules)
        && !v
            .header
            .as_ref()
            .is_some_and(|h| h.get("kid").is_some_and(serde_json::Value::is_string));
    for (name, check) in &mut v.checks {
        if *name == "signature" && !alg_refused && !kidless {
            *check = Check {
                status: Status::Skipped,
                detail: format!("not checked: the keys are unreachable ({reason})").into(),
            };
        }
    }
    v
}

/// The contract's JSON for such a token: never valid, the error said.
pub(super) fn unreachable_json(v: &Verdict, error: &Error) -> Value {
    let mut record = verdict_json(v);
    record["valid"] = false.into();
    record["error"] = json!({
        "code": error.code().as_str(),
        "message": error.to_string(),
        "hint": error.hint(),
    });
    record
}

pub(super) fn human_unreachable(v: &Verdict, now: i64) -> Styled {
    let mut out = Styled::new()
        .with(Tone::Caution, "UNVERIFIED")
        .with(Tone::Plain, " (keys unreachable)");
    if v.claims.is_some() {
        out.push(
            Tone::Plain,
            format!(" {} for {}", v.kind.words(), subject(v)),
        );
    }
    out.push(Tone::Plain, ": the signature was not checked\n");
    out.append(checks_and_claims(v, now));
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
