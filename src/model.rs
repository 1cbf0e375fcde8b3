//! Plain domain data: settings, needs, provision kinds, ages, places, postcodes and provenance.
//!
//! This module depends on nothing else in the crate. Every other module speaks these types.
//! Coordinates are always [`LatLon`] (WGS84 degrees, latitude first); distances carry their
//! unit in the name (`distance_m`).

use serde::{Deserialize, Serialize};
use std::fmt;

/// A GIAS Unique Reference Number: the DfE's stable id for an establishment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(transparent)]
pub struct Urn(pub u32);

impl fmt::Display for Urn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Position of a setting in a dataset's `settings` vector. Not stable across datasets:
/// use [`Urn`] + [`Site`] to refer to a setting from outside.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SettingId(pub u32);

impl SettingId {
    /// The index into `Dataset::settings`.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A point in WGS84 degrees. The only coordinate type in the API.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct LatLon {
    pub lat: f64,
    pub lon: f64,
}

impl LatLon {
    /// Validates ranges: latitude in [-90, 90], longitude in [-180, 180], both finite.
    pub fn new(lat: f64, lon: f64) -> Option<LatLon> {
        (lat.is_finite() && lon.is_finite() && (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon))
            .then_some(LatLon { lat, lon })
    }

    /// Great-circle distance in metres (haversine on the mean Earth radius, via `geo`).
    /// Every distance shown to a person comes from here.
    pub fn distance_m(self, other: LatLon) -> f64 {
        use geo::{Distance, Haversine};
        Haversine.distance(self.to_point(), other.to_point())
    }

    /// The one place a `LatLon` becomes a `geo::Point` (x = longitude, y = latitude).
    pub fn to_point(self) -> geo::Point<f64> {
        geo::Point::new(self.lon, self.lat)
    }

    /// Roughly inside Great Britain and its islands (a sanity box, not a boundary).
    pub fn is_in_great_britain_box(self) -> bool {
        (49.8..=61.0).contains(&self.lat) && (-8.8..=2.0).contains(&self.lon)
    }
}

/// Metres in a statute mile.
pub const METRES_PER_MILE: f64 = 1609.344;

/// The four broad areas of need of the SEND Code of Practice (2015), §6.28.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum BroadArea {
    CommunicationAndInteraction,
    CognitionAndLearning,
    SocialEmotionalAndMentalHealth,
    SensoryAndPhysical,
}

impl BroadArea {
    pub const ALL: [BroadArea; 4] = [
        BroadArea::CommunicationAndInteraction,
        BroadArea::CognitionAndLearning,
        BroadArea::SocialEmotionalAndMentalHealth,
        BroadArea::SensoryAndPhysical,
    ];

    pub fn label(self) -> &'static str {
        match self {
            BroadArea::CommunicationAndInteraction => "Communication and interaction",
            BroadArea::CognitionAndLearning => "Cognition and learning",
            BroadArea::SocialEmotionalAndMentalHealth => "Social, emotional and mental health",
            BroadArea::SensoryAndPhysical => "Sensory and/or physical",
        }
    }
}

/// The 12 SEN provision types recorded in GIAS `SEN1 (name)`..`SEN13 (name)`.
/// Keyed on the abbreviation, never on the GIAS ordinal position.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub enum Need {
    SpLD,
    MLD,
    SLD,
    PMLD,
    SEMH,
    SLCN,
    ASD,
    HI,
    VI,
    MSI,
    PD,
    OTH,
}

impl Need {
    pub const ALL: [Need; 12] = [
        Need::SpLD,
        Need::MLD,
        Need::SLD,
        Need::PMLD,
        Need::SEMH,
        Need::SLCN,
        Need::ASD,
        Need::HI,
        Need::VI,
        Need::MSI,
        Need::PD,
        Need::OTH,
    ];

    /// Bit position in a [`NeedSet`] and index into per-need tables.
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn from_index(i: usize) -> Option<Need> {
        Need::ALL.get(i).copied()
    }

