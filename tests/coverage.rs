//! The coverage engine against brute force (to the metre: the spec allows 0.1 km), on England's
//! real council boundaries.

use std::io::Read;
use std::sync::OnceLock;

use placement_finder::coverage::{CoverageEngine, DemandPoint, Filter, Grid};
use placement_finder::dataset::{Dataset, DatasetMeta, SCHEMA_VERSION};
use placement_finder::model::{
    AgeBasis, AgeRange, KindBasis, LaCode, LocalAuthority, Places, Provenance, Site, Status,
};
use placement_finder::{Date, LatLon, Need, NeedSet, ProvisionKind, Setting, Urn};

fn boundaries() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        let bytes = std::fs::read("data/sources/england_ctyua_may2023_buc.geojson.gz").unwrap();
        let mut text = String::new();
        flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut text).unwrap();
        text
    })
}

fn england_grid() -> &'static Grid {
    static GRID: OnceLock<Grid> = OnceLock::new();
    GRID.get_or_init(|| Grid::from_boundaries(boundaries(), 1_000.0).unwrap())
}

/// A small deterministic generator (xorshift), so every run tests the same settings.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn setting(urn: u32, kind: ProvisionKind, location: LatLon, needs: Option<NeedSet>, ages: (u8, u8)) -> Setting {
    Setting {
        urn: Urn(urn),
        site: Site::Main,
        name: format!("Setting {urn}"),
        kind,
        kind_basis: KindBasis::EstablishmentType,
        establishment_type: None,
        status: Status::Open,
        location,
        postcode: None,
        la: Some(LaCode(383)),
        phase: None,
        ages: Some(AgeRange { low: ages.0, high: ages.1, basis: AgeBasis::Statutory }),
        gender: None,
        boarding: None,
        religious_character: None,
        religious_character_known: false,
        section41: None,
        needs,
        needs_possibly_truncated: false,
        places: Some(Places { capacity: Some(100), on_roll: Some(90), as_of: Date::new(2026, 1, 15) }),
        website: None,
        notes: None,
        provenance: Provenance::default(),
    }
}

