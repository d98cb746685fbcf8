//! Where a sign-in lives: its secrets in a [`SecretStore`] (the OS keyring by default, 0600
//! files on request) and its non-secret metadata (who, which scopes, when it expires, where
//! the secrets went) in a plain profile file that `status` can read without unlocking anything.

pub mod file;
pub mod keyring;
pub mod lock;
pub mod memory;
pub mod names;
pub mod rescue;

use crate::config::dirs::Dirs;
use crate::error::{Code, Error, Result};
use crate::fsutil;
use crate::secret::Secret;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use zeroize::Zeroizing;

/// Where a profile's secrets live (written in profile files and reports as `keyring` or
/// `file`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StoreKind {
    /// The OS keyring (Secret Service, Keychain, Credential Manager).
    #[default]
    Keyring,
    /// Files of mode 0600 in the data dir: an explicit opt-in.
    File,
}

/// The secrets of one profile, kept together so a save replaces them all at once.
#[derive(Debug, Default, Clone)]
pub struct Tokens {
    pub refresh_token: Option<Secret>,
    pub access_token: Option<Secret>,
    pub id_token: Option<Secret>,
}

#[derive(Serialize, Deserialize, Default)]
struct TokensWire {
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    access_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id_token: Option<String>,
}

impl Profile {
    /// Who signed in, as a person should read it (see [`crate::identity::who`]).
    pub fn who(&self) -> String {
        crate::identity::who(
            self.sub.as_deref(),
            self.email.as_deref(),
            self.email_verified == Some(true),
        )
    }
}

impl Tokens {
    /// The stored form. Only stores and the rescue file call this.
    pub fn to_json(&self) -> Zeroizing<String> {
        let wire = TokensWire {
            refresh_token: self.refresh_token.as_ref().map(|s| s.expose().to_string()),
            access_token: self.access_token.as_ref().map(|s| s.expose().to_string()),
            id_token: self.id_token.as_ref().map(|s| s.expose().to_string()),
        };
        let json = Zeroizing::new(serde_json::to_string(&wire).unwrap_or_default());
        zeroize_wire(wire);
        json
    }

    pub fn from_json(text: &str) -> std::result::Result<Tokens, String> {
        let wire: TokensWire =
            serde_json::from_str(text).map_err(|e| format!("not gsignin's format: {e}"))?;
        Ok(Tokens {
            refresh_token: wire.refresh_token.map(Secret::new),
            access_token: wire.access_token.map(Secret::new),
            id_token: wire.id_token.map(Secret::new),
        })
    }
}

fn zeroize_wire(wire: TokensWire) {
    for s in [wire.refresh_token, wire.access_token, wire.id_token]
        .into_iter()
        .flatten()
    {
        drop(Zeroizing::new(s));
    }
}

/// A profile's metadata: nothing here is a secret.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Profile {
    pub name: String,
    pub issuer: String,
    pub client_id: String,
    pub email: Option<String>,
    pub sub: Option<String>,
    /// Whether the ID token vouched for `email` (absent in profiles written before it was kept).
    #[serde(default)]
    pub email_verified: Option<bool>,
    pub scopes: Vec<String>,
    pub access_token_expires_at: Option<i64>,
    pub id_token_expires_at: Option<i64>,
    pub refresh_token_expires_at: Option<i64>,
    pub has_refresh_token: bool,
    /// Whether the issuer rotates this client's refresh tokens, as its refreshes showed: a new
    /// one in place of the one sent (true), or the same one kept (false); None before the
    /// first refresh. A refresh that may have reached an issuer that rotates, or may, is never
    /// resent (see `Session::retry`).
    #[serde(default)]
    pub rotates_refresh_tokens: Option<bool>,
    /// The store its secrets were written to.
    pub store: StoreKind,
    /// Where the client secret it was signed in with came from (absent in older profiles).
    #[serde(default)]
    pub client_secret: Option<crate::config::client_secret::Source>,
    pub updated_at: i64,
}

/// Holds a profile's secrets.
pub trait SecretStore {
    /// Where this profile's secrets go, for people.
    fn describe(&self, profile: &str) -> String;
    /// Proves a save would succeed, before anything is spent.
    fn probe(&self, profile: &str) -> Result<()>;
    fn load(&self, profile: &str) -> Result<Option<Tokens>>;
    fn save(&self, profile: &str, tokens: &Tokens) -> Result<()>;
    fn delete(&self, profile: &str) -> Result<()>;
}

/// The secret store plus the profile metadata files.
pub struct Store {
    pub secrets: Box<dyn SecretStore>,
    profiles: PathBuf,
    locks: PathBuf,
}

/// Profile names become file names and keyring accounts: keep them plain.
pub fn validate_profile(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@'));
    if ok {
        Ok(())
    } else {
        Err(Error::usage(
            format!("`{name}` is not a usable profile name"),
            "use letters, digits, `-`, `_`, `.` and `@` (at most 64), e.g. --profile staging",
        ))
    }
}

impl Store {
    /// `keyring_deadline` bounds each keyring call (a locked keyring may wait for a prompt).
    pub fn open(kind: StoreKind, dirs: &Dirs, keyring_deadline: std::time::Duration) -> Store {
        let secrets: Box<dyn SecretStore> = match kind {
            StoreKind::Keyring => Box::new(keyring::KeyringStore::new(keyring_deadline)),
            StoreKind::File => Box::new(file::FileStore::new(dirs.data.join("secrets"))),
        };
        Store {
            secrets,
            profiles: dirs.profiles(),
            locks: dirs.data.join("locks"),
        }
    }

