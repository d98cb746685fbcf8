//! `gsignin token`: the profile's access token (or ID token) alone on stdout, from the store
//! while it stays valid long enough, else after a refresh.

use crate::cli::TokenArgs;
use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::output::{Data, Outcome};
use crate::session::{Session, TokenKind};

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
    Ok(Outcome {
        data: Data::Raw(token.expose().to_string()),
        failure: None,
    })
}
