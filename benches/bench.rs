//! The project's own benchmark: `cargo bench --bench bench` (release profile).
//!
//! Not a timed test: it measures and prints, and says which target each number answers.
//! Sections: GIAS import rate, `build-data` wall time, dataset size and load time.

use placement_finder::dataset::Dataset;
use placement_finder::finder::Finder;
use placement_finder::import::gias::read_gias;
use placement_finder::index::{Partition, SettingIndex};
use placement_finder::pipeline::{self, BuildOptions};
use placement_finder::policy::Policy;
use placement_finder::rank::Query;
use placement_finder::{LatLon, Need};
use std::io::Read;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The Leeds raw GIAS extract repeated with fresh URNs to national size (~52k rows).
fn national_sized_gias() -> (Vec<u8>, usize) {
    let mut gz = Vec::new();
    let raw = std::fs::read(root().join("data/sources/edubase-leeds_2023-07.csv.gz")).expect("Leeds source");
    flate2::read::GzDecoder::new(&raw[..]).read_to_end(&mut gz).expect("gunzip");
    let text = String::from_utf8(gz).expect("utf-8");
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default();
    let rows: Vec<&str> = lines.collect();
    let copies = 52_000 / rows.len() + 1;
    let mut out = String::with_capacity(text.len() * copies);
    out.push_str(header);
    out.push_str("\r\n");
    let mut n = 0;
    for copy in 0..copies {
        for row in &rows {
            // Rows start with the URN; give each copy its own URN range.
            let (urn, rest) = row.split_once(',').unwrap_or((row, ""));
            let urn: u32 = urn.trim_matches('"').parse().unwrap_or(1);
            out.push_str(&format!("{},{}\r\n", urn + copy as u32 * 1_000_000, rest));
            n += 1;
        }
    }
    (out.into_bytes(), n)
}

