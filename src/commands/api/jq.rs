//! `--jq EXPR`: jq's language through jaq (a maintained Rust implementation with jq's
//! standard library), compiled once and run on each page, on a thread of its own
//! (`crate::deep`): jaq's parser and evaluator recurse as deep as the expression and the values
//! take, and jaq's values cannot leave the thread that made them, so the thread holds them from
//! the page's bytes to each output's text, which it hands over as it comes.

use super::style::Style;
use crate::deep;
use crate::error::{Error, Result};
use crate::io::Colors;
use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Vars, data};
pub use jaq_json::Val;
use std::sync::mpsc;

/// The longest expression: people write jq programs of a few hundred bytes (a longer one reads
/// gsignin's output with jq itself). jaq's parser and compiler recurse once an operator (`1+1+…`
/// is a level each), and what this lets through fits the thread's stack unoptimised.
pub const MAX_EXPRESSION: usize = 16 << 10;

/// The deepest nesting of brackets, strings and interpolations in an expression: jaq's parser
/// recurses once a level.
pub const MAX_NESTING: usize = 256;

/// How many outputs may wait for the writer: a reader that is slow (or gone) holds the
/// evaluation back, so an endless `repeat(1)` takes no more memory than these.
const WAITING: usize = 64;

/// The most output text written at once.
const BATCH: usize = 64 << 10;

/// The expression, compiled on its thread, which runs it on each page handed over.
pub struct Jq {
    pages: mpsc::Sender<Page>,
    guard: deep::Guard,
}

struct Page {
    body: Vec<u8>,
    outputs: mpsc::SyncSender<Output>,
}

enum Output {
    Text(Vec<u8>),
    Done(Result<()>),
}

impl Jq {
    /// Compiles `expr` (a mistake in it is a usage error naming what jaq expected) on the
    /// thread that will run it, whose outputs are written as `style` says. An expression or an
    /// evaluation deeper than the thread's stack ends the run with an error, rendered for
    /// `json` and `colors` as any other.
    pub fn start(expr: &str, style: Style, json: bool, colors: Colors) -> Result<Jq> {
        check_expression(expr)?;
        let (compiled_tx, compiled) = mpsc::channel();
        let (pages, pages_rx) = mpsc::channel();
        let owned = expr.to_string();
        let guard = deep::spawn("jq", ending(&too_deep(), json, colors), move || {
            work(&owned, style, &compiled_tx, pages_rx);
        })
        .map_err(|e| Error::other(format!("cannot start --jq: {e}"), "try again"))?;
        compiled.recv().map_err(|_| stopped())??;
        guard.on_overflow(ending(&ran_out(), json, colors));
        Ok(Jq { pages, guard })
    }

    /// Runs the expression on one answer; `emit` writes each output as it comes and says
    /// whether the reader is still there (false ends the page). A runtime error (`.a` of a
    /// list) ends it too.
    pub fn page(&self, body: &[u8], emit: &mut dyn FnMut(&[u8]) -> Result<bool>) -> Result<bool> {
        let (outputs, rx) = mpsc::sync_channel(WAITING);
        let page = Page {
            body: body.to_vec(),
            outputs,
        };
        self.pages.send(page).map_err(|_| stopped())?;
        loop {
            // Whatever more is already there goes out in the same write: a system call per
            // output would cost more than jaq takes to make one.
            let (text, done) = gather(&rx, rx.recv().map_err(|_| stopped()));
            if !text.is_empty() && !self.guard.writing(|| emit(&text))? {
                // Returning drops `rx`: the thread stops at its next output.
                return Ok(false);
            }
            if let Some(done) = done {
                return done.map(|()| true);
            }
        }
    }
}

