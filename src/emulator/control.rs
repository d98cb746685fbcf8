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
