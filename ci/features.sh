#!/usr/bin/env bash
# Every feature combination builds and passes the tests, on the host and the
# no_std targets, with stable and with the declared rust-version (MSRV).
#
#   bash ci/features.sh
set -euo pipefail
cd "$(dirname "$0")/.."

command -v cargo-hack >/dev/null || cargo install --locked cargo-hack@0.6.46
msrv=$(sed -n 's/^rust-version *= *"\(.*\)"/\1/p' Cargo.toml)
rustup toolchain install "$msrv" --profile minimal >/dev/null
rustup target add thumbv6m-none-eabi thumbv7em-none-eabihf >/dev/null
rustup target add --toolchain "$msrv" thumbv6m-none-eabi thumbv7em-none-eabihf >/dev/null

# Host: features none, std, defmt, std+defmt: library and integration tests
# (the doc tests run with all features in .ci/run's test step).
cargo hack test --feature-powerset --lib --tests
# Microcontrollers: every combination without std (none, defmt).
for target in thumbv6m-none-eabi thumbv7em-none-eabihf; do
  cargo hack build --lib --feature-powerset --exclude-features std --target "$target"
done
# The declared rust-version: every combination builds with its tests, and
# the tests pass without features (.ci/run tests it with all features).
cargo hack check --feature-powerset --lib --tests --rust-version
cargo "+$msrv" test --lib --tests
cargo hack build --lib --feature-powerset --exclude-features std --target thumbv6m-none-eabi --rust-version
echo "features: passed (rust-version $msrv and stable)"
