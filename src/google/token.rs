//! The token endpoint: the authorization_code and refresh_token grants, with Google's errors
//! turned into messages that say what happened and what to do.
//!
//! Client authentication is client_secret_post, as Google's own libraries do it.

use crate::config::client_secret::ClientSecret;
use crate::error::{Code, Error, Result};
use crate::http::{Http, Retry};
use crate::secret::Secret;
use serde::Deserialize;

/// What the token endpoint returned, every token wrapped as a [`Secret`].
#[derive(Debug)]
pub struct TokenResponse {
    pub access_token: Secret,
    pub expires_in: Option<i64>,
    pub refresh_token: Option<Secret>,
    pub refresh_token_expires_in: Option<i64>,
    pub scope: Option<String>,
    pub id_token: Option<Secret>,
}

#[derive(Deserialize)]
struct Raw {
    access_token: String,
    expires_in: Option<serde_json::Value>,
    refresh_token: Option<String>,
    refresh_token_expires_in: Option<serde_json::Value>,
    scope: Option<String>,
    id_token: Option<String>,
}

#[derive(Deserialize, Default)]
struct OAuthError {
    error: Option<String>,
    error_description: Option<String>,
    error_subtype: Option<String>,
}

/// Which grant a response belongs to: the same error reads differently for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    AuthorizationCode,
    RefreshToken,
}

/// Trades an authorization code. Never retried: the code is single-use.
pub fn exchange_code(
    http: &Http,
    token_url: &str,
    client: &ClientSecret,
    code: &Secret,
    redirect_uri: &str,
    code_verifier: Option<&Secret>,
) -> Result<TokenResponse> {
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code.expose()),
        ("client_id", client.client_id.as_str()),
        ("client_secret", client.client_secret.expose()),
        ("redirect_uri", redirect_uri),
    ];
    if let Some(v) = code_verifier {
        form.push(("code_verifier", v.expose()));
    }
    let resp = http
        .post_form(token_url, &form, Retry::Never)
        .map_err(unsent_or_unknown)?;
    parse_response(http, &resp, Grant::AuthorizationCode)
}

/// Trades a refresh token for a new access token (and ID token, and possibly a rotated refresh
/// token). At an issuer that never rotates, a refresh spends nothing and `retry` is
/// [`Retry::Safe`]; at one that does, a resent refresh token may already be spent and its
/// reuse revoke the grant, so `retry` is [`Retry::IfRefused`] and an answer that may have
/// been lost says so.
pub fn refresh(
    http: &Http,
    token_url: &str,
    client: &ClientSecret,
    refresh_token: &Secret,
    retry: Retry,
) -> Result<TokenResponse> {
    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token.expose()),
        ("client_id", client.client_id.as_str()),
        ("client_secret", client.client_secret.expose()),
    ];
    let lost = |err: Error| {
        let message = format!(
            "{err}; the refresh may have reached the issuer, which rotates refresh tokens, so \
             gsignin did not resend it (a reused refresh token can revoke the whole sign-in)"
        );
        err.with_message(message).with_hint(
            "run `gsignin refresh` once more; if the issuer spent the token meanwhile, that ends \
             in invalid_grant and the user must sign in again",
        )
    };
    let resp = match http.post_form(token_url, &form, retry) {
        Err(e)
            if retry == Retry::IfRefused
                && matches!(e.code(), Code::NetworkError | Code::Timeout) =>
        {
            return Err(lost(e));
        }
        other => other?,
    };
    let parsed = parse_response(http, &resp, Grant::RefreshToken);
    match parsed {
        Err(e) if retry == Retry::IfRefused && resp.status >= 500 => Err(lost(e)),
        other => other,
    }
}

/// A failed exchange request either never reached the server (the code is unspent) or may have
/// (the outcome is unknown, and the code must be treated as spent).
fn unsent_or_unknown(err: Error) -> Error {
    match err.code() {
        Code::ConnectionFailed | Code::DnsFailed | Code::TlsFailed => {
            let message = format!("{err}; the code was not sent and is still unspent");
            err.with_message(message)
        }
        Code::NetworkError | Code::Timeout => {
            let message = format!(
                "{err}; the exchange may have reached the server, so its outcome is unknown"
            );
            err.with_message(message).with_hint(
                "a code is single-use, so gsignin does not retry it: sign in again in the app \
                 for a new serverAuthCode and exchange that",
            )
        }
        _ => err,
    }
}

