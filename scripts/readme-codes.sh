#!/usr/bin/env bash
# Print the README's table of diagnostic codes with one example each (from tests/fixtures/invalid).
cd "$(dirname "$0")/.."
echo "| code | severity | what it means |"
echo "|---|---|---|"
grep -E '^\s+\("[a-z-]+", Severity::' src/diagnostic.rs | sed -E 's/^\s+\("([a-z-]+)", Severity::([A-Za-z]+), "(.*)"\),$/| `\1` | \2 | \3 |/' | sed 's/| Error |/| error |/; s/| Warning |/| warning |/'
echo
echo "<details><summary>An example of every code (the output of <code>docctl check tests/fixtures/invalid/&lt;code&gt;</code>)</summary>"
echo
for code in $(grep -oE '^\s+\("[a-z-]+", Severity' src/diagnostic.rs | grep -oE '[a-z-]+"' | tr -d '"'); do
  args="--today 2026-11-27"; grep -q '# args:' tests/fixtures/invalid/$code/expect.txt && args=$(grep '# args:' tests/fixtures/invalid/$code/expect.txt | sed 's/# args://')
  echo "#### \`$code\`"
  echo
  echo '```text'
  ./target/debug/docctl check tests/fixtures/invalid/$code $args 2>&1 | awk -v c="$code" 'BEGIN{p=0} /^(error|warning)\[/{p=($0 ~ "\\[" c "\\]")} p' | sed '/^$/N;/^\n$/D'
  echo '```'
  echo
done
echo "</details>"
