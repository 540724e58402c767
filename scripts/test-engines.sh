#!/bin/sh
# Runs the engine suite (spec-tests/Runtime.Engine.Tests): containerd, podman and dockerd, installed from Debian,
# each started privately by the tests and configured to run its containers with bin/runsharp. As root, inside a
# private mount namespace like the integration suite.
#   scripts/test-engines.sh [dotnet test args...]
#   RUNTIME=/usr/sbin/runc scripts/test-engines.sh          # validate the suite against runc
#   scripts/test-engines.sh --filter 'FullyQualifiedName~Podman'
set -eu
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
    echo "test-engines.sh: must run as root" >&2
    exit 1
fi
export RUNSHARP_IT_PRIVATE_MNT=1
exec unshare --mount --propagation private dotnet test spec-tests/Runtime.Engine.Tests "$@"
