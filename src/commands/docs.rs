//! `gsignin completions` and `gsignin man`: generated from the CLI definition itself, so they
//! never drift from it (copies are committed in completions/ and man/; a test compares them).

use crate::cli::Cli;
use crate::error::{Error, Result};
use crate::output::{Data, Outcome};
use clap::CommandFactory;

fn completion_script(shell: clap_complete::Shell) -> String {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "gsignin", &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

fn man_page() -> Result<String> {
    let mut buf = Vec::new();
    // The committed page must not change with every commit: no commit in its version.
    let cmd = Cli::command().long_version(None::<&'static str>);
    clap_mangen::Man::new(cmd)
        .render(&mut buf)
        .map_err(|e| Error::other(format!("cannot render the man page: {e}"), ""))?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
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

pub fn man() -> Result<Outcome> {
    Ok(raw(man_page()?))
}
