//! `gsignin refresh`: a new access token (and ID token) with the stored refresh token.

use crate::cli::{PrintWhat, RefreshArgs};
use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::google::scopes;
use crate::output::{self, Data, Outcome, aligned};
use crate::session::Session;
use crate::timefmt::{instant, rfc3339};
use serde::Serialize;
use serde_json::{Map, Value};

pub fn run(ctx: &Ctx, args: RefreshArgs) -> Result<Outcome> {
    let mut session = Session::open(ctx)?;
    let done = session.refresh()?;
    let resp = &done.response;
    let unmet = super::require::unmet(
        &args.require,
        session.scopes(),
        session.tokens.refresh_token.is_some(),
    );
    if let Some(what) = args.print {
        let token = match what {
            PrintWhat::AccessToken => Some(&resp.access_token),
            PrintWhat::IdToken => resp.id_token.as_ref(),
        };
        let token = token.ok_or_else(Error::no_id_token_on_refresh)?;
        return Ok(Outcome {
            data: Data::Raw(token.expose().to_string()),
            failure: unmet,
        });
    }
    let now = ctx.clock().now();
    let expires_at = resp.expires_in.map(|s| now.saturating_add(s));
    let who = match (&session.profile, &done.verdict) {
        (Some(p), _) => p.who(),
        (None, Some(v)) if v.valid() => v.who(),
        _ => format!("profile {}", session.name),
    };
    let location = session.location();
    let granted = scopes::split(resp.scope.as_deref());
    let (shown_rows, tokens) = output::shown_tokens(
        args.show_tokens.then_some(&resp.access_token),
        resp.id_token.as_ref().filter(|_| args.show_tokens),
        session
            .tokens
            .refresh_token
            .as_ref()
            .filter(|_| args.show_refresh_token),
    );
    let report = RefreshReport {
        profile: session.name.clone(),
        email: session.profile.as_ref().and_then(|p| p.email.clone()),
        email_verified: session.profile.as_ref().and_then(|p| p.email_verified),
        sub: session.profile.as_ref().and_then(|p| p.sub.clone()),
        access_token_expires_at: expires_at.map(rfc3339),
        scopes: granted,
        lost_scopes: done.lost_scopes.clone(),
        refresh_token: RotationReport {
            rotated: done.rotated,
            location,
        },
        id_token: done
            .verdict
            .as_ref()
            .map(|v| IdTokenValidity { valid: v.valid() }),
        tokens,
        who,
        expires_at,
        shown_rows,
    };
    Ok(report.into_outcome(now).with_failure(unmet))
}

/// What a refresh reports: its JSON (serde) and its human text from the same fields.
#[derive(Serialize)]
struct RefreshReport {
    profile: String,
    email: Option<String>,
    email_verified: Option<bool>,
    sub: Option<String>,
    access_token_expires_at: Option<String>,
    scopes: Vec<String>,
    lost_scopes: Vec<String>,
    refresh_token: RotationReport,
    id_token: Option<IdTokenValidity>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    tokens: Map<String, Value>,
    #[serde(skip)]
    who: String,
    #[serde(skip)]
    expires_at: Option<i64>,
    #[serde(skip)]
    shown_rows: Vec<(&'static str, String)>,
}

#[derive(Serialize)]
struct RotationReport {
    rotated: bool,
    location: String,
}

#[derive(Serialize)]
struct IdTokenValidity {
    valid: bool,
}

impl RefreshReport {
    fn human(&self, now: i64) -> String {
        let refresh_line = if self.refresh_token.rotated {
            format!(
                "rotated by the issuer; the new one replaced the old in {}",
                self.refresh_token.location
            )
        } else {
            format!("unchanged, in {}", self.refresh_token.location)
        };
        let id_line = match &self.id_token {
            Some(v) if v.valid => "new one verified",
            Some(_) => "new one FAILED verification (not stored)",
            None => "none returned",
        };
        let mut rows = vec![
            (
                "access token",
                match self.expires_at {
                    Some(t) => format!("expires {}", instant(t, now)),
                    None => "no expiry given".into(),
                },
            ),
            ("ID token", id_line.to_string()),
            ("refresh token", refresh_line),
            ("scopes", scopes::short_list(&self.scopes)),
        ];
        rows.extend(self.shown_rows.iter().cloned());
        format!(
            "Refreshed {} (profile {})\n{}",
            self.who,
            self.profile,
            aligned(&rows)
        )
    }

    fn into_outcome(self, now: i64) -> Outcome {
        let human = self.human(now);
        Outcome::report(human, serde_json::to_value(&self).unwrap_or(Value::Null))
    }
}
