//! The program as a function: argv, the environment and the streams in, an exit code out.
//!
//! `main.rs` calls it with the process's own; tests call it in-process with captured streams
//! and a context tuned to not wait (no backoff sleeps, short deadlines).

use crate::cli::Cli;
use crate::context::{Ctx, EnvLookup, Hooks, Io, Settings};
use crate::envvars;
use crate::error::Error;
use crate::output::{self, Colors};
use std::ffi::OsString;
use std::io::Write;

/// Runs gsignin: `args` is argv (program name first), `hooks` the effects injected in place
/// of the real ones (none, in the binary). Returns the exit code.
pub fn run(
    args: Vec<OsString>,
    env: EnvLookup<'_>,
    mut io: Io,
    stdout_is_terminal: bool,
    hooks: Hooks,
) -> u8 {
    let no_color = env(envvars::NO_COLOR).is_some_and(|v| !v.is_empty());
    let cli = match Cli::parse_args(&args) {
        Ok(cli) => cli,
        Err(e) => {
            let colors = Colors::decide(
                color_asked(&args),
                no_color,
                stdout_is_terminal,
                io.stderr_is_terminal,
            );
            // Of a global option's variable that is not UTF-8, clap says "invalid UTF-8 was
            // detected in one or more arguments" (or shows its value mangled): the variable
            // is named instead.
            if e.exit_code() == 2
                && let Err(unreadable) = envvars::check_readable(env)
            {
                let (mut out, mut err) = (io.stdout.borrow_mut(), io.stderr.borrow_mut());
                return output::render_error_with(
                    &unreadable,
                    json_asked(&args),
                    colors,
                    &mut *out,
                    &mut *err,
                );
            }
            return usage_error(e, &args, &io, colors);
        }
    };
    io.stdout_is_terminal = stdout_is_terminal;
    io.colors = Colors::decide(
        cli.global.color.into(),
        no_color,
        stdout_is_terminal,
        io.stderr_is_terminal,
    );
    let colors = io.colors;
    // Every variable is read before the command runs: one set but unreadable is refused, never
    // taken for unset (a stored sign-in used instead of GSIGNIN_REFRESH_TOKEN, a proxy skipped).
    let settings = match envvars::check_readable(env)
        .and_then(|()| Settings::resolve(&cli.global, env))
    {
        Ok(settings) => settings,
        Err(e) => {
            let (mut out, mut err) = (io.stdout.borrow_mut(), io.stderr.borrow_mut());
            return output::render_error_with(&e, cli.global.json, colors, &mut *out, &mut *err);
        }
    };
    let json = settings.json;
    let verbose = settings.verbose;
    let (out, err) = (io.stdout.clone(), io.stderr.clone());
    let result = match crate::commands::standalone(&cli.command) {
        Some(result) => result,
        None => {
            Ctx::new(settings, io, hooks).and_then(|ctx| crate::commands::run(&ctx, cli.command))
        }
    };
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
fn usage_error(e: clap::Error, args: &[OsString], io: &Io, colors: Colors) -> u8 {
    let is_usage = e.exit_code() == 2;
    let json = json_asked(args);
    let rendered = e.render();
    // Help goes to stdout, errors to stderr: each coloured only if its own stream takes colour.
    let text = |color: bool| {
        if color {
            rendered.ansi().to_string()
        } else {
            rendered.to_string()
        }
    };
    if !is_usage {
        // Help and version are output like any other: a full disk is a failure, not a 0.
        let mut out = io.stdout.borrow_mut();
        let written = write!(out, "{}", text(colors.stdout)).and_then(|()| out.flush());
        return match written.as_ref().err().and_then(output::write_failure) {
            Some(failed) => output::render_error_with(
                &failed,
                false,
                colors,
                &mut std::io::sink(),
                &mut *io.stderr.borrow_mut(),
            ),
            None => 0,
        };
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
    let _ = write!(io.stderr.borrow_mut(), "{}", text(colors.stderr));
    2
}

/// Whether argv asks for `--json`, for the errors met before it is parsed.
fn json_asked(args: &[OsString]) -> bool {
    args.iter()
        .skip(1)
        .take_while(|a| *a != "--")
        .any(|a| a == "--json")
}

/// `--color` as written in argv, for the messages clap renders before anything is parsed.
fn color_asked(args: &[OsString]) -> crate::io::ColorChoice {
    use crate::io::ColorChoice;
    let args: Vec<&str> = args.iter().filter_map(|a| a.to_str()).collect();
    let value = args.iter().enumerate().find_map(|(i, a)| {
        a.strip_prefix("--color=").or_else(|| {
            (*a == "--color")
                .then(|| args.get(i + 1).copied())
                .flatten()
        })
    });
    match value {
        Some("always") => ColorChoice::Always,
        Some("never") => ColorChoice::Never,
        _ => ColorChoice::Auto,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs argv with stderr on a terminal and stdout not; returns (code, stdout, stderr).
    fn run_tty_stderr(argv: &[&str]) -> (u8, String, String) {
        let (mut io, out, err) = crate::io::capture();
        io.stderr_is_terminal = true;
        let args = argv.iter().map(OsString::from).collect();
        let code = run(args, &|_| None, io, false, Hooks::default());
        (code, crate::io::text(&out), crate::io::text(&err))
    }

    /// stdout on a full disk: every write fails as /dev/full's do.
    struct Full;

    impl Write for Full {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::from_raw_os_error(28))
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Err(std::io::Error::from_raw_os_error(28))
        }
    }

    #[test]
    fn x9_help_and_version_on_a_full_disk_are_exit_1_with_one_line() {
        for argv in [
            &["gsignin", "--version"][..],
            &["gsignin", "-V"],
            &["gsignin", "--help"],
            &["gsignin", "-h"],
            &["gsignin", "help"],
            &["gsignin", "help", "whoami"],
            &["gsignin", "whoami", "--help"],
            &["gsignin", "emulator", "-h"],
            &["gsignin", "--json", "--version"],
        ] {
            let (mut io, _, err) = crate::io::capture();
            io.stdout = std::rc::Rc::new(std::cell::RefCell::new(Box::new(Full)));
            let args = argv.iter().map(OsString::from).collect();
            let code = run(args, &|_| None, io, false, Hooks::default());
            let err = crate::io::text(&err);
            assert_eq!(code, 1, "{argv:?}: {err}");
            assert_eq!(err.lines().count(), 1, "{argv:?}: {err}");
            assert!(
                err.starts_with("gsignin: error: cannot write the output"),
                "{err}"
            );
        }
    }

    #[test]
    fn help_piped_while_stderr_is_a_terminal_has_no_colour() {
        let (code, out, _) = run_tty_stderr(&["gsignin", "--help"]);
        assert_eq!(code, 0);
        assert!(out.contains("Usage:") && !out.contains('\x1b'), "{out:?}");
        let (code, _, err) = run_tty_stderr(&["gsignin", "refresh", "--bogus"]);
        assert_eq!(code, 2);
        assert!(
            err.contains('\x1b'),
            "a usage error on a terminal is coloured: {err:?}"
        );
        let (_, _, err) = run_tty_stderr(&["gsignin", "--color", "never", "refresh", "--bogus"]);
        assert!(!err.contains('\x1b'), "{err:?}");
    }
}
