//! The JS-visible contract of the wasm edge, run under wasm-bindgen-test (node, and headless
//! Chromium with `WASM_BINDGEN_USE_BROWSER=1`): plain objects in camelCase, `null` never
//! `undefined`, errors as real JS `Error`s carrying the Rust message.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Reflect};
use placement_finder::dataset::{Dataset, DatasetMeta, SCHEMA_VERSION};
use placement_finder::model::{AgeBasis, KindBasis, LocalAuthority, Provenance};
use placement_finder::wasm::{age_at, lookup_postcode, postcode_area, year_group, Finder};
use placement_finder::{AgeRange, Date, LaCode, LatLon, Need, NeedSet, ProvisionKind, Setting, Site, Status, Urn};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

fn setting(urn: u32, name: &str, kind: ProvisionKind, lat: f64, lon: f64, needs: Option<NeedSet>) -> Setting {
    Setting {
        urn: Urn(urn),
        site: Site::Main,
        name: name.into(),
        kind,
        kind_basis: KindBasis::EstablishmentType,
        establishment_type: None,
        status: Status::Open,
        location: LatLon { lat, lon },
        postcode: None,
        la: Some(LaCode(383)),
        phase: None,
        ages: Some(AgeRange { low: 4, high: 19, basis: AgeBasis::Statutory }),
        gender: None,
        boarding: None,
        religious_character: None,
        religious_character_known: false,
        section41: None,
        needs,
        needs_possibly_truncated: false,
        places: None,
        website: None,
        notes: None,
        provenance: Provenance::default(),
    }
}

fn dataset_bytes() -> Vec<u8> {
    the_dataset().encode()
}

/// The core data file of the same dataset and a details file of all its settings.
fn split_bytes() -> (Vec<u8>, Vec<u8>) {
    let (core, mut details) = placement_finder::engine::core::split(&the_dataset(), &[vec![0, 1, 2]]);
    (core, details.remove(0))
}

fn the_dataset() -> Dataset {
    let settings = vec![
        setting(1, "Oak Special School", ProvisionKind::Special, 53.80, -1.55, Some(NeedSet::EMPTY.with(Need::ASD))),
        setting(2, "Elm Primary", ProvisionKind::Mainstream, 53.81, -1.56, None),
        setting(
            3,
            "<img src=x onerror=alert(1)>",
            ProvisionKind::Special,
            53.82,
            -1.57,
            Some(NeedSet::EMPTY.with(Need::HI)),
        ),
    ];
    let mut d = Dataset {
        meta: DatasetMeta {
            schema_version: SCHEMA_VERSION,
            build_date: Date::new(2026, 11, 22).unwrap(),
            data_version: "wasm-test".into(),
            coverage: "three settings made up for this test".into(),
            sources: vec![],
            setting_count: 3,
            establishment_count: 3,
        },
        settings,
        authorities: vec![LocalAuthority {
            code: LaCode(383),
            name: "Leeds".into(),
            gss: "E08000035".into(),
            gss_aliases: vec![],
        }],
    };
    d.sort_settings();
    Dataset::decode(&d.encode()).unwrap()
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap()
}

fn query(level: &str) -> JsValue {
    js_sys::JSON::parse(&format!(
        r#"{{"home":{{"lat":53.8,"lon":-1.55}},"homeLa":383,"age":7,"primaryNeed":"ASD","level":"{level}"}}"#
    ))
    .unwrap()
}

fn message(e: impl Into<JsValue>) -> String {
    let v: JsValue = e.into();
    let err: &js_sys::Error = v.dyn_ref().expect("a real JS Error");
    String::from(err.message())
}

/// The stable `code` the page branches on (src/error.rs `ErrorCode`), from a thrown error.
fn code(e: impl Into<JsValue>) -> String {
    let v: JsValue = e.into();
    assert!(v.dyn_ref::<js_sys::Error>().is_some(), "a real JS Error");
    get(&v, "code").as_string().expect("every error carries a code")
}

