//! The distances: the row sweep on the National Grid and the exact latitude-strip search on the sphere.

use super::*;

impl CoverageEngine {
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
    pub(super) fn strip(&self, suitable: &[u32]) -> LatStrip {
        LatStrip::new(suitable.iter().map(|&i| (i, self.sites[i as usize].location)), self.sites.len())
    }

    /// Exact nearest for every demand point (see [`LatStrip::nearest`]).
    pub(super) fn strip_search(&self, strip: &LatStrip) -> (Vec<f32>, Vec<u32>) {
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
pub(super) fn lower_envelope(band: &[(f64, f64, u32)], hull: &mut Vec<usize>, from: &mut Vec<f64>) {
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
pub(super) struct LatStrip {
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
pub(super) const GRID_OVER_SPHERE: f64 = 1.01;

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
    pub(super) fn new(settings: impl Iterator<Item = (u32, LatLon)>, id_count: usize) -> LatStrip {
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
    pub(super) fn nearest(&self, from: LatLon, guess: Option<u32>) -> Option<(u32, f64)> {
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
