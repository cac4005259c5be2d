#!/usr/bin/env bash
# docctl check for CI: GitHub annotations on the log, a SARIF file for code scanning, and
# docctl's exit code (0 clean, 1 the documents have errors, 2 docctl could not run).
# Used by action.yml; runs the same on any CI with docctl on PATH.
#
#   DOCCTL_SET     the set's folder (default .)
#   DOCCTL_STRICT  true: warnings fail too (default false)
#   DOCCTL_SARIF   where to write the SARIF file (default docctl.sarif; empty: none)
#   DOCCTL_FORMAT  what to print on the log: github (default) or human
#   DOCCTL_VERIFY_SIGNATURES  true: trace each signature to the signer's commit (default false;
#                  needs the whole history: actions/checkout with fetch-depth: 0)
set -uo pipefail

set_dir=${DOCCTL_SET:-.}
format=${DOCCTL_FORMAT:-github}
sarif=${DOCCTL_SARIF-docctl.sarif}
flags=()
case "${DOCCTL_STRICT:-false}" in
  true|1|yes) flags+=(--strict) ;;
  false|0|no|"") ;;
  *) echo "ci-check: DOCCTL_STRICT must be true or false, not '${DOCCTL_STRICT}'" >&2; exit 2 ;;
esac

case "${DOCCTL_VERIFY_SIGNATURES:-false}" in
  true|1|yes) flags+=(--verify-signatures) ;;
  false|0|no|"") ;;
  *) echo "ci-check: DOCCTL_VERIFY_SIGNATURES must be true or false, not '${DOCCTL_VERIFY_SIGNATURES}'" >&2; exit 2 ;;
esac

docctl check "$set_dir" --format "$format" "${flags[@]}"
status=$?
if [ -n "$sarif" ] && [ "$status" -ne 2 ]; then
  # The same check again, as SARIF; paths are relative to the repository's top folder.
  docctl check "$set_dir" --format sarif "${flags[@]}" > "$sarif.tmp" && mv "$sarif.tmp" "$sarif" \
    || { [ -s "$sarif.tmp" ] && mv "$sarif.tmp" "$sarif"; }
  rm -f "$sarif.tmp"
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    echo "sarif=$sarif" >> "$GITHUB_OUTPUT"
  fi
fi
exit "$status"