#[wasm_bindgen_test]
fn meta_is_a_plain_camel_case_object() {
    let f = Finder::new(&dataset_bytes(), None).unwrap();
    let meta = f.meta().unwrap();
    assert_eq!(get(&meta, "dataVersion").as_string().unwrap(), "wasm-test");
    assert_eq!(get(&meta, "settingCount").as_f64().unwrap(), 3.0);
    assert!(Array::is_array(&get(&meta, "sources")));
}

#[wasm_bindgen_test]
fn shortlist_results_carry_reasons_and_metres_and_null_not_undefined() {
    let f = Finder::new(&dataset_bytes(), None).unwrap();
    let list = f.shortlist(query("specialist")).unwrap();
    let results: Array = get(&list, "results").dyn_into().unwrap();
    assert!(results.length() >= 1);
    let first = results.get(0);
    assert_eq!(get(&first, "name").as_string().unwrap(), "Oak Special School");
    assert!(get(&first, "distanceM").as_f64().is_some());
    let reasons: Array = get(&first, "reasons").dyn_into().unwrap();
    assert!(get(&reasons.get(0), "code").is_string() && get(&reasons.get(0), "text").is_string());
    // Absent data is null, never undefined.
    assert!(get(&first, "website").is_null());
    // Data is text: the hostile name arrives as the same string, for textContent.
    let all: Vec<String> = results.iter().map(|r| get(&r, "name").as_string().unwrap()).collect();
    assert!(all.iter().any(|n| n == "<img src=x onerror=alert(1)>"), "{all:?}");
}

#[wasm_bindgen_test]
fn from_the_core_a_list_says_details_are_missing_until_they_are_added() {
    let (core, details) = split_bytes();
    let mut f = Finder::new(&core, None).unwrap();
    assert!(!f.has_all_details());
    assert_eq!(get(&f.meta().unwrap(), "dataVersion").as_string().unwrap(), "wasm-test");
    assert_eq!(code(f.shortlist(query("specialist")).unwrap_err()), "detailsMissing");
    assert_eq!(f.add_details(&details).unwrap(), 3);
    assert!(f.has_all_details());
    let from_core = js_sys::JSON::stringify(&f.shortlist(query("specialist")).unwrap()).unwrap();
    let whole = Finder::new(&dataset_bytes(), None).unwrap();
    assert_eq!(from_core, js_sys::JSON::stringify(&whole.shortlist(query("specialist")).unwrap()).unwrap());
    // A core where details belong is refused with the file named; once every detail is in,
    // nothing more is read.
    assert_eq!(code(Finder::new(&core, None).unwrap().add_details(&core).unwrap_err()), "corrupt");
    assert_eq!(f.add_details(&core).unwrap(), 0);
    assert!(message(Finder::new(&details, None).unwrap_err()).contains("core data file"));
}

#[wasm_bindgen_test]
fn errors_are_js_errors_with_the_rust_message() {
    assert!(message(Finder::new(b"<!DOCTYPE html><html>", None).unwrap_err()).contains("HTML page"));
    assert!(message(Finder::new(&dataset_bytes(), Some("{}".into())).unwrap_err()).contains("policy pack"));
    let f = Finder::new(&dataset_bytes(), None).unwrap();
    assert!(message(f.shortlist(query("band9")).unwrap_err()).contains("unknown level"));
    assert!(message(postcode_area("LS").unwrap_err()).contains("not a UK postcode"));
}

#[wasm_bindgen_test]
fn errors_carry_a_stable_code_whatever_their_wording() {
    let mut old = dataset_bytes();
    // The schema version follows the 8-byte magic and is checked before the checksum.
    old[8] = old[8].wrapping_add(1);
    assert_eq!(code(Finder::new(&old, None).unwrap_err()), "wrongVersion");
    assert_eq!(code(Finder::new(b"<!DOCTYPE html><html>", None).unwrap_err()), "corrupt");
    assert_eq!(code(Finder::new(&dataset_bytes(), Some("{}".into())).unwrap_err()), "policy");
    let f = Finder::new(&dataset_bytes(), None).unwrap();
    assert_eq!(code(f.shortlist(query("band9")).unwrap_err()), "invalidQuery");
    assert_eq!(code(f.shortlist(JsValue::from_str("not a query")).unwrap_err()), "invalidQuery");
    assert_eq!(code(postcode_area("LS").unwrap_err()), "postcodeShape");
    assert_eq!(code(lookup_postcode(b"<html>", "LS6 2AA").unwrap_err()), "corrupt");
}

