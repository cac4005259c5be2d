//! Life-cycle rules: effective documents are dated and signed in order by different people,
//! versions follow the scheme, the history ends at the current version and never goes back,
//! and the periodic review is not overdue.

use crate::diagnostic::{Code, Diagnostic};
use crate::fold;
use crate::model::{
    Date, Header, Pos, SeparateRoles, SignRole, Signature, Sp, Status, VersionScheme,
};
use crate::publish::Ledger;
use crate::validate::Context;

/// Check approvals, versions, history and review dates of every document.
pub(crate) fn check(context: &Context<'_>, today: Date) -> Vec<Diagnostic> {
    let config = &context.library.config;
    let mut out = Vec::new();
    for loaded in &context.library.documents {
        let header = loaded.doc.header();
        let file = loaded.file.as_str();
        versions(file, &header, config.version_scheme, &mut out);
        approval(file, &header, config.separate_roles, &mut out);
        bound(file, &header, &context.library.ledger, &mut out);
        not_after(file, &header, today, &mut out);
        history(file, &header, config.version_scheme, &mut out);
        review(file, &header, config.review_months, today, &mut out);
    }
    out
}

fn versions(file: &str, header: &Header<'_>, scheme: VersionScheme, out: &mut Vec<Diagnostic>) {
    let version = header.version;
    if scheme.parse(&version.value.0).is_none() {
        out.push(bad_version(file, version.pos, &version.value.0, scheme));
    }
}

fn bad_version(file: &str, pos: Pos, version: &str, scheme: VersionScheme) -> Diagnostic {
    Diagnostic::new(
        Code::VersionFormat,
        file,
        pos,
        format!(
            "version `{version}` does not follow the {} scheme",
            scheme.name()
        ),
    )
    .with_width(version.chars().count())
    .with_help(format!(
        "write versions like `{}` (version_scheme in docctl.yaml)",
        scheme.example()
    ))
}

fn approval(file: &str, header: &Header<'_>, separate: SeparateRoles, out: &mut Vec<Diagnostic>) {
    let status = header.status;
    let approval = header.approval;
    let signatures = SignRole::ALL.map(|role| (role, approval.and_then(|a| a.get(role))));
    if status.value != Status::Draft {
        let missing = |what: &str, help: &str| {
            Diagnostic::new(
                Code::ApprovalMissing,
                file,
                status.pos,
                format!("a document that is {} needs {what}", status.value.as_str()),
            )
            .with_help(help)
        };
        if header.effective.is_none() {
            out.push(missing(
                "an `effective` date",
                "add `effective: YYYY-MM-DD` (生效日期)",
            ));
        }
        for (role, signature) in &signatures {
            if signature.is_none() {
                out.push(missing(
                    &format!("the {} signature", role.label()),
                    "sign it with `docctl approve`, or set `status: draft`",
                ));
            }
        }
    }

    let mut previous: Option<(&str, &Sp<Date>)> = None;
    for (role, signature) in &signatures {
        let Some(signature) = signature else { continue };
        if let Some((before, date)) = previous
            && signature.value.date.value < date.value
        {
            out.push(order(
                file,
                &signature.value.date,
                role.label(),
                before,
                date,
            ));
        }
        previous = Some((role.label(), &signature.value.date));
    }
    if let (Some((before, date)), Some(effective)) = (previous, header.effective)
        && effective.value < date.value
    {
        out.push(order(file, effective, "effective date", before, date));
    }

    separation(file, &signatures, separate, out);
}

/// Report a signature by someone who already signed an earlier role that must be someone else.
fn separation(
    file: &str,
    signatures: &[(SignRole, Option<&Sp<Signature>>); 3],
    separate: SeparateRoles,
    out: &mut Vec<Diagnostic>,
) {
    for (later, (role, signature)) in signatures.iter().enumerate() {
        let Some(signature) = signature else { continue };
        let name = &signature.value.name;
        let same = (0..later).find(|&earlier| {
            separate.requires(signatures[earlier].0, *role)
                && signatures[earlier]
                    .1
                    .is_some_and(|s| fold::name(&s.value.name.value) == fold::name(&name.value))
        });
        let Some(earlier) = same else { continue };
        let help = match separate {
            SeparateRoles::Flag(true) => {
                "编制, 审核 and 批准 are signed by three different people (`separate_roles` in docctl.yaml relaxes this)"
            }
            _ => "the approver (批准) must be someone other than the preparer (编制)",
        };
        out.push(
            Diagnostic::new(
                Code::ApprovalSeparation,
                file,
                name.pos,
                format!(
                    "`{}` both {} and {} this document",
                    name.value,
                    signatures[earlier].0.as_str(),
                    role.as_str()
                ),
            )
            .with_width(name.chars().count())
            .with_help(help),
        );
    }
}

