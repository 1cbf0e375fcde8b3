//! The [`ShortList`] and its plain-English reasons. Strings are built here, only for the
//! settings that end up in the list or among the near misses.

use super::query::{kind_bit, ChildAge, Prepared, Query};
use super::score::{preference_values, recorded_needs, score, Eval, Factor, Rule, RuleCode, Scored};
use super::search::{Cand, Run};
use super::tables::{Row, Tables};
use crate::error::{Error, Result};
use crate::model::{
    AgeBasis, AgeRange, Boarding, Date, Gender, LaCode, LatLon, LocalAuthority, NeedSet, Phase, Places, ProvisionKind,
    Setting, Site, Source, Status, Urn, METRES_PER_MILE,
};
use crate::policy::Wording;
use serde::Serialize;

/// What the list was made from: shown with the list so that a printed copy says so.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DataInfo {
    /// Dataset version (schema and build).
    pub version: String,
    /// When the dataset was built.
    pub built: Option<Date>,
    pub sources: Vec<Source>,
}

/// What a list needs besides the settings, the index, the policy and the query. Made once per
/// dataset by [`RankContext::new`], from the settings the index was built from.
#[derive(Clone, Debug)]
pub struct RankContext {
    pub data: DataInfo,
    /// For council names ("In Leeds, not your council area"); may be empty.
    pub local_authorities: Vec<LocalAuthority>,
    tables: Tables,
}

impl RankContext {
    /// Reads `settings` once into the compact tables the search uses (a few milliseconds for
    /// all of England), so that no query has to.
    pub fn new(settings: &[Setting], data: DataInfo, local_authorities: Vec<LocalAuthority>) -> RankContext {
        RankContext { data, local_authorities, tables: Tables::build(settings) }
    }

    /// The tables, if they were made from `settings` (same count, same first and last setting).
    pub(crate) fn tables_for(&self, settings: &[Setting]) -> Result<&Tables> {
        let rows = &self.tables.rows;
        let same = |s: Option<&Setting>, r: Option<&super::tables::Row>| match (s, r) {
            (Some(s), Some(r)) => (s.urn, s.site) == (r.urn, r.site),
            (None, None) => true,
            _ => false,
        };
        if rows.len() == settings.len() && same(settings.first(), rows.first()) && same(settings.last(), rows.last()) {
            Ok(&self.tables)
        } else {
            Err(Error::corrupt(
                "rank context",
                format!(
                    "it was made for {} settings, not these {}; make it with RankContext::new from the same settings",
                    rows.len(),
                    settings.len()
                ),
            ))
        }
    }

    #[cfg(test)]
    pub(crate) fn tables(&self) -> &Tables {
        &self.tables
    }

    pub(crate) fn la_name(&self, code: LaCode) -> Option<&str> {
        self.local_authorities.iter().find(|la| la.code == code).map(|la| la.name.as_str())
    }
}

/// The tailored list: self-describing, so that a printed or shared copy says what it is.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShortList {
    /// The query, as given.
    pub query: Query,
    pub child: ChildAge,
    pub policy: PolicyRef,
    /// The kinds of setting considered.
    pub kinds: Vec<ProvisionKind>,
    pub radius_miles: f64,
    /// "This list is advisory ..." (policy wording).
    pub advisory: String,
    pub data: DataInfo,
    pub results: Vec<RankedSetting>,
    pub near_misses: Vec<NearMiss>,
    pub counts: Counts,
}

/// The policy pack a list was made under.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyRef {
    pub id: String,
    pub version: String,
    pub illustrative: bool,
    pub title: String,
    pub notice: String,
    pub level_id: String,
    pub level_label: String,
}

/// How many settings the search looked at. The search stops as soon as nothing further can make
/// the list, so these count what it read (within the radius and a little beyond), not all of England.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    /// Settings read and checked against the rules.
    pub considered: u32,
    /// Of those, how many passed every rule.
    pub eligible: u32,
    pub listed: u32,
    /// Settings in the dataset.
    pub in_dataset: u32,
}

