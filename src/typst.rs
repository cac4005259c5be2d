//! Stage 5: the one wrapper around the typst program. It checks the pinned version, gives
//! typst a private font folder with only the document fonts (Liberation for Latin, Noto CJK for
//! Han), compiles each document in a fresh
//! job folder under a timeout, and treats any warning (a missing font above all) as an error.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::error::Error;

/// The typst version docctl is built and tested with (scripts/setup.sh installs it).
pub const TYPST_VERSION: &str = "0.15.1";

/// The fonts a controlled document uses: per family, the Debian package, its files, the
/// folders searched for them (after `$DOCCTL_FONT_DIR`, and before the font folders of Windows)
/// and the fonts of Windows that stand in for it where it is not installed. Latin text is set
/// in Liberation Serif and Sans (metric-compatible with Times New Roman and Arial), Han
/// characters in Noto CJK.
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
        stand_ins: &[
            StandIn {
                replaces: &["Noto Serif CJK SC", "Noto Serif CJK TC"],
                faces: &[("SimSun", &["simsun.ttc"])],
            },
            StandIn {
                replaces: &["Noto Sans CJK SC", "Noto Sans CJK TC"],
                faces: &[
                    ("SimHei", &["simhei.ttf"]),
                    ("Microsoft YaHei", &["msyh.ttc"]),
                ],
            },
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
        stand_ins: &[
            StandIn {
                replaces: &["Liberation Serif"],
                faces: &[(
                    "Times New Roman",
                    &["times.ttf", "timesbd.ttf", "timesi.ttf"],
                )],
            },
            StandIn {
                replaces: &["Liberation Sans"],
                faces: &[("Arial", &["arial.ttf", "arialbd.ttf"])],
            },
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
    /// Where the files are not found: fonts of the machine (Windows) used in their place, with
    /// a warning, as PDFs made with them depend on that machine's fonts.
    pub stand_ins: &'static [StandIn],
}

/// A machine font standing in for some of a family's faces.
#[derive(Debug)]
pub struct StandIn {
    /// The family names the templates use that it replaces.
    pub replaces: &'static [&'static str],
    /// The candidates in order of preference: family name and its files (all needed).
    pub faces: &'static [(&'static str, &'static [&'static str])],
}

/// What typst 0.15 says on every bundle run; expected, so not a reason to fail.
const BUNDLE_WARNING: &str = "warning: bundle export is experimental";

/// The fonts folders of Windows: `%WINDIR%\Fonts` and the per-user one (none elsewhere, where
/// these variables are not set).
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
    /// Family names of the templates replaced by stand-ins: (template's, stand-in's).
    substitutes: Vec<(&'static str, &'static str)>,
}

