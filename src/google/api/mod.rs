//! Calling a Google API for the user: one request, the access token attached, refreshed when
//! it expires within a minute, and a 401 answered by one refresh and one retry. `gsignin api`
//! and `drive-appfolder` both go through here.
//!
//! Which requests are sent again is the method's business: an idempotent one (GET, HEAD, PUT,
//! DELETE, OPTIONS) after a 5xx, a dropped connection or a refusal; any other only after a
//! refusal (429, or a 403 rate limit), because a POST answered 5xx may have been done.

pub mod errors;

use crate::context::Ctx;
use crate::error::Result;
use crate::http::{Auth, Body, Jitter, Method, Policy, Response, Retry};
use crate::secret::Secret;
use crate::session::{Session, TokenKind};
use reqwest::header::{HeaderName, HeaderValue};

/// A token is refreshed first when it would expire within this many seconds.
pub const MIN_VALID: i64 = 60;

/// One request to a Google API, without its token.
pub struct Request {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// The media type and the bytes.
    pub body: Option<(String, Vec<u8>)>,
}

impl Request {
    pub fn get(url: impl Into<String>) -> Request {
        Request {
            method: Method::GET,
            url: url.into(),
            headers: Vec::new(),
            body: None,
        }
    }
}

/// Whether a method may be repeated with the same effect (RFC 9110 9.2.2).
pub fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE
    )
}

/// The headers by which a client asks a server to act on a request as another method (Google's
/// APIs honour `X-HTTP-Method-Override`; other servers the other two).
const METHOD_OVERRIDES: &[&str] = &[
    "x-http-method-override",
    "x-http-method",
    "x-method-override",
];

/// Whether `req` may be repeated with the same effect: its method and every method an override
/// header names must be idempotent, since the server may act on either. An override naming
/// no method gsignin knows counts as one that is not.
pub fn may_repeat(req: &Request) -> bool {
    let overrides = req
        .headers
        .iter()
        .filter(|(name, _)| METHOD_OVERRIDES.contains(&name.as_str()));
    is_idempotent(&req.method)
        && overrides.into_iter().all(|(_, value)| {
            value
                .to_str()
                .ok()
                .and_then(|m| Method::from_bytes(m.trim().to_ascii_uppercase().as_bytes()).ok())
                .is_some_and(|m| is_idempotent(&m))
        })
}

/// The retry rules of a Google API call `req`: Google's advice (exponential backoff plus up to
/// a second of jitter), its 403 rate limits treated as a 429, and `max_body`; a 5xx is retried
/// only when the request may be repeated ([`may_repeat`]).
pub fn policy(req: &Request, max_body: u64) -> Policy {
    Policy {
        retry: if may_repeat(req) {
            Retry::Safe
        } else {
            Retry::IfRefused
        },
        refused: Some(errors::rate_limited_403),
        jitter: Jitter::UpToASecond,
        max_body,
    }
}

/// Sends requests for a session's user; one refresh after a 401 per caller, however many
/// requests (pages) it sends.
pub struct Caller<'s, 'c> {
    ctx: &'c Ctx,
    session: &'s mut Session<'c>,
    refreshed_after_401: bool,
}

impl<'s, 'c> Caller<'s, 'c> {
    pub fn new(ctx: &'c Ctx, session: &'s mut Session<'c>) -> Caller<'s, 'c> {
        Caller {
            ctx,
            session,
            refreshed_after_401: false,
        }
    }

    /// The session the caller uses (its profile's scopes, for explaining a 403).
    pub fn session(&self) -> &Session<'c> {
        self.session
    }

    /// Sends `req` with the access token; a 401 refreshes once and sends once more (the 401
    /// says the request was not done, so any method may be resent). The answer is returned
    /// whatever its status: what it means is the caller's to say.
    pub fn send(&mut self, req: &Request, max_body: u64) -> Result<Response> {
        let resp = self.send_once(req, max_body)?;
        if resp.status != 401 || self.refreshed_after_401 {
            return Ok(resp);
        }
        // The stored token may have been revoked or expired early: one refresh, one retry.
        self.refreshed_after_401 = true;
        self.session.refresh()?;
        self.send_once(req, max_body)
    }

    fn send_once(&mut self, req: &Request, max_body: u64) -> Result<Response> {
        // Asked before every request: a long run of pages outlives an access token.
        let token: Secret = self.session.fresh_token(TokenKind::Access, MIN_VALID)?;
        // A signal that waited for a refresh to be stored ends the run here, before a request
        // the user no longer wants (a POST would create what they interrupted).
        if crate::interrupt::peek_deferred().is_some() {
            return Err(crate::error::Error::other(
                "interrupted: the request was not sent (the refreshed sign-in is stored)",
                "run the command again",
            ));
        }
        let body = match &req.body {
            Some((content_type, data)) => Body::Bytes { content_type, data },
            None => Body::None,
        };
        self.ctx.http().send_with(
            req.method.clone(),
            &req.url,
            body,
            Auth::Bearer(&token),
            policy(req, max_body),
            &req.headers,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(method: Method, headers: &[(&str, &str)]) -> Request {
        Request {
            method,
            url: "https://www.googleapis.com/drive/v3/files".into(),
            headers: headers
                .iter()
                .map(|(n, v)| (n.parse().unwrap(), v.parse().unwrap()))
                .collect(),
            body: None,
        }
    }

    #[test]
    fn a4_a_method_override_naming_a_method_that_is_not_idempotent_is_never_repeated() {
        assert!(may_repeat(&with(Method::GET, &[])));
        assert!(!may_repeat(&with(Method::POST, &[])));
        for name in [
            "X-HTTP-Method-Override",
            "x-http-method",
            "X-Method-Override",
        ] {
            for value in ["PATCH", "post", " Delete-ish ", "", "LOCK"] {
                assert!(
                    !may_repeat(&with(Method::GET, &[(name, value)])),
                    "{name}: {value}"
                );
            }
            for value in ["GET", "put", " DELETE "] {
                assert!(
                    may_repeat(&with(Method::GET, &[(name, value)])),
                    "{name}: {value}"
                );
            }
            // The server may ignore the override and act on the POST.
            assert!(!may_repeat(&with(Method::POST, &[(name, "GET")])), "{name}");
        }
        assert!(!may_repeat(&with(
            Method::GET,
            &[
                ("X-HTTP-Method-Override", "GET"),
                ("X-Method-Override", "PATCH")
            ]
        )));
        assert_eq!(
            policy(
                &with(Method::GET, &[("X-HTTP-Method-Override", "PATCH")]),
                1
            )
            .retry,
            Retry::IfRefused
        );
    }
}
