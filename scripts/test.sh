#!/usr/bin/env bash
# Everything `npm test` runs, in order: native Rust tests, wasm tests in Node, one release
# build, then the JS suite against the packed tarball and the local emulator.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

echo "== generated files match spec/taskflow-operations.json"
node scripts/gen-operations.mjs --check
if [ -f ../shared/reference/taskflow-operations.json ]; then
  cmp spec/taskflow-operations.json ../shared/reference/taskflow-operations.json \
    || { echo "spec/taskflow-operations.json differs from ../shared/reference: copy it and regenerate"; exit 1; }
fi

echo "== cargo test (native core)"
cargo test --quiet

echo "== cargo test --target wasm32-unknown-unknown (bindings, in Node)"
cargo test --target wasm32-unknown-unknown

echo "== release build"
node scripts/build.mjs --if-needed

echo "== npm pack + install into a scratch project"
node scripts/pack-for-tests.mjs

echo "== JS suite (node --test) against the tarball and the emulator"
node --test --test-reporter=spec js-tests/
