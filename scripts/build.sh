#!/usr/bin/env bash
# Builds the npm package in pkg/: release .wasm -> wasm-bindgen (--target web)
# -> wasm-opt -Oz (npm binaryen) -> index.js / index.d.ts / package.json.
# Needs the tools scripts/setup.sh installs.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

cargo build --release --target wasm32-unknown-unknown --lib
rm -rf pkg
wasm-bindgen --target web --out-dir pkg --out-name wasm_oauth \
  target/wasm32-unknown-unknown/release/wasm_oauth.wasm
# Debian's binaryen 108 miscompiles this output; the npm one is pinned in package.json.
node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
  pkg/wasm_oauth_bg.wasm -o pkg/wasm_oauth_bg.wasm
node scripts/package.mjs
