//! Every environment variable gsignin reads, in one table: clap's `env =` attributes name
//! these constants, `app::run` reads the rest through them, the tests scrub all of them from
//! the binaries they run, and a test holds docs/reference.md to the table.

pub const CLIENT_SECRET: &str = "GSIGNIN_CLIENT_SECRET";
/// A secret: the client secret's JSON itself, read from the environment only.
pub const CLIENT_SECRET_JSON: &str = "GSIGNIN_CLIENT_SECRET_JSON";
pub const PROFILE: &str = "GSIGNIN_PROFILE";
pub const STORE: &str = "GSIGNIN_STORE";
pub const ISSUER: &str = "GSIGNIN_ISSUER";
pub const DRIVE_URL: &str = "GSIGNIN_DRIVE_URL";
pub const API_URL: &str = "GSIGNIN_API_URL";
pub const TIMEOUT: &str = "GSIGNIN_TIMEOUT";
pub const HOME: &str = "GSIGNIN_HOME";
/// A secret: read from the environment only, never from argv (other users can read argv).
pub const REFRESH_TOKEN: &str = "GSIGNIN_REFRESH_TOKEN";
pub const INSECURE_HTTP: &str = "GSIGNIN_INSECURE_HTTP";
pub const NO_COLOR: &str = "NO_COLOR";
/// The browser `login` opens (as Python's webbrowser reads it).
pub const BROWSER: &str = "BROWSER";
/// A secret: `gsignin emulator`'s control token, better here than in argv (which other users
/// can read).
pub const EMULATOR_CONTROL_TOKEN: &str = "GSIGNIN_EMULATOR_CONTROL_TOKEN";
/// Set by the completion script a shell loads: gsignin answers with completions.
pub const COMPLETE: &str = "GSIGNIN_COMPLETE";

/// Every variable and what it does.
pub const ALL: &[(&str, &str)] = &[
    (CLIENT_SECRET, "the client secret file (--client-secret)"),
    (
        CLIENT_SECRET_JSON,
        "the client secret file's JSON itself (CI secret stores), when no path is given",
    ),
    (PROFILE, "which stored sign-in (--profile)"),
    (STORE, "keyring or file (--store)"),
    (ISSUER, "the OpenID issuer (--issuer)"),
    (DRIVE_URL, "the Drive API base (--drive-url)"),
    (API_URL, "the base of `gsignin api` paths (--api-url)"),
    (TIMEOUT, "seconds per HTTP request (--timeout)"),
    (HOME, "one folder for config, cache and data"),
    (
        REFRESH_TOKEN,
        "a refresh token instead of a stored sign-in (CI)",
    ),
    (
        INSECURE_HTTP,
        "1: allow plain http to hosts other than loopback, warned",
    ),
    (NO_COLOR, "no colour"),
    (
        BROWSER,
        "the browser `login` opens: commands separated by `:`, %s for the URL",
    ),
    (
        COMPLETE,
        "set by the script `gsignin completions SHELL` prints: answer with completions",
    ),
    (
        EMULATOR_CONTROL_TOKEN,
        "`emulator`'s control token (--control-token), required as Bearer on /control/*",
    ),
];

/// Variables the HTTP and TLS libraries read from the process's environment themselves: the
/// proxies (reqwest, hyper-util) and the CA settings (rustls-native-certs). They skip one that
/// is not UTF-8 as if it were unset: a proxy left out, a `NO_PROXY` ignored.
pub const READ_BY_LIBRARIES: &[&str] = &[
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
];

/// Looks up an environment variable (the process's, or a test's map) as the OS holds it.
pub type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<std::ffi::OsString>;

/// The value of `name`: None when unset; a usage error naming it when it is set but not UTF-8.
/// Never None for a value that is there: an unreadable `GSIGNIN_REFRESH_TOKEN` read as unset
/// once refreshed the stored profile, another user's sign-in, with exit 0.
pub fn get(env: EnvLookup<'_>, name: &str) -> Result<Option<String>, crate::error::Error> {
    match env(name) {
        None => Ok(None),
        Some(value) => value.into_string().map(Some).map_err(|_| unreadable(name)),
    }
}

/// Every variable gsignin reads ([`ALL`], the global options' among them) and those its
/// libraries read ([`READ_BY_LIBRARIES`]) is either unset or UTF-8: checked once, before the
/// command runs, so that no reader of one falls back to its default.
pub fn check_readable(env: EnvLookup<'_>) -> Result<(), crate::error::Error> {
    let names = ALL
        .iter()
        .map(|(name, _)| *name)
        .chain(READ_BY_LIBRARIES.iter().copied());
    for name in names {
        get(env, name)?;
    }
    Ok(())
}

fn unreadable(name: &str) -> crate::error::Error {
    crate::error::Error::usage(
        format!("the variable {name} is set but is not UTF-8 text, so gsignin cannot read it"),
        format!("set {name} to UTF-8 text, or unset it (`unset {name}`)"),
    )
}

/// The end of `gsignin --help`: the exit codes, then every variable gsignin reads (the man
/// page has them as its ENVIRONMENT section).
pub fn long_help_tail(exit_codes: &str) -> String {
    // Name, then what it does on its own line: clap wraps long lines without indenting them.
    let vars: Vec<String> = ALL
        .iter()
        .map(|(name, about)| format!("  {name}\n      {about}"))
        .collect();
    format!("{exit_codes}\n\nEnvironment:\n{}", vars.join("\n"))
}

#[cfg(test)]
mod tests {
    #[cfg(unix)]
    #[test]
    fn p2_a_set_variable_that_is_not_utf8_is_an_error_naming_it() {
        use std::os::unix::ffi::OsStringExt;
        let not_text = || std::ffi::OsString::from_vec(b"tok\xffen".to_vec());
        for name in super::ALL
            .iter()
            .map(|(name, _)| *name)
            .chain(super::READ_BY_LIBRARIES.iter().copied())
        {
            let env = |asked: &str| (asked == name).then(not_text);
            let e = super::check_readable(&env).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{name}");
            assert!(e.to_string().contains(name), "{e}");
            assert!(super::get(&env, name).is_err(), "{name}");
        }
        let env = |asked: &str| (asked == super::REFRESH_TOKEN).then(|| "1//0g".into());
        assert!(super::check_readable(&env).is_ok());
        assert_eq!(
            super::get(&env, super::REFRESH_TOKEN).unwrap().as_deref(),
            Some("1//0g")
        );
        assert_eq!(super::get(&env, super::HOME).unwrap(), None);
    }

    #[test]
    fn docs_reference_md_names_every_variable() {
        let reference = include_str!("../docs/reference.md");
        for (name, _) in super::ALL {
            assert!(
                reference.contains(name),
                "docs/reference.md does not mention {name}"
            );
        }
    }
}
