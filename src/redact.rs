//! Redaction: what the `-v` trace, error messages and warnings show in place of a secret.
//!
//! Two ways find a secret: by name (the values of secret fields in form bodies, JSON bodies,
//! query strings, headers and plain text), and by value (every secret this run has sent or
//! received, wherever it appears, percent-encoded or not).

use crate::secret::redacted_hint;
use std::borrow::Cow;

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

pub fn is_secret_field(name: &str) -> bool {
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

/// A response body as text, secrets redacted: JSON by key (whatever the value's type), form
/// bodies by field, any other text by `name=value` / `name: value` pairs of secret names.
pub fn redact_body(body: &[u8]) -> String {
    if let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(body) {
        redact_json(&mut value);
        return value.to_string();
    }
    // JSON that a `Value` refuses (a lone surrogate, a number out of range) can still be read
    // by a lenient struct, and its names escaped (`access\u005ftoken`) escape a search by name:
    // such a body is not shown at all.
    if matches!(body.trim_ascii_start().first(), Some(b'{' | b'[')) {
        return format!(
            "(a JSON body of {} bytes that gsignin cannot read as JSON; not shown, as it may hold secrets)",
            body.len()
        );
    }
    let text = String::from_utf8_lossy(body);
    if text.contains('=') && !text.contains(' ') && !text.contains('<') {
        return redact_pairs(&text);
    }
    redact_named_in_text(&text)
}

/// Every value under a secret key is redacted, whatever its JSON type: an array or an object
/// there is a secret too.
fn redact_json(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                match v {
                    Value::Null => {}
                    Value::String(s) if is_secret_field(k) => *s = redacted_hint(s),
                    other if is_secret_field(k) => {
                        *other = Value::String(redacted_hint(&other.to_string()));
                    }
                    _ => redact_json(v),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_json),
        _ => {}
    }
}

/// Secret values found by name in free text: `access_token=…`, `"refresh_token": "…"`,
/// `code: …`. The value runs to the next space, quote, `&`, `,`, `;` or brace.
fn redact_named_in_text(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for name in SECRET_FIELDS {
        let mut from = 0;
        while let Some(found) = lower[from..].find(name) {
            let start = from + found;
            from = start + name.len();
            // A whole word: `code` in `encode=` is not the field `code`.
            let before = lower[..start].chars().next_back();
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                continue;
            }
            let rest = &text[from..];
            let skipped = rest.len() - rest.trim_start_matches(['"', '\'', ' ']).len();
            let after = &rest[skipped..];
            let Some(sep) = after.chars().next().filter(|c| *c == '=' || *c == ':') else {
                continue;
            };
            let value_part = &after[sep.len_utf8()..];
            let lead = value_part.len() - value_part.trim_start_matches(['"', '\'', ' ']).len();
            let value_start = from + skipped + sep.len_utf8() + lead;
            let value_len = text[value_start..]
                .find(|c: char| {
                    c.is_whitespace() || matches!(c, '"' | '\'' | '&' | ',' | ';' | '}' | ']')
                })
                .unwrap_or(text.len() - value_start);
            if value_len > 0 {
                spans.push((value_start, value_start + value_len));
            }
        }
    }
    replace_spans(text, spans)
}

