//! A small JSON writer for what the finder hands the page (a shortlist, an explanation, the
//! dataset's meta, the policy pack, the vocabulary, a child's age, a postcode's place, a search),
//! so that serde_json's writer and the derived `Serialize` impls stay out of the finder's wasm.
//! The serde derives stay on the types (the CLI, the dashboard, the native tests and the
//! TypeScript bindings use them).
//!
//! [`ToJson::write_json`] writes byte for byte what `serde_json::to_string` writes for the same
//! value: the same field order and camelCase names, `null` for `None` (and a reason's `factor`
//! left out when `None`, as `skip_serializing_if` does), the same enum tags, strings escaped as
//! serde_json escapes them (`\"`, `\\`, `\b \f \n \r \t`, other control characters as
//! `\u00XX` in lower-case hex, everything else as it is, U+2028 included), `f64` by `zmij` as
//! serde_json (1.0.154) writes it (`null` when not finite), integers in decimal. The tests below and
//! `tests/same_answers.rs` (`the_hand_writer_writes_what_serde_writes`) compare the two writers.

use crate::engine::dataset::DatasetMeta;
use crate::engine::finder::{NeedTerm, Term, Vocabulary};
use crate::engine::policy::{Level, Policy, Weights, Wording};
use crate::engine::rank::{
    ChildAge, Counts, DataInfo, Explanation, FactorScore, LaRef, NearMiss, Outcome, PlacesInfo, PolicyRef, Query,
    RankedSetting, Reason, ReasonCode, ReasonText, Rule, RuleCode, ShortList, SiteExplanation,
};
use crate::model::{
    AgeBasis, AgeRange, Date, Gender, LaCode, LatLon, Need, Phase, Postcode, PostcodeFix, PostcodePrecision,
    ProvisionKind, Site, Source, Urn,
};
use std::borrow::Cow;
use std::fmt::{self, Write as _};

/// A value the finder hands the page, written as JSON text.
pub trait ToJson {
    /// Appends the value's JSON (compact, as `serde_json::to_string` writes it) to `out`.
    fn write_json(&self, out: &mut String);
}

/// The value's JSON text.
pub fn to_json<T: ToJson + ?Sized>(value: &T) -> String {
    let mut out = String::with_capacity(1024);
    value.write_json(&mut out);
    out
}

/// `{"a":…,"b":…}`: the keys are literals, written as they are (no key needs escaping).
macro_rules! object {
    ($out:expr; $k0:literal: $v0:expr $(, $k:literal: $v:expr)* $(,)?) => {{
        let out: &mut String = $out;
        raw(out, concat!("{\"", $k0, "\":"));
        ToJson::write_json(&$v0, out);
        $(
            raw(out, concat!(",\"", $k, "\":"));
            ToJson::write_json(&$v, out);
        )*
        out.push('}');
    }};
}

/// Appends `text` as it is. Not inlined, nor are the writers of strings and numbers below: the
/// crate is built at opt-level 2, and a copy of each at every field of every struct made this
/// writer three times the size (24 KB raw in the finder's wasm) for no measurable speed.
#[inline(never)]
fn raw(out: &mut String, text: &str) {
    out.push_str(text);
}

// ---- strings and numbers -------------------------------------------------------------------

/// Appends `text` escaped as serde_json escapes a string's content (without the quotes).
#[inline(never)]
fn escape_into(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = text.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let short = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x08 => "\\b",
            0x0C => "\\f",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x00..=0x1F => "",
            _ => continue,
        };
        // `i` is at an ASCII byte, so both slices end on a character boundary.
        out.push_str(&text[start..i]);
        if short.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xF)]));
        } else {
            out.push_str(short);
        }
        start = i + 1;
    }
    out.push_str(&text[start..]);
}

/// A JSON string.
#[inline(never)]
pub fn write_str(out: &mut String, text: &str) {
    out.push('"');
    escape_into(out, text);
    out.push('"');
}

