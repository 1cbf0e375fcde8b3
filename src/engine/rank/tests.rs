//! Specifications of the tailored list, on synthetic settings.

use super::query::{prepare, Prepared};
use super::score::{score, Scored};
use super::search::{run, Cand};
use super::tables::Tables;
use super::*;
use crate::engine::index::SettingIndex;
use crate::engine::policy::Policy;
use crate::error::Error;
use crate::model::{
    AgeBasis, AgeRange, Boarding, Date, Gender, KindBasis, LaCode, LatLon, LocalAuthority, Need, NeedSet, Phase,
    Places, Provenance, ProvisionKind, Setting, Site, Status, Urn, METRES_PER_MILE,
};

// ---- fixtures ------------------------------------------------------------------------------

const HOME: LatLon = LatLon { lat: 53.80, lon: -1.55 };
const LEEDS: LaCode = LaCode(383);
const BRADFORD: LaCode = LaCode(380);

/// A point `north` and `east` miles from home (flat-earth offsets are fine at these scales).
fn at(north: f64, east: f64) -> LatLon {
    let dlat = north * METRES_PER_MILE / 111_195.0;
    let dlon = east * METRES_PER_MILE / (111_195.0 * HOME.lat.to_radians().cos());
    LatLon { lat: HOME.lat + dlat, lon: HOME.lon + dlon }
}

fn ages(low: u8, high: u8) -> Option<AgeRange> {
    Some(AgeRange { low, high, basis: AgeBasis::Statutory })
}

fn needs(list: &[Need]) -> Option<NeedSet> {
    Some(list.iter().copied().collect())
}

/// A plain open mixed primary school with nothing else recorded.
fn setting(urn: u32, kind: ProvisionKind, location: LatLon) -> Setting {
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
        la: Some(LEEDS),
        phase: Some(Phase::Primary),
        ages: ages(4, 11),
        gender: Some(Gender::Mixed),
        boarding: None,
        religious_character: None,
        religious_character_known: false,
        section41: None,
        needs: None,
        needs_possibly_truncated: false,
        places: None,
        website: None,
        notes: None,
        provenance: Provenance::default(),
    }
}

fn autism_special(urn: u32, location: LatLon) -> Setting {
    Setting {
        needs: needs(&[Need::ASD]),
        ages: ages(4, 19),
        phase: Some(Phase::AllThrough),
        ..setting(urn, ProvisionKind::Special, location)
    }
}

fn las() -> Vec<LocalAuthority> {
    vec![
        LocalAuthority { code: LEEDS, name: "Leeds".into(), gss: "E08000035".into(), gss_aliases: vec![] },
        LocalAuthority { code: BRADFORD, name: "Bradford".into(), gss: "E08000032".into(), gss_aliases: vec![] },
    ]
}

fn query(age: u8, need: Need, level: &str) -> Query {
    Query::new(HOME, age, need, level)
}

fn list_with(settings: &[Setting], policy: &Policy, q: &Query) -> ShortList<'static> {
    let index = SettingIndex::build(settings);
    let ctx = RankContext::new(settings, DataInfo::default(), las());
    shortlist(settings, &index, policy, q, &ctx).unwrap().into_owned()
}

fn list(settings: &[Setting], q: &Query) -> ShortList<'static> {
    list_with(settings, &Policy::illustrative_default(), q)
}

fn urns(l: &ShortList) -> Vec<u32> {
    l.results.iter().map(|r| r.urn.0).collect()
}

fn reason<'r>(r: &'r RankedSetting, code: ReasonCode) -> Option<&'r Reason<'r>> {
    r.reasons.iter().find(|x| x.code == code)
}

/// Scores one setting on its own.
fn score_setting(p: &Prepared, s: &Setting, distance_m: f64) -> Scored {
    let t = Tables::build(std::slice::from_ref(s));
    score(p, &t, &t.rows[0], distance_m)
}

fn invalid(q: &Query) -> (String, String) {
    match prepare(&Policy::illustrative_default(), q) {
        Err(Error::InvalidQuery { field, reason }) => (field, reason),
        other => panic!("expected an invalid query, got {other:?}"),
    }
}

// ---- specifications ------------------------------------------------------------------------

mod child_age {
    use super::*;

    fn dated(birth: Date, start: Date) -> Query {
        Query { age: None, date_of_birth: Some(birth), start_date: Some(start), ..query(0, Need::ASD, "universal") }
    }

    #[test]
    fn from_date_of_birth_and_start_date() {
        // Born March 2019: Reception in September 2023 (age 4 on 31 August 2023), so in
        // September 2026 the child is 7 on 31 August and starts Year 3 (Year N = age − 4).
        let q = dated(Date::new(2019, 3, 10).unwrap(), Date::new(2026, 9, 1).unwrap());
        let policy = Policy::illustrative_default();
        let p = prepare(&policy, &q).unwrap();
        assert_eq!((p.child.age, p.child.year, p.child.year_group.as_str()), (7, Some(3), "Year 3"));
        assert_eq!(p.child.match_age, 7);
    }

    #[test]
    fn the_31_august_before_the_school_year_counts() {
        let start = Date::new(2027, 1, 5).unwrap(); // mid-year start: school year from Sept 2026
        let p = Policy::illustrative_default();
        let age = |birth| prepare(&p, &dated(birth, start)).unwrap().child.age;
        assert_eq!(age(Date::new(2015, 8, 31).unwrap()), 11, "31 August birthday: oldest in Year 7");
        assert_eq!(age(Date::new(2015, 9, 1).unwrap()), 10, "1 September birthday: youngest in Year 6");
    }

    #[test]
    fn year_groups() {
        let p = Policy::illustrative_default();
        let year = |age| prepare(&p, &query(age, Need::ASD, "universal")).unwrap().child.year_group;
        assert_eq!(year(3), "Nursery (before Reception)");
        assert_eq!(year(4), "Reception");
        assert_eq!(year(11), "Year 7");
        assert_eq!(year(16), "Year 12");
        assert_eq!(year(19), "Post-18 (after Year 13)");
    }

    #[test]
    fn taught_out_of_year_group_matches_on_the_given_age() {
        let primary = Setting { ages: ages(4, 11), ..setting(1, ProvisionKind::Mainstream, at(0.5, 0.0)) };
        let q = query(12, Need::MLD, "universal");
        assert!(list(std::slice::from_ref(&primary), &q).results.is_empty());
        let q = Query { taught_out_of_year_group: Some(11), ..q };
        let l = list(&[primary], &q);
        assert_eq!(urns(&l), [1]);
        assert_eq!((l.child.age, l.child.match_age, l.child.taught_out_of_year_group), (12, 11, true));
    }

    #[test]
    fn an_age_rule_says_when_it_used_the_age_asked_for() {
        let settings = vec![Setting { ages: ages(11, 16), ..autism_special(1, at(1.0, 0.0)) }];
        let index = SettingIndex::build(&settings);
        let ctx = RankContext::new(&settings, DataInfo::default(), Vec::new());
        let q = Query { taught_out_of_year_group: Some(9), ..query(10, Need::ASD, "specialist") };
        let e = explain(&settings, &index, &Policy::illustrative_default(), &q, &ctx, Urn(1)).unwrap().into_owned();
        assert_eq!(
            e.sites[0].text,
            "Not on the list: Age range 11–16 does not include age 9 (the age you asked to match). \
             It is shown among the near misses."
        );
    }

    #[test]
    fn date_of_birth_after_start_date_is_refused() {
        let q = dated(Date::new(2027, 1, 1).unwrap(), Date::new(2026, 9, 1).unwrap());
        assert_eq!(invalid(&q), ("dateOfBirth".into(), "2027-01-01 is after the start date 2026-09-01".into()));
    }

    #[test]
    fn ages_outside_2_to_25_are_refused() {
        assert_eq!(
            invalid(&query(1, Need::ASD, "universal")),
            ("age".into(), "must be 2 to 25 at the start date, found 1".into())
        );
        assert_eq!(invalid(&query(26, Need::ASD, "universal")).1, "must be 2 to 25 at the start date, found 26");
        let q = dated(Date::new(2025, 1, 1).unwrap(), Date::new(2026, 9, 1).unwrap());
        assert_eq!(
            invalid(&q).1,
            "born 2025-01-01, the child is 1 on 31 August 2026, the age that counts for a start on 2026-09-01; \
             this tool covers ages 2 to 25"
        );
        let q = Query { taught_out_of_year_group: Some(30), ..query(10, Need::ASD, "universal") };
        assert_eq!(invalid(&q), ("taughtOutOfYearGroup".into(), "must be an age from 2 to 25, found 30".into()));
    }

    #[test]
    fn age_must_be_given_one_way_only() {
        let none = Query { age: None, ..query(7, Need::ASD, "universal") };
        assert_eq!(invalid(&none).0, "age");
        let both = Query {
            date_of_birth: Date::new(2019, 1, 1),
            start_date: Date::new(2026, 9, 1),
            ..query(7, Need::ASD, "universal")
        };
        assert_eq!(invalid(&both).1, "give either age or dateOfBirth with startDate, not both");
        let no_start = Query { age: None, date_of_birth: Date::new(2019, 1, 1), ..query(7, Need::ASD, "universal") };
        assert_eq!(invalid(&no_start).0, "startDate");
    }
}

mod query_validation {
    use super::*;

    #[test]
    fn radius_must_be_positive_finite_and_at_most_100_miles() {
        for bad in [-1.0, 0.0, f64::NAN, f64::INFINITY, 150.0] {
            let q = Query { radius_miles: Some(bad), ..query(7, Need::ASD, "universal") };
            assert_eq!(
                invalid(&q),
                ("radiusMiles".into(), format!("must be above 0 and at most 100 miles, found {bad}"))
            );
        }
    }

