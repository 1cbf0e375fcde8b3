//! Policy packs: a council's rules for the tailored list, as versioned data.
//!
//! A pack maps a *level of need* to the kinds of setting usually considered for it, with a default
//! search radius; it also sets the weights of the fit score, the distance half-life, how many
//! mainstream options the list must keep (the presumption of mainstream, Children and Families
//! Act 2014 s.33), how many near misses to show, and the wording of the explanations.
//!
//! The built-in pack ([`Policy::illustrative_default`], `data/policy/default.json`) is
//! **illustrative**: it is not any council's policy and says so. A council supplies its own pack
//! as JSON text, read by [`Policy::from_json`], which checks everything and names what is wrong.
//!
//! ```
//! use placement_finder::engine::policy::Policy;
//! let policy = Policy::illustrative_default();
//! assert!(policy.illustrative);
//! assert!(policy.level("specialist").is_some());
//! ```
//!
//! Parse, then validate: JSON is first read into plain `Raw*` structs (unknown fields refused),
//! then checked and turned into [`Policy`], whose fields hold only valid values.

use crate::decimal::Shortest;
use crate::engine::json::{self, Json};
use crate::error::{Error, Result};
use crate::model::ProvisionKind;
use serde::{Deserialize, Serialize};

/// The pack schema version this program reads.
pub const SCHEMA: u32 = 1;

/// The built-in illustrative pack, as shipped. [`Policy::illustrative_default`] is the same pack
/// as a Rust value (`policy/default_pack.rs`, generated from this file).
pub const DEFAULT_JSON: &str = include_str!("../../data/policy/default.json");

mod default_pack;

pub use crate::limits::{
    MAX_NEAR_MISSES, MAX_POLICY_BYTES, MAX_POLICY_LEVELS, MAX_POLICY_TEXT_CHARS, MAX_RADIUS_MILES,
};

/// A validated policy pack.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Policy {
    pub schema: u32,
    pub id: String,
    pub version: String,
    /// True for packs that are examples, not a council's adopted policy: the list says so.
    pub illustrative: bool,
    pub title: String,
    /// Shown with every list made under this pack.
    pub notice: String,
    pub levels: Vec<Level>,
    pub weights: Weights,
    pub distance_half_life_miles: f64,
    /// How a setting of a specialist kind whose specialisms are not recorded counts on the need
    /// factors: `Some(v)` counts them at `v` (0–1; the default pack's 0.5 is "neither a match
    /// nor a mismatch", so a confirmed specialist ranks above an unknown one); `None` drops them
    /// and spreads their weight over the known factors. Either way coverage reports them unknown.
    pub unknown_needs_value: Option<f64>,
    /// How a setting whose age range is not recorded (nor its phase) counts on the age-range
    /// factor: `Some(v)` counts it at `v` (the default pack's 0.5, so a setting known to take
    /// the child's age ranks above one whose ages are unknown); `None` (the value when a pack
    /// leaves it out) drops the factor for it. Either way coverage reports it unknown, and it is
    /// never left out of the list for it.
    pub unknown_ages_value: Option<f64>,
    /// When mainstream schools are among the kinds considered, the list keeps at least this many.
    pub mainstream_minimum: u32,
    /// How many near misses (excluded settings that would otherwise rank) to show.
    pub near_misses: u32,
    pub wording: Wording,
}

/// A level of need, in words a parent understands, and the settings usually considered for it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Level {
    pub id: String,
    pub label: String,
    pub description: String,
    /// Kinds considered at this level, in the pack's order.
    pub kinds: Vec<ProvisionKind>,
    /// How well each considered kind usually fits the level (0–1), parallel to `kinds`.
    pub kind_fit: Vec<f64>,
    pub radius_miles: f64,
}

impl Level {
    /// How well `kind` usually fits this level: `None` when the level does not consider it.
    pub fn fit(&self, kind: ProvisionKind) -> Option<f64> {
        self.kinds.iter().position(|k| *k == kind).map(|i| self.kind_fit[i])
    }
}

/// Weights of the fit-score factors, each in 0–1. Only their ratios matter: the score is the
/// weighted mean of the factors whose data is known.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Weights {
    /// The setting records provision for the child's primary need.
    pub primary_need: f64,
    /// Share of the child's other needs the setting records.
    pub secondary_needs: f64,
    /// The setting records a need in the same broad area as the primary need.
    pub broad_area: f64,
    /// How well the kind of setting fits the level of need.
    pub kind_fit: f64,
    /// The setting is known to take the child's age (recorded, or usual for its phase). A pack
    /// written before this factor existed gets [`DEFAULT_AGE_RANGE_WEIGHT`].
    #[serde(default = "default_age_range_weight")]
    pub age_range: f64,
    /// Nearness: halves every `distanceHalfLifeMiles`.
    pub distance: f64,
    /// The preferences the user set (single-sex, religious character, boarding).
    pub preferences: f64,
    /// Free places (never a reason to leave a setting out).
    pub places: f64,
}

/// The age-range weight of a pack that does not give one (the default pack's).
pub const DEFAULT_AGE_RANGE_WEIGHT: f64 = 0.5;

fn default_age_range_weight() -> f64 {
    DEFAULT_AGE_RANGE_WEIGHT
}

impl Weights {
    fn named(&self) -> [(&'static str, f64); 8] {
        [
            ("primaryNeed", self.primary_need),
            ("secondaryNeeds", self.secondary_needs),
            ("broadArea", self.broad_area),
            ("kindFit", self.kind_fit),
            ("ageRange", self.age_range),
            ("distance", self.distance),
            ("preferences", self.preferences),
            ("places", self.places),
        ]
    }
}

/// Text a council may reword. `{name}` placeholders are filled in; each key allows only its own.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Wording {
    /// Shown with every list: it is advisory and parents may ask for any suitable setting.
    pub advisory: String,
    /// `{miles}`.
    pub distance: String,
    pub beyond_walking_distance: String,
    /// `{la}`: the council's name.
    pub outside_home_la: String,
    pub proposed_to_close: String,
    pub section41_approved: String,
    pub section41_not_approved: String,
    pub ages_not_recorded: String,
    /// `{low}`, `{high}`, `{phase}`.
    pub ages_inferred: String,
    /// `{need}`: the primary need in plain words.
    pub needs_not_recorded: String,
    pub mainstream_presumption: String,
}