    /// The abbreviation as GIAS prints it (`SpLD`, `ASD`, ...).
    pub fn abbr(self) -> &'static str {
        match self {
            Need::SpLD => "SpLD",
            Need::MLD => "MLD",
            Need::SLD => "SLD",
            Need::PMLD => "PMLD",
            Need::SEMH => "SEMH",
            Need::SLCN => "SLCN",
            Need::ASD => "ASD",
            Need::HI => "HI",
            Need::VI => "VI",
            Need::MSI => "MSI",
            Need::PD => "PD",
            Need::OTH => "OTH",
        }
    }

    /// The GIAS label.
    pub fn label(self) -> &'static str {
        match self {
            Need::SpLD => "Specific learning difficulty",
            Need::MLD => "Moderate learning difficulty",
            Need::SLD => "Severe learning difficulty",
            Need::PMLD => "Profound and multiple learning difficulty",
            Need::SEMH => "Social, emotional and mental health",
            Need::SLCN => "Speech, language and communication needs",
            Need::ASD => "Autistic spectrum disorder",
            Need::HI => "Hearing impairment",
            Need::VI => "Visual impairment",
            Need::MSI => "Multi-sensory impairment",
            Need::PD => "Physical disability",
            Need::OTH => "Other difficulty/disability",
        }
    }

    /// Plain words for parents, used in sentences like "Specialist provision for autism".
    pub fn plain(self) -> &'static str {
        match self {
            Need::SpLD => "specific learning difficulties (such as dyslexia)",
            Need::MLD => "moderate learning difficulties",
            Need::SLD => "severe learning difficulties",
            Need::PMLD => "profound and multiple learning difficulties",
            Need::SEMH => "social, emotional and mental health needs",
            Need::SLCN => "speech, language and communication needs",
            Need::ASD => "autism",
            Need::HI => "hearing impairment",
            Need::VI => "visual impairment",
            Need::MSI => "multi-sensory impairment",
            Need::PD => "physical disability",
            Need::OTH => "other difficulties or disabilities",
        }
    }

    /// The Code of Practice broad area; `OTH` has none.
    pub fn area(self) -> Option<BroadArea> {
        use BroadArea::*;
        match self {
            Need::SpLD | Need::MLD | Need::SLD | Need::PMLD => Some(CognitionAndLearning),
            Need::SEMH => Some(SocialEmotionalAndMentalHealth),
            Need::SLCN | Need::ASD => Some(CommunicationAndInteraction),
            Need::HI | Need::VI | Need::MSI | Need::PD => Some(SensoryAndPhysical),
            Need::OTH => None,
        }
    }

    /// Parses an abbreviation or a GIAS "ABBR - Label" cell, case-insensitively
    /// (the school census writes `SPLD`). Returns `None` for anything else.
    pub fn parse(text: &str) -> Option<Need> {
        let abbr = text.split(" - ").next().unwrap_or("").trim();
        Need::ALL.into_iter().find(|n| n.abbr().eq_ignore_ascii_case(abbr))
    }
}

impl fmt::Display for Need {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.abbr())
    }
}

/// A set of [`Need`]s as a 12-bit mask.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NeedSet(pub u16);

impl NeedSet {
    pub const EMPTY: NeedSet = NeedSet(0);

    pub fn contains(self, need: Need) -> bool {
        self.0 & (1 << need.index()) != 0
    }
    pub fn insert(&mut self, need: Need) {
        self.0 |= 1 << need.index();
    }
    pub fn with(mut self, need: Need) -> NeedSet {
        self.insert(need);
        self
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }
    pub fn iter(self) -> impl Iterator<Item = Need> {
        Need::ALL.into_iter().filter(move |n| self.contains(*n))
    }
    pub fn intersects(self, other: NeedSet) -> bool {
        self.0 & other.0 != 0
    }
    pub fn union(self, other: NeedSet) -> NeedSet {
        NeedSet(self.0 | other.0)
    }
}

impl FromIterator<Need> for NeedSet {
    fn from_iter<I: IntoIterator<Item = Need>>(iter: I) -> Self {
        let mut s = NeedSet::EMPTY;
        for n in iter {
            s.insert(n);
        }
        s
    }
}

