//! The native API: a dataset, its index and a policy pack, composed. The wasm edge and the CLI
//! both hold one long-lived [`Finder`] and ask it questions.

use crate::engine::core::{Core, CoreRows};
use crate::engine::dataset::{Dataset, DatasetMeta};
use crate::engine::index::SettingIndex;
use crate::engine::policy::Policy;
use crate::engine::postcode::PostcodeShard;
use crate::engine::rank::{self, ChildAge, DataInfo, Explanation, Query, RankContext, ShortList};
use crate::error::{Error, Result};
use crate::limits::{self, MAX_OTHER_NEEDS, MAX_QUERY_JSON_BYTES, MAX_QUERY_KINDS, MAX_QUERY_TEXT_CHARS};
use crate::model::Date;
use crate::model::{BroadArea, LatLon, Need, Postcode, PostcodeFix, ProvisionKind, Setting, Urn};
use serde::Serialize;

/// One dataset, indexed, under one policy pack.
#[derive(Debug)]
pub struct Finder {
    dataset: Dataset,
    index: SettingIndex,
    policy: Policy,
    context: RankContext,
    /// Made from the core data file: what merges details in, until all are loaded.
    split: Option<Split>,
}

/// A finder made from the core: its rows, its checksum, and how many settings still lack details.
#[derive(Debug)]
struct Split {
    rows: CoreRows,
    crc: u32,
    missing: usize,
}

/// Settings as parallel columns (see [`Finder::table`]). `needs` is a bit set in
/// [`Need::ALL`] order (0 = none recorded); unknown ages are 0..255.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct SettingsTable {
    pub urn: Vec<u32>,
    pub lat: Vec<f64>,
    pub lon: Vec<f64>,
    pub kind: Vec<&'static str>,
    pub needs: Vec<u16>,
    pub age_low: Vec<u8>,
    pub age_high: Vec<u8>,
}

/// The words the page needs to ask about needs and kinds, from the model (so the page never
/// hard-codes the taxonomy).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Vocabulary {
    pub needs: Vec<NeedTerm>,
    pub areas: Vec<Term>,
    pub kinds: Vec<Term>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct NeedTerm {
    pub code: &'static str,
    pub label: &'static str,
    pub plain: &'static str,
    /// Code of the broad area, `null` for "other".
    pub area: Option<&'static str>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Term {
    pub code: &'static str,
    pub label: &'static str,
}

/// Checks the caps of [`crate::limits`] on the lists and texts of a query, which arrives from
/// JavaScript or a shared link: at most [`MAX_OTHER_NEEDS`] other needs, [`MAX_QUERY_KINDS`]
/// kinds, and [`MAX_QUERY_TEXT_CHARS`] characters of level id or religious character. (Age,
/// radius and limit ranges are checked with the rest of the query.) [`Finder::shortlist`] and
/// [`Finder::explain`] check this first.
pub fn check_query(query: &Query) -> Result<()> {
    if query.other_needs.len() > MAX_OTHER_NEEDS {
        return Err(Error::invalid(
            "otherNeeds",
            format!(
                "lists {} needs, more than the {MAX_OTHER_NEEDS} there are; list each SEN type at most once",
                query.other_needs.len()
            ),
        ));
    }
    if let Some(kinds) = query.kinds.as_ref().filter(|k| k.len() > MAX_QUERY_KINDS) {
        return Err(Error::invalid(
            "kinds",
            format!(
                "lists {} kinds, more than the {MAX_QUERY_KINDS} there are; list each kind at most once",
                kinds.len()
            ),
        ));
    }
    for (field, text) in [("level", Some(&query.level)), ("religiousCharacter", query.religious_character.as_ref())] {
        let chars = text.map_or(0, |t| t.chars().count());
        if chars > MAX_QUERY_TEXT_CHARS {
            return Err(Error::invalid(
                field,
                format!("is {chars} characters long, more than the {MAX_QUERY_TEXT_CHARS} it may have"),
            ));
        }
    }
    Ok(())
}

fn area_code(area: BroadArea) -> &'static str {
    match area {
        BroadArea::CommunicationAndInteraction => "communicationAndInteraction",
        BroadArea::CognitionAndLearning => "cognitionAndLearning",
        BroadArea::SocialEmotionalAndMentalHealth => "socialEmotionalAndMentalHealth",
        BroadArea::SensoryAndPhysical => "sensoryAndPhysical",
    }
}

