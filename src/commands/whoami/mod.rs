//! `gsignin whoami`: verify ID tokens (pasted, piped, or the profile's) and show every check
//! with its reason, then the claims. The batch engine (`-`) is in batch.rs, the text of a
//! verdict in render.rs, its JSON in record.rs.

use crate::cli::WhoamiArgs;
use crate::context::Ctx;
use crate::error::{Code, Error, Result};
use crate::google::endpoints::Endpoints;
use crate::google::id_token::{self, Expectations};
use crate::google::jwks::KeySource;
use crate::output::Outcome;
use crate::secret::Secret;
use crate::session::{Session, TokenKind};
use gsignin_verify::kind::Kind;

mod access;
mod batch;
mod kinds;
mod pasted;
mod record;
mod render;

use pasted::Wanted;
use render::unverified;
pub use render::{human_verdict, verdict_json};

pub fn run(ctx: &Ctx, args: WhoamiArgs) -> Result<Outcome> {
    let now = match &args.now {
        Some(s) => crate::timefmt::parse_rfc3339(s).ok_or_else(|| {
            Error::usage(
                format!("--now `{s}` is not an RFC 3339 instant"),
                "write it like 2026-11-25T06:00:00Z",
            )
        })?,
        None => ctx.clock().now(),
    };
    let stdin = args.token.as_deref() == Some(std::ffi::OsStr::new("-"));
    // The token as pasted (`Bearer …`, a token endpoint's JSON, a redirect URL): bare from here.
    let pasted = |wanted| match &args.token {
        Some(t) if !stdin => Some(pasted::token(t.as_encoded_bytes(), wanted).into_owned()),
        _ => None,
    };
    if args.access_token {
        let given = match &pasted(Wanted::AccessToken) {
            None if stdin => Some(access_token_from_stdin(ctx)?),
            None => None,
            Some(t) if t.trim_ascii().is_empty() => {
                return Err(Error::usage(
                    "the access token given is empty",
                    "give the token, `-` for stdin, or nothing for the profile's",
                ));
            }
            Some(t) => Some(Secret::new(String::from_utf8_lossy(t).trim())),
        };
        return access::run(ctx, given);
    }
    let given = pasted(Wanted::IdToken);
    if stdin && stdin_holds_an_access_token(ctx) {
        // `gsignin token | gsignin whoami -`: one access token, inspected as what it is.
        return access::run(ctx, Some(access_token_from_stdin(ctx)?));
    }
    if stdin {
        return batch::batch(ctx, &args, now);
    }
    // A Google access token pasted where an ID token belongs: inspected as what it is.
    if let Some(t) = &given
        && access::looks_like_access_token(t)
    {
        return access::run(ctx, Some(Secret::new(String::from_utf8_lossy(t).trim())));
    }
    let (token, bound): (Vec<u8>, Option<Bound>) = match given {
        Some(token) => (token, None),
        None => {
            let (token, bound) = profile_id_token(ctx)?;
            (token.into_bytes(), Some(bound))
        }
    };
    if args.no_verify {
        return Ok(unverified(&token, now));
    }
    // A token that is not even a JWT is judged without asking the issuer for anything.
    let offline = !id_token::decodes(&token);
    // A stored sign-in's token is its issuer's; a pasted one is judged by its own kind.
    let kind = match bound {
        Some(_) => Kind::GoogleIdToken,
        None => id_token::decode(&token).map_or(Kind::Other, |d| Kind::of(&d.header, &d.claims)),
    };
    let (keys, expect) = verification(ctx, &args, offline, bound, &kind)?;
    let json = ctx.settings().json;
    let verdict = match keys.and_then(|mut keys| keys.verify(&token, &expect, now)) {
        Ok(verdict) => verdict,
        Err(e) if keys_unreachable(&e) => {
            return Ok(render::keys_unreachable(&token, &expect, e, now, json));
        }
        Err(e) => return Err(e),
    };
    let failure = (!verdict.valid()).then(|| rejected(1, 1));
    Ok(Outcome {
        data: render::one_record(
            json,
            || human_verdict(&verdict, now),
            || verdict_json(&verdict),
        ),
        failure,
    })
}

