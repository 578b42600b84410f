#!/bin/sh
# Builds build/${name}.wasm with the pinned assemblyscript compiler (installed by npm ci).
set -eu
cd "$(dirname "$0")"
[ -x node_modules/.bin/asc ] || npm ci --no-audit --no-fund --prefer-offline
mkdir -p build
node_modules/.bin/asc assembly/index.ts --config asconfig.json -o build/${name}.wasm
echo "built build/${name}.wasm"