impl Wording {
    /// Fills `{name}` placeholders of `template` from `values`.
    pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
        let mut out = String::with_capacity(template.len() + 16);
        let values: Vec<(&str, &dyn std::fmt::Display)> = values.iter().map(|(k, v)| (*k, v as _)).collect();
        // Writing to a `String` cannot fail.
        let _ = Wording::fill_to(&mut out, template, &values);
        out
    }

    /// [`fill`](Self::fill), written to `out` as it goes (values are written with `Display`,
    /// placeholders without a value are left as they are).
    pub fn fill_to(
        out: &mut impl std::fmt::Write,
        template: &str,
        values: &[(&str, &dyn std::fmt::Display)],
    ) -> std::fmt::Result {
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.write_str(&rest[..open])?;
            let after = &rest[open + 1..];
            match after.find('}') {
                Some(close) => {
                    let name = &after[..close];
                    match values.iter().find(|(k, _)| *k == name) {
                        Some((_, v)) => write!(out, "{v}")?,
                        None => out.write_str(&rest[open..open + close + 2])?,
                    }
                    rest = &after[close + 1..];
                }
                None => {
                    out.write_str(&rest[open..])?;
                    rest = "";
                }
            }
        }
        out.write_str(rest)
    }

    fn entries(&self) -> [(&'static str, &str, &'static [&'static str]); 11] {
        [
            ("advisory", &self.advisory, &[]),
            ("distance", &self.distance, &["miles"]),
            ("beyondWalkingDistance", &self.beyond_walking_distance, &[]),
            ("outsideHomeLa", &self.outside_home_la, &["la"]),
            ("proposedToClose", &self.proposed_to_close, &[]),
            ("section41Approved", &self.section41_approved, &[]),
            ("section41NotApproved", &self.section41_not_approved, &[]),
            ("agesNotRecorded", &self.ages_not_recorded, &[]),
            ("agesInferred", &self.ages_inferred, &["low", "high", "phase"]),
            ("needsNotRecorded", &self.needs_not_recorded, &["need"]),
            ("mainstreamPresumption", &self.mainstream_presumption, &[]),
        ]
    }
}

// ---- the file as written -------------------------------------------------------------------

#[cfg(test)]
#[derive(Deserialize)]
struct SchemaOnly {
    schema: Option<serde_json::Value>,
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(Debug, PartialEq))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawPolicy {
    schema: u32,
    id: String,
    version: String,
    illustrative: bool,
    title: String,
    notice: String,
    levels: Vec<RawLevel>,
    weights: Weights,
    distance_half_life_miles: f64,
    #[serde(default)]
    unknown_needs_value: Option<f64>,
    #[serde(default)]
    unknown_ages_value: Option<f64>,
    mainstream_minimum: u32,
    near_misses: u32,
    #[serde(default)]
    wording: RawWording,
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(Debug, PartialEq))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawLevel {
    id: String,
    label: String,
    description: String,
    kinds: Vec<String>,
    /// Optional: kinds left out fit 1.
    #[serde(default)]
    kind_fit: std::collections::BTreeMap<String, f64>,
    radius_miles: f64,
}

#[derive(Clone, Default, Deserialize)]
#[cfg_attr(test, derive(Debug, PartialEq))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawWording {
    advisory: Option<String>,
    distance: Option<String>,
    beyond_walking_distance: Option<String>,
    outside_home_la: Option<String>,
    proposed_to_close: Option<String>,
    section41_approved: Option<String>,
    section41_not_approved: Option<String>,
    ages_not_recorded: Option<String>,
    ages_inferred: Option<String>,
    needs_not_recorded: Option<String>,
    mainstream_presumption: Option<String>,
}

impl From<Wording> for RawWording {
    fn from(w: Wording) -> RawWording {
        RawWording {
            advisory: Some(w.advisory),
            distance: Some(w.distance),
            beyond_walking_distance: Some(w.beyond_walking_distance),
            outside_home_la: Some(w.outside_home_la),
            proposed_to_close: Some(w.proposed_to_close),
            section41_approved: Some(w.section41_approved),
            section41_not_approved: Some(w.section41_not_approved),
            ages_not_recorded: Some(w.ages_not_recorded),
            ages_inferred: Some(w.ages_inferred),
            needs_not_recorded: Some(w.needs_not_recorded),
            mainstream_presumption: Some(w.mainstream_presumption),
        }
    }
}

impl RawWording {
    /// Each key from `self`, else from `fallback`.
    fn or(self, fallback: RawWording) -> RawWording {
        RawWording {
            advisory: self.advisory.or(fallback.advisory),
            distance: self.distance.or(fallback.distance),
            beyond_walking_distance: self.beyond_walking_distance.or(fallback.beyond_walking_distance),
            outside_home_la: self.outside_home_la.or(fallback.outside_home_la),
            proposed_to_close: self.proposed_to_close.or(fallback.proposed_to_close),
            section41_approved: self.section41_approved.or(fallback.section41_approved),
            section41_not_approved: self.section41_not_approved.or(fallback.section41_not_approved),
            ages_not_recorded: self.ages_not_recorded.or(fallback.ages_not_recorded),
            ages_inferred: self.ages_inferred.or(fallback.ages_inferred),
            needs_not_recorded: self.needs_not_recorded.or(fallback.needs_not_recorded),
            mainstream_presumption: self.mainstream_presumption.or(fallback.mainstream_presumption),
        }
    }

