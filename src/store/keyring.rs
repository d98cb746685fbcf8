//! The default store: the OS keyring (Secret Service on Linux, Keychain, Credential Manager)
//! through the `keyring` crate.
//!
//! One item per profile, service `gsignin`, account = the profile name; the item's secret is
//! the profile's tokens as JSON. Labels and attributes never hold a secret. Every call runs on
//! a helper thread with a deadline: a keyring that waits for an unlock prompt nobody sees must
//! not hang a CI job.

use super::{SecretStore, Tokens};
use crate::error::{Code, Error, Result};
use std::sync::mpsc;
use std::time::Duration;

const SERVICE: &str = "gsignin";
/// How long one keyring call may take before gsignin gives up on it.
pub const DEADLINE: Duration = Duration::from_secs(10);

pub struct KeyringStore {
    deadline: Duration,
}

impl KeyringStore {
    pub fn new(deadline: Duration) -> KeyringStore {
        KeyringStore { deadline }
    }
}

/// Runs `f` against the keyring entry for `account`, giving up after `deadline`.
fn with_entry<T: Send + 'static>(
    deadline: Duration,
    account: &str,
    f: impl FnOnce(&keyring::Entry) -> keyring::Result<T> + Send + 'static,
) -> Result<T> {
    let (tx, rx) = mpsc::channel();
    let account = account.to_string();
    std::thread::spawn(move || {
        let result = keyring::Entry::new(SERVICE, &account).and_then(|entry| f(&entry));
        let _ = tx.send(result);
    });
    match rx.recv_timeout(deadline) {
        Ok(result) => result.map_err(keyring_error),
        Err(_) => Err(Error::new(
            Code::KeyringTimeout,
            format!(
                "the OS keyring did not answer within {} (locked, waiting for an unlock prompt?)",
                crate::timefmt::duration(deadline)
            ),
            "unlock the keyring and try again, or use --store file (a 0600 file, less safe)",
        )),
    }
}

fn keyring_error(e: keyring::Error) -> Error {
    use keyring::Error as K;
    match e {
        K::NoDefaultStore => Error::new(
            Code::KeyringUnavailable,
            "no OS keyring is available (no Secret Service on the session bus)",
            "start a keyring daemon (gnome-keyring, KeePassXC) in this session, or use --store file (a 0600 file, less safe)",
        ),
        K::NoStorageAccess(inner) => Error::new(
            Code::KeyringLocked,
            format!("the OS keyring refused access (locked?): {inner}"),
            "unlock the keyring (log in to the desktop session) and try again, or use --store file",
        ),
        other => Error::new(
            Code::KeyringFailed,
            format!("the OS keyring failed: {other}"),
            "check the keyring daemon, or use --store file (a 0600 file, less safe)",
        ),
    }
}

/// The keyring account of the write-check before a code is spent: outside the profile names.
fn probe_account(profile: &str) -> String {
    format!("probe/{profile}")
}

impl SecretStore for KeyringStore {
    fn describe(&self, profile: &str) -> String {
        format!("the OS keyring (service {SERVICE}, account {profile})")
    }

    fn probe(&self, profile: &str) -> Result<()> {
        // A throw-away item beside the real one: writing proves the keyring is there and
        // unlocked without touching a stored sign-in. Its account holds a `/`, which no
        // profile name may, so the probe can never be another profile's item.
        let account = probe_account(profile);
        with_entry(self.deadline, &account, |entry| {
            entry.set_password("probe")?;
            entry.delete_credential()
        })
    }

    fn load(&self, profile: &str) -> Result<Option<Tokens>> {
        let text = with_entry(self.deadline, profile, |entry| match entry.get_password() {
            Ok(text) => Ok(Some(zeroize::Zeroizing::new(text))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e),
        })?;
        match text {
            None => Ok(None),
            Some(text) => Tokens::from_json(&text).map(Some).map_err(|e| {
                Error::new(
                    Code::StoreCorrupt,
                    format!("the keyring item for profile {profile} is damaged: {e}"),
                    "run `gsignin revoke --local` and exchange a new code",
                )
            }),
        }
    }

    fn save(&self, profile: &str, tokens: &Tokens) -> Result<()> {
        let json = tokens.to_json();
        with_entry(self.deadline, profile, move |entry| {
            entry.set_password(&json)
        })
    }

    fn delete(&self, profile: &str) -> Result<()> {
        with_entry(self.deadline, profile, |entry| {
            match entry.delete_credential() {
                Err(keyring::Error::NoEntry) => Ok(()),
                other => other,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::probe_account;
    use crate::store::validate_profile;

    #[test]
    fn s9_the_probe_account_is_never_a_profile_name() {
        for profile in [
            "default",
            "staging",
            "staging.probe",
            "a@b.example",
            "x-y_z",
        ] {
            validate_profile(profile).unwrap();
            let probe = probe_account(profile);
            assert!(
                validate_profile(&probe).is_err(),
                "{probe} is a valid profile"
            );
        }
    }
}
