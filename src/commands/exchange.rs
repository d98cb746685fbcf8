//! `gsignin exchange`: trade a serverAuthCode for tokens, verify the ID token, store the sign-in.
//!
//! The order is the point (see `redeem`): everything that can fail without the network (the
//! code's form, the client secret, the store) and everything that can fail before the code is
//! sent (discovery, keys) is checked first, because the code is single-use. After the
//! exchange, every failure ends with the tokens stored or in a rescue file.

use super::code_input;
use super::redeem::{self, Redemption};
use super::signin_report::Shown;
use crate::cli::ExchangeArgs;
use crate::context::Ctx;
use crate::error::Result;
use crate::output::Outcome;
use crate::store;

pub fn run(ctx: &Ctx, args: ExchangeArgs) -> Result<Outcome> {
    let profile_name = ctx.settings().profile.clone();
    store::validate_profile(&profile_name)?;
    let code = code_input::read_code(ctx, args.code.as_deref())?;
    let mut ready = redeem::prepare(ctx, &profile_name)?;
    let landed = redeem::redeem(
        ctx,
        &mut ready,
        &profile_name,
        &Redemption {
            code: &code,
            redirect_uri: &args.redirect_uri,
            code_verifier: None,
            nonce: None,
            shown: Shown {
                tokens: args.report.show_tokens,
                refresh_token: args.report.show_refresh_token,
            },
            expect_scopes: &args.report.expect_scopes,
            required: &args.report.require,
            profile_by_email: false,
        },
    )?;
    Ok(landed.into_outcome())
}
