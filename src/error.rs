//! The one error type, and the one table that maps each failure to its stable machine code and
//! the contract's exit code.
//!
//! Every failure a user can meet has a [`Code`] (what scripts match on), a one-line message
//! (what happened), a hint (what to do), and, where a lower layer failed, its source chain
//! (shown under `-v`). `main` prints it; nothing else decides an exit code.

use std::path::Path;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Declares [`Code`]: each variant with its machine code and exit code, in one table.
macro_rules! codes {
    ($($(#[$doc:meta])* $name:ident = $text:literal => $exit:literal,)*) => {
        /// A failure's stable machine code (`{"error":{"code":...}}`) and its exit code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $($(#[$doc])* $name,)*
        }

        impl Code {
            /// Every code, for the table test and the docs.
            pub const ALL: &'static [Code] = &[$(Code::$name,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$name => $text,)*
                }
            }

            /// The contract's exit code for this failure.
            pub fn exit_code(self) -> u8 {
                match self {
                    $(Code::$name => $exit,)*
                }
            }
        }
    };
}

codes! {
    /// Anything else.
    Error = "error" => 1,
    /// Wrong flags or arguments.
    Usage = "usage" => 2,
    /// A token failed verification.
    TokenInvalid = "token_invalid" => 3,
    /// A token could not even be decoded.
    TokenMalformed = "token_malformed" => 3,
    /// The ID token of an exchange failed verification (its tokens were rescued).
    IdTokenInvalid = "id_token_invalid" => 3,
    /// A refreshed ID token names another user than the stored sign-in.
    IdTokenUserChanged = "id_token_user_changed" => 3,
    /// Nothing is stored for the profile.
    NotSignedIn = "not_signed_in" => 4,
    /// The sign-in has no refresh token.
    NoRefreshToken = "no_refresh_token" => 4,
    /// The issuer returned no ID token where one was needed.
    NoIdToken = "no_id_token" => 4,
    /// A code spent, expired or foreign; a refresh token revoked or expired.
    InvalidGrant = "invalid_grant" => 4,
    /// The code was issued for another redirect_uri.
    RedirectUriMismatch = "redirect_uri_mismatch" => 4,
    /// The sign-in lacks a scope the call needs.
    InsufficientScope = "insufficient_scope" => 4,
    /// The grant lacks a scope `--require-scope` names (the tokens are stored).
    ScopeMissing = "scope_missing" => 4,
    /// Drive refused the access token even after a refresh.
    DriveUnauthorized = "drive_unauthorized" => 4,
    /// A Google API refused the access token even after a refresh.
    ApiUnauthorized = "api_unauthorized" => 4,
    /// A Google API answered another 4xx (the body says why).
    ApiError = "api_error" => 4,
    /// `token --min-valid` asks for longer than any token the issuer grants.
    LifetimeTooShort = "lifetime_too_short" => 4,
    /// The user declined the sign-in in the browser.
    AccessDenied = "access_denied" => 4,
    /// A redirect whose `state` is not this sign-in's (nothing was exchanged).
    StateMismatch = "state_mismatch" => 4,
    /// A redirect naming another issuer than the one asked (RFC 9207 mix-up defence).
    IssuerMismatch = "issuer_mismatch" => 4,
    /// The issuer ended a browser sign-in with another error.
    AuthorizationFailed = "authorization_failed" => 4,
    /// No answer from the browser within --wait.
    LoginTimeout = "login_timeout" => 4,
    /// The request never got an answer: connection refused.
    ConnectionFailed = "connection_failed" => 5,
    /// The host name does not resolve.
    DnsFailed = "dns_failed" => 5,
    /// No answer within the timeout.
    Timeout = "timeout" => 5,
    /// The TLS handshake failed (an untrusted certificate, a proxy).
    TlsFailed = "tls_failed" => 5,
    /// The connection failed otherwise (dropped mid-answer).
    NetworkError = "network_error" => 5,
    /// The server answered with trouble: 5xx, 429, or something that is not the protocol.
    ServerError = "server_error" => 5,
    /// The issuer does not accept the client credentials.
    InvalidClient = "invalid_client" => 6,
    /// The client may not use this grant.
    UnauthorizedClient = "unauthorized_client" => 6,
    /// The client was deleted in its Cloud project.
    DeletedClient = "deleted_client" => 6,
    /// The client secret file is missing or unusable.
    ClientSecretInvalid = "client_secret_invalid" => 6,
    /// The client cannot do what was asked (a web client without a loopback redirect).
    WrongClientType = "wrong_client_type" => 6,
    /// The port to listen on is taken (or not ours to take).
    PortInUse = "port_in_use" => 6,
    /// `emulator`: GSIGNIN_EMULATOR_CONTROL_TOKEN set but empty.
    ControlTokenEmpty = "control_token_empty" => 6,
    /// GSIGNIN_REFRESH_TOKEN or GSIGNIN_CLIENT_SECRET_JSON set but empty, where it would be used.
    SecretEmpty = "secret_empty" => 6,
    /// The Drive API is not enabled in the client's Cloud project.
    DriveApiDisabled = "drive_api_disabled" => 6,
    /// A Google API is not enabled in the client's Cloud project (`api`: a 4xx, exit 4).
    ApiDisabled = "api_disabled" => 4,
    /// `gsignin api` would send the access token to a host that is not Google's.
    UntrustedHost = "untrusted_host" => 6,
    /// The issuer offers no way to inspect an access token.
    NoIntrospection = "no_introspection" => 6,
    /// An explicit --issuer or --client-secret disagrees with the stored profile.
    ProfileMismatch = "profile_mismatch" => 6,
    /// A URL would send secrets over plain http to another host.
    InsecureUrl = "insecure_url" => 6,
    /// A file or folder of gsignin's that another user could have written.
    UntrustedPath = "untrusted_path" => 6,
    /// No home folder for gsignin's files.
    NoHome = "no_home" => 6,
    HomeUnwritable = "home_unwritable" => 6,
    HomeUnreadable = "home_unreadable" => 6,
    /// No OS keyring (Secret Service) in this session.
    KeyringUnavailable = "keyring_unavailable" => 6,
    KeyringLocked = "keyring_locked" => 6,
    KeyringTimeout = "keyring_timeout" => 6,
    KeyringFailed = "keyring_failed" => 6,
    StoreCorrupt = "store_corrupt" => 6,
    StoreUnreadable = "store_unreadable" => 6,
    StoreUnwritable = "store_unwritable" => 6,
    ProfileCorrupt = "profile_corrupt" => 6,
    LockFailed = "lock_failed" => 6,
    LockTimeout = "lock_timeout" => 6,
    /// A spent code's (or rotated refresh token's) tokens went to a rescue file.
    Rescued = "rescued" => 6,
    /// Not even a rescue file could be written.
    RescueFailed = "rescue_failed" => 6,
}

