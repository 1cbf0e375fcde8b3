//! Writes a small dataset of made-up settings around Headingley, Leeds, with hostile text in
//! it — a name that is an HTML injection, a `javascript:` website, a name that is a spreadsheet
//! formula — plus a school and its unit at one address and a bare-domain website. It is clearly
//! generated for tests: the browser tests load it into the real page and real wasm engine to
//! prove that data is rendered as text and never as markup, links or formulas.
//!
//! `cargo run --example hostile_dataset -- OUT_DIR` writes `OUT_DIR/dataset.bin`.

use placement_finder::dataset::{Dataset, DatasetMeta, SCHEMA_VERSION};
use placement_finder::model::{AgeBasis, KindBasis, LocalAuthority, Provenance, Source};
use placement_finder::{
    AgeRange, Date, LaCode, LatLon, Need, NeedSet, Places, ProvisionKind, Setting, Site, Status, Urn,
};

/// Roughly the centre of postcode sector LS6 2, where the tests search from.
const HOME: LatLon = LatLon { lat: 53.8222, lon: -1.5723 };

#[allow(clippy::too_many_arguments)]
fn setting(
    urn: u32,
    site: Site,
    name: &str,
    kind: ProvisionKind,
    (low, high): (u8, u8),
    needs: &[Need],
    (d_lat, d_lon): (f64, f64),
    website: Option<&str>,
) -> Setting {
    Setting {
        urn: Urn(urn),
        site,
        name: name.into(),
        kind,
        kind_basis: KindBasis::EstablishmentType,
        establishment_type: None,
        status: Status::Open,
        location: LatLon { lat: HOME.lat + d_lat, lon: HOME.lon + d_lon },
        postcode: Some("LS6 1AA".into()),
        la: Some(LaCode(383)),
        phase: None,
        ages: Some(AgeRange { low, high, basis: AgeBasis::Statutory }),
        gender: None,
        boarding: None,
        religious_character: None,
        religious_character_known: false,
        section41: None,
        needs: (!needs.is_empty()).then(|| needs.iter().copied().collect::<NeedSet>()),
        needs_possibly_truncated: false,
        places: None,
        website: website.map(str::to_string),
        notes: None,
        provenance: Provenance::default(),
    }
}

fn main() {
    use Need::*;
    use ProvisionKind as K;
    let out = std::env::args().nth(1).unwrap_or_else(|| "target/hostile-data".into());
    let places = |capacity, on_roll| {
        Some(Places { capacity: Some(capacity), on_roll: Some(on_roll), as_of: Date::new(2025, 1, 16) })
    };
    let mut settings = vec![
        Setting {
            places: places(120, 118),
            ..setting(
                900001,
                Site::Main,
                "Oakfield Special School",
                K::Special,
                (3, 19),
                &[ASD, SLD],
                (0.01, 0.02),
                Some("www.oakfield.example.sch.uk"),
            )
        },
        setting(
            900002,
            Site::Main,
            "Meadow Primary School",
            K::Mainstream,
            (4, 11),
            &[],
            (-0.004, 0.003),
            Some("https://meadow.example.org/"),
        ),
        Setting {
            places: places(10, 9),
            ..setting(
                900002,
                Site::SenUnit,
                "Meadow Primary School: SEN unit",
                K::SenUnit,
                (4, 11),
                &[ASD],
                (-0.004, 0.003),
                Some("https://meadow.example.org/"),
            )
        },
        Setting {
            status: Status::OpenProposedToClose,
            ..setting(
                900003,
                Site::Main,
                "<img src=x onerror=alert(1)>",
                K::Special,
                (5, 16),
                &[ASD, SEMH],
                (0.03, -0.05),
                Some("javascript:alert(1)"),
            )
        },
        Setting {
            la: Some(LaCode(380)),
            ..setting(
                900004,
                Site::Main,
                "=HYPERLINK(\"http://evil.example\",\"click\")",
                K::Special,
                (2, 19),
                &[PMLD, SLD],
                (-0.08, 0.1),
                None,
            )
        },
        setting(
            900005,
            Site::Main,
            "Riverside Academy",
            K::Mainstream,
            (4, 11),
            &[],
            (0.02, 0.01),
            Some("http://riverside.example.sch.uk"),
        ),
        Setting {
            places: places(12, 12),
            ..setting(
                900005,
                Site::ResourcedProvision,
                "Riverside Academy: resourced provision",
                K::ResourcedProvision,
                (4, 11),
                &[SLCN, ASD],
                (0.02, 0.01),
                None,
            )
        },
        setting(900006, Site::Main, "Hilltop High School", K::Mainstream, (11, 16), &[], (0.005, -0.01), None),
        setting(
            900007,
            Site::Main,
            "St Mary\u{2019}s Catholic Primary School",
            K::Mainstream,
            (4, 11),
            &[],
            (-0.015, -0.02),
            Some("https://stmarys.example.org"),
        ),
        Setting {
            section41: Some(true),
            ..setting(
                900008,
                Site::Main,
                "Northern Independent School for Autism \u{202e}lmth.exe",
                K::IndependentSpecial,
                (5, 19),
                &[ASD],
                (0.2, 0.1),
                None,
            )
        },
    ];
    settings.iter_mut().for_each(|s| s.religious_character_known = true);
    let n = settings.len() as u32;
    let mut d = Dataset {
        meta: DatasetMeta {
            schema_version: SCHEMA_VERSION,
            build_date: Date::new(2026, 11, 22).unwrap_or(Date { year: 2026, month: 11, day: 22 }),
            data_version: "hostile-test-data".into(),
            coverage: "Made-up settings with hostile text, generated for browser tests".into(),
            sources: vec![Source {
                key: "generated".into(),
                title: "Generated for tests (examples/hostile_dataset.rs)".into(),
                date: None,
                rows: n,
            }],
            setting_count: n,
            establishment_count: 8,
        },
        settings,
        authorities: vec![
            LocalAuthority { code: LaCode(383), name: "Leeds".into(), gss: "E08000035".into(), gss_aliases: vec![] },
            LocalAuthority { code: LaCode(380), name: "Bradford".into(), gss: "E08000032".into(), gss_aliases: vec![] },
        ],
    };
    d.sort_settings();
    std::fs::create_dir_all(&out).expect("create the output folder");
    let path = std::path::Path::new(&out).join("dataset.bin");
    std::fs::write(&path, d.encode()).expect("write the dataset");
    println!("{}", path.display());
    // The page's split copy (finder/core.bin, finder/details/), for the areas of the shards there.
    let dir = std::path::Path::new(&out);
    let shards = placement_finder::pipeline::read_shard_dir(&dir.join("postcodes")).expect("read the postcode shards");
    placement_finder::pipeline::write_finder_files(&d, &shards, dir).expect("write the finder files");
}
