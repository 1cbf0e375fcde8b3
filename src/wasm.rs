//! The WebAssembly edge: the only file that names wasm-bindgen and js-sys.
//! It converts and holds no logic: one long-lived [`Finder`], plain JS objects out (camelCase,
//! `null` never `undefined`), errors as JS `Error`s carrying the Rust message and a stable
//! `code` ([`ErrorCode`], e.g. `"wrongVersion"`): JavaScript branches on the code, never the text.

use crate::engine::finder::Finder as NativeFinder;
use crate::engine::json_out::{to_json, ToJson};
use crate::engine::rank::Query;
#[cfg(feature = "dashboard")]
use crate::{
    build::rebuild::{FileKind, Importer as RebuildImporter, RebuildKit, Rebuilt},
    dashboard::coverage::{CoverageEngine, DemandPoint, Distances, Filter, Grid, View},
    engine::dataset::Dataset,
    limits,
    model::{Date, LaCode},
};
use crate::{ErrorCode, Urn};
use wasm_bindgen::prelude::*;

// The types JS sees are generated from the Rust structs by ts-rs (`cargo test` writes them to
// bindings/); the declarations only import them. The paths are from www/pkg*/.
#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
import type { ChildAge } from "../../bindings/ChildAge";
import type { DatasetMeta } from "../../bindings/DatasetMeta";
import type { ErrorCode } from "../../bindings/ErrorCode";
import type { Explanation } from "../../bindings/Explanation";
import type { Policy } from "../../bindings/Policy";
import type { PostcodeFix } from "../../bindings/PostcodeFix";
import type { Query } from "../../bindings/Query";
import type { SettingsTable } from "../../bindings/SettingsTable";
import type { ShortList } from "../../bindings/ShortList";
import type { Vocabulary } from "../../bindings/Vocabulary";
export type { ChildAge, DatasetMeta, ErrorCode, Explanation, Policy, PostcodeFix, Query, SettingsTable, ShortList, Vocabulary };
/** What every function here throws: a JS Error with a stable `code` (src/error.rs `ErrorCode`). */
export interface EngineFailure extends Error { code: ErrorCode }
/** The dashboard's: src/dashboard/coverage.rs `Filter`, `Report`, `View`; src/build/rebuild.rs `RebuildSummary`. */
import type { Filter as CoverageFilter } from "../../bindings/Filter";
import type { Report as CoverageReport } from "../../bindings/Report";
import type { View as MapView } from "../../bindings/View";
import type { RebuildSummary } from "../../bindings/RebuildSummary";
export type { CoverageFilter, CoverageReport, MapView, RebuildSummary };
"#;

/// A failure as JavaScript sees it: a JS `Error` with the message and a `code` property, and
/// for `outsideEngland` the `place` (the nation), so that the page never reads the wording.
#[derive(Debug)]
pub struct Failure {
    code: ErrorCode,
    message: String,
    place: Option<String>,
}

impl Failure {
    fn new(code: ErrorCode, message: impl Into<String>) -> Failure {
        Failure { code, message: message.into(), place: None }
    }
}

impl From<crate::Error> for Failure {
    fn from(e: crate::Error) -> Failure {
        let place = match &e {
            crate::Error::OutsideEngland { place, .. } => Some(place.clone()),
            _ => None,
        };
        Failure { place, ..Failure::new(e.code(), e.to_string()) }
    }
}

impl From<Failure> for JsValue {
    fn from(f: Failure) -> JsValue {
        let error = js_sys::Error::new(&f.message);
        // Setting a property on a fresh Error cannot fail; if it somehow did, the message stays.
        let _ = js_sys::Reflect::set(&error, &JsValue::from_str("code"), &JsValue::from_str(f.code.as_str()));
        if let Some(place) = &f.place {
            let _ = js_sys::Reflect::set(&error, &JsValue::from_str("place"), &JsValue::from_str(place));
        }
        error.into()
    }
}

type Out<T> = Result<T, Failure>;

