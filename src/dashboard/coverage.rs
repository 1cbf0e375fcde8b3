//! Coverage: for a suitability filter (needs, kinds, age), the straight-line distance from each
//! demand point to the nearest suitable setting — where provision is missing.
//!
//! Demand points are of two sorts:
//!
//! - a **grid** of square cells on the British National Grid (1 km by default) whose centres
//!   fall on land inside a council boundary ([`Grid::from_boundaries`]); each cell knows its
//!   council;
//! - **postcode sectors or units** ([`DemandPoint`]), weighted by how many postcode units each
//!   stands for (a proxy for where families live).
//!
//! # Algorithm
//!
//! Exact nearest on the sphere, fast:
//!
//! 1. **Row sweep** (grid only): settings and cells are placed on the National Grid
//!    ([`crate::bng::wgs84_to_bng`]). For each row of cells every suitable setting is a parabola
//!    `(x − e)² + (y − n)²` in the cell's easting `x`; the lower envelope of those parabolas
//!    (Felzenszwalb and Huttenlocher's distance transform, generalised to sites anywhere) gives
//!    the nearest setting *on the grid* for every cell of the row, in O(settings + cells).
//! 2. **Latitude strip** (grid and points): the grid's scale varies by about 0.1% across
//!    England, which at 150 km is a few hundred metres, so the sweep's answer is only a first
//!    guess. Settings sorted by latitude are scanned outwards from the point, comparing chords
//!    of unit vectors (which order points exactly as great-circle distance does), until the
//!    latitude gap alone is wider than the best so far. With the sweep's guess the scan is short.
//!
//! The distance reported is the great-circle distance on the mean-radius sphere that
//! [`LatLon::distance_m`] (haversine) uses, from the chord (the same figure to a millimetre; tests
//! compare every England cell with a brute-force haversine scan).
//!
//! # Files
//!
//! This file holds the engine ([`CoverageEngine`]: settings, grid and demand points) and its
//! [`Distances`]; by concern, `filter` (which settings count), `grid` (the grid and the demand
//! points), `search` (the row sweep and the exact search on the sphere), `tables` (per council
//! and per point, the report and the CSV) and `image` (the grid's pixels and the map overlay).
//! Everything public is re-exported here, so the paths are `coverage::Grid` and so on.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::bng::{bng_to_wgs84, wgs84_to_bng};
use crate::engine::dataset::Dataset;
use crate::error::{Error, Result};
use crate::model::{Date, LaCode, LatLon, Need, NeedSet, ProvisionKind, Setting, METRES_PER_MILE};
use crate::sphere::unit;

mod filter;
mod grid;
mod image;
mod search;
mod tables;
#[cfg(test)]
mod tests;

pub use filter::*;
pub use grid::*;
pub use image::*;
pub use search::*;
pub use tables::*;

/// The distance bands every table and legend uses, in miles.
pub const BANDS_MILES: [f64; 4] = [2.0, 5.0, 10.0, 20.0];

/// What a setting contributes to coverage, flattened once per engine.
#[derive(Clone, Debug)]
struct Site {
    bng: Bng,
    location: LatLon,
}

/// Settings, grid and demand points, ready to answer coverage questions quickly.
#[derive(Debug)]
pub struct CoverageEngine {
    settings: Vec<Setting>,
    sites: Vec<Site>,
    authorities: Vec<crate::model::LocalAuthority>,
    pub grid: Grid,
    pub points: Vec<DemandPoint>,
    /// Each grid cell's centre as a unit vector, and its latitude in radians.
    cell_unit: Vec<([f64; 3], f64, f64)>,
    /// For each grid area, the council (by DfE code) with that GSS code, if any: its current
    /// code or an alias (the May 2023 boundaries' codes for Barnsley and Sheffield).
    area_la: Vec<Option<LaCode>>,
}

/// Distances for one filter: per grid cell and per demand point, great-circle metres to the
/// nearest suitable setting (`f32::INFINITY` when none is suitable) and its id
/// (`u32::MAX` when none).
#[derive(Clone, Debug)]
pub struct Distances {
    pub suitable: u32,
    pub cell_m: Vec<f32>,
    pub cell_nearest: Vec<u32>,
    pub point_m: Vec<f32>,
    pub point_nearest: Vec<u32>,
}

impl CoverageEngine {
    pub fn new(dataset: &Dataset, grid: Grid, points: Vec<DemandPoint>) -> CoverageEngine {
        let cell_unit =
            grid.cells.iter().map(|c| (unit(c.centre), c.centre.lat.to_radians(), c.centre.lon.to_radians())).collect();
        let mut engine = CoverageEngine {
            cell_unit,
            settings: Vec::new(),
            sites: Vec::new(),
            authorities: Vec::new(),
            grid,
            points,
            area_la: Vec::new(),
        };
        engine.set_dataset(dataset);
        engine
    }

    /// Swaps in other settings (a council's own data), keeping the grid and the demand points,
    /// which do not depend on them.
    pub fn set_dataset(&mut self, dataset: &Dataset) {
        self.sites = dataset.settings.iter().map(|s| Site { bng: Bng::of(s.location), location: s.location }).collect();
        self.area_la = self
            .grid
            .areas
            .iter()
            .map(|a| dataset.authorities.iter().find(|la| la.has_gss(&a.gss)).map(|la| la.code))
            .collect();
        self.settings = dataset.settings.clone();
        self.authorities = dataset.authorities.clone();
    }

    pub fn settings(&self) -> &[Setting] {
        &self.settings
    }

    /// The councils a report can be scoped to, by name: (DfE code, name).
    pub fn councils(&self) -> Vec<(u16, String)> {
        let mut all: Vec<(u16, String)> = self.authorities.iter().map(|a| (a.code.0, a.name.clone())).collect();
        all.sort_by(|a, b| a.1.cmp(&b.1));
        all
    }

    /// The council a grid cell is in.
    pub fn cell_la(&self, cell: &Cell) -> Option<LaCode> {
        self.area_la[cell.area as usize]
    }
}
