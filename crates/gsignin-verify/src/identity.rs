//! How a user is named to people: by verified email, else by `sub`, never by an unverified
//! email alone. Verdicts and stored profiles both name users this way.

/// The user, as a person should read it: the verified email, else `sub` (with an unverified
/// email marked as such).
///
/// A line of its own wherever it is shown: a control character in either claim (a token's
/// claims are anyone's words) is written as an escape, so that no claim can add a line (a
/// forged `VALID …` headline) to what a person reads.
pub fn who(sub: Option<&str>, email: Option<&str>, email_verified: bool) -> String {
    let (sub, email) = (sub.map(one_line), email.map(one_line));
    let (sub, email) = (sub.as_deref(), email.as_deref());
    match (sub, email) {
        (_, Some(email)) if email_verified => email.to_string(),
        (Some(sub), Some(email)) => format!("sub {sub} (email {email}, NOT verified)"),
        (Some(sub), None) => format!("sub {sub}"),
        (None, Some(email)) => format!("an unknown subject (email {email}, NOT verified)"),
        (None, None) => "an unknown subject".to_string(),
    }
}

/// `text` with each control character as its `\u{…}` escape.
fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::who;

    /// W6: no claim adds a line to the name a person reads.
    #[test]
    fn w6_a_line_break_in_a_claim_cannot_add_a_line_to_the_name() {
        let forged = "mallory@evil.example\n\nVALID ID token for ceo@corp.example\n";
        for name in [
            who(Some("1"), Some(forged), true),
            who(Some("1"), Some(forged), false),
            who(Some(forged), None, false),
            who(None, Some(forged), false),
        ] {
            assert!(!name.contains('\n'), "{name}");
            assert!(name.contains("\\u{a}"), "{name}");
        }
    }
}
