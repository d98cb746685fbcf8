//! The control API, for tests and for people driving the emulator: mint a serverAuthCode as a
//! mobile sign-in would, inject faults, move the clock, rotate keys, read hit counters. Who
//! may call it is `guard`'s concern.

use super::Shared;
use super::state::{Fault, MintRequest};
use super::token::json_response;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

/// Longest text a minted code may carry in one field (an email address is at most 320).
const MAX_FIELD: usize = 320;

pub async fn mint(State(shared): State<Shared>, body: axum::body::Bytes) -> Response {
    // An empty body is `{}`, as the docs say (axum's JSON extractor refuses one).
    let req: MintRequest = if body.iter().all(u8::is_ascii_whitespace) {
        MintRequest::default()
    } else {
        match serde_json::from_slice(&body) {
            Ok(req) => req,
            Err(e) => {
                return json_response(
                    StatusCode::BAD_REQUEST,
                    &json!({"error": format!("the request is not a mint request: {e}")}),
                    true,
                );
            }
        }
    };
    let fields = [
        &req.email,
        &req.name,
        &req.hd,
        &req.client_id,
        &req.azp,
        &req.redirect_uri,
        &req.nonce,
    ];
    let scopes = req.scopes.as_deref().unwrap_or_default();
    if fields
        .iter()
        .any(|f| f.as_ref().is_some_and(|v| v.len() > MAX_FIELD))
        || scopes.len() > 64
        || scopes.iter().any(|s| s.len() > MAX_FIELD)
    {
        return json_response(
            StatusCode::BAD_REQUEST,
            &json!({"error": format!("fields are at most {MAX_FIELD} characters, and at most 64 scopes")}),
            true,
        );
    }
    // An address is one word: one with a line break or a control character would put them
    // into every report that names the user.
    if req
        .email
        .as_deref()
        .is_some_and(|e| e.is_empty() || e.chars().any(|c| c.is_whitespace() || c.is_control()))
    {
        return json_response(
            StatusCode::BAD_REQUEST,
            &json!({"error": "`email` is not an email address: empty, or holding white space or a control character"}),
            true,
        );
    }
    let mut st = shared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    json_response(StatusCode::OK, &st.mint(req), true)
}

/// Adds users (a `--users` document: a JSON array), replacing those of the same email. A
/// document it refuses changes nothing.
pub async fn add_users(State(shared): State<Shared>, body: axum::body::Bytes) -> Response {
    let users = match super::users::parse(&body) {
        Ok(users) => users,
        Err(e) => return json_response(StatusCode::BAD_REQUEST, &json!({"error": e}), true),
    };
    let mut st = shared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    // One sub, one user: another account already holding a sub given here is refused.
    if let Some(clash) = users.iter().find(|u| {
        st.users
            .values()
            .any(|known| known.sub == u.sub && known.email != u.email)
    }) {
        return json_response(
            StatusCode::BAD_REQUEST,
            &json!({"error": format!("the sub {} belongs to another user already", clash.sub)}),
            true,
        );
    }
    let new = users
        .iter()
        .filter(|u| !st.users.contains_key(&u.email))
        .count();
    if st.users.len() + new > super::state::MAX_USERS {
        return json_response(
            StatusCode::BAD_REQUEST,
            &json!({"error": format!("an emulator knows at most {} users", super::state::MAX_USERS)}),
            true,
        );
    }
    let emails: Vec<String> = users.iter().map(|u| u.email.clone()).collect();
    for user in users {
        st.users.insert(user.email.clone(), user);
    }
    json_response(
        StatusCode::OK,
        &json!({"users": emails, "count": st.users.len()}),
        true,
    )
}

pub async fn add_fault(State(shared): State<Shared>, Json(fault): Json<Fault>) -> Response {
    let mut st = shared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    st.faults.push(fault);
    json_response(StatusCode::OK, &json!({"faults": st.faults}), true)
}

