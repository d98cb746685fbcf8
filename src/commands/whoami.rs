//! `gsignin whoami`: verify ID tokens (pasted, piped, or the profile's) and show every check
//! with its reason, then the claims.

use crate::cli::WhoamiArgs;
use crate::config::client_secret::ClientSecret;
use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::google::endpoints::Endpoints;
use crate::google::id_token::{self, DEFAULT_LEEWAY, Expectations, Status, Verdict};
use crate::google::jwks::{self, KeySource};
use crate::output::{Data, Outcome};
use crate::store::{self, Store};
use crate::timefmt::{relative, rfc3339};
use serde_json::{Map, Value, json};
use std::io::BufRead;

pub fn run(ctx: &Ctx, args: WhoamiArgs) -> Result<Outcome> {
    let now = match &args.now {
        Some(s) => crate::timefmt::parse_rfc3339(s).ok_or_else(|| {
            Error::usage(
                format!("--now `{s}` is not an RFC 3339 instant"),
                "write it like 2026-11-25T06:00:00Z",
            )
        })?,
        None => ctx.clock.now(),
    };
    let tokens = collect_tokens(ctx, args.token.as_deref())?;
    if args.no_verify {
        return Ok(unverified(&tokens, now));
    }
    let audience = match &args.audience {
        Some(a) => Some(a.clone()),
        None => default_audience(ctx)?,
    };
    let (mut keys, issuers) = match &args.jwks {
        Some(path) => {
            let bytes = std::fs::read(path).map_err(|e| {
                Error::usage(
                    format!("cannot read the JWKS file {}: {e}", path.display()),
                    "save the issuer's keys with `curl -o jwks.json https://www.googleapis.com/oauth2/v3/certs`",
                )
            })?;
            let keys = jwks::parse(&bytes).map_err(|e| {
                Error::usage(
                    format!("{}: {e}", path.display()),
                    "pass a JWKS document ({\"keys\": [...]})",
                )
            })?;
            (
                KeySource::fixed(keys),
                offline_issuers(&ctx.settings.issuer),
            )
        }
        // Tokens that are not even JWTs are judged without asking the issuer for anything.
        None if tokens
            .iter()
            .all(|t| id_token::decode(t.as_bytes()).is_err()) =>
        {
            (
                KeySource::fixed(Default::default()),
                offline_issuers(&ctx.settings.issuer),
            )
        }
        None => {
            let endpoints = Endpoints::resolve(&ctx.http, &ctx.settings.issuer)?;
            (
                KeySource::fetched(&ctx.http, &endpoints.jwks)?,
                endpoints.issuers,
            )
        }
    };
    let expect = Expectations {
        issuers,
        audience,
        leeway: DEFAULT_LEEWAY,
        hd: None,
    };
    let verdicts: Vec<Verdict> = tokens
        .iter()
        .map(|t| keys.verify(t.as_bytes(), &expect, now))
        .collect();
    let rejected = verdicts.iter().filter(|v| !v.valid()).count();
    let human = verdicts
        .iter()
        .map(|v| human_verdict(v, now))
        .collect::<Vec<_>>()
        .join("\n");
    let records = verdicts.iter().map(verdict_json).collect();
    let failure = (rejected > 0).then(|| Error::TokenRejected {
        code: "token_invalid",
        message: if verdicts.len() == 1 {
            "the token was rejected".to_string()
        } else {
            format!("{rejected} of {} tokens were rejected", verdicts.len())
        },
        hint: "the failed checks above say why; --json gives every check per token".into(),
    });
    Ok(Outcome {
        data: Data::Records { human, records },
        failure,
    })
}

/// Without a network, Google's tokens may carry either issuer spelling; any other issuer is
/// taken as written.
fn offline_issuers(issuer: &str) -> Vec<String> {
    if Endpoints::is_google(issuer) {
        Endpoints::google().issuers
    } else {
        vec![issuer.to_string()]
    }
}

/// The client secret's client_id, when a client secret is known. A file named explicitly must
/// be readable; the default one may be absent (the audience check is then reported skipped).
fn default_audience(ctx: &Ctx) -> Result<Option<String>> {
    let default = ctx.dirs.default_client_secret();
    match &ctx.settings.client_secret {
        Some(path) => Ok(Some(ClientSecret::load(Some(path), &default)?.client_id)),
        None if default.exists() => Ok(Some(ClientSecret::load(None, &default)?.client_id)),
        None => Ok(None),
    }
}