/// What a value's `Display` writes, as a JSON string (serde's `collect_str`).
fn write_display(out: &mut String, value: &dyn fmt::Display) {
    struct Escaped<'a>(&'a mut String);
    impl fmt::Write for Escaped<'_> {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            escape_into(self.0, s);
            Ok(())
        }
    }
    out.push('"');
    // Writing to a `String` cannot fail.
    let _ = write!(Escaped(out), "{value}");
    out.push('"');
}

/// An `f64` as serde_json writes it: zmij's shortest text (serde_json's own: `1e+16`, `1e-7`),
/// `null` when not finite.
#[inline(never)]
pub fn write_f64(out: &mut String, x: f64) {
    if x.is_finite() {
        out.push_str(zmij::Buffer::new().format_finite(x));
    } else {
        out.push_str("null");
    }
}

#[inline(never)]
fn write_u64(out: &mut String, n: u64) {
    out.push_str(itoa::Buffer::new().format(n));
}

fn write_i64(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    write_u64(out, n.unsigned_abs());
}

impl ToJson for str {
    fn write_json(&self, out: &mut String) {
        write_str(out, self);
    }
}

impl ToJson for String {
    fn write_json(&self, out: &mut String) {
        write_str(out, self);
    }
}

impl ToJson for bool {
    fn write_json(&self, out: &mut String) {
        raw(out, if *self { "true" } else { "false" });
    }
}

impl ToJson for f64 {
    fn write_json(&self, out: &mut String) {
        write_f64(out, *self);
    }
}

macro_rules! unsigned {
    ($($t:ty),*) => {$(
        impl ToJson for $t {
            fn write_json(&self, out: &mut String) {
                write_u64(out, u64::from(*self));
            }
        }
    )*};
}
unsigned!(u8, u16, u32, u64);

impl ToJson for i32 {
    fn write_json(&self, out: &mut String) {
        write_i64(out, i64::from(*self));
    }
}

// ---- containers ----------------------------------------------------------------------------

impl<T: ToJson + ?Sized> ToJson for &T {
    fn write_json(&self, out: &mut String) {
        (**self).write_json(out);
    }
}

impl<B: ToJson + ToOwned + ?Sized> ToJson for Cow<'_, B> {
    fn write_json(&self, out: &mut String) {
        (**self).write_json(out);
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn write_json(&self, out: &mut String) {
        match self {
            Some(v) => v.write_json(out),
            None => raw(out, "null"),
        }
    }
}

impl<T: ToJson> ToJson for [T] {
    fn write_json(&self, out: &mut String) {
        out.push('[');
        for (i, v) in self.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            v.write_json(out);
        }
        out.push(']');
    }
}