#[wasm_bindgen_test]
fn the_year_group_for_an_age_is_the_engines_rule() {
    assert_eq!(year_group(7), "Year 3");
    assert_eq!(year_group(18), "Post-18 (after Year 13)");
}

#[wasm_bindgen_test]
fn postcode_area_reveals_only_the_letters() {
    assert_eq!(postcode_area("ls6 2aa").unwrap(), "LS");
    assert_eq!(postcode_area("SW1A1AA").unwrap(), "SW");
}

#[wasm_bindgen_test]
fn age_and_year_group_from_dates() {
    let v = age_at("2019-03-10", "2026-09-01").unwrap();
    assert_eq!(get(&v, "age").as_f64().unwrap(), 7.0);
    assert_eq!(get(&v, "yearGroup").as_string().unwrap(), "Year 3");
}

/// The dashboard module's importer (`--features dashboard`): a GIAS file in, a dataset the
/// finder reads out, and the row report as a plain object.
#[cfg(feature = "dashboard")]
mod importer {
    use super::*;
    use placement_finder::rebuild::RebuildKit;
    use placement_finder::wasm::Importer;

    const SAMPLE: &[u8] = include_bytes!("fixtures/gias/gias_raw_subset_itt_mentor_services_cp1252_crlf.csv");

    fn kit() -> String {
        let authorities = (200..1000)
            .map(|code| LocalAuthority {
                code: LaCode(code),
                name: format!("Council {code}"),
                gss: format!("E0{code:07}"),
                gss_aliases: vec![],
            })
            .collect();
        RebuildKit { version: RebuildKit::VERSION, authorities, section41: vec![] }.to_json()
    }

    #[wasm_bindgen_test]
    fn a_gias_file_becomes_a_dataset_the_finder_reads_with_a_report() {
        let mut importer = Importer::new(&kit(), "2026-11-22").map_err(message).unwrap();
        Importer::check_size("sample.csv", SAMPLE.len() as f64).map_err(message).unwrap();
        assert_eq!(importer.add_file("sample.csv", SAMPLE).map_err(message).unwrap(), "gias");
        let mut progress = 0.0;
        while progress < 1.0 {
            progress = importer.step(3).map_err(message).unwrap();
        }
        assert_eq!(importer.rows_read(), 8.0);
        let summary = importer.finish(None).map_err(message).unwrap();
        let source = Array::from(&get(&summary, "sources")).get(0);
        assert_eq!(get(&source, "rowsRead").as_f64(), Some(8.0));
        assert!(get(&summary, "reportCsv").as_string().unwrap().starts_with("source,row,urn,outcome,column,reason"));
        assert!(Array::from(&get(&summary, "rejectedRows")).is_array());
        let bytes = importer.dataset_bytes().map_err(message).unwrap();
        let finder = Finder::new(&bytes, None).map_err(message).unwrap();
        let meta = finder.meta().map_err(message).unwrap();
        assert_eq!(get(&meta, "settingCount").as_f64(), get(&summary, "settings").as_f64());
        // Once finished, it says so rather than starting again.
        assert!(message(importer.step(1).unwrap_err()).contains("already finished"));
    }

    #[wasm_bindgen_test]
    fn too_large_and_not_csv_fail_with_the_rust_message() {
        assert!(message(Importer::check_size("huge.csv", 500e6).unwrap_err()).contains("huge.csv is too large"));
        let mut importer = Importer::new(&kit(), "2026-11-22").map_err(message).unwrap();
        assert!(message(importer.add_file("x.csv", b"PK\x03\x04zip").unwrap_err()).contains("zip file"));
        assert!(message(Importer::new("<html>", "2026-11-22").unwrap_err()).contains("rebuild kit"));
    }
}
