//! The OAuth side of the emulator: `/token` (authorization_code and refresh_token grants),
//! `/revoke` and userinfo, with Google's statuses and exact error bodies
//! (google-protocol.md §2–4, §7).

use super::Shared;
use super::state::{
    AccessToken, Grant, RefreshRule, SCOPE_EMAIL, State as EmuState, UnsignedIdToken, random_token,
};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::{Value, json};
use std::collections::HashMap;

/// Google's token responses are never cached.
const NO_STORE: &str = "no-cache, no-store, max-age=0, must-revalidate";

pub fn json_response(status: StatusCode, body: &Value, pretty: bool) -> Response {
    let text = if pretty {
        serde_json::to_string_pretty(body).unwrap_or_default()
    } else {
        body.to_string()
    };
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (header::CACHE_CONTROL, NO_STORE),
        ],
        text,
    )
        .into_response()
}

/// `{"error": ..., "error_description": ...}`, pretty-printed with 2 spaces as Google does.
fn oauth_error(status: u16, error: &str, description: &str) -> Response {
    json_response(
        StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
        &json!({"error": error, "error_description": description}),
        true,
    )
}

pub fn form(body: &[u8]) -> HashMap<String, String> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

fn basic_auth(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_string(), secret.to_string()))
}

pub async fn token(State(shared): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let f = form(&body);
    let mut st = shared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let grant_type = f.get("grant_type").map(String::as_str).unwrap_or("");
    if grant_type != "authorization_code" && grant_type != "refresh_token" {
        return oauth_error(
            400,
            "unsupported_grant_type",
            &format!("Invalid grant_type: {grant_type}"),
        );
    }
    // Client authentication: client_secret_post or raw Basic (not form-encoded first).
    let (client_id, client_secret) = match basic_auth(&headers) {
        Some(pair) => pair,
        None => (
            f.get("client_id").cloned().unwrap_or_default(),
            f.get("client_secret").cloned().unwrap_or_default(),
        ),
    };
    if client_id.is_empty() {
        return oauth_error(
            400,
            "invalid_request",
            "Could not determine client ID from request.",
        );
    }
    match st.client(&client_id) {
        None => return oauth_error(401, "invalid_client", "The OAuth client was not found."),
        // Web and Desktop clients must send their secret, PKCE or not.
        Some(_) if client_secret.is_empty() => {
            return oauth_error(400, "invalid_request", "client_secret is missing.");
        }
        Some(c) if c.secret != client_secret => {
            return oauth_error(401, "invalid_client", "Unauthorized");
        }
        Some(_) => {}
    }
    let issued = if grant_type == "refresh_token" {
        refresh_token_grant(&mut st, &f, &client_id)
    } else {
        authorization_code_grant(&mut st, &f, &client_id)
    };
    drop(st);
    match issued {
        Err(refused) => refused,
        Ok(Issued { mut body, id_token }) => {
            if let Some(unsigned) = id_token {
                body["id_token"] = json!(unsigned.sign());
            }
            json_response(StatusCode::OK, &body, true)
        }
    }
}

/// PKCE, with Google's texts; a failure leaves the code unspent, as a redirect mismatch does.
#[allow(clippy::result_large_err)]
fn check_pkce(
    challenge: &Option<(String, String)>,
    verifier: Option<&String>,
) -> Result<(), Response> {
    match (challenge, verifier) {
        (Some(_), None) => Err(oauth_error(400, "invalid_grant", "Missing code verifier.")),
        (Some((challenge, method)), Some(verifier))
            if !super::state::pkce_matches(challenge, method, verifier) =>
        {
            Err(oauth_error(400, "invalid_grant", "Invalid code verifier."))
        }
        (None, Some(_)) => Err(oauth_error(
            400,
            "invalid_grant",
            "code_verifier or verifier is not needed.",
        )),
        _ => Ok(()),
    }
}