impl<T: ToJson, const N: usize> ToJson for [T; N] {
    fn write_json(&self, out: &mut String) {
        self.as_slice().write_json(out);
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write_json(&self, out: &mut String) {
        self.as_slice().write_json(out);
    }
}

// ---- the model -----------------------------------------------------------------------------

/// A name that needs no escaping, quoted.
#[inline(never)]
fn quoted(out: &mut String, name: &str) {
    out.push('"');
    out.push_str(name);
    out.push('"');
}

/// An enum written as its (camelCase) name.
macro_rules! named {
    ($t:ty, $self:ident => $name:expr) => {
        impl ToJson for $t {
            fn write_json(&self, out: &mut String) {
                let $self = *self;
                quoted(out, $name);
            }
        }
    };
}

named!(Need, n => n.abbr());
named!(ProvisionKind, k => k.code());
named!(Gender, g => match g {
    Gender::Mixed => "mixed",
    Gender::Boys => "boys",
    Gender::Girls => "girls",
});
named!(Phase, p => match p {
    Phase::Nursery => "nursery",
    Phase::Primary => "primary",
    Phase::MiddleDeemedPrimary => "middleDeemedPrimary",
    Phase::MiddleDeemedSecondary => "middleDeemedSecondary",
    Phase::Secondary => "secondary",
    Phase::AllThrough => "allThrough",
    Phase::SixteenPlus => "sixteenPlus",
    Phase::NotApplicable => "notApplicable",
});
named!(AgeBasis, b => match b {
    AgeBasis::Statutory => "statutory",
    AgeBasis::Phase => "phase",
});
named!(PostcodePrecision, p => match p {
    PostcodePrecision::Unit => "unit",
    PostcodePrecision::Sector => "sector",
    PostcodePrecision::Outcode => "outcode",
});
named!(ReasonCode, c => match c {
    ReasonCode::PrimaryNeedSpecialism => "primaryNeedSpecialism",
    ReasonCode::SecondaryNeeds => "secondaryNeeds",
    ReasonCode::BroadArea => "broadArea",
    ReasonCode::KindFit => "kindFit",
    ReasonCode::AgeRange => "ageRange",
    ReasonCode::Distance => "distance",
    ReasonCode::Preferences => "preferences",
    ReasonCode::Places => "places",
    ReasonCode::AgesNotRecorded => "agesNotRecorded",
    ReasonCode::NeedsNotRecorded => "needsNotRecorded",
    ReasonCode::OtherNeedsOnly => "otherNeedsOnly",
    ReasonCode::ProposedToClose => "proposedToClose",
    ReasonCode::Section41 => "section41",
    ReasonCode::BeyondWalkingDistance => "beyondWalkingDistance",
    ReasonCode::OutsideHomeLa => "outsideHomeLa",
    ReasonCode::MainstreamPresumption => "mainstreamPresumption",
});
named!(RuleCode, c => match c {
    RuleCode::KindNotConsidered => "kindNotConsidered",
    RuleCode::IndependentNotIncluded => "independentNotIncluded",
    RuleCode::AgeOutsideRange => "ageOutsideRange",
    RuleCode::GenderOfEntry => "genderOfEntry",
    RuleCode::BeyondRadius => "beyondRadius",
    RuleCode::OutsideHomeLa => "outsideHomeLa",
});

impl ToJson for Urn {
    fn write_json(&self, out: &mut String) {
        self.0.write_json(out);
    }
}

impl ToJson for LaCode {
    fn write_json(&self, out: &mut String) {
        self.0.write_json(out);
    }
}

impl ToJson for Date {
    /// `"YYYY-MM-DD"`, as `Display` writes it (`{:04}-{:02}-{:02}`).
    fn write_json(&self, out: &mut String) {
        fn padded(out: &mut String, n: u64, width: usize) {
            let mut buffer = itoa::Buffer::new();
            let digits = buffer.format(n);
            for _ in digits.len()..width {
                out.push('0');
            }
            out.push_str(digits);
        }
        out.push('"');
        padded(out, u64::from(self.year), 4);
        out.push('-');
        padded(out, u64::from(self.month), 2);
        out.push('-');
        padded(out, u64::from(self.day), 2);
        out.push('"');
    }
}

impl ToJson for LatLon {
    fn write_json(&self, out: &mut String) {
        object!(out; "lat": self.lat, "lon": self.lon);
    }
}

impl ToJson for Site {
    /// Tagged as serde's `tag = "type", content = "number"`: `{"type":"main"}`,
    /// `{"type":"satellite","number":2}`.
    fn write_json(&self, out: &mut String) {
        match self {
            Site::Main => raw(out, r#"{"type":"main"}"#),
            Site::ResourcedProvision => raw(out, r#"{"type":"resourcedProvision"}"#),
            Site::SenUnit => raw(out, r#"{"type":"senUnit"}"#),
            Site::Satellite(n) => object!(out; "type": "satellite", "number": n),
        }
    }
}

impl ToJson for AgeRange {
    fn write_json(&self, out: &mut String) {
        object!(out; "low": self.low, "high": self.high, "basis": self.basis);
    }
}

impl ToJson for Source {
    fn write_json(&self, out: &mut String) {
        object!(out; "key": self.key, "title": self.title, "date": self.date, "rows": self.rows);
    }
}

impl ToJson for Postcode {
    fn write_json(&self, out: &mut String) {
        write_str(out, self.as_str());
    }
}

impl ToJson for PostcodeFix {
    fn write_json(&self, out: &mut String) {
        object!(out;
            "postcode": self.postcode,
            "location": self.location,
            "precision": self.precision,
            "la": self.la,
        );
    }
}

// ---- the dataset, the policy pack, the vocabulary ------------------------------------------

impl ToJson for DatasetMeta {
    fn write_json(&self, out: &mut String) {
        object!(out;
            "schemaVersion": self.schema_version,
            "buildDate": self.build_date,
            "dataVersion": self.data_version,
            "coverage": self.coverage,
            "sources": self.sources,
            "settingCount": self.setting_count,
            "establishmentCount": self.establishment_count,
        );
    }
}

impl ToJson for Policy {
    fn write_json(&self, out: &mut String) {
        object!(out;
            "schema": self.schema,
            "id": self.id,
            "version": self.version,
            "illustrative": self.illustrative,
            "title": self.title,
            "notice": self.notice,
            "levels": self.levels,
            "weights": self.weights,
            "distanceHalfLifeMiles": self.distance_half_life_miles,
            "unknownNeedsValue": self.unknown_needs_value,
            "unknownAgesValue": self.unknown_ages_value,
            "mainstreamMinimum": self.mainstream_minimum,
            "nearMisses": self.near_misses,
            "wording": self.wording,
        );
    }
}

impl ToJson for Level {
    fn write_json(&self, out: &mut String) {
        object!(out;
            "id": self.id,
            "label": self.label,
            "description": self.description,
            "kinds": self.kinds,
            "kindFit": self.kind_fit,
            "radiusMiles": self.radius_miles,
        );
    }
}

impl ToJson for Weights {
    fn write_json(&self, out: &mut String) {
        object!(out;
            "primaryNeed": self.primary_need,
            "secondaryNeeds": self.secondary_needs,
            "broadArea": self.broad_area,
            "kindFit": self.kind_fit,
            "ageRange": self.age_range,
            "distance": self.distance,
            "preferences": self.preferences,
            "places": self.places,
        );
    }
}

impl ToJson for Wording {
    fn write_json(&self, out: &mut String) {
        object!(out;
            "advisory": self.advisory,
            "distance": self.distance,
            "beyondWalkingDistance": self.beyond_walking_distance,
            "outsideHomeLa": self.outside_home_la,
            "proposedToClose": self.proposed_to_close,
            "section41Approved": self.section41_approved,
            "section41NotApproved": self.section41_not_approved,
            "agesNotRecorded": self.ages_not_recorded,
            "agesInferred": self.ages_inferred,
            "needsNotRecorded": self.needs_not_recorded,
            "mainstreamPresumption": self.mainstream_presumption,
        );
    }
}

impl ToJson for Vocabulary {
    fn write_json(&self, out: &mut String) {
        object!(out; "needs": self.needs, "areas": self.areas, "kinds": self.kinds);
    }
}

impl ToJson for NeedTerm {
    fn write_json(&self, out: &mut String) {
        object!(out; "code": self.code, "label": self.label, "plain": self.plain, "area": self.area);
    }
}

impl ToJson for Term {
    fn write_json(&self, out: &mut String) {
        object!(out; "code": self.code, "label": self.label);
    }
}

// ---- the search, the list, the explanation -------------------------------------------------

impl ToJson for Query {
    fn write_json(&self, out: &mut String) {
        object!(out;
            "home": self.home,
            "homeLa": self.home_la,
            "age": self.age,
            "dateOfBirth": self.date_of_birth,
            "startDate": self.start_date,
            "taughtOutOfYearGroup": self.taught_out_of_year_group,
            "primaryNeed": self.primary_need,
            "otherNeeds": self.other_needs,
            "level": self.level,
            "kinds": self.kinds,
            "radiusMiles": self.radius_miles,
            "limit": self.limit,
            "childSex": self.child_sex,
            "singleSex": self.single_sex,
            "religiousCharacter": self.religious_character,
            "boarding": self.boarding,
            "includeIndependent": self.include_independent,
            "sameLaOnly": self.same_la_only,
        );
    }
}

impl ToJson for ChildAge {
    fn write_json(&self, out: &mut String) {
        object!(out;
            "age": self.age,
            "year": self.year,
            "yearGroup": self.year_group,
            "matchAge": self.match_age,
            "taughtOutOfYearGroup": self.taught_out_of_year_group,
        );
    }
}

impl ToJson for ShortList<'_> {
    fn write_json(&self, out: &mut String) {
        object!(out;
            "query": self.query,
            "child": self.child,
            "policy": self.policy,
            "kinds": self.kinds,
            "radiusMiles": self.radius_miles,
            "advisory": self.advisory,
            "data": self.data,
            "results": self.results,
            "nearMisses": self.near_misses,
            "counts": self.counts,
        );
    }
}

impl ToJson for PolicyRef<'_> {
    fn write_json(&self, out: &mut String) {
        object!(out;
            "id": self.id,
            "version": self.version,
            "illustrative": self.illustrative,
            "title": self.title,
            "notice": self.notice,
            "levelId": self.level_id,
            "levelLabel": self.level_label,
        );
    }
}

impl ToJson for DataInfo {
    fn write_json(&self, out: &mut String) {
        object!(out; "version": self.version, "built": self.built, "sources": self.sources);
    }
}

impl ToJson for Counts {
    fn write_json(&self, out: &mut String) {
        object!(out;
            "considered": self.considered,
            "eligible": self.eligible,
            "listed": self.listed,
            "inDataset": self.in_dataset,
        );
    }
}

impl ToJson for RankedSetting<'_> {
    fn write_json(&self, out: &mut String) {
        object!(out;
            "rank": self.rank,
            "urn": self.urn,
            "site": self.site,
            "name": self.name,
            "kind": self.kind,
            "kindLabel": self.kind_label,
            "establishmentType": self.establishment_type,
            "ageRange": self.age_range,
            "phase": self.phase,
            "gender": self.gender,
            "distanceM": self.distance_m,
            "distanceMiles": self.distance_miles,
            "score": self.score,
            "coverage": self.coverage,
            "reasons": self.reasons,
            "flags": self.flags,
            "places": self.places,
            "website": self.website,
            "postcode": self.postcode,
            "location": self.location,
            "la": self.la,
        );
    }
}

impl ToJson for NearMiss<'_> {
    fn write_json(&self, out: &mut String) {
        object!(out;
            "urn": self.urn,
            "site": self.site,
            "name": self.name,
            "kind": self.kind,
            "kindLabel": self.kind_label,
            "distanceM": self.distance_m,
            "distanceMiles": self.distance_miles,
            "score": self.score,
            "rule": self.rule,
        );
    }
}

