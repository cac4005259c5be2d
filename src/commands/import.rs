//! `docctl import`: read legacy files, split them into documents, draft a procedure for each,
//! make sure every draft loads, write them, and report what was guessed.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::cli::ImportArgs;
use crate::diagnostic::{Code, Diagnostic};
use crate::error::Error;
use crate::import::{self, Draft, Note, Outcome, Source, outline, structure, yaml};
use crate::load::{self, CONFIG_FILE};
use crate::model::{Config, DocId, Form, Procedure};
use crate::write::write_atomic;

/// What `import` needs to run.
#[derive(Debug, Clone)]
pub struct ImportSettings {
    /// The files to import.
    pub files: Vec<PathBuf>,
    /// Where the procedures go.
    pub out: PathBuf,
    /// Overwrite existing files.
    pub force: bool,
    /// Report only.
    pub dry_run: bool,
    /// Version scheme and department names of the set the output folder belongs to.
    pub structure: structure::Settings,
    /// The schema path written in each file's first line.
    pub schema: String,
    /// Ids already used by the files in the output folder.
    pub taken: BTreeSet<String>,
    /// Drafts in the output folder that an earlier import made from the same files.
    pub previous: Vec<PathBuf>,
    /// What was noticed while resolving the settings (a docctl.yaml that does not load).
    pub warnings: Vec<String>,
}

