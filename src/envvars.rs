//! Every environment variable gsignin reads, in one table: clap's `env =` attributes name
//! these constants, `app::run` reads the rest through them, the tests scrub all of them from
//! the binaries they run, and a test holds README.md to the table.

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
    #[test]
    fn the_readme_names_every_variable() {
        let readme = include_str!("../README.md");
        for (name, _) in super::ALL {
            assert!(readme.contains(name), "README.md does not mention {name}");
        }
    }
}
