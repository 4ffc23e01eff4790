#!/usr/bin/env bash
# The browser tests in Debian's firefox-esr: the wasm-bindgen-test adapters (tests/browser.rs)
# through geckodriver, and the end-to-end redirect login and popup blocker (tests/firefox/, plain
# W3C WebDriver through tests/webdriver/client.mjs: Playwright cannot drive stock Firefox).
#
#   bash scripts/firefox.sh             # set up, build pkg/, run both
#   bash scripts/firefox.sh --no-build  # pkg/ is already fresh (scripts/test.sh built it)
#
# Installs what is missing first: scripts/setup.sh (wasm target, wasm-bindgen-cli, npm ci, ...),
# Debian's firefox-esr, and geckodriver from crates.io at a pinned version (about 6 minutes on
# 2 cores; npm's `geckodriver` downloads from GitHub, which this network refuses).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

GECKODRIVER_VERSION=0.37.1
BUILD=1
for arg in "$@"; do
  case "$arg" in
    --no-build) BUILD=0 ;;
    *) echo "usage: bash scripts/firefox.sh [--no-build]" >&2; exit 2 ;;
  esac
done

step() { printf '\n== %s\n' "$*"; }

bash scripts/setup.sh

if ! command -v firefox-esr >/dev/null; then
  echo "firefox: installing Debian's firefox-esr"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq firefox-esr >/dev/null
fi

if [ "$(geckodriver --version 2>/dev/null | awk 'NR==1 {print $2}')" != "$GECKODRIVER_VERSION" ]; then
  echo "firefox: installing geckodriver $GECKODRIVER_VERSION (about 6 minutes)"
  cargo install geckodriver --version "=$GECKODRIVER_VERSION" --locked \
    || cargo install geckodriver --version "=$GECKODRIVER_VERSION"
fi
GECKODRIVER=$(command -v geckodriver)
export GECKODRIVER
echo "firefox: $(firefox-esr --version), geckodriver $(geckodriver --version | awk 'NR==1 {print $2}')"

step "browser tests (wasm-bindgen-test in headless firefox-esr)"
# wasm-bindgen-test-runner takes the first of GECKODRIVER, SAFARIDRIVER, CHROMEDRIVER (and their
# *_REMOTE forms first) that is set, so only GECKODRIVER may be. It adds -headless itself.
env -u CHROMEDRIVER -u SAFARIDRIVER -u MSEDGEDRIVER \
  -u GECKODRIVER_REMOTE -u SAFARIDRIVER_REMOTE -u CHROMEDRIVER_REMOTE -u MSEDGEDRIVER_REMOTE \
  cargo test --target wasm32-unknown-unknown --test browser

if [ "$BUILD" = 1 ]; then
  step "build the npm package"
  bash scripts/build.sh
fi

step "end-to-end login and popup blocker (Node test runner + geckodriver + firefox-esr)"
node --test --test-concurrency=1 tests/firefox/