impl ImportSettings {
    /// Resolve `import`'s arguments and the docctl.yaml of the set the output folder is in.
    pub fn from_args(args: &ImportArgs) -> Result<Self, Error> {
        let mut settings = ImportSettings {
            files: args.files.clone(),
            out: args.out.clone(),
            force: args.force,
            dry_run: args.dry_run,
            structure: structure::Settings::default(),
            schema: "../schema/procedure.schema.json".to_owned(),
            taken: BTreeSet::new(),
            previous: Vec::new(),
            warnings: Vec::new(),
        };
        let cwd = std::env::current_dir().map_err(|e| Error::io(".", e))?;
        let out = cwd.join(&args.out);
        if let Some(root) = out.ancestors().find(|d| d.join(CONFIG_FILE).is_file()) {
            let depth = out
                .strip_prefix(root)
                .map_or(1, |rel| rel.components().count());
            settings.schema = format!("{}schema/procedure.schema.json", "../".repeat(depth));
            let path = root.join(CONFIG_FILE);
            let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
            match load::parse::<Config>(CONFIG_FILE, &text) {
                Ok(config) => {
                    settings.structure.scheme = config.version_scheme;
                    let mut names: Vec<String> = config
                        .departments
                        .iter()
                        .map(|d| d.value.0.clone())
                        .collect();
                    names.extend(config.department_aliases.keys().cloned());
                    settings.structure.departments = names;
                    settings.structure.sections = config.import.sections.clone();
                }
                Err(d) => settings.warnings.push(format!(
                    "{} does not load ({}); importing with the default version scheme",
                    path.display(),
                    d.message
                )),
            }
        }
        // The drafts of an earlier import of the same files are replaced (with --force) or
        // protected (without); their ids are free again. Every other id stays taken.
        let sources: Vec<String> = args
            .files
            .iter()
            .filter_map(|f| f.file_name())
            .map(|n| format!("{} {} lines", yaml::DRAFTED_FROM, n.to_string_lossy()))
            .collect();
        if out.is_dir() {
            for entry in walkdir::WalkDir::new(&out).into_iter().flatten() {
                let name = entry.file_name().to_string_lossy();
                if !(name.ends_with(".yaml") || name.ends_with(".yml")) {
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(entry.path()) else {
                    continue;
                };
                if sources.iter().any(|s| text.contains(s.as_str())) {
                    settings.previous.push(entry.path().to_path_buf());
                    continue;
                }
                settings.taken.extend(load::scrape_names(&text).0);
            }
        }
        Ok(settings)
    }
}

/// One passage of a source, after the structure stage (and, for procedures, with its file).
struct Planned {
    source: usize,
    outcome: Outcome,
    file: Option<(PathBuf, String, String)>,
    /// For the structured import: what it mapped, and the share of text that reached the YAML.
    built: Option<(outline::Built, Option<outline::Coverage>)>,
}

/// Return whether a file is a draft an import wrote: its header comment (in the comment lines
/// that open the file) says so, and it is still `status: draft`.
fn own_draft(path: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(path) else {
        return false;
    };
    let header = text
        .lines()
        .take_while(|l| l.starts_with('#'))
        .any(|l| l.starts_with("# import: ") && l.contains(yaml::DRAFTED_FROM));
    let draft = text
        .lines()
        .any(|l| l.split('#').next().unwrap_or("").trim_end() == "status: draft");
    header && draft
}

/// Run `docctl import`; return whether any procedure was found.
pub fn run(settings: &ImportSettings) -> Result<bool, Error> {
    let sources: Vec<Source> = settings
        .files
        .iter()
        .map(|f| import::read(f))
        .collect::<Result<_, _>>()?;
    let mut planned = Vec::new();
    for (index, source) in sources.iter().enumerate() {
        if let Some(doc) = &source.doc {
            let stem = source
                .path
                .file_stem()
                .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
            let built = outline::build(doc, &source.display, &stem, &settings.structure);
            let outcome = match &built.made {
                outline::Made::Procedure(d) => Outcome::Procedure(d.clone()),
                outline::Made::Form(f) => Outcome::Form(f.clone()),
            };
            planned.push(Planned {
                source: index,
                outcome,
                file: None,
                built: Some((built, None)),
            });
            continue;
        }
        for passage in import::split(&source.lines) {
            planned.push(Planned {
                source: index,
                outcome: import::build(&passage, source, &settings.structure),
                file: None,
                built: None,
            });
        }
    }
    let mut drafts: Vec<&mut Draft> = planned
        .iter_mut()
        .filter_map(|p| match &mut p.outcome {
            Outcome::Procedure(draft) => Some(draft.as_mut()),
            Outcome::Skipped(_) | Outcome::Form(_) => None,
        })
        .collect();
    structure::mark_copies(&mut drafts);
    assign_files(settings, &sources, &mut planned)?;
    let targets: Vec<&Path> = planned
        .iter()
        .filter_map(|p| p.file.as_ref().map(|(path, _, _)| path.as_path()))
        .collect();
    let mut existing: Vec<&Path> = targets.iter().copied().filter(|p| p.exists()).collect();
    existing.extend(settings.previous.iter().map(PathBuf::as_path));
    existing.sort();
    existing.dedup();
    let theirs: Vec<String> = existing
        .iter()
        .filter(|p| !own_draft(p))
        .map(|p| p.display().to_string())
        .collect();
    if !theirs.is_empty() && !settings.dry_run {
        return Err(Error::Refused(format!(
            "not replacing {}: import replaces only drafts it wrote itself (its `# import: {}` header and status: draft), never a document someone took over or made effective, even with --force; import into another folder with -o",
            theirs.join(", "),
            yaml::DRAFTED_FROM
        )));
    }
    if !existing.is_empty() && !settings.force && !settings.dry_run {
        let list: Vec<String> = existing.iter().map(|p| p.display().to_string()).collect();
        return Err(Error::Refused(format!(
            "not overwriting {} (drafts of an earlier import, or files in the way): use --force to replace them, or import into another folder with -o",
            list.join(", ")
        )));
    }
    if !settings.dry_run {
        for (path, text, _) in planned.iter().filter_map(|p| p.file.as_ref()) {
            write_atomic(path, text.as_bytes())?;
        }
        // An earlier draft of the same file that this import did not write again is stale.
        for stale in settings.previous.iter().filter(|p| {
            // `previous` holds absolute paths, the targets the paths as given (-o procedures).
            let p = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
            !targets
                .iter()
                .any(|t| std::path::absolute(t).is_ok_and(|t| t == p))
        }) {
            std::fs::remove_file(stale).map_err(|e| Error::io(stale, e))?;
            eprintln!(
                "removed {} (an earlier draft of the same file)",
                stale.display()
            );
        }
    }
    let lost = print(settings, &sources, &planned);
    let any = planned
        .iter()
        .any(|p| matches!(p.outcome, Outcome::Procedure(_) | Outcome::Form(_)));
    Ok(any && !lost)
}

/// Give every draft an id (its 文件编号, or `IMP-001` …, never one already used), render it,
/// and make sure it loads as a procedure.
fn assign_files(
    settings: &ImportSettings,
    sources: &[Source],
    planned: &mut [Planned],
) -> Result<(), Error> {
    let mut taken: BTreeSet<String> = settings.taken.clone();
    let mut files: BTreeSet<String> = BTreeSet::new();
    let mut next = 1;
    for plan in planned.iter_mut() {
        let (wanted, lines, notes) = match &mut plan.outcome {
            Outcome::Procedure(draft) => (draft.header.id.clone(), draft.lines, &mut draft.notes),
            Outcome::Form(form) => (form.header.id.clone(), form.lines, &mut form.notes),
            Outcome::Skipped(_) => continue,
        };
        let own = wanted
            .clone()
            .filter(|id| !taken.contains(id) && !files.contains(&DocId(id.clone()).slug()));
        if let (Some(id), None) = (&wanted, &own) {
            notes.push(Note {
                line: lines.0,
                text: format!("文件编号 {id} is already used: a new id instead"),
            });
            // The source's number is kept in the text, not lost.
            let kept = format!("文件编号 (already used in the set): {id}");
            match &mut plan.outcome {
                Outcome::Procedure(draft) if plan.built.is_some() => {
                    draft.appendices.push(("文件编号".to_owned(), kept));
                }
                Outcome::Form(form) => {
                    if !form.instructions.is_empty() {
                        form.instructions.push_str("\n\n");
                    }
                    form.instructions.push_str(&kept);
                }
                _ => {}
            }
        }
        let id = match own {
            Some(id) => id,
            None => loop {
                let id = format!("IMP-{next:03}");
                next += 1;
                if !taken.contains(&id) && !files.contains(&DocId(id.clone()).slug()) {
                    break id;
                }
            },
        };
        taken.insert(id.clone());
        let slug = DocId(id.clone()).slug();
        files.insert(slug.clone());
        let source = &sources[plan.source];
        let name = source.path.file_name().map_or_else(
            || source.display.clone(),
            |n| n.to_string_lossy().into_owned(),
        );
        let from = format!("{name} lines {}–{}", lines.0, lines.1);
        let path = settings.out.join(format!("{slug}.yaml"));
        let rel = path.display().to_string();
        let (text, loaded) = match &plan.outcome {
            Outcome::Procedure(draft) => {
                let schema = settings.schema.clone();
                let text = yaml::render(
                    draft,
                    yaml::Frame {
                        id: &id,
                        schema: &schema,
                        source: &from,
                    },
                );
                let loaded = load::parse::<Procedure>(&rel, &text).map(|_| ());
                (text, loaded)
            }
            Outcome::Form(form) => {
                let schema = settings.schema.replace("procedure.schema", "form.schema");
                let text = yaml::render_form(
                    form,
                    yaml::Frame {
                        id: &id,
                        schema: &schema,
                        source: &from,
                    },
                );
                let loaded = load::parse::<Form>(&rel, &text).map(|_| ());
                (text, loaded)
            }
            Outcome::Skipped(_) => continue,
        };
        if let Err(d) = loaded {
            return Err(Error::internal(format!(
                "docctl import drafted YAML that does not load ({rel}:{}:{}: {}); this is a bug, please report it with the source file",
                d.line, d.column, d.message
            )));
        }
        if let (Some((built, coverage)), Some(doc)) = (&mut plan.built, &source.doc) {
            *coverage = Some(outline::coverage(doc, built, &text));
        }
        plan.file = Some((path, text, id));
    }
    Ok(())
}

/// Print the report: per source, per passage what became of it, the guesses, and the
/// problems of the source with their file, line and column.
/// Returns whether some source text was lost (coverage below 100 %).
fn print(settings: &ImportSettings, sources: &[Source], planned: &[Planned]) -> bool {
    let mut lost = false;
    for warning in &settings.warnings {
        eprintln!("warning: {warning}");
    }
    let mut imported = 0;
    let mut skipped = 0;
    let mut problems = 0;
    for (index, source) in sources.iter().enumerate() {
        let plans: Vec<&Planned> = planned.iter().filter(|p| p.source == index).collect();
        let procedures = plans
            .iter()
            .filter(|p| matches!(p.outcome, Outcome::Procedure(_) | Outcome::Form(_)))
            .count();
        eprintln!(
            "import {} ({}, {} {}): {procedures} procedure(s), {} passage(s) skipped",
            source.display,
            source.encoding,
            source.lines.len(),
            if source.kind == import::SourceKind::Docx {
                "paragraphs"
            } else {
                "lines"
            },
            plans.len() - procedures
        );
        for plan in plans {
            let diagnostics: &[Diagnostic] = match &plan.outcome {
                Outcome::Procedure(draft) => {
                    imported += 1;
                    print_procedure(draft, plan.file.as_ref(), settings.dry_run);
                    &draft.problems
                }
                Outcome::Skipped(s) => {
                    skipped += 1;
                    let title = if s.title.is_empty() {
                        "(untitled)"
                    } else {
                        &s.title
                    };
                    eprintln!(
                        "  lines {:>3}–{:<3}  skipped  {title}",
                        s.lines.0, s.lines.1
                    );
                    std::slice::from_ref(&s.diagnostic)
                }
                Outcome::Form(form) => {
                    imported += 1;
                    print_form(form, plan.file.as_ref(), settings.dry_run);
                    &[]
                }
            };
            if let Some((_, Some(coverage))) = &plan.built {
                lost |= print_coverage(coverage, source);
            }
            for d in diagnostics {
                if d.code != Code::ImportSkipped {
                    problems += 1;
                }
                print_diagnostic(d, source);
            }
        }
    }
    let verb = if settings.dry_run {
        "would import"
    } else {
        "imported"
    };
    eprintln!(
        "{verb} {imported} procedure(s) into {}, skipped {skipped} passage(s); {problems} problem(s) in the source",
        settings.out.display()
    );
    if lost {
        eprintln!(
            "error: some source text reached no field of the YAML (listed above as import-lost)"
        );
    }
    lost
}

/// Print the share of the source text that reached the YAML, the furniture left out, and
/// every passage lost; return whether one was.
fn print_coverage(coverage: &outline::Coverage, source: &Source) -> bool {
    let percent = coverage.percent();
    eprintln!(
        "      coverage: {:.1} % of the text ({} of {} characters) is in the YAML",
        if coverage.lost.is_empty() {
            100.0
        } else {
            percent.min(99.9)
        },
        coverage.reached,
        coverage.total
    );
    for (place, text) in &coverage.furniture {
        eprintln!("      furniture ({place}, not imported): 「{text}」");
    }
    for piece in &coverage.lost {
        eprintln!(
            "    error[{}] {}:{}:1: 「{}」 reached no field of the YAML",
            Code::ImportLost,
            source.display,
            piece.line,
            crate::import::short(&piece.text)
        );
    }
    !coverage.lost.is_empty()
}

fn print_form(form: &outline::FormDraft, file: Option<&(PathBuf, String, String)>, dry_run: bool) {
    print_plan(
        form.lines,
        &form.header.title,
        &format!("form: {}, {} fields", form.layout, form.fields.len()),
        form.notes.iter(),
        file,
        dry_run,
    );
}

fn print_procedure(draft: &Draft, file: Option<&(PathBuf, String, String)>, dry_run: bool) {
    let mut notes: Vec<&Note> = draft.notes.iter().collect();
    notes.sort_by_key(|n| n.line);
    print_plan(
        draft.lines,
        &draft.header.title,
        &format!(
            "{} responsibilities, {} steps, {} related, {} records",
            draft.responsibilities.len(),
            count_steps(&draft.steps),
            draft.related.len(),
            draft.records.len(),
        ),
        notes,
        file,
        dry_run,
    );
    let departments: BTreeSet<&str> = draft
        .responsibilities
        .iter()
        .map(|(d, _)| d.as_str())
        .collect();
    if !departments.is_empty() {
        let list: Vec<&str> = departments.into_iter().collect();
        eprintln!("      departments: {}", list.join(", "));
    }
}

/// Print what a document of the source became and where it goes, then the import's notes on it.
fn print_plan<'n>(
    lines: (usize, usize),
    title: &str,
    summary: &str,
    notes: impl IntoIterator<Item = &'n Note>,
    file: Option<&(PathBuf, String, String)>,
    dry_run: bool,
) {
    let (path, id) = file.map_or(("?".to_owned(), "?"), |(p, _, id)| {
        (p.display().to_string(), id.as_str())
    });
    eprintln!(
        "  lines {:>3}–{:<3}  {id}  {title} {} {path} ({summary})",
        lines.0,
        lines.1,
        if dry_run { "(not written)" } else { "→" },
    );
    for note in notes {
        eprintln!("      line {}: {}", note.line, note.text);
    }
}

