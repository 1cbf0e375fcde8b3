//! The GIAS importer on real downloads: a whole local authority (Leeds, July 2023), an 8-row
//! national sample in UTF-8/LF and in Windows-1252/CRLF as GIAS ships it, and damaged copies.
//! Fixtures and their provenance: `tests/fixtures/gias/PROVENANCE.md`.

use placement_finder::import::gias::{read_gias, GiasRecord};
use placement_finder::import::ImportReport;
use placement_finder::model::{AgeBasis, Boarding};
use placement_finder::{AgeRange, Date, Error, LaCode, LatLon, Need, NeedSet, Places, ProvisionKind, Status, Urn};

/// The Leeds extract, byte for byte, from the committed (gzipped) source file.
static LEEDS_GZ: &[u8] = include_bytes!("../data/sources/edubase-leeds_2023-07.csv.gz");

fn leeds() -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(LEEDS_GZ).read_to_end(&mut out).expect("gunzip");
    out
}
const SAMPLE: &[u8] = include_bytes!("fixtures/gias/gias_raw_subset_itt_mentor_services.csv");
const SAMPLE_CP1252_CRLF: &[u8] = include_bytes!("fixtures/gias/gias_raw_subset_itt_mentor_services_cp1252_crlf.csv");

fn read(name: &str, bytes: &[u8]) -> (Vec<GiasRecord>, ImportReport) {
    let (records, report) = read_gias(name, bytes).expect("the file is readable");
    assert!(report.is_balanced(), "{}", report.summary());
    (records, report)
}

fn find(records: &[GiasRecord], urn: u32) -> &GiasRecord {
    records.iter().find(|r| r.urn == Urn(urn)).unwrap_or_else(|| panic!("URN {urn} not accepted"))
}

fn needs(list: &[Need]) -> Option<NeedSet> {
    Some(list.iter().copied().collect())
}

fn census_2022() -> Option<Date> {
    Date::new(2022, 1, 20)
}

mod leeds {
    use super::*;

    #[test]
    fn every_row_is_accounted_for() {
        let (records, report) = read("edubase-leeds_2023-07.csv", &leeds());
        assert_eq!(report.summary(), "edubase-leeds_2023-07.csv: 771 rows: 287 accepted, 484 filtered, 0 rejected");
        assert_eq!(records.len(), 287);
        assert!(report.warnings.is_empty(), "{:?}", report.warnings);
        assert!(records.iter().all(|r| r.status == Status::Open));
        assert!(records.iter().all(|r| r.la == Some(LaCode(383)) && r.la_name.as_deref() == Some("Leeds")));
    }

    #[test]
    fn closed_and_unlisted_types_are_filtered_with_reasons() {
        let (_, report) = read("leeds", &leeds());
        let by_reason = report.filtered_by_reason();
        let expected = [
            ("closed", 465),
            ("type \"Other independent school\" is not a school placement this tool lists", 13),
            ("type \"Higher education institutions\" is not a school placement this tool lists", 5),
            ("type \"Secure units\" is not a school placement this tool lists", 1),
        ];
        let by_reason: Vec<(&str, usize)> = by_reason.iter().map(|(r, n)| (r.as_str(), *n)).collect();
        assert_eq!(by_reason, expected);
    }

    #[test]
    fn kinds_of_provision() {
        let (records, _) = read("leeds", &leeds());
        let count = |kind| records.iter().filter(|r| r.kind == kind).count();
        assert_eq!(count(ProvisionKind::Mainstream), 267);
        assert_eq!(count(ProvisionKind::Special), 8);
        assert_eq!(count(ProvisionKind::NonMaintainedSpecial), 1);
        assert_eq!(count(ProvisionKind::IndependentSpecial), 2);
        assert_eq!(count(ProvisionKind::AlternativeProvision), 2);
        assert_eq!(count(ProvisionKind::Post16), 7);
        assert_eq!(records.iter().filter(|r| r.resourced_provision.is_some()).count(), 20);
        assert_eq!(records.iter().filter(|r| r.sen_unit.is_some()).count(), 4);
        assert_eq!(records.iter().filter(|r| r.needs.is_some()).count(), 26);
    }

    #[test]
    fn west_oaks_is_a_special_school_for_hi_asd_sld_and_pmld() {
        let (records, _) = read("leeds", &leeds());
        let r = find(&records, 108133);
        assert_eq!(r.name, "West Oaks School");
        assert_eq!(r.kind, ProvisionKind::Special);
        assert_eq!(r.needs, needs(&[Need::HI, Need::ASD, Need::SLD, Need::PMLD]));
        assert_eq!(r.ages, Some(AgeRange { low: 2, high: 19, basis: AgeBasis::Statutory }));
        // "Not applicable": a special school has no resourced provision of its own.
        assert_eq!((r.resourced_provision, r.sen_unit), (None, None));
        assert_eq!(r.postcode.as_deref(), Some("LS6 2ST"));
    }

