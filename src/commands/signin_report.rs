//! What a new sign-in reports, as a type: its JSON (serde) and its human text come from the
//! same fields. `exchange` builds one; whatever signs in next reports the same way.

use crate::google::id_token::Verdict;
use crate::google::scopes;
use crate::google::token::TokenResponse;
use crate::output::{self, Outcome, aligned};
use crate::store::Profile;
use crate::style::Styled;
use crate::timefmt::{instant, rfc3339};
use serde::Serialize;
use serde_json::{Map, Value};

#[derive(Serialize)]
pub struct SignInReport {
    pub profile: String,
    pub email: Option<String>,
    pub email_verified: Option<bool>,
    pub sub: Option<String>,
    pub scopes: Vec<String>,
    pub access_token_expires_at: Option<String>,
    pub refresh_token: RefreshTokenReport,
    pub id_token: Option<IdTokenReport>,
    /// Only the tokens the user asked to see (--show-tokens, --show-refresh-token).
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub tokens: Map<String, Value>,
    #[serde(skip)]
    human: Vec<(&'static str, String)>,
    #[serde(skip)]
    who: String,
}

#[derive(Serialize)]
pub struct RefreshTokenReport {
    pub issued: bool,
    pub stored: bool,
    pub store: crate::store::StoreKind,
    pub location: String,
}

#[derive(Serialize)]
pub struct IdTokenReport {
    pub valid: bool,
    pub kid: Option<Value>,
}

/// Which raw tokens the user asked to see.
#[derive(Clone, Copy, Default)]
pub struct Shown {
    pub tokens: bool,
    pub refresh_token: bool,
}

impl SignInReport {
    /// The report of a stored sign-in: `location` is where its refresh token lives, `kept`
    /// whether a refresh token already stored for the same user stays in use.
    pub fn new(
        profile: &Profile,
        resp: &TokenResponse,
        verdict: Option<&Verdict>,
        location: String,
        kept: bool,
        shown: Shown,
        now: i64,
    ) -> SignInReport {
        let kid = verdict.and_then(|v| v.header.as_ref()?.get("kid").cloned());
        let refresh_line = match (resp.refresh_token.is_some(), kept) {
            (true, _) => format!("stored in {location}"),
            (false, true) => format!("none issued; the one already in {location} stays in use"),
            (false, false) => "none issued (see the warning above)".to_string(),
        };
        let id_line = match verdict {
            Some(v) => format!(
                "verified (RS256, key {}, aud {})",
                kid.as_ref().and_then(Value::as_str).unwrap_or("-"),
                v.claim_str("aud").unwrap_or("-")
            ),
            None if scopes::contains(&profile.scopes, "openid") => {
                "MISSING although openid was granted".to_string()
            }
            None => "none issued (no openid scope)".to_string(),
        };
        let mut human = vec![
            ("sub", profile.sub.clone().unwrap_or_else(|| "-".into())),
            ("scopes", scopes::short_list(&profile.scopes)),
            (
                "access token",
                match profile.access_token_expires_at {
                    Some(t) => format!("expires {}", instant(t, now)),
                    None => "no expiry given".into(),
                },
            ),
            ("refresh token", refresh_line),
            ("ID token", id_line),
            ("profile", profile.name.clone()),
        ];
        let (shown_rows, tokens) = output::shown_tokens(
            shown.tokens.then_some(&resp.access_token),
            resp.id_token.as_ref().filter(|_| shown.tokens),
            resp.refresh_token.as_ref().filter(|_| shown.refresh_token),
        );
        human.extend(shown_rows);
        SignInReport {
            profile: profile.name.clone(),
            email: profile.email.clone(),
            email_verified: profile.email_verified,
            sub: profile.sub.clone(),
            scopes: profile.scopes.clone(),
            access_token_expires_at: profile.access_token_expires_at.map(rfc3339),
            refresh_token: RefreshTokenReport {
                issued: resp.refresh_token.is_some(),
                stored: profile.has_refresh_token,
                store: profile.store,
                location,
            },
            id_token: verdict.map(|v| IdTokenReport {
                valid: v.valid(),
                kid,
            }),
            tokens,
            human,
            who: match verdict {
                Some(_) => profile.who(),
                None => "an UNKNOWN user (no ID token: nothing says who)".into(),
            },
        }
    }

    /// The text a person reads.
    pub fn human(&self) -> Styled {
        Styled::plain(format!(
            "Signed in as {}\n{}",
            self.who,
            aligned(&self.human)
        ))
    }

    pub fn into_outcome(self) -> Outcome {
        let human = self.human();
        let json = serde_json::to_value(&self).unwrap_or(Value::Null);
        Outcome::report(human, json)
    }
}
