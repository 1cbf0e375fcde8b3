//! The demand points: the 1 km National Grid of council land cells ([`Grid`]) and postcode sectors ([`DemandPoint`]).

use super::*;

/// A point on the National Grid, metres.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Bng {
    pub(super) e: f64,
    pub(super) n: f64,
}

impl Bng {
    pub(super) fn of(point: LatLon) -> Bng {
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
    pub(super) row_start: Vec<u32>,
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

    pub(super) fn row_y(&self, row: u32) -> f64 {
        self.origin_n + (row as f64 + 0.5) * self.cell_m
    }

    pub(super) fn col_x(&self, col: u32) -> f64 {
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