/// Print a problem of the source: `warning[code] file:line:column: message`, the source
/// around the column with the offending text marked, and the help.
fn print_diagnostic(d: &Diagnostic, source: &Source) {
    let severity = d.severity.as_str();
    eprintln!(
        "    {severity}[{}] {}:{}:{}: {}",
        d.code, d.file, d.line, d.column, d.message
    );
    if let Some(line) = source.lines.get(d.line as usize - 1) {
        let chars: Vec<char> = line.chars().collect();
        let at = (d.column as usize - 1).min(chars.len());
        let end = (at + d.width).min(chars.len());
        let from = at.saturating_sub(30);
        let to = (end + 30).min(chars.len());
        let text = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
        eprintln!(
            "      {}{}⟦{}⟧{}{}",
            if from > 0 { "…" } else { "" },
            text(from, at),
            text(at, end),
            text(end, to),
            if to < chars.len() { "…" } else { "" }
        );
    }
    if let Some(help) = &d.help {
        eprintln!("      help: {help}");
    }
}

fn count_steps(steps: &[structure::DraftStep]) -> usize {
    steps.iter().map(|s| 1 + count_steps(&s.steps)).sum()
}

/// Run `docctl import` from its command line; return whether everything was imported.
pub fn invoke(args: &crate::cli::ImportArgs) -> Result<bool, Error> {
    run(&ImportSettings::from_args(args)?)
}
