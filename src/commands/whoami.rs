//! `gsignin whoami`: verify ID tokens (pasted, piped, or the profile's) and show every check
//! with its reason, then the claims.

use crate::cli::WhoamiArgs;
use crate::config::client_secret::ClientSecret;
use crate::context::Ctx;
use crate::error::{Code, Error, Result};
use crate::google::endpoints::Endpoints;
use crate::google::id_token::{self, DEFAULT_LEEWAY, Expectations, KeySet, Status, Verdict};
use crate::google::jwks::{self, KeySource};
use crate::output::{Data, Outcome};
use crate::session::{Session, TokenKind};
use crate::timefmt::{relative, rfc3339};
use serde_json::{Map, Value, json};
use std::io::{BufRead, Write};

/// Tokens verified per round of a batch: enough to keep both cores busy, small enough that
/// memory stays flat however many tokens arrive.
const CHUNK: usize = 1024;

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
    if args.token.as_deref() == Some(std::ffi::OsStr::new("-")) {
        return batch(ctx, &args, now);
    }
    let token: Vec<u8> = match args.token.clone() {
        Some(token) => token.into_encoded_bytes(),
        None => profile_id_token(ctx)?.into_bytes(),
    };
    if args.no_verify {
        return Ok(unverified(&token, now));
    }
    // A token that is not even a JWT is judged without asking the issuer for anything.
    let offline = id_token::decode(&token).is_err();
    let (mut keys, expect) = verification(ctx, &args, offline)?;
    let verdict = keys.verify(&token, &expect, now)?;
    let failure = (!verdict.valid()).then(|| rejected(1, 1));
    Ok(Outcome {
        data: Data::Records {
            human: human_verdict(&verdict, now),
            records: vec![verdict_json(&verdict)],
        },
        failure,
    })
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

/// Where the keys come from and what the tokens must say.
fn verification<'a>(
    ctx: &'a Ctx,
    args: &WhoamiArgs,
    offline: bool,
) -> Result<(KeySource<'a>, Expectations)> {
    let audience = match &args.audience {
        Some(a) => Some(a.clone()),
        None => default_audience(ctx)?,
    };
    let (keys, issuers) = match &args.jwks {
        Some(path) => (
            KeySource::fixed(read_jwks_file(ctx, path)?),
            offline_issuers(&ctx.settings.issuer),
        ),
        None if offline => (
            KeySource::fixed(Default::default()),
            offline_issuers(&ctx.settings.issuer),
        ),
        None => {
            let now = ctx.clock.now();
            let endpoints = ctx.endpoints(&ctx.settings.issuer)?;
            (
                KeySource::issuer(&ctx.http, &endpoints.jwks, ctx.cache(), now),
                endpoints.issuers,
            )
        }
    };
    let expect = Expectations {
        issuers,
        audience,
        leeway: DEFAULT_LEEWAY,
        hd: args.hd.clone(),
    };
    Ok((keys, expect))
}

fn read_jwks_file(ctx: &Ctx, path: &std::path::Path) -> Result<KeySet> {
    let bytes = crate::fsutil::read_limited(path, 8 << 20, false).map_err(|e| {
        Error::usage(
            format!("cannot read the JWKS file {}: {e}", path.display()),
            "save the issuer's keys with `curl -o jwks.json https://www.googleapis.com/oauth2/v3/certs`",
        )
    })?;
    let keys = jwks::parse(&bytes).map_err(|e| {
        Error::usage(
            format!("{}: {e}", path.display()),
            "pass a JWKS document or Google's PEM certificate map (oauth2/v1/certs)",
        )
    })?;
    for warning in &keys.warnings {
        ctx.warn(&format!("{warning} ({})", path.display()));
    }
    Ok(keys)
}

