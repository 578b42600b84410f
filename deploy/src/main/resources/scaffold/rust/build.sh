#!/bin/sh
# Builds target/${name}.wasm for wasm32-wasi with Debian's rustc (RUSTC overrides /usr/bin/rustc).
set -eu
cd "$(dirname "$0")"
rustc="${RUSTC:-/usr/bin/rustc}"
wasm="--edition 2021 --target wasm32-wasi -C opt-level=s"
mkdir -p target
"$rustc" $wasm --crate-type rlib --crate-name infrafabric -o target/libinfrafabric.rlib sdk/infrafabric/lib.rs
"$rustc" $wasm -C link-arg=-zstack-size=65536 -C lto -C strip=symbols --crate-type cdylib \
  --crate-name ${crate} --extern infrafabric=target/libinfrafabric.rlib -o target/${name}.wasm src/lib.rs
echo "built target/${name}.wasm"
