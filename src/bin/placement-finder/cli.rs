//! The command line itself (native only).

use clap::{Args, Parser, Subcommand, ValueEnum};
use placement_finder::build::import::neutralise_csv_cell;
use placement_finder::build::pipeline::{self, BuildOptions};
use placement_finder::dashboard::coverage::{self, DemandPoint};
use placement_finder::engine::dataset::Dataset;
use placement_finder::engine::finder::Finder;
use placement_finder::engine::postcode::{self, AreaIndex, PostcodeShard};
use placement_finder::engine::rank::{Query, ReasonCode, ShortList};
use placement_finder::model::{AgeBasis, LaCode};
use placement_finder::{
    AgeRange, Date, Error, Gender, Need, Postcode, PostcodeFix, PostcodePrecision, ProvisionKind, Urn,
};
use serde_json::Value;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser)]
#[command(
    name = "placement-finder",
    version,
    about = "Find and explain suitable SEND placements in England, from open DfE data"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the dataset and postcode shards the page loads (into www/data/ by default).
    BuildData {
        /// Folder of committed source files.
        #[arg(long, default_value = "data/sources")]
        sources: PathBuf,
        /// A full GIAS "all establishment data" CSV (the monthly DfE download) to use instead
        /// of the committed GIAS extracts.
        #[arg(long)]
        gias: Option<PathBuf>,
        /// A council supplement CSV (see README "Council supplement").
        #[arg(long)]
        supplement: Option<PathBuf>,
        /// Output folder.
        #[arg(long, default_value = "www/data")]
        out: PathBuf,
        /// Skip the postcode shards (faster; the page then cannot look up postcodes).
        #[arg(long)]
        no_postcodes: bool,
    },
    /// Say what a dataset holds: counts by kind, SEN type, places, ages, council; source dates.
    Inspect {
        /// The dataset file.
        #[arg(default_value = "www/data/dataset.bin")]
        dataset: PathBuf,
        /// Also list every council.
        #[arg(long)]
        by_council: bool,
        /// JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// The tailored list for a child: suitable settings ranked and explained, and near misses.
    Shortlist {
        #[command(flatten)]
        query: QueryArgs,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Write the postcode sectors of England (centroid, council, units) as CSV: the demand points
    /// the coverage dashboard weighs (from the postcode shards).
    Sectors {
        /// The folder of postcode shards.
        #[arg(long, default_value = "www/data/postcodes")]
        postcodes: PathBuf,
        /// Output CSV.
        #[arg(long, default_value = "www/data/sectors.csv")]
        out: PathBuf,
    },
    /// Where provision is missing: the distance from every postcode sector and every 1 km cell
    /// to the nearest suitable setting; CSV per council (stdout or --out) and per sector, PNG grid.
    Coverage {
        /// Needs (comma-separated: ASD,SLCN,...); specialist settings must record one. Those that
        /// record no needs at all are counted apart, as of unknown need.
        #[arg(long, value_delimiter = ',')]
        needs: Vec<String>,
        /// Kinds of setting (comma-separated codes: special,senUnit,...); all when absent.
        #[arg(long, value_delimiter = ',')]
        kinds: Vec<String>,
        /// The child's age (settings whose age range excludes it are not suitable).
        #[arg(long)]
        age: Option<u8>,
        /// Count specialist settings of unknown need (no needs recorded) towards the distances.
        #[arg(long)]
        include_needs_not_recorded: bool,
        /// A council's DfE code (e.g. 383): its sectors and cells only in --sectors-out / --png.
        #[arg(long)]
        la: Option<u16>,
        /// The council table as CSV (stdout when absent).
        #[arg(long)]
        out: Option<PathBuf>,
        /// The per-sector CSV, farthest first.
        #[arg(long)]
        sectors_out: Option<PathBuf>,
        /// The grid as a PNG (one pixel per cell, north up, National Grid; colours as the page's legend).
        #[arg(long)]
        png: Option<PathBuf>,
        /// Cell size in metres.
        #[arg(long, default_value_t = 1000.0)]
        cell_m: f64,
        #[arg(long, default_value = "www/data/dataset.bin")]
        dataset: PathBuf,
        /// Council boundaries (GeoJSON, WGS84).
        #[arg(long, default_value = "www/data/boundaries.geojson")]
        boundaries: PathBuf,
        /// Postcode sectors CSV (from `placement-finder sectors`).
        #[arg(long, default_value = "www/data/sectors.csv")]
        sectors: PathBuf,
    },
    /// Why one establishment (by URN) is, or is not, on the list for the same query.
    Explain {
        /// The establishment's URN.
        #[arg(long)]
        urn: u32,
        #[command(flatten)]
        query: QueryArgs,
        /// JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Json,
    Csv,
    Table,
}

/// The child and the search, as a SENCo would give them.
#[derive(Args)]
struct QueryArgs {
    /// Home postcode (looked up offline: the area index, then the area's shard). One not in the
    /// postcode list uses the centre of its sector or district: a warning on stderr, and
    /// `home.approximate` in the JSON. One outside England is an error naming the nation.
    #[arg(long, conflicts_with_all = ["lat", "lon"])]
    postcode: Option<String>,
    /// Home latitude (WGS84), with --lon.
    #[arg(long, requires = "lon", allow_negative_numbers = true)]
    lat: Option<f64>,
    /// Home longitude (WGS84), with --lat.
    #[arg(long, requires = "lat", allow_negative_numbers = true)]
    lon: Option<f64>,
    /// Age at the intended start (on the 31 August before that school year).
    #[arg(long, conflicts_with = "date_of_birth")]
    age: Option<i64>,
    /// Date of birth (YYYY-MM-DD), with --start.
    #[arg(long, requires = "start")]
    date_of_birth: Option<String>,
    /// Intended start date (YYYY-MM-DD), usually the next 1 September.
    #[arg(long)]
    start: Option<String>,
    /// For a child taught out of year group: the age to match settings on.
    #[arg(long)]
    taught_as_age: Option<u8>,
    /// Primary need from the EHC plan (ASD, SLCN, SEMH, MLD, SLD, PMLD, SpLD, HI, VI, MSI, PD, OTH).
    #[arg(long)]
    need: String,
    /// Another need from the plan (repeatable).
    #[arg(long = "also")]
    also: Vec<String>,
    /// Level of need, as the policy pack names it (e.g. universal, targeted, specialist, complex).
    #[arg(long)]
    level: String,
    /// Kinds of setting to consider instead of the level's (comma-separated codes).
    #[arg(long, value_delimiter = ',')]
    kinds: Option<Vec<String>>,
    /// Search radius in miles (default: the level's).
    #[arg(long, allow_negative_numbers = true)]
    radius_miles: Option<f64>,
    /// How many results.
    #[arg(long, default_value_t = 20)]
    limit: u32,
    /// The child's sex, for gender of entry (boys, girls).
    #[arg(long)]
    child_sex: Option<String>,
    /// Preferred gender of entry (boys, girls, mixed).
    #[arg(long)]
    single_sex: Option<String>,
    /// Preferred religious character (e.g. "Roman Catholic", or "none").
    #[arg(long)]
    religious_character: Option<String>,
    /// Prefer boarding (true) or not (false).
    #[arg(long)]
    boarding: Option<bool>,
    /// Include independent and non-maintained special schools.
    #[arg(long)]
    include_independent: bool,
    /// Only settings in the home council.
    #[arg(long)]
    same_la_only: bool,
    /// A council's policy pack (JSON) instead of the illustrative default.
    #[arg(long)]
    policy: Option<PathBuf>,
    /// The dataset file.
    #[arg(long, default_value = "www/data/dataset.bin")]
    dataset: PathBuf,
    /// The folder of postcode shards.
    #[arg(long, default_value = "www/data/postcodes")]
    postcodes: PathBuf,
}

fn read_file(path: &std::path::Path) -> placement_finder::Result<Vec<u8>> {
    std::fs::read(path).map_err(|source| Error::Io { path: path.display().to_string(), source })
}

fn parse_need(text: &str) -> placement_finder::Result<Need> {
    Need::parse(text).ok_or_else(|| {
        Error::invalid(
            "need",
            format!("{text:?} is not an SEN type; use one of {}", Need::ALL.map(|n| n.abbr()).join(", ")),
        )
    })
}

fn parse_gender(field: &str, text: &str) -> placement_finder::Result<Gender> {
    match text.to_ascii_lowercase().as_str() {
        "boys" | "boy" | "male" | "m" => Ok(Gender::Boys),
        "girls" | "girl" | "female" | "f" => Ok(Gender::Girls),
        "mixed" => Ok(Gender::Mixed),
        _ => Err(Error::invalid(field, format!("{text:?}: use boys, girls or mixed"))),
    }
}

impl QueryArgs {
    /// Loads the finder and turns the arguments into a validated query.
    fn load(&self) -> placement_finder::Result<(Finder, Query, HomeBasis)> {
        // Cheap checks first, so a typo is reported before any file is read.
        let primary_need = parse_need(&self.need)?;
        let other_needs = self.also.iter().map(|n| parse_need(n)).collect::<placement_finder::Result<Vec<_>>>()?;
        let kinds = self
            .kinds
            .as_ref()
            .map(|ks| {
                ks.iter()
                    .map(|k| {
                        ProvisionKind::parse(k).ok_or_else(|| {
                            Error::invalid(
                                "kinds",
                                format!(
                                    "{k:?} is not a kind of setting; use {}",
                                    ProvisionKind::ALL.map(|k| k.code()).join(", ")
                                ),
                            )
                        })
                    })
                    .collect::<placement_finder::Result<Vec<_>>>()
            })
            .transpose()?;
        if let Some(r) = self.radius_miles {
            if !(r.is_finite() && r > 0.0) {
                return Err(Error::invalid("radius", format!("must be a positive number of miles, found {r}")));
            }
        }
        let age = match self.age {
            Some(a) if !(2..=25).contains(&a) => {
                return Err(Error::invalid("age", format!("must be 2 to 25 at the start date, found {a}")))
            }
            Some(a) => Some(a as u8),
            None => None,
        };
        let date = |field: &str, text: &Option<String>| {
            text.as_deref()
                .map(|t| {
                    Date::parse(t).ok_or_else(|| Error::invalid(field, format!("{t:?} is not a date (YYYY-MM-DD)")))
                })
                .transpose()
        };
        let (date_of_birth, start_date) = (date("date-of-birth", &self.date_of_birth)?, date("start", &self.start)?);
        if age.is_none() && date_of_birth.is_none() {
            return Err(Error::invalid("age", "give --age, or --date-of-birth with --start"));
        }
        let (home, home_la, basis) = match (&self.postcode, self.lat, self.lon) {
            (Some(pc), _, _) => {
                let fix = self.place_postcode(pc)?;
                let note = postcode::approximation(&fix);
                if let Some(note) = &note {
                    eprintln!("warning: {note}");
                }
                let basis = HomeBasis {
                    postcode: Some(fix.postcode.to_string()),
                    basis: fix.precision.into(),
                    approximate: note.is_some(),
                    note,
                };
                (fix.location, fix.la, basis)
            }
            (None, Some(lat), Some(lon)) => (Finder::home_at(lat, lon)?, None, HomeBasis::point()),
            _ => return Err(Error::invalid("home", "give --postcode, or --lat and --lon")),
        };
        let policy = self.policy.as_ref().map(|p| read_file(p)).transpose()?;
        let policy = policy.map(|b| String::from_utf8_lossy(&b).into_owned());
        let finder = Finder::from_bytes(&read_file(&self.dataset)?, policy.as_deref())?;
        let mut q = Query::new(home, age.unwrap_or(0), primary_need, self.level.clone());
        q.age = age;
        q.date_of_birth = date_of_birth;
        q.start_date = start_date;
        q.home_la = home_la;
        q.taught_out_of_year_group = self.taught_as_age;
        q.other_needs = other_needs;
        q.kinds = kinds;
        q.radius_miles = self.radius_miles;
        q.limit = self.limit;
        q.child_sex = self.child_sex.as_deref().map(|g| parse_gender("child-sex", g)).transpose()?;
        q.single_sex = self.single_sex.as_deref().map(|g| parse_gender("single-sex", g)).transpose()?;
        q.religious_character = self.religious_character.clone();
        q.boarding = self.boarding;
        q.include_independent = self.include_independent;
        q.same_la_only = self.same_la_only;
        Ok((finder, q, basis))
    }

    /// The home postcode, placed as the page places it ([`postcode::place_postcode`]): the area
    /// index, then the area's shard. A folder without an index (shards made by hand) is read
    /// shard first.
    fn place_postcode(&self, text: &str) -> placement_finder::Result<PostcodeFix> {
        let pc = Postcode::parse(text)?;
        let read_shard = |name: &str| {
            read_file(&self.postcodes.join(name)).map_err(|_| Error::UnknownPostcode { postcode: pc.to_string() })
        };
        let index_path = self.postcodes.join(postcode::AREA_INDEX_FILE_NAME);
        match std::fs::read(&index_path) {
            Ok(bytes) => postcode::place_postcode(&AreaIndex::from_json(&bytes)?, &pc, read_shard),
            Err(_) => Finder::lookup_postcode(&read_shard(&postcode::shard_file_name(pc.area()))?, text),
        }
    }
}

/// How the home was placed, for the JSON output's `home` field: `basis` is `unit` for a postcode
/// found as it is, `sector` or `outcode` when only the centre of its sector or district could be
/// used (`approximate`, with the `note` also printed on stderr as a warning), `point` for
/// --lat/--lon.
#[derive(Clone, Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct HomeBasis {
    postcode: Option<String>,
    basis: Basis,
    approximate: bool,
    note: Option<String>,
}

#[derive(Clone, Copy, Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
enum Basis {
    Unit,
    Sector,
    Outcode,
    Point,
}

impl From<PostcodePrecision> for Basis {
    fn from(p: PostcodePrecision) -> Basis {
        match p {
            PostcodePrecision::Unit => Basis::Unit,
            PostcodePrecision::Sector => Basis::Sector,
            PostcodePrecision::Outcode => Basis::Outcode,
        }
    }
}

impl HomeBasis {
    fn point() -> HomeBasis {
        HomeBasis { postcode: None, basis: Basis::Point, approximate: false, note: None }
    }

    /// Adds `home` to a JSON object (the shortlist or the explanation).
    fn add_to(&self, value: &mut Value) {
        if let (Some(object), Ok(home)) = (value.as_object_mut(), serde_json::to_value(self)) {
            object.insert("home".to_string(), home);
        }
    }
}

/// Text from a data file or a policy pack, made safe to print: line breaks and tabs become
/// spaces, and other control characters (a terminal escape sequence starts with one) and
/// bidirectional-formatting characters (which can make text read backwards) become `�`.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' => ' ',
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => '\u{FFFD}',
            c if c.is_control() => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// The JSON the page's engine returns, with how the home was placed (`home`), indented.
fn json_pretty<T: serde::Serialize>(value: &T, home: &HomeBasis) -> placement_finder::Result<String> {
    let mut value = serde_json::to_value(value).map_err(|e| Error::invalid("output", e.to_string()))?;
    home.add_to(&mut value);
    Ok(serde_json::to_string_pretty(&value).unwrap_or_default())
}

/// A data or policy text, printable; nothing for none.
fn opt(text: Option<&str>) -> String {
    text.map(printable).unwrap_or_default()
}

fn ages(range: Option<AgeRange>) -> String {
    match range {
        Some(AgeRange { low, high, basis }) => {
            let note = if basis == AgeBasis::Phase { " (usual for phase)" } else { "" };
            format!("{low}-{high}{note}")
        }
        None => "not recorded".into(),
    }
}

/// A code's name as it is in the JSON (`beyondWalkingDistance`).
fn code_name(code: ReasonCode) -> String {
    serde_json::to_value(code).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

fn print_table(list: &ShortList) {
    println!("Settings that may suit: age {} ({})", list.child.age, printable(&list.child.year_group));
    println!("{}", printable(&list.advisory));
    println!(
        "Policy: {} {} — {}",
        printable(&list.policy.id),
        printable(&list.policy.version),
        printable(&list.policy.notice)
    );
    let built = list.data.built.map(|d| d.to_string()).unwrap_or_default();
    println!("Data: {} (built {built})\n", printable(&list.data.version));
    for r in &list.results {
        println!(
            "{:>2}. {} (URN {})\n    {}; ages {}; {:.1} miles, straight line; fit {:.2} (data coverage {:.0}%)",
            r.rank,
            printable(&r.name),
            r.urn.0,
            printable(r.kind_label),
            ages(r.age_range),
            r.distance_miles,
            r.score,
            r.coverage * 100.0
        );
        for reason in &r.reasons {
            println!("      - {}", printable(&reason.text.to_string()));
        }
    }
    if list.results.is_empty() {
        println!("No settings matched. Try a wider distance or more kinds of setting.");
    }
    if !list.near_misses.is_empty() {
        println!("\nNear misses (left out by one rule):");
        for m in &list.near_misses {
            println!(
                "  - {} (URN {}), {:.1} miles: {}",
                printable(&m.name),
                m.urn.0,
                m.distance_miles,
                printable(&m.rule.text)
            );
        }
    }
}

fn print_csv(list: &ShortList) -> placement_finder::Result<()> {
    let mut w = csv::Writer::from_writer(std::io::stdout());
    let io = |e: csv::Error| Error::Csv { file: "stdout".into(), reason: e.to_string() };
    w.write_record([
        "rank",
        "urn",
        "name",
        "kind",
        "ages",
        "distance_miles_straight_line",
        "score",
        "coverage",
        "reasons",
        "flags",
        "website",
    ])
    .map_err(io)?;
    for r in &list.results {
        let reasons: Vec<String> = r.reasons.iter().map(|x| printable(&x.text.to_string())).collect();
        let flags: Vec<String> = r.flags.iter().map(|f| code_name(*f)).collect();
        let cells = [
            r.rank.to_string(),
            r.urn.0.to_string(),
            printable(&r.name),
            printable(r.kind_label),
            ages(r.age_range),
            format!("{:.1}", r.distance_miles),
            format!("{:.3}", r.score),
            format!("{:.2}", r.coverage),
            reasons.join("; "),
            flags.join("; "),
            opt(r.website.as_deref()),
        ];
        w.write_record(cells.iter().map(|c| neutralise_csv_cell(c).into_owned())).map_err(io)?;
    }
    w.flush().map_err(|e| Error::Io { path: "stdout".into(), source: e })
}

/// A minimal PNG (8-bit RGBA, no filtering) with flate2 and crc32fast.
fn png_rgba(width: u32, height: u32, rgba: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut raw = Vec::with_capacity(rgba.len() + height as usize);
    for row in rgba.chunks(width as usize * 4) {
        raw.push(0);
        raw.extend_from_slice(row);
    }
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing to a Vec cannot fail.
    let _ = z.write_all(&raw);
    let idat = z.finish().unwrap_or_default();
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8; 4], data: &[u8]| {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = crc32fast::Hasher::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc.finalize().to_be_bytes());
    };
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    chunk(b"IHDR", &ihdr);
    chunk(b"IDAT", &idat);
    chunk(b"IEND", &[]);
    out
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", printable(&e.to_string()));
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> placement_finder::Result<()> {
    match command {
        Command::BuildData { sources, gias, supplement, out, no_postcodes } => {
            let start = Instant::now();
            let opts = BuildOptions {
                sources_dir: sources,
                gias,
                supplement,
                postcodes: !no_postcodes,
                build_date: pipeline::today(),
            };
            let output = pipeline::build(&opts)?;
            for r in &output.imports {
                let balanced = if r.is_balanced() { "" } else { "  (DOES NOT ADD UP)" };
                println!("{}{balanced}", r.summary());
                for (reason, n) in r.filtered_by_reason().iter().take(4) {
                    println!("    filtered {n:>6}  {}", printable(reason));
                }
            }
            let m = &output.merge;
            println!(
                "merge: {} establishments seen, {} kept; kind from phase for {}; council from postcode units for {}; Section 41 matched by name for {}",
                m.establishments_seen, m.establishments_kept, m.kind_from_phase, m.la_from_postcodes, m.section41_matched
            );
            for (reason, urns) in &m.left_out {
                println!("    left out {:>6}  {reason}", urns.len());
            }
            let written = pipeline::write(&output, &out)?;
            let total: usize = written.iter().map(|(_, n)| n).sum();
            println!(
                "wrote {} files, {:.1} MB, to {} ({} settings; dataset.bin {} bytes) in {:.2} s",
                written.len(),
                total as f64 / 1e6,
                out.display(),
                output.dataset.settings.len(),
                written[0].1,
                start.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Shortlist { query, format } => {
            let (finder, q, home) = query.load()?;
            let list = finder.shortlist(&q)?;
            match format {
                Format::Json => println!("{}", json_pretty(&list, &home)?),
                Format::Csv => print_csv(&list)?,
                Format::Table => print_table(&list),
            }
            Ok(())
        }
        Command::Explain { urn, query, json } => {
            let (finder, q, home) = query.load()?;
            let e = finder.explain(&q, Urn(urn))?;
            if json {
                println!("{}", json_pretty(&e, &home)?);
                return Ok(());
            }
            println!("{}", printable(&e.summary));
            for site in &e.sites {
                println!("\n{} — {}\n  {}", printable(&site.name), printable(site.kind_label), printable(&site.text));
                for f in &site.reasons {
                    println!("  - {}", printable(&f.text.to_string()));
                }
            }
            Ok(())
        }
        Command::Sectors { postcodes, out } => {
            let mut shards = Vec::new();
            let entries = std::fs::read_dir(&postcodes)
                .map_err(|source| Error::Io { path: postcodes.display().to_string(), source })?;
            let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            paths.sort();
            for path in paths.iter().filter(|p| p.extension().is_some_and(|x| x == "bin")) {
                shards.push(PostcodeShard::decode(&read_file(path)?)?);
            }
            let points = coverage::sector_points(&shards);
            std::fs::write(&out, DemandPoint::to_csv(&points))
                .map_err(|source| Error::Io { path: out.display().to_string(), source })?;
            println!("wrote {} sectors from {} shards to {}", points.len(), shards.len(), out.display());
            Ok(())
        }
        Command::Coverage {
            needs,
            kinds,
            age,
            include_needs_not_recorded,
            la,
            out,
            sectors_out,
            png,
            cell_m,
            dataset,
            boundaries,
            sectors,
        } => {
            let filter = coverage::Filter { needs, kinds, age, include_needs_not_recorded }.validate()?;
            let started = Instant::now();
            let dataset = Dataset::decode(&read_file(&dataset)?)?;
            let text = |path: &PathBuf| {
                String::from_utf8(read_file(path)?)
                    .map_err(|_| Error::corrupt(path.display().to_string(), "expected UTF-8 text"))
            };
            let grid = coverage::Grid::from_boundaries(&text(&boundaries)?, cell_m)?;
            let points = DemandPoint::parse_csv(&text(&sectors)?)?;
            let engine = coverage::CoverageEngine::new(&dataset, grid, points);
            let loaded = started.elapsed();
            let started = Instant::now();
            let d = engine.distances(&filter);
            let computed = started.elapsed();
            let la = la.map(LaCode);
            let table = engine.council_table(&filter, &d);
            let write = |path: &PathBuf, bytes: &[u8]| {
                std::fs::write(path, bytes).map_err(|source| Error::Io { path: path.display().to_string(), source })
            };
            let csv = coverage::council_csv(&table);
            match &out {
                Some(path) => write(path, csv.as_bytes())?,
                None => print!("{csv}"),
            }
            if let Some(path) = &sectors_out {
                write(path, coverage::point_csv(&engine.point_rows(&filter, &d, la)).as_bytes())?;
            }
            if let Some(path) = &png {
                let rgba = engine.grid_rgba(&d, la);
                write(path, &png_rgba(engine.grid.cols, engine.grid.rows, &rgba))?;
            }
            eprintln!(
                "{} suitable settings; {} cells, {} sectors; loaded in {:.0} ms, distances in {:.1} ms",
                d.suitable,
                engine.grid.cells.len(),
                engine.points.len(),
                loaded.as_secs_f64() * 1e3,
                computed.as_secs_f64() * 1e3
            );
            Ok(())
        }
        Command::Inspect { dataset, by_council, json } => {
            let bytes = std::fs::read(&dataset)
                .map_err(|source| placement_finder::Error::Io { path: dataset.display().to_string(), source })?;
            let d = Dataset::decode(&bytes)?;
            let st = d.stats();
            if json {
                let v = serde_json::json!({ "meta": d.meta, "stats": st });
                println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
                return Ok(());
            }
            println!(
                "dataset {} (schema {}, built {})",
                printable(&d.meta.data_version),
                d.meta.schema_version,
                d.meta.build_date
            );
            println!("{}", printable(&d.meta.coverage));
            println!("\nsources:");
            for s in &d.meta.sources {
                let date = s.date.map(|d| d.to_string()).unwrap_or_else(|| "date unknown".into());
                println!("  {date}  {:>6} rows  {}", s.rows, printable(&s.title));
            }
            println!("\nsettings by kind (of which kind inferred from GIAS phase):");
            for (kind, n, from_phase) in &st.by_kind {
                println!("  {kind:<22} {n:>6}  ({from_phase})");
            }
            println!("\nsettings recording each SEN type ({} of {} record any):", st.with_needs, st.settings);
            for (need, n) in &st.by_need {
                println!("  {need:<5} {n:>5}");
            }
            println!("\nplaces data (capacity and/or on roll): {} settings", st.with_places);
            println!(
                "ages: statutory range for {}, usual range of the recorded phase for {}, none for {}; youngest {} oldest {}",
                st.with_statutory_ages,
                st.with_phase_ages,
                st.without_ages,
                st.youngest.map(|a| a.to_string()).unwrap_or_default(),
                st.oldest.map(|a| a.to_string()).unwrap_or_default()
            );
            for (label, g) in [
                ("special schools", st.special_schools),
                ("special post-16 institutions", st.special_post16),
                ("resourced provisions and SEN units", st.bases),
            ] {
                println!(
                    "{label} ({}): age range statutory {}, from the recorded phase {}, not recorded {}; SEN types recorded for {}",
                    g.settings, g.statutory_ages, g.phase_ages, g.unknown_ages, g.with_needs
                );
            }
            if st.special_schools.unknown_ages + st.bases.settings - st.bases.with_needs > 0 {
                println!(
                    "  (what no source records stays unknown, never guessed from a name; a full GIAS download, \
                     build-data --gias, records the ages of every school and the SEN types of every base)"
                );
            }
            println!(
                "open but proposed to close: {}; Section 41 approved: {}",
                st.proposed_to_close, st.section41_approved
            );
            println!("councils: {} with settings; {} settings with no council", st.by_la.len(), st.without_la);
            if by_council {
                for (code, name, n, sp) in &st.by_la {
                    let name = printable(name);
                    println!("  {code:03} {name:<32} {n:>5} settings, {sp:>4} specialist");
                }
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escapes_and_direction_overrides_from_data_are_not_printed() {
        assert_eq!(printable("Oak\x1b]0;pwned\x07 School"), "Oak\u{FFFD}]0;pwned\u{FFFD} School");
        assert_eq!(printable("Evil \u{202E}loohcS"), "Evil \u{FFFD}loohcS");
        assert_eq!(printable("Lower\r\nsite\tB"), "Lower  site B");
        assert_eq!(printable("St John's Catholic School, Boston Spa"), "St John's Catholic School, Boston Spa");
    }
}
