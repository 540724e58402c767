#!/bin/bash
# scripts/bench.sh - the benchmarks of issue 7: runsharp side by side with crun and runc, in one run.
#
#   scripts/bench.sh            everything (make bench): micro-benchmarks, lifecycle harness, bench/RESULTS.md
#   scripts/bench.sh --quick    fewer samples (a smoke test of the harness, numbers not for quoting)
#
# Environment: RUNS (hyperfine samples of `run` per runtime, default 75), LOOPS (create/start/delete/exec
# samples, 30), REPS (repetitions of 100 sequential and 4x25 parallel, 3), RSS_N (peak-RSS samples, 10),
# ISOLATED and ISOLATED_GAP (runs started on their own, 20 per runtime, 0.5 s apart),
# MICRO=0 (skip BenchmarkDotNet), NO_BUILD=1 (use bin/runsharp as it is), OUT (results dir, default bench),
# KEEP=1 (keep the work dir).
#
# Needs root. Installs runc, crun, hyperfine, time, jq and strace with apt-get when missing. Everything that
# mounts runs inside `unshare --mount --propagation private`, where the cgroup2 mount at
# /sys/fs/cgroup/unified is removed and a tmpfs put in its place, so all three runtimes see pure cgroup v1
# (crun 1.8.1 refuses this host's hybrid layout). Each runtime has its own --root; every container id and
# cgroup starts with "rsbench-", and leftovers of those are removed at the end.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
REPO=$(pwd)
RTS=(runsharp crun runc)

