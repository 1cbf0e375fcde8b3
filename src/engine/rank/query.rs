//! What the user asks ([`Query`], also the JSON the page sends), checked and turned into the
//! per-query tables the search reads ([`Prepared`]).

use crate::decimal::Shortest;
use crate::engine::json::{self, Json};
use crate::engine::policy::{Level, Policy, MAX_RADIUS_MILES};
use crate::error::{Error, Result};
use crate::model::{Date, Gender, LaCode, LatLon, Need, NeedSet, ProvisionKind, METRES_PER_MILE};
use serde::{Deserialize, Serialize};

/// Youngest age a query may give (early years places start at 2).
pub const MIN_AGE: u8 = 2;
/// Oldest age a query may give (an EHC plan can run to 25).
pub const MAX_AGE: u8 = 25;
/// Results when the query does not say.
pub const DEFAULT_LIMIT: u32 = 20;
/// Most results a query may ask for.
pub const MAX_LIMIT: u32 = 200;

/// A request for a tailored list. Field names are camelCase in JSON; unknown fields are refused.
///
/// Give the child's age either as `age` (at the intended start, on the 31 August before that
/// school year), or as `dateOfBirth` and `startDate`, from which that age is worked out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
// For TypeScript, the fields the page may leave out are optional (`?`).
#[cfg_attr(test, derive(ts_rs::TS), ts(export, optional_fields = nullable))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Query {
    /// Where the child lives (a postcode's centre, usually).
    pub home: LatLon,
    /// The council area of home: used for "not your council area" and `sameLaOnly`.
    #[serde(default)]
    pub home_la: Option<LaCode>,
    /// Age on the 31 August before the school year of the intended start.
    #[serde(default)]
    pub age: Option<u8>,
    #[serde(default)]
    pub date_of_birth: Option<Date>,
    /// The intended start, usually the next 1 September.
    #[serde(default)]
    pub start_date: Option<Date>,
    /// For a child taught out of their year group: the age to match settings' age ranges on.
    #[serde(default)]
    pub taught_out_of_year_group: Option<u8>,
    /// The primary need in the EHC plan.
    pub primary_need: Need,
    /// Other needs in the plan (the primary need and repeats are dropped).
    #[serde(default)]
    #[cfg_attr(test, ts(as = "Option<_>", optional))]
    pub other_needs: Vec<Need>,
    /// A level id of the policy pack.
    pub level: String,
    /// Kinds of setting to consider instead of the level's (to widen or narrow the search).
    /// Independent and non-maintained special schools listed here are included.
    #[serde(default)]
    pub kinds: Option<Vec<ProvisionKind>>,
    /// Search radius; the level's when not given.
    #[serde(default)]
    pub radius_miles: Option<f64>,
    #[serde(default = "default_limit")]
    #[cfg_attr(test, ts(as = "Option<_>", optional))]
    pub limit: u32,
    /// For gender of entry (a girls' school does not admit a boy). Not needed otherwise.
    #[serde(default)]
    pub child_sex: Option<Gender>,
    /// Preferred gender of entry (`boys`, `girls` or `mixed`).
    #[serde(default)]
    pub single_sex: Option<Gender>,
    /// Preferred religious character, e.g. "Roman Catholic"; "none" for none.
    #[serde(default)]
    pub religious_character: Option<String>,
    /// Preference for a setting that offers boarding (`true`) or does not (`false`).
    #[serde(default)]
    pub boarding: Option<bool>,
    /// Include independent and non-maintained special schools of the level's kinds.
    #[serde(default)]
    #[cfg_attr(test, ts(as = "Option<_>", optional))]
    pub include_independent: bool,
    /// Only settings in the home council area (by default the list crosses council borders).
    #[serde(default)]
    #[cfg_attr(test, ts(as = "Option<_>", optional))]
    pub same_la_only: bool,
}

fn default_limit() -> u32 {
    DEFAULT_LIMIT
}

/// The query's fields as JSON names them, in declaration order (serde's list).
const QUERY_FIELDS: [&str; 18] = [
    "home",
    "homeLa",
    "age",
    "dateOfBirth",
    "startDate",
    "taughtOutOfYearGroup",
    "primaryNeed",
    "otherNeeds",
    "level",
    "kinds",
    "radiusMiles",
    "limit",
    "childSex",
    "singleSex",
    "religiousCharacter",
    "boarding",
    "includeIndependent",
    "sameLaOnly",
];

fn need_of(v: &Json) -> json::Read<Need> {
    let variants: Vec<(&str, Need)> = Need::ALL.iter().map(|n| (n.abbr(), *n)).collect();
    v.variant(&variants)
}

