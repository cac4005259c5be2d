//! Stage 5: the one wrapper around the typst program. It checks the pinned version, gives
//! typst a private font folder with only the document fonts (Liberation for Latin, Noto CJK for
//! Han), compiles each document in a fresh
//! job folder under a timeout, and treats any warning (a missing font above all) as an error.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::error::Error;

/// The typst version docctl is built and tested with (scripts/setup.sh installs it).
pub const TYPST_VERSION: &str = "0.15.1";

/// The fonts a controlled document uses: per family, the Debian package, its files and the
/// folders searched for them (after `$DOCCTL_FONT_DIR`). Latin text is set in Liberation Serif
/// and Sans (metric-compatible with Times New Roman and Arial), Han characters in Noto CJK.
pub const FONTS: &[FontFamily] = &[
    FontFamily {
        package: "fonts-noto-cjk",
        files: &[
            "NotoSerifCJK-Regular.ttc",
            "NotoSerifCJK-Bold.ttc",
            "NotoSansCJK-Regular.ttc",
            "NotoSansCJK-Bold.ttc",
        ],
        dirs: &[
            "/usr/share/fonts/opentype/noto",
            "/usr/share/fonts/noto-cjk",
            "/usr/share/fonts/google-noto-cjk",
            "/usr/share/fonts/opentype/noto-cjk",
            "/usr/local/share/fonts",
        ],
    },
    FontFamily {
        package: "fonts-liberation2",
        files: &[
            "LiberationSerif-Regular.ttf",
            "LiberationSerif-Bold.ttf",
            "LiberationSerif-Italic.ttf",
            "LiberationSans-Regular.ttf",
            "LiberationSans-Bold.ttf",
        ],
        dirs: &[
            "/usr/share/fonts/truetype/liberation2",
            "/usr/share/fonts/truetype/liberation",
            "/usr/share/fonts/liberation-serif",
            "/usr/share/fonts/liberation",
            "/usr/local/share/fonts",
        ],
    },
];

/// A font family docctl needs.
#[derive(Debug)]
pub struct FontFamily {
    /// The Debian package that installs it.
    pub package: &'static str,
    /// Its files.
    pub files: &'static [&'static str],
    /// The folders searched for the files.
    pub dirs: &'static [&'static str],
}

/// What typst 0.15 says on every bundle run; expected, so not a reason to fail.
const BUNDLE_WARNING: &str = "warning: bundle export is experimental";

/// A located, checked typst installation with its private font folder.
#[derive(Debug, Clone)]
pub struct Typst {
    program: PathBuf,
    /// What `typst --version` printed.
    pub version: String,
    fonts: PathBuf,
    /// What identifies the fonts (names and sizes), for the build cache.
    pub fonts_fingerprint: String,
    timeout: Duration,
}

