//! `gsignin revoke`: end the grant at the issuer, then forget the profile here.

use crate::cli::RevokeArgs;
use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::google::endpoints::ClientAuth;
use crate::google::revoke::{Revoked, revoke};
use crate::output::Outcome;
use crate::session::Session;
use serde::Serialize;

pub fn run(ctx: &Ctx, args: RevokeArgs) -> Result<Outcome> {
    let session = Session::open(ctx)?;
    let at_issuer = if args.local {
        None
    } else {
        let issuer = session
            .profile
            .as_ref()
            .map(|p| p.issuer.clone())
            .unwrap_or_else(|| ctx.settings().issuer.clone());
        let endpoints = session.endpoints()?;
        let url = endpoints.revocation.ok_or_else(|| {
            Error::other(
                format!("the issuer {issuer} has no revocation endpoint"),
                "revoke the app's access in the issuer's account settings, then `gsignin revoke --local`",
            )
        })?;
        // The refresh token ends the whole grant; an access token alone ends only itself
        // (at Google, its refresh token too).
        let token = session
            .tokens
            .refresh_token
            .as_ref()
            .or(session.tokens.access_token.as_ref())
            .ok_or_else(|| {
                Error::other(
                    "the profile holds no token to revoke",
                    "`gsignin revoke --local` deletes what is stored",
                )
            })?;
        let client = match endpoints.revocation_auth {
            ClientAuth::None => None,
            auth => Some((session.client()?, auth)),
        };
        let said = revoke(
            ctx.http(),
            &url,
            token,
            client.as_ref().map(|(c, a)| (c, *a)),
        )
        .map_err(|e| {
            // The issuer is out of reach (or in trouble): nothing was deleted, and the user
            // may still want that.
            if e.exit_code() == 5 {
                let hint = format!(
                    "{}; nothing was deleted: try again later, or `gsignin revoke --local` deletes                      what is stored without telling the issuer (the grant then stays live until                      the user removes the app's access)",
                    e.hint()
                );
                e.with_hint(hint)
            } else {
                e
            }
        })?;
        if said == Revoked::AlreadyGone {
            ctx.warn("the issuer no longer knows this token (already revoked or expired); deleting what is stored anyway");
        }
        Some(said)
    };
    let location = session.location();
    let deleted = match &session.store {
        Some(store) => {
            store.delete(&session.name)?;
            true
        }
        None => false,
    };
    let report = RevokeReport {
        profile: session.name.clone(),
        revoked_at_issuer: matches!(at_issuer, Some(Revoked::Now)),
        already_revoked: matches!(at_issuer, Some(Revoked::AlreadyGone)),
        deleted,
        called_issuer: at_issuer.is_some(),
        location,
    };
    Ok(Outcome::report(
        report.human(),
        serde_json::to_value(&report).unwrap_or_default(),
    ))
}

/// What `revoke` reports: its JSON (serde) and its human text from the same fields.
#[derive(Serialize)]
struct RevokeReport {
    profile: String,
    revoked_at_issuer: bool,
    already_revoked: bool,
    deleted: bool,
    #[serde(skip)]
    called_issuer: bool,
    #[serde(skip)]
    location: String,
}

impl RevokeReport {
    fn human(&self) -> String {
        let issuer = match (self.called_issuer, self.revoked_at_issuer) {
            (false, _) => "did not call the issuer (--local)",
            (true, true) => "revoked the grant at the issuer",
            (true, false) => "the issuer had already ended the grant",
        };
        let stored = if self.deleted {
            format!(
                "deleted profile `{}`: its secrets in {} and its metadata",
                self.profile, self.location
            )
        } else {
            "nothing was stored (GSIGNIN_REFRESH_TOKEN)".to_string()
        };
        format!("{issuer}; {stored}\n")
    }
}
