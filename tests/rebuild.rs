//! The rebuild the dashboard page runs in wasm when a council drops its own files
//! (`src/build/rebuild.rs`), on the real Leeds GIAS extract: it gives the same dataset as the CLI's
//! `build-data --gias` on the same file, whatever the step size, reports every rejected row,
//! and applies a council supplement over the data in use.

use placement_finder::dataset::Dataset;
use placement_finder::pipeline::{self, BuildOptions};
use placement_finder::rebuild::{FileKind, Importer, RebuildKit};
use placement_finder::{Date, Error, ProvisionKind, Site, Urn};
use std::path::PathBuf;
use std::sync::OnceLock;

static LEEDS_GZ: &[u8] = include_bytes!("../data/sources/edubase-leeds_2023-07.csv.gz");

fn leeds() -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(LEEDS_GZ).read_to_end(&mut out).expect("gunzip");
    out
}

fn date() -> Date {
    Date::new(2026, 11, 22).unwrap()
}

/// `build-data --gias <Leeds extract>` without postcodes (the page has none to place a school
/// in its council, and every Leeds row names its council), and the kit it writes.
fn cli_build() -> &'static pipeline::BuildOutput {
    static BUILT: OnceLock<pipeline::BuildOutput> = OnceLock::new();
    BUILT.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("pf-rebuild-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("edubase-leeds.csv");
        std::fs::write(&path, leeds()).unwrap();
        let opts = BuildOptions {
            sources_dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/sources"),
            gias: Some(path.clone()),
            supplement: None,
            postcodes: false,
            build_date: date(),
        };
        pipeline::build(&opts).expect("builds")
    })
}

fn kit() -> RebuildKit {
    // Through its JSON, as the page receives it.
    RebuildKit::from_json(&cli_build().kit.to_json()).expect("the kit build-data writes reads back")
}

fn import(files: &[(&str, &[u8])], step: usize, base: Option<Dataset>) -> placement_finder::rebuild::Rebuilt {
    let mut importer = Importer::new(kit(), date());
    for (name, bytes) in files {
        importer.add_file(name, bytes).expect("the file is taken");
    }
    let mut last = 0.0;
    loop {
        let progress = importer.step(step).expect("reads");
        assert!(progress >= last && progress <= 1.0, "progress goes forward: {last} → {progress}");
        last = progress;
        if progress >= 1.0 {
            break;
        }
    }
    importer.finish(base).expect("finishes")
}

#[test]
fn the_kit_holds_every_council_and_the_section_41_lists() {
    let kit = kit();
    assert_eq!(kit.version, RebuildKit::VERSION);
    assert!(kit.authorities.len() >= 150, "{} councils", kit.authorities.len());
    assert!(kit.authorities.iter().any(|a| a.name == "Leeds" && a.gss == "E08000035"));
    assert!(kit.section41.iter().filter(|e| e.approved).count() > 300);
    assert!(kit.section41.iter().any(|e| !e.approved));
}

#[test]
fn the_page_and_the_cli_build_the_same_dataset_from_one_gias_file() {
    let bytes = leeds();
    let page = import(&[("edubase-leeds.csv", &bytes)], 2_000, None);
    let cli = cli_build();
    assert_eq!(page.dataset.settings.len(), cli.dataset.settings.len());
    assert!(page.dataset.settings == cli.dataset.settings, "the settings differ");
    assert!(page.dataset.encode() == cli.dataset.encode(), "the dataset files differ");
    assert_eq!(page.dataset.meta.data_version, cli.dataset.meta.data_version);
    assert_eq!(page.merge, cli.merge);
    let report = &page.imports[0];
    assert_eq!(report.summary(), "edubase-leeds.csv: 771 rows: 287 accepted, 484 filtered, 0 rejected");
    // A Leeds school and its resourced provision, as separate settings sharing the URN.
    let sites: Vec<Site> = page.dataset.settings.iter().filter(|s| s.urn == Urn(108133)).map(|s| s.site).collect();
    assert_eq!(sites, vec![Site::Main], "West Oaks School");
    assert!(page.dataset.settings.iter().any(|s| s.kind == ProvisionKind::ResourcedProvision));
    // The file decodes as the published one does.
    let decoded = Dataset::decode(&page.dataset.encode()).expect("decodes");
    assert_eq!(decoded.settings.len(), page.dataset.settings.len());
}

