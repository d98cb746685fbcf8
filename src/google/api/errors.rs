//! What a Google API's refusal means, read from Google's error envelope
//! (`{"error":{"code","message","status","errors":[{"reason"}],"details":[{"reason"}]}}`) and
//! its `WWW-Authenticate` challenge, turned into one error line with the way out.

use crate::error::{Code, Error};
use crate::http::Response;
use crate::redact::escape_controls;
use serde_json::Value;

/// The parts of Google's error envelope that decide what to say.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct GoogleError {
    pub message: Option<String>,
    pub status: Option<String>,
    /// `errors[0].reason` (Drive-style APIs), else an ErrorInfo's `reason` in `details[]`.
    pub reason: Option<String>,
    /// Where to turn the API on: `errors[0].extendedHelp`, or ErrorInfo's `activationUrl`.
    pub console: Option<String>,
    /// ErrorInfo's `metadata.service` (`people.googleapis.com`).
    pub service: Option<String>,
}

impl GoogleError {
    pub fn parse(body: &[u8]) -> GoogleError {
        let Ok(doc) = serde_json::from_slice::<Value>(body) else {
            return GoogleError::default();
        };
        let e = &doc["error"];
        let text = |v: &Value| v.as_str().map(String::from);
        let info = e["details"]
            .as_array()
            .and_then(|d| d.iter().find(|d| d["reason"].is_string()))
            .cloned()
            .unwrap_or(Value::Null);
        GoogleError {
            message: text(&e["message"]).or_else(|| text(&doc["error_description"])),
            status: text(&e["status"]),
            reason: text(&e["errors"][0]["reason"]).or_else(|| text(&info["reason"])),
            console: text(&e["errors"][0]["extendedHelp"])
                .or_else(|| text(&info["metadata"]["activationUrl"])),
            service: text(&info["metadata"]["service"]),
        }
    }

    fn is_scope_refusal(&self) -> bool {
        matches!(
            self.reason.as_deref(),
            Some(
                "insufficientPermissions"
                    | "ACCESS_TOKEN_SCOPE_INSUFFICIENT"
                    | "insufficientScopes"
            )
        )
    }

    fn is_disabled_api(&self) -> bool {
        matches!(
            self.reason.as_deref(),
            Some("accessNotConfigured" | "SERVICE_DISABLED")
        )
    }

    fn is_rate_limit(&self) -> bool {
        matches!(
            self.reason.as_deref(),
            Some("userRateLimitExceeded" | "rateLimitExceeded" | "RATE_LIMIT_EXCEEDED")
        )
    }

    /// The message, or the status code when there is none; control characters escaped (the
    /// text is the server's, bound for a terminal).
    fn said(&self, status: u16) -> String {
        escape_controls(self.message.as_deref().unwrap_or(&format!("HTTP {status}")))
    }
}

/// Google's way of saying "refused for now" besides 429: a 403 rate limit (Drive, Gmail).
pub fn rate_limited_403(resp: &Response) -> bool {
    resp.status == 403 && GoogleError::parse(&resp.body).is_rate_limit()
}

/// The scopes a `WWW-Authenticate: Bearer error="insufficient_scope", scope="…"` challenge
/// asks for (RFC 6750 3.1), as Google sends it with a 403.
pub fn challenged_scopes(resp: &Response) -> Option<Vec<String>> {
    let header = resp.header("www-authenticate")?;
    let params = auth_params(header.trim().strip_prefix("Bearer")?);
    let error = params.iter().find(|(k, _)| k == "error").map(|(_, v)| v);
    if error.is_some_and(|e| e != "insufficient_scope") {
        return None;
    }
    let scope = params.iter().find(|(k, _)| k == "scope")?;
    let scopes: Vec<String> = scope.1.split_whitespace().map(String::from).collect();
    (!scopes.is_empty()).then_some(scopes)
}

/// `name="quoted \" value", name=token` pairs (RFC 9110 11.2), names lower-cased.
fn auth_params(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        let Some(eq) = rest.find('=') else { break };
        let name = rest[..eq]
            .trim()
            .trim_start_matches(',')
            .trim()
            .to_ascii_lowercase();
        rest = rest[eq + 1..].trim_start();
        let mut value = String::new();
        if let Some(quoted) = rest.strip_prefix('"') {
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, escaped)) = chars.next() {
                            value.push(escaped);
                        }
                    }
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    c => value.push(c),
                }
            }
            rest = &quoted[end.min(quoted.len())..];
        } else {
            let end = rest.find(',').unwrap_or(rest.len());
            value = rest[..end].trim().to_string();
            rest = &rest[end..];
        }
        out.push((name, value));
        rest = rest.trim_start().trim_start_matches(',').trim_start();
    }
    out
}

