//! # placement-finder
//!
//! Finds the education settings in England that can meet a child's special educational needs,
//! ranks them against the needs in the child's EHC plan, and explains every result — entirely
//! on the user's device. The same library powers the native command-line tool (data officers:
//! build the data, batch shortlists) and, compiled to WebAssembly, the web page.
//!
//! ## Module map
//!
//! `src/` is grouped by who runs it: the finder engine (what families download), the data build,
//! and the dashboard; the shared modules stay at the top.
//!
//! | module | what |
//! |---|---|
//! | **shared** | |
//! | [`model`] | plain domain data: [`Setting`], [`Need`], [`ProvisionKind`], [`LatLon`], [`Postcode`] |
//! | [`error`] | typed errors, each with a stable [`ErrorCode`], and the crate [`Result`] |
//! | [`limits`] | the caps on every input (file sizes, rows, fields, query and policy sizes) |
//! | [`bng`] | British National Grid easting/northing ↔ WGS84 |
//! | `codec`, `sphere`, `decimal` | the byte reader/writer and CRC-32, the great-circle helpers, `f64` as text without core's float formatting (crate-private) |
//! | `wasm` | the WebAssembly edge (wasm32 only; the only module that names the wasm crates) |
//! | [`engine`] | **the finder engine** (`src/engine/`): the finder's wasm module runs only this and the shared modules |
//! | [`engine::dataset`] | the versioned, compact dataset file the page loads |
//! | [`engine::index`] | the R-trees of settings (the only module that names the R-tree crate): ids and metres out |
//! | [`engine::policy`] | policy packs: a council's levels of need, weights and wording, as versioned data |
//! | [`engine::rank`] | the tailored list: hard filters, fit score, near misses, explanations |
//! | [`engine::postcode`] | offline postcode lookup from area shards |
//! | [`engine::finder`] | the native API: dataset, index and policy composed; what the CLI and the wasm edge hold |
//! | [`build`] | **the data build** (`src/build/`) |
//! | [`build::import`] | raw sources → validated records, with every rejected row reported |
//! | [`build::assemble`] | the sources merged by URN, field by field, into settings |
//! | `build::pipeline` | the native `build-data` (not in wasm) |
//! | [`build::rebuild`] | rebuilding from a council's own GIAS file and supplement (CLI and the dashboard's import) |
//! | [`dashboard`] | **the dashboard** (`src/dashboard/`; in wasm only behind the `dashboard` feature) |
//! | [`dashboard::coverage`] | where provision is missing: distance from every 1 km cell and postcode sector to the nearest suitable setting |
//!
//! The old top-level paths (`placement_finder::rank`, `::import`, `::coverage`, …) are kept as
//! re-exports so that the integration tests, benches, examples and the separate fuzz crate did
//! not churn with the move; code inside `src/` uses the grouped paths.
//!
//! The page's view of these types is generated from them (ts-rs, into `bindings/`); see
//! `docs/contract.md`.
//!
//! `model` depends on nothing; `import` and `index` depend on `model` and `error` only; `rank`
//! also reads `policy` and queries `index` through its id-and-metres API.

#![forbid(unsafe_code)]
#![warn(missing_debug_implementations)]

pub mod bng;
pub mod build;
mod codec;
pub mod dashboard;
pub(crate) mod decimal;
pub mod engine;
pub mod error;
pub mod limits;
pub mod model;
mod sphere;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

// The pre-grouping paths, kept for the code outside `src/` (tests, benches, examples, fuzz).
#[cfg(not(target_arch = "wasm32"))]
#[doc(no_inline)]
pub use build::pipeline;
#[doc(no_inline)]
pub use build::{assemble, import, rebuild};
#[doc(no_inline)]
pub use dashboard::coverage;
#[doc(no_inline)]
pub use engine::{dataset, finder, index, policy, postcode, rank};

pub use error::{Error, ErrorCode, Result};
pub use model::{
    AgeRange, BroadArea, Date, Gender, LaCode, LatLon, Need, NeedSet, Places, Postcode, PostcodeFix, PostcodePrecision,
    ProvisionKind, Setting, SettingId, Site, Status, Urn,
};