fn kind_of(v: &Json) -> json::Read<ProvisionKind> {
    let variants: Vec<(&str, ProvisionKind)> = ProvisionKind::ALL.iter().map(|k| (k.code(), *k)).collect();
    v.variant(&variants)
}

fn gender_of(v: &Json) -> json::Read<Gender> {
    v.variant(&[("mixed", Gender::Mixed), ("boys", Gender::Boys), ("girls", Gender::Girls)])
}

fn date_of(v: &Json) -> json::Read<Date> {
    let s = v.string()?;
    Date::parse(&s).ok_or_else(|| format!("expected a date YYYY-MM-DD, found {s:?}"))
}

fn lat_lon_of(v: &Json) -> json::Read<LatLon> {
    let (mut lat, mut lon) = (None, None);
    let given = v.fields("struct LatLon", &["lat", "lon"], false, |i, v| {
        let value = Some(v.f64()?);
        if i == 0 {
            lat = value;
        } else {
            lon = value;
        }
        Ok(())
    })?;
    Ok(LatLon { lat: given.require(lat, 0, "lat")?, lon: given.require(lon, 1, "lon")? })
}

impl Query {
    /// Reads a query from a JSON value with the messages serde's derived reader gives (without
    /// its line and column): the finder's wasm reads queries with this, not serde.
    pub fn from_json(v: &Json) -> json::Read<Query> {
        let mut home = None;
        let mut primary_need = None;
        let mut level = None;
        let mut q = Query::new(LatLon { lat: 0.0, lon: 0.0 }, 0, Need::ASD, "");
        q.age = None;
        let given = v.fields("struct Query", &QUERY_FIELDS, true, |i, v| {
            match i {
                0 => home = Some(lat_lon_of(v)?),
                1 => q.home_la = v.option(|v| v.uint::<u16>("u16").map(LaCode))?,
                2 => q.age = v.option(|v| v.uint::<u8>("u8"))?,
                3 => q.date_of_birth = v.option(date_of)?,
                4 => q.start_date = v.option(date_of)?,
                5 => q.taught_out_of_year_group = v.option(|v| v.uint::<u8>("u8"))?,
                6 => primary_need = Some(need_of(v)?),
                7 => q.other_needs = v.seq(need_of)?,
                8 => level = Some(v.string()?),
                9 => q.kinds = v.option(|v| v.seq(kind_of))?,
                10 => q.radius_miles = v.option(Json::f64)?,
                11 => q.limit = v.uint::<u32>("u32")?,
                12 => q.child_sex = v.option(gender_of)?,
                13 => q.single_sex = v.option(gender_of)?,
                14 => q.religious_character = v.option(Json::string)?,
                15 => q.boarding = v.option(Json::bool)?,
                16 => q.include_independent = v.bool()?,
                _ => q.same_la_only = v.bool()?,
            }
            Ok(())
        })?;
        q.home = given.require(home, 0, "home")?;
        q.primary_need = given.require(primary_need, 6, "primaryNeed")?;
        q.level = given.require(level, 8, "level")?;
        Ok(q)
    }
}

impl Query {
    /// A query with the defaults: no preferences, the level's kinds and radius, 20 results.
    pub fn new(home: LatLon, age: u8, primary_need: Need, level: impl Into<String>) -> Query {
        Query {
            home,
            home_la: None,
            age: Some(age),
            date_of_birth: None,
            start_date: None,
            taught_out_of_year_group: None,
            primary_need,
            other_needs: Vec::new(),
            level: level.into(),
            kinds: None,
            radius_miles: None,
            limit: DEFAULT_LIMIT,
            child_sex: None,
            single_sex: None,
            religious_character: None,
            boarding: None,
            include_independent: false,
            same_la_only: false,
        }
    }
}

/// The child's age and year group at the intended start, as the list uses them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ChildAge {
    /// Age on the 31 August before the school year of the start.
    pub age: u8,
    /// School year: 0 = Reception, N = Year N; `None` before Reception or from 18.
    pub year: Option<u8>,
    /// "Reception", "Year 3", ...
    pub year_group: String,
    /// The age matched against settings' age ranges (differs for a child taught out of year group).
    pub match_age: u8,
    pub taught_out_of_year_group: bool,
}

impl ChildAge {
    /// Age and year group at a start date, from a date of birth (what the page shows as the
    /// parent types the dates). Same rules and messages as a query with these dates.
    pub fn from_birth(birth: Date, start: Date) -> Result<ChildAge> {
        let mut q = Query::new(LatLon { lat: 0.0, lon: 0.0 }, 0, Need::OTH, "");
        q.age = None;
        q.date_of_birth = Some(birth);
        q.start_date = Some(start);
        child_age(&q)
    }
}

