//! The revocation endpoint: revoking a refresh token (or an access token) ends the grant.

use crate::config::client_secret::ClientSecret;
use crate::error::{Error, Result};
use crate::google::endpoints::ClientAuth;
use crate::http::{Auth, Http, Retry};
use crate::secret::Secret;

/// What the issuer said.
#[derive(Debug, PartialEq, Eq)]
pub enum Revoked {
    Now,
    /// The issuer no longer knows the token (already revoked or expired): nothing to end.
    AlreadyGone,
}

/// Revokes `token`; `client` authenticates as `auth` says (Google's endpoint takes the token
/// alone, a standard issuer wants the confidential client to authenticate).
pub fn revoke(
    http: &Http,
    url: &str,
    token: &Secret,
    client: Option<(&ClientSecret, ClientAuth)>,
) -> Result<Revoked> {
    let resp = match client {
        Some((c, ClientAuth::Post)) => http.post_form(
            url,
            &[
                ("token", token.expose()),
                ("client_id", &c.client_id),
                ("client_secret", c.client_secret.expose()),
            ],
            Retry::Safe,
        )?,
        Some((c, ClientAuth::Basic)) => http.post_form_auth(
            url,
            &[("token", token.expose())],
            Auth::Basic(&c.client_id, &c.client_secret),
            Retry::Safe,
        )?,
        _ => http.post_form(url, &[("token", token.expose())], Retry::Safe)?,
    };
    if resp.is_success() {
        return Ok(Revoked::Now);
    }
    let body: serde_json::Value = serde_json::from_slice(&resp.body).unwrap_or_default();
    match (resp.status, body["error"].as_str()) {
        (400, Some("invalid_token" | "invalid_grant")) => Ok(Revoked::AlreadyGone),
        (status, error) if status >= 500 || status == 429 => Err(Error::server(
            format!(
                "the revocation endpoint is in trouble (HTTP {status}{})",
                error.map(|e| format!(", {e}")).unwrap_or_default()
            ),
            "nothing was deleted; try again later, or `gsignin revoke --local` to only forget it here",
        )),
        (status, error) => Err(Error::other(
            format!(
                "the revocation endpoint refused the request (HTTP {status}{})",
                error.map(|e| format!(", {e}")).unwrap_or_default()
            ),
            "nothing was deleted; run with -v to see the answer, or `gsignin revoke --local`",
        )),
    }
}
