#!/usr/bin/env bash
# Builds the npm package in pkg/: release .wasm -> wasm-bindgen (--target web)
# -> wasm-opt -Oz (npm binaryen) -> scripts/package.mjs (the generated glue's
# finishing touches; the package's own files in pkg/ are committed source).
#
# The release .wasm is built with the pinned nightly and panic=immediate-abort
# (std rebuilt with -Zbuild-std), which drops the panic formatting machinery.
# Stable builds and tests the very same code (scripts/test.sh runs clippy,
# the native and the browser tests on stable); WASM_OAUTH_STABLE=1 builds
# pkg/ with stable too, as a named choice. Without it, a missing pinned
# nightly stops the build: it never falls back to stable on its own.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
source scripts/toolchain.sh

# Two builds of one crate: the browser build (pkg/wasm_oauth*, what index.js
# loads and what the size budget counts) and, with the `server` feature, the
# server runtimes' build (pkg/wasm_oauth_server*, what node.js loads), which
# adds client credentials and service tokens.
# pkg/ is a folder of the repository: its hand-written files (package.json, the entry modules,
# their .d.ts) are source; only what this script generates (pkg/.gitignore) is removed here.
rm -rf target/pkg-input pkg/snippets pkg/wasm_oauth*.js pkg/wasm_oauth*.d.ts pkg/wasm_oauth*.wasm
mkdir -p target/pkg-input
# A 64 KiB stack (the linker's default is 1 MiB), as in .cargo/config.toml.
STACK="-Clink-arg=-zstack-size=65536"
FEATURES=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue)
if [ -z "${WASM_OAUTH_STABLE:-}" ] && ! release_toolchain_ready; then
  echo "build: $(release_toolchain_problem); run bash scripts/setup.sh (or WASM_OAUTH_STABLE=1 for a stable build)" >&2
  exit 1
fi
if [ -z "${WASM_OAUTH_STABLE:-}" ]; then
  echo "build: $RELEASE_TOOLCHAIN, panic=immediate-abort"
  cargo_wasm() {
    CARGO_TARGET_DIR=target/release-nightly \
    RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none $STACK" \
      cargo "+$RELEASE_TOOLCHAIN" build --release --target wasm32-unknown-unknown --lib \
        -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size "$@"
    cp target/release-nightly/wasm32-unknown-unknown/release/wasm_oauth.wasm "$OUT"
  }
else
  echo "build: stable (panic=abort)"
  cargo_wasm() {
    RUSTFLAGS="$STACK" cargo build --release --target wasm32-unknown-unknown --lib "$@"
    cp target/wasm32-unknown-unknown/release/wasm_oauth.wasm "$OUT"
  }
fi
OUT=target/pkg-input/wasm_oauth.wasm cargo_wasm
OUT=target/pkg-input/wasm_oauth_server.wasm cargo_wasm --features server

for name in wasm_oauth wasm_oauth_server; do
  # --encode-into always: TextEncoder#encodeInto without the glue's fallback for engines
  # lacking it (every engine with AbortSignal.timeout, which each request uses, has it).
  wasm-bindgen --target web --encode-into always --out-dir pkg --out-name "$name" "target/pkg-input/$name.wasm"
  # Debian's binaryen 108 miscompiles this output; the npm one is pinned in package.json.
  node_modules/.bin/wasm-opt --no-inline="*" --flatten --rereloop --simplify-locals-nostructure -Oz -Oz --strip-debug --strip-producers "${FEATURES[@]}" \
    "pkg/${name}_bg.wasm" -o "pkg/${name}_bg.wasm"
  node scripts/minify-names.mjs "$name" "${FEATURES[@]}"
done
# node.d.ts types the server build with the browser build's declarations (the API is one).
rm pkg/wasm_oauth_server.d.ts pkg/wasm_oauth_server_bg.wasm.d.ts
node scripts/package.mjs
