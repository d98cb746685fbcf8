//! gsignin: the server side of Google Sign-In. The binary is its one user (with its own
//! integration tests, through [`testing`]): nothing here is an API for other crates. The
//! pieces that are live in the workspace's other crates: `gsignin-verify` (the ID-token
//! verifier) and `gsignin-emulator` (the local Google).

mod app;
mod browser;
mod cache;
mod cli;
mod commands;
mod config;
mod context;
mod deep;
mod diagnostics;
mod envvars;
mod error;
mod fsutil;
mod google;
mod http;
mod interrupt;
mod io;
mod loopback;
mod output;
mod progress;
mod redact;
mod secret;
mod session;
mod signin;
mod sigstack;
pub mod start;
mod store;
mod style;
mod terminal;
mod timefmt;

use gsignin_emulator as emulator;
use gsignin_emulator::server;
use gsignin_emulator::server::html;
use gsignin_verify::identity;

/// The program: this process's argv, environment and streams in, its exit code out. A signal
/// that waited while tokens were being stored takes effect here, once everything is written.
pub fn main() -> i32 {
    use std::io::{IsTerminal, Write};
    // A shell asking for completions (GSIGNIN_COMPLETE=bash gsignin -- ...) is answered here,
    // and the process ends; otherwise this goes on at once.
    if let Some(code) = commands::docs::answer_completion_request() {
        return code;
    }
    let code = app::run(
        std::env::args_os().collect(),
        &|name| std::env::var_os(name),
        context::Io::process(),
        std::io::stdout().is_terminal(),
        context::Hooks::default(),
    );
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    interrupt::raise_deferred().unwrap_or(i32::from(code))
}

/// What gsignin's own integration tests drive in-process: the program as a function, the
/// context they tune, buffers standing in for the streams, an in-memory store, the HTTP
/// client with their sleeper. Not an API: it changes with the tests.
#[doc(hidden)]
pub mod testing {
    pub use crate::app::run;
    pub use crate::context::{Clock, Deadlines, Hooks, Io};
    pub use crate::envvars::ALL as ENV_VARS;
    pub use crate::envvars::READ_BY_LIBRARIES;
    pub use crate::http::Http;
    pub use crate::io::{capture, text};
    pub use crate::store::memory::MemoryStore;
}
