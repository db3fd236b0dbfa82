#!/bin/sh
# Regenerate vmlinux.h from a kernel's BTF (default: the running kernel).
# usage: vmlinux/gen.sh [/path/to/vmlinux-or-btf]
set -eu
src=${1:-/sys/kernel/btf/vmlinux}
out=$(dirname "$0")/vmlinux.h
bpftool btf dump file "$src" format c > "$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out from $src"
