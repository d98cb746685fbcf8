//! A browser sign-in's protocol (google-authorize.md §1–3): the authorization URL with PKCE
//! S256, a random `state` and `nonce`, and the judgement of what comes back to the redirect.
//! No I/O here: `commands::login` does the listening and the exchanging.

use crate::error::{Code, Error, Result};
use crate::secret::Secret;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// One authorization request: its URL, and what the answer must match.
pub struct AuthRequest {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub verifier: Secret,
}

/// The S256 challenge of a verifier (RFC 7636 4.2).
pub fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA256,
        verifier.as_bytes(),
    ))
}

pub struct Params<'a> {
    pub endpoint: &'a str,
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub scopes: &'a [String],
    pub login_hint: Option<&'a str>,
}

impl AuthRequest {
    /// A new request: 64 random bytes of verifier (86 characters, within RFC 7636's 43–128),
    /// 32 of state, 32 of nonce. `access_type=offline` and `prompt=consent` so that Google
    /// sends a refresh token even to a user who consented before.
    pub fn new(p: &Params<'_>) -> Result<AuthRequest> {
        let verifier = crate::secret::random_urlsafe(64);
        let state = crate::secret::random_urlsafe(32);
        let nonce = crate::secret::random_urlsafe(32);
        let mut url = url::Url::parse(p.endpoint).map_err(|e| {
            Error::client_secret(
                format!(
                    "the authorization endpoint `{}` is not a URL: {e}",
                    p.endpoint
                ),
                "check the client secret's auth_uri, or --issuer",
            )
        })?;
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("client_id", p.client_id)
                .append_pair("redirect_uri", p.redirect_uri)
                .append_pair("response_type", "code")
                .append_pair("scope", &p.scopes.join(" "))
                .append_pair("state", &state)
                .append_pair("nonce", &nonce)
                .append_pair("code_challenge", &challenge(&verifier))
                .append_pair("code_challenge_method", "S256")
                .append_pair("access_type", "offline")
                .append_pair("prompt", "consent");
            if let Some(hint) = p.login_hint {
                q.append_pair("login_hint", hint);
            }
        }
        Ok(AuthRequest {
            url: url.to_string(),
            state,
            nonce,
            verifier: Secret::new(verifier),
        })
    }

    /// Judges the redirect's query: the code, if the answer is for this request and from the
    /// expected issuer. A foreign `state` (a forged redirect, or an old tab) spends nothing.
    pub fn judge(&self, query: &str, issuers: &[String]) -> Result<Secret> {
        let mut state = None;
        let mut code = None;
        let mut error = None;
        let mut description = None;
        let mut iss = None;
        for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
            let slot = match k.as_ref() {
                "state" => &mut state,
                "code" => &mut code,
                "error" => &mut error,
                "error_description" => &mut description,
                "iss" => &mut iss,
                _ => continue,
            };
            // A repeated parameter is ambiguous: the first one counts, as the issuer sent it.
            if slot.is_none() {
                *slot = Some(v.into_owned());
            }
        }
        if state.as_deref() != Some(self.state.as_str()) {
            return Err(Error::new(
                Code::StateMismatch,
                "the redirect's state is not this sign-in's: it was not started by this gsignin (a forged redirect, or a tab from an earlier sign-in); nothing was exchanged",
                "run `gsignin login` again and finish it in the tab it opens",
            ));
        }
        // RFC 9207: an `iss` naming another issuer is a mix-up attack (or a misconfiguration).
        if let Some(iss) = iss.as_deref()
            && !issuers.iter().any(|i| i == iss)
        {
            return Err(Error::new(
                Code::IssuerMismatch,
                format!(
                    "the redirect says it comes from issuer `{iss}`, not {}: nothing was exchanged",
                    issuers.join(" or ")
                ),
                "check --issuer and the client secret's auth_uri: they must name the same issuer",
            ));
        }
        if let Some(error) = error {
            let said = description
                .map(|d| format!("{error}: {d}"))
                .unwrap_or_else(|| error.clone());
            let shown = crate::redact::escape_controls(&said);
            return Err(match error.as_str() {
                "access_denied" => Error::new(
                    Code::AccessDenied,
                    format!("the sign-in was declined in the browser ({shown})"),
                    "run `gsignin login` again and choose Allow",
                ),
                _ => Error::new(
                    Code::AuthorizationFailed,
                    format!("the issuer ended the sign-in with an error ({shown})"),
                    "run `gsignin login` again; -v shows the requests",
                ),
            });
        }
        code.filter(|c| !c.is_empty())
            .map(Secret::new)
            .ok_or_else(|| {
                Error::new(
                    Code::AuthorizationFailed,
                    "the redirect carries neither a code nor an error",
                    "run `gsignin login` again",
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> AuthRequest {
        AuthRequest::new(&Params {
            endpoint: "https://accounts.google.com/o/oauth2/v2/auth",
            client_id: "cid",
            redirect_uri: "http://127.0.0.1:5555",
            scopes: &["openid".to_string(), "email".to_string()],
            login_hint: Some("a@example.com"),
        })
        .unwrap()
    }

    const GOOGLE: &[&str] = &["https://accounts.google.com", "accounts.google.com"];

    fn issuers() -> Vec<String> {
        GOOGLE
            .iter()
            .map(std::string::ToString::to_string)
            .collect()
    }

    #[test]
    fn l1_the_url_carries_pkce_state_nonce_and_offline_access() {
        let r = request();
        let url = url::Url::parse(&r.url).unwrap();
        let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(q["code_challenge"], challenge(r.verifier.expose()));
        assert_eq!(q["state"], r.state);
        assert_eq!(q["nonce"], r.nonce);
        assert_eq!(q["access_type"], "offline");
        assert_eq!(q["scope"], "openid email");
        assert_eq!(q["login_hint"], "a@example.com");
        assert_eq!(r.verifier.expose().len(), 86);
        assert!(
            !r.url.contains(r.verifier.expose()),
            "the verifier stays here"
        );
        // RFC 7636 appendix B.
        assert_eq!(
            challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn l2_only_this_requests_state_from_this_issuer_yields_a_code() {
        let r = request();
        let ok = format!(
            "state={}&iss=https%3A%2F%2Faccounts.google.com&code=4%2F0Ax&scope=email",
            r.state
        );
        assert_eq!(r.judge(&ok, &issuers()).unwrap().expose(), "4/0Ax");
        let no_iss = format!("state={}&code=4%2F0Ax", r.state);
        assert!(r.judge(&no_iss, &issuers()).is_ok(), "iss may be absent");
        let cases = [
            ("state=other&code=4%2F0Ax".to_string(), Code::StateMismatch),
            ("code=4%2F0Ax".to_string(), Code::StateMismatch),
            (
                format!("state={}x&code=4%2F0Ax", r.state),
                Code::StateMismatch,
            ),
            (
                format!(
                    "state={}&iss=https%3A%2F%2Fevil.example&code=4%2F0Ax",
                    r.state
                ),
                Code::IssuerMismatch,
            ),
            (
                format!("error=access_denied&state={}", r.state),
                Code::AccessDenied,
            ),
            (
                format!("error=interaction_required&state={}", r.state),
                Code::AuthorizationFailed,
            ),
            (format!("state={}", r.state), Code::AuthorizationFailed),
            // The denial of a forged request is still forged: state first.
            (
                "error=access_denied&state=x".to_string(),
                Code::StateMismatch,
            ),
        ];
        for (query, code) in cases {
            assert_eq!(
                r.judge(&query, &issuers()).unwrap_err().code(),
                code,
                "{query}"
            );
        }
    }
}
