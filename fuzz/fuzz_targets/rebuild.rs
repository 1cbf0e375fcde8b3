//! The in-browser rebuild (`src/build/rebuild.rs`), as the dashboard runs it on a dropped file: the
//! first byte is the step size (rows per progress report) and picks what the rest is — a file
//! through the importer (even bytes: over the small dataset as "the data in use"), or a rebuild
//! kit (odd). Whatever the bytes, every row is accounted for, progress only goes forward, and a
//! finished rebuild encodes, decodes and answers a search.
#![no_main]

use libfuzzer_sys::fuzz_target;
use placement_finder::dataset::Dataset;
use placement_finder::finder::Finder;
use placement_finder::model::LocalAuthority;
use placement_finder::policy::Policy;
use placement_finder::rebuild::{Importer, RebuildKit};
use placement_finder::{Date, LaCode};
use placement_finder_fuzz::{small_dataset, typical_query};

fn kit() -> RebuildKit {
    RebuildKit {
        version: RebuildKit::VERSION,
        authorities: vec![LocalAuthority { code: LaCode(383), name: "Leeds".into(), gss: "E08000035".into(), gss_aliases: vec![] }],
        section41: vec![],
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    if first % 2 == 1 {
        if let Ok(text) = std::str::from_utf8(rest) {
            if let Ok(kit) = RebuildKit::from_json(text) {
                assert_eq!(RebuildKit::from_json(&kit.to_json()).ok(), Some(kit));
            }
        }
        return;
    }
    let date = Date::new(2026, 11, 22).expect("a date");
    let mut importer = Importer::new(kit(), date);
    if importer.add_file("fuzz.csv", rest).is_err() {
        return;
    }
    let step = usize::from(first / 2).max(1);
    let mut last = 0.0;
    loop {
        let Ok(progress) = importer.step(step) else { return };
        assert!((last..=1.0).contains(&progress), "progress went from {last} to {progress}");
        last = progress;
        if progress >= 1.0 {
            break;
        }
    }
    let Ok(rebuilt) = importer.finish(Some(small_dataset())) else { return };
    for report in &rebuilt.imports {
        assert!(report.is_balanced(), "{}", report.summary());
    }
    let summary = rebuilt.summary();
    let rejected: usize = rebuilt.imports.iter().map(|r| r.rejected.len()).sum();
    assert_eq!(summary.rejected_rows.len(), rejected);
    let back = Dataset::decode(&rebuilt.dataset.encode()).expect("a rebuilt dataset decodes");
    let finder = Finder::new(back, Policy::illustrative_default());
    let _ = finder.shortlist(&typical_query("specialist"));
});