    #[test]
    fn limit_is_1_to_200() {
        for bad in [0, 201] {
            let q = Query { limit: bad, ..query(7, Need::ASD, "universal") };
            assert_eq!(invalid(&q), ("limit".into(), format!("must be 1 to 200, found {bad}")));
        }
    }

    #[test]
    fn level_must_be_in_the_policy() {
        assert_eq!(
            invalid(&query(7, Need::ASD, "band-3")),
            (
                "level".into(),
                "unknown level \"band-3\"; the policy pack \"illustrative-default\" has: universal, targeted, specialist, complex"
                    .into()
            )
        );
    }

    #[test]
    fn other_needs_repeating_the_primary_need_are_dropped_silently() {
        let q = Query { other_needs: vec![Need::ASD, Need::SLCN, Need::SLCN], ..query(7, Need::ASD, "universal") };
        let policy = Policy::illustrative_default();
        let p = prepare(&policy, &q).unwrap();
        assert_eq!(p.others, needs(&[Need::SLCN]).unwrap());
    }

    #[test]
    fn other_checks() {
        let q = Query { kinds: Some(vec![]), ..query(7, Need::ASD, "universal") };
        assert_eq!(invalid(&q).0, "kinds");
        let q = Query { child_sex: Some(Gender::Mixed), ..query(7, Need::ASD, "universal") };
        assert_eq!(invalid(&q), ("childSex".into(), "expected boys or girls, found mixed".into()));
        let q = Query { same_la_only: true, ..query(7, Need::ASD, "universal") };
        assert_eq!(invalid(&q), ("sameLaOnly".into(), "needs homeLa, the council area of home".into()));
        let q = Query { home: LatLon { lat: 95.0, lon: 0.0 }, ..query(7, Need::ASD, "universal") };
        assert_eq!(invalid(&q).0, "home");
    }

    #[test]
    fn reads_camel_case_json_and_refuses_unknown_fields() {
        let q: Query = serde_json::from_str(
            r#"{"home":{"lat":53.8,"lon":-1.55},"dateOfBirth":"2019-03-10","startDate":"2026-09-01",
                "primaryNeed":"ASD","otherNeeds":["SLCN"],"level":"targeted","kinds":["senUnit","special"],
                "childSex":"girls","includeIndependent":true,"homeLa":383}"#,
        )
        .unwrap();
        assert_eq!(q.limit, DEFAULT_LIMIT);
        assert_eq!(q.kinds, Some(vec![ProvisionKind::SenUnit, ProvisionKind::Special]));
        assert_eq!(q.home_la, Some(LEEDS));
        let err =
            serde_json::from_str::<Query>(r#"{"home":{"lat":1,"lon":1},"primaryNeed":"ASD","level":"x","radius":3}"#)
                .unwrap_err();
        assert!(err.to_string().starts_with("unknown field `radius`"), "{err}");
    }
}

mod hard_filters {
    use super::*;

    /// The only rule that excluded `s`, as (code, text), for a 7-year-old girl with autism.
    fn excluded(s: Setting, q: &Query) -> (RuleCode, String) {
        let settings = std::slice::from_ref(&s);
        let index = SettingIndex::build(settings);
        let ctx = RankContext::new(settings, DataInfo::default(), las());
        let e = explain(settings, &index, &Policy::illustrative_default(), q, &ctx, s.urn).unwrap().into_owned();
        match &e.sites[0].outcome {
            Outcome::Excluded { rule, .. } => (rule.code, rule.text.clone()),
            other => panic!("expected an exclusion, got {other:?}"),
        }
    }

    fn girl_of_7(level: &str) -> Query {
        Query { child_sex: Some(Gender::Girls), ..query(7, Need::ASD, level) }
    }

    #[test]
    fn kind_not_considered_for_the_level() {
        let (code, text) = excluded(autism_special(1, at(1.0, 0.0)), &girl_of_7("universal"));
        assert_eq!(code, RuleCode::KindNotConsidered);
        assert_eq!(
            text,
            "Special school (state-funded) is not among the kinds considered for “Mainstream school with SEN support”"
        );
    }

    #[test]
    fn kind_not_among_the_users_own_kinds() {
        let q = Query { kinds: Some(vec![ProvisionKind::SenUnit]), ..girl_of_7("specialist") };
        let (code, text) = excluded(autism_special(1, at(1.0, 0.0)), &q);
        assert_eq!(code, RuleCode::KindNotConsidered);
        assert_eq!(text, "Special school (state-funded) is not among the kinds of setting you chose");
    }

    #[test]
    fn independent_only_when_included() {
        let s = Setting { kind: ProvisionKind::IndependentSpecial, ..autism_special(1, at(1.0, 0.0)) };
        let (code, text) = excluded(s.clone(), &girl_of_7("complex"));
        assert_eq!(code, RuleCode::IndependentNotIncluded);
        assert!(text.starts_with(
            "Independent special school: independent and non-maintained special schools were not included"
        ));
        let q = Query { include_independent: true, ..girl_of_7("complex") };
        assert_eq!(urns(&list(std::slice::from_ref(&s), &q)), [1]);
        // Listing the kind yourself includes it.
        let q = Query { kinds: Some(vec![ProvisionKind::IndependentSpecial]), ..girl_of_7("complex") };
        assert_eq!(urns(&list(&[s], &q)), [1]);
    }

    #[test]
    fn age_outside_the_recorded_range() {
        let s = Setting { ages: ages(11, 16), ..autism_special(1, at(1.0, 0.0)) };
        let (code, text) = excluded(s, &girl_of_7("specialist"));
        assert_eq!(code, RuleCode::AgeOutsideRange);
        assert_eq!(text, "Age range 11–16 does not include age 7");
    }

    #[test]
    fn age_outside_the_usual_range_of_the_phase_says_so() {
        let s = Setting {
            ages: Phase::Secondary.typical_ages(),
            phase: Some(Phase::Secondary),
            ..autism_special(1, at(1.0, 0.0))
        };
        let (code, text) = excluded(s, &girl_of_7("specialist"));
        assert_eq!(code, RuleCode::AgeOutsideRange);
        assert_eq!(text, "Usually takes ages 11–19 (phase Secondary; age range not recorded): does not include age 7");
    }

    #[test]
    fn ages_not_recorded_never_exclude_and_are_flagged() {
        let s = Setting { ages: None, ..autism_special(1, at(1.0, 0.0)) };
        let l = list(&[s], &girl_of_7("specialist"));
        assert_eq!(urns(&l), [1]);
        assert!(l.results[0].flags.contains(&ReasonCode::AgesNotRecorded));
        assert_eq!(
            reason(&l.results[0], ReasonCode::AgesNotRecorded).unwrap().text,
            "Age range not recorded: check with the setting"
        );
    }

    #[test]
    fn gender_of_entry() {
        let boys = Setting { gender: Some(Gender::Boys), ..autism_special(1, at(1.0, 0.0)) };
        let (code, text) = excluded(boys.clone(), &girl_of_7("specialist"));
        assert_eq!((code, text.as_str()), (RuleCode::GenderOfEntry, "Takes boys only"));
        // Only when the child's sex is given; unknown gender of entry never excludes.
        assert_eq!(urns(&list(&[boys], &query(7, Need::ASD, "specialist"))), [1]);
        let unknown = Setting { gender: None, ..autism_special(2, at(1.0, 0.0)) };
        assert_eq!(urns(&list(&[unknown], &girl_of_7("specialist"))), [2]);
    }

    #[test]
    fn beyond_the_radius() {
        let s = autism_special(1, at(12.0, 0.0));
        let (code, text) = excluded(s, &girl_of_7("specialist"));
        assert_eq!(
            (code, text.as_str()),
            (RuleCode::BeyondRadius, "12.0 miles away, beyond the 10-mile search radius")
        );
        let q = Query { radius_miles: Some(7.5), ..girl_of_7("specialist") };
        let (_, text) = excluded(autism_special(1, at(8.0, 0.0)), &q);
        assert_eq!(text, "8.0 miles away, beyond the 7.5-mile search radius");
    }

    #[test]
    fn council_borders_are_crossed_unless_asked() {
        let s = Setting { la: Some(BRADFORD), ..autism_special(1, at(1.0, 0.0)) };
        let q = Query { home_la: Some(LEEDS), ..girl_of_7("specialist") };
        let l = list(std::slice::from_ref(&s), &q);
        assert_eq!(
            reason(&l.results[0], ReasonCode::OutsideHomeLa).unwrap().text,
            "In Bradford, not your council area"
        );
        let q = Query { same_la_only: true, ..q };
        let (code, text) = excluded(s, &q);
        assert_eq!(
            (code, text.as_str()),
            (RuleCode::OutsideHomeLa, "In Bradford, and you asked for your council area only")
        );
    }

    #[test]
    fn only_the_first_failing_rule_is_given() {
        // Wrong kind, wrong age, boys only and far away: the kind rule comes first.
        let s = Setting { ages: ages(11, 16), gender: Some(Gender::Boys), ..autism_special(1, at(40.0, 0.0)) };
        assert_eq!(excluded(s.clone(), &girl_of_7("universal")).0, RuleCode::KindNotConsidered);
        assert_eq!(excluded(s.clone(), &girl_of_7("specialist")).0, RuleCode::AgeOutsideRange);
        let s = Setting { ages: ages(4, 11), ..s };
        assert_eq!(excluded(s.clone(), &girl_of_7("specialist")).0, RuleCode::GenderOfEntry);
        let s = Setting { gender: Some(Gender::Mixed), ..s };
        assert_eq!(excluded(s, &girl_of_7("specialist")).0, RuleCode::BeyondRadius);
    }

