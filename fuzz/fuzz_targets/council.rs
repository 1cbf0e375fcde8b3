//! The council supplement importer, then the supplement applied to a small dataset: every row
//! is accepted or rejected with its column and reason, and the result still encodes, decodes
//! and answers a search.
#![no_main]

use libfuzzer_sys::fuzz_target;
use placement_finder::assemble::apply_supplement;
use placement_finder::dataset::Dataset;
use placement_finder::finder::Finder;
use placement_finder::import::council::read_supplement;
use placement_finder::model::Source;
use placement_finder::policy::Policy;
use placement_finder_fuzz::{small_dataset, typical_query};

fuzz_target!(|data: &[u8]| {
    let Ok((rows, mut report)) = read_supplement("fuzz.csv", data) else { return };
    assert!(report.is_balanced(), "{}", report.summary());
    assert_eq!(rows.len() as u64, report.accepted);
    for issue in &report.rejected {
        assert!((2..=report.rows_read + 1).contains(&issue.row), "{issue:?}");
        assert!(!issue.reason.is_empty());
    }
    for row in &rows {
        if let Some(w) = &row.website {
            let lower = w.to_ascii_lowercase();
            assert!(lower.starts_with("http://") || lower.starts_with("https://"), "{w:?}");
        }
    }

    let mut dataset = small_dataset();
    let source = Source { key: "council-supplement".into(), title: "fuzz".into(), date: None, rows: 0 };
    apply_supplement(&mut dataset, &rows, source, &mut report);
    assert!(report.is_balanced(), "{}", report.summary());
    let back = Dataset::decode(&dataset.encode()).expect("a supplemented dataset decodes");
    let finder = Finder::new(back, Policy::illustrative_default());
    let _ = finder.shortlist(&typical_query("specialist"));
});
