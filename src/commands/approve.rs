//! `docctl approve ID --as ROLE`: record a signature (编制, 审核, 批准) in a draft's YAML in
//! place; the third, in order, makes the document effective.

use std::path::PathBuf;

use serde_json::json;

use crate::edit::{self, ROLES, SignatureText};
use crate::error::Error;
use crate::model::{Date, SignRole, Signature, Signer, Sp, Status};
use crate::workspace::{Source, find_document};
use crate::{git, load, signers};

/// What `approve` needs to run.
#[derive(Debug, Clone)]
pub struct ApproveSettings {
    /// The set's folder.
    pub root: PathBuf,
    /// The document's id or title.
    pub id: String,
    /// `prepared`, `reviewed` or `approved`.
    pub role: SignRole,
    /// Who signs.
    pub name: String,
    /// When.
    pub date: Date,
    /// The effective date, when the approval makes the document effective (default: `date`).
    pub effective: Option<Date>,
    /// Commit the signed file with a `Signed-as:` trailer.
    pub commit: bool,
}

/// Keys after which a new approval block goes, nearest first: it belongs before
/// `distribution` in the documented key order.
const APPROVAL_AFTER: &[&str] = &["clauses", "aliases", "lang", "owner", "effective", "status"];

/// Refuse `--commit` outside git, or when git would record someone other than the signer as
/// the author.
fn expect_git_author(root: &std::path::Path, signer: Option<&Signer>) -> Result<(), Error> {
    git::expect_work_tree(root)?;
    let Some(email) = signer.and_then(|s| s.email.as_ref()) else {
        return Ok(());
    };
    let configured = git::user_email(root)?;
    if !configured.eq_ignore_ascii_case(email.value.as_str().trim()) {
        return Err(Error::Usage(format!(
            "git commits here as `{configured}`, but {} signs as `{}`: `--verify-signatures` would reject the commit; run it as the signer (git config user.email)",
            signer.map_or("", |s| s.name.value.as_str()),
            email.value
        )));
    }
    Ok(())
}

