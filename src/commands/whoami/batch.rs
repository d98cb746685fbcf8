//! `whoami -`: one token per line from stdin, judged on every core, answered in order as JSON
//! Lines or text, with progress on a terminal.
//!
//! A pipeline: a reader thread cuts stdin into blocks (at most [`BLOCK`] tokens or
//! [`BLOCK_BYTES`], handed on as soon as no whole line is buffered, so a slow producer's answers
//! come at once), the workers judge each block into one buffer of answers, and this thread
//! writes the blocks in order as they come. No worker waits for another, and at most [`AHEAD`]
//! blocks per worker are read and not yet written, so memory stays flat however many tokens
//! arrive.

use super::record::Record;
use super::render::{
    UNREACHABLE_HINT, human_unreachable, human_verdict, render_unverified, unreachable_json,
    unreachable_verdict,
};
use super::{keys_unreachable, rejected, verification};
use crate::cli::WhoamiArgs;
use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::google::id_token::{self, Expectations, Verdict};
use crate::google::jwks::KeySource;
use crate::output::{Data, Outcome};
use crate::style::{Styled, Tone};
use gsignin_verify::keys::KeySet;
use gsignin_verify::kind::Kind;
use serde_json::json;
use std::collections::BTreeMap;
use std::io::{BufRead, Read, Write};
use std::sync::{Arc, Mutex, RwLock, mpsc};

/// Tokens per block of work at most: large enough that handing blocks out costs nothing beside
/// the RSA.
const BLOCK: usize = 256;

/// Bytes per block at most (beyond one line): 256 Google ID tokens fit; huge ones make small
/// blocks, so memory stays flat whatever the tokens hold.
const BLOCK_BYTES: usize = 1 << 18;

/// Blocks read and not yet written, per worker: one being judged, the rest queued, so no
/// worker idles while this thread writes.
const AHEAD: usize = 3;

/// One block of tokens: the lines, back to back, where each ends, and its line of stdin.
struct Block {
    seq: usize,
    /// Index of the block's first token in the whole input.
    first: usize,
    bytes: Vec<u8>,
    ends: Vec<usize>,
    lines: Vec<usize>,
}

impl Block {
    fn tokens(&self) -> impl Iterator<Item = &[u8]> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(&self.ends).map(|(s, e)| &self.bytes[s..*e])
    }

    fn len(&self) -> usize {
        self.ends.len()
    }
}

/// A block's answers, as printed, back to back.
struct Judged {
    seq: usize,
    first: usize,
    text: Vec<u8>,
    /// Where each answer ends in `text`.
    ends: Vec<usize>,
    bad: usize,
    /// Answers to judge again once this thread has the keys they need.
    again: Vec<Again>,
}

/// A token judged without the keys it needs: its position in the block, its line and the
/// token, judged again once this thread has fetched them.
struct Again {
    at: usize,
    line: usize,
    token: Vec<u8>,
    why: Redo,
}

/// Why a token's answer may change with other keys.
#[derive(Clone, PartialEq)]
enum Redo {
    /// Its verdict stands.
    No,
    /// It names a key the source lacks (`None`: the issuer's; else a kind's keys, by URL),
    /// as the keys of that generation stood: the source may have published it since.
    UnknownKid(Option<String>, u32),
    /// Its kind's keys (by URL) have not been fetched yet in this run.
    Keys(String),
    /// The issuer's keys (or `--jwks`'s) have not been fetched yet in this run.
    IssuerKeys,
}

/// Where a token was: its place among the tokens read (text answers are numbered by it) and
/// its line of stdin (JSON answers carry it as `line`).
#[derive(Clone, Copy)]
struct At {
    index: usize,
    line: usize,
}

/// What the workers judge with; none for `--no-verify`.
type Shared = Option<Judge>;

/// The issuer's keys, numbered (its new keys replace them once a run), and what its tokens
/// must say; the keys of every other kind fetched so far. When keys could not be fetched, the
/// error says why, and their tokens are shown unverified.
#[derive(Clone)]
struct Judge {
    /// None until a token of the issuer's (or any, under `--jwks`) has needed them.
    keys: Option<Arc<KeySet>>,
    expect: Expectations,
    generation: u32,
    unreachable: Option<Arc<Error>>,
    /// By the URL they come from (see [`Kind::keys_url`]).
    kinds: Arc<BTreeMap<String, KindKeys>>,
    /// `--jwks`: every kind is judged with `keys`.
    given: bool,
    /// `--audience` and `--hd`, which a kind's own tokens are held to.
    audience: Option<String>,
    hd: Option<String>,
}

/// One kind's keys, numbered as the issuer's are.
#[derive(Clone)]
struct KindKeys {
    keys: Arc<KeySet>,
    generation: u32,
    unreachable: Option<Arc<Error>>,
}

/// What this thread hears: a block read (none left: an empty one), or a block judged (none:
/// its judging broke).
enum Event {
    Read(Result<Block>),
    Judged(Option<Judged>),
}

