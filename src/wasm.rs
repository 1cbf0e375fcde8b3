//! The WebAssembly edge: the only file that names wasm-bindgen, js-sys and serde-wasm-bindgen.
//! It converts and holds no logic: one long-lived [`Finder`], plain JS objects out (camelCase,
//! `null` never `undefined`), errors as JS `Error`s carrying the Rust message.

use crate::finder::Finder as NativeFinder;
use crate::rank::Query;
use crate::Urn;
#[cfg(feature = "dashboard")]
use crate::{
    coverage::{CoverageEngine, DemandPoint, Distances, Filter, Grid, View},
    dataset::Dataset,
    limits,
    model::{Date, LaCode},
    rebuild::{FileKind, Importer as RebuildImporter, RebuildKit, Rebuilt},
};
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
export interface LatLon { lat: number; lon: number }
export interface Source { key: string; title: string; date: string | null; rows: number }
export interface DatasetMeta {
  schemaVersion: number; buildDate: string; dataVersion: string; coverage: string;
  sources: Source[]; settingCount: number; establishmentCount: number;
}
export interface NeedTerm { code: string; label: string; plain: string; area: string | null }
export interface Term { code: string; label: string }
export interface SettingsTable { urn: number[]; lat: number[]; lon: number[]; kind: string[]; needs: number[]; ageLow: number[]; ageHigh: number[] }
export interface Vocabulary { needs: NeedTerm[]; areas: Term[]; kinds: Term[] }
export interface PostcodeFix {
  postcode: string; location: LatLon; precision: "unit" | "sector" | "outcode"; la: number | null;
}
/** See src/rank.rs `Query` (camelCase). */
export type Query = Record<string, unknown>;
/** See src/rank.rs `ShortList` and README "The shortlist JSON". */
export type ShortList = Record<string, any>;
export type Explanation = Record<string, any>;
export type Policy = Record<string, any>;
/** See src/coverage.rs `Filter`, `Report` and `View` (camelCase). */
export interface CoverageFilter { needs: string[]; kinds: string[]; age: number | null; includeNeedsNotRecorded?: boolean }
export type CoverageReport = Record<string, any>;
export interface MapView { south: number; west: number; north: number; east: number; width: number; height: number }
export interface RebuildSummary {
  sources: { source: string; rowsRead: number; accepted: number; filtered: number; rejected: number; warnings: number }[];
  rejectedRows: { source: string; row: number; urn: number | null; column: string | null; reason: string }[];
  settings: number; establishmentsKept: number; establishmentsLeftOut: number; dataVersion: string; coverage: string;
  reportCsv: string;
}
export interface ChildAge { age: number; year: number | null; yearGroup: string; matchAge: number; taughtOutOfYearGroup: boolean }
"#;

fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("could not hand the result to JavaScript: {e}")))
}

/// Large nested results (a shortlist is ~200 objects and strings) cross the boundary as one
/// JSON string parsed by the engine's `JSON.parse`: measured several times faster than building
/// the objects one call at a time.
fn to_js_via_json<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    let text = serde_json::to_string(value).map_err(|e| JsError::new(&format!("could not write the result: {e}")))?;
    js_sys::JSON::parse(&text).map_err(|_| JsError::new("could not read the result back as JSON"))
}

fn err(e: crate::Error) -> JsError {
    JsError::new(&e.to_string())
}

fn query(value: JsValue) -> Result<Query, JsError> {
    serde_wasm_bindgen::from_value(value).map_err(|e| JsError::new(&format!("the search is not valid: {e}")))
}

/// The engine: a dataset, its index and a policy pack.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Finder {
    inner: NativeFinder,
}

#[wasm_bindgen]
impl Finder {
    /// Reads and validates the dataset bytes, builds the index, and loads the policy pack
    /// (a council's own JSON, or the illustrative default when `null`).
    #[wasm_bindgen(constructor)]
    pub fn new(dataset: &[u8], policy_json: Option<String>) -> Result<Finder, JsError> {
        Ok(Finder { inner: NativeFinder::from_bytes(dataset, policy_json.as_deref()).map_err(err)? })
    }

    /// What the dataset is: version, build date, sources and their dates, coverage.
    #[wasm_bindgen(unchecked_return_type = "DatasetMeta")]
    pub fn meta(&self) -> Result<JsValue, JsError> {
        to_js(self.inner.meta())
    }

    /// The policy pack in use.
    #[wasm_bindgen(unchecked_return_type = "Policy")]
    pub fn policy(&self) -> Result<JsValue, JsError> {
        to_js(self.inner.policy())
    }

    /// Needs (with plain words and broad areas) and provision kinds.
    #[wasm_bindgen(unchecked_return_type = "Vocabulary")]
    pub fn vocabulary(&self) -> Result<JsValue, JsError> {
        to_js(&NativeFinder::vocabulary())
    }

    /// Every setting's URN, location, kind, needs bit set and ages as parallel arrays.
    #[wasm_bindgen(js_name = settingsTable, unchecked_return_type = "SettingsTable")]
    pub fn settings_table(&self) -> Result<JsValue, JsError> {
        to_js_via_json(&self.inner.table())
    }

