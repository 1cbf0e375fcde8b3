#!/usr/bin/env bash
# Builds what is missing: the dataset and postcode shards (from data/sources), the wasm engine
# (into pkg/), and the page's vendor files. Run scripts/setup.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PWD/node_modules/.bin:$PATH"

# 1. Data (dataset.bin, postcode shards, and the page's split data in finder/): rebuilt when any
#    source file is newer than the dataset, or a file is missing.
if [ ! -f www/data/dataset.bin ] || [ ! -f www/data/rebuild-kit.json ] || [ ! -f www/data/finder/core.bin ] || [ ! -f www/data/finder/details/all.bin ] || [ -n "$(find data/sources -newer www/data/dataset.bin -type f | head -1)" ]; then
  cargo run --release --quiet --bin placement-finder -- build-data --out www/data
fi

# 1b. Postcode sectors (centroid, council, units) for the coverage dashboard, from the shards.
if [ ! -f www/data/sectors.csv ] || [ www/data/dataset.bin -nt www/data/sectors.csv ]; then
  cargo run --release --quiet --bin placement-finder -- sectors --postcodes www/data/postcodes --out www/data/sectors.csv
fi

# 2. The wasm engine, three times, from the one crate: the finder's lean module (what a family's
#    phone downloads for a page with the default policy pack: no pack reader, no whole-dataset
#    reader) into pkg/; the finder's full module (adds a council's policy pack and a whole
#    dataset.bin: the page loads it instead when it needs them, www/js/engine.js) into pkg-full/;
#    and the dashboard's (the full finder plus the coverage engine and the importer) into
#    pkg-dashboard/. `--features dashboard` adds the rest, and `bench` the exports only the
#    benchmark scripts use (never in the finder's modules).
wasm_build() { # $1: output folder, $2...: cargo flags
  local out=$1; shift
  cargo build --profile wasm-release --target wasm32-unknown-unknown --lib "$@"
  rm -rf "$out" && mkdir -p "$out"
  wasm-bindgen --target web --out-dir "$out" target/wasm32-unknown-unknown/wasm-release/placement_finder.wasm
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-reference-types \
    --enable-multivalue --enable-mutable-globals "$out/placement_finder_bg.wasm" -o "$out/placement_finder_bg.wasm"
}
wasm_build pkg --no-default-features
wasm_build target/pkg-full
wasm_build target/pkg-dashboard --features dashboard,bench
rm -rf www/pkg www/pkg-full www/pkg-dashboard && mkdir -p www/pkg www/pkg-full www/pkg-dashboard
cp pkg/placement_finder.js pkg/placement_finder_bg.wasm pkg/*.d.ts www/pkg/
cp target/pkg-full/placement_finder.js target/pkg-full/placement_finder_bg.wasm target/pkg-full/*.d.ts www/pkg-full/
cp target/pkg-dashboard/placement_finder.js target/pkg-dashboard/placement_finder_bg.wasm target/pkg-dashboard/*.d.ts www/pkg-dashboard/

# 3. Vendor files the page imports (Leaflet is the only one), and the council boundaries the map
#    draws when no tiles are configured (ONS, OGL; about 70 KB compressed).
gunzip -c data/sources/england_ctyua_may2023_buc.geojson.gz > www/data/boundaries.geojson
mkdir -p www/vendor/leaflet
cp node_modules/leaflet/dist/leaflet-src.esm.js node_modules/leaflet/dist/leaflet.css www/vendor/leaflet/
cp -r node_modules/leaflet/dist/images www/vendor/leaflet/

# 4. The pages' scripts bundled (docs/testing.md "The page's scripts: sources and bundle"): the
#    finder's (main.js and every module it imports), the embed's frame set-up (embed.html runs it
#    before main.js), the dashboard's, and the engine's worker with the finder's wasm glue, so that
#    no import waits for another. The modules in www/js/ stay the source (tsc, node tests); the
#    bundle is rebuilt every time.
rm -rf www/bundle
esbuild www/js/main.js www/js/embed-frame.js www/js/engine-worker.js www/js/dashboard.js --bundle --format=esm --minify \
  --target=es2022 --sourcemap=external --outdir=www/bundle --log-level=warning

# 5. A brotli-11 copy beside every compressible file that has none or an older one, which
#    scripts/serve.mjs sends as it is (a deployment should do the same: docs/embedding.md).
node scripts/precompress.mjs www

for m in pkg pkg-full pkg-dashboard; do
  echo "wasm ($m): $(stat -c %s www/$m/placement_finder_bg.wasm) bytes, $(gzip -9c www/$m/placement_finder_bg.wasm | wc -c) gzip"
done