/// One token per line from stdin, verified on every core, answered in order as they are read
/// (JSON Lines under --json), with progress on a terminal.
pub(super) fn batch(ctx: &Ctx, args: &WhoamiArgs, now: i64) -> Result<Outcome> {
    let threads = std::thread::available_parallelism()
        .map(std::num::NonZero::get)
        .unwrap_or(1)
        .clamp(1, 16);
    let json = ctx.settings().json;
    // Answers are rendered on the workers, coloured there when stdout takes colour.
    let color = ctx.io().colors.stdout && !json;
    let (events_tx, events) = mpsc::channel::<Event>();
    let (tickets, tickets_rx) = mpsc::channel::<()>();
    for _ in 0..threads * AHEAD {
        let _ = tickets.send(());
    }
    // The reader runs unscoped: stdin may block forever (a `tail -f`), and a run whose reader
    // has gone (`| head -1`) must be able to end without it.
    let stdin = std::mem::replace(
        &mut *ctx.io().stdin.borrow_mut(),
        Box::new(std::io::empty()),
    );
    let reader = {
        let events = events_tx.clone();
        std::thread::spawn(move || {
            #[cfg(unix)]
            crate::sigstack::signal_stack();
            read_blocks(TokenLines::new(stdin), &tickets_rx, &events)
        })
    };
    let (work, work_rx) = mpsc::channel::<Block>();
    let work_rx = Mutex::new(work_rx);
    let judge: RwLock<Shared> = RwLock::new(None);
    let outcome = std::thread::scope(|scope| {
        // Owned here, so that however this ends, the workers see no more work and stop.
        let (work, events_tx) = (work, events_tx);
        for _ in 0..threads {
            let (work_rx, events, judge) = (&work_rx, events_tx.clone(), &judge);
            scope.spawn(move || {
                // A fault here says its line too (see start.rs): on its own stack.
                #[cfg(unix)]
                crate::sigstack::signal_stack();
                worker(work_rx, &events, judge, now, json, color);
            });
        }
        drop(events_tx);
        let mut writer = Writer {
            ctx,
            args,
            now,
            json,
            color,
            judge: &judge,
            expect: None,
            issuer: None,
            issuer_keys: None,
            kinds: BTreeMap::new(),
            unreachable: None,
            total: 0,
            bad: 0,
            progress: Progress::new(ctx),
        };
        writer.run(&events, &work, &tickets)
    });
    // At the end of stdin the reader has returned it: put it back.
    if reader.is_finished()
        && let Ok(lines) = reader.join()
    {
        *ctx.io().stdin.borrow_mut() = lines.reader.into_inner();
    }
    outcome
}

/// This thread's part: hands blocks to the workers, writes their answers in order.
struct Writer<'c, 'j> {
    ctx: &'c Ctx,
    args: &'c WhoamiArgs,
    now: i64,
    json: bool,
    color: bool,
    judge: &'j RwLock<Shared>,
    /// What the issuer's ID tokens must say, once the first token has arrived.
    expect: Option<Expectations>,
    /// Where the issuer's keys come from (or why they cannot come: its discovery is out of
    /// reach), once the first token has arrived.
    issuer: Option<std::result::Result<KeySource<'c>, Arc<Error>>>,
    /// The issuer's keys, once a token has needed them, as published to the workers.
    issuer_keys: Option<KindKeys>,
    /// Where each other kind's keys come from, once a token of it has arrived, with the keys
    /// as published to the workers.
    kinds: BTreeMap<String, (KeySource<'c>, KindKeys)>,
    /// Keys a token needed could not be fetched: why (those tokens are shown unverified, and
    /// the run ends with exit 5).
    unreachable: Option<Arc<Error>>,
    total: usize,
    bad: usize,
    progress: Progress,
}

impl Writer<'_, '_> {
    fn run(
        &mut self,
        events: &mpsc::Receiver<Event>,
        work: &mpsc::Sender<Block>,
        tickets: &mpsc::Sender<()>,
    ) -> Result<Outcome> {
        let broken = || {
            Error::other(
                "a verification thread failed",
                "this is a gsignin bug: please report it with the input that caused it",
            )
        };
        let (mut in_flight, mut to_write, mut ended) = (0usize, 0usize, false);
        let mut waiting: BTreeMap<usize, Judged> = BTreeMap::new();
        // A read that failed: every token read before it is answered first.
        let mut failed = None;
        while !(ended && in_flight == 0) {
            match events.recv().map_err(|_| broken())? {
                Event::Read(Err(e)) => {
                    failed = Some(e);
                    ended = true;
                }
                Event::Read(Ok(block)) => {
                    if block.len() == 0 {
                        ended = true;
                        continue;
                    }
                    if block.seq == 0 {
                        self.set_judge()?;
                    }
                    work.send(block).map_err(|_| broken())?;
                    in_flight += 1;
                }
                // Every worker catches a panic per token (see judge_block), so a block comes
                // back unjudged only if rendering itself broke: that fails the run rather than
                // dropping answers.
                Event::Judged(judged) => {
                    let judged = judged.ok_or_else(broken)?;
                    waiting.insert(judged.seq, judged);
                    while let Some(judged) = waiting.remove(&to_write) {
                        to_write += 1;
                        in_flight -= 1;
                        if !self.write(judged)? {
                            return Ok(reader_gone());
                        }
                        let _ = tickets.send(());
                    }
                }
            }
        }
        self.progress.finish();
        if let Some(e) = failed {
            return Err(e);
        }
        if self.total == 0 {
            return Err(Error::usage(
                "stdin held no token",
                "pipe one ID token per line, e.g. `gsignin whoami - < tokens.txt`",
            ));
        }
        if let Some(e) = self.unreachable.as_ref().filter(|_| self.bad == 0) {
            return Ok(Outcome {
                data: Data::Streamed,
                failure: Some(Error::new(e.code(), e.to_string(), e.hint())),
            });
        }
        Ok(Outcome {
            data: Data::Streamed,
            failure: (self.bad > 0).then(|| {
                if self.args.no_verify {
                    undecodable(self.bad, self.total)
                } else {
                    rejected(self.bad, self.total)
                }
            }),
        })
    }