impl ToJson for PlacesInfo {
    fn write_json(&self, out: &mut String) {
        object!(out; "capacity": self.capacity, "onRoll": self.on_roll, "free": self.free, "asOf": self.as_of);
    }
}

impl ToJson for LaRef<'_> {
    fn write_json(&self, out: &mut String) {
        object!(out; "code": self.code, "name": self.name);
    }
}

impl ToJson for ReasonText<'_> {
    fn write_json(&self, out: &mut String) {
        write_display(out, self);
    }
}

impl ToJson for Reason<'_> {
    fn write_json(&self, out: &mut String) {
        raw(out, r#"{"code":"#);
        self.code.write_json(out);
        raw(out, r#","text":"#);
        self.text.write_json(out);
        // `skip_serializing_if = "Option::is_none"`.
        if let Some(factor) = &self.factor {
            raw(out, r#","factor":"#);
            factor.write_json(out);
        }
        out.push('}');
    }
}

impl ToJson for FactorScore {
    fn write_json(&self, out: &mut String) {
        object!(out; "weight": self.weight, "value": self.value, "contribution": self.contribution);
    }
}

impl ToJson for Rule {
    fn write_json(&self, out: &mut String) {
        object!(out; "code": self.code, "text": self.text);
    }
}

impl ToJson for Explanation<'_> {
    fn write_json(&self, out: &mut String) {
        object!(out;
            "urn": self.urn,
            "inDataset": self.in_dataset,
            "summary": self.summary,
            "listed": self.listed,
            "sites": self.sites,
        );
    }
}

impl ToJson for SiteExplanation<'_> {
    fn write_json(&self, out: &mut String) {
        object!(out;
            "site": self.site,
            "name": self.name,
            "kind": self.kind,
            "kindLabel": self.kind_label,
            "outcome": self.outcome,
            "text": self.text,
            "distanceM": self.distance_m,
            "distanceMiles": self.distance_miles,
            "score": self.score,
            "coverage": self.coverage,
            "reasons": self.reasons,
        );
    }
}