fn dataset(settings: Vec<Setting>) -> Dataset {
    Dataset {
        meta: DatasetMeta {
            schema_version: SCHEMA_VERSION,
            build_date: Date::new(2026, 11, 22).unwrap(),
            data_version: "test".into(),
            coverage: "test".into(),
            sources: Vec::new(),
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
    }
}

/// `n` settings scattered over England's box: a third special schools for autism, the rest a
/// mix of kinds, needs and age ranges.
fn random_settings(n: u32, seed: u64) -> Vec<Setting> {
    let mut rng = Rng(seed);
    (0..n)
        .map(|i| {
            let at = LatLon::new(50.0 + rng.next() * 5.7, -5.7 + rng.next() * 7.5).unwrap();
            let kind = ProvisionKind::ALL[(rng.next() * 9.0) as usize];
            let needs = if rng.next() < 0.33 {
                Some(NeedSet::EMPTY.with(Need::ASD))
            } else {
                Some(NeedSet::EMPTY.with(Need::ALL[(rng.next() * 12.0) as usize]))
            };
            let ages = if rng.next() < 0.5 { (4, 11) } else { (11, 19) };
            setting(200_000 + i, kind, at, needs, ages)
        })
        .collect()
}

fn random_points(n: u32, seed: u64) -> Vec<DemandPoint> {
    let mut rng = Rng(seed);
    (0..n)
        .map(|i| DemandPoint {
            label: format!("P{i}"),
            location: LatLon::new(50.0 + rng.next() * 5.7, -5.7 + rng.next() * 7.5).unwrap(),
            la: Some(LaCode(383)),
            units: 1 + (i % 7),
        })
        .collect()
}

fn brute_force(settings: &[Setting], filter: &Filter, from: LatLon) -> f64 {
    let suitability = filter.validate().unwrap();
    settings.iter().filter(|s| suitability.admits(s)).map(|s| from.distance_m(s.location)).fold(f64::INFINITY, f64::min)
}

mod grid {
    use super::*;

    #[test]
    fn england_at_one_kilometre_has_about_130_thousand_land_cells() {
        let grid = england_grid();
        assert!((125_000..136_000).contains(&grid.cells.len()), "{} cells", grid.cells.len());
        assert_eq!(grid.areas.len(), 153);
    }

    #[test]
    fn every_council_gets_cells_and_leeds_holds_its_centre() {
        let grid = england_grid();
        let leeds = grid.areas.iter().position(|a| a.gss == "E08000035").unwrap() as u16;
        let near_leeds_centre = grid
            .cells
            .iter()
            .filter(|c| c.area == leeds)
            .map(|c| c.centre.distance_m(LatLon::new(53.7997, -1.5492).unwrap()))
            .fold(f64::INFINITY, f64::min);
        assert!(near_leeds_centre < 1_000.0);
        let cells_of_leeds = grid.cells.iter().filter(|c| c.area == leeds).count();
        assert!((500..600).contains(&cells_of_leeds), "Leeds is 552 km², found {cells_of_leeds} cells");
    }

    #[test]
    fn a_boundary_file_that_is_not_geojson_is_an_error() {
        assert!(Grid::from_boundaries("{}", 1_000.0).is_err());
        assert!(Grid::from_boundaries("nope", 1_000.0).is_err());
        assert!(Grid::from_boundaries(boundaries(), 0.0).is_err());
    }
}

mod exactness {
    use super::*;

    fn check(n_settings: u32, seed: u64, filter: Filter) {
        let settings = random_settings(n_settings, seed);
        let engine =
            CoverageEngine::new(&dataset(settings.clone()), england_grid().clone(), random_points(3_000, seed));
        let d = engine.distances(&filter.validate().unwrap());
        let mut worst: f64 = 0.0;
        for (i, cell) in engine.grid.cells.iter().enumerate() {
            let truth = brute_force(&settings, &filter, cell.centre);
            let error = d.cell_m[i] as f64 - truth;
            assert!(error >= -1.0, "cell {i}: reported {} m, less than the truth {truth} m", d.cell_m[i]);
            worst = worst.max(error);
            assert!(error <= 1.0, "cell {i} at {:?}: {} m against {truth} m", cell.centre, d.cell_m[i]);
        }
        for (i, p) in engine.points.iter().enumerate() {
            let truth = brute_force(&settings, &filter, p.location);
            let error = (d.point_m[i] as f64 - truth).abs();
            assert!(error <= 1.0, "point {i}: {} m against {truth} m", d.point_m[i]);
        }
        eprintln!("{n_settings} settings, {filter:?}: {} suitable, worst cell error {worst:.1} m", d.suitable);
    }

    #[test]
    fn every_england_cell_matches_brute_force_for_sparse_autism_special_schools() {
        check(
            400,
            7,
            Filter { needs: vec!["ASD".into()], kinds: vec!["special".into()], age: Some(8), ..Filter::default() },
        );
    }

    #[test]
    fn every_england_cell_matches_brute_force_for_dense_mixed_kinds() {
        check(1_500, 11, Filter { needs: vec![], kinds: vec![], age: None, ..Filter::default() });
    }

    #[test]
    fn settings_sharing_an_easting_or_a_location_do_not_confuse_the_sweep() {
        let at = LatLon::new(53.8, -1.55).unwrap();
        let mut settings: Vec<Setting> =
            (0..5).map(|i| setting(i, ProvisionKind::Special, at, None, (2, 19))).collect();
        settings.push(setting(9, ProvisionKind::Special, LatLon::new(51.5, -1.55).unwrap(), None, (2, 19)));
        let filter = Filter::default();
        let engine = CoverageEngine::new(&dataset(settings.clone()), england_grid().clone(), random_points(200, 3));
        let d = engine.distances(&filter.validate().unwrap());
        for (i, cell) in engine.grid.cells.iter().enumerate() {
            let truth = brute_force(&settings, &filter, cell.centre);
            assert!((d.cell_m[i] as f64 - truth).abs() <= 1.0, "cell {i}: {} against {truth}", d.cell_m[i]);
        }
    }

    #[test]
    fn no_suitable_setting_means_no_distance() {
        let settings = random_settings(50, 5);
        let engine = CoverageEngine::new(&dataset(settings), england_grid().clone(), random_points(10, 5));
        let filter = Filter { needs: vec![], kinds: vec!["special".into()], age: Some(200), ..Filter::default() };
        let d = engine.distances(&filter.validate().unwrap());
        assert_eq!(d.suitable, 0);
        assert!(d.cell_m.iter().all(|m| m.is_infinite()) && d.point_m.iter().all(|m| m.is_infinite()));
        let table = engine.council_table(&filter.validate().unwrap(), &d);
        assert_eq!(table.last().unwrap().max_miles, None);
        assert_eq!(table.last().unwrap().postcode_share, [0.0; 4]);
    }
}

mod filter {
    use super::*;

    fn admits(filter: Filter, s: &Setting) -> bool {
        filter.validate().unwrap().admits(s)
    }

    #[test]
    fn specialist_settings_must_record_one_of_the_needs() {
        let at = LatLon::new(53.8, -1.55).unwrap();
        let asd = setting(1, ProvisionKind::Special, at, Some(NeedSet::EMPTY.with(Need::ASD)), (2, 19));
        let hi = setting(2, ProvisionKind::Special, at, Some(NeedSet::EMPTY.with(Need::HI)), (2, 19));
        let unknown = setting(3, ProvisionKind::SenUnit, at, None, (2, 19));
        let f = || Filter { needs: vec!["ASD".into(), "SLCN".into()], kinds: vec![], age: None, ..Filter::default() };
        assert!(admits(f(), &asd));
        assert!(!admits(f(), &hi));
        assert!(!admits(f(), &unknown));
        // ... and one that records none is of unknown need: counted apart, in the distances on request.
        use placement_finder::coverage::Fit;
        let fit = |filter: Filter, s: &Setting| filter.validate().unwrap().fit(s);
        assert_eq!(
            [fit(f(), &asd), fit(f(), &hi), fit(f(), &unknown)],
            [Fit::Suitable, Fit::No, Fit::NeedsNotRecorded]
        );
        let empty = setting(4, ProvisionKind::ResourcedProvision, at, Some(NeedSet::EMPTY), (2, 19));
        assert_eq!(fit(f(), &empty), Fit::NeedsNotRecorded, "an empty set is not recorded");
        let include = || Filter { include_needs_not_recorded: true, ..f() };
        assert!(admits(include(), &unknown) && admits(include(), &empty) && !admits(include(), &hi));
        assert_eq!(fit(Filter::default(), &unknown), Fit::Suitable, "no need chosen: any need");
    }

    #[test]
    fn mainstream_serves_every_need_but_not_every_age() {
        let at = LatLon::new(53.8, -1.55).unwrap();
        let school = setting(1, ProvisionKind::Mainstream, at, None, (4, 11));
        assert!(admits(
            Filter { needs: vec!["PMLD".into()], kinds: vec![], age: Some(7), ..Filter::default() },
            &school
        ));
        assert!(!admits(Filter { needs: vec![], kinds: vec![], age: Some(12), ..Filter::default() }, &school));
        assert!(!admits(
            Filter { needs: vec![], kinds: vec!["special".into()], age: None, ..Filter::default() },
            &school
        ));
    }

    #[test]
    fn unknown_needs_and_kinds_are_errors_that_name_them() {
        let e = Filter { needs: vec!["XYZ".into()], ..Filter::default() }.validate().unwrap_err();
        assert!(e.to_string().contains("XYZ"));
        let e = Filter { kinds: vec!["castle".into()], ..Filter::default() }.validate().unwrap_err();
        assert!(e.to_string().contains("castle"));
    }
}

mod tables {
    use super::*;
    use placement_finder::coverage::{council_csv, point_csv};

    #[test]
    fn shares_rise_with_the_band_and_the_england_row_sums_its_councils() {
        let settings = random_settings(500, 13);
        let engine = CoverageEngine::new(&dataset(settings), england_grid().clone(), random_points(500, 13));
        let filter =
            Filter { needs: vec!["ASD".into()], kinds: vec![], age: None, ..Filter::default() }.validate().unwrap();
        let d = engine.distances(&filter);
        let table = engine.council_table(&filter, &d);
        let england = table.last().unwrap();
        assert_eq!(england.name, "England");
        assert_eq!(england.cells as usize, engine.grid.cells.len());
        assert_eq!(england.postcodes, engine.points.iter().map(|p| p.units).sum::<u32>());
        for row in &table {
            assert!(row.postcode_share.windows(2).all(|w| w[0] <= w[1]), "{row:?}");
            assert!(row.cell_share.windows(2).all(|w| w[0] <= w[1]), "{row:?}");
        }
        let leeds = &table[0];
        assert_eq!(leeds.la, Some(383));
        assert!(leeds.cells > 500);
        let csv = council_csv(&table);
        assert_eq!(csv.lines().count(), table.len() + 1);
        let points = engine.point_rows(&filter, &d, Some(LaCode(383)));
        assert!(points.windows(2).all(|w| w[0].miles >= w[1].miles));
        assert_eq!(point_csv(&points).lines().count(), points.len() + 1);
    }

    #[test]
    fn demand_points_round_trip_through_csv() {
        let points = random_points(20, 17);
        let back = DemandPoint::parse_csv(&DemandPoint::to_csv(&points)).unwrap();
        assert_eq!(back.len(), 20);
        for (a, b) in points.iter().zip(&back) {
            assert!(a.location.distance_m(b.location) < 2.0);
            assert_eq!((a.la, a.units, &a.label), (b.la, b.units, &b.label));
        }
        assert!(DemandPoint::parse_csv("h\nLS6 2,x,1,,3\n").is_err());
    }
}

/// The default build (every committed source, postcodes included), the real boundaries and the
/// real postcode sectors: what `scripts/build.sh` gives the dashboard and the CLI.
mod real_data {
    use super::*;
    use placement_finder::coverage::{council_csv, sector_points, CouncilRow};
    use placement_finder::pipeline::{self, BuildOptions};

    pub(super) fn engine() -> &'static CoverageEngine {
        static ENGINE: OnceLock<CoverageEngine> = OnceLock::new();
        ENGINE.get_or_init(|| {
            let opts = BuildOptions {
                sources_dir: std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/sources"),
                gias: None,
                supplement: None,
                postcodes: true,
                build_date: Date::new(2026, 11, 22).unwrap(),
            };
            let built = pipeline::build(&opts).expect("the committed sources build");
            let points = sector_points(&built.postcodes.expect("postcodes were asked for").shards);
            // Through the file formats, as the page and the CLI get them.
            let dataset = Dataset::decode(&built.dataset.encode()).unwrap();
            let points = DemandPoint::parse_csv(&DemandPoint::to_csv(&points)).unwrap();
            CoverageEngine::new(&dataset, england_grid().clone(), points)
        })
    }

    fn table(filter: Filter) -> Vec<CouncilRow> {
        let engine = engine();
        let filter = filter.validate().unwrap();
        engine.council_table(&filter, &engine.distances(&filter))
    }

    #[test]
    fn every_council_in_the_table_gets_its_cells_and_its_postcodes() {
        let table =
            table(Filter { needs: vec!["ASD".into()], kinds: vec!["special".into()], age: None, ..Filter::default() });
        let councils: Vec<&CouncilRow> = table.iter().filter(|r| r.la.is_some()).collect();
        assert_eq!(councils.len(), 153, "153 English education authorities");
        let missing: Vec<String> = councils
            .iter()
            .filter(|r| r.cells == 0 || r.postcodes == 0)
            .map(|r| format!("{} {} ({}): {} cells, {} postcodes", r.la.unwrap(), r.name, r.gss, r.cells, r.postcodes))
            .collect();
        assert!(missing.is_empty(), "councils with no cells or no postcodes:\n{}", missing.join("\n"));
        // Every land cell belongs to a council of the table: the councils' cells add up to England's.
        let england = table.last().unwrap();
        assert_eq!(councils.iter().map(|r| r.cells).sum::<u32>(), england.cells);
    }

    #[test]
    fn barnsley_and_sheffield_recoded_in_2024_get_their_area_and_their_distances() {
        let table =
            table(Filter { needs: vec!["ASD".into()], kinds: vec!["special".into()], age: None, ..Filter::default() });
        for (la, name, km2) in [(370, "Barnsley", 329.0), (373, "Sheffield", 368.0)] {
            let row = table.iter().find(|r| r.la == Some(la)).unwrap();
            eprintln!(
                "{name}: {} cells, {} postcodes, cells within 2/5/10/20 mi {:?}",
                row.cells, row.postcodes, row.cell_share
            );
            assert_eq!(row.name, name);
            // A 1 km cell per km² of land, give or take the edges.
            assert!((row.cells as f64 - km2).abs() < 0.1 * km2, "{name}: {} cells for {km2} km²", row.cells);
            assert!(row.postcodes > 5_000, "{name}: {} postcodes", row.postcodes);
            assert!(row.cell_share[3] > 50.0, "{name}: {:?} of cells within 2/5/10/20 miles", row.cell_share);
            assert!(row.max_miles.is_some(), "{name}: a farthest cell");
        }
        let csv = council_csv(&table);
        let barnsley = csv.lines().find(|l| l.starts_with("370,")).unwrap();
        assert!(!barnsley.ends_with(','), "Barnsley's farthest cell is in the CSV: {barnsley}");
    }
}

