//! The WebAssembly edge: the only file that names wasm-bindgen, js-sys and serde-wasm-bindgen.
//! It converts and holds no logic: one long-lived [`Finder`], plain JS objects out (camelCase,
//! `null` never `undefined`), errors as JS `Error`s carrying the Rust message.

use crate::finder::Finder as NativeFinder;
use crate::rank::Query;
use crate::Urn;
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
export interface ChildAge { age: number; year: number | null; yearGroup: string; matchAge: number; taughtOutOfYearGroup: boolean }
"#;

fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("could not hand the result to JavaScript: {e}")))
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

    /// The tailored, explained list for a query.
    #[wasm_bindgen(unchecked_return_type = "ShortList")]
    pub fn shortlist(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Query")] query_value: JsValue,
    ) -> Result<JsValue, JsError> {
        to_js(&self.inner.shortlist(&query(query_value)?).map_err(err)?)
    }

    /// Why one establishment (by URN) is or is not on the list for a query.
    #[wasm_bindgen(unchecked_return_type = "Explanation")]
    pub fn explain(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Query")] query_value: JsValue,
        urn: u32,
    ) -> Result<JsValue, JsError> {
        to_js(&self.inner.explain(&query(query_value)?, Urn(urn)).map_err(err)?)
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

/// Reads a query from JSON text, as a shared link carries one; throws, with a message naming
/// the field, for anything that is not a search within the caps of `limits`.
#[wasm_bindgen(js_name = parseQuery, unchecked_return_type = "Query")]
pub fn parse_query(json: &str) -> Result<JsValue, JsError> {
    to_js(&NativeFinder::query_from_json(json).map_err(err)?)
}
