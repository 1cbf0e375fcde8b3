//! `build-data` on the committed real sources (`data/sources/`): the dataset it writes holds
//! what the sources hold, every row is accounted for, and the postcode shards it writes answer
//! lookups the way the page will make them.

use placement_finder::dataset::Dataset;
use placement_finder::model::{AgeBasis, AgeRange, Field, KindBasis, Need, Phase};
use placement_finder::pipeline::{self, BuildOptions};
use placement_finder::postcode::PostcodeShard;
use placement_finder::{LaCode, LatLon, Postcode, PostcodePrecision, ProvisionKind, Site, Urn};
use std::path::PathBuf;
use std::sync::OnceLock;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One full build, shared by every test here (it takes a few seconds in a debug build).
fn built() -> &'static (pipeline::BuildOutput, PathBuf) {
    static BUILT: OnceLock<(pipeline::BuildOutput, PathBuf)> = OnceLock::new();
    BUILT.get_or_init(|| {
        let opts = BuildOptions {
            sources_dir: root().join("data/sources"),
            gias: None,
            supplement: None,
            postcodes: true,
            build_date: placement_finder::Date::new(2026, 11, 22).unwrap(),
        };
        let output = pipeline::build(&opts).expect("the committed sources build");
        let out = std::env::temp_dir().join(format!("pf-build-data-test-{}", std::process::id()));
        pipeline::write(&output, &out).expect("writes");
        (output, out)
    })
}

fn dataset() -> Dataset {
    let bytes = std::fs::read(built().1.join("dataset.bin")).unwrap();
    Dataset::decode(&bytes).expect("the written dataset decodes")
}

mod imports {
    use super::*;

    #[test]
    fn every_row_of_every_source_is_accounted_for() {
        for r in &built().0.imports {
            assert!(r.is_balanced(), "{}", r.summary());
        }
    }

    #[test]
    fn counts_match_the_sources() {
        let rows: Vec<(String, u64)> = built().0.imports.iter().map(|r| (r.source.clone(), r.rows_read)).collect();
        let expect = [
            ("codepoint_open_units_gb_2025-10.csv.xz", 1_745_849),
            ("special_schools_sen_types_england_2026-05.csv.gz", 2_143),
            ("open_establishments_urn_coords_2026-01-30.csv.gz", 26_509),
            ("dfe_sap_establishments.json.gz", 1_924),
            ("academies_mat_membership_2025-09.csv.gz", 11_759),
            ("london_schools_gias.csv.gz", 3_196),
            ("trafford_schools.csv.gz", 103),
            ("edubase-leeds_2023-07.csv.gz", 771),
        ];
        for (file, n) in expect {
            assert!(rows.contains(&(file.to_string(), n)), "{file}: {rows:?}");
        }
    }
}

mod dataset {
    use super::*;

    #[test]
    fn covers_every_open_establishment_it_can_place() {
        let d = dataset();
        let m = &built().0.merge;
        assert_eq!(d.meta.establishment_count, m.establishments_kept);
        let left_out: usize = m.left_out.values().map(Vec::len).sum();
        assert_eq!(m.establishments_seen as usize, m.establishments_kept as usize + left_out);
        // Every open establishment in the national list is kept or left out with a reason.
        assert!(m.establishments_seen >= 26_509);
        assert!(d.meta.establishment_count > 20_000, "{}", d.meta.establishment_count);
        assert_eq!(d.settings.len(), d.meta.setting_count as usize);
    }

    #[test]
    fn special_schools_come_with_their_sen_types() {
        let d = dataset();
        let special = d.settings.iter().filter(|s| s.kind == ProvisionKind::Special).count();
        assert!(special > 1_000, "{special}");
        // Lighthouse School Leeds records ASD (GIAS, both the 2026 list and the 2023 Leeds extract).
        let lighthouse =
            d.settings.iter().find(|s| s.name.starts_with("Lighthouse School")).expect("Lighthouse School");
        assert!(lighthouse.needs.unwrap().contains(Need::ASD));
        assert_eq!(lighthouse.la, Some(LaCode(383)));
    }