/// Values cross the boundary as JSON text, parsed by the JS engine's own `JSON`: several times
/// faster than building a shortlist's ~200 objects one call at a time. The finder's answers are
/// written by the engine's own writer (`src/engine/json_out.rs`: serde_json's text, byte for
/// byte), so that serde_json's writer and the derived `Serialize` impls stay out of its module.
/// Plain objects, camelCase, `null` never `undefined`.
fn to_js<T: ToJson + ?Sized>(value: &T) -> Out<JsValue> {
    parse_js(&to_json(value))
}

/// [`to_js`] through serde_json, for the dashboard's and the benchmarks' values.
#[cfg(any(feature = "dashboard", feature = "bench"))]
fn serde_to_js<T: serde::Serialize + ?Sized>(value: &T) -> Out<JsValue> {
    let text = serde_json::to_string(value)
        .map_err(|e| Failure::new(ErrorCode::Internal, format!("could not write the result: {e}")))?;
    parse_js(&text)
}

fn parse_js(text: &str) -> Out<JsValue> {
    js_sys::JSON::parse(text).map_err(|_| Failure::new(ErrorCode::Internal, "could not read the result back as JSON"))
}

/// A JS value as JSON text through `JSON.stringify` (fields left `undefined` are left out, as
/// when absent); `what` names it in the message.
fn js_text(value: &JsValue, what: &str) -> Out<String> {
    let text = js_sys::JSON::stringify(value).ok().and_then(|t| t.as_string());
    text.ok_or_else(|| Failure::new(ErrorCode::InvalidQuery, format!("{what} is not valid: it is not a JSON value")))
}

/// A JS value read as `T` (a coverage filter, a map view) through serde (the dashboard's module).
#[cfg(feature = "dashboard")]
fn from_js<T: serde::de::DeserializeOwned>(value: JsValue, what: &str) -> Out<T> {
    let text = js_text(&value, what)?;
    serde_json::from_str(&text).map_err(|e| Failure::new(ErrorCode::InvalidQuery, format!("{what} is not valid: {e}")))
}

/// The search, read by the engine's own small JSON reader (serde's deserialiser is not in the
/// finder's module), with serde's messages.
fn query(value: JsValue) -> Out<Query> {
    let text = js_text(&value, "the search")?;
    NativeFinder::query_from_json_text(&text)
        .map_err(|e| Failure::new(ErrorCode::InvalidQuery, format!("the search is not valid: {e}")))
}

/// The engine: a dataset, its index and a policy pack.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Finder {
    inner: NativeFinder,
}

#[wasm_bindgen]
impl Finder {
    /// Reads and validates the data bytes (the core data file `finder/core.bin`, or a whole
    /// `dataset.bin`), builds the index, and loads the policy pack (a council's own JSON, or the
    /// illustrative default when `null`).
    #[wasm_bindgen(constructor)]
    pub fn new(dataset: &[u8], policy_json: Option<String>) -> Out<Finder> {
        Ok(Finder { inner: NativeFinder::from_core_bytes(dataset, policy_json.as_deref())? })
    }

    /// Adds a details data file (`finder/details/<AREA>.bin` or `all.bin`) for the core this
    /// finder was made from; returns how many settings it added.
    #[wasm_bindgen(js_name = addDetails)]
    pub fn add_details(&mut self, bytes: &[u8]) -> Out<u32> {
        Ok(u32::try_from(self.inner.add_details(bytes)?).unwrap_or(u32::MAX))
    }

    /// Whether every setting's details are loaded (an answer then never says `detailsMissing`).
    #[wasm_bindgen(js_name = hasAllDetails)]
    pub fn has_all_details(&self) -> bool {
        self.inner.has_all_details()
    }

    /// What the dataset is: version, build date, sources and their dates, coverage.
    #[wasm_bindgen(unchecked_return_type = "DatasetMeta")]
    pub fn meta(&self) -> Out<JsValue> {
        to_js(self.inner.meta())
    }

    /// The policy pack in use.
    #[wasm_bindgen(unchecked_return_type = "Policy")]
    pub fn policy(&self) -> Out<JsValue> {
        to_js(self.inner.policy())
    }

