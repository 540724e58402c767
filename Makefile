# runsharp: `make` builds bin/runsharp (NativeAOT), `make demo` runs a busybox container from
# oci-bundles/default, `make test` runs every test suite. See README.md.
PREFIX ?= /usr/local
DOTNET ?= dotnet
BIN := bin/runsharp

.PHONY: all build demo rootfs test test-unit test-integration test-engines test-v2-guest conformance bench install clean

all: build

build: $(BIN)

$(BIN): $(shell find src -name '*.cs' -o -name '*.csproj') Directory.Build.props runtime.config.json
	$(DOTNET) publish src/Runtime.Cli -c Release -o bin --nologo -v quiet
	@ls -l $(BIN)

rootfs: oci-bundles/default/rootfs/bin/busybox

oci-bundles/default/rootfs/bin/busybox:
	scripts/mkrootfs.sh oci-bundles/default/rootfs

# A real container, in a private mount namespace so the host's mount table stays as it was.
demo: build rootfs
	unshare --mount --propagation private $(BIN) --root /run/runsharp-demo run --bundle oci-bundles/default demo-$$$$

test: build
	scripts/test.sh

test-unit:
	scripts/test.sh unit

test-integration: build
	scripts/test.sh integration

# The cgroup tests in a qemu TCG guest with a pure cgroup2 hierarchy (also the last part of `make test`); see
# README. V2_FILTER is a dotnet test filter for the integration tests (default: the cgroup classes; "all": every one).
test-v2-guest: build
	scripts/v2-guest.sh '$(V2_FILTER)'

# containerd, podman and dockerd (Debian's packages, started privately by the tests) running runsharp.
test-engines: build
	scripts/test.sh engines

# The external OCI validation suite, built beside the project (not part of this repo); see README.
conformance: build
	scripts/conformance.sh

# Issue 7: BenchmarkDotNet micro-benchmarks and the runsharp/crun/runc lifecycle harness; writes bench/RESULTS.md.
bench:
	scripts/bench.sh

install: build
	install -D -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/runsharp

clean:
	rm -rf bin src/*/bin src/*/obj spec-tests/*/bin spec-tests/*/obj oci-bundles/default/rootfs