    /// The tailored, explained list for a query.
    #[wasm_bindgen(unchecked_return_type = "ShortList")]
    pub fn shortlist(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Query")] query_value: JsValue,
    ) -> Result<JsValue, JsError> {
        to_js_via_json(&self.inner.shortlist(&query(query_value)?).map_err(err)?)
    }

    /// Why one establishment (by URN) is or is not on the list for a query.
    #[wasm_bindgen(unchecked_return_type = "Explanation")]
    pub fn explain(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Query")] query_value: JsValue,
        urn: u32,
    ) -> Result<JsValue, JsError> {
        to_js_via_json(&self.inner.explain(&query(query_value)?, Urn(urn)).map_err(err)?)
    }
}

/// Age on the 31 August before the start and the year group that follows (dates `YYYY-MM-DD`).
#[wasm_bindgen(js_name = ageAt, unchecked_return_type = "ChildAge")]
pub fn age_at(date_of_birth: &str, start_date: &str) -> Result<JsValue, JsError> {
    to_js(&NativeFinder::age_at(date_of_birth, start_date).map_err(err)?)
}

/// `"LS"` for `"ls6 2aa"`: the file to fetch; throws for text that is not a postcode.
#[wasm_bindgen(js_name = postcodeArea)]
pub fn postcode_area(postcode: &str) -> Result<String, JsError> {
    NativeFinder::postcode_area(postcode).map_err(err)
}

/// Looks a postcode up in its area's shard (the bytes of `data/postcodes/<AREA>.bin`).
#[wasm_bindgen(js_name = lookupPostcode, unchecked_return_type = "PostcodeFix")]
pub fn lookup_postcode(shard: &[u8], postcode: &str) -> Result<JsValue, JsError> {
    to_js(&NativeFinder::lookup_postcode(shard, postcode).map_err(err)?)
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
    pub fn new(dataset: &[u8], boundaries: &str, sectors: &str) -> Result<Dashboard, JsError> {
        let dataset = Dataset::decode(dataset).map_err(err)?;
        let grid = Grid::from_boundaries(boundaries, 1_000.0).map_err(err)?;
        let points = DemandPoint::parse_csv(sectors).map_err(err)?;
        Ok(Dashboard { inner: CoverageEngine::new(&dataset, grid, points), last: None })
    }

    /// Swaps in another dataset (a council's own data), keeping the grid and the sectors.
    #[wasm_bindgen(js_name = setDataset)]
    pub fn set_dataset(&mut self, dataset: &[u8]) -> Result<(), JsError> {
        self.inner.set_dataset(&Dataset::decode(dataset).map_err(err)?);
        self.last = None;
        Ok(())
    }

    /// The councils a report can be scoped to, by name: `[[code, name], ...]`.
    #[wasm_bindgen(unchecked_return_type = "[number, string][]")]
    pub fn councils(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.councils())
    }

    /// Needs and provision kinds (the same as `Finder.vocabulary`).
    #[wasm_bindgen(unchecked_return_type = "Vocabulary")]
    pub fn vocabulary(&self) -> Result<JsValue, JsError> {
        to_js(&NativeFinder::vocabulary())
    }

    /// Distances for a filter; the table, the scope's sectors and CSV (see `Report`).
    #[wasm_bindgen(unchecked_return_type = "CoverageReport")]
    pub fn run(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "CoverageFilter")] filter: JsValue,
        la: Option<u16>,
    ) -> Result<JsValue, JsError> {
        let filter: Filter = serde_wasm_bindgen::from_value(filter)
            .map_err(|e| JsError::new(&format!("the coverage filter is not valid: {e}")))?;
        let (distances, report) = self.inner.report(&filter, la.map(LaCode)).map_err(err)?;
        self.last = Some(distances);
        to_js_via_json(&report)
    }

    /// Only the distances (for the benchmark): how many settings were suitable.
    #[wasm_bindgen(js_name = distancesOnly)]
    pub fn distances_only(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "CoverageFilter")] filter: JsValue,
    ) -> Result<u32, JsError> {
        let filter: Filter = serde_wasm_bindgen::from_value(filter)
            .map_err(|e| JsError::new(&format!("the coverage filter is not valid: {e}")))?;
        let d = self.inner.distances(&filter.validate().map_err(err)?);
        let n = d.suitable;
        self.last = Some(d);
        Ok(n)
    }

    /// For the benchmark: the grid cells' distances only (metres; `Infinity` when none suitable).
    #[wasm_bindgen(js_name = cellDistances)]
    pub fn cell_distances(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CoverageFilter")] filter: JsValue,
    ) -> Result<Vec<f32>, JsError> {
        Ok(self.inner.cell_distances(&suitability(filter)?).0)
    }

    /// For the benchmark: the demand points' (postcode sectors') distances only.
    #[wasm_bindgen(js_name = pointDistances)]
    pub fn point_distances(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CoverageFilter")] filter: JsValue,
    ) -> Result<Vec<f32>, JsError> {
        Ok(self.inner.point_distances(&suitability(filter)?).0)
    }

    /// For the benchmark's plain-JavaScript comparison: the grid, the suitable settings and
    /// the demand points as parallel arrays (src/coverage.rs `PlainInputs`).
    #[wasm_bindgen(js_name = plainInputs)]
    pub fn plain_inputs(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CoverageFilter")] filter: JsValue,
    ) -> Result<JsValue, JsError> {
        to_js_via_json(&self.inner.plain_inputs(&suitability(filter)?))
    }

    /// RGBA pixels of the last run's heat map for a Web Mercator view (one council or England).
    pub fn overlay(
        &self,
        la: Option<u16>,
        #[wasm_bindgen(unchecked_param_type = "MapView")] view: JsValue,
    ) -> Result<Vec<u8>, JsError> {
        let view: View = serde_wasm_bindgen::from_value(view)
            .map_err(|e| JsError::new(&format!("the map view is not valid: {e}")))?;
        if view.width == 0 || view.height == 0 || view.width > 4096 || view.height > 4096 {
            return Err(JsError::new(&format!(
                "the map view must be 1..4096 pixels each way, found {}×{}",
                view.width, view.height
            )));
        }
        let d = self.last.as_ref().ok_or_else(|| JsError::new("run the coverage first"))?;
        Ok(self.inner.overlay_rgba(d, la.map(LaCode), &view))
    }
}

