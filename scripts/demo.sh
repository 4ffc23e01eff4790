#!/usr/bin/env bash
# Sets up a fresh machine, builds pkg/, and serves the demo with the dev provider.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
echo
echo "Open the demo URL printed below; sign in with any login and password."
exec node www/server.mjs
