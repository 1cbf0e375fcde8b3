//! Shortlist latency on the real dataset, for profiling (`perf record`), and a JSON dump of
//! many shortlists and explanations, for checking that an optimisation changes no output.
//!
//! ```text
//! cargo run --release --example shortlist_profile -- time [ROUNDS]
//! cargo run --release --example shortlist_profile -- dump FILE
//! cargo run --release --example shortlist_profile -- index
//! ```
//!
//! `dump` writes one line of JSON per list (the benchmark's 1,000 queries and 3,000 queries
//! using every option, under the default pack and under one that assumes nothing about
//! unknown specialisms) and per explanation of a few of their settings: run it before and
//! after a change and compare the files (`cmp`). `time` prints the benchmark's shortlist
//! median and p95 without rebuilding the data each time; `index` the index build's median.
//!
//! The dataset is built in memory from `data/sources` (no postcodes) and cached in the
//! system's temporary directory between runs.

use placement_finder::dataset::Dataset;
use placement_finder::finder::Finder;
use placement_finder::pipeline::{self, BuildOptions};
use placement_finder::policy::Policy;
use placement_finder::rank::Query;
use placement_finder::{Date, Gender, LatLon, Need, ProvisionKind};
use std::io::Write;
use std::time::{Duration, Instant};

fn dataset() -> Dataset {
    let cache = std::env::temp_dir().join("placement-finder-profile-dataset.bin");
    if let Ok(bytes) = std::fs::read(&cache) {
        if let Ok(d) = Dataset::decode(&bytes) {
            return d;
        }
    }
    let opts = BuildOptions {
        sources_dir: std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/sources"),
        gias: None,
        supplement: None,
        postcodes: false,
        build_date: Date::new(2026, 11, 22).unwrap(),
    };
    let bytes = pipeline::build(&opts).expect("builds").dataset.encode();
    std::fs::write(&cache, &bytes).ok();
    Dataset::decode(&bytes).expect("decodes")
}

struct Rng(u64);

