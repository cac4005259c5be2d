//! Stage 5: the one wrapper around the typst program. It checks the pinned version, gives
//! typst a private font folder with only the Noto CJK fonts, compiles each document in a fresh
//! job folder under a timeout, and treats any warning (a missing font above all) as an error.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::error::Error;

/// The typst version docctl is built and tested with (scripts/setup.sh installs it).
pub const TYPST_VERSION: &str = "0.15.1";

/// The fonts a controlled document uses, by file name, as Debian's fonts-noto-cjk ships them.
pub const FONT_FILES: &[&str] = &[
    "NotoSerifCJK-Regular.ttc",
    "NotoSerifCJK-Bold.ttc",
    "NotoSansCJK-Regular.ttc",
    "NotoSansCJK-Bold.ttc",
];

/// Folders searched for the Noto CJK fonts, after `$DOCCTL_FONT_DIR`.
const FONT_DIRS: &[&str] = &[
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/noto-cjk",
    "/usr/share/fonts/google-noto-cjk",
    "/usr/share/fonts/opentype/noto-cjk",
    "/usr/local/share/fonts",
];

/// Fonts of Windows used when the Noto CJK fonts are absent: (file, family) for the serif
/// face, then the sans faces in order of preference. PDFs made with them depend on the
/// machine's fonts, so docctl warns.
const WINDOWS_SERIF: (&str, &str) = ("simsun.ttc", "SimSun");
const WINDOWS_SANS: &[(&str, &str)] = &[("simhei.ttf", "SimHei"), ("msyh.ttc", "Microsoft YaHei")];

/// The fonts folders of Windows: `%WINDIR%\Fonts` and the per-user one.
fn windows_font_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(windir) = std::env::var_os("WINDIR").or_else(|| std::env::var_os("SystemRoot")) {
        dirs.push(PathBuf::from(windir).join("Fonts"));
    }
    if let Some(local) = std::env::var_os("LOCALAPPDATA") {
        dirs.push(PathBuf::from(local).join("Microsoft/Windows/Fonts"));
    }
    dirs
}

/// The fonts found for the documents.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FontChoice {
    /// Each font file with the folder it is in.
    files: Vec<(PathBuf, &'static str)>,
    /// When Windows fonts stand in for Noto CJK: the serif and the sans family.
    fallback: Option<(&'static str, &'static str)>,
}

/// Find the Noto CJK fonts in `dirs`, else SimSun with SimHei or Microsoft YaHei.
fn choose_fonts(dirs: &[PathBuf]) -> Option<FontChoice> {
    if let Some(source) = dirs
        .iter()
        .find(|d| FONT_FILES.iter().all(|f| d.join(f).is_file()))
    {
        return Some(FontChoice {
            files: FONT_FILES.iter().map(|f| (source.clone(), *f)).collect(),
            fallback: None,
        });
    }
    let find = |file: &str| dirs.iter().find(|d| d.join(file).is_file()).cloned();
    let serif = find(WINDOWS_SERIF.0)?;
    let (sans_dir, (sans_file, sans_family)) = WINDOWS_SANS
        .iter()
        .find_map(|f| find(f.0).map(|d| (d, *f)))?;
    Some(FontChoice {
        files: vec![(serif, WINDOWS_SERIF.0), (sans_dir, sans_file)],
        fallback: Some((WINDOWS_SERIF.1, sans_family)),
    })
}

/// Put the Windows families in place of the Noto CJK ones in a Typst source: only the quoted
/// family names of the templates match (document text has its quotes escaped as `\"`).
fn substitute_fonts(source: &str, fallback: Option<(&str, &str)>) -> String {
    let Some((serif, sans)) = fallback else {
        return source.to_owned();
    };
    let mut out = source.to_owned();
    for region in ["SC", "TC", "JP", "KR"] {
        out = out
            .replace(
                &format!("\"Noto Serif CJK {region}\""),
                &format!("\"{serif}\""),
            )
            .replace(
                &format!("\"Noto Sans CJK {region}\""),
                &format!("\"{sans}\""),
            );
    }
    out
}