fn main() {
    println!("placement-finder benchmark (release build; 2-core machine; medians)\n");
    if std::env::args().any(|a| a == "coverage") {
        coverage_section();
        return;
    }

    // 1. GIAS import rate.
    let (gias, rows) = national_sized_gias();
    let runs: Vec<Duration> = (0..5)
        .map(|_| {
            let t = Instant::now();
            let (records, report) = read_gias("bench.csv", &gias).expect("import");
            assert!(report.is_balanced() && !records.is_empty());
            t.elapsed()
        })
        .collect();
    let t = median(runs);
    println!(
        "GIAS import: {rows} rows ({:.1} MB, Leeds extract x{}) in {:.1} ms = {:.0} rows/s  [target >= 100,000 rows/s]",
        gias.len() as f64 / 1e6,
        rows / 771 + 1,
        t.as_secs_f64() * 1e3,
        rows as f64 / t.as_secs_f64()
    );

    // 2. build-data, whole pipeline in memory (sources, postcodes, merge, encode).
    let opts = BuildOptions {
        sources_dir: root().join("data/sources"),
        gias: None,
        supplement: None,
        postcodes: true,
        build_date: pipeline::today(),
    };
    let t = Instant::now();
    let output = pipeline::build(&opts).expect("build");
    let build = t.elapsed();
    let t = Instant::now();
    let bytes = output.dataset.encode();
    let shards = output.postcodes.as_ref().map(|p| &p.shards[..]).unwrap_or(&[]);
    let shard_bytes: usize = shards.iter().map(|s| s.encode().len()).sum();
    let encode = t.elapsed();
    println!(
        "build-data: {:.2} s to read and merge every source and build {} postcode shards, + {:.2} s to encode",
        build.as_secs_f64(),
        output.postcodes.as_ref().map_or(0, |p| p.shards.len()),
        encode.as_secs_f64()
    );

    // 3. Dataset size and load.
    let n = output.dataset.settings.len();
    let core = output.dataset.encode_core();
    let br = |b: &[u8]| {
        let mut out = Vec::new();
        let params = brotli::enc::BrotliEncoderParams { quality: 11, ..Default::default() };
        brotli::BrotliCompress(&mut &b[..], &mut out, &params).expect("brotli");
        out.len()
    };
    let (core_br, all_br) = (br(&core), br(&bytes));
    println!(
        "dataset: {n} settings; {} bytes raw, {} brotli ({:.1} bytes/setting); location-and-kind core {} bytes raw, {} brotli = {:.2} bytes/setting  [target <= 5]",
        bytes.len(),
        all_br,
        all_br as f64 / n as f64,
        core.len(),
        core_br,
        core_br as f64 / n as f64
    );
    println!("postcode shards: {} files, {:.1} MB raw", shards.len(), shard_bytes as f64 / 1e6);
    let runs: Vec<Duration> = (0..20)
        .map(|_| {
            let t = Instant::now();
            let d = Dataset::decode(&bytes).expect("decode");
            assert_eq!(d.settings.len(), n);
            t.elapsed()
        })
        .collect();
    println!("dataset load (decode + validate): {:.2} ms", median(runs).as_secs_f64() * 1e3);

    // 4. Index build and shortlist latency (issue: per-need R-trees, explained ranking).
    let d = Dataset::decode(&bytes).expect("decode");
    let runs: Vec<Duration> = (0..20)
        .map(|_| {
            let t = Instant::now();
            let index = SettingIndex::build(&d.settings);
            std::hint::black_box(&index);
            t.elapsed()
        })
        .collect();
    println!(
        "index build ({n} settings, {} partitions): {:.2} ms  [target <= 5 ms]",
        Partition::all().count(),
        median(runs).as_secs_f64() * 1e3
    );
    let t = Instant::now();
    let finder = Finder::new(d, Policy::illustrative_default());
    println!("finder ready (index + ranking tables): {:.2} ms", t.elapsed().as_secs_f64() * 1e3);

    // 4b. Cold start: bytes to a ready finder, from the whole dataset and from the page's core
    // (finder/core.bin), and adding an area's details (finder/details/LS.bin).
    let (split_core, split_details) = placement_finder::build::finder_files::finder_files(&output.dataset, shards);
    let ls = split_details.iter().find(|(name, _)| name == "LS.bin").map(|(_, b)| b.clone()).unwrap_or_default();
    let all = split_details.iter().find(|(name, _)| name == "all.bin").map(|(_, b)| b.clone()).unwrap_or_default();
    let time = |f: &dyn Fn()| {
        median(
            (0..15)
                .map(|_| {
                    let t = Instant::now();
                    f();
                    t.elapsed()
                })
                .collect(),
        )
        .as_secs_f64()
            * 1e3
    };
    let whole = time(&|| {
        std::hint::black_box(Finder::from_bytes(&bytes, None).expect("loads"));
    });
    let from_core = time(&|| {
        std::hint::black_box(Finder::from_core_bytes(&split_core, None).expect("loads"));
    });
    let decode_core = time(&|| {
        std::hint::black_box(placement_finder::engine::core::Core::decode(&split_core).expect("decodes"));
    });
    let (core_only, _) = placement_finder::engine::core::Core::decode(&split_core).expect("decodes");
    let index_only = time(&|| {
        std::hint::black_box(SettingIndex::build(&core_only.dataset.settings));
    });
    let add_ls = time(&|| {
        let mut f = Finder::from_core_bytes(&split_core, None).expect("loads");
        f.add_details(&ls).expect("adds");
        std::hint::black_box(f);
    }) - from_core;
    let add_all = time(&|| {
        let mut f = Finder::from_core_bytes(&split_core, None).expect("loads");
        f.add_details(&all).expect("adds");
        std::hint::black_box(f);
    }) - from_core;
    // The first list after a cold start pays for the index partitions it reads (loaded lazily).
    let leeds = Query::new(LatLon::new(53.8159, -1.5756).expect("LS6"), 7, Need::ASD, "specialist");
    let first_whole = time(&|| {
        let f = Finder::from_bytes(&bytes, None).expect("loads");
        std::hint::black_box(f.shortlist(&leeds).expect("a list").results.len());
    });
    let first_core = time(&|| {
        let mut f = Finder::from_core_bytes(&split_core, None).expect("loads");
        f.add_details(&ls).expect("adds");
        std::hint::black_box(f.shortlist(&leeds).expect("a list").results.len());
    });
    println!(
        "cold start to the first list (LS6, specialist, autism): whole dataset {first_whole:.2} ms; core + LS details {first_core:.2} ms"
    );
    println!(
        "cold start: whole dataset {whole:.2} ms; core ({} bytes, {} brotli) {from_core:.2} ms (decode {decode_core:.2} ms, index {index_only:.2} ms); + LS details ({} bytes, {} brotli) {add_ls:.2} ms; + all details ({} bytes, {} brotli) {add_all:.2} ms  [target <= 20 ms in the browser]",
        split_core.len(),
        br(&split_core),
        ls.len(),
        br(&ls),
        all.len(),
        br(&all)
    );
    let queries = seeded_queries(1_000);
    for q in &queries {
        std::hint::black_box(finder.shortlist(q).ok());
    }
    let mut times: Vec<Duration> = Vec::with_capacity(queries.len() * 3);
    let mut listed = 0usize;
    for _ in 0..3 {
        for q in &queries {
            let t = Instant::now();
            let list = finder.shortlist(q).expect("valid query");
            times.push(t.elapsed());
            listed += list.results.len();
        }
    }
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)].as_secs_f64() * 1e6;
    println!(
        "shortlist, top 20 with explanations ({} seeded queries across England x3, mixed needs and levels; {:.1} results each): median {:.1} us, p95 {:.1} us  [targets 5 / 15 us]",
        queries.len(),
        listed as f64 / times.len() as f64,
        pct(0.5),
        pct(0.95)
    );
    // The same lists written as the JSON the page receives (the reasons' sentences are written
    // out here, not when the list is made).
    let mut times: Vec<Duration> = Vec::with_capacity(queries.len());
    let mut bytes = 0usize;
    let mut json = Vec::with_capacity(64 << 10);
    for q in &queries {
        let t = Instant::now();
        let list = finder.shortlist(q).expect("valid query");
        json.clear();
        serde_json::to_writer(&mut json, &list).expect("json");
        times.push(t.elapsed());
        bytes += json.len();
    }
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)].as_secs_f64() * 1e6;
    println!(
        "shortlist written as JSON ({:.1} KB each): median {:.1} us, p95 {:.1} us",
        bytes as f64 / queries.len() as f64 / 1e3,
        pct(0.5),
        pct(0.95)
    );
}