/// `first`, then the outputs already waiting (up to [`BATCH`] bytes), as one text; and how the
/// page ended, once it has.
fn gather(rx: &mpsc::Receiver<Output>, first: Result<Output>) -> (Vec<u8>, Option<Result<()>>) {
    let mut text = Vec::new();
    let mut next = first;
    loop {
        match next {
            Ok(Output::Text(more)) => text.extend_from_slice(&more),
            Ok(Output::Done(done)) => return (text, Some(done)),
            Err(e) => return (text, Some(Err(e))),
        }
        if text.len() >= BATCH {
            return (text, None);
        }
        next = match rx.try_recv() {
            Ok(output) => Ok(output),
            Err(mpsc::TryRecvError::Empty) => return (text, None),
            Err(mpsc::TryRecvError::Disconnected) => Err(stopped()),
        };
    }
}

/// The thread: compiles, says how that went, then runs each page handed over.
fn work(
    expr: &str,
    style: Style,
    compiled: &mpsc::Sender<Result<()>>,
    pages: mpsc::Receiver<Page>,
) {
    let program = match Program::compile(expr) {
        Ok(program) => program,
        Err(e) => {
            let _ = compiled.send(Err(e));
            return;
        }
    };
    if compiled.send(Ok(())).is_err() {
        return;
    }
    for page in pages {
        let done = program.each(&page.body, &mut |value| {
            let mut text = Vec::new();
            style.value(&value, &mut text);
            page.outputs.send(Output::Text(text)).is_ok()
        });
        let _ = page.outputs.send(Output::Done(done));
    }
}

/// How the run ends when the thread's stack overflows: as any error does, rendered now (the
/// fault handler can only write bytes).
fn ending(e: &Error, json: bool, colors: Colors) -> deep::Ending {
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let code = crate::output::render_error_with(e, json, colors, &mut stdout, &mut stderr);
    deep::Ending {
        stdout,
        stderr,
        code: code.into(),
    }
}

fn too_deep() -> Error {
    Error::usage(
        "--jq: the expression nests deeper than gsignin parses",
        "write it with fewer nested levels (a def for a repeated part)",
    )
}

fn ran_out() -> Error {
    Error::other(
        "--jq ran out of stack: the expression recursed, or built a value nested, deeper than \
         gsignin evaluates",
        "bound the recursion (limit, first, until) and the nesting; run without --jq to see \
         the answer",
    )
}

fn stopped() -> Error {
    Error::other(
        "--jq stopped before the end of the answer (a failure in jaq)",
        "run without --jq to see the answer",
    )
}

/// An expression longer or more nested than the caps is refused before jaq parses it.
fn check_expression(expr: &str) -> Result<()> {
    if expr.len() > MAX_EXPRESSION {
        return Err(Error::usage(
            format!(
                "--jq: the expression is longer than the {} KiB gsignin reads",
                MAX_EXPRESSION >> 10
            ),
            "write it shorter (a def for a repeated part), or filter the output with jq itself",
        ));
    }
    if nesting(expr) > MAX_NESTING {
        return Err(Error::usage(
            format!("--jq: the expression nests deeper than {MAX_NESTING} levels"),
            "write it with fewer nested levels (a def for a repeated part)",
        ));
    }
    Ok(())
}

/// How deep `expr` nests brackets, strings and string interpolations (`"\(…)"`); what a
/// string or a comment says does not count.
fn nesting(expr: &str) -> usize {
    #[derive(PartialEq)]
    enum In {
        Code,
        Text,
    }
    let mut open = Vec::new();
    let (mut deepest, mut escaped, mut comment) = (0, false, false);
    // Backslashes that end the comment's line so far: jaq goes on with the comment on the
    // next line after an odd number of them.
    let mut backslashes = 0usize;
    for c in expr.bytes() {
        if open.last() == Some(&In::Text) {
            if std::mem::take(&mut escaped) {
                if c == b'(' {
                    open.push(In::Code);
                }
            } else if c == b'\\' {
                escaped = true;
            } else if c == b'"' {
                open.pop();
            }
        } else if comment {
            match c {
                b'\n' => {
                    comment = backslashes % 2 == 1;
                    backslashes = 0;
                }
                b'\\' => backslashes += 1,
                // jaq reads a line's end of `\r\n` as `\n`.
                b'\r' => {}
                _ => backslashes = 0,
            }
        } else {
            match c {
                b'#' => {
                    comment = true;
                    backslashes = 0;
                }
                b'"' => open.push(In::Text),
                b'(' | b'[' | b'{' => open.push(In::Code),
                b')' | b']' | b'}' => drop(open.pop()),
                _ => {}
            }
        }
        deepest = deepest.max(open.len());
    }
    deepest
}