    /// What the issuer's tokens must say and where its keys come from, found when the first
    /// token arrives; the keys themselves are fetched when a token first needs them, so a
    /// batch of other kinds never asks the issuer for anything.
    fn set_judge(&mut self) -> Result<()> {
        if self.args.no_verify {
            return Ok(());
        }
        let google = &Kind::GoogleIdToken;
        let (keys, expect) = verification(self.ctx, self.args, false, None, google)?;
        self.issuer = Some(match keys {
            Ok(keys) => Ok(keys),
            Err(e) if keys_unreachable(&e) => Err(Arc::new(e.with_hint(UNREACHABLE_HINT))),
            Err(e) => return Err(e),
        });
        self.expect = Some(expect);
        self.publish();
        Ok(())
    }

    /// Hands the workers the keys they judge the next blocks with: the issuer's as they now
    /// are, and every kind's fetched so far.
    fn publish(&self) {
        let Some(expect) = self.expect.clone() else {
            return;
        };
        let issuer = self.issuer_keys.as_ref();
        let kinds = self.kinds.iter();
        let judge = Judge {
            keys: issuer.map(|k| k.keys.clone()),
            expect,
            generation: issuer.map_or(0, |k| k.generation),
            unreachable: issuer.and_then(|k| k.unreachable.clone()),
            kinds: Arc::new(
                kinds
                    .map(|(url, (_, k))| (url.clone(), k.clone()))
                    .collect(),
            ),
            given: self.args.jwks.is_some(),
            audience: self.args.audience.clone(),
            hd: self.args.hd.clone(),
        };
        *self
            .judge
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(judge);
    }

    /// Keys a token needed and that could not be fetched: those tokens are shown unverified,
    /// and the run ends with this error (exit 5).
    fn out_of_reach(&mut self, e: Arc<Error>) -> KindKeys {
        self.unreachable.get_or_insert_with(|| e.clone());
        KindKeys {
            keys: Arc::new(KeySet::default()),
            generation: 0,
            unreachable: Some(e),
        }
    }

    /// Fetches the issuer's keys (or `--jwks`'s), the first time a token needs them.
    fn load_issuer(&mut self) -> Result<()> {
        let fetched = match self.issuer.as_mut() {
            None => return Ok(()),
            Some(Err(e)) => Err(e.clone()),
            Some(Ok(source)) => match source.keys() {
                Ok(keys) => Ok(keys.clone()),
                Err(e) if keys_unreachable(&e) => Err(Arc::new(e.with_hint(UNREACHABLE_HINT))),
                Err(e) => return Err(e),
            },
        };
        let keys = match fetched {
            Ok(keys) => KindKeys {
                keys: Arc::new(keys),
                generation: 0,
                unreachable: None,
            },
            Err(e) => self.out_of_reach(e),
        };
        self.issuer_keys = Some(keys);
        Ok(())
    }

    /// Fetches the keys of a kind (by URL), the first time a token of it arrives.
    fn load_kind(&mut self, url: &str) -> Result<()> {
        let (ctx, now) = (self.ctx, self.ctx.clock().now());
        let mut source = KeySource::issuer(ctx.http(), url, ctx.cache(), now);
        let keys = match source.keys() {
            Ok(keys) => KindKeys {
                keys: Arc::new(keys.clone()),
                generation: 0,
                unreachable: None,
            },
            Err(e) if keys_unreachable(&e) => {
                self.out_of_reach(Arc::new(e.with_hint(UNREACHABLE_HINT)))
            }
            Err(e) => return Err(e),
        };
        self.kinds.insert(url.to_string(), (source, keys));
        Ok(())
    }

    /// Writes one block's answers; false once the reader has gone away.
    fn write(&mut self, mut judged: Judged) -> Result<bool> {
        if !judged.again.is_empty() {
            self.judge_again(&mut judged)?;
        }
        self.total += judged.ends.len();
        self.bad += judged.bad;
        let open = write_answers(self.ctx, &judged.text)?;
        self.progress.update(self.total, self.bad);
        Ok(open)
    }

    /// Tokens judged without the keys they need: keys not fetched yet are fetched, and keys
    /// lacking a token's key are fetched again (at most once per `jwks::REFETCH_AGAIN` each);
    /// every such token whose keys have changed since is judged again. Twice at most: keys
    /// fetched for the first time may lack the token's key, which one refetch may bring.
    fn judge_again(&mut self, judged: &mut Judged) -> Result<()> {
        for _ in 0..2 {
            if judged.again.is_empty() {
                break;
            }
            self.fetch_for(&judged.again)?;
            self.rejudge(judged);
        }
        Ok(())
    }

