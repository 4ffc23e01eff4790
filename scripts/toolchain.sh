# Sourced by setup.sh and build.sh: the pinned nightly used for the release
# .wasm (panic=immediate-abort needs -Zbuild-std, so rust-src too).
RELEASE_TOOLCHAIN_PINNED=nightly-2026-05-20

# Picks the pinned nightly, or an installed `nightly` of that same date.
pick_release_toolchain() {
  if rustup run "$RELEASE_TOOLCHAIN_PINNED" rustc --version >/dev/null 2>&1; then
    RELEASE_TOOLCHAIN=$RELEASE_TOOLCHAIN_PINNED
  elif grep -qs "date = \"${RELEASE_TOOLCHAIN_PINNED#nightly-}\"" \
      "$(rustup run nightly rustc --print sysroot 2>/dev/null)/lib/rustlib/multirust-channel-manifest.toml"; then
    RELEASE_TOOLCHAIN=nightly
  else
    RELEASE_TOOLCHAIN=$RELEASE_TOOLCHAIN_PINNED
  fi
}

release_toolchain_ready() {
  pick_release_toolchain
  local sysroot
  sysroot=$(rustup run "$RELEASE_TOOLCHAIN" rustc --print sysroot 2>/dev/null) || return 1
  [ -d "$sysroot/lib/rustlib/src/rust/library" ] &&
    [ -d "$sysroot/lib/rustlib/wasm32-unknown-unknown" ]
}
