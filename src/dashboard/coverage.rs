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

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::bng::{bng_to_wgs84, wgs84_to_bng};
use crate::engine::dataset::Dataset;
use crate::error::{Error, Result};
use crate::model::{Date, LaCode, LatLon, Need, NeedSet, ProvisionKind, Setting, METRES_PER_MILE};

/// The distance bands every table and legend uses, in miles.
pub const BANDS_MILES: [f64; 4] = [2.0, 5.0, 10.0, 20.0];

/// Which settings count as suitable, and which count towards the distances.
///
/// A setting is of the filter's kinds and age when its kind is one of `kinds` (all kinds when
/// empty) and its age range includes `age` (settings with no recorded ages are kept: missing
/// data is not a "no"). Such a setting is **suitable** ([`Fit::Suitable`]) when `needs` is
/// empty, when it records one of `needs`, or when it is a kind that serves every need by default
/// (mainstream, post-16, nursery: [`ProvisionKind::is_specialist`] is false). A specialist
/// setting that records no needs at all is **of unknown need** ([`Fit::NeedsNotRecorded`]): the
/// national data records the specialisms of few resourced provisions and SEN units. It counts
/// towards the distances only with `include_needs_not_recorded`; the table counts it either way.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Filter {
    /// Need abbreviations (`ASD`, `SLCN`, ...).
    #[serde(default)]
    pub needs: Vec<String>,
    /// Provision kind codes (`special`, `senUnit`, ...).
    #[serde(default)]
    pub kinds: Vec<String>,
    #[serde(default)]
    pub age: Option<u8>,
    /// Settings of unknown need count towards the distances too.
    #[serde(default)]
    #[cfg_attr(test, ts(as = "Option<_>", optional))]
    pub include_needs_not_recorded: bool,
}

/// A [`Filter`] checked against the taxonomy.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Suitability {
    pub needs: NeedSet,
    /// Bit `k` for [`ProvisionKind::index`] `k`.
    pub kinds: u16,
    pub age: Option<u8>,
    pub include_needs_not_recorded: bool,
}

/// How a setting stands against a [`Suitability`] (see [`Filter`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fit {
    /// Not of the kinds or the age, or records needs but none of the chosen ones.
    No,
    Suitable,
    /// Of the kinds and the age, a specialist kind, and records no needs.
    NeedsNotRecorded,
}

impl Filter {
    /// Parses the needs and kinds; errors name the value that is not known.
    pub fn validate(&self) -> Result<Suitability> {
        let mut needs = NeedSet::EMPTY;
        for text in &self.needs {
            needs.insert(Need::parse(text).ok_or_else(|| Error::invalid("needs", format!("{text:?} is not a need")))?);
        }
        let mut kinds = 0u16;
        for text in &self.kinds {
            let kind = ProvisionKind::parse(text)
                .ok_or_else(|| Error::invalid("kinds", format!("{text:?} is not a kind of setting")))?;
            kinds |= 1 << kind.index();
        }
        if kinds == 0 {
            kinds = (1 << ProvisionKind::ALL.len()) - 1;
        }
        Ok(Suitability { needs, kinds, age: self.age, include_needs_not_recorded: self.include_needs_not_recorded })
    }
}

impl Suitability {
    /// Where a setting stands (an empty set of recorded needs counts as not recorded, as in
    /// the ranking).
    pub fn fit(&self, setting: &Setting) -> Fit {
        if self.kinds & (1 << setting.kind.index()) == 0 {
            return Fit::No;
        }
        if self.age.is_some_and(|age| !setting.may_take_age(age)) {
            return Fit::No;
        }
        if self.needs.is_empty() || !setting.kind.is_specialist() {
            return Fit::Suitable;
        }
        match setting.needs.filter(|recorded| !recorded.is_empty()) {
            None => Fit::NeedsNotRecorded,
            Some(recorded) if recorded.intersects(self.needs) => Fit::Suitable,
            Some(_) => Fit::No,
        }
    }

    /// Whether a setting counts towards the distances.
    pub fn admits(&self, setting: &Setting) -> bool {
        match self.fit(setting) {
            Fit::Suitable => true,
            Fit::NeedsNotRecorded => self.include_needs_not_recorded,
            Fit::No => false,
        }
    }
}

/// A point on the National Grid, metres.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Bng {
    e: f64,
    n: f64,
}

impl Bng {
    fn of(point: LatLon) -> Bng {
        let (e, n) = wgs84_to_bng(point);
        Bng { e, n }
    }
}

/// A council area of the grid.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Area {
    /// ONS GSS code (`E08000035`).
    pub gss: String,
    pub name: String,
}

/// One land cell.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cell {
    pub col: u32,
    pub row: u32,
    /// The centre, WGS84.
    pub centre: LatLon,
    /// Index into [`Grid::areas`].
    pub area: u16,
}

/// Square cells on the National Grid whose centres are inside a council boundary, in row order
/// (south to north), then column order (west to east).
#[derive(Clone, Debug)]
pub struct Grid {
    pub cell_m: f64,
    /// Easting and northing of the south-west corner of cell (0, 0).
    pub origin_e: f64,
    pub origin_n: f64,
    pub cols: u32,
    pub rows: u32,
    pub cells: Vec<Cell>,
    pub areas: Vec<Area>,
    /// `cells[row_start[r]..row_start[r + 1]]` are row `r`'s cells.
    row_start: Vec<u32>,
}