/// What kind of placement a setting offers (DESIGN §3). A mainstream school with a resourced
/// provision or SEN unit appears as separate settings: the school (`Mainstream`) and each
/// overlay (`ResourcedProvision`, `SenUnit`), sharing the URN and the address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum ProvisionKind {
    Mainstream,
    ResourcedProvision,
    SenUnit,
    Special,
    NonMaintainedSpecial,
    IndependentSpecial,
    AlternativeProvision,
    Post16,
    EarlyYears,
}

impl ProvisionKind {
    pub const ALL: [ProvisionKind; 9] = [
        ProvisionKind::Mainstream,
        ProvisionKind::ResourcedProvision,
        ProvisionKind::SenUnit,
        ProvisionKind::Special,
        ProvisionKind::NonMaintainedSpecial,
        ProvisionKind::IndependentSpecial,
        ProvisionKind::AlternativeProvision,
        ProvisionKind::Post16,
        ProvisionKind::EarlyYears,
    ];

    pub fn index(self) -> usize {
        self as usize
    }
    pub fn from_index(i: usize) -> Option<ProvisionKind> {
        ProvisionKind::ALL.get(i).copied()
    }

    /// Stable machine-readable code used in policy packs, URLs and JSON.
    pub fn code(self) -> &'static str {
        match self {
            ProvisionKind::Mainstream => "mainstream",
            ProvisionKind::ResourcedProvision => "resourcedProvision",
            ProvisionKind::SenUnit => "senUnit",
            ProvisionKind::Special => "special",
            ProvisionKind::NonMaintainedSpecial => "nonMaintainedSpecial",
            ProvisionKind::IndependentSpecial => "independentSpecial",
            ProvisionKind::AlternativeProvision => "alternativeProvision",
            ProvisionKind::Post16 => "post16",
            ProvisionKind::EarlyYears => "earlyYears",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ProvisionKind::Mainstream => "Mainstream school",
            ProvisionKind::ResourcedProvision => "Resourced provision in a mainstream school",
            ProvisionKind::SenUnit => "SEN unit in a mainstream school",
            ProvisionKind::Special => "Special school (state-funded)",
            ProvisionKind::NonMaintainedSpecial => "Non-maintained special school",
            ProvisionKind::IndependentSpecial => "Independent special school",
            ProvisionKind::AlternativeProvision => "Alternative provision",
            ProvisionKind::Post16 => "Post-16 (college or sixth form)",
            ProvisionKind::EarlyYears => "Nursery school",
        }
    }

    /// Accepts the [`code`](Self::code), case-insensitively, also with `-`/`_` separators.
    pub fn parse(text: &str) -> Option<ProvisionKind> {
        let norm: String = text.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
        ProvisionKind::ALL.into_iter().find(|k| k.code().to_ascii_lowercase() == norm)
    }

    /// Kinds that specialise in SEN by design (so a recorded SEN type is their specialism).
    pub fn is_specialist(self) -> bool {
        !matches!(self, ProvisionKind::Mainstream | ProvisionKind::Post16 | ProvisionKind::EarlyYears)
    }

    /// Maps a GIAS `TypeOfEstablishment (name)` to a kind (DESIGN §3). `None` for types that are
    /// not placements this product lists (higher education, secure units, overseas, ...).
    pub fn from_gias_type(name: &str) -> Option<ProvisionKind> {
        let t = name.trim().to_ascii_lowercase();
        let kind = match t.as_str() {
            "community school"
            | "voluntary aided school"
            | "voluntary controlled school"
            | "foundation school"
            | "academy converter"
            | "academy sponsor led"
            | "free schools"
            | "university technical college"
            | "studio schools"
            | "city technology college" => ProvisionKind::Mainstream,
            "community special school"
            | "foundation special school"
            | "academy special converter"
            | "academy special sponsor led"
            | "free schools special" => ProvisionKind::Special,
            "non-maintained special school" => ProvisionKind::NonMaintainedSpecial,
            "other independent special school" => ProvisionKind::IndependentSpecial,
            "pupil referral unit"
            | "academy alternative provision converter"
            | "academy alternative provision sponsor led"
            | "free schools alternative provision" => ProvisionKind::AlternativeProvision,
            "further education"
            | "sixth form centres"
            | "special post 16 institution"
            | "academy 16-19 converter"
            | "academy 16 to 19 sponsor led"
            | "free schools 16 to 19" => ProvisionKind::Post16,
            "local authority nursery school" => ProvisionKind::EarlyYears,
            _ => return None,
        };
        Some(kind)
    }
}

