//! Sources → one [`Dataset`]: merge what every source says about an establishment by URN,
//! field by field, keep the source of each field, and turn establishments into placement
//! settings (a mainstream school with a resourced provision becomes two settings).
//!
//! Rules (README "How the data is merged"):
//! - Sources are given in priority order (newest, most specific first); each field comes from
//!   the first source that records it. Unknown stays unknown: nothing is guessed from a name.
//! - An establishment is kept only if a source that lists *open* establishments lists it
//!   (so a 2023 Leeds row for a school that has since closed or converted is left out).
//! - A kind comes from the GIAS establishment type; failing that, from a recorded GIAS phase
//!   (Primary, Secondary, Middle, All-through → mainstream; Nursery → nursery school; 16 plus
//!   → post-16), marked [`KindBasis::Phase`]. In every source that records both, those phases
//!   belong only to those kinds.
//! - SEN types: the first source that records any; but a list the source flags as possibly
//!   cut short gives way to a longer, complete list from another source.

use crate::build::import::council::{SupplementRow, SupplementSite};
use crate::build::import::gias::GiasRecord;
use crate::build::import::sources::{match_key, Section41Entry};
use crate::build::import::{Facts, Overlays};
use crate::engine::dataset::{Dataset, DatasetMeta, SCHEMA_VERSION};
use crate::limits::MAX_SATELLITES_PER_URN;
use crate::model::{
    Date, Field, KindBasis, LaCode, LatLon, LocalAuthority, Phase, Places, Provenance, ProvisionKind, Setting, Site,
    Source, SourceId, Status, Urn,
};
use std::collections::{BTreeMap, HashMap};

/// One source's facts and what to make of them.
#[derive(Debug)]
pub struct SourceFacts {
    pub source: Source,
    /// True when the source lists open establishments as of its date (its presence keeps one).
    pub lists_open: bool,
    pub facts: Vec<Facts>,
}

/// Everything the merge needs besides the sources.
pub struct Inputs<'a> {
    /// In priority order: the first source that records a field wins.
    pub sources: Vec<SourceFacts>,
    pub section41: Vec<Section41Entry>,
    pub authorities: Vec<LocalAuthority>,
    /// The education authority at a point (from the postcode units), for establishments
    /// whose sources record none.
    pub la_at: &'a dyn Fn(LatLon) -> Option<LaCode>,
    pub build_date: Date,
    pub data_version: String,
}

impl std::fmt::Debug for Inputs<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inputs").field("sources", &self.sources.len()).finish_non_exhaustive()
    }
}

/// What the merge did with every establishment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MergeReport {
    pub establishments_seen: u32,
    pub establishments_kept: u32,
    /// Reason → URNs left out, in URN order.
    pub left_out: BTreeMap<String, Vec<u32>>,
    pub kind_from_phase: u32,
    pub la_from_postcodes: u32,
    pub section41_matched: u32,
    pub section41_unmatched: Vec<String>,
}

impl MergeReport {
    fn leave_out(&mut self, reason: impl Into<String>, urn: Urn) {
        self.left_out.entry(reason.into()).or_default().push(urn.0);
    }
}

/// Converts a GIAS record (full download or the Leeds extract) to facts.
pub fn facts_from_gias(r: &GiasRecord) -> Facts {
    Facts {
        urn: r.urn,
        name: Some(r.name.clone()),
        establishment_type: Some(r.establishment_type.clone()),
        status: Some(r.status),
        phase: r.phase,
        ages: r.ages,
        gender: r.gender,
        boarding: r.boarding,
        religious_character: Some(r.religious_character.clone()),
        section41: r.section41,
        la: r.la,
        postcode: r.postcode.clone(),
        location: Some(r.location),
        needs: r.needs,
        needs_possibly_truncated: false,
        overlays: Some(Overlays { resourced_provision: r.resourced_provision, sen_unit: r.sen_unit }),
        capacity: r.capacity,
        pupils: r.pupils,
        census_date: r.census_date,
        website: r.website.clone(),
    }
}

