//! `--jq EXPR`: jq's language through jaq (a maintained Rust implementation with jq's
//! standard library), compiled once and run on each page.

use crate::error::{Error, Result};
use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Vars, data, unwrap_valr};
pub use jaq_json::Val;

pub struct Program(jaq_core::Filter<data::JustLut<Val>>);

impl Program {
    /// Compiles `expr`; a mistake in it is a usage error naming what jaq expected.
    pub fn compile(expr: &str) -> Result<Program> {
        let defs = jaq_core::defs()
            .chain(jaq_std::defs())
            .chain(jaq_json::defs());
        let funs = jaq_core::funs()
            .chain(jaq_std::funs())
            .chain(jaq_json::funs());
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

    /// Every value the program yields for `input`; a runtime error (`.a` of a list) ends it.
    pub fn run(&self, input: Val) -> Result<Vec<Val>> {
        let ctx = Ctx::<data::JustLut<Val>>::new(&self.0.lut, Vars::new([]));
        self.0
            .id
            .run((ctx, input))
            .map(unwrap_valr)
            .map(|r| {
                r.map_err(|e| {
                    Error::other(
                        format!("--jq failed on the answer: {e}"),
                        "check the expression against the answer (run without --jq to see it)",
                    )
                })
            })
            .collect()
    }
}

/// The deepest nesting read: far beyond any Google API's answer, and far below what would
/// exhaust the stack of the recursive parser and printer (an answer `[[[[…` must be an
/// error, not a crash).
pub const MAX_DEPTH: usize = 512;

/// Whether `body` nests arrays and objects deeper than `limit` (strings skipped).
fn nests_deeper_than(body: &[u8], limit: usize) -> bool {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &b in body {
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

    fn run(expr: &str, input: &str) -> Vec<String> {
        let program = Program::compile(expr).unwrap();
        program
            .run(parse(input.as_bytes()).unwrap())
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn jqs_language_and_standard_library_run() {
        let page =
            r#"{"files":[{"name":"a","size":"2"},{"name":"b","size":"5"}],"nextPageToken":"t"}"#;
        assert_eq!(run(".files[].name", page), ["\"a\"", "\"b\""]);
        assert_eq!(run("[.files[] | .size | tonumber] | add", page), ["7"]);
        assert_eq!(
            run(".files | map(select(.name == \"b\")) | length", page),
            ["1"]
        );
        assert_eq!(run("has(\"nextPageToken\")", page), ["true"]);
    }

    #[test]
    fn an_answer_nested_too_deep_is_an_error_not_a_crash() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(parse(deep.as_bytes()).unwrap_err().exit_code(), 1);
        let fine = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(fine.as_bytes()).is_ok());
        // Brackets inside strings are text.
        let text = format!("{{\"a\":\"{}\"}}", "[".repeat(10_000));
        assert!(parse(text.as_bytes()).is_ok());
    }

    #[test]
    fn a_mistake_is_a_usage_error_and_a_runtime_error_is_not() {
        let e = Program::compile(".files[").err().unwrap();
        assert_eq!(e.exit_code(), 2);
        assert_eq!(Program::compile("nosuchfn").err().unwrap().exit_code(), 2);
        let p = Program::compile(".a.b").unwrap();
        assert_eq!(p.run(parse(b"[1]").unwrap()).unwrap_err().exit_code(), 1);
    }
}
