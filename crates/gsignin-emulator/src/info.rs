//! What Google tells a bearer about a token: tokeninfo (`/tokeninfo`, `/oauth2/v3/tokeninfo`,
//! `/oauth2/v1/tokeninfo`) and userinfo (OpenID `/v1/userinfo` and `/oauth2/v3/userinfo`; the
//! older `/oauth2/v2/userinfo` and `/userinfo/v2/me` with `id` and `verified_email`), with
//! Google's field names, string values and errors (google-authorize.md §5, §6).

use super::Shared;
use super::google_api::{self, Envelope, Method};
use super::state::{AccessToken, State as EmuState, user_claims};
use super::token::{form, json_response};
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::Response;
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// The v2 userinfo's refusals: One Platform's envelope, no RPC named.
const USERINFO_V2: Method = Method {
    envelope: Envelope::Plain,
    rpc: None,
};

/// OpenID userinfo: `sub` and the claims the grant's scopes allow.
pub async fn userinfo(State(shared): State<Shared>, headers: HeaderMap) -> Response {
    let st = shared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let Some(at) = st.bearer(&headers) else {
        return google_api::unauthorized(
            &headers,
            &json!({"error": "invalid_request", "error_description": "Invalid Credentials"}),
        );
    };
    let mut claims = json!({"sub": at.grant.sub});
    if let Some(user) = st.user_by_sub(&at.grant.sub) {
        user_claims(&mut claims, user, &at.grant.scopes);
    }
    json_response(StatusCode::OK, &claims, true)
}

/// The v2 userinfo shape: `id` for `sub`, `verified_email` for `email_verified`.
pub async fn userinfo_v2(State(shared): State<Shared>, headers: HeaderMap) -> Response {
    let st = shared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let at = match google_api::authenticate(&st, &headers, USERINFO_V2) {
        Ok(at) => at,
        Err(resp) => return *resp,
    };
    let mut claims = json!({});
    if let Some(user) = st.user_by_sub(&at.grant.sub) {
        user_claims(&mut claims, user, &at.grant.scopes);
    }
    let mut out = Map::new();
    out.insert("id".into(), json!(at.grant.sub));
    if let Some(obj) = claims.as_object() {
        for (k, v) in obj {
            let name = if k == "email_verified" {
                "verified_email"
            } else {
                k.as_str()
            };
            out.insert(name.into(), v.clone());
        }
    }
    json_response(StatusCode::OK, &Value::Object(out), true)
}

/// tokeninfo, as Google answers it: the token from the query, a form body, or (as
/// google-auth-library-nodejs sends it) a Bearer header.
pub async fn tokeninfo(
    State(shared): State<Shared>,
    uri: Uri,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let body = form(&body);
    let param = |name: &str| query.get(name).or_else(|| body.get(name)).cloned();
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(String::from);
    let legacy = uri.path() == "/oauth2/v1/tokeninfo";
    let answer = match (param("id_token"), param("access_token").or(bearer)) {
        (Some(id_token), _) => {
            // Verifying (an RSA operation) happens after the lock is released.
            let snapshot = {
                let st = shared
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                KeySnapshot {
                    jwks: st.keys.jwks(),
                    issuer: st.public_url.clone(),
                    now: st.now(),
                }
            };
            id_token_info(&snapshot, &id_token)
        }
        (None, Some(access_token)) => {
            let st = shared
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            st.access_tokens
                .get(&access_token)
                .filter(|a| a.expires_at > st.now() && !a.grant.revoked)
                .map(|a| access_token_info(&st, a, legacy))
        }
        (None, None) => None,
    };
    match answer {
        Some(info) => json_response(StatusCode::OK, &info, true),
        // The v3 path answers without `error`; the others with `invalid_token`.
        None if uri.path() == "/oauth2/v3/tokeninfo" => json_response(
            StatusCode::BAD_REQUEST,
            &json!({"error_description": "Invalid Value"}),
            true,
        ),
        None => json_response(
            StatusCode::BAD_REQUEST,
            &json!({"error": "invalid_token", "error_description": "Invalid Value"}),
            true,
        ),
    }
}

/// An access token's info: every value a string (the v1 path: its own legacy names).
fn access_token_info(st: &EmuState, at: &AccessToken, legacy: bool) -> Value {
    let now = st.now();
    let offline = at.refresh_token.is_some()
        || st
            .refresh_tokens
            .values()
            .any(|g| g.family == at.grant.family);
    let access_type = if offline { "offline" } else { "online" };
    let user = st.user_by_sub(&at.grant.sub);
    let with_email = at
        .grant
        .scopes
        .iter()
        .any(|s| s.ends_with("userinfo.email"));
    let scope = at.grant.scopes.join(" ");
    if legacy {
        let mut info = json!({"issued_to": at.grant.azp, "audience": at.grant.client_id,
            "user_id": at.grant.sub, "scope": scope, "expires_in": at.expires_at - now,
            "access_type": access_type});
        if let (Some(u), true) = (user, with_email) {
            info["email"] = json!(u.email);
            info["verified_email"] = json!(u.email_verified);
        }
        return info;
    }
    let mut info = json!({"azp": at.grant.azp, "aud": at.grant.client_id, "sub": at.grant.sub,
        "scope": scope, "exp": at.expires_at.to_string(),
        "expires_in": (at.expires_at - now).to_string(), "access_type": access_type});
    if let (Some(u), true) = (user, with_email) {
        info["email"] = json!(u.email);
        info["email_verified"] = json!(u.email_verified.to_string());
    }
    info
}

/// What verifying an ID token needs from the emulator's state, copied out of its lock.
struct KeySnapshot {
    jwks: Value,
    issuer: String,
    now: i64,
}

/// An ID token's info: its claims as strings, and its header's alg, kid and typ; only a token
/// this emulator signed and that has not expired.
fn id_token_info(st: &KeySnapshot, token: &str) -> Option<Value> {
    let keys = gsignin_verify::jwks::parse(st.jwks.to_string().as_bytes()).ok()?;
    let expect = gsignin_verify::id_token::Expectations::new([
        st.issuer.as_str(),
        gsignin_verify::id_token::GOOGLE_ISSUER,
        "accounts.google.com",
    ])
    .with_leeway(0);
    let verdict = gsignin_verify::id_token::verify(token.as_bytes(), &keys, &expect, st.now);
    if !verdict.valid() {
        return None;
    }
    let mut info = Map::new();
    for (k, v) in verdict.claims.iter().flatten() {
        let text = match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        info.insert(k.clone(), Value::String(text));
    }
    for name in ["alg", "kid", "typ"] {
        if let Some(v) = verdict.header.as_ref().and_then(|h| h.get(name)) {
            info.insert(name.into(), v.clone());
        }
    }
    Some(Value::Object(info))
}