/// Merges the sources into a dataset (settings in spatial order).
pub fn assemble(inputs: Inputs<'_>) -> (Dataset, MergeReport) {
    let mut report = MergeReport::default();
    let mut by_urn: BTreeMap<Urn, Vec<(usize, &Facts)>> = BTreeMap::new();
    for (i, s) in inputs.sources.iter().enumerate() {
        for f in &s.facts {
            by_urn.entry(f.urn).or_default().push((i, f));
        }
    }
    let s41 = Section41Index::new(&inputs.section41, &inputs.authorities);
    let mut settings = Vec::new();
    let mut kept = 0;
    for (urn, facts) in &by_urn {
        report.establishments_seen += 1;
        if !facts.iter().any(|(i, _)| inputs.sources[*i].lists_open) {
            report.leave_out("not in the 2026 lists of open establishments (closed or converted since)", *urn);
            continue;
        }
        match merge_one(*urn, facts, &inputs, &s41, &mut report) {
            Ok(mut s) => {
                kept += 1;
                settings.append(&mut s);
            }
            Err(reason) => report.leave_out(reason, *urn),
        }
    }
    report.establishments_kept = kept;
    report.section41_unmatched = s41.unmatched();
    let sources: Vec<Source> = inputs.sources.iter().map(|s| s.source.clone()).collect();
    let coverage = coverage_line(&settings, kept);
    let mut dataset = Dataset {
        meta: DatasetMeta {
            schema_version: SCHEMA_VERSION,
            build_date: inputs.build_date,
            data_version: inputs.data_version,
            coverage,
            sources,
            setting_count: settings.len() as u32,
            establishment_count: kept,
        },
        settings,
        authorities: inputs.authorities,
    };
    dataset.sort_settings();
    (dataset, report)
}

fn coverage_line(settings: &[Setting], establishments: u32) -> String {
    let special = settings.iter().filter(|s| s.kind.is_specialist()).count();
    let with_needs = settings.iter().filter(|s| s.needs.is_some()).count();
    format!(
        "{establishments} open establishments in England ({} placement options, {special} specialist); SEN types recorded for {with_needs}",
        settings.len()
    )
}

/// First `Some` of a field in priority order, with the source it came from.
fn first<'f, T>(facts: &[(usize, &'f Facts)], get: impl Fn(&'f Facts) -> Option<T>) -> Option<(T, usize)> {
    facts.iter().find_map(|(i, f)| get(f).map(|v| (v, *i)))
}