/// Put the stand-in families in place of the ones they replace in a Typst source: only the
/// quoted family names of the templates match (document text has its quotes escaped as `\"`).
fn substitute_fonts(source: &str, substitutes: &[(&str, &str)]) -> String {
    let mut out = source.to_owned();
    for (from, to) in substitutes {
        out = out.replace(&format!("\"{from}\""), &format!("\"{to}\""));
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
    /// Family names of the templates replaced by fonts of the machine (Windows): (template's,
    /// stand-in's).
    substitutes: Vec<(&'static str, &'static str)>,
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
        let (fonts, fonts_fingerprint, substitutes) = prepare_fonts(&work.join("fonts"))?;
        let timeout = std::env::var("DOCCTL_TYPST_TIMEOUT")
            .ok()
            .and_then(|s| s.parse().ok())
            .map_or(Duration::from_secs(120), Duration::from_secs);
        Ok(Typst {
            program,
            version,
            fonts,
            substitutes,
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
        std::fs::write(&main, substitute_fonts(source, &self.substitutes))
            .map_err(|e| Error::io(&main, e))?;
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
            std::fs::write(&file, substitute_fonts(source, &self.substitutes))
                .map_err(|e| Error::io(&file, e))?;
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
        let mut child = self
            .command("compile", job)
            .args(extra)
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
        // Wait for typst without polling; past the timeout it is stopped.
        let status = match wait_timeout::ChildExt::wait_timeout(&mut child, timeout) {
            Ok(Some(status)) => status,
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Error::Typst(format!(
                    "{name}: typst took longer than {} s and was stopped",
                    timeout.as_secs()
                )));
            }
            Err(e) => return Err(Error::Typst(format!("{name}: {e}"))),
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

    /// Start a typst command that sees only the job folder and the document fonts.
    fn command(&self, subcommand: &str, job: &Path) -> Command {
        let mut command = Command::new(&self.program);
        command
            .arg(subcommand)
            .arg("--root")
            .arg(job)
            .arg("--ignore-system-fonts")
            .arg("--font-path")
            .arg(&self.fonts)
            .args(["--diagnostic-format", "short"]);
        command
    }

    /// Evaluate a Typst expression against a compiled document (`typst eval … --in`); used to
    /// read back where the form fields were laid out.
    pub fn eval(&self, job: &Path, expression: &str, name: &str) -> Result<String, Error> {
        let output = self
            .command("eval", job)
            .arg(expression)
            .arg("--in")
            .arg(job.join("main.typ"))
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

/// The folders searched for a family: `$DOCCTL_FONT_DIR`, its own, then those of Windows.
fn font_dirs(family: &FontFamily) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("DOCCTL_FONT_DIR")
        .map(PathBuf::from)
        .into_iter()
        .collect();
    dirs.extend(family.dirs.iter().map(PathBuf::from));
    dirs.extend(windows_font_dirs());
    dirs
}

/// Link (or, without symbolic links, copy) the document fonts — or the Windows fonts standing
/// in for them — into a private folder, so typst sees exactly these. Return the folder, the
/// fonts' fingerprint and the family names replaced by stand-ins.
#[allow(clippy::type_complexity)]
fn prepare_fonts(
    folder: &Path,
) -> Result<(PathBuf, String, Vec<(&'static str, &'static str)>), Error> {
    let choice = find_fonts(FONTS, font_dirs)?;
    if !choice.substitutes.is_empty() {
        let used: Vec<String> = choice
            .substitutes
            .iter()
            .map(|(from, to)| format!("{to} for {from}"))
            .collect();
        let missing: Vec<&str> = FONTS
            .iter()
            .filter(|f| {
                f.stand_ins.iter().any(|s| {
                    choice
                        .substitutes
                        .iter()
                        .any(|(from, _)| s.replaces.contains(from))
                })
            })
            .flat_map(|f| f.files.iter().copied())
            .collect();
        eprintln!(
            "warning: PDFs use fonts of this machine ({}), so they depend on its fonts (set DOCCTL_FONT_DIR to a folder with {} for reproducible PDFs)",
            used.join(", "),
            missing.join(", ")
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
    Ok((folder.to_path_buf(), fingerprint, choice.substitutes))
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

/// Find each family's files in one of the folders `dirs` gives for it, else a stand-in for
/// each of its faces (Windows); name the package to install for the first family that has
/// neither.
fn find_fonts(
    families: &[FontFamily],
    dirs: impl Fn(&FontFamily) -> Vec<PathBuf>,
) -> Result<FontChoice, Error> {
    let mut choice = FontChoice {
        files: Vec::new(),
        substitutes: Vec::new(),
    };
    for family in families {
        let dirs = dirs(family);
        let in_one = |files: &[&str]| {
            dirs.iter()
                .find(|d| files.iter().all(|f| d.join(f).is_file()))
                .cloned()
        };
        if let Some(source) = in_one(family.files) {
            choice
                .files
                .extend(family.files.iter().map(|f| (source.clone(), *f)));
            continue;
        }
        let stand_ins: Option<Vec<_>> = if family.stand_ins.is_empty() {
            None
        } else {
            family
                .stand_ins
                .iter()
                .map(|s| {
                    s.faces
                        .iter()
                        .find_map(|&(name, files)| in_one(files).map(|d| (s, name, files, d)))
                })
                .collect()
        };
        let Some(stand_ins) = stand_ins else {
            let install = if cfg!(windows) {
                "install them into a folder (the Windows fonts that could stand in for them are missing too) and point DOCCTL_FONT_DIR at it".to_owned()
            } else {
                format!(
                    "install them with `apt-get install {}`, or point DOCCTL_FONT_DIR at them",
                    family.package
                )
            };
            return Err(Error::Typst(format!(
                "the fonts {} were not found in {}: {install}",
                family.files.join(", "),
                dirs.iter()
                    .map(|d| d.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            )));
        };
        for (stand_in, name, files, source) in stand_ins {
            choice
                .files
                .extend(files.iter().map(|f| (source.clone(), *f)));
            choice
                .substitutes
                .extend(stand_in.replaces.iter().map(|from| (*from, name)));
        }
    }
    Ok(choice)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn only(dirs: &[PathBuf]) -> impl Fn(&FontFamily) -> Vec<PathBuf> + '_ {
        |_| dirs.to_vec()
    }

    #[test]
    fn a_missing_font_family_names_its_package() {
        let missing = FontFamily {
            package: "fonts-missing-test",
            files: &["NoSuchFont-Regular.ttf"],
            dirs: &["/nonexistent/fonts"],
            stand_ins: &[],
        };
        let error = find_fonts(&[missing], font_dirs).unwrap_err().to_string();
        assert!(error.contains("NoSuchFont-Regular.ttf"), "{error}");
        #[cfg(not(windows))]
        assert!(
            error.contains("apt-get install fonts-missing-test"),
            "{error}"
        );
    }

    #[test]
    #[cfg_attr(docctl_no_typst, ignore = "needs typst: run scripts/setup.sh")]
    fn every_document_font_is_found_on_a_set_up_machine() {
        // scripts/setup.sh installs both font packages with typst.
        let found = find_fonts(FONTS, font_dirs).unwrap();
        assert!(
            found
                .files
                .iter()
                .any(|(_, f)| f.starts_with("LiberationSerif"))
        );
        assert!(
            found
                .files
                .iter()
                .any(|(_, f)| f.starts_with("NotoSerifCJK"))
        );
        assert!(found.substitutes.is_empty());
    }

    #[test]
    fn windows_fonts_stand_in_for_noto_and_liberation() {
        let dir = tempfile::tempdir().unwrap();
        let (fonts, windows) = (dir.path().join("fonts"), dir.path().join("Fonts"));
        std::fs::create_dir_all(&fonts).unwrap();
        std::fs::create_dir_all(&windows).unwrap();
        let put = |folder: &Path, files: &[&str]| {
            for f in files {
                std::fs::write(folder.join(f), b"font").unwrap();
            }
        };
        put(
            &windows,
            &[
                "simsun.ttc",
                "msyh.ttc",
                "times.ttf",
                "timesbd.ttf",
                "timesi.ttf",
            ],
        );
        let dirs = [fonts.clone(), windows.clone()];
        // Arial is missing: Liberation has no stand-in for its sans face.
        let error = find_fonts(FONTS, only(&dirs)).unwrap_err().to_string();
        assert!(error.contains("LiberationSans-Regular.ttf"), "{error}");
        put(&windows, &["arial.ttf", "arialbd.ttf"]);
        let choice = find_fonts(FONTS, only(&dirs)).unwrap();
        assert_eq!(
            choice.substitutes,
            [
                ("Noto Serif CJK SC", "SimSun"),
                ("Noto Serif CJK TC", "SimSun"),
                ("Noto Sans CJK SC", "Microsoft YaHei"),
                ("Noto Sans CJK TC", "Microsoft YaHei"),
                ("Liberation Serif", "Times New Roman"),
                ("Liberation Sans", "Arial"),
            ]
        );
        assert_eq!(choice.files.len(), 7);
        assert!(choice.files.iter().all(|(d, _)| *d == windows));
        // SimHei comes before Microsoft YaHei.
        put(&windows, &["simhei.ttf"]);
        let choice = find_fonts(FONTS, only(&dirs)).unwrap();
        assert!(choice.substitutes.contains(&("Noto Sans CJK SC", "SimHei")));
        // The real fonts win wherever they are, family by family.
        put(&fonts, FONTS[0].files);
        let choice = find_fonts(FONTS, only(&dirs)).unwrap();
        assert_eq!(
            choice.substitutes,
            [
                ("Liberation Serif", "Times New Roman"),
                ("Liberation Sans", "Arial")
            ]
        );
        put(&fonts, FONTS[1].files);
        assert!(
            find_fonts(FONTS, only(&dirs))
                .unwrap()
                .substitutes
                .is_empty()
        );
    }

    #[test]
    fn substitution_touches_only_the_family_names() {
        let source = "#let serif = (latin(\"Liberation Serif\"), \"Noto Serif CJK SC\")\n#let sans = (\"Noto Sans CJK TC\",)\n#document(title: \"a \\\"Noto Serif CJK SC\\\"\")\n\\\"Noto Sans CJK SC\\\"";
        let substitutes = [
            ("Noto Serif CJK SC", "SimSun"),
            ("Noto Sans CJK TC", "SimHei"),
            ("Noto Sans CJK SC", "SimHei"),
            ("Liberation Serif", "Times New Roman"),
        ];
        let out = substitute_fonts(source, &substitutes);
        assert_eq!(
            out,
            "#let serif = (latin(\"Times New Roman\"), \"SimSun\")\n#let sans = (\"SimHei\",)\n#document(title: \"a \\\"Noto Serif CJK SC\\\"\")\n\\\"Noto Sans CJK SC\\\""
        );
        assert_eq!(substitute_fonts(source, &[]), source);
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