/// Reads the token endpoint's answer. The tokens in it (whatever shape the answer has) join
/// the run's known secrets first, so no later text can show them: this is where gsignin
/// receives secrets, and the only answer it registers them from.
fn parse_response(
    http: &Http,
    resp: &crate::http::Response,
    grant: Grant,
) -> Result<TokenResponse> {
    http.diagnostics().seen().add_from_body(&resp.body);
    if resp.is_success() {
        let raw: Raw = resp.json()?;
        // What was read is known to be secret, whether or not the body parsed as a `Value`
        // above (a lenient read can take tokens a `Value` refuses).
        let seen = http.diagnostics().seen();
        for secret in [
            Some(&raw.access_token),
            raw.refresh_token.as_ref(),
            raw.id_token.as_ref(),
        ]
        .into_iter()
        .flatten()
        {
            seen.add(secret);
        }
        let secs = |v: Option<serde_json::Value>| {
            v.and_then(|v| v.as_i64().or_else(|| v.as_str()?.parse().ok()))
        };
        return Ok(TokenResponse {
            access_token: Secret::new(raw.access_token),
            expires_in: secs(raw.expires_in),
            refresh_token: raw.refresh_token.filter(|s| !s.is_empty()).map(Secret::new),
            refresh_token_expires_in: secs(raw.refresh_token_expires_in),
            scope: raw.scope,
            id_token: raw.id_token.filter(|s| !s.is_empty()).map(Secret::new),
        });
    }
    let body: OAuthError = serde_json::from_slice(&resp.body).unwrap_or_default();
    Err(token_error(resp.status, body, grant))
}

fn token_error(status: u16, body: OAuthError, grant: Grant) -> Error {
    let error = body.error.clone().unwrap_or_default();
    let described = match body.error_description.as_deref() {
        Some(d) if !d.is_empty() => format!("{error}: {d}"),
        _ if !error.is_empty() => error.clone(),
        _ => format!("HTTP {status}"),
    };
    let new_code = "codes are single-use and short-lived: sign in again in the app for a new \
                    serverAuthCode";
    let grant_code = match error.as_str() {
        "redirect_uri_mismatch" => Code::RedirectUriMismatch,
        _ => Code::InvalidGrant,
    };
    let grant_error = |message: String, hint: &str| Error::new(grant_code, message, hint);
    match (error.as_str(), grant) {
        ("invalid_grant", Grant::AuthorizationCode)
            if body.error_description.as_deref() == Some("Malformed auth code.") =>
        {
            grant_error(
                format!("the issuer says the code is malformed ({described})"),
                "paste the serverAuthCode exactly as the app received it (it starts with 4/)",
            )
        }
        ("invalid_grant", Grant::AuthorizationCode) => grant_error(
            format!(
                "the code was refused: already used, expired, or issued for another client ({described})"
            ),
            new_code,
        ),
        ("invalid_grant", Grant::RefreshToken) => {
            let rapt = matches!(
                body.error_subtype.as_deref(),
                Some("invalid_rapt" | "rapt_required")
            );
            if rapt {
                grant_error(
                    format!("the refresh token needs re-authentication ({described})"),
                    "a Google Workspace session-control policy requires the user to sign in again: run the app's sign-in and `gsignin exchange` the new code",
                )
            } else {
                grant_error(
                    format!("the refresh token is no longer valid ({described})"),
                    "it was revoked by the user, expired (apps in Google's Testing status lose them after 7 days; 6 months unused), pushed out by the 100-tokens-per-client limit, or ended by a password change: sign in again and `gsignin exchange` the new code",
                )
            }
        }
        ("redirect_uri_mismatch", _) => grant_error(
            format!("the code was issued for another redirect_uri ({described})"),
            "a mobile serverAuthCode needs an empty redirect_uri (the default; Google refuses `postmessage` for it); a code from a web sign-in (Google Identity Services popup) needs --redirect-uri postmessage; any other web code the exact URI it was issued for: --redirect-uri URI",
        ),
        ("invalid_client" | "unauthorized_client" | "deleted_client", _) => Error::new(
            match error.as_str() {
                "unauthorized_client" => Code::UnauthorizedClient,
                "deleted_client" => Code::DeletedClient,
                _ => Code::InvalidClient,
            },
            format!("the issuer does not accept this client ({described})"),
            "use the client secret file of the server (web) client whose ID the app passes as serverClientId, from the same Google Cloud project",
        ),
        _ if status >= 500 || status == 429 => Error::server(
            format!("the token endpoint is in trouble ({described})"),
            match grant {
                Grant::AuthorizationCode => {
                    "the code may or may not be spent: try it once more later, or sign in again for a new code"
                }
                Grant::RefreshToken => "try again later",
            },
        ),
        _ if error.is_empty() => Error::server(
            format!("the token endpoint answered HTTP {status} without an OAuth error"),
            "check --issuer and the client secret's token_uri; run with -v to see the answer",
        ),
        _ => Error::other(
            format!("the token endpoint refused the request ({described})"),
            "run with -v to see the exchange; this may be a gsignin bug worth reporting",
        ),
    }
}
