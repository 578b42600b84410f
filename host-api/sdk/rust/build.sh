#!/bin/sh
# Builds the InfraFabric Rust SDK and its examples for wasm32-wasi with Debian's rustc 1.63 (no
# cargo needed; the crate has no dependencies), then runs their native unit tests.
#   host-api/sdk/rust/build.sh [OUT]     modules in OUT (default: host-api/sdk/rust/target)
# RUSTC selects the compiler (default /usr/bin/rustc: a rustup toolchain first on PATH may lack
# the wasm32-wasi standard library, which Debian's libstd-rust-dev-wasm32 provides).
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/target}"
rustc="${RUSTC:-/usr/bin/rustc}"
mkdir -p "$out/native"
wasm="--edition 2021 --target wasm32-wasi -C opt-level=s"
# A 64 KiB stack (rustc defaults to 1 MiB) keeps the initial memory at a few pages.
stack="-C link-arg=-zstack-size=65536"

"$rustc" $wasm --crate-type rlib --crate-name infrafabric -o "$out/libinfrafabric.rlib" "$here/src/lib.rs"
"$rustc" --edition 2021 --crate-type rlib --crate-name infrafabric -o "$out/native/libinfrafabric.rlib" "$here/src/lib.rs"
"$rustc" --edition 2021 --test --crate-name infrafabric -o "$out/native/sdk-tests" "$here/src/lib.rs"
"$out/native/sdk-tests" -q

for example in "$here"/examples/*.rs; do
  name="$(basename "$example" .rs)"
  "$rustc" $wasm $stack -C lto -C strip=symbols --crate-type cdylib --crate-name "$name" \
    --extern infrafabric="$out/libinfrafabric.rlib" -o "$out/$name.wasm" "$example"
  "$rustc" --edition 2021 --test --crate-name "$name" \
    --extern infrafabric="$out/native/libinfrafabric.rlib" -o "$out/native/$name-tests" "$example"
  "$out/native/$name-tests" -q
done
