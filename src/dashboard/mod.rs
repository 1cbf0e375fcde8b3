//! The inclusion dashboard's engine: where provision is missing. Exposed to JavaScript only by
//! the dashboard's wasm module (the `dashboard` feature), never the finder's.

pub mod coverage;