# ---------------------------------------------------------------------------------------------------------
# Inner part: runs inside the private mount namespace; writes raw samples to $W/data.
# ---------------------------------------------------------------------------------------------------------
inner() {
    set +e
    W=$1
    D=$W/data
    mkdir -p "$D"
    declare -A BIN=([runsharp]=$RUNSHARP [crun]=$(command -v crun) [runc]=$(command -v runc))
    B=$W/bundle          # /bin/true
    BS=$W/bundle-sleep   # /bin/sleep, for exec
    BM=$W/bundle-mem     # /bin/true under a memory limit
    log=$W/inner.log

    if grep -q ' /sys/fs/cgroup/unified ' /proc/self/mountinfo; then
        # Unmounted, not only covered: a runtime that reads mountinfo would still see a covered cgroup2 mount.
        umount -l /sys/fs/cgroup/unified
        # crun 1.8.1 still makes <id>/cgroup.procs in there (one page each, never removed): room for thousands.
        mount -t tmpfs -o size=256m,mode=0755 rsbench-hide /sys/fs/cgroup/unified
    fi

    R() { local rt=$1; shift; "${BIN[$rt]}" --root "$W/root-$rt" "$@"; }
    n=0
    nextid() { n=$((n + 1)); id="rsbench-$1-$n"; }
    # Appends one sample in ms (from two microsecond stamps) to data/<metric>.<rt>
    sample() { awk -v a="$3" -v b="$4" 'BEGIN { printf "%.3f\n", (b - a) / 1000 }' >> "$D/$1.$2"; }
    fail() { echo "$1.$2: $3" >> "$D/failures"; }
    wait_stopped() {
        local i
        for i in $(seq 200); do
            [ "$(R "$1" state "$2" 2>/dev/null | jq -r .status)" = stopped ] && return 0
            sleep 0.01
        done
        return 1
    }
    # Rotates the runtime order each round, so none is always first after a pause.
    order() { local r=$1; echo "${RTS[$((r % 3))]} ${RTS[$(((r + 1) % 3))]} ${RTS[$(((r + 2) % 3))]}"; }
    phase() { echo "== $*" >&2; }

    # 1. run of /bin/true, with hyperfine, in rounds that alternate the runtimes.
    phase "run /bin/true: hyperfine, $RUNS runs per runtime in 5 rounds"
    per=$(((RUNS + 4) / 5))
    for r in 0 1 2 3 4; do
        args=()
        for rt in $(order $r); do
            args+=(-n "$rt" "${BIN[$rt]} --root $W/root-$rt run --bundle $B rsbench-$rt-hf")
        done
        if hyperfine -N --warmup 3 --runs "$per" --export-json "$D/hf-run-$r.json" "${args[@]}" >> "$log" 2>&1; then
            for rt in "${RTS[@]}"; do
                jq -r --arg rt "$rt" '.results[] | select(.command == $rt) | .times[] | . * 1000' "$D/hf-run-$r.json" >> "$D/run.$rt"
            done
        else
            fail run all "hyperfine round $r failed (see inner.log)"
            for rt in "${RTS[@]}"; do R "$rt" delete -f "rsbench-$rt-hf" >/dev/null 2>&1; done
        fi
    done

    # 1b. run of /bin/true started on its own, ISOLATED_GAP s after the previous one (runtimes alternating), as
    #     containers usually start: a tight loop hides costs that come back after a pause (e.g. the RCU grace period
    #     the kernel's cgroup-wide lock waits for when it was not taken moments before).
    phase "run /bin/true, isolated: $ISOLATED samples each, ${ISOLATED_GAP}s apart"
    for ((i = 0; i < ISOLATED; i++)); do
        for rt in $(order $i); do
            sleep "$ISOLATED_GAP"
            nextid "$rt"
            t0=${EPOCHREALTIME/./}; R "$rt" run --bundle "$B" "$id" >> "$log" 2>&1; rc=$?; t1=${EPOCHREALTIME/./}
            if [ $rc -ne 0 ]; then fail run_isolated "$rt" "exit $rc"; R "$rt" delete -f "$id" >/dev/null 2>&1; else sample run_isolated "$rt" "$t0" "$t1"; fi
        done
    done

    # 2. create, start, delete each on its own (bash's $EPOCHREALTIME: no fork to read the clock);
    #    the container's memory cgroup peak right after create.
    phase "create / start / delete: $LOOPS samples each"
    for ((i = 0; i < LOOPS; i++)); do
        for rt in $(order $i); do
            nextid "$rt"
            t0=${EPOCHREALTIME/./}; R "$rt" create --bundle "$B" "$id" >> "$log" 2>&1; rc=$?; t1=${EPOCHREALTIME/./}
            if [ $rc -ne 0 ]; then fail create "$rt" "exit $rc"; R "$rt" delete -f "$id" >/dev/null 2>&1; continue; fi
            sample create "$rt" "$t0" "$t1"
            pid=$(R "$rt" state "$id" | jq -r .pid)
            cg=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ { print $3 }' "/proc/$pid/cgroup" 2>/dev/null)
            peak=/sys/fs/cgroup/memory$cg/memory.max_usage_in_bytes
            [ -n "$cg" ] && [ -r "$peak" ] && echo $(($(cat "$peak") / 1024)) >> "$D/cgpeak.$rt"
            t0=${EPOCHREALTIME/./}; R "$rt" start "$id" >> "$log" 2>&1; rc=$?; t1=${EPOCHREALTIME/./}
            if [ $rc -ne 0 ]; then fail start "$rt" "exit $rc"; else sample start "$rt" "$t0" "$t1"; fi
            wait_stopped "$rt" "$id" || fail start "$rt" "$id did not stop"
            t0=${EPOCHREALTIME/./}; R "$rt" delete "$id" >> "$log" 2>&1; rc=$?; t1=${EPOCHREALTIME/./}
            if [ $rc -ne 0 ]; then fail delete "$rt" "exit $rc"; R "$rt" delete -f "$id" >/dev/null 2>&1; else sample delete "$rt" "$t0" "$t1"; fi
        done
    done

    # 3. exec of /bin/true into a running container.
    phase "exec /bin/true: $LOOPS samples each"
    declare -A EXECOK
    for rt in "${RTS[@]}"; do
        R "$rt" run -d --bundle "$BS" "rsbench-$rt-exec" >> "$log" 2>&1 || { fail exec "$rt" "run -d of the sleep container failed"; continue; }
        if R "$rt" exec "rsbench-$rt-exec" /bin/true > "$D/exec-probe.$rt" 2>&1; then
            EXECOK[$rt]=1
        else
            echo "$(head -c 300 "$D/exec-probe.$rt")" > "$D/exec-unsupported.$rt"
        fi
    done
    for ((i = 0; i < LOOPS; i++)); do
        for rt in $(order $i); do
            [ -n "${EXECOK[$rt]:-}" ] || continue
            t0=${EPOCHREALTIME/./}; R "$rt" exec "rsbench-$rt-exec" /bin/true >> "$log" 2>&1; rc=$?; t1=${EPOCHREALTIME/./}
            if [ $rc -ne 0 ]; then fail exec "$rt" "exit $rc"; else sample exec "$rt" "$t0" "$t1"; fi
        done
    done
    for rt in "${RTS[@]}"; do
        R "$rt" kill "rsbench-$rt-exec" KILL >/dev/null 2>&1
        R "$rt" delete -f "rsbench-$rt-exec" >/dev/null 2>&1
    done

    # 4. 100 containers one after another, and 4 parallel streams of 25.
    stream() {  # rt count tag
        local k ok=0
        for ((k = 0; k < $2; k++)); do
            R "$1" run --bundle "$B" "rsbench-$1-$3-$k" >> "$log.$3" 2>&1 && ok=$((ok + 1))
        done
        [ "$ok" -eq "$2" ] || echo "batch $3 $1: $(($2 - ok)) of $2 runs failed" >> "$D/failures"
    }
    phase "100 sequential and 4x25 parallel: $REPS repetitions each"
    for ((i = 0; i < REPS; i++)); do
        for rt in $(order $i); do
            t0=${EPOCHREALTIME/./}; stream "$rt" 100 "s$i"; t1=${EPOCHREALTIME/./}
            sample seq100 "$rt" "$t0" "$t1"
        done
        for rt in $(order $i); do
            t0=${EPOCHREALTIME/./}
            for s in 0 1 2 3; do stream "$rt" 25 "p$i$s" & done
            wait
            t1=${EPOCHREALTIME/./}
            sample par4x25 "$rt" "$t0" "$t1"
        done
    done

    # 5. Peak RSS of the runtime process (GNU time's %M: max RSS of the process and the children it waited for).
    phase "peak RSS: $RSS_N samples of run and of create"
    for ((i = 0; i < RSS_N; i++)); do
        for rt in $(order $i); do
            nextid "$rt"
            /usr/bin/time -f %M -o "$W/rss" "${BIN[$rt]}" --root "$W/root-$rt" run --bundle "$B" "$id" >> "$log" 2>&1 \
                && tail -n1 "$W/rss" >> "$D/rss_run.$rt" || fail rss_run "$rt" "run failed"
            nextid "$rt"
            /usr/bin/time -f %M -o "$W/rss" "${BIN[$rt]}" --root "$W/root-$rt" create --bundle "$B" "$id" >> "$log" 2>&1 \
                && tail -n1 "$W/rss" >> "$D/rss_create.$rt" || fail rss_create "$rt" "create failed"
            R "$rt" delete -f "$id" >/dev/null 2>&1
        done
    done

    # 6. The smallest linux.resources.memory.limit under which `run` of /bin/true still succeeds:
    #    bisection in 4 KiB pages between 128 KiB and 16 MiB.
    phase "memory floor: bisection per runtime"
    starts() {  # rt limit-bytes
        local tmp rc
        tmp=$(mktemp "$BM/config.XXXX")
        jq --argjson l "$2" '.linux.resources.memory = {limit: $l}' "$B/config.json" | jq --arg r "$B/rootfs" '.root.path = $r' > "$tmp"
        mv "$tmp" "$BM/config.json"
        nextid "$1"
        timeout 30 "${BIN[$1]}" --root "$W/root-$1" run --bundle "$BM" "$id" >> "$log.mem" 2>&1
        rc=$?
        R "$1" delete -f "$id" >/dev/null 2>&1
        echo "$1 limit=$2 rc=$rc" >> "$log.mem"
        return $rc
    }
    for rt in "${RTS[@]}"; do
        lo=$((128 * 1024)) hi=$((16 * 1024 * 1024))
        if starts "$rt" $lo; then echo "<=$((lo / 1024))" > "$D/floor.$rt"; continue; fi
        if ! starts "$rt" $hi; then echo ">$((hi / 1024))" > "$D/floor.$rt"; continue; fi
        while [ $((hi - lo)) -gt 4096 ]; do
            mid=$(((lo + hi) / 2 / 4096 * 4096))
            if starts "$rt" $mid; then hi=$mid; else lo=$mid; fi
        done
        echo $((hi / 1024)) > "$D/floor.$rt"
    done

    # 7. Where the time goes: syscall counts of one run (runsharp and crun, runc for reference),
    #    and runsharp's own --debug phase log.
    phase "strace -c -f of one run each; runsharp --debug phases"
    for rt in "${RTS[@]}"; do
        nextid "$rt"
        strace -c -f -o "$D/strace.$rt" "${BIN[$rt]}" --root "$W/root-$rt" run --bundle "$B" "$id" >> "$log" 2>&1 || fail strace "$rt" "run under strace failed"
    done
    nextid runsharp
    t0=${EPOCHREALTIME/./}
    R runsharp --debug run --bundle "$B" "$id" > "$D/debug.runsharp" 2>&1
    t1=${EPOCHREALTIME/./}
    echo "$t0 $t1" > "$D/debug.times"

    # Cleanup: containers left in our roots, then any cgroup named rsbench-* (deepest first).
    for rt in "${RTS[@]}"; do
        for c in $(R "$rt" list -q 2>/dev/null); do R "$rt" delete -f "$c" >/dev/null 2>&1; done
    done
    find /sys/fs/cgroup -depth -type d -name 'rsbench-*' -exec rmdir {} + 2>/dev/null
    return 0
}