    fn complete(self) -> Result<Wording> {
        let need = |v: Option<String>, key: &str| v.ok_or_else(|| Error::Policy(format!("wording.{key} is missing")));
        Ok(Wording {
            advisory: need(self.advisory, "advisory")?,
            distance: need(self.distance, "distance")?,
            beyond_walking_distance: need(self.beyond_walking_distance, "beyondWalkingDistance")?,
            outside_home_la: need(self.outside_home_la, "outsideHomeLa")?,
            proposed_to_close: need(self.proposed_to_close, "proposedToClose")?,
            section41_approved: need(self.section41_approved, "section41Approved")?,
            section41_not_approved: need(self.section41_not_approved, "section41NotApproved")?,
            ages_not_recorded: need(self.ages_not_recorded, "agesNotRecorded")?,
            ages_inferred: need(self.ages_inferred, "agesInferred")?,
            needs_not_recorded: need(self.needs_not_recorded, "needsNotRecorded")?,
            mainstream_presumption: need(self.mainstream_presumption, "mainstreamPresumption")?,
        })
    }
}

fn parse_raw(json: &str) -> Result<RawPolicy> {
    let not_a_pack = |e: String| Error::Policy(format!("not a policy pack (expected a JSON object): {e}"));
    let value = json::parse(json).map_err(not_a_pack)?;
    // Check the schema first, so that a pack of another version gets that message rather than
    // a complaint about fields this version does not know.
    let mut schema = None;
    let given = value
        .fields("struct SchemaOnly", &["schema"], false, |_, v| {
            schema = Some(v);
            Ok(())
        })
        .map_err(not_a_pack)?;
    match given.optional(schema, 0).map_err(not_a_pack)? {
        None | Some(Json::Null) => {
            return Err(Error::Policy(format!("no \"schema\" field: expected \"schema\": {SCHEMA}")))
        }
        Some(Json::U64(v)) if *v == u64::from(SCHEMA) => {}
        Some(v) => {
            return Err(Error::Policy(format!(
                "schema version {} is not supported: this program reads schema {SCHEMA}",
                v.to_text()
            )))
        }
    }
    raw_policy(&value).map_err(Error::Policy)
}

// The packs' structs read from JSON with serde's messages (src/engine/json.rs): the finder's
// wasm has no serde deserialiser. `tests::the_reader_says_what_serde_says` checks them against
// the serde derives above.

const POLICY_FIELDS: [&str; 14] = [
    "schema",
    "id",
    "version",
    "illustrative",
    "title",
    "notice",
    "levels",
    "weights",
    "distanceHalfLifeMiles",
    "unknownNeedsValue",
    "unknownAgesValue",
    "mainstreamMinimum",
    "nearMisses",
    "wording",
];

fn raw_policy(v: &Json) -> json::Read<RawPolicy> {
    let (mut schema, mut id, mut version, mut illustrative, mut title, mut notice) =
        (None, None, None, None, None, None);
    let (mut levels, mut weights, mut half_life, mut mainstream, mut near) = (None, None, None, None, None);
    let (mut unknown_needs_value, mut unknown_ages_value, mut wording) = (None, None, RawWording::default());
    let given = v.fields("struct RawPolicy", &POLICY_FIELDS, true, |i, v| {
        match i {
            0 => schema = Some(v.uint::<u32>("u32")?),
            1 => id = Some(v.string()?),
            2 => version = Some(v.string()?),
            3 => illustrative = Some(v.bool()?),
            4 => title = Some(v.string()?),
            5 => notice = Some(v.string()?),
            6 => levels = Some(v.seq(raw_level)?),
            7 => weights = Some(raw_weights(v)?),
            8 => half_life = Some(v.f64()?),
            9 => unknown_needs_value = v.option(Json::f64)?,
            10 => unknown_ages_value = v.option(Json::f64)?,
            11 => mainstream = Some(v.uint::<u32>("u32")?),
            12 => near = Some(v.uint::<u32>("u32")?),
            _ => wording = raw_wording(v)?,
        }
        Ok(())
    })?;
    Ok(RawPolicy {
        schema: given.require(schema, 0, "schema")?,
        id: given.require(id, 1, "id")?,
        version: given.require(version, 2, "version")?,
        illustrative: given.require(illustrative, 3, "illustrative")?,
        title: given.require(title, 4, "title")?,
        notice: given.require(notice, 5, "notice")?,
        levels: given.require(levels, 6, "levels")?,
        weights: given.require(weights, 7, "weights")?,
        distance_half_life_miles: given.require(half_life, 8, "distanceHalfLifeMiles")?,
        unknown_needs_value,
        unknown_ages_value,
        mainstream_minimum: given.require(mainstream, 11, "mainstreamMinimum")?,
        near_misses: given.require(near, 12, "nearMisses")?,
        wording,
    })
}

fn raw_level(v: &Json) -> json::Read<RawLevel> {
    const FIELDS: [&str; 6] = ["id", "label", "description", "kinds", "kindFit", "radiusMiles"];
    let (mut id, mut label, mut description, mut kinds, mut radius) = (None, None, None, None, None);
    let mut kind_fit = std::collections::BTreeMap::new();
    let given = v.fields("struct RawLevel", &FIELDS, true, |i, v| {
        match i {
            0 => id = Some(v.string()?),
            1 => label = Some(v.string()?),
            2 => description = Some(v.string()?),
            3 => kinds = Some(v.seq(Json::string)?),
            4 => {
                let Json::Object(members) = v else { return v.invalid_type("a map") };
                kind_fit.clear();
                for (k, fit) in members {
                    kind_fit.insert(k.clone(), fit.f64()?);
                }
            }
            _ => radius = Some(v.f64()?),
        }
        Ok(())
    })?;
    Ok(RawLevel {
        id: given.require(id, 0, "id")?,
        label: given.require(label, 1, "label")?,
        description: given.require(description, 2, "description")?,
        kinds: given.require(kinds, 3, "kinds")?,
        kind_fit,
        radius_miles: given.require(radius, 5, "radiusMiles")?,
    })
}