/// Which placement at an establishment a setting is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", tag = "type", content = "number")]
pub enum Site {
    /// The establishment itself.
    Main,
    /// Its resourced provision (pupils taught mainly in mainstream classes).
    ResourcedProvision,
    /// Its SEN unit (pupils taught mainly in separate classes).
    SenUnit,
    /// An extra site from a council supplement (satellite class etc.), numbered within the URN.
    Satellite(u8),
}

/// Establishment status. Closed establishments never enter a dataset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Status {
    Open,
    OpenProposedToClose,
}

/// GIAS `Gender (name)`: gender of entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum Gender {
    Mixed,
    Boys,
    Girls,
}

/// A child's sex for gender-of-entry matching (optional in a query).
pub type ChildSex = Gender;

/// GIAS `Boarders (name)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Boarding {
    NoBoarders,
    SomeBoarders,
    MainlyBoarders,
}

/// GIAS `PhaseOfEducation (name)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum Phase {
    Nursery,
    Primary,
    MiddleDeemedPrimary,
    MiddleDeemedSecondary,
    Secondary,
    AllThrough,
    SixteenPlus,
    NotApplicable,
}

impl Phase {
    pub fn label(self) -> &'static str {
        match self {
            Phase::Nursery => "Nursery",
            Phase::Primary => "Primary",
            Phase::MiddleDeemedPrimary => "Middle deemed primary",
            Phase::MiddleDeemedSecondary => "Middle deemed secondary",
            Phase::Secondary => "Secondary",
            Phase::AllThrough => "All-through",
            Phase::SixteenPlus => "16 plus",
            Phase::NotApplicable => "Not applicable",
        }
    }

    pub fn from_gias_name(name: &str) -> Option<Phase> {
        Some(match name.trim().to_ascii_lowercase().as_str() {
            "nursery" => Phase::Nursery,
            "primary" => Phase::Primary,
            "middle deemed primary" => Phase::MiddleDeemedPrimary,
            "middle deemed secondary" => Phase::MiddleDeemedSecondary,
            "secondary" => Phase::Secondary,
            "all-through" | "all through" => Phase::AllThrough,
            "16 plus" => Phase::SixteenPlus,
            "not applicable" => Phase::NotApplicable,
            _ => return None,
        })
    }

    /// The usual age span of a phase, used only when no statutory ages are recorded.
    /// Deliberately generous (a primary with a nursery class starts at 2), so that it never
    /// excludes a child whom the school might in fact take.
    pub fn typical_ages(self) -> Option<AgeRange> {
        let (low, high) = match self {
            Phase::Nursery => (2, 5),
            Phase::Primary => (2, 11),
            Phase::MiddleDeemedPrimary => (7, 13),
            Phase::MiddleDeemedSecondary => (8, 14),
            Phase::Secondary => (11, 19),
            Phase::AllThrough => (2, 19),
            Phase::SixteenPlus => (16, 25),
            Phase::NotApplicable => return None,
        };
        Some(AgeRange { low, high, basis: AgeBasis::Phase })
    }
}

/// Where an age range came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum AgeBasis {
    /// GIAS `StatutoryLowAge`/`StatutoryHighAge` (or a council supplement).
    Statutory,
    /// Not recorded; the usual span of the recorded phase (see [`Phase::typical_ages`]).
    Phase,
}

/// Inclusive range of ages in whole years.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct AgeRange {
    pub low: u8,
    pub high: u8,
    pub basis: AgeBasis,
}

impl AgeRange {
    pub fn contains(self, age: u8) -> bool {
        (self.low..=self.high).contains(&age)
    }
}