    #[test]
    fn proposed_to_close_and_full_settings_stay_and_are_flagged() {
        let s = Setting {
            status: Status::OpenProposedToClose,
            places: Some(Places { capacity: Some(50), on_roll: Some(58), as_of: Date::new(2025, 1, 16) }),
            ..autism_special(1, at(1.0, 0.0))
        };
        let l = list(&[s], &girl_of_7("specialist"));
        assert_eq!(urns(&l), [1]);
        let r = &l.results[0];
        assert!(r.flags.contains(&ReasonCode::ProposedToClose));
        assert_eq!(
            reason(r, ReasonCode::Places).unwrap().text,
            "School: 50 places, 58 on roll (January 2025): shown as information, never a reason to leave it out"
        );
    }
}

mod fit_score {
    use super::*;

    fn prepared(q: &Query) -> Prepared<'static> {
        let policy: &'static Policy = Box::leak(Box::new(Policy::illustrative_default()));
        prepare(policy, q).unwrap()
    }

    #[test]
    fn unknown_specialisms_count_as_neutral_under_the_default_pack() {
        let q = query(7, Need::ASD, "specialist");
        let p = prepared(&q);
        let loc = at(2.0, 0.0);
        let d = HOME.distance_m(loc);
        let unknown = Setting { needs: None, ..autism_special(1, loc) };
        let known = autism_special(2, loc);
        let mismatch = Setting { needs: needs(&[Need::HI]), ..autism_special(3, loc) };
        let [u, k, m] = [&unknown, &known, &mismatch].map(|s| score_setting(&p, s, d));
        // A confirmed specialist ranks above one whose specialisms are unknown, which ranks
        // above a known mismatch; coverage still says the specialisms are unknown.
        assert!(k.score > u.score && u.score > m.score, "{} {} {}", k.score, u.score, m.score);
        assert!(u.coverage < k.coverage, "{} {}", u.coverage, k.coverage);
    }

    #[test]
    fn unknown_specialisms_are_left_out_not_scored_zero_when_the_pack_assumes_nothing() {
        let q = Query { other_needs: vec![Need::SLCN], ..query(7, Need::ASD, "specialist") };
        let policy: &'static Policy =
            Box::leak(Box::new(Policy { unknown_needs_value: None, ..Policy::illustrative_default() }));
        let p = prepare(policy, &q).unwrap();
        let loc = at(2.0, 0.0);
        let d = HOME.distance_m(loc);
        let places = Some(Places { capacity: Some(10), on_roll: Some(8), as_of: None });
        let unknown = Setting { needs: None, places, ..autism_special(1, loc) };
        let none = Setting { needs: needs(&[Need::HI]), places, ..autism_special(2, loc) };
        let (u, n) = (score_setting(&p, &unknown, d), score_setting(&p, &none, d));
        // Same kind and distance; one records only hearing impairment, the other nothing.
        assert!(u.score > n.score, "unknown {} should beat a known mismatch {}", u.score, n.score);
        assert!(u.coverage < 1.0 && (n.coverage - 1.0).abs() < 1e-12, "{} {}", u.coverage, n.coverage);
        // The known factors (kind fit, age range, distance, places) carry all the weight.
        let w = &p.policy.weights;
        let x = super::super::score::decay(&p, d);
        let known = w.kind_fit + w.age_range + w.distance + w.places;
        let expected = (w.kind_fit + w.age_range + w.distance * x + w.places) / known;
        assert!((u.score - expected).abs() < 1e-12);
        let total =
            w.primary_need + w.secondary_needs + w.broad_area + w.kind_fit + w.age_range + w.distance + w.places;
        assert!((u.coverage - known / total).abs() < 1e-12);
    }

    #[test]
    fn a_mainstream_school_without_recorded_needs_has_no_specialism_known() {
        let p = prepared(&query(7, Need::ASD, "targeted"));
        let s = setting(1, ProvisionKind::Mainstream, at(1.0, 0.0));
        let sc = score_setting(&p, &s, HOME.distance_m(s.location));
        let primary = sc.evals[0];
        assert!(primary.is_known() && primary.value == 0.0);
    }

    #[test]
    fn contributions_add_up_to_the_score_and_unknowns_show_as_unknown() {
        let s = Setting {
            needs: None,
            places: Some(Places { capacity: Some(10), on_roll: Some(9), as_of: None }),
            ..autism_special(1, at(1.0, 0.0))
        };
        let q = Query {
            other_needs: vec![Need::SEMH],
            single_sex: Some(Gender::Girls),
            ..query(7, Need::ASD, "specialist")
        };
        let l = list(&[s], &q);
        let r = &l.results[0];
        let sum: f64 = r.reasons.iter().filter_map(|x| x.factor).map(|f| f.contribution).sum();
        assert!((sum - r.score).abs() < 1e-12, "{sum} vs {}", r.score);
        let primary = reason(r, ReasonCode::PrimaryNeedSpecialism).unwrap();
        // The default pack counts unknown specialisms at 0.5; coverage still reports them unknown.
        assert_eq!(primary.factor.unwrap().value, Some(0.5));
        assert!(r.coverage < 1.0);
        assert!(r.flags.contains(&ReasonCode::NeedsNotRecorded));
        assert_eq!(
            reason(r, ReasonCode::NeedsNotRecorded).unwrap().text,
            "Specialisms not recorded: ask the setting whether it can meet autism"
        );
        assert_eq!(reason(r, ReasonCode::Preferences).unwrap().text, "Mixed school, not what you preferred");
        assert!(r.coverage < 1.0);
    }

    #[test]
    fn free_places_help_but_full_or_unknown_never_exclude() {
        let p = prepared(&query(7, Need::ASD, "specialist"));
        let loc = at(1.0, 0.0);
        let d = HOME.distance_m(loc);
        let places = |cap, roll| Some(Places { capacity: Some(cap), on_roll: Some(roll), as_of: None });
        let free = score_setting(&p, &Setting { places: places(10, 8), ..autism_special(1, loc) }, d).score;
        let full = score_setting(&p, &Setting { places: places(10, 10), ..autism_special(1, loc) }, d).score;
        let unknown = score_setting(&p, &autism_special(1, loc), d);
        assert!(free > full);
        assert!(unknown.coverage < 1.0);
    }

    #[test]
    fn preferences_count_only_when_set() {
        let s = Setting {
            gender: Some(Gender::Girls),
            boarding: Some(Boarding::SomeBoarders),
            religious_character: Some("Roman Catholic".into()),
            religious_character_known: true,
            ..autism_special(1, at(1.0, 0.0))
        };
        let l = list(std::slice::from_ref(&s), &query(7, Need::ASD, "specialist"));
        assert!(reason(&l.results[0], ReasonCode::Preferences).is_none());
        let q = Query {
            single_sex: Some(Gender::Girls),
            religious_character: Some("catholic".into()),
            boarding: Some(true),
            ..query(7, Need::ASD, "specialist")
        };
        let l = list(&[s], &q);
        let r = reason(&l.results[0], ReasonCode::Preferences).unwrap();
        assert_eq!(
            r.text,
            "Girls' school, as you preferred; Religious character: Roman Catholic, as you preferred; Some pupils board, as you preferred"
        );
        assert_eq!(r.factor.unwrap().value, Some(1.0));
    }
}

mod order {
    use super::*;

    #[test]
    fn ties_go_by_distance_then_urn_then_site() {
        // A school and its resourced provision and SEN unit at the same place, and another
        // school's unit at the same place with a lower URN: identical data, identical scores.
        let loc = at(1.0, 1.0);
        let base = Setting { needs: needs(&[Need::ASD]), ..setting(20, ProvisionKind::ResourcedProvision, loc) };
        let settings = vec![
            Setting { site: Site::SenUnit, kind: ProvisionKind::ResourcedProvision, ..base.clone() },
            Setting { site: Site::ResourcedProvision, ..base.clone() },
            Setting { urn: Urn(10), site: Site::ResourcedProvision, ..base.clone() },
            Setting { urn: Urn(5), location: at(1.5, 1.0), ..base.clone() },
        ];
        let q = Query { kinds: Some(vec![ProvisionKind::ResourcedProvision]), ..query(7, Need::ASD, "targeted") };
        let l = list(&settings, &q);
        let got: Vec<(u32, Site)> = l.results.iter().map(|r| (r.urn.0, r.site)).collect();
        assert_eq!(
            got,
            [(10, Site::ResourcedProvision), (20, Site::ResourcedProvision), (20, Site::SenUnit), (5, Site::Main)]
        );
        assert_eq!(l.results[0].score, l.results[2].score);
        let ranks: Vec<u32> = l.results.iter().map(|r| r.rank).collect();
        assert_eq!(ranks, [1, 2, 3, 4]);
    }

    #[test]
    fn a_closer_specialist_ranks_first() {
        let settings =
            vec![autism_special(1, at(3.0, 0.0)), autism_special(2, at(1.0, 0.0)), autism_special(3, at(0.0, 2.0))];
        assert_eq!(urns(&list(&settings, &query(7, Need::ASD, "specialist"))), [2, 3, 1]);
    }
}

mod near_misses {
    use super::*;

