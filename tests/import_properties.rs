//! Nothing lost, proven: for every importer, on generated files of real and junk cells (quoted
//! commas, quotes and line breaks, short and long rows, LF or CRLF, UTF-8 with or without a
//! byte order mark, or Windows-1252), every data row is accepted, filtered or rejected exactly
//! once, and every row left out carries its row number, the column at fault (or none, when the
//! whole row is at fault, with a reason that says so) and a reason. The build report written
//! by `build-data` lists each of them.

use std::collections::BTreeSet;

use placement_finder::import::council::read_supplement;
use placement_finder::import::gias::read_gias;
use placement_finder::import::la::read_la_lookup;
use placement_finder::import::postcodes::build_postcode_shards;
use placement_finder::import::{sources, ImportReport, RowIssue};
use placement_finder::LaCode;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// The columns of one importer's file and, for each, values that mean something to it.
struct Spec {
    header: &'static [&'static str],
    values: &'static [&'static [&'static str]],
}

const GIAS: Spec = Spec {
    header: &[
        "URN",
        "EstablishmentName",
        "TypeOfEstablishment (name)",
        "EstablishmentStatus (name)",
        "Easting",
        "Northing",
        "StatutoryLowAge",
        "StatutoryHighAge",
        "SEN1 (name)",
        "SEN2 (name)",
        "Postcode",
        "SchoolWebsite",
        "TypeOfResourcedProvision (name)",
        "ResourcedProvisionCapacity",
        "Gender (name)",
        "LA (code)",
        "CensusDate",
    ],
    values: &[
        &["107915", "100000", "1", "0", "-5", "abc", "99999999999"],
        &["West Oaks School", "St John's, Boston Spa", "  "],
        &["Community special school", "Community school", "Academy converter", "Higher education institutions"],
        &["Open", "Closed", "Proposed to open", "Open, but proposed to close", "Suspended"],
        &["431468", "429960", "0", "43l468", "-90000"],
        &["438212", "435300", "0", "99999999", "NaN"],
        &["3", "11", "three"],
        &["11", "19", "300"],
        &["ASD - Autistic Spectrum Disorder", "Not Applicable", "DYS - Dyslexia"],
        &["HI - Hearing Impairment", "SPLD"],
        &["LS17 6QP", "ls6 2aa", "Dubai"],
        &["www.x.sch.uk", "javascript:alert(1)", "https://x.org\"><img src=x>"],
        &["Resourced provision", "SEN unit", "Not applicable", "Both"],
        &["12", "lots"],
        &["Mixed", "Girls", "Co-ed"],
        &["383", "0", "x"],
        &["20-01-2022", "31-02-2022"],
    ],
};

const COUNCIL: Spec = Spec {
    header: &[
        "urn",
        "site",
        "name",
        "kind",
        "needs",
        "capacity",
        "on_roll",
        "places_date",
        "low_age",
        "high_age",
        "lat",
        "lon",
        "postcode",
        "website",
        "notes",
    ],
    values: &[
        &["108099", "1", "0", "abc"],
        &["main", "senUnit", "satellite", "rp", "annexe"],
        &["Moor Allerton satellite class", "=HYPERLINK(\"x\")"],
        &["special", "senUnit", "school"],
        &["ASD;SLCN", "ASD", "XYZ"],
        &["12", "-3"],
        &["10", "ten"],
        &["2026-01-15", "2026-02-30"],
        &["5", "12"],
        &["11", "7", "40"],
        &["53.84", "91", "x"],
        &["-1.53", "200"],
        &["LS6 2AA"],
        &["https://example.org", "javascript:alert(1)", "http://x.org/\u{202E}gpj.exe"],
        &["Vacancies from September", "+1 555", "<script>alert(1)</script>"],
    ],
};

const NATIONAL: Spec = Spec {
    header: &["urn", "name", "phase_code", "ofsted_rating_code", "easting", "northing", "lat", "lon"],
    values: &[
        &["100000", "x", "0"],
        &["A School"],
        &["P", "S", "MS", "Q"],
        &["0", "2"],
        &["431468"],
        &["438212"],
        &["53.8", "99", "lat"],
        &["-1.5", "x"],
    ],
};