impl ToJson for Outcome {
    /// Tagged as serde's `tag = "status"`, the fields camelCase.
    fn write_json(&self, out: &mut String) {
        match self {
            Outcome::Listed { rank, mainstream_presumption } => {
                object!(out; "status": "listed", "rank": rank, "mainstreamPresumption": mainstream_presumption);
            }
            Outcome::Excluded { rule, near_miss } => {
                object!(out; "status": "excluded", "rule": rule, "nearMiss": near_miss);
            }
            Outcome::GaveWay => raw(out, r#"{"status":"gaveWay"}"#),
            Outcome::RankedBelow { last_listed_score } => {
                object!(out; "status": "rankedBelow", "lastListedScore": last_listed_score);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::finder::Finder;
    use serde::Serialize;

    /// Both writers' text for `value`, which must be the same.
    #[track_caller]
    fn same<T: ToJson + Serialize + ?Sized>(value: &T) -> String {
        let want = serde_json::to_string(value).expect("serde writes it");
        let got = to_json(value);
        assert_eq!(got, want, "the hand writer differs from serde_json");
        got
    }

    /// Strings with every class of character serde_json treats apart.
    fn awkward_strings() -> Vec<String> {
        let mut all: String = (0u8..0x20).map(char::from).collect();
        all.push_str("\"\\/\u{7f}\u{80}é“”€😀\u{2028}\u{2029}\u{feff}\u{fffd}");
        let mut out = vec![
            String::new(),
            "plain".to_string(),
            "quote \" backslash \\ slash /".to_string(),
            "line\nbreak\r\ttab\u{8}bs\u{c}ff".to_string(),
            "\u{0}\u{1}\u{1f}".to_string(),
            "St Mary’s “Catholic” – café, naïve, 😀".to_string(),
            "line separator \u{2028} paragraph \u{2029}".to_string(),
            "\\u0041 is not A".to_string(),
            all.clone(),
        ];
        // Each character alone, and between other text (the escaper copies runs between escapes).
        out.extend(all.chars().map(|c| c.to_string()));
        out.extend(all.chars().map(|c| format!("a{c}b{c}{c}")));
        out
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        for s in awkward_strings() {
            same(s.as_str());
            same(&s);
            same(&Cow::Borrowed(s.as_str()));
            same(&Some(s.clone()));
        }
        // Spot checks of the rules themselves, so that a change to both writers shows.
        assert_eq!(to_json("\u{1}\u{1f}\u{8}\u{c}\n\r\t\"\\"), r#""\u0001\u001f\b\f\n\r\t\"\\""#);
        assert_eq!(to_json("\u{7f}é\u{2028}/"), "\"\u{7f}é\u{2028}/\"");
    }

    #[test]
    fn numbers_are_written_as_serde_json_writes_them() {
        let mut floats = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.1,
            0.5,
            1.5,
            2.0 / 3.0,
            1e-7,
            1.234e-5,
            1e15,
            1e16,
            1e17,
            1e21,
            1e22,
            123_456_789.0,
            f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            f64::MIN,
            f64::EPSILON,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        // SplitMix64: any bit pattern, and values like the scores and distances the list has.
        let mut state = 0x1234_5678_9abc_def0_u64;
        let mut next = || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        for _ in 0..20_000 {
            let bits = next();
            floats.push(f64::from_bits(bits));
            let unit = (bits >> 11) as f64 / (1u64 << 53) as f64;
            floats.push(unit);
            floats.push((unit * 400.0).round() / 10.0);
            floats.push(unit * 1e6 - 5e5);
        }
        for x in &floats {
            same(x);
            same(&Some(*x));
        }
        same(&floats[..100]);
        for n in [0u32, 1, 9, 10, 99, 100, 65_535, 1_000_000, u32::MAX] {
            same(&n);
        }
        for n in [0u8, 7, 10, 255] {
            same(&n);
        }
        for n in [0u16, 383, 999, u16::MAX] {
            same(&n);
        }
        for n in [0i32, 1, -1, 42, -42, i32::MAX, i32::MIN] {
            same(&n);
        }
        same(&u64::MAX);
        same(&true);
        same(&false);
        same(&None::<u32>);
    }

    #[test]
    fn model_values_are_written_as_serde_writes_them() {
        for d in [
            Date::new(2026, 11, 22).unwrap(),
            Date::new(1800, 1, 1).unwrap(),
            Date { year: 7, month: 3, day: 4 },
            Date { year: 12_345, month: 12, day: 31 },
        ] {
            same(&d);
        }
        for site in [Site::Main, Site::ResourcedProvision, Site::SenUnit, Site::Satellite(0), Site::Satellite(255)] {
            same(&site);
        }
        same(&Need::ALL);
        same(&ProvisionKind::ALL);
        same(&[Gender::Mixed, Gender::Boys, Gender::Girls]);
        same(&[
            Phase::Nursery,
            Phase::Primary,
            Phase::MiddleDeemedPrimary,
            Phase::MiddleDeemedSecondary,
            Phase::Secondary,
            Phase::AllThrough,
            Phase::SixteenPlus,
            Phase::NotApplicable,
        ]);
        same(&[AgeBasis::Statutory, AgeBasis::Phase]);
        same(&[
            AgeRange { low: 2, high: 19, basis: AgeBasis::Phase },
            AgeRange { low: 11, high: 16, basis: AgeBasis::Statutory },
        ]);
        same(&[
            ReasonCode::PrimaryNeedSpecialism,
            ReasonCode::SecondaryNeeds,
            ReasonCode::BroadArea,
            ReasonCode::KindFit,
            ReasonCode::AgeRange,
            ReasonCode::Distance,
            ReasonCode::Preferences,
            ReasonCode::Places,
            ReasonCode::AgesNotRecorded,
            ReasonCode::NeedsNotRecorded,
            ReasonCode::OtherNeedsOnly,
            ReasonCode::ProposedToClose,
            ReasonCode::Section41,
            ReasonCode::BeyondWalkingDistance,
            ReasonCode::OutsideHomeLa,
            ReasonCode::MainstreamPresumption,
        ]);
        same(&[
            RuleCode::KindNotConsidered,
            RuleCode::IndependentNotIncluded,
            RuleCode::AgeOutsideRange,
            RuleCode::GenderOfEntry,
            RuleCode::BeyondRadius,
            RuleCode::OutsideHomeLa,
        ]);
        same(&[Urn(1), Urn(u32::MAX)]);
        same(&[LaCode(1), LaCode(383)]);
        same(&LatLon { lat: 53.801_234_5, lon: -1.548_76 });
        for s in awkward_strings() {
            same(&Source { key: s.clone(), title: s.clone(), date: None, rows: 3 });
            same(&Rule { code: RuleCode::BeyondRadius, text: s.clone() });
            same(&LaRef { code: LaCode(383), name: Some(Cow::Owned(s)) });
        }
        same(&Source { key: "k".into(), title: "t".into(), date: Date::new(2025, 1, 31), rows: 0 });
        same(&LaRef { code: LaCode(1), name: None });
    }

    #[test]
    fn postcode_fixes_are_written_as_serde_writes_them() {
        let precisions = [PostcodePrecision::Unit, PostcodePrecision::Sector, PostcodePrecision::Outcode];
        for (i, (postcode, la)) in
            [("LS6 2AA", Some(LaCode(383))), ("sw1a 1aa", None), ("B1 1AA", Some(LaCode(330)))].iter().enumerate()
        {
            same(&PostcodeFix {
                postcode: Postcode::parse(postcode).unwrap(),
                location: LatLon { lat: 53.8 + i as f64 / 7.0, lon: -1.5 - i as f64 / 3.0 },
                precision: precisions[i],
                la: *la,
            });
        }
    }

    #[test]
    fn child_ages_are_written_as_serde_writes_them() {
        for (birth, start) in [
            ("2019-05-01", "2026-09-01"),
            ("2021-08-31", "2026-09-01"),
            ("2001-01-01", "2026-09-01"),
            ("2024-02-29", "2026-09-01"),
        ] {
            let age = Finder::age_at(birth, start).expect("an age");
            same(&age);
        }
        for age in 0..=30 {
            let (year, year_group) = ((age % 3 != 0).then_some(age), ChildAge::year_group(age));
            same(&ChildAge {
                age,
                year,
                year_group,
                match_age: age.saturating_add(1),
                taught_out_of_year_group: age % 2 == 0,
            });
        }
    }

    #[test]
    fn the_vocabulary_is_written_as_serde_writes_it() {
        let text = same(&Finder::vocabulary());
        assert!(text.contains(r#""area":null"#) && text.contains(r#""code":"SpLD""#), "{text}");
    }

    #[test]
    fn policy_packs_are_written_as_serde_writes_them() {
        let default = Policy::illustrative_default();
        same(&default);
        same(&Policy::from_json(crate::engine::policy::DEFAULT_JSON).expect("the default pack"));
        // Council packs edited as a council might: other wording (with awkward characters), other
        // weights and radii, the unknown values left out (`null`), more and fewer levels.
        let mut pack: serde_json::Value = serde_json::from_str(crate::engine::policy::DEFAULT_JSON).unwrap();
        for (i, s) in awkward_strings().into_iter().filter(|s| !s.contains('{') && !s.is_empty()).take(40).enumerate() {
            let mut p = pack.clone();
            p["id"] = format!("council-{i}").into();
            p["title"] = format!("Leeds “{s}”").into();
            p["notice"] = s.clone().into();
            p["illustrative"] = (i % 2 == 0).into();
            p["wording"]["advisory"] = format!("Advisory: {s}").into();
            p["wording"]["proposedToClose"] = s.clone().into();
            p["weights"]["distance"] = (0.1 + i as f64 / 97.0).into();
            p["distanceHalfLifeMiles"] = (1.0 + i as f64 / 3.0).into();
            if i % 3 == 0 {
                p.as_object_mut().unwrap().remove("unknownNeedsValue");
                p.as_object_mut().unwrap().remove("unknownAgesValue");
            }
            if let Some(levels) = p["levels"].as_array_mut() {
                levels[0]["label"] = format!("Level {s}").into();
                levels[0]["radiusMiles"] = (2.5 + i as f64 * 1.1).into();
                if i % 4 == 1 {
                    levels.truncate(1);
                }
            }
            let policy = Policy::from_json(&p.to_string()).unwrap_or_else(|e| panic!("pack {i}: {e}"));
            same(&policy);
        }
        pack["unknownAgesValue"] = serde_json::Value::Null;
        same(&Policy::from_json(&pack.to_string()).expect("a pack"));
    }

    #[test]
    fn outcomes_and_reasons_are_written_as_serde_writes_them() {
        let rule = Rule { code: RuleCode::GenderOfEntry, text: "A girls’ school".into() };
        for outcome in [
            Outcome::Listed { rank: 3, mainstream_presumption: true },
            Outcome::Listed { rank: 1, mainstream_presumption: false },
            Outcome::Excluded { rule: rule.clone(), near_miss: true },
            Outcome::Excluded { rule, near_miss: false },
            Outcome::GaveWay,
            Outcome::RankedBelow { last_listed_score: Some(0.712_345) },
            Outcome::RankedBelow { last_listed_score: None },
        ] {
            same(&outcome);
        }
        same(&FactorScore { weight: 1.0, value: None, contribution: 0.0 });
        same(&FactorScore { weight: 0.25, value: Some(1.0 / 3.0), contribution: 0.083_333 });
        same(&PlacesInfo { capacity: Some(120), on_roll: Some(130), free: Some(-10), as_of: Date::new(2025, 1, 16) });
        same(&PlacesInfo { capacity: None, on_roll: None, free: None, as_of: None });
        same(&Counts { considered: 1, eligible: 2, listed: 3, in_dataset: 4 });
    }
}
