#!/usr/bin/env bash
# Miri (undefined-behaviour checker) on the library's tests.
#
#   bash ci/miri.sh
#
# What runs, chosen so that every module runs under Miri:
#  1. every unit test of the library (all modules with unit tests:
#     calibration, compensated, decide, error, exp, lanes, logit, logsumexp,
#     quant, scan, sigmoid, softmax, uncertainty; they call the kernels of
#     float, map, narrow, wide), except three long-row tests that take
#     minutes under Miri and repeat what shorter tests run;
#  2. the loss module (it has no unit tests) through three of tests/loss.rs;
#  3. feature `std`, the crate's only `unsafe` (run-time dispatch to
#     `#[target_feature]` clones): the dispatch test at the baseline, then
#     built for x86-64-v3 so that Miri also runs the AVX2 + FMA clones
#     (Miri reports features from the build, it cannot run cpuid).
# Flags: libm's `force-soft-floats` (libm 0.2's x86 fma detects CPU features
# with inline assembly, which Miri cannot run; the soft fma gives the same
# correctly rounded results) and -Zmiri-deterministic-floats (Miri otherwise
# adds random error to std's float functions, which some tests use to build
# their expected values; the library itself calls only libm and this crate).
set -euo pipefail
cd "$(dirname "$0")/.."

rustup toolchain install nightly --profile minimal --component miri,rust-src >/dev/null
cargo +nightly miri setup >/dev/null
export MIRIFLAGS="-Zmiri-deterministic-floats"
feat=libm/force-soft-floats

cargo +nightly miri test --lib --features "$feat" -- \
  --skip quant::convert::tests::round_trip \
  --skip quant::softmax_i16::tests::long_rows_do_not_wrap \
  --skip quant::softmax_i8::tests::int32_sum_overflow_rows_do_not_wrap
cargo +nightly miri test --test loss --features "$feat" -- \
  bce_extremes_never_nan single_example_gradients errors_leave_grad_untouched
cargo +nightly miri test --lib --features "std,$feat" -- dispatch::
RUSTFLAGS="-C target-cpu=x86-64-v3" CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}/miri-x86-64-v3" \
  cargo +nightly miri test --lib --features "std,$feat" -- dispatch::
echo "miri: passed"
