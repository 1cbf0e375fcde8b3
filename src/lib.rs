//! # placement-finder
//!
//! Finds the education settings in England that can meet a child's special educational needs,
//! ranks them against the needs in the child's EHC plan, and explains every result — entirely
//! on the user's device. The same library powers the native command-line tool (data officers:
//! build the data, batch shortlists) and, compiled to WebAssembly, the web page.
//!
//! ## Module map
//!
//! | module | what |
//! |---|---|
//! | [`model`] | plain domain data: [`Setting`], [`Need`], [`ProvisionKind`], [`LatLon`], [`Postcode`] |
//! | [`error`] | typed errors, each with a stable [`ErrorCode`], and the crate [`Result`] |
//! | [`limits`] | the caps on every input (file sizes, rows, fields, query and policy sizes) |
//! | [`dataset`] | the versioned, compact dataset file the page loads |
//! | [`index`] | the R-trees of settings (the only module that names rstar): ids and metres out |
//! | [`policy`] | policy packs: a council's levels of need, weights and wording, as versioned data |
//! | [`rank`] | the tailored list: hard filters, fit score, near misses, explanations |
//! | [`postcode`] | offline postcode lookup from area shards |
//! | [`finder`] | the native API: dataset, index and policy composed; what the CLI and the wasm edge hold |
//! | `wasm` | the WebAssembly edge (wasm32 only; the only module that names the wasm crates) |
//! | [`bng`] | British National Grid easting/northing ↔ WGS84 |
//! | [`import`] | raw sources → validated records, with every rejected row reported |
//! | [`assemble`] | the sources merged by URN, field by field, into settings |
//! | `pipeline` | the native `build-data` (not in wasm) |
//! | [`rebuild`] | rebuilding from a council's own GIAS file and supplement (CLI and the dashboard's import) |
//! | [`coverage`] | where provision is missing: distance from every 1 km cell and postcode sector to the nearest suitable setting |
//!
//! The page's view of these types is generated from them (ts-rs, into `bindings/`); see
//! `docs/contract.md`.
//!
//! `model` depends on nothing; `import` and `index` depend on `model` and `error` only; `rank`
//! also reads `policy` and queries `index` through its id-and-metres API.

#![forbid(unsafe_code)]
#![warn(missing_debug_implementations)]

pub mod assemble;
pub mod bng;
mod codec;
pub mod coverage;
pub mod dataset;
pub mod error;
pub mod finder;
pub mod import;
pub mod index;
pub mod limits;
pub mod model;
#[cfg(not(target_arch = "wasm32"))]
pub mod pipeline;
pub mod policy;
pub mod postcode;
pub mod rank;
pub mod rebuild;
mod sphere;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use error::{Error, ErrorCode, Result};
pub use model::{
    AgeRange, BroadArea, Date, Gender, LaCode, LatLon, Need, NeedSet, Places, Postcode, PostcodeFix, PostcodePrecision,
    ProvisionKind, Setting, SettingId, Site, Status, Urn,
};