/// A council's policy pack (JSON), or the illustrative default when there is none.
/// Without the `full` feature (the finder's lean wasm module) a pack is refused with
/// [`Error::NeedsFullModule`]: the page then loads the full module.
fn policy_or_default(policy_json: Option<&str>) -> Result<Policy> {
    match policy_json {
        #[cfg(feature = "full")]
        Some(json) => Policy::from_json(json),
        #[cfg(not(feature = "full"))]
        Some(_) => Err(Error::NeedsFullModule { what: "a council's policy pack" }),
        None => Ok(Policy::illustrative_default()),
    }
}

impl Finder {
    /// Builds the index for a dataset under a policy.
    pub fn new(dataset: Dataset, policy: Policy) -> Finder {
        let index = SettingIndex::build(&dataset.settings);
        let info = DataInfo {
            version: dataset.meta.data_version.clone(),
            built: Some(dataset.meta.build_date),
            sources: dataset.meta.sources.clone(),
        };
        let context = RankContext::new(&dataset.settings, info, dataset.authorities.clone());
        Finder { dataset, index, policy, context, split: None }
    }

    /// From a decoded core (`finder/core.bin`): it ranks at once, and prints the settings whose
    /// details are then added ([`add_details`](Self::add_details)); an answer that needs other
    /// settings is [`Error::DetailsMissing`].
    pub fn from_core(core: Core, rows: CoreRows, policy: Policy) -> Finder {
        let missing = core.dataset.settings.len();
        let mut finder = Finder::new(core.dataset, policy);
        if missing > 0 {
            finder.context.set_loaded(Some(vec![false; missing]));
            finder.split = Some(Split { rows, crc: core.crc, missing });
        }
        finder
    }

    /// From the bytes of a core data file or of a whole dataset file (told apart by their first
    /// bytes) and, optionally, a council's policy pack (JSON). Without the `full` feature (the
    /// finder's lean wasm module) a whole dataset is [`Error::NeedsFullModule`].
    pub fn from_core_bytes(bytes: &[u8], policy_json: Option<&str>) -> Result<Finder> {
        if bytes.starts_with(b"PFDS") {
            #[cfg(feature = "full")]
            return Finder::from_bytes(bytes, policy_json);
            #[cfg(not(feature = "full"))]
            return Err(Error::NeedsFullModule { what: "a whole dataset file (dataset.bin)" });
        }
        let (core, rows) = Core::decode(bytes)?;
        Ok(Finder::from_core(core, rows, policy_or_default(policy_json)?))
    }

    /// Adds the settings of a details data file (`finder/details/<AREA>.bin` or `all.bin`) made
    /// for the same core. Returns how many were new. A finder made from a whole dataset has
    /// every detail already: it reads nothing and returns 0.
    pub fn add_details(&mut self, bytes: &[u8]) -> Result<usize> {
        let Some(split) = self.split.as_mut() else { return Ok(0) };
        let settings = split.rows.details(split.crc, bytes)?;
        let mut added = 0;
        for (i, s) in settings {
            if self.context.is_loaded(i) {
                continue;
            }
            self.context.set_identity(i, &s);
            self.dataset.settings[i] = s;
            added += 1;
        }
        split.missing -= added.min(split.missing);
        if split.missing == 0 {
            self.context.set_loaded(None);
            self.split = None;
        }
        Ok(added)
    }

    /// Whether every setting's details are loaded (always, for a finder made from a whole dataset).
    pub fn has_all_details(&self) -> bool {
        self.split.is_none()
    }

    /// From the dataset file's bytes and, optionally, a council's policy pack (JSON); the
    /// illustrative default policy otherwise.
    pub fn from_bytes(dataset: &[u8], policy_json: Option<&str>) -> Result<Finder> {
        let dataset = Dataset::decode(dataset)?;
        Ok(Finder::new(dataset, policy_or_default(policy_json)?))
    }

    pub fn meta(&self) -> &DatasetMeta {
        &self.dataset.meta
    }
    pub fn dataset(&self) -> &Dataset {
        &self.dataset
    }
    pub fn policy(&self) -> &Policy {
        &self.policy
    }
    pub fn settings(&self) -> &[Setting] {
        &self.dataset.settings
    }

