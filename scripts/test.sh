#!/usr/bin/env bash
# Runs every test: formatting, lints (native and wasm), the boundary check, native unit/doc/
# integration tests, wasm tests (node and headless Chromium), the page's type check and JS unit
# tests, and the browser end-to-end tests on the real page. Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PWD/node_modules/.bin:$PATH"
export WASM_BINDGEN_TEST_TIMEOUT=120

step() { printf '\n== %s\n' "$*"; }
step "format";  cargo fmt --check
step "lints (native)";  cargo clippy --all-targets -- -D warnings
step "lints (wasm32: the finder's lean module, and the dashboard's, which holds the full finder)"
cargo clippy --lib --target wasm32-unknown-unknown --no-default-features -- -D warnings
cargo clippy --lib --test wasm --target wasm32-unknown-unknown --features dashboard,bench -- -D warnings
step "docs";  RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --lib --quiet
step "boundary: wasm crates are named only in src/wasm.rs"
if grep -rlE 'wasm_bindgen|js_sys|web_sys|serde_wasm_bindgen' src --include='*.rs' | grep -v '^src/wasm.rs$'; then
  echo "the files above name wasm crates outside src/wasm.rs"; exit 1
fi
echo "ok"
step "boundary: rstar is named only in src/engine/index.rs"
if grep -rlE '\brstar\b' src --include='*.rs' | grep -v '^src/engine/index.rs$'; then
  echo "the files above name rstar outside src/engine/index.rs"; exit 1
fi
echo "ok"
step "native tests (unit, doc, integration on real fixtures)";  cargo test
step "the TypeScript types in bindings/ are as generated from the Rust structs (cargo test writes them)"
if [ -n "$(git status --porcelain -- bindings)" ]; then
  git status --short -- bindings; git --no-pager diff --stat -- bindings
  echo "bindings/ changed: run 'cargo test --lib export_bindings' and commit bindings/"; exit 1
fi
echo "ok"
step "the form's vocabulary and default levels in www/js/generated/ are as generated from Rust (cargo test writes them)"
if [ -n "$(git status --porcelain -- www/js/generated)" ]; then
  git status --short -- www/js/generated; git --no-pager diff --stat -- www/js/generated
  echo "www/js/generated/ changed: run 'cargo test --test generated_vocabulary' and commit www/js/generated/"; exit 1
fi
echo "ok"
step "wasm tests (node)";  cargo test --target wasm32-unknown-unknown --features dashboard --test wasm
step "wasm tests (headless Chromium)"
WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER="$(command -v chromedriver)" cargo test --target wasm32-unknown-unknown --features dashboard --test wasm
step "fuzz (each target 30 s, two at a time; scripts/fuzz.sh installs nightly and cargo-fuzz if missing)"
bash scripts/fuzz.sh 30 2
step "build the page (data, wasm, vendor files)";  bash scripts/build.sh
step "page type check (www/js against bindings/ and the wasm declarations)";  tsc -p tsconfig.json
step "page JS unit tests and browser end-to-end tests"
node --test tests/js/ tests/e2e/
