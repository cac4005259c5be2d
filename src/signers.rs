//! Who may sign: a signature's name, role, document and date against `signers:` in docctl.yaml.

use crate::fold;
use crate::model::{
    Approval, Config, Date, Department, Document, Kind, SeparateRoles, SignRole, Signature, Signer,
    Sp,
};

/// What is being signed: the role, the document it is for and the date.
#[derive(Debug, Clone, Copy)]
pub struct Signing<'a> {
    /// The document's id, for messages.
    pub id: &'a str,
    /// Which signature.
    pub role: SignRole,
    /// The document's owner department (归口部门), when it has one.
    pub owner: Option<&'a Department>,
    /// Procedure or form.
    pub kind: Kind,
    /// The date of the signature.
    pub date: Date,
    /// Who may not give it although authorised ([`fold::name`] keys): those who signed an
    /// earlier role that must be someone else's.
    pub excluded: &'a [String],
}

/// The signatures of an approval block with their roles, in signing order.
pub fn signed(approval: Option<&Approval>) -> impl Iterator<Item = (SignRole, &Sp<Signature>)> {
    SignRole::ALL
        .into_iter()
        .filter_map(move |role| approval?.get(role).map(|s| (role, s)))
}

/// Check a new signature on `doc`: by someone the signers authorise (when the set lists any),
/// and not by someone who signed an earlier role that `separate_roles` sets apart. Return the
/// signer's entry when the set lists signers.
pub fn admit<'a>(
    config: &'a Config,
    doc: &Document,
    role: SignRole,
    name: &str,
    date: Date,
) -> Result<Option<&'a Signer>, String> {
    let header = doc.header();
    let id = header.id.value.0.as_str();
    let given: Vec<(SignRole, &str)> = signed(header.approval)
        .map(|(r, s)| (r, s.value.name.value.as_str()))
        .collect();
    let excluded = excluded(config.separate_roles, &given, role);
    let signing = Signing {
        id,
        role,
        owner: header.owner.map(|o| &o.value),
        kind: doc.kind(),
        date,
        excluded: &excluded,
    };
    let signer = authorise(config.signers.as_deref(), name, &signing).map_err(|why| {
        format!("{why}\nhelp: the signers are listed under `signers` in docctl.yaml")
    })?;
    let key = fold::name(name);
    if let Some((earlier, _)) = given.iter().find(|(r, n)| {
        *r != role && config.separate_roles.requires(*r, role) && fold::name(n) == key
    }) {
        return Err(format!(
            "`{name}` signed {id} as {}: the {} signature must be someone else's (separate_roles in docctl.yaml)",
            earlier.label(),
            role.label()
        ));
    }
    Ok(signer)
}

/// Return the [`fold::name`] keys of those who may not give `role` because they signed an
/// earlier role that `separate` requires to be someone else's.
pub fn excluded(
    separate: SeparateRoles,
    given: &[(SignRole, &str)],
    role: SignRole,
) -> Vec<String> {
    given
        .iter()
        .filter(|(r, _)| *r != role && separate.requires(*r, role))
        .map(|(_, name)| fold::name(name))
        .collect()
}

/// Find the signer entries written with this name (after [`fold::name`]).
pub fn named<'a>(signers: &'a [Signer], name: &str) -> Vec<&'a Signer> {
    let key = fold::name(name);
    signers
        .iter()
        .filter(|s| fold::name(&s.name.value) == key)
        .collect()
}

/// Check a signature against the signers of docctl.yaml.
///
/// `Ok(None)`: the set lists no signers, so anyone may sign. `Ok(Some(signer))`: the entry that
/// authorises it. `Err(message)`: why this person may not sign, and who may.
pub fn authorise<'a>(
    signers: Option<&'a [Signer]>,
    name: &str,
    signing: &Signing<'_>,
) -> Result<Option<&'a Signer>, String> {
    let Some(signers) = signers else {
        return Ok(None);
    };
    let entries = named(signers, name);
    if let Some(signer) = entries.iter().find(|s| refusal(s, signing).is_none()) {
        return Ok(Some(signer));
    }
    let why = match entries.iter().find_map(|s| refusal(s, signing)) {
        None => format!("`{name}` is not among the signers of docctl.yaml"),
        Some(reason) => format!("`{name}` {reason}"),
    };
    let who: Vec<&str> = signers
        .iter()
        .filter(|s| refusal(s, signing).is_none())
        .filter(|s| !signing.excluded.contains(&fold::name(&s.name.value)))
        .map(|s| s.name.value.as_str())
        .collect();
    let who = if who.is_empty() {
        format!(
            "nobody in docctl.yaml's signers may sign {} as {} on {}",
            signing.id,
            signing.role.label(),
            signing.date
        )
    } else {
        format!(
            "who may sign {} as {} on {}: {}",
            signing.id,
            signing.role.label(),
            signing.date,
            who.join(", ")
        )
    };
    Err(format!("{why}; {who}"))
}

/// Say why this entry does not authorise the signing, or `None` when it does.
fn refusal(signer: &Signer, signing: &Signing<'_>) -> Option<String> {
    if !signer.roles.contains(&signing.role) {
        let roles: Vec<&str> = signer.roles.iter().map(|r| r.as_str()).collect();
        return Some(format!(
            "may sign only as {}, not as {}",
            if roles.is_empty() {
                "nothing".to_owned()
            } else {
                roles.join(", ")
            },
            signing.role.label()
        ));
    }
    if !signer.kinds.is_empty() && !signer.kinds.contains(&signing.kind) {
        let kinds: Vec<&str> = signer.kinds.iter().map(|k| k.folder()).collect();
        return Some(format!(
            "signs only {}, and {} is a {}",
            kinds.join(", "),
            signing.id,
            signing.kind.as_str()
        ));
    }
    if !signer.departments.is_empty() {
        let owner = signing.owner.map(|d| fold::key(&d.0));
        let listed = signer
            .departments
            .iter()
            .any(|d| Some(fold::key(&d.value.0)) == owner);
        if !listed {
            let departments: Vec<&str> = signer
                .departments
                .iter()
                .map(|d| d.value.0.as_str())
                .collect();
            return Some(format!(
                "signs only for {}, and {} is owned by {}",
                departments.join(", "),
                signing.id,
                signing.owner.map_or("no department", |d| d.0.as_str())
            ));
        }
    }
    let before = signer.from.is_some_and(|from| signing.date < from);
    let after = signer.until.is_some_and(|until| signing.date > until);
    if before || after {
        let from = signer
            .from
            .map(|d| format!(" from {d}"))
            .unwrap_or_default();
        let until = signer
            .until
            .map(|d| format!(" until {d}"))
            .unwrap_or_default();
        return Some(format!(
            "may sign only{from}{until}, not on {}",
            signing.date
        ));
    }
    None
}