    /// Every setting's location, kind, recorded needs and ages as parallel columns: for the
    /// benchmark's plain-JavaScript baseline and for maps that draw every setting.
    pub fn table(&self) -> SettingsTable {
        let s = &self.dataset.settings;
        SettingsTable {
            urn: s.iter().map(|x| x.urn.0).collect(),
            lat: s.iter().map(|x| x.location.lat).collect(),
            lon: s.iter().map(|x| x.location.lon).collect(),
            kind: s.iter().map(|x| x.kind.code()).collect(),
            needs: s.iter().map(|x| x.needs.map_or(0, |n| n.0)).collect(),
            age_low: s.iter().map(|x| x.ages.map_or(0, |a| a.low)).collect(),
            age_high: s.iter().map(|x| x.ages.map_or(255, |a| a.high)).collect(),
        }
    }

    /// The taxonomy the page shows: needs with plain words grouped by broad area, and kinds.
    pub fn vocabulary() -> Vocabulary {
        Vocabulary {
            needs: Need::ALL
                .iter()
                .map(|n| NeedTerm { code: n.abbr(), label: n.label(), plain: n.plain(), area: n.area().map(area_code) })
                .collect(),
            areas: BroadArea::ALL.iter().map(|a| Term { code: area_code(*a), label: a.label() }).collect(),
            kinds: ProvisionKind::ALL.iter().map(|k| Term { code: k.code(), label: k.label() }).collect(),
        }
    }

    /// The tailored list for a query.
    pub fn shortlist<'a>(&'a self, query: &'a Query) -> Result<ShortList<'a>> {
        check_query(query)?;
        rank::shortlist(&self.dataset.settings, &self.index, &self.policy, query, &self.context)
    }

    /// The same list made by scoring every setting, without the index: the reference the fast
    /// search is tested against on the real dataset (`counts` describe the scan).
    #[doc(hidden)]
    pub fn reference_shortlist<'a>(&'a self, query: &'a Query) -> Result<ShortList<'a>> {
        check_query(query)?;
        rank::reference::shortlist(&self.dataset.settings, &self.policy, query, &self.context)
    }

