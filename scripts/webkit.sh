#!/usr/bin/env bash
# The browser tests in WebKitGTK, Safari's engine (Debian's webkit2gtk-driver: WebKitWebDriver and
# MiniBrowser): the wasm-bindgen-test adapters (tests/browser.rs), and the end-to-end logins
# (tests/webkit/, plain W3C WebDriver through tests/webdriver/client.mjs: Playwright's WebKit is a
# download of its own, which this network refuses). WebKitGTK has no headless mode: both run under
# a private Xvfb.
#
#   bash scripts/webkit.sh             # set up, build pkg/, run both
#   bash scripts/webkit.sh --no-build  # pkg/ is already fresh (scripts/test.sh built it)
#
# Installs what is missing first: scripts/setup.sh (wasm target, wasm-bindgen-cli, npm ci, ...),
# then Debian's webkit2gtk-driver and xvfb (about 30 s with apt's lists fresh).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

BUILD=1
for arg in "$@"; do
  case "$arg" in
    --no-build) BUILD=0 ;;
    *) echo "usage: bash scripts/webkit.sh [--no-build]" >&2; exit 2 ;;
  esac
done

step() { printf '\n== %s\n' "$*"; }

bash scripts/setup.sh

if ! command -v WebKitWebDriver >/dev/null || ! command -v Xvfb >/dev/null; then
  echo "webkit: installing Debian's webkit2gtk-driver and xvfb"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq webkit2gtk-driver xvfb >/dev/null
fi
WEBKIT_VERSION=$(dpkg-query -W -f '${Version}' libwebkit2gtk-4.1-0 2>/dev/null || echo unknown)
echo "webkit: WebKitGTK $WEBKIT_VERSION, $(command -v WebKitWebDriver)"

# A private X server: Xvfb picks a free display itself (-displayfd), so runs side by side never
# collide, and writes its number once it accepts clients.
XVFB_DIR=$(mktemp -d)
XVFB_PID=
stop_xvfb() {
  if [ -n "$XVFB_PID" ]; then kill "$XVFB_PID" 2>/dev/null || true; wait "$XVFB_PID" 2>/dev/null || true; fi
  rm -rf "$XVFB_DIR"
}
trap stop_xvfb EXIT
Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>"$XVFB_DIR/display" 2>"$XVFB_DIR/log" &
XVFB_PID=$!
for _ in $(seq 100); do
  grep -q . "$XVFB_DIR/display" 2>/dev/null && break
  kill -0 "$XVFB_PID" 2>/dev/null || { cat "$XVFB_DIR/log" >&2; exit 1; }
  sleep 0.1
done
grep -q . "$XVFB_DIR/display" || { echo "webkit: Xvfb gave no display" >&2; cat "$XVFB_DIR/log" >&2; exit 1; }

step "browser tests (wasm-bindgen-test in WebKitGTK's MiniBrowser, under Xvfb)"
# wasm-bindgen-test-runner drives no WebKitWebDriver by name, but WebKitWebDriver takes what it
# sends safaridriver (`--port=N`, then a W3C session with empty capabilities, which starts
# MiniBrowser). The runner takes the first of GECKODRIVER, SAFARIDRIVER, CHROMEDRIVER (and their
# *_REMOTE forms first) that is set, so only SAFARIDRIVER may be.
env -u CHROMEDRIVER -u GECKODRIVER -u MSEDGEDRIVER \
  -u GECKODRIVER_REMOTE -u SAFARIDRIVER_REMOTE -u CHROMEDRIVER_REMOTE -u MSEDGEDRIVER_REMOTE \
  SAFARIDRIVER="$(command -v WebKitWebDriver)" DISPLAY=":$(head -n1 "$XVFB_DIR/display")" NO_AT_BRIDGE=1 \
  cargo test --target wasm32-unknown-unknown --test browser
stop_xvfb
trap - EXIT

if [ "$BUILD" = 1 ]; then
  step "build the npm package"
  bash scripts/build.sh
fi

step "end-to-end logins (Node test runner + WebKitWebDriver + MiniBrowser; each browser under its own Xvfb)"
node --test --test-concurrency=1 tests/webkit/
