#!/bin/sh
# Runs the built module in node against a small stand-in for the host's io and log functions.
set -eu
cd "$(dirname "$0")"
node --test test/