    #[test]
    fn include_the_age_excluded_autism_specialist_for_a_7_year_old() {
        let mut settings = vec![
            Setting {
                ages: ages(11, 16),
                phase: Some(Phase::Secondary),
                name: "Oak Secondary".into(),
                ..autism_special(1, at(0.5, 0.0))
            },
            autism_special(2, at(4.0, 0.0)),
            Setting { needs: needs(&[Need::HI]), ..autism_special(3, at(0.2, 0.0)) },
        ];
        for i in 0..10 {
            settings.push(setting(100 + i, ProvisionKind::Mainstream, at(0.1 * f64::from(i), 0.3)));
        }
        let l = list(&settings, &query(7, Need::ASD, "specialist"));
        assert!(!urns(&l).contains(&1));
        let nm = &l.near_misses[0];
        assert_eq!((nm.urn.0, nm.rule.code), (1, RuleCode::AgeOutsideRange));
        assert_eq!(nm.rule.text, "Age range 11–16 does not include age 7");
        assert_eq!(nm.name, "Oak Secondary");
        // The hearing-impairment school is not a near miss: it lacks the specialism.
        assert!(l.near_misses.iter().all(|n| n.urn.0 != 3));
    }

    #[test]
    fn are_found_when_every_specialist_is_left_out_by_age() {
        let settings = vec![
            Setting { ages: ages(11, 16), ..autism_special(1, at(1.0, 0.0)) },
            setting(10, ProvisionKind::Mainstream, at(0.5, 0.0)),
        ];
        let l = list(&settings, &query(7, Need::ASD, "specialist"));
        assert_eq!(urns(&l), [10]);
        assert_eq!(l.near_misses.len(), 1);
        assert_eq!(l.near_misses[0].rule.code, RuleCode::AgeOutsideRange);
    }

    #[test]
    fn show_specialists_of_kinds_the_level_leaves_out_and_just_beyond_the_radius() {
        let mut settings = vec![autism_special(1, at(1.0, 0.0)), autism_special(2, at(3.5, 0.0))];
        settings.push(Setting { ages: ages(4, 11), ..setting(10, ProvisionKind::Mainstream, at(0.5, 0.0)) });
        let l = list(&settings, &query(7, Need::ASD, "universal"));
        assert_eq!(urns(&l), [10]);
        let got: Vec<(u32, RuleCode)> = l.near_misses.iter().map(|n| (n.urn.0, n.rule.code)).collect();
        assert_eq!(got, [(1, RuleCode::KindNotConsidered), (2, RuleCode::KindNotConsidered)]);
        let q = Query {
            kinds: Some(vec![ProvisionKind::Special, ProvisionKind::Mainstream]),
            ..query(7, Need::ASD, "universal")
        };
        let l = list(&settings, &q);
        assert_eq!(urns(&l), [1, 10]);
        assert_eq!(l.near_misses[0].rule.text, "3.5 miles away, beyond the 3-mile search radius");
        assert_eq!(
            reason(&l.results[0], ReasonCode::KindFit).unwrap().text,
            "Special school (state-funded): not usually considered for “Mainstream school with SEN support”; \
             you added it to the search"
        );
    }
}

mod mainstream_presumption {
    use super::*;

    fn crowded() -> Vec<Setting> {
        let mut settings: Vec<Setting> = (0..12).map(|i| autism_special(i + 1, at(0.2 * f64::from(i), 0.0))).collect();
        settings.extend((0..4).map(|i| setting(100 + i, ProvisionKind::Mainstream, at(0.3 * f64::from(i), 0.5))));
        settings
    }

    #[test]
    fn keeps_the_minimum_of_mainstream_schools_replacing_the_lowest_ranked() {
        let q = Query { limit: 12, ..query(7, Need::ASD, "specialist") };
        let l = list(&crowded(), &q);
        // Specialists fill the top 12; the best 3 mainstream schools replace ranks 10-12.
        assert_eq!(urns(&l), [1, 2, 3, 4, 5, 6, 7, 8, 9, 100, 101, 102]);
        for r in &l.results[9..] {
            assert!(r.flags.contains(&ReasonCode::MainstreamPresumption));
            assert!(reason(r, ReasonCode::MainstreamPresumption).unwrap().text.to_string().contains("section 33"));
        }
        assert!(!l.results[0].flags.contains(&ReasonCode::MainstreamPresumption));
    }

    #[test]
    fn never_takes_more_than_a_quarter_of_a_short_list() {
        let q = Query { limit: 3, ..query(7, Need::ASD, "specialist") };
        assert_eq!(urns(&list(&crowded(), &q)), [1, 2, 3]);
        let q = Query { limit: 5, ..query(7, Need::ASD, "specialist") };
        assert_eq!(urns(&list(&crowded(), &q)), [1, 2, 3, 4, 100]);
    }

    #[test]
    fn does_not_apply_when_mainstream_is_not_considered() {
        let q = Query { limit: 5, ..query(7, Need::ASD, "complex") };
        assert_eq!(urns(&list(&crowded(), &q)), [1, 2, 3, 4, 5]);
    }

    #[test]
    fn explain_says_who_gave_way() {
        let settings = crowded();
        let index = SettingIndex::build(&settings);
        let ctx = RankContext::new(&settings, DataInfo::default(), Vec::new());
        let q = Query { limit: 12, ..query(7, Need::ASD, "specialist") };
        let policy = Policy::illustrative_default();
        let e = explain(&settings, &index, &policy, &q, &ctx, Urn(10)).unwrap();
        assert_eq!(e.sites[0].outcome, Outcome::GaveWay);
        let e = explain(&settings, &index, &policy, &q, &ctx, Urn(101)).unwrap();
        assert_eq!(e.sites[0].outcome, Outcome::Listed { rank: 11, mainstream_presumption: true });
    }
}

mod explanations {
    use super::*;

    #[test]
    fn read_in_plain_english() {
        let school = Setting {
            name: "Park Primary".into(),
            la: Some(BRADFORD),
            ..setting(7, ProvisionKind::Mainstream, at(3.4, 0.0))
        };
        let rp = Setting {
            site: Site::ResourcedProvision,
            kind: ProvisionKind::ResourcedProvision,
            needs: needs(&[Need::ASD, Need::SLCN]),
            places: Some(Places { capacity: Some(10), on_roll: Some(9), as_of: Date::new(2025, 1, 16) }),
            ..school.clone()
        };
        let q = Query {
            home_la: Some(LEEDS),
            other_needs: vec![Need::SLCN, Need::SEMH],
            ..query(7, Need::ASD, "targeted")
        };
        let l = list(&[school, rp], &q);
        let r = &l.results[0];
        assert_eq!((r.urn.0, r.site), (7, Site::ResourcedProvision));
        let text = |c| reason(r, c).unwrap().text.to_string();
        assert_eq!(text(ReasonCode::PrimaryNeedSpecialism), "Specialist provision for autism");
        assert_eq!(
            text(ReasonCode::SecondaryNeeds),
            "Also records provision for speech, language and communication needs (1 of 2 other needs)"
        );
        assert_eq!(text(ReasonCode::BroadArea), "Same broad area of need: communication and interaction");
        assert_eq!(
            text(ReasonCode::KindFit),
            "Resourced provision in a mainstream school: a usual kind of setting for “Mainstream school with a specialist base”"
        );
        assert_eq!(text(ReasonCode::Distance), "3.4 miles, straight line");
        assert_eq!(text(ReasonCode::Places), "Resourced provision: 10 places, 9 on roll (January 2025)");
        assert_eq!(
            text(ReasonCode::BeyondWalkingDistance),
            "Likely beyond statutory walking distance (2 miles under 8, 3 miles from 8; measured along a walking route)"
        );
        assert_eq!(text(ReasonCode::OutsideHomeLa), "In Bradford, not your council area");
        assert_eq!(r.la.as_ref().unwrap().name.as_deref(), Some("Bradford"));
        let school = &l.results[1];
        assert_eq!(
            reason(school, ReasonCode::PrimaryNeedSpecialism).unwrap().text,
            "Mainstream school: no specialism recorded (every school and college must support children with special educational needs)"
        );
    }

    #[test]
    fn walking_distance_is_2_miles_under_8_and_3_from_8() {
        let s = setting(1, ProvisionKind::Mainstream, at(2.5, 0.0));
        let flagged = |age| {
            let s = Setting { ages: ages(2, 19), ..s.clone() };
            list(&[s], &query(age, Need::MLD, "universal")).results[0]
                .flags
                .contains(&ReasonCode::BeyondWalkingDistance)
        };
        assert!(flagged(7));
        assert!(!flagged(8));
        assert!(!flagged(17), "post-16: no statutory walking distance");
    }

    #[test]
    fn why_is_this_school_not_on_the_list() {
        let mut settings: Vec<Setting> = (0..4).map(|i| autism_special(i + 1, at(0.5 * f64::from(i), 0.0))).collect();
        settings.push(Setting { ages: ages(11, 16), ..autism_special(50, at(0.1, 0.0)) });
        let index = SettingIndex::build(&settings);
        let data = DataInfo { version: "test".into(), built: Date::new(2026, 5, 1), sources: vec![] };
        let ctx = RankContext::new(&settings, data, Vec::new());
        let q = Query { limit: 2, ..query(7, Need::ASD, "complex") };
        let policy = Policy::illustrative_default();
        let why = |urn| explain(&settings, &index, &policy, &q, &ctx, Urn(urn)).unwrap();

        let e = why(1);
        assert_eq!(e.sites[0].outcome, Outcome::Listed { rank: 1, mainstream_presumption: false });
        assert!(e.summary.ends_with("On the list at number 1 of 2."), "{}", e.summary);

        let e = why(50);
        assert!(
            matches!(&e.sites[0].outcome, Outcome::Excluded { rule, near_miss: true } if rule.code == RuleCode::AgeOutsideRange)
        );
        assert_eq!(
            e.sites[0].text,
            "Not on the list: Age range 11–16 does not include age 7. It is shown among the near misses."
        );

        let e = why(4);
        assert!(matches!(e.sites[0].outcome, Outcome::RankedBelow { last_listed_score: Some(_) }));
        assert!(
            e.sites[0].text.starts_with("Meets every rule, but ranked below the top 2: its fit score is 0."),
            "{}",
            e.sites[0].text
        );
        assert!(e.sites[0].reasons.iter().any(|r| r.code == ReasonCode::Distance));

        let e = why(999);
        assert!(!e.in_dataset);
        assert_eq!(
            e.summary,
            "URN 999 is not in the dataset, built 2026-05-01. It may be closed, not a kind of setting this tool lists, or newer than the data."
        );
    }

