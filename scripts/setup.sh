#!/usr/bin/env bash
# Installs everything the build and the tests need, idempotently: each step is skipped when
# already done, so a second run costs a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# 1. The wasm target for the Rust toolchain.
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

# 2. Debian's Chromium and ChromeDriver for the browser tests (never Debian's binaryen: its
#    wasm-opt 108 corrupts current wasm-bindgen output; we use npm binaryen instead).
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
fi

# 3. wasm-bindgen CLI at exactly the version in Cargo.lock (built from crates.io; no --locked:
#    its lockfile pins a webpki-roots version this registry does not serve).
WBG_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WBG_VERSION" ]; then
  # The debug-profile build takes about 1 minute instead of 3-7 and gives identical output.
  CARGO_PROFILE_DEV_DEBUG=0 cargo install --debug --force wasm-bindgen-cli --version "$WBG_VERSION"
fi

# 4. npm packages, exactly as locked (playwright-core for the browser tests, esbuild for the page bundle).
if [ ! -d node_modules/playwright-core ] || [ ! -x node_modules/.bin/esbuild ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
