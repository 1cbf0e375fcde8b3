//! The text of a reason, kept as the facts it states and written in plain English only when
//! it is shown or serialised.
//!
//! A list of 20 has about 200 reasons; writing each into its own `String` was half the time
//! of making a list. A [`ReasonText`] instead holds what the sentence says (the setting, the
//! need, the policy's wording, a distance), a few words of `Copy` data, and writes the
//! sentence straight into the output: the JSON text, or a `String` when asked.

use super::output::RankContext;
use super::query::means_no_religion;
use crate::decimal::Fixed;
use crate::engine::policy::Wording;
use crate::model::{Boarding, Gender, LaCode, Need, NeedSet, Phase, Places, ProvisionKind, Setting, Site};
use crate::model::{Date, METRES_PER_MILE};
use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::fmt::{self, Display, Write};

/// The plain-English text of a [`Reason`](super::Reason).
///
/// Written out when displayed (`to_string()`, `{}`) or serialised (as a string, exactly what
/// serialising the `String` would give). Compares equal to a `&str` with the same text.
#[derive(Clone)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export, type = "string"))]
pub struct ReasonText<'a>(Words<'a>);

/// What a reason says. Each variant's sentence is written by [`ReasonText`]'s `Display`.
#[derive(Clone)]
pub(crate) enum Words<'a> {
    /// Fixed text, or the policy's wording as it stands.
    Text(Cow<'a, str>),
    /// Specialisms not recorded, counted at the policy's assumed value.
    NeedsAssumed(f64),
    /// Records (or, for a specialist kind, specialises in) the primary need.
    PrimaryMatch { specialist: bool, need: Need },
    /// A kind without recorded specialisms that needs none.
    NoSpecialism(ProvisionKind),
    /// Records needs, but not the primary one.
    PrimaryMismatch { need: Need, records: NeedSet, truncated: bool },
    /// Which of the `of` other needs in the plan the setting records.
    Secondary { matched: NeedSet, of: usize },
    /// The primary need's broad area (its label).
    BroadArea { area: &'static str, records: AreaRecords },
    /// How the kind fits the level (its label).
    KindFit { kind: ProvisionKind, level: &'a str, fit: KindFit },
    /// The policy's distance wording, with the miles.
    Distance { wording: &'a Wording, distance_m: f64 },
    /// Each preference (single-sex, religious character, boarding) against the setting's data.
    Preferences { setting: &'a Setting, prefs: [Preference; 3] },
    /// The setting's places figures.
    Places(&'a Setting),
    /// The policy's wording for an age range inferred from the phase.
    AgesInferred { wording: &'a Wording, low: u8, high: u8, phase: Option<Phase> },
    /// The policy's wording for specialisms not recorded, with the primary need.
    NeedsNotRecorded { wording: &'a Wording, need: Need },
    /// The policy's wording for a setting in another council area.
    OutsideHomeLa { wording: &'a Wording, la: LaCode, ctx: &'a RankContext },
    /// The setting takes the child's `age` (`asked`: the age the user asked to match).
    AgeTaken { how: AgeTaken, age: u8, asked: bool },
    /// Age range not recorded, counted at the policy's assumed value.
    AgesAssumed { value: f64, age: u8 },
    /// Records provision only for these needs, none of them the child's (`need`: the primary).
    OtherNeedsOnly { records: NeedSet, need: Need },
}

/// How a setting is known to take an age.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AgeTaken {
    /// Its recorded age range.
    Recorded { low: u8, high: u8 },
    /// The usual range of its recorded phase.
    Phase { low: u8, high: u8, phase: Option<Phase> },
    /// Nothing recorded, but it is a post-16 setting and the child is 16 or over.
    From16,
}

/// What a setting records in the primary need's broad area.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AreaRecords {
    Nothing,
    /// The primary need itself.
    PrimaryNeed,
    /// These other needs of the area.
    Others(NeedSet),
}

/// How a kind fits a level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KindFit {
    /// Not among the level's kinds, and the user added it.
    Added,
    /// Not among the level's kinds.
    NotUsual,
    /// Fit 1.
    Usual,
    /// Fit between 0 and 1.
    Sometimes,
    /// Fit 0.
    Rarely,
}

/// One preference against a setting's data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Preference {
    /// The user did not set it.
    NotSet,
    /// Set, but the setting's data is not recorded.
    Unknown,
    /// Set and known: the setting's value 1 (as preferred), 0 (not), or between.
    Known(Verdict),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    AsPreferred,
    NotPreferred,
    Between,
}

impl Preference {
    pub fn of(value: Option<Option<f64>>) -> Preference {
        match value {
            None => Preference::NotSet,
            Some(None) => Preference::Unknown,
            Some(Some(v)) if v >= 1.0 => Preference::Known(Verdict::AsPreferred),
            Some(Some(v)) if v <= 0.0 => Preference::Known(Verdict::NotPreferred),
            Some(Some(_)) => Preference::Known(Verdict::Between),
        }
    }
}

impl Verdict {
    fn words(self) -> &'static str {
        match self {
            Verdict::AsPreferred => ", as you preferred",
            Verdict::NotPreferred => ", not what you preferred",
            Verdict::Between => "",
        }
    }
}

impl<'a> ReasonText<'a> {
    pub(crate) fn new(words: Words<'a>) -> ReasonText<'a> {
        ReasonText(words)
    }

    /// The same text, owning it (written out, unless it is already a plain string).
    pub fn into_owned(self) -> ReasonText<'static> {
        let text = match self.0 {
            Words::Text(text) => text.into_owned(),
            _ => self.to_string(),
        };
        ReasonText(Words::Text(Cow::Owned(text)))
    }
}

impl<'a> From<Cow<'a, str>> for ReasonText<'a> {
    fn from(text: Cow<'a, str>) -> ReasonText<'a> {
        ReasonText(Words::Text(text))
    }
}

impl<'a> From<&'a str> for ReasonText<'a> {
    fn from(text: &'a str) -> ReasonText<'a> {
        ReasonText(Words::Text(Cow::Borrowed(text)))
    }
}

impl From<String> for ReasonText<'_> {
    fn from(text: String) -> Self {
        ReasonText(Words::Text(Cow::Owned(text)))
    }
}

impl Display for ReasonText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Words::Text(text) => f.write_str(text),
            Words::NeedsAssumed(v) => {
                write!(
                    f,
                    "Specialisms not recorded: counted as {} of a match, neither a match nor a mismatch",
                    Fixed(*v, 1)
                )
            }
            Words::PrimaryMatch { specialist, need } => {
                f.write_str(if *specialist { "Specialist provision for " } else { "Records provision for " })?;
                f.write_str(need.plain())
            }
            Words::NoSpecialism(kind) => {
                f.write_str(kind.label())?;
                f.write_str(
                    ": no specialism recorded (every school and college must support children with special educational needs)",
                )
            }
            Words::PrimaryMismatch { need, records, truncated } => {
                f.write_str("No recorded provision for ")?;
                f.write_str(need.plain())?;
                f.write_str(" (records ")?;
                need_list(f, *records)?;
                if *truncated {
                    f.write_str("; GIAS lists at most five, so there may be more")?;
                }
                f.write_char(')')
            }
            Words::Secondary { matched, of } => {
                if matched.is_empty() {
                    write!(f, "Records none of the other needs in the plan (0 of {of})")
                } else {
                    let noun = if *of == 1 { "other need" } else { "other needs" };
                    f.write_str("Also records provision for ")?;
                    need_list(f, *matched)?;
                    write!(f, " ({} of {of} {noun})", matched.len())
                }
            }
            Words::BroadArea { area, records } => match records {
                AreaRecords::Nothing => {
                    f.write_str("No recorded provision in ")?;
                    lower_first(f, area)
                }
                AreaRecords::PrimaryNeed => {
                    f.write_str("Same broad area of need: ")?;
                    lower_first(f, area)
                }
                AreaRecords::Others(needs) => {
                    f.write_str("Same broad area of need (")?;
                    lower_first(f, area)?;
                    f.write_str("): records ")?;
                    need_list(f, *needs)
                }
            },
            Words::KindFit { kind, level, fit } => {
                let (before, after) = match fit {
                    KindFit::Added => (": not usually considered for “", "”; you added it to the search"),
                    KindFit::NotUsual => (": not usually considered for “", "”"),
                    KindFit::Usual => (": a usual kind of setting for “", "”"),
                    KindFit::Sometimes => (": sometimes considered for “", "”"),
                    KindFit::Rarely => (": considered for “", "”, but rarely a good fit"),
                };
                for piece in [kind.label(), before, level, after] {
                    f.write_str(piece)?;
                }
                Ok(())
            }
            Words::Distance { wording, distance_m } => {
                Wording::fill_to(f, &wording.distance, &[("miles", &Miles(*distance_m))])
            }
            Words::Preferences { setting, prefs } => preferences(f, setting, *prefs),
            Words::Places(setting) => places(f, setting),
            Words::AgesInferred { wording, low, high, phase } => Wording::fill_to(
                f,
                &wording.ages_inferred,
                &[("low", low), ("high", high), ("phase", &phase.map_or("not recorded", Phase::label))],
            ),
            Words::NeedsNotRecorded { wording, need } => {
                Wording::fill_to(f, &wording.needs_not_recorded, &[("need", &need.plain())])
            }
            Words::OutsideHomeLa { wording, la, ctx } => {
                Wording::fill_to(f, &wording.outside_home_la, &[("la", &LaWords(*la, ctx))])
            }
            Words::AgeTaken { how, age, asked } => {
                match how {
                    AgeTaken::Recorded { low, high } => write!(f, "Age range {low}–{high} includes age {age}")?,
                    AgeTaken::Phase { low, high, phase } => write!(
                        f,
                        "Usually takes ages {low}–{high} (phase {}): includes age {age}",
                        phase.map_or("not recorded", Phase::label)
                    )?,
                    AgeTaken::From16 => write!(
                        f,
                        "For students aged {} and over (age range not recorded): includes age {age}",
                        super::tables::POST16_ENTRY_AGE
                    )?,
                }
                if *asked {
                    f.write_str(" (the age you asked to match)")?;
                }
                Ok(())
            }
            Words::AgesAssumed { value, age } => write!(
                f,
                "Age range not recorded: counted as {} of a match, below a setting known to take age {age}",
                Fixed(*value, 1)
            ),
            Words::OtherNeedsOnly { records, need } => {
                f.write_str("Records provision for ")?;
                need_list(f, *records)?;
                f.write_str(", not ")?;
                f.write_str(need.plain())?;
                f.write_str(": listed after the settings that may meet ")?;
                f.write_str(need.plain())
            }
        }
    }
}