fn raw_weights(v: &Json) -> json::Read<Weights> {
    const FIELDS: [&str; 8] =
        ["primaryNeed", "secondaryNeeds", "broadArea", "kindFit", "ageRange", "distance", "preferences", "places"];
    let mut w: [Option<f64>; 8] = [None; 8];
    let given = v.fields("struct Weights", &FIELDS, true, |i, v| {
        w[i] = Some(v.f64()?);
        Ok(())
    })?;
    let get = |i: usize| given.require(w[i], i, FIELDS[i]);
    Ok(Weights {
        primary_need: get(0)?,
        secondary_needs: get(1)?,
        broad_area: get(2)?,
        kind_fit: get(3)?,
        age_range: w[4].unwrap_or(DEFAULT_AGE_RANGE_WEIGHT),
        distance: get(5)?,
        preferences: get(6)?,
        places: get(7)?,
    })
}

fn raw_wording(v: &Json) -> json::Read<RawWording> {
    const FIELDS: [&str; 11] = [
        "advisory",
        "distance",
        "beyondWalkingDistance",
        "outsideHomeLa",
        "proposedToClose",
        "section41Approved",
        "section41NotApproved",
        "agesNotRecorded",
        "agesInferred",
        "needsNotRecorded",
        "mainstreamPresumption",
    ];
    // Each field is an `Option<String>`: `null` or absent is `None`.
    let mut t: [Option<Option<String>>; 11] = Default::default();
    let given = v.fields("struct RawWording", &FIELDS, true, |i, v| {
        t[i] = Some(v.option(Json::string)?);
        Ok(())
    })?;
    let mut t = t.into_iter().enumerate().map(|(i, v)| given.optional(v, i).map(Option::flatten));
    let mut next = || t.next().unwrap_or(Ok(None));
    Ok(RawWording {
        advisory: next()?,
        distance: next()?,
        beyond_walking_distance: next()?,
        outside_home_la: next()?,
        proposed_to_close: next()?,
        section41_approved: next()?,
        section41_not_approved: next()?,
        ages_not_recorded: next()?,
        ages_inferred: next()?,
        needs_not_recorded: next()?,
        mainstream_presumption: next()?,
    })
}

/// The same as [`parse_raw`] through serde's derived readers: what the tests check it against.
#[cfg(test)]
fn parse_raw_serde(json: &str) -> Result<RawPolicy> {
    let head: SchemaOnly = serde_json::from_str(json)
        .map_err(|e| Error::Policy(format!("not a policy pack (expected a JSON object): {e}")))?;
    match head.schema {
        None => return Err(Error::Policy(format!("no \"schema\" field: expected \"schema\": {SCHEMA}"))),
        Some(v) if v.as_u64() == Some(u64::from(SCHEMA)) => {}
        Some(v) => {
            return Err(Error::Policy(format!(
                "schema version {v} is not supported: this program reads schema {SCHEMA}"
            )))
        }
    }
    serde_json::from_str(json).map_err(|e| Error::Policy(e.to_string()))
}

fn valid_kind_codes() -> String {
    ProvisionKind::ALL.map(|k| k.code()).join(", ")
}

fn kind_from_code(code: &str, context: &str) -> Result<ProvisionKind> {
    ProvisionKind::ALL.into_iter().find(|k| k.code() == code).ok_or_else(|| {
        Error::Policy(format!("{context}: unknown provision kind {code:?}; valid kinds are {}", valid_kind_codes()))
    })
}

fn unit_interval(value: f64, what: &str) -> Result<f64> {
    if value.is_finite() && (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(Error::Policy(format!("{what} must be between 0 and 1, found {}", Shortest(value))))
    }
}

/// Refuses a text longer than [`MAX_POLICY_TEXT_CHARS`].
fn check_length(what: &str, text: &str) -> Result<()> {
    let chars = text.chars().count();
    if chars > MAX_POLICY_TEXT_CHARS {
        return Err(Error::Policy(format!(
            "{what} is {chars} characters long, more than the {MAX_POLICY_TEXT_CHARS} a text may have \
             (limits::MAX_POLICY_TEXT_CHARS)"
        )));
    }
    Ok(())
}

fn validate_level(raw: RawLevel, position: usize) -> Result<Level> {
    if raw.id.trim().is_empty() {
        return Err(Error::Policy(format!("levels[{position}]: the level id is missing (an empty id)")));
    }
    for (what, text) in [("id", &raw.id), ("label", &raw.label), ("description", &raw.description)] {
        check_length(&format!("levels[{position}].{what}"), text)?;
    }
    let ctx = format!("level {:?}", raw.id);
    if raw.kinds.is_empty() {
        return Err(Error::Policy(format!("{ctx}: no kinds; list at least one of {}", valid_kind_codes())));
    }
    let mut kinds = Vec::with_capacity(raw.kinds.len());
    for code in &raw.kinds {
        let kind = kind_from_code(code, &ctx)?;
        if kinds.contains(&kind) {
            return Err(Error::Policy(format!("{ctx}: kind {code:?} is listed twice")));
        }
        kinds.push(kind);
    }
    for code in raw.kind_fit.keys() {
        let kind = kind_from_code(code, &format!("{ctx} kindFit"))?;
        if !kinds.contains(&kind) {
            return Err(Error::Policy(format!("{ctx}: kindFit gives {code:?}, which is not among the level's kinds")));
        }
    }
    let mut kind_fit = Vec::with_capacity(kinds.len());
    for code in &raw.kinds {
        let fit = raw.kind_fit.get(code).copied().unwrap_or(1.0);
        kind_fit.push(unit_interval(fit, &format!("{ctx}: kindFit.{code}"))?);
    }
    let r = raw.radius_miles;
    if !(r.is_finite() && r > 0.0 && r <= MAX_RADIUS_MILES) {
        return Err(Error::Policy(format!(
            "{ctx}: radiusMiles must be above 0 and at most {}, found {}",
            Shortest(MAX_RADIUS_MILES),
            Shortest(r)
        )));
    }
    Ok(Level { id: raw.id, label: raw.label, description: raw.description, kinds, kind_fit, radius_miles: r })
}