/// Rebuilds the dataset in the page from a council's own files (see `src/rebuild.rs`): a GIAS
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
    pub fn new(kit_json: &str, build_date: &str) -> Result<Importer, JsError> {
        let kit = RebuildKit::from_json(kit_json).map_err(err)?;
        let date = Date::parse(build_date)
            .ok_or_else(|| JsError::new(&format!("the build date {build_date:?} is not a date (YYYY-MM-DD)")))?;
        Ok(Importer { inner: Some(RebuildImporter::new(kit, date)), rebuilt: None })
    }

    /// Refuses a file over the size cap before any of it is read.
    #[wasm_bindgen(js_name = checkSize)]
    pub fn check_size(name: &str, bytes: f64) -> Result<(), JsError> {
        limits::check_size(name, bytes as u64, limits::MAX_INPUT_BYTES, "MAX_INPUT_BYTES").map_err(err)
    }

    /// Takes a file; returns `"gias"` or `"supplement"`.
    #[wasm_bindgen(js_name = addFile)]
    pub fn add_file(&mut self, name: &str, bytes: &[u8]) -> Result<String, JsError> {
        let kind = self.importer()?.add_file(name, bytes).map_err(err)?;
        Ok(match kind {
            FileKind::Gias => "gias",
            FileKind::Supplement => "supplement",
        }
        .into())
    }

    /// Reads up to `max_rows` more GIAS rows; the share done, 0 to 1.
    pub fn step(&mut self, max_rows: u32) -> Result<f64, JsError> {
        self.importer()?.step(max_rows as usize).map_err(err)
    }

    /// GIAS rows read so far.
    #[wasm_bindgen(js_name = rowsRead)]
    pub fn rows_read(&self) -> f64 {
        self.inner.as_ref().map_or(0, RebuildImporter::rows_read) as f64
    }

    /// Builds the dataset (over `base`, the dataset in use, when only a supplement was given)
    /// and returns the report: counts per file, every rejected row, the full report as CSV.
    #[wasm_bindgen(unchecked_return_type = "RebuildSummary")]
    pub fn finish(&mut self, base: Option<Vec<u8>>) -> Result<JsValue, JsError> {
        let importer = self.inner.take().ok_or_else(|| JsError::new("this import has already finished"))?;
        let base = base.filter(|_| importer.needs_base()).map(|b| Dataset::decode(&b)).transpose().map_err(err)?;
        let rebuilt = importer.finish(base).map_err(err)?;
        let summary = to_js_via_json(&rebuilt.summary());
        self.rebuilt = Some(rebuilt);
        summary
    }

    /// The new dataset file, after `finish`.
    #[wasm_bindgen(js_name = datasetBytes)]
    pub fn dataset_bytes(&self) -> Result<Vec<u8>, JsError> {
        let rebuilt = self.rebuilt.as_ref().ok_or_else(|| JsError::new("finish the import first"))?;
        Ok(rebuilt.dataset.encode())
    }

    fn importer(&mut self) -> Result<&mut RebuildImporter, JsError> {
        self.inner.as_mut().ok_or_else(|| JsError::new("this import has already finished"))
    }
}

#[cfg(feature = "dashboard")]
fn suitability(filter: JsValue) -> Result<crate::coverage::Suitability, JsError> {
    let filter: Filter = serde_wasm_bindgen::from_value(filter)
        .map_err(|e| JsError::new(&format!("the coverage filter is not valid: {e}")))?;
    filter.validate().map_err(err)
}

/// Reads a query from JSON text, as a shared link carries one; throws, with a message naming
/// the field, for anything that is not a search within the caps of `limits`.
#[wasm_bindgen(js_name = parseQuery, unchecked_return_type = "Query")]
pub fn parse_query(json: &str) -> Result<JsValue, JsError> {
    to_js(&NativeFinder::query_from_json(json).map_err(err)?)
}
