//! `gsignin refresh`: a new access token (and ID token) with the stored refresh token.

use crate::cli::{PrintWhat, RefreshArgs};
use crate::context::Ctx;
use crate::error::{Code, Error, Result};
use crate::google::scopes;
use crate::output::{self, Data, Outcome, aligned};
use crate::session::Session;
use crate::timefmt::{relative, rfc3339};
use serde_json::{Value, json};

pub fn run(ctx: &Ctx, args: RefreshArgs) -> Result<Outcome> {
    let mut session = Session::open(ctx)?;
    let done = session.refresh()?;
    let resp = &done.response;
    if let Some(what) = args.print {
        let token = match what {
            PrintWhat::AccessToken => Some(&resp.access_token),
            PrintWhat::IdToken => resp.id_token.as_ref(),
        };
        let token = token.ok_or_else(|| {
            Error::new(
 Code::NoIdToken,
                "the issuer returned no ID token on refresh",
                "the sign-in lacks the openid scope; request openid in the app and exchange a new code",
            )
        })?;
        return Ok(Outcome {
            data: Data::Raw(token.expose().to_string()),
            failure: None,
        });
    }
    let now = ctx.clock.now();
    let expires_at = resp.expires_in.map(|s| now + s);
    let who = session
        .profile
        .as_ref()
        .and_then(|p| p.email.clone())
        .or_else(|| {
            done.verdict
                .as_ref()
                .and_then(|v| v.claim_str("email").map(String::from))
        })
        .unwrap_or_else(|| format!("profile {}", session.name));
    let location = session.location();
    let refresh_line = if done.rotated {
        format!("rotated by the issuer; the new one replaced the old in {location}")
    } else {
        format!("unchanged, in {location}")
    };
    let id_line = match &done.verdict {
        Some(v) if v.valid() => "new one verified".to_string(),
        Some(_) => "new one FAILED verification (not stored)".to_string(),
        None => "none returned".to_string(),
    };
    let granted = scopes::split(resp.scope.as_deref());
    let mut rows = vec![
        (
            "access token",
            match expires_at {
                Some(t) => format!("expires {} ({})", rfc3339(t), relative(t, now)),
                None => "no expiry given".into(),
            },
        ),
        ("ID token", id_line),
        ("refresh token", refresh_line),
        ("scopes", scopes::short_list(&granted)),
    ];
    let (shown_rows, shown) = output::shown_tokens(
        args.show_tokens.then_some(&resp.access_token),
        resp.id_token.as_ref().filter(|_| args.show_tokens),
        session
            .tokens
            .refresh_token
            .as_ref()
            .filter(|_| args.show_refresh_token),
    );
    rows.extend(shown_rows);
    let human = format!(
        "Refreshed {who} (profile {})\n{}",
        session.name,
        aligned(&rows)
    );
    let mut doc = json!({
        "profile": session.name,
        "email": session.profile.as_ref().and_then(|p| p.email.clone()),
        "sub": session.profile.as_ref().and_then(|p| p.sub.clone()),
        "access_token_expires_at": expires_at.map(rfc3339),
        "scopes": granted,
        "lost_scopes": done.lost_scopes,
        "refresh_token": {"rotated": done.rotated, "location": location},
        "id_token": done.verdict.as_ref().map(|v| json!({"valid": v.valid()})),
    });
    if !shown.is_empty() {
        doc["tokens"] = Value::Object(shown);
    }
    Ok(Outcome::report(human, doc))
}