/// One setting on the list.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RankedSetting {
    /// 1-based position.
    pub rank: u32,
    pub urn: Urn,
    pub site: Site,
    pub name: String,
    pub kind: ProvisionKind,
    pub kind_label: &'static str,
    pub establishment_type: Option<String>,
    pub age_range: Option<AgeRange>,
    pub phase: Option<Phase>,
    pub gender: Option<Gender>,
    /// Straight-line (great-circle) distance from home, metres.
    pub distance_m: u32,
    /// The same in miles, to one decimal place, for display.
    pub distance_miles: f64,
    /// Fit, 0–1.
    pub score: f64,
    /// Share of the score's weight that rests on known data, 0–1.
    pub coverage: f64,
    /// Every factor, then every note, in plain English.
    pub reasons: Vec<Reason>,
    /// The codes of the notes among `reasons` (things to check), for badges.
    pub flags: Vec<ReasonCode>,
    pub places: Option<PlacesInfo>,
    pub website: Option<String>,
    pub postcode: Option<String>,
    pub location: LatLon,
    pub la: Option<LaRef>,
}

/// A setting with the child's primary-need specialism that one rule left out, though it would
/// otherwise have made the list.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NearMiss {
    pub urn: Urn,
    pub site: Site,
    pub name: String,
    pub kind: ProvisionKind,
    pub kind_label: &'static str,
    pub distance_m: u32,
    pub distance_miles: f64,
    /// The score it would have had.
    pub score: f64,
    pub rule: Rule,
}

/// Places figures, camelCase for JS.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlacesInfo {
    pub capacity: Option<u32>,
    pub on_roll: Option<u32>,
    /// Capacity less on roll; negative when over capacity.
    pub free: Option<i32>,
    pub as_of: Option<Date>,
}

impl From<Places> for PlacesInfo {
    fn from(p: Places) -> PlacesInfo {
        let free = p.free().map(|f| f.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32);
        PlacesInfo { capacity: p.capacity, on_roll: p.on_roll, free, as_of: p.as_of }
    }
}

/// A council area, with its name when known.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LaRef {
    pub code: LaCode,
    pub name: Option<String>,
}

/// What a reason is about. Factor reasons carry a [`FactorScore`]; the rest are notes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ReasonCode {
    PrimaryNeedSpecialism,
    SecondaryNeeds,
    BroadArea,
    KindFit,
    Distance,
    Preferences,
    Places,
    AgesNotRecorded,
    NeedsNotRecorded,
    ProposedToClose,
    Section41,
    BeyondWalkingDistance,
    OutsideHomeLa,
    MainstreamPresumption,
}

/// One line of an explanation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Reason {
    pub code: ReasonCode,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub factor: Option<FactorScore>,
}

/// The numbers behind a factor reason.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FactorScore {
    /// The policy weight.
    pub weight: f64,
    /// 0–1; `None` when the data is not known (the weight then goes to the known factors).
    pub value: Option<f64>,
    /// What it adds to the score; the contributions add up to the score.
    pub contribution: f64,
}

pub(crate) fn miles_text(distance_m: f64) -> String {
    let miles = distance_m / METRES_PER_MILE;
    if miles < 0.05 {
        "less than 0.1".to_string()
    } else {
        format!("{miles:.1}")
    }
}

pub(crate) fn round_miles(distance_m: f64) -> f64 {
    (distance_m / METRES_PER_MILE * 10.0).round() / 10.0
}

pub(crate) fn metres(distance_m: f64) -> u32 {
    distance_m.round().clamp(0.0, f64::from(u32::MAX)) as u32
}

/// "10" or "7.5".
fn number(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x}")
    }
}

fn month_year(d: Date) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let month = MONTHS.get(usize::from(d.month).wrapping_sub(1)).copied().unwrap_or("");
    format!("{month} {}", d.year)
}