fn replace_spans(text: &str, mut spans: Vec<(usize, usize)>) -> String {
    spans.sort();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end) in spans {
        if start < at {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str(&redacted_hint(&text[start..end]));
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

/// Every secret this run has sent or received, so that any text shown to a person (a trace
/// line, a server's error message, a warning) can be scrubbed of them by value.
#[derive(Default)]
pub struct SeenSecrets {
    values: std::cell::RefCell<Vec<zeroize::Zeroizing<String>>>,
}

/// Shorter values are too likely to be ordinary words to replace everywhere.
const MIN_KNOWN: usize = 8;

impl SeenSecrets {
    pub fn add(&self, value: &str) {
        let value = value.trim();
        if value.len() < MIN_KNOWN {
            return;
        }
        let mut values = self.values.borrow_mut();
        if !values.iter().any(|v| v.as_str() == value) {
            values.push(zeroize::Zeroizing::new(value.to_string()));
        }
    }

    /// Learns the secrets in a body: values under secret names, in JSON of any shape or form
    /// fields.
    pub fn add_from_body(&self, body: &[u8]) {
        if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
            self.add_from_json(&value, false);
        } else {
            for (k, v) in url::form_urlencoded::parse(body) {
                if is_secret_field(&k) {
                    self.add(&v);
                }
            }
        }
    }

    fn add_from_json(&self, value: &serde_json::Value, secret: bool) {
        use serde_json::Value;
        match value {
            Value::String(s) if secret => self.add(s),
            Value::Object(map) => map
                .iter()
                .for_each(|(k, v)| self.add_from_json(v, secret || is_secret_field(k))),
            Value::Array(items) => items.iter().for_each(|v| self.add_from_json(v, secret)),
            _ => {}
        }
    }

    /// `text` with every known secret (as it is, percent-encoded, or form-encoded) redacted,
    /// and control characters escaped, so a server's text can neither leak a secret nor
    /// drive the terminal.
    pub fn scrub(&self, text: &str) -> String {
        let mut spans = Vec::new();
        for value in self.values.borrow().iter() {
            let encoded: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
            let percent =
                percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC)
                    .to_string();
            for form in [value.as_str(), encoded.as_str(), percent.as_str()] {
                spans.extend(text.match_indices(form).map(|(i, m)| (i, i + m.len())));
            }
        }
        escape_controls(&replace_spans(text, spans))
    }
}

/// Control characters (escape sequences, line breaks) shown as `\u{…}` escapes.
pub fn escape_controls(text: &str) -> String {
    controls_escaped(text).into_owned()
}

/// [`escape_controls`], borrowing the text when nothing needs escaping (most text).
pub fn controls_escaped(text: &str) -> Cow<'_, str> {
    escaped_where(text, hidden_or_control)
}

/// The same, keeping line breaks: for text that is made of lines.
pub fn escape_controls_but_newlines(text: &str) -> String {
    lines_escaped(text).into_owned()
}

/// [`escape_controls_but_newlines`], borrowing the text when nothing needs escaping (most text).
pub fn lines_escaped(text: &str) -> Cow<'_, str> {
    escaped_where(text, |c| hidden_or_control(c) && c != '\n')
}

/// Whether nothing in `text` is `escaped`: printable ASCII (and line breaks, where they are
/// kept), the common case, is judged a byte at a time; nothing there is ever escaped.
fn plain(text: &str, escaped: impl Fn(char) -> bool) -> bool {
    let newline = !escaped('\n');
    text.bytes()
        .all(|b| matches!(b, b' '..=b'~') || (b == b'\n' && newline))
        || !text.chars().any(escaped)
}

/// Control characters, and the invisible ones that reorder or hide what a terminal shows: an
/// email claim with U+202E in it could show another address than it holds. Every format
/// character (Unicode's category Cf, as of Unicode 15.1: bidirectional overrides and isolates,
/// zero-width characters, invisible operators, prepended marks, tags), the line and paragraph
/// separators, and the blank fillers that render as nothing (Hangul fillers, the combining
/// grapheme joiner, Khmer's inherent vowels, Mongolian's variation selectors). Variation
/// selectors of other scripts (U+FE00–FE0F: an emoji's presentation) only pick a glyph and
/// stay.
pub fn hidden_or_control(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00ad}'
                | '\u{034f}'
                | '\u{0600}'..='\u{0605}'
                | '\u{061c}'
                | '\u{06dd}'
                | '\u{070f}'
                | '\u{0890}'..='\u{0891}'
                | '\u{08e2}'
                | '\u{115f}'..='\u{1160}'
                | '\u{17b4}'..='\u{17b5}'
                | '\u{180b}'..='\u{180f}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{3164}'
                | '\u{feff}'
                | '\u{ffa0}'
                | '\u{fff0}'..='\u{fffb}'
                | '\u{110bd}'
                | '\u{110cd}'
                | '\u{13430}'..='\u{1343f}'
                | '\u{1bca0}'..='\u{1bca3}'
                | '\u{1d173}'..='\u{1d17a}'
                | '\u{e0000}'..='\u{e0fff}'
        )
}

