//! Private files: created 0600 in 0700 folders, written atomically (temp file + rename), so a
//! crash or a full disk never leaves half a secret or half a profile behind.

use std::io::Write;
use std::path::Path;

pub fn ensure_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Replaces `path` with `bytes` atomically and durably; the file is mode 0600 from its first
/// byte. The folder is synced after the rename: without that, a power cut can lose the new
/// name even though the file's bytes reached the disk.
pub fn write_private_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    // A bare file name's folder is the current one (its parent is "", which names nothing).
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    ensure_private_dir(dir)?;
    // tempfile creates its files 0600 on Unix. The name carries this process's id, so a temp
    // file a killed process left behind can be told from one a live process is writing.
    let target = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let mut tmp = tempfile::Builder::new()
        .prefix(&temp_prefix(target))
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    sync_dir(dir)
}

/// What every temp file of [`write_private_atomic`] is named first.
pub const TEMP_PREFIX: &str = ".gsignin-";

/// Ends the target's name in a temp file's: no file name of gsignin's holds it (profile names
/// are letters, digits, `-_.@`; cache names hex), so the target is read back exactly.
const TEMP_END: char = '~';

/// `.gsignin-PID-TARGET~`, then the temp file's random letters.
fn temp_prefix(target: &str) -> String {
    format!("{TEMP_PREFIX}{}-{target}{TEMP_END}", std::process::id())
}

/// The writer's process id and the target of a temp file's name, if it is one.
pub fn temp_target(name: &str) -> Option<(&str, &str)> {
    let rest = name.strip_prefix(TEMP_PREFIX)?;
    let (pid, rest) = rest.split_once('-')?;
    let (target, _) = rest.rsplit_once(TEMP_END)?;
    Some((pid, target))
}

/// Makes the folder's entries (a rename, a removal) durable.
pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Temp files of [`write_private_atomic`] for `dir/target` that no live process is writing:
/// their writer has died (killed between the write and the rename), or they are a day old (the
/// writer's id was reused). Such a file holds whatever its writer was saving, maybe tokens.
pub fn stale_temps(dir: &Path, target: &str) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(std::result::Result::ok)
        .filter(|entry| {
            let name = entry.file_name();
            let Some((pid, of)) = name.to_str().and_then(temp_target) else {
                return false;
            };
            if of != target {
                return false;
            }
            // Not a file gsignin wrote (a link, a FIFO someone planted): never kept, always gone.
            if !entry.file_type().is_ok_and(|t| t.is_file()) {
                return true;
            }
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 24 * 3600);
            old || pid.parse::<u32>().map_or(true, |pid| !alive(pid))
        })
        .map(|entry| entry.path())
        .collect()
}

/// Whether a process with this id runs (as far as this user can tell).
fn alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // SAFETY: signal 0 only asks whether the process exists; nothing is sent.
        let rc = unsafe { libc::kill(pid, 0) };
        rc == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        // No cheap portable check: only the day-old rule applies.
        true
    }
}

/// Writes a new 0600 file; never replaces an existing one. A write that fails (a full disk)
/// leaves no file behind.
pub fn create_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    create_private_with(path, |file| {
        file.write_all(bytes)?;
        file.sync_all()
    })
}

fn create_private_with(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    write(&mut file).inspect_err(|_| {
        drop(file);
        let _ = std::fs::remove_file(path);
    })
}

/// This process's effective user and group, asked once: gsignin never changes them, and a run
/// checks a dozen paths.
#[cfg(unix)]
fn effective_ids() -> (u32, u32) {
    static IDS: std::sync::OnceLock<(u32, u32)> = std::sync::OnceLock::new();
    // SAFETY: geteuid and getegid cannot fail and touch no memory.
    *IDS.get_or_init(|| unsafe { (libc::geteuid(), libc::getegid()) })
}

/// Why a file or folder could have been written by another user, if it could: owned by
/// someone else than this user or root, writable by others, or writable by a group that is
/// not this user's own. gsignin trusts nothing such a user could have planted, as ssh does.
#[cfg(unix)]
pub fn untrusted(meta: &std::fs::Metadata) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let (uid, gid) = effective_ids();
    let mode = meta.mode() & 0o7777;
    if meta.uid() != uid && meta.uid() != 0 {
        Some(format!("it belongs to another user (uid {})", meta.uid()))
    } else if mode & 0o002 != 0 {
        Some(format!("every user may write it (mode {mode:o})"))
    } else if mode & 0o020 != 0 && meta.gid() != gid {
        Some(format!(
            "the users of group {} may write it (mode {mode:o})",
            meta.gid()
        ))
    } else {
        None
    }
}

/// On Windows, gsignin's folders are under the user's profile (%APPDATA%, %LOCALAPPDATA%), whose
/// default ACL admits only the user, SYSTEM and the Administrators. gsignin does not read ACLs:
/// it refuses a file or folder that is a link (a reparse point: a symbolic link or a junction
/// someone could have planted in place of its own), and relies on that default for the rest.
/// A GSIGNIN_HOME elsewhere must be as private (docs/platforms.md).
#[cfg(windows)]
pub fn untrusted(meta: &std::fs::Metadata) -> Option<String> {
    use std::os::windows::fs::MetadataExt;
    const FILE_ATTRIBUTE_REPARSE_POINT: u32 = 0x400;
    (meta.file_attributes() & FILE_ATTRIBUTE_REPARSE_POINT != 0)
        .then(|| "it is a link (a reparse point), not gsignin's own file or folder".to_string())
}

