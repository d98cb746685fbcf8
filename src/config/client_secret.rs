//! Google's `client_secret.json`, in its `web` or `installed` form.
//!
//! The server (web) client's ID and secret are what a serverAuthCode is traded with; each
//! missing or malformed part gets its own error, because "invalid JSON" helps nobody.

use crate::error::{Error, Result};
use crate::secret::Secret;
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct ClientSecret {
    pub client_id: String,
    pub client_secret: Secret,
    pub token_uri: Option<String>,
    /// Where access tokens are inspected (`whoami --access-token`): Google's files lack it;
    /// emulators' files name theirs.
    pub token_info_uri: Option<String>,
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

/// Where a profile's client secret came from, kept with the profile so that its refreshes
/// use the same client unless told otherwise.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// A file (its absolute path).
    File(PathBuf),
    /// GSIGNIN_CLIENT_SECRET_JSON: nothing of it is written anywhere.
    Inline,
}

impl ClientSecret {
    pub fn source(&self) -> Source {
        if self.path == Path::new(INLINE) {
            Source::Inline
        } else {
            Source::File(std::path::absolute(&self.path).unwrap_or_else(|_| self.path.clone()))
        }
    }
}

/// How the client secret from GSIGNIN_CLIENT_SECRET_JSON is named in messages (its `path`).
pub const INLINE: &str = "GSIGNIN_CLIENT_SECRET_JSON";

/// Google's files are under 1 KB; a larger one is not a client secret (or is /dev/zero).
const MAX_SIZE: u64 = 1 << 20;

const DOWNLOAD_HINT: &str = "download it from Google Cloud console > APIs & Services > \
    Credentials > your Web application client > Download JSON";

impl ClientSecret {
    /// The client secret: the file named by `--client-secret` / GSIGNIN_CLIENT_SECRET, else
    /// the JSON in GSIGNIN_CLIENT_SECRET_JSON (a CI secret store holds text, not files), else
    /// the default file in the config dir.
    pub fn resolve(
        explicit: Option<&Path>,
        inline: Option<&Secret>,
        default: &Path,
    ) -> Result<ClientSecret> {
        match (explicit, inline) {
            (None, Some(json)) => Self::parse(
                json.expose().trim_start_matches('\u{feff}').as_bytes(),
                Path::new(INLINE),
            ),
            _ => Self::load(explicit, default),
        }
    }

    /// Reads the file a profile was signed in with. Nobody named it in this run, so it is held
    /// to the default file's rule: a file (or folder) another user owns or can write is
    /// refused, since its `token_uri` decides where the refresh token goes.
    pub fn load_remembered(path: &Path, profile: &str) -> Result<ClientSecret> {
        let bytes = crate::fsutil::read_limited(path, MAX_SIZE, true).map_err(|e| {
            if let crate::fsutil::ReadFailure::Untrusted(why) = &e {
                return crate::fsutil::untrusted_error(path, why);
            }
            let reason = match &e {
                crate::fsutil::ReadFailure::Io(e) => io_reason(e),
                other => other.to_string(),
            };
            Error::client_secret(
                format!(
                    "cannot read {}, the client secret file profile `{profile}` was signed in with: {reason}",
                    shown_path(path)
                ),
                "pass --client-secret PATH of the same client",
            )
        })?;
        Self::parse(&bytes, path)
    }