if [ "${1:-}" = --inner ]; then
    inner "$2"
    exit 0
fi

# ---------------------------------------------------------------------------------------------------------
# Outer part: tools, build, bundles, micro-benchmarks, then the inner part, then the report.
# ---------------------------------------------------------------------------------------------------------
QUICK=0
[ "${1:-}" = --quick ] && QUICK=1
if [ $QUICK = 1 ]; then
    : "${RUNS:=10}" "${LOOPS:=5}" "${REPS:=1}" "${RSS_N:=2}" "${MICRO:=0}" "${ISOLATED:=3}"
fi
: "${RUNS:=75}" "${LOOPS:=30}" "${REPS:=3}" "${RSS_N:=10}" "${MICRO:=1}" "${OUT:=bench}" "${ISOLATED:=20}" "${ISOLATED_GAP:=0.5}"
export RUNS LOOPS REPS RSS_N ISOLATED ISOLATED_GAP

if [ "$(id -u)" != 0 ]; then
    echo "bench.sh: must run as root (containers, mounts, cgroups)" >&2
    exit 1
fi

need=()
command -v runc >/dev/null || need+=(runc)
command -v crun >/dev/null || need+=(crun)
command -v hyperfine >/dev/null || need+=(hyperfine)
[ -x /usr/bin/time ] || need+=(time)
command -v jq >/dev/null || need+=(jq)
command -v strace >/dev/null || need+=(strace)
command -v unshare >/dev/null || need+=(util-linux)
if [ ${#need[@]} -gt 0 ]; then
    echo "bench.sh: installing ${need[*]}" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
fi

if [ "${NO_BUILD:-0}" != 1 ]; then
    make -s build >&2
fi
RUNSHARP=${RUNSHARP:-$REPO/bin/runsharp}
export RUNSHARP
[ -x "$RUNSHARP" ] || { echo "bench.sh: $RUNSHARP missing" >&2; exit 1; }

W=$(mktemp -d /tmp/runsharp-bench.XXXXXX)
cleanup() { [ "${KEEP:-0}" = 1 ] && echo "work dir kept: $W" >&2 || rm -rf "$W"; }
trap cleanup EXIT
start_s=$(date +%s)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

# The bundle: `runc spec`'s template (namespaces pid, network, ipc, uts, mount; read-only root) without a
# terminal, running /bin/true from a busybox rootfs.
scripts/mkrootfs.sh "$W/bundle/rootfs" >&2
runc spec --bundle "$W/bundle"
jq '.process.terminal = false | .process.args = ["/bin/true"]' "$W/bundle/config.json" > "$W/c" && mv "$W/c" "$W/bundle/config.json"
mkdir -p "$W/bundle-sleep" "$W/bundle-mem"
jq --arg r "$W/bundle/rootfs" '.process.args = ["/bin/sleep", "3600"] | .root.path = $r' "$W/bundle/config.json" > "$W/bundle-sleep/config.json"

# Micro-benchmarks (BenchmarkDotNet), before the lifecycle runs so the two do not compete for the CPUs.
micro=""
if [ "$MICRO" = 1 ]; then
    echo "== BenchmarkDotNet micro-benchmarks (spec-tests/Runtime.Benchmarks)" >&2
    if dotnet run -c Release --project spec-tests/Runtime.Benchmarks -- --describe > "$W/describe" 2> "$W/micro.log" \
        && dotnet run -c Release --no-build --project spec-tests/Runtime.Benchmarks -- --filter '*' --artifacts "$W/bdn" >> "$W/micro.log" 2>&1; then
        micro=$(cat "$W"/bdn/results/*-report-github.md 2>/dev/null | sed -n '/^|/p' | sed "s/&#39;/'/g")
    else
        echo "bench.sh: the micro-benchmarks failed (see below); continuing" >&2
        tail -20 "$W/micro.log" >&2
    fi
fi

echo "== lifecycle harness in a private mount namespace" >&2
unshare --mount --propagation private "$REPO/scripts/bench.sh" --inner "$W"
D=$W/data
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
elapsed=$(($(date +%s) - start_s))

# ---------------------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------------------
# stats FILE -> "median min max n" (empty when no samples)
stats() {
    [ -s "$1" ] || return 0
    sort -g "$1" | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; print m, v[1], v[NR], NR }'
}
median() { stats "$1" | cut -d' ' -f1; }
ratio() { [ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b }'; }
fmt() { awk -v v="$1" -v d="$2" 'BEGIN { printf "%.*f", d, v }'; }

binsize() { stat -L -c %s "$1"; }
declare -A BINPATH=([runsharp]=$RUNSHARP [crun]=$(command -v crun) [runc]=$(command -v runc))
for rt in "${RTS[@]}"; do binsize "${BINPATH[$rt]}" > "$D/binsize.$rt"; done

# metric|label|unit|decimals
METRICS=(
    "run|run /bin/true (create+start+wait+delete)|ms|1"
    "run_isolated|run /bin/true, isolated (one start every ${ISOLATED_GAP} s)|ms|1"
    "create|create|ms|1"
    "start|start|ms|1"
    "delete|delete|ms|1"
    "exec|exec /bin/true into a running container|ms|1"
    "seq100|100 containers one after another (total)|ms|0"
    "par4x25|4 parallel streams of 25 (total)|ms|0"
    "rss_run|peak RSS of the runtime process, run|KiB|0"
    "rss_create|peak RSS of the runtime process, create|KiB|0"
    "cgpeak|container cgroup memory peak after create|KiB|0"
)
cell() {  # metric rt decimals
    local s
    s=$(stats "$D/$1.$2")
    [ -n "$s" ] || { [ -s "$D/exec-unsupported.$2" ] && [ "$1" = exec ] && echo "not implemented" || echo "n/a"; return; }
    set -- $s "$3"
    echo "$(fmt "$1" "$5") ($(fmt "$2" "$5")–$(fmt "$3" "$5"), n=$4)"
}

versions() {
    local commit dirty=""
    commit=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo "${BENCH_COMMIT:-unknown}")
    if git -C "$REPO" rev-parse HEAD >/dev/null 2>&1 && [ -n "$(git -C "$REPO" status --porcelain -- src 2>/dev/null)" ]; then
        dirty=" (with uncommitted changes in src/)"
    fi
    echo "- runsharp: $("$RUNSHARP" --version 2>/dev/null | sed -n 's/^runsharp version //p'), built from commit $commit$dirty; $("$RUNSHARP" --version 2>/dev/null | grep -i dotnet | tr -d ' ')"
    echo "- crun: $(crun --version | head -1), $(crun --version | sed -n 2p)"
    echo "- runc: $(runc --version | head -1), $(runc --version | sed -n 4p), $(runc --version | sed -n 5p)"
    echo "- hyperfine: $(hyperfine --version), strace: $(strace -V | head -1 | awk '{ print $NF }'), bash $BASH_VERSION"
}

M_run=$(median "$D/run.runsharp"); C_run=$(median "$D/run.crun"); R_run=$(median "$D/run.runc")
M_seq=$(median "$D/seq100.runsharp"); C_seq=$(median "$D/seq100.crun")
M_exec=$(median "$D/exec.runsharp"); C_exec=$(median "$D/exec.crun")
M_rss=$(median "$D/rss_run.runsharp"); C_rss=$(median "$D/rss_run.crun")
F_rs=$(cat "$D/floor.runsharp" 2>/dev/null || echo "?")
S_rs=$(cat "$D/binsize.runsharp")

target() {  # description ok(1/0/"") detail
    local mark
    case "$2" in 1) mark="met" ;; 0) mark="**not met**" ;; *) mark="**not measured**" ;; esac
    echo "| $1 | $mark | $3 |"
}
le() {  # a b -> 1 when a <= b, 0 when not, nothing when either is missing
    [ -n "$1" ] && [ -n "$2" ] || return 0
    awk -v a="$1" -v b="$2" 'BEGIN { print (a <= b) ? 1 : 0 }'
}
t_run=$(le "$(ratio "$M_run" "$C_run")" 0.9)
t_seq=$(le "$(ratio "$M_seq" "$C_seq")" 0.9)
t_exec=$(le "$(ratio "$M_exec" "$C_exec")" 0.9)
if [ -z "$t_exec" ] && [ -s "$D/exec-unsupported.runsharp" ]; then t_exec=0; fi
t_rss=$(le "$M_rss" "$C_rss")
case "$F_rs" in "<="*) t_floor=1 ;; ">"*) t_floor=0 ;; "?") t_floor="" ;; *) t_floor=$(le "$F_rs" 256) ;; esac
t_size=$(le "$S_rs" 6291456)

mkdir -p "$OUT"
{
    echo "# runsharp benchmarks (issue 7)"
    echo
    echo "Generated by \`make bench\` (scripts/bench.sh) on $(date -u +%Y-%m-%dT%H:%MZ) in ${elapsed}s$([ $QUICK = 1 ] && echo ', **quick mode: too few samples to quote**')."
    echo
    echo "**Noise warning:** this machine is shared with engineers building and testing at the same time"
    echo "(load average ${load_start} at the start, ${load_end} at the end), so absolute timings are noisy."
    echo "The three runtimes were run alternately (rotating order) within each phase, so they shared the"
    echo "same conditions: quote the ratios rather than the absolute figures."
    echo
    echo "## Machine and versions"
    echo "- $(. /etc/os-release; echo "$PRETTY_NAME"), kernel $(uname -r), $(nproc) CPUs ($(lscpu | sed -n 's/^Model name: *//p' | head -1)), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM"
    echo "- cgroups: host is hybrid (v1 controllers + cgroup2 at /sys/fs/cgroup/unified); the harness runs in a private mount namespace where the cgroup2 mount is unmounted and a tmpfs is put in its place, so all three runtimes run on pure v1 (crun 1.8.1 refuses hybrid hosts; unmounted rather than only covered, so every runtime's mountinfo shows a plain v1 host)"
    versions
    echo
    echo "Bundle: \`runc spec\` template (namespaces pid, network, ipc, uts, mount; read-only root; 3 capabilities;"
    echo "no terminal) running \`/bin/true\` from a static busybox rootfs. Each runtime uses its own private \`--root\`."
    echo
    echo "## Results: median (min–max, samples)"
    echo
    echo "| | runsharp | crun | runc | runsharp/crun | runsharp/runc |"
    echo "|---|---|---|---|---|---|"
    for m in "${METRICS[@]}"; do
        IFS='|' read -r key label unit dec <<< "$m"
        a=$(median "$D/$key.runsharp"); b=$(median "$D/$key.crun"); c=$(median "$D/$key.runc")
        echo "| $label ($unit) | $(cell "$key" runsharp "$dec") | $(cell "$key" crun "$dec") | $(cell "$key" runc "$dec") | $(ratio "$a" "$b") | $(ratio "$a" "$c") |"
    done
    f=(); for rt in "${RTS[@]}"; do f+=("$(cat "$D/floor.$rt" 2>/dev/null || echo "?")"); done
    fr() { case "$1$2" in *"<"*|*">"*|*"?"*) echo "" ;; *) ratio "$1" "$2" ;; esac; }
    echo "| smallest memory limit \`run\` still succeeds under (KiB, 4 KiB steps) | ${f[0]} | ${f[1]} | ${f[2]} | $(fr "${f[0]}" "${f[1]}") | $(fr "${f[0]}" "${f[2]}") |"
    s=(); for rt in "${RTS[@]}"; do s+=("$(cat "$D/binsize.$rt")"); done
    echo "| binary size (bytes) | ${s[0]} | ${s[1]} | ${s[2]} | $(ratio "${s[0]}" "${s[1]}") | $(ratio "${s[0]}" "${s[2]}") |"
    echo
    echo "- \`run\`: hyperfine \`-N --warmup 3\`, 5 rounds alternating the runtimes. \`create\`/\`start\`/\`delete\`/\`exec\`:"
    echo "  one command at a time, timed with bash's \`\$EPOCHREALTIME\` (no fork to read the clock), runtimes alternating"
    echo "  each iteration. 100 sequential / 4x25 parallel: wall time of the whole batch, $REPS repetitions."
    echo "- Peak RSS: GNU time \`%M\` of the runtime command (max RSS of the process and the children it waited for)."
    echo "  Cgroup peak: \`memory.max_usage_in_bytes\` of the container's v1 memory cgroup right after \`create\`."
    echo "- Memory floor: bisection of \`linux.resources.memory.limit\` between 128 KiB and 16 MiB; \"<=128\" means even 128 KiB works."
    echo "- Binary size: the file itself. crun and runc are Debian's dynamically linked builds"
    echo "  (crun: $(ldd "$(command -v crun)" 2>/dev/null | wc -l) shared objects, runc: $(ldd "$(command -v runc)" 2>/dev/null | wc -l)); runsharp: $(ldd "$RUNSHARP" 2>/dev/null | wc -l) (NativeAOT)."
    if [ -s "$D/exec-unsupported.runsharp" ]; then
        echo "- exec: runsharp reports \`$(tr -d '\n' < "$D/exec-unsupported.runsharp" | sed 's/.*msg="\([^"]*\)".*/\1/')\`: not implemented yet, measured for crun and runc only."
    fi
    if [ -s "$D/failures" ]; then
        echo "- Failures during the run (samples left out): $(sort "$D/failures" | uniq -c | awk '{ $1 = $1 "x"; print }' | paste -sd ';' -)"
    fi
    echo
    echo "![medians](medians.svg)"
    echo
    echo "## Targets of issue 7"
    echo
    echo "| target | status | measured |"
    echo "|---|---|---|"
    target "\`run\` of /bin/true at most 0.9x crun" "$t_run" "$(ratio "$M_run" "$C_run")x crun ($(ratio "$M_run" "$R_run")x runc)"
    target "\`exec\` at most 0.9x crun" "$t_exec" "$([ -n "$M_exec" ] && echo "$(ratio "$M_exec" "$C_exec")x crun" || echo "exec not implemented in runsharp")"
    target "100 sequential at most 0.9x crun" "$t_seq" "$(ratio "$M_seq" "$C_seq")x crun"
    target "peak RSS of the runtime at most crun's" "$t_rss" "$(fmt "${M_rss:-0}" 0) KiB vs $(fmt "${C_rss:-0}" 0) KiB ($(ratio "$M_rss" "$C_rss")x)"
    target "a container starts under a 256 KiB memory limit" "$t_floor" "floor $F_rs KiB"
    target "binary at most 6 MiB" "$t_size" "$(awk -v s="$S_rs" 'BEGIN { printf "%.2f MiB", s / 1048576 }')"
    if [ -n "$micro" ]; then
        echo
        echo "## Micro-benchmarks (BenchmarkDotNet, in-process short job, spec-tests/Runtime.Benchmarks)"
        echo
        echo "Input: $(cat "$W/describe" 2>/dev/null)."
        echo
        echo "$micro"
    fi
    if [ "$t_run" != 1 ] || [ "$t_seq" != 1 ]; then
        echo
        echo "## Where the time goes (measurement only)"
        echo
        echo "\`strace -c -f\` of one \`run\` of /bin/true each (strace itself slows every syscall; compare counts, not seconds)."
        echo
        echo "| | runsharp | crun | runc |"
        echo "|---|---|---|---|"
        tot() { awk '$NF == "total" { print ($4 ~ /^[0-9]+$/ ? $4 : $3) }' "$D/strace.$1" 2>/dev/null; }
        errs() { awk '$NF == "total" { print (NF == 6 ? $5 : "0") }' "$D/strace.$1" 2>/dev/null; }
        echo "| syscalls (errors) | $(tot runsharp) ($(errs runsharp)) | $(tot crun) ($(errs crun)) | $(tot runc) ($(errs runc)) |"
        echo
        echo "The syscalls runsharp makes more often than crun, largest excess first:"
        echo
        echo "| syscall | runsharp calls | crun calls | excess |"
        echo "|---|---|---|---|"
        calls() {  # file -> "name calls" per syscall
            awk '/^[ ]*[0-9.]+ +[0-9.]+ +[0-9]+ +[0-9]+/ && $NF != "total" { print $NF, $4 }' "$1" 2>/dev/null
        }
        calls "$D/strace.crun" > "$W/calls.crun"
        calls "$D/strace.runsharp" > "$W/calls.runsharp"
        awk 'NR == FNR { c[$1] = $2; next } { d = $2 - c[$1]; if (d > 0) print $1, $2, c[$1] + 0, d }' \
            "$W/calls.crun" "$W/calls.runsharp" | sort -k4,4nr | head -15 | while read -r name a b d; do
            echo "| $name | $a | $b | +$d |"
        done
        if [ -s "$D/debug.runsharp" ]; then
            echo
            echo "runsharp's own \`--debug\` phase log of one \`run\` (milliseconds since the first line):"
            echo
            if [ -s "$D/debug.times" ]; then
                read -r d0 d1 < "$D/debug.times"
                first=$(sed -n '1s/^time="\([^"]*\)".*/\1/p' "$D/debug.runsharp")
                last=$(sed -n '$s/^time="\([^"]*\)".*/\1/p' "$D/debug.runsharp")
                first=$(date -d "$first" +%s%6N 2>/dev/null); last=$(date -d "$last" +%s%6N 2>/dev/null)
                if [ -n "$first" ] && [ -n "$last" ]; then
                    awk -v a="$d0" -v f="$first" -v l="$last" -v b="$d1" 'BEGIN {
                        printf "The whole command took %.1f ms: %.1f ms from exec to the first log line (runtime start-up, argument and\n", (b - a) / 1000, (f - a) / 1000
                        printf "config parsing, validation, state directory, cgroup creation), %.1f ms of logged phases, %.1f ms from the last line to exit.\n\n", (l - f) / 1000, (b - l) / 1000 }'
                fi
            fi
            echo '```'
            sed -n 's/^time="\([^"]*\)".*msg="\([^"]*\)".*/\1 \2/p' "$D/debug.runsharp" | awk '{
                split(substr($1, 12), t, ":"); s = t[1] * 3600 + t[2] * 60 + t[3]; if (NR == 1) s0 = s
                $1 = ""; printf "%8.2f ms %s\n", (s - s0) * 1000, substr($0, 2) }'
            echo '```'
        fi
    fi
    # What the numbers above cannot say by themselves: what was changed, tried and left (hand-written, committed).
    if [ -s "$REPO/bench/ANALYSIS.md" ]; then
        echo
        cat "$REPO/bench/ANALYSIS.md"
    fi
} > "$OUT/RESULTS.md"

