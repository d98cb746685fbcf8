//! Snapshots (insta) of what people read: every `--help`, and the exit code, stdout and stderr
//! of exchange, whoami, status and error paths. Ports, paths, times, key IDs and token hashes
//! are filtered out. Review changes with `cargo insta review` (or
//! `INSTA_UPDATE=always cargo test --test it snapshots::`).

use crate::support::COMMANDS;
use crate::support::{Env, bare_cmd, exits, stdout};

fn filters() -> Vec<(&'static str, &'static str)> {
    vec![
        (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "[TIME]"),
        (
            r"\bin \d+ (?:d|h|min|s)(?: \d+ (?:d|h|min|s))?",
            "[RELATIVE]",
        ),
        (
            r"\b\d+ (?:d|h|min|s)(?: \d+ (?:d|h|min|s))? ago",
            "[RELATIVE]",
        ),
        (r"\bnow\b", "[RELATIVE]"),
        (r"\b1\d{9}\b", "[UNIX]"),
        (r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]"),
        (r"(/[^\s/]+)*/\.tmp[A-Za-z0-9]+", "[HOME]"),
        (r"\b[0-9a-f]{40}\b", "[KID]"),
        (r"at_hash(\s+)\S+", "at_hash$1[AT_HASH]"),
    ]
}

#[test]
fn help_texts() {
    let out = exits(bare_cmd().env_remove("COLUMNS").arg("--help"), 0);
    insta::assert_snapshot!("help", stdout(&out));
    for command in COMMANDS {
        let out = exits(
            bare_cmd().env_remove("COLUMNS").args([command, "--help"]),
            0,
        );
        insta::assert_snapshot!(format!("help_{command}"), stdout(&out));
    }
}

/// What a person sees of a run: its exit code, stdout and stderr.
fn transcript(out: &std::process::Output) -> String {
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        out.status.code().unwrap_or(-1),
        stdout(out),
        crate::support::stderr(out)
    )
}

#[test]
fn human_output_of_exchange_whoami_and_status() {
    let env = Env::new();
    insta::with_settings!({filters => filters()}, {
        let out = exits(env.cmd().args(["exchange", &env.code()]), 0);
        insta::assert_snapshot!("exchange", transcript(&out));
        let out = exits(env.cmd().arg("whoami"), 0);
        insta::assert_snapshot!("whoami", transcript(&out));
        let out = exits(env.cmd().arg("status"), 0);
        insta::assert_snapshot!("status", transcript(&out));
        let out = exits(env.cmd().args(["whoami", "abc.def.ghi"]), 3);
        insta::assert_snapshot!("whoami_garbage", transcript(&out));
    });
}

#[test]
fn error_transcripts() {
    let env = Env::new();
    insta::with_settings!({filters => filters()}, {
        let out = exits(env.cmd().arg("refresh"), 4);
        insta::assert_snapshot!("error_not_signed_in", transcript(&out));
        let out = exits(env.cmd().args(["exchange", "4/0-not-a-code"]), 4);
        insta::assert_snapshot!("error_code_refused", transcript(&out));
        let out = exits(env.cmd().args(["--json", "exchange", "4/0-not-a-code"]), 4);
        insta::assert_snapshot!("error_code_refused_json", transcript(&out));
        let out = exits(env.cmd().args(["refresh", "--bogus"]), 2);
        insta::assert_snapshot!("error_usage", transcript(&out));
    });
}