// A refusal is built once per request and returned at once: boxing it buys nothing.
#[allow(clippy::result_large_err)]
fn authorization_code_grant(
    st: &mut EmuState,
    f: &HashMap<String, String>,
    client_id: &str,
) -> Result<Issued, Response> {
    let Some(code) = f.get("code").filter(|s| !s.is_empty()) else {
        return Err(oauth_error(
            400,
            "invalid_request",
            "Missing required parameter: code",
        ));
    };
    if code.contains('%') || !code.starts_with("4/") {
        return Err(oauth_error(400, "invalid_grant", "Malformed auth code."));
    }
    // Omitted is not empty: whether Google accepts an omitted redirect_uri for a mobile code
    // is unconfirmed (google-authorize.md §9), so it is a setting, off by default. Libraries
    // that drop empty values (google-auth-library for Node) need it on.
    let empty = String::new();
    let redirect_uri = match f.get("redirect_uri") {
        Some(r) => r,
        None if st.accept_missing_redirect_uri => &empty,
        None => {
            return Err(oauth_error(
                400,
                "invalid_request",
                "Missing parameter: redirect_uri",
            ));
        }
    };
    let Some(cg) = st.codes.get(code).cloned() else {
        return Err(oauth_error(400, "invalid_grant", "Malformed auth code."));
    };
    if cg.used || cg.expires_at < st.now() || cg.client_id != client_id {
        return Err(oauth_error(400, "invalid_grant", "Bad Request"));
    }
    check_pkce(&cg.code_challenge, f.get("code_verifier"))?;
    // A mismatch does not spend the code: the right redirect_uri still works, as at Google.
    if &cg.redirect_uri != redirect_uri {
        return Err(oauth_error(400, "redirect_uri_mismatch", "Bad Request"));
    }
    if let Some(c) = st.codes.get_mut(code) {
        c.used = true;
    }
    let family = st.next_family;
    st.next_family += 1;
    let grant = Grant {
        client_id: cg.client_id.clone(),
        azp: cg.azp.clone(),
        sub: cg.sub.clone(),
        scopes: cg.scopes.clone(),
        family,
        revoked: false,
        rotated: false,
        rapt_required: false,
        issued_at: st.now(),
        iss: cg.iss.clone(),
    };
    // Only the first code of a user for a client carries a refresh token, unless forced.
    let key = (cg.client_id.clone(), cg.sub.clone());
    let refresh = match cg.refresh {
        RefreshRule::Never => false,
        RefreshRule::Always => true,
        RefreshRule::FirstTime => !st.offline_granted.contains(&key),
    };
    let refresh = if refresh {
        st.offline_granted.insert(key);
        let rt = random_token("1//0", 72);
        st.refresh_tokens.insert(rt.clone(), grant.clone());
        Some(rt)
    } else {
        None
    };
    let wants_id_token = grant
        .scopes
        .iter()
        .any(|s| s == "openid" || s == SCOPE_EMAIL || s.ends_with("userinfo.profile"));
    Ok(issue(
        st,
        &grant,
        refresh.clone(),
        refresh,
        wants_id_token,
        cg.nonce.as_deref(),
    ))
}

