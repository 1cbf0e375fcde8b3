//! The [`ShortList`] and its plain-English reasons, only for the settings that end up in the
//! list or among the near misses. A reason's sentence is decided here and written out when the
//! list is serialised ([`ReasonText`]).

use super::query::{kind_bit, ChildAge, Prepared, Query};
use super::score::{
    preference_values, recorded_needs, records_other_needs_only, score, Eval, Factor, Rule, RuleCode, Scored,
};
use super::search::{Cand, Run};
use super::tables::{AgesKnown, Row, Tables, POST16_ENTRY_AGE};
use super::words::{AgeTaken, AreaRecords, KindFit, Preference, ReasonText, Words};
use crate::decimal::{Fixed, Shortest};
use crate::error::{Error, Result};
use crate::model::{
    AgeBasis, AgeRange, Date, Gender, LaCode, LatLon, LocalAuthority, NeedSet, Phase, Places, ProvisionKind, Setting,
    Site, Source, Status, Urn, METRES_PER_MILE,
};
use serde::Serialize;
use std::borrow::Cow;

/// What the list was made from: shown with the list so that a printed copy says so.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
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
    /// Made from a core whose details are not all loaded: which settings' details are.
    loaded: Option<Vec<bool>>,
}

impl RankContext {
    /// Reads `settings` once into the compact tables the search uses (a few milliseconds for
    /// all of England), so that no query has to.
    pub fn new(settings: &[Setting], data: DataInfo, local_authorities: Vec<LocalAuthority>) -> RankContext {
        RankContext { data, local_authorities, tables: Tables::build(settings), loaded: None }
    }

    /// Marks which settings have their details (`None`: all of them). A list or explanation that
    /// would print, or depend on the order of, a setting without them is refused with
    /// [`Error::DetailsMissing`].
    pub(crate) fn set_loaded(&mut self, loaded: Option<Vec<bool>>) {
        self.loaded = loaded;
    }

    /// Takes the identity (URN, site) of setting `i` once its details are loaded.
    pub(crate) fn set_identity(&mut self, i: usize, s: &Setting) {
        if let Some(row) = self.tables.rows.get_mut(i) {
            row.urn = s.urn;
            row.site = s.site;
        }
        if let Some(flag) = self.loaded.as_mut().and_then(|l| l.get_mut(i)) {
            *flag = true;
        }
    }

    /// Whether every setting's details are loaded.
    pub(crate) fn all_loaded(&self) -> bool {
        self.loaded.is_none()
    }

    /// Whether setting `i`'s details are loaded.
    pub(crate) fn is_loaded(&self, i: usize) -> bool {
        self.loaded.as_ref().is_none_or(|l| l.get(i).copied().unwrap_or(false))
    }

    /// An error unless every setting the run lists, lets go, or shows as a near miss has its details.
    pub(crate) fn check_loaded(&self, run: &Run) -> Result<()> {
        if self.loaded.is_none() {
            return Ok(());
        }
        let count =
            run.listed.iter().chain(&run.displaced).chain(&run.near).filter(|c| !self.is_loaded(c.id.index())).count();
        if count == 0 {
            Ok(())
        } else {
            Err(Error::DetailsMissing { count })
        }
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
///
/// Text that the list shares with the settings, the policy pack, the query or the dataset's
/// details is borrowed from them (`'a`), not copied: a list of 20 would otherwise copy a few
/// hundred strings. [`into_owned`](Self::into_owned) makes a list that owns everything.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ShortList<'a> {
    /// The query, as given.
    pub query: Cow<'a, Query>,
    pub child: ChildAge,
    pub policy: PolicyRef<'a>,
    /// The kinds of setting considered.
    pub kinds: Vec<ProvisionKind>,
    pub radius_miles: f64,
    /// "This list is advisory ..." (policy wording).
    pub advisory: Cow<'a, str>,
    pub data: Cow<'a, DataInfo>,
    pub results: Vec<RankedSetting<'a>>,
    pub near_misses: Vec<NearMiss<'a>>,
    pub counts: Counts,
}

impl ShortList<'_> {
    /// The same list, owning all its text.
    pub fn into_owned(self) -> ShortList<'static> {
        ShortList {
            query: Cow::Owned(self.query.into_owned()),
            child: self.child,
            policy: self.policy.into_owned(),
            kinds: self.kinds,
            radius_miles: self.radius_miles,
            advisory: owned(self.advisory),
            data: Cow::Owned(self.data.into_owned()),
            results: self.results.into_iter().map(RankedSetting::into_owned).collect(),
            near_misses: self.near_misses.into_iter().map(NearMiss::into_owned).collect(),
            counts: self.counts,
        }
    }
}

