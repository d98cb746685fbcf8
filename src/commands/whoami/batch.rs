//! `whoami -`: one token per line from stdin, judged on every core, answered in order as JSON
//! Lines or text, with progress on a terminal.
//!
//! A pipeline: a reader thread cuts stdin into blocks (at most [`BLOCK`] tokens or
//! [`BLOCK_BYTES`], handed on as soon as no whole line is buffered, so a slow producer's answers
//! come at once), the workers judge each block into one buffer of answers, and this thread
//! writes the blocks in order as they come. No worker waits for another, and at most [`AHEAD`]
//! blocks per worker are read and not yet written, so memory stays flat however many tokens
//! arrive.

use super::render::{human_verdict, render_unverified};
use super::{rejected, verification};
use crate::cli::WhoamiArgs;
use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::google::id_token::{self, Expectations, KeySet};
use crate::google::jwks::KeySource;
use crate::output::{Data, Outcome};
use crate::style::{Styled, Tone};
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

/// One block of tokens: the lines, back to back, and where each ends.
struct Block {
    seq: usize,
    /// Index of the block's first token in the whole input.
    first: usize,
    bytes: Vec<u8>,
    ends: Vec<usize>,
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
    /// Which keys judged it (see [`Judge`]).
    generation: u32,
    text: Vec<u8>,
    /// Where each answer ends in `text`.
    ends: Vec<usize>,
    bad: usize,
    /// Answers whose token named a key we do not have: the position in the block, with the
    /// token, judged again if the issuer has published new keys since.
    unknown_kid: Vec<(usize, Vec<u8>)>,
}

/// What the workers judge with: the keys, numbered (the issuer's new keys replace them once a
/// run), and what the token must say; none for `--no-verify`.
type Judge = Option<(Arc<KeySet>, Expectations, u32)>;

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
        std::thread::spawn(move || read_blocks(TokenLines::new(stdin), &tickets_rx, &events))
    };
    let (work, work_rx) = mpsc::channel::<Block>();
    let work_rx = Mutex::new(work_rx);
    let judge: RwLock<Judge> = RwLock::new(None);
    let outcome = std::thread::scope(|scope| {
        // Owned here, so that however this ends, the workers see no more work and stop.
        let (work, events_tx) = (work, events_tx);
        for _ in 0..threads {
            let (work_rx, events, judge) = (&work_rx, events_tx.clone(), &judge);
            scope.spawn(move || worker(work_rx, &events, judge, now, json, color));
        }
        drop(events_tx);
        let mut writer = Writer {
            ctx,
            args,
            now,
            json,
            color,
            judge: &judge,
            source: None,
            generation: 0,
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
    judge: &'j RwLock<Judge>,
    /// Where the keys come from, once the first token has arrived.
    source: Option<(KeySource<'c>, Expectations)>,
    generation: u32,
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

    /// The keys and expectations, found when the first token arrives (no token, no network).
    fn set_judge(&mut self) -> Result<()> {
        if self.args.no_verify {
            return Ok(());
        }
        let (keys, expect) = self
            .source
            .insert(verification(self.ctx, self.args, false, None)?);
        publish(self.judge, keys.keys()?, expect, self.generation);
        Ok(())
    }

    /// Writes one block's answers; false once the reader has gone away.
    fn write(&mut self, mut judged: Judged) -> Result<bool> {
        if !judged.unknown_kid.is_empty() {
            self.judge_again(&mut judged)?;
        }
        self.total += judged.ends.len();
        self.bad += judged.bad;
        let open = write_answers(self.ctx, &judged.text)?;
        self.progress.update(self.total, self.bad);
        Ok(open)
    }

    /// Tokens signed by a key published after ours were read: the keys are fetched again (at
    /// most once per `jwks::REFETCH_AGAIN`), and every such token judged with the old keys is
    /// judged again.
    fn judge_again(&mut self, judged: &mut Judged) -> Result<()> {
        let Some((keys, expect)) = self.source.as_mut() else {
            return Ok(());
        };
        if judged.generation == self.generation && keys.refetch().unwrap_or(false) {
            self.generation += 1;
            publish(self.judge, keys.keys()?, expect, self.generation);
        }
        if judged.generation == self.generation {
            return Ok(());
        }
        let fresh = keys.keys()?;
        let mut text = Vec::with_capacity(judged.text.len());
        let mut ends = Vec::with_capacity(judged.ends.len());
        let mut again = judged.unknown_kid.iter().peekable();
        let mut start = 0;
        for (i, end) in judged.ends.iter().enumerate() {
            match again.next_if(|(at, _)| *at == i) {
                Some((_, token)) => {
                    let index = judged.first + i;
                    let judge = Some((fresh, &*expect));
                    let (valid, _) = judge_one(
                        token, judge, self.now, self.json, self.color, index, &mut text,
                    );
                    // It was counted bad; it may not be now.
                    judged.bad -= usize::from(valid);
                }
                None => text.extend_from_slice(&judged.text[start..*end]),
            }
            ends.push(text.len());
            start = *end;
        }
        judged.text = text;
        judged.ends = ends;
        Ok(())
    }
}

/// Hands the workers the keys they judge the next blocks with.
fn publish(judge: &RwLock<Judge>, keys: &KeySet, expect: &Expectations, generation: u32) {
    let shared = Some((Arc::new(keys.clone()), expect.clone(), generation));
    *judge
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = shared;
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
    judge: &RwLock<Judge>,
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
            let generation = judge.as_ref().map_or(0, |j| j.2);
            let judge = judge.as_ref().map(|(k, e, _)| (&**k, e));
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                judge_block(&block, judge, generation, now, json, color)
            }))
            .ok()
        });
        if events.send(Event::Judged(judged)).is_err() {
            return;
        }
    }
}