/// "autism", "autism and hearing impairment", "a, b and c".
fn need_list(needs: NeedSet) -> String {
    let words: Vec<&str> = needs.iter().map(|n| n.plain()).collect();
    match words.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

pub(crate) fn lower_first(text: &str) -> String {
    let mut c = text.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The text of an exclusion rule for `s`.
pub(crate) fn rule_text(p: &Prepared, s: &Setting, distance_m: f64, code: RuleCode, ctx: &RankContext) -> String {
    let age = p.child.match_age;
    match code {
        RuleCode::KindNotConsidered => {
            if p.level.fit(s.kind).is_some() {
                format!("{} is not among the kinds of setting you chose", s.kind.label())
            } else {
                format!("{} is not among the kinds considered for “{}”", s.kind.label(), p.level.label)
            }
        }
        RuleCode::IndependentNotIncluded => format!(
            "{}: independent and non-maintained special schools were not included (you can include them)",
            s.kind.label()
        ),
        RuleCode::AgeOutsideRange => {
            let whose = if p.child.taught_out_of_year_group { " (the age you asked to match)" } else { "" };
            match s.ages {
                Some(AgeRange { low, high, basis: AgeBasis::Phase }) => {
                    let phase = s.phase.map_or("not recorded", Phase::label);
                    format!(
                        "Usually takes ages {low}–{high} (phase {phase}; age range not recorded): does not include age {age}{whose}"
                    )
                }
                Some(AgeRange { low, high, .. }) => format!("Age range {low}–{high} does not include age {age}{whose}"),
                None => format!("Age range does not include age {age}{whose}"),
            }
        }
        RuleCode::GenderOfEntry => match s.gender {
            Some(Gender::Boys) => "Takes boys only".to_string(),
            Some(Gender::Girls) => "Takes girls only".to_string(),
            _ => "Gender of entry does not match".to_string(),
        },
        RuleCode::BeyondRadius => {
            format!("{} miles away, beyond the {}-mile search radius", miles_text(distance_m), number(p.radius_miles))
        }
        RuleCode::OutsideHomeLa => match s.la {
            Some(la) => format!("In {}, and you asked for your council area only", la_words(la, ctx)),
            None => "Council area not recorded, and you asked for your council area only".to_string(),
        },
    }
}

fn la_words(la: LaCode, ctx: &RankContext) -> String {
    ctx.la_name(la).map_or_else(|| format!("council area {la}"), str::to_string)
}

fn site_words(s: &Setting) -> &'static str {
    match s.site {
        Site::ResourcedProvision => "Resourced provision",
        Site::SenUnit => "SEN unit",
        Site::Satellite(_) => "Satellite site",
        Site::Main => match s.kind {
            ProvisionKind::Post16 => "College",
            ProvisionKind::EarlyYears => "Nursery",
            _ => "School",
        },
    }
}

fn gender_words(g: Gender) -> &'static str {
    match g {
        Gender::Boys => "Boys' school",
        Gender::Girls => "Girls' school",
        Gender::Mixed => "Mixed school",
    }
}

