//! The pictures: the grid as RGBA pixels (the PNG), the map overlay, its colours and bounds.

use super::*;

impl CoverageEngine {
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
