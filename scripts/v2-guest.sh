#!/bin/bash
# v2-guest.sh [FILTER] - the cgroup v2 suite in a qemu guest with a pure cgroup2 hierarchy.
#
# Boots Debian's kernel (linux-image-amd64) under qemu with TCG (this machine's /dev/kvm cannot boot a stock
# kernel), with this machine's root shared read-only over virtio-9p. A tiny busybox initramfs mounts it as the
# lower layer of an overlay whose upper layer is a tmpfs, switches into it, mounts cgroup2 at /sys/fs/cgroup
# with every controller enabled in cgroup.subtree_control, puts /tmp (where the tests keep their bundles) on a
# scratch ext4 disk (a sparse file here: a real block device, and id-mapped mounts, which tmpfs lacks before
# Linux 6.3), and runs the tests already built on the host:
#   - the integration tests matching FILTER (a `dotnet test --filter` expression; default: the cgroup tests, see
#     cgroup_filter below; "all" runs every integration test), against bin/runsharp, with RUNSHARP_IT_SLOW
#     stretching the harness's waits (V2_GUEST_SLOW, default 4: TCG is that much slower, and more);
#   - the Runtime.Cgroups unit tests (the real-cgroup ones run on v2 there; the hybrid-only ones skip);
#   - with V2_GUEST_ENGINES=1, the engine suite too (containerd, podman and dockerd on a pure v2 host; scripts/test.sh,
#     and so make test, sets it).
# Prints each run's counts and a closing "v2-guest: N passed, N failed, N skipped"; exits 0 when all passed.
# Needs root (9p export of /). Environment: V2_GUEST_TIMEOUT (seconds, default 3600), V2_GUEST_MEM (MB, 4096),
# V2_GUEST_CPUS (2), V2_GUEST_KEEP=1 keeps the work dir (logs) under /tmp, V2_GUEST_VERBOSE=1 shows the console.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
# Every test class that reads or drives cgroups (and any test named after them).
cgroup_filter='FullyQualifiedName~Cgroup|FullyQualifiedName~UpdateTests|FullyQualifiedName~Freezer|FullyQualifiedName~EventsTests|FullyQualifiedName~PsTests|FullyQualifiedName~DevicesTests|FullyQualifiedName~ExecTests'
filter=${1:-$cgroup_filter}
[ "$filter" = all ] && filter=""

if [ "$(id -u)" != 0 ]; then
    echo "v2-guest.sh: must run as root" >&2
    exit 1
fi

# --- prerequisites: qemu and a Debian kernel (with its modules for 9p, virtio and overlayfs): the one
# linux-image-amd64 brings (a machine may boot another flavour, e.g. -cloud-amd64), else the newest in /boot.
debian_kernel() {
    local dep
    dep=$(dpkg-query -W -f='${Depends}' linux-image-amd64 2>/dev/null | grep -o 'linux-image-[^ ,]*' | head -n 1)
    if [ -n "$dep" ] && [ -e "/boot/vmlinuz-${dep#linux-image-}" ]; then echo "/boot/vmlinuz-${dep#linux-image-}"; return; fi
    ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1 || true
}
kernel=$(debian_kernel)
if ! command -v qemu-system-x86_64 >/dev/null || [ -z "$kernel" ] || ! command -v cpio >/dev/null \
    || ! command -v mkfs.ext4 >/dev/null || ! command -v modinfo >/dev/null; then
    echo "== installing qemu-system-x86, linux-image-amd64, cpio, e2fsprogs and kmod"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends qemu-system-x86 linux-image-amd64 cpio e2fsprogs kmod >/dev/null
    kernel=$(debian_kernel)
