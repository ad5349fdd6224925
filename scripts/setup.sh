#!/usr/bin/env bash
# Installs what building and testing need, skipping whatever is already there:
# the wasm32 target, wasm-bindgen-cli at exactly the wasm-bindgen crate's version,
# and the npm dev dependencies (wasm-opt from binaryen, esbuild, TypeScript, and for the
# runtime tests Vite, webpack, playwright-core, workerd, Deno and Bun, binaries included).
#   scripts/setup.sh                 what the build needs
#   scripts/setup.sh --with-browser  also Debian's chromium, for the browser tests
set -euo pipefail
cd "$(dirname "$0")/.."

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "setup: adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The CLI must equal the crate (Cargo.toml pins it with `=`).
want=$(cargo pkgid --quiet wasm-bindgen 2>/dev/null | sed 's/.*[@#]//')
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ] || ! command -v wasm-bindgen-test-runner >/dev/null; then
  echo "setup: installing wasm-bindgen-cli $want (was: ${have:-none}); this takes several minutes"
  # Not --locked: a locked dependency of the CLI is missing from the registry mirror here.
  cargo install wasm-bindgen-cli --version "=$want"
fi

# npm ci when node_modules is missing or older than the lock file.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm dev dependencies"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ "${1:-}" = "--with-browser" ] && [ ! -x /usr/bin/chromium ]; then
  echo "setup: installing Debian's chromium for the browser tests (about a minute)"
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