/// Places information for a setting (never used to exclude: there is no legal "full").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Places {
    pub capacity: Option<u32>,
    pub on_roll: Option<u32>,
    /// The date these figures describe (census or record date), if known.
    pub as_of: Option<Date>,
}

impl Places {
    /// Free places if both figures are known.
    pub fn free(self) -> Option<i64> {
        Some(self.capacity? as i64 - self.on_roll? as i64)
    }
}

/// A calendar date (proleptic Gregorian). Small, `Copy`, and serialises as `"YYYY-MM-DD"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export, type = "string"))]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (year >= 1800 && day >= 1 && day <= days_in_month).then_some(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD` (ISO) or `DD-MM-YYYY` / `DD/MM/YYYY` (as GIAS writes dates).
    pub fn parse(text: &str) -> Option<Date> {
        let t = text.trim();
        let parts: Vec<&str> = t.split(['-', '/']).collect();
        if parts.len() != 3 {
            return None;
        }
        let nums: Option<Vec<u32>> = parts.iter().map(|p| p.parse::<u32>().ok()).collect();
        let nums = nums?;
        if parts[0].len() == 4 {
            Date::new(u16::try_from(nums[0]).ok()?, u8::try_from(nums[1]).ok()?, u8::try_from(nums[2]).ok()?)
        } else if parts[2].len() == 4 {
            Date::new(u16::try_from(nums[2]).ok()?, u8::try_from(nums[1]).ok()?, u8::try_from(nums[0]).ok()?)
        } else {
            None
        }
    }

    /// Whole years from `birth` to `self` (age on this date).
    pub fn age_of(self, birth: Date) -> Option<u8> {
        if self < birth {
            return None;
        }
        let mut years = self.year as i32 - birth.year as i32;
        if (self.month, self.day) < (birth.month, birth.day) {
            years -= 1;
        }
        u8::try_from(years).ok()
    }

    /// The 1 September that starts the school year containing this date.
    pub fn school_year_start(self) -> Date {
        let year = if self.month >= 9 { self.year } else { self.year - 1 };
        Date { year, month: 9, day: 1 }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("expected a date YYYY-MM-DD, found {s:?}")))
    }
}

/// A DfE 3-digit local authority code (e.g. 383 Leeds).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(transparent)]
pub struct LaCode(pub u16);

impl fmt::Display for LaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:03}", self.0)
    }
}

/// An English upper-tier (education) local authority.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalAuthority {
    pub code: LaCode,
    pub name: String,
    /// ONS GSS code (e.g. `E08000035`), as OS Code-Point Open 2025 gives it.
    pub gss: String,
    /// Other GSS codes that files of another vintage use for the same authority: the ONS May 2023
    /// boundaries give Barnsley and Sheffield the codes they had before their 2024 boundary
    /// change (`E08000016`, `E08000019`). Empty for most authorities (and left out of the file).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gss_aliases: Vec<String>,
}

impl LocalAuthority {
    /// Whether `code` is this authority's GSS code or one of its aliases.
    pub fn has_gss(&self, code: &str) -> bool {
        self.gss == code || self.gss_aliases.iter().any(|a| a == code)
    }
}

/// Index into a dataset's source table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SourceId(pub u8);

/// One input the dataset was built from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct Source {
    /// Short stable key, e.g. `gias-leeds-2023-07`.
    pub key: String,
    /// Human description, e.g. "DfE GIAS extract, Leeds".
    pub title: String,
    /// Date the data describes (not the download date).
    pub date: Option<Date>,
    /// Rows read from this source.
    pub rows: u32,
}

/// The fields whose source is tracked per setting (see [`Provenance`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Identity = 0,
    Location,
    Kind,
    Ages,
    Gender,
    Needs,
    Places,
    Section41,
    Contact,
    La,
}

impl Field {
    pub const COUNT: usize = 10;
}

/// Which source supplied each tracked field of a setting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Provenance(pub [SourceId; Field::COUNT]);

impl Provenance {
    pub fn get(&self, field: Field) -> SourceId {
        self.0[field as usize]
    }
    pub fn set(&mut self, field: Field, source: SourceId) {
        self.0[field as usize] = source;
    }
}

