//! The data officer's build, native only: source files → `www/data/` (the dataset file, the
//! postcode area shards and a report of every row left out). Used by `placement-finder
//! build-data`, the integration tests and the benchmark.

use crate::build::assemble::{assemble, facts_from_gias, Inputs, MergeReport, SourceFacts};
use crate::build::import::postcodes::BuiltPostcodes;
use crate::build::import::{self, ImportReport};
use crate::build::rebuild::{self, RebuildKit};
use crate::engine::dataset::Dataset;
use crate::error::{Error, Result};
use crate::limits::{self, MAX_INPUT_BYTES};
use crate::model::{Date, LaCode, LatLon, Source};
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Where the inputs are.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// Folder with the committed source files (`data/sources`).
    pub sources_dir: PathBuf,
    /// A full GIAS "all establishment data" CSV to use instead of the committed GIAS sources.
    pub gias: Option<PathBuf>,
    /// A council supplement CSV.
    pub supplement: Option<PathBuf>,
    /// Build the postcode shards too (slow part: 1.75M units).
    pub postcodes: bool,
    /// The build date written into the dataset.
    pub build_date: Date,
}

/// What a build produced, with every report.
#[derive(Debug)]
pub struct BuildOutput {
    pub dataset: Dataset,
    /// The postcode shards and their index, when built.
    pub postcodes: Option<BuiltPostcodes>,
    pub imports: Vec<ImportReport>,
    pub merge: MergeReport,
    /// What the page needs to rebuild the dataset from a council's own GIAS download.
    pub kit: RebuildKit,
}

/// Reads an input file, decompressing `.gz` and `.xz`. A file over [`MAX_INPUT_BYTES`] is
/// refused before it is read, and decompression stops at the cap (so a small archive that
/// expands without end fails fast too).
fn read(path: &Path) -> Result<Vec<u8>> {
    let shown = path.display().to_string();
    let io = |source| Error::Io { path: shown.clone(), source };
    let size = std::fs::metadata(path).map_err(io)?.len();
    limits::check_size(&shown, size, MAX_INPUT_BYTES, "MAX_INPUT_BYTES")?;
    let raw = std::fs::read(path).map_err(io)?;
    let name = path.to_string_lossy();
    let decompressed: Box<dyn Read + '_> = if name.ends_with(".gz") {
        Box::new(flate2::read::GzDecoder::new(&raw[..]))
    } else if name.ends_with(".xz") {
        Box::new(xz2::read::XzDecoder::new(&raw[..]))
    } else {
        return Ok(raw);
    };
    let mut out = Vec::new();
    decompressed.take(MAX_INPUT_BYTES + 1).read_to_end(&mut out).map_err(io)?;
    if out.len() as u64 > MAX_INPUT_BYTES {
        return Err(Error::TooLarge {
            what: format!("{shown}, decompressed,"),
            found: format!("more than {MAX_INPUT_BYTES} bytes"),
            limit: format!("{MAX_INPUT_BYTES} bytes"),
            cap: "MAX_INPUT_BYTES",
        });
    }
    Ok(out)
}

fn source(key: &str, title: &str, date: Option<Date>, report: &ImportReport) -> Source {
    Source { key: key.into(), title: title.into(), date, rows: report.rows_read as u32 }
}

/// Today's date in UTC (or `SOURCE_DATE_EPOCH`, for reproducible builds).
pub fn today() -> Date {
    let secs = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.parse::<i64>().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
    });
    civil_from_days(secs.div_euclid(86_400))
}

/// Days since 1970-01-01 → calendar date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> Date {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
    Date { year, month, day }
}