    /// Fetches what the tokens in `again` need, and hands it to the workers.
    fn fetch_for(&mut self, again: &[Again]) -> Result<()> {
        let mut changed = false;
        for again in again {
            match &again.why {
                Redo::IssuerKeys if self.issuer_keys.is_none() => {
                    self.load_issuer()?;
                    changed = true;
                }
                Redo::UnknownKid(None, generation) => {
                    if let (Some(Ok(source)), Some(keys)) =
                        (self.issuer.as_mut(), self.issuer_keys.as_mut())
                    {
                        changed |= refetch(source, keys, *generation)?;
                    }
                }
                Redo::Keys(url) if !self.kinds.contains_key(url) => {
                    self.load_kind(url)?;
                    changed = true;
                }
                Redo::UnknownKid(Some(url), generation) => {
                    if let Some((source, keys)) = self.kinds.get_mut(url) {
                        changed |= refetch(source, keys, *generation)?;
                    }
                }
                _ => {}
            }
        }
        if changed {
            self.publish();
        }
        Ok(())
    }

    /// Whether a token judged for `why` would be judged otherwise now.
    fn stale(&self, why: &Redo) -> bool {
        let changed = |keys: Option<&KindKeys>, generation: u32| {
            keys.is_some_and(|k| k.generation != generation)
        };
        match why {
            Redo::No => false,
            Redo::IssuerKeys | Redo::Keys(_) => true,
            Redo::UnknownKid(None, generation) => changed(self.issuer_keys.as_ref(), *generation),
            Redo::UnknownKid(Some(url), generation) => {
                changed(self.kinds.get(url).map(|(_, k)| k), *generation)
            }
        }
    }

    /// Judges again, with the keys as they now are, every token of `judged.again` whose keys
    /// have changed; what may change yet again is left in `judged.again`.
    fn rejudge(&self, judged: &mut Judged) {
        let judge = self.judge.read().map(|j| j.clone());
        let judge = judge.unwrap_or_else(|e| e.into_inner().clone());
        let mut text = Vec::with_capacity(judged.text.len());
        let mut ends = Vec::with_capacity(judged.ends.len());
        let mut again = std::mem::take(&mut judged.again).into_iter().peekable();
        let mut start = 0;
        for (i, end) in judged.ends.iter().enumerate() {
            match again.next_if(|a| a.at == i).filter(|a| self.stale(&a.why)) {
                Some(a) => {
                    let at = At {
                        index: judged.first + i,
                        line: a.line,
                    };
                    let context = (self.json, self.color);
                    let (valid, why) =
                        judge_one(&a.token, judge.as_ref(), self.now, context, at, &mut text);
                    // It was counted bad; it may not be now.
                    judged.bad -= usize::from(valid);
                    if why != Redo::No {
                        judged.again.push(Again { why, ..a });
                    }
                }
                None => text.extend_from_slice(&judged.text[start..*end]),
            }
            ends.push(text.len());
            start = *end;
        }
        judged.text = text;
        judged.ends = ends;
    }
}

/// Keys that lacked a token's key, as they stood at `generation`, fetched again (unless they
/// were fetched again since, or could not be fetched at all, or were refetched less than
/// `jwks::REFETCH_AGAIN` ago): whether new keys came.
fn refetch(source: &mut KeySource<'_>, keys: &mut KindKeys, generation: u32) -> Result<bool> {
    if keys.generation != generation
        || keys.unreachable.is_some()
        || !source.refetch().unwrap_or(false)
    {
        return Ok(false);
    }
    keys.keys = Arc::new(source.keys()?.clone());
    keys.generation += 1;
    Ok(true)
}

/// The reader thread: a block per ticket (this thread hands one back per block written), until
/// stdin ends (an empty block says so), fails, or nobody listens. Returns the lines.
fn read_blocks<R: Read>(
    mut lines: TokenLines<R>,
    tickets: &mpsc::Receiver<()>,
    events: &mpsc::Sender<Event>,
) -> TokenLines<R> {
    let (mut seq, mut first) = (0, 0);
    while tickets.recv().is_ok() {
        let block = read_block(&mut lines, seq, first);
        let last = block.as_ref().map_or(true, |b| b.len() == 0);
        if let Ok(b) = &block {
            first += b.len();
        }
        seq += 1;
        if events.send(Event::Read(block)).is_err() || last {
            break;
        }
    }
    lines
}

/// Judges blocks until there are no more (the sender is gone) or nobody listens.
fn worker(
    work: &Mutex<mpsc::Receiver<Block>>,
    events: &mpsc::Sender<Event>,
    judge: &RwLock<Shared>,
    now: i64,
    json: bool,
    color: bool,
) {
    loop {
        let block = match work.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(block) = block else { return };
        let judge = judge.read().map(|j| j.clone()).ok();
        let judged = judge.and_then(|judge| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                judge_block(&block, judge.as_ref(), now, json, color)
            }))
            .ok()
        });
        if events.send(Event::Judged(judged)).is_err() {
            return;
        }
    }
}

