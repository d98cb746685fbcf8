//! A stored sign-in built from what the issuer said: a token response (from a code or a
//! refresh) and the verdict on its ID token. `exchange` and `refresh` (and whatever signs in
//! next) build and update sign-ins only here, and save them only through
//! [`crate::store::Store::save_or_rescue`] under the profile's lock.

use crate::google::id_token::Verdict;
use crate::google::scopes;
use crate::google::token::TokenResponse;
use crate::store::{Profile, StoreKind, Tokens};

/// A sign-in: its metadata and its secrets, saved together.
pub struct SignIn {
    pub profile: Profile,
    pub tokens: Tokens,
}

impl SignIn {
    /// The sign-in a spent code brought, before its ID token is judged.
    pub fn from_code(
        name: &str,
        issuer: &str,
        client: &crate::config::client_secret::ClientSecret,
        store: StoreKind,
        resp: &TokenResponse,
        now: i64,
    ) -> SignIn {
        let mut signin = SignIn {
            profile: Profile {
                name: name.to_string(),
                issuer: issuer.to_string(),
                client_id: client.client_id.clone(),
                email: None,
                sub: None,
                email_verified: None,
                scopes: Vec::new(),
                access_token_expires_at: None,
                id_token_expires_at: None,
                refresh_token_expires_at: None,
                has_refresh_token: false,
                rotates_refresh_tokens: None,
                store,
                client_secret: Some(client.source()),
                updated_at: now,
                generation: None,
            },
            tokens: Tokens {
                id_token: resp.id_token.clone(),
                ..Tokens::default()
            },
        };
        absorb(Some(&mut signin.profile), &mut signin.tokens, resp, now);
        signin
    }

    /// Names the user from the verdict on the sign-in's ID token.
    pub fn identify(&mut self, verdict: &Verdict) {
        identify(&mut self.profile, verdict);
    }
}

/// Takes in a token response: the new access token and its expiry, a rotated refresh token
/// (or the one held), the granted scopes. Returns whether the refresh token was rotated.
/// `profile` is None for a sign-in that is not stored (GSIGNIN_REFRESH_TOKEN).
pub fn absorb(
    profile: Option<&mut Profile>,
    tokens: &mut Tokens,
    resp: &TokenResponse,
    now: i64,
) -> bool {
    let rotated = match (&resp.refresh_token, &tokens.refresh_token) {
        (Some(new), Some(old)) => new.expose() != old.expose(),
        (Some(_), None) => true,
        (None, _) => false,
    };
    if let Some(new) = &resp.refresh_token {
        tokens.refresh_token = Some(new.clone());
    }
    tokens.access_token = Some(resp.access_token.clone());
    if let Some(p) = profile {
        p.access_token_expires_at = resp.expires_in.map(|s| now.saturating_add(s));
        if let Some(s) = resp.refresh_token_expires_in {
            p.refresh_token_expires_at = Some(now.saturating_add(s));
        }
        let granted = scopes::split(resp.scope.as_deref());
        if !granted.is_empty() {
            p.scopes = granted;
        }
        p.has_refresh_token = tokens.refresh_token.is_some();
        p.updated_at = now;
    }
    rotated
}

/// The user a verdict names: `sub`, the email and whether it is verified, the ID token's
/// expiry.
pub fn identify(profile: &mut Profile, verdict: &Verdict) {
    profile.sub = verdict.claim_str("sub").map(String::from);
    profile.email = verdict.claim_str("email").map(String::from);
    profile.email_verified = Some(verdict.email_verified());
    profile.id_token_expires_at = verdict.claim_i64("exp");
}
