//! `build-data` given files that are wrong or hostile: it fails fast, in bounded memory, with a
//! message that names the cap, or it builds and its report lists every row it left out with
//! the row, the column and the reason. (Big inputs are made in a temporary folder: sparse or
//! compressed, never committed.)

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use placement_finder::dataset::{Dataset, DatasetMeta, SCHEMA_VERSION};
use placement_finder::limits::MAX_INPUT_BYTES;
use placement_finder::model::{AgeBasis, KindBasis, LocalAuthority, Provenance};
use placement_finder::{AgeRange, Date, LaCode, LatLon, Need, NeedSet, ProvisionKind, Setting, Site, Status, Urn};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pf-hostile-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `build-data --no-postcodes` with `args`, into `out`, and how long it took.
fn build_data(out: &Path, args: &[&str]) -> (Output, Duration) {
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_placement-finder"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["build-data", "--no-postcodes", "--out"])
        .arg(out)
        .args(args)
        .output()
        .unwrap();
    (output, started.elapsed())
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

mod fails_fast {
    use super::*;

    #[test]
    fn a_500_mb_garbage_gias_file_is_refused_in_seconds_before_it_is_read() {
        let dir = temp_dir("500mb");
        let path = dir.join("garbage.csv");
        // Sparse: 500 MB on paper, nothing on disk.
        std::fs::File::create(&path).unwrap().set_len(500_000_000).unwrap();
        let (out, took) = build_data(&dir.join("out"), &["--gias", path.to_str().unwrap()]);
        let message = stderr(&out);
        assert!(!out.status.success());
        assert!(
            message.contains("garbage.csv is too large: 500000000 bytes, more than the 200000000 bytes")
                && message.contains("(limits::MAX_INPUT_BYTES)"),
            "{message}"
        );
        assert!(took < Duration::from_secs(10), "took {took:?}");
        assert!(!dir.join("out/dataset.bin").exists(), "nothing is written");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn garbage_under_the_size_cap_is_named_as_not_csv() {
        let dir = temp_dir("150mb");
        let path = dir.join("garbage.csv");
        std::fs::File::create(&path).unwrap().set_len(150_000_000).unwrap();
        let (out, took) = build_data(&dir.join("out"), &["--gias", path.to_str().unwrap()]);
        let message = stderr(&out);
        assert!(!out.status.success());
        assert!(message.contains("this is not a CSV text file: it holds NUL bytes"), "{message}");
        assert!(took < Duration::from_secs(20), "took {took:?}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_small_archive_that_expands_past_the_cap_stops_at_the_cap() {
        let dir = temp_dir("bomb");
        let path = dir.join("gias.csv.gz");
        let mut gz = flate2::write::GzEncoder::new(std::fs::File::create(&path).unwrap(), flate2::Compression::fast());
        let line = [b'a'; 1 << 20];
        for _ in 0..=(MAX_INPUT_BYTES >> 20) {
            gz.write_all(&line).unwrap();
        }
        gz.finish().unwrap();
        assert!(std::fs::metadata(&path).unwrap().len() < 2_000_000, "the archive itself is small");
        let (out, took) = build_data(&dir.join("out"), &["--gias", path.to_str().unwrap()]);
        let message = stderr(&out);
        assert!(!out.status.success());
        assert!(message.contains("gias.csv.gz, decompressed, is too large: more than 200000000 bytes"), "{message}");
        assert!(took < Duration::from_secs(30), "took {took:?}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}

mod build_report {
    use super::*;

    const GIAS: &str = "URN,EstablishmentName,TypeOfEstablishment (name),EstablishmentStatus (name),Easting,Northing,SchoolWebsite\r\n\
        107915,Moor Allerton Hall Primary School,Community school,Open,431468,438212,www.mahps.org.uk\r\n\
        108133,West Oaks School,Community special school,Open,429960,435300,javascript:alert(1)\r\n\
        abc,No URN School,Community school,Open,431468,438212,\r\n\
        107916,Cut Short School,Open\r\n\
        107917,Off Grid School,Community school,Open,43l468,438212,\r\n\
        100004,Sherborne Nursery School,Local authority nursery school,Closed,528515,184869,\r\n";

    const SUPPLEMENT: &str = "urn,site,name,needs,website,notes\n\
        108133,senUnit,,ASD,https://westoaks.example,\n\
        108133,main,,,javascript:alert(document.cookie),\n\
        999999,main,,,,\n\
        107915,main,,XYZ,,\n\
        107915,main,=HYPERLINK(\"http://evil.example\"),,,\n";

    fn report_lines(out: &Path) -> Vec<Vec<String>> {
        let text = std::fs::read_to_string(out.join("build-report.csv")).unwrap();
        let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
        reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect()
    }

    fn line<'a>(lines: &'a [Vec<String>], source_ends: &str, row: &str, outcome: &str) -> &'a [String] {
        lines
            .iter()
            .find(|l| l[0].ends_with(source_ends) && l[1] == row && l[3] == outcome)
            .unwrap_or_else(|| panic!("no {outcome} row {row} of {source_ends} in {lines:#?}"))
    }

    #[test]
    fn lists_every_row_left_out_with_its_row_column_and_reason() {
        let dir = temp_dir("report");
        let (gias, supplement) = (dir.join("gias.csv"), dir.join("supplement.csv"));
        std::fs::write(&gias, GIAS).unwrap();
        std::fs::write(&supplement, SUPPLEMENT).unwrap();
        let out = dir.join("out");
        let args = ["--gias", gias.to_str().unwrap(), "--supplement", supplement.to_str().unwrap()];
        let (output, _) = build_data(&out, &args);
        assert!(output.status.success(), "{}", stderr(&output));
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.contains("gias.csv: 6 rows: 2 accepted, 1 filtered, 3 rejected"), "{stdout}");
        assert!(stdout.contains("supplement.csv: 5 rows: 2 accepted, 0 filtered, 3 rejected"), "{stdout}");

        let lines = report_lines(&out);
        // source, row, urn, outcome, column, reason
        let no_urn = line(&lines, "gias.csv", "4", "rejected");
        assert_eq!((no_urn[4].as_str(), no_urn[5].as_str()), ("URN", "URN \"abc\" is not a whole number above 0"));
        let short = line(&lines, "gias.csv", "5", "rejected");
        assert_eq!((short[2].as_str(), short[4].as_str()), ("107916", ""));
        assert!(short[5].starts_with("the row has 3 fields but the header has 7"), "{short:?}");
        let off_grid = line(&lines, "gias.csv", "6", "rejected");
        assert_eq!(
            (off_grid[4].as_str(), off_grid[5].as_str()),
            ("Easting", "Easting \"43l468\" is not a number of metres")
        );
        let closed = line(&lines, "gias.csv", "7", "filtered");
        assert_eq!(
            (closed[2].as_str(), closed[4].as_str(), closed[5].as_str()),
            ("100004", "EstablishmentStatus (name)", "closed")
        );

        let script = line(&lines, "supplement.csv", "3", "rejected");
        assert_eq!(script[4], "website");
        assert!(script[5].starts_with("\"javascript:alert(document.cookie)\" is not an http(s) link"), "{script:?}");
        let unknown = line(&lines, "supplement.csv", "4", "rejected");
        assert_eq!((unknown[2].as_str(), unknown[4].as_str()), ("999999", "urn"));
        let need = line(&lines, "supplement.csv", "5", "rejected");
        assert_eq!(need[4], "needs");

        // The dataset holds no link but http(s), and a formula-looking name stays text.
        let dataset =
            placement_finder::dataset::Dataset::decode(&std::fs::read(out.join("dataset.bin")).unwrap()).unwrap();
        for s in &dataset.settings {
            assert!(s.website.as_deref().is_none_or(placement_finder::model::is_safe_link), "{:?}", s.website);
        }
        let west_oaks = dataset.settings.iter().find(|s| s.urn.0 == 108133 && s.site == placement_finder::Site::Main);
        assert_eq!(west_oaks.unwrap().website, None, "GIAS's javascript: link is dropped");
        std::fs::remove_dir_all(dir).unwrap();
    }
}

/// A dataset whose names, websites and notes are hostile: HTML, a spreadsheet formula, a
/// terminal escape sequence, a right-to-left override, a `javascript:` link.
fn hostile_dataset() -> Vec<u8> {
    let setting = |urn: u32, name: &str, website: &str, lat: f64| Setting {
        urn: Urn(urn),
        site: Site::Main,
        name: name.into(),
        kind: ProvisionKind::Special,
        kind_basis: KindBasis::EstablishmentType,
        establishment_type: Some("Community special school".into()),
        status: Status::Open,
        location: LatLon { lat, lon: -1.55 },
        postcode: Some("LS6 2AA".into()),
        la: Some(LaCode(383)),
        phase: None,
        ages: Some(AgeRange { low: 4, high: 19, basis: AgeBasis::Statutory }),
        gender: None,
        boarding: None,
        religious_character: None,
        religious_character_known: false,
        section41: None,
        needs: Some(NeedSet::EMPTY.with(Need::ASD)),
        needs_possibly_truncated: false,
        places: None,
        website: Some(website.into()),
        notes: Some("<script>alert(1)</script>".into()),
        provenance: Provenance::default(),
    };
    let settings = vec![
        setting(1, "<img src=x onerror=alert(1)>", "javascript:alert(document.cookie)", 53.80),
        setting(2, "=HYPERLINK(\"http://evil.example\",\"Click\")", "https://ok.example/", 53.81),
        setting(3, "Oak\u{1b}]0;pwned\u{7}\u{1b}[2J School", "https://x.example\"><script>", 53.82),
        setting(4, "\u{202E}loohcS kaO", "HTTPS://CAPS.EXAMPLE", 53.83),
    ];
    let mut dataset = Dataset {
        meta: DatasetMeta {
            schema_version: SCHEMA_VERSION,
            build_date: Date::new(2026, 11, 22).unwrap(),
            data_version: "hostile".into(),
            coverage: "hostile".into(),
            sources: vec![],
            setting_count: settings.len() as u32,
            establishment_count: settings.len() as u32,
        },
        settings,
        authorities: vec![LocalAuthority {
            code: LaCode(383),
            name: "Leeds".into(),
            gss: "E08000035".into(),
            gss_aliases: vec![],
        }],
    };
    dataset.sort_settings();
    dataset.encode()
}

fn shortlist(dataset: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_placement-finder"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["shortlist", "--age", "9", "--need", "ASD", "--level", "specialist", "--dataset"])
        .arg(dataset)
        .args(extra)
        .output()
        .unwrap()
}

const AT_HOME: [&str; 4] = ["--lat", "53.8", "--lon", "-1.55"];

mod injection {
    use super::*;

    #[test]
    fn csv_export_neutralises_formulas_and_keeps_only_http_links() {
        let dir = temp_dir("csv");
        let path = dir.join("dataset.bin");
        std::fs::write(&path, hostile_dataset()).unwrap();
        let out = shortlist(&path, &[&AT_HOME[..], &["--format", "csv"]].concat());
        assert!(out.status.success(), "{}", stderr(&out));
        let mut reader = csv::Reader::from_reader(&out.stdout[..]);
        let header = reader.headers().unwrap().clone();
        let column = |name: &str| header.iter().position(|h| h == name).unwrap();
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 4);
        for row in &rows {
            let name = &row[column("name")];
            assert!(!name.starts_with(['=', '+', '-', '@', '\t', '\r']), "{name:?}");
            assert!(!name.contains(['\u{1b}', '\u{7}', '\u{202E}']), "{name:?}");
            let website = &row[column("website")];
            assert!(website.is_empty() || placement_finder::model::is_safe_link(website), "{website:?}");
        }
        let names: Vec<&str> = rows.iter().map(|r| &r[column("name")]).collect();
        assert!(names.contains(&"'=HYPERLINK(\"http://evil.example\",\"Click\")"), "{names:?}");
        let websites: Vec<&str> = rows.iter().map(|r| &r[column("website")]).filter(|w| !w.is_empty()).collect();
        assert_eq!(websites.len(), 2, "only the two http(s) links survive: {websites:?}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn the_table_prints_no_terminal_escapes_or_direction_overrides() {
        let dir = temp_dir("table");
        let path = dir.join("dataset.bin");
        std::fs::write(&path, hostile_dataset()).unwrap();
        let out = shortlist(&path, &AT_HOME);
        assert!(out.status.success(), "{}", stderr(&out));
        let table = String::from_utf8(out.stdout).unwrap();
        assert!(table.contains("Oak\u{FFFD}]0;pwned\u{FFFD}\u{FFFD}[2J School"), "{table}");
        assert!(!table.contains(['\u{1b}', '\u{7}', '\u{202E}']), "{table:?}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}

mod corrupt_data {
    use super::*;

    fn fails_with(dataset: &[u8], extra: &[&str], expect: &str) {
        let dir = temp_dir(&format!("corrupt-{}", expect.len()));
        let path = dir.join("dataset.bin");
        std::fs::write(&path, dataset).unwrap();
        let out = shortlist(&path, &[&AT_HOME[..], extra].concat());
        let message = stderr(&out);
        assert!(!out.status.success() && message.starts_with("error: "), "{message}");
        assert!(message.contains(expect), "expected {expect:?} in {message}");
        assert_eq!(message.lines().count(), 1, "one line: {message}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_truncated_dataset_says_so() {
        let bytes = hostile_dataset();
        fails_with(&bytes[..bytes.len() / 2], &[], "the dataset file is not usable: its checksum does not match");
        fails_with(&bytes[..9], &[], "the dataset file is not usable: it is truncated");
    }

    #[test]
    fn a_dataset_of_another_version_says_rebuild() {
        let mut bytes = hostile_dataset();
        bytes[8] = 2;
        fails_with(&bytes, &[], "has schema version 2, this program reads version 1; rebuild it");
    }

    #[test]
    fn an_html_page_instead_of_a_dataset_says_so() {
        fails_with(b"<!DOCTYPE html><title>404 Not Found</title>", &[], "it is an HTML page, not a dataset");
    }

    #[test]
    fn an_html_page_instead_of_a_postcode_shard_says_so() {
        let dir = temp_dir("shard");
        std::fs::create_dir_all(dir.join("postcodes")).unwrap();
        std::fs::write(dir.join("postcodes/LS.bin"), "<html><body>Page not found</body></html>").unwrap();
        std::fs::write(dir.join("dataset.bin"), hostile_dataset()).unwrap();
        let out = shortlist(
            &dir.join("dataset.bin"),
            &["--postcode", "LS6 2AA", "--postcodes", dir.join("postcodes").to_str().unwrap()],
        );
        let message = stderr(&out);
        assert!(!out.status.success());
        assert!(message.contains("postcode shard is not usable: looks like an HTML page"), "{message}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_policy_pack_with_an_unknown_field_names_it() {
        let dir = temp_dir("policy");
        let mut pack: serde_json::Value = serde_json::from_str(placement_finder::policy::DEFAULT_JSON).unwrap();
        pack["colour"] = "purple".into();
        std::fs::write(dir.join("pack.json"), pack.to_string()).unwrap();
        let policy = dir.join("pack.json");
        fails_with(&hostile_dataset(), &["--policy", policy.to_str().unwrap()], "policy pack: unknown field `colour`");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