mod unknown_need {
    use super::real_data::engine;
    use super::*;
    use placement_finder::coverage::{council_csv, Fit};

    fn dashboard_default(include: bool) -> Filter {
        Filter {
            needs: vec!["ASD".into()],
            kinds: vec!["special".into(), "senUnit".into(), "resourcedProvision".into()],
            age: None,
            include_needs_not_recorded: include,
        }
    }

    /// Every base of the chosen kinds is counted: as suitable or as of unknown need, never
    /// dropped; the England row says how many of each kind are of unknown need.
    #[test]
    fn every_setting_of_the_chosen_kinds_is_counted_suitable_or_of_unknown_need() {
        let engine = engine();
        let filter = dashboard_default(false).validate().unwrap();
        let d = engine.distances(&filter);
        let table = engine.council_table(&filter, &d);
        let england = table.last().unwrap();
        let of_kind = |kind: ProvisionKind| engine.settings().iter().filter(|s| s.kind == kind).count() as u32;
        let unknown = |kind: ProvisionKind| {
            engine.settings().iter().filter(|s| s.kind == kind && s.needs.is_none_or(|n| n.is_empty())).count() as u32
        };
        for kind in [ProvisionKind::ResourcedProvision, ProvisionKind::SenUnit] {
            let counted = england.settings_by_kind.get(kind.code()).copied().unwrap_or(0)
                + england.needs_not_recorded_by_kind.get(kind.code()).copied().unwrap_or(0);
            let recording_other_needs =
                engine.settings().iter().filter(|s| s.kind == kind && filter.fit(s) == Fit::No).count() as u32;
            assert_eq!(
                counted + recording_other_needs,
                of_kind(kind),
                "{kind:?}: every one counted or recording other needs"
            );
            assert_eq!(
                england.needs_not_recorded_by_kind.get(kind.code()).copied().unwrap_or(0),
                unknown(kind),
                "{kind:?} of unknown need"
            );
            eprintln!(
                "{kind:?}: {} in England, {} record autism, {} record other needs, {} of unknown need",
                of_kind(kind),
                england.settings_by_kind.get(kind.code()).copied().unwrap_or(0),
                recording_other_needs,
                unknown(kind)
            );
        }
        assert!(england.needs_not_recorded > 100, "{} of unknown need", england.needs_not_recorded);
        assert_eq!(d.suitable, england.settings, "left out of the distances by default");
        let csv = council_csv(&table);
        assert!(csv.lines().last().unwrap().contains(&format!(",{},", england.needs_not_recorded)));

        // Counted in: the distances use both, and no postcode is farther than before.
        let with = dashboard_default(true).validate().unwrap();
        let d_with = engine.distances(&with);
        assert_eq!(d_with.suitable, england.settings + england.needs_not_recorded);
        assert!(d_with.point_m.iter().zip(&d.point_m).all(|(a, b)| a <= b));
        let table_with = engine.council_table(&with, &d_with);
        let england_with = table_with.last().unwrap();
        assert_eq!(
            (england_with.settings, england_with.needs_not_recorded),
            (england.settings, england.needs_not_recorded)
        );
        assert!(england_with.distances_include_needs_not_recorded && !england.distances_include_needs_not_recorded);
        assert!(england_with.postcode_share[2] >= england.postcode_share[2]);
        // The sector rows say when the nearest is of unknown need.
        let marked = |f, d| engine.point_rows(f, d, None).iter().filter(|p| p.nearest_needs_not_recorded).count();
        assert_eq!(marked(&filter, &d), 0);
        assert!(marked(&with, &d_with) > 0);
    }

