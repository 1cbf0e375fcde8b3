#!/usr/bin/env bash
# Runs every fuzz target (fuzz/fuzz_targets/*.rs) for SECONDS each (default 60), JOBS at a time
# (default 1), and prints executions and findings per target. Exits non-zero if any target
# found a crash; the input that caused it is in fuzz/artifacts/<target>/.
#
#   scripts/fuzz.sh [SECONDS] [JOBS]          e.g. scripts/fuzz.sh 30   (CI)
#   FUZZ_TARGETS="gias query" scripts/fuzz.sh 600 2
#
# Uses cargo-fuzz (libFuzzer) on the nightly toolchain, without a sanitizer: the crate forbids
# `unsafe`, so AddressSanitizer would only slow the search; overflow checks and debug
# assertions stay on, and fuzz/src/lib.rs makes any single allocation above 256 MiB a crash.
# Corpora live in fuzz/corpus/<target> (not committed), seeded from the real fixtures.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
jobs="${2:-1}"
all_targets=(gias council sources dataset postcode policy query rebuild)
read -r -a targets <<<"${FUZZ_TARGETS:-${all_targets[*]}}"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

toolchains="$(rustup toolchain list)"
grep -q '^nightly' <<<"$toolchains" || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

# ---- seeds: the real fixtures, each behind the mode byte its target reads -----------------
corpus=fuzz/corpus
mkdir -p "$corpus"/{gias,council,sources,dataset,postcode,policy,query,rebuild} fuzz/logs
rm -f fuzz/logs/*.status
cp tests/fixtures/gias/*.csv "$corpus/gias/"
# Inputs that once crashed a target (each fixed, with a regression test) stay in the corpus.
for dir in fuzz/regressions/*/; do cp "$dir"* "$corpus/$(basename "$dir")/"; done
{ zcat data/sources/edubase-leeds_2023-07.csv.gz | head -n 12; } >"$corpus/gias/leeds-head.csv" || true
cargo run --quiet --example fuzz_seeds -- "$corpus"
seed_source() { # mode byte, name, file (.gz or plain): the first 40 lines
  { printf "\\x$(printf %02x "$1")"; { zcat -f "$3" | head -n 40; } || true; } >"$corpus/sources/$2"
}
seed_source 0 national data/sources/open_establishments_urn_coords_2026-01-30.csv.gz
seed_source 1 special data/sources/special_schools_sen_types_england_2026-05.csv.gz
seed_source 2 academies data/sources/academies_mat_membership_2025-09.csv.gz
seed_source 3 london data/sources/london_schools_gias.csv.gz
seed_source 4 trafford data/sources/trafford_schools.csv.gz
{ printf '\x05'; { zcat data/sources/dfe_sap_establishments.json.gz | head -c 3000; } || true; } >"$corpus/sources/profiles"
seed_source 6 s41-approved data/sources/s41_approved_2022-03.csv.gz
seed_source 7 s41-not-approved data/sources/independent_special_not_s41_2022-03.csv.gz
seed_source 8 la-lookup tests/fixtures/la/dfe_la_code_to_gss_ctyua_derived.csv
seed_source 9 codepoint tests/fixtures/postcodes/codepoint_units_fixture.csv
cp data/policy/default.json "$corpus/policy/"
# rebuild: a step-size byte, then a GIAS file or a supplement (even) or a rebuild kit (odd).
for f in tests/fixtures/gias/*.csv; do { printf '\x08'; cat "$f"; } >"$corpus/rebuild/$(basename "$f")"; done
{ printf '\x06'; zcat data/sources/edubase-leeds_2023-07.csv.gz | head -n 30; } >"$corpus/rebuild/leeds-head.csv" || true
printf '\x04urn,site,name,kind,needs\n100001,senUnit,,,ASD\n' >"$corpus/rebuild/supplement.csv"
printf '\x01{"version":1,"authorities":[{"code":383,"name":"Leeds","gss":"E08000035"}],"section41":[{"laName":"Leeds","name":"A School","approved":true}]}' >"$corpus/rebuild/kit.json"
cat >"$corpus/council/sample.csv" <<'EOF'
urn,site,name,kind,needs,capacity,on_roll,places_date,low_age,high_age,lat,lon,postcode,website,notes
100001,senUnit,,,ASD;SLCN,12,10,2026-01-15,,,,,,,Vacancies from September
100002,satellite,A satellite class,senUnit,ASD,8,8,2026-01-15,5,11,53.84,-1.53,,https://example.org,
abc,main,,,,,,,,,,,,,
100003,main,,,XYZ,,,,,,,,,,
100004,main,,,,,,,12,7,,,,,
100005,satellite,,,,,,,,,,,,,
100006,main,,,,,,,,,,,,javascript:alert(1),
EOF
printf '{"home":{"lat":53.8,"lon":-1.55},"age":9,"primaryNeed":"ASD","otherNeeds":["SLCN"],"level":"specialist"}' \
  >"$corpus/query/typical.json"
printf '{"home":{"lat":53.8,"lon":-1.55},"dateOfBirth":"2017-03-01","startDate":"2026-09-01","primaryNeed":"PMLD","level":"complex","kinds":["special","independentSpecial"],"radiusMiles":25,"limit":5,"childSex":"girls","singleSex":"girls","religiousCharacter":"Roman Catholic","boarding":true,"includeIndependent":true,"sameLaOnly":true,"homeLa":383,"taughtOutOfYearGroup":8}' \
  >"$corpus/query/everything.json"

# ---- build once, then run the binaries (`cargo fuzz run` would rebuild each time) ----------
cargo +nightly fuzz build --sanitizer none
bin="fuzz/target/$(rustc -vV | sed -n 's/^host: //p')/release"

run_one() {
  local target="$1" log="fuzz/logs/$1.log"
  mkdir -p "fuzz/artifacts/$target"
  # -timeout: one input taking 10 s is a hang; -rss_limit_mb: a blow-up is a crash.
  if "$bin/$target" "$corpus/$target" -artifact_prefix="fuzz/artifacts/$target/" \
      -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 >"$log" 2>&1; then
    echo "ok" >"fuzz/logs/$target.status"
  else
    echo "CRASH" >"fuzz/logs/$target.status"
  fi
}

running=0
for target in "${targets[@]}"; do
  run_one "$target" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait || true

printf '\n%-10s %8s %14s %10s %8s  %s\n' target seconds executions exec/s corpus result
failed=0
for target in "${targets[@]}"; do
  log="fuzz/logs/$target.log"
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  files=$(find "$corpus/$target" -type f | wc -l)
  status=$(cat "fuzz/logs/$target.status" 2>/dev/null || echo "?")
  printf '%-10s %8s %14s %10s %8s  %s\n' "$target" "$seconds" "${runs:-?}" "${rate:-?}" "$files" "$status"
  if [ "$status" != ok ]; then
    failed=1
    grep -E 'panicked at|Test unit written|ERROR: libFuzzer|SUMMARY' "$log" | head -5 | sed 's/^/    /'
  fi
done
exit "$failed"
