//! A token as people paste it: bare, after `Bearer ` or a whole `Authorization: Bearer` line
//! (copied from a request log), as the `id_token` member of a JSON object (a token endpoint's
//! answer), or as the `id_token=` parameter of a URL, query string or fragment (an implicit
//! flow's redirect). Every way into `whoami` (an argument, one line of a batch, stdin) goes
//! through [`token`], so a token gets one verdict however it was pasted. `--access-token`
//! takes the `access_token` member or parameter instead ([`Wanted`]).

use std::borrow::Cow;

/// Which token of a token endpoint's answer (or a redirect URL) is wanted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wanted {
    IdToken,
    AccessToken,
}

impl Wanted {
    fn name(self) -> &'static str {
        match self {
            Wanted::IdToken => "id_token",
            Wanted::AccessToken => "access_token",
        }
    }
}

/// The token inside `pasted`; what is not one of the known wrappings is returned as it is,
/// for the verifier to judge (and name what is wrong with it).
pub fn token(pasted: &[u8], wanted: Wanted) -> Cow<'_, [u8]> {
    // Trimmed as the verifier trims a token (white space, a byte-order mark).
    let text = gsignin_verify::id_token::bare(pasted);
    if text.first() == Some(&b'{') {
        return match member(text, wanted.name()) {
            Some(token) => Cow::Owned(token.into_bytes()),
            None => Cow::Borrowed(pasted),
        };
    }
    let text = strip_word(text, b"authorization:").unwrap_or(text);
    if let Some(after) = strip_word(text, b"bearer") {
        return Cow::Borrowed(after);
    }
    match parameter(text, wanted.name()) {
        Some(token) => token,
        None => Cow::Borrowed(pasted),
    }
}

/// `text` after `word` (ASCII, any case) and the white space that must follow it.
fn strip_word<'t>(text: &'t [u8], word: &[u8]) -> Option<&'t [u8]> {
    let head = text.get(..word.len())?;
    let rest = &text[word.len()..];
    let spaced = rest.first().is_some_and(u8::is_ascii_whitespace) || word.ends_with(b":");
    (head.eq_ignore_ascii_case(word) && spaced).then(|| rest.trim_ascii_start())
}

/// The string member `name` of a JSON object, when `text` is one.
fn member(text: &[u8], name: &str) -> Option<String> {
    let object: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(text).ok()?;
    match object.get(name)? {
        serde_json::Value::String(token) => Some(token.clone()),
        _ => None,
    }
}

/// The parameter `name` of a URL, a query string (`?` optional) or a fragment,
/// percent-decoded (a token holds no character that needs encoding).
fn parameter<'t>(text: &'t [u8], name: &str) -> Option<Cow<'t, [u8]>> {
    let name = format!("{name}=");
    let name = name.as_bytes();
    let start = (0..text.len()).find(|&i| {
        text[i..].starts_with(name) && (i == 0 || matches!(text[i - 1], b'?' | b'&' | b'#' | b';'))
    })? + name.len();
    let value = &text[start..];
    let end = value
        .iter()
        .position(|b| matches!(b, b'&' | b'#' | b';') || b.is_ascii_whitespace())
        .unwrap_or(value.len());
    let value = &value[..end];
    if !value.contains(&b'%') {
        return Some(Cow::Borrowed(value));
    }
    let decoded: Vec<u8> = percent_encoding::percent_decode(value).collect();
    Some(Cow::Owned(decoded))
}

#[cfg(test)]
mod tests {
    use super::{Wanted, token};

    const JWT: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln";

    fn of(pasted: &str) -> String {
        String::from_utf8(token(pasted.as_bytes(), Wanted::IdToken).into_owned()).unwrap()
    }

    /// W17: every way people paste a token reaches the verifier as the bare token.
    #[test]
    fn w17_each_pasted_form_yields_the_bare_token() {
        let forms = [
            JWT.to_string(),
            format!("  {JWT}\n"),
            format!("Bearer {JWT}"),
            format!("bearer   {JWT}"),
            format!("Authorization: Bearer {JWT}"),
            format!("authorization:Bearer {JWT}\r\n"),
            format!(
                r#"{{"access_token":"ya29.x","expires_in":3599,"id_token":"{JWT}","token_type":"Bearer"}}"#
            ),
            format!("https://app.example/cb#state=s&id_token={JWT}&token_type=Bearer"),
            format!("https://app.example/cb?id_token={JWT}"),
            format!("id_token={JWT}&state=x"),
            format!("?id_token={}", JWT.replace('.', "%2E")),
        ];
        for form in forms {
            // White space around a bare token is the verifier's to drop.
            assert_eq!(of(&form).trim(), JWT, "{form}");
        }
    }

    /// W17: what is not a known wrapping is left for the verifier to judge and name.
    #[test]
    fn w17_anything_else_is_judged_as_given() {
        for other in [
            "Bearerx.y.z",
            r#"{"access_token":"ya29.x"}"#,
            "{not json",
            "https://app.example/cb?not_id_token=a.b.c",
            "xid_token=a.b.c",
            "",
        ] {
            assert_eq!(of(other), other, "{other}");
        }
    }
}

#[cfg(test)]
mod access_tests {
    use super::{Wanted, token};

    /// W17: `--access-token` takes the access token of a pasted answer or redirect, never the
    /// ID token beside it.
    #[test]
    fn w17_an_access_token_is_taken_from_its_own_member_and_parameter() {
        let of = |p: &str| {
            String::from_utf8(token(p.as_bytes(), Wanted::AccessToken).into_owned()).unwrap()
        };
        assert_eq!(
            of(r#"{"access_token":"ya29.a","id_token":"e.y.J"}"#),
            "ya29.a"
        );
        assert_eq!(
            of("https://app/cb#access_token=ya29.b&id_token=e.y.J"),
            "ya29.b"
        );
        assert_eq!(of("Bearer ya29.c"), "ya29.c");
        assert_eq!(of(r#"{"id_token":"e.y.J"}"#), r#"{"id_token":"e.y.J"}"#);
    }
}
