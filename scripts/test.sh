#!/bin/bash
# The whole test suite: unit tests (no root needed), the black-box integration suite (root; real containers in
# a private mount namespace), the engine suite, and the cgroup tests again on pure cgroup v2 in a qemu guest.
# Closes with the guest's counts ("v2 guest: ...", when it ran) and one line for this host's suites:
# "N passed, N failed, N skipped".
#   scripts/test.sh              everything
#   scripts/test.sh unit         unit tests only
#   scripts/test.sh integration  integration tests only (needs bin/runsharp: `make build`)
#   scripts/test.sh engines      containerd, podman and dockerd running their containers with bin/runsharp
#   scripts/test.sh v2-guest     the cgroup integration and unit tests and the engine suite in the pure cgroup v2 guest
#                                (scripts/v2-guest.sh; V2_GUEST_ENGINES=0 leaves the engines out)
set -u
cd "$(dirname "$0")/.."
what=${1:-all}
unit_projects=(spec-tests/Runtime.Spec.Tests spec-tests/Runtime.Cli.Tests spec-tests/Runtime.Cgroups.Tests spec-tests/Runtime.Container.Tests)
log=$(mktemp /tmp/runsharp-test.XXXXXX)
guest_log=$(mktemp /tmp/runsharp-test-guest.XXXXXX)
trap 'rm -f "$log" "$guest_log"' EXIT
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

# The same cgroup tests on a pure cgroup v2 host: this machine is hybrid (CI's too), so they run in a qemu TCG guest
# booted with Debian's kernel (qemu-system-x86 and linux-image-amd64; .ci/run installs them). Kept apart from
# this host's totals: they are tests already counted above, run a second time on another kind of host.
if [ "$what" = all ] || [ "$what" = v2-guest ]; then
    echo "== scripts/v2-guest.sh (the cgroup tests on pure cgroup v2, in a qemu guest)"
    # The engine suite too: containerd, podman and dockerd on a pure v2 host are what most users run.
    V2_GUEST_ENGINES=${V2_GUEST_ENGINES:-1} V2_GUEST_TIMEOUT=${V2_GUEST_TIMEOUT:-2400} scripts/v2-guest.sh 2>&1 | tee "$guest_log"
    [ "${PIPESTATUS[0]}" = 0 ] || rc=1
fi

# dotnet test prints "Passed!  - Failed: 0, Passed: 97, Skipped: 0, Total: 97" per project.
read -r p f s < <(awk '/ - Failed: *[0-9]+, Passed: *[0-9]+/ {
        gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
    END { print p + 0, f + 0, s + 0 }' "$log")
if [ "$what" = v2-guest ]; then
    grep -q '^v2-guest: [0-9]* passed' "$guest_log" || rc=1
    exit $rc
fi
[ "$p" -gt 0 ] || rc=1
if [ -s "$guest_log" ]; then
    guest=$(grep -E '^v2-guest: [0-9]+ passed' "$guest_log" | tail -n 1)
    if [ -n "$guest" ]; then echo "v2 guest (pure cgroup v2): ${guest#v2-guest: }"; else echo "v2 guest (pure cgroup v2): no counts (see its output above)"; fi
fi
echo "$p passed, $f failed, $s skipped"
exit $rc