/// `text` with every `escaped` character as its `\u{…}` escape; borrowed when there is none.
fn escaped_where(text: &str, escaped: impl Fn(char) -> bool) -> Cow<'_, str> {
    if plain(text, &escaped) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if escaped(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte-at-a-time shortcut agrees with the rule for every ASCII character, a line
    /// break included (kept by the line-keeping form only).
    #[test]
    fn every_ascii_control_is_escaped_whichever_path_judges_it() {
        for b in 0u8..0x80 {
            let c = char::from(b);
            let text = format!("ab{c}cd");
            let escaped = format!("ab{}cd", c.escape_unicode());
            let want = |keep_newline: bool| {
                if c.is_control() && !(keep_newline && c == '\n') {
                    escaped.clone()
                } else {
                    text.clone()
                }
            };
            assert_eq!(escape_controls(&text), want(false), "{b:#x}");
            assert_eq!(controls_escaped(&text), want(false), "{b:#x}");
            assert_eq!(lines_escaped(&text), want(true), "{b:#x}");
        }
    }

    #[test]
    fn x4_invisible_characters_that_reorder_what_is_shown_are_escaped() {
        let shown = escape_controls("eve@\u{202e}moc.elpmaxe\u{202c}.example");
        assert!(
            !shown.contains('\u{202e}') && shown.contains("\\u{202e}"),
            "{shown}"
        );
        assert_eq!(escape_controls("ann@example.com"), "ann@example.com");
        // Every format character and blank filler, the ones an attack round found shown raw
        // among them; an emoji's presentation selector stays.
        for c in [
            '\u{206a}',
            '\u{206f}',
            '\u{fff9}',
            '\u{fffb}',
            '\u{0600}',
            '\u{1d173}',
            '\u{3164}',
            '\u{115f}',
            '\u{034f}',
            '\u{e0001}',
            '\u{13430}',
            '\u{ffa0}',
        ] {
            let shown = escape_controls(&format!("a{c}b"));
            assert!(!shown.contains(c), "{c:?} shown raw");
        }
        assert_eq!(
            escape_controls("ok \u{2764}\u{fe0f}"),
            "ok \u{2764}\u{fe0f}"
        );
    }

    #[test]
    fn t9_redacts_secret_names_whatever_the_value_or_the_format() {
        let json = redact_body(
            br#"{"refresh_token":["1//0abcdefghijklmnop"],"access_token":{"value":"ya29.qrstuvwxyz012345"},"expires_in":3599}"#,
        );
        assert!(!json.contains("abcdefghijklmnop"), "{json}");
        assert!(!json.contains("qrstuvwxyz"), "{json}");
        assert!(json.contains("3599"));
        let text = redact_body(b"access_token=ya29.plaintextsecret1 expires_in=3599 Refresh_Token: \"1//0quotedsecret22\"; encode=x");
        assert!(!text.contains("plaintextsecret1"), "{text}");
        assert!(!text.contains("quotedsecret22"), "{text}");
        assert!(
            text.contains("expires_in=3599") && text.contains("encode=x"),
            "{text}"
        );
    }

    /// A body that looks like JSON but that a `Value` refuses is hidden whole: its names may
    /// be escaped past a search by name.
    #[test]
    fn t9_a_json_body_that_cannot_be_read_is_not_shown() {
        for body in [
            r#"{"x":"\ud800","access\u005ftoken":"ya29.escapedname0123"}"#,
            r#" [{"x":1e999,"refresh\u005ftoken":"1//0escapedname0123"}]"#,
            r#"{"access\u005ftoken":"ya29.escapedname0123""#,
        ] {
            let shown = redact_body(body.as_bytes());
            assert!(!shown.contains("escapedname"), "{shown}");
            assert!(shown.contains("not shown"), "{shown}");
        }
    }

    #[test]
    fn t9_known_secrets_are_scrubbed_wherever_they_appear() {
        let known = SeenSecrets::default();
        known.add("4/0AbCdEfGh-code");
        known.add("short");
        known.add_from_body(br#"{"access_token":"ya29.fromtheresponse","id":"x"}"#);
        let shown = known.scrub(
            "bad code 4/0AbCdEfGh-code (4%2F0AbCdEfGh-code) ya29.fromtheresponse short\x1b[2J",
        );
        assert!(!shown.contains("AbCdEfGh"), "{shown}");
        assert!(!shown.contains("fromtheresponse"), "{shown}");
        assert!(shown.contains("short"));
        assert!(!shown.contains('\x1b'), "{shown}");
    }

    #[test]
    fn t9_redacts_json_form_query_and_headers() {
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
