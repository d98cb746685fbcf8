//! How a user is named to people: by verified email, else by `sub`, never by an unverified
//! email alone. Verdicts and stored profiles both name users this way.

/// The user, as a person should read it: the verified email, else `sub` (with an unverified
/// email marked as such).
pub fn who(sub: Option<&str>, email: Option<&str>, email_verified: bool) -> String {
    match (sub, email) {
        (_, Some(email)) if email_verified => email.to_string(),
        (Some(sub), Some(email)) => format!("sub {sub} (email {email}, NOT verified)"),
        (Some(sub), None) => format!("sub {sub}"),
        (None, Some(email)) => format!("an unknown subject (email {email}, NOT verified)"),
        (None, None) => "an unknown subject".to_string(),
    }
}