fn judge_block(block: &Block, judge: Option<&Judge>, now: i64, json: bool, color: bool) -> Judged {
    let mut judged = Judged {
        seq: block.seq,
        first: block.first,
        // Google's ID tokens answer in about 1.4 KB of JSON.
        text: Vec::with_capacity(block.len() * 1536),
        ends: Vec::with_capacity(block.len()),
        bad: 0,
        again: Vec::new(),
    };
    for (i, (line_bytes, line)) in block.tokens().zip(&block.lines).enumerate() {
        // A line as pasted (`Bearer …`, a JSON answer, a redirect URL) is judged as its token.
        let token = &*super::pasted::token(line_bytes, super::pasted::Wanted::IdToken);
        let mark = judged.text.len();
        let at = At {
            index: block.first + i,
            line: *line,
        };
        // One token that trips a bug must not take its neighbours' answers with it.
        let answer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            judge_one(token, judge, now, (json, color), at, &mut judged.text)
        }));
        let (valid, why) = answer.unwrap_or_else(|_| {
            judged.text.truncate(mark);
            broken_answer(json, color, at, &mut judged.text);
            (false, Redo::No)
        });
        judged.bad += usize::from(!valid);
        if why != Redo::No {
            judged.again.push(Again {
                at: i,
                line: at.line,
                token: token.to_vec(),
                why,
            });
        }
        judged.ends.push(judged.text.len());
    }
    judged
}

/// `--no-verify` judged nothing but the tokens' shape.
fn undecodable(count: usize, of: usize) -> Error {
    Error::new(
        crate::error::Code::TokenMalformed,
        format!("{count} of {of} tokens could not be decoded"),
        "each one's line above says why; the others were decoded only, not verified",
    )
}

/// The reader stopped reading (`| head -1`): that is its choice, not a failure, as in ripgrep.
fn reader_gone() -> Outcome {
    Outcome {
        data: Data::Streamed,
        failure: None,
    }
}

/// The answer for a token whose judging panicked: invalid, and said to be a bug.
fn broken_answer(json: bool, color: bool, at: At, out: &mut Vec<u8>) {
    let reason = "gsignin failed while judging this token (a bug: please report it)";
    if json {
        let answer = json!({"valid": false, "checks": {}, "header": null, "claims": null, "error": {"code": "token_invalid", "message": reason}});
        let _ = serde_json::to_writer(&mut *out, &answer);
        with_line(out, at.line);
    } else {
        let line = Styled::plain(format!("[{}] ", at.index + 1))
            .with(Tone::Invalid, "INVALID")
            .with(Tone::Plain, format!(": {reason}\n"))
            .render(color);
        out.extend_from_slice(line.as_bytes());
    }
}

/// Ends a JSON answer just written to `out` with the `"line"` of stdin its token came from.
fn with_line(out: &mut Vec<u8>, line: usize) {
    if out.last() == Some(&b'}') {
        out.pop();
        let _ = write!(out, ",\"line\":{line}}}");
    }
    out.push(b'\n');
}

/// Verifies (or, with no keys, only decodes) one token and appends the answer to `out`, as
/// JSON or as text (coloured or not). Returns whether it is valid and whether its answer may
/// change with other keys: then nothing may have been appended yet.
fn judge_one(
    token: &[u8],
    judge: Option<&Judge>,
    now: i64,
    (json, color): (bool, bool),
    at: At,
    out: &mut Vec<u8>,
) -> (bool, Redo) {
    let Some(judge) = judge else {
        let (text, valid) = render_unverified(token, now, json);
        if json {
            out.extend_from_slice(text.render(color).trim_ascii_end().as_bytes());
            with_line(out, at.line);
        } else {
            let mut line = Styled::plain(format!("[{}] ", at.index + 1));
            line.append(text);
            line.push(Tone::Plain, "\n");
            out.extend_from_slice(line.render(color).as_bytes());
        }
        return (valid, Redo::No);
    };
    // Without keys, a token failing a check that needs none is rejected as usual; one
    // passing them all is shown unverified (not counted bad: the run's error says why).
    let unreachable = judge.unreachable.as_deref();
    // Judged as the issuer's ID token first (most tokens are): the verdict names its kind.
    let issuers = match (&judge.keys, unreachable) {
        (_, Some(why)) => Some(unreachable_verdict(
            token,
            &judge.expect,
            &why.to_string(),
            now,
        )),
        (Some(keys), None) => Some(id_token::verify(token, keys, &judge.expect, now)),
        (None, None) => None,
    };
    let kind = match &issuers {
        Some(v) => v.kind.clone(),
        None => id_token::decode(token).map_or(Kind::Other, |d| Kind::of(&d.header, &d.claims)),
    };
    // Another kind: judged by that kind's keys and rules.
    let (v, unreachable, redo) = if kind.own_rules() {
        match judge_kind(token, &kind, judge, now) {
            Ok(judged) => judged,
            Err(redo) => return (false, redo),
        }
    } else {
        let Some(v) = issuers else {
            return (false, Redo::IssuerKeys);
        };
        let redo = v
            .unknown_kid
            .then_some(Redo::UnknownKid(None, judge.generation));
        (v, unreachable, redo.unwrap_or(Redo::No))
    };
    if let Some(why) = unreachable
        && v.valid()
    {
        let human = || human_unreachable(&v, now);
        answer(out, (json, color), at, &unreachable_json(&v, why), human);
        return (true, Redo::No);
    }
    answer(out, (json, color), at, &Record(&v), || {
        human_verdict(&v, now)
    });
    (v.valid(), redo)
}