/// Run `docctl approve`.
pub fn run(settings: &ApproveSettings) -> Result<(), Error> {
    let library = load::load(&settings.root)?;
    let found = find_document(&library, &settings.id)?;
    let loaded = &library.documents[found];
    let file = Source::read(&settings.root, &loaded.file, loaded.doc.kind())?;
    let header = file.doc.header();
    let id = header.id.value.to_string();
    let version = header.version.value.to_string();
    if header.status.value != Status::Draft {
        return Err(Error::Usage(format!(
            "{id} {version} is {}: only a draft is signed; start a new revision with `docctl revise {id} --minor -m … --by …`",
            header.status.value.as_str()
        )));
    }
    if let Some(release) = library.ledger.release(&id, &version) {
        return Err(Error::Usage(format!(
            "{id} {version} was already released on {}: a released revision is never signed again; run `docctl revise {id}` for the next version",
            release.released
        )));
    }
    let role = settings.role.as_str();
    let position = ROLES.iter().position(|r| *r == role).unwrap_or(0);
    let signed: Vec<Option<&Sp<Signature>>> = {
        let a = header.approval;
        vec![
            a.and_then(|a| a.prepared.as_ref()),
            a.and_then(|a| a.reviewed.as_ref()),
            a.and_then(|a| a.approved.as_ref()),
        ]
    };
    if position > 0 && signed[position - 1].is_none() {
        return Err(Error::Usage(format!(
            "{id} is not yet signed as {}: the signatures go prepared (编制) → reviewed (审核) → approved (批准)",
            ROLES[position - 1]
        )));
    }
    if let Some(later) = (position + 1..3).find(|&p| signed[p].is_some()) {
        return Err(Error::Usage(format!(
            "{id} is already signed as {}: a signature before it cannot change any more",
            ROLES[later]
        )));
    }
    if let Some(previous) = position.checked_sub(1).and_then(|p| signed[p])
        && settings.date.0 < previous.value.date.value.0
    {
        return Err(Error::Usage(format!(
            "the {role} date {} is earlier than the {} date {}: signatures are dated in order",
            settings.date,
            ROLES[position - 1],
            previous.value.date.value
        )));
    }
    let signer = signers::admit(
        &library.config,
        &file.doc,
        SignRole::ALL[position],
        &settings.name,
        settings.date,
    )
    .map_err(Error::Usage)?;
    if settings.commit {
        expect_git_author(&settings.root, signer)?;
    }
    let effective = match (role, settings.effective) {
        ("approved", Some(date)) if date.0 < settings.date.0 => {
            return Err(Error::Usage(format!(
                "--effective {date} is before the approval ({})",
                settings.date
            )));
        }
        ("approved", date) => Some(date.unwrap_or(settings.date)),
        (_, Some(_)) => {
            return Err(Error::Usage(
                "--effective goes with the last signature, `--as approved`".to_owned(),
            ));
        }
        (_, None) => None,
    };

    let mut signatures = Vec::new();
    let mut expected = crate::publish::canonical_value(&file.doc);
    for (n, existing) in signed.iter().enumerate().take(position + 1) {
        let (name, date, signed_version) = match (n == position, existing) {
            (true, _) => (
                settings.name.clone(),
                settings.date.to_string(),
                Some(version.clone()),
            ),
            (false, Some(s)) => (
                s.value.name.to_string(),
                s.value.date.value.to_string(),
                s.value.version.as_ref().map(|v| v.value.0.clone()),
            ),
            (false, None) => continue,
        };
        let mut value = json!({"name": name, "date": date});
        if let Some(v) = &signed_version {
            value["version"] = json!(v);
        }
        expected["document"]["approval"][ROLES[n]] = value;
        signatures.push(SignatureText {
            role: ROLES[n],
            name: edit::scalar(&name),
            date,
            version: signed_version.map(|v| edit::scalar(&v)),
        });
    }
    let mut text = file.text.clone();
    if let Some(date) = effective {
        text = edit::replace_scalar(&text, &header.status.pos, Status::Effective.as_str())?;
        text = edit::set_key_line(&text, "effective", &date.to_string(), &["status"]);
        expected["document"]["status"] = json!("effective");
        expected["document"]["effective"] = json!(date.to_string());
    }
    text = edit::set_approval(&text, &signatures, Some(role), APPROVAL_AFTER);
    file.write_verified(&text, expected)?;
    if settings.commit {
        let trailer = format!("Signed-as: {role} {id} {version}");
        let message = format!(
            "approve {id} {version}: {} by {}\n\n{trailer}",
            SignRole::ALL[position].label(),
            settings.name
        );
        let commit = git::commit_file(&settings.root, &file.rel, &message)?;
        eprintln!("committed {} ({trailer})", &commit[..commit.len().min(10)]);
    }
    match effective {
        Some(date) => eprintln!(
            "approved {id} {version} ({}): effective from {date}; archive it with `docctl publish`",
            file.rel
        ),
        None => eprintln!(
            "signed {id} {version} as {role} by {} on {} ({}); next: --as {}",
            settings.name,
            settings.date,
            file.rel,
            ROLES[position + 1]
        ),
    }
    Ok(())
}

/// Run `docctl approve` from its command line.
pub fn invoke(args: crate::cli::ApproveArgs) -> Result<bool, Error> {
    run(&ApproveSettings {
        date: crate::settings::today_or(args.date),
        effective: args.effective,
        root: args.set.dir().to_path_buf(),
        id: args.id,
        role: match args.role {
            crate::cli::Role::Prepared => SignRole::Prepared,
            crate::cli::Role::Reviewed => SignRole::Reviewed,
            crate::cli::Role::Approved => SignRole::Approved,
        },
        name: crate::fold::required("--name", &args.name)?,
        commit: args.commit,
    })?;
    Ok(true)
}