/// Elsewhere no ownership model is known to gsignin: nothing is refused (docs/platforms.md).
#[cfg(not(any(unix, windows)))]
pub fn untrusted(_meta: &std::fs::Metadata) -> Option<String> {
    None
}

/// Refuses `path` (a file or folder of gsignin's) if another user could have written it. A
/// path that does not exist yet is fine: gsignin creates it private.
pub fn check_trusted(path: &Path) -> crate::error::Result<()> {
    match std::fs::metadata(path) {
        Ok(meta) => match untrusted(&meta) {
            Some(why) => Err(untrusted_error(path, &why)),
            None => Ok(()),
        },
        Err(_) => Ok(()),
    }
}

pub fn untrusted_error(path: &Path, why: &str) -> crate::error::Error {
    crate::error::Error::new(
        crate::error::Code::UntrustedPath,
        format!(
            "refusing to use {}: {why}, so it could have been planted",
            path.display()
        ),
        format!(
            "if it is yours, `chmod go-w {0}` (and `chown` it back); otherwise remove it, or point GSIGNIN_HOME at a folder only you can write",
            path.display()
        ),
    )
}

/// Why a bounded read failed.
#[derive(Debug)]
pub enum ReadFailure {
    Io(std::io::Error),
    /// A FIFO, a device, a folder: reading it could block forever or never end.
    NotAFile,
    TooLarge(u64),
    Untrusted(String),
}

impl std::fmt::Display for ReadFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadFailure::Io(e) => write!(f, "{e}"),
            ReadFailure::NotAFile => f.write_str("not a regular file"),
            ReadFailure::TooLarge(limit) => write!(f, "larger than {} KiB", limit / 1024),
            ReadFailure::Untrusted(why) => f.write_str(why),
        }
    }
}

impl ReadFailure {
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadFailure::Io(e) if e.kind() == std::io::ErrorKind::NotFound)
    }
}

/// Reads a regular file of at most `limit` bytes without ever blocking on a FIFO; with
/// `trusted`, the file and its folder must be safe from other users ([`untrusted`]).
pub fn read_limited(path: &Path, limit: u64, trusted: bool) -> Result<Vec<u8>, ReadFailure> {
    use std::io::Read;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    // Opening a FIFO for reading waits for a writer; non-blocking, it returns at once and
    // the check below refuses it. Windows has no FIFOs in its file system (a named pipe is
    // \\.\pipe\..., which is not a file: refused below).
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let file = options.open(path).map_err(ReadFailure::Io)?;
    let meta = file.metadata().map_err(ReadFailure::Io)?;
    if !meta.is_file() {
        return Err(ReadFailure::NotAFile);
    }
    if trusted {
        let parent = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let folder = std::fs::metadata(parent).map_err(ReadFailure::Io)?;
        if let Some(why) = untrusted(&folder) {
            return Err(ReadFailure::Untrusted(format!(
                "its folder {}: {why}",
                parent.display()
            )));
        }
        if let Some(why) = untrusted(&meta) {
            return Err(ReadFailure::Untrusted(why));
        }
    }
    if meta.len() > limit {
        return Err(ReadFailure::TooLarge(limit));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadFailure::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadFailure::TooLarge(limit));
    }
    Ok(bytes)
}

/// Proves `dir` can take a new file, without leaving one behind.
pub fn probe_dir(dir: &Path) -> std::io::Result<()> {
    ensure_private_dir(dir)?;
    let tmp = tempfile::Builder::new()
        .prefix(&temp_prefix(PROBE))
        .tempfile_in(dir)?;
    tmp.close()
}

/// What [`probe_dir`]'s files are named for, as [`stale_temps`] reads them.
pub const PROBE: &str = "probe";

/// Removes what killed writers left in `dir`: probes, and temp files of `target`.
pub fn remove_stale(dir: &Path, target: &str) {
    for stale in stale_temps(dir, PROBE)
        .into_iter()
        .chain(stale_temps(dir, target))
    {
        let _ = std::fs::remove_file(stale);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_a_failed_write_leaves_no_empty_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rescue.json");
        let failed = create_private_with(&path, |_| {
            Err(std::io::Error::other("No space left on device"))
        });
        assert!(failed.is_err());
        assert!(!path.exists(), "an empty rescue file was left behind");
    }

    #[test]
    #[cfg(unix)]
    fn s5_s11_reads_are_bounded_and_refuse_fifos_and_other_users_files() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big");
        std::fs::write(&big, vec![b'x'; 2048]).unwrap();
        assert!(matches!(
            read_limited(&big, 1024, false),
            Err(ReadFailure::TooLarge(1024))
        ));
        assert_eq!(read_limited(&big, 4096, true).unwrap().len(), 2048);
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid C string path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(matches!(
            read_limited(&fifo, 1024, false),
            Err(ReadFailure::NotAFile)
        ));
        std::fs::set_permissions(&big, std::fs::Permissions::from_mode(0o666)).unwrap();
        assert!(matches!(
            read_limited(&big, 4096, true),
            Err(ReadFailure::Untrusted(_))
        ));
        assert!(read_limited(Path::new("/dev/zero"), 1024, false).is_err());
    }

    #[test]
    #[cfg(unix)]
    fn s2_s3_s4_files_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/secret.json");
        write_private_atomic(&path, b"{}").unwrap();
        write_private_atomic(&path, b"{\"x\":1}").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(std::fs::read(&path).unwrap(), b"{\"x\":1}");
        let leftovers = std::fs::read_dir(path.parent().unwrap()).unwrap().count();
        assert_eq!(leftovers, 1, "temp files left behind");
        assert!(create_private(&path, b"again").is_err());
    }
}