// A refusal is built once per request and returned at once: boxing it buys nothing.
#[allow(clippy::result_large_err)]
fn refresh_token_grant(
    st: &mut EmuState,
    f: &HashMap<String, String>,
    client_id: &str,
) -> Result<Issued, Response> {
    let Some(rt) = f.get("refresh_token").filter(|s| !s.is_empty()).cloned() else {
        return Err(oauth_error(
            400,
            "invalid_request",
            "Missing required parameter: refresh_token",
        ));
    };
    let Some(grant) = st.refresh_tokens.get(&rt).cloned() else {
        return Err(oauth_error(
            400,
            "invalid_grant",
            "Token has been expired or revoked.",
        ));
    };
    if grant.rotated {
        // Reuse of a rotated-away token: someone else may hold the family. Revoke it all.
        for g in st
            .refresh_tokens
            .values_mut()
            .filter(|g| g.family == grant.family)
        {
            g.revoked = true;
        }
        return Err(oauth_error(
            400,
            "invalid_grant",
            "Token has been expired or revoked.",
        ));
    }
    if grant.revoked
        || grant.client_id != client_id
        || grant.expired_in_testing(st.testing_mode, st.now())
    {
        return Err(oauth_error(
            400,
            "invalid_grant",
            "Token has been expired or revoked.",
        ));
    }
    if grant.rapt_required {
        return Err(json_response(
            StatusCode::BAD_REQUEST,
            &json!({
                "error": "invalid_grant",
                "error_description": "reauth related error (invalid_rapt)",
                "error_uri": "https://support.google.com/a/answer/9368756",
                "error_subtype": "invalid_rapt",
            }),
            true,
        ));
    }
    let (in_body, linked) = if st.rotate_refresh_tokens {
        let fresh = random_token("1//0", 72);
        if let Some(old) = st.refresh_tokens.get_mut(&rt) {
            old.rotated = true;
        }
        st.refresh_tokens.insert(fresh.clone(), grant.clone());
        (Some(fresh.clone()), Some(fresh))
    } else {
        (None, Some(rt))
    };
    let id_token = grant.scopes.iter().any(|s| s == "openid");
    Ok(issue(st, &grant, in_body, linked, id_token, None))
}

/// A new access token for `grant` (linked to the refresh token `linked`, so revoking one
/// revokes the other), with `refresh_token` in the body when one is handed out.
fn issue(
    st: &mut EmuState,
    grant: &Grant,
    refresh_token: Option<String>,
    linked: Option<String>,
    with_id_token: bool,
    nonce: Option<&str>,
) -> Issued {
    st.prune();
    let access = random_token("ya29.a0", 120);
    let expires_at = st.now() + 3599;
    let issued = st.next_issued();
    st.access_tokens.insert(
        access.clone(),
        AccessToken {
            grant: grant.clone(),
            refresh_token: linked,
            expires_at,
            issued,
        },
    );
    let mut body = json!({
        "access_token": access,
        "expires_in": 3599,
        "scope": grant.scopes.join(" "),
        "token_type": "Bearer",
    });
    if let Some(rt) = refresh_token {
        body["refresh_token"] = json!(rt);
    }
    let id_token = with_id_token.then(|| st.unsigned_id_token(grant, &access, nonce));
    Issued { body, id_token }
}

/// A token response, its ID token still to be signed (outside the emulator's lock).
struct Issued {
    body: Value,
    id_token: Option<UnsignedIdToken>,
}

/// Revoking an access token revokes its refresh token too, and the other way round.
pub async fn revoke(State(shared): State<Shared>, uri: axum::http::Uri, body: Bytes) -> Response {
    let mut params = form(&body);
    if let Some(q) = uri.query() {
        params.extend(form(q.as_bytes()));
    }
    let token = params.get("token").cloned().unwrap_or_default();
    let mut st = shared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let now = st.now();
    let refresh = if st.refresh_tokens.contains_key(&token) {
        Some(token.clone())
    } else {
        st.access_tokens
            .get(&token)
            .filter(|a| a.expires_at > now)
            .and_then(|a| a.refresh_token.clone())
    };
    let live = match &refresh {
        Some(rt) => st.refresh_tokens.get(rt).is_some_and(|g| !g.revoked),
        None => st.access_tokens.contains_key(&token),
    };
    if !live {
        return oauth_error(400, "invalid_token", "Token expired or revoked");
    }
    if let Some(family) = refresh
        .as_ref()
        .and_then(|rt| st.refresh_tokens.get(rt))
        .map(|g| g.family)
    {
        for g in st
            .refresh_tokens
            .values_mut()
            .filter(|g| g.family == family)
        {
            g.revoked = true;
        }
        st.access_tokens.retain(|_, a| a.grant.family != family);
    }
    st.access_tokens.remove(&token);
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        "",
    )
        .into_response()
}
