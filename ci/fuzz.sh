#!/usr/bin/env bash
# Fuzz every kernel family with cargo-fuzz (libFuzzer, nightly).
#
#   bash ci/fuzz.sh            # 30 s per target (what .ci/run runs)
#   bash ci/fuzz.sh 600        # a longer campaign: 600 s per target
#
# Each target asserts the documented invariants (see fuzz/fuzz_targets/*.rs),
# not just "no crash". Two fifths of the time go to the host build (feature
# `std`: the AVX2 / AVX-512 kernels this machine dispatches to), a fifth to
# each microcontroller code path run on the host: `--cfg logitkit_narrow`
# (RISC-V; f64 everywhere), `logitkit_exp_table` (Cortex-M4F/M7/M33),
# `logitkit_integer` (Cortex-M0/M3).
# A crash fails the script; its input is in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
secs=${1:-30}

rustup toolchain install nightly --profile minimal >/dev/null
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz@0.13.1

# Short runs (CI) use a fixed seed, so that a run explores the same inputs
# every time and CI does not fail at random; longer campaigns are random.
seed=()
[ "$secs" -le 60 ] && seed=(-seed=1)
targets=$(sed -n 's/^name = "\(.*\)"$/\1/p' Cargo.toml | grep -v '^logitkit-fuzz$')
wide=$(( secs * 2 / 5 ))
path=$(( secs / 5 ))
modes="wide narrow exp_table integer"
cargo +nightly fuzz build -O
for mode in narrow exp_table integer; do
  RUSTFLAGS="--cfg logitkit_$mode" cargo +nightly fuzz build -O --target-dir "target/$mode"
done
for t in $targets; do
  for mode in $modes; do
    if [ "$mode" = wide ]; then
      s=$wide; flags=(); env=()
    else
      s=$path; flags=(--target-dir "target/$mode"); env=(RUSTFLAGS="--cfg logitkit_$mode")
    fi
    [ "$s" -gt 0 ] || continue
    log=$(mktemp)
    if ! env "${env[@]}" cargo +nightly fuzz run -O "${flags[@]}" "$t" -- -max_total_time="$s" -print_final_stats=1 "${seed[@]}" >"$log" 2>&1; then
      tail -n 60 "$log"
      echo "fuzz: $t ($mode) FAILED" >&2
      exit 1
    fi
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    printf 'fuzz: %-18s %-9s %4ss  %10s executions  %s\n' "$t" "$mode" "$s" "$runs" "$cov"
    rm -f "$log"
  done
done
echo "fuzz: passed"
