//! Google API answers that are not any one API's: the JSON error envelope, the 401s and their
//! `WWW-Authenticate` challenge, the 403 for a missing scope (with the `insufficient_scope`
//! challenge naming the scopes that would do), the 400 for a body that is not JSON, and the 404
//! for a path no API serves. Google's front end writes these for every API, so the emulated APIs
//! (Drive, Gmail, People, userinfo) take them from here rather than each spelling its own.
//!
//! Two envelopes exist: One Platform APIs (People) send `{code, message, status, details[]}`;
//! APIs older than it (Drive, Gmail) add the v1-era `errors[]` list. An `ErrorInfo` in
//! `details[]` names the RPC behind the REST call, where Google's captured answers do.

use super::state::{AccessToken, State as EmuState, normalise_scope};
use super::token::json_response;
use axum::http::{HeaderMap, HeaderValue, Method as HttpMethod, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// Which envelope an API's errors come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Envelope {
    /// `{"code","message","status"}` (and `details[]`): People, userinfo v2.
    Plain,
    /// The same plus `errors[]`: Drive, Gmail.
    WithErrors,
}

/// The RPC a REST method reaches, as an `ErrorInfo`'s metadata names it.
#[derive(Debug, Clone, Copy)]
pub struct Rpc {
    pub service: &'static str,
    pub method: &'static str,
}

/// What a refusal needs to know about the method it refuses.
#[derive(Debug, Clone, Copy)]
pub struct Method {
    pub envelope: Envelope,
    /// None where Google's captured answers carry no `ErrorInfo` (Drive, userinfo).
    pub rpc: Option<Rpc>,
}

const CREDENTIAL_HINT: &str = "Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.";
const REALM: &str = "Bearer realm=\"https://accounts.google.com/\"";

/// A JSON answer as Google's APIs write them (pretty-printed, never cached).
pub fn answer(status: StatusCode, body: &Value) -> Response {
    json_response(status, body, true)
}

fn error_info(reason: &str, rpc: Rpc) -> Value {
    json!({
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        "reason": reason,
        "domain": "googleapis.com",
        "metadata": {"service": rpc.service, "method": rpc.method},
    })
}

/// `WWW-Authenticate` of a 401: whether a token was sent decides whether it names
/// `invalid_token`.
fn bearer_challenge(headers: &HeaderMap) -> HeaderValue {
    if headers.contains_key(header::AUTHORIZATION) {
        HeaderValue::from_static(
            "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"",
        )
    } else {
        HeaderValue::from_static(REALM)
    }
}

/// A 401 with `body` and the challenge header (userinfo's flat OpenID body comes this way).
pub fn unauthorized(headers: &HeaderMap, body: &Value) -> Response {
    let mut resp = answer(StatusCode::UNAUTHORIZED, body);
    resp.headers_mut()
        .insert(header::WWW_AUTHENTICATE, bearer_challenge(headers));
    resp
}

/// Google's 401 in `method`'s envelope: a bad token is "Invalid Credentials", a missing one
/// "Login Required." (with `CREDENTIALS_MISSING`, the one case Google names the RPC in).
pub fn unauthenticated(headers: &HeaderMap, method: Method) -> Response {
    let sent = headers.contains_key(header::AUTHORIZATION);
    let (lead, item, reason) = if sent {
        (
            "Request had invalid authentication credentials.",
            "Invalid Credentials",
            "authError",
        )
    } else {
        (
            "Request is missing required authentication credential.",
            "Login Required.",
            "required",
        )
    };
    let mut error = json!({"code": 401, "message": format!("{lead} {CREDENTIAL_HINT}"), "status": "UNAUTHENTICATED"});
    if method.envelope == Envelope::WithErrors {
        error["errors"] = json!([{"message": item, "domain": "global", "reason": reason, "location": "Authorization", "locationType": "header"}]);
    }
    if let (false, Some(rpc)) = (sent, method.rpc) {
        error["details"] = json!([error_info("CREDENTIALS_MISSING", rpc)]);
    }
    unauthorized(headers, &json!({ "error": error }))
}

