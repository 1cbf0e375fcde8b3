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
use std::borrow::Cow;
use std::fmt::Write;

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
///
/// Text that the list shares with the settings, the policy pack, the query or the dataset's
/// details is borrowed from them (`'a`), not copied: a list of 20 would otherwise copy a few
/// hundred strings. [`into_owned`](Self::into_owned) makes a list that owns everything.
#[derive(Clone, Debug, Serialize)]
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
pub struct LaRef<'a> {
    pub code: LaCode,
    pub name: Option<Cow<'a, str>>,
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
pub struct Reason<'a> {
    pub code: ReasonCode,
    /// Borrowed when it is the policy's wording as it stands.
    pub text: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub factor: Option<FactorScore>,
}

impl Reason<'_> {
    pub fn into_owned(self) -> Reason<'static> {
        Reason { text: owned(self.text), ..self }
    }
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

/// The sentence for one factor of `s`; empty for an unknown need factor whose weight went to
/// the known factors (the primary need's sentence says so). Fixed sentences are borrowed.
fn factor_text<'a>(
    p: &Prepared<'a>,
    ctx: &'a RankContext,
    s: &'a Setting,
    row: &Row,
    distance_m: f64,
    (f, e): (Factor, &Eval),
) -> Cow<'a, str> {
    let (known, value) = (e.is_known(), e.value);
    let needs = recorded_needs(s).unwrap_or(NeedSet::EMPTY);
    let primary = p.primary.plain();
    match f {
        Factor::PrimaryNeed if !known => match (e.assumed, p.policy.unknown_needs_value) {
            (true, Some(v)) => Cow::Owned(format!(
                "Specialisms not recorded: counted as {v:.1} of a match, neither a match nor a mismatch"
            )),
            _ => "Specialisms not recorded: left out of the score (its weight goes to the known factors)".into(),
        },
        Factor::PrimaryNeed if value > 0.0 => {
            if s.kind.is_specialist() {
                concat(&["Specialist provision for ", primary])
            } else {
                concat(&["Records provision for ", primary])
            }
        }
        Factor::PrimaryNeed if needs.is_empty() => concat(&[
            s.kind.label(),
            ": no specialism recorded (every school and college must support children with special educational needs)",
        ]),
        Factor::PrimaryNeed => {
            let more = if s.needs_possibly_truncated { "; GIAS lists at most five, so there may be more" } else { "" };
            let mut text = concat_string(&["No recorded provision for ", primary, " (records "]);
            push_need_list(&mut text, needs);
            text.push_str(more);
            text.push(')');
            Cow::Owned(text)
        }
        Factor::SecondaryNeeds if e.assumed => {
            "Other needs in the plan: not recorded either (counted the same way)".into()
        }
        Factor::SecondaryNeeds if !known => Cow::Borrowed(""),
        Factor::SecondaryNeeds => {
            let matched = NeedSet(needs.0 & p.others.0);
            let n = p.others.len();
            if matched.is_empty() {
                Cow::Owned(format!("Records none of the other needs in the plan (0 of {n})"))
            } else {
                let noun = if n == 1 { "other need" } else { "other needs" };
                let mut text = String::with_capacity(96);
                text.push_str("Also records provision for ");
                push_need_list(&mut text, matched);
                let _ = write!(text, " ({} of {n} {noun})", matched.len());
                Cow::Owned(text)
            }
        }
        Factor::BroadArea if e.assumed => "Broad area of need: not recorded either (counted the same way)".into(),
        Factor::BroadArea if !known => Cow::Borrowed(""),
        Factor::BroadArea => {
            let area = p.primary.area().map_or("", |a| a.label());
            let mut text = String::with_capacity(96);
            if value == 0.0 {
                text.push_str("No recorded provision in ");
                push_lower_first(&mut text, area);
            } else if needs.contains(p.primary) {
                text.push_str("Same broad area of need: ");
                push_lower_first(&mut text, area);
            } else {
                text.push_str("Same broad area of need (");
                push_lower_first(&mut text, area);
                text.push_str("): records ");
                push_need_list(&mut text, NeedSet(needs.0 & p.area.0));
            }
            Cow::Owned(text)
        }
        Factor::KindFit => {
            let (kind, level) = (s.kind.label(), p.level.label.as_str());
            let added = p.considered & kind_bit(s.kind) != 0;
            match p.level.fit(s.kind) {
                None if added => {
                    concat(&[kind, ": not usually considered for “", level, "”; you added it to the search"])
                }
                None => concat(&[kind, ": not usually considered for “", level, "”"]),
                Some(_) if value >= 1.0 => concat(&[kind, ": a usual kind of setting for “", level, "”"]),
                Some(_) if value > 0.0 => concat(&[kind, ": sometimes considered for “", level, "”"]),
                Some(_) => concat(&[kind, ": considered for “", level, "”, but rarely a good fit"]),
            }
        }
        Factor::Distance => {
            Cow::Owned(Wording::fill(&p.policy.wording.distance, &[("miles", &miles_text(distance_m))]))
        }
        Factor::Preferences => Cow::Owned(preference_text(p, ctx, s, row)),
        Factor::Places => {
            let prefix = site_words(s);
            match s.places {
                Some(Places { capacity: Some(cap), on_roll, as_of }) => {
                    let mut text = String::with_capacity(128);
                    let _ = match on_roll {
                        Some(roll) => write!(text, "{prefix}: {cap} places, {roll} on roll"),
                        None => write!(text, "{prefix}: {cap} places"),
                    };
                    if let Some(d) = as_of {
                        let _ = write!(text, " ({})", month_year(d));
                    }
                    match on_roll {
                        Some(roll) if roll >= cap => {
                            text.push_str(": shown as information, never a reason to leave it out");
                        }
                        Some(_) => {}
                        None => text.push_str("; number on roll not published"),
                    }
                    Cow::Owned(text)
                }
                _ => Cow::Borrowed("Places not published"),
            }
        }
    }
}

