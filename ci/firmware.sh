#!/usr/bin/env bash
# The firmware example (examples/cortex-m) on emulated boards:
#
#   bash ci/firmware.sh
#
# Builds it for a Cortex-M4F (thumbv7em-none-eabihf, QEMU mps2-an386) and a
# Cortex-M0 (thumbv6m-none-eabi, QEMU micro:bit), runs both, and fails on a
# hard fault, a panic, a non-zero exit, a hang (60 s) or any difference from
# examples/cortex-m/expected-<target>.txt (the M4F and M0 kernels differ in the
# last bits; examples/cortex-m/check_expected.py
# checks against mpmath). Prints flash and static RAM of each ELF.
set -euo pipefail
cd "$(dirname "$0")/../examples/cortex-m"

if ! command -v qemu-system-arm >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq qemu-system-arm >/dev/null
fi
rustup target add thumbv7em-none-eabihf thumbv6m-none-eabi >/dev/null
rustup component add llvm-tools >/dev/null
size="$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin/llvm-size"

status=0
for target in thumbv7em-none-eabihf thumbv6m-none-eabi; do
  cargo build --quiet --release --target "$target"
  elf="target/$target/release/logitkit-cortex-m-example"
  out=$(mktemp)
  rc=0
  timeout 60 cargo run --quiet --release --target "$target" >"$out" 2>&1 || rc=$?
  if [ "$rc" != 0 ] || grep -q -e 'HARD FAULT' -e 'PANIC' "$out"; then
    cat "$out"
    echo "firmware: $target FAILED (exit $rc)" >&2
    status=1
  elif ! diff -u "expected-$target.txt" "$out"; then
    echo "firmware: $target output differs from expected-$target.txt" >&2
    status=1
  else
    # Berkeley format: text (code + read-only data) and data are in flash;
    # data and bss are static RAM (the stack comes on top).
    read -r text data bss _ < <("$size" -B "$elf" | tail -1)
    printf 'firmware: %-22s ok: output = expected-<target>.txt; flash %6d B (text %d + data %d), static RAM %5d B (data %d + bss %d)\n' \
      "$target" $((text + data)) "$text" "$data" $((data + bss)) "$data" "$bss"
  fi
  rm -f "$out"
done
[ "$status" = 0 ] && echo "firmware: passed"
exit "$status"
