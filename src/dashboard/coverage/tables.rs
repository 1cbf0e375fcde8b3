//! The tables: per council and per demand point, the report the dashboard shows, and their CSV.

use super::*;

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
