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
//! | [`error`] | typed errors and the crate [`Result`] |
//! | [`bng`] | British National Grid easting/northing ↔ WGS84 |
//! | [`coverage`] | where provision is missing: distance from every 1 km cell and postcode sector to the nearest suitable setting |
//! | [`import`] | raw sources → validated records, with every rejected row reported |
//! | [`limits`] | the caps on every input (file sizes, rows, fields, query and policy sizes) |
//! | [`dataset`] | the versioned, compact dataset file the page loads |
//! | [`postcode`] | offline postcode lookup from area shards |
//! | [`policy`] | policy packs: a council's levels of need, weights and wording, as versioned data |
//! | [`rank`] | the tailored list: hard filters, fit score, near misses, explanations |
//!
//! `model` depends on nothing; `import` and `index` depend on `model` and `error` only; `rank`
//! also reads `policy` and queries `index` through its id-and-metres API.

#![forbid(unsafe_code)]
#![warn(missing_debug_implementations)]

pub mod assemble;
pub mod bng;
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
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use error::{Error, ErrorCode, Result};
pub use model::{
    AgeRange, BroadArea, Date, Gender, LaCode, LatLon, Need, NeedSet, Places, Postcode, PostcodeFix, PostcodePrecision,
    ProvisionKind, Setting, SettingId, Site, Status, Urn,
};
