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

    fn delete(&self, profile: &str) -> Result<()> {
        match std::fs::remove_file(self.path(profile)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(self.unwritable(e)),
            _ => Ok(()),
        }
    }
}