    #[test]
    fn moor_allerton_hall_primary_has_a_resourced_provision_for_hearing_impairment() {
        let (records, _) = read("leeds", &leeds());
        let r = find(&records, 107915);
        assert_eq!(r.kind, ProvisionKind::Mainstream);
        assert_eq!(r.needs, needs(&[Need::HI]));
        assert_eq!(r.resourced_provision, Some(Places { capacity: Some(16), on_roll: Some(12), as_of: census_2022() }));
        assert_eq!(r.sen_unit, None);
        // Code-Point Open puts LS17 6QP at 53.83923, -1.52336, 6 m from the school's grid reference.
        let d = r.location.distance_m(LatLon { lat: 53.83923, lon: -1.52336 });
        assert!(d < 15.0, "{d:.1} m");
    }

    #[test]
    fn garforth_academy_has_an_sen_unit_of_50_places() {
        let (records, _) = read("leeds", &leeds());
        let r = find(&records, 136343);
        assert_eq!((r.kind, r.establishment_type.as_str()), (ProvisionKind::Mainstream, "Academy converter"));
        assert_eq!(r.sen_unit, Some(Places { capacity: Some(50), on_roll: Some(50), as_of: census_2022() }));
        assert_eq!(r.resourced_provision, None);
        assert_eq!(r.needs.map(NeedSet::len), Some(10));
        assert_eq!(r.religious_character, None, "\"None\" is no religious character");
    }

    #[test]
    fn bramley_park_academy_has_12_resourced_places_for_autism() {
        let (records, _) = read("leeds", &leeds());
        let r = find(&records, 146542);
        assert_eq!(r.needs, needs(&[Need::ASD]));
        assert_eq!(r.resourced_provision, Some(Places { capacity: Some(12), on_roll: Some(12), as_of: census_2022() }));
        assert_eq!(r.website.as_deref(), Some("https://bramleyparkacademy.co.uk/"));
    }

    #[test]
    fn swarthmore_is_a_section_41_approved_post_16_institution() {
        let (records, _) = read("leeds", &leeds());
        let r = find(&records, 141313);
        assert_eq!((r.kind, r.section41), (ProvisionKind::Post16, Some(true)));
        assert_eq!(r.ages, Some(AgeRange { low: 16, high: 25, basis: AgeBasis::Statutory }));
        assert_eq!((r.pupils, r.census_date), (None, None));
    }

    #[test]
    fn st_johns_boston_spa_is_a_non_maintained_special_school_with_boarders() {
        let (records, _) = read("leeds", &leeds());
        let r = find(&records, 108120);
        assert_eq!(r.name, "St John's Catholic Specialist School, Boston Spa");
        assert_eq!(r.kind, ProvisionKind::NonMaintainedSpecial);
        assert_eq!(r.boarding, Some(Boarding::SomeBoarders));
        assert_eq!(r.needs, needs(&[Need::HI, Need::MSI]));
    }

    #[test]
    fn columns_are_found_by_name_whatever_their_order() {
        // Rewrite the file with its 140 columns reversed.
        let bytes = leeds();
        let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(&bytes[..]);
        let mut writer = csv::Writer::from_writer(Vec::new());
        for record in reader.records() {
            let record = record.expect("the fixture is valid CSV");
            writer.write_record(record.iter().rev()).expect("writes to memory");
        }
        let reversed = writer.into_inner().expect("writes to memory");
        assert_eq!(read("reversed", &reversed).0, read("leeds", &leeds()).0);
    }

    #[test]
    fn a_copy_cut_off_mid_row_reads_the_rows_before_and_rejects_the_cut_one() {
        // Cut 300 bytes into data row 501 (line 501 of the file), inside its quoted fields.
        let leeds = leeds();
        let start = leeds.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(499).map(|(i, _)| i + 1).unwrap();
        let (_, report) = read("cut", &leeds[..start + 300]);
        assert_eq!(report.rows_read, 500);
        assert_eq!(report.rejected.len(), 1);
        let issue = &report.rejected[0];
        assert_eq!(issue.row, 501);
        assert!(issue.reason.contains("but the header has 140"), "{}", issue.reason);
        assert!(issue.urn.is_some(), "the URN at the start of the row is still named");
    }