fi
kver=${kernel#/boot/vmlinuz-}
busybox=$(command -v busybox)
# The initramfs has no libc: busybox must be the static build (ldd fails on a static binary).
if ldd "$busybox" >/dev/null 2>&1; then echo "v2-guest.sh: $busybox is not static (apt-get install busybox-static)" >&2; exit 1; fi

# --- build on the host: the guest only runs what is built (it has no network and TCG is slow)
echo "== building"
make -s build >/dev/null
dotnet build spec-tests/Runtime.Integration.Tests --nologo -v quiet >/dev/null
dotnet build spec-tests/Runtime.Cgroups.Tests --nologo -v quiet >/dev/null
logs="integration unit"
if [ "${V2_GUEST_ENGINES:-0}" = 1 ]; then
    dotnet build spec-tests/Runtime.Engine.Tests --nologo -v quiet >/dev/null
    logs="$logs engines"
fi

work=$(mktemp -d /tmp/runsharp-v2guest.XXXXXX)
cleanup() { [ "${V2_GUEST_KEEP:-0}" = 1 ] && echo "work dir kept: $work" || rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/initramfs/bin" "$work/initramfs/modules" "$work/out"

# --- initramfs: busybox, the modules in load order, and /init
order=()
add_module() {  # post-order over modinfo's depends, each module once
    local m=$1 d
    for seen in "${order[@]:-}"; do [ "$seen" = "$m" ] && return 0; done
    for d in $(modinfo -k "$kver" -F depends "$m" | tr ',' ' '); do add_module "$d"; done
    for seen in "${order[@]:-}"; do [ "$seen" = "$m" ] && return 0; done
    order+=("$m")
    cp "$(modinfo -k "$kver" -n "$m")" "$work/initramfs/modules/$m.ko"
}
for m in virtio_pci 9pnet_virtio 9p overlay; do add_module "$m"; done
printf '%s\n' "${order[@]}" > "$work/initramfs/modules/order"
cp "$busybox" "$work/initramfs/bin/busybox"
cat > "$work/initramfs/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mkdir -p /proc /sys /dev /lower /upper /newroot
mount -t proc proc /proc && mount -t sysfs sysfs /sys && mount -t devtmpfs devtmpfs /dev
for m in $(cat /modules/order); do insmod /modules/$m.ko || echo "init: insmod $m failed"; done
fail() { echo "init: $*"; echo o > /proc/sysrq-trigger; sleep 10; }
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=524288,cache=loose hostroot /lower || fail "cannot mount the host root over 9p"
mount -t tmpfs -o size=75% tmpfs /upper && mkdir -p /upper/u /upper/w
mount -t overlay -o lowerdir=/lower,upperdir=/upper/u,workdir=/upper/w overlay /newroot || fail "cannot mount the overlay root"
mkdir -p /newroot/v2guest-out
mount -t 9p -o trans=virtio,version=9p2000.L,msize=524288 out /newroot/v2guest-out || fail "cannot mount the results dir"
mount --move /proc /newroot/proc && mount --move /sys /newroot/sys && mount --move /dev /newroot/dev
exec switch_root /newroot /bin/sh /v2guest-out/stage2.sh
EOF
chmod 755 "$work/initramfs/init"
(cd "$work/initramfs" && find . | cpio -o -H newc --quiet | gzip -1) > "$work/initramfs.gz"
# The guest's /tmp: sparse, so it takes only what the tests write, and goes with the work dir.
truncate -s 16G "$work/scratch.img"
mkfs.ext4 -q -F -L v2guest-tmp "$work/scratch.img"

# --- stage 2, inside the guest's overlay root: cgroup2 with every controller, then the tests. It runs as
# pid 1; the tests run in a child so that this shell's wait reaps the orphans they leave to pid 1.
cat > "$work/out/stage2.sh" <<'EOF'
#!/bin/sh
/bin/sh /v2guest-out/tests.sh &
wait $!
sync
echo o > /proc/sysrq-trigger
sleep 10
EOF
cat > "$work/out/tests.sh" <<EOF
#!/bin/sh
set -u
out=/v2guest-out
mount -t tmpfs tmpfs /run
# The checkout may itself be under /tmp (a CI clone, say): keep it reachable at its own path over the new /tmp.
repo=$(printf %q "$repo")
case "\$repo/" in /tmp/*) mkdir -p /v2guest-repo && mount --bind "\$repo" /v2guest-repo ;; esac
# The modules come from the host's /lib/modules (the root is shared); tmpfs is the fallback.
modprobe -a virtio_blk ext4 2>/dev/null
{ n=0; while [ ! -b /dev/vda ] && [ \$n -lt 50 ]; do n=\$((n+1)); sleep 0.1; done; mount -t ext4 /dev/vda /tmp; } \
    || { echo "stage2: no scratch disk, /tmp on tmpfs"; mount -t tmpfs tmpfs /tmp; }
case "\$repo/" in /tmp/*) mkdir -p "\$repo" && mount --bind /v2guest-repo "\$repo" ;; esac
mkdir -p /dev/pts /dev/shm && mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts && mount -t tmpfs tmpfs /dev/shm
mount -t cgroup2 cgroup2 /sys/fs/cgroup || { echo "stage2: no cgroup2"; echo o > /proc/sysrq-trigger; }
for c in \$(cat /sys/fs/cgroup/cgroup.controllers); do echo "+\$c" > /sys/fs/cgroup/cgroup.subtree_control; done
# The tests run in a leaf cgroup below the root, as a service does on a systemd host: a runtime must then put a
# relative cgroupsPath next to its own cgroup (which holds processes, so it cannot have controlled children).
mkdir -p /sys/fs/cgroup/v2guest/tests && echo \$\$ > /sys/fs/cgroup/v2guest/tests/cgroup.procs
echo; echo "v2-guest: kernel \$(uname -r), cgroup2 controllers: \$(cat /sys/fs/cgroup/cgroup.subtree_control), tests in \$(cut -d: -f3 /proc/self/cgroup)"
ip link set lo up 2>/dev/null || true
export RUNSHARP_IT_SLOW=${V2_GUEST_SLOW:-4}
export HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 DOTNET_GENERATE_ASPNET_CERTIFICATE=false
cd "\$repo"
start=\$(date +%s)
# --blame names the tests that were running if the test host dies.
scripts/test-integration.sh --no-build --nologo --blame --results-directory /tmp/it-results \
    ${filter:+--filter $(printf %q "$filter")} > \$out/integration.log 2>&1
echo "integration: \$(grep -E ' - Failed: *[0-9]+' \$out/integration.log | tail -n 1)"
dotnet test spec-tests/Runtime.Cgroups.Tests --no-build --nologo > \$out/unit.log 2>&1
echo "unit: \$(grep -E ' - Failed: *[0-9]+' \$out/unit.log | tail -n 1)"
if [ ${V2_GUEST_ENGINES:-0} = 1 ]; then
    scripts/test-engines.sh --no-build --nologo > \$out/engines.log 2>&1
    echo "engines: \$(grep -E ' - Failed: *[0-9]+' \$out/engines.log | tail -n 1)"
fi
echo "v2-guest: tests took \$(( \$(date +%s) - start )) s"
dmesg > \$out/dmesg.log 2>&1
echo done > \$out/finished
EOF

echo "== booting $kernel under qemu (TCG)"
started=$(date +%s)
timeout "${V2_GUEST_TIMEOUT:-3600}" qemu-system-x86_64 -accel tcg -cpu max -m "${V2_GUEST_MEM:-4096}" -smp "${V2_GUEST_CPUS:-2}" \
    -nographic -no-reboot -monitor none -serial stdio \
    -kernel "$kernel" -initrd "$work/initramfs.gz" -append "console=ttyS0 quiet loglevel=3 panic=-1" \
    -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
    -virtfs "local,path=$work/out,mount_tag=out,security_model=none" \
    -drive "file=$work/scratch.img,if=virtio,format=raw,cache=unsafe" \
    </dev/null | tr -d '\r' | { if [ "${V2_GUEST_VERBOSE:-0}" = 1 ]; then cat; else grep -E '^(v2-guest|integration|unit|engines|init|stage2):' || true; fi; }
echo "v2-guest: guest ran $(( $(date +%s) - started )) s"

# Each failed test with its message (up to the stack trace): the logs are gone afterwards, e.g. in CI.
for log in $logs; do
    if [ -f "$work/out/$log.log" ]; then
        awk '/^  Failed / { on = 1; n = 0 } /^  Stack Trace:/ { on = 0 } on && n++ < 30' "$work/out/$log.log" | cut -c1-400 | sed "s/^/$log: /" || true
    fi
done
[ -f "$work/out/finished" ] || { echo "v2-guest: the guest did not finish (timeout or crash)"; V2_GUEST_KEEP=1; exit 1; }
read -r p f s < <(for log in $logs; do cat "$work/out/$log.log"; done | awk '/ - Failed: *[0-9]+, Passed: *[0-9]+/ {
        gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
    END { print p + 0, f + 0, s + 0 }')
echo "v2-guest: $p passed, $f failed, $s skipped"
# A crashed test host ends the run early: the counts then miss every test that did not run.
for log in $logs; do
    if ! grep -qE ' - Failed: *[0-9]+, Passed: *[0-9]+' "$work/out/$log.log"; then
        echo "v2-guest: no result line in $log.log"; V2_GUEST_KEEP=1; exit 1
    fi
done
if (cd "$work/out" && grep -q "Test Run Aborted" $(printf '%s.log ' $logs)); then
    echo "v2-guest: a test run was aborted (the test host crashed); see the blame lines above and dmesg.log"
    (cd "$work/out" && grep -A3 -E "running when|were running" $(printf '%s.log ' $logs)) | sed 's/^/v2-guest: /' || true
    V2_GUEST_KEEP=1
    exit 1
fi
[ "$f" = 0 ] && [ "$p" -gt 0 ]