/// One token per line from stdin, verified on every core in rounds of [`CHUNK`], answered in
/// order as they are read (JSON Lines under --json), with progress on a terminal. While the
/// workers judge one round, this thread writes the previous round's answers and reads the next.
fn batch(ctx: &Ctx, args: &WhoamiArgs, now: i64) -> Result<Outcome> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 16);
    let json = ctx.settings.json;
    let mut stdin = ctx.io.stdin.borrow_mut();
    let mut lines = TokenLines::new(&mut *stdin);
    let mut read_chunk = || -> Result<Vec<Vec<u8>>> {
        let mut chunk = Vec::with_capacity(CHUNK);
        while let Some(line) = lines.next_token().map_err(|e| {
            Error::usage(
                format!("cannot read tokens from stdin: {e}"),
                "pipe one token per line",
            )
        })? {
            chunk.push(line);
            if chunk.len() == CHUNK {
                break;
            }
        }
        Ok(chunk)
    };
    let mut verifier: Option<(KeySource, Expectations)> = None;
    let mut progress = Progress::new(ctx);
    let (mut total, mut bad) = (0usize, 0usize);
    let mut pending: Vec<(String, bool)> = Vec::new();
    let mut chunk = read_chunk()?;
    while !chunk.is_empty() {
        let judge: Option<(&KeySet, &Expectations)> = if args.no_verify {
            None
        } else {
            let (keys, expect) = match verifier {
                Some(ref mut v) => v,
                None => verifier.insert(verification(ctx, args, false)?),
            };
            Some((keys.keys()?, &*expect))
        };
        let (answers, next, open) = std::thread::scope(|scope| {
            let per = chunk.len().div_ceil(threads).max(1);
            let workers: Vec<_> = chunk
                .chunks(per)
                .enumerate()
                .map(|(part_no, part)| {
                    let first = total + part_no * per;
                    scope.spawn(move || judge_part(part, judge, now, json, first))
                })
                .collect();
            let open = write_answers(ctx, &pending);
            let next = read_chunk();
            // Every worker catches a panic per token (see judge_part), so a join fails only
            // if rendering itself broke: that fails the run rather than dropping answers.
            let answers: std::result::Result<Vec<Vec<Answer>>, _> =
                workers.into_iter().map(|w| w.join()).collect();
            (answers, next, open)
        });
        let mut answers: Vec<Answer> = answers
            .map_err(|_| {
                Error::other(
                    "a verification thread failed",
                    "this is a gsignin bug: please report it with the input that caused it",
                )
            })?
            .into_iter()
            .flatten()
            .collect();
        if !open? {
            return Ok(reader_gone());
        }
        // Tokens signed by a key published after ours were read: one refetch per run.
        if let Some((keys, expect)) = verifier.as_mut()
            && answers.iter().any(|a| a.unknown_kid)
            && keys.refetch_once().unwrap_or(false)
        {
            let fresh = keys.keys()?;
            for (i, (answer, token)) in answers.iter_mut().zip(&chunk).enumerate() {
                if answer.unknown_kid {
                    *answer = judge_one(token, Some((fresh, &*expect)), now, json, total + i);
                }
            }
        }
        total += chunk.len();
        bad += answers.iter().filter(|a| !a.valid).count();
        pending = answers.into_iter().map(|a| (a.text, a.valid)).collect();
        progress.update(total, bad);
        chunk = next?;
    }
    let open = write_answers(ctx, &pending);
    progress.finish();
    if !open? {
        return Ok(reader_gone());
    }
    if total == 0 {
        return Err(Error::usage(
            "stdin held no token",
            "pipe one ID token per line, e.g. `gsignin whoami - < tokens.txt`",
        ));
    }
    Ok(Outcome {
        data: Data::Streamed,
        failure: (bad > 0).then(|| rejected(bad, total)),
    })
}

/// The reader stopped reading (`| head -1`): that is its choice, not a failure, as in ripgrep.
fn reader_gone() -> Outcome {
    Outcome {
        data: Data::Streamed,
        failure: None,
    }
}

/// One token's answer, as printed.
#[derive(Default)]
struct Answer {
    text: String,
    valid: bool,
    unknown_kid: bool,
}

fn judge_part(
    part: &[Vec<u8>],
    judge: Option<(&KeySet, &Expectations)>,
    now: i64,
    json: bool,
    first: usize,
) -> Vec<Answer> {
    part.iter()
        .enumerate()
        .map(|(i, t)| {
            // One token that trips a bug must not take its neighbours' answers with it.
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                judge_one(t, judge, now, json, first + i)
            }))
            .unwrap_or_else(|_| broken_answer(json, first + i))
        })
        .collect()
}

/// The answer for a token whose judging panicked: invalid, and said to be a bug.
fn broken_answer(json: bool, index: usize) -> Answer {
    let reason = "gsignin failed while judging this token (a bug: please report it)";
    Answer {
        text: if json {
            format!(
                "{}\n",
                json!({"valid": false, "checks": {}, "header": null, "claims": null, "error": reason})
            )
        } else {
            format!("[{}] INVALID: {reason}\n", index + 1)
        },
        valid: false,
        unknown_kid: false,
    }
}

/// Verifies (or, with no keys, only decodes) one token and renders the answer.
fn judge_one(
    token: &[u8],
    judge: Option<(&KeySet, &Expectations)>,
    now: i64,
    json: bool,
    index: usize,
) -> Answer {
    let Some((keys, expect)) = judge else {
        let (text, valid) = render_unverified(token, now, json);
        return Answer {
            text,
            valid,
            unknown_kid: false,
        };
    };
    let v = id_token::verify(token, keys, expect, now);
    let text = if json {
        let mut line = serde_json::to_string(&v).unwrap_or_default();
        line.push('\n');
        line
    } else {
        format!("[{}] {}\n", index + 1, human_verdict(&v, now))
    };
    Answer {
        text,
        valid: v.valid(),
        unknown_kid: v.unknown_kid,
    }
}

/// Tokens from stdin, one per line, as bytes (a line that is not text is a malformed token,
/// not a reason to stop): blank lines skipped, a UTF-8 byte-order mark at the start dropped, a
/// line longer than [`MAX_LINE`] cut there (and judged malformed).
struct TokenLines<'r> {
    reader: &'r mut dyn BufRead,
    first: bool,
}

/// Far above any real ID token (Google's are about 1 KB).
const MAX_LINE: usize = 1 << 20;