impl Rng {
    fn unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize % n
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// The benchmark's queries.
fn bench_queries(n: usize) -> Vec<Query> {
    let mut rng = Rng(0x5EED);
    let levels = ["universal", "targeted", "specialist", "complex"];
    (0..n)
        .map(|i| {
            let home = LatLon { lat: 50.7 + rng.unit() * 4.6, lon: -3.5 + rng.unit() * 5.0 };
            let need = Need::ALL[(rng.unit() * 12.0) as usize % 12];
            let mut q = Query::new(home, 4 + (rng.unit() * 15.0) as u8, need, levels[i % 4]);
            if i % 3 == 0 {
                q.other_needs = vec![Need::ALL[(rng.unit() * 12.0) as usize % 12]];
            }
            q.limit = 20;
            q
        })
        .collect()
}

/// Queries using every option.
fn varied_queries(n: usize, d: &Dataset) -> Vec<Query> {
    let mut rng = Rng(77);
    let levels = ["universal", "targeted", "specialist", "complex"];
    let las: Vec<_> = d.authorities.iter().map(|a| a.code).collect();
    (0..n)
        .map(|_| {
            let home = if rng.unit() < 0.5 {
                let s = &d.settings[rng.below(d.settings.len())];
                LatLon {
                    lat: s.location.lat + (rng.unit() - 0.5) * 0.02,
                    lon: s.location.lon + (rng.unit() - 0.5) * 0.03,
                }
            } else {
                LatLon { lat: 50.0 + rng.unit() * 5.8, lon: -5.8 + rng.unit() * 7.6 }
            };
            let mut q = Query::new(home, 2 + rng.below(24) as u8, rng.pick(&Need::ALL), rng.pick(&levels));
            if rng.unit() < 0.2 {
                q.age = None;
                q.date_of_birth = Date::new(2005 + rng.below(18) as u16, 1 + rng.below(12) as u8, 1);
                q.start_date = Date::new(2026, 9, 1);
            }
            if rng.unit() < 0.1 {
                q.taught_out_of_year_group = Some(2 + rng.below(24) as u8);
            }
            q.other_needs = (0..rng.below(4)).map(|_| rng.pick(&Need::ALL)).collect();
            if rng.unit() < 0.2 {
                q.kinds = Some((0..1 + rng.below(3)).map(|_| rng.pick(&ProvisionKind::ALL)).collect());
            }
            if rng.unit() < 0.4 {
                q.radius_miles = Some(0.5 + rng.unit() * 40.0);
            }
            q.limit = rng.pick(&[1, 5, 10, 20, 20, 20, 50, 200]);
            q.child_sex = rng.pick(&[None, Some(Gender::Boys), Some(Gender::Girls)]);
            q.single_sex = rng.pick(&[None, None, Some(Gender::Girls), Some(Gender::Mixed), Some(Gender::Boys)]);
            q.religious_character =
                rng.pick(&[None, None, Some("catholic"), Some("none"), Some("Church of England")]).map(str::to_string);
            q.boarding = rng.pick(&[None, None, Some(true), Some(false)]);
            q.include_independent = rng.unit() < 0.5;
            if !las.is_empty() && rng.unit() < 0.7 {
                q.home_la = Some(rng.pick(&las));
                q.same_la_only = rng.unit() < 0.15;
            }
            q
        })
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let d = dataset();
    match args.first().map(String::as_str) {
        Some("dump") => {
            let mut out = std::io::BufWriter::new(std::fs::File::create(&args[1]).expect("output file"));
            let mut assumes_nothing = Policy::illustrative_default();
            assumes_nothing.unknown_needs_value = None;
            assumes_nothing.near_misses = 8;
            assumes_nothing.mainstream_minimum = 5;
            let queries: Vec<Query> = bench_queries(1000).into_iter().chain(varied_queries(3000, &d)).collect();
            for policy in [Policy::illustrative_default(), assumes_nothing] {
                let finder = Finder::new(d.clone(), policy);
                for (i, q) in queries.iter().enumerate() {
                    let list = finder.shortlist(q);
                    writeln!(out, "{}", serde_json::to_string(&list.as_ref().map_err(|e| e.to_string())).unwrap())
                        .unwrap();
                    // Explain a few listed settings and near misses, and one setting nowhere near.
                    if let Ok(list) = list {
                        if i % 10 == 0 {
                            let urns = (list.results.iter().take(2).map(|r| r.urn))
                                .chain(list.near_misses.iter().take(2).map(|m| m.urn))
                                .chain([d.settings[i * 7 % d.settings.len()].urn]);
                            for urn in urns {
                                let e = finder.explain(q, urn).map_err(|e| e.to_string());
                                writeln!(out, "{}", serde_json::to_string(&e).unwrap()).unwrap();
                            }
                        }
                    }
                }
            }
        }
        Some("time") | None => {
            let rounds: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(3);
            let finder = Finder::new(d, Policy::illustrative_default());
            let queries = bench_queries(1000);
            for q in &queries {
                std::hint::black_box(finder.shortlist(q).ok());
            }
            let mut times: Vec<Duration> = Vec::with_capacity(queries.len() * rounds);
            for _ in 0..rounds {
                for q in &queries {
                    let t = Instant::now();
                    std::hint::black_box(finder.shortlist(q).expect("valid query"));
                    times.push(t.elapsed());
                }
            }
            times.sort();
            let pct = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)].as_secs_f64() * 1e6;
            println!(
                "shortlist x{}: median {:.1} us, p95 {:.1} us, max {:.1} us",
                times.len(),
                pct(0.5),
                pct(0.95),
                pct(1.0)
            );
        }
        Some("index") => {
            let mut times: Vec<Duration> = (0..50)
                .map(|_| {
                    let t = Instant::now();
                    std::hint::black_box(placement_finder::index::SettingIndex::build(&d.settings));
                    t.elapsed()
                })
                .collect();
            times.sort();
            println!("index build x{}: median {:.2} ms", times.len(), times[times.len() / 2].as_secs_f64() * 1e3);
        }
        Some(other) => panic!("unknown mode {other}; expected time, index or dump"),
    }
}