/// Whether stdin starts with a Google access token (`ya29.`) and, as far as it has arrived,
/// holds nothing else, without consuming it. More lines after it make a batch, each line
/// judged on its own (the first line must not decide for the rest).
fn stdin_holds_an_access_token(ctx: &Ctx) -> bool {
    use std::io::BufRead;
    let mut stdin = ctx.io().stdin.borrow_mut();
    stdin.fill_buf().is_ok_and(|b| {
        let start = b
            .iter()
            .position(|c| !c.is_ascii_whitespace())
            .unwrap_or(b.len());
        let rest = &b[start..];
        let end = rest.iter().position(|c| *c == b'\n').unwrap_or(rest.len());
        // As an ID token would be unwrapped: a pasted answer's ID token is what plain
        // `whoami` judges, and `Bearer ya29.…` is an access token either way.
        let first = pasted::token(&rest[..end], Wanted::IdToken);
        access::looks_like_access_token(first.trim_ascii())
            && !first.trim_ascii().iter().any(u8::is_ascii_whitespace)
            && rest[end..].iter().all(u8::is_ascii_whitespace)
    })
}

/// The one access token on stdin (access tokens are inspected one per run).
fn access_token_from_stdin(ctx: &Ctx) -> Result<Secret> {
    use std::io::Read;
    const MAX: u64 = 64 << 10;
    let hint = "pipe the token alone, e.g. `gsignin token | gsignin whoami --access-token -`";
    let mut text = String::new();
    ctx.io()
        .stdin
        .borrow_mut()
        .by_ref()
        .take(MAX + 1)
        .read_to_string(&mut text)
        .map_err(|e| {
            Error::usage(
                format!("cannot read the access token from stdin: {e}"),
                hint,
            )
        })?;
    if text.len() as u64 > MAX {
        return Err(Error::usage(
            format!(
                "stdin holds more than {} KiB: no access token is that long",
                MAX >> 10
            ),
            hint,
        ));
    }
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let line = lines
        .next()
        .ok_or_else(|| Error::usage("stdin held no access token", hint))?;
    let token = pasted::token(line.as_bytes(), Wanted::AccessToken);
    let token = String::from_utf8_lossy(&token);
    let token = token.trim();
    if lines.next().is_some() {
        return Err(Error::usage(
            "stdin holds more than one line: access tokens are inspected one per run",
            hint,
        ));
    }
    Ok(Secret::new(token))
}

fn rejected(count: usize, of: usize) -> Error {
    Error::new(
        Code::TokenInvalid,
        if of == 1 {
            "the token was rejected".to_string()
        } else {
            format!("{count} of {of} tokens were rejected")
        },
        "the failed checks above say why; --json gives every check per token",
    )
}

/// The issuer and client a stored profile's token is judged against: the profile's own, as
/// its session bound them.
struct Bound {
    issuer: String,
    client_id: Option<String>,
}

/// Whether `e` means the keys could not be fetched (network or server trouble, exit 5): the
/// token is then still shown, unverified.
fn keys_unreachable(e: &Error) -> bool {
    e.exit_code() == 5
}

/// Where the keys come from (an error when the issuer's discovery cannot be fetched: the
/// token can still be shown unverified) and what the tokens must say.
fn verification<'a>(
    ctx: &'a Ctx,
    args: &WhoamiArgs,
    offline: bool,
    bound: Option<Bound>,
    kind: &Kind,
) -> Result<(Result<KeySource<'a>>, Expectations)> {
    if kind.own_rules() {
        return Ok((
            Ok(kinds::key_source(ctx, args, kind)?),
            kinds::expectations(kind, args.audience.as_deref(), args.hd.as_deref()),
        ));
    }
    let (issuer, bound_audience) = match bound {
        Some(b) => (b.issuer, Some(b.client_id)),
        None => (ctx.settings().issuer.clone(), None),
    };
    let audience = match (&args.audience, bound_audience) {
        (Some(a), _) => Some(a.clone()),
        (None, Some(client_id)) => client_id,
        (None, None) => default_audience(ctx)?,
    };
    let mut expect = Expectations::new(offline_issuers(&issuer));
    expect.audience = audience;
    expect.hd = args.hd.clone();
    let now = ctx.clock().now();
    let keys = match &args.jwks {
        Some(source) => Ok(kinds::given_keys(ctx, source)?),
        None if offline => Ok(KeySource::fixed(Default::default())),
        None => ctx.endpoints(&issuer).map(|endpoints| {
            expect.issuers = endpoints.issuers;
            KeySource::issuer(ctx.http(), &endpoints.jwks, ctx.cache(), now)
        }),
    };
    Ok((keys, expect))
}