/// Seeded queries across England: homes uniform over the English mainland box, needs and
/// levels cycling, ages 4-18.
fn seeded_queries(n: usize) -> Vec<Query> {
    let mut s: u64 = 0x5EED;
    let mut next = move || {
        s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    };
    let levels = ["universal", "targeted", "specialist", "complex"];
    (0..n)
        .map(|i| {
            let home = LatLon { lat: 50.7 + next() * 4.6, lon: -3.5 + next() * 5.0 };
            let need = Need::ALL[(next() * 12.0) as usize % 12];
            let mut q = Query::new(home, 4 + (next() * 15.0) as u8, need, levels[i % 4]);
            if i % 3 == 0 {
                q.other_needs = vec![Need::ALL[(next() * 12.0) as usize % 12]];
            }
            q.limit = 20;
            q
        })
        .collect()
}

/// Coverage: England at 1 km cells and at postcode-sector level, and one council (Leeds) at
/// postcode-unit level, for a sparse filter (autism, specialist kinds, age 8) and a dense one
/// (every kind, any need). Run alone with `cargo bench --bench bench -- coverage`.
fn coverage_section() {
    use placement_finder::coverage::{CoverageEngine, DemandPoint, Filter, Grid};
    use placement_finder::model::LaCode;
    use placement_finder::postcode::PostcodeShard;

    println!("coverage (targets: England 1 km cells <= 10 ms in wasm; all England sectors <= 50 ms)");
    let dataset = Dataset::decode(&std::fs::read(root().join("www/data/dataset.bin")).expect("run scripts/build.sh"))
        .expect("dataset");
    let mut geojson = String::new();
    let gz = std::fs::read(root().join("data/sources/england_ctyua_may2023_buc.geojson.gz")).expect("boundaries");
    flate2::read::GzDecoder::new(&gz[..]).read_to_string(&mut geojson).expect("gunzip");
    let t = Instant::now();
    let grid = Grid::from_boundaries(&geojson, 1_000.0).expect("grid");
    println!(
        "  grid from boundaries: {} cells in {:.0} ms (once per page load)",
        grid.cells.len(),
        t.elapsed().as_secs_f64() * 1e3
    );
    let sectors =
        DemandPoint::parse_csv(&std::fs::read_to_string(root().join("www/data/sectors.csv")).expect("sectors"))
            .expect("sectors csv");
    let shard = PostcodeShard::decode(&std::fs::read(root().join("www/data/postcodes/LS.bin")).expect("LS shard"))
        .expect("shard");
    let leeds_units: Vec<DemandPoint> = shard
        .districts()
        .iter()
        .flat_map(|d| d.units.iter().map(move |u| (d, u)))
        .filter(|(_, u)| u.la == Some(LaCode(383)))
        .map(|(d, u)| DemandPoint { label: d.outcode.clone(), location: u.location, la: u.la, units: 1 })
        .collect();
    let t = Instant::now();
    let england = CoverageEngine::new(&dataset, grid.clone(), sectors);
    println!(
        "  engine set-up (project {} settings): {:.0} ms",
        dataset.settings.len(),
        t.elapsed().as_secs_f64() * 1e3
    );
    let leeds = CoverageEngine::new(&dataset, grid, leeds_units);
    let filters = [
        (
            "sparse: ASD, special/unit/resourced, age 8",
            Filter {
                needs: vec!["ASD".into()],
                kinds: vec!["special".into(), "senUnit".into(), "resourcedProvision".into()],
                age: Some(8),
                ..Filter::default()
            },
        ),
        ("dense: every kind, any need", Filter::default()),
    ];
    for (name, filter) in filters {
        let f = filter.validate().expect("filter");
        let suitable = england.suitable(&f).len();
        let time = |run: &dyn Fn()| {
            median(
                (0..7)
                    .map(|_| {
                        let t = Instant::now();
                        run();
                        t.elapsed()
                    })
                    .collect(),
            )
        };
        let cells = time(&|| {
            std::hint::black_box(england.cell_distances(&f));
        });
        let points = time(&|| {
            std::hint::black_box(england.point_distances(&f));
        });
        let units = time(&|| {
            std::hint::black_box(leeds.point_distances(&f));
        });
        println!("  {name} ({suitable} settings):");
        println!("    England 1 km cells ({}): {:.1} ms", england.grid.cells.len(), cells.as_secs_f64() * 1e3);
        println!("    England postcode sectors ({}): {:.1} ms", england.points.len(), points.as_secs_f64() * 1e3);
        println!("    Leeds postcode units ({}): {:.1} ms", leeds.points.len(), units.as_secs_f64() * 1e3);
    }
}
