//! `--require-scope` and `--require-refresh-token`: what a sign-in (or a refresh) must hold
//! for the run to succeed. Checked after the tokens are stored: a spent code's grant is kept
//! whatever it lacks, and the run still fails so that a CI job sees the degraded grant.

use crate::cli::RequireArgs;
use crate::error::{Code, Error};
use crate::google::scopes;

/// The first requirement the sign-in does not meet, as the run's failure.
pub fn unmet(required: &RequireArgs, granted: &[String], has_refresh_token: bool) -> Option<Error> {
    let missing: Vec<String> = required
        .require_scopes
        .iter()
        .filter(|s| !scopes::contains(granted, s))
        .map(|s| scopes::expand(s))
        .collect();
    if !missing.is_empty() {
        return Some(Error::new(
            Code::ScopeMissing,
            format!(
                "the grant lacks {} (--require-scope); granted: {}",
                missing.join(" "),
                scopes::short_list(granted)
            ),
            "nothing was lost (the sign-in is kept); have the app request the scope (or `gsignin \
             login --scope ...`) and sign in again; a user who unticked it on the consent page \
             must tick it",
        ));
    }
    if required.require_refresh_token && !has_refresh_token {
        return Some(Error::new(
            Code::NoRefreshToken,
            "the sign-in holds no refresh token (--require-refresh-token)",
            "the issuer sends one only with a user's first code for this client: on Android \
             request the code with forceCodeForRefreshToken=true (on the web, prompt=consent), \
             then exchange it",
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn required(scopes: &[&str], refresh: bool) -> RequireArgs {
        RequireArgs {
            require_scopes: scopes.iter().map(|s| (*s).to_string()).collect(),
            require_refresh_token: refresh,
        }
    }

    #[test]
    fn a_missing_scope_or_refresh_token_is_exit_4_naming_it() {
        let granted = vec![
            "openid".to_string(),
            "https://www.googleapis.com/auth/userinfo.email".to_string(),
        ];
        assert!(unmet(&required(&["openid", "email"], true), &granted, true).is_none());
        let e = unmet(&required(&["drive.appdata"], false), &granted, true).unwrap();
        assert_eq!((e.code(), e.exit_code()), (Code::ScopeMissing, 4));
        assert!(
            e.to_string()
                .contains("https://www.googleapis.com/auth/drive.appdata"),
            "{e}"
        );
        let e = unmet(&required(&[], true), &granted, false).unwrap();
        assert_eq!(e.code(), Code::NoRefreshToken);
        assert!(unmet(&required(&[], false), &granted, false).is_none());
    }
}