    /// The report's second figure is the other choice's shares, for the scope.
    #[test]
    fn the_report_gives_the_other_choice_for_the_scope() {
        let engine = engine();
        for include in [false, true] {
            let (_, report) = engine.report(&dashboard_default(include), Some(LaCode(352))).unwrap();
            let other = report.other_choice.expect("some settings are of unknown need");
            assert_eq!(other.include_needs_not_recorded, !include);
            let (_, flipped) = engine.report(&dashboard_default(!include), Some(LaCode(352))).unwrap();
            let manchester = flipped.councils.iter().find(|r| r.la == Some(352)).unwrap();
            assert_eq!(other.postcode_share, manchester.postcode_share);
            assert_eq!(other.suitable, flipped.suitable);
        }
    }
}

/// Issue 11, point 1, on the dashboard: a post-16 setting never counts for a child under 16,
/// and a nearest setting whose ages are not recorded is said to be so (the sector table and CSV).
mod ages {
    use super::real_data::engine;
    use super::*;
    use placement_finder::coverage::point_csv;

    fn age_7(kinds: &[&str]) -> Filter {
        Filter {
            needs: vec![],
            kinds: kinds.iter().map(|k| k.to_string()).collect(),
            age: Some(7),
            ..Filter::default()
        }
    }

    #[test]
    fn a_post_16_setting_never_counts_for_a_child_of_7() {
        let engine = engine();
        let filter = age_7(&["post16"]).validate().unwrap();
        let colleges = engine.settings().iter().filter(|s| s.kind == ProvisionKind::Post16).count();
        assert!(colleges > 400, "{colleges} post-16 settings in the data");
        assert_eq!(engine.suitable(&filter).len(), 0, "no post-16 setting takes a child of 7");
        let at_16 = Filter { age: Some(16), ..age_7(&["post16"]) }.validate().unwrap();
        let taking_16 = engine
            .settings()
            .iter()
            .filter(|s| s.kind == ProvisionKind::Post16 && s.ages.is_none_or(|a| a.contains(16)))
            .count();
        assert_eq!(engine.suitable(&at_16).len(), taking_16, "every one whose range is not recorded or includes 16");
    }

