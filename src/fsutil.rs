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

/// Replaces `path` with `bytes` atomically; the file is mode 0600 from its first byte.
pub fn write_private_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    ensure_private_dir(dir)?;
    // tempfile creates its files 0600 on Unix.
    let mut tmp = tempfile::Builder::new()
        .prefix(".gsignin-")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Writes a new 0600 file; never replaces an existing one.
pub fn create_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Proves `dir` can take a new file, without leaving one behind.
pub fn probe_dir(dir: &Path) -> std::io::Result<()> {
    ensure_private_dir(dir)?;
    let tmp = tempfile::Builder::new()
        .prefix(".gsignin-probe-")
        .tempfile_in(dir)?;
    tmp.close()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(unix)]
    fn files_are_private() {
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