/// A token of a kind with keys and rules of its own, judged by them; `Err` when the keys it
/// needs have not been fetched yet.
fn judge_kind<'j>(
    token: &[u8],
    kind: &Kind,
    judge: &'j Judge,
    now: i64,
) -> std::result::Result<(Verdict, Option<&'j Error>, Redo), Redo> {
    let expect = super::kinds::expectations(kind, judge.audience.as_deref(), judge.hd.as_deref());
    let none = Default::default();
    let (keys, unreachable, redo) = match kind.keys_url() {
        _ if judge.given => {
            let keys = judge.keys.as_deref().ok_or(Redo::IssuerKeys)?;
            let redo = Redo::UnknownKid(None, judge.generation);
            (keys, judge.unreachable.as_deref(), Some(redo))
        }
        None => (&none, None, None),
        Some(url) => match judge.kinds.get(&url) {
            Some(k) => {
                let redo = Redo::UnknownKid(Some(url), k.generation);
                (&*k.keys, k.unreachable.as_deref(), Some(redo))
            }
            None => return Err(Redo::Keys(url)),
        },
    };
    let v = match unreachable {
        Some(why) => unreachable_verdict(token, &expect, &why.to_string(), now),
        None => id_token::verify(token, keys, &expect, now),
    };
    let redo = redo.filter(|_| v.unknown_kid).unwrap_or(Redo::No);
    Ok((v, unreachable, redo))
}

/// Appends one token's answer to `out`: its JSON with its `"line"`, or its text numbered.
fn answer(
    out: &mut Vec<u8>,
    (json, color): (bool, bool),
    at: At,
    record: &impl serde::Serialize,
    human: impl FnOnce() -> Styled,
) {
    if json {
        let _ = serde_json::to_writer(&mut *out, record);
        with_line(out, at.line);
    } else {
        let mut line = Styled::plain(format!("[{}] ", at.index + 1));
        line.append(human());
        line.push(Tone::Plain, "\n");
        out.extend_from_slice(line.render(color).as_bytes());
    }
}

/// The next block: at most [`BLOCK`] tokens or [`BLOCK_BYTES`], fewer when stdin has nothing
/// more buffered (a slow producer's tokens are judged as they come); none: stdin has ended.
fn read_block<R: Read>(lines: &mut TokenLines<R>, seq: usize, first: usize) -> Result<Block> {
    if let Some(e) = lines.failed.take() {
        return Err(Error::other(
            format!("cannot read tokens from stdin: {e}"),
            "pipe one token per line",
        ));
    }
    let mut block = Block {
        seq,
        first,
        bytes: Vec::with_capacity(BLOCK * 1024),
        ends: Vec::with_capacity(BLOCK),
        lines: Vec::with_capacity(BLOCK),
    };
    while block.len() < BLOCK
        && block.bytes.len() < BLOCK_BYTES
        && (block.len() == 0 || lines.whole_line_buffered())
    {
        let mark = block.bytes.len();
        match lines.next_token(&mut block.bytes) {
            Ok(Some(line)) => {
                block.ends.push(block.bytes.len());
                block.lines.push(line);
            }
            Ok(None) => break,
            // The tokens read before are judged and answered; the error comes next.
            Err(e) => {
                block.bytes.truncate(mark);
                lines.failed = Some(e);
                return match block.len() {
                    0 => read_block(lines, seq, first),
                    _ => Ok(block),
                };
            }
        }
    }
    Ok(block)
}

/// Tokens from stdin, one per line, as bytes (a line that is not text is a malformed token,
/// not a reason to stop): blank lines skipped, a UTF-8 byte-order mark at the start dropped,
/// the white space around a token left out (the verifier trims it too), and a token longer
/// than [`MAX_LINE`] kept only as far as the verifier needs to call it too long.
struct TokenLines<R> {
    reader: std::io::BufReader<R>,
    /// The line being read: how it is cut.
    cut: Cut,
    /// stdin's lines read so far, blank ones included: the next token's line number is past it.
    line: usize,
    /// A read that failed after some tokens of a block: reported once they are answered.
    failed: Option<std::io::Error>,
}

/// The verifier's cap ([`id_token::MAX_TOKEN_BYTES`]): a line holding more than that, white
/// space aside, gets the verdict a token that long gets wherever it comes from.
const MAX_LINE: usize = id_token::MAX_TOKEN_BYTES;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// How the line being read is kept.
struct Cut {
    /// Bytes of a byte-order mark matched at the very start of stdin; [`BOM`]'s length once
    /// past it (from the first line's first byte that is not one on).
    bom: usize,
    /// Only white space seen yet: it is not kept.
    leading: bool,
    /// Bytes kept: at most one past [`MAX_LINE`].
    kept: usize,
    /// More than white space came after the kept bytes: the token is longer than the cap.
    over: bool,
}

impl Cut {
    fn new() -> Cut {
        Cut {
            bom: 0,
            leading: true,
            kept: 0,
            over: false,
        }
    }