#[test]
fn the_step_size_changes_nothing() {
    let bytes = leeds();
    let one = import(&[("a.csv", &bytes)], usize::MAX, None);
    let small = import(&[("a.csv", &bytes)], 7, None);
    assert!(one.dataset == small.dataset, "the datasets differ");
    assert_eq!(one.imports, small.imports);
}

#[test]
fn every_rejected_row_is_in_the_summary_and_the_csv() {
    // Two real rows damaged: one cut short, one with a URN that is not a number.
    let text = String::from_utf8_lossy(&leeds()).into_owned();
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    let cut = lines[10].match_indices(',').nth(5).map(|(i, _)| i).unwrap();
    lines[10] = format!("{}\r\n", &lines[10][..cut]);
    lines[20] = format!("X{}", &lines[20]);
    let damaged = lines.concat();
    let rebuilt = import(&[("damaged.csv", damaged.as_bytes())], 100, None);
    let report = &rebuilt.imports[0];
    assert!(report.is_balanced());
    assert_eq!(report.rows_read, 771);
    assert_eq!(report.rejected.len(), 2, "{:?}", report.rejected);
    let summary = rebuilt.summary();
    assert_eq!(summary.rejected_rows.len(), 2);
    assert_eq!(summary.rejected_rows[0].row, 11);
    assert!(summary.rejected_rows[0].reason.contains("cut short"), "{}", summary.rejected_rows[0].reason);
    assert_eq!(summary.rejected_rows[1].row, 21);
    assert_eq!(summary.rejected_rows[1].column, Some("URN"));
    assert_eq!(summary.sources[0].rejected, 2);
    let csv_rejected = summary.report_csv.lines().filter(|l| l.contains(",rejected,")).count();
    assert_eq!(csv_rejected, 2, "{}", summary.report_csv);
}

#[test]
fn a_supplement_alone_applies_over_the_data_in_use() {
    let base = cli_build().dataset.clone();
    let supplement = "urn,site,name,kind,needs,capacity,on_roll,places_date,lat,lon\n\
                      108133,satellite,West Oaks satellite class,senUnit,ASD,8,6,2026-09-01,53.80,-1.55\n\
                      999999999,main,,,,,,,,\n";
    let rebuilt = import(&[("supplement.csv", supplement.as_bytes())], 100, Some(base.clone()));
    assert_eq!(rebuilt.dataset.settings.len(), base.settings.len() + 1);
    let report = &rebuilt.imports[0];
    assert_eq!((report.rows_read, report.rejected.len()), (2, 1), "{report:?}");
    assert!(report.rejected[0].reason.contains("not in the dataset"));
    assert_ne!(rebuilt.dataset.meta.data_version, base.meta.data_version, "a new version names the new data");
    assert_eq!(rebuilt.dataset.meta.sources.last().unwrap().key, "council-supplement");
}

#[test]
fn files_are_told_apart_by_their_header_and_anything_else_is_refused() {
    assert_eq!(FileKind::sniff("g.csv", &leeds()).unwrap(), FileKind::Gias);
    assert_eq!(FileKind::sniff("s.csv", b"\xEF\xBB\xBFurn,needs\n1,ASD\n").unwrap(), FileKind::Supplement);
    let err = FileKind::sniff("list.csv", b"name,town\nA,B\n").unwrap_err().to_string();
    assert!(err.contains("neither a GIAS establishment file"), "{err}");
    let err = FileKind::sniff("book.xlsx", b"PK\x03\x04....").unwrap_err().to_string();
    assert!(err.contains("zip file"), "{err}");

    let mut importer = Importer::new(kit(), date());
    importer.add_file("a.csv", &leeds()).unwrap();
    let err = importer.add_file("b.csv", &leeds()).unwrap_err();
    assert!(matches!(err, Error::Import { .. }), "{err}");
    assert!(err.to_string().contains("a GIAS file was already given"), "{err}");

    let err = Importer::new(kit(), date()).finish(None).unwrap_err().to_string();
    assert!(err.contains("no file was given"), "{err}");
}

#[test]
fn a_kit_that_is_not_one_says_so() {
    for (text, expected) in [
        ("<!DOCTYPE html><title>Not found</title>", "not a rebuild kit"),
        (r#"{"version":2,"authorities":[],"section41":[]}"#, "version 2"),
        (r#"{"version":1,"authorities":[],"section41":[]}"#, "names no councils"),
        (r#"{"version":1,"authorities":[],"section41":[],"extra":1}"#, "unknown field"),
    ] {
        let err = RebuildKit::from_json(text).unwrap_err().to_string();
        assert!(err.contains("rebuild kit") && err.contains(expected), "{text}: {err}");
    }
}