    /// Why one establishment is, or is not, on the list for a query.
    pub fn explain(&self, query: &Query, urn: Urn) -> Result<Explanation<'_>> {
        check_query(query)?;
        rank::explain(&self.dataset.settings, &self.index, &self.policy, query, &self.context, urn)
    }

    /// Reads a query sent as JSON text, as a shared link carries one: the fields of [`Query`]
    /// (camelCase; unknown fields refused), in at most [`MAX_QUERY_JSON_BYTES`], within the caps
    /// [`check_query`] applies. Ages, radius, limit and the level are checked when it is used.
    ///
    /// ```
    /// use placement_finder::engine::finder::Finder;
    /// let q = Finder::query_from_json(r#"{"home":{"lat":53.8,"lon":-1.55},"age":9,"primaryNeed":"ASD","level":"specialist"}"#)?;
    /// assert_eq!(q.limit, 20);
    /// assert!(Finder::query_from_json(r#"{"home":{"lat":53.8,"lon":-1.55},"age":9,"primaryNeed":"ASD","level":"specialist","admin":true}"#).is_err());
    /// # Ok::<(), placement_finder::Error>(())
    /// ```
    pub fn query_from_json(json: &str) -> Result<Query> {
        limits::check_size("the search", json.len() as u64, MAX_QUERY_JSON_BYTES as u64, "MAX_QUERY_JSON_BYTES")?;
        let query = Finder::query_from_json_text(json)
            .map_err(|e| Error::invalid("query", format!("not a valid search: {e}")))?;
        check_query(&query)?;
        Ok(query)
    }

    /// A query from JSON text, unchecked: the message is serde's (without line and column).
    pub fn query_from_json_text(json: &str) -> std::result::Result<Query, String> {
        Query::from_json(&crate::engine::json::parse(json)?)
    }

    /// Looks a postcode up in the shard of its area (fetched by the caller: the page fetches
    /// `data/postcodes/<AREA>.bin`, which reveals only the area letters).
    pub fn lookup_postcode(shard: &[u8], postcode: &str) -> Result<PostcodeFix> {
        let postcode = Postcode::parse(postcode)?;
        let shard = PostcodeShard::decode(shard)?;
        if shard.area() != postcode.area() {
            return Err(Error::invalid(
                "postcode",
                format!("{postcode} is in area {}, but this is the {} shard", postcode.area(), shard.area()),
            ));
        }
        shard.lookup(&postcode)
    }

    /// Age and year group at a start date (both `YYYY-MM-DD`).
    pub fn age_at(date_of_birth: &str, start_date: &str) -> Result<ChildAge> {
        let parse = |field: &str, text: &str| {
            Date::parse(text).ok_or_else(|| Error::invalid(field, format!("{text:?} is not a date (YYYY-MM-DD)")))
        };
        ChildAge::from_birth(parse("dateOfBirth", date_of_birth)?, parse("startDate", start_date)?)
    }

    /// The year group a child of `age` on 31 August usually joins (see [`ChildAge::year_group`]).
    pub fn year_group(age: u8) -> String {
        ChildAge::year_group(age)
    }

    /// The area letters of a postcode (`LS` of `ls6 2aa`): the only part sent to the server.
    pub fn postcode_area(postcode: &str) -> Result<String> {
        Ok(Postcode::parse(postcode)?.area().to_string())
    }

    /// A home location from a latitude and longitude (map click, "use my location").
    pub fn home_at(lat: f64, lon: f64) -> Result<LatLon> {
        LatLon::new(lat, lon)
            .filter(|p| p.is_in_great_britain_box())
            .ok_or_else(|| Error::invalid("location", format!("{lat}, {lon} is not in Great Britain")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The small JSON reader reads every variant of a full query as serde's derive does, with
    /// the same message (serde's without its line and column).
    #[test]
    fn the_query_reader_says_what_serde_says() {
        use crate::engine::json::mutations;
        let doc = serde_json::json!({
            "home": {"lat": 53.8, "lon": -1.55}, "homeLa": 383, "age": 9, "dateOfBirth": "2017-05-04",
            "startDate": "2026-09-01", "taughtOutOfYearGroup": 8, "primaryNeed": "ASD", "otherNeeds": ["SLCN", "MLD"],
            "level": "specialist", "kinds": ["special", "senUnit"], "radiusMiles": 7.5, "limit": 30,
            "childSex": "girls", "singleSex": "mixed", "religiousCharacter": "none", "boarding": false,
            "includeIndependent": true, "sameLaOnly": false
        });
        let mut texts = mutations::of(&doc);
        texts.push(r#"{"home":{"lat":53.8,"lon":-1.55},"primaryNeed":"ASD","level":"specialist"}"#.into());
        texts.push(
            r#"{"home":{"lat":53.800123456789012,"lon":-1.5598765432109876},"primaryNeed":"SpLD","level":"x","age":4}"#
                .into(),
        );
        let (mut ok, mut failed) = (0, 0);
        for text in &texts {
            let ours = Finder::query_from_json_text(text);
            // Text that is not JSON: the reader reads it all first, so its message is the syntax
            // error (serde_json's own), where serde's derive may stop earlier at a bad field.
            let theirs = match serde_json::from_str::<serde_json::Value>(text) {
                Err(e) => Err(e.to_string()),
                Ok(_) => serde_json::from_str::<Query>(text).map_err(|e| mutations::without_position(&e.to_string())),
            };
            assert_eq!(ours, theirs, "{text}");
            if ours.is_ok() {
                ok += 1;
            } else {
                failed += 1;
            }
        }
        assert!(ok > 30 && failed > 200, "{ok} read, {failed} refused");
    }

    /// Queries as the page writes them (any coordinates, to the last digit): the reader gives
    /// the same query as serde, float for float.
    #[test]
    fn the_query_reader_reads_written_queries_as_serde_does() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for i in 0..20_000 {
            let unit = |r: u64| (r >> 11) as f64 / (1u64 << 53) as f64;
            let home = LatLon { lat: 49.0 + unit(next()) * 12.0, lon: -8.0 + unit(next()) * 10.0 };
            let mut q = Query::new(home, 2 + (next() % 24) as u8, Need::ALL[i % 12], "specialist");
            q.radius_miles = (i % 3 == 0).then(|| unit(next()) * 100.0);
            q.other_needs = vec![Need::ALL[(i + 5) % 12]];
            let text = serde_json::to_string(&q).unwrap();
            let theirs: Query = serde_json::from_str(&text).unwrap();
            assert_eq!(Finder::query_from_json_text(&text).unwrap(), theirs, "{text}");
        }
    }
    use crate::engine::dataset::SCHEMA_VERSION;

    const QUERY: &str = r#"{"home":{"lat":53.8,"lon":-1.55},"age":9,"primaryNeed":"ASD","level":"specialist""#;

    fn query_with(extra: &str) -> Result<Query> {
        Finder::query_from_json(&format!("{QUERY}{extra}}}"))
    }

    fn field_of(result: Result<Query>) -> String {
        match result {
            Err(Error::InvalidQuery { field, .. }) => field,
            other => panic!("expected an invalid query, got {other:?}"),
        }
    }

    mod query_limits {
        use super::*;

        #[test]
        fn a_query_within_the_caps_reads() {
            let q = query_with(r#","otherNeeds":["SLCN","SEMH"],"kinds":["special"],"religiousCharacter":"none""#);
            assert_eq!(q.unwrap().other_needs, [Need::SLCN, Need::SEMH]);
        }

        #[test]
        fn json_over_the_size_cap_is_refused_unread() {
            let padding = " ".repeat(MAX_QUERY_JSON_BYTES);
            let err = query_with(&padding).unwrap_err();
            assert!(matches!(err, Error::TooLarge { cap: "MAX_QUERY_JSON_BYTES", .. }), "{err}");
        }

        #[test]
        fn more_needs_or_kinds_than_there_are_name_the_field() {
            let needs = ["\"ASD\""; MAX_OTHER_NEEDS + 1].join(",");
            assert_eq!(field_of(query_with(&format!(r#","otherNeeds":[{needs}]"#))), "otherNeeds");
            let kinds = ["\"special\""; MAX_QUERY_KINDS + 1].join(",");
            assert_eq!(field_of(query_with(&format!(r#","kinds":[{kinds}]"#))), "kinds");
        }

        #[test]
        fn overlong_texts_name_the_field() {
            let long = "x".repeat(MAX_QUERY_TEXT_CHARS + 1);
            assert_eq!(field_of(query_with(&format!(r#","religiousCharacter":"{long}""#))), "religiousCharacter");
            let mut q = query_with("").unwrap();
            q.level = long;
            assert!(matches!(check_query(&q), Err(Error::InvalidQuery { field, .. }) if field == "level"));
        }

        #[test]
        fn unknown_fields_and_wrong_types_are_errors_not_panics() {
            assert_eq!(field_of(query_with(r#","isAdmin":true"#)), "query");
            assert_eq!(field_of(query_with(r#","limit":-1"#)), "query");
            assert_eq!(field_of(Finder::query_from_json("")), "query");
        }

        #[test]
        fn shortlist_and_explain_check_the_caps_whatever_built_the_query() {
            let dataset = Dataset {
                meta: DatasetMeta {
                    schema_version: SCHEMA_VERSION,
                    build_date: Date::new(2026, 11, 22).unwrap(),
                    data_version: "t".into(),
                    coverage: "t".into(),
                    sources: vec![],
                    setting_count: 0,
                    establishment_count: 0,
                },
                settings: vec![],
                authorities: vec![],
            };
            let finder = Finder::new(dataset, Policy::illustrative_default());
            let mut q = query_with("").unwrap();
            assert!(finder.shortlist(&q).unwrap().results.is_empty());
            q.other_needs = vec![Need::ASD; 1_000];
            assert!(matches!(finder.shortlist(&q), Err(Error::InvalidQuery { .. })));
            assert!(matches!(finder.explain(&q, Urn(1)), Err(Error::InvalidQuery { .. })));
        }
    }

    /// The year-group rule the page asks for (it once had two copies of its own, which said
    /// "Year 14" and "post-16 education" for a child of 18).
    mod year_groups {
        use super::*;

        #[test]
        fn from_a_date_of_birth_by_the_age_on_31_august_before_the_school_year() {
            let at = |dob, start| {
                let a = Finder::age_at(dob, start).unwrap();
                (a.age, a.year_group)
            };
            assert_eq!(at("2019-03-27", "2026-09-01"), (7, "Year 3".to_string()));
            assert_eq!(at("2019-09-01", "2026-09-01"), (6, "Year 2".to_string()));
            assert_eq!(at("2019-08-31", "2026-09-01"), (7, "Year 3".to_string()));
            assert_eq!(at("2022-01-10", "2027-01-05"), (4, "Reception".to_string()));
            assert_eq!(at("2010-05-01", "2026-09-01"), (16, "Year 12".to_string()));
        }

        #[test]
        fn from_an_age_the_same_rule_as_a_query() {
            assert_eq!(Finder::year_group(3), "Nursery (before Reception)");
            assert_eq!(Finder::year_group(4), "Reception");
            assert_eq!(Finder::year_group(17), "Year 13");
            assert_eq!(Finder::year_group(18), "Post-18 (after Year 13)");
            assert_eq!(Finder::year_group(18), Finder::age_at("2008-05-01", "2026-09-01").unwrap().year_group);
        }
    }
}