    #[test]
    fn explain_covers_every_site_of_an_establishment() {
        let school = setting(7, ProvisionKind::Mainstream, at(1.0, 0.0));
        let unit =
            Setting { site: Site::SenUnit, kind: ProvisionKind::SenUnit, needs: needs(&[Need::ASD]), ..school.clone() };
        let settings = vec![unit, school];
        let index = SettingIndex::build(&settings);
        let ctx = RankContext::new(&settings, DataInfo::default(), Vec::new());
        let e = explain(
            &settings,
            &index,
            &Policy::illustrative_default(),
            &query(7, Need::ASD, "universal"),
            &ctx,
            Urn(7),
        )
        .unwrap()
        .into_owned();
        let sites: Vec<Site> = e.sites.iter().map(|s| s.site).collect();
        assert_eq!(sites, [Site::Main, Site::SenUnit]);
        assert!(
            e.summary
                .starts_with("Setting 7 offers 2 placements. The mainstream school: on the list at number 1 of 1."),
            "{}",
            e.summary
        );
    }
}

mod post16 {
    //! Issue 11: a post-16 setting never takes a child under 16, whatever the pack ticks.
    use super::*;

    fn college(urn: u32, location: LatLon) -> Setting {
        Setting { ages: None, phase: Some(Phase::NotApplicable), ..setting(urn, ProvisionKind::Post16, location) }
    }

    fn outcome(s: &Setting, q: &Query) -> Outcome {
        let settings = std::slice::from_ref(s);
        let index = SettingIndex::build(settings);
        let ctx = RankContext::new(settings, DataInfo::default(), las());
        explain(settings, &index, &Policy::illustrative_default(), q, &ctx, s.urn).unwrap().into_owned().sites[0]
            .outcome
            .clone()
    }

    fn age_rule(s: &Setting, q: &Query) -> String {
        match outcome(s, q) {
            Outcome::Excluded { rule, .. } if rule.code == RuleCode::AgeOutsideRange => rule.text,
            other => panic!("expected the age rule, got {other:?}"),
        }
    }

    #[test]
    fn never_takes_a_child_under_16_whatever_the_pack_ticks() {
        let s = college(1, at(0.2, 0.0));
        for level in ["universal", "targeted", "specialist", "complex"] {
            for age in [4, 7, 15] {
                assert_eq!(
                    age_rule(&s, &query(age, Need::ASD, level)),
                    format!(
                        "Post-16 (college or sixth form): for students aged 16 and over, not age {age} (its age range is not recorded)"
                    )
                );
            }
            assert!(matches!(outcome(&s, &query(16, Need::ASD, level)), Outcome::Listed { .. }), "{level}");
        }
        // Nor when the user asks for colleges, or for the age they are taught at.
        let q = Query { kinds: Some(vec![ProvisionKind::Post16]), ..query(15, Need::ASD, "universal") };
        assert!(age_rule(&s, &q).contains("not age 15"));
        let q = Query { taught_out_of_year_group: Some(14), ..query(16, Need::ASD, "universal") };
        assert_eq!(
            age_rule(&s, &q),
            "Post-16 (college or sixth form): for students aged 16 and over, not age 14 (the age you asked to match) \
             (its age range is not recorded)"
        );
    }

    #[test]
    fn a_recorded_range_from_14_does_not_open_a_college_to_a_child_of_14() {
        let s = Setting { ages: ages(14, 99), phase: Some(Phase::SixteenPlus), ..college(1, at(0.2, 0.0)) };
        assert_eq!(
            age_rule(&s, &query(14, Need::ASD, "universal")),
            "Post-16 (college or sixth form): for students aged 16 and over, not age 14 (recorded age range 14–99)"
        );
        let l = list(&[s], &query(16, Need::ASD, "universal"));
        assert_eq!(reason(&l.results[0], ReasonCode::AgeRange).unwrap().text, "Age range 14–99 includes age 16");
    }

    #[test]
    fn a_16_plus_phase_enters_at_16_too() {
        let s = Setting {
            ages: ages(14, 18),
            phase: Some(Phase::SixteenPlus),
            ..setting(1, ProvisionKind::Mainstream, at(0.2, 0.0))
        };
        assert_eq!(
            age_rule(&s, &query(15, Need::ASD, "universal")),
            "Phase 16 plus: for students aged 16 and over, not age 15 (recorded age range 14–18)"
        );
        // Without a recorded range, the phase's usual range says it already.
        let s = Setting { ages: Phase::SixteenPlus.typical_ages(), ..s };
        assert_eq!(
            age_rule(&s, &query(15, Need::ASD, "universal")),
            "Usually takes ages 16–25 (phase 16 plus; age range not recorded): does not include age 15"
        );
    }

    #[test]
    fn from_16_a_college_without_recorded_ages_is_known_to_take_the_child() {
        let l = list(&[college(1, at(0.2, 0.0))], &query(17, Need::ASD, "universal"));
        let r = reason(&l.results[0], ReasonCode::AgeRange).unwrap();
        assert_eq!(r.text, "For students aged 16 and over (age range not recorded): includes age 17");
        assert_eq!(r.factor.unwrap().value, Some(1.0));
        // The note still asks the family to check.
        assert!(l.results[0].flags.contains(&ReasonCode::AgesNotRecorded));
    }

    #[test]
    fn an_autism_college_is_a_near_miss_for_a_child_of_7_and_says_why() {
        let settings = vec![
            Setting { needs: needs(&[Need::ASD]), name: "Autism College".into(), ..college(1, at(0.2, 0.0)) },
            autism_special(2, at(3.0, 0.0)),
        ];
        let l = list(&settings, &query(7, Need::ASD, "complex"));
        assert_eq!(urns(&l), [2]);
        assert_eq!(l.near_misses.len(), 1);
        assert_eq!(
            l.near_misses[0].rule.text,
            "Post-16 (college or sixth form): for students aged 16 and over, not age 7 (its age range is not recorded)"
        );
    }

    #[test]
    fn a_search_for_a_child_of_7_reads_no_college() {
        // Colleges without recorded ages share a tree of the index with settings taking all
        // ages; a child of 7 never opens it when it holds only colleges.
        let mut settings: Vec<Setting> = (0..10).map(|i| college(100 + i, at(0.1, 0.1 * f64::from(i)))).collect();
        settings.push(setting(200, ProvisionKind::Mainstream, at(1.0, 0.0)));
        let l = list(&settings, &query(7, Need::ASD, "universal"));
        assert_eq!(urns(&l), [200]);
        assert_eq!((l.counts.considered, l.counts.eligible), (1, 1));
    }
}

mod age_range {
    //! Issue 11: settings whose age range is not recorded stay on the list, below settings
    //! known to take the child's age.
    use super::*;

    #[test]
    fn a_setting_known_to_take_the_age_ranks_above_one_whose_ages_are_unknown() {
        let known = autism_special(1, at(1.5, 0.0));
        let unknown = Setting { ages: None, phase: Some(Phase::NotApplicable), ..autism_special(2, at(1.0, 0.0)) };
        let l = list(&[known, unknown], &query(7, Need::ASD, "specialist"));
        assert_eq!(urns(&l), [1, 2]);
        // A mile nearer is not enough; much nearer still wins (a factor, not a tier).
        let far = autism_special(3, at(9.0, 0.0));
        let near = Setting { ages: None, ..autism_special(4, at(0.5, 0.0)) };
        assert_eq!(urns(&list(&[far, near], &query(7, Need::ASD, "specialist"))), [4, 3]);
    }

    #[test]
    fn unknown_ages_never_exclude_count_half_and_say_so() {
        let s = Setting { ages: None, ..autism_special(1, at(1.0, 0.0)) };
        let known = list(&[autism_special(1, at(1.0, 0.0))], &query(7, Need::ASD, "specialist"));
        let l = list(&[s], &query(7, Need::ASD, "specialist"));
        let r = &l.results[0];
        let age = reason(r, ReasonCode::AgeRange).unwrap();
        assert_eq!(age.text, "Age range not recorded: counted as 0.5 of a match, below a setting known to take age 7");
        assert_eq!(age.factor.unwrap().value, Some(0.5));
        assert!(r.coverage < known.results[0].coverage, "{} {}", r.coverage, known.results[0].coverage);
        assert!(r.score < known.results[0].score);
        assert_eq!(reason(&known.results[0], ReasonCode::AgeRange).unwrap().text, "Age range 4–19 includes age 7");
    }

    #[test]
    fn the_usual_range_of_a_recorded_phase_counts_as_known() {
        let s = Setting { ages: Phase::Primary.typical_ages(), ..autism_special(1, at(1.0, 0.0)) };
        let s = Setting { phase: Some(Phase::Primary), ..s };
        let l = list(&[s], &query(7, Need::ASD, "specialist"));
        let age = reason(&l.results[0], ReasonCode::AgeRange).unwrap();
        assert_eq!(age.text, "Usually takes ages 2–11 (phase Primary): includes age 7");
        assert_eq!(age.factor.unwrap().value, Some(1.0));
    }