impl ChildAge {
    /// The year group a child of `age` on 31 August usually joins ("Reception", "Year 3",
    /// "Post-18 (after Year 13)"): the one rule, which the page asks for too.
    pub fn year_group(age: u8) -> String {
        year_of(age).1
    }
}

/// School year for an age on 31 August: Reception = 4, Year N = age − 4 (DESIGN §3).
pub(crate) fn year_of(age: u8) -> (Option<u8>, String) {
    match age {
        0..=3 => (None, "Nursery (before Reception)".into()),
        4 => (Some(0), "Reception".into()),
        5..=17 => (Some(age - 4), format!("Year {}", age - 4)),
        _ => (None, "Post-18 (after Year 13)".into()),
    }
}

/// Age on the 31 August before the school year that contains `start`.
pub(crate) fn age_at_start(birth: Date, start: Date) -> Option<u8> {
    let sept = start.school_year_start();
    let aug31 = Date { year: sept.year, month: 8, day: 31 };
    aug31.age_of(birth)
}

fn child_age(q: &Query) -> Result<ChildAge> {
    let age = match (q.age, q.date_of_birth, q.start_date) {
        (Some(_), Some(_), _) => {
            return Err(Error::invalid("age", "give either age or dateOfBirth with startDate, not both"))
        }
        (Some(_), None, Some(_)) => {
            return Err(Error::invalid(
                "startDate",
                "is used only with dateOfBirth; age is already the age at the start",
            ))
        }
        (Some(age), None, None) => {
            if !(MIN_AGE..=MAX_AGE).contains(&age) {
                return Err(Error::invalid(
                    "age",
                    format!("must be {MIN_AGE} to {MAX_AGE} at the start date, found {age}"),
                ));
            }
            age
        }
        (None, Some(_), None) => {
            return Err(Error::invalid(
                "startDate",
                "is needed with dateOfBirth (usually the September the child would start)",
            ))
        }
        (None, Some(birth), Some(start)) => {
            if birth > start {
                return Err(Error::invalid("dateOfBirth", format!("{birth} is after the start date {start}")));
            }
            let age = age_at_start(birth, start).unwrap_or(0);
            if !(MIN_AGE..=MAX_AGE).contains(&age) {
                let aug31 = start.school_year_start().year;
                return Err(Error::invalid(
                    "dateOfBirth",
                    format!(
                        "born {birth}, the child is {age} on 31 August {aug31}, the age that counts \
                         for a start on {start}; this tool covers ages {MIN_AGE} to {MAX_AGE}"
                    ),
                ));
            }
            age
        }
        (None, None, _) => {
            return Err(Error::invalid(
                "age",
                "give the child's age at the intended start, or dateOfBirth and startDate",
            ))
        }
    };
    let match_age = match q.taught_out_of_year_group {
        Some(a) if !(MIN_AGE..=MAX_AGE).contains(&a) => {
            return Err(Error::invalid(
                "taughtOutOfYearGroup",
                format!("must be an age from {MIN_AGE} to {MAX_AGE}, found {a}"),
            ))
        }
        Some(a) => a,
        None => age,
    };
    let (year, year_group) = year_of(age);
    Ok(ChildAge { age, year, year_group, match_age, taught_out_of_year_group: q.taught_out_of_year_group.is_some() })
}

/// A preference for religious character, normalised once per query.
#[derive(Clone, Debug)]
pub(crate) enum Religion {
    /// No religious character.
    None,
    /// Text to find (case-insensitively) in the setting's religious character.
    Named(String),
}

/// Words that mean "no religious character" in a query or in GIAS.
pub(crate) fn means_no_religion(text: &str) -> bool {
    let t = text.trim();
    ["none", "no religious character", "does not apply", ""].iter().any(|w| t.eq_ignore_ascii_case(w))
}

/// Bit mask of kinds.
pub(crate) fn kind_bit(kind: ProvisionKind) -> u16 {
    1 << kind.index()
}

