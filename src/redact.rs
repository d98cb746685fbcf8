//! Redaction: what the `-v` trace, error messages and warnings show in place of a secret.
//!
//! Two ways find a secret: by name (the values of secret fields in form bodies, JSON bodies,
//! query strings, headers and plain text), and by value (every secret this run has sent or
//! received, wherever it appears, percent-encoded or not).

use crate::secret::redacted_hint;

/// Field names whose values are secrets, in form bodies, JSON bodies and query strings.
pub const SECRET_FIELDS: &[&str] = &[
    "code",
    "client_secret",
    "refresh_token",
    "access_token",
    "id_token",
    "assertion",
    "token",
    "code_verifier",
    "password",
];

fn is_secret_field(name: &str) -> bool {
    SECRET_FIELDS.contains(&name.to_ascii_lowercase().as_str())
}

pub fn redact_field(name: &str, value: &str) -> String {
    if is_secret_field(name) && !value.is_empty() {
        redacted_hint(value)
    } else {
        value.to_string()
    }
}

pub fn redact_header(name: &str, value: &str) -> String {
    if name.eq_ignore_ascii_case("authorization") {
        match value.split_once(' ') {
            Some((scheme, token)) => format!("{scheme} {}", redacted_hint(token)),
            None => redacted_hint(value),
        }
    } else {
        value.to_string()
    }
}

/// A URL with the values of secret query parameters redacted (the rest left as sent).
pub fn redact_url(url: &str) -> String {
    match url.split_once('?') {
        Some((base, query)) => format!("{base}?{}", redact_pairs(query)),
        None => url.to_string(),
    }
}

/// `k=v&k=v` with the values of secret fields redacted.
fn redact_pairs(text: &str) -> String {
    text.split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) => {
                let name = percent_encoding::percent_decode_str(k).decode_utf8_lossy();
                format!("{k}={}", redact_field(&name, v))
            }
            None => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// A response body as text, secrets redacted: JSON by key, form bodies by field, anything else
/// shown as it is (Google's HTML error pages carry no secrets).
pub fn redact_body(body: &[u8]) -> String {
    if let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(body) {
        redact_json(&mut value);
        return value.to_string();
    }
    let text = String::from_utf8_lossy(body);
    if text.contains('=') && !text.contains(' ') && !text.contains('<') {
        return redact_pairs(&text);
    }
    text.into_owned()
}

pub fn redact_json(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                match v {
                    serde_json::Value::String(s) if is_secret_field(k) => {
                        *s = redacted_hint(s);
                    }
                    _ => redact_json(v),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_json),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_json_form_query_and_headers() {
        let body = br#"{"access_token":"ya29.abcdefghijklmnop1234","expires_in":3599,"nested":{"id_token":"eyJhbGciOiJSUzI1NiJ9.x.yzzz"}}"#;
        let shown = redact_body(body);
        assert!(!shown.contains("abcdefghijklmnop"), "{shown}");
        assert!(shown.contains("[redacted …1234]"), "{shown}");
        assert!(!shown.contains("eyJhbGci"), "{shown}");
        assert!(shown.contains("3599"));

        let form = redact_body(b"code=4/0Aabcdefghijklmnopqrst&client_id=abc");
        assert!(!form.contains("abcdefghijklmnop"), "{form}");
        assert!(form.contains("client_id=abc"));

        let url = redact_url("https://x/tokeninfo?id_token=eyJsecretsecretsecret&a=1");
        assert_eq!(url, "https://x/tokeninfo?id_token=[redacted …cret]&a=1");

        let h = redact_header("Authorization", "Bearer ya29.abcdefghijklmnopqrs");
        assert_eq!(h, "Bearer [redacted …pqrs]");
    }
}