/// A failure: its code, what happened, what to do, and what caused it below.
#[derive(Debug)]
pub struct Error {
    code: Code,
    message: String,
    hint: String,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

impl Error {
    pub fn new(code: Code, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
            hint: hint.into(),
            source: None,
        }
    }

    /// The same error, caused by `source` (shown under `-v`).
    pub fn caused_by(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    pub fn usage(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self::new(Code::Usage, message, hint)
    }

    pub fn other(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self::new(Code::Error, message, hint)
    }

    pub fn server(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self::new(Code::ServerError, message, hint)
    }

    pub fn client_secret(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self::new(Code::ClientSecretInvalid, message, hint)
    }

    /// A port that cannot be listened on (`what` names the address): taken, or not ours to
    /// take. One rule for every listener (login, receive, the emulator): exit 6.
    pub fn cannot_listen(what: &str, e: &std::io::Error, hint: impl Into<String>) -> Self {
        let why = match e.kind() {
            std::io::ErrorKind::AddrInUse => "it is in use".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            std::io::ErrorKind::AddrNotAvailable => "no such address on this machine".to_string(),
            _ => e.to_string(),
        };
        Self::new(
            Code::PortInUse,
            format!("cannot listen on {what}: {why}"),
            hint,
        )
    }

    /// A secret's variable that is set but empty, where the secret would be used: in CI, a
    /// secret the job does not get (a fork's pull request), said as such rather than as
    /// whatever its absence leads to.
    pub fn secret_empty(var: &str) -> Self {
        Self::new(
            Code::SecretEmpty,
            format!(
                "{var} is set but empty (a CI secret this job did not get, as in a fork's pull request?)"
            ),
            format!("set {var} from the secret store, or unset it"),
        )
    }

    /// A refresh brought no ID token where one was asked for.
    pub fn no_id_token_on_refresh() -> Self {
        Self::new(
            Code::NoIdToken,
            "the issuer returned no ID token on refresh",
            "the sign-in lacks the openid scope; request openid in the app and exchange a new code",
        )
    }

    /// Nothing is stored for `profile`.
    pub fn not_signed_in(profile: &str) -> Self {
        Self::new(
            Code::NotSignedIn,
            format!("nothing is stored for profile `{profile}`"),
            "run `gsignin exchange` first (it asks for the code), or pick the profile that \
             holds the sign-in with --profile",
        )
    }

    /// A spent code's tokens could not be stored (because of `cause`) and went to `path`.
    pub fn rescued(cause: &Error, path: &Path) -> Self {
        Self::new(
            Code::Rescued,
            format!(
                "could not save the sign-in ({cause}); the tokens were written to {}",
                path.display()
            ),
            format!(
                "the file is mode 0600 and holds live tokens: fix the store (see the cause), then \
                 `gsignin restore {}` stores the sign-in and deletes the file",
                path.display()
            ),
        )
    }

    pub fn code(&self) -> Code {
        self.code
    }

    /// The contract's exit code.
    pub fn exit_code(&self) -> u8 {
        self.code.exit_code()
    }

    /// What to do next.
    pub fn hint(&self) -> &str {
        &self.hint
    }

    /// The same error with its message replaced (a layer above knows more of the story).
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = hint.into();
        self
    }

