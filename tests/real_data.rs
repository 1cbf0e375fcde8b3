//! The index and the ranking on the real dataset (built in memory from `data/sources`, without
//! postcodes): the index agrees exactly with a brute-force great-circle search, order included,
//! and the fast shortlist equals scoring every setting, word for word.

use placement_finder::dataset::Dataset;
use placement_finder::finder::Finder;
use placement_finder::index::{reference, AgeBand, Partition, SettingIndex};
use placement_finder::model::METRES_PER_MILE;
use placement_finder::pipeline::{self, BuildOptions};
use placement_finder::policy::Policy;
use placement_finder::rank::{self, Query};
use placement_finder::{Date, Gender, LatLon, Need, ProvisionKind, Urn};
use std::sync::OnceLock;

fn dataset() -> &'static Dataset {
    static D: OnceLock<Dataset> = OnceLock::new();
    D.get_or_init(|| {
        let opts = BuildOptions {
            sources_dir: std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/sources"),
            gias: None,
            supplement: None,
            postcodes: false,
            build_date: placement_finder::Date::new(2026, 11, 22).unwrap(),
        };
        let d = pipeline::build(&opts).expect("builds").dataset;
        // Through the file format, as the page gets it.
        Dataset::decode(&d.encode()).expect("round trip")
    })
}

/// Deterministic points across England (SplitMix64).
fn points(n: usize, seed: u64) -> Vec<LatLon> {
    let mut s = seed;
    let mut next = move || {
        s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n).map(|_| LatLon { lat: 50.6 + next() * 4.9, lon: -4.5 + next() * 6.0 }).collect()
}

mod index {
    use super::*;

    #[test]
    fn k_nearest_agrees_with_brute_force_on_every_partition() {
        let d = dataset();
        let index = SettingIndex::build(&d.settings);
        let all: Vec<Partition> = Partition::all().collect();
        for (i, from) in points(63, 7).into_iter().enumerate() {
            let partition = all[i % all.len()];
            for k in [1, 20, 100] {
                let fast = index.k_nearest(&[partition], from, k, |_| true);
                let slow = reference::brute_force_k_nearest(&d.settings, &[partition], from, k, |_| true);
                assert_eq!(fast, slow, "{partition:?} from {from:?} k={k}");
            }
        }
    }

    #[test]
    fn within_a_radius_agrees_with_brute_force() {
        let d = dataset();
        let index = SettingIndex::build(&d.settings);
        for from in points(30, 11) {
            for partition in
                [Partition::Need(Need::ASD), Partition::NoNeedsRecorded(ProvisionKind::Mainstream, AgeBand::UpTo11)]
            {
                let r = 5.0 * METRES_PER_MILE;
                assert_eq!(
                    index.within(partition, from, r),
                    reference::brute_force_within(&d.settings, partition, from, r)
                );
            }
        }
    }
}

mod nearest_within {
    use super::*;

    #[test]
    fn agrees_with_brute_force_within_on_every_partition() {
        let d = dataset();
        let index = SettingIndex::build(&d.settings);
        for (i, from) in points(63, 13).into_iter().enumerate() {
            for partition in Partition::all() {
                let max_m = [0.0, 3.0, 10.0, 37.5][i % 4] * METRES_PER_MILE;
                let fast: Vec<_> = index.nearest_within(partition, from, max_m).collect();
                let slow = reference::brute_force_within(&d.settings, partition, from, max_m);
                assert_eq!(fast, slow, "{partition:?} from {from:?} max={max_m}");
            }
        }
    }
}

mod ranking {
    use super::*;

    /// Scoring every setting and sorting: the definition the fast search must meet.
    fn exhaustive(finder: &Finder, q: &Query) -> Vec<(Urn, String)> {
        let wide = Query { limit: 200, ..q.clone() };
        finder
            .shortlist(&wide)
            .unwrap()
            .results
            .iter()
            .take(q.limit as usize)
            .map(|r| (r.urn, format!("{:?}", r.site)))
            .collect()
    }

