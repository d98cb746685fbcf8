//! The program as a function: argv, the environment and the streams in, an exit code out.
//!
//! `main.rs` calls it with the process's own; tests call it in-process with captured streams
//! and a context tuned to not wait (no backoff sleeps, short deadlines).

use crate::cli::Cli;
use crate::context::{Ctx, Io, Settings};
use crate::envvars;
use crate::error::Error;
use crate::output::{self, Colors};
use clap::Parser;
use std::ffi::OsString;
use std::io::Write;

/// Looks up an environment variable (the process's, or a test's map).
pub type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Runs gsignin: `args` is argv (program name first). `tune` may adjust the context before
/// the command runs. Returns the exit code.
pub fn run(
    args: Vec<OsString>,
    env: EnvLookup<'_>,
    mut io: Io,
    stdout_is_terminal: bool,
    tune: impl FnOnce(&mut Ctx),
) -> u8 {
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => return usage_error(e, &args, &io),
    };
    let mut settings = Settings::from_args(&cli.global);
    // A secret: read from the environment only, never from argv (other users can see that).
    settings.refresh_token = env(envvars::REFRESH_TOKEN)
        .filter(|v| !v.trim().is_empty())
        .map(|v| crate::secret::Secret::new(v.trim()));
    settings.insecure_http = env(envvars::INSECURE_HTTP).is_some_and(|v| v == "1");
    let json = settings.json;
    let verbose = settings.verbose;
    let no_color = env(envvars::NO_COLOR).is_some_and(|v| !v.is_empty());
    io.colors = Colors::decide(
        cli.global.color.into(),
        no_color,
        stdout_is_terminal,
        io.stderr_is_terminal,
    );
    let colors = io.colors;
    let (out, err) = (io.stdout.clone(), io.stderr.clone());
    let result = Ctx::new(settings, io).and_then(|mut ctx| {
        tune(&mut ctx);
        crate::commands::run(&ctx, cli.command)
    });
    let (mut out, mut err) = (out.borrow_mut(), err.borrow_mut());
    match result {
        Ok(outcome) => output::render_with(outcome, json, colors, &mut *out, &mut *err),
        Err(e) => {
            let code = output::render_error_with(&e, json, colors, &mut *out, &mut *err);
            // Under -v, what failed below the message, outermost first.
            if verbose {
                for cause in e.chain() {
                    let _ = writeln!(err, "  caused by: {cause}");
                }
            }
            code
        }
    }
}

/// Help and version go to stdout (exit 0); usage errors to stderr (exit 2, as the contract
/// says), and under `--json` also as the contract's JSON error object on stdout.
fn usage_error(e: clap::Error, args: &[OsString], io: &Io) -> u8 {
    let is_usage = e.exit_code() == 2;
    let json = args
        .iter()
        .skip(1)
        .take_while(|a| *a != "--")
        .any(|a| a == "--json");
    let rendered = e.render();
    let text = if io.stderr_is_terminal {
        rendered.ansi().to_string()
    } else {
        rendered.to_string()
    };
    if !is_usage {
        let _ = write!(io.stdout.borrow_mut(), "{text}");
        return 0;
    }
    if json {
        let message = rendered
            .to_string()
            .lines()
            .next()
            .unwrap_or_default()
            .trim_start_matches("error: ")
            .to_string();
        let err = Error::usage(message, "run `gsignin --help` for the usage");
        let _ = output::render_error(
            &err,
            true,
            &mut *io.stdout.borrow_mut(),
            &mut std::io::sink(),
        );
    }
    let _ = write!(io.stderr.borrow_mut(), "{text}");
    2
}
