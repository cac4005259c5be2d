//! `check --verify-signatures`: each signature of each effective document is traced to the git
//! commit that added its line, and that commit must be the signer's: authored with their
//! email and, when they have a key, signed with it.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use rayon::prelude::*;

use crate::diagnostic::{Code, Diagnostic};
use crate::git::{self, Blame};
use crate::load::Library;
use crate::model::{Signature, Signer, Sp, Status};
use crate::signers;

/// Trace every signature of every effective document to its commit; report the unattributable.
pub fn signatures(library: &Library, root: &Path) -> Vec<Diagnostic> {
    let listed = library.config.signers.as_deref().unwrap_or_default();
    let effective: Vec<&crate::load::Loaded> = library
        .documents
        .iter()
        .filter(|l| l.doc.header().status.value == Status::Effective)
        .collect();
    // One `git blame` per file, run in parallel: they are most of the time taken.
    let blames: Vec<Result<BTreeMap<u32, Blame>, String>> = effective
        .par_iter()
        .map(|loaded| {
            let mut lines: Vec<u32> = signers::signed(loaded.doc.header().approval)
                .flat_map(|(_, s)| [s.value.name.pos.line, s.value.date.pos.line])
                .collect();
            lines.sort_unstable();
            lines.dedup();
            git::blame(root, &loaded.file, &lines).map_err(|e| format!("no commit found ({e})"))
        })
        .collect();
    let mut verified = HashMap::new();
    let mut out = Vec::new();
    for (loaded, blame) in effective.into_iter().zip(blames) {
        for (role, signature) in signers::signed(loaded.doc.header().approval) {
            let entries = signers::named(listed, &signature.value.name.value);
            let result = blame
                .as_ref()
                .map_err(Clone::clone)
                .and_then(|blame| attributed(root, signature, &entries, blame, &mut verified));
            if let Err(why) = result {
                let name = &signature.value.name;
                out.push(
                    Diagnostic::new(
                        Code::SignatureUnverified,
                        &loaded.file,
                        name.pos,
                        format!("the {} signature of `{}`: {why}", role.label(), name.value),
                    )
                    .with_width(name.chars().count())
                    .with_help(
                        "the signer commits their own signature (`docctl approve --commit`), signed with the key listed under `signers` in docctl.yaml",
                    ),
                );
            }
        }
    }
    out
}

/// Check that the commits of the signature's lines are the signer's.
fn attributed(
    root: &Path,
    signature: &Sp<Signature>,
    entries: &[&Signer],
    blame: &BTreeMap<u32, Blame>,
    verified: &mut HashMap<String, Result<git::Verification, String>>,
) -> Result<(), String> {
    let emails: Vec<&str> = entries
        .iter()
        .filter_map(|s| s.email.as_ref().map(|e| e.value.as_str().trim()))
        .collect();
    let keys: Vec<&str> = entries
        .iter()
        .filter_map(|s| s.key.as_ref().map(|k| k.value.as_str()))
        .collect();
    if emails.is_empty() && keys.is_empty() {
        return Err(
            "docctl.yaml gives no email or key for this signer, so no commit can be attributed to them"
                .to_owned(),
        );
    }
    let mut lines = vec![signature.value.name.pos.line, signature.value.date.pos.line];
    lines.dedup();
    for line in lines {
        let Some(blame) = blame.get(&line) else {
            return Err(format!("git blame found no commit for line {line}"));
        };
        if blame.uncommitted() {
            return Err(format!("line {line} is not committed yet"));
        }
        check_commit(root, blame, &emails, &keys, verified)?;
    }
    Ok(())
}

fn check_commit(
    root: &Path,
    blame: &Blame,
    emails: &[&str],
    keys: &[&str],
    verified: &mut HashMap<String, Result<git::Verification, String>>,
) -> Result<(), String> {
    let subject: String = blame.summary.chars().take(50).collect();
    let more = if subject.len() < blame.summary.len() {
        "…"
    } else {
        ""
    };
    let commit = format!("commit {} \"{subject}{more}\"", blame.short());
    if !emails.is_empty()
        && !emails
            .iter()
            .any(|e| e.eq_ignore_ascii_case(&blame.author_email))
    {
        return Err(format!(
            "{commit} that added it is by <{}>, not <{}>",
            blame.author_email,
            emails.join(">, <")
        ));
    }
    if keys.is_empty() {
        return Ok(());
    }
    let verification = verified
        .entry(blame.commit.clone())
        .or_insert_with(|| git::verify_commit(root, &blame.commit))
        .clone()?;
    if !verification.good {
        return Err(format!(
            "{commit} that added it has no good signature ({})",
            verification.said
        ));
    }
    if !keys
        .iter()
        .any(|k| git::key_matches(k, &verification.fingerprints))
    {
        return Err(format!(
            "{commit} that added it is signed by {}, not by {}",
            verification.fingerprints.join(", "),
            keys.join(", ")
        ));
    }
    Ok(())
}