    /// A store whose secrets live in `secrets` (tests' in-memory store), metadata as usual.
    pub fn with_secrets(secrets: Box<dyn SecretStore>, dirs: &Dirs) -> Store {
        Store {
            secrets,
            profiles: dirs.profiles(),
            locks: dirs.data.join("locks"),
        }
    }

    /// Every saved profile's metadata, by name. Damaged files are skipped with their error.
    pub fn list_profiles(&self) -> Result<Vec<std::result::Result<Profile, Error>>> {
        let entries = match std::fs::read_dir(&self.profiles) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => {
                return Err(Error::new(
                    Code::HomeUnreadable,
                    format!("cannot list {}: {e}", self.profiles.display()),
                    "check the permissions of GSIGNIN_HOME / the data dir",
                ));
            }
        };
        let mut names: Vec<String> = entries
            .filter_map(std::result::Result::ok)
            .filter_map(|e| {
                let name = e.file_name().into_string().ok()?;
                name.strip_suffix(".json").map(String::from)
            })
            .filter(|n| !n.starts_with('.'))
            .collect();
        names.sort();
        Ok(names
            .iter()
            .filter_map(|n| self.load_profile(n).transpose())
            .collect())
    }

    /// Takes the profile's refresh lock (see `lock.rs`).
    pub fn lock(&self, profile: &str, wait: std::time::Duration) -> Result<lock::ProfileLock> {
        lock::ProfileLock::acquire(&self.locks, profile, wait)
    }

    /// Removes the profile's secrets, then its metadata and lock file.
    pub fn delete(&self, profile: &str) -> Result<()> {
        self.secrets.delete(profile)?;
        for path in [
            self.profile_path(profile),
            self.locks.join(format!("{profile}.lock")),
        ] {
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(Error::new(
                        Code::HomeUnwritable,
                        format!("cannot remove {}: {e}", path.display()),
                        "check the permissions of GSIGNIN_HOME / the data dir",
                    ));
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn profile_path(&self, name: &str) -> PathBuf {
        self.profiles.join(format!("{name}.json"))
    }

    /// Both halves must be writable before an authorization code is spent.
    pub fn probe(&self, profile: &str) -> Result<()> {
        fsutil::probe_dir(&self.profiles).map_err(|e| {
            Error::new(
                Code::HomeUnwritable,
                format!(
                    "cannot write gsignin's profile folder {}: {e}",
                    self.profiles.display()
                ),
                "make it writable, or point GSIGNIN_HOME at a writable folder",
            )
        })?;
        self.secrets.probe(profile)
    }

    pub fn load_profile(&self, name: &str) -> Result<Option<Profile>> {
        let path = self.profile_path(name);
        match fsutil::read_limited(&path, 1 << 20, true) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
                Error::new(
                    Code::ProfileCorrupt,
                    format!("the profile file {} is damaged: {e}", path.display()),
                    format!(
                        "delete it and exchange a new code (the refresh token stays in {})",
                        self.secrets.describe(name)
                    ),
                )
            }),
            Err(e) if e.is_not_found() => Ok(None),
            Err(fsutil::ReadFailure::Untrusted(why)) => Err(fsutil::untrusted_error(&path, &why)),
            Err(e) => Err(Error::new(
                Code::HomeUnreadable,
                format!("cannot read {}: {e}", path.display()),
                "check the permissions of GSIGNIN_HOME / the data dir",
            )),
        }
    }

    /// Saves secrets first, then metadata: metadata never points at secrets that are not there.
    pub fn save(&self, profile: &Profile, tokens: &Tokens) -> Result<()> {
        self.secrets.save(&profile.name, tokens)?;
        let json = serde_json::to_vec_pretty(profile).unwrap_or_default();
        let path = self.profile_path(&profile.name);
        fsutil::write_private_atomic(&path, &json).map_err(|e| {
            Error::new(
                Code::HomeUnwritable,
                format!("cannot write the profile file {}: {e}", path.display()),
                "make the data dir writable, or point GSIGNIN_HOME at a writable folder",
            )
        })
    }

    /// Saves a sign-in whose tokens cannot be had again (a spent code, a rotated refresh
    /// token): when the store fails, the tokens go to a rescue file and the error says where.
    pub fn save_or_rescue(
        &self,
        dirs: &Dirs,
        profile: &Profile,
        tokens: &Tokens,
        now: i64,
    ) -> Result<()> {
        match self.save(profile, tokens) {
            Ok(()) => Ok(()),
            Err(cause) => Err(rescue(dirs, profile, tokens, now, cause)),
        }
    }

    pub fn load_tokens(&self, profile: &str) -> Result<Option<Tokens>> {
        self.secrets.load(profile)
    }
}

/// Writes tokens that cannot be stored (because of `cause`) to a rescue file, and returns the
/// error that tells the user where they went.
pub fn rescue(dirs: &Dirs, profile: &Profile, tokens: &Tokens, now: i64, cause: Error) -> Error {
    match rescue::write(dirs, profile, tokens, now) {
        Ok(path) => Error::rescued(&cause, &path),
        Err(why) => Error::new(
            Code::RescueFailed,
            format!("could not save the sign-in ({cause}) nor write a rescue file ({why})"),
            "the tokens are lost: fix the store and sign in again",
        ),
    }
}
