//! Users given up front (`gsignin emulator --users FILE`, [`crate::Builder::users`]) or added
//! later (`POST /control/users`): a JSON array of accounts with their profile and extra
//! ID-token claims, read strictly. Extra claims add to a token, never replace what the
//! protocol decides (issuer, audience, subject, times, nonce, the email the grant releases).

use crate::state::User;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::HashSet;

pub use crate::state::RESERVED_CLAIMS;

/// Claims that are a user's own fields: set them there, not in `claims`.
const FIELD_CLAIMS: &[&str] = &[
    "name",
    "given_name",
    "family_name",
    "picture",
    "locale",
    "hd",
];

/// The largest users document read (bytes).
pub const MAX_BYTES: usize = 1 << 20;
/// Users one document may hold.
pub const MAX_COUNT: usize = 1000;
/// The longest text field (a picture URL); an email address is at most 320.
const MAX_FIELD: usize = 2048;
/// The largest `claims` object of one user, serialized (bytes).
const MAX_CLAIMS: usize = 8192;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    email: String,
    sub: Option<String>,
    name: Option<String>,
    given_name: Option<String>,
    family_name: Option<String>,
    picture: Option<String>,
    locale: Option<String>,
    hd: Option<String>,
    email_verified: Option<bool>,
    #[serde(default)]
    claims: Map<String, Value>,
}

/// Reads a users document: a JSON array of `{email, sub?, name?, given_name?, family_name?,
/// picture?, locale?, hd?, email_verified?, claims?}`. Unknown fields, a repeated email or
/// `sub`, a reserved claim, and anything over the bounds are refused, with one line saying
/// which user and what.
pub fn parse(json: &[u8]) -> Result<Vec<User>, String> {
    if json.len() > MAX_BYTES {
        return Err(format!(
            "the users document is larger than {} KiB",
            MAX_BYTES >> 10
        ));
    }
    let specs: Vec<Spec> = serde_json::from_slice(json).map_err(|e| {
        format!("not a JSON array of users ({e}); each is an object with an `email` and optional sub, name, given_name, family_name, picture, locale, hd, email_verified, claims")
    })?;
    if specs.len() > MAX_COUNT {
        return Err(format!("more than {MAX_COUNT} users"));
    }
    let mut emails = HashSet::new();
    let mut subs = HashSet::new();
    let mut users = Vec::with_capacity(specs.len());
    for (i, spec) in specs.into_iter().enumerate() {
        let user = user(spec).map_err(|e| format!("user {} (index {i}): {e}", i + 1))?;
        if !emails.insert(user.email.to_ascii_lowercase()) {
            return Err(format!(
                "user {} (index {i}): the email {} is given twice",
                i + 1,
                user.email
            ));
        }
        if !subs.insert(user.sub.clone()) {
            return Err(format!(
                "user {} (index {i}): the sub {} is given twice",
                i + 1,
                user.sub
            ));
        }
        users.push(user);
    }
    Ok(users)
}

fn user(spec: Spec) -> Result<User, String> {
    if !crate::state::plausible_email(&spec.email) {
        return Err(format!(
            "`{}` is not an email address",
            spec.email.escape_default()
        ));
    }
    let texts = [
        ("sub", &spec.sub),
        ("name", &spec.name),
        ("given_name", &spec.given_name),
        ("family_name", &spec.family_name),
        ("picture", &spec.picture),
        ("locale", &spec.locale),
        ("hd", &spec.hd),
    ];
    for (field, value) in texts {
        if let Some(v) = value {
            if v.len() > MAX_FIELD || v.chars().any(char::is_control) {
                return Err(format!(
                    "{field} is longer than {MAX_FIELD} bytes or holds control characters"
                ));
            }
            if v.trim().is_empty() {
                return Err(format!("{field} is empty"));
            }
        }
    }
    if let Some(sub) = &spec.sub
        && (sub.len() > 255 || !sub.chars().all(|c| c.is_ascii_graphic()))
    {
        return Err("sub is at most 255 visible ASCII characters".into());
    }
    for name in spec.claims.keys() {
        if RESERVED_CLAIMS.contains(&name.as_str()) {
            return Err(format!(
                "claims.{name} is reserved: the emulator decides {}",
                RESERVED_CLAIMS.join(", ")
            ));
        }
        if FIELD_CLAIMS.contains(&name.as_str()) {
            return Err(format!(
                "claims.{name}: give {name} as the user's own field, not in claims"
            ));
        }
    }
    if serde_json::to_vec(&spec.claims).map_or(0, |v| v.len()) > MAX_CLAIMS {
        return Err(format!("claims are larger than {} KiB", MAX_CLAIMS >> 10));
    }
    let mut user = User::for_email(&spec.email, spec.name.as_deref(), spec.hd.as_deref());
    if let Some(sub) = spec.sub {
        user.sub = sub;
    }
    if let Some(v) = spec.given_name {
        user.given_name = v;
    }
    if let Some(v) = spec.family_name {
        user.family_name = v;
    }
    if let Some(v) = spec.picture {
        user.picture = v;
    }
    if let Some(v) = spec.email_verified {
        user.email_verified = v;
    }
    user.locale = spec.locale;
    user.claims = spec.claims;
    Ok(user)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_users_file_is_read_strictly() {
        let users = parse(
            br#"[{"email":"carol@corp.example","hd":"corp.example","name":"Carol Doe","locale":"fr",
                 "email_verified":false,"claims":{"roles":["admin"],"tenant":"t1"}},
                {"email":"dan@example.com","sub":"42"}]"#,
        )
        .unwrap();
        assert_eq!(users[0].hd.as_deref(), Some("corp.example"));
        assert_eq!(users[0].given_name, "Carol");
        assert!(!users[0].email_verified);
        assert_eq!(users[0].claims["tenant"], "t1");
        assert_eq!(users[1].sub, "42");
        for (doc, says) in [
            (&br#"{"email":"a@b.c"}"#[..], "not a JSON array"),
            (br#"[{"email":"a@b.c","nmae":"x"}]"#, "unknown field `nmae`"),
            (br#"[{"email":"nobody"}]"#, "not an email address"),
            (br#"[{"email":"a@b.c"},{"email":"A@b.c"}]"#, "given twice"),
            (
                br#"[{"email":"a@b.c","sub":"1"},{"email":"d@b.c","sub":"1"}]"#,
                "the sub 1 is given twice",
            ),
            (br#"[{"email":"a@b.c","claims":{"hd":"x"}}]"#, "own field"),
            (br#"[{"email":"a@b.c","name":" "}]"#, "name is empty"),
        ] {
            let err = parse(doc).unwrap_err();
            assert!(err.contains(says), "{err}");
            assert!(!err.contains('\n'), "{err}");
        }
        assert!(
            parse(&vec![b' '; MAX_BYTES + 1])
                .unwrap_err()
                .contains("larger")
        );
    }

    #[test]
    fn m14_claims_cannot_override_the_reserved_ones() {
        for name in RESERVED_CLAIMS {
            let doc = format!(r#"[{{"email":"a@b.c","claims":{{"{name}":"x"}}}}]"#);
            let err = parse(doc.as_bytes()).unwrap_err();
            assert!(err.contains(&format!("claims.{name} is reserved")), "{err}");
        }
    }
}
