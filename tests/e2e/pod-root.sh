#!/bin/sh
# tests/e2e/pod-root.sh ROOT UPPER MOUNTS ro|rw RUNTIME -- CMD...
# Run by podrunner.py inside a new, private mount namespace: lays out a
# container's root at ROOT (a tmpfs holding an overlay of each host
# directory, writes going to UPPER, so the host is never changed), mounts
# the pod's volumes listed in MOUNTS (lines "source<TAB>path<TAB>ro|rw"),
# makes the root read-only when asked, and execs CMD (chroot ROOT ...).
# RUNTIME is the image's stand-in directory: its parents are opened for
# the container's user inside the overlay only.
set -eu
root=$1 upper=$2 table=$3 rootmode=$4 runtime=$5
shift 5
[ "$1" = -- ] && shift

mount -t tmpfs -o mode=0755 podroot "$root"
for d in bin sbin lib lib32 lib64 libx32 usr etc opt root var home srv; do
    if [ -L "/$d" ]; then
        cp -P "/$d" "$root/$d"
    elif [ -d "/$d" ]; then
        mkdir -p "$root/$d" "$upper/u/$d" "$upper/w/$d"
        mount -t overlay overlay \
            -o "lowerdir=/$d,upperdir=$upper/u/$d,workdir=$upper/w/$d" "$root/$d"
    fi
done
mkdir -p "$root/proc" "$root/dev" "$root/tmp" "$root/sys" "$root/run"
mount -t proc proc "$root/proc"
# A /dev of its own, as container runtimes make it: the usual devices
# bound from the host, so a file made here (the kubelet's
# /dev/termination-log) never lands in the host's /dev.
mount -t tmpfs -o mode=0755,nosuid podev "$root/dev"
for n in null zero full random urandom tty; do
    : >"$root/dev/$n"
    mount --bind "/dev/$n" "$root/dev/$n"
done
mkdir -p "$root/dev/pts" "$root/dev/shm"
mount --rbind /dev/pts "$root/dev/pts"
mount -t tmpfs -o mode=1777,nosuid,nodev podshm "$root/dev/shm"
ln -s /proc/self/fd "$root/dev/fd"
ln -s /proc/self/fd/0 "$root/dev/stdin"
ln -s /proc/self/fd/1 "$root/dev/stdout"
ln -s /proc/self/fd/2 "$root/dev/stderr"
mount -t tmpfs -o mode=1777 podtmp "$root/tmp"
mount -t tmpfs -o mode=0755 podrun "$root/run"
# The runtime lives under a private home on the host: open the way to it.
p=$runtime
while [ "$p" != / ] && [ -n "$p" ]; do
    [ -d "$root$p" ] && chmod o+x "$root$p"
    p=$(dirname "$p")
done
tab=$(printf '\t')
while IFS="$tab" read -r src dst mode; do
    [ -n "$src" ] || continue
    # A mount path is resolved inside the new root, never on the host:
    # /var/run/secrets/... goes through the root's own /var/run -> /run.
    dst=$(chroot "$root" /usr/bin/realpath -m "$dst")
    if [ -d "$src" ]; then mkdir -p "$root$dst"; else
        mkdir -p "$(dirname "$root$dst")"
        : >"$root$dst"
    fi
    mount --bind "$src" "$root$dst"
    if [ "$mode" = ro ]; then mount -o remount,bind,ro "$root$dst"; fi
done <"$table"
if [ "$rootmode" = ro ]; then
    for d in bin sbin lib lib32 lib64 libx32 usr etc opt root var home srv; do
        if [ -d "$root/$d" ] && [ ! -L "$root/$d" ]; then
            mount -o remount,ro "$root/$d"
        fi
    done
    mount -o remount,ro "$root"
fi
exec "$@"
