#!/usr/bin/env bash
# Sets up a fresh machine and runs every test: native core + flows, browser
# adapters in headless Chromium, Firefox and WebKit, the npm package, and
# end-to-end logins.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh

step() { printf '\n== %s\n' "$*"; }

step "format and lints"
cargo fmt --check
cargo clippy --all-targets -- -D warnings
cargo clippy --target wasm32-unknown-unknown --lib --tests -- -D warnings
cargo clippy --target wasm32-unknown-unknown --lib --features server -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet

step "native tests (core, flows, bad inputs, properties)"
cargo test

step "fuzz smoke run (50,000 executions per target; 1,000,000: bash scripts/fuzz.sh)"
bash scripts/fuzz.sh 50000

step "browser tests (wasm-bindgen-test in headless Chromium)"
CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test browser

step "build the npm package"
bash scripts/build.sh
node scripts/size.mjs --check

step "Firefox: browser tests (wasm-bindgen-test + geckodriver) and the e2e login and popup blocker over WebDriver"
bash scripts/firefox.sh --no-build

step "WebKit (Safari's engine): browser tests (wasm-bindgen-test + WebKitWebDriver) and the e2e logins over WebDriver, under Xvfb"
bash scripts/webkit.sh --no-build

step "package, server runtimes, SSR, types, bundlers, React and end-to-end tests (Node test runner + tsc + Vite/webpack/esbuild + React + playwright-core + Chromium)"
node --test --test-concurrency=1 tests/package/ tests/node/ tests/types/ tests/bundlers/ tests/react/ tests/e2e/