    /// Needs (with plain words and broad areas) and provision kinds.
    #[wasm_bindgen(unchecked_return_type = "Vocabulary")]
    pub fn vocabulary(&self) -> Out<JsValue> {
        to_js(&NativeFinder::vocabulary())
    }

    /// For the benchmark's plain-JavaScript comparison (`bench` feature: not in the finder's
    /// module): every setting's URN, location, kind, needs bit set and ages as parallel arrays.
    #[cfg(feature = "bench")]
    #[wasm_bindgen(js_name = settingsTable, unchecked_return_type = "SettingsTable")]
    pub fn settings_table(&self) -> Out<JsValue> {
        serde_to_js(&self.inner.table())
    }

    /// The tailored, explained list for a query.
    #[wasm_bindgen(unchecked_return_type = "ShortList")]
    pub fn shortlist(&self, #[wasm_bindgen(unchecked_param_type = "Query")] query_value: JsValue) -> Out<JsValue> {
        to_js(&self.inner.shortlist(&query(query_value)?)?)
    }

    /// Why one establishment (by URN) is or is not on the list for a query.
    #[wasm_bindgen(unchecked_return_type = "Explanation")]
    pub fn explain(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Query")] query_value: JsValue,
        urn: u32,
    ) -> Out<JsValue> {
        to_js(&self.inner.explain(&query(query_value)?, Urn(urn))?)
    }
}

/// Age on the 31 August before the start and the year group that follows (dates `YYYY-MM-DD`).
#[wasm_bindgen(js_name = ageAt, unchecked_return_type = "ChildAge")]
pub fn age_at(date_of_birth: &str, start_date: &str) -> Out<JsValue> {
    to_js(&NativeFinder::age_at(date_of_birth, start_date)?)
}

/// The year group a child of `age` on 31 August usually joins ("Year 3"): the engine's rule, so
/// that the page never writes its own.
#[wasm_bindgen(js_name = yearGroup)]
pub fn year_group(age: u8) -> String {
    NativeFinder::year_group(age)
}

/// `"LS"` for `"ls6 2aa"`: the file to fetch; throws for text that is not a postcode.
#[wasm_bindgen(js_name = postcodeArea)]
pub fn postcode_area(postcode: &str) -> Out<String> {
    Ok(NativeFinder::postcode_area(postcode)?)
}

/// Looks a postcode up in its area's shard (the bytes of `data/postcodes/<AREA>.bin`).
#[wasm_bindgen(js_name = lookupPostcode, unchecked_return_type = "PostcodeFix")]
pub fn lookup_postcode(shard: &[u8], postcode: &str) -> Out<JsValue> {
    to_js(&NativeFinder::lookup_postcode(shard, postcode)?)
}

/// The inclusion dashboard's engine: a dataset, the 1 km grid of England and the postcode
/// sectors; remembers the last distances so the map can be drawn at any size.
#[cfg(feature = "dashboard")]
#[wasm_bindgen]
#[derive(Debug)]
pub struct Dashboard {
    inner: CoverageEngine,
    last: Option<Distances>,
}

#[cfg(feature = "dashboard")]
#[wasm_bindgen]
impl Dashboard {
    /// From the dataset bytes, the council boundaries (GeoJSON) and the sectors CSV.
    #[wasm_bindgen(constructor)]
    pub fn new(dataset: &[u8], boundaries: &str, sectors: &str) -> Out<Dashboard> {
        let dataset = Dataset::decode(dataset)?;
        let grid = Grid::from_boundaries(boundaries, 1_000.0)?;
        let points = DemandPoint::parse_csv(sectors)?;
        Ok(Dashboard { inner: CoverageEngine::new(&dataset, grid, points), last: None })
    }

    /// Swaps in another dataset (a council's own data), keeping the grid and the sectors.
    #[wasm_bindgen(js_name = setDataset)]
    pub fn set_dataset(&mut self, dataset: &[u8]) -> Out<()> {
        self.inner.set_dataset(&Dataset::decode(dataset)?);
        self.last = None;
        Ok(())
    }