    /// Appends what of `bytes` (a piece of the line) the token needs to `out`.
    fn keep(&mut self, mut bytes: &[u8], out: &mut Vec<u8>) {
        if self.bom < BOM.len() {
            while self.bom < BOM.len() && bytes.first() == Some(&BOM[self.bom]) {
                self.bom += 1;
                bytes = &bytes[1..];
            }
            if !bytes.is_empty() {
                // Not a byte-order mark after all: what matched is the line's.
                self.not_a_bom(out);
            }
        }
        if self.leading {
            let skip = bytes
                .iter()
                .position(|b| !b.is_ascii_whitespace())
                .unwrap_or(bytes.len());
            bytes = &bytes[skip..];
            if bytes.is_empty() {
                return;
            }
            self.leading = false;
        }
        let room = (MAX_LINE + 1).saturating_sub(self.kept);
        let (kept, beyond) = bytes.split_at(bytes.len().min(room));
        out.extend_from_slice(kept);
        self.kept += kept.len();
        self.over |= !beyond.trim_ascii().is_empty();
    }

    /// Past the byte-order mark, if any: the bytes that matched the start of one without
    /// completing it are the line's own.
    fn not_a_bom(&mut self, out: &mut Vec<u8>) {
        let matched = std::mem::replace(&mut self.bom, BOM.len());
        if (1..BOM.len()).contains(&matched) {
            self.keep(&BOM[..matched], out);
        }
    }

    /// Ends the line kept from `start` in `out`, and readies the next one.
    fn finish(&mut self, start: usize, out: &mut Vec<u8>) {
        self.not_a_bom(out);
        if self.over {
            // Longer than the cap: what is kept is MAX_LINE + 1 bytes, and must stay longer
            // than the cap once trimmed (its last kept byte may be white space).
            if let Some(last) = out.last_mut() {
                *last = b'.';
            }
        } else {
            let token = out[start..].trim_ascii_end().len();
            out.truncate(start + token);
        }
        *self = Cut {
            bom: BOM.len(),
            ..Cut::new()
        };
    }
}

impl<R: Read> TokenLines<R> {
    fn new(reader: R) -> Self {
        TokenLines {
            // A batch reads megabytes: in reads of 256 KiB, which also make whole blocks.
            reader: std::io::BufReader::with_capacity(1 << 18, reader),
            cut: Cut::new(),
            line: 0,
            failed: None,
        }
    }

    /// Whether a whole line may be read without waiting on stdin: a producer that writes in
    /// pieces must not hold back the answers to the lines it has finished.
    fn whole_line_buffered(&self) -> bool {
        self.reader.buffer().contains(&b'\n')
    }

    /// Appends the next token to `out`; its line number, or None when stdin has ended.
    fn next_token(&mut self, out: &mut Vec<u8>) -> std::io::Result<Option<usize>> {
        loop {
            let start = out.len();
            if !self.next_line(out)? {
                return Ok(None);
            }
            if out.len() > start {
                return Ok(Some(self.line));
            }
        }
    }

    /// Appends what the next line holds of a token to `out`; false when stdin has ended.
    fn next_line(&mut self, out: &mut Vec<u8>) -> std::io::Result<bool> {
        let start = out.len();
        let mut any = false;
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                break;
            }
            any = true;
            let (take, done) = match memchr::memchr(b'\n', buf) {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            };
            self.cut.keep(&buf[..take - usize::from(done)], out);
            self.reader.consume(take);
            if done {
                break;
            }
        }
        if any {
            self.line += 1;
            self.cut.finish(start, out);
        }
        Ok(any)
    }
}

/// Writes answers; false once the reader has gone away (`| head`), which ends the batch. Any
/// other failed write (a full disk) fails the run.
fn write_answers(ctx: &Ctx, answers: &[u8]) -> Result<bool> {
    let mut out = ctx.io().stdout.borrow_mut();
    let mut written = || -> std::io::Result<()> {
        out.write_all(answers)?;
        out.flush()
    };
    match written() {
        Ok(()) => Ok(true),
        Err(e) => crate::output::write_failure(&e).map_or(Ok(false), Err),
    }
}

/// A count on stderr (indicatif, at most four redraws a second), only on a terminal: hidden
/// when stderr is a file, a pipe or a test's buffer.
struct Progress {
    bar: indicatif::ProgressBar,
}

impl Progress {
    fn new(ctx: &Ctx) -> Progress {
        let target = if ctx.io().stderr_is_terminal {
            indicatif::ProgressDrawTarget::stderr_with_hz(4)
        } else {
            indicatif::ProgressDrawTarget::hidden()
        };
        let bar = indicatif::ProgressBar::with_draw_target(None, target);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        Progress { bar }
    }

    fn update(&mut self, total: usize, bad: usize) {
        // One message, so a redraw never shows a count from one round beside another's.
        self.bar
            .set_message(format!("verified {total} tokens, {bad} rejected"));
    }