impl Grid {
    /// Rasterises council boundaries (a GeoJSON FeatureCollection of Polygons and
    /// MultiPolygons in WGS84, with `ctyua23cd`/`ctyua23nm` or `code`/`name` properties) onto
    /// `cell_m` cells: a cell belongs to the council whose boundary contains its centre (even-odd
    /// rule, so holes are holes).
    pub fn from_boundaries(geojson: &str, cell_m: f64) -> Result<Grid> {
        let what = "council boundaries";
        if !(cell_m.is_finite() && (100.0..=100_000.0).contains(&cell_m)) {
            return Err(Error::invalid("cellM", format!("cell size {cell_m} m is outside 100 m..100 km")));
        }
        let doc: serde_json::Value =
            serde_json::from_str(geojson).map_err(|e| Error::corrupt(what, format!("not JSON: {e}")))?;
        let features = doc["features"]
            .as_array()
            .ok_or_else(|| Error::corrupt(what, "expected a GeoJSON FeatureCollection, found no \"features\""))?;
        let mut areas = Vec::new();
        let mut rings: Vec<(u16, Vec<Bng>)> = Vec::new();
        for (i, feature) in features.iter().enumerate() {
            let props = &feature["properties"];
            let text = |keys: [&str; 2]| keys.iter().find_map(|k| props[*k].as_str()).unwrap_or("").to_string();
            let area = u16::try_from(areas.len()).map_err(|_| Error::corrupt(what, "more than 65,535 areas"))?;
            areas.push(Area { gss: text(["ctyua23cd", "code"]), name: text(["ctyua23nm", "name"]) });
            let geometry = &feature["geometry"];
            let polygons: Vec<&serde_json::Value> = match geometry["type"].as_str() {
                Some("Polygon") => vec![&geometry["coordinates"]],
                Some("MultiPolygon") => {
                    geometry["coordinates"].as_array().map(|a| a.iter().collect()).unwrap_or_default()
                }
                other => return Err(Error::corrupt(what, format!("feature {i}: expected a Polygon, found {other:?}"))),
            };
            for polygon in polygons {
                for ring in polygon.as_array().into_iter().flatten() {
                    let mut points = Vec::new();
                    for position in ring.as_array().into_iter().flatten() {
                        let (lon, lat) = (position[0].as_f64(), position[1].as_f64());
                        let point = lat.zip(lon).and_then(|(lat, lon)| LatLon::new(lat, lon)).ok_or_else(|| {
                            Error::corrupt(what, format!("feature {i}: expected [lon, lat], found {position}"))
                        })?;
                        points.push(Bng::of(point));
                    }
                    if points.len() >= 3 {
                        rings.push((area, points));
                    }
                }
            }
        }
        let all = rings.iter().flat_map(|(_, r)| r.iter());
        let (mut min_e, mut min_n, mut max_e, mut max_n) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for p in all {
            (min_e, min_n, max_e, max_n) = (min_e.min(p.e), min_n.min(p.n), max_e.max(p.e), max_n.max(p.n));
        }
        if rings.is_empty() {
            return Err(Error::corrupt(what, "no polygon has three or more points"));
        }
        // Snap the frame to whole cells so that grids of one cell size line up with each other.
        let origin_e = (min_e / cell_m).floor() * cell_m;
        let origin_n = (min_n / cell_m).floor() * cell_m;
        let cols = ((max_e - origin_e) / cell_m).ceil() as u32;
        let rows = ((max_n - origin_n) / cell_m).ceil() as u32;

        // Scanline fill: where each edge crosses each row's centre line, per area.
        let mut crossings: Vec<Vec<(u16, f64)>> = vec![Vec::new(); rows as usize];
        for (area, ring) in &rings {
            for (k, p) in ring.iter().enumerate() {
                let q = ring[(k + 1) % ring.len()];
                let (lo, hi) = if p.n <= q.n { (*p, q) } else { (q, *p) };
                // Rows whose centre y satisfies lo.n <= y < hi.n (half-open, so a vertex on a
                // centre line is counted once).
                let first = ((lo.n - origin_n) / cell_m - 0.5).ceil().max(0.0) as u32;
                for row in first..rows {
                    let y = origin_n + (row as f64 + 0.5) * cell_m;
                    if y >= hi.n {
                        break;
                    }
                    let x = lo.e + (y - lo.n) / (hi.n - lo.n) * (hi.e - lo.e);
                    crossings[row as usize].push((*area, x));
                }
            }
        }
        let mut cells = Vec::new();
        let mut row_start = Vec::with_capacity(rows as usize + 1);
        for (row, mut xs) in crossings.into_iter().enumerate() {
            row_start.push(cells.len() as u32);
            xs.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
            let mut spans: Vec<(f64, f64, u16)> =
                xs.chunks_exact(2).filter(|pair| pair[0].0 == pair[1].0).map(|p| (p[0].1, p[1].1, p[0].0)).collect();
            spans.sort_by(|a, b| a.0.total_cmp(&b.0));
            let mut taken = vec![false; cols as usize];
            let mut row_cells = Vec::new();
            for (x0, x1, area) in spans {
                let c0 = ((x0 - origin_e) / cell_m - 0.5).ceil().max(0.0) as u32;
                for col in c0..cols {
                    let x = origin_e + (col as f64 + 0.5) * cell_m;
                    if x >= x1 {
                        break;
                    }
                    if !std::mem::replace(&mut taken[col as usize], true) {
                        row_cells.push((col, area));
                    }
                }
            }
            row_cells.sort_unstable();
            let y = origin_n + (row as f64 + 0.5) * cell_m;
            for (col, area) in row_cells {
                let x = origin_e + (col as f64 + 0.5) * cell_m;
                if let Some(centre) = bng_to_wgs84(x, y) {
                    cells.push(Cell { col, row: row as u32, centre, area });
                }
            }
        }
        row_start.push(cells.len() as u32);
        Ok(Grid { cell_m, origin_e, origin_n, cols, rows, cells, areas, row_start })
    }

    /// The cells of row `row`.
    pub fn row(&self, row: u32) -> &[Cell] {
        let (a, b) = (self.row_start[row as usize] as usize, self.row_start[row as usize + 1] as usize);
        &self.cells[a..b]
    }

    fn row_y(&self, row: u32) -> f64 {
        self.origin_n + (row as f64 + 0.5) * self.cell_m
    }

    fn col_x(&self, col: u32) -> f64 {
        self.origin_e + (col as f64 + 0.5) * self.cell_m
    }
}

/// A place where families live: a postcode sector or unit, weighted by the units it stands for.
#[derive(Clone, Debug, PartialEq)]
pub struct DemandPoint {
    /// `LS6 2` (a sector) or `LS6 2AA` (a unit).
    pub label: String,
    pub location: LatLon,
    pub la: Option<LaCode>,
    /// Postcode units this point stands for.
    pub units: u32,
}

impl DemandPoint {
    /// Reads `sector,lat,lon,la,units` CSV (a header line first; `la` may be empty), as
    /// written by [`DemandPoint::to_csv`].
    pub fn parse_csv(text: &str) -> Result<Vec<DemandPoint>> {
        let what = "postcode sectors";
        let mut points = Vec::new();
        for (i, line) in text.lines().enumerate().skip(1) {
            if line.trim().is_empty() {
                continue;
            }
            let bad =
                || Error::corrupt(what, format!("line {}: expected sector,lat,lon,la,units, found {line:?}", i + 1));
            let f: Vec<&str> = line.split(',').collect();
            if f.len() != 5 {
                return Err(bad());
            }
            let location =
                f[1].parse().ok().zip(f[2].parse().ok()).and_then(|(a, b)| LatLon::new(a, b)).ok_or_else(bad)?;
            let la = if f[3].is_empty() { None } else { Some(LaCode(f[3].parse().map_err(|_| bad())?)) };
            points.push(DemandPoint { label: f[0].to_string(), location, la, units: f[4].parse().map_err(|_| bad())? });
        }
        Ok(points)
    }

    /// The CSV [`DemandPoint::parse_csv`] reads (5 decimals: about a metre).
    pub fn to_csv(points: &[DemandPoint]) -> String {
        let mut out = String::from("sector,lat,lon,la,units\n");
        for p in points {
            let la = p.la.map(|l| l.0.to_string()).unwrap_or_default();
            out.push_str(&format!("{},{:.5},{:.5},{la},{}\n", p.label, p.location.lat, p.location.lon, p.units));
        }
        out
    }
}

/// One demand point per postcode sector of England: its centroid, its council and how many
/// units it holds, sorted by label.
pub fn sector_points(shards: &[crate::engine::postcode::PostcodeShard]) -> Vec<DemandPoint> {
    let mut points = Vec::new();
    for shard in shards {
        for district in shard.districts() {
            for sector in &district.sectors {
                let units = district.units.iter().filter(|u| u.inward.sector_digit() == sector.digit).count();
                points.push(DemandPoint {
                    label: format!("{} {}", district.outcode, sector.digit),
                    location: sector.centroid.location,
                    la: sector.centroid.la,
                    units: units as u32,
                });
            }
        }
    }
    points.sort_by(|a, b| a.label.cmp(&b.label));
    points
}

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

/// The same council (or England) for the table: a row per council.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct CouncilRow {
    /// DfE code; `null` for the England total.
    pub la: Option<u16>,
    pub name: String,
    pub gss: String,
    /// Suitable settings in the council, by kind code (kinds with none left out).
    pub settings_by_kind: BTreeMap<&'static str, u32>,
    /// Suitable settings in the council recording each need, by abbreviation.
    pub settings_by_need: BTreeMap<&'static str, u32>,
    /// Suitable settings in the council ([`Fit::Suitable`]).
    pub settings: u32,
    /// Settings in the council of the chosen kinds and age whose needs are not recorded
    /// ([`Fit::NeedsNotRecorded`]; none when no need is chosen), and by kind code. Not among
    /// `settings`; they count towards the distances when the filter includes them.
    pub needs_not_recorded: u32,
    pub needs_not_recorded_by_kind: BTreeMap<&'static str, u32>,
    /// Whether the distances count the settings of unknown need (the filter's choice).
    pub distances_include_needs_not_recorded: bool,
    /// Places at suitable settings with figures: capacity, on roll, how many settings, and the
    /// dates the figures describe (earliest and latest).
    pub capacity: u32,
    pub on_roll: u32,
    pub with_places: u32,
    pub places_from: Option<Date>,
    pub places_to: Option<Date>,
    /// Postcode units (from sectors) in the council, and the share within each of
    /// [`BANDS_MILES`] of a suitable setting.
    pub postcodes: u32,
    pub postcode_share: [f64; 4],
    /// Land cells of the grid and the share within each band.
    pub cells: u32,
    pub cell_share: [f64; 4],
    /// The farthest cell's distance in miles (`null` when no setting is suitable or no cells).
    pub max_miles: Option<f64>,
}

