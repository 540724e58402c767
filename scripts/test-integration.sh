#!/bin/sh
# Runs the black-box integration suite (spec-tests/Runtime.Integration.Tests) as root inside a private
# mount namespace, so nothing the runtime mounts can propagate to the host.
#   scripts/test-integration.sh [dotnet test args...]
#   RUNTIME=/usr/sbin/runc scripts/test-integration.sh          # validate the suite against runc
#   scripts/test-integration.sh --filter 'FullyQualifiedName~Lifecycle'
set -eu
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
    echo "test-integration.sh: must run as root" >&2
    exit 1
fi
# The harness refuses to run without this marker (see Harness/Runtime.cs).
export RUNSHARP_IT_PRIVATE_MNT=1
exec unshare --mount --propagation private dotnet test spec-tests/Runtime.Integration.Tests "$@"