# ---------------------------------------------------------------------------------------------------------
# SVG: medians per metric, each group scaled to its own largest value (units differ between groups).
# ---------------------------------------------------------------------------------------------------------
{
    for m in "${METRICS[@]}"; do
        IFS='|' read -r key label unit dec <<< "$m"
        printf '%s|%s|%s' "$label" "$unit" "$dec"
        for rt in "${RTS[@]}"; do printf '|%s' "$(median "$D/$key.$rt")"; done
        echo
    done
    printf 'memory floor|KiB|0'; for rt in "${RTS[@]}"; do printf '|%s' "$(sed 's/[<=>]//g' "$D/floor.$rt" 2>/dev/null)"; done; echo
    printf 'binary size|MiB|2'; for rt in "${RTS[@]}"; do printf '|%s' "$(awk '{ printf "%.2f", $1 / 1048576 }' "$D/binsize.$rt")"; done; echo
} | awk -F'|' -v title="runsharp vs crun vs runc: medians" -v subtitle="$(date -u +%Y-%m-%d); shared, noisy host; each group scaled to its own maximum" '
    function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); return s }
    BEGIN { name[1] = "runsharp"; name[2] = "crun"; name[3] = "runc"
            color[1] = "#6a3d9a"; color[2] = "#1f78b4"; color[3] = "#33a02c"
            bar = 14; gap = 3; groupgap = 26; left = 330; width = 380; y = 60 }
    { label[NR] = $1; unit[NR] = $2; dec[NR] = $3; for (i = 1; i <= 3; i++) v[NR, i] = $(3 + i); n = NR }
    END {
        h = y + n * (3 * (bar + gap) + groupgap) + 10
        printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n", left + width + 110, h
        printf "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
        printf "<text x=\"10\" y=\"22\" font-size=\"14\" font-weight=\"bold\">%s</text>\n", esc(title)
        printf "<text x=\"330\" y=\"45\" fill=\"#555\">%s</text>\n", esc(subtitle)
        for (i = 1; i <= 3; i++) {
            printf "<rect x=\"%d\" y=\"34\" width=\"12\" height=\"12\" fill=\"%s\"/><text x=\"%d\" y=\"45\">%s</text>\n", 10 + (i - 1) * 100, color[i], 26 + (i - 1) * 100, name[i]
        }
        for (g = 1; g <= n; g++) {
            max = 0; for (i = 1; i <= 3; i++) if (v[g, i] != "" && v[g, i] + 0 > max) max = v[g, i] + 0
            printf "<text x=\"10\" y=\"%d\">%s (%s)</text>\n", y + bar + 6, esc(label[g]), unit[g]
            for (i = 1; i <= 3; i++) {
                yy = y + (i - 1) * (bar + gap)
                if (v[g, i] == "") {
                    printf "<text x=\"%d\" y=\"%d\" fill=\"#888\">%s: not measured / not implemented</text>\n", left, yy + bar - 3, name[i]
                    continue
                }
                w = (max > 0) ? v[g, i] / max * width : 0
                printf "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s: %s %s</title></rect>\n", left, yy, w, bar, color[i], name[i], v[g, i], unit[g]
                printf "<text x=\"%.1f\" y=\"%d\">%.*f</text>\n", left + w + 4, yy + bar - 3, dec[g], v[g, i]
            }
            y += 3 * (bar + gap) + groupgap
        }
        print "</svg>"
    }' > "$OUT/medians.svg"

