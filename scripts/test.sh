#!/bin/bash
# The whole test suite: unit tests (no root needed) and the black-box integration suite (root; real
# containers in a private mount namespace). Prints one closing line: "N passed, N failed, N skipped".
#   scripts/test.sh              everything
#   scripts/test.sh unit         unit tests only
#   scripts/test.sh integration  integration tests only (needs bin/runsharp: `make build`)
#   scripts/test.sh engines      containerd, podman and dockerd running their containers with bin/runsharp
set -u
cd "$(dirname "$0")/.."
what=${1:-all}
unit_projects=(spec-tests/Runtime.Spec.Tests spec-tests/Runtime.Cli.Tests spec-tests/Runtime.Cgroups.Tests spec-tests/Runtime.Container.Tests)
log=$(mktemp /tmp/runsharp-test.XXXXXX)
trap 'rm -f "$log"' EXIT
rc=0

run() {  # run a test command, keep its output for the totals
    echo "== $*"
    "$@" 2>&1 | tee -a "$log"
    [ "${PIPESTATUS[0]}" = 0 ] || rc=1
}

if [ "$what" = all ] || [ "$what" = unit ]; then
    for p in "${unit_projects[@]}"; do run dotnet test "$p" --nologo; done
fi
if [ "$what" = all ] || [ "$what" = integration ]; then
    [ -x bin/runsharp ] || { echo "bin/runsharp is missing: run 'make build' first" >&2; exit 1; }
    run scripts/test-integration.sh --nologo
fi
if [ "$what" = all ] || [ "$what" = engines ]; then
    [ -x bin/runsharp ] || { echo "bin/runsharp is missing: run 'make build' first" >&2; exit 1; }
    run scripts/test-engines.sh --nologo
fi

# dotnet test prints "Passed!  - Failed: 0, Passed: 97, Skipped: 0, Total: 97" per project.
read -r p f s < <(awk '/ - Failed: *[0-9]+, Passed: *[0-9]+/ {
        gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
    END { print p + 0, f + 0, s + 0 }' "$log")
[ "$p" -gt 0 ] || rc=1
echo "$p passed, $f failed, $s skipped"
exit $rc
