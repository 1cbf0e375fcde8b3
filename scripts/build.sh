#!/usr/bin/env bash
# Builds what is missing: the dataset and postcode shards (from data/sources), the wasm engine
# (into pkg/), and the page's vendor files. Run scripts/setup.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PWD/node_modules/.bin:$PATH"

# 1. Data: rebuilt when any source file is newer than the dataset.
if [ ! -f www/data/dataset.bin ] || [ ! -f www/data/rebuild-kit.json ] || [ -n "$(find data/sources -newer www/data/dataset.bin -type f | head -1)" ]; then
  cargo run --release --quiet --bin placement-finder -- build-data --out www/data
fi

# 1b. Postcode sectors (centroid, council, units) for the coverage dashboard, from the shards.
if [ ! -f www/data/sectors.csv ] || [ www/data/dataset.bin -nt www/data/sectors.csv ]; then
  cargo run --release --quiet --bin placement-finder -- sectors --postcodes www/data/postcodes --out www/data/sectors.csv
fi

# 2. The wasm engine.
cargo build --profile wasm-release --target wasm32-unknown-unknown --lib
wasm-bindgen --target web --out-dir pkg target/wasm32-unknown-unknown/wasm-release/placement_finder.wasm
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-reference-types \
  --enable-multivalue --enable-mutable-globals pkg/placement_finder_bg.wasm -o pkg/placement_finder_bg.wasm
rm -rf www/pkg && mkdir -p www/pkg && cp pkg/placement_finder.js pkg/placement_finder_bg.wasm pkg/*.d.ts www/pkg/

# 3. Vendor files the page imports (Leaflet is the only one), and the council boundaries the map
#    draws when no tiles are configured (ONS, OGL; about 70 KB compressed).
gunzip -c data/sources/england_ctyua_may2023_buc.geojson.gz > www/data/boundaries.geojson
mkdir -p www/vendor/leaflet
cp node_modules/leaflet/dist/leaflet-src.esm.js node_modules/leaflet/dist/leaflet.css www/vendor/leaflet/
cp -r node_modules/leaflet/dist/images www/vendor/leaflet/

raw=$(stat -c %s www/pkg/placement_finder_bg.wasm)
gz=$(gzip -9c www/pkg/placement_finder_bg.wasm | wc -c)
echo "wasm: $raw bytes, $gz gzip"