struct Program(jaq_core::Filter<data::JustLut<Val>>);

type Data = data::JustLut<Val>;

impl Program {
    /// Compiles `expr`; a mistake in it is a usage error naming what jaq expected.
    fn compile(expr: &str) -> Result<Program> {
        let defs = jaq_core::defs()
            .chain(jaq_std::defs())
            .chain(jaq_json::defs());
        let funs = jaq_core::funs()
            .chain(jaq_std::funs())
            .chain(jaq_json::funs().filter(|(name, ..)| *name != "fromjson"))
            .chain([jaq_core::native::run::<Data>(fromjson())]);
        let arena = Arena::default();
        let loader = Loader::new(defs);
        let file = File {
            code: expr,
            path: (),
        };
        let modules = loader.load(&arena, file).map_err(|errors| {
            let why = errors
                .iter()
                .map(|(_, e)| load_error(e))
                .collect::<Vec<_>>()
                .join("; ");
            bad_expression(expr, &why)
        })?;
        let filter = Compiler::default()
            .with_funs(funs)
            .compile(modules)
            .map_err(|errors| {
                let why = errors
                    .iter()
                    .flat_map(|(_, list)| list.iter())
                    .map(|(name, kind)| format!("undefined {} `{name}`", undefined(kind)))
                    .collect::<Vec<_>>()
                    .join("; ");
                bad_expression(expr, &why)
            })?;
        Ok(Program(filter))
    }

    /// Hands `output` each value the program yields for the JSON `body`, until it says stop;
    /// a runtime error (`.a` of a list) ends it.
    fn each(&self, body: &[u8], output: &mut dyn FnMut(Val) -> bool) -> Result<()> {
        let input = parse(body)?;
        let ctx = Ctx::<Data>::new(&self.0.lut, Vars::new([]));
        for value in self.0.id.run((ctx, input)) {
            // jaq's own unwrapping ends the process on `halt` (from this thread, with any exit
            // code, the outputs still queued lost): a halt ends the outputs here instead.
            let value = match value.map_err(jaq_core::Exn::get_err) {
                Ok(value) => value,
                Err(Ok(e)) => {
                    return Err(Error::other(
                        format!("--jq failed on the answer: {e}"),
                        "check the expression against the answer (run without --jq to see it)",
                    ));
                }
                Err(Err(halt)) => return halted(halt.get_halt().unwrap_or(1)),
            };
            if !output(value) {
                break;
            }
        }
        Ok(())
    }
}

/// `halt` (exit code 0) ends the outputs; `halt_error` (any other code) is the run's error,
/// with the contract's exit code, not the one the expression names.
fn halted(code: i32) -> Result<()> {
    if code == 0 {
        return Ok(());
    }
    Err(Error::other(
        format!("--jq stopped with halt_error (its exit code {code})"),
        "the expression asked to stop: run without --jq to see the answer",
    ))
}

/// `fromjson` as jaq's, but a string nesting deeper than [`MAX_DEPTH`] is an error, as an
/// answer is: jaq's JSON parser recurses once a level.
fn fromjson() -> jaq_core::native::Filter<jaq_core::RunPtr<Data>> {
    ("fromjson", jaq_core::native::v(0), |cv| {
        use jaq_core::box_iter::then;
        let text = cv.1.try_as_utf8_bytes_owned().and_then(|text| {
            if nests_deeper_than(&text, MAX_DEPTH) {
                Err(jaq_json::Error::str(format_args!(
                    "cannot parse {} as JSON: it nests deeper than {MAX_DEPTH} levels",
                    cv.1
                )))
            } else {
                Ok(text)
            }
        });
        Box::new(then(text.map_err(jaq_core::Exn::from), move |text| {
            let input = cv.1.clone();
            let values = jaq_json::bytes_valrs(text, |text| {
                Box::new(jaq_json::read::parse_many(text).map(move |r| {
                    r.map_err(|e| {
                        jaq_json::Error::str(format_args!("cannot parse {input} as JSON: {e}"))
                    })
                }))
            });
            Box::new(values.map(|r| r.map_err(jaq_core::Exn::from)))
        }))
    })
}

