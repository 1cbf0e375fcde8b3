//! The finder engine: what the finder's WebAssembly module (what families download) runs —
//! decode the dataset, index it, look up a postcode, apply a policy pack and rank.

pub mod core;
pub mod dataset;
pub mod finder;
pub mod index;
pub mod json;
pub mod json_out;
pub mod policy;
pub mod postcode;
pub mod rank;
