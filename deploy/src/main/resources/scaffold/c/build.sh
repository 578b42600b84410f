#!/bin/sh
# Builds build/${name}.wasm, a freestanding wasm32 module, with clang 14 and lld (CLANG overrides).
set -eu
cd "$(dirname "$0")"
mkdir -p build
"${CLANG:-clang-14}" --target=wasm32 -O2 -nostdlib -ffreestanding -Wl,--no-entry \
  -Wl,--export-dynamic -I include -o build/${name}.wasm tool.c
echo "built build/${name}.wasm"
