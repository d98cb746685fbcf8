//! The explicit opt-in store: one 0600 JSON file per profile, written atomically.

use super::{SecretStore, Tokens};
use crate::error::{Code, Error, Result};
use crate::fsutil;
use std::path::PathBuf;

pub struct FileStore {
    dir: PathBuf,
}

impl FileStore {
    pub fn new(dir: PathBuf) -> FileStore {
        FileStore { dir }
    }

    fn path(&self, profile: &str) -> PathBuf {
        self.dir.join(format!("{profile}.json"))
    }

    fn unwritable(&self, e: std::io::Error) -> Error {
        Error::new(
            Code::StoreUnwritable,
            format!(
                "cannot write the secrets folder {}: {e}",
                self.dir.display()
            ),
            "make it writable, point GSIGNIN_HOME at a writable folder, or use --store keyring",
        )
    }
}

/// The tokens in a file of the file store's, if it reads as one.
fn read_tokens(path: &std::path::Path) -> Option<Tokens> {
    let bytes = zeroize::Zeroizing::new(fsutil::read_limited(path, 1 << 20, true).ok()?);
    let text = zeroize::Zeroizing::new(String::from_utf8_lossy(&bytes).into_owned());
    Tokens::from_json(&text).ok()
}

impl SecretStore for FileStore {
    fn describe(&self, profile: &str) -> String {
        format!("the file {} (mode 0600)", self.path(profile).display())
    }

    fn probe(&self, _profile: &str) -> Result<()> {
        fsutil::probe_dir(&self.dir).map_err(|e| self.unwritable(e))
    }

    fn load(&self, profile: &str) -> Result<Option<Tokens>> {
        let path = self.path(profile);
        match crate::fsutil::read_limited(&path, 1 << 20, true) {
            Ok(bytes) => {
                let text = zeroize::Zeroizing::new(String::from_utf8_lossy(&bytes).into_owned());
                drop(zeroize::Zeroizing::new(bytes));
                Tokens::from_json(&text).map(Some).map_err(|e| {
                    Error::new(
                        Code::StoreCorrupt,
                        format!("{} is damaged: {e}", path.display()),
                        "delete it and exchange a new code",
                    )
                })
            }
            Err(e) if e.is_not_found() => Ok(None),
            Err(crate::fsutil::ReadFailure::Untrusted(why)) => {
                Err(crate::fsutil::untrusted_error(&path, &why))
            }
            Err(e) => Err(Error::new(
                Code::StoreUnreadable,
                format!("cannot read {}: {e}", path.display()),
                "check the file's owner and permissions",
            )),
        }
    }

    fn save(&self, profile: &str, tokens: &Tokens) -> Result<()> {
        fsutil::write_private_atomic(&self.path(profile), tokens.to_json().as_bytes())
            .map_err(|e| self.unwritable(e))
    }

    fn salvage(&self, profile: &str) -> bool {
        let path = self.path(profile);
        let updated = |tokens: Option<Tokens>| tokens.and_then(|t| t.profile).map(|p| p.updated_at);
        let mut stored = updated(self.load(profile).ok().flatten());
        let mut salvaged = false;
        fsutil::remove_stale(&self.dir, fsutil::PROBE);
        for stale in fsutil::stale_temps(&self.dir, &format!("{profile}.json")) {
            // Written whole before its writer died, or it would not read. Every command settles
            // a profile before it saves one, so such a file is newer than the stored secrets
            // the first time it is seen; the older of two leftovers goes.
            let found = read_tokens(&stale).and_then(|t| t.profile.map(|p| p.updated_at));
            if found.is_some_and(|at| stored.is_none_or(|s| at >= s))
                && std::fs::rename(&stale, &path).is_ok()
                && fsutil::sync_dir(&self.dir).is_ok()
            {
                stored = found;
                salvaged = true;
            } else {
                let _ = std::fs::remove_file(&stale);
            }
        }
        salvaged
    }

    fn names(&self) -> Option<Vec<String>> {
        let entries = std::fs::read_dir(&self.dir).ok()?;
        let mut names = std::collections::BTreeSet::new();
        for entry in entries.filter_map(std::result::Result::ok) {
            let Ok(file) = entry.file_name().into_string() else {
                continue;
            };
            // A profile's file, or a temp file of one a kill left (`.gsignin-PID-NAME.json.X`).
            let name = match file.strip_prefix(fsutil::TEMP_PREFIX) {
                Some(temp) => temp
                    .split_once('-')
                    .and_then(|(_, rest)| rest.rsplit_once(".json."))
                    .map(|(name, _)| name.to_string()),
                None => file.strip_suffix(".json").map(String::from),
            };
            if let Some(name) = name.filter(|n| super::validate_profile(n).is_ok()) {
                names.insert(name);
            }
        }
        Some(names.into_iter().collect())
    }

    fn delete(&self, profile: &str) -> Result<()> {
        match std::fs::remove_file(self.path(profile)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(self.unwritable(e)),
            _ => Ok(()),
        }
    }
}