/// One demand point's answer (the per-sector CSV).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct PointRow {
    pub label: String,
    pub la: Option<u16>,
    pub units: u32,
    pub miles: Option<f64>,
    pub nearest_urn: Option<u32>,
    pub nearest_name: Option<String>,
    /// The nearest setting is of unknown need (counted because the filter includes them).
    pub nearest_needs_not_recorded: bool,
    /// The filter has an age and the nearest setting's age range is not recorded (kept,
    /// because missing data is not a "no", and said so: issue 11).
    pub nearest_ages_not_recorded: bool,
}

/// Rounds to 0.01 (what tables and CSV show), so that page and CLI agree to the digit.
fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn miles(m: f32) -> Option<f64> {
    m.is_finite().then(|| round2(m as f64 / METRES_PER_MILE))
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

    /// Ids of the suitable settings.
    pub fn suitable(&self, filter: &Suitability) -> Vec<u32> {
        (0..self.settings.len() as u32).filter(|&i| filter.admits(&self.settings[i as usize])).collect()
    }

    /// Distances for every cell and every demand point.
    pub fn distances(&self, filter: &Suitability) -> Distances {
        let suitable = self.suitable(filter);
        let strip = self.strip(&suitable);
        let (cell_m, cell_nearest) = self.sweep_grid(&suitable, &strip);
        let (point_m, point_nearest) = self.strip_search(&strip);
        Distances { suitable: suitable.len() as u32, cell_m, cell_nearest, point_m, point_nearest }
    }

    /// Distances for the grid's cells only (the benchmark times the two halves apart).
    pub fn cell_distances(&self, filter: &Suitability) -> (Vec<f32>, Vec<u32>) {
        let suitable = self.suitable(filter);
        self.sweep_grid(&suitable, &self.strip(&suitable))
    }

    /// Distances for the demand points only.
    pub fn point_distances(&self, filter: &Suitability) -> (Vec<f32>, Vec<u32>) {
        let suitable = self.suitable(filter);
        self.strip_search(&self.strip(&suitable))
    }

    /// The row sweep (see the module documentation). Each row looks only at settings within a
    /// band of northings: `reach` starts at the previous row's farthest answer plus two cells,
    /// and a row whose farthest answer is beyond its band is redone with the band widened to
    /// that answer (which then holds every setting that could beat it), so the band never
    /// changes a result.
    fn sweep_grid(&self, suitable: &[u32], strip: &LatStrip) -> (Vec<f32>, Vec<u32>) {
        let n_cells = self.grid.cells.len();
        let mut dist = vec![f32::INFINITY; n_cells];
        let mut nearest = vec![u32::MAX; n_cells];
        if suitable.is_empty() {
            return (dist, nearest);
        }
        // Settings by northing: (n, e, id).
        let mut by_n: Vec<(f64, f64, u32)> = suitable
            .iter()
            .map(|&i| {
                let b = self.sites[i as usize].bng;
                (b.n, b.e, i)
            })
            .collect();
        by_n.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.2.cmp(&b.2)));
        // The settings in the band, kept sorted by easting from row to row; reused buffers: the
        // band (e, h, id) and the envelope (band index, where it starts to win).
        let mut window = Window::default();
        let mut band: Vec<(f64, f64, u32)> = Vec::new();
        let mut hull: Vec<usize> = Vec::new();
        let mut from: Vec<f64> = Vec::new();
        let mut guess: Vec<(u32, f64)> = Vec::new();
        let (mut on_hull, mut rest, mut hull2, mut from2) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut reach = 4.0 * self.grid.cell_m;
        let mut offset = 0usize;
        for row in 0..self.grid.rows {
            let cells = self.grid.row(row);
            if cells.is_empty() {
                continue;
            }
            let y = self.grid.row_y(row);
            loop {
                let lo = by_n.partition_point(|s| s.0 < y - reach);
                let hi = by_n.partition_point(|s| s.0 <= y + reach);
                if lo == hi {
                    reach *= 2.0;
                    continue;
                }
                window.move_to(&by_n, lo, hi);
                band.clear();
                band.extend(window.by_e.iter().map(|&(e, id, k)| {
                    let n = by_n[k as usize].0;
                    (e, (y - n) * (y - n) + e * e, id)
                }));
                lower_envelope(&band, &mut hull, &mut from);
                // The envelope of the settings not on it: with the hull's neighbours, it gives
                // the second-nearest on the grid at every easting (see `certain` below).
                on_hull.clear();
                on_hull.resize(band.len(), false);
                for &k in &hull {
                    on_hull[k] = true;
                }
                rest.clear();
                rest.extend(band.iter().zip(&on_hull).filter(|(_, on)| !**on).map(|(b, _)| *b));
                lower_envelope(&rest, &mut hull2, &mut from2);
                guess.clear();
                let mut farthest2: f64 = 0.0;
                let (mut j, mut j2) = (0, 0);
                let at = |b: &(f64, f64, u32), x: f64| x * x - 2.0 * b.0 * x + b.1;
                for cell in cells {
                    let x = self.grid.col_x(cell.col);
                    while j + 1 < hull.len() && from[j + 1] <= x {
                        j += 1;
                    }
                    // (x − e)² + (y − n)² = x² − 2ex + h.
                    let d2 = at(&band[hull[j]], x);
                    farthest2 = farthest2.max(d2);
                    // Second nearest: a neighbour on the envelope (the parabolas are lines plus
                    // x², so no other hull member can be lower there), the other settings'
                    // envelope, or a setting outside the band (farther than `reach`).
                    let mut second2 = reach * reach;
                    if j > 0 {
                        second2 = second2.min(at(&band[hull[j - 1]], x));
                    }
                    if j + 1 < hull.len() {
                        second2 = second2.min(at(&band[hull[j + 1]], x));
                    }
                    if !hull2.is_empty() {
                        while j2 + 1 < hull2.len() && from2[j2 + 1] <= x {
                            j2 += 1;
                        }
                        second2 = second2.min(at(&rest[hull2[j2]], x));
                    }
                    guess.push((band[hull[j]].2, second2));
                }
                let farthest = farthest2.max(0.0).sqrt();
                let whole = lo == 0 && hi == by_n.len();
                if farthest <= reach || whole {
                    reach = farthest + 2.0 * self.grid.cell_m;
                    break;
                }
                reach = farthest * (1.0 + 1e-9) + 1.0;
            }
            for c in 0..cells.len() {
                // The sweep's answer is nearest on the National Grid. It is nearest on the sphere
                // too when every other setting is farther on the grid than GRID_OVER_SPHERE times
                // its distance on the sphere (no setting's grid distance exceeds its distance
                // on the sphere by that much); otherwise the strip finds the nearest on the
                // sphere (it only looks at settings that could beat the guess).
                let (first, second2) = guess[c];
                let (q, lat, lon) = self.cell_unit[offset + c];
                let k = strip.position[first as usize] as usize;
                let v = strip.xyz[k];
                let chord2 = (v[0] - q[0]).powi(2) + (v[1] - q[1]).powi(2) + (v[2] - q[2]).powi(2);
                let metres = chord2_to_angle(chord2) * MEAN_RADIUS_M;
                let certain = second2.sqrt() > GRID_OVER_SPHERE * metres + 1.0;
                let found = if certain { Some((first, chord2)) } else { strip.nearest_unit(q, lat, lon, Some(first)) };
                if let Some((id, chord2)) = found {
                    nearest[offset + c] = id;
                    dist[offset + c] = (chord2_to_angle(chord2) * MEAN_RADIUS_M) as f32;
                }
            }
            offset += cells.len();
        }
        (dist, nearest)
    }

    /// What a plain-JavaScript version of this algorithm needs, for the benchmark's comparison
    /// (`scripts/bench-coverage.mjs`): the grid's rows and cell centres, the suitable settings
    /// (National Grid and WGS84) and the demand points.
    pub fn plain_inputs(&self, filter: &Suitability) -> PlainInputs {
        let suitable = self.suitable(filter);
        let g = &self.grid;
        PlainInputs {
            cell_m: g.cell_m,
            origin_e: g.origin_e,
            origin_n: g.origin_n,
            rows: g.rows,
            row_start: g.row_start.clone(),
            cell_col: g.cells.iter().map(|c| c.col).collect(),
            cell_lat: g.cells.iter().map(|c| c.centre.lat).collect(),
            cell_lon: g.cells.iter().map(|c| c.centre.lon).collect(),
            site_id: suitable.clone(),
            site_e: suitable.iter().map(|&i| self.sites[i as usize].bng.e).collect(),
            site_n: suitable.iter().map(|&i| self.sites[i as usize].bng.n).collect(),
            site_lat: suitable.iter().map(|&i| self.sites[i as usize].location.lat).collect(),
            site_lon: suitable.iter().map(|&i| self.sites[i as usize].location.lon).collect(),
            point_lat: self.points.iter().map(|p| p.location.lat).collect(),
            point_lon: self.points.iter().map(|p| p.location.lon).collect(),
        }
    }

    /// Suitable settings in latitude bands, each sorted by longitude, as unit vectors (see
    /// [`LatStrip`]).
    fn strip(&self, suitable: &[u32]) -> LatStrip {
        LatStrip::new(suitable.iter().map(|&i| (i, self.sites[i as usize].location)), self.sites.len())
    }

    /// Exact nearest for every demand point (see [`LatStrip::nearest`]).
    fn strip_search(&self, strip: &LatStrip) -> (Vec<f32>, Vec<u32>) {
        let mut dist = vec![f32::INFINITY; self.points.len()];
        let mut nearest = vec![u32::MAX; self.points.len()];
        for (i, p) in self.points.iter().enumerate() {
            if let Some((id, chord2)) = strip.nearest(p.location, None) {
                nearest[i] = id;
                dist[i] = (chord2_to_angle(chord2) * MEAN_RADIUS_M) as f32;
            }
        }
        (dist, nearest)
    }

    /// A row per council (sorted by name), then the England total.
    pub fn council_table(&self, filter: &Suitability, d: &Distances) -> Vec<CouncilRow> {
        let mut by_la: BTreeMap<u16, CouncilRow> = self
            .authorities
            .iter()
            .map(|la| (la.code.0, CouncilRow::empty(Some(la.code.0), &la.name, &la.gss)))
            .collect();
        let mut england = CouncilRow::empty(None, "England", "E92000001");
        let mut cell_counts: BTreeMap<Option<u16>, [u32; 4]> = BTreeMap::new();
        let mut point_counts: BTreeMap<Option<u16>, [u32; 4]> = BTreeMap::new();
        for s in &self.settings {
            let fit = filter.fit(s);
            if fit == Fit::No {
                continue;
            }
            if let Some(row) = s.la.and_then(|la| by_la.get_mut(&la.0)) {
                row.add_setting(s, fit);
            }
            england.add_setting(s, fit);
        }
        for (i, cell) in self.grid.cells.iter().enumerate() {
            let la = self.cell_la(cell).map(|l| l.0);
            let miles = d.cell_m[i] as f64 / METRES_PER_MILE;
            for key in [la, None] {
                let row = match key {
                    Some(code) => by_la.get_mut(&code),
                    None => Some(&mut england),
                };
                if let Some(row) = row {
                    row.cells += 1;
                    if d.cell_m[i].is_finite() {
                        row.max_miles = Some(row.max_miles.map_or(miles, |m: f64| m.max(miles)));
                    }
                    let counts = cell_counts.entry(key).or_default();
                    for (b, band) in BANDS_MILES.iter().enumerate() {
                        counts[b] += u32::from(miles <= *band);
                    }
                }
                if la.is_none() {
                    break;
                }
            }
        }
        for (i, p) in self.points.iter().enumerate() {
            let la = p.la.map(|l| l.0);
            let miles = d.point_m[i] as f64 / METRES_PER_MILE;
            for key in [la, None] {
                let row = match key {
                    Some(code) => by_la.get_mut(&code),
                    None => Some(&mut england),
                };
                if let Some(row) = row {
                    row.postcodes += p.units;
                    let counts = point_counts.entry(key).or_default();
                    for (b, band) in BANDS_MILES.iter().enumerate() {
                        counts[b] += if miles <= *band { p.units } else { 0 };
                    }
                }
                if la.is_none() {
                    break;
                }
            }
        }
        let share = |n: u32, of: u32| if of == 0 { 0.0 } else { round2(100.0 * n as f64 / of as f64) };
        let mut rows: Vec<CouncilRow> = by_la.into_values().collect();
        rows.sort_by(|a, b| a.name.cmp(&b.name));
        rows.push(england);
        for row in &mut rows {
            let key = row.la;
            let cells = cell_counts.get(&key).copied().unwrap_or_default();
            let points = point_counts.get(&key).copied().unwrap_or_default();
            for b in 0..4 {
                row.cell_share[b] = share(cells[b], row.cells);
                row.postcode_share[b] = share(points[b], row.postcodes);
            }
            row.max_miles = row.max_miles.map(round2);
            row.distances_include_needs_not_recorded = filter.include_needs_not_recorded;
        }
        rows
    }

    /// Every demand point in a council (all when `la` is `None`), farthest first (ties by label),
    /// for the distances `d` of `filter`.
    pub fn point_rows(&self, filter: &Suitability, d: &Distances, la: Option<LaCode>) -> Vec<PointRow> {
        let mut rows: Vec<PointRow> = self
            .points
            .iter()
            .enumerate()
            .filter(|(_, p)| la.is_none() || p.la == la)
            .map(|(i, p)| {
                let nearest = self.settings.get(d.point_nearest[i] as usize);
                PointRow {
                    label: p.label.clone(),
                    la: p.la.map(|l| l.0),
                    units: p.units,
                    miles: miles(d.point_m[i]),
                    nearest_urn: nearest.map(|s| s.urn.0),
                    nearest_name: nearest.map(|s| s.name.clone()),
                    nearest_needs_not_recorded: nearest.is_some_and(|s| filter.fit(s) == Fit::NeedsNotRecorded),
                    nearest_ages_not_recorded: filter.age.is_some()
                        && nearest.is_some_and(|s| s.ages.is_none() && !s.enters_at_16()),
                }
            })
            .collect();
        rows.sort_by(|a, b| {
            b.miles.unwrap_or(f64::INFINITY).total_cmp(&a.miles.unwrap_or(f64::INFINITY)).then(a.label.cmp(&b.label))
        });
        rows
    }

    /// The grid's cells as one RGBA pixel per cell, north up (`cols` × `rows`), transparent
    /// off land or outside council `la`; colours by band ([`band_colour`]).
    pub fn grid_rgba(&self, d: &Distances, la: Option<LaCode>) -> Vec<u8> {
        let (w, h) = (self.grid.cols as usize, self.grid.rows as usize);
        let mut px = vec![0u8; w * h * 4];
        for (i, cell) in self.grid.cells.iter().enumerate() {
            if la.is_some() && self.cell_la(cell) != la {
                continue;
            }
            let at = ((h - 1 - cell.row as usize) * w + cell.col as usize) * 4;
            px[at..at + 4].copy_from_slice(&band_colour(d.cell_m[i]));
        }
        px
    }

    /// The heat map for a web map: `width` × `height` RGBA pixels covering `south..north`,
    /// `west..east` in Web Mercator (so an image overlay lines up with tiles and boundaries),
    /// each pixel the colour of the grid cell under its centre. Transparent off land or outside
    /// council `la`. The projection is evaluated every 8 pixels each way and interpolated between
    /// (the error is far below a pixel).
    pub fn overlay_rgba(&self, d: &Distances, la: Option<LaCode>, view: &View) -> Vec<u8> {
        let (w, h) = (view.width as usize, view.height as usize);
        let mut lookup = vec![u32::MAX; self.grid.cols as usize * self.grid.rows as usize];
        for (i, cell) in self.grid.cells.iter().enumerate() {
            if la.is_none() || self.cell_la(cell) == la {
                lookup[cell.row as usize * self.grid.cols as usize + cell.col as usize] = i as u32;
            }
        }
        let merc = |lat: f64| (std::f64::consts::FRAC_PI_4 + lat.to_radians() / 2.0).tan().ln();
        let (y_n, y_s) = (merc(view.north), merc(view.south));
        let lat_at = |py: f64| {
            let y = y_n + (y_s - y_n) * py / h as f64;
            (2.0 * y.exp().atan() - std::f64::consts::FRAC_PI_2).to_degrees()
        };
        let lon_at = |px: f64| view.west + (view.east - view.west) * px / w as f64;
        const STEP: usize = 8;
        let knots_x: Vec<usize> = (0..w).step_by(STEP).chain([w]).collect();
        let knots_y: Vec<usize> = (0..h).step_by(STEP).chain([h]).collect();
        // National Grid coordinates at every knot (x every STEP pixels, y every STEP rows).
        let at = |x: usize, y: usize| {
            LatLon::new(lat_at(y as f64 + 0.5), lon_at(x as f64 + 0.5))
                .map(Bng::of)
                .unwrap_or(Bng { e: f64::NAN, n: f64::NAN })
        };
        let knots: Vec<Vec<Bng>> = knots_y.iter().map(|&y| knots_x.iter().map(|&x| at(x, y)).collect()).collect();
        let mut px = vec![0u8; w * h * 4];
        for (ky, rows) in knots_y.windows(2).enumerate() {
            for py in rows[0]..rows[1].min(h) {
                let ty = (py - rows[0]) as f64 / (rows[1] - rows[0]) as f64;
                for (kx, cols) in knots_x.windows(2).enumerate() {
                    let lerp = |a: Bng, b: Bng, t: f64| Bng { e: a.e + (b.e - a.e) * t, n: a.n + (b.n - a.n) * t };
                    let left = lerp(knots[ky][kx], knots[ky + 1][kx], ty);
                    let right = lerp(knots[ky][kx + 1], knots[ky + 1][kx + 1], ty);
                    for x in cols[0]..cols[1].min(w) {
                        let p = lerp(left, right, (x - cols[0]) as f64 / (cols[1] - cols[0]) as f64);
                        let col = ((p.e - self.grid.origin_e) / self.grid.cell_m).floor();
                        let row = ((p.n - self.grid.origin_n) / self.grid.cell_m).floor();
                        if !(col >= 0.0 && row >= 0.0 && col < self.grid.cols as f64 && row < self.grid.rows as f64) {
                            continue;
                        }
                        let cell = lookup[row as usize * self.grid.cols as usize + col as usize];
                        if cell != u32::MAX {
                            let o = (py * w + x) * 4;
                            px[o..o + 4].copy_from_slice(&band_colour(d.cell_m[cell as usize]));
                        }
                    }
                }
            }
        }
        px
    }

    /// The bounding box (WGS84) of a council's cells, or of England.
    pub fn bounds(&self, la: Option<LaCode>) -> Option<View> {
        let mut view: Option<View> = None;
        let half = self.grid.cell_m / 2.0;
        for cell in self.grid.cells.iter().filter(|c| la.is_none() || self.cell_la(c) == la) {
            let (x, y) = (self.grid.col_x(cell.col), self.grid.row_y(cell.row));
            for (dx, dy) in [(-half, -half), (half, half), (-half, half), (half, -half)] {
                let Some(p) = bng_to_wgs84(x + dx, y + dy) else { continue };
                let v = view.get_or_insert(View {
                    south: p.lat,
                    west: p.lon,
                    north: p.lat,
                    east: p.lon,
                    width: 0,
                    height: 0,
                });
                (v.south, v.north, v.west, v.east) =
                    (v.south.min(p.lat), v.north.max(p.lat), v.west.min(p.lon), v.east.max(p.lon));
            }
        }
        view
    }
}