/// The pieces joined, in a string of the right size.
fn concat_string(pieces: &[&str]) -> String {
    let mut text = String::with_capacity(pieces.iter().map(|p| p.len()).sum::<usize>() + 64);
    pieces.iter().for_each(|p| text.push_str(p));
    text
}

fn concat(pieces: &[&str]) -> Cow<'static, str> {
    Cow::Owned(concat_string(pieces))
}

/// Appends "autism", "autism and hearing impairment", "a, b and c".
fn push_need_list(text: &mut String, needs: NeedSet) {
    let n = needs.len();
    for (i, need) in needs.iter().enumerate() {
        if i > 0 {
            text.push_str(if i + 1 == n { " and " } else { ", " });
        }
        text.push_str(need.plain());
    }
}

/// Appends `words` with its first letter in lower case.
fn push_lower_first(text: &mut String, words: &str) {
    let mut chars = words.chars();
    if let Some(first) = chars.next() {
        text.extend(first.to_lowercase());
        text.push_str(chars.as_str());
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
    let mut text = String::with_capacity(96);
    let mut part = |pieces: &[&str]| {
        if !text.is_empty() {
            text.push_str("; ");
        }
        pieces.iter().for_each(|p| text.push_str(p));
    };
    match (single_sex, s.gender) {
        (Some(Some(v)), Some(g)) => part(&[gender_words(g), verdict(v)]),
        (Some(_), _) => part(&["Gender of entry not recorded"]),
        (None, _) => {}
    }
    match religion {
        Some(Some(v)) => match s.religious_character.as_deref().filter(|r| !super::query::means_no_religion(r)) {
            Some(r) => part(&["Religious character: ", r, verdict(v)]),
            None => part(&["No religious character", verdict(v)]),
        },
        Some(None) => part(&["Religious character not recorded"]),
        None => {}
    }
    match (boarding, s.boarding) {
        (Some(Some(v)), Some(b)) => {
            let what = match b {
                Boarding::MainlyBoarders => "Mainly boarders",
                Boarding::SomeBoarders => "Some pupils board",
                Boarding::NoBoarders => "No boarding",
            };
            part(&[what, verdict(v)]);
        }
        (Some(_), _) => part(&["Boarding not recorded"]),
        (None, _) => {}
    }
    text
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
    let mut note = |code: ReasonCode, text: Cow<'a, str>| out.push(Reason { code, text, factor: None });
    match s.ages {
        None => note(ReasonCode::AgesNotRecorded, Cow::Borrowed(&wording.ages_not_recorded)),
        Some(AgeRange { low, high, basis: AgeBasis::Phase }) => note(
            ReasonCode::AgesNotRecorded,
            Cow::Owned(Wording::fill(
                &wording.ages_inferred,
                &[
                    ("low", &low.to_string()),
                    ("high", &high.to_string()),
                    ("phase", s.phase.map_or("not recorded", Phase::label)),
                ],
            )),
        ),
        Some(_) => {}
    }
    if row.needs_unknown() {
        note(
            ReasonCode::NeedsNotRecorded,
            Cow::Owned(Wording::fill(&wording.needs_not_recorded, &[("need", p.primary.plain())])),
        );
    }
    if s.status == Status::OpenProposedToClose {
        note(ReasonCode::ProposedToClose, Cow::Borrowed(&wording.proposed_to_close));
    }
    if s.kind == ProvisionKind::IndependentSpecial {
        match s.section41 {
            Some(true) => note(ReasonCode::Section41, Cow::Borrowed(&wording.section41_approved)),
            Some(false) => note(ReasonCode::Section41, Cow::Borrowed(&wording.section41_not_approved)),
            None => {}
        }
    }
    // Statutory walking distance applies to children of school age: 2 miles under 8, 3 from 8.
    let age = p.child.age;
    if (4..=15).contains(&age) {
        let limit_miles = if age < 8 { 2.0 } else { 3.0 };
        if distance_m > limit_miles * METRES_PER_MILE {
            note(ReasonCode::BeyondWalkingDistance, Cow::Borrowed(&wording.beyond_walking_distance));
        }
    }
    if let (Some(home), Some(la)) = (p.home_la, s.la) {
        if home != la {
            let text = Wording::fill(&wording.outside_home_la, &[("la", &la_words(la, ctx))]);
            note(ReasonCode::OutsideHomeLa, Cow::Owned(text));
        }
    }
    if presumption {
        note(ReasonCode::MainstreamPresumption, Cow::Borrowed(&wording.mainstream_presumption));
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
