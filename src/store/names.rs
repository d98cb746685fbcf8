//! Profile names for users who did not choose one (`receive --keep`): a spelling of who they
//! are that two different users can never share.
//!
//! Profile names hold letters, digits, `.`, `_`, `-` and `@`. Here `_` only ever starts an
//! escape (`_` and two lower-case hex digits, one per UTF-8 byte), so the spelling is
//! injective: `a+b@x` is `a_2bb@x`, `a_b@x` is `a_5fb@x`, and no two inputs meet. An email's
//! name always holds `@`; a `sub-` name never does (its `@` is escaped), so the two kinds
//! cannot meet either.
//!
//! Two emails share a name exactly when they are equal once ASCII letters are lower-cased:
//! only ASCII is folded. Unicode case mapping would merge users (U+212A KELVIN SIGN
//! lower-cases to `k`, so `Kim@x` written with it would take `kim@x`'s profile); every byte of
//! a non-ASCII letter is escaped as it is, whatever its case.

/// The longest profile name (see [`super::validate_profile`]).
const MAX: usize = 64;

/// The name for a (verified) email address, its ASCII letters lower-cased; None when it holds
/// no `@` or its spelling is longer than a profile name may be.
pub fn for_email(email: &str) -> Option<String> {
    let lower = email.to_ascii_lowercase();
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
    fn v9_distinct_emails_never_share_a_profile_name() {
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

    /// Unicode's case mappings fold letters onto ASCII ones (the Kelvin sign is `k`, the
    /// long s is `s`) and fullwidth letters are others again: only ASCII is folded, so none of
    /// them takes an ASCII user's name.
    #[test]
    fn v9_only_ascii_case_is_folded_so_no_unicode_letter_takes_another_users_name() {
        let kelvin = for_email("\u{212A}im@example.com").unwrap();
        assert_eq!(kelvin, "_e2_84_aaim@example.com");
        assert_ne!(kelvin, for_email("kim@example.com").unwrap());
        let pairs = [
            ("\u{212A}im@example.com", "kim@example.com"),
            ("\u{212A}im@example.com", "Kim@example.com"),
            ("\u{17F}am@example.com", "sam@example.com"),
            ("\u{130}lker@example.com", "ilker@example.com"),
            ("\u{130}lker@example.com", "i\u{307}lker@example.com"),
            ("stra\u{DF}e@example.com", "strasse@example.com"),
            ("STRA\u{1E9E}E@example.com", "stra\u{DF}e@example.com"),
            ("\u{FF41}lice@example.com", "alice@example.com"),
            ("\u{FF21}lice@example.com", "\u{FF41}lice@example.com"),
            (
                "\u{212B}ngstr\u{F6}m@example.com",
                "\u{E5}ngstr\u{F6}m@example.com",
            ),
            ("\u{C9}@example.com", "\u{E9}@example.com"),
            ("\u{3A3}@example.com", "\u{3C3}@example.com"),
        ];
        for (a, b) in pairs {
            assert_ne!(for_email(a), for_email(b), "{a} and {b}");
        }
        assert_eq!(for_email("KIM@Example.COM"), for_email("kim@example.com"));
    }

    /// Over many generated emails, two share a name exactly when they are equal with ASCII
    /// lower-cased: the rule the spelling promises.
    #[test]
    fn v9_names_are_equal_exactly_when_the_ascii_lower_cased_emails_are() {
        let alphabet = [
            "a", "A", "k", "K", "s", "S", "i", "I", "_", "+", ".", "-", "@", "5", "f", "\u{212A}",
            "\u{17F}", "\u{130}", "\u{131}", "\u{DF}", "\u{1E9E}", "\u{FF41}", "\u{FF21}",
            "\u{E9}", "\u{C9}", "\u{307}", "\u{3C3}", "\u{3C2}", "\u{3A3}", "_5f", "_2b",
        ];
        // A fixed, simple generator (xorshift): the same emails on every run.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut by_name: std::collections::HashMap<String, String> = Default::default();
        let mut by_email: std::collections::HashMap<String, String> = Default::default();
        for _ in 0..20_000 {
            let len = 1 + next() % 5;
            let local: String = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            let email = format!("{local}@example.com");
            let Some(name) = for_email(&email) else {
                continue;
            };
            assert!(super::super::validate_profile(&name).is_ok(), "{name}");
            let key = email.to_ascii_lowercase();
            if let Some(seen) = by_name.insert(name.clone(), key.clone()) {
                assert_eq!(seen, key, "{name} names two users");
            }
            if let Some(seen) = by_email.insert(key.clone(), name.clone()) {
                assert_eq!(seen, name, "{key} has two names");
            }
        }
    }

    #[test]
    fn v8_names_stay_usable_and_the_two_kinds_never_meet() {
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