    #[test]
    fn the_top_of_a_long_list_is_the_short_list() {
        // A longer list must start with the shorter list (the order is total and deterministic).
        let finder = Finder::new(dataset().clone(), Policy::illustrative_default());
        let needs = [Need::ASD, Need::SEMH, Need::SLCN, Need::MLD, Need::HI, Need::PD];
        let levels = ["universal", "targeted", "specialist", "complex"];
        for (i, home) in points(40, 3).into_iter().enumerate() {
            let mut q = Query::new(home, 4 + (i % 14) as u8, needs[i % needs.len()], levels[i % levels.len()]);
            q.limit = 10;
            let short: Vec<(Urn, String)> =
                finder.shortlist(&q).unwrap().results.iter().map(|r| (r.urn, format!("{:?}", r.site))).collect();
            if finder
                .shortlist(&q)
                .unwrap()
                .results
                .iter()
                .any(|r| r.reasons.iter().any(|x| format!("{:?}", x.code) == "MainstreamPresumption"))
            {
                continue; // presumption replacements depend on the limit by design
            }
            assert_eq!(short, exhaustive(&finder, &q), "query {i}");
        }
    }

    /// Seeded queries that use every option: each level, need and age (or a date of birth),
    /// other needs, chosen kinds, radii, limits, the child's sex, every preference, independent
    /// schools, the home council and "my council only".
    fn varied_queries(n: usize, seed: u64, d: &Dataset) -> Vec<Query> {
        let mut s = seed;
        let mut next = move |below: usize| {
            s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = s;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) % below as u64) as usize
        };
        let levels = ["universal", "targeted", "specialist", "complex"];
        points(n, seed)
            .into_iter()
            .map(|home| {
                let mut q = Query::new(home, 2 + next(24) as u8, Need::ALL[next(12)], levels[next(4)]);
                if next(5) == 0 {
                    q.age = None;
                    q.date_of_birth = Date::new(2005 + next(18) as u16, 1 + next(12) as u8, 1 + next(28) as u8);
                    q.start_date = Date::new(2026, 9, 1);
                }
                if next(10) == 0 {
                    q.taught_out_of_year_group = Some(2 + next(24) as u8);
                }
                q.other_needs = (0..next(4)).map(|_| Need::ALL[next(12)]).collect();
                if next(5) == 0 {
                    q.kinds = Some((0..1 + next(3)).map(|_| ProvisionKind::ALL[next(9)]).collect());
                }
                if next(3) == 0 {
                    q.radius_miles = Some(1.0 + next(40) as f64 / 2.0);
                }
                q.limit = [1, 5, 10, 20, 20, 20, 50, 200][next(8)];
                q.child_sex = [None, Some(Gender::Boys), Some(Gender::Girls)][next(3)];
                q.single_sex = [None, None, Some(Gender::Girls), Some(Gender::Mixed)][next(4)];
                q.religious_character = [None, None, Some("catholic"), Some("none")][next(4)].map(str::to_string);
                q.boarding = [None, None, Some(true), Some(false)][next(4)];
                q.include_independent = next(2) == 0;
                if next(3) > 0 {
                    q.home_la = Some(d.authorities[next(d.authorities.len())].code);
                    q.same_la_only = next(7) == 0;
                }
                q
            })
            .collect()
    }

    #[test]
    fn the_fast_list_is_the_list_by_definition_word_for_word() {
        // Everything the list says (order, scores, reasons, near misses, the presumption of
        // mainstream), as JSON, except the counts of settings read, which describe the search.
        let d = dataset();
        let mut assumes_nothing = Policy::illustrative_default();
        assumes_nothing.unknown_needs_value = None;
        assumes_nothing.near_misses = 8;
        let (mut listed, mut near_misses) = (0, 0);
        for (seed, policy) in [(1, Policy::illustrative_default()), (2, assumes_nothing)] {
            let finder = Finder::new(d.clone(), policy);
            for (i, q) in varied_queries(100, seed, d).iter().enumerate() {
                let json = |list: rank::ShortList| {
                    let mut value = serde_json::to_value(&list).unwrap();
                    value.as_object_mut().unwrap().remove("counts");
                    value.to_string()
                };
                let fast = finder.shortlist(q).unwrap();
                listed += fast.results.len();
                near_misses += fast.near_misses.len();
                let slow = finder.reference_shortlist(q).unwrap();
                assert_eq!(json(fast), json(slow), "policy {seed} query {i}: {q:?}");
            }
        }
        assert!(listed > 1_000 && near_misses > 100, "listed {listed}, near misses {near_misses}");
    }

    #[test]
    fn leeds_autism_specialist_level_lists_leeds_specialists_and_an_age_near_miss() {
        let finder = Finder::new(dataset().clone(), Policy::illustrative_default());
        // Headingley, Leeds (LS6 2 sector centre).
        let q = Query::new(LatLon { lat: 53.8195, lon: -1.5780 }, 7, Need::ASD, "specialist");
        let list = finder.shortlist(&q).unwrap();
        assert!(list.results.len() >= 10);
        let names: Vec<&str> = list.results.iter().map(|r| r.name.as_ref()).collect();
        assert!(names.contains(&"West Oaks School"), "{names:?}");
        let miss =
            list.near_misses.iter().find(|m| m.name == "Lighthouse School Leeds").expect("Lighthouse is a near miss");
        assert!(miss.rule.text.contains("does not include age 7"), "{}", miss.rule.text);
    }
}