fn collect_tokens(ctx: &Ctx, arg: Option<&str>) -> Result<Vec<String>> {
    match arg {
        Some("-") => {
            let mut tokens = Vec::new();
            let mut stdin = ctx.io.stdin.borrow_mut();
            for line in (&mut *stdin).lines() {
                let line = line.map_err(|e| {
                    Error::usage(
                        format!("cannot read tokens from stdin: {e}"),
                        "pipe one token per line, as text",
                    )
                })?;
                if !line.trim().is_empty() {
                    tokens.push(line);
                }
            }
            if tokens.is_empty() {
                return Err(Error::usage(
                    "stdin held no token",
                    "pipe one ID token per line, e.g. `gsignin whoami - < tokens.txt`",
                ));
            }
            Ok(tokens)
        }
        Some(token) => Ok(vec![token.to_string()]),
        None => {
            let name = &ctx.settings.profile;
            store::validate_profile(name)?;
            let store = Store::open(ctx.settings.store, &ctx.dirs);
            if store.load_profile(name)?.is_none() {
                return Err(Error::NotSignedIn {
                    profile: name.clone(),
                });
            }
            let tokens = store.load_tokens(name)?.ok_or_else(|| Error::NotSignedIn {
                profile: name.clone(),
            })?;
            let id = tokens.id_token.ok_or_else(|| {
                Error::other(
                    format!("profile `{name}` holds no ID token"),
                    "the sign-in had no openid scope; request openid (or email/profile) in the app",
                )
            })?;
            Ok(vec![id.expose().to_string()])
        }
    }
}

fn unverified(tokens: &[String], now: i64) -> Outcome {
    let mut human = Vec::new();
    let mut lines = Vec::new();
    let mut failure = None;
    for t in tokens {
        match id_token::decode(t.as_bytes()) {
            Ok(d) => {
                human.push(format!(
                    "UNVERIFIED: decoded only, nothing was checked\n{}",
                    claims_block(&d.header, &d.claims, now)
                ));
                lines.push(json!({"valid": Value::Null, "verified": false, "header": d.header, "claims": d.claims, "error": Value::Null}));
            }
            Err(reason) => {
                human.push(format!("UNVERIFIED and undecodable: {reason}\n"));
                lines.push(json!({"valid": false, "verified": false, "header": null, "claims": null, "error": reason}));
                failure = Some(Error::TokenRejected {
                    code: "token_malformed",
                    message: format!("cannot decode the token: {reason}"),
                    hint: "paste the whole token: three base64url parts joined by dots".into(),
                });
            }
        }
    }
    Outcome {
        data: Data::Records {
            human: human.join("\n"),
            records: lines,
        },
        failure,
    }
}

pub fn verdict_json(v: &Verdict) -> Value {
    let checks: Map<String, Value> = v
        .checks
        .iter()
        .map(|(name, c)| ((*name).to_string(), json!(c)))
        .collect();
    let error = v
        .failures()
        .map(|(n, c)| format!("{n}: {}", c.detail))
        .collect::<Vec<_>>();
    json!({
        "valid": v.valid(),
        "checks": checks,
        "header": v.header,
        "claims": v.claims,
        "error": if error.is_empty() { Value::Null } else { json!(error.join("; ")) },
    })
}

pub fn human_verdict(v: &Verdict, now: i64) -> String {
    let who = v
        .claim_str("email")
        .or_else(|| v.claim_str("sub"))
        .unwrap_or("unknown subject");
    let mut out = if v.valid() {
        format!("VALID ID token for {who}\n")
    } else {
        let failed = v.failures().count();
        format!(
            "INVALID ID token{}: {failed} check{} failed\n",
            if v.claims.is_some() {
                format!(" for {who}")
            } else {
                String::new()
            },
            if failed == 1 { "" } else { "s" }
        )
    };
    out.push_str("checks:\n");
    for (name, c) in &v.checks {
        let mark = match c.status {
            Status::Pass => "pass",
            Status::Fail => "FAIL",
            Status::Skipped => "skip",
        };
        out.push_str(&format!("  {mark:<4}  {name:<9} {}\n", c.detail));
    }
    if let (Some(h), Some(c)) = (&v.header, &v.claims) {
        out.push_str(&claims_block(h, c, now));
    }
    out
}

fn claims_block(header: &Map<String, Value>, claims: &Map<String, Value>, now: i64) -> String {
    let mut out = String::from("header:\n");
    for (k, val) in header {
        out.push_str(&format!("  {k:<15} {}\n", plain(val)));
    }
    out.push_str("claims:\n");
    for (k, val) in claims {
        let mut shown = plain(val);
        if matches!(k.as_str(), "exp" | "iat" | "nbf" | "auth_time")
            && let Some(t) = val.as_i64()
        {
            shown = format!("{t} ({}, {})", rfc3339(t), relative(t, now));
        }
        out.push_str(&format!("  {k:<15} {shown}\n"));
    }
    out
}

fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
