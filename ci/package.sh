#!/usr/bin/env bash
# The crate is ready to publish: `cargo publish --dry-run` (packages and
# builds the package alone), the package holds only what it needs, and the
# docs build as docs.rs builds them (all features, --cfg docsrs, nightly).
#
#   bash ci/package.sh
set -euo pipefail
cd "$(dirname "$0")/.."

list=$(cargo package --list --allow-dirty)
unexpected=$(grep -v -E '^(Cargo\.toml|Cargo\.toml\.orig|Cargo\.lock|\.cargo_vcs_info\.json|README\.md|CHANGELOG\.md|LICENSE|LICENSE-MIT|LICENSE-APACHE|src/.*\.rs)$' <<<"$list" || true)
if [ -n "$unexpected" ]; then
  echo "package: unexpected files in the package:" >&2
  echo "$unexpected" >&2
  exit 1
fi
for f in Cargo.toml README.md LICENSE-MIT LICENSE-APACHE src/lib.rs; do
  grep -qx "$f" <<<"$list" || { echo "package: $f missing from the package" >&2; exit 1; }
done
cargo publish --dry-run --allow-dirty
crate=$(find target/package -name "logitkit-*.crate" -newer Cargo.toml | head -1)
printf 'package: %s files, %s bytes compressed\n' "$(wc -l <<<"$list")" "$(stat -c %s "$crate")"

rustup toolchain install nightly --profile minimal >/dev/null
# As docs.rs does: nightly, all features, --cfg docsrs. Its warnings are
# shown, not fatal (nightly's lints move; stable's `cargo doc` with
# -D warnings runs in .ci/run).
RUSTDOCFLAGS="--cfg docsrs" cargo +nightly doc --no-deps --all-features
echo "package: passed"
