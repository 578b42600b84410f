#!/bin/sh
# Runs the tool's unit tests natively (outside WebAssembly every host call answers UNAVAILABLE).
set -eu
cd "$(dirname "$0")"
rustc="${RUSTC:-/usr/bin/rustc}"
mkdir -p target/native
"$rustc" --edition 2021 --crate-type rlib --crate-name infrafabric -o target/native/libinfrafabric.rlib sdk/infrafabric/lib.rs
"$rustc" --edition 2021 --test --crate-name ${crate} --extern infrafabric=target/native/libinfrafabric.rlib \
  -o target/native/tests src/lib.rs
target/native/tests
