//! The page's split data (`finder/core.bin`, `finder/details/<AREA>.bin`, `details/all.bin`;
//! see [`crate::engine::core`]): which settings each postcode area's details file holds.
//!
//! An area's file holds every setting within [`RESULT_REACH_MILES`] of any of its postcode
//! units, and every setting recording SEN types (the only ones a near miss can be) within
//! [`NEAR_MISS_REACH_MILES`], plus every other site of each establishment it names. That is
//! everything a list with the default levels' widest radius (25 miles; near misses reach 1.5
//! times the radius) can print for a home in the area, with a margin for a postcode found only
//! by its sector or district. A wider radius, or a home picked on the map, may need more: the
//! finder then says `detailsMissing` and the page loads `all.bin`.

use crate::engine::core;
use crate::engine::dataset::Dataset;
use crate::engine::postcode::PostcodeShard;
use crate::model::{LatLon, Urn, METRES_PER_MILE};
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// Results lie within the radius: 25 miles at the default pack's widest level.
pub const RESULT_REACH_MILES: f64 = 25.0;
/// Near misses lie within 1.5 times the radius.
pub const NEAR_MISS_REACH_MILES: f64 = 37.5;
/// A home found by its sector or district is at the mean of its units, which may lie a little
/// outside the cells of the units themselves.
const MARGIN_MILES: f64 = 2.0;
const CELL_LAT: f64 = 0.02;
const CELL_LON: f64 = 0.03;

/// The core file's bytes and, by name (`<AREA>.bin`, `all.bin`), every details file's.
pub fn finder_files(dataset: &Dataset, shards: &[PostcodeShard]) -> (Vec<u8>, Vec<(String, Vec<u8>)>) {
    let groups = area_groups(dataset, shards);
    let mut names: Vec<String> = groups.keys().map(|a| format!("{a}.bin")).collect();
    let mut ids: Vec<Vec<u32>> = groups.into_values().collect();
    names.push("all.bin".into());
    ids.push((0..dataset.settings.len() as u32).collect());
    let (core, details) = core::split(dataset, &ids);
    (core, names.into_iter().zip(details).collect())
}

/// For each postcode area with units in England, the positions of the settings its details file holds.
pub fn area_groups(dataset: &Dataset, shards: &[PostcodeShard]) -> BTreeMap<String, Vec<u32>> {
    let settings = &dataset.settings;
    let mut sites: BTreeMap<Urn, Vec<u32>> = BTreeMap::new();
    for (i, s) in settings.iter().enumerate() {
        sites.entry(s.urn).or_default().push(i as u32);
    }
    let mut out = BTreeMap::new();
    for shard in shards {
        let cells: HashSet<(i32, i32)> = shard
            .districts()
            .iter()
            .flat_map(|d| &d.units)
            .map(|u| ((u.location.lat / CELL_LAT).floor() as i32, (u.location.lon / CELL_LON).floor() as i32))
            .collect();
        if cells.is_empty() {
            continue;
        }
        let centres: Vec<LatLon> = cells
            .iter()
            .map(|&(y, x)| LatLon { lat: (f64::from(y) + 0.5) * CELL_LAT, lon: (f64::from(x) + 0.5) * CELL_LON })
            .collect();
        // Half the cell's diagonal (at most 1.4 km in England), then the margins.
        let half_diag_m = 0.5 * ((CELL_LAT * 111_320.0).powi(2) + (CELL_LON * 111_320.0 * 0.66).powi(2)).sqrt();
        let (min_lat, max_lat) = centres.iter().fold((90.0f64, -90.0f64), |(a, b), c| (a.min(c.lat), b.max(c.lat)));
        let (min_lon, max_lon) = centres.iter().fold((180.0f64, -180.0f64), |(a, b), c| (a.min(c.lon), b.max(c.lon)));
        let mut chosen = BTreeSet::new();
        for (i, s) in settings.iter().enumerate() {
            let miles = if s.needs.is_some_and(|n| !n.is_empty()) { NEAR_MISS_REACH_MILES } else { RESULT_REACH_MILES };
            let reach_m = (miles + MARGIN_MILES) * METRES_PER_MILE + half_diag_m;
            let dlat = reach_m / 111_000.0;
            let dlon = dlat / 0.5; // cos(60°): England is south of it
            let p = s.location;
            if p.lat < min_lat - dlat || p.lat > max_lat + dlat || p.lon < min_lon - dlon || p.lon > max_lon + dlon {
                continue;
            }
            if centres.iter().any(|c| c.distance_m(p) <= reach_m) {
                chosen.extend(sites.get(&s.urn).into_iter().flatten().copied());
                chosen.insert(i as u32);
            }
        }
        out.insert(shard.area().to_string(), chosen.into_iter().collect());
    }
    out
}
