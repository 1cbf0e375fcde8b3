//! Issue 13 measurement, an ESTIMATE: how many brotli bytes the dataset file would be if split
//! into a core that the first answer needs and the rest (names, websites, postcodes, details),
//! and the rest per council. Decodes `www/data/dataset.bin` with the crate's own decoder and
//! re-encodes the fields in compact columnar parts (the same style as today's core section:
//! one byte column per small field, zigzag-varint deltas for coordinates). Nothing here is a
//! file format: it prints sizes only.
//!
//! ```text
//! cargo run --release --example dataset_split -- [www/data/dataset.bin]
//! ```

use std::collections::BTreeMap;

use placement_finder::dataset::Dataset;
use placement_finder::model::{AgeBasis, Setting, Site, Status};

fn brotli(bytes: &[u8]) -> usize {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() };
    match brotli::BrotliCompress(&mut &bytes[..], &mut out, &params) {
        Ok(_) => out.len(),
        Err(_) => 0,
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

/// A string column: each value then a 0 byte (absent = a lone 0x01 then 0).
fn put_strings<'a>(out: &mut Vec<u8>, values: impl Iterator<Item = Option<&'a str>>) {
    for v in values {
        match v {
            Some(s) => out.extend_from_slice(s.as_bytes()),
            None => out.push(1),
        }
        out.push(0);
    }
}

/// The minimal core: what the issue names (location, kind, needs, ages), columnar.
fn minimal_core(settings: &[&Setting]) -> Vec<u8> {
    let mut out = Vec::new();
    put_varint(&mut out, settings.len() as u64);
    out.extend(settings.iter().map(|s| s.kind.index() as u8));
    for axis in 0..2 {
        let mut prev = 0i64;
        for s in settings {
            let v = if axis == 0 { s.location.lat } else { s.location.lon };
            let q = (v * 1e5).round() as i64;
            put_varint(&mut out, zigzag(q - prev));
            prev = q;
        }
    }
    // needs as two byte planes (0xFFFF = not recorded), then the truncation flag with the age basis.
    let needs: Vec<u16> = settings.iter().map(|s| s.needs.map_or(0xFFFF, |n| n.0)).collect();
    out.extend(needs.iter().map(|n| *n as u8));
    out.extend(needs.iter().map(|n| (*n >> 8) as u8));
    out.extend(settings.iter().map(|s| s.ages.map_or(0xFF, |a| a.low)));
    out.extend(settings.iter().map(|s| s.ages.map_or(0xFF, |a| a.high)));
    out.extend(settings.iter().map(|s| {
        let basis = s.ages.map_or(2, |a| matches!(a.basis, AgeBasis::Phase) as u8);
        basis | (s.needs_possibly_truncated as u8) << 2
    }));
    out
}

/// What ranking and its explanations read today beyond the minimal core (src/engine/rank: council,
/// gender, boarding, phase, status, Section 41, religious character known, places, URN, site),
/// one named column each.
fn ranking_extras(settings: &[&Setting]) -> Vec<(&'static str, Vec<u8>)> {
    let mut council = Vec::new();
    let las: Vec<u16> = settings.iter().map(|s| s.la.map_or(0, |c| c.0)).collect();
    council.extend(las.iter().map(|c| *c as u8));
    council.extend(las.iter().map(|c| (*c >> 8) as u8));
    let flags = settings
        .iter()
        .map(|s| {
            let gender = s.gender.map_or(3, |g| g as u8);
            let boarding = s.boarding.map_or(3, |b| b as u8);
            let status = (s.status == Status::OpenProposedToClose) as u8;
            let s41 = s.section41.map_or(2, u8::from);
            gender | boarding << 2 | status << 4 | s41 << 5 | (s.religious_character_known as u8) << 7
        })
        .collect();
    let phase = settings.iter().map(|s| s.phase.map_or(0xFF, |p| p as u8)).collect();
    let site = settings
        .iter()
        .map(|s| match s.site {
            Site::Main => 0,
            Site::ResourcedProvision => 1,
            Site::SenUnit => 2,
            Site::Satellite(n) => 3 + n,
        })
        .collect();
    let mut urn = Vec::new();
    let mut prev = 0i64;
    for s in settings {
        put_varint(&mut urn, zigzag(s.urn.0 as i64 - prev));
        prev = s.urn.0 as i64;
    }
    let mut places = Vec::new();
    for s in settings {
        let (capacity, on_roll) = s.places.map_or((None, None), |p| (p.capacity, p.on_roll));
        put_varint(&mut places, capacity.map_or(0, |c| c as u64 + 1));
        put_varint(&mut places, on_roll.map_or(0, |c| c as u64 + 1));
    }
    vec![
        ("council (LA code)", council),
        ("gender, boarding, status, Section 41, religion known", flags),
        ("phase", phase),
        ("site", site),
        ("URN (deltas in spatial order)", urn),
        ("places (capacity, on roll)", places),
    ]
}

