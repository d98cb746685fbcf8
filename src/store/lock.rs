//! A per-profile lock around load-refresh-save, so that processes refreshing the same profile
//! at once take turns: each one reads the refresh token the previous one saved, and a rotating
//! issuer never sees a rotated-away token reused.

use crate::error::{Code, Error, Result};
use crate::fsutil;
use std::fs::File;
use std::path::Path;
use std::time::{Duration, Instant};

/// Held while alive; the OS drops it with the process, so a crash never leaves it stuck.
pub struct ProfileLock {
    _file: File,
}

impl ProfileLock {
    /// Waits for the lock for at most `wait`.
    pub fn acquire(dir: &Path, profile: &str, wait: Duration) -> Result<ProfileLock> {
        let path = dir.join(format!("{profile}.lock"));
        let unusable = |e: std::io::Error| {
            Error::new(
                Code::LockFailed,
                format!("cannot use the lock file {}: {e}", path.display()),
                "make the data dir writable, or point GSIGNIN_HOME at a writable folder",
            )
        };
        fsutil::ensure_private_dir(dir).map_err(unusable)?;
        let mut options = std::fs::OpenOptions::new();
        options.create(true).truncate(false).write(true);
        // 0600 whatever the umask says, and never through a symlink someone planted (it would
        // create or lock a file of their choosing).
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
        }
        let file = options.open(&path).map_err(unusable)?;
        // A lock file left 0666 by an older run under umask 000 is made private first; one
        // that belongs to another user cannot be, and is refused.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = file.metadata().map_err(unusable)?.permissions().mode();
            if mode & 0o077 != 0 {
                let _ = file.set_permissions(std::fs::Permissions::from_mode(0o600));
            }
        }
        if let Some(why) = fsutil::untrusted(&file.metadata().map_err(unusable)?) {
            return Err(fsutil::untrusted_error(&path, &why));
        }
        let deadline = Instant::now() + wait;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(ProfileLock { _file: file }),
                // A signal while a spent code's tokens wait here: stop waiting (the caller
                // rescues them now) rather than hold the signal until another process lets go.
                Err(std::fs::TryLockError::WouldBlock) if crate::interrupt::pending_now() => {
                    return Err(Error::new(
                        Code::LockTimeout,
                        format!("interrupted while another gsignin held profile `{profile}`"),
                        "sign in again, or import the rescued tokens once the other run ends",
                    ));
                }
                Err(std::fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(Error::new(
                        Code::LockTimeout,
                        format!(
                            "another gsignin has held profile `{profile}` for over {}",
                            crate::timefmt::duration(wait)
                        ),
                        "wait for it to finish, or find the stuck process (`fuser` on the lock file)",
                    ));
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(unusable(e)),
            }
        }
    }
}