/// Runs the whole build in memory.
pub fn build(opts: &BuildOptions) -> Result<BuildOutput> {
    let dir = &opts.sources_dir;
    let la = import::la::read_la_lookup(&read(&dir.join("dfe_la_code_to_gss_ctyua_derived.csv"))?)?;
    let mut imports = Vec::new();

    // Postcodes first: they also tell which council an establishment is in when no source does.
    let postcodes = if opts.postcodes {
        let file = "codepoint_open_units_gb_2025-10.csv.xz";
        let units = read(&dir.join(file))?;
        let (built, report) = import::postcodes::build_postcode_shards(&units[..], file, "2025-10", &la)?;
        imports.push(report);
        Some(built)
    } else {
        None
    };
    let la_grid = LaGrid::new(postcodes.as_ref().map(|p| &p.shards[..]).unwrap_or(&[]));

    let d = |y, m, day| Date::new(y, m, day);
    let mut sources = Vec::new();
    // A full GIAS download: its records, and where its report is in `imports`.
    let mut gias_records = None;
    if let Some(gias) = &opts.gias {
        let name = gias.display().to_string();
        let (records, report) = import::gias::read_gias(&name, &read(gias)?)?;
        gias_records = Some((records, imports.len()));
        imports.push(report);
    } else {
        let by_name = import::sources::la_name_lookup(&la.authorities);
        let la_by_name = |n: &str| by_name.get(&import::sources::match_key(n)).copied();
        let file = "special_schools_sen_types_england_2026-05.csv.gz";
        let (facts, report) = import::sources::read_special_schools(file, &read(&dir.join(file))?, &la_by_name)?;
        sources.push(SourceFacts {
            source: source(
                "special-2026-05",
                "Open special schools in England with SEN types (GIAS, 12 May 2026)",
                d(2026, 5, 12),
                &report,
            ),
            lists_open: true,
            facts,
        });
        imports.push(report);

        let file = "open_establishments_urn_coords_2026-01-30.csv.gz";
        let (facts, report) = import::sources::read_national_open(file, &read(&dir.join(file))?)?;
        sources.push(SourceFacts {
            source: source(
                "national-2026-01",
                "Open establishments in England with coordinates (GIAS, 30 January 2026)",
                d(2026, 1, 30),
                &report,
            ),
            lists_open: true,
            facts,
        });
        imports.push(report);

        let file = "dfe_sap_establishments.json.gz";
        let (facts, report) = import::sources::read_school_profiles(file, &read(&dir.join(file))?)?;
        sources.push(SourceFacts {
            source: source(
                "school-profiles-2026",
                "DfE School Profiles sample of 1,924 mainstream schools (GIAS, 2026)",
                d(2026, 8, 6),
                &report,
            ),
            lists_open: true,
            facts,
        });
        imports.push(report);

        let file = "academies_mat_membership_2025-09.csv.gz";
        let (facts, report) = import::sources::read_academies(file, &read(&dir.join(file))?)?;
        sources.push(SourceFacts {
            source: source(
                "academies-2025-09",
                "Academies and trust membership (GIAS, September 2025)",
                d(2025, 9, 1),
                &report,
            ),
            lists_open: false,
            facts,
        });
        imports.push(report);

        let file = "london_schools_gias.csv.gz";
        let (facts, report) = import::sources::read_london(file, &read(&dir.join(file))?)?;
        sources.push(SourceFacts {
            source: source(
                "london-2025",
                "Open establishments in London's 33 councils (GIAS, late 2025)",
                d(2025, 12, 2),
                &report,
            ),
            lists_open: false,
            facts,
        });
        imports.push(report);

        let file = "trafford_schools.csv.gz";
        let (facts, report) = import::sources::read_trafford(file, &read(&dir.join(file))?)?;
        sources.push(SourceFacts {
            source: source(
                "trafford-2024",
                "Trafford's open establishments (GIAS, January 2024)",
                d(2024, 1, 18),
                &report,
            ),
            lists_open: false,
            facts,
        });
        imports.push(report);

        let file = "edubase-leeds_2023-07.csv.gz";
        let (records, report) = import::gias::read_gias(file, &read(&dir.join(file))?)?;
        sources.push(SourceFacts {
            source: source(
                "gias-leeds-2023-07",
                "Full GIAS extract for Leeds, incl. SEN types and unit places (July 2023)",
                d(2023, 7, 3),
                &report,
            ),
            lists_open: false,
            facts: records.iter().map(facts_from_gias).collect(),
        });
        imports.push(report);
    }

    let mut section41 = Vec::new();
    for (file, approved) in
        [("s41_approved_2022-03.csv.gz", true), ("independent_special_not_s41_2022-03.csv.gz", false)]
    {
        let (entries, report) = import::sources::read_section41(file, &read(&dir.join(file))?, approved)?;
        section41.extend(entries);
        imports.push(report);
    }

    let kit = RebuildKit { version: RebuildKit::VERSION, authorities: la.authorities, section41 };
    let la_at = |p: LatLon| la_grid.la_at(p);
    let (mut dataset, merge) = match &gias_records {
        // The same merge as the dashboard's in-browser rebuild (src/build/rebuild.rs), with the
        // postcode units to place rows that name no council.
        Some((records, at)) => rebuild::dataset_from_gias(records, &imports[*at], &kit, &la_at, opts.build_date),
        None => {
            let data_version =
                rebuild::data_version(opts.build_date, &sources.iter().map(|s| s.source.clone()).collect::<Vec<_>>());
            assemble(Inputs {
                sources,
                section41: kit.section41.clone(),
                authorities: kit.authorities.clone(),
                la_at: &la_at,
                build_date: opts.build_date,
                data_version,
            })
        }
    };

    if let Some(path) = &opts.supplement {
        let name = path.display().to_string();
        let (rows, report) = import::council::read_supplement(&name, &read(path)?)?;
        imports.push(rebuild::add_supplement(&mut dataset, &name, &rows, report, opts.build_date));
    }
    Ok(BuildOutput { dataset, postcodes, imports, merge, kit })
}