/// A borrowed or owned string, owned.
pub(crate) fn owned(text: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(text.into_owned())
}

/// The policy pack a list was made under.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct PolicyRef<'a> {
    pub id: Cow<'a, str>,
    pub version: Cow<'a, str>,
    pub illustrative: bool,
    pub title: Cow<'a, str>,
    pub notice: Cow<'a, str>,
    pub level_id: Cow<'a, str>,
    pub level_label: Cow<'a, str>,
}

impl PolicyRef<'_> {
    pub fn into_owned(self) -> PolicyRef<'static> {
        PolicyRef {
            id: owned(self.id),
            version: owned(self.version),
            illustrative: self.illustrative,
            title: owned(self.title),
            notice: owned(self.notice),
            level_id: owned(self.level_id),
            level_label: owned(self.level_label),
        }
    }
}

/// How many settings the search looked at. The search stops as soon as nothing further can make
/// the list, so these count what it read (within the radius and a little beyond), not all of England.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
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
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct RankedSetting<'a> {
    /// 1-based position.
    pub rank: u32,
    pub urn: Urn,
    pub site: Site,
    pub name: Cow<'a, str>,
    pub kind: ProvisionKind,
    pub kind_label: &'static str,
    pub establishment_type: Option<Cow<'a, str>>,
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
    pub reasons: Vec<Reason<'a>>,
    /// The codes of the notes among `reasons` (things to check), for badges.
    pub flags: Vec<ReasonCode>,
    pub places: Option<PlacesInfo>,
    pub website: Option<Cow<'a, str>>,
    pub postcode: Option<Cow<'a, str>>,
    pub location: LatLon,
    pub la: Option<LaRef<'a>>,
}

impl RankedSetting<'_> {
    pub fn into_owned(self) -> RankedSetting<'static> {
        RankedSetting {
            name: owned(self.name),
            establishment_type: self.establishment_type.map(owned),
            reasons: self.reasons.into_iter().map(Reason::into_owned).collect(),
            website: self.website.map(owned),
            postcode: self.postcode.map(owned),
            la: self.la.map(|la| LaRef { code: la.code, name: la.name.map(owned) }),
            ..self
        }
    }
}

/// A setting with the child's primary-need specialism that one rule left out, though it would
/// otherwise have made the list.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct NearMiss<'a> {
    pub urn: Urn,
    pub site: Site,
    pub name: Cow<'a, str>,
    pub kind: ProvisionKind,
    pub kind_label: &'static str,
    pub distance_m: u32,
    pub distance_miles: f64,
    /// The score it would have had.
    pub score: f64,
    pub rule: Rule,
}

impl NearMiss<'_> {
    pub fn into_owned(self) -> NearMiss<'static> {
        NearMiss { name: owned(self.name), ..self }
    }
}

/// Places figures, camelCase for JS.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
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
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct LaRef<'a> {
    pub code: LaCode,
    pub name: Option<Cow<'a, str>>,
}

/// What a reason is about. Factor reasons carry a [`FactorScore`]; the rest are notes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum ReasonCode {
    PrimaryNeedSpecialism,
    SecondaryNeeds,
    BroadArea,
    KindFit,
    /// Whether the setting is known to take the child's age (a factor).
    AgeRange,
    Distance,
    Preferences,
    Places,
    AgesNotRecorded,
    NeedsNotRecorded,
    /// Records provision only for needs the child does not have: listed after the settings
    /// that may meet the child's needs.
    OtherNeedsOnly,
    ProposedToClose,
    Section41,
    BeyondWalkingDistance,
    OutsideHomeLa,
    MainstreamPresumption,
}

/// One line of an explanation.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct Reason<'a> {
    pub code: ReasonCode,
    /// Written out when serialised or displayed (see [`ReasonText`]).
    pub text: ReasonText<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub factor: Option<FactorScore>,
}