/// The hint for a scope the sign-in lacks: where each way of signing in asks for it.
pub fn scope_hint(scopes: &[String]) -> String {
    let first = scopes.first().map_or("SCOPE", String::as_str);
    let mut flags: Vec<String> = scopes.iter().map(|s| format!("--scope {s}")).collect();
    if flags.is_empty() {
        flags.push("--scope SCOPE".into());
    }
    format!(
        "sign in again asking for it: `gsignin login {}` (keep the scopes you need, e.g. \
         --scope openid --scope email), or have the app request it (Android \
         `requestScopes(new Scope(\"{first}\"))`, iOS `additionalScopes: [\"{first}\"]`) and \
         `gsignin exchange` its new code",
        flags.join(" ")
    )
}

/// Explains an answer that is not a 2xx. `api` names the API for people (its host);
/// `granted` is what the sign-in holds, named when Google does not say what it wanted.
pub fn explain(resp: &Response, api: &str, granted: &[String]) -> Error {
    let e = GoogleError::parse(&resp.body);
    let status = resp.status;
    let said = e.said(status);
    if status == 401 {
        return Error::new(
            Code::ApiUnauthorized,
            format!("{api} refused the access token twice, even right after a refresh ({said})"),
            "the grant may have been revoked: `gsignin refresh` shows the issuer's reason; sign \
             in again if it says so",
        );
    }
    if status == 403 && (e.is_scope_refusal() || challenged_scopes(resp).is_some()) {
        return match challenged_scopes(resp) {
            Some(wanted) => Error::new(
                Code::InsufficientScope,
                format!(
                    "{api} needs a scope the sign-in was not granted: {} (any one of them)",
                    wanted.join(" ")
                ),
                scope_hint(&wanted),
            ),
            None => Error::new(
                Code::InsufficientScope,
                format!(
                    "{api} refused for insufficient scopes; the sign-in holds: {}",
                    if granted.is_empty() {
                        "(unknown)".to_string()
                    } else {
                        granted.join(" ")
                    }
                ),
                "the API's reference names the scope each method needs; ".to_string()
                    + &scope_hint(&[]),
            ),
        };
    }
    if status == 403 && e.is_disabled_api() {
        let service = e.service.clone().unwrap_or_else(|| api.to_string());
        let console = e
            .console
            .clone()
            .unwrap_or_else(|| format!("https://console.cloud.google.com/apis/library/{service}"));
        return Error::new(
            Code::ApiDisabled,
            format!("the {service} API is not enabled for the Google Cloud project of this client"),
            format!(
                "enable it at {} (the project that owns the client), wait a few minutes, and try again",
                escape_controls(&console)
            ),
        );
    }
    if status == 429 || (status == 403 && e.is_rate_limit()) || status >= 500 {
        return trouble(resp, api, &said, e.is_rate_limit() || status == 429);
    }
    if (300..400).contains(&status) {
        let to = resp
            .headers
            .get("location")
            .map(|v| escape_controls(&String::from_utf8_lossy(v.as_bytes())))
            .unwrap_or_default();
        return Error::other(
            format!("{api} answered {status}, a redirect to `{to}`, which gsignin does not follow"),
            "a redirect could carry the token elsewhere: call the URL it names yourself if you trust it",
        );
    }
    Error::new(
        Code::ApiError,
        format!("{api} answered {status}: {said}"),
        "the answer is on stdout; run with -v to see the whole exchange",
    )
}

