#!/usr/bin/env bash
# Runs every test of the given files on its own (`vitest run FILE -t NAME`), so a test that only
# passes after another one has run shows up. Slow by nature (one vitest start per test): give it
# the files you changed, e.g. `bash test/isolation/run-each-alone.sh test/scheduler/*.test.ts`.
# Prints one line per test and exits non-zero when any failed alone.
set -uo pipefail
cd "$(dirname "$0")/../.."
[ $# -gt 0 ] || { echo "usage: run-each-alone.sh TEST_FILE…" >&2; exit 2; }
failed=0
for file in "$@"; do
  names=$(npx vitest list "$file" --json 2>/dev/null | node -e '
    const seen = new Set();
    for (const t of JSON.parse(require("fs").readFileSync(0, "utf8"))) if (!seen.has(t.name)) { seen.add(t.name); console.log(t.name); }')
  while IFS= read -r name; do
    [ -n "$name" ] || continue
    # vitest's -t matches the names joined by spaces, not the " > " that `vitest list` prints
    pattern="^$(printf '%s' "$name" | sed -e 's/ > / /g' -e 's/[][\\.^$*+?(){}|/]/\\&/g')\$"
    if npx vitest run "$file" -t "$pattern" >/tmp/run-each-alone.$$.log 2>&1 && grep -q 'Tests: [1-9][0-9]* passed, 0 failed' /tmp/run-each-alone.$$.log; then
      echo "ok     $file > $name"
    else
      echo "FAILED $file > $name"; failed=1
    fi
  done <<<"$names"
done
rm -f /tmp/run-each-alone.$$.log
exit $failed
