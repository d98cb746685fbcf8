//! `gsignin whoami --access-token`: an access token inspected by its issuer, as
//! `oauth2l info` does (an access token is opaque: only the issuer can say what it is).
//! Google's tokeninfo (the client secret's `token_info_uri`, else Google's for Google's
//! issuer), else the issuer's RFC 7662 introspection endpoint.

use crate::context::Ctx;
use crate::error::{Code, Error, Result};
use crate::google::endpoints::Endpoints;
use crate::google::tokeninfo::{self, Inspected};
use crate::output::{Outcome, aligned};
use crate::redact::escape_controls;
use crate::secret::Secret;
use crate::session::{Session, TokenKind};
use crate::style::{Styled, Tone};
use serde_json::{Value, json};

/// Whether a token given to plain `whoami` is a Google access token rather than a JWT.
pub fn looks_like_access_token(token: &[u8]) -> bool {
    token.starts_with(b"ya29.") && token.iter().filter(|b| **b == b'.').count() < 2
}

/// Inspects `given`, or the profile's access token (refreshed when it expires within 60 s).
pub fn run(ctx: &Ctx, given: Option<Secret>) -> Result<Outcome> {
    let (token, issuer, client) = match given {
        Some(t) => {
            let client = ctx
                .has_client_secret()
                .then(|| ctx.client_secret())
                .transpose()?;
            (t, ctx.settings().issuer.clone(), client)
        }
        None => {
            // The profile's token goes only where the profile's own client and issuer say:
            // the session is bound to them (a named client secret or issuer of another is
            // `profile_mismatch` before anything is sent).
            let mut session = Session::open(ctx)?;
            let token = session.fresh_token(TokenKind::Access, 60)?;
            let issuer = session.issuer()?.to_string();
            (token, issuer, session.bound_client().cloned())
        }
    };
    ctx.diagnostics().seen().add(token.expose());
    let inspected = ask(ctx, &issuer, client.as_ref(), &token)?;
    let this_client = match (&client, &inspected.aud) {
        (Some(c), Some(aud)) => Some(*aud == c.client_id),
        _ => None,
    };
    let now = ctx.clock().now();
    let failure = (!inspected.active).then(|| {
        Error::new(
            Code::TokenInvalid,
            "the issuer says the access token is not active: expired, revoked, or not its own",
            "get a fresh one with `gsignin token`, or sign in again if refreshing fails",
        )
    });
    Ok(Outcome::report(
        human(&inspected, this_client, now),
        record(&inspected, this_client, now),
    )
    .with_failure(failure))
}

fn ask(
    ctx: &Ctx,
    issuer: &str,
    client: Option<&crate::config::client_secret::ClientSecret>,
    token: &Secret,
) -> Result<Inspected> {
    if let Some(url) = client.and_then(|c| c.token_info_uri.as_deref()) {
        return tokeninfo::tokeninfo(ctx.http(), url, token);
    }
    if Endpoints::is_google(issuer) {
        let url = Endpoints::google().tokeninfo.unwrap_or_default();
        return tokeninfo::tokeninfo(ctx.http(), &url, token);
    }
    let endpoints = ctx.endpoints(issuer)?;
    if let Some(url) = endpoints.tokeninfo.as_deref() {
        return tokeninfo::tokeninfo(ctx.http(), url, token);
    }
    let Some(url) = endpoints.introspection.as_deref() else {
        return Err(Error::new(
            Code::NoIntrospection,
            format!(
                "{issuer} offers no way to inspect an access token (no introspection_endpoint in its discovery document)"
            ),
            if url::Url::parse(issuer).is_ok_and(|u| crate::http::is_loopback(&u)) {
                "a client secret's token_info_uri names the issuer's tokeninfo (the emulator's \
                 --write-client-secret file does): pass --client-secret PATH"
            } else {
                "an access token is opaque: only its issuer can say what it is; call an API \
                 with it (`gsignin api`) instead"
            },
        ));
    };
    let client = client.ok_or_else(|| {
        Error::new(
            Code::ClientSecretInvalid,
            "token introspection needs the client's credentials, and no client secret is given",
            "pass --client-secret PATH (or GSIGNIN_CLIENT_SECRET_JSON)",
        )
    })?;
    tokeninfo::introspect(ctx.http(), url, endpoints.introspection_auth, client, token)
}

fn record(i: &Inspected, this_client: Option<bool>, now: i64) -> Value {
    json!({
        "active": i.active,
        "aud": i.aud,
        "this_client": this_client,
        "azp": i.azp,
        "scopes": i.scopes,
        "expires_at": i.expires_at.map(crate::timefmt::rfc3339),
        "expires_in": i.expires_at.map(|e| (e - now).max(0)),
        "email": i.email,
        "email_verified": i.email_verified,
    })
}

fn human(i: &Inspected, this_client: Option<bool>, now: i64) -> Styled {
    if !i.active {
        return Styled::new().with(Tone::Invalid, "INACTIVE").with(
            Tone::Plain,
            " access token: its issuer does not accept it\n",
        );
    }
    let who = match (&i.email, i.email_verified) {
        (Some(e), Some(true)) => format!("{} (verified)", escape_controls(e)),
        (Some(e), _) => format!("{} (not verified)", escape_controls(e)),
        (None, _) => i.sub.as_deref().map_or_else(
            || "an unnamed user (no email scope)".into(),
            |s| format!("sub {}", escape_controls(s)),
        ),
    };
    let shown = |v: &Option<String>| v.as_deref().map_or_else(|| "-".into(), escape_controls);
    let aud = match this_client {
        Some(true) => format!("{} (this client)", shown(&i.aud)),
        Some(false) => format!("{} (NOT this client)", shown(&i.aud)),
        None => shown(&i.aud),
    };
    let expires = i
        .expires_at
        .map_or_else(|| "-".into(), |e| crate::timefmt::instant(e, now));
    let scopes = if i.scopes.is_empty() {
        "-".into()
    } else {
        i.scopes
            .iter()
            .map(|s| escape_controls(s))
            .collect::<Vec<_>>()
            .join(" ")
    };
    Styled::new().with(Tone::Valid, "ACTIVE").with(
        Tone::Plain,
        format!(
            " access token for {who}\n{}",
            aligned(&[
                ("audience", aud),
                ("azp", shown(&i.azp)),
                ("scopes", scopes),
                ("expires", expires),
            ])
        ),
    )
}
