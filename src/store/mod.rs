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
    /// The sign-in's metadata as of the save that wrote them (see [`Store::save`]); nothing
    /// secret. None in secrets written before it was kept there, and in tokens not yet saved.
    pub profile: Option<Box<Profile>>,
}

#[derive(Serialize, Deserialize, Default)]
struct TokensWire {
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    access_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    profile: Option<Box<Profile>>,
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
            profile: self.profile.clone(),
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
            profile: wire.profile,
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
    /// Which save wrote it: the secrets that save wrote carry the same (see [`Store::save`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation: Option<String>,
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
    /// Finishes a save of `profile` that a kill cut short after its secrets were written out
    /// but before they took their place (a file store's temp file): puts them in place when
    /// they are newer than the stored ones, and removes what else dead writers left. Returns
    /// whether anything was put in place.
    fn salvage(&self, _profile: &str) -> bool {
        false
    }
    /// The profiles this store holds secrets of, where it can list them (None: a keyring).
    fn names(&self) -> Option<Vec<String>> {
        None
    }
}

/// The secret store plus the profile metadata files.
pub struct Store {
    pub secrets: Box<dyn SecretStore>,
    /// How to open the secrets of a profile saved in another kind of store (None: tests'
    /// in-memory store, which serves every kind).
    kinds: Option<(PathBuf, std::time::Duration)>,
    kind: StoreKind,
    profiles: PathBuf,
    locks: PathBuf,
    /// The profile and generation this process's marker names (see [`Store::expect_save`]).
    own_marker: std::cell::RefCell<Option<(String, String)>>,
}

/// A stored sign-in as [`Store::settle`] found it.
pub struct Settled {
    pub profile: Option<Profile>,
    /// The secrets, or why they could not be read.
    pub tokens: Result<Option<Tokens>>,
    pub recovered: Option<Recovered>,
    /// Secrets of another user than the profile file names (or with none) that this home did
    /// not write: a keyring item another GSIGNIN_HOME saved under the same profile name.
    pub foreign: Option<Profile>,
}

/// A save an earlier run was stopped in the middle of, finished by [`Store::settle`]: the
/// profile it wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct Recovered(pub Profile);

impl Recovered {
    /// What the user hears of it.
    pub fn message(&self) -> String {
        format!(
            "finished saving profile `{}` ({}), which an earlier run was stopped in the middle of",
            self.0.name,
            self.0.who()
        )
    }
}