const SPECIAL: Spec = Spec {
    header: &[
        "urn",
        "name",
        "type",
        "la",
        "lat",
        "lon",
        "primary_sen",
        "also_caters_for",
        "sen_types",
        "capacity",
        "possibly_truncated",
        "match",
        "match_distance_m",
    ],
    values: &[
        &["134388", "0", "x"],
        &["Hopewell School"],
        &["Other independent special school"],
        &["Leeds", "Atlantis"],
        &["51.53", "x"],
        &["0.13"],
        &["ASD - Autistic Spectrum Disorder"],
        &["SEMH;MLD"],
        &["ASD;SEMH;MLD", "ASD;DYS"],
        &["65", "65.0", "65.5"],
        &["no", "yes"],
        &["name+<=100m"],
        &["0.0"],
    ],
};

const ACADEMIES: Spec = Spec {
    header: &[
        "\u{feff}Group UID",
        "Academy URN",
        "Trust Academy Establishment Name",
        "TypeOfEstablishment (name)",
        "PhaseOfEducation (name)",
        "LA (code)",
    ],
    values: &[
        &["1"],
        &["140001", "140002", "x"],
        &["An Academy"],
        &["Academy converter"],
        &["Primary", "Q"],
        &["383", "0"],
    ],
};

const LONDON: Spec = Spec {
    header: &["urn", "school_name", "la_code", "school_type", "phase", "postcode", "website", "pupil_count"],
    values: &[
        &["100000", "-1"],
        &["A School"],
        &["202"],
        &["Community school"],
        &["Primary"],
        &["NW5 1UJ"],
        &["www.x.org"],
        &["421", "x"],
    ],
};

const TRAFFORD: Spec = Spec {
    header: &[
        "URN",
        "name",
        "phase",
        "gender",
        "lowest_admission_age",
        "highest_admission_age",
        "website",
        "number_of_pupils",
    ],
    values: &[
        &["106345", "x"],
        &["A School"],
        &["Secondary", "Post 16", "Academies", ""],
        &["Mixed", "Boys", "?"],
        &["4", "11"],
        &["11", "4"],
        &["www.x.org"],
        &["300"],
    ],
};

const S41_APPROVED: Spec = Spec {
    header: &["field2", "field3", "field5", "field6"],
    values: &[
        &["Local authority", "Somerset", ""],
        &["3 Dimensionscare Ltd", ""],
        &["Independent special school"],
        &["Aug-16"],
    ],
};

const S41_NOT_APPROVED: Spec = Spec {
    header: &["GIAS reference", "Local Authority", "School Name", "Section41 Approval"],
    values: &[&["203"], &["Greenwich", ""], &["Wize Up", ""], &["No"]],
};

const POSTCODES: Spec = Spec {
    header: &[
        "postcode",
        "pq",
        "easting",
        "northing",
        "country_code",
        "admin_county_code",
        "admin_district_code",
        "admin_ward_code",
    ],
    values: &[
        &["LS6 2AB", "LS6 2AD", "EH1 1AA", "not a postcode", "LS6 2AB"],
        &["10", "90", "ten"],
        &["428256", "east", "9999999"],
        &["436300", "436144"],
        &["E92000001", "S92000003", "X92000001"],
        &["", "E10000030"],
        &["E08000035", "S12000036"],
        &["E05011397"],
    ],
};

/// A generated file: how many data rows it holds, and its bytes.
#[derive(Debug)]
struct File {
    rows: usize,
    bytes: Vec<u8>,
}

/// A cell: a meaningful value, blank, printable junk (quotes and commas included, and
/// characters Windows-1252 has), or quotes and line breaks.
fn cell(values: &'static [&'static str]) -> BoxedStrategy<String> {
    prop_oneof![
        4 => prop::sample::select(values).prop_map(str::to_string),
        1 => Just(String::new()),
        2 => "[ -~éü’£–]{0,10}",
        1 => "[a-z\"',\r\n ]{0,6}",
    ]
    .boxed()
}