/// How the provision kind of a setting is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum KindBasis {
    /// From GIAS `TypeOfEstablishment` (or a council supplement).
    EstablishmentType,
    /// Type not in any source; GIAS phase Primary/Secondary/Middle/All-through is recorded, and
    /// in every source that has both, such phases belong only to state-funded mainstream
    /// schools (nursery → nursery school, 16 plus → post-16). See README "Coverage".
    Phase,
}

/// One placement option: an establishment, or a resourced provision / SEN unit / satellite of one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Setting {
    pub urn: Urn,
    pub site: Site,
    pub name: String,
    pub kind: ProvisionKind,
    pub kind_basis: KindBasis,
    /// GIAS `TypeOfEstablishment (name)` when known.
    pub establishment_type: Option<String>,
    pub status: Status,
    pub location: LatLon,
    pub postcode: Option<String>,
    pub la: Option<LaCode>,
    pub phase: Option<Phase>,
    pub ages: Option<AgeRange>,
    pub gender: Option<Gender>,
    pub boarding: Option<Boarding>,
    /// GIAS `ReligiousCharacter (name)`, `None` when it "Does not apply" or is unknown
    /// (see `religious_character_known`).
    pub religious_character: Option<String>,
    pub religious_character_known: bool,
    /// `Some(true)` on the Section 41 approved list; `None` when not known.
    pub section41: Option<bool>,
    /// Recorded SEN provision types; `None` = not recorded (which is not "no specialism").
    pub needs: Option<NeedSet>,
    /// The source listed at most five types, so more may exist.
    pub needs_possibly_truncated: bool,
    /// Places for this placement (the unit's for an overlay, the school's otherwise).
    pub places: Option<Places>,
    pub website: Option<String>,
    /// Free text from a council supplement.
    pub notes: Option<String>,
    pub provenance: Provenance,
}

/// The age from which a post-16 setting takes students. A college or sixth form is for young
/// people past compulsory school age: it never takes a younger child, whatever its recorded
/// range, its phase or a policy pack says (issue 11).
pub const POST16_ENTRY_AGE: u8 = 16;

impl Setting {
    /// A setting whose entry is at 16: a post-16 kind (college, sixth form centre, special
    /// post-16 institution), or any setting whose recorded phase is "16 plus".
    pub fn enters_at_16(&self) -> bool {
        self.kind == ProvisionKind::Post16 || self.phase == Some(Phase::SixteenPlus)
    }

    /// Whether the setting may take a child of `age`: its recorded (or phase) range includes
    /// it, or its ages are not recorded (unknown data never excludes); never under 16 for a
    /// setting entering at 16. The one age rule the ranking and the dashboard share.
    pub fn may_take_age(&self, age: u8) -> bool {
        !(self.enters_at_16() && age < POST16_ENTRY_AGE) && self.ages.is_none_or(|a| a.contains(age))
    }
}