fn judge_block(
    block: &Block,
    judge: Option<(&KeySet, &Expectations)>,
    generation: u32,
    now: i64,
    json: bool,
    color: bool,
) -> Judged {
    let mut judged = Judged {
        seq: block.seq,
        first: block.first,
        generation,
        // Google's ID tokens answer in about 1.4 KB of JSON.
        text: Vec::with_capacity(block.len() * 1536),
        ends: Vec::with_capacity(block.len()),
        bad: 0,
        unknown_kid: Vec::new(),
    };
    for (i, token) in block.tokens().enumerate() {
        let mark = judged.text.len();
        // One token that trips a bug must not take its neighbours' answers with it.
        let answer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            judge_one(
                token,
                judge,
                now,
                json,
                color,
                block.first + i,
                &mut judged.text,
            )
        }));
        let (valid, unknown_kid) = answer.unwrap_or_else(|_| {
            judged.text.truncate(mark);
            broken_answer(json, color, block.first + i, &mut judged.text);
            (false, false)
        });
        judged.bad += usize::from(!valid);
        if unknown_kid {
            judged.unknown_kid.push((i, token.to_vec()));
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
fn broken_answer(json: bool, color: bool, index: usize, out: &mut Vec<u8>) {
    let reason = "gsignin failed while judging this token (a bug: please report it)";
    if json {
        let answer = json!({"valid": false, "checks": {}, "header": null, "claims": null, "error": {"code": "token_invalid", "message": reason}});
        let _ = serde_json::to_writer(&mut *out, &answer);
        out.push(b'\n');
    } else {
        let line = Styled::plain(format!("[{}] ", index + 1))
            .with(Tone::Invalid, "INVALID")
            .with(Tone::Plain, format!(": {reason}\n"))
            .render(color);
        out.extend_from_slice(line.as_bytes());
    }
}

/// Verifies (or, with no keys, only decodes) one token and appends the answer to `out`.
/// Returns whether it is valid and whether it named a key we do not have.
fn judge_one(
    token: &[u8],
    judge: Option<(&KeySet, &Expectations)>,
    now: i64,
    json: bool,
    color: bool,
    index: usize,
    out: &mut Vec<u8>,
) -> (bool, bool) {
    let Some((keys, expect)) = judge else {
        let (text, valid) = render_unverified(token, now, json);
        if json {
            out.extend_from_slice(text.render(color).as_bytes());
        } else {
            let mut line = Styled::plain(format!("[{}] ", index + 1));
            line.append(text);
            line.push(Tone::Plain, "\n");
            out.extend_from_slice(line.render(color).as_bytes());
        }
        return (valid, false);
    };
    let v = id_token::verify(token, keys, expect, now);
    if json {
        let _ = serde_json::to_writer(&mut *out, &v);
        out.push(b'\n');
    } else {
        let mut line = Styled::plain(format!("[{}] ", index + 1));
        line.append(human_verdict(&v, now));
        line.push(Tone::Plain, "\n");
        out.extend_from_slice(line.render(color).as_bytes());
    }
    (v.valid(), v.unknown_kid)
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
    };
    while block.len() < BLOCK
        && block.bytes.len() < BLOCK_BYTES
        && (block.len() == 0 || lines.whole_line_buffered())
    {
        let mark = block.bytes.len();
        match lines.next_token(&mut block.bytes) {
            Ok(true) => block.ends.push(block.bytes.len()),
            Ok(false) => break,
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
/// not a reason to stop): blank lines skipped, a UTF-8 byte-order mark at the start dropped, a
/// line longer than [`MAX_LINE`] cut there (and judged malformed).
struct TokenLines<R> {
    reader: std::io::BufReader<R>,
    first: bool,
    /// A read that failed after some tokens of a block: reported once they are answered.
    failed: Option<std::io::Error>,
}

/// Far above any real ID token (Google's are about 1 KB).
const MAX_LINE: usize = 1 << 16;

impl<R: Read> TokenLines<R> {
    fn new(reader: R) -> Self {
        TokenLines {
            // A batch reads megabytes: in reads of 256 KiB, which also make whole blocks.
            reader: std::io::BufReader::with_capacity(1 << 18, reader),
            first: true,
            failed: None,
        }
    }

    /// Whether a whole line may be read without waiting on stdin: a producer that writes in
    /// pieces must not hold back the answers to the lines it has finished.
    fn whole_line_buffered(&self) -> bool {
        self.reader.buffer().contains(&b'\n')
    }

    /// Appends the next token to `out`; false when stdin has ended.
    fn next_token(&mut self, out: &mut Vec<u8>) -> std::io::Result<bool> {
        loop {
            let start = out.len();
            if !self.next_line(out)? {
                return Ok(false);
            }
            if std::mem::take(&mut self.first) && out[start..].starts_with(b"\xEF\xBB\xBF") {
                out.drain(start..start + 3);
            }
            if !out[start..].trim_ascii().is_empty() {
                return Ok(true);
            }
            out.truncate(start);
        }
    }

    /// Appends the next line to `out`, without its line break; false when stdin has ended.
    fn next_line(&mut self, out: &mut Vec<u8>) -> std::io::Result<bool> {
        let start = out.len();
        let mut any = false;
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                return Ok(any);
            }
            any = true;
            let (take, done) = match memchr::memchr(b'\n', buf) {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            };
            let room = MAX_LINE.saturating_sub(out.len() - start);
            out.extend_from_slice(&buf[..take.min(room)]);
            self.reader.consume(take);
            if done {
                while out.len() > start && matches!(out.last(), Some(b'\n' | b'\r')) {
                    out.pop();
                }
                return Ok(true);
            }
        }
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
    fn tokens_read_before_a_failed_read_are_kept() {
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
        let failed = read_block(&mut lines, 1, 2).err().unwrap();
        assert!(failed.to_string().contains("EIO"), "{failed}");
    }

    #[test]
    fn a_block_of_huge_lines_stays_small() {
        let mut input = Vec::new();
        for _ in 0..5 {
            input.extend(std::iter::repeat_n(b'x', MAX_LINE + 10));
            input.push(b'\n');
        }
        let mut lines = TokenLines::new(std::io::Cursor::new(input));
        let block = read_block(&mut lines, 0, 0).unwrap();
        assert!(
            (1..=BLOCK_BYTES / MAX_LINE).contains(&block.len()),
            "{}",
            block.len()
        );
        assert!(block.bytes.len() <= BLOCK_BYTES + MAX_LINE);
        let small = "t\n".repeat(BLOCK + 5);
        let mut lines = TokenLines::new(std::io::Cursor::new(small.into_bytes()));
        assert_eq!(read_block(&mut lines, 0, 0).unwrap().len(), BLOCK);
        assert_eq!(read_block(&mut lines, 1, BLOCK).unwrap().len(), 5);
        assert_eq!(read_block(&mut lines, 2, BLOCK + 5).unwrap().len(), 0);
    }

    #[test]
    fn token_lines_skip_blanks_drop_a_bom_and_cut_an_endless_line() {
        let mut input = b"\xEF\xBB\xBFfirst\r\n\n  \nsecond".to_vec();
        input.push(b'\n');
        input.extend(std::iter::repeat_n(b'x', MAX_LINE + 10));
        input.extend_from_slice(b"\nthird\n");
        let mut lines = TokenLines::new(std::io::Cursor::new(input));
        let mut next = || {
            let mut out = b"kept".to_vec();
            lines
                .next_token(&mut out)
                .unwrap()
                .then(|| out.split_off(4))
        };
        assert_eq!(next().as_deref(), Some(&b"first"[..]));
        assert_eq!(next().as_deref(), Some(&b"second"[..]));
        assert_eq!(next().map(|l| l.len()), Some(MAX_LINE), "cut at the cap");
        assert_eq!(next().as_deref(), Some(&b"third"[..]));
        assert_eq!(next(), None);
    }
}
