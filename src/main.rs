//! The binary: the library's program, run with this process's argv, environment and streams.

use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    let code = gsignin::app::run(
        std::env::args_os().collect(),
        &|name| std::env::var(name).ok(),
        gsignin::context::Io::process(),
        std::io::stdout().is_terminal(),
        |_| {},
    );
    ExitCode::from(code)
}
