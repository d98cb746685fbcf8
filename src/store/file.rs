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
        fsutil::remove_stale(&self.dir, fsutil::PROBE);
        // A whole copy of this profile's secrets (its embedded name says whose), written by a
        // save that died before its rename. Every command settles a profile before it saves
        // one, so such a file is newer than the stored secrets whatever the clocks said; of
        // two (which one lock makes impossible), the later one.
        let mut best: Option<(i64, std::path::PathBuf)> = None;
        for stale in fsutil::stale_temps(&self.dir, &format!("{profile}.json")) {
            let at = read_tokens(&stale)
                .and_then(|t| t.profile)
                .filter(|p| p.name == profile)
                .map(|p| p.updated_at);
            match (at, &best) {
                (Some(at), Some((b, _))) if at <= *b => {
                    let _ = std::fs::remove_file(&stale);
                }
                (Some(at), _) => {
                    if let Some((_, old)) = best.replace((at, stale)) {
                        let _ = std::fs::remove_file(old);
                    }
                }
                (None, _) => {
                    let _ = std::fs::remove_file(&stale);
                }
            }
        }
        let Some((_, stale)) = best else {
            return false;
        };
        let placed = std::fs::rename(&stale, self.path(profile)).is_ok()
            && fsutil::sync_dir(&self.dir).is_ok();
        if !placed {
            let _ = std::fs::remove_file(&stale);
        }
        placed
    }

    fn names(&self) -> Option<Vec<String>> {
        let entries = std::fs::read_dir(&self.dir).ok()?;
        let mut names = std::collections::BTreeSet::new();
        for entry in entries.filter_map(std::result::Result::ok) {
            let Ok(file) = entry.file_name().into_string() else {
                continue;
            };
            // A profile's file, or a temp file of one a kill left.
            let name = match fsutil::temp_target(&file) {
                Some((_, target)) => target.strip_suffix(".json").map(String::from),
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