/// Issue 11, "Right answers for a family anywhere in England": the ranking side, on real data.
mod issue_11 {
    use super::*;
    use placement_finder::model::{NeedSet, Phase, Setting};
    use placement_finder::rank::Outcome;

    /// M12 4AA (Longsight, Manchester), from the postcode shards.
    const MANCHESTER_M12: LatLon = LatLon { lat: 53.4569, lon: -2.1997 };
    /// CA1 1QS (Carlisle), from the postcode shards.
    const CARLISLE_CA1: LatLon = LatLon { lat: 54.89097, lon: -2.93142 };
    const LEVELS: [&str; 4] = ["universal", "targeted", "specialist", "complex"];

    fn finder() -> &'static Finder {
        static F: OnceLock<Finder> = OnceLock::new();
        F.get_or_init(|| Finder::new(dataset().clone(), Policy::illustrative_default()))
    }

    fn setting(urn: Urn, site: placement_finder::model::Site) -> &'static Setting {
        dataset().settings.iter().find(|s| s.urn == urn && s.site == site).expect("listed settings are in the dataset")
    }

    /// Records SEN types, none of them the primary need, another need of the plan or a need in
    /// the primary need's broad area (and the record is complete).
    fn records_only_other_needs(s: &Setting, primary: Need, others: &[Need]) -> bool {
        let wanted: NeedSet = Need::ALL
            .into_iter()
            .filter(|n| *n == primary || others.contains(n) || (n.area().is_some() && n.area() == primary.area()))
            .collect();
        s.needs.is_some_and(|n| !n.is_empty() && !n.intersects(wanted)) && !s.needs_possibly_truncated
    }

    #[test]
    fn a_child_of_7_in_manchester_gets_no_post16_setting_and_no_range_without_7() {
        for level in LEVELS {
            for need in [Need::ASD, Need::MLD, Need::SEMH] {
                let q = Query { limit: 200, ..Query::new(MANCHESTER_M12, 7, need, level) };
                let list = finder().shortlist(&q).unwrap();
                assert!(!list.results.is_empty(), "{level} {need}");
                for r in &list.results {
                    let s = setting(r.urn, r.site);
                    assert_ne!(r.kind, ProvisionKind::Post16, "{level} {need}: {} is a post-16 setting", r.name);
                    assert_ne!(s.phase, Some(Phase::SixteenPlus), "{level} {need}: {} takes 16 and over", r.name);
                    if let Some(ages) = r.age_range {
                        assert!(ages.contains(7), "{level} {need}: {} takes {ages:?}", r.name);
                    }
                }
            }
        }
    }

    #[test]
    fn a_post16_college_is_left_out_for_a_child_of_7_and_says_why() {
        // Trinity Post 16 Solutions (Newcastle, a special post-16 institution, ages not
        // recorded), for a child of 7 living beside it, at every level that ticks post-16.
        let trinity = dataset().settings.iter().find(|s| s.name.starts_with("Trinity Post 16 Solutions")).unwrap();
        assert_eq!((trinity.kind, trinity.ages), (ProvisionKind::Post16, None));
        for level in ["universal", "targeted", "specialist", "complex"] {
            let q = Query::new(trinity.location, 7, Need::ASD, level);
            let e = finder().explain(&q, trinity.urn).unwrap();
            match &e.sites[0].outcome {
                Outcome::Excluded { rule, .. } => {
                    assert_eq!(format!("{:?}", rule.code), "AgeOutsideRange", "{level}");
                    assert_eq!(
                        rule.text,
                        "Post-16 (college or sixth form): for students aged 16 and over, not age 7 (its age range is not recorded)",
                        "{level}"
                    );
                }
                other => panic!("{level}: {other:?}"),
            }
            // From 16 it is a setting like any other.
            let q = Query::new(trinity.location, 17, Need::ASD, level);
            let e = finder().explain(&q, trinity.urn).unwrap();
            assert!(!matches!(e.sites[0].outcome, Outcome::Excluded { .. }), "{level}: {:?}", e.sites[0].outcome);
        }
    }

    #[test]
    fn in_manchester_autism_schools_known_to_take_7_rank_above_those_whose_ages_are_unknown() {
        // Of two special schools for autism, the one known to take a child of 7 ranks first
        // unless the one whose ages are not recorded is more than a mile nearer.
        let q = Query { limit: 50, ..Query::new(MANCHESTER_M12, 7, Need::ASD, "specialist") };
        let list = finder().shortlist(&q).unwrap();
        let autism: Vec<_> = list
            .results
            .iter()
            .filter(|r| {
                r.kind == ProvisionKind::Special && setting(r.urn, r.site).needs.is_some_and(|n| n.contains(Need::ASD))
            })
            .collect();
        let known: Vec<_> = autism.iter().filter(|r| r.age_range.is_some()).collect();
        let unknown: Vec<_> = autism.iter().filter(|r| r.age_range.is_none()).collect();
        assert!(known.len() >= 3 && unknown.len() >= 10, "{} known, {} unknown", known.len(), unknown.len());
        let mut pairs = 0;
        for k in &known {
            for u in unknown.iter().filter(|u| u.distance_miles + 1.0 >= k.distance_miles) {
                pairs += 1;
                assert!(
                    k.rank < u.rank,
                    "{} ({} mi, ages known) should rank above {} ({} mi, ages not recorded)",
                    k.name,
                    k.distance_miles,
                    u.name,
                    u.distance_miles
                );
            }
            let age = k.reasons.iter().find(|r| r.text.to_string().contains("includes age 7"));
            assert!(age.is_some_and(|r| r.factor.is_some()), "{}: {:?}", k.name, k.reasons);
        }
        assert!(pairs > 10, "{pairs}");
        for u in unknown {
            let age = u
                .reasons
                .iter()
                .find(|r| r.factor.is_some() && r.text.to_string().starts_with("Age range not recorded"));
            assert!(age.is_some(), "{}: {:?}", u.name, u.reasons);
        }
    }

    #[test]
    fn in_carlisle_an_autistic_childs_list_puts_schools_for_other_needs_last() {
        // James Rennie School (SLD and PMLD) is the nearest special school; nothing within the
        // radius records autism, but mainstream schools, which must support any child with SEN, do
        // not record only other needs: they rank above it, and its reasons say why.
        for level in ["specialist", "complex"] {
            let q = Query { limit: 200, ..Query::new(CARLISLE_CA1, 7, Need::ASD, level) };
            let list = finder().shortlist(&q).unwrap();
            let other = |r: &placement_finder::rank::RankedSetting| {
                records_only_other_needs(setting(r.urn, r.site), Need::ASD, &[])
            };
            if list.results.iter().any(|r| !other(r)) {
                assert!(!other(&list.results[0]), "{level}: #1 is {}", list.results[0].name);
            }
            let first_other = list.results.iter().position(other);
            if let Some(at) = first_other {
                assert!(
                    list.results[at..].iter().all(other),
                    "{level}: a setting for other needs ranks above one that may meet autism"
                );
            }
            let rennie = list.results.iter().find(|r| r.name == "James Rennie School");
            if level == "specialist" {
                assert_ne!(list.results[0].name, "James Rennie School");
            } else {
                // The complex level considers no mainstream school: it is listed, and says why it
                // would rank below a setting that may meet autism.
                let rennie = rennie.expect("listed");
                assert!(
                    rennie.reasons.iter().any(|r| r.text == "Records provision for severe learning difficulties and profound and multiple learning difficulties, not autism: listed after the settings that may meet autism"),
                    "{:?}",
                    rennie.reasons
                );
            }
        }
        // With severe learning difficulties in the plan, it is a match on another need and ranks first.
        let q = Query { other_needs: vec![Need::SLD], ..Query::new(CARLISLE_CA1, 7, Need::ASD, "specialist") };
        assert_eq!(finder().shortlist(&q).unwrap().results[0].name, "James Rennie School");
    }

    #[test]
    fn the_branch_and_bound_equals_the_reference_on_the_issue_queries() {
        let finder = finder();
        for home in [MANCHESTER_M12, CARLISLE_CA1] {
            for level in LEVELS {
                for age in [3, 7, 12, 15, 16, 19] {
                    for limit in [5, 20, 200] {
                        let q = Query { limit, ..Query::new(home, age, Need::ASD, level) };
                        let json = |list: rank::ShortList| {
                            let mut value = serde_json::to_value(&list).unwrap();
                            value.as_object_mut().unwrap().remove("counts");
                            value.to_string()
                        };
                        let fast = finder.shortlist(&q).unwrap();
                        let slow = finder.reference_shortlist(&q).unwrap();
                        assert_eq!(json(fast), json(slow), "{q:?}");
                    }
                }
            }
        }
    }
}