impl Typst {
    /// Find typst (`$DOCCTL_TYPST` or `typst` on the PATH), check its version and prepare the
    /// font folder under `work`.
    pub fn locate(work: &Path) -> Result<Typst, Error> {
        let program = std::env::var_os("DOCCTL_TYPST")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("typst"));
        let output = Command::new(&program).arg("--version").output().map_err(|e| {
            Error::Typst(format!(
                "typst not found ({e}): PDF output needs typst {TYPST_VERSION}.\n  install it with `cargo install --locked typst-cli --version {TYPST_VERSION}` (or run scripts/setup.sh),\n  or build without PDF: `docctl build --to html,md`"
            ))
        })?;
        let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        let pinned = version.split_whitespace().nth(1) == Some(TYPST_VERSION);
        if !pinned && std::env::var_os("DOCCTL_TYPST_ANY_VERSION").is_none() {
            return Err(Error::Typst(format!(
                "docctl needs typst {TYPST_VERSION}, found `{version}`: install it with `cargo install --locked typst-cli --version {TYPST_VERSION}` (set DOCCTL_TYPST_ANY_VERSION=1 to try this one anyway)"
            )));
        }
        let (fonts, fonts_fingerprint) = prepare_fonts(&work.join("fonts"))?;
        let timeout = std::env::var("DOCCTL_TYPST_TIMEOUT")
            .ok()
            .and_then(|s| s.parse().ok())
            .map_or(Duration::from_secs(120), Duration::from_secs);
        Ok(Typst {
            program,
            version,
            fonts,
            fonts_fingerprint,
            timeout,
        })
    }

    /// Compile `main.typ` in a fresh job folder to `pdf`. `name` names the document in messages.
    pub fn compile(
        &self,
        job: &Path,
        source: &str,
        pdf: &Path,
        timestamp: i64,
        name: &str,
    ) -> Result<(), Error> {
        fresh_folder(job)?;
        let main = job.join("main.typ");
        std::fs::write(&main, source).map_err(|e| Error::io(&main, e))?;
        let out = job.join("out.pdf");
        self.run(job, &[], &[], timestamp, &out, self.timeout, name)?;
        crate::write::rename_into(&out, pdf)?;
        Ok(())
    }

    /// Compile several documents in one typst process (typst's experimental bundle export):
    /// write `files` (path under the job folder → Typst source) and `main` into a fresh job
    /// folder and compile `main.typ` as a bundle into `job/out/`, which is returned. The
    /// timeout grows with the number of documents.
    pub fn compile_bundle(
        &self,
        job: &Path,
        files: &[(String, &str)],
        main: &str,
        timestamp: i64,
        name: &str,
    ) -> Result<PathBuf, Error> {
        fresh_folder(job)?;
        for (path, source) in files {
            let file = crate::write::inside(job, path)?;
            if let Some(parent) = file.parent() {
                std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            std::fs::write(&file, source).map_err(|e| Error::io(&file, e))?;
        }
        let main_path = job.join("main.typ");
        std::fs::write(&main_path, main).map_err(|e| Error::io(&main_path, e))?;
        let out = job.join("out");
        let documents = u32::try_from(files.len().max(1)).unwrap_or(u32::MAX);
        let timeout = self.timeout.saturating_mul(documents);
        self.run(
            job,
            &["--features", "bundle", "--format", "bundle"],
            &[BUNDLE_WARNING],
            timestamp,
            &out,
            timeout,
            name,
        )?;
        Ok(out)
    }

    /// Run `typst compile [extra] job/main.typ out` with the private fonts, no packages and a
    /// timeout; any warning but the `expected` lines fails, and typst's diagnostics are passed
    /// through with `name`.
    #[allow(clippy::too_many_arguments)]
    fn run(
        &self,
        job: &Path,
        extra: &[&str],
        expected: &[&str],
        timestamp: i64,
        out: &Path,
        timeout: Duration,
        name: &str,
    ) -> Result<(), Error> {
        let log_path = job.join("typst.log");
        let log = std::fs::File::create(&log_path).map_err(|e| Error::io(&log_path, e))?;
        let mut child = Command::new(&self.program)
            .arg("compile")
            .args(extra)
            .arg("--root")
            .arg(job)
            .arg("--ignore-system-fonts")
            .arg("--font-path")
            .arg(&self.fonts)
            .args(["--diagnostic-format", "short"])
            .arg("--creation-timestamp")
            .arg(timestamp.to_string())
            .arg(job.join("main.typ"))
            .arg(out)
            .env("TYPST_PACKAGE_PATH", job.join("no-packages"))
            .env("TYPST_PACKAGE_CACHE_PATH", job.join("no-packages"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(|e| Error::Typst(format!("{name}: cannot run typst: {e}")))?;
        let started = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if started.elapsed() > timeout => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(Error::Typst(format!(
                        "{name}: typst took longer than {} s and was stopped",
                        timeout.as_secs()
                    )));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                Err(e) => return Err(Error::Typst(format!("{name}: {e}"))),
            }
        };
        let log = std::fs::read_to_string(&log_path).unwrap_or_default();
        let log: String = log
            .lines()
            .filter(|l| !expected.contains(l))
            .flat_map(|l| [l, "\n"])
            .collect();
        let problems: Vec<&str> = log
            .lines()
            .filter(|l| l.contains("error") || l.contains("warning"))
            .collect();
        if !status.success() || !problems.is_empty() {
            let detail = if log.trim().is_empty() {
                format!("typst exited with {status}")
            } else {
                log.trim().to_owned()
            };
            let hint = if log.contains("unknown font family") {
                "\n  a document font is missing: install them with `apt-get install fonts-noto-cjk fonts-liberation2` (or set DOCCTL_FONT_DIR)"
            } else {
                ""
            };
            return Err(Error::Typst(format!(
                "{name}: typst failed (job in {}):\n{detail}{hint}",
                job.display()
            )));
        }
        Ok(())
    }

    /// Evaluate a Typst expression against a compiled document (`typst eval … --in`); used to
    /// read back where the form fields were laid out.
    pub fn eval(&self, job: &Path, expression: &str, name: &str) -> Result<String, Error> {
        let output = Command::new(&self.program)
            .arg("eval")
            .arg(expression)
            .arg("--in")
            .arg(job.join("main.typ"))
            .arg("--root")
            .arg(job)
            .arg("--ignore-system-fonts")
            .arg("--font-path")
            .arg(&self.fonts)
            .args(["--diagnostic-format", "short"])
            .stdin(Stdio::null())
            .output()
            .map_err(|e| Error::Typst(format!("{name}: cannot run typst eval: {e}")))?;
        if !output.status.success() {
            return Err(Error::Typst(format!(
                "{name}: typst eval failed:\n{}",
                String::from_utf8_lossy(&output.stderr).trim()
            )));
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }
}

/// Empty `job`, creating it when missing.
fn fresh_folder(job: &Path) -> Result<(), Error> {
    if job.exists() {
        std::fs::remove_dir_all(job).map_err(|e| Error::io(job, e))?;
    }
    std::fs::create_dir_all(job).map_err(|e| Error::io(job, e))
}

/// Link the document fonts into a private folder, so typst sees exactly these.
fn prepare_fonts(folder: &Path) -> Result<(PathBuf, String), Error> {
    let sources = find_fonts(FONTS)?;
    std::fs::create_dir_all(folder).map_err(|e| Error::io(folder, e))?;
    let mut fingerprint = String::new();
    for (source, file) in sources {
        let from = source.join(file);
        let to = folder.join(file);
        let size = std::fs::metadata(&from)
            .map_err(|e| Error::io(&from, e))?
            .len();
        fingerprint.push_str(&format!("{file}:{size};"));
        if std::fs::read_link(&to).ok().as_deref() != Some(from.as_path()) {
            let _ = std::fs::remove_file(&to);
            std::os::unix::fs::symlink(&from, &to).map_err(|e| Error::io(&to, e))?;
        }
    }
    Ok((folder.to_path_buf(), fingerprint))
}

/// Find each family's files in `$DOCCTL_FONT_DIR` or one of its folders; return (folder, file)
/// pairs, or name the package to install for the first family that is missing.
fn find_fonts(families: &[FontFamily]) -> Result<Vec<(PathBuf, &'static str)>, Error> {
    let mut sources = Vec::new();
    for family in families {
        let mut dirs: Vec<PathBuf> = std::env::var_os("DOCCTL_FONT_DIR")
            .map(PathBuf::from)
            .into_iter()
            .collect();
        dirs.extend(family.dirs.iter().map(PathBuf::from));
        let source = dirs
            .into_iter()
            .find(|d| family.files.iter().all(|f| d.join(f).is_file()))
            .ok_or_else(|| {
                Error::Typst(format!(
                    "the fonts {} were not found in {}: install them with `apt-get install {}`, or point DOCCTL_FONT_DIR at them",
                    family.files.join(", "),
                    family.dirs.join(", "),
                    family.package,
                ))
            })?;
        sources.extend(family.files.iter().map(|f| (source.clone(), *f)));
    }
    Ok(sources)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_font_family_names_its_package() {
        let missing = FontFamily {
            package: "fonts-missing-test",
            files: &["NoSuchFont-Regular.ttf"],
            dirs: &["/nonexistent/fonts"],
        };
        let error = find_fonts(&[missing]).unwrap_err().to_string();
        assert!(
            error.contains("NoSuchFont-Regular.ttf")
                && error.contains("apt-get install fonts-missing-test"),
            "{error}"
        );
    }

    #[test]
    #[cfg_attr(docctl_no_typst, ignore = "needs typst: run scripts/setup.sh")]
    fn every_document_font_is_found_on_a_set_up_machine() {
        // scripts/setup.sh installs both font packages with typst.
        let found = find_fonts(FONTS).unwrap();
        assert!(found.iter().any(|(_, f)| f.starts_with("LiberationSerif")));
        assert!(found.iter().any(|(_, f)| f.starts_with("NotoSerifCJK")));
    }
}