/// The deepest nesting read: far beyond any Google API's answer, and far below what would
/// exhaust the stack of the recursive parser and printer (an answer `[[[[…` must be an
/// error, not a crash).
pub const MAX_DEPTH: usize = 512;

/// Whether `body` nests arrays and objects deeper than `limit` (strings skipped, and comments:
/// jaq's JSON reader takes `#` to the end of the line as one, so must this count).
fn nests_deeper_than(body: &[u8], limit: usize) -> bool {
    let (mut depth, mut in_string, mut escaped, mut comment) = (0usize, false, false, false);
    for &b in body {
        if comment {
            comment = b != b'\n';
            continue;
        }
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'#' => comment = true,
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// Parses a JSON body for the program.
pub fn parse(body: &[u8]) -> Result<Val> {
    if nests_deeper_than(body, MAX_DEPTH) {
        return Err(Error::other(
            format!(
                "the answer nests deeper than {MAX_DEPTH} levels: gsignin does not read it as JSON"
            ),
            "run without --jq to get its bytes",
        ));
    }
    jaq_json::read::parse_single(body).map_err(|e| {
        Error::other(
            format!("--jq needs a JSON answer, and this one is not JSON: {e}"),
            "run without --jq to see the answer",
        )
    })
}

fn bad_expression(expr: &str, why: &str) -> Error {
    Error::usage(
        format!("--jq `{expr}` is not a jq expression: {why}"),
        "see https://jqlang.org/manual/ for the language; quote the expression for the shell",
    )
}

fn load_error(e: &jaq_core::load::Error<&str>) -> String {
    use jaq_core::load::Error as E;
    let near = |s: &str| match s.chars().take(20).collect::<String>() {
        shown if shown.is_empty() => "the end".to_string(),
        shown => format!("`{shown}`"),
    };
    match e {
        E::Io(list) => list
            .iter()
            .map(|(path, why)| format!("{path}: {why}"))
            .collect::<Vec<_>>()
            .join("; "),
        E::Lex(list) => list
            .iter()
            .map(|(expect, at)| format!("expected {} at {}", expect.as_str(), near(at)))
            .collect::<Vec<_>>()
            .join("; "),
        E::Parse(list) => list
            .iter()
            .map(|(expect, at)| format!("expected {} at {}", expect.as_str(), near(at)))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

fn undefined(kind: &jaq_core::compile::Undefined) -> &'static str {
    use jaq_core::compile::Undefined as U;
    match kind {
        U::Mod => "module",
        U::Var => "variable",
        U::Label => "label",
        _ => "filter",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(expr: &str, input: &str) -> Result<Vec<String>> {
        let mut outputs = Vec::new();
        Program::compile(expr)?.each(input.as_bytes(), &mut |v| {
            outputs.push(v.to_string());
            true
        })?;
        Ok(outputs)
    }

    #[test]
    fn jqs_language_and_standard_library_run() {
        let page =
            r#"{"files":[{"name":"a","size":"2"},{"name":"b","size":"5"}],"nextPageToken":"t"}"#;
        assert_eq!(run(".files[].name", page).unwrap(), ["\"a\"", "\"b\""]);
        assert_eq!(
            run("[.files[] | .size | tonumber] | add", page).unwrap(),
            ["7"]
        );
        assert_eq!(
            run(".files | map(select(.name == \"b\")) | length", page).unwrap(),
            ["1"]
        );
        assert_eq!(run("has(\"nextPageToken\")", page).unwrap(), ["true"]);
        assert_eq!(
            run(".s | fromjson | .a", r#"{"s":"{\"a\":[1]}"}"#).unwrap(),
            ["[1]"]
        );
        assert_eq!(run("\"1 2\" | [fromjson]", "null").unwrap(), ["[1,2]"]);
    }

    #[test]
    fn a7_an_answer_nested_too_deep_is_an_error_not_a_crash() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(parse(deep.as_bytes()).unwrap_err().exit_code(), 1);
        let fine = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(fine.as_bytes()).is_ok());
        // Brackets inside strings are text.
        let text = format!("{{\"a\":\"{}\"}}", "[".repeat(10_000));
        assert!(parse(text.as_bytes()).is_ok());
    }

    /// A7: the string `fromjson` parses is outside input as the answer is (it once overflowed
    /// the stack after the token was sent, and the core file held the tokens).
    #[test]
    fn a7_comments_jaq_reads_do_not_hide_nesting_from_the_caps() {
        // `#` to the end of a line is a comment to jaq's JSON reader: a quote inside one must
        // not make the count take the brackets after it for a string.
        let deep = format!("#\"\n{}{}\n#\"", "[".repeat(600), "]".repeat(600));
        assert!(nests_deeper_than(deep.as_bytes(), MAX_DEPTH));
        assert!(parse(deep.as_bytes()).is_err());
        let hidden = serde_json::json!({ "s": deep });
        let e = run(".s | fromjson | length", &hidden.to_string()).unwrap_err();
        assert!(e.to_string().contains("nests deeper than"), "{e}");
        // A comment line ending in an odd number of backslashes goes on to the next line, as
        // jaq's lexer reads it: the quote there is comment, the parentheses after it code.
        let n = MAX_NESTING + 1;
        let expr = format!("# \\\n\"\n{}1{}\n# \"", "(".repeat(n), ")".repeat(n));
        assert_eq!(check_expression(&expr).unwrap_err().exit_code(), 2);
        // An even number ends the comment where the line ends.
        let expr = format!("# \\\\\n{}1{}", "(".repeat(n), ")".repeat(n));
        assert_eq!(check_expression(&expr).unwrap_err().exit_code(), 2);
        assert!(check_expression("# a comment \\\\\n.a").is_ok());
    }

    #[test]
    fn a7_halt_ends_the_outputs_and_halt_error_is_the_runs_error_never_an_exit() {
        assert_eq!(run("1, 2, halt, 3", "null").unwrap(), ["1", "2"]);
        let e = run("1, (\"x\" | halt_error(139))", "null").unwrap_err();
        assert_eq!(e.exit_code(), 1);
        assert!(e.to_string().contains("halt_error"), "{e}");
    }

    #[test]
    fn a7_fromjson_is_bounded_as_an_answer_is() {
        let deep =
            serde_json::json!({"s": format!("{}{}", "[".repeat(100_000), "]".repeat(100_000))});
        let e = run(".s | fromjson", &deep.to_string()).unwrap_err();
        assert_eq!(e.exit_code(), 1);
        assert!(e.to_string().contains("nests deeper than 512"), "{e}");
        let fine =
            serde_json::json!({"s": format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH))});
        assert_eq!(
            run(".s | fromjson | length", &fine.to_string()).unwrap(),
            ["1"]
        );
        // jq's own spelling of it, and a parse error, still read as before.
        assert!(run(".s | fromjson", r#"{"s":"[1,"}"#).is_err());
        assert_eq!(
            run(r#""[[1]]" | tonumber? // fromjson"#, "null").unwrap(),
            ["[[1]]"]
        );
    }

    /// A7: jaq's parser recurses once a level; an expression longer or deeper than the caps is
    /// refused before it parses it.
    #[test]
    fn a7_an_expression_too_long_or_too_deep_is_refused_before_jaq_parses_it() {
        let long = format!("{}1", "1+".repeat(MAX_EXPRESSION));
        let e = check_expression(&long).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("longer than"), "{e}");
        for deep in [
            format!(
                "{}1{}",
                "(".repeat(MAX_NESTING + 1),
                ")".repeat(MAX_NESTING + 1)
            ),
            format!(
                "{}1{}",
                "[".repeat(MAX_NESTING + 1),
                "]".repeat(MAX_NESTING + 1)
            ),
            format!(
                "{}1{}",
                "\"\\(".repeat(MAX_NESTING),
                ")\"".repeat(MAX_NESTING)
            ),
        ] {
            let e = check_expression(&deep).unwrap_err();
            assert_eq!(e.exit_code(), 2);
            assert!(e.to_string().contains("nests deeper"), "{e}");
        }
        // What a string or a comment says is no nesting; the caps themselves pass.
        let said = format!("\"{}\" # {}\n.", "(".repeat(1000), "[".repeat(1000));
        assert_eq!(nesting(&said), 1);
        let at_cap = format!("{}1{}", "(".repeat(MAX_NESTING), ")".repeat(MAX_NESTING));
        assert!(check_expression(&at_cap).is_ok());
        assert_eq!(nesting(r#""a\"(" | "\(1 + ("x")) (""#), 4);
    }

    /// The ceiling the caps are set against: what they let through parses on the thread's
    /// stack (unoptimised, as here, the most a level takes).
    #[test]
    fn a7_what_the_caps_let_through_parses_on_the_threads_stack() {
        let at_caps = [
            format!("{}1", "- ".repeat(MAX_EXPRESSION / 2 - 1)),
            format!("{}1", "1+".repeat(MAX_EXPRESSION / 2 - 1)),
            format!("{}1", ". as $x | ".repeat(MAX_EXPRESSION / 10 - 1)),
            format!(
                "{}1{}",
                "[(".repeat(MAX_NESTING / 2),
                ")]".repeat(MAX_NESTING / 2)
            ),
        ];
        std::thread::Builder::new()
            .stack_size(deep::STACK)
            .spawn(move || {
                for expr in at_caps {
                    check_expression(&expr).unwrap();
                    run(&expr, "null").unwrap();
                }
            })
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn a_mistake_is_a_usage_error_and_a_runtime_error_is_not() {
        let e = Program::compile(".files[").err().unwrap();
        assert_eq!(e.exit_code(), 2);
        assert_eq!(Program::compile("nosuchfn").err().unwrap().exit_code(), 2);
        assert_eq!(run(".a.b", "[1]").unwrap_err().exit_code(), 1);
    }

    /// Each output is handed over as it comes, and a reader that goes stops the evaluation:
    /// `repeat(1) | head -1` ends (it once gathered every output first, forever).
    #[test]
    fn a7_outputs_are_handed_over_as_they_come_and_stop_when_the_reader_goes() {
        let style = Style {
            terminal: false,
            pretty: false,
            color: false,
        };
        let jq = Jq::start("repeat(1)", style, false, Colors::NONE).unwrap();
        let mut calls = 0;
        let reading = jq
            .page(b"null", &mut |text| {
                calls += 1;
                // What was waiting comes in one write, whole outputs only.
                assert!(!text.is_empty() && text.len() <= BATCH + 1);
                assert!(text.chunks(2).all(|line| line == b"1\n"));
                Ok(false)
            })
            .unwrap();
        assert!(!reading);
        assert_eq!(calls, 1);
        // The thread is free for the next page, and says how each went.
        let jq = Jq::start(".a[]", style, false, Colors::NONE).unwrap();
        for _ in 0..2 {
            let mut seen = Vec::new();
            let mut emit = |text: &[u8]| {
                seen.extend_from_slice(text);
                Ok(true)
            };
            assert!(jq.page(br#"{"a":[1,"x"]}"#, &mut emit).unwrap());
            assert_eq!(seen, b"1\nx\n");
        }
        assert_eq!(
            jq.page(b"[1]", &mut |_| Ok(true)).unwrap_err().exit_code(),
            1
        );
        let e = Jq::start(".files[", style, false, Colors::NONE)
            .err()
            .unwrap();
        assert_eq!(e.exit_code(), 2);
    }
}