/// A located, checked typst installation with its private font folder.
#[derive(Debug, Clone)]
pub struct Typst {
    program: PathBuf,
    /// What `typst --version` printed.
    pub version: String,
    fonts: PathBuf,
    /// Windows families standing in for Noto CJK (serif, sans), if any.
    fallback: Option<(&'static str, &'static str)>,
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
        let (fonts, fonts_fingerprint, fallback) = prepare_fonts(&work.join("fonts"))?;
        let timeout = std::env::var("DOCCTL_TYPST_TIMEOUT")
            .ok()
            .and_then(|s| s.parse().ok())
            .map_or(Duration::from_secs(120), Duration::from_secs);
        Ok(Typst {
            program,
            version,
            fonts,
            fallback,
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
        if job.exists() {
            std::fs::remove_dir_all(job).map_err(|e| Error::io(job, e))?;
        }
        std::fs::create_dir_all(job).map_err(|e| Error::io(job, e))?;
        let main = job.join("main.typ");
        std::fs::write(&main, substitute_fonts(source, self.fallback))
            .map_err(|e| Error::io(&main, e))?;
        let out = job.join("out.pdf");
        let log_path = job.join("typst.log");
        let log = std::fs::File::create(&log_path).map_err(|e| Error::io(&log_path, e))?;
        let mut child = Command::new(&self.program)
            .arg("compile")
            .arg("--root")
            .arg(job)
            .arg("--ignore-system-fonts")
            .arg("--font-path")
            .arg(&self.fonts)
            .args(["--diagnostic-format", "short"])
            .arg("--creation-timestamp")
            .arg(timestamp.to_string())
            .arg(&main)
            .arg(&out)
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
                Ok(None) if started.elapsed() > self.timeout => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(Error::Typst(format!(
                        "{name}: typst took longer than {} s and was stopped",
                        self.timeout.as_secs()
                    )));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                Err(e) => return Err(Error::Typst(format!("{name}: {e}"))),
            }
        };
        let log = std::fs::read_to_string(&log_path).unwrap_or_default();
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
                "\n  the Noto CJK fonts are missing: install them with `apt-get install fonts-noto-cjk` (or set DOCCTL_FONT_DIR)"
            } else {
                ""
            };
            return Err(Error::Typst(format!(
                "{name}: typst failed (job in {}):\n{detail}{hint}",
                job.display()
            )));
        }
        crate::write::rename_into(&out, pdf)?;
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

