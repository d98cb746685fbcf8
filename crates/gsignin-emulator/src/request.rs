//! What the authorization pages are about, shared by the handlers (`authorize`) and the
//! pages they render (`page`): the validated request, which scopes sign in, and the errors
//! Google shows on its own page.

use super::state::{ClientKind, SCOPE_EMAIL, SCOPE_PROFILE};
use std::collections::BTreeMap;

/// A validated authorization request.
#[derive(Debug, Clone)]
pub struct AuthRequest {
    /// The original parameters, carried through the pages.
    pub params: BTreeMap<String, String>,
    pub client_id: String,
    pub client_name: String,
    pub kind: ClientKind,
    pub redirect_uri: String,
    /// The scopes as requested (aliases kept), deduplicated in order.
    pub scopes: Vec<String>,
    pub prompt: Vec<String>,
    pub offline: bool,
}

impl AuthRequest {
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }

    pub fn login_hint(&self) -> Option<&str> {
        self.param("login_hint").filter(|s| !s.is_empty())
    }

    pub fn hd(&self) -> Option<&str> {
        self.param("hd").filter(|s| !s.is_empty())
    }

    /// Sign-in scopes are consented to as one; the others get a checkbox each.
    pub fn optional_scopes(&self) -> Vec<&str> {
        self.scopes
            .iter()
            .map(String::as_str)
            .filter(|s| !is_sign_in(s))
            .collect()
    }
}

/// The three sign-in scopes, in either spelling.
pub fn is_sign_in(scope: &str) -> bool {
    matches!(scope, "openid" | "email" | "profile")
        || scope == SCOPE_EMAIL
        || scope == SCOPE_PROFILE
}

/// An error Google shows on its own page: never redirected (the redirect may be an attacker's).
#[derive(Debug)]
pub struct PageError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    pub redirect_uri: Option<String>,
}