/// The settings of a band of northings (`by_n[lo..hi]`), sorted by easting then id, updated as
/// the sweep moves north: settings that leave or enter are removed or inserted in place, so a
/// row costs the settings that changed, not a sort of the whole band.
#[derive(Debug, Default)]
struct Window {
    /// (easting, id, index in `by_n`).
    by_e: Vec<(f64, u32, u32)>,
    lo: usize,
    hi: usize,
}

impl Window {
    fn key(a: &(f64, u32, u32), e: f64, id: u32) -> std::cmp::Ordering {
        a.0.total_cmp(&e).then(a.1.cmp(&id))
    }

    fn move_to(&mut self, by_n: &[(f64, f64, u32)], lo: usize, hi: usize) {
        let overlap = lo.max(self.lo) < hi.min(self.hi);
        let changes = self.lo.abs_diff(lo) + self.hi.abs_diff(hi);
        if !overlap || changes * 4 > self.by_e.len() + (hi - lo) {
            self.by_e.clear();
            self.by_e.extend((lo..hi).map(|k| (by_n[k].1, by_n[k].2, k as u32)));
            self.by_e.sort_by(|a, b| Self::key(a, b.0, b.1));
        } else {
            let leaving = (self.lo..lo.min(self.hi)).chain(hi.max(self.lo)..self.hi);
            for k in leaving {
                let (_, e, id) = by_n[k];
                if let Ok(at) = self.by_e.binary_search_by(|a| Self::key(a, e, id)) {
                    self.by_e.remove(at);
                }
            }
            let entering = (lo..self.lo.min(hi)).chain(self.hi.max(lo)..hi);
            for k in entering {
                let (_, e, id) = by_n[k];
                if let Err(at) = self.by_e.binary_search_by(|a| Self::key(a, e, id)) {
                    self.by_e.insert(at, (e, id, k as u32));
                }
            }
        }
        (self.lo, self.hi) = (lo, hi);
    }
}

