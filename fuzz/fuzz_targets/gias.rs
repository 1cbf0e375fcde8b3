//! The GIAS establishment CSV importer, then the merge and the dataset file on what it accepts:
//! any bytes either fail as a whole with an error, or account for every row, and whatever is
//! accepted becomes a dataset that encodes and decodes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use placement_finder::assemble::{assemble, facts_from_gias, Inputs, SourceFacts};
use placement_finder::dataset::Dataset;
use placement_finder::import::gias::read_gias;
use placement_finder::model::Source;
use placement_finder::Date;

fuzz_target!(|data: &[u8]| {
    let Ok((records, report)) = read_gias("fuzz.csv", data) else { return };
    assert!(report.is_balanced(), "{}", report.summary());
    assert_eq!(records.len() as u64, report.accepted);
    for issue in report.rejected.iter().chain(&report.filtered).chain(&report.warnings) {
        assert!((2..=report.rows_read + 1).contains(&issue.row), "{issue:?} of {} rows", report.rows_read);
        assert!(!issue.reason.is_empty());
    }
    for issue in report.filtered.iter().chain(&report.warnings) {
        assert!(issue.column.is_some(), "{issue:?}");
    }

    let source = Source { key: "fuzz".into(), title: "fuzz".into(), date: None, rows: report.rows_read as u32 };
    let facts = records.iter().map(facts_from_gias).collect();
    let (dataset, merge) = assemble(Inputs {
        sources: vec![SourceFacts { source, lists_open: true, facts }],
        section41: vec![],
        authorities: vec![],
        la_at: &|_| None,
        build_date: Date { year: 2026, month: 11, day: 22 },
        data_version: "fuzz".into(),
    });
    assert!(merge.establishments_kept as usize <= records.len());
    let back = Dataset::decode(&dataset.encode()).expect("a dataset made from accepted rows decodes");
    assert_eq!(back.settings.len(), dataset.settings.len());
});
