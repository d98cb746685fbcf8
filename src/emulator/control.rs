//! The control API, for tests and for people driving the emulator: mint a serverAuthCode as a
//! mobile sign-in would, inject faults, move the clock, rotate keys, read hit counters.

use super::Shared;
use super::state::{Fault, MintRequest};
use super::token::json_response;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

pub async fn mint(State(shared): State<Shared>, body: Option<Json<MintRequest>>) -> Response {
    let req = body.map(|Json(r)| r).unwrap_or_default();
    let mut st = shared.lock().unwrap_or_else(|e| e.into_inner());
    json_response(StatusCode::OK, &st.mint(req), true)
}

pub async fn add_fault(State(shared): State<Shared>, Json(fault): Json<Fault>) -> Response {
    let mut st = shared.lock().unwrap_or_else(|e| e.into_inner());
    st.faults.push(fault);
    json_response(StatusCode::OK, &json!({"faults": st.faults}), true)
}

pub async fn clear_faults(State(shared): State<Shared>) -> Response {
    let mut st = shared.lock().unwrap_or_else(|e| e.into_inner());
    st.faults.clear();
    json_response(StatusCode::OK, &json!({"faults": []}), true)
}

#[derive(Deserialize)]
pub struct ClockRequest {
    /// Seconds to move the clock forward (negative: back).
    advance: i64,
}

pub async fn clock(State(shared): State<Shared>, Json(req): Json<ClockRequest>) -> Response {
    let mut st = shared.lock().unwrap_or_else(|e| e.into_inner());
    st.clock_offset += req.advance;
    let now = st.now();
    json_response(
        StatusCode::OK,
        &json!({"now": now, "offset": st.clock_offset}),
        true,
    )
}

pub async fn rotate_keys(State(shared): State<Shared>) -> Response {
    let mut st = shared.lock().unwrap_or_else(|e| e.into_inner());
    let kid = st.keys.rotate().kid.clone();
    json_response(StatusCode::OK, &json!({"kid": kid}), true)
}

pub async fn stats(State(shared): State<Shared>) -> Response {
    let st = shared.lock().unwrap_or_else(|e| e.into_inner());
    json_response(StatusCode::OK, &json!({"hits": st.hits}), true)
}

#[derive(Deserialize)]
pub struct GrantAction {
    /// Which grants: the one of this refresh token, or every grant of this user, or all.
    refresh_token: Option<String>,
    email: Option<String>,
    /// `revoke` (the user removed access), `invalid_rapt` (Workspace re-authentication
    /// required), `clear_rapt`.
    action: String,
}

pub async fn grants(State(shared): State<Shared>, Json(req): Json<GrantAction>) -> Response {
    let mut st = shared.lock().unwrap_or_else(|e| e.into_inner());
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
pub struct Settings {
    rotate_refresh_tokens: Option<bool>,
    drive_api_enabled: Option<bool>,
    testing_mode: Option<bool>,
    code_lifetime: Option<i64>,
    jwks_max_age: Option<u64>,
}

pub async fn settings(State(shared): State<Shared>, Json(req): Json<Settings>) -> Response {
    let mut st = shared.lock().unwrap_or_else(|e| e.into_inner());
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
    json_response(
        StatusCode::OK,
        &json!({
            "rotate_refresh_tokens": st.rotate_refresh_tokens,
            "testing_mode": st.testing_mode,
            "drive_api_enabled": st.drive_api_enabled,
            "code_lifetime": st.code_lifetime,
            "jwks_max_age": st.jwks_max_age,
        }),
        true,
    )
}