    #[test]
    fn the_age_asked_for_is_named() {
        let q = Query { taught_out_of_year_group: Some(9), ..query(10, Need::ASD, "specialist") };
        let l = list(&[autism_special(1, at(1.0, 0.0))], &q);
        assert_eq!(
            reason(&l.results[0], ReasonCode::AgeRange).unwrap().text,
            "Age range 4–19 includes age 9 (the age you asked to match)"
        );
    }

    #[test]
    fn left_out_of_the_score_when_the_pack_assumes_nothing() {
        let policy = Policy { unknown_ages_value: None, ..Policy::illustrative_default() };
        let s = Setting { ages: None, ..autism_special(1, at(1.0, 0.0)) };
        let l = list_with(&[s], &policy, &query(7, Need::ASD, "specialist"));
        let r = &l.results[0];
        let age = reason(r, ReasonCode::AgeRange).unwrap();
        assert_eq!(age.text, "Age range not recorded: left out of the score (its weight goes to the known factors)");
        assert_eq!(age.factor.unwrap().value, None);
        let sum: f64 = r.reasons.iter().filter_map(|x| x.factor).map(|f| f.contribution).sum();
        assert!((sum - r.score).abs() < 1e-12);
    }

    #[test]
    fn a_setting_left_out_by_age_is_explained_by_the_rule_not_the_factor() {
        let s = Setting { ages: ages(11, 16), ..autism_special(1, at(1.0, 0.0)) };
        let settings = std::slice::from_ref(&s);
        let index = SettingIndex::build(settings);
        let ctx = RankContext::new(settings, DataInfo::default(), las());
        let policy = Policy::illustrative_default();
        let e = explain(settings, &index, &policy, &query(7, Need::ASD, "specialist"), &ctx, Urn(1)).unwrap();
        assert!(e.sites[0].text.contains("Age range 11–16 does not include age 7"));
        assert!(e.sites[0].reasons.iter().all(|r| r.code != ReasonCode::AgeRange));
    }
}

mod other_needs_only {
    //! Issue 11: a setting recording provision only for other needs is listed after every
    //! setting that may meet the child's needs, however near it is.
    use super::*;

    fn sld_school(urn: u32, location: LatLon) -> Setting {
        Setting {
            needs: needs(&[Need::SLD, Need::PMLD]),
            name: "Severe LD School".into(),
            ..autism_special(urn, location)
        }
    }

    #[test]
    fn ranks_below_settings_that_record_the_need_may_meet_it_or_are_mainstream() {
        let settings = vec![
            sld_school(1, at(0.2, 0.0)),
            autism_special(2, at(9.0, 0.0)),
            Setting { needs: None, ..autism_special(3, at(9.5, 0.0)) },
            setting(4, ProvisionKind::Mainstream, at(9.8, 0.0)),
        ];
        let l = list(&settings, &query(7, Need::ASD, "specialist"));
        assert_eq!(urns(&l), [2, 3, 4, 1]);
        // Its fit score is the higher; the order, not the score, puts it last.
        assert!(l.results[3].score > l.results[2].score);
        assert_eq!(
            reason(&l.results[3], ReasonCode::OtherNeedsOnly).unwrap().text,
            "Records provision for severe learning difficulties and profound and multiple learning difficulties, \
             not autism: listed after the settings that may meet autism"
        );
        assert!(l.results[3].flags.contains(&ReasonCode::OtherNeedsOnly));
        assert!(l.results[..3].iter().all(|r| reason(r, ReasonCode::OtherNeedsOnly).is_none()));
    }

    #[test]
    fn among_themselves_they_rank_by_score() {
        let settings = vec![
            sld_school(1, at(3.0, 0.0)),
            Setting { needs: needs(&[Need::HI]), ..autism_special(2, at(1.0, 0.0)) },
            setting(3, ProvisionKind::Mainstream, at(9.0, 0.0)),
        ];
        assert_eq!(urns(&list(&settings, &query(7, Need::ASD, "specialist"))), [3, 2, 1]);
    }

    #[test]
    fn a_need_in_the_same_broad_area_or_in_the_plan_is_not_other() {
        let slcn = Setting { needs: needs(&[Need::SLCN]), ..autism_special(1, at(0.2, 0.0)) };
        let sld = sld_school(2, at(0.3, 0.0));
        let mainstream = setting(3, ProvisionKind::Mainstream, at(1.0, 0.0));
        let settings = vec![slcn, sld, mainstream];
        assert_eq!(urns(&list(&settings, &query(7, Need::ASD, "specialist"))), [1, 3, 2]);
        // With severe learning difficulties in the plan it matches another need, and ranks by score.
        let q = Query { other_needs: vec![Need::SLD], ..query(7, Need::ASD, "specialist") };
        assert_eq!(urns(&list(&settings, &q)), [2, 1, 3]);
        // A need with no broad area ("other") matches only itself.
        let oth = Setting { needs: needs(&[Need::OTH]), ..autism_special(4, at(2.0, 0.0)) };
        let l = list(&[oth, sld_school(5, at(0.3, 0.0))], &query(7, Need::OTH, "specialist"));
        assert_eq!(urns(&l), [4, 5]);
    }

    #[test]
    fn not_when_the_record_may_be_incomplete() {
        // GIAS lists at most five types: a school listing five may also meet autism.
        let five = Setting {
            needs: needs(&[Need::SLD, Need::PMLD, Need::MLD, Need::PD, Need::VI]),
            needs_possibly_truncated: true,
            ..autism_special(1, at(0.2, 0.0))
        };
        let settings = vec![five, setting(2, ProvisionKind::Mainstream, at(3.0, 0.0))];
        let l = list(&settings, &query(7, Need::ASD, "specialist"));
        assert_eq!(urns(&l), [1, 2]);
        assert!(reason(&l.results[0], ReasonCode::OtherNeedsOnly).is_none());
    }

    #[test]
    fn explain_says_why_it_ranked_below() {
        let settings = vec![sld_school(1, at(0.2, 0.0)), autism_special(2, at(5.0, 0.0))];
        let index = SettingIndex::build(&settings);
        let ctx = RankContext::new(&settings, DataInfo::default(), las());
        let policy = Policy::illustrative_default();
        let q = Query { limit: 1, ..query(7, Need::ASD, "complex") };
        let e = explain(&settings, &index, &policy, &q, &ctx, Urn(1)).unwrap();
        assert!(matches!(e.sites[0].outcome, Outcome::RankedBelow { .. }));
        assert!(
            e.sites[0].text.starts_with(
                "Meets every rule, but ranked below the top 1: it records provision only for needs other than \
                 autism, so it comes after every setting that may meet autism (its fit score is 0."
            ),
            "{}",
            e.sites[0].text
        );
    }
}

mod reading {
    use super::*;

    #[test]
    fn a_search_for_a_child_of_7_reads_no_secondary_school() {
        // Ten secondary schools nearer home than three primary schools, all within the radius:
        // they are in another tree of the index, which a child of 7 never opens.
        let mut settings: Vec<Setting> = (0..10)
            .map(|i| Setting {
                ages: ages(11, 16),
                ..setting(100 + i, ProvisionKind::Mainstream, at(0.1, 0.1 * f64::from(i)))
            })
            .collect();
        settings.extend((0..3).map(|i| setting(200 + i, ProvisionKind::Mainstream, at(1.0, 0.2 * f64::from(i)))));
        let l = list(&settings, &query(7, Need::ASD, "universal"));
        assert_eq!(urns(&l), [200, 201, 202]);
        assert_eq!((l.counts.considered, l.counts.eligible), (3, 3));
        let l = list(&settings, &query(13, Need::ASD, "universal"));
        assert_eq!(urns(&l), (100..110).collect::<Vec<u32>>());
        assert_eq!((l.counts.considered, l.counts.eligible), (10, 10));
    }
}

mod context {
    use super::*;

    #[test]
    fn made_from_other_settings_is_refused() {
        let settings = vec![autism_special(1, at(1.0, 0.0)), autism_special(2, at(2.0, 0.0))];
        let index = SettingIndex::build(&settings);
        let ctx = RankContext::new(&settings[..1], DataInfo::default(), Vec::new());
        let err =
            shortlist(&settings, &index, &Policy::illustrative_default(), &query(7, Need::ASD, "specialist"), &ctx)
                .unwrap_err();
        assert_eq!(
            err.to_string(),
            "rank context is not usable: it was made for 1 settings, not these 2; make it with \
             RankContext::new from the same settings"
        );
    }
}

mod json_shape {
    use super::*;

    #[test]
    fn camel_case_with_policy_data_and_counts() {
        let settings =
            vec![autism_special(1, at(1.0, 0.0)), Setting { ages: ages(11, 16), ..autism_special(2, at(0.5, 0.0)) }];
        let l = list(&settings, &query(7, Need::ASD, "specialist"));
        let v = serde_json::to_value(&l).unwrap();
        assert_eq!(v["policy"]["id"], "illustrative-default");
        assert_eq!(v["policy"]["illustrative"], true);
        assert_eq!(v["query"]["primaryNeed"], "ASD");
        assert_eq!(v["results"][0]["kind"], "special");
        assert_eq!(v["results"][0]["kindLabel"], "Special school (state-funded)");
        assert_eq!(v["results"][0]["distanceM"], 1609);
        assert_eq!(v["results"][0]["distanceMiles"], 1.0);
        assert_eq!(v["results"][0]["site"]["type"], "main");
        assert_eq!(v["results"][0]["reasons"][0]["code"], "primaryNeedSpecialism");
        assert!(v["results"][0]["reasons"][0]["factor"]["contribution"].is_number());
        assert_eq!(v["nearMisses"][0]["rule"]["code"], "ageOutsideRange");
        assert_eq!(v["counts"]["inDataset"], 2);
        assert_eq!(v["child"]["yearGroup"], "Year 3");
        assert!(v["advisory"].as_str().unwrap().starts_with("This list is advisory."));
    }