    #[test]
    fn a_resourced_provision_is_a_setting_of_its_own_at_the_school() {
        let d = dataset();
        // Bramley Park Academy, Leeds: resourced provision for autism, 12 places (GIAS July 2023).
        let rp: Vec<_> = d.settings.iter().filter(|s| s.urn == Urn(146_542)).collect();
        let unit = rp.iter().find(|s| s.site == Site::ResourcedProvision).expect("its resourced provision");
        assert_eq!(unit.needs.unwrap().iter().collect::<Vec<_>>(), vec![Need::ASD]);
        assert_eq!(unit.places.unwrap().capacity, Some(12));
        let main = rp.iter().find(|s| s.site == Site::Main).unwrap();
        assert_eq!(unit.location, main.location);
        assert_eq!(main.needs, None, "the school's own listing carries no specialism");
        let units = d.settings.iter().filter(|s| s.site == Site::ResourcedProvision).count();
        assert!(units > 300, "{units}");
    }

    fn main_site(d: &Dataset, urn: u32) -> &placement_finder::Setting {
        d.settings.iter().find(|s| s.urn == Urn(urn) && s.site == Site::Main).expect("in the dataset")
    }

    #[test]
    fn special_schools_have_the_phase_and_ages_a_source_records_and_no_other() {
        let d = dataset();
        // Trafford's list records the phase and the statutory ages of its special schools, where
        // GIAS's national lists say only "Not applicable".
        for (urn, phase, low, high) in [
            (106_391, Phase::Secondary, 11, 19), // Brentwood School
            (131_885, Phase::Secondary, 11, 18), // Egerton High School
            (106_394, Phase::Primary, 2, 11),    // Delamere School
            (106_167, Phase::AllThrough, 5, 19), // St John Vianney School
        ] {
            let s = main_site(&d, urn);
            assert_eq!(s.phase, Some(phase), "{}", s.name);
            assert_eq!(s.ages, Some(AgeRange { low, high, basis: AgeBasis::Statutory }), "{}", s.name);
        }
        assert!(!main_site(&d, 106_391).ages.unwrap().contains(7));
        // No source held records the ages or a phase of these Manchester and Salford high schools
        // (every GIAS-derived list says "Not applicable"): the age range stays unknown, not guessed
        // from "High School" in the name.
        for urn in [143_062, 151_726, 142_893] {
            let s = main_site(&d, urn);
            assert!(s.kind.is_specialist(), "{}", s.name);
            assert_eq!((s.phase, s.ages), (Some(Phase::NotApplicable), None), "{}", s.name);
        }
    }

    #[test]
    fn the_stats_count_special_schools_and_bases_by_what_is_known_of_their_ages() {
        let d = dataset();
        let st = d.stats();
        for g in [st.special_schools, st.special_post16, st.bases] {
            assert_eq!(g.statutory_ages + g.phase_ages + g.unknown_ages, g.settings, "{g:?}");
        }
        let special = d.settings.iter().filter(|s| {
            matches!(
                s.kind,
                ProvisionKind::Special | ProvisionKind::NonMaintainedSpecial | ProvisionKind::IndependentSpecial
            )
        });
        let with_ages = special.clone().filter(|s| s.ages.is_some()).count() as u32;
        assert_eq!(st.special_schools.settings, special.count() as u32);
        assert_eq!(st.special_schools.statutory_ages + st.special_schools.phase_ages, with_ages);
        // Statutory ages for special schools come from the Leeds GIAS extract and Trafford's list.
        assert!(st.special_schools.statutory_ages >= 20, "{:?}", st.special_schools);
        let bases = d.settings.iter().filter(|s| matches!(s.site, Site::ResourcedProvision | Site::SenUnit)).count();
        assert_eq!(st.bases.settings, bases as u32);
    }

