#!/bin/sh
# Builds the C examples as freestanding wasm32 modules with clang 14 and lld (no libc).
#   host-api/examples/c/build.sh [OUT]     modules in OUT (default: beside the sources)
# CLANG selects the compiler (default clang-14, Debian's name; plain clang works too).
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here}"
clang="${CLANG:-clang-14}"
mkdir -p "$out"
for source in "$here"/*.c; do
  "$clang" --target=wasm32 -O2 -nostdlib -ffreestanding -Wl,--no-entry -Wl,--export-dynamic \
    -I "$here/../../include" -o "$out/$(basename "$source" .c).wasm" "$source"
done
