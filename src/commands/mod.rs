//! One module per command, each `run(ctx, args) -> Result<Outcome>`, dispatched from one match.

pub mod api;
pub mod code_input;
pub mod demo;
pub mod docs;
pub mod drive;
pub mod emulator;
pub mod exchange;
pub mod login;
pub mod receive;
pub mod redeem;
pub mod refresh;
pub mod require;
pub mod restore;
pub mod revoke;
pub mod signin_report;
pub mod status;
pub mod token;
pub mod whoami;

use crate::cli::Command;
use crate::context::Ctx;
use crate::error::Result;
use crate::output::Outcome;

/// Runs a command. Its error (and a failure it reports) is scrubbed of every secret the run
/// has seen: servers' words end up in them.
pub fn run(ctx: &Ctx, command: Command) -> Result<Outcome> {
    let scrub = |e: crate::error::Error| ctx.scrub(e);
    dispatch(ctx, command)
        .map(|mut outcome| {
            outcome.failure = outcome.failure.take().map(scrub);
            outcome
        })
        .map_err(scrub)
}

fn dispatch(ctx: &Ctx, command: Command) -> Result<Outcome> {
    match command {
        Command::Exchange(args) => exchange::run(ctx, args),
        Command::Login(args) => login::run(ctx, args),
        Command::Receive(args) => receive::run(ctx, args),
        Command::Refresh(args) => refresh::run(ctx, args),
        Command::Token(args) => token::run(ctx, args),
        Command::Status(args) => status::run(ctx, args),
        Command::DriveAppfolder(args) => drive::run(ctx, args),
        Command::Api(args) => api::run(ctx, args),
        Command::Revoke(args) => revoke::run(ctx, args),
        Command::Restore(args) => restore::run(ctx, args),
        Command::Whoami(args) => whoami::run(ctx, args),
        Command::Emulator(args) => emulator::run(ctx, args),
        Command::Demo => demo::run(ctx),
        Command::Completions { .. } | Command::Man { .. } => {
            standalone(&command).unwrap_or_else(|| unreachable!("matched above"))
        }
    }
}

/// The commands that need no context (no home, no store, no network): run before anything
/// touches the disk, so they work anywhere, even where gsignin's folders would be refused.
pub fn standalone(command: &Command) -> Option<Result<Outcome>> {
    match command {
        Command::Completions { shell } => Some(Ok(docs::completions(*shell))),
        Command::Man { command } => Some(docs::man(command.as_deref())),
        _ => None,
    }
}