impl fmt::Debug for ReasonText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.to_string(), f)
    }
}

impl Serialize for ReasonText<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Words::Text(text) => serializer.serialize_str(text),
            _ => serializer.collect_str(self),
        }
    }
}

/// A writer that checks what is written against a text, allocating nothing.
struct Expect<'s>(&'s str);

impl Write for Expect<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0 = self.0.strip_prefix(s).ok_or(fmt::Error)?;
        Ok(())
    }
}

impl PartialEq<str> for ReasonText<'_> {
    fn eq(&self, other: &str) -> bool {
        let mut rest = Expect(other);
        write!(rest, "{self}").is_ok() && rest.0.is_empty()
    }
}

impl PartialEq<&str> for ReasonText<'_> {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}

impl PartialEq for ReasonText<'_> {
    fn eq(&self, other: &ReasonText<'_>) -> bool {
        match (&self.0, &other.0) {
            (Words::Text(a), _) => other == a.as_ref(),
            (_, Words::Text(b)) => self == b.as_ref(),
            _ => self.to_string() == other.to_string(),
        }
    }
}

/// "3.4", or "less than 0.1" (the same as [`miles_text`](super::output::miles_text)).
pub(crate) struct Miles(pub f64);

impl Display for Miles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let miles = self.0 / METRES_PER_MILE;
        if miles < 0.05 {
            f.write_str("less than 0.1")
        } else {
            write!(f, "{}", Fixed(miles, 1))
        }
    }
}

