//! OAuth scopes as Google writes them (full URLs) and as people type them (`email`,
//! `drive.appdata`).

const PREFIX: &str = "https://www.googleapis.com/auth/";

pub fn split(scope: Option<&str>) -> Vec<String> {
    scope
        .unwrap_or_default()
        .split_whitespace()
        .map(String::from)
        .collect()
}

/// The full form of a scope: `email` → `https://www.googleapis.com/auth/userinfo.email`.
pub fn expand(scope: &str) -> String {
    match scope {
        "openid" => "openid".into(),
        "email" => format!("{PREFIX}userinfo.email"),
        "profile" => format!("{PREFIX}userinfo.profile"),
        s if s.contains(':') => s.into(),
        s => format!("{PREFIX}{s}"),
    }
}

/// The short form people read: `https://www.googleapis.com/auth/drive.appdata` → `drive.appdata`.
pub fn shorten(scope: &str) -> &str {
    scope.strip_prefix(PREFIX).unwrap_or(scope)
}

pub fn short_list(scopes: &[String]) -> String {
    if scopes.is_empty() {
        return "(none reported)".into();
    }
    scopes
        .iter()
        .map(|s| shorten(s))
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn contains(granted: &[String], wanted: &str) -> bool {
    let wanted = expand(wanted);
    granted.iter().any(|g| expand(g) == wanted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_short_and_full_forms() {
        let granted = split(Some(
            "https://www.googleapis.com/auth/userinfo.email openid https://www.googleapis.com/auth/drive.appdata",
        ));
        assert!(contains(&granted, "email"));
        assert!(contains(&granted, "drive.appdata"));
        assert!(contains(
            &granted,
            "https://www.googleapis.com/auth/drive.appdata"
        ));
        assert!(!contains(&granted, "profile"));
        assert_eq!(short_list(&granted), "userinfo.email openid drive.appdata");
    }
}