    /// Not a test of correctness: prints the import rate for a national-sized file (about 52k
    /// rows, 65 MB), as UTF-8 and as Windows-1252 (the real download, decoded in one more pass).
    /// Run with `cargo test --release --test gias_import -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn throughput_on_a_national_sized_file() {
        let bytes = leeds();
        let text = std::str::from_utf8(&bytes).unwrap();
        let (header, body) = text.split_once('\n').unwrap();
        let copies = 68; // 68 × 771 = 52,428 rows
        let utf8: Vec<u8> = std::iter::once(format!("{header}\n"))
            .chain(std::iter::repeat_n(body.to_string(), copies))
            .collect::<String>()
            .into_bytes();
        // One 0xE9 (é) in the last name makes the file invalid UTF-8, so it decodes as Windows-1252.
        let mut cp1252 = utf8.clone();
        let at = cp1252.len() - body.len() + body.find("School").unwrap();
        cp1252[at] = 0xE9;
        for (encoding, bytes) in [("UTF-8", &utf8), ("Windows-1252", &cp1252)] {
            // Best of three: the first run pays for page faults, and the machine may be busy.
            let mut best_s = f64::INFINITY;
            for _ in 0..3 {
                let started = std::time::Instant::now();
                let (records, report) = read("national-sized", bytes);
                best_s = best_s.min(started.elapsed().as_secs_f64());
                assert_eq!((report.rows_read, records.len()), (771 * copies as u64, 287 * copies));
            }
            eprintln!(
                "{encoding}: {} rows ({} MB) in {best_s:.3} s: {:.0} rows/s",
                771 * copies,
                bytes.len() / 1_000_000,
                (771 * copies) as f64 / best_s
            );
        }
    }
}

mod national_sample {
    use super::*;

    #[test]
    fn every_row_is_accounted_for() {
        let (records, report) = read("sample", SAMPLE);
        assert_eq!(report.summary(), "sample: 8 rows: 5 accepted, 3 filtered, 0 rejected");
        let urns: Vec<u32> = records.iter().map(|r| r.urn.0).collect();
        assert_eq!(urns, [100000, 101173, 137666, 124087, 126370]);
        assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    }

    #[test]
    fn closed_schools_are_filtered() {
        let (_, report) = read("sample", SAMPLE);
        let closed: Vec<(u64, Option<u32>)> =
            report.filtered.iter().filter(|f| f.reason == "closed").map(|f| (f.row, f.urn)).collect();
        assert_eq!(closed, [(3, Some(100004)), (5, Some(101077))]);
    }

    #[test]
    fn the_british_school_overseas_is_filtered_for_having_no_location() {
        let (_, report) = read("sample", SAMPLE);
        let overseas = report.filtered.iter().find(|f| f.urn == Some(150516)).unwrap();
        assert_eq!(overseas.reason, "no location (outside England or not recorded)");
        assert_eq!(overseas.row, 7);
    }

    #[test]
    fn a_school_proposed_to_close_is_kept_and_flagged() {
        let (records, _) = read("sample", SAMPLE);
        let r = find(&records, 126370);
        assert_eq!(r.status, Status::OpenProposedToClose);
        assert_eq!(r.religious_character.as_deref(), Some("Church of England"));
        assert_eq!((r.resourced_provision, r.sen_unit), (None, None));
    }

    #[test]
    fn fairley_house_is_an_independent_special_school_for_specific_learning_difficulties() {
        let (records, _) = read("sample", SAMPLE);
        let r = find(&records, 101173);
        assert_eq!(r.kind, ProvisionKind::IndependentSpecial);
        assert_eq!(r.needs, needs(&[Need::SpLD]));
        assert_eq!(r.section41, Some(false));
        assert_eq!(r.ages, Some(AgeRange { low: 5, high: 16, basis: AgeBasis::Statutory }));
        assert_eq!((r.pupils, r.capacity, r.census_date), (Some(215), Some(250), census_2022()));
        assert_eq!(r.la, Some(LaCode(213)));
        assert!(r.location.is_in_great_britain_box());
    }

    #[test]
    fn windows_1252_with_crlf_reads_the_same_as_utf8() {
        let (utf8, _) = read("utf8", SAMPLE);
        let (cp1252, report) = read("cp1252", SAMPLE_CP1252_CRLF);
        assert_eq!(report.summary(), "cp1252: 8 rows: 5 accepted, 3 filtered, 0 rejected");
        // The copy's one edit: a name with é (0xE9) and a curly apostrophe (0x92).
        assert_eq!(cp1252[0].name, "The Aldgate School (Café St Botolph\u{2019}s)");
        let mut expected = utf8.clone();
        expected[0].name = cp1252[0].name.clone();
        assert_eq!(cp1252, expected);
    }

    #[test]
    fn a_windows_1252_copy_cut_mid_row_does_not_panic() {
        for end in [SAMPLE_CP1252_CRLF.len() / 2, SAMPLE_CP1252_CRLF.len() - 7] {
            let (records, report) = read("cut", &SAMPLE_CP1252_CRLF[..end]);
            assert_eq!(report.rejected.len(), 1, "cut at {end}: {report:?}");
            assert!(records.len() < 5);
        }
    }

    #[test]
    fn a_file_without_a_urn_column_is_refused() {
        let text = std::str::from_utf8(SAMPLE).unwrap().replacen("URN,", "Ref,", 1);
        match read_gias("no-urn.csv", text.as_bytes()) {
            Err(Error::MissingColumn { file, column }) => {
                assert_eq!((file.as_str(), column.as_str()), ("no-urn.csv", "URN"))
            }
            other => panic!("expected MissingColumn, got {other:?}"),
        }
    }
}
