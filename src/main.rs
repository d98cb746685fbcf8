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
    // A signal that arrived while tokens were on their way to the store takes effect now,
    // after everything the run had to say was written.
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    gsignin::interrupt::raise_deferred();
    ExitCode::from(code)
}