fn factor_text(
    p: &Prepared,
    ctx: &RankContext,
    s: &Setting,
    row: &Row,
    distance_m: f64,
    (f, e): (Factor, &Eval),
) -> String {
    let (known, value) = (e.is_known(), e.value);
    let needs = recorded_needs(s).unwrap_or(NeedSet::EMPTY);
    let primary = p.primary.plain();
    let not_known = match (e.assumed, p.policy.unknown_needs_value) {
        (true, Some(v)) => {
            format!("Specialisms not recorded: counted as {v:.1} of a match, neither a match nor a mismatch")
        }
        _ => "Specialisms not recorded: left out of the score (its weight goes to the known factors)".to_string(),
    };
    match f {
        Factor::PrimaryNeed if !known => not_known,
        Factor::PrimaryNeed if value > 0.0 => {
            if s.kind.is_specialist() {
                format!("Specialist provision for {primary}")
            } else {
                format!("Records provision for {primary}")
            }
        }
        Factor::PrimaryNeed if needs.is_empty() => format!(
            "{}: no specialism recorded (every school and college must support children with special educational needs)",
            s.kind.label()
        ),
        Factor::PrimaryNeed => {
            let more = if s.needs_possibly_truncated { "; GIAS lists at most five, so there may be more" } else { "" };
            format!("No recorded provision for {primary} (records {}{more})", need_list(needs))
        }
        Factor::SecondaryNeeds if e.assumed => "Other needs in the plan: not recorded either (counted the same way)".into(),
        Factor::SecondaryNeeds if !known => String::new(),
        Factor::SecondaryNeeds => {
            let matched = NeedSet(needs.0 & p.others.0);
            let n = p.others.len();
            if matched.is_empty() {
                format!("Records none of the other needs in the plan (0 of {n})")
            } else {
                let noun = if n == 1 { "other need" } else { "other needs" };
                format!("Also records provision for {} ({} of {n} {noun})", need_list(matched), matched.len())
            }
        }
        Factor::BroadArea if e.assumed => "Broad area of need: not recorded either (counted the same way)".into(),
        Factor::BroadArea if !known => String::new(),
        Factor::BroadArea => {
            let area = p.primary.area().map_or("", |a| a.label());
            if value == 0.0 {
                format!("No recorded provision in {}", lower_first(area))
            } else if needs.contains(p.primary) {
                format!("Same broad area of need: {}", lower_first(area))
            } else {
                format!(
                    "Same broad area of need ({}): records {}",
                    lower_first(area),
                    need_list(NeedSet(needs.0 & p.area.0))
                )
            }
        }
        Factor::KindFit => {
            let (kind, level) = (s.kind.label(), &p.level.label);
            let added = p.considered & kind_bit(s.kind) != 0;
            match p.level.fit(s.kind) {
                None if added => format!("{kind}: not usually considered for “{level}”; you added it to the search"),
                None => format!("{kind}: not usually considered for “{level}”"),
                Some(_) if value >= 1.0 => format!("{kind}: a usual kind of setting for “{level}”"),
                Some(_) if value > 0.0 => format!("{kind}: sometimes considered for “{level}”"),
                Some(_) => format!("{kind}: considered for “{level}”, but rarely a good fit"),
            }
        }
        Factor::Distance => Wording::fill(&p.policy.wording.distance, &[("miles", &miles_text(distance_m))]),
        Factor::Preferences => preference_text(p, ctx, s, row),
        Factor::Places => {
            let prefix = site_words(s);
            match s.places {
                Some(Places { capacity: Some(cap), on_roll, as_of }) => {
                    let when = as_of.map(|d| format!(" ({})", month_year(d))).unwrap_or_default();
                    match on_roll {
                        Some(roll) if roll >= cap => format!(
                            "{prefix}: {cap} places, {roll} on roll{when}: shown as information, never a reason to leave it out"
                        ),
                        Some(roll) => format!("{prefix}: {cap} places, {roll} on roll{when}"),
                        None => format!("{prefix}: {cap} places{when}; number on roll not published"),
                    }
                }
                _ => "Places not published".to_string(),
            }
        }
    }
}