/// A checked query and everything the search needs per query, computed once.
#[derive(Debug)]
pub(crate) struct Prepared<'p> {
    pub policy: &'p Policy,
    pub level: &'p Level,
    pub home: LatLon,
    pub home_la: Option<LaCode>,
    pub child: ChildAge,
    pub primary: Need,
    pub others: NeedSet,
    /// Needs in the primary need's broad area (empty for `OTH`, which has none).
    pub area: NeedSet,
    /// The primary need, the other needs and the primary need's broad area: a setting recording
    /// none of these records provision only for other needs ([`records_other_needs_only`](super::score::records_other_needs_only)).
    pub wanted: NeedSet,
    /// Kinds considered (the level's, or the query's own list).
    pub considered: u16,
    /// Kinds that may be listed: `considered` less independent ones not included.
    pub allowed: u16,
    /// How well each kind fits the level (0 for kinds the level does not consider).
    pub fit: [f64; ProvisionKind::ALL.len()],
    pub radius_miles: f64,
    pub radius_m: f64,
    /// How far near misses are looked for: half as far again as the radius.
    pub reach_m: f64,
    pub limit: usize,
    pub child_sex: Option<Gender>,
    pub single_sex: Option<Gender>,
    pub religion: Option<Religion>,
    pub boarding: Option<bool>,
    pub same_la_only: bool,
}

impl Prepared<'_> {
    pub fn prefs_set(&self) -> u32 {
        u32::from(self.single_sex.is_some()) + u32::from(self.religion.is_some()) + u32::from(self.boarding.is_some())
    }
}

/// Checks `q` against `policy` and builds the per-query tables.
pub(crate) fn prepare<'p>(policy: &'p Policy, q: &Query) -> Result<Prepared<'p>> {
    let home = LatLon::new(q.home.lat, q.home.lon).ok_or_else(|| {
        Error::invalid(
            "home",
            format!(
                "expected latitude −90 to 90 and longitude −180 to 180 in degrees, found {}, {}",
                Shortest(q.home.lat),
                Shortest(q.home.lon)
            ),
        )
    })?;
    let child = child_age(q)?;
    let level = policy.level(&q.level).ok_or_else(|| {
        Error::invalid(
            "level",
            format!(
                "unknown level {:?}; the policy pack {:?} has: {}",
                q.level,
                policy.id,
                policy.level_ids().join(", ")
            ),
        )
    })?;
    let radius_miles = match q.radius_miles {
        Some(r) if !(r.is_finite() && r > 0.0 && r <= MAX_RADIUS_MILES) => {
            return Err(Error::invalid(
                "radiusMiles",
                format!("must be above 0 and at most {} miles, found {}", Shortest(MAX_RADIUS_MILES), Shortest(r)),
            ))
        }
        Some(r) => r,
        None => level.radius_miles,
    };
    if q.limit == 0 || q.limit > MAX_LIMIT {
        return Err(Error::invalid("limit", format!("must be 1 to {MAX_LIMIT}, found {}", q.limit)));
    }
    if q.child_sex == Some(Gender::Mixed) {
        return Err(Error::invalid("childSex", "expected boys or girls, found mixed"));
    }
    if q.same_la_only && q.home_la.is_none() {
        return Err(Error::invalid("sameLaOnly", "needs homeLa, the council area of home"));
    }

    let independent = kind_bit(ProvisionKind::IndependentSpecial) | kind_bit(ProvisionKind::NonMaintainedSpecial);
    let (considered, allowed) = match &q.kinds {
        Some(kinds) if kinds.is_empty() => {
            return Err(Error::invalid(
                "kinds",
                "choose at least one kind of setting, or leave kinds out to use the level's",
            ))
        }
        Some(kinds) => {
            let mask = kinds.iter().fold(0, |m, k| m | kind_bit(*k));
            (mask, mask)
        }
        None => {
            let mask = level.kinds.iter().fold(0, |m, k| m | kind_bit(*k));
            (mask, if q.include_independent { mask } else { mask & !independent })
        }
    };
    let mut fit = [0.0; ProvisionKind::ALL.len()];
    for kind in ProvisionKind::ALL {
        fit[kind.index()] = level.fit(kind).unwrap_or(0.0);
    }

    let primary = q.primary_need;
    let others: NeedSet = q.other_needs.iter().copied().filter(|n| *n != primary).collect();
    let area: NeedSet = match primary.area() {
        Some(a) => Need::ALL.into_iter().filter(|n| n.area() == Some(a)).collect(),
        None => NeedSet::EMPTY,
    };
    let religion = q.religious_character.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(|t| {
        if means_no_religion(t) {
            Religion::None
        } else {
            Religion::Named(t.to_string())
        }
    });
    let radius_m = radius_miles * METRES_PER_MILE;
    Ok(Prepared {
        policy,
        level,
        home,
        home_la: q.home_la,
        child,
        primary,
        others,
        area,
        wanted: area.union(others).with(primary),
        considered,
        allowed,
        fit,
        radius_miles,
        radius_m,
        reach_m: 1.5 * radius_m,
        limit: q.limit as usize,
        child_sex: q.child_sex,
        single_sex: q.single_sex,
        religion,
        boarding: q.boarding,
        same_la_only: q.same_la_only,
    })
}