    #[test]
    fn reason_texts_are_written_the_same_however_they_are_read() {
        // Reasons of every kind: places, inferred ages, another council, unknown specialisms,
        // section 41, proposed to close, preferences, other needs, a kind added to the search,
        // the age range, a school for other needs (every code but the presumption of mainstream).
        let settings = vec![
            Setting {
                site: Site::ResourcedProvision,
                kind: ProvisionKind::ResourcedProvision,
                needs: needs(&[Need::ASD, Need::SLCN, Need::HI]),
                needs_possibly_truncated: true,
                places: Some(Places { capacity: Some(10), on_roll: Some(12), as_of: Date::new(2025, 1, 16) }),
                la: Some(BRADFORD),
                ..setting(1, ProvisionKind::Mainstream, at(0.02, 0.0))
            },
            Setting {
                ages: Some(AgeRange { low: 4, high: 11, basis: AgeBasis::Phase }),
                places: Some(Places { capacity: Some(300), on_roll: None, as_of: None }),
                religious_character: Some("Roman Catholic".into()),
                religious_character_known: true,
                la: Some(LaCode(999)),
                ..setting(2, ProvisionKind::Mainstream, at(2.5, 0.0))
            },
            Setting {
                needs: None,
                section41: Some(true),
                ..setting(3, ProvisionKind::IndependentSpecial, at(1.0, 1.0))
            },
            Setting { boarding: Some(Boarding::SomeBoarders), ..autism_special(4, at(0.0, 2.8)) },
            Setting {
                needs: needs(&[Need::SLCN]),
                status: Status::OpenProposedToClose,
                ..setting(5, ProvisionKind::Special, at(1.0, 0.0))
            },
            Setting { needs: needs(&[Need::PD, Need::VI]), ..setting(6, ProvisionKind::Special, at(0.5, 0.0)) },
        ];
        let q = Query {
            home_la: Some(LEEDS),
            other_needs: vec![Need::SLCN, Need::HI],
            single_sex: Some(Gender::Mixed),
            religious_character: Some("catholic".into()),
            boarding: Some(true),
            kinds: Some(vec![
                ProvisionKind::Mainstream,
                ProvisionKind::ResourcedProvision,
                ProvisionKind::Special,
                ProvisionKind::IndependentSpecial,
            ]),
            ..query(7, Need::ASD, "universal")
        };
        let index = SettingIndex::build(&settings);
        let ctx = RankContext::new(&settings, DataInfo::default(), las());
        let policy = Policy::illustrative_default();
        let l = shortlist(&settings, &index, &policy, &q, &ctx).unwrap();
        assert_eq!(l.results.len(), settings.len());
        let mut seen = std::collections::HashSet::new();
        for r in &l.results {
            for reason in &r.reasons {
                seen.insert(reason.code);
                let text = reason.text.to_string();
                assert!(!text.is_empty());
                assert_eq!(serde_json::to_string(&reason.text).unwrap(), serde_json::to_string(&text).unwrap());
                assert_eq!(reason.text, text.as_str());
                assert_eq!(reason.text, reason.text.clone().into_owned());
                assert_eq!(format!("{:?}", reason.text), format!("{text:?}"));
                let shorter: String = text.chars().skip(1).collect();
                assert_ne!(reason.text, shorter.as_str());
                assert_ne!(reason.text, format!("{text}.").as_str());
            }
        }
        assert_eq!(seen.len(), 15, "{seen:?}");
        let json = serde_json::to_string(&l).unwrap();
        assert_eq!(json, serde_json::to_string(&l.into_owned()).unwrap());
        assert!(json.contains("No recorded provision for autism (records speech"), "{json}");
        assert!(json.contains("In council area 999, not your council area"), "{json}");
    }
}

// ---- exactness: the search against scoring every setting ----------------------------------

/// SplitMix64: a small seeded generator, so every run sees the same settings and queries.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

fn random_needs(rng: &mut Rng) -> NeedSet {
    let common = [Need::ASD, Need::ASD, Need::SEMH, Need::SLCN, Need::MLD, Need::SLD];
    let mut set = NeedSet::EMPTY;
    for _ in 0..1 + rng.below(4) {
        set.insert(if rng.chance(0.6) { rng.pick(&common) } else { rng.pick(&Need::ALL) });
    }
    set
}

/// `n` settings scattered over `span_miles` around home, with every kind of missing data, shared
/// URNs (a school with its units at one place) and exact duplicates of location.
fn random_settings(rng: &mut Rng, n: usize, span_miles: f64) -> Vec<Setting> {
    use ProvisionKind::*;
    let kinds = [
        Mainstream,
        Mainstream,
        Mainstream,
        Mainstream,
        Mainstream,
        Mainstream,
        ResourcedProvision,
        SenUnit,
        Special,
        Special,
        NonMaintainedSpecial,
        IndependentSpecial,
        AlternativeProvision,
        Post16,
        EarlyYears,
    ];
    let mut out: Vec<Setting> = Vec::with_capacity(n);
    while out.len() < n {
        let urn = 100_000 + out.len() as u32;
        let location = if !out.is_empty() && rng.chance(0.05) {
            out[rng.below(out.len() as u64) as usize].location
        } else {
            at((rng.unit() - 0.5) * span_miles, (rng.unit() - 0.5) * span_miles)
        };
        let kind = rng.pick(&kinds);
        let mut s = setting(urn, kind, location);
        s.name = format!("Setting {urn}");
        s.ages = match rng.below(10) {
            0 => None,
            1 => rng.pick(&[Phase::Primary, Phase::Secondary, Phase::SixteenPlus]).typical_ages(),
            _ => {
                let (low, high) = rng.pick(&[(4, 11), (2, 11), (11, 16), (11, 18), (2, 19), (16, 25), (7, 11), (3, 7)]);
                ages(low, high)
            }
        };
        s.gender = match rng.below(20) {
            0 => Some(Gender::Boys),
            1 => Some(Gender::Girls),
            2 => None,
            _ => Some(Gender::Mixed),
        };
        s.needs = match kind {
            Mainstream | Post16 | EarlyYears if rng.chance(0.9) => None,
            _ if rng.chance(0.35) => None,
            _ => Some(random_needs(rng)),
        };
        s.needs_possibly_truncated = rng.chance(0.05);
        s.status = if rng.chance(0.05) { Status::OpenProposedToClose } else { Status::Open };
        s.la = rng.pick(&[Some(LEEDS), Some(LEEDS), Some(BRADFORD), None]);
        s.boarding =
            rng.pick(&[None, Some(Boarding::NoBoarders), Some(Boarding::SomeBoarders), Some(Boarding::MainlyBoarders)]);
        s.religious_character_known = rng.chance(0.8);
        s.religious_character = if s.religious_character_known {
            rng.pick(&[None, Some("Church of England"), Some("Roman Catholic")]).map(str::to_string)
        } else {
            None
        };
        s.section41 = (kind == IndependentSpecial).then(|| rng.chance(0.7));
        s.places = match rng.below(4) {
            0 => None,
            1 => Some(Places { capacity: Some(100), on_roll: None, as_of: None }),
            _ => {
                let cap = 10 + rng.below(400) as u32;
                Some(Places { capacity: Some(cap), on_roll: Some(cap - 5 + rng.below(10) as u32), as_of: None })
            }
        };
        // Sometimes the school's resourced provision and SEN unit at the same place and URN.
        let with_units = kind == Mainstream && rng.chance(0.15);
        out.push(s.clone());
        if with_units {
            for (site, kind) in [(Site::ResourcedProvision, ResourcedProvision), (Site::SenUnit, SenUnit)] {
                if out.len() < n && rng.chance(0.7) {
                    out.push(Setting { site, kind, needs: Some(random_needs(rng)), ..s.clone() });
                }
            }
        }
    }
    out
}

fn random_query(rng: &mut Rng, span_miles: f64) -> Query {
    let policy = Policy::illustrative_default();
    let level = rng.pick(&policy.level_ids()).to_string();
    let home = at((rng.unit() - 0.5) * span_miles * 1.2, (rng.unit() - 0.5) * span_miles * 1.2);
    let mut q = Query::new(
        home,
        2 + rng.below(24) as u8,
        rng.pick(&[Need::ASD, Need::SEMH, Need::SLCN, Need::MLD, Need::HI, Need::OTH]),
        level,
    );
    if rng.chance(0.3) {
        q.age = None;
        q.date_of_birth = Date::new(2005 + rng.below(18) as u16, 1 + rng.below(12) as u8, 1 + rng.below(28) as u8);
        q.start_date = Date::new(2026, 9, 1);
    }
    q.other_needs = (0..rng.below(4)).map(|_| rng.pick(&Need::ALL)).collect();
    if rng.chance(0.2) {
        q.kinds = Some((0..1 + rng.below(3)).map(|_| rng.pick(&ProvisionKind::ALL)).collect());
    }
    if rng.chance(0.5) {
        q.radius_miles = Some(0.5 + rng.unit() * 20.0);
    }
    q.limit = 1 + rng.below(30) as u32;
    q.child_sex = rng.pick(&[None, Some(Gender::Boys), Some(Gender::Girls)]);
    q.single_sex = rng.pick(&[None, None, Some(Gender::Girls), Some(Gender::Mixed)]);
    q.religious_character = rng.pick(&[None, None, Some("catholic"), Some("none")]).map(str::to_string);
    q.boarding = rng.pick(&[None, None, Some(true), Some(false)]);
    q.include_independent = rng.chance(0.5);
    q.home_la = rng.pick(&[None, Some(LEEDS), Some(BRADFORD)]);
    q.same_la_only = q.home_la.is_some() && rng.chance(0.15);
    q
}

