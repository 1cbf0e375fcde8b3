//! The page's split data (`www/data/finder/`, issue 13) against the whole dataset: a finder
//! made from `core.bin` and one area's details file answers every list a home in that area
//! asks for under the default levels with the same bytes as one made from `dataset.bin`, and
//! never needs `details/all.bin` for them.
//!
//! Reads the built files when `scripts/build.sh` has made them (www/data), else builds the data
//! in memory (slow in a debug build: run with `--release`).

use placement_finder::dataset::Dataset;
use placement_finder::finder::Finder;
use placement_finder::pipeline::{self, BuildOptions};
use placement_finder::postcode::PostcodeShard;
use placement_finder::rank::Query;
use placement_finder::{Date, ErrorCode, Need};
use std::path::{Path, PathBuf};

struct Files {
    dataset: Vec<u8>,
    core: Vec<u8>,
    /// (area, its details file)
    details: Vec<(String, Vec<u8>)>,
    shards: Vec<PostcodeShard>,
}

fn files() -> Files {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let data = root.join("www/data");
    if data.join("finder/core.bin").exists() && data.join("postcodes/LS.bin").exists() {
        let read = |p: &Path| std::fs::read(p).expect("reads");
        let shards = pipeline::read_shard_dir(&data.join("postcodes")).expect("shards");
        let details = shards
            .iter()
            .map(|s| (s.area().to_string(), read(&data.join(format!("finder/details/{}.bin", s.area())))))
            .collect();
        return Files {
            dataset: read(&data.join("dataset.bin")),
            core: read(&data.join("finder/core.bin")),
            details,
            shards,
        };
    }
    let opts = BuildOptions {
        sources_dir: root.join("data/sources"),
        gias: None,
        supplement: None,
        postcodes: true,
        build_date: Date::new(2026, 11, 22).unwrap(),
    };
    let out = pipeline::build(&opts).expect("builds");
    let shards = out.postcodes.expect("postcodes").shards;
    let dataset = out.dataset.encode();
    let d = Dataset::decode(&dataset).expect("round trip");
    let (core, details) = placement_finder::build::finder_files::finder_files(&d, &shards);
    let details = details.into_iter().map(|(name, b)| (name.trim_end_matches(".bin").to_string(), b)).collect();
    Files { dataset, core, details, shards }
}

#[test]
fn each_area_file_holds_everything_a_list_from_its_postcodes_prints() {
    let f = files();
    let whole = Finder::from_bytes(&f.dataset, None).expect("the dataset loads");
    let levels: Vec<String> = whole.policy().level_ids().into_iter().map(String::from).collect();
    let needs = [Need::ASD, Need::SLD, Need::HI, Need::SEMH];
    let (mut lists, mut explained) = (0, 0);
    for shard in &f.shards {
        let area = shard.area();
        let bytes =
            &f.details.iter().find(|(a, _)| a == area).unwrap_or_else(|| panic!("no details file for {area}")).1;
        let mut finder = Finder::from_core_bytes(&f.core, None).expect("the core loads");
        finder.add_details(bytes).expect("the area's details load");
        let units: Vec<_> = shard.districts().iter().flat_map(|d| &d.units).collect();
        // A sample of the area's units, spread over it (every unit in a small area).
        let step = (units.len() / 12).max(1);
        for (k, unit) in units.iter().step_by(step).enumerate() {
            for (l, level) in levels.iter().enumerate() {
                let need = needs[(k + l) % needs.len()];
                let age = [7, 15, 4, 17][(k + 2 * l) % 4];
                let mut q = Query::new(unit.location, age, need, level.clone());
                q.limit = 50;
                let want = serde_json::to_string(&whole.shortlist(&q).expect("a list")).unwrap();
                let got = finder.shortlist(&q).unwrap_or_else(|e| {
                    assert_ne!(
                        e.code(),
                        ErrorCode::DetailsMissing,
                        "{area}: a list from {:?} ({level}) needs more details",
                        unit.location
                    );
                    panic!("{e}")
                });
                assert_eq!(serde_json::to_string(&got).unwrap(), want, "{area} {level}");
                lists += 1;
                if let Some(first) = got.results.first().map(|r| r.urn) {
                    let want = serde_json::to_string(&whole.explain(&q, first).expect("explains")).unwrap();
                    let got = finder.explain(&q, first).expect("explains from the area's details");
                    assert_eq!(serde_json::to_string(&got).unwrap(), want);
                    explained += 1;
                }
            }
        }
    }
    assert!(lists > 3_000 && explained > 2_000, "{lists} lists, {explained} explanations");
}

#[test]
fn a_list_beyond_the_area_file_says_details_are_missing_and_all_bin_answers_it() {
    let f = files();
    let whole = Finder::from_bytes(&f.dataset, None).expect("the dataset loads");
    let ls = &f.details.iter().find(|(a, _)| a == "LS").expect("LS").1;
    let mut finder = Finder::from_core_bytes(&f.core, None).expect("the core loads");
    finder.add_details(ls).expect("adds");
    // A home in Truro with the LS details only.
    let home = placement_finder::LatLon::new(50.26, -5.05).unwrap();
    let q = Query::new(home, 9, Need::ASD, "specialist");
    let err = finder.shortlist(&q).unwrap_err();
    assert_eq!(err.code(), ErrorCode::DetailsMissing, "{err}");
    let all = &f.details.iter().find(|(a, _)| a == "all").map(|(_, b)| b.clone()).unwrap_or_else(|| {
        std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("www/data/finder/details/all.bin"))
            .expect("all.bin")
    });
    finder.add_details(all).expect("adds all");
    assert!(finder.has_all_details());
    assert_eq!(
        serde_json::to_string(&finder.shortlist(&q).unwrap()).unwrap(),
        serde_json::to_string(&whole.shortlist(&q).unwrap()).unwrap()
    );
}
