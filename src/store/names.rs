//! Profile names for users who did not choose one (`receive --keep`): a spelling of who they
//! are that two different users can never share.
//!
//! Profile names hold letters, digits, `.`, `_`, `-` and `@`. Here `_` only ever starts an
//! escape (`_` and two lower-case hex digits, one per UTF-8 byte), so the spelling is
//! injective: `a+b@x` is `a_2bb@x`, `a_b@x` is `a_5fb@x`, and no two inputs meet. An email's
//! name always holds `@`; a `sub-` name never does (its `@` is escaped), so the two kinds
//! cannot meet either.

/// The longest profile name (see [`super::validate_profile`]).
const MAX: usize = 64;

/// The name for a (verified) email address, lower-cased; None when it holds no `@` or its
/// spelling is longer than a profile name may be.
pub fn for_email(email: &str) -> Option<String> {
    let lower = email.to_lowercase();
    if !lower.contains('@') {
        return None;
    }
    fit(escape(&lower, true))
}

/// The name for a subject: `sub-` and the subject, escaped; None when too long.
pub fn for_sub(sub: &str) -> Option<String> {
    if sub.is_empty() {
        return None;
    }
    fit(format!("sub-{}", escape(sub, false)))
}

fn fit(name: String) -> Option<String> {
    (name.len() <= MAX && super::validate_profile(&name).is_ok()).then_some(name)
}

/// Keeps ASCII letters, digits, `-`, `.` (not first) and, when `at` says so, `@`; escapes
/// every other byte as `_xx`.
fn escape(text: &str, at: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, b) in text.bytes().enumerate() {
        let keep =
            b.is_ascii_alphanumeric() || b == b'-' || (b == b'.' && i > 0) || (b == b'@' && at);
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("_{b:02x}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_emails_never_share_a_profile_name() {
        let emails = [
            "a+b@example.com",
            "a_b@example.com",
            "a_2bb@example.com",
            "a.b@example.com",
            "ab@example.com",
            "é@example.com",
            "e@example.com",
            "_@example.com",
            "?@example.com",
            "a b@example.com",
            ".a@example.com",
            "_2ea@example.com",
        ];
        let names: Vec<String> = emails.iter().map(|e| for_email(e).unwrap()).collect();
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "{names:?}");
        assert_eq!(for_email("alice@example.com").unwrap(), "alice@example.com");
        assert_eq!(for_email("Alice@Example.COM").unwrap(), "alice@example.com");
        assert_eq!(for_email("a+b@example.com").unwrap(), "a_2bb@example.com");
        assert_eq!(for_email("a_b@example.com").unwrap(), "a_5fb@example.com");
        assert_eq!(for_email("é@example.com").unwrap(), "_c3_a9@example.com");
    }

    #[test]
    fn names_stay_usable_and_the_two_kinds_never_meet() {
        assert_eq!(for_email(".x@example.com").unwrap(), "_2ex@example.com");
        assert_eq!(
            for_email("../x@example.com").unwrap(),
            "_2e._2fx@example.com"
        );
        assert_eq!(for_email(&format!("{}@example.com", "a".repeat(60))), None);
        assert_eq!(for_email("no-at-sign"), None);
        assert_eq!(
            for_sub("110169484474386276334").unwrap(),
            "sub-110169484474386276334"
        );
        assert_eq!(
            for_sub("google-oauth2|42").unwrap(),
            "sub-google-oauth2_7c42"
        );
        assert_eq!(for_sub("x@y").unwrap(), "sub-x_40y", "no `@` in a sub name");
        assert_eq!(for_sub(""), None);
        assert_eq!(for_sub(&"9".repeat(61)), None);
        for name in [for_email("..@x").unwrap(), for_sub("..").unwrap()] {
            assert!(super::super::validate_profile(&name).is_ok(), "{name}");
        }
    }
}