/// The lower envelope of parabolas `x² − 2ex + h` for `band` sorted by `e` (then id): `hull`
/// gets the band indices on the envelope from west to east, `from[k]` the easting where
/// `hull[k]` starts to be lowest. Equal eastings keep the lower `h` (then the lower id).
fn lower_envelope(band: &[(f64, f64, u32)], hull: &mut Vec<usize>, from: &mut Vec<f64>) {
    hull.clear();
    from.clear();
    for (k, &(e, h, _)) in band.iter().enumerate() {
        loop {
            let Some(&top) = hull.last() else {
                hull.push(k);
                from.push(f64::NEG_INFINITY);
                break;
            };
            let (te, th, _) = band[top];
            if e == te {
                if h < th {
                    hull.pop();
                    from.pop();
                    continue;
                }
                break;
            }
            let x = (h - th) / (2.0 * (e - te));
            if x <= *from.last().unwrap_or(&f64::NEG_INFINITY) {
                hull.pop();
                from.pop();
                continue;
            }
            hull.push(k);
            from.push(x);
            break;
        }
    }
}

/// See [`CoverageEngine::plain_inputs`]. Parallel arrays.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlainInputs {
    pub cell_m: f64,
    pub origin_e: f64,
    pub origin_n: f64,
    pub rows: u32,
    pub row_start: Vec<u32>,
    pub cell_col: Vec<u32>,
    pub cell_lat: Vec<f64>,
    pub cell_lon: Vec<f64>,
    pub site_id: Vec<u32>,
    pub site_e: Vec<f64>,
    pub site_n: Vec<f64>,
    pub site_lat: Vec<f64>,
    pub site_lon: Vec<f64>,
    pub point_lat: Vec<f64>,
    pub point_lon: Vec<f64>,
}

