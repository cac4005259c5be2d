//! Signer rules: with `signers:` in docctl.yaml, every signature is by someone authorised for
//! that role, department and kind of document on the signature's date.

use crate::diagnostic::{Code, Diagnostic};
use crate::signers::{Signing, authorise, signed};
use crate::validate::Context;

/// Check every signature of every document against the signers of docctl.yaml.
pub(crate) fn check(context: &Context<'_>) -> Vec<Diagnostic> {
    let Some(signers) = context.library.config.signers.as_deref() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for loaded in &context.library.documents {
        let header = loaded.doc.header();
        for (role, signature) in signed(header.approval) {
            let name = &signature.value.name;
            let signing = Signing {
                id: &header.id.value.0,
                role,
                owner: header.owner.map(|o| &o.value),
                kind: loaded.doc.kind(),
                date: signature.value.date.value,
                excluded: &[],
            };
            if let Err(why) = authorise(Some(signers), &name.value, &signing) {
                out.push(
                    Diagnostic::new(Code::SignerUnauthorised, &loaded.file, name.pos, why)
                        .with_width(name.chars().count())
                        .with_help(
                            "have an authorised person sign, or add the signer to `signers` in docctl.yaml",
                        ),
                );
            }
        }
    }
    out
}