fn preference_text(p: &Prepared, ctx: &RankContext, s: &Setting, row: &Row) -> String {
    let [single_sex, religion, boarding] = preference_values(p, &ctx.tables, row);
    let verdict = |v: f64| {
        if v >= 1.0 {
            ", as you preferred"
        } else if v <= 0.0 {
            ", not what you preferred"
        } else {
            ""
        }
    };
    let mut parts: Vec<String> = Vec::new();
    match (single_sex, s.gender) {
        (Some(Some(v)), Some(g)) => parts.push(format!("{}{}", gender_words(g), verdict(v))),
        (Some(_), _) => parts.push("Gender of entry not recorded".to_string()),
        (None, _) => {}
    }
    match religion {
        Some(Some(v)) => {
            let rc = s.religious_character.as_deref().filter(|r| !super::query::means_no_religion(r));
            let what = rc.map_or_else(|| "No religious character".to_string(), |r| format!("Religious character: {r}"));
            parts.push(format!("{what}{}", verdict(v)));
        }
        Some(None) => parts.push("Religious character not recorded".to_string()),
        None => {}
    }
    match (boarding, s.boarding) {
        (Some(Some(v)), Some(b)) => {
            let what = match b {
                Boarding::MainlyBoarders => "Mainly boarders",
                Boarding::SomeBoarders => "Some pupils board",
                Boarding::NoBoarders => "No boarding",
            };
            parts.push(format!("{what}{}", verdict(v)));
        }
        (Some(_), _) => parts.push("Boarding not recorded".to_string()),
        (None, _) => {}
    }
    parts.join("; ")
}

fn reason_code(f: Factor) -> ReasonCode {
    match f {
        Factor::PrimaryNeed => ReasonCode::PrimaryNeedSpecialism,
        Factor::SecondaryNeeds => ReasonCode::SecondaryNeeds,
        Factor::BroadArea => ReasonCode::BroadArea,
        Factor::KindFit => ReasonCode::KindFit,
        Factor::Distance => ReasonCode::Distance,
        Factor::Preferences => ReasonCode::Preferences,
        Factor::Places => ReasonCode::Places,
    }
}

/// Every applicable factor with its numbers, then the notes; and the notes' codes.
pub(crate) fn reasons(
    p: &Prepared,
    ctx: &RankContext,
    s: &Setting,
    row: &Row,
    distance_m: f64,
    scored: &Scored,
    presumption: bool,
) -> (Vec<Reason>, Vec<ReasonCode>) {
    let mut out = Vec::with_capacity(12);
    for f in Factor::ALL {
        let e = scored.eval(f);
        if !e.applicable {
            continue;
        }
        let known = e.is_known();
        let contribution = if scored.known_weight > 0.0 { e.counted() * e.value / scored.known_weight } else { 0.0 };
        let text = factor_text(p, ctx, s, row, distance_m, (f, e));
        // Unknown need factors left out of the score share the primary need's sentence.
        if text.is_empty() {
            continue;
        }
        out.push(Reason {
            code: reason_code(f),
            text,
            factor: Some(FactorScore {
                weight: e.weight,
                value: (known || e.assumed).then_some(e.value),
                contribution,
            }),
        });
    }
    let wording = &p.policy.wording;
    let mut note = |code: ReasonCode, text: String| out.push(Reason { code, text, factor: None });
    match s.ages {
        None => note(ReasonCode::AgesNotRecorded, wording.ages_not_recorded.clone()),
        Some(AgeRange { low, high, basis: AgeBasis::Phase }) => note(
            ReasonCode::AgesNotRecorded,
            Wording::fill(
                &wording.ages_inferred,
                &[
                    ("low", &low.to_string()),
                    ("high", &high.to_string()),
                    ("phase", s.phase.map_or("not recorded", Phase::label)),
                ],
            ),
        ),
        Some(_) => {}
    }
    if row.needs_unknown() {
        note(ReasonCode::NeedsNotRecorded, Wording::fill(&wording.needs_not_recorded, &[("need", p.primary.plain())]));
    }
    if s.status == Status::OpenProposedToClose {
        note(ReasonCode::ProposedToClose, wording.proposed_to_close.clone());
    }
    if s.kind == ProvisionKind::IndependentSpecial {
        match s.section41 {
            Some(true) => note(ReasonCode::Section41, wording.section41_approved.clone()),
            Some(false) => note(ReasonCode::Section41, wording.section41_not_approved.clone()),
            None => {}
        }
    }
    // Statutory walking distance applies to children of school age: 2 miles under 8, 3 from 8.
    let age = p.child.age;
    if (4..=15).contains(&age) {
        let limit_miles = if age < 8 { 2.0 } else { 3.0 };
        if distance_m > limit_miles * METRES_PER_MILE {
            note(ReasonCode::BeyondWalkingDistance, wording.beyond_walking_distance.clone());
        }
    }
    if let (Some(home), Some(la)) = (p.home_la, s.la) {
        if home != la {
            note(ReasonCode::OutsideHomeLa, Wording::fill(&wording.outside_home_la, &[("la", &la_words(la, ctx))]));
        }
    }
    if presumption {
        note(ReasonCode::MainstreamPresumption, wording.mainstream_presumption.clone());
    }
    let flags = out.iter().filter(|r| r.factor.is_none()).map(|r| r.code).collect();
    (out, flags)
}