    /// The councils a report can be scoped to, by name: `[[code, name], ...]`.
    #[wasm_bindgen(unchecked_return_type = "[number, string][]")]
    pub fn councils(&self) -> Out<JsValue> {
        serde_to_js(&self.inner.councils())
    }

    /// Needs and provision kinds (the same as `Finder.vocabulary`).
    #[wasm_bindgen(unchecked_return_type = "Vocabulary")]
    pub fn vocabulary(&self) -> Out<JsValue> {
        to_js(&NativeFinder::vocabulary())
    }

    /// Distances for a filter; the table, the scope's sectors and CSV (see `Report`).
    #[wasm_bindgen(unchecked_return_type = "CoverageReport")]
    pub fn run(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "CoverageFilter")] filter: JsValue,
        la: Option<u16>,
    ) -> Out<JsValue> {
        let filter: Filter = from_js(filter, "the coverage filter")?;
        let (distances, report) = self.inner.report(&filter, la.map(LaCode))?;
        self.last = Some(distances);
        serde_to_js(&report)
    }

    /// Only the distances (for the benchmark): how many settings were suitable.
    #[cfg(feature = "bench")]
    #[wasm_bindgen(js_name = distancesOnly)]
    pub fn distances_only(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "CoverageFilter")] filter: JsValue,
    ) -> Out<u32> {
        let filter: Filter = from_js(filter, "the coverage filter")?;
        let d = self.inner.distances(&filter.validate()?);
        let n = d.suitable;
        self.last = Some(d);
        Ok(n)
    }

    /// For the benchmark: the grid cells' distances only (metres; `Infinity` when none suitable).
    #[cfg(feature = "bench")]
    #[wasm_bindgen(js_name = cellDistances)]
    pub fn cell_distances(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CoverageFilter")] filter: JsValue,
    ) -> Out<Vec<f32>> {
        Ok(self.inner.cell_distances(&suitability(filter)?).0)
    }

    /// For the benchmark: the demand points' (postcode sectors') distances only.
    #[cfg(feature = "bench")]
    #[wasm_bindgen(js_name = pointDistances)]
    pub fn point_distances(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CoverageFilter")] filter: JsValue,
    ) -> Out<Vec<f32>> {
        Ok(self.inner.point_distances(&suitability(filter)?).0)
    }

    /// For the benchmark's plain-JavaScript comparison: the grid, the suitable settings and
    /// the demand points as parallel arrays (src/dashboard/coverage.rs `PlainInputs`).
    #[cfg(feature = "bench")]
    #[wasm_bindgen(js_name = plainInputs)]
    pub fn plain_inputs(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CoverageFilter")] filter: JsValue,
    ) -> Out<JsValue> {
        serde_to_js(&self.inner.plain_inputs(&suitability(filter)?))
    }

    /// RGBA pixels of the last run's heat map for a Web Mercator view (one council or England).
    pub fn overlay(
        &self,
        la: Option<u16>,
        #[wasm_bindgen(unchecked_param_type = "MapView")] view: JsValue,
    ) -> Out<Vec<u8>> {
        let view: View = from_js(view, "the map view")?;
        if view.width == 0 || view.height == 0 || view.width > 4096 || view.height > 4096 {
            return Err(Failure::new(
                ErrorCode::InvalidQuery,
                format!("the map view must be 1..4096 pixels each way, found {}×{}", view.width, view.height),
            ));
        }
        let d = self.last.as_ref().ok_or_else(|| Failure::new(ErrorCode::NotReady, "run the coverage first"))?;
        Ok(self.inner.overlay_rgba(d, la.map(LaCode), &view))
    }
}

/// Rebuilds the dataset in the page from a council's own files (see `src/build/rebuild.rs`): a GIAS
/// "all establishment data" CSV and/or a council supplement.
#[cfg(feature = "dashboard")]
#[wasm_bindgen]
#[derive(Debug)]
pub struct Importer {
    inner: Option<RebuildImporter>,
    rebuilt: Option<Rebuilt>,
}