impl Reason<'_> {
    pub fn into_owned(self) -> Reason<'static> {
        Reason { text: self.text.into_owned(), ..self }
    }
}

/// The numbers behind a factor reason.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
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
        Fixed(miles, 1).to_string()
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
        Fixed(x, 0).to_string()
    } else {
        Shortest(x).to_string()
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
            // Left out only because a post-16 setting never takes a child under 16.
            if s.enters_at_16() && age < POST16_ENTRY_AGE && s.ages.is_none_or(|a| a.contains(age)) {
                let what = if s.kind == ProvisionKind::Post16 { s.kind.label() } else { "Phase 16 plus" };
                let recorded = match s.ages {
                    None => "its age range is not recorded".to_string(),
                    Some(AgeRange { low, high, basis: AgeBasis::Statutory }) => {
                        format!("recorded age range {low}–{high}")
                    }
                    Some(AgeRange { low, high, basis: AgeBasis::Phase }) => {
                        format!("usually takes ages {low}–{high} for its phase")
                    }
                };
                return format!(
                    "{what}: for students aged {POST16_ENTRY_AGE} and over, not age {age}{whose} ({recorded})"
                );
            }
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

/// What the sentence for one factor of `s` says; `None` for an unknown need factor whose
/// weight went to the known factors (the primary need's sentence says so).
fn factor_words<'a>(
    p: &Prepared<'a>,
    ctx: &'a RankContext,
    s: &'a Setting,
    row: &Row,
    distance_m: f64,
    (f, e): (Factor, &Eval),
) -> Option<Words<'a>> {
    let (known, value) = (e.is_known(), e.value);
    let needs = recorded_needs(s).unwrap_or(NeedSet::EMPTY);
    let fixed = |text: &'static str| Some(Words::Text(Cow::Borrowed(text)));
    match f {
        Factor::PrimaryNeed if !known => match (e.assumed, p.policy.unknown_needs_value) {
            (true, Some(v)) => Some(Words::NeedsAssumed(v)),
            _ => fixed("Specialisms not recorded: left out of the score (its weight goes to the known factors)"),
        },
        Factor::PrimaryNeed if value > 0.0 => {
            Some(Words::PrimaryMatch { specialist: s.kind.is_specialist(), need: p.primary })
        }
        Factor::PrimaryNeed if needs.is_empty() => Some(Words::NoSpecialism(s.kind)),
        Factor::PrimaryNeed => {
            Some(Words::PrimaryMismatch { need: p.primary, records: needs, truncated: s.needs_possibly_truncated })
        }
        Factor::SecondaryNeeds if e.assumed => {
            fixed("Other needs in the plan: not recorded either (counted the same way)")
        }
        Factor::SecondaryNeeds if !known => None,
        Factor::SecondaryNeeds => Some(Words::Secondary { matched: NeedSet(needs.0 & p.others.0), of: p.others.len() }),
        Factor::BroadArea if e.assumed => fixed("Broad area of need: not recorded either (counted the same way)"),
        Factor::BroadArea if !known => None,
        Factor::BroadArea => {
            let records = if value == 0.0 {
                AreaRecords::Nothing
            } else if needs.contains(p.primary) {
                AreaRecords::PrimaryNeed
            } else {
                AreaRecords::Others(NeedSet(needs.0 & p.area.0))
            };
            Some(Words::BroadArea { area: p.primary.area().map_or("", |a| a.label()), records })
        }
        Factor::KindFit => {
            let fit = match p.level.fit(s.kind) {
                None if p.considered & kind_bit(s.kind) != 0 => KindFit::Added,
                None => KindFit::NotUsual,
                Some(_) if value >= 1.0 => KindFit::Usual,
                Some(_) if value > 0.0 => KindFit::Sometimes,
                Some(_) => KindFit::Rarely,
            };
            Some(Words::KindFit { kind: s.kind, level: &p.level.label, fit })
        }
        // An empty wording writes nothing, and an empty sentence is left out.
        Factor::Distance if p.policy.wording.distance.is_empty() => None,
        Factor::Distance => Some(Words::Distance { wording: &p.policy.wording, distance_m }),
        Factor::AgeRange => {
            let age = p.child.match_age;
            let how = match s.ages {
                Some(AgeRange { low, high, basis: AgeBasis::Statutory }) => AgeTaken::Recorded { low, high },
                Some(AgeRange { low, high, basis: AgeBasis::Phase }) => AgeTaken::Phase { low, high, phase: s.phase },
                None if row.ages.known != AgesKnown::NotRecorded => AgeTaken::From16,
                None => {
                    return match (e.assumed, p.policy.unknown_ages_value) {
                        (true, Some(value)) => Some(Words::AgesAssumed { value, age }),
                        _ => fixed(
                            "Age range not recorded: left out of the score (its weight goes to the known factors)",
                        ),
                    }
                }
            };
            Some(Words::AgeTaken { how, age, asked: p.child.taught_out_of_year_group })
        }
        Factor::Preferences => {
            let prefs = preference_values(p, &ctx.tables, row).map(Preference::of);
            Some(Words::Preferences { setting: s, prefs })
        }
        Factor::Places => Some(Words::Places(s)),
    }
}

