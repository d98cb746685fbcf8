//! Google's `client_secret.json`, in its `web` or `installed` form.
//!
//! The server (web) client's ID and secret are what a serverAuthCode is traded with; each
//! missing or malformed part gets its own error, because "invalid JSON" helps nobody.

use crate::error::{Error, Result};
use crate::secret::Secret;
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct ClientSecret {
    pub client_id: String,
    pub client_secret: Secret,
    pub token_uri: Option<String>,
    pub auth_uri: Option<String>,
    pub kind: ClientKind,
    /// The redirect URIs registered for the client, as the file lists them.
    pub redirect_uris: Vec<String>,
    pub path: PathBuf,
}

/// Which form the file has: it decides which redirects a browser sign-in may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientKind {
    /// A web application: only its registered redirect URIs.
    Web,
    /// A Desktop ("installed") app: any loopback port.
    Installed,
}

#[derive(Deserialize)]
struct File {
    web: Option<Inner>,
    installed: Option<Inner>,
}

#[derive(Deserialize)]
struct Inner {
    client_id: Option<String>,
    client_secret: Option<String>,
    token_uri: Option<String>,
    auth_uri: Option<String>,
    #[serde(default)]
    redirect_uris: Vec<String>,
}

/// Google's files are under 1 KB; a larger one is not a client secret (or is /dev/zero).
const MAX_SIZE: u64 = 1 << 20;

const DOWNLOAD_HINT: &str = "download it from Google Cloud console > APIs & Services > \
    Credentials > your Web application client > Download JSON";

impl ClientSecret {
    /// Reads the file named by `--client-secret`, or the default one in the config dir.
    pub fn load(explicit: Option<&Path>, default: &Path) -> Result<ClientSecret> {
        let path = explicit.unwrap_or(default);
        // The default file lives in gsignin's config dir, which no other user may write; a
        // file the user names is theirs to judge. Either must be a regular file of sane size.
        let bytes =
            crate::fsutil::read_limited(path, MAX_SIZE, explicit.is_none()).map_err(|e| {
                if let crate::fsutil::ReadFailure::Untrusted(why) = &e {
                    return crate::fsutil::untrusted_error(path, why);
                }
                let how = if explicit.is_some() {
                    "named by --client-secret / GSIGNIN_CLIENT_SECRET".to_string()
                } else {
                    "(the default location)".to_string()
                };
                let reason = match &e {
                    crate::fsutil::ReadFailure::Io(e) => io_reason(e),
                    other => other.to_string(),
                };
                Error::client_secret(
                    format!(
                        "cannot read the client secret file {} {how}: {reason}",
                        path.display()
                    ),
                    format!("pass --client-secret PATH, or {DOWNLOAD_HINT}"),
                )
            })?;
        Self::parse(&bytes, path)
    }

    pub fn parse(bytes: &[u8], path: &Path) -> Result<ClientSecret> {
        let shown = path.display();
        let file: File = serde_json::from_slice(bytes).map_err(|e| {
            Error::client_secret(
                format!("{shown} is not a client secret file: {e}"),
                format!("it should be JSON with a `web` or `installed` object; {DOWNLOAD_HINT}"),
            )
        })?;
        let (kind, inner) = match (file.web, file.installed) {
            (Some(web), _) => (ClientKind::Web, Some(web)),
            (None, Some(installed)) => (ClientKind::Installed, Some(installed)),
            (None, None) => (ClientKind::Web, None),
        };
        let inner = inner.ok_or_else(|| {
            Error::client_secret(
                format!("{shown} has neither a `web` nor an `installed` object"),
                format!("use the server (web) client's file: {DOWNLOAD_HINT}"),
            )
        })?;
        let missing = |field: &str| {
            Error::client_secret(
                format!("{shown} has no `{field}`"),
                format!("the file looks truncated or edited; {DOWNLOAD_HINT}"),
            )
        };
        let client_id = inner
            .client_id
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| missing("client_id"))?;
        let client_secret = inner
            .client_secret
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| missing("client_secret"))?;
        Ok(ClientSecret {
            client_id,
            client_secret: Secret::new(client_secret),
            token_uri: inner.token_uri.filter(|s| !s.is_empty()),
            auth_uri: inner.auth_uri.filter(|s| !s.is_empty()),
            kind,
            redirect_uris: inner.redirect_uris,
            path: path.to_path_buf(),
        })
    }
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<ClientSecret> {
        ClientSecret::parse(s.as_bytes(), Path::new("cs.json"))
    }

    #[test]
    fn reads_web_and_installed_forms() {
        let web =
            parse(r#"{"web":{"client_id":"a","client_secret":"b","token_uri":"t"}}"#).unwrap();
        assert_eq!(web.client_id, "a");
        assert_eq!(web.token_uri.as_deref(), Some("t"));
        assert_eq!(web.kind, ClientKind::Web);
        let inst = parse(r#"{"installed":{"client_id":"c","client_secret":"d","redirect_uris":["http://localhost"]}}"#).unwrap();
        assert_eq!(inst.client_secret.expose(), "d");
        assert_eq!(inst.kind, ClientKind::Installed);
        assert_eq!(inst.redirect_uris, ["http://localhost"]);
    }

    #[test]
    fn names_what_is_missing() {
        let e = parse(r#"{"web":{"client_id":"a"}}"#).unwrap_err();
        assert!(e.to_string().contains("client_secret"), "{e}");
        assert_eq!(e.exit_code(), 6);
        let e = parse(r#"{"other":{}}"#).unwrap_err();
        assert!(e.to_string().contains("neither"), "{e}");
        let e = parse("not json").unwrap_err();
        assert!(e.to_string().contains("not a client secret file"), "{e}");
    }
}