/// Adds the challenge that tells a client which scopes would do (`gsignin api` and Google's
/// libraries read it to say what to ask the user for).
pub fn with_scope_challenge(mut resp: Response, scopes: &[&str]) -> Response {
    let value = format!(
        "{REALM}, error=\"insufficient_scope\", scope=\"{}\"",
        scopes.join(" ")
    );
    if let Ok(v) = HeaderValue::from_str(&value) {
        resp.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    resp
}

/// Google's 403 for a token without any of `scopes`, in `method`'s envelope.
pub fn insufficient_scope(method: Method, scopes: &[&str]) -> Response {
    let mut error = json!({"code": 403, "message": "Request had insufficient authentication scopes.", "status": "PERMISSION_DENIED"});
    if method.envelope == Envelope::WithErrors {
        error["errors"] = json!([{"message": "Insufficient Permission", "domain": "global", "reason": "insufficientPermissions"}]);
    }
    if let Some(rpc) = method.rpc {
        error["details"] = json!([error_info("ACCESS_TOKEN_SCOPE_INSUFFICIENT", rpc)]);
    }
    with_scope_challenge(
        answer(StatusCode::FORBIDDEN, &json!({ "error": error })),
        scopes,
    )
}

/// Whether the token's grant holds any of `accepted` (full URLs; a grant's short `email` and
/// `profile` count as theirs).
pub fn granted_any(at: &AccessToken, accepted: &[&str]) -> bool {
    at.grant
        .scopes
        .iter()
        .any(|s| accepted.contains(&normalise_scope(s).as_str()))
}

/// The live token a request carries, or Google's 401 in `method`'s envelope.
pub fn authenticate<'a>(
    st: &'a EmuState,
    headers: &HeaderMap,
    method: Method,
) -> Result<&'a AccessToken, Box<Response>> {
    st.bearer(headers)
        .ok_or_else(|| Box::new(unauthenticated(headers, method)))
}

/// [`authenticate`], then the method's scope check: any of `accepted` will do.
pub fn authorize<'a>(
    st: &'a EmuState,
    headers: &HeaderMap,
    method: Method,
    accepted: &[&str],
) -> Result<&'a AccessToken, Box<Response>> {
    let at = authenticate(st, headers, method)?;
    if granted_any(at, accepted) {
        Ok(at)
    } else {
        Err(Box::new(insufficient_scope(method, accepted)))
    }
}

/// A 400 INVALID_ARGUMENT with Google's `message`.
pub fn invalid_argument(message: &str) -> Response {
    answer(
        StatusCode::BAD_REQUEST,
        &json!({"error": {"code": 400, "message": message, "status": "INVALID_ARGUMENT"}}),
    )
}

/// A request body as Google's JSON transcoder reads it: an object, or its 400 saying why not.
pub fn json_object(body: &[u8]) -> Result<serde_json::Map<String, Value>, Box<Response>> {
    let reason = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => return Ok(map),
        Ok(_) => "Unknown name \"\": Root element must be a message.",
        Err(e) if e.is_eof() => "Unexpected end of string.",
        Err(_) => "Unexpected token.",
    };
    Err(Box::new(invalid_argument(&format!(
        "Invalid JSON payload received. {reason}"
    ))))
}

/// The router's fallback, and the answer to a method a known API path does not serve (Google
/// routes on method and path together, so it has no method there: 404, not 405). Drive and
/// Gmail answer in their `errors[]` form; the rest as One Platform does. The control API is
/// the emulator's own, not Google's: its unknown paths stay a bare 404. The message starts
/// as Google's and then says that the method is not emulated (it may well exist at Google),
/// naming the page that lists what is.
pub async fn not_found(method: HttpMethod, uri: Uri) -> Response {
    let path = uri.path();
    if path.starts_with("/control/") {
        return StatusCode::NOT_FOUND.into_response();
    }
    // The path as text only: at most 200 characters, no control characters.
    let shown: String = path.chars().filter(|c| !c.is_control()).take(200).collect();
    let why = format!(
        "the gsignin emulator does not emulate {method} {shown}; {SERVED_DOCS} lists the Google API methods it serves"
    );
    let body = if path.starts_with("/drive/") || path.starts_with("/gmail/") {
        let message = format!("Not Found: {why}");
        json!({"error": {"errors": [{"domain": "global", "reason": "notFound", "message": message}], "code": 404, "message": message}})
    } else {
        json!({"error": {"code": 404, "message": format!("Method not found: {why}"), "status": "NOT_FOUND"}})
    };
    answer(StatusCode::NOT_FOUND, &body)
}

/// Where the methods the emulator serves are listed.
pub const SERVED_DOCS: &str = "docs/emulator-service.md (\"Google API methods served\")";
