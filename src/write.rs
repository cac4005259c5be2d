//! Stage 4: atomic writes. A file is written to a temporary file beside it and renamed into
//! place, so a crash never leaves half a file and never destroys the previous one.

use std::io::Write as _;
use std::path::Path;

use crate::error::Error;

/// Write `bytes` to `path` atomically, creating parent folders: readers see the old file or
/// the new one, never half of one. Generated output needs no more; see [`write_durable`].
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    write(path, bytes, false)
}

/// Write atomically and flush to disk before the rename, so that after a crash the file is
/// either the old one or complete: for the archive of released revisions and its ledger.
pub fn write_durable(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    write(path, bytes, true)
}

fn write(path: &Path, bytes: &[u8], durable: bool) -> Result<(), Error> {
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    let mut temp = tempfile::Builder::new()
        .prefix(".docctl-")
        .suffix(".tmp")
        .tempfile_in(parent)
        .map_err(|e| Error::io(parent, e))?;
    temp.write_all(bytes).map_err(|e| Error::io(path, e))?;
    // Temporary files are private (0600); a document is for reading: keep the old file's
    // permissions, or use rw-r--r--. (Windows has no such bits: the folder's ACL applies.)
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode());
        temp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(|e| Error::io(path, e))?;
    }
    if durable {
        temp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    }
    temp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// Move a finished file into place (atomic within one file system), creating parent folders.
pub fn rename_into(from: &Path, to: &Path) -> Result<(), Error> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    std::fs::rename(from, to).map_err(|e| Error::io(to, e))
}

/// Join a `/`-separated relative path onto `base`, refusing anything that would leave it.
pub fn inside(base: &Path, relative: &str) -> Result<std::path::PathBuf, Error> {
    let mut path = base.to_path_buf();
    for part in relative.split('/') {
        if part.is_empty() || part == "." || part == ".." || part.contains('\\') {
            return Err(Error::Refused(format!(
                "refusing to write `{relative}`: it would leave {}",
                base.display()
            )));
        }
        path.push(part);
    }
    Ok(path)
}
