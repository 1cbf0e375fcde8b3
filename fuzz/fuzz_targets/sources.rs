//! The other importers (the national lists, Section 41 lists, school profiles JSON, the LA
//! lookup and the Code-Point Open postcode units), chosen by the first byte: each either fails
//! as a whole with an error or accounts for every row.
#![no_main]

use libfuzzer_sys::fuzz_target;
use placement_finder::import::la::read_la_lookup;
use placement_finder::import::postcodes::build_postcode_shards;
use placement_finder::import::{sources, ImportReport};
use placement_finder::postcode::PostcodeShard;
use placement_finder::LaCode;

fn check(report: &ImportReport, accepted: usize) {
    assert!(report.is_balanced(), "{}", report.summary());
    assert_eq!(report.accepted, accepted as u64, "{}", report.summary());
    for issue in report.rejected.iter().chain(&report.filtered) {
        assert!(!issue.reason.is_empty());
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, bytes)) = data.split_first() else { return };
    let la_by_name = |name: &str| (name == "Leeds").then_some(LaCode(383));
    match which % 10 {
        0 => {
            if let Ok((f, r)) = sources::read_national_open("f.csv", bytes) {
                check(&r, f.len())
            }
        }
        1 => {
            if let Ok((f, r)) = sources::read_special_schools("f.csv", bytes, &la_by_name) {
                check(&r, f.len())
            }
        }
        2 => {
            if let Ok((f, r)) = sources::read_academies("f.csv", bytes) {
                check(&r, f.len())
            }
        }
        3 => {
            if let Ok((f, r)) = sources::read_london("f.csv", bytes) {
                check(&r, f.len())
            }
        }
        4 => {
            if let Ok((f, r)) = sources::read_trafford("f.csv", bytes) {
                check(&r, f.len())
            }
        }
        5 => {
            if let Ok((f, r)) = sources::read_school_profiles("f.json", bytes) {
                check(&r, f.len())
            }
        }
        6 | 7 => {
            if let Ok((e, r)) = sources::read_section41("f.csv", bytes, which % 10 == 6) {
                check(&r, e.len())
            }
        }
        8 => {
            let _ = read_la_lookup(bytes);
        }
        _ => {
            let las = read_la_lookup(
                b"dfe_la_code,dfe_la_name,gss_code_codepoint_2025,ctyua23cd\n383,Leeds,E08000035,E08000035\n",
            )
            .expect("the fixed lookup reads");
            if let Ok((built, report)) = build_postcode_shards(bytes, "f.csv", "2025-10", &las) {
                assert!(report.is_balanced(), "{}", report.summary());
                let units: usize = built.shards.iter().map(PostcodeShard::unit_count).sum();
                assert_eq!(units as u64, report.accepted);
                for shard in &built.shards {
                    assert_eq!(&PostcodeShard::decode(&shard.encode()).expect("a built shard decodes"), shard);
                }
            }
        }
    }
});