/// A refusal for rate limits or a 5xx, said as what gsignin did about it: how many tries it
/// made, or that it did not wait the server's Retry-After out, or that the method kept it
/// from sending the request again.
fn trouble(resp: &Response, api: &str, said: &str, rate_limited: bool) -> Error {
    let status = resp.status;
    let answered = if rate_limited {
        format!("{api} refused for rate limits ({said})")
    } else {
        format!("{api} answered {status}: {said}")
    };
    let quotas = if rate_limited {
        "; Google's quotas are per user and per project"
    } else {
        ""
    };
    let made = match resp.tries {
        1 => "tried once".to_string(),
        n => format!("tried {n} times"),
    };
    if let Some(wait) = resp.wait_refused {
        return Error::server(
            format!(
                "{answered}; it asks to wait {} before another try, longer than gsignin waits \
                 by itself ({} s): {made}, not again",
                crate::http::wait_words(wait),
                crate::http::MAX_RETRY_AFTER.as_secs(),
            ),
            format!("try again after that wait{quotas}"),
        );
    }
    if rate_limited || resp.tries > 1 {
        return Error::server(
            format!("{answered}; {made}"),
            format!("wait a minute and try again{quotas}"),
        );
    }
    // Sent once, and not again: a request that may have been done (not idempotent) is never
    // resent after a 5xx.
    Error::server(
        format!("{answered}; sent once, not again: it may have been done"),
        "check before sending it again: a request that is not idempotent (POST, PATCH, or a \
         method override naming one) is never resent after a 5xx",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, www: Option<&str>, body: &str) -> Response {
        let mut headers = reqwest::header::HeaderMap::new();
        if let Some(w) = www {
            headers.insert("www-authenticate", w.parse().unwrap());
        }
        Response {
            status,
            url: "https://people.googleapis.com/v1/people/me".into(),
            headers,
            body: body.as_bytes().to_vec(),
            tries: 1,
            wait_refused: None,
        }
    }

    #[test]
    fn a_challenge_names_the_scopes_google_wants() {
        let resp = answer(
            403,
            Some(
                r#"Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="https://www.googleapis.com/auth/contacts https://www.googleapis.com/auth/contacts.readonly""#,
            ),
            r#"{"error":{"code":403,"status":"PERMISSION_DENIED","details":[{"reason":"ACCESS_TOKEN_SCOPE_INSUFFICIENT"}]}}"#,
        );
        let e = explain(&resp, "people.googleapis.com", &[]);
        assert_eq!(e.code(), Code::InsufficientScope);
        assert!(
            e.to_string()
                .contains("https://www.googleapis.com/auth/contacts.readonly")
        );
        assert!(
            e.hint()
                .contains("gsignin login --scope https://www.googleapis.com/auth/contacts")
        );
    }

    #[test]
    fn without_a_challenge_the_granted_scopes_are_named() {
        let resp = answer(
            403,
            None,
            r#"{"error":{"errors":[{"reason":"insufficientPermissions"}],"code":403,"message":"Insufficient Permission"}}"#,
        );
        let e = explain(
            &resp,
            "www.googleapis.com",
            &["openid".into(), "email".into()],
        );
        assert_eq!(e.code(), Code::InsufficientScope);
        assert!(e.to_string().contains("openid email"), "{e}");
    }

    #[test]
    fn quoted_parameters_keep_escapes_and_commas() {
        let params = auth_params(r#" realm="a,b", error=insufficient_scope, scope="x \"y\"""#);
        assert_eq!(
            params,
            vec![
                ("realm".into(), "a,b".into()),
                ("error".into(), "insufficient_scope".into()),
                ("scope".into(), "x \"y\"".into()),
            ]
        );
    }

    #[test]
    fn a_disabled_api_names_its_console_page() {
        let resp = answer(
            403,
            None,
            r#"{"error":{"code":403,"message":"People API has not been used","status":"PERMISSION_DENIED","details":[{"reason":"SERVICE_DISABLED","metadata":{"service":"people.googleapis.com","activationUrl":"https://console.developers.google.com/apis/api/people.googleapis.com/overview?project=1"}}]}}"#,
        );
        let e = explain(&resp, "people.googleapis.com", &[]);
        assert_eq!(e.code(), Code::ApiDisabled);
        assert!(e.hint().contains("overview?project=1"));
    }

    #[test]
    fn retry_after_is_seconds_or_an_http_date() {
        use crate::http::retry_after;
        use std::time::Duration;
        assert_eq!(retry_after(Some(" 7 ")), Some(Duration::from_secs(7)));
        assert_eq!(
            retry_after(Some("Sun, 06 Nov 1994 08:49:37 GMT")),
            Some(Duration::ZERO)
        );
        let later = time::OffsetDateTime::now_utc() + time::Duration::hours(2);
        let format = time::macros::format_description!(
            "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
        );
        let shown = later.format(format).unwrap();
        let wait = retry_after(Some(&shown)).unwrap();
        assert!(
            wait > Duration::from_secs(7000) && wait <= Duration::from_secs(7200),
            "{wait:?}"
        );
        for garbage in ["-5", "soon", "", "1e3"] {
            assert_eq!(retry_after(Some(garbage)), None, "{garbage}");
        }
    }

    #[test]
    fn other_answers_map_to_the_contracts_exit_codes() {
        let exit =
            |status, body: &str| explain(&answer(status, None, body), "api", &[]).exit_code();
        assert_eq!(
            exit(404, r#"{"error":{"code":404,"message":"Not Found"}}"#),
            4
        );
        assert_eq!(exit(400, "not json"), 4);
        assert_eq!(exit(503, ""), 5);
        assert_eq!(exit(429, ""), 5);
        assert_eq!(exit(401, ""), 4);
        assert_eq!(exit(302, ""), 1);
    }
}
