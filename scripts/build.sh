#!/usr/bin/env bash
# Builds the npm package in pkg/: release .wasm -> wasm-bindgen (--target web)
# -> wasm-opt -Oz (npm binaryen) -> index.js / index.d.ts / package.json.
#
# The release .wasm is built with the pinned nightly and panic=immediate-abort
# (std rebuilt with -Zbuild-std), which drops the panic formatting machinery:
# about 10 KB less gzip. Stable builds and tests the very same code
# (scripts/test.sh runs clippy, the native and the browser tests on stable);
# WASM_OAUTH_STABLE=1 builds pkg/ with stable too.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
source scripts/toolchain.sh

if [ -z "${WASM_OAUTH_STABLE:-}" ] && release_toolchain_ready; then
  echo "build: $RELEASE_TOOLCHAIN, panic=immediate-abort"
  CARGO_TARGET_DIR=target/release-nightly \
  RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none" \
    cargo "+$RELEASE_TOOLCHAIN" build --release --target wasm32-unknown-unknown --lib \
      -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size
  WASM=target/release-nightly/wasm32-unknown-unknown/release/wasm_oauth.wasm
else
  echo "build: stable (panic=abort)"
  cargo build --release --target wasm32-unknown-unknown --lib
  WASM=target/wasm32-unknown-unknown/release/wasm_oauth.wasm
fi
rm -rf pkg
wasm-bindgen --target web --out-dir pkg --out-name wasm_oauth "$WASM"
# Debian's binaryen 108 miscompiles this output; the npm one is pinned in package.json.
FEATURES=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue)
node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers "${FEATURES[@]}" \
  pkg/wasm_oauth_bg.wasm -o pkg/wasm_oauth_bg.wasm
node scripts/minify-names.mjs "${FEATURES[@]}"
node scripts/package.mjs
