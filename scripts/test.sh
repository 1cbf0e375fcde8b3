#!/usr/bin/env bash
# Runs every test: formatting, lints, native unit/doc/integration tests, wasm tests, the page's
# type check and the browser end-to-end tests. Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PWD/node_modules/.bin:$PATH"

step() { printf '\n== %s\n' "$*"; }
step "format";  cargo fmt --check
step "lints";   cargo clippy --all-targets -- -D warnings
step "boundary: wasm crates are named only in src/wasm.rs"
if grep -rlE 'wasm_bindgen|js_sys|web_sys|serde_wasm_bindgen' src --include='*.rs' | grep -v '^src/wasm.rs$'; then
  echo "the files above name wasm crates outside src/wasm.rs"; exit 1
fi
step "native tests"; cargo test