    #[test]
    fn a_nearest_special_school_of_unknown_ages_is_marked_in_the_sector_rows() {
        let engine = engine();
        let filter = age_7(&["special"]).validate().unwrap();
        let d = engine.distances(&filter);
        let rows = engine.point_rows(&filter, &d, Some(LaCode(352)));
        assert!(!rows.is_empty(), "Manchester's sectors");
        let of = |urn: u32| engine.settings().iter().find(|s| s.urn.0 == urn).unwrap();
        for row in &rows {
            let nearest = of(row.nearest_urn.expect("a special school within reach"));
            assert_eq!(row.nearest_ages_not_recorded, nearest.ages.is_none(), "{}", row.label);
        }
        assert!(rows.iter().any(|r| r.nearest_ages_not_recorded), "most special schools' ages are not recorded");
        let csv = point_csv(&rows);
        assert!(csv.lines().next().unwrap().ends_with(",nearest_needs_not_recorded,nearest_ages_not_recorded"));
        let marked = rows.iter().filter(|r| r.nearest_ages_not_recorded).count();
        assert_eq!(csv.lines().skip(1).filter(|l| l.ends_with(",yes")).count(), marked);
        // With no age chosen, nothing is marked.
        let any_age = Filter { age: None, ..age_7(&["special"]) }.validate().unwrap();
        let d = engine.distances(&any_age);
        assert!(engine.point_rows(&any_age, &d, Some(LaCode(352))).iter().all(|r| !r.nearest_ages_not_recorded));
    }
}