/// Writes the dataset, shards, manifest and the rows-left-out report into `out_dir`.
pub fn write(output: &BuildOutput, out_dir: &Path) -> Result<Vec<(PathBuf, usize)>> {
    let io = |path: &Path| {
        let p = path.display().to_string();
        move |source| Error::Io { path: p, source }
    };
    let mut written = Vec::new();
    std::fs::create_dir_all(out_dir).map_err(io(out_dir))?;
    let bytes = output.dataset.encode();
    let path = out_dir.join("dataset.bin");
    std::fs::write(&path, &bytes).map_err(io(&path))?;
    written.push((path, bytes.len()));
    if let Some(built) = &output.postcodes {
        for file in import::postcodes::write_postcode_dir(&out_dir.join("postcodes"), built)? {
            written.push((out_dir.join("postcodes").join(file.name), file.bytes));
        }
    }
    // The page's split data, for the postcode areas built now or already in `out_dir`.
    let read_shards;
    let shards = match &output.postcodes {
        Some(built) => &built.shards[..],
        None => {
            read_shards = read_shard_dir(&out_dir.join("postcodes"))?;
            &read_shards[..]
        }
    };
    written.extend(write_finder_files(&output.dataset, shards, out_dir)?);
    let path = out_dir.join("rebuild-kit.json");
    let kit = output.kit.to_json();
    std::fs::write(&path, &kit).map_err(io(&path))?;
    written.push((path, kit.len()));
    let path = out_dir.join("build-report.csv");
    let csv = report_csv(&output.imports, &output.merge);
    std::fs::write(&path, &csv).map_err(io(&path))?;
    written.push((path, csv.len()));
    Ok(written)
}

pub use crate::build::rebuild::report_csv;

/// Writes the page's split copy of `dataset` into `out_dir/finder/` (`core.bin`,
/// `details/<AREA>.bin` for each shard's area, `details/all.bin`), replacing any details there.
pub fn write_finder_files(
    dataset: &Dataset,
    shards: &[crate::engine::postcode::PostcodeShard],
    out_dir: &Path,
) -> Result<Vec<(PathBuf, usize)>> {
    let io = |path: &Path| {
        let p = path.display().to_string();
        move |source| Error::Io { path: p, source }
    };
    let mut written = Vec::new();
    let (core, details) = crate::build::finder_files::finder_files(dataset, shards);
    let dir = out_dir.join("finder").join("details");
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(io(&dir))?;
    }
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let path = out_dir.join("finder").join("core.bin");
    std::fs::write(&path, &core).map_err(io(&path))?;
    written.push((path, core.len()));
    for (name, bytes) in details {
        let path = dir.join(name);
        std::fs::write(&path, &bytes).map_err(io(&path))?;
        written.push((path, bytes.len()));
    }
    Ok(written)
}

/// The postcode shards already in `dir` (none if it does not exist).
pub fn read_shard_dir(dir: &Path) -> Result<Vec<crate::engine::postcode::PostcodeShard>> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Ok(Vec::new()) };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "bin"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p).map_err(|source| Error::Io { path: p.display().to_string(), source })?;
            crate::engine::postcode::PostcodeShard::decode(&bytes)
        })
        .collect()
}

/// Which council a point is in, from the nearest England postcode unit within 2 km
/// (a 0.02° grid of units; exact enough for an establishment's own address).
struct LaGrid {
    cells: HashMap<(i32, i32), Vec<(LatLon, LaCode)>>,
}

impl LaGrid {
    const CELL_DEG: f64 = 0.02;

    fn new(shards: &[crate::engine::postcode::PostcodeShard]) -> LaGrid {
        let mut cells: HashMap<(i32, i32), Vec<(LatLon, LaCode)>> = HashMap::new();
        for unit in shards.iter().flat_map(|s| s.districts()).flat_map(|d| &d.units) {
            if let Some(la) = unit.la {
                cells.entry(Self::cell(unit.location)).or_default().push((unit.location, la));
            }
        }
        LaGrid { cells }
    }

    fn cell(p: LatLon) -> (i32, i32) {
        ((p.lat / Self::CELL_DEG).floor() as i32, (p.lon / Self::CELL_DEG).floor() as i32)
    }

    fn la_at(&self, p: LatLon) -> Option<LaCode> {
        let (cy, cx) = Self::cell(p);
        let mut best: Option<(f64, LaCode)> = None;
        for dy in -1..=1 {
            for dx in -1..=1 {
                for (q, la) in self.cells.get(&(cy + dy, cx + dx)).into_iter().flatten() {
                    let d = p.distance_m(*q);
                    if d <= 2_000.0 && best.is_none_or(|(bd, _)| d < bd) {
                        best = Some((d, *la));
                    }
                }
            }
        }
        best.map(|(_, la)| la)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), Date::new(1970, 1, 1).unwrap());
        assert_eq!(civil_from_days(20_414), Date::new(2025, 11, 22).unwrap());
        assert_eq!(civil_from_days(19_782), Date::new(2024, 2, 29).unwrap());
    }
}
