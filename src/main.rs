//! The binary: parse, build the context, run the command, print, exit with the contract's code.

use clap::Parser;
use gsignin::cli::Cli;
use gsignin::context::{Ctx, Io, Settings};
use gsignin::output::Colors;
use gsignin::{commands, output};
use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    let mut settings = Settings::from_args(&cli.global);
    // A secret: read from the environment only, never from argv (other users can see that).
    settings.refresh_token = std::env::var("GSIGNIN_REFRESH_TOKEN")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .map(|v| gsignin::secret::Secret::new(v.trim()));
    settings.insecure_http = std::env::var("GSIGNIN_INSECURE_HTTP").is_ok_and(|v| v == "1");
    let json = settings.json;
    let mut io = Io::process();
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    io.colors = Colors::decide(
        cli.global.color,
        no_color,
        std::io::stdout().is_terminal(),
        io.stderr_is_terminal,
    );
    let colors = io.colors;
    let stderr = io.stderr.clone();
    let mut stdout = std::io::stdout().lock();
    let result = Ctx::new(settings, io).and_then(|ctx| commands::run(&ctx, cli.command));
    let mut err = stderr.borrow_mut();
    let code = match result {
        Ok(outcome) => output::render_with(outcome, json, colors, &mut stdout, &mut *err),
        Err(e) => output::render_error_with(&e, json, colors, &mut stdout, &mut *err),
    };
    ExitCode::from(code)
}

/// clap prints help, version and usage errors itself (usage errors exit 2, as the contract
/// says); under `--json` a usage error is also the contract's JSON error object on stdout.
fn usage_error(e: clap::Error) -> ExitCode {
    let json = std::env::args_os()
        .skip(1)
        .take_while(|a| a != "--")
        .any(|a| a == "--json");
    let is_usage = e.exit_code() == 2;
    if json && is_usage {
        let message = e
            .render()
            .to_string()
            .lines()
            .next()
            .unwrap_or_default()
            .trim_start_matches("error: ")
            .to_string();
        let err = gsignin::error::Error::usage(message, "run `gsignin --help` for the usage");
        let mut stdout = std::io::stdout().lock();
        let _ = output::render_error(&err, true, &mut stdout, &mut std::io::sink());
    }
    let _ = e.print();
    ExitCode::from(if is_usage { 2 } else { 0 })
}