# ---------------------------------------------------------------------------------------------------------
# Plain-text summary
# ---------------------------------------------------------------------------------------------------------
echo
echo "runsharp benchmarks: medians (runsharp / crun / runc), ratios runsharp/crun and runsharp/runc"
for m in "${METRICS[@]}"; do
    IFS='|' read -r key label unit dec <<< "$m"
    a=$(median "$D/$key.runsharp"); b=$(median "$D/$key.crun"); c=$(median "$D/$key.runc")
    printf '  %-46s %10s %10s %10s %-4s  %5s  %5s\n' "$label" "${a:-n/a}" "${b:-n/a}" "${c:-n/a}" "$unit" "$(ratio "$a" "$b")" "$(ratio "$a" "$c")"
done
printf '  %-46s %10s %10s %10s %-4s\n' "memory floor" "$(cat "$D/floor.runsharp" 2>/dev/null)" "$(cat "$D/floor.crun" 2>/dev/null)" "$(cat "$D/floor.runc" 2>/dev/null)" KiB
printf '  %-46s %10s %10s %10s %-4s\n' "binary size" "$(cat "$D/binsize.runsharp")" "$(cat "$D/binsize.crun")" "$(cat "$D/binsize.runc")" B
echo "targets: run<=0.9x crun: ${t_run:-?}  exec: ${t_exec:-?}  100seq: ${t_seq:-?}  rss<=crun: ${t_rss:-?}  256KiB: ${t_floor:-?}  <=6MiB: ${t_size:-?}  (1 = met)"
if [ -s "$D/failures" ]; then echo "failures:"; sort "$D/failures" | uniq -c; fi
echo "written: $OUT/RESULTS.md, $OUT/medians.svg (${elapsed}s)"