    /// Reads the file named by `--client-secret`, or the default one in the config dir.
    pub fn load(explicit: Option<&Path>, default: &Path) -> Result<ClientSecret> {
        if let Some(p) = explicit {
            refuse_inline_json(p)?;
        }
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
                        shown_path(path)
                    ),
                    format!("pass --client-secret PATH, or {DOWNLOAD_HINT}"),
                )
            })?;
        Self::parse(&bytes, path)
    }

    /// Reads the file's JSON. Every error names the part that is wrong and its type, never a
    /// value: a value may be the client secret itself, and error lines end up in CI logs.
    pub fn parse(bytes: &[u8], path: &Path) -> Result<ClientSecret> {
        let shown = path.display();
        let doc: Value = serde_json::from_slice(bytes).map_err(|e| {
            // serde_json's syntax errors name a position and what was expected, no value.
            Error::client_secret(
                format!(
                    "{shown} is not a client secret file: not JSON (line {}, column {})",
                    e.line(),
                    e.column()
                ),
                format!("it should be JSON with a `web` or `installed` object; {DOWNLOAD_HINT}"),
            )
        })?;
        let wrong = |what: String| {
            Error::client_secret(
                format!("{shown} is not a client secret file: {what}"),
                format!("the file looks truncated or edited; {DOWNLOAD_HINT}"),
            )
        };
        let top = doc
            .as_object()
            .ok_or_else(|| wrong(format!("the document is {}, not an object", kind(&doc))))?;
        let (kind_, name, inner) = match (top.get("web"), top.get("installed")) {
            (Some(web), _) => (ClientKind::Web, "web", web),
            (None, Some(installed)) => (ClientKind::Installed, "installed", installed),
            (None, None) => {
                return Err(Error::client_secret(
                    format!("{shown} has neither a `web` nor an `installed` object"),
                    format!("use the server (web) client's file: {DOWNLOAD_HINT}"),
                ));
            }
        };
        let inner = inner
            .as_object()
            .ok_or_else(|| wrong(format!("`{name}` is {}, not an object", kind(inner))))?;
        let text = |field: &str| -> Result<Option<String>> {
            match inner.get(field) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(other) => Err(wrong(format!(
                    "`{name}.{field}` is {}, not a string",
                    kind(other)
                ))),
            }
        };
        let missing = |field: &str| {
            Error::client_secret(
                format!("{shown} has no `{field}`"),
                format!("the file looks truncated or edited; {DOWNLOAD_HINT}"),
            )
        };
        let client_id = text("client_id")?
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| missing("client_id"))?;
        let client_secret = text("client_secret")?
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| missing("client_secret"))?;
        let parsed = ClientSecret {
            client_id,
            client_secret: Secret::new(client_secret),
            token_uri: url_field(text("token_uri")?, name, "token_uri").map_err(wrong)?,
            auth_uri: url_field(text("auth_uri")?, name, "auth_uri").map_err(wrong)?,
            token_info_uri: url_field(text("token_info_uri")?, name, "token_info_uri")
                .map_err(wrong)?,
            kind: kind_,
            redirect_uris: string_list(inner, name, "redirect_uris").map_err(wrong)?,
            path: path.to_path_buf(),
        };
        // A URL that carries the secret would print it (the authorization URL is shown and
        // handed to the browser) or send it where URLs are logged.
        let secret = parsed.client_secret.expose();
        let carries = |u: &Option<String>| u.as_deref().is_some_and(|u| u.contains(secret));
        for (field, carried) in [
            ("token_uri", carries(&parsed.token_uri)),
            ("auth_uri", carries(&parsed.auth_uri)),
            ("token_info_uri", carries(&parsed.token_info_uri)),
            (
                "redirect_uris",
                parsed.redirect_uris.iter().any(|u| u.contains(secret)),
            ),
        ] {
            if carried {
                return Err(wrong(format!("`{name}.{field}` holds the client secret")));
            }
        }
        Ok(parsed)
    }
}

/// An endpoint's URL, or its absence; otherwise what is wrong with it, without its value (a
/// mangled file may hold the secret there).
fn url_field(
    value: Option<String>,
    name: &str,
    field: &str,
) -> std::result::Result<Option<String>, String> {
    match value.filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) => match url::Url::parse(&v) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => Ok(Some(v)),
            _ => Err(format!("`{name}.{field}` is not an http(s) URL")),
        },
    }
}

/// A list of strings, or its absence; otherwise what is wrong with it, without its values.
fn string_list(
    inner: &Map<String, Value>,
    name: &str,
    field: &str,
) -> std::result::Result<Vec<String>, String> {
    match inner.get(field) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::String(s) => Ok(s.clone()),
                other => Err(format!(
                    "`{name}.{field}[{i}]` is {}, not a string",
                    kind(other)
                )),
            })
            .collect(),
        Some(other) => Err(format!("`{name}.{field}` is {}, not a list", kind(other))),
    }
}

/// A JSON value's type as an error names it (never its content).
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A client secret's JSON where its path belongs (`GSIGNIN_CLIENT_SECRET="$(cat file)"`) is
/// refused without being shown: every message that names the path would print the secret.
fn refuse_inline_json(path: &Path) -> Result<()> {
    let text = path.as_os_str().to_string_lossy();
    // Any white space, a byte-order mark or a zero-width character may come first.
    let first = text.chars().find(|c| {
        !c.is_whitespace() && !matches!(c, '\u{feff}' | '\u{200b}'..='\u{200d}' | '\u{2060}')
    });
    if !matches!(first, Some('{' | '[')) {
        return Ok(());
    }
    Err(Error::client_secret(
        "--client-secret / GSIGNIN_CLIENT_SECRET holds JSON (not shown), not the path of a file",
        "put the JSON itself in GSIGNIN_CLIENT_SECRET_JSON (and unset GSIGNIN_CLIENT_SECRET), or write it to a file only you can read and pass its path",
    ))
}

