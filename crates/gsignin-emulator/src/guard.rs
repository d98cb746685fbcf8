//! Who may use the control API (`/control/*`), which mints codes, revokes grants, moves the
//! clock and rewrites the web client's redirect URIs: whoever runs the emulator, and nobody a
//! web page or a network neighbour can stand in for.
//!
//! Three rules, in this order:
//! - the `Host` must be a loopback name or the public URL's host and port (a page whose name
//!   DNS points at the emulator, DNS rebinding, sends its own name): else 403;
//! - when the emulator has a control token (always on a non-loopback bind), the request must
//!   carry it as `Authorization: Bearer TOKEN`, compared in constant time: else 401;
//! - anything that changes state must be JSON (a form on any web page can POST form-encoded
//!   data cross-site; JSON needs a preflight it never gets): else 415.

use crate::Shared;
use crate::token::json_response;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::json;
use std::sync::Arc;

/// A control token is at least this long: it is all that stands between a network and the
/// control API.
const MIN_TOKEN: usize = 16;
/// And at most this long (it travels in a header).
const MAX_TOKEN: usize = 512;

/// The control API's token. Never formatted (`Debug` is redacted), compared in constant time.
#[derive(Clone)]
pub(crate) struct ControlToken(Arc<str>);

impl ControlToken {
    /// A new random token: 32 random bytes, URL-safe base64.
    pub(crate) fn random() -> ControlToken {
        ControlToken(crate::server::random_urlsafe(32).into())
    }

    /// A token the operator chose, unchecked until [`ControlToken::check`].
    pub(crate) fn chosen(text: &str) -> ControlToken {
        ControlToken(text.into())
    }

    /// Whether it can serve: 16 to 512 visible ASCII characters, no white space (a Bearer
    /// header carries it as one word). The error never shows the token.
    pub(crate) fn check(&self) -> Result<(), String> {
        let len = self.0.len();
        if !(MIN_TOKEN..=MAX_TOKEN).contains(&len) {
            return Err(format!(
                "a control token is {MIN_TOKEN} to {MAX_TOKEN} characters (this one has {len})"
            ));
        }
        if !self.0.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(
                "a control token is visible ASCII without spaces (it travels as `Authorization: Bearer TOKEN`)"
                    .to_string(),
            );
        }
        Ok(())
    }

    /// Whether `sent` is this token, in time that does not depend on where they differ.
    pub(crate) fn matches(&self, sent: &str) -> bool {
        aws_lc_rs::constant_time::verify_slices_are_equal(sent.as_bytes(), self.0.as_bytes())
            .is_ok()
    }

    /// The token itself, for the one who runs the emulator ([`crate::Emulator::control_token`]).
    pub(crate) fn reveal(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ControlToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ControlToken([redacted])")
    }
}

/// What the guard needs: the state (for the public URL, which `set_public_url` may change) and
/// the token, if there is one (fixed at start).
#[derive(Clone)]
pub(crate) struct Access {
    pub shared: Shared,
    pub token: Option<ControlToken>,
}

/// The middleware: requests outside `/control/` pass untouched.
pub(crate) async fn guard_control(
    State(access): State<Access>,
    req: Request,
    next: Next,
) -> Response {
    if !req.uri().path().starts_with("/control/") {
        return next.run(req).await;
    }
    match refusal(&access, &req) {
        Some(refusal) => refusal,
        None => next.run(req).await,
    }
}

/// The answer to a request that breaks a rule (the first one it breaks, in order); None when
/// it may pass.
fn refusal(access: &Access, req: &Request) -> Option<Response> {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    let public_url = access
        .shared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .public_url
        .clone();
    if !host_allowed(host, &public_url) {
        return Some(json_response(
            StatusCode::FORBIDDEN,
            &json!({"error": format!(
                "the control API answers only a loopback Host (127.0.0.1, localhost, [::1]) or its public URL's ({public_url})"
            )}),
            true,
        ));
    }
    if let Some(refused) = access.token.as_ref().and_then(|t| bearer_refusal(t, req)) {
        return Some(refused);
    }
    let json_body = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|h| h.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    // A DELETE with no body asks nothing a form could carry (and no page sends one across
    // sites without a preflight the emulator never answers): it needs no content type.
    let bodiless_delete = req.method() == Method::DELETE
        && req
            .headers()
            .get(header::CONTENT_LENGTH)
            .is_none_or(|len| len.as_bytes() == b"0")
        && !req.headers().contains_key(header::TRANSFER_ENCODING);
    if req.method() != Method::GET && !json_body && !bodiless_delete {
        return Some(json_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            &json!({"error": "the control API takes JSON only: send Content-Type: application/json (an empty body is `{}`)"}),
            true,
        ));
    }
    None
}

/// A loopback name, or the host and port of the URL the emulator's clients know it by.
pub(crate) fn host_allowed(host: &str, public_url: &str) -> bool {
    crate::server::net::is_loopback_host(host) || crate::listen::host_names(host, public_url)
}

/// The request's `Authorization: Bearer` must be the token: a 401 (RFC 6750's challenge)
/// without it or with another one. The answer never echoes what was sent.
fn bearer_refusal(token: &ControlToken, req: &Request) -> Option<Response> {
    let sent = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(crate::server::net::bearer_token);
    let (challenge, message) = match sent {
        Some(sent) if token.matches(sent) => return None,
        Some(_) => (
            "Bearer realm=\"gsignin-emulator control\", error=\"invalid_token\"",
            "the control token is wrong",
        ),
        None => (
            "Bearer realm=\"gsignin-emulator control\"",
            "the control API needs its token: send Authorization: Bearer TOKEN (the one printed at start, or chosen with GSIGNIN_EMULATOR_CONTROL_TOKEN)",
        ),
    };
    let mut refusal = json_response(StatusCode::UNAUTHORIZED, &json!({"error": message}), true);
    refusal.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static(challenge),
    );
    Some(refusal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn m11_only_the_exact_control_token_matches() {
        let token = ControlToken::chosen("0123456789abcdef-token");
        assert!(token.matches("0123456789abcdef-token"));
        for other in [
            "",
            "0123456789abcdef-toke",
            "0123456789abcdef-token ",
            "0123456789abcdef-tokem",
            "0123456789ABCDEF-token",
        ] {
            assert!(!token.matches(other), "{other:?}");
        }
        let random = ControlToken::random();
        assert!(random.check().is_ok());
        assert_ne!(random.reveal(), ControlToken::random().reveal());
    }

    #[test]
    fn m11_m12_a_chosen_token_is_long_visible_and_never_shown() {
        for bad in [
            "short",
            "with a space in it!!",
            "tab\tseparated-token-value",
            "x".repeat(513).as_str(),
        ] {
            let err = ControlToken::chosen(bad).check().unwrap_err();
            assert!(!err.contains(bad), "{err}");
        }
        assert!(ControlToken::chosen("0123456789abcdef").check().is_ok());
        let token = ControlToken::chosen("0123456789abcdef-secret");
        assert!(!format!("{token:?}").contains("secret"));
    }

    #[test]
    fn m10_the_host_is_loopback_or_the_public_urls() {
        let public = "http://google-emulator:8080";
        for ok in [
            "127.0.0.1:8080",
            "localhost",
            "[::1]:1",
            "google-emulator:8080",
        ] {
            assert!(host_allowed(ok, public), "{ok}");
        }
        for refused in [
            "attacker.example",
            "google-emulator:9",
            "10.89.0.2:8080",
            "",
        ] {
            assert!(!host_allowed(refused, public), "{refused}");
        }
    }
}