/// Runs `queries` over `settings` and compares the search with [`exhaustive`](reference::exhaustive); returns how many
/// settings were listed, near misses shown and mainstream schools added by the presumption.
fn compare(settings: &[Setting], queries: &[Query], what: &str) -> (usize, usize, usize) {
    compare_counting(settings, queries, what).0
}

/// [`compare`], also counting the listed settings that record only other needs.
fn compare_counting(settings: &[Setting], queries: &[Query], what: &str) -> ((usize, usize, usize), usize) {
    let index = SettingIndex::build(settings);
    let ctx = RankContext::new(settings, DataInfo::default(), Vec::new());
    let policy = Policy::illustrative_default();
    let (mut listed, mut nears, mut presumed, mut other_needs_only) = (0, 0, 0, 0);
    for (case, q) in queries.iter().enumerate() {
        let p = prepare(&policy, q).unwrap_or_else(|e| panic!("{what} case {case}: {e}"));
        let got = run(ctx.tables(), &index, &p);
        let (top, from, near) = reference::exhaustive(settings, ctx.tables(), &p);
        // Same settings in the same order; the scores agree to rounding (the reference measures
        // distances itself, the search takes the index's).
        let ids = |v: &[Cand]| v.iter().map(|c| (c.urn.0, c.site)).collect::<Vec<_>>();
        let close = |a: &[Cand], b: &[Cand]| a.iter().zip(b).all(|(x, y)| (x.score - y.score).abs() < 1e-9);
        assert_eq!(ids(&got.listed), ids(&top), "{what} case {case}: list differs for {q:?}");
        assert!(close(&got.listed, &top), "{what} case {case}: scores differ");
        assert_eq!(got.presumption_from, from, "{what} case {case}: presumption differs");
        assert_eq!(ids(&got.near), ids(&near), "{what} case {case}: near misses differ for {q:?}");
        assert!(close(&got.near, &near), "{what} case {case}: near-miss scores differ");
        listed += top.len();
        nears += near.len();
        presumed += top.len() - from;
        other_needs_only += top.iter().filter(|c| c.other_needs_only).count();
    }
    ((listed, nears, presumed), other_needs_only)
}

#[test]
fn search_equals_scoring_every_setting_on_250_random_queries() {
    let mut rng = Rng(20_261_122);
    let span = 30.0;
    let settings = random_settings(&mut rng, 3000, span);
    let queries: Vec<Query> = (0..250).map(|_| random_query(&mut rng, span)).collect();
    let ((listed, nears, presumed), other) = compare_counting(&settings, &queries, "3000 settings");
    // The cases must exercise every part: lists, near misses, the presumption, and settings
    // listed after the rest for recording only other needs.
    assert!(listed > 1000 && nears > 100 && presumed > 20, "listed {listed}, near misses {nears}, presumed {presumed}");
    assert!(other > 50, "listed for other needs only: {other}");
    // With no record that may be incomplete, the search passes over whole trees of settings
    // recording only other needs (their bound is lowered): the same lists.
    let complete: Vec<Setting> =
        settings.into_iter().map(|s| Setting { needs_possibly_truncated: false, ..s }).collect();
    let (_, other) = compare_counting(&complete, &queries, "3000 settings, complete records");
    assert!(other > 50, "listed for other needs only: {other}");
}

#[test]
fn search_equals_scoring_every_setting_on_small_sparse_datasets() {
    // Few settings: partitions that are empty, or hold only settings the rules leave out.
    let mut rng = Rng(41);
    let (mut listed, mut nears) = (0, 0);
    for dataset in 0..100 {
        let n = 1 + rng.below(60) as usize;
        let settings = random_settings(&mut rng, n, 12.0);
        let queries: Vec<Query> = (0..5).map(|_| random_query(&mut rng, 12.0)).collect();
        let (l, nm, _) = compare(&settings, &queries, &format!("dataset {dataset}"));
        listed += l;
        nears += nm;
    }
    assert!(listed > 200 && nears > 50, "listed {listed}, near misses {nears}");
}

/// A query as a parent might make it: school age, the level's kinds and radius, few preferences.
fn typical_query(rng: &mut Rng, span_miles: f64) -> Query {
    let level = rng.pick(&["universal", "universal", "targeted", "targeted", "specialist", "specialist", "complex"]);
    let need = rng.pick(&[
        Need::ASD,
        Need::ASD,
        Need::ASD,
        Need::SEMH,
        Need::SEMH,
        Need::SLCN,
        Need::SLCN,
        Need::MLD,
        Need::SpLD,
        Need::SLD,
    ]);
    let home = at((rng.unit() - 0.5) * span_miles, (rng.unit() - 0.5) * span_miles);
    let mut q = Query::new(home, 4 + rng.below(13) as u8, need, level);
    q.other_needs = (0..rng.below(3)).map(|_| rng.pick(&Need::ALL)).collect();
    q.child_sex = rng.pick(&[None, Some(Gender::Boys), Some(Gender::Girls)]);
    q.home_la = Some(LEEDS);
    q
}

/// Timing on 30k settings: `cargo test --release --lib timing -- --ignored --nocapture`.
#[test]
#[ignore]
fn timing_on_30k_settings() {
    let mut rng = Rng(7);
    // 30k settings over a 170-mile square: about England's average density.
    let span = 170.0;
    let mut settings = random_settings(&mut rng, 30_000, span);
    // Towns: most settings within a few miles of one of 60 centres, the rest spread out.
    let towns: Vec<(f64, f64)> = (0..60).map(|_| ((rng.unit() - 0.5) * span, (rng.unit() - 0.5) * span)).collect();
    for s in settings.iter_mut() {
        if rng.chance(0.75) {
            let (n, e) = rng.pick(&towns);
            let r = 6.0 * rng.unit() * rng.unit();
            let a = rng.unit() * std::f64::consts::TAU;
            s.location = at(n + r * a.cos(), e + r * a.sin());
        }
        // As in GIAS: a school's SEN types belong to its resourced provision or unit.
        if matches!(s.kind, ProvisionKind::Mainstream | ProvisionKind::Post16 | ProvisionKind::EarlyYears) {
            s.needs = None;
        }
        // Ages that go with the kind (sites of one school share its ages).
        if s.site == Site::Main {
            let (low, high) = match s.kind {
                ProvisionKind::Mainstream => {
                    rng.pick(&[(4, 11), (4, 11), (3, 11), (4, 7), (7, 11), (11, 16), (11, 18), (2, 18)])
                }
                ProvisionKind::Post16 => rng.pick(&[(16, 19), (16, 25), (14, 19)]),
                ProvisionKind::EarlyYears => (2, 5),
                _ => rng.pick(&[(2, 19), (4, 11), (11, 19), (5, 16), (7, 19)]),
            };
            s.ages = if rng.chance(0.1) { None } else { ages(low, high) };
        }
    }
    // Parents live where the schools are: each home is near a random setting.
    let near_a_setting = |rng: &mut Rng, q: Query| {
        let s = &settings[rng.below(settings.len() as u64) as usize];
        let home =
            LatLon { lat: s.location.lat + (rng.unit() - 0.5) * 0.02, lon: s.location.lon + (rng.unit() - 0.5) * 0.03 };
        Query { home, ..q }
    };
    let t = std::time::Instant::now();
    let index = SettingIndex::build(&settings);
    eprintln!("index build: {:?}", t.elapsed());
    let policy = Policy::illustrative_default();
    let t = std::time::Instant::now();
    let ctx = RankContext::new(&settings, DataInfo::default(), las());
    eprintln!("rank context (rows and partition profile): {:?}", t.elapsed());
    let typical: Vec<Query> = (0..2000)
        .map(|_| {
            let q = typical_query(&mut rng, span);
            near_a_setting(&mut rng, q)
        })
        .collect();
    let mixed: Vec<Query> = (0..2000)
        .map(|_| {
            let q = Query { limit: 20, radius_miles: None, ..random_query(&mut rng, span) };
            near_a_setting(&mut rng, q)
        })
        .collect();
    let micros = |t: std::time::Instant| t.elapsed().as_nanos() as f64 / 1000.0;
    for (name, queries) in [("typical", &typical), ("mixed", &mixed)] {
        let (mut cold, mut warm, mut search_only, mut read) = (vec![], vec![], vec![], vec![]);
        for q in queries.iter() {
            let t = std::time::Instant::now();
            std::hint::black_box(shortlist(&settings, &index, &policy, q, &ctx).unwrap());
            cold.push(micros(t));
            let t = std::time::Instant::now();
            let l = std::hint::black_box(shortlist(&settings, &index, &policy, q, &ctx).unwrap());
            warm.push(micros(t));
            read.push(f64::from(l.counts.considered));
            let p = prepare(&policy, q).unwrap();
            let t = std::time::Instant::now();
            std::hint::black_box(run(ctx.tables(), &index, &p));
            search_only.push(micros(t));
        }
        for (what, v) in [
            ("shortlist, first run (cold cache)", &mut cold),
            ("shortlist, repeated (warm cache)", &mut warm),
            ("search only (warm)", &mut search_only),
            ("settings read", &mut read),
        ] {
            v.sort_by(f64::total_cmp);
            let at = |q: f64| v[((v.len() - 1) as f64 * q) as usize];
            eprintln!("{name:8} {what:36} median {:7.1}  p95 {:7.1}  max {:8.1}", at(0.5), at(0.95), at(1.0));
        }
    }
}