/// A signature counts for the version it names. One that names none (written before
/// signatures kept their version) counts only for a first revision: a document with no
/// earlier version in its history or in the ledger.
fn bound(file: &str, header: &Header<'_>, ledger: &Ledger, out: &mut Vec<Diagnostic>) {
    if header.status.value == Status::Draft {
        return;
    }
    let Some(approval) = header.approval else {
        return;
    };
    let version = &header.version.value;
    let earlier = header.history.iter().any(|h| h.version.value != *version)
        || ledger
            .documents
            .get(&header.id.value.0)
            .is_some_and(|d| d.releases.iter().any(|r| r.version != version.0));
    for role in SignRole::ALL {
        let Some(signature) = approval.get(role) else {
            continue;
        };
        let role = role.label();
        let problem = match &signature.value.version {
            Some(signed) if signed.value != *version => Some((
                signed.pos,
                signed.value.0.chars().count(),
                format!(
                    "the {role} signature is for version {}, not {version}",
                    signed.value
                ),
            )),
            None if earlier => Some((
                signature.value.name.pos,
                signature.value.name.chars().count(),
                format!(
                    "the {role} signature names no version, and {version} is not the first revision: it may be a signature of an earlier version"
                ),
            )),
            _ => None,
        };
        if let Some((pos, width, message)) = problem {
            out.push(
                Diagnostic::new(Code::ApprovalMissing, file, pos, message)
                    .with_width(width)
                    .with_help(format!(
                        "a version with no signatures of its own is not effective: sign {version} with `docctl approve {} --as …` (it records the version signed)",
                        header.id.value
                    )),
            );
        }
    }
}

/// A signature is not dated after today (`--today`): 9999-12-31 is a slip or a forgery.
fn not_after(file: &str, header: &Header<'_>, today: Date, out: &mut Vec<Diagnostic>) {
    let Some(approval) = header.approval else {
        return;
    };
    for role in SignRole::ALL {
        let Some(signature) = approval.get(role) else {
            continue;
        };
        let role = role.label();
        let date = &signature.value.date;
        if date.value > today {
            out.push(
                Diagnostic::new(
                    Code::ApprovalOrder,
                    file,
                    date.pos,
                    format!("the {role} signature is dated {}, after today ({today})", date.value),
                )
                .with_width(10)
                .with_help("a signature is dated the day it was given; schedule a later start with `effective:` instead"),
            );
        }
    }
}

fn order(file: &str, date: &Sp<Date>, what: &str, before: &str, previous: &Sp<Date>) -> Diagnostic {
    Diagnostic::new(
        Code::ApprovalOrder,
        file,
        date.pos,
        format!(
            "{what} {} is earlier than {before} {}",
            date.value, previous.value
        ),
    )
    .with_width(10)
    .with_help("the order is prepared ≤ reviewed ≤ approved ≤ effective")
}

fn history(file: &str, header: &Header<'_>, scheme: VersionScheme, out: &mut Vec<Diagnostic>) {
    let entries = header.history;
    let Some(last) = entries.last() else {
        if header.status.value != Status::Draft {
            out.push(
                Diagnostic::new(
                    Code::HistoryVersion,
                    file,
                    header.version.pos,
                    "the document has no revision history (修订记录)",
                )
                .with_help(format!(
                    "add `history: [{{version: {}, date: …, change: 首次发行}}]`",
                    header.version.value
                )),
            );
        }
        return;
    };
    if last.version.value != header.version.value {
        out.push(
            Diagnostic::new(
                Code::HistoryVersion,
                file,
                last.version.pos,
                format!(
                    "the last history entry is version `{}`, but the document is version `{}`",
                    last.version.value, header.version.value
                ),
            )
            .with_width(last.version.value.0.chars().count())
            .with_help("add a history entry for the current version (docctl revise does this)"),
        );
    }
    let mut previous: Option<((u32, u32), &str, &Sp<Date>)> = None;
    for entry in entries {
        let parsed = scheme.parse(&entry.version.value.0);
        if parsed.is_none() {
            out.push(bad_version(
                file,
                entry.version.pos,
                &entry.version.value.0,
                scheme,
            ));
        }
        if let Some((before, before_text, before_date)) = previous {
            if let Some(now) = parsed
                && now <= before
            {
                out.push(
                    Diagnostic::new(
                        Code::HistoryOrder,
                        file,
                        entry.version.pos,
                        format!(
                            "version `{}` follows `{before_text}`: versions must increase",
                            entry.version.value
                        ),
                    )
                    .with_width(entry.version.value.0.chars().count())
                    .with_help("the history lists versions oldest first, newest last"),
                );
            }
            if entry.date.value < before_date.value {
                out.push(
                    Diagnostic::new(
                        Code::HistoryOrder,
                        file,
                        entry.date.pos,
                        format!(
                            "{} is earlier than the entry before it ({})",
                            entry.date.value, before_date.value
                        ),
                    )
                    .with_width(10)
                    .with_help("history dates never go back"),
                );
            }
        }
        if let Some(now) = parsed {
            previous = Some((now, &entry.version.value.0, &entry.date));
        }
    }
}

/// Return when an effective document's periodic review falls due (`review_months` after its
/// effective date); `None` for drafts, obsolete documents, or when reviews are off (0 months).
pub(crate) fn review_due(header: &Header<'_>, months: u32) -> Option<jiff::civil::Date> {
    if header.status.value != Status::Effective || months == 0 {
        return None;
    }
    header
        .effective?
        .value
        .0
        .checked_add(jiff::Span::new().months(i64::from(months)))
        .ok()
}

fn review(file: &str, header: &Header<'_>, months: u32, today: Date, out: &mut Vec<Diagnostic>) {
    let (Some(due), Some(effective)) = (review_due(header, months), header.effective) else {
        return;
    };
    if due < today.0 {
        out.push(
            Diagnostic::new(
                Code::ReviewOverdue,
                file,
                effective.pos,
                format!("review overdue: effective since {}, periodic review was due {due}", effective.value),
            )
            .with_width(10)
            .with_help(format!("review the document (review_months: {months}); revise it or confirm it with a new approval")),
        );
    }
}