/// A council's name, or "council area 383".
struct LaWords<'a>(LaCode, &'a RankContext);

impl Display for LaWords<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.1.la_name(self.0) {
            Some(name) => f.write_str(name),
            None => write!(f, "council area {}", self.0),
        }
    }
}

/// "autism", "autism and hearing impairment", "a, b and c".
fn need_list(f: &mut impl Write, needs: NeedSet) -> fmt::Result {
    let n = needs.len();
    for (i, need) in needs.iter().enumerate() {
        if i > 0 {
            f.write_str(if i + 1 == n { " and " } else { ", " })?;
        }
        f.write_str(need.plain())?;
    }
    Ok(())
}

/// `words` with its first letter in lower case.
fn lower_first(f: &mut impl Write, words: &str) -> fmt::Result {
    let mut chars = words.chars();
    if let Some(first) = chars.next() {
        for c in first.to_lowercase() {
            f.write_char(c)?;
        }
        f.write_str(chars.as_str())?;
    }
    Ok(())
}

fn gender_words(g: Gender) -> &'static str {
    match g {
        Gender::Boys => "Boys' school",
        Gender::Girls => "Girls' school",
        Gender::Mixed => "Mixed school",
    }
}

fn preferences(f: &mut impl Write, s: &Setting, [single_sex, religion, boarding]: [Preference; 3]) -> fmt::Result {
    let mut first = true;
    let mut part = |f: &mut dyn Write, pieces: &[&str]| {
        if !first {
            f.write_str("; ")?;
        }
        first = false;
        pieces.iter().try_for_each(|p| f.write_str(p))
    };
    match (single_sex, s.gender) {
        (Preference::Known(v), Some(g)) => part(f, &[gender_words(g), v.words()])?,
        (Preference::NotSet, _) => {}
        _ => part(f, &["Gender of entry not recorded"])?,
    }
    match religion {
        Preference::Known(v) => match s.religious_character.as_deref().filter(|r| !means_no_religion(r)) {
            Some(r) => part(f, &["Religious character: ", r, v.words()])?,
            None => part(f, &["No religious character", v.words()])?,
        },
        Preference::Unknown => part(f, &["Religious character not recorded"])?,
        Preference::NotSet => {}
    }
    match (boarding, s.boarding) {
        (Preference::Known(v), Some(b)) => {
            let what = match b {
                Boarding::MainlyBoarders => "Mainly boarders",
                Boarding::SomeBoarders => "Some pupils board",
                Boarding::NoBoarders => "No boarding",
            };
            part(f, &[what, v.words()])?;
        }
        (Preference::NotSet, _) => {}
        _ => part(f, &["Boarding not recorded"])?,
    }
    Ok(())
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

fn month_year(f: &mut impl Write, d: Date) -> fmt::Result {
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
    write!(f, "{month} {}", d.year)
}

fn places(f: &mut impl Write, s: &Setting) -> fmt::Result {
    let prefix = site_words(s);
    match s.places {
        Some(Places { capacity: Some(cap), on_roll, as_of }) => {
            match on_roll {
                Some(roll) => write!(f, "{prefix}: {cap} places, {roll} on roll")?,
                None => write!(f, "{prefix}: {cap} places")?,
            }
            if let Some(d) = as_of {
                f.write_str(" (")?;
                month_year(f, d)?;
                f.write_char(')')?;
            }
            match on_roll {
                Some(roll) if roll >= cap => f.write_str(": shown as information, never a reason to leave it out"),
                Some(_) => Ok(()),
                None => f.write_str("; number on roll not published"),
            }
        }
        _ => f.write_str("Places not published"),
    }
}
