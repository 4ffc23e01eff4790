# Sourced by setup.sh, build.sh and fuzz.sh: the pinned nightly used for the
# release .wasm (panic=immediate-abort needs -Zbuild-std, so rust-src too).
# It is always named by its full date: a floating `nightly` moves to
# whatever date rustup last fetched.
RELEASE_TOOLCHAIN=nightly-2026-05-20

# True when the pinned nightly has cargo, rust-src and the wasm32 target.
release_toolchain_ready() {
  local sysroot
  sysroot=$(rustup run "$RELEASE_TOOLCHAIN" rustc --print sysroot 2>/dev/null) || return 1
  rustup run "$RELEASE_TOOLCHAIN" cargo --version >/dev/null 2>&1 &&
    [ -d "$sysroot/lib/rustlib/src/rust/library" ] &&
    [ -d "$sysroot/lib/rustlib/wasm32-unknown-unknown" ]
}

# What is missing from the pinned nightly, for an error message.
release_toolchain_problem() {
  local sysroot
  if ! sysroot=$(rustup run "$RELEASE_TOOLCHAIN" rustc --print sysroot 2>/dev/null); then
    echo "$RELEASE_TOOLCHAIN is not installed"
  elif ! rustup run "$RELEASE_TOOLCHAIN" cargo --version >/dev/null 2>&1; then
    echo "$RELEASE_TOOLCHAIN has no cargo"
  elif [ ! -d "$sysroot/lib/rustlib/src/rust/library" ]; then
    echo "$RELEASE_TOOLCHAIN has no rust-src component"
  elif [ ! -d "$sysroot/lib/rustlib/wasm32-unknown-unknown" ]; then
    echo "$RELEASE_TOOLCHAIN has no wasm32-unknown-unknown target"
  fi
}