fn ranked(
    p: &Prepared,
    ctx: &RankContext,
    (s, row): (&Setting, &Row),
    c: &Cand,
    rank: usize,
    presumption: bool,
) -> RankedSetting {
    let scored = score(p, &ctx.tables, row, c.distance_m);
    let (reasons, flags) = reasons(p, ctx, s, row, c.distance_m, &scored, presumption);
    RankedSetting {
        rank: u32::try_from(rank).unwrap_or(u32::MAX),
        urn: s.urn,
        site: s.site,
        name: s.name.clone(),
        kind: s.kind,
        kind_label: s.kind.label(),
        establishment_type: s.establishment_type.clone(),
        age_range: s.ages,
        phase: s.phase,
        gender: s.gender,
        distance_m: metres(c.distance_m),
        distance_miles: round_miles(c.distance_m),
        score: scored.score,
        coverage: scored.coverage,
        reasons,
        flags,
        places: s.places.map(PlacesInfo::from),
        website: s.website.clone(),
        postcode: s.postcode.clone(),
        location: s.location,
        la: s.la.map(|code| LaRef { code, name: ctx.la_name(code).map(str::to_string) }),
    }
}

pub(crate) fn near_miss(p: &Prepared, s: &Setting, c: &Cand, ctx: &RankContext) -> NearMiss {
    let code = c.rule.unwrap_or(RuleCode::BeyondRadius);
    NearMiss {
        urn: s.urn,
        site: s.site,
        name: s.name.clone(),
        kind: s.kind,
        kind_label: s.kind.label(),
        distance_m: metres(c.distance_m),
        distance_miles: round_miles(c.distance_m),
        score: c.score,
        rule: Rule { code, text: rule_text(p, s, c.distance_m, code, ctx) },
    }
}

pub(crate) fn build(settings: &[Setting], p: &Prepared, run: &Run, query: &Query, ctx: &RankContext) -> ShortList {
    let results = run
        .listed
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let subject = (settings.get(c.id.index())?, ctx.tables.rows.get(c.id.index())?);
            Some(ranked(p, ctx, subject, c, i + 1, i >= run.presumption_from))
        })
        .collect();
    let near_misses = run.near.iter().filter_map(|c| Some(near_miss(p, settings.get(c.id.index())?, c, ctx))).collect();
    let kinds = ProvisionKind::ALL.into_iter().filter(|k| p.considered & super::query::kind_bit(*k) != 0).collect();
    ShortList {
        query: query.clone(),
        child: p.child.clone(),
        policy: PolicyRef {
            id: p.policy.id.clone(),
            version: p.policy.version.clone(),
            illustrative: p.policy.illustrative,
            title: p.policy.title.clone(),
            notice: p.policy.notice.clone(),
            level_id: p.level.id.clone(),
            level_label: p.level.label.clone(),
        },
        kinds,
        radius_miles: p.radius_miles,
        advisory: p.policy.wording.advisory.clone(),
        data: ctx.data.clone(),
        results,
        near_misses,
        counts: Counts {
            considered: run.considered,
            eligible: run.eligible,
            listed: u32::try_from(run.listed.len()).unwrap_or(u32::MAX),
            in_dataset: u32::try_from(settings.len()).unwrap_or(u32::MAX),
        },
    }
}
