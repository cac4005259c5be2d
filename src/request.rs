//! Change requests (文件更改申请) on disk: one plain YAML file each in `requests/`
//! (`requests/CR-2026-001.yaml`) — reading, listing, saving, and linking a revision to its
//! request. `docctl request` writes them; `revise --request` and the portal read them.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// The folder of the change requests inside a set.
pub const REQUESTS: &str = "requests";

/// A change request as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// Its number: CR-<year>-<nnn>.
    pub number: String,
    /// The document to change.
    pub document: String,
    /// Its title when the request was made.
    pub title: String,
    /// Its version when the request was made.
    pub version: String,
    /// What should change and why.
    pub what: String,
    /// Who asked.
    pub by: String,
    /// When.
    pub date: String,
    /// open, approved or rejected.
    pub status: String,
    /// The documents to re-review, as `docctl refs --impact` listed them that day.
    #[serde(default)]
    pub impact: Vec<Affected>,
    /// Who approved or rejected it, when, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    /// The revisions made for it (`docctl revise --request`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub revisions: Vec<String>,
}

/// A document the change may affect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Affected {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its version that day.
    pub version: String,
    /// 1: it cites the document (re-review it); 2 or more: reached through others.
    pub distance: usize,
}

/// The decision on a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// Who decided.
    pub by: String,
    /// When.
    pub date: String,
    /// Why, if said.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl Request {
    /// Return the request's file.
    pub fn path(root: &Path, number: &str) -> PathBuf {
        root.join(REQUESTS).join(format!("{number}.yaml"))
    }

    /// Read a request by number.
    pub fn load(root: &Path, number: &str) -> Result<Request, Error> {
        if !valid_number(number) {
            return Err(Error::Usage(format!(
                "`{number}` is not a change request number (CR-2026-001)"
            )));
        }
        let path = Request::path(root, number);
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        parse(&path, &text)
    }

    /// Return the file's text: YAML with a comment line on top.
    fn to_yaml(&self) -> Result<String, Error> {
        let body = serde_saphyr::to_string(self).map_err(|e| Error::Internal {
            message: format!("cannot write {}: {e}", self.number),
            source: Some(Box::new(e)),
        })?;
        Ok(format!(
            "# docctl change request (文件更改申请): written by `docctl request`\n{body}"
        ))
    }

    /// Write the request atomically; read it back to make sure it holds what was meant.
    /// `new` refuses to replace a request of the same number.
    pub fn save(&self, root: &Path, new: bool) -> Result<PathBuf, Error> {
        let path = Request::path(root, &self.number);
        let text = self.to_yaml()?;
        if parse(&path, &text)? != *self {
            return Err(Error::internal(format!(
                "{}: the request would not read back as written; nothing was written",
                path.display()
            )));
        }
        if new {
            let folder = root.join(REQUESTS);
            std::fs::create_dir_all(&folder).map_err(|e| Error::io(&folder, e))?;
            let mut temp = tempfile::Builder::new()
                .prefix(".docctl-")
                .tempfile_in(&folder)
                .map_err(|e| Error::io(&folder, e))?;
            std::io::Write::write_all(&mut temp, text.as_bytes())
                .map_err(|e| Error::io(&path, e))?;
            temp.as_file().sync_all().map_err(|e| Error::io(&path, e))?;
            temp.persist_noclobber(&path).map_err(|e| {
                Error::Refused(format!(
                    "{}: {}; another request took this number — try again",
                    path.display(),
                    e.error
                ))
            })?;
        } else {
            crate::write::write_durable(&path, text.as_bytes())?;
        }
        Ok(path)
    }
}

fn parse(path: &Path, text: &str) -> Result<Request, Error> {
    serde_saphyr::from_str(text)
        .map_err(|e| Error::malformed(format!("{}: not a change request: {e}", path.display()), e))
}

/// Return whether a text is a request number: CR-YYYY-NNN.
fn valid_number(number: &str) -> bool {
    let parts: Vec<&str> = number.split('-').collect();
    matches!(parts.as_slice(), ["CR", year, n]
        if year.len() == 4 && n.len() >= 3 && year.bytes().chain(n.bytes()).all(|b| b.is_ascii_digit()))
}

/// Every request of a set, by number.
pub fn all(root: &Path) -> Result<Vec<Request>, Error> {
    let folder = root.join(REQUESTS);
    let Ok(entries) = std::fs::read_dir(&folder) else {
        return Ok(Vec::new());
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter_map(|n| n.strip_suffix(".yaml").map(str::to_owned))
        .filter(|n| valid_number(n))
        .collect();
    names.sort();
    names.iter().map(|n| Request::load(root, n)).collect()
}

/// Check that `number` may be linked to a new revision of `id`, for `revise --request`.
pub fn check_link(root: &Path, number: &str, id: &str) -> Result<Request, Error> {
    let request = Request::load(root, number)?;
    if request.document != id {
        return Err(Error::Refused(format!(
            "{number} asks to change {}, not {id}",
            request.document
        )));
    }
    if request.status != "approved" {
        return Err(Error::Refused(format!(
            "{number} is {}: a revision is made for an approved request (`docctl request approve {number} --by NAME`)",
            request.status
        )));
    }
    Ok(request)
}

/// Record in the request that revision `version` was made for it.
pub fn link(root: &Path, mut request: Request, version: &str) -> Result<(), Error> {
    if !request.revisions.iter().any(|v| v == version) {
        request.revisions.push(version.to_owned());
    }
    request.save(root, false).map(|_| ())
}
