//! `whoami -`: one token per line from stdin, judged on every core in rounds, answered in
//! order as JSON Lines or text, with progress on a terminal.

use super::render::{human_verdict, render_unverified};
use super::{CHUNK, rejected, verification};
use crate::cli::WhoamiArgs;
use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::google::id_token::{self, Expectations, KeySet};
use crate::google::jwks::KeySource;
use crate::output::{Data, Outcome};
use crate::style::{Styled, Tone};
use serde_json::json;
use std::io::{BufRead, Write};

/// One token per line from stdin, verified on every core in rounds of [`CHUNK`], answered in
/// order as they are read (JSON Lines under --json), with progress on a terminal. While the
/// workers judge one round, this thread writes the previous round's answers and reads the next.
pub(super) fn batch(ctx: &Ctx, args: &WhoamiArgs, now: i64) -> Result<Outcome> {
    let threads = std::thread::available_parallelism()
        .map(std::num::NonZero::get)
        .unwrap_or(1)
        .clamp(1, 16);
    let json = ctx.settings().json;
    // Answers are rendered on the workers, coloured there when stdout takes colour.
    let color = ctx.io().colors.stdout && !json;
    let mut stdin = ctx.io().stdin.borrow_mut();
    let mut lines = TokenLines::new(&mut *stdin);
    let mut read_chunk = || read_chunk(&mut lines);
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
                    scope.spawn(move || judge_part(part, judge, now, json, color, first))
                })
                .collect();
            let open = write_answers(ctx, &pending);
            let next = read_chunk();
            // Every worker catches a panic per token (see judge_part), so a join fails only
            // if rendering itself broke: that fails the run rather than dropping answers.
            let answers: std::result::Result<Vec<Vec<Answer>>, _> = workers
                .into_iter()
                .map(std::thread::ScopedJoinHandle::join)
                .collect();
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
                    *answer =
                        judge_one(token, Some((fresh, &*expect)), now, json, color, total + i);
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
    color: bool,
    first: usize,
) -> Vec<Answer> {
    part.iter()
        .enumerate()
        .map(|(i, t)| {
            // One token that trips a bug must not take its neighbours' answers with it.
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                judge_one(t, judge, now, json, color, first + i)
            }))
            .unwrap_or_else(|_| broken_answer(json, color, first + i))
        })
        .collect()
}

/// The answer for a token whose judging panicked: invalid, and said to be a bug.
fn broken_answer(json: bool, color: bool, index: usize) -> Answer {
    let reason = "gsignin failed while judging this token (a bug: please report it)";
    Answer {
        text: if json {
            format!(
                "{}\n",
                json!({"valid": false, "checks": {}, "header": null, "claims": null, "error": {"code": "token_invalid", "message": reason}})
            )
        } else {
            Styled::plain(format!("[{}] ", index + 1))
                .with(Tone::Invalid, "INVALID")
                .with(Tone::Plain, format!(": {reason}\n"))
                .render(color)
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
    color: bool,
    index: usize,
) -> Answer {
    let Some((keys, expect)) = judge else {
        let (text, valid) = render_unverified(token, now, json);
        return Answer {
            text: text.render(color),
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
        let mut line = Styled::plain(format!("[{}] ", index + 1));
        line.append(human_verdict(&v, now));
        line.push(Tone::Plain, "\n");
        line.render(color)
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
/// The next round of at most [`CHUNK`] tokens (none: stdin has ended).
fn read_chunk(lines: &mut TokenLines<'_>) -> Result<Vec<Vec<u8>>> {
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
}

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
    let mut out = ctx.io().stdout.borrow_mut();
    let mut written = || -> std::io::Result<()> {
        for (text, _) in answers {
            out.write_all(text.as_bytes())?;
        }
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
    use super::{MAX_LINE, TokenLines};

    #[test]
    fn token_lines_skip_blanks_drop_a_bom_and_cut_an_endless_line() {
        let mut input = b"\xEF\xBB\xBFfirst\r\n\n  \nsecond".to_vec();
        input.push(b'\n');
        input.extend(std::iter::repeat_n(b'x', MAX_LINE + 10));
        input.extend_from_slice(b"\nthird\n");
        let mut reader = std::io::Cursor::new(input);
        let mut lines = TokenLines::new(&mut reader);
        let mut next = || lines.next_token().unwrap();
        assert_eq!(next().as_deref(), Some(&b"first"[..]));
        assert_eq!(next().as_deref(), Some(&b"second"[..]));
        assert_eq!(next().map(|l| l.len()), Some(MAX_LINE), "cut at the cap");
        assert_eq!(next().as_deref(), Some(&b"third"[..]));
        assert_eq!(next(), None);
    }
}