#[cfg(feature = "dashboard")]
#[wasm_bindgen]
impl Importer {
    /// From the rebuild kit (`data/rebuild-kit.json`) and today's date (`YYYY-MM-DD`).
    #[wasm_bindgen(constructor)]
    pub fn new(kit_json: &str, build_date: &str) -> Out<Importer> {
        let kit = RebuildKit::from_json(kit_json)?;
        let date = Date::parse(build_date).ok_or_else(|| {
            Failure::new(ErrorCode::InvalidQuery, format!("the build date {build_date:?} is not a date (YYYY-MM-DD)"))
        })?;
        Ok(Importer { inner: Some(RebuildImporter::new(kit, date)), rebuilt: None })
    }

    /// Refuses a file over the size cap before any of it is read.
    #[wasm_bindgen(js_name = checkSize)]
    pub fn check_size(name: &str, bytes: f64) -> Out<()> {
        Ok(limits::check_size(name, bytes as u64, limits::MAX_INPUT_BYTES, "MAX_INPUT_BYTES")?)
    }

    /// Takes a file; returns `"gias"` or `"supplement"`.
    #[wasm_bindgen(js_name = addFile)]
    pub fn add_file(&mut self, name: &str, bytes: &[u8]) -> Out<String> {
        let kind = self.importer()?.add_file(name, bytes)?;
        Ok(match kind {
            FileKind::Gias => "gias",
            FileKind::Supplement => "supplement",
        }
        .into())
    }

    /// Reads up to `max_rows` more GIAS rows; the share done, 0 to 1.
    pub fn step(&mut self, max_rows: u32) -> Out<f64> {
        Ok(self.importer()?.step(max_rows as usize)?)
    }

    /// GIAS rows read so far.
    #[wasm_bindgen(js_name = rowsRead)]
    pub fn rows_read(&self) -> f64 {
        self.inner.as_ref().map_or(0, RebuildImporter::rows_read) as f64
    }

    /// Builds the dataset (over `base`, the dataset in use, when only a supplement was given)
    /// and returns the report: counts per file, every rejected row, the full report as CSV.
    #[wasm_bindgen(unchecked_return_type = "RebuildSummary")]
    pub fn finish(&mut self, base: Option<Vec<u8>>) -> Out<JsValue> {
        let importer =
            self.inner.take().ok_or_else(|| Failure::new(ErrorCode::NotReady, "this import has already finished"))?;
        let base = base.filter(|_| importer.needs_base()).map(|b| Dataset::decode(&b)).transpose()?;
        let rebuilt = importer.finish(base)?;
        let summary = serde_to_js(&rebuilt.summary());
        self.rebuilt = Some(rebuilt);
        summary
    }

    /// The new dataset file, after `finish`.
    #[wasm_bindgen(js_name = datasetBytes)]
    pub fn dataset_bytes(&self) -> Out<Vec<u8>> {
        let rebuilt =
            self.rebuilt.as_ref().ok_or_else(|| Failure::new(ErrorCode::NotReady, "finish the import first"))?;
        Ok(rebuilt.dataset.encode())
    }

    fn importer(&mut self) -> Out<&mut RebuildImporter> {
        self.inner.as_mut().ok_or_else(|| Failure::new(ErrorCode::NotReady, "this import has already finished"))
    }
}

#[cfg(all(feature = "dashboard", feature = "bench"))]
fn suitability(filter: JsValue) -> Out<crate::dashboard::coverage::Suitability> {
    let filter: Filter = from_js(filter, "the coverage filter")?;
    Ok(filter.validate()?)
}

/// Reads a query from JSON text, as a shared link carries one; throws, with a message naming
/// the field, for anything that is not a search within the caps of `limits`.
#[wasm_bindgen(js_name = parseQuery, unchecked_return_type = "Query")]
pub fn parse_query(json: &str) -> Out<JsValue> {
    to_js(&NativeFinder::query_from_json(json)?)
}
