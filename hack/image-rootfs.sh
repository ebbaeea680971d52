#!/bin/sh
# hack/image-rootfs.sh — lays out the root filesystem of the runtime image
# (FROM scratch): the given executables in /usr/local/bin, every shared
# library they load (as ldd resolves them, at the same paths) with the
# dynamic loader and its cache, the CA bundle, and passwd/group entries for
# the non-root user 65532. No shell, no package manager.
#
# Usage: hack/image-rootfs.sh ROOTFS EXECUTABLE...
# The Dockerfile runs it in the build stage; tests/suite-50-assets.sh runs
# it on this machine and starts the executables inside the result (chroot).
set -eu

root=$1
shift
mkdir -p "$root/usr/local/bin" "$root/etc/ssl/certs" "$root/tmp"
chmod 1777 "$root/tmp"

for exe in "$@"; do
	cp "$exe" "$root/usr/local/bin/"
done

# `ldd` lines: "libx.so.1 => /path/libx.so.1 (0x...)" and the loader as
# "/lib64/ld-linux-x86-64.so.2 (0x...)". Copied with their directories, so
# the paths the loader's cache names exist in the image.
ldd "$@" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' |
	sort -u | while read -r lib; do
	cp --parents -L "$lib" "$root"
done
if [ -f /etc/ld.so.cache ]; then
	cp /etc/ld.so.cache "$root/etc/"
fi

cp -L /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/tmp:/sbin/nologin\n' >"$root/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' >"$root/etc/group"
