//! Drive v3's app data folder: `files.get(fileId='appfolder')` and
//! `files.list(spaces=appDataFolder)`, with Drive's errors read for what they mean.
//!
//! Drive reports rate limits as 429 (retried by the HTTP layer, like every 429) or as 403 with
//! reason `userRateLimitExceeded` / `rateLimitExceeded`, retried here the same way.

use crate::error::{Code, Error, Result};
use crate::http::{Auth, Body, Http, Jitter, Method, Policy, Response, Retry};
use crate::secret::Secret;
use serde_json::Value;

pub const SCOPE: &str = "https://www.googleapis.com/auth/drive.appdata";
use crate::http::MAX_TRIES as TRIES;

/// How a Drive call ended.
pub enum Reply {
    Ok(Value),
    /// 401: the access token is not (or no longer) good.
    Unauthorized,
}

pub fn get_appfolder(http: &Http, base: &str, token: &Secret) -> Result<Reply> {
    call(http, &format!("{base}/files/appfolder"), token)
}

/// One page of the app data folder's files.
pub fn list_page(http: &Http, base: &str, token: &Secret, page: Option<&str>) -> Result<Reply> {
    let mut url = url::Url::parse(&format!("{base}/files")).map_err(|e| {
        Error::usage(
            format!("--drive-url `{base}` is not a URL: {e}"),
            "use the Drive API base, e.g. https://www.googleapis.com/drive/v3",
        )
    })?;
    url.query_pairs_mut()
        .append_pair("spaces", "appDataFolder")
        .append_pair("pageSize", "1000")
        .append_pair(
            "fields",
            "nextPageToken,files(id,name,mimeType,size,modifiedTime)",
        );
    if let Some(p) = page {
        url.query_pairs_mut().append_pair("pageToken", p);
    }
    call(http, url.as_str(), token)
}

/// Drive's own rate limits (403 `userRateLimitExceeded` / `rateLimitExceeded`) are retried as
/// a 429 is, with the backoff Drive asks for: exponential, plus up to a second of jitter.
const DRIVE: Policy = Policy {
    retry: Retry::Safe,
    refused: Some(rate_limited_403),
    jitter: Jitter::UpToASecond,
};

fn rate_limited_403(resp: &Response) -> bool {
    resp.status == 403
        && matches!(
            reason(resp).as_deref(),
            Some("userRateLimitExceeded" | "rateLimitExceeded")
        )
}

fn call(http: &Http, url: &str, token: &Secret) -> Result<Reply> {
    let resp = http.send(Method::GET, url, Body::None, Auth::Bearer(token), DRIVE)?;
    if resp.is_success() {
        return resp.json().map(Reply::Ok);
    }
    if resp.status == 401 {
        return Ok(Reply::Unauthorized);
    }
    let rate_limited = rate_limited_403(&resp) || resp.status == 429;
    Err(drive_error(&resp, reason(&resp).as_deref(), rate_limited))
}

/// `error.errors[0].reason`, or the newer envelope's `error.details[].reason`.
fn reason(resp: &Response) -> Option<String> {
    let body: Value = serde_json::from_slice(&resp.body).ok()?;
    let e = &body["error"];
    e["errors"][0]["reason"]
        .as_str()
        .or_else(|| {
            e["details"]
                .as_array()?
                .iter()
                .find_map(|d| d["reason"].as_str())
        })
        .map(String::from)
}

fn message(resp: &Response) -> String {
    serde_json::from_slice::<Value>(&resp.body)
        .ok()
        .and_then(|b| b["error"]["message"].as_str().map(String::from))
        .unwrap_or_else(|| format!("HTTP {}", resp.status))
}

fn drive_error(resp: &Response, reason: Option<&str>, rate_limited: bool) -> Error {
    let msg = message(resp);
    if rate_limited {
        return Error::server(
            format!("Drive kept refusing for rate limits after {TRIES} tries ({msg})"),
            "wait a minute and try again; Drive's quotas are per user and per project",
        );
    }
    match (resp.status, reason) {
        (
            403,
            Some(
                "insufficientPermissions"
                | "ACCESS_TOKEN_SCOPE_INSUFFICIENT"
                | "insufficientScopes",
            ),
        ) => missing_scope(),
        (403, Some("accessNotConfigured" | "SERVICE_DISABLED")) => {
            let console = serde_json::from_slice::<Value>(&resp.body)
                .ok()
                .and_then(|b| {
                    b["error"]["errors"][0]["extendedHelp"]
                        .as_str()
                        .map(String::from)
                })
                .unwrap_or_else(|| {
                    "https://console.cloud.google.com/apis/library/drive.googleapis.com".into()
                });
            Error::new(
                Code::DriveApiDisabled,
                "the Drive API is not enabled for the Google Cloud project of this client",
                format!(
                    "enable it at {console} (the project that owns the web client), wait a few minutes, and try again"
                ),
            )
        }
        (status, _) if status >= 500 => {
            Error::server(format!("Drive is in trouble ({msg})"), "try again later")
        }
        _ => Error::other(
            format!("Drive refused the request: {msg}"),
            "run with -v to see the exchange",
        ),
    }
}

/// The sign-in was not granted `drive.appdata`.
pub fn missing_scope() -> Error {
    Error::new(
        Code::InsufficientScope,
        format!("the sign-in was not granted {SCOPE}, which the app data folder needs"),
        "request it in the app's sign-in: Android `.requestScopes(new Scope(DriveScopes.DRIVE_APPDATA))` \
               (or GoogleSignInOptions with Scope(\"https://www.googleapis.com/auth/drive.appdata\")), \
               iOS `signIn(withPresenting:hint:additionalScopes: [\"https://www.googleapis.com/auth/drive.appdata\"])`; \
               then `gsignin exchange` the new serverAuthCode",
    )
}
