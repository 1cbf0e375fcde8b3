//! The data build: raw sources → validated records → merged settings → the dataset file and
//! postcode shards. [`rebuild`] also runs in the dashboard's wasm module (its "use your own
//! data" import); `pipeline` (file I/O) is native only.

pub mod assemble;
#[cfg(not(target_arch = "wasm32"))]
pub mod finder_files;
pub mod import;
#[cfg(not(target_arch = "wasm32"))]
pub mod pipeline;
pub mod rebuild;