/// Rows of `spec`'s width, one in ten cut short and one in twenty with an extra field.
fn rows(spec: &'static Spec) -> impl Strategy<Value = Vec<Vec<String>>> {
    let row = (spec.values.iter().map(|v| cell(v)).collect::<Vec<_>>(), 0u8..20, any::<prop::sample::Index>())
        .prop_map(|(mut cells, shape, cut)| {
            match shape {
                0 => cells.truncate(1 + cut.index(cells.len())),
                1 => cells.push("surprise".into()),
                _ => {}
            }
            cells
        });
    prop::collection::vec(row, 0..25)
}

fn quoted(field: &str) -> String {
    if field.contains([',', '"', '\r', '\n']) || field.is_empty() {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// The file as a spreadsheet would save it: quoted where needed, `crlf` or LF line ends, a byte
/// order mark or not, Windows-1252 or UTF-8.
fn render(header: &[&str], rows: &[Vec<String>], crlf: bool, bom: bool, cp1252: bool) -> File {
    let eol = if crlf { "\r\n" } else { "\n" };
    let mut text = if bom && !cp1252 { "\u{feff}".to_string() } else { String::new() };
    text += &header.iter().map(|h| quoted(h)).collect::<Vec<_>>().join(",");
    for row in rows {
        text += eol;
        // A blank field is written `""`, so that no row is a blank line (which is not a row).
        text += &row.iter().map(|f| quoted(f)).collect::<Vec<_>>().join(",");
    }
    text += eol;
    let bytes = if cp1252 { encoding_rs::WINDOWS_1252.encode(&text).0.into_owned() } else { text.into_bytes() };
    File { rows: rows.len(), bytes }
}

fn file(spec: &'static Spec) -> impl Strategy<Value = File> {
    (rows(spec), any::<bool>(), any::<bool>(), any::<bool>())
        .prop_map(move |(rows, crlf, bom, cp1252)| render(spec.header, &rows, crlf, bom, cp1252))
}

/// Words of a reason for a row at fault as a whole (no one column).
const WHOLE_ROW: [&str; 5] = ["fields", "unreadable", "second header row", "bytes long", "listed again"];

/// Every row read is in exactly one place; every issue has a row number in range, a column of
/// the header (or a whole-row reason) and a reason; warnings are about accepted rows only.
fn accounted(report: &ImportReport, file: &File, header: &[&str], accepted: usize) -> Result<(), TestCaseError> {
    prop_assert!(report.is_balanced(), "{}", report.summary());
    prop_assert_eq!(report.rows_read, file.rows as u64, "{}", report.summary());
    prop_assert_eq!(report.accepted, accepted as u64);
    // Rows are numbered as a spreadsheet numbers them, the header being row 1.
    let last = file.rows as u64 + 1;
    let mut left_out = BTreeSet::new();
    for issue in report.filtered.iter().chain(&report.rejected) {
        prop_assert!(left_out.insert(issue.row), "row {} is reported twice: {:?}", issue.row, report);
        described(issue, last, header)?;
    }
    for warning in &report.warnings {
        prop_assert!(!left_out.contains(&warning.row), "a warning about a row left out: {:?}", warning);
        described(warning, last, header)?;
    }
    Ok(())
}

fn described(issue: &RowIssue, last: u64, header: &[&str]) -> Result<(), TestCaseError> {
    prop_assert!((2..=last).contains(&issue.row), "row {} outside 2..={last}: {:?}", issue.row, issue);
    prop_assert!(!issue.reason.trim().is_empty(), "{:?}", issue);
    match &issue.column {
        Some(column) => {
            let known = header.iter().any(|h| h.trim_start_matches('\u{feff}').eq_ignore_ascii_case(column));
            prop_assert!(known, "column {column:?} is not in the header: {:?}", issue);
        }
        None => prop_assert!(WHOLE_ROW.iter().any(|w| issue.reason.contains(w)), "no column: {:?}", issue),
    }
    Ok(())
}

/// Reads a file: how many records it accepted, and the report; `None` if refused as a whole.
type Importer = fn(&[u8]) -> Option<(usize, ImportReport)>;

fn la_by_name(name: &str) -> Option<LaCode> {
    (name == "Leeds").then_some(LaCode(383))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn gias_accounts_for_every_row(file in file(&GIAS)) {
        let (records, report) = read_gias("g.csv", &file.bytes).expect("the header is complete");
        accounted(&report, &file, GIAS.header, records.len())?;
    }

    #[test]
    fn the_council_supplement_accounts_for_every_row(file in file(&COUNCIL)) {
        let (rows, report) = read_supplement("s.csv", &file.bytes).expect("the header is complete");
        accounted(&report, &file, COUNCIL.header, rows.len())?;
        for row in &rows {
            prop_assert!(row.website.as_deref().is_none_or(placement_finder::model::is_safe_link));
        }
    }

    #[test]
    fn the_national_list_accounts_for_every_row(file in file(&NATIONAL)) {
        let (facts, report) = sources::read_national_open("n.csv", &file.bytes).expect("readable");
        accounted(&report, &file, NATIONAL.header, facts.len())?;
    }

    #[test]
    fn the_special_schools_list_accounts_for_every_row(file in file(&SPECIAL)) {
        let (facts, report) = sources::read_special_schools("s.csv", &file.bytes, &la_by_name).expect("readable");
        accounted(&report, &file, SPECIAL.header, facts.len())?;
    }

    #[test]
    fn the_academies_list_accounts_for_every_row(file in file(&ACADEMIES)) {
        let (facts, report) = sources::read_academies("a.csv", &file.bytes).expect("readable");
        accounted(&report, &file, ACADEMIES.header, facts.len())?;
    }

    #[test]
    fn the_london_list_accounts_for_every_row(file in file(&LONDON)) {
        let (facts, report) = sources::read_london("l.csv", &file.bytes).expect("readable");
        accounted(&report, &file, LONDON.header, facts.len())?;
    }

    #[test]
    fn the_trafford_list_accounts_for_every_row(file in file(&TRAFFORD)) {
        let (facts, report) = sources::read_trafford("t.csv", &file.bytes).expect("readable");
        accounted(&report, &file, TRAFFORD.header, facts.len())?;
    }

    #[test]
    fn the_section_41_lists_account_for_every_row(approved in file(&S41_APPROVED), other in file(&S41_NOT_APPROVED)) {
        let (entries, report) = sources::read_section41("a.csv", &approved.bytes, true).expect("readable");
        // The approved list names its columns in its second header row.
        let titles = ["Local authority", "Institution trading name (1)"];
        accounted(&report, &approved, &titles, entries.len())?;
        let (entries, report) = sources::read_section41("n.csv", &other.bytes, false).expect("readable");
        accounted(&report, &other, S41_NOT_APPROVED.header, entries.len())?;
    }

    #[test]
    fn the_postcode_units_account_for_every_row(file in file(&POSTCODES)) {
        let las = read_la_lookup(b"dfe_la_code,dfe_la_name,gss_code_codepoint_2025,ctyua23cd\n383,Leeds,E08000035,\n")
            .expect("the lookup reads");
        let (built, report) = build_postcode_shards(&file.bytes[..], "p.csv", "2025-10", &las).expect("readable");
        let units: usize = built.shards.iter().map(|s| s.unit_count()).sum();
        accounted(&report, &file, POSTCODES.header, units)?;
    }

    #[test]
    fn school_profiles_account_for_every_record(
        records in prop::collection::vec(
            (
                prop::sample::select(&["\"100025\"", "100026", "null", "\"x\"", "-1", "4294967296"][..]),
                prop::sample::select(&["\"Open\"", "\"Closed\"", "null", "7"][..]),
                prop::sample::select(&["459", "\"lots\"", "null", "-1"][..]),
            ),
            0..20,
        )
    ) {
        let json = records
            .iter()
            .map(|(urn, status, capacity)| {
                format!(r#"{{"URN":{urn},"EstablishmentStatusName":{status},"TotalCapacity":{capacity},"Easting":431468,"Northing":438212}}"#)
            })
            .collect::<Vec<_>>()
            .join(",");
        let (facts, report) = sources::read_school_profiles("p.json", format!("[{json}]").as_bytes()).expect("an array");
        prop_assert!(report.is_balanced(), "{}", report.summary());
        prop_assert_eq!((report.rows_read, report.accepted), (records.len() as u64, facts.len() as u64));
        let mut rows = BTreeSet::new();
        for issue in report.filtered.iter().chain(&report.rejected) {
            prop_assert!(rows.insert(issue.row) && (1..=records.len() as u64).contains(&issue.row), "{:?}", issue);
            prop_assert!(issue.column.is_some() || issue.reason.starts_with("unreadable record"), "{:?}", issue);
        }
    }

    /// Raw junk under a real header: stray quotes may join rows, so only the balance, the
    /// numbering and the reasons are checked.
    #[test]
    fn junk_after_a_real_header_is_still_accounted_for(body in "[a-z0-9 ,\"\r\n’é]{0,400}", which in 0usize..3) {
        let (spec, read): (&Spec, Importer) = match which {
            0 => (&GIAS, |b| read_gias("g.csv", b).ok().map(|(r, rep)| (r.len(), rep))),
            1 => (&COUNCIL, |b| read_supplement("s.csv", b).ok().map(|(r, rep)| (r.len(), rep))),
            _ => (&NATIONAL, |b| sources::read_national_open("n.csv", b).ok().map(|(r, rep)| (r.len(), rep))),
        };
        let text = spec.header.join(",") + "\n" + &body;
        let (accepted, report) = read(text.as_bytes()).expect("the header is complete");
        let file = File { rows: report.rows_read as usize, bytes: vec![] };
        accounted(&report, &file, spec.header, accepted)?;
    }
}

mod build_report {
    use super::*;
    use placement_finder::assemble::MergeReport;
    use placement_finder::pipeline::report_csv;

    fn read_back(csv: &str) -> Vec<Vec<String>> {
        let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(csv.as_bytes());
        reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Every rejected row of a GIAS file is a line of the report, with its row, URN,
        /// column and reason.
        #[test]
        fn lists_every_rejected_row_with_its_row_column_and_reason(file in file(&GIAS)) {
            let (_, report) = read_gias("gias.csv", &file.bytes).expect("the header is complete");
            let lines = read_back(&report_csv(std::slice::from_ref(&report), &MergeReport::default()));
            prop_assert_eq!(&lines[0], &["source", "row", "urn", "outcome", "column", "reason"].map(String::from).to_vec());
            for (outcome, issues) in [("rejected", &report.rejected), ("filtered", &report.filtered), ("warning", &report.warnings)] {
                for issue in issues {
                    let expected = vec![
                        "gias.csv".to_string(),
                        issue.row.to_string(),
                        issue.urn.map(|u| u.to_string()).unwrap_or_default(),
                        outcome.to_string(),
                        issue.column.clone().unwrap_or_default(),
                        placement_finder::import::neutralise_csv_cell(&issue.reason).into_owned(),
                    ];
                    prop_assert!(lines.contains(&expected), "{:?} is not in the report", expected);
                }
            }
            prop_assert_eq!(lines.len(), 1 + report.rejected.len() + report.filtered.len() + report.warnings.len());
        }
    }

    #[test]
    fn neutralises_cells_a_spreadsheet_would_run() {
        let report = ImportReport {
            source: "=cmd|' /C calc'!A0".into(),
            rows_read: 1,
            rejected: vec![RowIssue {
                row: 2,
                column: Some("@SUM(A1)".into()),
                urn: None,
                reason: "+1 is not a URN".into(),
            }],
            ..ImportReport::default()
        };
        let lines = read_back(&report_csv(&[report], &MergeReport::default()));
        assert_eq!(lines[1], ["'=cmd|' /C calc'!A0", "2", "", "rejected", "'@SUM(A1)", "'+1 is not a URN"]);
    }
}