pub async fn clear_faults(State(shared): State<Shared>) -> Response {
    let mut st = shared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    st.faults.clear();
    json_response(StatusCode::OK, &json!({"faults": []}), true)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockRequest {
    /// Seconds to move the clock forward (negative: back).
    advance: i64,
}

pub async fn clock(State(shared): State<Shared>, Json(req): Json<ClockRequest>) -> Response {
    let mut st = shared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    st.clock_offset = st.clock_offset.saturating_add(req.advance);
    let now = st.now();
    json_response(
        StatusCode::OK,
        &json!({"now": now, "offset": st.clock_offset}),
        true,
    )
}

pub async fn rotate_keys(State(shared): State<Shared>) -> Response {
    let mut st = shared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let kid = st.keys.rotate().kid.clone();
    json_response(StatusCode::OK, &json!({"kid": kid}), true)
}

pub async fn stats(State(shared): State<Shared>) -> Response {
    let st = shared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    json_response(StatusCode::OK, &json!({"hits": st.hits}), true)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantAction {
    /// Which grants: the one of this refresh token, or every grant of this user, or all.
    refresh_token: Option<String>,
    email: Option<String>,
    /// `revoke` (the user removed access), `invalid_rapt` (Workspace re-authentication
    /// required), `clear_rapt`.
    action: String,
}

pub async fn grants(State(shared): State<Shared>, Json(req): Json<GrantAction>) -> Response {
    let mut st = shared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let sub = req
        .email
        .as_ref()
        .and_then(|e| st.users.get(e))
        .map(|u| u.sub.clone());
    let family = req
        .refresh_token
        .as_ref()
        .and_then(|rt| st.refresh_tokens.get(rt))
        .map(|g| g.family);
    let mut changed = 0;
    for g in st.refresh_tokens.values_mut() {
        let selected = match (&req.refresh_token, &req.email) {
            (Some(_), _) => Some(g.family) == family,
            (None, Some(_)) => Some(&g.sub) == sub.as_ref(),
            (None, None) => true,
        };
        if !selected {
            continue;
        }
        match req.action.as_str() {
            "revoke" => g.revoked = true,
            "invalid_rapt" => g.rapt_required = true,
            "clear_rapt" => g.rapt_required = false,
            other => {
                return json_response(
                    StatusCode::BAD_REQUEST,
                    &json!({"error": format!("unknown action `{other}`: revoke, invalid_rapt, clear_rapt")}),
                    true,
                );
            }
        }
        changed += 1;
    }
    if req.action == "revoke" {
        let revoked: Vec<u64> = st
            .refresh_tokens
            .values()
            .filter(|g| g.revoked)
            .map(|g| g.family)
            .collect();
        st.access_tokens
            .retain(|_, a| !revoked.contains(&a.grant.family));
    }
    json_response(StatusCode::OK, &json!({"changed": changed}), true)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    rotate_refresh_tokens: Option<bool>,
    drive_api_enabled: Option<bool>,
    testing_mode: Option<bool>,
    code_lifetime: Option<i64>,
    jwks_max_age: Option<u64>,
    /// `https://accounts.google.com`, `accounts.google.com` or `url`.
    iss: Option<String>,
    /// The authorization page approves at once (as `login_hint`, else the default user).
    auto_approve: Option<bool>,
    /// A mobile code may be redeemed with no redirect_uri at all (else 400 invalid_request).
    accept_missing_redirect_uri: Option<bool>,
    /// The web client's registered redirect URIs (replacing the list).
    web_redirect_uris: Option<Vec<String>>,
}

pub async fn settings(State(shared): State<Shared>, Json(req): Json<Settings>) -> Response {
    let mut st = shared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(v) = req.rotate_refresh_tokens {
        st.rotate_refresh_tokens = v;
    }
    if let Some(v) = req.drive_api_enabled {
        st.drive_api_enabled = v;
    }
    if let Some(v) = req.testing_mode {
        st.testing_mode = v;
    }
    if let Some(v) = req.code_lifetime {
        st.code_lifetime = v;
    }
    if let Some(v) = req.jwks_max_age {
        st.jwks_max_age = v;
    }
    if let Some(v) = req.auto_approve {
        st.auto_approve = v;
    }
    if let Some(v) = req.accept_missing_redirect_uri {
        st.accept_missing_redirect_uri = v;
    }
    if let Some(uris) = req.web_redirect_uris {
        if uris.len() > 64
            || uris
                .iter()
                .any(|u| u.len() > 2048 || url::Url::parse(u).is_err())
        {
            return json_response(
                StatusCode::BAD_REQUEST,
                &json!({"error": "web_redirect_uris: at most 64 absolute URLs"}),
                true,
            );
        }
        if let Some(web) = st
            .clients
            .iter_mut()
            .find(|c| c.kind == super::state::ClientKind::Web)
        {
            web.redirect_uris = uris;
        }
    }
    if let Some(v) = &req.iss {
        match super::state::Iss::parse(v) {
            Some(iss) => st.iss = iss,
            None => {
                return json_response(
                    StatusCode::BAD_REQUEST,
                    &json!({"error": "iss is https://accounts.google.com, accounts.google.com or url"}),
                    true,
                );
            }
        }
    }
    json_response(
        StatusCode::OK,
        &json!({
            "rotate_refresh_tokens": st.rotate_refresh_tokens,
            "testing_mode": st.testing_mode,
            "drive_api_enabled": st.drive_api_enabled,
            "code_lifetime": st.code_lifetime,
            "jwks_max_age": st.jwks_max_age,
            "iss": st.iss.name(),
            "auto_approve": st.auto_approve,
            "accept_missing_redirect_uri": st.accept_missing_redirect_uri,
            "web_redirect_uris": st
                .clients
                .iter()
                .find(|c| c.kind == super::state::ClientKind::Web)
                .map(|c| c.redirect_uris.clone())
                .unwrap_or_default(),
        }),
        true,
    )
}