fn check_placeholders(key: &str, template: &str, allowed: &[&str]) -> Result<()> {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err(Error::Policy(format!("wording.{key}: a \"{{\" is never closed")));
        };
        let name = &after[..close];
        if !allowed.contains(&name) {
            let allowed = if allowed.is_empty() {
                "none".to_string()
            } else {
                allowed.iter().map(|a| format!("{{{a}}}")).collect::<Vec<_>>().join(", ")
            };
            return Err(Error::Policy(format!("wording.{key}: unknown placeholder {{{name}}}; allowed: {allowed}")));
        }
        rest = &after[close + 1..];
    }
    Ok(())
}

impl Policy {
    /// The built-in illustrative pack (`data/policy/default.json`), as a Rust value generated
    /// from that file (`default_pack.rs`; a test checks they agree): no JSON is parsed for it.
    pub fn illustrative_default() -> Policy {
        default_pack::pack()
    }

    /// Reads and validates a pack. Wording keys a pack leaves out come from the built-in pack.
    ///
    /// A pack of more than [`MAX_POLICY_BYTES`] is refused unread ([`Error::TooLarge`]); one
    /// with more than [`MAX_POLICY_LEVELS`] levels, or a text longer than
    /// [`MAX_POLICY_TEXT_CHARS`], is an [`Error::Policy`] that says which.
    pub fn from_json(json: &str) -> Result<Policy> {
        crate::limits::check_size("policy pack", json.len() as u64, MAX_POLICY_BYTES as u64, "MAX_POLICY_BYTES")?;
        let raw = parse_raw(json)?;
        // Keys left out come from the built-in pack (only built when one is missing).
        let wording = match raw.wording.clone().complete() {
            Ok(wording) => wording,
            Err(_) => raw.wording.clone().or(RawWording::from(default_pack::pack().wording)).complete()?,
        };
        for (key, text, allowed) in wording.entries() {
            check_length(&format!("wording.{key}"), text)?;
            check_placeholders(key, text, allowed)?;
        }

        for (what, text) in [("id", &raw.id), ("version", &raw.version)] {
            if text.trim().is_empty() {
                return Err(Error::Policy(format!("{what} is empty")));
            }
        }
        for (what, text) in [("id", &raw.id), ("version", &raw.version), ("title", &raw.title), ("notice", &raw.notice)]
        {
            check_length(what, text)?;
        }
        if raw.levels.is_empty() {
            return Err(Error::Policy("no levels: a pack needs at least one level of need".into()));
        }
        if raw.levels.len() > MAX_POLICY_LEVELS {
            return Err(Error::Policy(format!(
                "levels: {} levels, more than the {MAX_POLICY_LEVELS} a pack may have (limits::MAX_POLICY_LEVELS)",
                raw.levels.len()
            )));
        }
        let mut levels: Vec<Level> = Vec::with_capacity(raw.levels.len());
        for (i, raw_level) in raw.levels.into_iter().enumerate() {
            let level = validate_level(raw_level, i)?;
            if levels.iter().any(|l| l.id == level.id) {
                return Err(Error::Policy(format!("levels[{i}]: duplicate level id {:?}", level.id)));
            }
            levels.push(level);
        }
        for (name, w) in raw.weights.named() {
            unit_interval(w, &format!("weights.{name}"))?;
        }
        if raw.weights.named().iter().all(|(_, w)| *w == 0.0) {
            return Err(Error::Policy("weights: all are 0; at least one must be above 0".into()));
        }
        let h = raw.distance_half_life_miles;
        if !(h.is_finite() && h > 0.0 && h <= MAX_RADIUS_MILES) {
            return Err(Error::Policy(format!(
                "distanceHalfLifeMiles must be above 0 and at most {}, found {}",
                Shortest(MAX_RADIUS_MILES),
                Shortest(h)
            )));
        }
        if let Some(v) = raw.unknown_needs_value {
            unit_interval(v, "unknownNeedsValue")?;
        }
        if let Some(v) = raw.unknown_ages_value {
            unit_interval(v, "unknownAgesValue")?;
        }
        if raw.near_misses > MAX_NEAR_MISSES {
            return Err(Error::Policy(format!(
                "nearMisses must be at most {MAX_NEAR_MISSES}, found {}",
                raw.near_misses
            )));
        }
        Ok(Policy {
            schema: raw.schema,
            id: raw.id,
            version: raw.version,
            illustrative: raw.illustrative,
            title: raw.title,
            notice: raw.notice,
            levels,
            weights: raw.weights,
            distance_half_life_miles: h,
            unknown_needs_value: raw.unknown_needs_value,
            unknown_ages_value: raw.unknown_ages_value,
            mainstream_minimum: raw.mainstream_minimum,
            near_misses: raw.near_misses,
            wording,
        })
    }

    /// How many mainstream schools a list of `limit` keeps (presumption of mainstream): the
    /// pack's minimum, but never more than a quarter of the list, so a short list is not made
    /// of mainstream schools that rank far below the settings they displace.
    pub fn mainstream_quota(&self, limit: usize) -> usize {
        (self.mainstream_minimum as usize).min(limit / 4)
    }

    /// The level with this id.
    pub fn level(&self, id: &str) -> Option<&Level> {
        self.levels.iter().find(|l| l.id == id)
    }