/// A path as messages show it: as written when it reads like one (a `/` in it, or a `.json`
/// name, nothing that a pasted secret has), else not at all. A value put where the path
/// belongs may be the secret itself (`GOCSPX-…`, base64 of the file).
pub fn shown_path(path: &Path) -> String {
    let text = path.to_string_lossy();
    let plausible = text.len() <= 4096
        && (text.contains('/') || text.ends_with(".json"))
        && !text.chars().any(|c| {
            c.is_control() || matches!(c, '{' | '}' | '"' | '\'' | '`' | '=' | '\u{feff}')
        });
    if plausible {
        text.into_owned()
    } else {
        format!(
            "(a value of {} characters that reads like no path; not shown)",
            text.chars().count()
        )
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
            parse(r#"{"web":{"client_id":"a","client_secret":"b","token_uri":"https://t.example/token"}}"#).unwrap();
        assert_eq!(web.client_id, "a");
        assert_eq!(web.token_uri.as_deref(), Some("https://t.example/token"));
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

    #[test]
    fn x3_a_malformed_file_is_described_by_field_and_type_never_by_its_values() {
        let cases = [
            (
                r#"{"web":{"client_id":"a","client_secret":12345678}}"#,
                "`web.client_secret` is a number, not a string",
            ),
            (
                r#"{"web":{"client_id":["GOCSPX-secret"],"client_secret":"GOCSPX-secret"}}"#,
                "`web.client_id` is a list, not a string",
            ),
            (
                r#"{"web":"GOCSPX-secret"}"#,
                "`web` is a string, not an object",
            ),
            (
                r#"{"installed":{"client_id":"a","client_secret":"GOCSPX-secret","redirect_uris":"GOCSPX-x"}}"#,
                "`installed.redirect_uris` is a string, not a list",
            ),
            (
                r#"{"web":{"client_id":"a","client_secret":"GOCSPX-secret","redirect_uris":[1]}}"#,
                "`web.redirect_uris[0]` is a number, not a string",
            ),
            (
                r#"{"web":{"client_id":"a","client_secret":"GOCSPX-secret","token_uri":true}}"#,
                "`web.token_uri` is a boolean, not a string",
            ),
            (
                r#"["GOCSPX-secret"]"#,
                "the document is a list, not an object",
            ),
            (
                r#"{"web":{"client_id":"a","client_secret":"GOCSPX-secret""#,
                "not JSON (line 1",
            ),
        ];
        for (doc, why) in cases {
            let e = parse(doc).unwrap_err();
            let shown = format!("{e} {}", e.hint());
            assert!(shown.contains(why), "{doc}: {shown}");
            assert!(
                !shown.contains("GOCSPX") && !shown.contains("12345678"),
                "{shown}"
            );
            assert_eq!(e.exit_code(), 6);
        }
    }

    #[test]
    fn x3_a_value_put_where_the_path_belongs_is_never_shown_unless_it_reads_like_a_path() {
        for secret in [
            "GOCSPX-abcdef",
            "client_secret=GOCSPX-abcdef",
            "\u{feff}{\"web\":{\"client_secret\":\"GOCSPX-abcdef\"}}",
            "\"web\": {\"client_secret\": \"GOCSPX-abcdef\"}",
            "eyJ3ZWIiOnsiY2xpZW50X3NlY3JldCI6IkdPQ1NQWC1hYmNkZWYifX0=",
            "'GOCSPX-abcdef'",
        ] {
            let e =
                ClientSecret::load(Some(Path::new(secret)), Path::new("/nonexistent")).unwrap_err();
            let shown = format!("{e} {}", e.hint());
            assert!(
                !shown.contains("GOCSPX") && !shown.contains("eyJ3"),
                "{shown}"
            );
            assert_eq!(e.exit_code(), 6);
        }
        for path in ["/nonexistent/cs.json", "client_secret.json", "./cs"] {
            let e = ClientSecret::load(Some(Path::new(path)), Path::new("/x")).unwrap_err();
            assert!(e.to_string().contains(path), "{e}");
        }
        let e = parse(r#"{"web":{"client_id":"a","client_secret":"b","token_uri":"GOCSPX-x"}}"#)
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("`web.token_uri` is not an http(s) URL"),
            "{e}"
        );
        assert!(!e.to_string().contains("GOCSPX"), "{e}");
    }

    #[test]
    fn x3_a_url_that_carries_the_client_secret_is_refused_unshown() {
        for field in ["auth_uri", "token_uri"] {
            let doc = format!(
                r#"{{"installed":{{"client_id":"a","client_secret":"GOCSPX-s3cret","{field}":"https://x.example/auth?x=GOCSPX-s3cret"}}}}"#
            );
            let e = parse(&doc).unwrap_err();
            assert!(
                e.to_string()
                    .contains(&format!("`installed.{field}` holds the client secret")),
                "{e}"
            );
            assert!(!e.to_string().contains("GOCSPX"), "{e}");
        }
    }

    #[test]
    fn x3_json_where_the_path_belongs_is_refused_without_being_shown() {
        let json = r#" {"web":{"client_id":"a","client_secret":"GOCSPX-inline"}}"#;
        let e = ClientSecret::load(Some(Path::new(json)), Path::new("/nonexistent")).unwrap_err();
        let shown = format!("{e} {}", e.hint());
        assert!(!shown.contains("GOCSPX"), "{shown}");
        assert!(shown.contains("holds JSON"), "{shown}");
        assert!(shown.contains("GSIGNIN_CLIENT_SECRET_JSON"), "{shown}");
        assert_eq!(e.exit_code(), 6);
        let inline = Secret::new(json.trim());
        let c = ClientSecret::resolve(None, Some(&inline), Path::new("/nonexistent")).unwrap();
        assert_eq!(c.client_secret.expose(), "GOCSPX-inline");
        let e = ClientSecret::resolve(
            Some(Path::new("/nonexistent/cs.json")),
            Some(&inline),
            Path::new("/x"),
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("/nonexistent/cs.json"),
            "a path wins: {e}"
        );
    }
}
