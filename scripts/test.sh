#!/usr/bin/env bash
# Everything `npm test` runs, in order: native Rust tests, wasm tests in Node, one release
# build, then the JS suite against the packed tarball and the local emulator, in Node
# (CJS and ESM), Chromium (esbuild, Vite and webpack builds), workerd, Deno and Bun.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh --with-browser

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

# A client given no credentials looks for them (js/credentials-chain.mjs), the ECS metadata
# service at 100.100.100.200 among the places: no test may reach a real address. The tests of
# the chain turn it back on, pointed at the emulator's stand-in.
export ALIBABA_CLOUD_ECS_METADATA_DISABLED=true

echo "== JS suite (node --test) against the tarball and the emulator"
# Readable output on stdout, TAP kept for the one-line summary below.
tap=.scratch/js-tests.tap
status=0
node --test --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap" js-tests/ || status=$?
passed=$(sed -n 's/^# pass //p' "$tap" | tail -1)
failed=$(sed -n 's/^# fail //p' "$tap" | tail -1)
# The test log itself must not show a credential the tests used (the emulator's accounts).
if grep -n -F -e emulator-secret-01 -e emulator-sts-secret -e emulator-sts-token "$tap"; then
  echo "a secret appears in the test log (above)"
  status=1
fi
echo "js-tests: ${passed:-0} passed, ${failed:-?} failed"
exit "$status"