/// Everything the dashboard shows for one filter and scope.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub suitable: u32,
    pub bands_miles: [f64; 4],
    /// The heat map's colours (RGBA), as [`BAND_COLOURS`], for the legend.
    pub band_colours: [[u8; 4]; 6],
    /// Every council, then England (the table and the CSV).
    pub councils: Vec<CouncilRow>,
    /// The scope's postcode sectors, farthest first.
    pub sectors: Vec<PointRow>,
    /// The scope's extent (for the map).
    pub bounds: Option<View>,
    /// [`council_csv`] of `councils`: the same bytes as the CLI writes.
    pub council_csv: String,
    pub sector_csv: String,
    /// Whether the distances count settings of unknown need (the filter's choice).
    pub include_needs_not_recorded: bool,
    /// The scope's postcode shares with the other choice (see [`OtherChoice`]).
    pub other_choice: Option<OtherChoice>,
}

/// The second figure beside the headline: how the scope's postcodes would fare had settings of
/// unknown need been counted (or left out, when they are counted).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct OtherChoice {
    pub include_needs_not_recorded: bool,
    /// Settings in England counting towards these distances.
    pub suitable: u32,
    /// The share of the scope's postcodes within each of [`BANDS_MILES`].
    pub postcode_share: [f64; 4],
}

impl CoverageEngine {
    /// Distances and the report for a filter, for one council (`la`) or England.
    pub fn report(&self, filter: &Filter, la: Option<LaCode>) -> Result<(Distances, Report)> {
        let suitability = filter.validate()?;
        if let Some(code) = la {
            if !self.authorities.iter().any(|a| a.code == code) {
                return Err(Error::invalid("la", format!("{code} is not a council in this dataset")));
            }
        }
        let d = self.distances(&suitability);
        let councils = self.council_table(&suitability, &d);
        let sectors = self.point_rows(&suitability, &d, la);
        let other_choice = self.other_choice(&suitability, &councils, la);
        let report = Report {
            suitable: d.suitable,
            bands_miles: BANDS_MILES,
            band_colours: BAND_COLOURS,
            council_csv: council_csv(&councils),
            sector_csv: point_csv(&sectors),
            councils,
            sectors,
            bounds: self.bounds(la),
            include_needs_not_recorded: suitability.include_needs_not_recorded,
            other_choice,
        };
        Ok((d, report))
    }

    /// The scope's postcode shares had the filter made the other choice about settings of
    /// unknown need; `None` when no setting in England is of unknown need for the filter.
    fn other_choice(&self, filter: &Suitability, councils: &[CouncilRow], la: Option<LaCode>) -> Option<OtherChoice> {
        if councils.last().is_none_or(|england| england.needs_not_recorded == 0) {
            return None;
        }
        let other = Suitability { include_needs_not_recorded: !filter.include_needs_not_recorded, ..*filter };
        let suitable = self.suitable(&other);
        let (point_m, _) = self.strip_search(&self.strip(&suitable));
        let (mut units, mut within) = (0u32, [0u32; 4]);
        for (p, m) in self.points.iter().zip(&point_m).filter(|(p, _)| la.is_none() || p.la == la) {
            units += p.units;
            let miles = *m as f64 / METRES_PER_MILE;
            for (b, band) in BANDS_MILES.iter().enumerate() {
                within[b] += if miles <= *band { p.units } else { 0 };
            }
        }
        let share = |n: u32| if units == 0 { 0.0 } else { round2(100.0 * n as f64 / units as f64) };
        Some(OtherChoice {
            include_needs_not_recorded: other.include_needs_not_recorded,
            suitable: suitable.len() as u32,
            postcode_share: within.map(share),
        })
    }
}

/// Settings in latitude bands, each band sorted by longitude, with their unit vectors: an exact
/// nearest-on-the-sphere search.
///
/// The chord between unit vectors orders points exactly as the great-circle distance does, and
/// two lower bounds prune the search without ever cutting off the answer: the great-circle
/// angle is at least the difference in latitude (so bands farther in latitude than the best
/// angle so far are skipped), and the squared chord is at least `cos²(query latitude) ×
/// sin²(difference in longitude)` (its part in the equatorial plane), so a scan outwards in
/// longitude within a band stops once that exceeds the best squared chord. A good first guess
/// (the row sweep's) keeps both short.
#[derive(Debug)]
struct LatStrip {
    ids: Vec<u32>,
    /// Where each setting id is in `ids` (`u32::MAX` when it is not suitable).
    position: Vec<u32>,
    /// Band height, radians of latitude (from the settings' density).
    band_rad: f64,
    /// The band index (latitude / `band_rad`, floored) of band 0.
    first_band: i64,
    /// `ids[band_start[b]..band_start[b + 1]]` are band `b`'s settings, west to east.
    band_start: Vec<u32>,
    /// Radians.
    lon: Vec<f64>,
    xyz: Vec<[f64; 3]>,
}

/// More than the most a distance on the National Grid can exceed the great-circle distance on
/// [`MEAN_RADIUS_M`]'s sphere between the same two points in England: the grid's scale factor is
/// at most 1.0007 there, and Airy's ellipsoid at English latitudes is at most 0.31% larger than
/// that sphere along any direction, so the ratio stays under 1.004 (a unit test samples 50,000
/// pairs: at most 1.00397; settings placed well outside England would need a larger bound).
/// The sweep's guess is taken
/// without a search only when the second-nearest on the grid is farther than this times the
/// guess's distance on the sphere.
const GRID_OVER_SPHERE: f64 = 1.01;

// The Earth's mean radius as `geo`'s haversine uses it (IUGG), so distances agree with
// `LatLon::distance_m`.
use crate::sphere::EARTH_RADIUS_M as MEAN_RADIUS_M;

/// The great-circle angle (radians) whose chord on the unit sphere has squared length `c2`:
/// `2 asin(c / 2)`. Below 600 km a four-term series replaces `asin` (its error is under 1e-10
/// of the angle), because wasm has no hardware `asin` and this runs once per cell.
fn chord2_to_angle(c2: f64) -> f64 {
    let x = c2.sqrt() / 2.0;
    if x < 0.05 {
        let x2 = x * x;
        2.0 * x * (1.0 + x2 * (1.0 / 6.0 + x2 * (3.0 / 40.0 + x2 * (5.0 / 112.0))))
    } else {
        2.0 * x.min(1.0).asin()
    }
}

use crate::sphere::unit;

impl LatStrip {
    /// Settings per band, on average: bands about as tall as the gaps between settings.
    const PER_BAND: f64 = 12.0;

