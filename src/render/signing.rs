//! The portal's 待签署 page: per draft awaiting a signature, who may give it, the exact
//! `docctl approve` command and a ready pull-request description, for approvers who never run
//! docctl themselves.

use serde::Serialize;

use crate::error::Error;
use crate::load::Library;
use crate::model::{Date, SignRole, Status};
use crate::render::templates::Templates;
use crate::render::view::SiteView;
use crate::signers;

/// A draft awaiting its next signature, for `signing.html`.
#[derive(Debug, Clone, Serialize)]
pub struct AwaitingView {
    /// 文件编号.
    pub id: String,
    /// Title.
    pub title: String,
    /// The draft's version.
    pub version: String,
    /// 归口部门.
    pub owner: String,
    /// The document's page in the portal.
    pub href: String,
    /// The signature awaited: `prepared`, `reviewed` or `approved` (a key of the label table).
    pub role: &'static str,
    /// The signatures already given: `prepared (编制) 张三 2026-10-01`.
    pub signed: Vec<String>,
    /// Who may sign it today; empty with `anyone` when the set lists no signers.
    pub signers: Vec<String>,
    /// Whether the set lists no signers, so that anyone may sign.
    pub anyone: bool,
    /// The command each possible signer runs in the set's folder.
    pub commands: Vec<String>,
    /// The pull request's title.
    pub pr_title: String,
    /// The pull request's description (Markdown).
    pub pr_body: String,
}

/// Return how many documents await a signature.
pub fn count(library: &Library) -> usize {
    library
        .documents
        .iter()
        .filter(|l| next_role(l.doc.header().approval, l.doc.header().status.value).is_some())
        .count()
}

/// The next signature a document needs, when it is a draft.
fn next_role(approval: Option<&crate::model::Approval>, status: Status) -> Option<SignRole> {
    if status != Status::Draft {
        return None;
    }
    let given: Vec<SignRole> = signers::signed(approval).map(|(r, _)| r).collect();
    SignRole::ALL.into_iter().find(|r| !given.contains(r))
}

/// Build the views of every document awaiting a signature, the signers authorised on `today`.
pub fn awaiting(library: &Library, today: Date) -> Vec<AwaitingView> {
    let config = &library.config;
    let mut out = Vec::new();
    for loaded in &library.documents {
        let header = loaded.doc.header();
        let Some(role) = next_role(header.approval, header.status.value) else {
            continue;
        };
        let id = header.id.value.0.as_str();
        let mut names: Vec<String> = Vec::new();
        for s in config.signers.iter().flatten() {
            let name = s.name.value.to_string();
            let ok = signers::admit(config, &loaded.doc, role, &name, today).is_ok();
            if ok && !names.contains(&name) {
                names.push(name);
            }
        }
        let anyone = config.signers.is_none();
        let command_names: Vec<String> = if anyone {
            vec!["姓名".to_owned()]
        } else {
            names.clone()
        };
        let commands: Vec<String> = command_names
            .iter()
            .map(|name| {
                format!(
                    "docctl approve {} --as {} --name {} --commit",
                    shell_word(id),
                    role.as_str(),
                    shell_word(name)
                )
            })
            .collect();
        let signed: Vec<String> = signers::signed(header.approval)
            .map(|(r, s)| {
                format!(
                    "{} {} {}",
                    r.label(),
                    s.value.name.value,
                    s.value.date.value
                )
            })
            .collect();
        let version = header.version.value.to_string();
        let title = header.title.value.to_string();
        let href = format!("{}.html", crate::render::output_base(&loaded.doc));
        let pr_title = format!("Sign {id} {version} 《{title}》 as {}", role.label());
        let mut body = format!(
            "**Document**: {id} 《{title}》, version {version} (draft), owner {}\n",
            header.owner.map_or("—".to_owned(), |o| o.value.to_string())
        );
        if let Some(last) = header.history.last() {
            body.push_str(&format!("**Change (修订内容)**: {}\n", last.change.value));
        }
        for line in &signed {
            body.push_str(&format!("**Signed**: {line}\n"));
        }
        body.push_str(&format!(
            "**Awaiting**: {} by {}\n\nTo sign, the signer checks out this branch and runs in the set's folder:\n\n",
            role.label(),
            if anyone {
                "the signer".to_owned()
            } else if names.is_empty() {
                "nobody yet: add an authorised signer to `signers` in docctl.yaml".to_owned()
            } else {
                names.join(" or ")
            }
        ));
        for command in &commands {
            body.push_str(&format!("    {command}\n"));
        }
        body.push_str(&format!(
            "    git push\n\nThe commit carries the trailer `Signed-as: {} {id} {version}`; CI runs `docctl check --verify-signatures`. Merge with a merge commit (not squash or rebase) so that the signer's own commit stays in the history.\n",
            role.as_str()
        ));
        out.push(AwaitingView {
            id: id.to_owned(),
            title,
            version,
            owner: crate::render::or_empty(header.owner),
            href,
            role: role.as_str(),
            signed,
            signers: names,
            anyone,
            commands,
            pr_title,
            pr_body: body,
        });
    }
    out
}

/// Render `signing.html`.
pub fn page(
    library: &Library,
    templates: &Templates,
    site: &SiteView,
    today: Date,
) -> Result<String, Error> {
    let mut context = tera::Context::new();
    context.insert("site", site);
    context.insert("today", &today.to_string());
    context.insert("awaiting", &awaiting(library, today));
    templates.render("signing.html", &context)
}

/// Quote a word for a POSIX shell when it holds anything but letters, digits and `-./_:`.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_alphanumeric() || "-./_:".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::shell_word;

    #[test]
    fn words_are_quoted_for_the_shell() {
        assert_eq!(shell_word("QP-7.5-01"), "QP-7.5-01");
        assert_eq!(shell_word("王五"), "王五");
        assert_eq!(shell_word("O'Brien Li"), "'O'\\''Brien Li'");
        assert_eq!(shell_word("$(rm -rf ~)"), "'$(rm -rf ~)'");
        assert_eq!(shell_word(""), "''");
    }
}
