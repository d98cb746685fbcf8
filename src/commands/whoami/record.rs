//! A verdict as scripts read it, the contract's JSON: `{"valid", "checks": {name: {status,
//! detail}}, "header", "claims", "error"}`. The verifier hands back checks and reasons; the
//! `error` object and its codes are gsignin's, as every gsignin error is.

use crate::google::id_token::{Check, Status, Verdict};
use serde::Serialize;
use serde::ser::SerializeMap;

/// Serialized straight from the verdict, with no `Value` built on the way: a batch writes
/// 100 000 of these.
pub struct Record<'v>(pub &'v Verdict);

impl Serialize for Record<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let v = self.0;
        let mut map = serializer.serialize_map(Some(5))?;
        map.serialize_entry("valid", &v.valid())?;
        map.serialize_entry("checks", &Checks(&v.checks))?;
        map.serialize_entry("header", &v.header)?;
        map.serialize_entry("claims", &v.claims)?;
        map.serialize_entry("error", &failure(v))?;
        map.end()
    }
}

struct Checks<'a>(&'a [(&'static str, Check)]);

impl Serialize for Checks<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(n, c)| (*n, c)))
    }
}

#[derive(Serialize)]
struct Failure {
    code: &'static str,
    message: String,
}

/// None for a valid verdict; else `token_malformed` when the token could not even be decoded,
/// `token_invalid` otherwise, the message naming each failed check with its reason.
fn failure(v: &Verdict) -> Option<Failure> {
    let failed: Vec<String> = v
        .failures()
        .map(|(n, c)| format!("{n}: {}", c.detail))
        .collect();
    if failed.is_empty() {
        return None;
    }
    let malformed = v
        .checks
        .iter()
        .any(|(n, c)| *n == "format" && c.status == Status::Fail);
    Some(Failure {
        code: if malformed {
            "token_malformed"
        } else {
            "token_invalid"
        },
        message: failed.join("; "),
    })
}