    /// From settings (id below `id_count`, location).
    fn new(settings: impl Iterator<Item = (u32, LatLon)>, id_count: usize) -> LatStrip {
        let settings: Vec<(u32, LatLon)> = settings.collect();
        let (south, north) =
            settings.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(s, n), (_, p)| (s.min(p.lat), n.max(p.lat)));
        let span = (north - south).to_radians();
        // Between 1.3 km and 64 km of latitude.
        let band_rad =
            if span.is_finite() { (span * Self::PER_BAND / settings.len() as f64).clamp(0.0002, 0.01) } else { 0.01 };
        let band_of = |p: LatLon| (p.lat.to_radians() / band_rad).floor() as i64;
        let mut sites: Vec<(i64, u32, LatLon)> = settings.iter().map(|&(id, p)| (band_of(p), id, p)).collect();
        sites.sort_by(|a, b| a.0.cmp(&b.0).then(a.2.lon.total_cmp(&b.2.lon)).then(a.1.cmp(&b.1)));
        let first_band = sites.first().map_or(0, |s| s.0);
        let bands = sites.last().map_or(0, |s| (s.0 - first_band + 1) as usize);
        let mut band_start = vec![0u32; bands + 1];
        for s in &sites {
            band_start[(s.0 - first_band) as usize + 1] += 1;
        }
        for b in 0..bands {
            band_start[b + 1] += band_start[b];
        }
        let mut position = vec![u32::MAX; id_count];
        for (k, s) in sites.iter().enumerate() {
            if let Some(p) = position.get_mut(s.1 as usize) {
                *p = k as u32;
            }
        }
        LatStrip {
            ids: sites.iter().map(|s| s.1).collect(),
            position,
            band_rad,
            first_band,
            band_start,
            lon: sites.iter().map(|s| s.2.lon.to_radians()).collect(),
            xyz: sites.iter().map(|s| unit(s.2)).collect(),
        }
    }

    /// The nearest setting to `from` (ties to the lowest id), starting from `guess` if given;
    /// `None` when there are no settings.
    fn nearest(&self, from: LatLon, guess: Option<u32>) -> Option<(u32, f64)> {
        self.nearest_unit(unit(from), from.lat.to_radians(), from.lon.to_radians(), guess)
    }

    /// [`LatStrip::nearest`] from a unit vector and its latitude and longitude in radians
    /// (precomputed for grid cells).
    fn nearest_unit(&self, q: [f64; 3], lat: f64, lon: f64, guess: Option<u32>) -> Option<(u32, f64)> {
        let bands = self.band_start.len().saturating_sub(1);
        if bands == 0 {
            return None;
        }
        let chord2 = |v: &[f64; 3]| (v[0] - q[0]).powi(2) + (v[1] - q[1]).powi(2) + (v[2] - q[2]).powi(2);
        let mut best = Best { d2: f64::INFINITY, id: u32::MAX, angle: f64::INFINITY };
        if let Some(id) = guess {
            if let Some(&k) = self.position.get(id as usize).filter(|&&k| k != u32::MAX) {
                best.offer(chord2(&self.xyz[k as usize]), id);
            }
        }
        let cos2 = lat.cos().powi(2);
        // The squared chord is at least cos²(lat)·sin²(dl) for a longitude difference `dl` (see
        // above), and sin x ≥ x − x³/6 ≥ 0 for 0 ≤ x ≤ π/2: a bound without a sine per setting.
        let lower = |dl: f64| {
            let dl = dl.abs();
            if dl < std::f64::consts::FRAC_PI_2 {
                let s = dl - dl * dl * dl / 6.0;
                cos2 * s * s
            } else {
                cos2
            }
        };
        let scan_band = |b: usize, best: &mut Best| {
            let (start, end) = (self.band_start[b] as usize, self.band_start[b + 1] as usize);
            let lons = &self.lon[start..end];
            let split = start + lons.partition_point(|&l| l < lon);
            // Slack over the bound: rounding must never cut off a tie.
            let beyond = |k: usize, best: &Best| lower(self.lon[k] - lon) > best.d2 * (1.0 + 1e-9) + 1e-300;
            for k in split..end {
                if beyond(k, best) {
                    break;
                }
                best.offer(chord2(&self.xyz[k]), self.ids[k]);
            }
            for k in (start..split).rev() {
                if beyond(k, best) {
                    break;
                }
                best.offer(chord2(&self.xyz[k]), self.ids[k]);
            }
        };
        let own = ((lat / self.band_rad).floor() as i64 - self.first_band).clamp(0, bands as i64 - 1) as usize;
        let band_south = |b: usize| (self.first_band + b as i64) as f64 * self.band_rad;
        scan_band(own, &mut best);
        let (mut up, mut down) = (own + 1, own);
        loop {
            // Bands north and south, nearest first, while the latitude gap alone is within reach.
            let north = (up < bands).then(|| band_south(up) - lat).filter(|gap| *gap <= best.angle);
            let south = (down > 0).then(|| lat - band_south(down)).filter(|gap| *gap <= best.angle);
            match (north, south) {
                (None, None) => break,
                (Some(n), Some(s)) if n <= s => {
                    scan_band(up, &mut best);
                    up += 1;
                }
                (Some(_), None) => {
                    scan_band(up, &mut best);
                    up += 1;
                }
                _ => {
                    down -= 1;
                    scan_band(down, &mut best);
                }
            }
        }
        (best.id != u32::MAX).then_some((best.id, best.d2))
    }
}

/// The best candidate so far in a [`LatStrip`] search.
struct Best {
    d2: f64,
    id: u32,
    /// The great-circle angle of `d2`, with a little slack so that rounding never cuts off a tie.
    angle: f64,
}

impl Best {
    fn offer(&mut self, d2: f64, id: u32) {
        if d2 < self.d2 || (d2 == self.d2 && id < self.id) {
            (self.d2, self.id, self.angle) = (d2, id, chord2_to_angle(d2) + 1e-12);
        }
    }
}

/// A map view for [`CoverageEngine::overlay_rgba`]: WGS84 bounds and a size in pixels.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct View {
    pub south: f64,
    pub west: f64,
    pub north: f64,
    pub east: f64,
    pub width: u32,
    pub height: u32,
}

/// The heat map's colours, nearest band first, then "no suitable setting" (RGBA; a sequential
/// yellow-to-red scheme that stays distinct in greyscale and for colour-blind readers).
pub const BAND_COLOURS: [[u8; 4]; 6] = [
    [255, 255, 178, 200],
    [254, 204, 92, 200],
    [253, 141, 60, 210],
    [240, 59, 32, 220],
    [189, 0, 38, 230],
    [64, 0, 75, 230],
];

/// The colour of a distance in metres (bands of [`BANDS_MILES`], then beyond 20 miles, then none).
pub fn band_colour(distance_m: f32) -> [u8; 4] {
    if !distance_m.is_finite() {
        return BAND_COLOURS[5];
    }
    let miles = distance_m as f64 / METRES_PER_MILE;
    let band = BANDS_MILES.iter().position(|b| miles <= *b).unwrap_or(4);
    BAND_COLOURS[band]
}

impl CouncilRow {
    fn empty(la: Option<u16>, name: &str, gss: &str) -> CouncilRow {
        CouncilRow {
            la,
            name: name.to_string(),
            gss: gss.to_string(),
            settings_by_kind: BTreeMap::new(),
            settings_by_need: BTreeMap::new(),
            settings: 0,
            needs_not_recorded: 0,
            needs_not_recorded_by_kind: BTreeMap::new(),
            distances_include_needs_not_recorded: false,
            capacity: 0,
            on_roll: 0,
            with_places: 0,
            places_from: None,
            places_to: None,
            postcodes: 0,
            postcode_share: [0.0; 4],
            cells: 0,
            cell_share: [0.0; 4],
            max_miles: None,
        }
    }

    fn add_setting(&mut self, s: &Setting, fit: Fit) {
        if fit == Fit::NeedsNotRecorded {
            self.needs_not_recorded += 1;
            *self.needs_not_recorded_by_kind.entry(s.kind.code()).or_default() += 1;
            return;
        }
        self.settings += 1;
        *self.settings_by_kind.entry(s.kind.code()).or_default() += 1;
        for need in s.needs.unwrap_or_default().iter() {
            *self.settings_by_need.entry(need.abbr()).or_default() += 1;
        }
        if let Some(places) = s.places.filter(|p| p.capacity.is_some() || p.on_roll.is_some()) {
            self.with_places += 1;
            self.capacity += places.capacity.unwrap_or(0);
            self.on_roll += places.on_roll.unwrap_or(0);
            if let Some(date) = places.as_of {
                self.places_from = Some(self.places_from.map_or(date, |d| d.min(date)));
                self.places_to = Some(self.places_to.map_or(date, |d| d.max(date)));
            }
        }
    }
}