fn merge_one(
    urn: Urn,
    facts: &[(usize, &Facts)],
    inputs: &Inputs<'_>,
    s41: &Section41Index,
    report: &mut MergeReport,
) -> Result<Vec<Setting>, String> {
    let mut prov = Provenance::default();
    let mut note = |field: Field, i: usize| prov.set(field, SourceId(i as u8));

    let status = first(facts, |f| f.status).map(|(s, _)| s).unwrap_or(Status::Open);
    let (name, i) = first(facts, |f| f.name.clone()).ok_or("no name in any source")?;
    note(Field::Identity, i);
    let (location, i) = first(facts, |f| f.location).ok_or("no location in any source")?;
    note(Field::Location, i);
    // GIAS records most special schools' phase as "Not applicable": a source that records a
    // phase with an age span (Trafford's list, a council's GIAS download) is not overruled by it.
    let phase = first(facts, |f| f.phase.filter(|p| *p != Phase::NotApplicable))
        .or_else(|| first(facts, |f| f.phase))
        .map(|(p, _)| p);
    let establishment_type = first(facts, |f| f.establishment_type.clone());
    // The kind is inferred only from the phase of the first source that records one: GIAS's
    // "Not applicable" (independent schools, among others) keeps a school of unknown type out,
    // whatever phase an older list gives it.
    let phase_for_kind = first(facts, |f| f.phase);

    let (kind, kind_basis) = match &establishment_type {
        Some((t, i)) => {
            note(Field::Kind, *i);
            let kind = ProvisionKind::from_gias_type(t)
                .ok_or_else(|| format!("type \"{t}\" is not a placement this tool lists"))?;
            (kind, KindBasis::EstablishmentType)
        }
        None => {
            let kind = match phase_for_kind.map(|(p, _)| p) {
                Some(
                    Phase::Primary
                    | Phase::Secondary
                    | Phase::MiddleDeemedPrimary
                    | Phase::MiddleDeemedSecondary
                    | Phase::AllThrough,
                ) => ProvisionKind::Mainstream,
                Some(Phase::Nursery) => ProvisionKind::EarlyYears,
                Some(Phase::SixteenPlus) => ProvisionKind::Post16,
                _ => return Err("type not recorded in any source, and no phase to go on".into()),
            };
            report.kind_from_phase += 1;
            if let Some((_, i)) = phase_for_kind {
                note(Field::Kind, i);
            }
            (kind, KindBasis::Phase)
        }
    };

    let ages = match first(facts, |f| f.ages) {
        Some((a, i)) => {
            note(Field::Ages, i);
            Some(a)
        }
        None => {
            let ages = phase.and_then(Phase::typical_ages);
            if ages.is_some() {
                if let Some((_, i)) = first(facts, |f| f.phase.filter(|p| Some(*p) == phase)) {
                    note(Field::Ages, i);
                }
            }
            ages
        }
    };
    let gender = first(facts, |f| f.gender).map(|(g, i)| {
        note(Field::Gender, i);
        g
    });
    let boarding = first(facts, |f| f.boarding).map(|(b, _)| b);
    let religious = first(facts, |f| f.religious_character.clone()).map(|(r, _)| r);
    let la = match first(facts, |f| f.la) {
        Some((la, i)) => {
            note(Field::La, i);
            Some(la)
        }
        None => {
            let la = (inputs.la_at)(location);
            if la.is_some() {
                report.la_from_postcodes += 1;
            }
            la
        }
    };
    let postcode = first(facts, |f| f.postcode.clone()).map(|(p, _)| p);
    let website = first(facts, |f| f.website.as_deref().and_then(normalise_website)).map(|(w, i)| {
        note(Field::Contact, i);
        w
    });

    let mut section41 = first(facts, |f| f.section41).map(|(v, i)| {
        note(Field::Section41, i);
        v
    });
    if section41.is_none() && matches!(kind, ProvisionKind::IndependentSpecial | ProvisionKind::Post16) {
        if let Some(found) = s41.find(&name, la) {
            section41 = Some(found);
            report.section41_matched += 1;
        }
    }

    let needs = pick_needs(facts);
    if let Some((_, _, i)) = needs {
        note(Field::Needs, i);
    }
    let (needs, needs_truncated) = match needs {
        Some((n, t, _)) => (Some(n), t),
        None => (None, false),
    };

    let source_date = |i: usize| inputs.sources[i].source.date;
    let school_places = first(facts, |f| f.capacity.map(|c| (c, f.pupils, f.census_date))).map(|((c, p, d), i)| {
        note(Field::Places, i);
        Places { capacity: Some(c), on_roll: p, as_of: d.or(source_date(i)) }
    });

    let base = Setting {
        urn,
        site: Site::Main,
        name: name.clone(),
        kind,
        kind_basis,
        establishment_type: establishment_type.map(|(t, _)| t),
        status,
        location,
        postcode,
        la,
        phase,
        ages,
        gender,
        boarding,
        religious_character_known: religious.is_some(),
        religious_character: religious.flatten(),
        section41,
        needs,
        needs_possibly_truncated: needs_truncated,
        places: school_places,
        website,
        notes: None,
        provenance: prov,
    };

    let mut out = Vec::with_capacity(1);
    let overlays = first(facts, |f| f.overlays);
    if kind == ProvisionKind::Mainstream {
        if let Some((o, oi)) = overlays {
            for (site, overlay_kind, present, label) in [
                (
                    Site::ResourcedProvision,
                    ProvisionKind::ResourcedProvision,
                    o.resourced_provision.is_some(),
                    "resourced provision",
                ),
                (Site::SenUnit, ProvisionKind::SenUnit, o.sen_unit.is_some(), "SEN unit"),
            ] {
                if !present {
                    continue;
                }
                // Figures from the first source that has any for this overlay.
                let places = first(facts, |f| {
                    let o = f.overlays?;
                    let p = if site == Site::SenUnit { o.sen_unit? } else { o.resourced_provision? };
                    (p.capacity.is_some() || p.on_roll.is_some()).then_some(p)
                });
                let mut unit = base.clone();
                unit.site = site;
                unit.kind = overlay_kind;
                unit.kind_basis = KindBasis::EstablishmentType;
                unit.name = format!("{name} ({label})");
                unit.places = places.map(|(p, i)| Places { as_of: p.as_of.or(source_date(i)), ..p });
                unit.provenance.set(Field::Kind, SourceId(oi as u8));
                if let Some((_, i)) = places {
                    unit.provenance.set(Field::Places, SourceId(i as u8));
                }
                out.push(unit);
            }
        }
        // In GIAS, a mainstream school's SEN types describe its resourced provision or unit.
        let mut main = base;
        if !out.is_empty() {
            main.needs = None;
            main.needs_possibly_truncated = false;
        }
        out.insert(0, main);
    } else {
        out.push(base);
    }
    Ok(out)
}