/// The profiles stored now, for the shell's completion of `--profile` (GSIGNIN_HOME as the
/// shell has it, else the platform's dirs). Whatever fails yields no candidates.
pub fn stored_profiles() -> Vec<clap_complete::engine::CompletionCandidate> {
    let home = std::env::var_os(crate::envvars::HOME).map(std::path::PathBuf::from);
    let Ok(dirs) = crate::config::dirs::Dirs::resolve(home.as_deref()) else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(dirs.profiles()) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .flatten()
        .filter_map(|e| {
            e.file_name()
                .to_str()?
                .strip_suffix(".json")
                .filter(|n| validate_profile(n).is_ok())
                .map(String::from)
        })
        .collect();
    names.sort();
    names
        .into_iter()
        .map(clap_complete::engine::CompletionCandidate::new)
        .collect()
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
        let secrets_dir = dirs.data.join("secrets");
        Store {
            secrets: secrets_of(kind, &secrets_dir, keyring_deadline),
            kinds: Some((secrets_dir, keyring_deadline)),
            kind,
            profiles: dirs.profiles(),
            locks: dirs.data.join("locks"),
            own_marker: std::cell::RefCell::new(None),
        }
    }

    /// A store whose secrets live in `secrets` (tests' in-memory store), metadata as usual.
    pub fn with_secrets(secrets: Box<dyn SecretStore>, dirs: &Dirs) -> Store {
        Store {
            secrets,
            kinds: None,
            kind: StoreKind::default(),
            profiles: dirs.profiles(),
            locks: dirs.data.join("locks"),
            own_marker: std::cell::RefCell::new(None),
        }
    }

    /// Runs `f` on the secret store of `kind`.
    fn with_kind<T>(&self, kind: StoreKind, f: impl FnOnce(&dyn SecretStore) -> T) -> T {
        match &self.kinds {
            Some((dir, deadline)) if kind != self.kind => f(&*secrets_of(kind, dir, *deadline)),
            _ => f(&*self.secrets),
        }
    }

    /// Every saved profile's metadata, by name. Damaged files are skipped with their error.
    /// Interrupted saves are settled first (see [`Store::settle`]); what that found is in
    /// `recovered`.
    pub fn list_profiles(
        &self,
        recovered: &mut Vec<Recovered>,
    ) -> Result<Vec<std::result::Result<Profile, Error>>> {
        // Sign-ins a kill left without their profile file: named by a marker (a keyring's
        // items cannot be listed) or by the file store's own files.
        let mut names = marker::names(&self.profiles);
        names.extend(
            self.with_kind(StoreKind::File, |s| s.names())
                .unwrap_or_default(),
        );
        names.sort();
        names.dedup();
        for name in names {
            // Another process holding the lock is saving it right now: not ours to settle.
            if let Ok(Settled {
                recovered: Some(r), ..
            }) = self.settle(&name, Some(std::time::Duration::ZERO))
            {
                recovered.push(r);
            }
        }
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

    /// Removes the profile's secrets, then its metadata, journal and lock file.
    pub fn delete(&self, profile: &str) -> Result<()> {
        self.secrets.delete(profile)?;
        for path in [
            self.profile_path(profile),
            marker::path(&self.profiles, profile),
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

    /// Saves a sign-in (the caller holds the profile's lock): the secrets first, carrying the
    /// profile's metadata and a new generation, then the profile file with the same
    /// generation, each durable before the next. The secrets alone are enough to rebuild the
    /// profile, so a kill at any step after the first byte is written leaves a sign-in that
    /// [`Store::settle`] finishes; a save never leaves a refresh token that nothing points at.
    pub fn save(&self, profile: &Profile, tokens: &Tokens) -> Result<()> {
        let expected = self
            .own_marker
            .take()
            .filter(|(name, _)| *name == profile.name);
        let generation = match expected {
            Some((_, generation)) => generation,
            // A keyring save nobody announced (a refresh, `receive`'s next code) announces
            // itself: without a marker no home could take the item for its own.
            None => self.announce(&profile.name),
        };
        let profile = Profile {
            generation: Some(generation),
            ..profile.clone()
        };
        let tokens = Tokens {
            profile: Some(Box::new(profile.clone())),
            ..tokens.clone()
        };
        self.secrets.save(&profile.name, &tokens)?;
        self.write_profile(&profile)?;
        marker::clear(&self.profiles, &profile.name);
        Ok(())
    }

    /// Says, before a sign-in's code is spent, that `name`'s secrets may be written to the
    /// keyring without its profile file (a kill between the two), naming the generation the
    /// save will carry: `status` then looks in the keyring for it (it cannot list the
    /// keyring's items), and only an item of that generation is taken for this home's (the
    /// keyring is shared by every GSIGNIN_HOME of the user). Written before the code goes out,
    /// so it costs no step after the issuer's answer.
    pub fn expect_save(&self, name: &str) {
        let generation = self.announce(name);
        *self.own_marker.borrow_mut() = Some((name.to_string(), generation));
    }

    /// A new generation for a save of `name`, named by a marker when the save goes to the
    /// keyring.
    fn announce(&self, name: &str) -> String {
        let generation = crate::secret::random_urlsafe(12);
        if self.kind == StoreKind::Keyring && self.kinds.is_some() {
            marker::set(&self.profiles, name, &generation);
        }
        generation
    }

    fn write_profile(&self, profile: &Profile) -> Result<()> {
        let json = serde_json::to_vec_pretty(profile).unwrap_or_default();
        fsutil::write_private_atomic(&self.profile_path(&profile.name), &json)
            .map_err(|e| self.unwritable(&profile.name, e))
    }

    fn unwritable(&self, name: &str, e: std::io::Error) -> Error {
        Error::new(
            Code::HomeUnwritable,
            format!(
                "cannot write the profile file {}: {e}",
                self.profile_path(name).display()
            ),
            "make the data dir writable, or point GSIGNIN_HOME at a writable folder",
        )
    }

    /// The sign-in stored under `name`, with any save of it that a kill cut short finished
    /// first: the secrets a save wrote (a temp file of the file store's, or the keyring item)
    /// carry the profile's metadata, and a profile file that says otherwise (or is missing)
    /// is older. With `lock` the profile's lock is taken first (waiting at most that long);
    /// without, the caller holds it. Every command that reads a stored sign-in comes here.
    pub fn settle(&self, name: &str, lock: Option<std::time::Duration>) -> Result<Settled> {
        let _lock = match lock {
            Some(wait) => Some(self.lock(name, wait)?),
            None => None,
        };
        fsutil::remove_stale(&self.profiles, &format!("{name}.json"));
        let file = self.load_profile(name)?;
        let marker = marker::read(&self.profiles, name);
        // Without a profile file, a marker says the keyring may hold the sign-in (only keyring
        // saves leave one), whatever --store says now.
        let kind = match (&file, &marker) {
            (Some(p), _) => p.store,
            (None, Some(_)) => StoreKind::Keyring,
            (None, None) => self.kind,
        };
        self.with_kind(kind, |s| s.salvage(name));
        let tokens = self.with_kind(kind, |s| s.load(name));
        // The secrets' own account of whose they are, for this very profile name only.
        let meta = match &tokens {
            Ok(Some(t)) => t.profile.as_deref().filter(|m| m.name == name),
            _ => None,
        };
        // A keyring item may have been written from another home: it is this home's save only
        // when this home's marker names its generation.
        let shared = kind == StoreKind::Keyring && self.kinds.is_some();
        let ours = |meta: &Profile| {
            !shared || (marker.is_some() && marker.as_deref() == meta.generation.as_deref())
        };
        let recovered = match (meta, &file) {
            (Some(meta), None) if ours(meta) => Some(meta.clone()),
            (Some(meta), Some(file)) if meta.generation != file.generation && ours(meta) => {
                Some(meta.clone())
            }
            _ => None,
        };
        if let Some(profile) = &recovered {
            self.write_profile(profile)?;
        }
        let foreign = match (meta, &file) {
            (Some(meta), _) if recovered.is_some() || ours(meta) => None,
            (Some(meta), Some(file)) if same_user(meta, file) => None,
            (Some(meta), _) => Some(meta.clone()),
            (None, _) => None,
        };
        // A marker is settled once the store has answered, unless it is this process's own
        // (written before its code was spent, its save still to come).
        let own = self.own_marker.borrow().clone().map(|(_, g)| g);
        if marker.is_some() && marker != own && tokens.is_ok() {
            marker::clear(&self.profiles, name);
        }
        Ok(Settled {
            profile: recovered.clone().or(file),
            tokens,
            recovered: recovered.map(Recovered),
            foreign,
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

/// `profiles/NAME.pending`: a sign-in of NAME may be in the keyring without its profile file.
mod marker {
    use std::path::{Path, PathBuf};

    const SUFFIX: &str = ".pending";

    pub fn path(profiles: &Path, name: &str) -> PathBuf {
        profiles.join(format!("{name}{SUFFIX}"))
    }

    /// Writes the marker; whether it was written.
    pub fn set(profiles: &Path, name: &str, generation: &str) -> bool {
        crate::fsutil::write_private_atomic(&path(profiles, name), generation.as_bytes()).is_ok()
    }

    /// The generation a marker names, if there is one.
    pub fn read(profiles: &Path, name: &str) -> Option<String> {
        let bytes = crate::fsutil::read_limited(&path(profiles, name), 256, true).ok()?;
        Some(String::from_utf8_lossy(&bytes).trim().to_string())
    }

    pub fn clear(profiles: &Path, name: &str) {
        if std::fs::remove_file(path(profiles, name)).is_ok() {
            let _ = crate::fsutil::sync_dir(profiles);
        }
    }

    pub fn names(profiles: &Path) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(profiles) else {
            return Vec::new();
        };
        entries
            .filter_map(std::result::Result::ok)
            .filter_map(|e| {
                e.file_name()
                    .into_string()
                    .ok()?
                    .strip_suffix(SUFFIX)
                    .map(String::from)
            })
            .filter(|n| super::validate_profile(n).is_ok())
            .collect()
    }
}

/// Two sign-ins are the same user only when both name a subject, the same one, at the same
/// issuer for the same client: "no subject" is nobody in particular, never a match.
pub fn same_user(a: &Profile, b: &Profile) -> bool {
    a.sub.is_some() && a.sub == b.sub && a.issuer == b.issuer && a.client_id == b.client_id
}

fn secrets_of(
    kind: StoreKind,
    secrets_dir: &std::path::Path,
    keyring_deadline: std::time::Duration,
) -> Box<dyn SecretStore> {
    match kind {
        StoreKind::Keyring => Box::new(keyring::KeyringStore::new(keyring_deadline)),
        StoreKind::File => Box::new(file::FileStore::new(secrets_dir.to_path_buf())),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn signed_in(name: &str, rt: &str) -> (Profile, Tokens) {
        let profile = Profile {
            name: name.into(),
            issuer: "https://accounts.google.com".into(),
            client_id: "c".into(),
            sub: Some("1".into()),
            email: Some("a@example.com".into()),
            email_verified: Some(true),
            has_refresh_token: true,
            store: StoreKind::File,
            updated_at: 1_795_500_000,
            ..Profile::default()
        };
        let tokens = Tokens {
            refresh_token: Some(Secret::new(rt)),
            ..Tokens::default()
        };
        (profile, tokens)
    }

    fn store(home: &std::path::Path) -> (Dirs, Store) {
        let dirs = Dirs::resolve(Some(home)).unwrap();
        let store = Store::open(StoreKind::File, &dirs, std::time::Duration::from_secs(1));
        (dirs, store)
    }

    #[test]
    fn s13_secrets_saved_without_their_profile_file_are_a_sign_in_the_next_read_finds() {
        let home = tempfile::tempdir().unwrap();
        let (_, store) = store(home.path());
        let (profile, tokens) = signed_in("default", "1//rt");
        store.save(&profile, &tokens).unwrap();
        // A kill between the two writes: the profile file never came.
        std::fs::remove_file(store.profile_path("default")).unwrap();
        let mut recovered = Vec::new();
        let listed = store.list_profiles(&mut recovered).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(recovered.len(), 1, "{recovered:?}");
        assert_eq!(recovered[0].0.email.as_deref(), Some("a@example.com"));
        // A profile file older than the secrets (the kill came before its rename) is replaced.
        let (newer, tokens) = signed_in("default", "1//rt2");
        store
            .save(
                &Profile {
                    updated_at: 1_795_500_100,
                    ..newer
                },
                &tokens,
            )
            .unwrap();
        let json = serde_json::to_vec(&profile).unwrap();
        std::fs::write(store.profile_path("default"), json).unwrap();
        let settled = store.settle("default", None).unwrap();
        assert_eq!(settled.profile.unwrap().updated_at, 1_795_500_100);
        assert!(settled.recovered.is_some());
        // Settled: the next read finds nothing to do.
        assert!(store.settle("default", None).unwrap().recovered.is_none());
    }

    #[test]
    fn s3_s13_s16_a_killed_writers_temp_file_of_this_profile_is_put_in_place_and_others_removed() {
        let home = tempfile::tempdir().unwrap();
        let (dirs, store) = store(home.path());
        let (profile, tokens) = signed_in("default", "1//old");
        store.save(&profile, &tokens).unwrap();
        let (other, other_tokens) = signed_in("default.json.b", "1//other");
        store.save(&other, &other_tokens).unwrap();
        let secrets = dirs.data.join("secrets");
        // A process id no process has: its writer is dead.
        let temp = |target: &str, n: u8| format!("{}999999999-{target}~x{n}", fsutil::TEMP_PREFIX);
        let write = |name: &str, rt: &str, of: &str, at: i64| {
            let t = Tokens {
                refresh_token: Some(Secret::new(rt)),
                profile: Some(Box::new(Profile {
                    name: of.into(),
                    updated_at: at,
                    generation: Some("g".into()),
                    ..profile.clone()
                })),
                ..Tokens::default()
            };
            std::fs::write(secrets.join(name), t.to_json().as_bytes()).unwrap();
        };
        // Written by a save whose clock stood behind the stored one's: put in place all the
        // same (every save settles first, so it is the later one).
        let dead = temp("default.json", 1);
        write(&dead, "1//new", "default", profile.updated_at - 3600);
        let half = temp("default.json", 2);
        std::fs::write(secrets.join(&half), b"{\"refresh_tok").unwrap();
        // Another profile's temp file whose name starts like this one's, and one whose
        // embedded name is another profile's: neither is taken for `default`'s.
        let longer = temp("default.json.b.json", 3);
        write(&longer, "1//b", "default.json.b", profile.updated_at + 10);
        let mislabelled = temp("default.json", 4);
        write(
            &mislabelled,
            "1//x",
            "../../outside",
            profile.updated_at + 20,
        );
        let probe = temp(fsutil::PROBE, 5);
        std::fs::write(secrets.join(&probe), b"").unwrap();
        let link = temp("default.json", 6);
        std::os::unix::fs::symlink(home.path().join("elsewhere"), secrets.join(&link)).unwrap();
        // A live writer's temp file is left alone.
        let live = format!(
            "{}{}-default.json~x7",
            fsutil::TEMP_PREFIX,
            std::process::id()
        );
        std::fs::write(secrets.join(&live), b"").unwrap();

        let settled = store.settle("default", None).unwrap();
        let stored = settled.tokens.unwrap().unwrap();
        assert_eq!(stored.refresh_token.unwrap().expose(), "1//new");
        assert_eq!(settled.profile.unwrap().generation.as_deref(), Some("g"));
        for gone in [&dead, &half, &mislabelled, &probe, &link] {
            assert!(
                std::fs::symlink_metadata(secrets.join(gone)).is_err(),
                "{gone}"
            );
        }
        assert!(secrets.join(&live).exists());
        assert!(
            secrets.join(&longer).exists(),
            "another profile's is not touched"
        );
        let b = store.settle("default.json.b", None).unwrap();
        let b_tokens = b.tokens.unwrap().unwrap();
        assert_eq!(b_tokens.refresh_token.unwrap().expose(), "1//b");
    }
}
