#!/bin/sh
# mkrootfs.sh DIR - build a minimal busybox rootfs in DIR (idempotent, fast).
#
# DIR/bin/busybox (static, from Debian's busybox-static) plus a symlink for every applet
# that `busybox --list-full` reports, /etc/passwd and /etc/group with root, nobody and a
# user "user1000" (uid/gid 1000), and empty dirs proc, sys, dev, tmp, etc, root.
set -eu

if [ $# -ne 1 ] || [ -z "$1" ]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi
dir=$1

is_static() {
    [ -x "$1" ] || return 1
    # A static binary has no PT_INTERP program header; check with file(1) if present,
    # otherwise with readelf, otherwise trust Debian's busybox-static path.
    if command -v file >/dev/null 2>&1; then
        file -L "$1" | grep -q 'statically linked' && return 0
        file -L "$1" | grep -q 'static-pie linked' && return 0
        return 1
    fi
    if command -v readelf >/dev/null 2>&1; then
        ! readelf -l "$1" 2>/dev/null | grep -q 'INTERP'
        return $?
    fi
    return 0
}

bb=/bin/busybox
if ! is_static "$bb"; then
    echo "mkrootfs: $bb missing or not static; installing busybox-static" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y busybox-static >&2
    is_static "$bb" || { echo "mkrootfs: $bb is still not a static binary" >&2; exit 1; }
fi

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
for d in bin sbin usr/bin usr/sbin proc sys dev tmp etc root home/user1000; do
    mkdir -p "$dir/$d"
done
chmod 1777 "$dir/tmp"
chmod 700 "$dir/root"

# Copy busybox only if it changed (keeps re-runs cheap).
if ! cmp -s "$bb" "$dir/bin/busybox"; then
    cp -f "$bb" "$dir/bin/busybox.new"
    chmod 755 "$dir/bin/busybox.new"
    mv -f "$dir/bin/busybox.new" "$dir/bin/busybox"
fi

# One symlink per applet at its canonical place (/bin/sh, /sbin/ip, /usr/bin/id, ...).
"$dir/bin/busybox" --list-full | while IFS= read -r applet; do
    [ -n "$applet" ] || continue
    case "$applet" in bin/busybox) continue ;; esac
    link="$dir/$applet"
    [ -L "$link" ] && continue
    rel=$(echo "$applet" | sed -e 's|[^/]*/|../|g' -e 's|[^/]*$||')
    ln -sf "${rel}bin/busybox" "$link"
done

cat > "$dir/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
user1000:x:1000:1000:user1000:/home/user1000:/bin/sh
PW
cat > "$dir/etc/group" <<'GR'
root:x:0:
nogroup:x:65534:
user1000:x:1000:
GR
chown 1000:1000 "$dir/home/user1000"
exit 0
