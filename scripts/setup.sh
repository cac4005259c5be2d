#!/usr/bin/env bash
# Install what docctl's tests need: typst-cli (pinned), CJK and Latin fonts, poppler-utils and
# poppler-data, Chromium for the browser tests.
# Idempotent: each step is skipped when what it installs is already there.
set -euo pipefail

# Pinned, also because PDFs are compiled with typst's experimental bundle export
# (src/pdf.rs): move the pin together with TYPST_VERSION in src/typst.rs, and only once
# tests/pdf_bundle.rs passes with the new version.
TYPST_VERSION=0.15.1

need_apt=()
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)
# poppler-data holds the Adobe CJK CMaps that the fillable forms' Chinese font resource uses.
dpkg -s poppler-data >/dev/null 2>&1 || need_apt+=(poppler-data)
# The signature tests sign commits with a throwaway SSH key and a throwaway GPG key.
command -v ssh-keygen >/dev/null 2>&1 || need_apt+=(openssh-client)
command -v gpg >/dev/null 2>&1 || need_apt+=(gnupg)
[ -d /usr/share/fonts/opentype/noto ] && ls /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc >/dev/null 2>&1 || need_apt+=(fonts-noto-cjk)
# Liberation Serif/Sans (metric-compatible with Times New Roman and Arial) set the Latin text.
ls /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf >/dev/null 2>&1 || need_apt+=(fonts-liberation2)
if ! typst --version 2>/dev/null | grep -q " ${TYPST_VERSION}"; then
  command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
  dpkg -s libssl-dev >/dev/null 2>&1 || need_apt+=(libssl-dev)
fi
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs npm)
if [ "${#need_apt[@]}" -gt 0 ]; then
  echo "setup: apt-get install ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi

if typst --version 2>/dev/null | grep -q " ${TYPST_VERSION}"; then
  echo "setup: typst ${TYPST_VERSION} present"
else
  echo "setup: cargo install typst-cli ${TYPST_VERSION} (about 14 min on 2 cores)"
  cargo install --locked typst-cli --version "${TYPST_VERSION}"
fi
typst --version

# The browser tests drive Debian's chromium with playwright-core (no browser download).
here=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -d "$here/tests/browser/node_modules/playwright-core" ]; then
  echo "setup: npm ci in tests/browser"
  (cd "$here/tests/browser" && npm ci --no-audit --no-fund)
fi