/// Link (or, without symbolic links, copy) the Noto CJK fonts — or the Windows fonts standing
/// in for them — into a private folder, so typst sees exactly these.
#[allow(clippy::type_complexity)]
fn prepare_fonts(
    folder: &Path,
) -> Result<(PathBuf, String, Option<(&'static str, &'static str)>), Error> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("DOCCTL_FONT_DIR")
        .map(PathBuf::from)
        .into_iter()
        .collect();
    dirs.extend(FONT_DIRS.iter().map(PathBuf::from));
    dirs.extend(windows_font_dirs());
    let choice = choose_fonts(&dirs).ok_or_else(|| {
        let install = if cfg!(windows) {
            "install Noto Serif CJK and Noto Sans CJK (the .ttc files of github.com/notofonts/noto-cjk) into a folder and point DOCCTL_FONT_DIR at it"
        } else {
            "install them with `apt-get install fonts-noto-cjk`, or point DOCCTL_FONT_DIR at them"
        };
        Error::Typst(format!(
            "the Noto CJK fonts ({}) were not found in {}: {install}",
            FONT_FILES.join(", "),
            dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", ")
        ))
    })?;
    if let Some((serif, sans)) = choice.fallback {
        eprintln!(
            "warning: the Noto CJK fonts were not found; PDFs use {serif} and {sans} from this machine instead, so they depend on its fonts (set DOCCTL_FONT_DIR to a folder with {} for reproducible PDFs)",
            FONT_FILES.join(", ")
        );
    }
    std::fs::create_dir_all(folder).map_err(|e| Error::io(folder, e))?;
    // Fonts of an earlier choice would be seen by typst too.
    if let Ok(entries) = std::fs::read_dir(folder) {
        for entry in entries.flatten() {
            let name = entry.file_name();
            if !choice
                .files
                .iter()
                .any(|(_, f)| name == std::ffi::OsStr::new(f))
            {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    let mut fingerprint = String::new();
    for (source, file) in &choice.files {
        let from = source.join(file);
        let to = folder.join(file);
        let size = std::fs::metadata(&from)
            .map_err(|e| Error::io(&from, e))?
            .len();
        fingerprint.push_str(&format!("{file}:{size};"));
        link_font(&from, &to, size)?;
    }
    Ok((folder.to_path_buf(), fingerprint, choice.fallback))
}

/// Make `to` the font `from`: a symbolic link where there are such, else a copy.
#[cfg(unix)]
fn link_font(from: &Path, to: &Path, _size: u64) -> Result<(), Error> {
    if std::fs::read_link(to).ok().as_deref() != Some(from) {
        let _ = std::fs::remove_file(to);
        std::os::unix::fs::symlink(from, to).map_err(|e| Error::io(to, e))?;
    }
    Ok(())
}

/// Make `to` the font `from`: a symbolic link where there are such, else a copy (Windows
/// allows symbolic links only to administrators or in developer mode).
#[cfg(not(unix))]
fn link_font(from: &Path, to: &Path, size: u64) -> Result<(), Error> {
    if std::fs::metadata(to).is_ok_and(|m| m.len() == size) {
        return Ok(());
    }
    std::fs::copy(from, to).map_err(|e| Error::io(to, e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_fonts_stand_in_for_noto() {
        let dir = tempfile::tempdir().unwrap();
        let (noto, windows) = (dir.path().join("noto"), dir.path().join("Fonts"));
        std::fs::create_dir_all(&noto).unwrap();
        std::fs::create_dir_all(&windows).unwrap();
        for f in ["simsun.ttc", "msyh.ttc"] {
            std::fs::write(windows.join(f), b"font").unwrap();
        }
        let dirs = [noto.clone(), windows.clone()];
        let choice = choose_fonts(&dirs).unwrap();
        assert_eq!(choice.fallback, Some(("SimSun", "Microsoft YaHei")));
        assert_eq!(choice.files.len(), 2);
        std::fs::write(windows.join("simhei.ttf"), b"font").unwrap();
        assert_eq!(
            choose_fonts(&dirs).unwrap().fallback,
            Some(("SimSun", "SimHei"))
        );
        // Noto CJK wins wherever it is.
        for f in FONT_FILES {
            std::fs::write(noto.join(f), b"font").unwrap();
        }
        assert_eq!(choose_fonts(&dirs).unwrap().fallback, None);
        assert_eq!(choose_fonts(&[dir.path().join("none")]), None);
    }

    #[test]
    fn substitution_touches_only_the_family_names() {
        let source = "#let serif = (\"Noto Serif CJK SC\",)\n#let sans = (\"Noto Sans CJK TC\",)\n#document(title: \"a \\\"Noto Serif CJK SC\\\"\")\n\\\"Noto Sans CJK SC\\\"";
        let out = substitute_fonts(source, Some(("SimSun", "SimHei")));
        assert_eq!(
            out,
            "#let serif = (\"SimSun\",)\n#let sans = (\"SimHei\",)\n#document(title: \"a \\\"Noto Serif CJK SC\\\"\")\n\\\"Noto Sans CJK SC\\\""
        );
        assert_eq!(substitute_fonts(source, None), source);
    }

    #[test]
    fn fonts_are_linked_or_copied_once() {
        let dir = tempfile::tempdir().unwrap();
        let from = dir.path().join("a.ttc");
        let to = dir.path().join("b.ttc");
        std::fs::write(&from, b"font").unwrap();
        link_font(&from, &to, 4).unwrap();
        link_font(&from, &to, 4).unwrap();
        assert_eq!(std::fs::read(&to).unwrap(), b"font");
    }
}
