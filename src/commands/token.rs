//! `gsignin token`: the profile's access token (or ID token) alone on stdout, from the store
//! while it stays valid long enough, else after a refresh; with `--json`, with what it is for
//! and until when.

use crate::cli::TokenArgs;
use crate::context::Ctx;
use crate::error::{Code, Error, Result};
use crate::output::{Data, Outcome};
use crate::session::{Session, TokenKind};
use serde_json::json;

pub fn run(ctx: &Ctx, args: TokenArgs) -> Result<Outcome> {
    if args.min_valid < 0 {
        return Err(Error::usage(
            "--min-valid cannot be negative",
            "give the seconds the token must stay valid, e.g. --min-valid 300",
        ));
    }
    let kind = if args.id_token {
        TokenKind::Id
    } else {
        TokenKind::Access
    };
    let mut session = Session::open(ctx)?;
    let token = session.fresh_token(kind, args.min_valid)?;
    let now = ctx.clock().now();
    let expires_at = session.expires_at(kind);
    // Fresh from the issuer and still short of --min-valid: no token it grants would do.
    if let Some(at) = expires_at
        && at - now < args.min_valid
    {
        let what = if args.id_token { "ID" } else { "access" };
        return Err(Error::new(
            Code::LifetimeTooShort,
            format!(
                "--min-valid {} asks for longer than the issuer grants: a fresh {what} token \
                 lives {} s",
                args.min_valid,
                at - now
            ),
            format!("ask for at most --min-valid {}", (at - now).max(0)),
        ));
    }
    if !ctx.settings().json {
        return Ok(Outcome {
            data: Data::Raw(token.expose().to_string()),
            failure: None,
        });
    }
    let record = json!({
        "token": token.expose(),
        "kind": if args.id_token { "id_token" } else { "access_token" },
        "expires_at": expires_at.map(crate::timefmt::rfc3339),
        "expires_in": expires_at.map(|at| (at - now).max(0)),
        "scopes": session.scopes(),
        "profile": session.name,
    });
    Ok(Outcome::report(String::new(), record))
}