fn reason_code(f: Factor) -> ReasonCode {
    match f {
        Factor::PrimaryNeed => ReasonCode::PrimaryNeedSpecialism,
        Factor::SecondaryNeeds => ReasonCode::SecondaryNeeds,
        Factor::BroadArea => ReasonCode::BroadArea,
        Factor::KindFit => ReasonCode::KindFit,
        Factor::AgeRange => ReasonCode::AgeRange,
        Factor::Distance => ReasonCode::Distance,
        Factor::Preferences => ReasonCode::Preferences,
        Factor::Places => ReasonCode::Places,
    }
}

/// Every applicable factor with its numbers, then the notes; and the notes' codes.
pub(crate) fn reasons<'a>(
    p: &Prepared<'a>,
    ctx: &'a RankContext,
    s: &'a Setting,
    row: &Row,
    distance_m: f64,
    scored: &Scored,
    presumption: bool,
) -> (Vec<Reason<'a>>, Vec<ReasonCode>) {
    let mut out = Vec::with_capacity(12);
    for f in Factor::ALL {
        let e = scored.eval(f);
        if !e.applicable {
            continue;
        }
        let known = e.is_known();
        let contribution = if scored.known_weight > 0.0 { e.counted() * e.value / scored.known_weight } else { 0.0 };
        // Unknown need factors left out of the score share the primary need's sentence.
        let Some(words) = factor_words(p, ctx, s, row, distance_m, (f, e)) else {
            continue;
        };
        out.push(Reason {
            code: reason_code(f),
            text: ReasonText::new(words),
            factor: Some(FactorScore {
                weight: e.weight,
                value: (known || e.assumed).then_some(e.value),
                contribution,
            }),
        });
    }
    let wording = &p.policy.wording;
    let mut note =
        |code: ReasonCode, words: Words<'a>| out.push(Reason { code, text: ReasonText::new(words), factor: None });
    let borrowed = |text: &'a String| Words::Text(Cow::Borrowed(text));
    match s.ages {
        None => note(ReasonCode::AgesNotRecorded, borrowed(&wording.ages_not_recorded)),
        Some(AgeRange { low, high, basis: AgeBasis::Phase }) => {
            note(ReasonCode::AgesNotRecorded, Words::AgesInferred { wording, low, high, phase: s.phase })
        }
        Some(_) => {}
    }
    if row.needs_unknown() {
        note(ReasonCode::NeedsNotRecorded, Words::NeedsNotRecorded { wording, need: p.primary });
    }
    if records_other_needs_only(p, row) {
        note(ReasonCode::OtherNeedsOnly, Words::OtherNeedsOnly { records: row.needs, need: p.primary });
    }
    if s.status == Status::OpenProposedToClose {
        note(ReasonCode::ProposedToClose, borrowed(&wording.proposed_to_close));
    }
    if s.kind == ProvisionKind::IndependentSpecial {
        match s.section41 {
            Some(true) => note(ReasonCode::Section41, borrowed(&wording.section41_approved)),
            Some(false) => note(ReasonCode::Section41, borrowed(&wording.section41_not_approved)),
            None => {}
        }
    }
    // Statutory walking distance applies to children of school age: 2 miles under 8, 3 from 8.
    let age = p.child.age;
    if (4..=15).contains(&age) {
        let limit_miles = if age < 8 { 2.0 } else { 3.0 };
        if distance_m > limit_miles * METRES_PER_MILE {
            note(ReasonCode::BeyondWalkingDistance, borrowed(&wording.beyond_walking_distance));
        }
    }
    if let (Some(home), Some(la)) = (p.home_la, s.la) {
        if home != la {
            note(ReasonCode::OutsideHomeLa, Words::OutsideHomeLa { wording, la, ctx });
        }
    }
    if presumption {
        note(ReasonCode::MainstreamPresumption, borrowed(&wording.mainstream_presumption));
    }
    let flags = out.iter().filter(|r| r.factor.is_none()).map(|r| r.code).collect();
    (out, flags)
}

