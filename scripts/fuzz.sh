#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for N executions each (default 1,000,000)
# and prints each target's wall time. Inputs grow up to MAX_LEN bytes (1 MiB,
# past every cap the SDK puts on what it reads), and an input that takes more
# than TIMEOUT seconds counts as a failure, as a crash does: either stops the
# script with libFuzzer's report; the input is saved under fuzz/artifacts/<target>/.
#
#   bash scripts/fuzz.sh            # 1,000,000 runs per target
#   bash scripts/fuzz.sh 50000      # a quicker pass
#   bash scripts/fuzz.sh 1000000 stored_records callback_url   # only these targets
#
# Needs the nightly toolchain (cargo-fuzz builds with -Zsanitizer=address).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

source scripts/toolchain.sh
CARGO_FUZZ_VERSION=0.13.2
RUNS="${1:-1000000}"
MAX_LEN=1048576
TIMEOUT=10
shift || true

if ! rustup run "$RELEASE_TOOLCHAIN" rustc --version >/dev/null 2>&1; then
  echo "fuzz: the nightly toolchain is needed (rustup toolchain install nightly)" >&2
  exit 1
fi
if [ "$(cargo fuzz --version 2>/dev/null)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
  cargo install cargo-fuzz --version "=$CARGO_FUZZ_VERSION" --locked
fi

if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo "+$RELEASE_TOOLCHAIN" fuzz list)
fi

cargo "+$RELEASE_TOOLCHAIN" fuzz build
summary=()
for target in "${targets[@]}"; do
  corpus="fuzz/corpus/$target"
  mkdir -p "$corpus"
  seeds=()
  [ -d "fuzz/seeds/$target" ] && seeds=("fuzz/seeds/$target")
  printf '\n== fuzz %s (%s runs)\n' "$target" "$RUNS"
  start=$(date +%s.%N)
  # The first corpus directory collects new inputs; the seeds are read only.
  cargo "+$RELEASE_TOOLCHAIN" fuzz run "$target" "$corpus" "${seeds[@]}" -- \
    -runs="$RUNS" -max_len="$MAX_LEN" -timeout="$TIMEOUT" -print_final_stats=1
  end=$(date +%s.%N)
  summary+=("$(printf '%-16s %10s runs %8.1f s' "$target" "$RUNS" "$(awk "BEGIN { print $end - $start }")")")
done

printf '\n== fuzz summary\n'
printf '%s\n' "${summary[@]}"
