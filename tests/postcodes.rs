//! Postcode shards built from a real extract of OS Code-Point Open (see
//! `tests/fixtures/postcodes/PROVENANCE.md`), looked up the way the page does: parse the text,
//! find the area in the index, fetch and decode that area's shard, look up the unit.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use placement_finder::import::la::{read_la_lookup, LaLookup};
use placement_finder::import::postcodes::{build_postcode_shards, write_postcode_dir, BuiltPostcodes};
use placement_finder::import::ImportReport;
use placement_finder::postcode::{approximation, place_postcode, shard_file_name, AreaIndex, PostcodeShard};
use placement_finder::{Error, LaCode, LatLon, Postcode, PostcodeFix, PostcodePrecision, Result};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/postcodes/codepoint_units_fixture.csv");
const LA_LOOKUP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/la/dfe_la_code_to_gss_ctyua_derived.csv");

fn las() -> LaLookup {
    read_la_lookup(&std::fs::read(LA_LOOKUP).unwrap()).unwrap()
}

/// The fixture built once, and its files as the page would fetch them.
struct Served {
    built: BuiltPostcodes,
    report: ImportReport,
    files: BTreeMap<String, Vec<u8>>,
}

fn served() -> &'static Served {
    static SERVED: OnceLock<Served> = OnceLock::new();
    SERVED.get_or_init(|| {
        let csv = std::fs::File::open(FIXTURE).unwrap();
        let (built, report) = build_postcode_shards(csv, "codepoint_units_fixture.csv", "2025-10", &las()).unwrap();
        let mut files: BTreeMap<String, Vec<u8>> =
            built.shards.iter().map(|s| (shard_file_name(s.area()), s.encode())).collect();
        files.insert("index.json".into(), built.index.to_json().into_bytes());
        Served { built, report, files }
    })
}

/// What the page does with the text a parent types.
fn locate(text: &str) -> Result<PostcodeFix> {
    let files = &served().files;
    let postcode = Postcode::parse(text)?;
    let index = AreaIndex::from_json(&files["index.json"])?;
    let summary = index.locate(&postcode)?;
    let shard = PostcodeShard::decode(&files[&summary.file])?;
    shard.lookup(&postcode)
}

fn point(lat: f64, lon: f64) -> LatLon {
    LatLon::new(lat, lon).unwrap()
}

mod import {
    use super::*;

    #[test]
    fn every_row_is_accounted_for() {
        let report = &served().report;
        assert!(report.is_balanced(), "{}", report.summary());
        assert_eq!((report.rows_read, report.accepted, report.rejected.len()), (795, 600, 0), "{:?}", report.rejected);
        assert_eq!(
            report.filtered_by_reason(),
            [
                ("outside England (Scotland)".to_string(), 172),
                ("outside England (Wales)".to_string(), 22),
                ("no coordinates (positional quality 90)".to_string(), 1),
            ]
        );
    }

    #[test]
    fn scottish_and_welsh_rows_are_not_in_any_shard() {
        let built = &served().built;
        let units: usize = built.shards.iter().map(PostcodeShard::unit_count).sum();
        assert_eq!(units, 600);
        assert!(built.shards.iter().all(|s| !["EH", "CF", "AB", "G"].contains(&s.area())));
        let outside: Vec<&str> = built.index.outside_england.iter().map(|o| o.area.as_str()).collect();
        for area in ["CF", "EH", "BT"] {
            assert!(outside.contains(&area), "{area} in {outside:?}");
        }
    }

    #[test]
    fn units_without_an_authority_are_counted() {
        assert_eq!(served().built.units_without_la, BTreeMap::from([(String::new(), 3)]));
    }

    #[test]
    fn shards_are_small() {
        let files = &served().files;
        let ls = &files["LS.bin"];
        let units = PostcodeShard::decode(ls).unwrap().unit_count();
        // 211 units of LS6 2 plus a few: about 5 bytes a unit after a ~40-byte header.
        assert!(ls.len() < 60 + units * 6, "{} bytes for {units} units", ls.len());
    }
}

mod files {
    use super::*;

