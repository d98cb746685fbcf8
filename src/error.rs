//! The one error type, and the one place that maps it to the contract's exit codes.
//!
//! Every failure a user can meet is a variant here with a stable machine code, a one-line
//! message (what happened) and a hint (what to do). `main` prints it; nothing else decides an
//! exit code.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What kind of network trouble, so each gets its own message and hint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetKind {
    Connect,
    Dns,
    Timeout,
    Tls,
    Other,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Wrong flags or arguments (exit 2).
    #[error("{message}")]
    Usage { message: String, hint: String },

    /// A token failed verification or could not be parsed (exit 3).
    #[error("{message}")]
    TokenRejected {
        code: &'static str,
        message: String,
        hint: String,
    },

    /// Nothing stored for the profile (exit 4).
    #[error("nothing is stored for profile `{profile}`")]
    NotSignedIn { profile: String },

    /// The sign-in cannot do what was asked: no refresh token, no ID token, a missing scope
    /// (exit 4).
    #[error("{message}")]
    NotAuthorized {
        code: &'static str,
        message: String,
        hint: String,
    },

    /// The token endpoint refused the grant: spent or bad code, revoked refresh token,
    /// redirect_uri mismatch (exit 4).
    #[error("{message}")]
    Grant {
        error: String,
        message: String,
        hint: String,
    },

    /// The issuer does not accept our client credentials (exit 6: the client secret is wrong).
    #[error("{message}")]
    Client {
        error: String,
        message: String,
        hint: String,
    },

    /// The request never got an answer (exit 5).
    #[error("{message}")]
    Network {
        kind: NetKind,
        message: String,
        hint: String,
    },

    /// The server answered with trouble: 5xx, 429, or something that is not the protocol (exit 5).
    #[error("{message}")]
    Server { message: String, hint: String },

    /// The client secret file is missing or unusable (exit 6).
    #[error("{message}")]
    ClientSecret { message: String, hint: String },

    /// The project or the setup is wrong in a way only its owner can fix, such as an API
    /// not enabled in the Cloud project (exit 6).
    #[error("{message}")]
    Config {
        code: &'static str,
        message: String,
        hint: String,
    },

    /// The store (keyring, files, home folder) cannot be used (exit 6).
    #[error("{message}")]
    Store {
        code: &'static str,
        message: String,
        hint: String,
    },

    /// A spent code's tokens could not be stored and went to a rescue file instead (exit 6).
    #[error("could not save the sign-in ({cause}); the tokens were written to {}", path.display())]
    Rescued { cause: String, path: PathBuf },

    /// Anything else (exit 1).
    #[error("{message}")]
    Other { message: String, hint: String },
}

impl Error {
    pub fn usage(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::Usage {
            message: message.into(),
            hint: hint.into(),
        }
    }

    pub fn store(code: &'static str, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::Store {
            code,
            message: message.into(),
            hint: hint.into(),
        }
    }

    pub fn not_authorized(
        code: &'static str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Error::NotAuthorized {
            code,
            message: message.into(),
            hint: hint.into(),
        }
    }

    pub fn other(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::Other {
            message: message.into(),
            hint: hint.into(),
        }
    }

    pub fn server(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::Server {
            message: message.into(),
            hint: hint.into(),
        }
    }

    pub fn client_secret(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::ClientSecret {
            message: message.into(),
            hint: hint.into(),
        }
    }

    /// The same error with `f` applied to every text it shows (message, hint, cause): how a
    /// server's words are scrubbed of secrets before anyone sees them.
    pub fn map_text(self, f: impl Fn(&str) -> String) -> Error {
        let mut e = self;
        match &mut e {
            Error::Usage { message, hint }
            | Error::TokenRejected { message, hint, .. }
            | Error::NotAuthorized { message, hint, .. }
            | Error::Grant { message, hint, .. }
            | Error::Client { message, hint, .. }
            | Error::Network { message, hint, .. }
            | Error::Server { message, hint }
            | Error::ClientSecret { message, hint }
            | Error::Config { message, hint, .. }
            | Error::Store { message, hint, .. }
            | Error::Other { message, hint } => {
                *message = f(message);
                *hint = f(hint);
            }
            Error::Rescued { cause, .. } => *cause = f(cause),
            Error::NotSignedIn { .. } => {}
        }
        e
    }

    /// The contract's exit code table, in one place.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Other { .. } => 1,
            Error::Usage { .. } => 2,
            Error::TokenRejected { .. } => 3,
            Error::NotSignedIn { .. } | Error::NotAuthorized { .. } | Error::Grant { .. } => 4,
            Error::Network { .. } | Error::Server { .. } => 5,
            Error::Client { .. }
            | Error::ClientSecret { .. }
            | Error::Config { .. }
            | Error::Store { .. }
            | Error::Rescued { .. } => 6,
        }
    }

    /// A stable machine code for `{"error":{"code":...}}`.
    pub fn code(&self) -> String {
        match self {
            Error::Usage { .. } => "usage".into(),
            Error::TokenRejected { code, .. } => (*code).into(),
            Error::NotSignedIn { .. } => "not_signed_in".into(),
            Error::Grant { error, .. } | Error::Client { error, .. } => error.clone(),
            Error::Network { kind, .. } => match kind {
                NetKind::Connect => "connection_failed",
                NetKind::Dns => "dns_failed",
                NetKind::Timeout => "timeout",
                NetKind::Tls => "tls_failed",
                NetKind::Other => "network_error",
            }
            .into(),
            Error::Server { .. } => "server_error".into(),
            Error::ClientSecret { .. } => "client_secret_invalid".into(),
            Error::Store { code, .. }
            | Error::Config { code, .. }
            | Error::NotAuthorized { code, .. } => (*code).into(),
            Error::Rescued { .. } => "rescued".into(),
            Error::Other { .. } => "error".into(),
        }
    }

    /// What to do next.
    pub fn hint(&self) -> String {
        match self {
            Error::Usage { hint, .. }
            | Error::TokenRejected { hint, .. }
            | Error::Grant { hint, .. }
            | Error::NotAuthorized { hint, .. }
            | Error::Client { hint, .. }
            | Error::Network { hint, .. }
            | Error::Server { hint, .. }
            | Error::ClientSecret { hint, .. }
            | Error::Config { hint, .. }
            | Error::Store { hint, .. }
            | Error::Other { hint, .. } => hint.clone(),
            Error::NotSignedIn { .. } => {
                "run `gsignin exchange CODE` first, or pick the profile that holds the sign-in with --profile".into()
            }
            Error::Rescued { .. } => "the file is mode 0600 and holds live tokens: fix the store \
                 (see the cause), keep the file until then, and delete it afterwards"
                .into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_contract() {
        assert_eq!(Error::usage("x", "y").exit_code(), 2);
        assert_eq!(Error::store("keyring_unavailable", "x", "y").exit_code(), 6);
        assert_eq!(
            Error::NotSignedIn {
                profile: "p".into()
            }
            .exit_code(),
            4
        );
        assert_eq!(Error::server("x", "y").exit_code(), 5);
        assert_eq!(Error::other("x", "y").exit_code(), 1);
    }
}