    fn finish(&mut self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::{BLOCK, BLOCK_BYTES, MAX_LINE, TokenLines, read_block};

    /// stdin fails after some whole lines: those are judged and answered, the error comes next.
    #[test]
    fn w15_tokens_read_before_a_failed_read_are_kept() {
        struct Failing(u8);
        impl std::io::Read for Failing {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                self.0 += 1;
                match self.0 {
                    1 => {
                        buf[..8].copy_from_slice(b"t1\nt2\nt3");
                        Ok(8)
                    }
                    _ => Err(std::io::Error::other("EIO")),
                }
            }
        }
        let mut lines = TokenLines::new(Failing(0));
        let block = read_block(&mut lines, 0, 0).unwrap();
        assert_eq!(block.tokens().collect::<Vec<_>>(), [&b"t1"[..], b"t2"]);
        assert_eq!(block.lines, [1, 2]);
        let failed = read_block(&mut lines, 1, 2).err().unwrap();
        assert!(failed.to_string().contains("EIO"), "{failed}");
    }

    /// A block holds at most [`BLOCK_BYTES`] of lines and one more line, and a line at most
    /// one byte past the cap, however long it is: memory stays flat whatever arrives.
    #[test]
    fn w14_a_block_of_huge_lines_stays_small() {
        let mut input = Vec::new();
        for _ in 0..3 {
            input.extend(std::iter::repeat_n(b'x', 4 * MAX_LINE));
            input.push(b'\n');
        }
        input.extend("t\n".repeat(BLOCK_BYTES / 2).into_bytes());
        input.extend(std::iter::repeat_n(b'y', MAX_LINE));
        input.push(b'\n');
        let mut lines = TokenLines::new(std::io::Cursor::new(input));
        let (mut seq, mut first, mut tokens) = (0, 0, 0);
        loop {
            let block = read_block(&mut lines, seq, first).unwrap();
            if block.len() == 0 {
                break;
            }
            assert!(
                block.bytes.len() <= BLOCK_BYTES + MAX_LINE,
                "{}",
                block.bytes.len()
            );
            assert!(block.tokens().all(|t| t.len() <= MAX_LINE + 1));
            (seq, first, tokens) = (seq + 1, first + block.len(), tokens + block.len());
        }
        assert_eq!(tokens, 3 + BLOCK_BYTES / 2 + 1);
        let small = "t\n".repeat(BLOCK + 5);
        let mut lines = TokenLines::new(std::io::Cursor::new(small.into_bytes()));
        assert_eq!(read_block(&mut lines, 0, 0).unwrap().len(), BLOCK);
        assert_eq!(read_block(&mut lines, 1, BLOCK).unwrap().len(), 5);
        assert_eq!(read_block(&mut lines, 2, BLOCK + 5).unwrap().len(), 0);
    }

    /// A reader that hands out its bytes `step` at a time, as a slow producer's pipe does.
    struct Trickle(std::io::Cursor<Vec<u8>>, usize);

    impl std::io::Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(self.1);
            self.0.read(&mut buf[..n])
        }
    }

    /// Every token of `input` with its line, read `step` bytes at a time.
    fn tokens(input: &[u8], step: usize) -> Vec<(usize, Vec<u8>)> {
        let mut lines = TokenLines::new(Trickle(std::io::Cursor::new(input.to_vec()), step));
        let mut out = Vec::new();
        loop {
            let mut token = b"kept".to_vec();
            match lines.next_token(&mut token).unwrap() {
                Some(line) => out.push((line, token.split_off(4))),
                None => return out,
            }
        }
    }

    #[test]
    fn w7_token_lines_skip_blanks_drop_a_bom_and_cut_an_endless_line() {
        let at_cap = "a".repeat(MAX_LINE);
        let mut input = b"\xEF\xBB\xBFfirst\r\n\n  \n second \t".to_vec();
        input.push(b'\n');
        input.extend(std::iter::repeat_n(b'x', MAX_LINE + 10));
        input.extend_from_slice(format!("\n\t{at_cap}  \r\n").as_bytes());
        input.extend_from_slice(format!("{at_cap} x\n{at_cap}{}\n", " ".repeat(9)).as_bytes());
        input.extend_from_slice(b"\xEF\xBB\xBFnot-at-the-start\nlast");
        let over = |c: u8| {
            let mut t = vec![c; MAX_LINE];
            t.push(b'.');
            t
        };
        let expected: Vec<(usize, Vec<u8>)> = vec![
            (1, b"first".to_vec()),
            (4, b"second".to_vec()),
            (5, over(b'x')),
            (6, at_cap.clone().into_bytes()),
            (7, {
                let mut t = at_cap.clone().into_bytes();
                t.push(b'.');
                t
            }),
            (8, at_cap.clone().into_bytes()),
            (9, b"\xEF\xBB\xBFnot-at-the-start".to_vec()),
            (10, b"last".to_vec()),
        ];
        for step in [1 << 20, 4096, 7, 1] {
            if step == 1 {
                // A byte at a time is slow over megabytes: the start of the input says enough.
                let head = &input[..input.iter().position(|b| *b == b'x').unwrap()];
                assert_eq!(tokens(head, 1), expected[..2], "one byte at a time");
                continue;
            }
            assert_eq!(tokens(&input, step), expected, "{step} bytes at a time");
        }
        // A byte-order mark cut short is the line's own text.
        assert_eq!(
            tokens(b"\xEF\xBBx\n\xEF\n", 1),
            [(1, b"\xEF\xBBx".to_vec()), (2, b"\xEF".to_vec())]
        );
        assert_eq!(tokens(b"\xEF\xBB\n", 2), [(1, b"\xEF\xBB".to_vec())]);
    }
}