/// Whether `text` is a website the page may link to: `http://` or `https://` (any case) then a
/// host, and nothing that could break out of an HTML attribute or disguise the address:
/// no whitespace, control or bidirectional-formatting characters, quotes, backticks,
/// backslashes or angle brackets. `javascript:`, `data:` and every other scheme are refused.
///
/// ```
/// use placement_finder::model::is_safe_link;
/// assert!(is_safe_link("https://www.westoaks.leeds.sch.uk/"));
/// assert!(!is_safe_link("javascript:alert(1)"));
/// assert!(!is_safe_link("https://x.org\" onmouseover=\"alert(1)"));
/// ```
pub fn is_safe_link(text: &str) -> bool {
    let scheme = text
        .get(..8)
        .filter(|s| s.eq_ignore_ascii_case("https://"))
        .map(|_| 8)
        .or_else(|| text.get(..7).filter(|s| s.eq_ignore_ascii_case("http://")).map(|_| 7));
    let Some(scheme) = scheme else { return false };
    let host = text[scheme..].split(['/', '?', '#']).next().unwrap_or("");
    let unsafe_char = |c: char| {
        c.is_whitespace()
            || c.is_control()
            || matches!(c, '"' | '\'' | '`' | '\\' | '<' | '>')
            || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    !host.is_empty() && !text.chars().any(unsafe_char)
}

/// A normalised UK postcode such as `LS6 2AA` (outward code, one space, inward code).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(transparent)]
pub struct Postcode(String);

impl Postcode {
    /// Normalises case and spacing and checks the shape (`A9 9AA`, `A99 9AA`, `A9A 9AA`,
    /// `AA9 9AA`, `AA99 9AA`, `AA9A 9AA`). A full postcode only.
    pub fn parse(text: &str) -> Result<Postcode, PostcodeShapeError> {
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
        if compact.is_empty() {
            return Err(PostcodeShapeError::Empty);
        }
        if !compact.is_ascii() || compact.len() < 5 || compact.len() > 7 {
            return Err(PostcodeShapeError::Shape(text.trim().to_string()));
        }
        let (out, inward) = compact.split_at(compact.len() - 3);
        if !is_outcode(out) || !is_inward(inward) {
            return Err(PostcodeShapeError::Shape(text.trim().to_string()));
        }
        Ok(Postcode(format!("{out} {inward}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// `LS6` of `LS6 2AA`.
    pub fn outcode(&self) -> &str {
        self.0.split(' ').next().unwrap_or("")
    }
    /// `2AA` of `LS6 2AA`.
    pub fn inward(&self) -> &str {
        self.0.split(' ').nth(1).unwrap_or("")
    }
    /// `LS6 2` of `LS6 2AA`.
    pub fn sector(&self) -> String {
        format!("{} {}", self.outcode(), &self.inward()[..1])
    }
    /// `LS` of `LS6 2AA`: the only part a postcode lookup reveals to the server.
    pub fn area(&self) -> &str {
        area_of(self.outcode())
    }
}

impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The leading letters of an outward code (`SW` of `SW1A`).
pub fn area_of(outcode: &str) -> &str {
    let n = outcode.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
    &outcode[..n]
}

fn is_outcode(s: &str) -> bool {
    let b = s.as_bytes();
    let alpha = |c: u8| c.is_ascii_uppercase();
    let digit = |c: u8| c.is_ascii_digit();
    match b.len() {
        2 => alpha(b[0]) && digit(b[1]),
        3 => alpha(b[0]) && ((digit(b[1]) && (digit(b[2]) || alpha(b[2]))) || (alpha(b[1]) && digit(b[2]))),
        4 => alpha(b[0]) && alpha(b[1]) && digit(b[2]) && (digit(b[3]) || alpha(b[3])),
        _ => false,
    }
}

fn is_inward(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 3 && b[0].is_ascii_digit() && b[1].is_ascii_uppercase() && b[2].is_ascii_uppercase()
}

/// Why text is not a postcode.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PostcodeShapeError {
    #[error("no postcode was given")]
    Empty,
    #[error("{0:?} is not a UK postcode: expected something like \"LS6 2AA\" or \"SW1A 1AA\"")]
    Shape(String),
}

/// How precisely a postcode was placed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum PostcodePrecision {
    /// The postcode unit itself (OS Code-Point Open).
    Unit,
    /// Not found as a unit (new or retired postcode); the centre of its sector (e.g. `LS6 2`).
    Sector,
    /// Neither the unit nor its sector known; the centre of its outward code (e.g. `LS6`).
    Outcode,
}

/// A postcode placed on the map.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct PostcodeFix {
    pub postcode: Postcode,
    pub location: LatLon,
    pub precision: PostcodePrecision,
    /// The education authority the unit (or most of the sector/outcode) is in, if in England.
    pub la: Option<LaCode>,
}

#[cfg(test)]
mod tests {
    use super::*;

    mod needs {
        use super::*;

        #[test]
        fn parses_gias_labels_and_census_spelling() {
            assert_eq!(Need::parse("SpLD - Specific Learning Difficulty"), Some(Need::SpLD));
            assert_eq!(Need::parse("SPLD"), Some(Need::SpLD));
            assert_eq!(Need::parse("ASD - Autistic Spectrum Disorder"), Some(Need::ASD));
            assert_eq!(Need::parse("Not Applicable"), None);
            assert_eq!(Need::parse(""), None);
        }

        #[test]
        fn every_need_but_other_has_a_broad_area() {
            for n in Need::ALL {
                assert_eq!(n.area().is_none(), n == Need::OTH, "{n}");
            }
        }

        #[test]
        fn set_round_trips() {
            let s: NeedSet = [Need::ASD, Need::HI].into_iter().collect();
            assert_eq!(s.iter().collect::<Vec<_>>(), vec![Need::ASD, Need::HI]);
            assert!(s.contains(Need::ASD) && !s.contains(Need::VI));
        }
    }

    mod kinds {
        use super::*;

        #[test]
        fn academy_and_free_special_schools_are_special() {
            for t in ["Academy special converter", "Academy special sponsor led", "Free schools special"] {
                assert_eq!(ProvisionKind::from_gias_type(t), Some(ProvisionKind::Special), "{t}");
            }
        }

        #[test]
        fn codes_round_trip() {
            for k in ProvisionKind::ALL {
                assert_eq!(ProvisionKind::parse(k.code()), Some(k));
            }
            assert_eq!(ProvisionKind::parse("sen-unit"), Some(ProvisionKind::SenUnit));
        }
    }

    mod dates {
        use super::*;

        #[test]
        fn parses_gias_and_iso() {
            assert_eq!(Date::parse("20-01-2022"), Date::new(2022, 1, 20));
            assert_eq!(Date::parse("2022-01-20"), Date::new(2022, 1, 20));
            assert_eq!(Date::parse("31-02-2022"), None);
            assert_eq!(Date::parse("nonsense"), None);
        }

        #[test]
        fn age_on_a_date() {
            let birth = Date::new(2018, 10, 5).unwrap();
            assert_eq!(Date::new(2025, 9, 1).unwrap().age_of(birth), Some(6));
            assert_eq!(Date::new(2025, 10, 5).unwrap().age_of(birth), Some(7));
        }
    }

    mod links {
        use super::*;

        #[test]
        fn http_and_https_with_a_host_only() {
            for good in ["https://example.org", "HTTP://Example.org/a?b=c#d", "https://x.sch.uk/path%20with%20space"] {
                assert!(is_safe_link(good), "{good}");
            }
            for bad in [
                "javascript:alert(1)",
                "JavaScript://%0aalert(1)",
                "data:text/html,<b>",
                "//x.org",
                "https://",
                "https:///path",
                "www.x.org",
                "ftp://x.org",
            ] {
                assert!(!is_safe_link(bad), "{bad}");
            }
        }

        #[test]
        fn nothing_that_breaks_out_of_an_attribute_or_disguises_the_address() {
            for bad in [
                "https://x.org\"><img src=x onerror=alert(1)>",
                "https://x.org' onclick='x",
                "https://x.org/\u{202E}gpj.exe",
                "https://x.org/a b",
                "https://x.org/\n",
                "https://x.org/`",
            ] {
                assert!(!is_safe_link(bad), "{bad:?}");
            }
        }
    }

    mod postcodes {
        use super::*;

        #[test]
        fn normalises_spacing_and_case() {
            assert_eq!(Postcode::parse(" ls62aa ").unwrap().as_str(), "LS6 2AA");
            assert_eq!(Postcode::parse("sw1a   1aa").unwrap().as_str(), "SW1A 1AA");
            assert_eq!(Postcode::parse("M1 1AE").unwrap().as_str(), "M1 1AE");
        }

        #[test]
        fn parts() {
            let p = Postcode::parse("SW1A 1AA").unwrap();
            assert_eq!((p.outcode(), p.inward(), p.sector().as_str(), p.area()), ("SW1A", "1AA", "SW1A 1", "SW"));
        }

        #[test]
        fn rejects_malformed() {
            for bad in ["", "LS6", "12345", "LS6 2A", "LSS6 2AA1", "L$6 2AA", "ЛС6 2АА"] {
                assert!(Postcode::parse(bad).is_err(), "{bad}");
            }
        }
    }
}