/// CSV of [`CouncilRow`]s (the page's "Download CSV" writes the same columns).
pub fn council_csv(rows: &[CouncilRow]) -> String {
    let mut out = String::from(
        "la,council,gss,suitable_settings,by_kind,by_need,needs_not_recorded,needs_not_recorded_by_kind,\
         distances_include_needs_not_recorded,capacity,on_roll,settings_with_places,places_from,places_to,\
         postcodes,postcodes_within_2mi_pct,postcodes_within_5mi_pct,postcodes_within_10mi_pct,postcodes_within_20mi_pct,\
         cells,cells_within_2mi_pct,cells_within_5mi_pct,cells_within_10mi_pct,cells_within_20mi_pct,farthest_cell_mi\n",
    );
    let map = |m: &BTreeMap<&str, u32>| m.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join("; ");
    let opt = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
    for r in rows {
        let fields: Vec<String> = [
            r.la.map(|l| format!("{l:03}")).unwrap_or_default(),
            quote(&r.name),
            r.gss.clone(),
            r.settings.to_string(),
            quote(&map(&r.settings_by_kind)),
            quote(&map(&r.settings_by_need)),
            r.needs_not_recorded.to_string(),
            quote(&map(&r.needs_not_recorded_by_kind)),
            (if r.distances_include_needs_not_recorded { "yes" } else { "no" }).to_string(),
            r.capacity.to_string(),
            r.on_roll.to_string(),
            r.with_places.to_string(),
            opt(r.places_from),
            opt(r.places_to),
            r.postcodes.to_string(),
        ]
        .into_iter()
        .chain(r.postcode_share.iter().map(|s| format!("{s:.2}")))
        .chain([r.cells.to_string()])
        .chain(r.cell_share.iter().map(|s| format!("{s:.2}")))
        .chain([r.max_miles.map(|m| format!("{m:.2}")).unwrap_or_default()])
        .collect();
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}

/// CSV of [`PointRow`]s.
pub fn point_csv(rows: &[PointRow]) -> String {
    let mut out = String::from(
        "sector,la,postcodes,nearest_mi,nearest_urn,nearest_name,nearest_needs_not_recorded,nearest_ages_not_recorded\n",
    );
    let yes_no = |nearest: Option<u32>, yes: bool| match (nearest, yes) {
        (None, _) => "",
        (Some(_), true) => "yes",
        (Some(_), false) => "no",
    };
    for r in rows {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{}\n",
            r.label,
            r.la.map(|l| format!("{l:03}")).unwrap_or_default(),
            r.units,
            r.miles.map(|m| format!("{m:.2}")).unwrap_or_default(),
            r.nearest_urn.map(|u| u.to_string()).unwrap_or_default(),
            quote(r.nearest_name.as_deref().unwrap_or("")),
            yes_no(r.nearest_urn, r.nearest_needs_not_recorded),
            yes_no(r.nearest_urn, r.nearest_ages_not_recorded),
        ));
    }
    out
}

/// Quotes a CSV field when it needs it, and neutralises a leading formula character.
fn quote(text: &str) -> String {
    let text = crate::build::import::neutralise_csv_cell(text);
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator of numbers in [0, 1), so every run tests the same points.
    fn xorshift(mut seed: u64) -> impl FnMut() -> f64 {
        move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    /// `GRID_OVER_SPHERE` bounds how much longer a National Grid distance can be than the
    /// great-circle one, for pairs of points anywhere in England's box (Scilly to Kent,
    /// Cornwall to Northumberland), near and far.
    #[test]
    fn grid_distances_never_exceed_the_sphere_by_grid_over_sphere() {
        let mut rnd = xorshift(0x2545_f491_4f6c_dd1d_u64);
        let mut worst: f64 = 0.0;
        for i in 0..50_000 {
            let a = LatLon { lat: 49.9 + rnd() * 6.0, lon: -6.4 + rnd() * 8.3 };
            // Half the pairs within 50 km, half anywhere.
            let spread = if i % 2 == 0 { 0.45 } else { 8.0 };
            let b = LatLon {
                lat: (a.lat + (rnd() - 0.5) * spread).clamp(49.9, 55.9),
                lon: (a.lon + (rnd() - 0.5) * spread * 1.6).clamp(-6.4, 1.9),
            };
            let sphere = a.distance_m(b);
            if sphere < 100.0 {
                continue;
            }
            let (pa, pb) = (Bng::of(a), Bng::of(b));
            let grid = ((pa.e - pb.e).powi(2) + (pa.n - pb.n).powi(2)).sqrt();
            worst = worst.max(grid / sphere);
        }
        assert!(worst > 1.0 && worst < 1.005, "grid/sphere up to {worst}");
        assert!(worst < GRID_OVER_SPHERE);
    }

    /// The banded strip finds exactly what a scan of every setting finds (squared chord and,
    /// on ties, the lowest id), with or without a guess, for queries inside and outside the
    /// settings' bands, with settings that share a location or a longitude.
    #[test]
    fn the_strip_is_exact_against_a_scan_of_every_setting() {
        let mut rnd = xorshift(0x9e37_79b9_7f4a_7c15_u64);
        for n in [1usize, 2, 7, 60, 600] {
            let mut sites: Vec<(u32, LatLon)> =
                (0..n).map(|i| (i as u32 * 3, LatLon { lat: 50.0 + rnd() * 5.7, lon: -5.7 + rnd() * 7.5 })).collect();
            // Twins (a school and its unit at one address) and settings on one meridian.
            for i in 0..n / 5 {
                let (_, p) = sites[i];
                sites.push((10_000 + i as u32, p));
                sites.push((20_000 + i as u32, LatLon { lat: 50.0 + rnd() * 5.7, lon: p.lon }));
            }
            let strip = LatStrip::new(sites.iter().copied(), 30_000);
            for q in 0..400 {
                // Some queries well outside England's box, some exactly on a setting.
                let from = match q % 4 {
                    0 => sites[q % sites.len()].1,
                    1 => LatLon { lat: 45.0 + rnd() * 16.0, lon: -12.0 + rnd() * 20.0 },
                    _ => LatLon { lat: 50.0 + rnd() * 5.7, lon: -5.7 + rnd() * 7.5 },
                };
                let qv = unit(from);
                let truth = sites
                    .iter()
                    .map(|&(id, p)| {
                        let v = unit(p);
                        ((v[0] - qv[0]).powi(2) + (v[1] - qv[1]).powi(2) + (v[2] - qv[2]).powi(2), id)
                    })
                    .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
                    .unwrap();
                let guess = sites[(q * 7) % sites.len()].0;
                for found in [strip.nearest(from, None), strip.nearest(from, Some(guess))] {
                    let (id, d2) = found.expect("a setting");
                    assert_eq!((d2, id), truth, "n={n}, query {q} at {from:?}");
                }
            }
        }
        assert_eq!(LatStrip::new(std::iter::empty(), 0).nearest(LatLon { lat: 53.8, lon: -1.5 }, None), None);
    }

    /// The envelope's pick at any easting is the lowest parabola there (the strip would hide a
    /// wrong pick as slowness, so it is pinned on its own).
    #[test]
    fn lower_envelope_picks_the_lowest_parabola_everywhere() {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        for _ in 0..50 {
            let y = next() * 100_000.0;
            let mut band: Vec<(f64, f64, u32)> = (0..40)
                .map(|id| {
                    // Eastings on a coarse lattice, so some are equal.
                    let (e, n) = ((next() * 20.0).floor() * 5_000.0, next() * 100_000.0);
                    (e, (y - n) * (y - n) + e * e, id)
                })
                .collect();
            band.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.2.cmp(&b.2)));
            let (mut hull, mut from) = (Vec::new(), Vec::new());
            lower_envelope(&band, &mut hull, &mut from);
            for step in 0..200 {
                let x = -10_000.0 + step as f64 * 600.0;
                let j = from.iter().rposition(|&f| f <= x).unwrap();
                let value = |b: &(f64, f64, u32)| x * x - 2.0 * b.0 * x + b.1;
                let best = band.iter().map(value).fold(f64::INFINITY, f64::min);
                assert!(value(&band[hull[j]]) <= best + 1e-3 * best.abs().max(1.0), "x = {x}");
            }
        }
    }
}