fn pick_needs(facts: &[(usize, &Facts)]) -> Option<(crate::model::NeedSet, bool, usize)> {
    let (needs, truncated, i) = facts.iter().find_map(|(i, f)| f.needs.map(|n| (n, f.needs_possibly_truncated, *i)))?;
    if truncated {
        if let Some(better) = facts.iter().find_map(|(j, f)| {
            f.needs.filter(|n| !f.needs_possibly_truncated && n.len() > needs.len()).map(|n| (n, false, *j))
        }) {
            return Some(better);
        }
    }
    Some((needs, truncated, i))
}

/// Websites as GIAS writes them (`www.x.sch.uk`) become links; anything that is not then a
/// [safe http(s) link](crate::model::is_safe_link) is dropped.
fn normalise_website(w: &str) -> Option<String> {
    let w = w.trim();
    let lower = w.to_ascii_lowercase();
    let link = if lower.starts_with("https://") || lower.starts_with("http://") {
        w.to_string()
    } else if w.is_empty() || lower.contains(':') {
        return None;
    } else {
        format!("https://{w}")
    };
    crate::model::is_safe_link(&link).then_some(link)
}

/// Section 41 lists are names and LA names only: match on both, normalised.
struct Section41Index {
    entries: HashMap<(String, Option<LaCode>), bool>,
    used: std::cell::RefCell<std::collections::HashSet<(String, Option<LaCode>)>>,
}

impl Section41Index {
    fn new(entries: &[Section41Entry], authorities: &[LocalAuthority]) -> Section41Index {
        let by_name = crate::build::import::sources::la_name_lookup(authorities);
        let map = entries
            .iter()
            .map(|e| ((match_key(&e.name), by_name.get(&match_key(&e.la_name)).copied()), e.approved))
            .collect();
        Section41Index { entries: map, used: Default::default() }
    }

    fn find(&self, name: &str, la: Option<LaCode>) -> Option<bool> {
        let key = (match_key(name), la);
        let v = *self.entries.get(&key)?;
        self.used.borrow_mut().insert(key);
        Some(v)
    }

    fn unmatched(&self) -> Vec<String> {
        let used = self.used.borrow();
        let mut v: Vec<String> = self
            .entries
            .iter()
            .filter(|(k, approved)| **approved && !used.contains(*k))
            .map(|(k, _)| k.0.clone())
            .collect();
        v.sort();
        v
    }
}