    /// The level ids, for messages ("expected one of ...").
    pub fn level_ids(&self) -> Vec<&str> {
        self.levels.iter().map(|l| l.id.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    /// `default_pack.rs`: the default pack as Rust source.
    fn default_pack_source(p: &Policy) -> String {
        let mut o = String::new();
        o.push_str(
            "//! The built-in illustrative policy pack as a Rust value, so that the finder parses no JSON\n\
             //! for it. GENERATED from data/policy/default.json: do not edit; after changing that file run\n\
             //! `UPDATE_DEFAULT_POLICY=1 cargo test --lib policy::tests::default_pack` (the test checks that\n\
             //! this value equals the parsed file).\n\n\
             use super::{Level, Policy, Weights, Wording};\n\
             use crate::model::ProvisionKind;\n\n\
             #[rustfmt::skip]\n\
             pub(super) fn pack() -> Policy {\n",
        );
        let w = &p.weights;
        let wd = &p.wording;
        let _ = writeln!(o, "    Policy {{");
        let _ = writeln!(o, "        schema: {},", p.schema);
        for (name, text) in [("id", &p.id), ("version", &p.version)] {
            let _ = writeln!(o, "        {name}: {text:?}.into(),");
        }
        let _ = writeln!(o, "        illustrative: {},", p.illustrative);
        for (name, text) in [("title", &p.title), ("notice", &p.notice)] {
            let _ = writeln!(o, "        {name}: {text:?}.into(),");
        }
        let _ = writeln!(o, "        levels: vec![");
        for l in &p.levels {
            let _ = writeln!(o, "            Level {{");
            for (name, text) in [("id", &l.id), ("label", &l.label), ("description", &l.description)] {
                let _ = writeln!(o, "                {name}: {text:?}.into(),");
            }
            let kinds: Vec<String> = l.kinds.iter().map(|k| format!("ProvisionKind::{k:?}")).collect();
            let _ = writeln!(o, "                kinds: vec![{}],", kinds.join(", "));
            let fits: Vec<String> = l.kind_fit.iter().map(|f| format!("{f:?}")).collect();
            let _ = writeln!(o, "                kind_fit: vec![{}],", fits.join(", "));
            let _ = writeln!(o, "                radius_miles: {:?},", l.radius_miles);
            let _ = writeln!(o, "            }},");
        }
        let _ = writeln!(o, "        ],");
        let _ = writeln!(o, "        weights: Weights {{");
        for (name, v) in [
            ("primary_need", w.primary_need),
            ("secondary_needs", w.secondary_needs),
            ("broad_area", w.broad_area),
            ("kind_fit", w.kind_fit),
            ("age_range", w.age_range),
            ("distance", w.distance),
            ("preferences", w.preferences),
            ("places", w.places),
        ] {
            let _ = writeln!(o, "            {name}: {v:?},");
        }
        let _ = writeln!(o, "        }},");
        let _ = writeln!(o, "        distance_half_life_miles: {:?},", p.distance_half_life_miles);
        let _ = writeln!(o, "        unknown_needs_value: {:?},", p.unknown_needs_value);
        let _ = writeln!(o, "        unknown_ages_value: {:?},", p.unknown_ages_value);
        let _ = writeln!(o, "        mainstream_minimum: {},", p.mainstream_minimum);
        let _ = writeln!(o, "        near_misses: {},", p.near_misses);
        let _ = writeln!(o, "        wording: Wording {{");
        for (name, text) in [
            ("advisory", &wd.advisory),
            ("distance", &wd.distance),
            ("beyond_walking_distance", &wd.beyond_walking_distance),
            ("outside_home_la", &wd.outside_home_la),
            ("proposed_to_close", &wd.proposed_to_close),
            ("section41_approved", &wd.section41_approved),
            ("section41_not_approved", &wd.section41_not_approved),
            ("ages_not_recorded", &wd.ages_not_recorded),
            ("ages_inferred", &wd.ages_inferred),
            ("needs_not_recorded", &wd.needs_not_recorded),
            ("mainstream_presumption", &wd.mainstream_presumption),
        ] {
            let _ = writeln!(o, "            {name}: {text:?}.into(),");
        }
        let _ = writeln!(o, "        }},");
        let _ = writeln!(o, "    }}");
        let _ = writeln!(o, "}}");
        o
    }

    /// The small JSON reader (src/engine/json.rs) reads every variant of the default pack as
    /// serde's derives do, with the same message (serde's without its line and column).
    #[test]
    fn the_reader_says_what_serde_says() {
        use crate::engine::json::mutations;
        let doc: serde_json::Value = serde_json::from_str(DEFAULT_JSON).unwrap();
        let mut texts = mutations::of(&doc);
        for schema in [
            json_value("null"),
            json_value("2"),
            json_value("1.0"),
            json_value("\"1\""),
            json_value("{\"b\":[1, 2.50, \"é\"],\"a\":-3}"),
        ] {
            let mut d = doc.clone();
            d["schema"] = schema;
            texts.push(d.to_string());
        }
        texts.push(DEFAULT_JSON.replace("\"kindFit\": {", "\"kindFit\": {\"special\": 0.5,"));
        let (mut ok, mut failed) = (0, 0);
        for text in &texts {
            let ours = parse_raw(text).map_err(|e| e.to_string());
            // Text that is not JSON: the reader reads it all first, so its message is the syntax
            // error (serde_json's own), where serde's derive may stop earlier at a bad field.
            let theirs = match serde_json::from_str::<serde_json::Value>(text) {
                Err(e) => Err(format!("policy pack: not a policy pack (expected a JSON object): {e}")),
                Ok(_) => parse_raw_serde(text).map_err(|e| mutations::without_position(&e.to_string())),
            };
            assert_eq!(ours, theirs, "{text}");
            if ours.is_ok() {
                ok += 1;
            } else {
                failed += 1;
            }
        }
        assert!(ok > 10 && failed > 100, "{ok} read, {failed} refused");
    }

    fn json_value(text: &str) -> serde_json::Value {
        serde_json::from_str(text).unwrap()
    }

    /// The default pack as a Rust value (`default_pack.rs`) is data/policy/default.json parsed;
    /// `UPDATE_DEFAULT_POLICY=1` rewrites it from the file.
    #[test]
    fn default_pack() {
        // The file's own wording is complete: the fallback from the Rust value adds nothing.
        assert!(parse_raw(DEFAULT_JSON).unwrap().wording.complete().is_ok());
        let parsed = Policy::from_json(DEFAULT_JSON).expect("data/policy/default.json is a valid pack");
        let source = default_pack_source(&parsed);
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/engine/policy/default_pack.rs");
        if std::env::var_os("UPDATE_DEFAULT_POLICY").is_some() {
            std::fs::write(path, &source).unwrap();
        }
        let written = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            written == source,
            "src/engine/policy/default_pack.rs is not data/policy/default.json: run \
             UPDATE_DEFAULT_POLICY=1 cargo test --lib policy::tests::default_pack"
        );
        assert_eq!(Policy::illustrative_default(), parsed);
    }

    /// The default pack with one edit made to its JSON value.
    fn edited(edit: impl FnOnce(&mut serde_json::Value)) -> String {
        let mut v: serde_json::Value = serde_json::from_str(DEFAULT_JSON).unwrap();
        edit(&mut v);
        v.to_string()
    }

    fn error_of(json: &str) -> String {
        match Policy::from_json(json) {
            Err(Error::Policy(msg)) => msg,
            other => panic!("expected a policy error, got {other:?}"),
        }
    }

    mod default_pack {
        use super::*;

        #[test]
        fn loads_and_is_marked_illustrative() {
            let p = Policy::illustrative_default();
            assert!(p.illustrative);
            assert_eq!(p.id, "illustrative-default");
            assert!(p.notice.starts_with("Illustrative only: not any council's policy"));
        }

        #[test]
        fn has_plain_english_levels_from_mainstream_to_complex() {
            let p = Policy::illustrative_default();
            assert_eq!(p.level_ids(), ["universal", "targeted", "specialist", "complex"]);
            for l in &p.levels {
                assert!(!l.label.is_empty() && l.description.len() > 40, "{}", l.id);
            }
            assert_eq!(p.level("universal").unwrap().fit(ProvisionKind::Mainstream), Some(1.0));
            assert_eq!(p.level("universal").unwrap().fit(ProvisionKind::Special), None);
            assert_eq!(p.level("complex").unwrap().fit(ProvisionKind::IndependentSpecial), Some(0.9));
        }

        #[test]
        fn wording_is_complete_in_the_file_itself() {
            let raw = parse_raw(DEFAULT_JSON).unwrap();
            assert!(raw.wording.complete().is_ok());
        }

        #[test]
        fn a_council_pack_may_leave_wording_out() {
            let p = Policy::from_json(&edited(|v| {
                v["wording"] = serde_json::json!({ "distance": "{miles} mi as the crow flies" })
            }))
            .unwrap();
            assert_eq!(p.wording.distance, "{miles} mi as the crow flies");
            assert_eq!(p.wording.advisory, Policy::illustrative_default().wording.advisory);
        }
    }

    mod validation {
        use super::*;

        #[test]
        fn unknown_kind_is_named_with_the_valid_ones() {
            let msg = error_of(&edited(|v| v["levels"][0]["kinds"][1] = "specialSchool".into()));
            assert_eq!(
                msg,
                "level \"universal\": unknown provision kind \"specialSchool\"; valid kinds are \
                 mainstream, resourcedProvision, senUnit, special, nonMaintainedSpecial, \
                 independentSpecial, alternativeProvision, post16, earlyYears"
            );
        }

        #[test]
        fn weight_outside_zero_to_one() {
            let msg = error_of(&edited(|v| v["weights"]["distance"] = 1.5.into()));
            assert_eq!(msg, "weights.distance must be between 0 and 1, found 1.5");
            let msg = error_of(&edited(|v| v["weights"]["places"] = (-0.1).into()));
            assert_eq!(msg, "weights.places must be between 0 and 1, found -0.1");
        }

        #[test]
        fn an_assumed_value_outside_zero_to_one() {
            let msg = error_of(&edited(|v| v["unknownAgesValue"] = 2.into()));
            assert_eq!(msg, "unknownAgesValue must be between 0 and 1, found 2");
        }

        #[test]
        fn a_pack_written_before_the_age_range_factor_still_loads() {
            // Issue 11 added `weights.ageRange` and `unknownAgesValue`; a pack without them
            // gets the default weight and leaves unknown age ranges out of the score.
            let p = Policy::from_json(&edited(|v| {
                v["weights"].as_object_mut().unwrap().remove("ageRange");
                v.as_object_mut().unwrap().remove("unknownAgesValue");
            }))
            .unwrap();
            assert_eq!(p.weights.age_range, DEFAULT_AGE_RANGE_WEIGHT);
            assert_eq!(p.unknown_ages_value, None);
            let d = Policy::illustrative_default();
            assert_eq!((d.weights.age_range, d.unknown_ages_value), (DEFAULT_AGE_RANGE_WEIGHT, Some(0.5)));
        }

        #[test]
        fn all_weights_zero() {
            let msg = error_of(&edited(|v| {
                for w in v["weights"].as_object_mut().unwrap().values_mut() {
                    *w = 0.into();
                }
            }));
            assert_eq!(msg, "weights: all are 0; at least one must be above 0");
        }

        #[test]
        fn duplicate_level() {
            let msg = error_of(&edited(|v| v["levels"][2]["id"] = "targeted".into()));
            assert_eq!(msg, "levels[2]: duplicate level id \"targeted\"");
        }

        #[test]
        fn missing_level_id() {
            let msg = error_of(&edited(|v| v["levels"][1]["id"] = "".into()));
            assert_eq!(msg, "levels[1]: the level id is missing (an empty id)");
            let msg = error_of(&edited(|v| {
                v["levels"][1].as_object_mut().unwrap().remove("id");
            }));
            assert!(msg.starts_with("missing field `id`"), "{msg}");
        }

        #[test]
        fn no_levels() {
            let msg = error_of(&edited(|v| v["levels"] = serde_json::json!([])));
            assert_eq!(msg, "no levels: a pack needs at least one level of need");
        }

        #[test]
        fn level_without_kinds() {
            let msg = error_of(&edited(|v| v["levels"][0]["kinds"] = serde_json::json!([])));
            assert!(msg.starts_with("level \"universal\": no kinds; list at least one of mainstream"));
        }

        #[test]
        fn kind_listed_twice() {
            let msg = error_of(&edited(|v| v["levels"][0]["kinds"][1] = "mainstream".into()));
            assert_eq!(msg, "level \"universal\": kind \"mainstream\" is listed twice");
        }

        #[test]
        fn kind_fit_for_a_kind_not_considered() {
            let msg = error_of(&edited(|v| v["levels"][0]["kindFit"] = serde_json::json!({"special": 1})));
            assert_eq!(msg, "level \"universal\": kindFit gives \"special\", which is not among the level's kinds");
            let msg = error_of(&edited(|v| v["levels"][0]["kindFit"] = serde_json::json!({"post16": 2})));
            assert_eq!(msg, "level \"universal\": kindFit.post16 must be between 0 and 1, found 2");
        }

        #[test]
        fn unknown_schema_version() {
            let msg = error_of(&edited(|v| v["schema"] = 2.into()));
            assert_eq!(msg, "schema version 2 is not supported: this program reads schema 1");
            let msg = error_of(&edited(|v| {
                v.as_object_mut().unwrap().remove("schema");
            }));
            assert_eq!(msg, "no \"schema\" field: expected \"schema\": 1");
        }

        #[test]
        fn unknown_fields_are_refused() {
            let msg = error_of(&edited(|v| v["colour"] = "blue".into()));
            assert!(msg.starts_with("unknown field `colour`, expected one of `schema`"), "{msg}");
            let msg = error_of(&edited(|v| v["levels"][0]["radius"] = 3.into()));
            assert!(msg.starts_with("unknown field `radius`, expected one of `id`"), "{msg}");
            let msg = error_of(&edited(|v| v["weights"]["ofsted"] = 0.5.into()));
            assert!(msg.starts_with("unknown field `ofsted`"), "{msg}");
            let msg = error_of(&edited(|v| v["wording"]["greeting"] = "hi".into()));
            assert!(msg.starts_with("unknown field `greeting`"), "{msg}");
        }

        #[test]
        fn radius_must_be_above_zero_and_at_most_100_miles() {
            for bad in [0.0, -1.0, 100.5] {
                let msg = error_of(&edited(|v| v["levels"][3]["radiusMiles"] = bad.into()));
                assert_eq!(msg, format!("level \"complex\": radiusMiles must be above 0 and at most 100, found {bad}"));
            }
            assert!(Policy::from_json(&edited(|v| v["levels"][3]["radiusMiles"] = 100.into())).is_ok());
        }

        #[test]
        fn half_life_and_near_misses_are_bounded() {
            let msg = error_of(&edited(|v| v["distanceHalfLifeMiles"] = 0.into()));
            assert_eq!(msg, "distanceHalfLifeMiles must be above 0 and at most 100, found 0");
            let msg = error_of(&edited(|v| v["nearMisses"] = 51.into()));
            assert_eq!(msg, "nearMisses must be at most 50, found 51");
        }

        #[test]
        fn wording_placeholders_are_checked() {
            let msg = error_of(&edited(|v| v["wording"]["outsideHomeLa"] = "In {council}".into()));
            assert_eq!(msg, "wording.outsideHomeLa: unknown placeholder {council}; allowed: {la}");
            let msg = error_of(&edited(|v| v["wording"]["advisory"] = "Advice {".into()));
            assert_eq!(msg, "wording.advisory: a \"{\" is never closed");
        }

        #[test]
        fn not_json_at_all() {
            let msg = error_of("<html>");
            assert!(msg.starts_with("not a policy pack (expected a JSON object)"), "{msg}");
        }
    }

    mod limits {
        use super::*;

        #[test]
        fn a_pack_over_the_size_cap_is_refused_unread() {
            let huge = format!("{{\"schema\": 1, \"padding\": \"{}\"}}", "x".repeat(MAX_POLICY_BYTES));
            let err = Policy::from_json(&huge).unwrap_err();
            assert!(matches!(err, Error::TooLarge { cap: "MAX_POLICY_BYTES", .. }), "{err}");
        }

        #[test]
        fn more_levels_than_the_cap_are_refused() {
            let msg = error_of(&edited(|v| {
                let level = v["levels"][0].clone();
                v["levels"] = (0..=MAX_POLICY_LEVELS)
                    .map(|i| {
                        let mut l = level.clone();
                        l["id"] = format!("level{i}").into();
                        l
                    })
                    .collect();
            }));
            assert_eq!(msg, "levels: 21 levels, more than the 20 a pack may have (limits::MAX_POLICY_LEVELS)");
        }

        #[test]
        fn an_overlong_text_is_named() {
            let long = "a".repeat(MAX_POLICY_TEXT_CHARS + 1);
            let msg = error_of(&edited(|v| v["levels"][2]["description"] = long.clone().into()));
            assert!(msg.starts_with("levels[2].description is 2001 characters long"), "{msg}");
            let msg = error_of(&edited(|v| v["wording"]["advisory"] = long.clone().into()));
            assert!(msg.starts_with("wording.advisory is 2001 characters long"), "{msg}");
            let msg = error_of(&edited(|v| v["notice"] = long.into()));
            assert!(msg.starts_with("notice is 2001 characters long"), "{msg}");
        }
    }

    mod wording {
        use super::*;

        #[test]
        fn fills_placeholders_and_leaves_unknown_ones() {
            assert_eq!(Wording::fill("{miles} miles, {x}", &[("miles", "3.4")]), "3.4 miles, {x}");
            assert_eq!(Wording::fill("no braces", &[]), "no braces");
            assert_eq!(Wording::fill("open {", &[]), "open {");
        }
    }
}
