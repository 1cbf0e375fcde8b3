//! Writes the binary seeds of the fuzz corpora (`scripts/fuzz.sh` runs it): a small dataset
//! file built from the GIAS test fixture, and the postcode shards and area index built from the
//! Code-Point Open test fixture. Each seed starts with the mode byte its target reads.
//!
//! ```text
//! cargo run --example fuzz_seeds -- OUT_DIR     # writes OUT_DIR/dataset/*, OUT_DIR/postcode/*
//! ```

use std::path::{Path, PathBuf};

use placement_finder::assemble::{assemble, facts_from_gias, Inputs, SourceFacts};
use placement_finder::import::gias::read_gias;
use placement_finder::import::la::read_la_lookup;
use placement_finder::import::postcodes::build_postcode_shards;
use placement_finder::model::Source;
use placement_finder::Date;

fn write(dir: &Path, name: &str, mode: u8, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut seed = vec![mode];
    seed.extend_from_slice(bytes);
    std::fs::write(dir.join(name), seed)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = PathBuf::from(std::env::args().nth(1).ok_or("usage: fuzz_seeds OUT_DIR")?);
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");

    let gias = std::fs::read(fixtures.join("gias/gias_raw_subset_itt_mentor_services.csv"))?;
    let (records, report) = read_gias("fixture.csv", &gias)?;
    let source = Source { key: "gias".into(), title: "GIAS fixture".into(), date: None, rows: report.rows_read as u32 };
    let (dataset, _) = assemble(Inputs {
        sources: vec![SourceFacts { source, lists_open: true, facts: records.iter().map(facts_from_gias).collect() }],
        section41: vec![],
        authorities: vec![],
        la_at: &|_| None,
        build_date: Date::new(2026, 11, 22).ok_or("date")?,
        data_version: "fuzz-seed".into(),
    });
    let file = dataset.encode();
    // Mode 0: as is. Mode 1: the target appends the checksum, so the seed leaves it off.
    write(&out.join("dataset"), "fixture.bin", 0, &file)?;
    write(&out.join("dataset"), "fixture-no-crc.bin", 1, &file[..file.len() - 4])?;

    let las = read_la_lookup(&std::fs::read(fixtures.join("la/dfe_la_code_to_gss_ctyua_derived.csv"))?)?;
    let units = std::fs::read(fixtures.join("postcodes/codepoint_units_fixture.csv"))?;
    let (built, _) = build_postcode_shards(&units[..], "fixture.csv", "2025-10", &las)?;
    let mut shards: Vec<(String, Vec<u8>)> = built.shards.iter().map(|s| (s.area().to_string(), s.encode())).collect();
    shards.sort_by_key(|(_, bytes)| std::cmp::Reverse(bytes.len()));
    // Mode 1 recomputes the checksum, mode 2 keeps it: the three largest shards of each.
    for (area, bytes) in shards.iter().take(3) {
        write(&out.join("postcode"), &format!("{area}-fixed.bin"), 1, bytes)?;
        write(&out.join("postcode"), &format!("{area}.bin"), 2, bytes)?;
    }
    write(&out.join("postcode"), "index.json", 3, built.index.to_json().as_bytes())?;
    for (i, text) in ["LS6 2AA", "sw1a1aa", " M1 1AE ", "EC1A 1BB", "ls6", "L$6 2AA"].iter().enumerate() {
        write(&out.join("postcode"), &format!("text-{i}"), 0, text.as_bytes())?;
    }
    println!("wrote seeds to {} ({} settings, {} shards)", out.display(), dataset.settings.len(), shards.len());
    Ok(())
}
