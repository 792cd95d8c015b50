#!/usr/bin/env bash
# Fuzz every kernel family with cargo-fuzz (libFuzzer, nightly).
#
#   bash ci/fuzz.sh            # 30 s per target (what .ci/run runs)
#   bash ci/fuzz.sh 600        # a longer campaign: 600 s per target
#
# Each target asserts the documented invariants (see fuzz/fuzz_targets/*.rs),
# not just "no crash". Two thirds of the time go to the host build (feature
# `std`: the AVX2 / AVX-512 kernels this machine dispatches to), one third to
# the microcontroller kernels run on the host (`--cfg logitkit_narrow`).
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
wide=$(( secs * 2 / 3 ))
narrow=$(( secs - wide ))
cargo +nightly fuzz build -O
RUSTFLAGS="--cfg logitkit_narrow" cargo +nightly fuzz build -O --target-dir target/narrow
for t in $targets; do
  for mode in wide narrow; do
    if [ "$mode" = wide ]; then
      s=$wide; flags=(); env=()
    else
      s=$narrow; flags=(--target-dir target/narrow); env=(RUSTFLAGS="--cfg logitkit_narrow")
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
    printf 'fuzz: %-18s %-6s %4ss  %10s executions  %s\n' "$t" "$mode" "$s" "$runs" "$cov"
    rm -f "$log"
  done
done
echo "fuzz: passed"
