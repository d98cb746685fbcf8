//! The last resort when a spent code's tokens cannot be stored: a 0600 file whose path the
//! user is told, so the sign-in is never lost.

use super::{Profile, Tokens};
use crate::config::dirs::Dirs;
use crate::fsutil;
use std::path::PathBuf;

/// Writes the rescue file in the first place that takes it: the data dir, the temp dir, the
/// current dir. Returns its path, or every place's failure. Its name is new every time, so no
/// rescue ever fails (or moves to a shared folder) because another took its name.
pub fn write(dirs: &Dirs, profile: &Profile, tokens: &Tokens, now: i64) -> Result<PathBuf, String> {
    let secrets: serde_json::Value =
        serde_json::from_str(&tokens.to_json()).unwrap_or(serde_json::Value::Null);
    let doc = serde_json::json!({
        "about": "gsignin could not store this sign-in; these are its live tokens. Keep this file private and delete it once the sign-in is stored.",
        "profile": profile,
        "tokens": secrets,
    });
    let bytes = zeroize::Zeroizing::new(serde_json::to_vec_pretty(&doc).unwrap_or_default());
    // Random, not only the time and pid: one process may rescue several sign-ins within a
    // second (`receive --keep`), and a name another local user can guess could be taken
    // first in the temp dir.
    let name = format!(
        "gsignin-rescue-{}-{now}-{}.json",
        profile.name,
        crate::secret::random_urlsafe(9)
    );
    // gsignin's own folder must be as private as its others (not a link, nobody else's, not
    // writable by others); the temp dir and the current one are shared by nature, and the
    // file's new, random, 0600 name is what keeps it safe there.
    let candidates = [
        (dirs.data.join("rescue"), true),
        (std::env::temp_dir(), false),
        (PathBuf::from("."), false),
    ];
    let mut failures = Vec::new();
    for (dir, ours) in candidates {
        let path = dir.join(&name);
        let written = fsutil::ensure_private_dir(&dir)
            .and_then(|()| if ours { private_folder(&dir) } else { Ok(()) })
            .and_then(|()| fsutil::create_private(&path, &bytes));
        match written {
            Ok(()) => return Ok(std::path::absolute(&path).unwrap_or(path)),
            Err(e) => failures.push(format!("{}: {e}", dir.display())),
        }
    }
    Err(failures.join("; "))
}

/// A rescue file in gsignin's rescue folder that holds a later sign-in of `stored` (the same
/// profile, user, issuer and client) with another refresh token than the store's: a save that
/// failed after the issuer rotated the refresh token. Sending the stored one then would be
/// reuse of a rotated-away token, which revokes the whole grant.
pub fn newer_than(dirs: &Dirs, stored: &Profile, stored_rt: Option<&str>) -> Option<PathBuf> {
    let dir = dirs.data.join("rescue");
    if private_folder(&dir).is_err() {
        return None;
    }
    let mut found: Vec<(i64, PathBuf)> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(std::result::Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| {
            let path = e.path();
            let bytes = zeroize::Zeroizing::new(fsutil::read_limited(&path, 1 << 20, true).ok()?);
            let doc: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
            let rescued: Profile = serde_json::from_value(doc.get("profile")?.clone()).ok()?;
            let rt = doc.get("tokens")?.get("refresh_token")?.as_str()?;
            let later = rescued.name == stored.name
                && rescued.sub.is_some()
                && rescued.sub == stored.sub
                && rescued.issuer == stored.issuer
                && rescued.client_id == stored.client_id
                && rescued.updated_at >= stored.updated_at
                && Some(rt) != stored_rt;
            later.then_some((rescued.updated_at, path))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, path)| path)
}

/// Whether a rescue file could be written now (one of the places [`write`] tries takes a
/// file), and else why not: checked before a code is spent whose sign-in may have to set
/// another one aside.
pub fn probe(dirs: &Dirs) -> Result<(), String> {
    let mut failures = Vec::new();
    for (dir, ours) in [
        (dirs.data.join("rescue"), true),
        (std::env::temp_dir(), false),
        (PathBuf::from("."), false),
    ] {
        let usable = fsutil::ensure_private_dir(&dir)
            .and_then(|()| if ours { private_folder(&dir) } else { Ok(()) })
            .and_then(|()| fsutil::probe_dir(&dir));
        match usable {
            Ok(()) => return Ok(()),
            Err(e) => failures.push(format!("{}: {e}", dir.display())),
        }
    }
    Err(failures.join("; "))
}

/// Refuses a folder of gsignin's that is a link or that another user could write.
fn private_folder(dir: &std::path::Path) -> std::io::Result<()> {
    let meta = std::fs::symlink_metadata(dir)?;
    if meta.file_type().is_symlink() {
        return Err(std::io::Error::other("it is a symbolic link"));
    }
    match fsutil::untrusted(&meta) {
        Some(why) => Err(std::io::Error::other(why)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e6_rescues_within_one_second_never_share_a_name() {
        let home = tempfile::tempdir().unwrap();
        let dirs = Dirs::resolve(Some(home.path())).unwrap();
        let profile = Profile {
            name: "bob@example.com".into(),
            ..Profile::default()
        };
        let tokens = Tokens {
            refresh_token: Some(crate::secret::Secret::new("1//rt")),
            ..Tokens::default()
        };
        let paths: Vec<PathBuf> = (0..4)
            .map(|_| write(&dirs, &profile, &tokens, 1_795_500_000).unwrap())
            .collect();
        for p in &paths {
            assert_eq!(
                p.parent().unwrap(),
                dirs.data.join("rescue"),
                "{}",
                p.display()
            );
        }
        let mut unique = paths.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 4, "{paths:?}");
    }

    #[test]
    fn s4_a_rescue_folder_others_can_write_or_a_link_is_not_used() {
        use std::os::unix::fs::PermissionsExt;
        let home = tempfile::tempdir().unwrap();
        let dirs = Dirs::resolve(Some(home.path())).unwrap();
        let tokens = Tokens::default();
        let rescue = dirs.data.join("rescue");
        std::fs::create_dir_all(&rescue).unwrap();
        std::fs::set_permissions(&rescue, std::fs::Permissions::from_mode(0o777)).unwrap();
        let path = write(&dirs, &Profile::default(), &tokens, 1).unwrap();
        assert_ne!(path.parent().unwrap(), rescue, "{}", path.display());
        let _ = std::fs::remove_file(&path);
        std::fs::remove_dir(&rescue).unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), &rescue).unwrap();
        let path = write(&dirs, &Profile::default(), &tokens, 1).unwrap();
        assert!(!path.starts_with(elsewhere.path()), "{}", path.display());
        let _ = std::fs::remove_file(&path);
    }
}