    /// The causes below this error, outermost first: what `-v` shows.
    pub fn chain(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut next = std::error::Error::source(self);
        while let Some(e) = next {
            out.push(e.to_string());
            next = e.source();
        }
        out
    }

    /// The same error with `f` applied to every text it shows: how a server's words are
    /// scrubbed of secrets before anyone sees them. The source chain is rendered and scrubbed
    /// too, so no unscrubbed text survives below.
    pub fn map_text(self, f: impl Fn(&str) -> String) -> Error {
        let chain: Vec<String> = self.chain().iter().map(|c| f(c)).collect();
        Error {
            code: self.code,
            message: f(&self.message),
            hint: f(&self.hint),
            source: (!chain.is_empty()).then(|| {
                Box::new(Chain(chain.join(": "))) as Box<dyn std::error::Error + Send + Sync>
            }),
        }
    }
}

/// A cause chain already rendered (and scrubbed) to text.
#[derive(Debug)]
struct Chain(String);

impl std::fmt::Display for Chain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Chain {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_contract() {
        assert_eq!(Error::usage("x", "y").exit_code(), 2);
        assert_eq!(
            Error::new(Code::KeyringUnavailable, "x", "y").exit_code(),
            6
        );
        assert_eq!(Error::not_signed_in("p").exit_code(), 4);
        assert_eq!(Error::server("x", "y").exit_code(), 5);
        assert_eq!(Error::other("x", "y").exit_code(), 1);
    }

    #[test]
    fn every_code_is_distinct_and_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.as_str()), "{} twice", code.as_str());
            assert!(
                code.as_str()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_'),
                "{}",
                code.as_str()
            );
            assert!((1..=6).contains(&code.exit_code()));
        }
    }

    /// `| N | meaning |` rows of a Markdown table of exit codes.
    fn exit_rows(doc: &str) -> Vec<(u8, String)> {
        doc.lines()
            .filter_map(|l| {
                let mut cells = l.trim().strip_prefix('|')?.split('|').map(str::trim);
                let n = cells.next()?.parse().ok()?;
                Some((n, cells.next()?.to_string()))
            })
            .collect()
    }

    #[test]
    fn the_code_table_matches_docs_exit_codes_md() {
        let page = include_str!("../docs/exit-codes.md");
        for code in Code::ALL {
            let row = format!("| `{}` | {} |", code.as_str(), code.exit_code());
            assert!(page.contains(&row), "docs/exit-codes.md lacks {row}");
        }
        let listed = page.lines().filter(|l| l.starts_with("| `")).count();
        assert!(listed >= Code::ALL.len());
        let page_exits = exit_rows(page);
        let used: std::collections::BTreeSet<u8> =
            Code::ALL.iter().map(|c| c.exit_code()).collect();
        for exit in &used {
            assert!(
                page_exits.iter().any(|(n, _)| n == exit),
                "docs/exit-codes.md's exit-code table lacks {exit}"
            );
        }
        // Every exit code docs/exit-codes.md lists is one some error uses: the table is the project's
        // own statement of them, and holds nothing the code does not do.
        for (exit, _) in page_exits.iter().filter(|(n, _)| *n != 0) {
            assert!(
                used.contains(exit),
                "docs/exit-codes.md lists exit {exit}, which no error uses"
            );
        }
    }

    #[test]
    fn x2_the_source_chain_is_kept_and_scrubbed() {
        let io = std::io::Error::other("socket said 4/0SECRETCODE");
        let e = Error::new(Code::NetworkError, "the connection failed", "try again").caused_by(io);
        assert_eq!(e.chain(), ["socket said 4/0SECRETCODE"]);
        let scrubbed = e.map_text(|t| t.replace("4/0SECRETCODE", "[redacted]"));
        assert_eq!(scrubbed.chain(), ["socket said [redacted]"]);
    }
}
