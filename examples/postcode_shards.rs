//! Builds the postcode area shards from the full Code-Point Open GB units file and prints how
//! long it took and how big the shards are (raw, gzip -9, brotli q11), plus decode times.
//!
//! ```text
//! cargo run --release --example postcode_shards -- [UNITS_CSV_XZ] [LA_LOOKUP_CSV] [OUT_DIR]
//! ```
//!
//! Defaults read from `../shared/data`; with `OUT_DIR` the shards and `index.json` are written.

use std::io::{Read, Write};
use std::time::Instant;

use placement_finder::import::la::read_la_lookup;
use placement_finder::import::postcodes::{build_postcode_shards, write_postcode_dir};
use placement_finder::postcode::PostcodeShard;
use placement_finder::Postcode;

const UNITS: &str = "../shared/data/postcodes/codepoint_open_2025_10/codepoint_open_units_gb_2025-10.csv.xz";
const LAS: &str = "../shared/data/local_authorities/dfe_la_code_to_gss_ctyua_derived.csv";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let units_path = args.first().map_or(UNITS, String::as_str);
    let las = read_la_lookup(&std::fs::read(args.get(1).map_or(LAS, String::as_str))?)?;

    let started = Instant::now();
    let mut csv = Vec::new();
    xz2::read::XzDecoder::new(std::fs::File::open(units_path)?).read_to_end(&mut csv)?;
    println!("decompressed {} MB in {:.2?}", csv.len() >> 20, started.elapsed());

    let started = Instant::now();
    let (built, report) = build_postcode_shards(&csv[..], "codepoint_open_units_gb_2025-10.csv", "2025-10", &las)?;
    let build_time = started.elapsed();
    let started = Instant::now();
    let files: Vec<(String, Vec<u8>)> = built.shards.iter().map(|s| (s.area().to_string(), s.encode())).collect();
    println!("built {} shards in {build_time:.2?}, encoded in {:.2?}", files.len(), started.elapsed());
    println!("{}", report.summary());
    for (reason, n) in report.filtered_by_reason() {
        println!("  filtered {n:>7}: {reason}");
    }
    println!("units without an LA, by GSS code: {:?}", built.units_without_la);

    let started = Instant::now();
    let (mut raw, mut gz, mut br) = (0usize, 0usize, 0usize);
    let mut largest = ("", 0usize, 0usize, 0usize);
    for (area, bytes) in &files {
        let g = gzip(bytes)?;
        let b = brotli(bytes)?;
        (raw, gz, br) = (raw + bytes.len(), gz + g, br + b);
        if bytes.len() > largest.1 {
            largest = (area, bytes.len(), g, b);
        }
    }
    println!("compressed in {:.2?}", started.elapsed());
    let units: usize = built.shards.iter().map(PostcodeShard::unit_count).sum();
    println!(
        "total: {raw} bytes ({:.2} bytes/unit), gzip -9 {gz}, brotli q11 {br}; index.json {} bytes",
        raw as f64 / units as f64,
        built.index.to_json().len()
    );
    println!("largest: {}.bin {} bytes, gzip -9 {}, brotli q11 {}", largest.0, largest.1, largest.2, largest.3);

    for area in [largest.0, "LS"] {
        let bytes = &files.iter().find(|(a, _)| a == area).ok_or("no such shard")?.1;
        let runs = 50;
        let started = Instant::now();
        let mut shard = None;
        for _ in 0..runs {
            shard = Some(PostcodeShard::decode(bytes)?);
        }
        let shard = shard.ok_or("no runs")?;
        let postcode = Postcode::parse(&format!("{}1 1AA", area))?;
        let lookup = Instant::now();
        let fix = shard.lookup(&postcode);
        println!(
            "decode {area}.bin ({} units): {:.2?} each; lookup {:.2?} ({postcode}: {:?})",
            shard.unit_count(),
            started.elapsed() / runs,
            lookup.elapsed(),
            fix.map(|f| f.precision)
        );
    }

    if let Some(dir) = args.get(2) {
        let written = write_postcode_dir(std::path::Path::new(dir), &built)?;
        println!("wrote {} files to {dir}", written.len());
    }
    Ok(())
}

fn gzip(bytes: &[u8]) -> std::io::Result<usize> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?.len())
}

fn brotli(bytes: &[u8]) -> std::io::Result<usize> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)?;
    Ok(out.len())
}