/// The rest: names, websites, postcodes and the other details, one column per field.
fn rest(settings: &[&Setting]) -> Vec<u8> {
    let mut out = Vec::new();
    put_strings(&mut out, settings.iter().map(|s| Some(s.name.as_str())));
    put_strings(&mut out, settings.iter().map(|s| s.website.as_deref()));
    put_strings(&mut out, settings.iter().map(|s| s.postcode.as_deref()));
    put_strings(&mut out, settings.iter().map(|s| s.establishment_type.as_deref()));
    put_strings(&mut out, settings.iter().map(|s| s.religious_character.as_deref()));
    put_strings(&mut out, settings.iter().map(|s| s.notes.as_deref()));
    for s in settings {
        let d = s.places.and_then(|p| p.as_of);
        put_varint(&mut out, d.map_or(0, |d| (d.year as u64) << 9 | (d.month as u64) << 5 | d.day as u64));
    }
    out.extend(settings.iter().map(|s| s.kind_basis as u8));
    for s in settings {
        out.extend(s.provenance.0.iter().map(|id| id.0));
    }
    out
}

/// The sections of today's file (header, core, details, las), by their length prefixes.
fn sections(bytes: &[u8]) -> Vec<(&'static str, &[u8])> {
    let names = ["header (JSON)", "core (kind, location)", "details (postcard)", "local authorities (JSON)"];
    let mut pos = 10;
    let mut out = Vec::new();
    for name in names {
        let Some(len) = bytes.get(pos..pos + 4) else { break };
        let len = u32::from_le_bytes([len[0], len[1], len[2], len[3]]) as usize;
        let Some(body) = bytes.get(pos + 4..pos + 4 + len) else { break };
        out.push((name, body));
        pos += 4 + len;
    }
    out
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).unwrap_or_else(|| "www/data/dataset.bin".into());
    let bytes = std::fs::read(&path)?;
    let data = Dataset::decode(&bytes)?;
    let settings: Vec<&Setting> = data.settings.iter().collect();
    println!("{path}: {} settings, {} bytes raw, {} brotli-11 (measured)", settings.len(), bytes.len(), brotli(&bytes));
    for (name, body) in sections(&bytes) {
        println!("  today's section {name:<26} {:>8} raw {:>8} brotli-11", body.len(), brotli(body));
    }

    println!("\nESTIMATE of a split (columnar re-encoding, brotli-11 per part):");
    let minimal = minimal_core(&settings);
    let extras = ranking_extras(&settings);
    let ranking: Vec<u8> = minimal.iter().chain(extras.iter().flat_map(|e| e.1.iter())).copied().collect();
    let rest_all = rest(&settings);
    let header = sections(&bytes).first().map_or(0, |s| s.1.len());
    let las = sections(&bytes).get(3).map_or(0, |s| brotli(s.1));
    let row = |name: &str, b: &[u8]| println!("  {name:<64} {:>8} raw {:>8} brotli-11", b.len(), brotli(b));
    row("minimal core: location, kind, needs, ages", &minimal);
    row("ranking core: minimal + council, gender, boarding, phase, status,", &ranking);
    println!("  {:<64}", "  Section 41, religion known, site, URN, places");
    for (name, column) in &extras {
        row(&format!("  of the extras, {name}"), column);
    }
    let no_urn: Vec<u8> = minimal
        .iter()
        .chain(extras.iter().filter(|e| !e.0.starts_with("URN")).flat_map(|e| e.1.iter()))
        .copied()
        .collect();
    row("ranking core without URN (results keyed by position)", &no_urn);
    row("rest: names, websites, postcodes, types, religion, notes, dates,", &rest_all);
    println!("  {:<64}", "  kind basis, provenance");
    println!("  (plus header JSON {header} raw and local authorities JSON {las} brotli-11, small)");
    let column = |f: &dyn Fn(&Setting) -> Option<&str>| {
        let mut out = Vec::new();
        put_strings(&mut out, settings.iter().map(|s| f(s)));
        out
    };
    row("  of the rest, names alone", &column(&|s| Some(s.name.as_str())));
    row("  of the rest, websites alone", &column(&|s| s.website.as_deref()));
    row("  of the rest, postcodes alone", &column(&|s| s.postcode.as_deref()));

    // The rest per council (what a search near one council would fetch, by LA code).
    let mut by_la: BTreeMap<u16, Vec<&Setting>> = BTreeMap::new();
    for s in &settings {
        by_la.entry(s.la.map_or(0, |c| c.0)).or_default().push(s);
    }
    let mut sizes: Vec<(u16, usize, usize)> =
        by_la.iter().map(|(la, group)| (*la, group.len(), brotli(&rest(group)))).collect();
    let total: usize = sizes.iter().map(|s| s.2).sum();
    sizes.sort_by_key(|s| s.2);
    let median = sizes.get(sizes.len() / 2).map_or(0, |s| s.2);
    let largest = sizes.last().copied().unwrap_or_default();
    let leeds = sizes.iter().find(|s| s.0 == 383).copied().unwrap_or_default();
    println!(
        "\nESTIMATE of the rest per council ({} files): {total} brotli-11 in all, median {median}, largest {} (LA {}, {} settings), Leeds (383) {} ({} settings)",
        sizes.len(),
        largest.2,
        largest.0,
        largest.1,
        leeds.2,
        leeds.1
    );

    // The rest in fixed chunks of consecutive settings (the file is in spatial, Morton, order).
    for chunk in [256, 512, 1024] {
        let mut sizes: Vec<usize> = settings.chunks(chunk).map(|group| brotli(&rest(group))).collect();
        let total: usize = sizes.iter().sum();
        sizes.sort_unstable();
        println!(
            "ESTIMATE of the rest in spatial chunks of {chunk} settings ({} files): {total} brotli-11 in all, median {}, largest {}",
            sizes.len(),
            sizes.get(sizes.len() / 2).copied().unwrap_or_default(),
            sizes.last().copied().unwrap_or_default()
        );
    }
    Ok(())
}
