#!/usr/bin/env bash
# Link-time proof that no panic path of logitkit survives optimization.
#
#   bash ci/no-panic.sh            # the check (what .ci/run runs)
#
# Builds ci/no-panic (a no_std binary that calls every public function with
# inputs the optimizer cannot see, and whose panic handler calls a function
# that exists nowhere) for Cortex-M4F, Cortex-M0 and bare x86-64 (the host
# SIMD kernels), each with three release profiles: cargo's default release
# (opt-level 3, no LTO, 16 codegen units), opt-level 3 + fat LTO, and
# opt-level "s" + fat LTO (the usual firmware profile). A surviving panic path
# fails the link; the script then rebuilds with the handler defined and names
# the source lines that reach it (ci/no-panic-diagnose.py).
#
# Also reported, not enforced: opt-level "z" + LTO. At "z" (and at "s"
# without LTO) core's own helpers such as `chunks_exact` stay out of line
# with their argument checks, so a panic path remains although the crate
# checks the argument first.
#
# Then it tests itself: with feature `demo-panic` (one slice index with an
# index from outside) the link must fail.
set -euo pipefail
cd "$(dirname "$0")/no-panic"

targets=(thumbv7em-none-eabihf thumbv6m-none-eabi x86_64-unknown-none)
rustup target add "${targets[@]}" >/dev/null
rustup component add llvm-tools >/dev/null
objdump="$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin/llvm-objdump"
export CARGO_TARGET_DIR="${NO_PANIC_TARGET_DIR:-$PWD/target}"
mkdir -p "$CARGO_TARGET_DIR"
# Direct calls (no GOT) on x86-64, so that the diagnosis can follow them.
export CARGO_TARGET_X86_64_UNKNOWN_NONE_RUSTFLAGS="-C relocation-model=static"

# name opt-level lto codegen-units
profiles=("O3 3 false 16" "O3+lto 3 fat 1" "Os+lto s fat 1")

build() { # target opt lto cgu [cargo args...]
  local target=$1 opt=$2 lto=$3 cgu=$4
  shift 4
  CARGO_PROFILE_RELEASE_OPT_LEVEL=$opt CARGO_PROFILE_RELEASE_LTO=$lto CARGO_PROFILE_RELEASE_CODEGEN_UNITS=$cgu \
    cargo build --quiet --release --target "$target" "$@"
}

failed=0
for target in "${targets[@]}"; do
  for p in "${profiles[@]}"; do
    read -r name opt lto cgu <<<"$p"
    if build "$target" "$opt" "$lto" "$cgu" 2>"$CARGO_TARGET_DIR/no-panic.log"; then
      printf 'no-panic: %-22s %-7s ok: no panic path\n' "$target" "$name"
    else
      if ! grep -q 'undefined symbol: logitkit_panic_path_survived_optimization' "$CARGO_TARGET_DIR/no-panic.log"; then
        cat "$CARGO_TARGET_DIR/no-panic.log"
        echo "no-panic: $target $name: build failed for another reason" >&2
        exit 1
      fi
      printf 'no-panic: %-22s %-7s FAILED: a panic path survived\n' "$target" "$name"
      build "$target" "$opt" "$lto" "$cgu" --features diagnose
      python3 ../no-panic-diagnose.py "$objdump" "$CARGO_TARGET_DIR/$target/release/logitkit-no-panic" || true
      failed=1
    fi
  done
done

# Reported only.
for target in "${targets[@]}"; do
  if build "$target" z fat 1 2>/dev/null; then
    printf 'no-panic: %-22s %-7s (reported only) no panic path\n' "$target" "Oz+lto"
  else
    printf 'no-panic: %-22s %-7s (reported only) a panic path survives\n' "$target" "Oz+lto"
  fi
done

# The check of the check: a panicking call must fail the link.
if build thumbv7em-none-eabihf 3 fat 1 --features demo-panic 2>"$CARGO_TARGET_DIR/no-panic.log"; then
  echo "no-panic: the demo panic (a slice index) linked: the check does not work" >&2
  exit 1
elif grep -q 'undefined symbol: logitkit_panic_path_survived_optimization' "$CARGO_TARGET_DIR/no-panic.log"; then
  echo "no-panic: demo-panic fails to link, as it must (undefined symbol logitkit_panic_path_survived_optimization)"
else
  cat "$CARGO_TARGET_DIR/no-panic.log"
  echo "no-panic: demo-panic failed for another reason" >&2
  exit 1
fi

if [ "$failed" = 1 ]; then
  echo "no-panic: FAILED (see the call chains above)" >&2
  exit 1
fi
echo "no-panic: passed"