    #[test]
    fn bases_record_sen_types_only_where_a_source_does() {
        let d = dataset();
        let leeds = d.meta.sources.iter().position(|s| s.key == "gias-leeds-2023-07").unwrap();
        let bases: Vec<_> =
            d.settings.iter().filter(|s| matches!(s.site, Site::ResourcedProvision | Site::SenUnit)).collect();
        // Of the sources held, only the Leeds GIAS extract records a base's SEN types (GIAS SEN1..SEN13
        // of a mainstream school); the School Profiles sample records only that a base exists.
        for s in bases.iter().filter(|s| s.needs.is_some()) {
            assert_eq!(s.provenance.get(Field::Needs).0 as usize, leeds, "{}", s.name);
        }
        assert!(bases.iter().filter(|s| s.needs.is_some()).count() >= 19);
        // James Wolfe Primary School and Centre for the Deaf, Greenwich: a resourced provision in the
        // School Profiles sample, with no SEN types in any source held; none is guessed from its name.
        let james_wolfe = bases.iter().find(|s| s.urn == Urn(131_246)).expect("its resourced provision");
        assert_eq!((james_wolfe.site, james_wolfe.needs), (Site::ResourcedProvision, None));
    }

    #[test]
    fn kind_is_inferred_from_phase_only_where_no_source_has_the_type_and_says_so() {
        let d = dataset();
        for s in d.settings.iter().filter(|s| s.kind_basis == KindBasis::Phase) {
            assert!(s.establishment_type.is_none(), "{}", s.name);
            assert!(matches!(s.kind, ProvisionKind::Mainstream | ProvisionKind::EarlyYears | ProvisionKind::Post16));
        }
    }

    #[test]
    fn each_field_names_a_real_source() {
        let d = dataset();
        for s in &d.settings {
            for f in [Field::Identity, Field::Location] {
                assert!((s.provenance.get(f).0 as usize) < d.meta.sources.len());
            }
        }
    }
}

mod postcodes {
    use super::*;

    fn lookup(text: &str) -> placement_finder::PostcodeFix {
        let pc = Postcode::parse(text).unwrap();
        let path = built().1.join("postcodes").join(placement_finder::postcode::shard_file_name(pc.area()));
        let shard = PostcodeShard::decode(&std::fs::read(path).unwrap()).unwrap();
        shard.lookup(&pc).unwrap()
    }

    #[test]
    fn buckingham_palace_is_its_unit_in_westminster() {
        let fix = lookup("sw1a1aa");
        assert_eq!(fix.precision, PostcodePrecision::Unit);
        assert!(fix.location.distance_m(LatLon { lat: 51.50101, lon: -0.14159 }) < 5.0);
        assert_eq!(fix.la, Some(LaCode(213)));
    }

    #[test]
    fn ls6_2aa_retired_falls_back_to_its_sector_in_leeds() {
        // LS6 2AA is not a live postcode in Code-Point Open (October 2025); its sector is.
        let fix = lookup("LS6 2AA");
        assert_eq!(fix.precision, PostcodePrecision::Sector);
        assert_eq!(fix.la, Some(LaCode(383)));
        assert_eq!(lookup("LS6 2AB").precision, PostcodePrecision::Unit);
    }
}

/// The page's split copy (`finder/`, issue 13): written beside the dataset, one details file
/// per postcode area, and the core with `all.bin` is every setting.
mod finder_files {
    use super::*;
    use placement_finder::finder::Finder;

    #[test]
    fn the_core_and_a_details_file_per_area_are_written_beside_the_dataset() {
        let (output, out) = built();
        let core = std::fs::read(out.join("finder/core.bin")).expect("core.bin written");
        let shards = &output.postcodes.as_ref().expect("postcodes built").shards;
        for shard in shards {
            assert!(out.join(format!("finder/details/{}.bin", shard.area())).exists(), "{}", shard.area());
        }
        let mut finder = Finder::from_core_bytes(&core, None).expect("the core loads");
        assert_eq!(finder.settings().len(), output.dataset.settings.len());
        let ls = std::fs::read(out.join("finder/details/LS.bin")).expect("LS.bin");
        let added = finder.add_details(&ls).expect("LS details load");
        assert!(added > 500 && added < output.dataset.settings.len() / 4, "{added} settings near LS");
        let all = std::fs::read(out.join("finder/details/all.bin")).expect("all.bin");
        finder.add_details(&all).expect("all details load");
        assert!(finder.has_all_details());
        assert_eq!(finder.settings(), &dataset().settings[..]);
    }
}