impl<'r> TokenLines<'r> {
    fn new(reader: &'r mut dyn BufRead) -> Self {
        TokenLines {
            reader,
            first: true,
        }
    }

    fn next_token(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        loop {
            let Some(mut line) = self.next_line()? else {
                return Ok(None);
            };
            if std::mem::take(&mut self.first) && line.starts_with(b"\xEF\xBB\xBF") {
                line.drain(..3);
            }
            if !line.trim_ascii().is_empty() {
                return Ok(Some(line));
            }
        }
    }

    fn next_line(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        let mut line = Vec::new();
        let mut any = false;
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                return Ok(any.then_some(line));
            }
            any = true;
            let (take, done) = match buf.iter().position(|b| *b == b'\n') {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            };
            let room = MAX_LINE.saturating_sub(line.len());
            line.extend_from_slice(&buf[..take.min(room)]);
            self.reader.consume(take);
            if done {
                while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                    line.pop();
                }
                return Ok(Some(line));
            }
        }
    }
}

/// Writes answers; false once the reader has gone away (`| head`), which ends the batch. Any
/// other failed write (a full disk) fails the run.
fn write_answers(ctx: &Ctx, answers: &[(String, bool)]) -> Result<bool> {
    let mut out = ctx.io.stdout.borrow_mut();
    let mut written = || -> std::io::Result<()> {
        for (text, _) in answers {
            if ctx.io.colors.stdout && !ctx.settings.json {
                out.write_all(crate::output::paint(text).as_bytes())?;
            } else {
                out.write_all(text.as_bytes())?;
            }
        }
        out.flush()
    };
    match written() {
        Ok(()) => Ok(true),
        Err(e) => crate::output::write_failure(&e).map_or(Ok(false), Err),
    }
}

/// A count on stderr, redrawn at most four times a second, only on a terminal.
struct Progress<'a> {
    ctx: &'a Ctx,
    on: bool,
    last: std::time::Instant,
    drawn: bool,
}

impl<'a> Progress<'a> {
    fn new(ctx: &'a Ctx) -> Progress<'a> {
        Progress {
            ctx,
            on: ctx.io.stderr_is_terminal,
            last: std::time::Instant::now(),
            drawn: false,
        }
    }

    fn update(&mut self, total: usize, bad: usize) {
        if self.on && self.last.elapsed() >= std::time::Duration::from_millis(250) {
            let _ = write!(
                self.ctx.io.stderr.borrow_mut(),
                "\rverified {total} tokens, {bad} rejected"
            );
            self.last = std::time::Instant::now();
            self.drawn = true;
        }
    }

    fn finish(&mut self) {
        if self.drawn {
            let _ = write!(self.ctx.io.stderr.borrow_mut(), "\r\x1b[2K");
        }
    }
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

/// The stored sign-in's ID token, refreshed first when it has expired.
fn profile_id_token(ctx: &Ctx) -> Result<String> {
    let mut session = Session::open(ctx)?;
    let token = session.fresh_token(TokenKind::Id, 0)?;
    Ok(token.expose().to_string())
}

fn unverified(token: &[u8], now: i64) -> Outcome {
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
            json!({"valid": false, "verified": false, "header": null, "claims": null, "error": reason})
        }
    }
}

/// `--no-verify`: decoded, said to be unverified; only an undecodable token counts as bad.
fn render_unverified(token: &[u8], now: i64, json: bool) -> (String, bool) {
    let decoded = id_token::decode(token);
    let ok = decoded.is_ok();
    let text = if json {
        format!("{}\n", unverified_json(token))
    } else {
        match decoded {
            Ok(d) => format!(
                "UNVERIFIED: decoded only, nothing was checked\n{}",
                claims_block(&d.header, &d.claims, now)
            ),
            Err(reason) => format!("UNVERIFIED and undecodable: {reason}\n"),
        }
    };
    (text, ok)
}

pub fn verdict_json(v: &Verdict) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

pub fn human_verdict(v: &Verdict, now: i64) -> String {
    let who = v.who();
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
        out.push_str(&format!("  {mark:<4}  {name:<14} {}\n", c.detail));
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

#[cfg(test)]
mod tests {
    use crate::cli::{Cli, Command};
    use crate::context::{Clock, Ctx, Io, Settings, SharedWrite};
    use crate::emulator::keys::Keys;
    use crate::output::Data;
    use clap::Parser;
    use serde_json::json;
    use std::cell::RefCell;
    use std::rc::Rc;

    const NOW: i64 = 1_795_500_000;

    /// Runs `gsignin ARGS` in-process with captured output and a fixed clock.
    fn run_at(now: i64, args: &[&str]) -> (Option<Data>, Option<crate::error::Error>) {
        let cli =
            Cli::try_parse_from(std::iter::once("gsignin").chain(args.iter().copied())).unwrap();
        let sink = || -> SharedWrite { Rc::new(RefCell::new(Box::new(Vec::<u8>::new()))) };
        let mut ctx = Ctx::new(
            Settings::from_args(&cli.global),
            Io::captured(sink(), sink()),
        )
        .unwrap();
        ctx.clock = Clock::Fixed(now);
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