/// Without a network, Google's tokens may carry either issuer spelling; any other issuer is
/// taken as written.
fn offline_issuers(issuer: &str) -> Vec<String> {
    let google = Endpoints::google().issuers;
    if Endpoints::is_google(issuer) {
        return google;
    }
    let mut issuers = vec![issuer.to_string()];
    // A Google emulator on this machine issues Google's `iss` (see Endpoints::resolve).
    if url::Url::parse(issuer).is_ok_and(|u| crate::http::is_loopback(&u)) {
        issuers.extend(google);
    }
    issuers
}

/// The client secret's client_id, when a client secret is known. A file named explicitly must
/// be readable; the default one may be absent (the audience check is then reported skipped).
fn default_audience(ctx: &Ctx) -> Result<Option<String>> {
    if !ctx.has_client_secret() {
        return Ok(None);
    }
    Ok(Some(ctx.client_secret()?.client_id))
}

/// The stored sign-in's ID token, refreshed first when it has expired, and the issuer and
/// client it belongs to.
fn profile_id_token(ctx: &Ctx) -> Result<(String, Bound)> {
    let mut session = Session::open(ctx)?;
    let token = session.fresh_token(TokenKind::Id, 0)?;
    let bound = Bound {
        issuer: session.issuer()?.to_string(),
        client_id: match &session.profile {
            Some(p) => Some(p.client_id.clone()),
            None => session.bound_client().map(|c| c.client_id.clone()),
        },
    };
    Ok((token.expose().to_string(), bound))
}

#[cfg(test)]
mod tests {
    use crate::cli::{Cli, Command};
    use crate::context::{Clock, Ctx, Settings};
    use crate::output::Data;
    use clap::Parser;
    use gsignin_verify::signing::Keys;
    use serde_json::json;

    const NOW: i64 = 1_795_500_000;

    /// Runs `gsignin ARGS` in-process with captured output and a fixed clock.
    fn run_at(now: i64, args: &[&str]) -> (Option<Data>, Option<crate::error::Error>) {
        let cli =
            Cli::try_parse_from(std::iter::once("gsignin").chain(args.iter().copied())).unwrap();
        let ctx = Ctx::new(
            Settings::resolve(&cli.global, &|_| None).unwrap(),
            crate::io::capture().0,
            crate::context::Hooks {
                clock: Some(Clock::Fixed(now)),
                ..Default::default()
            },
        )
        .unwrap();
        let Command::Whoami(whoami) = cli.command else {
            panic!("not whoami");
        };
        match super::run(&ctx, whoami) {
            Ok(outcome) => (Some(outcome.data), outcome.failure),
            Err(e) => (None, Some(e)),
        }
    }

    #[test]
    fn time_claims_are_judged_by_the_injected_clock() {
        let dir = tempfile::tempdir().unwrap();
        let keys = Keys::new();
        let jwks = dir.path().join("jwks.json");
        std::fs::write(&jwks, keys.jwks().to_string()).unwrap();
        let token = keys.current().sign(&json!({
            "iss": "https://accounts.google.com", "aud": "web", "sub": "1",
            "iat": NOW - 10, "exp": NOW + 3590,
        }));
        let home = dir.path().join("home");
        let args = |t: &str| {
            vec![
                "--home".to_string(),
                home.display().to_string(),
                "--json".into(),
                "whoami".into(),
                t.to_string(),
                "--audience".into(),
                "web".into(),
                "--jwks".into(),
                jwks.display().to_string(),
            ]
        };
        let owned = args(&token);
        let argv: Vec<&str> = owned.iter().map(String::as_str).collect();
        let (data, failure) = run_at(NOW, &argv);
        assert!(failure.is_none(), "{failure:?}");
        let Some(Data::Records { records, .. }) = data else {
            panic!("no records");
        };
        assert_eq!(records[0]["valid"], true);

        let (_, failure) = run_at(NOW + 3600 + 61, &argv);
        assert_eq!(
            failure.map(|e| e.exit_code()),
            Some(3),
            "expired by the injected clock"
        );
    }
}