fn ranked<'a>(
    p: &Prepared<'a>,
    ctx: &'a RankContext,
    (s, row): (&'a Setting, &Row),
    c: &Cand,
    rank: usize,
    presumption: bool,
) -> RankedSetting<'a> {
    let scored = score(p, &ctx.tables, row, c.distance_m);
    let (reasons, flags) = reasons(p, ctx, s, row, c.distance_m, &scored, presumption);
    RankedSetting {
        rank: u32::try_from(rank).unwrap_or(u32::MAX),
        urn: s.urn,
        site: s.site,
        name: Cow::Borrowed(&s.name),
        kind: s.kind,
        kind_label: s.kind.label(),
        establishment_type: s.establishment_type.as_deref().map(Cow::Borrowed),
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
        website: s.website.as_deref().map(Cow::Borrowed),
        postcode: s.postcode.as_deref().map(Cow::Borrowed),
        location: s.location,
        la: s.la.map(|code| LaRef { code, name: ctx.la_name(code).map(Cow::Borrowed) }),
    }
}

pub(crate) fn near_miss<'a>(p: &Prepared, s: &'a Setting, c: &Cand, ctx: &RankContext) -> NearMiss<'a> {
    let code = c.rule.unwrap_or(RuleCode::BeyondRadius);
    NearMiss {
        urn: s.urn,
        site: s.site,
        name: Cow::Borrowed(&s.name),
        kind: s.kind,
        kind_label: s.kind.label(),
        distance_m: metres(c.distance_m),
        distance_miles: round_miles(c.distance_m),
        score: c.score,
        rule: Rule { code, text: rule_text(p, s, c.distance_m, code, ctx) },
    }
}

pub(crate) fn build<'a>(
    settings: &'a [Setting],
    p: &Prepared<'a>,
    run: &Run,
    query: &'a Query,
    ctx: &'a RankContext,
) -> ShortList<'a> {
    // Sized up front: a `RankedSetting` is a few hundred bytes, and growing the list a step at
    // a time copied them over and over.
    let mut results = Vec::with_capacity(run.listed.len());
    results.extend(run.listed.iter().enumerate().filter_map(|(i, c)| {
        let subject = (settings.get(c.id.index())?, ctx.tables.rows.get(c.id.index())?);
        Some(ranked(p, ctx, subject, c, i + 1, i >= run.presumption_from))
    }));
    let mut near_misses = Vec::with_capacity(run.near.len());
    near_misses.extend(run.near.iter().filter_map(|c| Some(near_miss(p, settings.get(c.id.index())?, c, ctx))));
    let kinds = ProvisionKind::ALL.into_iter().filter(|k| p.considered & super::query::kind_bit(*k) != 0).collect();
    let (policy, level) = (p.policy, p.level);
    ShortList {
        query: Cow::Borrowed(query),
        child: p.child.clone(),
        policy: PolicyRef {
            id: Cow::Borrowed(&policy.id),
            version: Cow::Borrowed(&policy.version),
            illustrative: policy.illustrative,
            title: Cow::Borrowed(&policy.title),
            notice: Cow::Borrowed(&policy.notice),
            level_id: Cow::Borrowed(&level.id),
            level_label: Cow::Borrowed(&level.label),
        },
        kinds,
        radius_miles: p.radius_miles,
        advisory: Cow::Borrowed(&policy.wording.advisory),
        data: Cow::Borrowed(&ctx.data),
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
