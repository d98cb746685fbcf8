//! `gsignin completions` and `gsignin man`: generated from the CLI definition itself, so they
//! never drift from it (copies are committed in completions/ and man/; a test compares them).
//!
//! Completions are clap's dynamic ones: the script a shell loads calls gsignin back for each
//! completion, so `--profile` completes the profiles stored now, not file names.

use crate::cli::Cli;
use crate::error::{Error, Result};
use crate::output::{Data, Outcome};
use clap::CommandFactory;

/// The variable through which a shell asks gsignin for completions.
pub const COMPLETE_VAR: &str = crate::envvars::COMPLETE;

/// Answers a shell asking for completions (the script `completions` prints sets
/// [`COMPLETE_VAR`]): the exit code when it asked, None for any other run. An answer that
/// cannot be written (a full disk) is exit 1 with one line, as any other output is.
pub fn answer_completion_request() -> Option<i32> {
    use std::io::Write;
    if let Some(refused) = unknown_completion_shell() {
        let code = crate::output::render_error(
            &refused,
            false,
            &mut std::io::sink(),
            &mut std::io::stderr(),
        );
        return Some(i32::from(code));
    }
    let answered = clap_complete::CompleteEnv::with_factory(Cli::command)
        .var(COMPLETE_VAR)
        .try_complete(std::env::args_os(), std::env::current_dir().ok().as_deref());
    let failed = match answered {
        Ok(false) => return None,
        Ok(true) => match std::io::stdout()
            .flush()
            .err()
            .map(|e| crate::output::write_failure(&e))
        {
            Some(Some(failed)) => failed,
            // Written, or the shell stopped reading: its choice.
            _ => return Some(0),
        },
        // clap keeps an I/O error's text alone: a failed write of the answer.
        Err(e) if e.kind() == clap::error::ErrorKind::Io => Error::other(
            format!(
                "cannot write the output: {}",
                e.to_string().trim().trim_start_matches("error: ")
            ),
            "check where stdout goes (a full disk, a closed file)",
        ),
        Err(e) => e.exit(),
    };
    let mut stderr = std::io::stderr();
    let code = crate::output::render_error(&failed, false, &mut std::io::sink(), &mut stderr);
    Some(i32::from(code))
}

/// A completion request that names no shell gsignin answers (or is not text): a usage error
/// naming the variable, never a failed write of the answer. Unset, empty and `0` are no
/// request (clap's rule).
fn unknown_completion_shell() -> Option<Error> {
    let value = std::env::var_os(COMPLETE_VAR)?;
    if value.is_empty() || value == "0" {
        return None;
    }
    let known = value.to_str().is_some_and(|name| {
        clap_complete::env::Shells::builtins()
            .completer(name)
            .is_some()
    });
    (!known).then(|| {
        Error::usage(
            format!("{COMPLETE_VAR} names no shell gsignin completes for"),
            "unset it, or set it to bash, zsh, fish, elvish or powershell (the script \
             `gsignin completions SHELL` prints sets it)",
        )
    })
}

fn completion_script(shell: clap_complete::Shell) -> String {
    let shells = clap_complete::env::Shells::builtins();
    let mut buf = Vec::new();
    if let Some(completer) = shells.completer(&shell.to_string()) {
        let _ =
            completer.write_registration(COMPLETE_VAR, "gsignin", "gsignin", "gsignin", &mut buf);
    }
    String::from_utf8_lossy(&buf).into_owned()
}

/// The pages: gsignin(1), and gsignin-COMMAND(1) for each command.
pub fn man_page(command: Option<&str>) -> Result<String> {
    // The committed page must not change with every commit: no commit in its version.
    let root = Cli::command().long_version(None::<&'static str>);
    let mut buf = Vec::new();
    let written = match command {
        None => render_root(&root, &mut buf),
        Some(name) => {
            let sub = root
                .get_subcommands()
                .find(|c| c.get_name() == name)
                .ok_or_else(|| {
                    Error::usage(
                        format!("no command `{}`", crate::redact::escape_controls(name)),
                        "gsignin man COMMAND, for one of the commands in `gsignin --help`",
                    )
                })?
                .clone();
            render_command(&root, sub, &mut buf)
        }
    };
    written.map_err(|e| Error::other(format!("cannot render the man page: {e}"), ""))?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// The commands that get their own page (not clap's `help`).
pub fn commands() -> Vec<String> {
    Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .filter(|n| n != "help")
        .collect()
}

fn render_root(root: &clap::Command, out: &mut Vec<u8>) -> std::io::Result<()> {
    let man = clap_mangen::Man::new(root.clone());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    man.render_subcommands_section(out)?;
    render_environment(out)?;
    man.render_extra_section(out)?;
    render_see_also(&commands(), None, out)?;
    man.render_version_section(out)
}

fn render_command(
    root: &clap::Command,
    sub: clap::Command,
    out: &mut Vec<u8>,
) -> std::io::Result<()> {
    let name = format!("gsignin-{}", sub.get_name());
    // A command's page shows the global options too, as its --help does.
    let mut sub = sub
        .name(name.clone())
        .display_name(name)
        .version(root.get_version().unwrap_or_default().to_string());
    for arg in root.get_arguments().filter(|a| a.is_global_set()) {
        sub = sub.arg(arg.clone());
    }
    let own = sub.get_name().trim_start_matches("gsignin-").to_string();
    let man = clap_mangen::Man::new(sub);
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    render_environment(out)?;
    render_see_also(&commands(), Some(&own), out)?;
    man.render_version_section(out)
}

fn roff_text(text: &str) -> String {
    text.replace('\\', "\\e").replace('-', "\\-")
}

fn render_environment(out: &mut Vec<u8>) -> std::io::Result<()> {
    use std::io::Write;
    writeln!(out, ".SH ENVIRONMENT")?;
    for (name, about) in crate::envvars::ALL {
        writeln!(
            out,
            ".TP\n\\fB{}\\fR\n{}",
            roff_text(name),
            roff_text(about)
        )?;
    }
    Ok(())
}

fn render_see_also(
    commands: &[String],
    this: Option<&str>,
    out: &mut Vec<u8>,
) -> std::io::Result<()> {
    use std::io::Write;
    let mut pages: Vec<String> = Vec::new();
    if this.is_some() {
        pages.push("\\fBgsignin\\fR(1)".to_string());
    }
    pages.extend(
        commands
            .iter()
            .filter(|c| Some(c.as_str()) != this)
            .map(|c| format!("\\fBgsignin\\-{}\\fR(1)", roff_text(c))),
    );
    writeln!(out, ".SH \"SEE ALSO\"\n{}", pages.join(", "))
}

fn raw(text: String) -> Outcome {
    Outcome {
        data: Data::Raw(text.trim_end().to_string()),
        failure: None,
    }
}

pub fn completions(shell: clap_complete::Shell) -> Outcome {
    raw(completion_script(shell))
}

pub fn man(command: Option<&str>) -> Result<Outcome> {
    Ok(raw(man_page(command)?))
}
