//! `build-data` given files that are wrong or hostile: it fails fast, in bounded memory, with a
//! message that names the cap, or it builds and its report lists every row it left out with
//! the row, the column and the reason. (Big inputs are made in a temporary folder: sparse or
//! compressed, never committed.)

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use placement_finder::limits::MAX_INPUT_BYTES;

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