    #[test]
    fn the_directory_holds_every_shard_and_the_index() {
        let dir = std::env::temp_dir().join(format!("placement-finder-postcodes-{}", std::process::id()));
        let built = &served().built;
        let written = write_postcode_dir(&dir, built).unwrap();
        assert_eq!(written.len(), built.shards.len() + 1);
        let index = AreaIndex::from_json(&std::fs::read(dir.join("index.json")).unwrap()).unwrap();
        assert_eq!(index, built.index);
        for summary in &index.areas {
            let shard = PostcodeShard::decode(&std::fs::read(dir.join(&summary.file)).unwrap()).unwrap();
            assert_eq!((shard.area(), shard.data_date()), (summary.area.as_str(), "2025-10"));
            assert_eq!(shard.unit_count() as u32, summary.units);
        }
        assert!(index.attribution[0].starts_with("Contains OS data © Crown copyright"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

mod lookup {
    use super::*;

    #[test]
    fn sw1a_1aa_is_buckingham_palace_in_westminster() {
        let fix = locate("SW1A 1AA").unwrap();
        assert_eq!(fix.precision, PostcodePrecision::Unit);
        // OS position converted by pyproj (PROVENANCE of the shared data): 51.50101, -0.14159.
        assert!(fix.location.distance_m(point(51.50101, -0.14159)) < 5.0, "{:?}", fix.location);
        assert_eq!(fix.la, Some(LaCode(213)));
    }

    #[test]
    fn ls6_2ab_is_a_leeds_unit_typed_any_way() {
        for text in ["LS6 2AB", "ls62ab", "  Ls6  2aB "] {
            let fix = locate(text).unwrap();
            assert_eq!(fix.postcode.as_str(), "LS6 2AB");
            assert_eq!(fix.precision, PostcodePrecision::Unit);
            // codepoint_open_units_england_latlon_2025-10: 53.82221, -1.57226.
            assert!(fix.location.distance_m(point(53.82221, -1.57226)) < 5.0, "{:?}", fix.location);
            assert_eq!(fix.la, Some(LaCode(383)));
        }
    }

    #[test]
    fn ls6_2aa_is_not_live_so_falls_back_to_its_sector() {
        let fix = locate("ls62aa").unwrap();
        assert_eq!(fix.postcode.as_str(), "LS6 2AA");
        assert_eq!(fix.precision, PostcodePrecision::Sector);
        // sector_centroids_gb_2025-10.csv: LS6 2, 53.81710, -1.55982 (mean grid position).
        assert!(fix.location.distance_m(point(53.81710, -1.55982)) < 5.0, "{:?}", fix.location);
        assert_eq!(fix.la, Some(LaCode(383)));
    }

    #[test]
    fn sector_centroid_matches_the_reference_file() {
        // sector_centroids_gb_2025-10.csv: SW1A 1, 51.50499, -0.13933 (66 units, all in England).
        let fix = locate("SW1A 1ZZ").unwrap();
        assert_eq!(fix.precision, PostcodePrecision::Sector);
        assert!(fix.location.distance_m(point(51.50499, -0.13933)) < 5.0, "{:?}", fix.location);
    }

    #[test]
    fn a_unit_without_coordinates_falls_back_to_its_district() {
        // M35 5AS has pq 90 and is the only unit of its sector; M35 0 is in the fixture.
        let fix = locate("M35 5AS").unwrap();
        assert_eq!(fix.precision, PostcodePrecision::Outcode);
        assert_eq!(fix.la, Some(LaCode(353)), "Oldham");
    }

    #[test]
    fn education_authority_follows_county_then_district_codes() {
        assert_eq!(locate("GU1 1AA").unwrap().la, Some(LaCode(936)), "Surrey (county code)");
        assert_eq!(locate("S70 1AA").unwrap().la, Some(LaCode(370)), "Barnsley (2024 code E08000038)");
        assert_eq!(locate("DG16 5HT").unwrap().la, Some(LaCode(942)), "Cumberland");
        assert_eq!(locate("B42 9LG").unwrap().la, None, "no county or district code");
    }

    #[test]
    fn postcodes_outside_england_say_where_they_are() {
        let place = |text: &str| match locate(text) {
            Err(Error::OutsideEngland { place, .. }) => place,
            other => panic!("{text}: {other:?}"),
        };
        assert_eq!(place("DG16 5AA"), "Scotland", "a Scottish unit in a sector shared with England");
        assert_eq!(place("CH5 1AB"), "Wales", "a Welsh district in the CH area");
        assert_eq!(place("CF10 1AA"), "Wales", "a Welsh area: no shard is fetched");
        assert_eq!(place("EH1 1AA"), "Scotland");
        assert_eq!(place("BT1 1AA"), "Northern Ireland");
        assert_eq!(locate("DG16 5ZZ").unwrap().precision, PostcodePrecision::Sector, "not known: English part");
    }

    #[test]
    fn place_postcode_takes_the_pages_steps_and_names_the_nation() {
        let files = &served().files;
        let index = AreaIndex::from_json(&files["index.json"]).unwrap();
        let place = |text: &str| {
            let mut fetched = Vec::new();
            let answer = place_postcode(&index, &Postcode::parse(text).unwrap(), |name| {
                fetched.push(name.to_string());
                files.get(name).cloned().ok_or_else(|| Error::UnknownPostcode { postcode: text.into() })
            });
            (answer, fetched)
        };
        // An area with no unit in England is answered from the index: no shard is read.
        for (text, nation) in [("LD1 5PT", "Wales"), ("EH1 1AA", "Scotland"), ("BT1 1AA", "Northern Ireland")] {
            match place(text) {
                (Err(Error::OutsideEngland { place, .. }), fetched) => {
                    assert_eq!((place.as_str(), fetched.len()), (nation, 0), "{text}")
                }
                other => panic!("{text}: {other:?}"),
            }
        }
        let (fix, fetched) = place("LS6 2AB");
        assert_eq!((fix.unwrap().precision, fetched), (PostcodePrecision::Unit, vec!["LS.bin".to_string()]));
        assert!(matches!(place("DG16 5AA").0, Err(Error::OutsideEngland { place, .. }) if place == "Scotland"));
        assert!(matches!(place("QQ1 1AA").0, Err(Error::UnknownPostcode { .. })));
    }

    #[test]
    fn a_fallback_to_a_sector_or_district_is_said_in_words() {
        let sector = locate("LS6 2AA").unwrap();
        assert_eq!(
            approximation(&sector).unwrap(),
            "LS6 2AA is not in the postcode list, so distances are from the centre of postcode sector LS6 2"
        );
        assert_eq!(approximation(&locate("LS6 2AB").unwrap()), None);
    }

    #[test]
    fn malformed_text_is_a_shape_error() {
        for text in ["", "LS6", "LS6 2A", "not a postcode", "L$6 2AB"] {
            assert!(matches!(locate(text), Err(Error::PostcodeShape(_))), "{text}");
        }
    }

    #[test]
    fn an_area_with_no_postcodes_is_unknown() {
        assert!(matches!(locate("QQ1 1AA"), Err(Error::UnknownPostcode { .. })));
        assert!(matches!(locate("LS99 9ZZ"), Err(Error::UnknownPostcode { .. })));
    }
}

/// The whole of Great Britain, from the shared data folder. Takes about 3.5 s in release
/// (`cargo test --release --test postcodes -- --ignored`), about 11 s in a debug build.
#[test]
#[ignore = "reads the 1.75M-row Code-Point Open file from ../shared"]
fn full_great_britain_file() {
    use std::io::{BufRead, BufReader, Read};
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/postcodes/codepoint_open_2025_10");
    let open = |name: &str| xz2::read::XzDecoder::new(std::fs::File::open(format!("{dir}/{name}")).unwrap());
    let started = std::time::Instant::now();
    let (built, report) = build_postcode_shards(
        BufReader::with_capacity(1 << 20, open("codepoint_open_units_gb_2025-10.csv.xz")),
        "codepoint_open_units_gb_2025-10.csv",
        "2025-10",
        &las(),
    )
    .unwrap();
    eprintln!("built {} shards in {:?}: {}", built.shards.len(), started.elapsed(), report.summary());

    // PROVENANCE: England 1,492,125 units, 813 of them with pq 90; the England lat/lon file
    // has the other 1,491,312.
    assert!(report.is_balanced());
    assert_eq!((report.rows_read, report.accepted, report.rejected.len()), (1_745_849, 1_491_312, 0));
    assert_eq!(built.shards.len(), 104);

    // Every unit agrees with the reference lat/lon (pyproj, the same Helmert method) to 5 m.
    let shards: BTreeMap<&str, &PostcodeShard> = built.shards.iter().map(|s| (s.area(), s)).collect();
    let mut reference = String::new();
    open("codepoint_open_units_england_latlon_2025-10.csv.xz").read_to_string(&mut reference).unwrap();
    let (mut checked, mut worst_m) = (0, 0.0f64);
    for line in reference.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let postcode = Postcode::parse(f[0]).unwrap();
        let fix = shards[postcode.area()].lookup(&postcode).unwrap();
        assert_eq!(fix.precision, PostcodePrecision::Unit, "{postcode}");
        let distance_m = fix.location.distance_m(point(f[1].parse().unwrap(), f[2].parse().unwrap()));
        worst_m = worst_m.max(distance_m);
        checked += 1;
    }
    assert_eq!(checked, 1_491_312);
    eprintln!("worst unit difference from the reference: {worst_m:.2} m");
    assert!(worst_m < 5.0, "worst {worst_m} m");

    // Centroids of sectors wholly in England (every district code English) agree with the reference file to 5 m.
    let sectors = BufReader::new(std::fs::File::open(format!("{dir}/sector_centroids_gb_2025-10.csv")).unwrap());
    for line in sectors.lines().skip(1) {
        let line = line.unwrap();
        let f: Vec<&str> = line.split(',').collect();
        if !f[7].split(';').all(|code| code.starts_with('E')) {
            continue;
        }
        let postcode = Postcode::parse(&format!("{}ZZ", f[0])).unwrap();
        let Some(shard) = shards.get(postcode.area()) else {
            continue;
        };
        let sector = shard.district(postcode.outcode()).and_then(|d| {
            let digit = postcode.inward().as_bytes()[0] - b'0';
            d.sectors.iter().find(|s| s.digit == digit)
        });
        if let Some(sector) = sector {
            let distance_m = sector.centroid.location.distance_m(point(f[1].parse().unwrap(), f[2].parse().unwrap()));
            assert!(distance_m < 5.0, "{}: {distance_m} m", f[0]);
        }
    }
}