/// Applies a council supplement over a dataset: overrides by URN and site, adds resourced
/// provisions, SEN units and satellites. Every row is applied or rejected with its reason.
pub fn apply_supplement(
    dataset: &mut Dataset,
    rows: &[SupplementRow],
    source: Source,
    report: &mut crate::build::import::ImportReport,
) {
    let source_id = SourceId(dataset.meta.sources.len() as u8);
    dataset.meta.sources.push(source);
    let mut rejected = Vec::new();
    // Looked up by URN and site, not by scanning: a supplement may have as many rows as GIAS.
    let mut position: HashMap<(Urn, Site), usize> =
        dataset.settings.iter().enumerate().map(|(i, s)| ((s.urn, s.site), i)).collect();
    let mut satellites: HashMap<Urn, usize> = HashMap::new();
    for s in &dataset.settings {
        if matches!(s.site, Site::Satellite(_)) {
            *satellites.entry(s.urn).or_default() += 1;
        }
    }
    for row in rows {
        let Some(&main_ix) = position.get(&(row.urn, Site::Main)) else {
            rejected.push(crate::build::import::RowIssue {
                row: row.row,
                column: Some("urn".into()),
                urn: Some(row.urn.0),
                reason: format!("URN {} is not in the dataset (closed, or not in these sources)", row.urn),
            });
            continue;
        };
        let (site, kind, label) = match row.site {
            SupplementSite::Main => (Site::Main, None, ""),
            SupplementSite::ResourcedProvision => {
                (Site::ResourcedProvision, Some(ProvisionKind::ResourcedProvision), "resourced provision")
            }
            SupplementSite::SenUnit => (Site::SenUnit, Some(ProvisionKind::SenUnit), "SEN unit"),
            SupplementSite::Satellite => {
                let n = satellites.get(&row.urn).copied().unwrap_or(0);
                if n >= MAX_SATELLITES_PER_URN {
                    rejected.push(crate::build::import::RowIssue {
                        row: row.row,
                        column: Some("site".into()),
                        urn: Some(row.urn.0),
                        reason: format!(
                            "URN {} already has {n} satellites, the most one establishment may have \
                             (limits::MAX_SATELLITES_PER_URN)",
                            row.urn
                        ),
                    });
                    continue;
                }
                // Numbered from 1; the cap keeps the number within a u8.
                (Site::Satellite(n as u8 + 1), Some(ProvisionKind::SenUnit), "satellite")
            }
        };
        if row.site == SupplementSite::Satellite && row.location.is_none() {
            rejected.push(crate::build::import::RowIssue {
                row: row.row,
                column: Some("lat".into()),
                urn: Some(row.urn.0),
                reason: "a satellite needs its own location (lat and lon)".into(),
            });
            continue;
        }
        let ix = match position.get(&(row.urn, site)) {
            Some(&ix) => ix,
            None => {
                let main = &dataset.settings[main_ix];
                let mut new = main.clone();
                new.site = site;
                new.kind = kind.unwrap_or(main.kind);
                new.kind_basis = KindBasis::EstablishmentType;
                new.name = format!("{} ({label})", main.name);
                new.places = None;
                new.provenance.set(Field::Kind, source_id);
                dataset.settings.push(new);
                position.insert((row.urn, site), dataset.settings.len() - 1);
                if let Site::Satellite(_) = site {
                    *satellites.entry(row.urn).or_default() += 1;
                }
                dataset.settings.len() - 1
            }
        };
        let s = &mut dataset.settings[ix];
        let mut set = |field: Field| s.provenance.set(field, source_id);
        if row.name.is_some() {
            set(Field::Identity);
        }
        if row.kind.is_some() {
            set(Field::Kind);
        }
        if row.needs.is_some() {
            set(Field::Needs);
        }
        if row.capacity.is_some() || row.on_roll.is_some() {
            set(Field::Places);
        }
        if row.ages.is_some() {
            set(Field::Ages);
        }
        if row.location.is_some() {
            set(Field::Location);
        }
        if row.website.is_some() {
            set(Field::Contact);
        }
        if let Some(n) = &row.name {
            s.name = n.clone();
        }
        if let Some(k) = row.kind {
            s.kind = k;
            s.kind_basis = KindBasis::EstablishmentType;
        }
        if let Some(n) = row.needs {
            s.needs = Some(n);
            s.needs_possibly_truncated = false;
        }
        if row.capacity.is_some() || row.on_roll.is_some() {
            s.places = Some(Places {
                capacity: row.capacity,
                on_roll: row.on_roll,
                as_of: row.places_date.or(dataset.meta.sources[source_id.0 as usize].date),
            });
        }
        if let Some(a) = row.ages {
            s.ages = Some(a);
        }
        if let Some(l) = row.location {
            s.location = l;
        }
        if let Some(p) = &row.postcode {
            s.postcode = Some(p.clone());
        }
        if let Some(w) = &row.website {
            s.website = Some(w.clone());
        }
        if let Some(n) = &row.notes {
            s.notes = Some(n.clone());
        }
    }
    report.accepted = report.accepted.saturating_sub(rejected.len() as u64);
    report.rejected.extend(rejected);
    dataset.meta.setting_count = dataset.settings.len() as u32;
    dataset.sort_settings();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AgeBasis, AgeRange, Need, NeedSet};

    fn src(key: &str, lists_open: bool, facts: Vec<Facts>) -> SourceFacts {
        SourceFacts {
            source: Source {
                key: key.into(),
                title: key.into(),
                date: Date::new(2026, 1, 30),
                rows: facts.len() as u32,
            },
            lists_open,
            facts,
        }
    }

    fn at(urn: u32) -> Facts {
        Facts { urn: Urn(urn), location: Some(LatLon { lat: 53.8, lon: -1.55 }), ..Facts::default() }
    }

    fn run(sources: Vec<SourceFacts>) -> (Dataset, MergeReport) {
        assemble(Inputs {
            sources,
            section41: vec![],
            authorities: vec![],
            la_at: &|_| Some(LaCode(383)),
            build_date: Date::new(2026, 11, 22).unwrap(),
            data_version: "t".into(),
        })
    }

    #[test]
    fn a_school_no_open_list_names_is_left_out() {
        let leeds = Facts { name: Some("Old".into()), establishment_type: Some("Community school".into()), ..at(1) };
        let (d, r) = run(vec![src("leeds", false, vec![leeds])]);
        assert!(d.settings.is_empty());
        assert_eq!(r.left_out.values().flatten().count(), 1);
    }

    #[test]
    fn kind_from_phase_only_when_type_unknown_and_marked_so() {
        let nat = Facts { name: Some("P".into()), phase: Some(Phase::Primary), ..at(1) };
        let (d, _) = run(vec![src("national", true, vec![nat])]);
        let s = &d.settings[0];
        assert_eq!((s.kind, s.kind_basis), (ProvisionKind::Mainstream, KindBasis::Phase));
        assert_eq!(s.ages.map(|a| a.basis), Some(AgeBasis::Phase));
    }

    #[test]
    fn a_resourced_provision_becomes_its_own_setting_with_the_needs() {
        let nat = Facts { name: Some("Moor".into()), phase: Some(Phase::Primary), ..at(7) };
        let leeds = Facts {
            name: Some("Moor Allerton".into()),
            establishment_type: Some("Community school".into()),
            needs: Some(NeedSet::EMPTY.with(Need::HI)),
            overlays: Some(Overlays {
                resourced_provision: Some(Places { capacity: Some(16), on_roll: Some(12), as_of: None }),
                sen_unit: None,
            }),
            ..at(7)
        };
        let (d, _) = run(vec![src("national", true, vec![nat]), src("leeds", false, vec![leeds])]);
        assert_eq!(d.settings.len(), 2);
        let rp = d.settings.iter().find(|s| s.site == Site::ResourcedProvision).unwrap();
        assert_eq!(rp.needs, Some(NeedSet::EMPTY.with(Need::HI)));
        assert_eq!(rp.places.unwrap().capacity, Some(16));
        let main = d.settings.iter().find(|s| s.site == Site::Main).unwrap();
        assert_eq!(main.needs, None);
        assert_eq!(main.name, "Moor", "the first source's name wins");
    }

    mod ages_and_phase {
        use super::*;

        fn special(urn: u32) -> Facts {
            Facts {
                name: Some("Special".into()),
                establishment_type: Some("Academy special converter".into()),
                ..at(urn)
            }
        }

        #[test]
        fn a_recorded_phase_is_not_overruled_by_a_not_applicable_from_a_higher_source() {
            // GIAS's national list says "Not applicable" for special schools; Trafford's list says "Secondary".
            let national = Facts { phase: Some(Phase::NotApplicable), ..at(5) };
            let trafford = Facts { phase: Some(Phase::Secondary), ..at(5) };
            let (d, _) = run(vec![
                src("special", true, vec![special(5)]),
                src("national", true, vec![national]),
                src("trafford", false, vec![trafford]),
            ]);
            let s = &d.settings[0];
            assert_eq!(s.phase, Some(Phase::Secondary));
            assert_eq!(s.ages, Some(AgeRange { low: 11, high: 19, basis: AgeBasis::Phase }));
            assert!(!s.ages.unwrap().contains(7), "a secondary special school does not take a child of 7");
            assert_eq!(s.provenance.get(Field::Ages), SourceId(2), "the ages name the source of the phase");
        }

        #[test]
        fn statutory_ages_win_over_a_phase() {
            let trafford = Facts {
                phase: Some(Phase::Secondary),
                ages: Some(AgeRange { low: 11, high: 18, basis: AgeBasis::Statutory }),
                ..at(5)
            };
            let (d, _) = run(vec![src("special", true, vec![special(5)]), src("trafford", false, vec![trafford])]);
            assert_eq!(d.settings[0].ages, Some(AgeRange { low: 11, high: 18, basis: AgeBasis::Statutory }));
        }

        #[test]
        fn with_no_ages_and_only_not_applicable_the_age_range_stays_unknown() {
            let national = Facts { phase: Some(Phase::NotApplicable), ..at(5) };
            let (d, _) = run(vec![src("special", true, vec![special(5)]), src("national", true, vec![national])]);
            let s = &d.settings[0];
            assert_eq!((s.phase, s.ages), (Some(Phase::NotApplicable), None));
        }

        #[test]
        fn an_older_lists_phase_does_not_make_a_school_of_unknown_type_mainstream() {
            // An independent school: no type in these sources, "Not applicable" in the national list.
            let national = Facts { name: Some("Independent".into()), phase: Some(Phase::NotApplicable), ..at(6) };
            let trafford = Facts { phase: Some(Phase::Primary), ..at(6) };
            let (d, r) = run(vec![src("national", true, vec![national]), src("trafford", false, vec![trafford])]);
            assert!(d.settings.is_empty());
            assert_eq!(r.kind_from_phase, 0);
        }
    }

    #[test]
    fn a_truncated_need_list_gives_way_to_a_longer_complete_one() {
        let first = Facts {
            name: Some("S".into()),
            establishment_type: Some("Community special school".into()),
            needs: Some([Need::SpLD, Need::VI, Need::OTH, Need::HI, Need::SLCN].into_iter().collect()),
            needs_possibly_truncated: true,
            ..at(3)
        };
        let full = Facts {
            needs: Some([Need::SpLD, Need::VI, Need::OTH, Need::HI, Need::SLCN, Need::ASD].into_iter().collect()),
            ..at(3)
        };
        let (d, _) = run(vec![src("special", true, vec![first]), src("leeds", false, vec![full])]);
        assert!(d.settings[0].needs.unwrap().contains(Need::ASD));
        assert!(!d.settings[0].needs_possibly_truncated);
    }

    #[test]
    fn websites_become_https_links_and_other_schemes_are_dropped() {
        assert_eq!(normalise_website("www.x.sch.uk").as_deref(), Some("https://www.x.sch.uk"));
        assert_eq!(normalise_website("javascript:alert(1)"), None);
        let _ = AgeRange { low: 1, high: 2, basis: AgeBasis::Statutory };
    }

    #[test]
    fn a_website_that_would_break_out_of_a_link_is_dropped() {
        assert_eq!(normalise_website("www.x.sch.uk\"><img src=x onerror=alert(1)>"), None);
        assert_eq!(normalise_website("https://x.org/\u{202E}fdp.exe"), None);
    }

    mod supplement {
        use super::*;
        use crate::build::import::council::read_supplement;
        use crate::build::import::ImportReport;

        /// A dataset of one special school, URN 7, with the supplement `csv` applied.
        fn applied(csv: &str) -> (Dataset, ImportReport) {
            let school =
                Facts { name: Some("S".into()), establishment_type: Some("Community special school".into()), ..at(7) };
            let (mut dataset, _) = run(vec![src("national", true, vec![school])]);
            let (rows, mut report) = read_supplement("s.csv", csv.as_bytes()).unwrap();
            let source = Source { key: "council-supplement".into(), title: "s".into(), date: None, rows: 0 };
            apply_supplement(&mut dataset, &rows, source, &mut report);
            assert!(report.is_balanced(), "{}", report.summary());
            (dataset, report)
        }

        #[test]
        fn three_hundred_satellites_of_one_school_stop_at_the_cap_instead_of_overflowing_the_site_number() {
            let mut csv = "urn,site,name,lat,lon\n".to_string();
            for i in 0..300 {
                csv += &format!("7,satellite,Satellite {i},53.8,-1.55\n");
            }
            let (dataset, report) = applied(&csv);
            let mut numbers: Vec<u8> = dataset
                .settings
                .iter()
                .filter_map(|s| if let Site::Satellite(n) = s.site { Some(n) } else { None })
                .collect();
            numbers.sort_unstable();
            assert_eq!(numbers, (1..=MAX_SATELLITES_PER_URN as u8).collect::<Vec<_>>());
            assert_eq!(report.rejected.len(), 300 - MAX_SATELLITES_PER_URN);
            let first = &report.rejected[0];
            assert_eq!((first.row, first.column.as_deref()), (2 + MAX_SATELLITES_PER_URN as u64, Some("site")));
            assert!(first.reason.contains("limits::MAX_SATELLITES_PER_URN"), "{}", first.reason);
        }

        #[test]
        fn rows_for_a_unit_update_the_unit_they_created() {
            let (dataset, report) = applied("urn,site,capacity,notes\n7,senUnit,8,\n7,senUnit,,Vacancies\n8,main,,\n");
            let unit = dataset.settings.iter().find(|s| s.site == Site::SenUnit).unwrap();
            assert_eq!((unit.places.and_then(|p| p.capacity), unit.notes.as_deref()), (Some(8), Some("Vacancies")));
            assert_eq!(dataset.settings.len(), 2);
            assert_eq!((report.rejected[0].row, report.rejected[0].column.as_deref()), (4, Some("urn")));
        }
    }
}
