//! `docctl revise ID`: start the next revision of a document — the next version under the
//! set's scheme, a history entry, status back to draft, approvals and effective date cleared —
//! by editing its YAML in place.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::edit;
use crate::error::Error;
use crate::load;
use crate::model::{Date, Status};
use crate::publish;
use crate::workspace::{Source, find_document};

/// What `revise` needs to run.
#[derive(Debug, Clone)]
pub struct ReviseSettings {
    /// The set's folder.
    pub root: PathBuf,
    /// The document's id or title.
    pub id: String,
    /// A major revision (A/1 → B/0) rather than a minor one (A/0 → A/1).
    pub major: bool,
    /// What changes (修订内容).
    pub message: String,
    /// Who makes the change (修订人).
    pub by: String,
    /// The date of the history entry.
    pub date: Date,
    /// The approved change request this revision is made for.
    pub request: Option<String>,
}

/// Run `docctl revise`.
pub fn run(settings: &ReviseSettings) -> Result<(), Error> {
    let library = load::load(&settings.root)?;
    let found = find_document(&library, &settings.id)?;
    let loaded = &library.documents[found];
    let header = loaded.doc.header();
    let id = header.id.value.to_string();
    match header.status.value {
        Status::Draft => {
            return Err(Error::Usage(format!(
                "{id} is already a draft (version {}): finish it with `docctl approve`; revise starts a new revision of an effective document",
                header.version.value
            )));
        }
        Status::Obsolete => {
            return Err(Error::Usage(format!(
                "{id} is obsolete (作废): an obsolete document is not revised"
            )));
        }
        Status::Effective => {}
    }
    let request = match &settings.request {
        Some(number) => Some(crate::request::check_link(&settings.root, number, &id)?),
        None => None,
    };
    let scheme = library.config.version_scheme;
    let current = header.version.value.0.as_str();
    let (major, minor) = scheme.parse(current).ok_or_else(|| {
        Error::Usage(format!(
            "{id}: version `{current}` does not follow the {} scheme, so its successor is unknown",
            scheme.name()
        ))
    })?;
    let (next_parts, which) = if settings.major {
        (major.checked_add(1).map(|m| (m, 0)), "major")
    } else {
        (minor.checked_add(1).map(|n| (major, n)), "minor")
    };
    let next = next_parts.map(|parts| scheme.format(parts));
    let Some(next) = next.filter(|next| scheme.parse(next) == next_parts) else {
        return Err(Error::Usage(format!(
            "{id}: version `{current}` has no {which} successor under the {} scheme (the numbers have run out)",
            scheme.name()
        )));
    };
    if let Some(last) = header.history.last()
        && settings.date.0 < last.date.value.0
    {
        return Err(Error::Usage(format!(
            "--date {} is earlier than the last history entry ({}): history dates never go back",
            settings.date, last.date.value
        )));
    }

    let file = Source::read(&settings.root, &loaded.file, loaded.doc.kind())?;
    let doc = &file.doc;
    let header = doc.header();
    // Value replacements first, at the spans the loader kept (latest first so that earlier
    // offsets stay valid), then the line edits, which find their keys afresh.
    let mut spans = [
        (header.version.pos, next.clone()),
        (header.status.pos, Status::Draft.as_str().to_owned()),
    ];
    spans.sort_by_key(|(pos, _)| std::cmp::Reverse(pos.offset));
    let mut text = file.text.clone();
    for (pos, value) in &spans {
        text = edit::replace_scalar(&text, pos, value)?;
    }
    text = edit::remove_key(&text, "effective");
    if header.approval.is_some() {
        text = edit::set_approval(&text, &[], None, &[]);
    }
    let mut entry = vec![
        ("version", edit::scalar(&next)),
        ("date", settings.date.to_string()),
        ("change", edit::scalar(&settings.message)),
        ("by", edit::scalar(&settings.by)),
    ];
    if let Some(request) = &request {
        entry.push(("request", edit::scalar(&request.number)));
    }
    text = edit::append_to_sequence(&text, "history", &entry)?;

    let mut expected = publish::canonical_value(doc);
    let body = &mut expected["document"];
    body["version"] = json!(next);
    body["status"] = json!("draft");
    remove(body, "effective");
    remove(body, "approval");
    let mut history = json!({"version": next, "date": settings.date.to_string(), "change": settings.message, "by": settings.by});
    if let Some(request) = &request {
        history["request"] = json!(request.number);
    }
    push_history(body, history);
    file.write_verified(&text, expected)?;
    if let Some(request) = request {
        let number = request.number.clone();
        crate::request::link(&settings.root, request, &next)?;
        eprintln!("linked {next} to change request {number}");
    }
    eprintln!(
        "revised {id}: {current} → {next} ({}), now a draft with its approvals cleared; sign it with `docctl approve {id} --as prepared --name …`",
        file.rel
    );
    Ok(())
}

fn remove(value: &mut Value, key: &str) {
    if let Some(map) = value.as_object_mut() {
        map.remove(key);
    }
}

fn push_history(body: &mut Value, entry: Value) {
    match body.get_mut("history").and_then(Value::as_array_mut) {
        Some(list) => list.push(entry),
        None => body["history"] = json!([entry]),
    }
}

/// Run `docctl revise` from its command line.
pub fn invoke(args: crate::cli::ReviseArgs) -> Result<bool, Error> {
    run(&ReviseSettings {
        date: crate::settings::today_or(args.date),
        root: args.set.dir().to_path_buf(),
        id: args.id,
        major: args.major,
        message: crate::fold::required("-m", &args.message)?,
        by: crate::fold::required("--by", &args.by)?,
        request: args.request,
    })?;
    Ok(true)
}
