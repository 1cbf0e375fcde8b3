//! Import of the DfE "Get Information About Schools" (GIAS) establishment CSV, exactly as a
//! council downloads it: about 140 columns, Windows-1252 (or UTF-8 when re-saved), CRLF or LF.
//!
//! Columns are found by header name, never by position, because GIAS adds and drops columns
//! between schema versions. Six columns are required ([`REQUIRED_COLUMNS`]); every other field
//! is left unrecorded when its column is absent.
//!
//! # What happens to each row
//!
//! Every data row ends up in exactly one place, so [`ImportReport::is_balanced`] always holds.
//! The checks run in this order, and the first that applies decides:
//!
//! | check | outcome |
//! |---|---|
//! | a field is longer than [`MAX_FIELD_BYTES`](crate::limits::MAX_FIELD_BYTES) (a stray quote joining lines) | rejected, naming its column |
//! | the row has fewer fields than the header (cut short, stray quote), or extra non-blank ones | rejected |
//! | `URN` is not a whole number above 0 | rejected |
//! | `EstablishmentStatus (name)` is `Closed` / `Proposed to open` | filtered ("closed" / "not yet open") |
//! | status blank or not a GIAS status | rejected |
//! | `Easting` and `Northing` both blank (British schools overseas, ...) | filtered ("no location ...") |
//! | `TypeOfEstablishment (name)` is not a kind this tool lists ([`ProvisionKind::from_gias_type`]) | filtered |
//! | `EstablishmentName` blank | rejected |
//! | `Easting`/`Northing` not numbers, half blank, or off the grid | rejected |
//! | otherwise | accepted |
//!
//! Filters come before the checks that only matter for listed rows, so a closed school with a
//! bad easting is "closed", not an error a data officer has to chase. Optional fields of an
//! accepted row never reject it: an unreadable value (ages the wrong way round, an unknown SEN
//! type, a date that is not a date) is left unrecorded and reported in
//! [`ImportReport::warnings`].
//!
//! Row numbers count the header as row 1, as a spreadsheet shows the file.

use crate::bng::bng_to_wgs84;
use crate::build::import::{
    overlong_field, overlong_field_reason, text, too_many_columns, too_many_rows, ImportReport, RowIssue,
};
use crate::error::{Error, Result};
use crate::limits::{MAX_COLUMNS, MAX_ROWS};
use crate::model::{
    AgeBasis, AgeRange, Boarding, Date, Gender, LaCode, LatLon, Need, NeedSet, Phase, Places, Postcode, ProvisionKind,
    Status, Urn,
};

/// GIAS header names this importer reads.
pub mod column {
    pub const URN: &str = "URN";
    pub const NAME: &str = "EstablishmentName";
    pub const TYPE: &str = "TypeOfEstablishment (name)";
    pub const STATUS: &str = "EstablishmentStatus (name)";
    pub const EASTING: &str = "Easting";
    pub const NORTHING: &str = "Northing";
    pub const PHASE: &str = "PhaseOfEducation (name)";
    pub const LOW_AGE: &str = "StatutoryLowAge";
    pub const HIGH_AGE: &str = "StatutoryHighAge";
    pub const BOARDERS: &str = "Boarders (name)";
    pub const GENDER: &str = "Gender (name)";
    pub const RELIGIOUS_CHARACTER: &str = "ReligiousCharacter (name)";
    pub const SECTION41: &str = "Section41Approved (name)";
    pub const LA_CODE: &str = "LA (code)";
    pub const LA_NAME: &str = "LA (name)";
    pub const POSTCODE: &str = "Postcode";
    pub const WEBSITE: &str = "SchoolWebsite";
    pub const PUPILS: &str = "NumberOfPupils";
    pub const CAPACITY: &str = "SchoolCapacity";
    pub const CENSUS_DATE: &str = "CensusDate";
    pub const LAST_CHANGED: &str = "LastChangedDate";
    pub const RESOURCED_PROVISION_TYPE: &str = "TypeOfResourcedProvision (name)";
    pub const RESOURCED_PROVISION_ON_ROLL: &str = "ResourcedProvisionOnRoll";
    pub const RESOURCED_PROVISION_CAPACITY: &str = "ResourcedProvisionCapacity";
    pub const SEN_UNIT_ON_ROLL: &str = "SenUnitOnRoll";
    pub const SEN_UNIT_CAPACITY: &str = "SenUnitCapacity";
}

/// Columns without which a file cannot be imported ([`Error::MissingColumn`]).
pub const REQUIRED_COLUMNS: [&str; 6] =
    [column::URN, column::NAME, column::TYPE, column::STATUS, column::EASTING, column::NORTHING];

/// Reason given for rows filtered out as closed.
pub const FILTERED_CLOSED: &str = "closed";
/// Reason given for rows filtered out as proposed to open.
pub const FILTERED_NOT_YET_OPEN: &str = "not yet open";
/// Reason given for rows filtered out for having no Easting/Northing.
pub const FILTERED_NO_LOCATION: &str = "no location (outside England or not recorded)";

/// One open establishment from a GIAS file, validated.
#[derive(Clone, Debug, PartialEq)]
pub struct GiasRecord {
    pub urn: Urn,
    pub name: String,
    /// `TypeOfEstablishment (name)` as written.
    pub establishment_type: String,
    pub kind: ProvisionKind,
    pub status: Status,
    pub phase: Option<Phase>,
    /// Statutory ages (`AgeBasis::Statutory`), when both are recorded.
    pub ages: Option<AgeRange>,
    pub gender: Option<Gender>,
    pub boarding: Option<Boarding>,
    /// `None` for "Does not apply"; `Some("Church of England")` etc.
    pub religious_character: Option<String>,
    /// `Section41Approved (name)`: `Some(true)` when "Approved", `Some(false)` when "Not approved",
    /// `None` when blank or "Not applicable".
    pub section41: Option<bool>,
    pub la: Option<LaCode>,
    pub la_name: Option<String>,
    pub postcode: Option<String>,
    /// From Easting/Northing (British National Grid) via [`crate::bng`].
    pub location: LatLon,
    /// SEN1..SEN13; `None` when none recorded.
    pub needs: Option<NeedSet>,
    /// Present when `TypeOfResourcedProvision (name)` includes "Resourced provision".
    pub resourced_provision: Option<Places>,
    /// Present when `TypeOfResourcedProvision (name)` includes "SEN unit".
    pub sen_unit: Option<Places>,
    pub pupils: Option<u32>,
    pub capacity: Option<u32>,
    pub census_date: Option<Date>,
    pub website: Option<String>,
    pub last_changed: Option<Date>,
}

/// Reads a GIAS CSV (UTF-8 with or without BOM, or Windows-1252; CRLF or LF).
///
/// `source` names the input in the report and in errors. Returns the accepted records in file
/// order and a report accounting for every row (see the [module docs](self)). Fails only when
/// the file as a whole is unusable: empty, a [required column](REQUIRED_COLUMNS) missing, not
/// CSV text, or beyond a cap of [`crate::limits`] (more than [`MAX_INPUT_BYTES`](crate::limits::MAX_INPUT_BYTES),
/// a line over [`MAX_LINE_BYTES`](crate::limits::MAX_LINE_BYTES), over [`MAX_COLUMNS`] columns or
/// [`MAX_ROWS`] data rows): [`Error::TooLarge`], checked before the rows are read where it can be.
///
/// ```
/// use placement_finder::build::import::gias::read_gias;
/// use placement_finder::{ProvisionKind, Status};
///
/// let csv = "URN,EstablishmentName,TypeOfEstablishment (name),EstablishmentStatus (name),Easting,Northing\r\n\
///            108133,West Oaks School,Community special school,Open,429960,435300\r\n\
///            100004,Sherborne Nursery School,Local authority nursery school,Closed,528515,184869\r\n";
/// let (records, report) = read_gias("example.csv", csv.as_bytes())?;
///
/// assert_eq!(records.len(), 1);
/// assert_eq!(records[0].kind, ProvisionKind::Special);
/// assert_eq!(records[0].status, Status::Open);
/// assert_eq!(report.filtered[0].reason, "closed");
/// assert!(report.is_balanced());
/// # Ok::<(), placement_finder::Error>(())
/// ```
pub fn read_gias(source: &str, bytes: &[u8]) -> Result<(Vec<GiasRecord>, ImportReport)> {
    let mut reader = GiasReader::new(source, bytes)?;
    while !reader.step(usize::MAX)? {}
    Ok(reader.finish())
}

/// The same import as [`read_gias`], a few rows at a time, so that a page can show progress
/// while a national file (52,000 rows) is read: [`new`](Self::new) checks and decodes the file
/// and reads the header, each [`step`](Self::step) reads up to a number of rows, and
/// [`finish`](Self::finish) hands over the records and the report.
///
/// ```
/// use placement_finder::build::import::gias::GiasReader;
///
/// let csv = "URN,EstablishmentName,TypeOfEstablishment (name),EstablishmentStatus (name),Easting,Northing\n\
///            108133,West Oaks School,Community special school,Open,429960,435300\n\
///            100004,Sherborne Nursery School,Local authority nursery school,Closed,528515,184869\n";
/// let mut reader = GiasReader::new("example.csv", csv.as_bytes())?;
/// assert!(!reader.step(1)?); // one row read, more to come
/// assert!(reader.progress() > 0.0 && reader.progress() < 1.0);
/// while !reader.step(1)? {}
/// let (records, report) = reader.finish();
/// assert_eq!((records.len(), report.rows_read), (1, 2));
/// # Ok::<(), placement_finder::Error>(())
/// ```
pub struct GiasReader {
    source: String,
    reader: csv::Reader<std::io::Cursor<Vec<u8>>>,
    total_bytes: u64,
    columns: Columns,
    record: csv::StringRecord,
    row_number: u64,
    done: bool,
    report: ImportReport,
    records: Vec<GiasRecord>,
}

impl std::fmt::Debug for GiasReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GiasReader")
            .field("source", &self.source)
            .field("rows_read", &self.report.rows_read)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl GiasReader {
    /// Checks the whole file ([`text::check_csv_bytes`]), decodes it and reads the header.
    /// Fails as [`read_gias`] does for a file that is unusable as a whole.
    pub fn new(source: &str, bytes: &[u8]) -> Result<GiasReader> {
        text::check_csv_bytes(source, bytes)?;
        let text = text::decode(bytes).into_owned().into_bytes();
        let total_bytes = text.len() as u64;
        let mut reader =
            csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(std::io::Cursor::new(text));
        let mut record = csv::StringRecord::new();
        let csv_error = |e: csv::Error| Error::Csv { file: source.to_string(), reason: e.to_string() };
        if !reader.read_record(&mut record).map_err(csv_error)? {
            return Err(Error::Csv {
                file: source.to_string(),
                reason: "the file is empty; expected a GIAS CSV starting with a header row".to_string(),
            });
        }
        let columns = Columns::resolve(source, &record)?;
        Ok(GiasReader {
            source: source.to_string(),
            reader,
            total_bytes,
            columns,
            record,
            row_number: 1,
            done: false,
            report: ImportReport::new(source),
            records: Vec::new(),
        })
    }

    /// Reads up to `max_rows` more rows; true once the file is finished.
    pub fn step(&mut self, max_rows: usize) -> Result<bool> {
        let source = &self.source;
        let csv_error = |e: csv::Error| Error::Csv { file: source.to_string(), reason: e.to_string() };
        for _ in 0..max_rows {
            if self.done {
                break;
            }
            if !self.reader.read_record(&mut self.record).map_err(csv_error)? {
                self.done = true;
                break;
            }
            if self.report.rows_read == MAX_ROWS {
                return Err(too_many_rows(source, MAX_ROWS, "MAX_ROWS"));
            }
            self.row_number += 1;
            self.report.rows_read += 1;
            let row = Row { record: &self.record, number: self.row_number, urn: None };
            match read_row(&self.columns, row, &mut self.report.warnings) {
                Ok(r) => {
                    self.report.accepted += 1;
                    self.records.push(r);
                }
                Err(Skip::Filtered(issue)) => self.report.filtered.push(issue),
                Err(Skip::Rejected(issue)) => self.report.rejected.push(issue),
            }
        }
        Ok(self.done)
    }

    /// The share of the file read so far, 0 to 1.
    pub fn progress(&self) -> f64 {
        if self.done || self.total_bytes == 0 {
            return 1.0;
        }
        (self.reader.position().byte() as f64 / self.total_bytes as f64).min(1.0)
    }

    /// Rows read so far.
    pub fn rows_read(&self) -> u64 {
        self.report.rows_read
    }

    /// The accepted records in file order and the report (complete once `step` returned true).
    pub fn finish(self) -> (Vec<GiasRecord>, ImportReport) {
        (self.records, self.report)
    }
}

/// Column positions, resolved once from the header so that each row is read by index.
#[derive(Debug)]
struct Columns {
    /// The header as written (trimmed), to name a column in a report.
    headers: Vec<String>,
    width: usize,
    urn: usize,
    name: usize,
    establishment_type: usize,
    status: usize,
    easting: usize,
    northing: usize,
    phase: Option<usize>,
    low_age: Option<usize>,
    high_age: Option<usize>,
    boarders: Option<usize>,
    gender: Option<usize>,
    religious_character: Option<usize>,
    section41: Option<usize>,
    la_code: Option<usize>,
    la_name: Option<usize>,
    postcode: Option<usize>,
    website: Option<usize>,
    pupils: Option<usize>,
    capacity: Option<usize>,
    census_date: Option<usize>,
    last_changed: Option<usize>,
    /// `SEN1 (name)`, `SEN2 (name)`, ... in numeric order, with the header as written.
    sen: Vec<(usize, String)>,
    resourced_provision_type: Option<usize>,
    resourced_provision_on_roll: Option<usize>,
    resourced_provision_capacity: Option<usize>,
    sen_unit_on_roll: Option<usize>,
    sen_unit_capacity: Option<usize>,
}

impl Columns {
    fn resolve(source: &str, header: &csv::StringRecord) -> Result<Columns> {
        if header.len() > MAX_COLUMNS {
            return Err(too_many_columns(source, header.len()));
        }
        let names: Vec<String> = header.iter().map(normalise_header).collect();
        let find = |name: &str| {
            let wanted = normalise_header(name);
            names.iter().position(|n| *n == wanted)
        };
        let required = |name: &str| {
            find(name).ok_or_else(|| Error::MissingColumn { file: source.to_string(), column: name.to_string() })
        };

        let mut sen: Vec<(u32, usize, String)> = names
            .iter()
            .enumerate()
            .filter_map(|(i, n)| {
                let digits = n.strip_prefix("sen")?.strip_suffix("(name)")?;
                let number = digits.parse::<u32>().ok().filter(|_| digits.bytes().all(|b| b.is_ascii_digit()))?;
                Some((number, i, header.get(i).unwrap_or("").trim().to_string()))
            })
            .collect();
        sen.sort_by_key(|(number, i, _)| (*number, *i));

        Ok(Columns {
            headers: header.iter().map(|h| h.trim().to_string()).collect(),
            width: header.len(),
            urn: required(column::URN)?,
            name: required(column::NAME)?,
            establishment_type: required(column::TYPE)?,
            status: required(column::STATUS)?,
            easting: required(column::EASTING)?,
            northing: required(column::NORTHING)?,
            phase: find(column::PHASE),
            low_age: find(column::LOW_AGE),
            high_age: find(column::HIGH_AGE),
            boarders: find(column::BOARDERS),
            gender: find(column::GENDER),
            religious_character: find(column::RELIGIOUS_CHARACTER),
            section41: find(column::SECTION41),
            la_code: find(column::LA_CODE),
            la_name: find(column::LA_NAME),
            postcode: find(column::POSTCODE),
            website: find(column::WEBSITE),
            pupils: find(column::PUPILS),
            capacity: find(column::CAPACITY),
            census_date: find(column::CENSUS_DATE),
            last_changed: find(column::LAST_CHANGED),
            sen: sen.into_iter().map(|(_, i, name)| (i, name)).collect(),
            resourced_provision_type: find(column::RESOURCED_PROVISION_TYPE),
            resourced_provision_on_roll: find(column::RESOURCED_PROVISION_ON_ROLL),
            resourced_provision_capacity: find(column::RESOURCED_PROVISION_CAPACITY),
            sen_unit_on_roll: find(column::SEN_UNIT_ON_ROLL),
            sen_unit_capacity: find(column::SEN_UNIT_CAPACITY),
        })
    }
}

/// Header names compared without case, whitespace or a stray byte-order mark, so that
/// `" urn"`, `"\u{feff}URN"` and `"TypeOfEstablishment(name)"` all match.
fn normalise_header(name: &str) -> String {
    name.chars().filter(|c| !c.is_whitespace() && *c != '\u{feff}').flat_map(char::to_lowercase).collect()
}

/// Why a row did not become a record.
enum Skip {
    Filtered(RowIssue),
    Rejected(RowIssue),
}

/// One data row and what is known about it so far (for messages).
struct Row<'a> {
    record: &'a csv::StringRecord,
    number: u64,
    urn: Option<u32>,
}

impl Row<'_> {
    /// The trimmed cell, `""` when the row is too short to have it.
    fn cell(&self, index: usize) -> &str {
        self.record.get(index).unwrap_or("").trim()
    }

    /// The trimmed cell of an optional column, `""` when the column is absent.
    fn optional_cell(&self, index: Option<usize>) -> &str {
        index.map_or("", |i| self.cell(i))
    }

    fn issue(&self, column: Option<&str>, reason: impl Into<String>) -> RowIssue {
        RowIssue { row: self.number, column: column.map(str::to_string), urn: self.urn, reason: reason.into() }
    }

    fn filtered(&self, column: &str, reason: impl Into<String>) -> Skip {
        Skip::Filtered(self.issue(Some(column), reason))
    }

    fn rejected(&self, column: Option<&str>, reason: impl Into<String>) -> Skip {
        Skip::Rejected(self.issue(column, reason))
    }

    /// Reads an optional field. Blank or absent → `None`; unreadable → `None` plus a warning.
    fn field<T>(
        &self,
        index: Option<usize>,
        column: &str,
        parse: impl FnOnce(&str) -> Result<Option<T>, String>,
        warnings: &mut Vec<RowIssue>,
    ) -> Option<T> {
        let text = self.optional_cell(index);
        if text.is_empty() {
            return None;
        }
        parse(text).unwrap_or_else(|reason| {
            warnings.push(self.issue(Some(column), reason));
            None
        })
    }
}

fn read_row(columns: &Columns, mut row: Row<'_>, warnings: &mut Vec<RowIssue>) -> Result<GiasRecord, Skip> {
    if let Some((index, length)) = overlong_field(row.record.iter().map(str::len)) {
        row.urn = parse_urn(row.cell(columns.urn));
        return Err(row.rejected(columns.headers.get(index).map(String::as_str), overlong_field_reason(length)));
    }
    // A short row has lost fields, so the ones it has may sit under the wrong headers. Extra
    // fields are harmless only when blank (a trailing comma).
    let fields = row.record.len();
    let extra_blank = row.record.iter().skip(columns.width).all(|f| f.trim().is_empty());
    if fields < columns.width || !extra_blank {
        // Still name the URN if the first columns look right, to help find the row.
        row.urn = parse_urn(row.cell(columns.urn));
        let width = columns.width;
        let why = if fields < width {
            "it may have been cut short, or hold a stray quote"
        } else {
            "its values may not line up with the header (a comma in an unquoted field?)"
        };
        return Err(row.rejected(None, format!("the row has {fields} fields but the header has {width}; {why}")));
    }

    let urn_text = row.cell(columns.urn);
    let Some(urn) = parse_urn(urn_text) else {
        let reason = if urn_text.is_empty() {
            "no URN".to_string()
        } else {
            format!("URN {urn_text:?} is not a whole number above 0")
        };
        return Err(row.rejected(Some(column::URN), reason));
    };
    row.urn = Some(urn);

    let status = match parse_status(row.cell(columns.status)) {
        StatusCell::Listed(status) => status,
        StatusCell::Closed => return Err(row.filtered(column::STATUS, FILTERED_CLOSED)),
        StatusCell::NotYetOpen => return Err(row.filtered(column::STATUS, FILTERED_NOT_YET_OPEN)),
        StatusCell::Blank => return Err(row.rejected(Some(column::STATUS), "no establishment status")),
        StatusCell::Unknown(text) => {
            return Err(row.rejected(
                Some(column::STATUS),
                format!(
                    "status {text:?} is not one GIAS uses (Open; Open, but proposed to close; Closed; Proposed to open)"
                ),
            ));
        }
    };

    let (easting_text, northing_text) = (row.cell(columns.easting), row.cell(columns.northing));
    if location_unrecorded(easting_text, northing_text) {
        return Err(row.filtered(column::EASTING, FILTERED_NO_LOCATION));
    }

    let establishment_type = row.cell(columns.establishment_type);
    if establishment_type.is_empty() {
        return Err(row.rejected(Some(column::TYPE), "no establishment type"));
    }
    let Some(kind) = ProvisionKind::from_gias_type(establishment_type) else {
        return Err(row
            .filtered(column::TYPE, format!("type {establishment_type:?} is not a school placement this tool lists")));
    };

    let name = row.cell(columns.name);
    if name.is_empty() {
        return Err(row.rejected(Some(column::NAME), "no establishment name"));
    }

    let location =
        parse_location(easting_text, northing_text).map_err(|(column, reason)| row.rejected(Some(column), reason))?;

    let census_date = row.field(columns.census_date, column::CENSUS_DATE, parse_date, warnings);
    let last_changed = row.field(columns.last_changed, column::LAST_CHANGED, parse_date, warnings);
    let (resourced_provision, sen_unit) = read_places(columns, &row, census_date.or(last_changed), warnings);

    Ok(GiasRecord {
        urn: Urn(urn),
        name: name.to_string(),
        establishment_type: establishment_type.to_string(),
        kind,
        status,
        phase: row.field(columns.phase, column::PHASE, parse_phase, warnings),
        ages: read_ages(columns, &row, warnings),
        gender: row.field(columns.gender, column::GENDER, parse_gender, warnings),
        boarding: row.field(columns.boarders, column::BOARDERS, parse_boarding, warnings),
        religious_character: row.field(
            columns.religious_character,
            column::RELIGIOUS_CHARACTER,
            parse_religious_character,
            warnings,
        ),
        section41: row.field(columns.section41, column::SECTION41, parse_section41, warnings),
        la: row.field(columns.la_code, column::LA_CODE, parse_la_code, warnings),
        la_name: row.field(columns.la_name, column::LA_NAME, parse_la_name, warnings),
        postcode: read_postcode(columns, &row, warnings),
        location,
        needs: read_needs(columns, &row, warnings),
        resourced_provision,
        sen_unit,
        pupils: row.field(columns.pupils, column::PUPILS, parse_count, warnings),
        capacity: row.field(columns.capacity, column::CAPACITY, parse_count, warnings),
        census_date,
        website: row.field(columns.website, column::WEBSITE, |t| Ok(Some(t.to_string())), warnings),
        last_changed,
    })
}

fn parse_urn(text: &str) -> Option<u32> {
    text.parse::<u32>().ok().filter(|&urn| urn > 0)
}

enum StatusCell<'a> {
    Listed(Status),
    Closed,
    NotYetOpen,
    Blank,
    Unknown(&'a str),
}

fn parse_status(text: &str) -> StatusCell<'_> {
    let is = |s: &str| text.eq_ignore_ascii_case(s);
    if is("Open") {
        StatusCell::Listed(Status::Open)
    } else if is("Open, but proposed to close") {
        StatusCell::Listed(Status::OpenProposedToClose)
    } else if is("Closed") {
        StatusCell::Closed
    } else if is("Proposed to open") {
        StatusCell::NotYetOpen
    } else if text.is_empty() {
        StatusCell::Blank
    } else {
        StatusCell::Unknown(text)
    }
}

/// Both blank, or both zero (the "no coordinates" convention of OS products), means the
/// establishment has no location in England; half a location is an error, handled later.
fn location_unrecorded(easting: &str, northing: &str) -> bool {
    let zero = |t: &str| t.parse::<f64>().is_ok_and(|v| v == 0.0);
    (easting.is_empty() && northing.is_empty()) || (zero(easting) && zero(northing))
}

/// Easting/Northing in metres → WGS84, or the column at fault and why.
fn parse_location(easting: &str, northing: &str) -> Result<LatLon, (&'static str, String)> {
    let metres = |text: &str, column: &'static str, other: &'static str| {
        if text.is_empty() {
            return Err((column, format!("{column} is blank but {other} is recorded")));
        }
        text.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| (column, format!("{column} {text:?} is not a number of metres")))
    };
    let e = metres(easting, column::EASTING, column::NORTHING)?;
    let n = metres(northing, column::NORTHING, column::EASTING)?;
    let Some(location) = bng_to_wgs84(e, n) else {
        let column = if (-100_000.0..=800_000.0).contains(&e) { column::NORTHING } else { column::EASTING };
        return Err((column, format!("Easting {easting}, Northing {northing} is off the British National Grid")));
    };
    if !location.is_in_great_britain_box() {
        return Err((
            column::EASTING,
            format!(
                "Easting {easting}, Northing {northing} is outside Great Britain ({:.4}, {:.4})",
                location.lat, location.lon
            ),
        ));
    }
    Ok(location)
}

fn read_ages(columns: &Columns, row: &Row<'_>, warnings: &mut Vec<RowIssue>) -> Option<AgeRange> {
    let (low_text, high_text) = (row.optional_cell(columns.low_age), row.optional_cell(columns.high_age));
    let mut warn = |column: &str, reason: String| {
        warnings.push(row.issue(Some(column), format!("{reason}; the age range is left unrecorded")));
        None
    };
    match (low_text.is_empty(), high_text.is_empty()) {
        (true, true) => return None,
        (false, true) => {
            return warn(column::HIGH_AGE, format!("StatutoryHighAge is blank but StatutoryLowAge is {low_text}"))
        }
        (true, false) => {
            return warn(column::LOW_AGE, format!("StatutoryLowAge is blank but StatutoryHighAge is {high_text}"))
        }
        (false, false) => {}
    }
    let Ok(low) = low_text.parse::<u8>() else {
        return warn(column::LOW_AGE, format!("StatutoryLowAge {low_text:?} is not an age in whole years"));
    };
    let Ok(high) = high_text.parse::<u8>() else {
        return warn(column::HIGH_AGE, format!("StatutoryHighAge {high_text:?} is not an age in whole years"));
    };
    if low > high {
        return warn(column::LOW_AGE, format!("StatutoryLowAge {low} is above StatutoryHighAge {high}"));
    }
    Some(AgeRange { low, high, basis: AgeBasis::Statutory })
}

/// SEN1..SEN13, keyed on the abbreviation. "Not Applicable" may sit in SEN1 with real types
/// after it, so every column is read.
fn read_needs(columns: &Columns, row: &Row<'_>, warnings: &mut Vec<RowIssue>) -> Option<NeedSet> {
    let mut needs = NeedSet::EMPTY;
    for (index, header) in &columns.sen {
        let text = row.cell(*index);
        if text.is_empty() || text.eq_ignore_ascii_case("Not applicable") {
            continue;
        }
        match Need::parse(text) {
            Some(need) => needs.insert(need),
            None => {
                warnings.push(row.issue(Some(header), format!("{text:?} is not a known SEN provision type; ignored")))
            }
        }
    }
    (!needs.is_empty()).then_some(needs)
}

/// The resourced provision and SEN unit places, as `TypeOfResourcedProvision (name)` says which exist.
fn read_places(
    columns: &Columns,
    row: &Row<'_>,
    as_of: Option<Date>,
    warnings: &mut Vec<RowIssue>,
) -> (Option<Places>, Option<Places>) {
    let text = row.optional_cell(columns.resourced_provision_type);
    let is = |s: &str| text.eq_ignore_ascii_case(s);
    let (resourced, unit) = if text.is_empty() || is("Not applicable") {
        (false, false)
    } else if is("Resourced provision") {
        (true, false)
    } else if is("SEN unit") {
        (false, true)
    } else if is("Resourced provision and SEN unit") {
        (true, true)
    } else {
        warnings.push(row.issue(
            Some(column::RESOURCED_PROVISION_TYPE),
            format!("{text:?} is not a GIAS resourced provision type; no resourced provision or SEN unit recorded"),
        ));
        (false, false)
    };
    let mut places = |capacity: (Option<usize>, &str), on_roll: (Option<usize>, &str)| {
        let capacity = row.field(capacity.0, capacity.1, parse_count, warnings);
        let on_roll = row.field(on_roll.0, on_roll.1, parse_count, warnings);
        // The date describes the figures, so there is none without them.
        let as_of = if capacity.is_some() || on_roll.is_some() { as_of } else { None };
        Places { capacity, on_roll, as_of }
    };
    let resourced = resourced.then(|| {
        places(
            (columns.resourced_provision_capacity, column::RESOURCED_PROVISION_CAPACITY),
            (columns.resourced_provision_on_roll, column::RESOURCED_PROVISION_ON_ROLL),
        )
    });
    let unit = unit.then(|| {
        places(
            (columns.sen_unit_capacity, column::SEN_UNIT_CAPACITY),
            (columns.sen_unit_on_roll, column::SEN_UNIT_ON_ROLL),
        )
    });
    (resourced, unit)
}

// Field parsers: `Ok(None)` for a recognised "not recorded" value, `Err` for an unreadable one.
// They receive trimmed, non-blank text.

fn parse_count(text: &str) -> Result<Option<u32>, String> {
    text.parse::<u32>().map(Some).map_err(|_| format!("{text:?} is not a whole number; left unrecorded"))
}

fn parse_date(text: &str) -> Result<Option<Date>, String> {
    Date::parse(text).map(Some).ok_or_else(|| format!("{text:?} is not a date (DD-MM-YYYY); left unrecorded"))
}

fn parse_phase(text: &str) -> Result<Option<Phase>, String> {
    Phase::from_gias_name(text)
        .map(Some)
        .ok_or_else(|| format!("{text:?} is not a GIAS phase of education; left unrecorded"))
}

fn parse_gender(text: &str) -> Result<Option<Gender>, String> {
    let is = |s: &str| text.eq_ignore_ascii_case(s);
    if is("Mixed") {
        Ok(Some(Gender::Mixed))
    } else if is("Boys") {
        Ok(Some(Gender::Boys))
    } else if is("Girls") {
        Ok(Some(Gender::Girls))
    } else if is("Not applicable") {
        Ok(None)
    } else {
        Err(format!("{text:?} is not Mixed, Boys or Girls; left unrecorded"))
    }
}

/// GIAS writes "No boarders" or "Boarding school" (code 3), and the separate
/// `BoardingEstablishment (name)` column "Does not have boarders" / "Has boarders". Neither says
/// what share of pupils board, and schools marked "Boarding school" include mostly-day schools
/// (Woodhouse Grove and Fulneck in Leeds), so "Boarding school" means "takes boarders":
/// [`Boarding::SomeBoarders`]. Only an explicit "mainly boarders" claims more.
fn parse_boarding(text: &str) -> Result<Option<Boarding>, String> {
    let is = |s: &str| text.eq_ignore_ascii_case(s);
    if is("No boarders") || is("Does not have boarders") {
        Ok(Some(Boarding::NoBoarders))
    } else if is("Mainly boarders") {
        Ok(Some(Boarding::MainlyBoarders))
    } else if is("Boarding school") || is("Some boarders") || is("Has boarders") || is("Children who board") {
        Ok(Some(Boarding::SomeBoarders))
    } else if is("Not applicable") {
        Ok(None)
    } else {
        Err(format!("{text:?} is not a GIAS boarding value; left unrecorded"))
    }
}

fn parse_religious_character(text: &str) -> Result<Option<String>, String> {
    let none = text.eq_ignore_ascii_case("Does not apply") || text.eq_ignore_ascii_case("None");
    Ok((!none).then(|| text.to_string()))
}

fn parse_section41(text: &str) -> Result<Option<bool>, String> {
    let is = |s: &str| text.eq_ignore_ascii_case(s);
    if is("Approved") {
        Ok(Some(true))
    } else if is("Not approved") {
        Ok(Some(false))
    } else if is("Not applicable") {
        Ok(None)
    } else {
        Err(format!("{text:?} is not Approved, Not approved or Not applicable; left unrecorded"))
    }
}

/// LA code 0 is GIAS's "Does not apply" (British schools overseas and the like).
fn parse_la_code(text: &str) -> Result<Option<LaCode>, String> {
    match text.parse::<u16>() {
        Ok(0) => Ok(None),
        Ok(code) => Ok(Some(LaCode(code))),
        Err(_) => Err(format!("{text:?} is not a local authority code; left unrecorded")),
    }
}

fn parse_la_name(text: &str) -> Result<Option<String>, String> {
    Ok((!text.eq_ignore_ascii_case("Does not apply")).then(|| text.to_string()))
}

/// Normalised (`LS6 2AA`) when it is a postcode; kept as written, with a warning, when not
/// (the text may still help a parent find the school).
fn read_postcode(columns: &Columns, row: &Row<'_>, warnings: &mut Vec<RowIssue>) -> Option<String> {
    let text = row.optional_cell(columns.postcode);
    if text.is_empty() {
        return None;
    }
    match Postcode::parse(text) {
        Ok(postcode) => Some(postcode.as_str().to_string()),
        Err(_) => {
            warnings.push(row.issue(Some(column::POSTCODE), format!("{text:?} is not a UK postcode; kept as written")));
            Some(text.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Columns of the test files, in an order unlike GIAS's to show nothing depends on position.
    const HEADER: [&str; 29] = [
        "EstablishmentName",
        "URN",
        "EstablishmentStatus (name)",
        "TypeOfEstablishment (name)",
        "PhaseOfEducation (name)",
        "StatutoryLowAge",
        "StatutoryHighAge",
        "Boarders (name)",
        "Gender (name)",
        "ReligiousCharacter (name)",
        "Section41Approved (name)",
        "LA (code)",
        "LA (name)",
        "Postcode",
        "SchoolWebsite",
        "NumberOfPupils",
        "SchoolCapacity",
        "CensusDate",
        "LastChangedDate",
        "SEN1 (name)",
        "SEN2 (name)",
        "SEN3 (name)",
        "TypeOfResourcedProvision (name)",
        "ResourcedProvisionOnRoll",
        "ResourcedProvisionCapacity",
        "SenUnitOnRoll",
        "SenUnitCapacity",
        "Easting",
        "Northing",
    ];

    /// A valid open Leeds community primary, overridden per test.
    const DEFAULTS: [&str; 29] = [
        "Moor Allerton Hall Primary School",
        "107915",
        "Open",
        "Community school",
        "Primary",
        "3",
        "11",
        "No boarders",
        "Mixed",
        "Does not apply",
        "Not applicable",
        "383",
        "Leeds",
        "LS17 6QP",
        "www.example.sch.uk",
        "420",
        "450",
        "20-01-2022",
        "10-05-2023",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "431468",
        "438212",
    ];

    fn quote(field: &str) -> String {
        format!("\"{}\"", field.replace('"', "\"\""))
    }

    /// A CSV with [`HEADER`] and one row per override list.
    fn csv(rows: &[&[(&str, &str)]]) -> String {
        let mut out = HEADER.map(quote).join(",") + "\r\n";
        for overrides in rows {
            let mut fields = DEFAULTS;
            for (column, value) in overrides.iter() {
                let i = HEADER.iter().position(|h| h == column).unwrap_or_else(|| panic!("no test column {column}"));
                fields[i] = value;
            }
            out += &(fields.map(quote).join(",") + "\r\n");
        }
        out
    }

    fn read(text: &str) -> (Vec<GiasRecord>, ImportReport) {
        let (records, report) = read_gias("test.csv", text.as_bytes()).expect("file is readable");
        assert!(report.is_balanced(), "{report:?}");
        (records, report)
    }

    /// The one record a single-row file gives, and the warnings.
    fn accepted(overrides: &[(&str, &str)]) -> (GiasRecord, Vec<RowIssue>) {
        let (mut records, report) = read(&csv(&[overrides]));
        assert_eq!(records.len(), 1, "{report:?}");
        (records.remove(0), report.warnings)
    }

    fn only_filtered(overrides: &[(&str, &str)]) -> RowIssue {
        let (records, mut report) = read(&csv(&[overrides]));
        assert!(records.is_empty() && report.rejected.is_empty(), "{report:?}");
        report.filtered.remove(0)
    }

    fn only_rejected(overrides: &[(&str, &str)]) -> RowIssue {
        let (records, mut report) = read(&csv(&[overrides]));
        assert!(records.is_empty() && report.filtered.is_empty(), "{report:?}");
        report.rejected.remove(0)
    }

    mod header {
        use super::*;

        #[test]
        fn columns_are_found_by_name_not_position() {
            let (r, warnings) = accepted(&[]);
            assert_eq!((r.urn, r.name.as_str()), (Urn(107915), "Moor Allerton Hall Primary School"));
            assert_eq!(r.la, Some(LaCode(383)));
            assert!(warnings.is_empty(), "{warnings:?}");
        }

        #[test]
        fn tolerates_byte_order_mark_spacing_and_case() {
            let text = "\u{feff} urn ,EstablishmentName,typeofestablishment  (NAME),EstablishmentStatus (name), Easting,Northing \n\
                        107915,A School,Community school,Open,431468,438212\n";
            let (records, _) = read(text);
            assert_eq!(records[0].urn, Urn(107915));
        }

        #[test]
        fn a_missing_required_column_is_an_error_naming_it() {
            for missing in REQUIRED_COLUMNS {
                let header: Vec<&str> = HEADER.iter().copied().filter(|h| *h != missing).collect();
                let text = header.join(",") + "\n";
                match read_gias("test.csv", text.as_bytes()) {
                    Err(Error::MissingColumn { file, column }) => {
                        assert_eq!((file.as_str(), column.as_str()), ("test.csv", missing))
                    }
                    other => panic!("{missing}: expected MissingColumn, got {other:?}"),
                }
            }
        }

        #[test]
        fn missing_optional_columns_leave_fields_unrecorded() {
            let text = "URN,EstablishmentName,TypeOfEstablishment (name),EstablishmentStatus (name),Easting,Northing\n\
                        107915,A School,Community school,Open,431468,438212\n";
            let (records, report) = read(text);
            let r = &records[0];
            assert_eq!((r.ages, r.gender, r.needs, r.resourced_provision, r.la), (None, None, None, None, None));
            assert!(report.warnings.is_empty());
        }

        #[test]
        fn an_empty_file_is_an_error() {
            assert!(matches!(read_gias("empty.csv", b""), Err(Error::Csv { .. })));
        }

        #[test]
        fn a_header_alone_reads_no_rows() {
            let (records, report) = read(&csv(&[]));
            assert!(records.is_empty());
            assert_eq!(report.rows_read, 0);
        }
    }

    mod status {
        use super::*;

        #[test]
        fn open_is_kept() {
            assert_eq!(accepted(&[]).0.status, Status::Open);
        }

        #[test]
        fn open_but_proposed_to_close_is_kept_and_flagged() {
            let (r, _) = accepted(&[("EstablishmentStatus (name)", "Open, but proposed to close")]);
            assert_eq!(r.status, Status::OpenProposedToClose);
        }

        #[test]
        fn closed_is_filtered_as_closed() {
            let issue = only_filtered(&[("EstablishmentStatus (name)", "Closed")]);
            assert_eq!(issue.reason, "closed");
            assert_eq!((issue.row, issue.urn), (2, Some(107915)));
            assert_eq!(issue.column.as_deref(), Some("EstablishmentStatus (name)"));
        }

        #[test]
        fn proposed_to_open_is_filtered_as_not_yet_open() {
            assert_eq!(only_filtered(&[("EstablishmentStatus (name)", "Proposed to open")]).reason, "not yet open");
        }

        #[test]
        fn a_closed_row_is_not_checked_further() {
            let issue = only_filtered(&[
                ("EstablishmentStatus (name)", "Closed"),
                ("Easting", "garbage"),
                ("EstablishmentName", ""),
            ]);
            assert_eq!(issue.reason, "closed");
        }

        #[test]
        fn an_unknown_or_blank_status_is_rejected() {
            let issue = only_rejected(&[("EstablishmentStatus (name)", "Suspended")]);
            assert_eq!(issue.column.as_deref(), Some("EstablishmentStatus (name)"));
            assert!(issue.reason.contains("\"Suspended\""), "{}", issue.reason);
            assert_eq!(only_rejected(&[("EstablishmentStatus (name)", "")]).reason, "no establishment status");
        }
    }

    mod kinds {
        use super::*;

        #[test]
        fn kind_comes_from_the_establishment_type() {
            let (r, _) = accepted(&[("TypeOfEstablishment (name)", "Academy special sponsor led")]);
            assert_eq!(
                (r.kind, r.establishment_type.as_str()),
                (ProvisionKind::Special, "Academy special sponsor led")
            );
        }

        #[test]
        fn types_this_tool_does_not_list_are_filtered_with_the_type_named() {
            let issue = only_filtered(&[("TypeOfEstablishment (name)", "Higher education institutions")]);
            assert_eq!(
                issue.reason,
                "type \"Higher education institutions\" is not a school placement this tool lists"
            );
            assert_eq!(issue.column.as_deref(), Some("TypeOfEstablishment (name)"));
        }

        #[test]
        fn a_blank_type_is_rejected() {
            assert_eq!(only_rejected(&[("TypeOfEstablishment (name)", "")]).reason, "no establishment type");
        }
    }

    mod identity {
        use super::*;

        #[test]
        fn urn_must_be_a_whole_number_above_zero() {
            for bad in ["abc", "0", "-5", "12.5", "99999999999"] {
                let issue = only_rejected(&[("URN", bad)]);
                assert_eq!((issue.column.as_deref(), issue.urn), (Some("URN"), None), "{bad}");
            }
            assert_eq!(only_rejected(&[("URN", "")]).reason, "no URN");
        }

        #[test]
        fn an_empty_name_is_rejected_with_the_urn() {
            let issue = only_rejected(&[("EstablishmentName", "  ")]);
            assert_eq!((issue.column.as_deref(), issue.urn), (Some("EstablishmentName"), Some(107915)));
            assert_eq!(issue.reason, "no establishment name");
        }

        #[test]
        fn rows_are_numbered_from_two_after_the_header() {
            let (_, report) = read(&csv(&[&[], &[("URN", "x")], &[], &[("EstablishmentStatus (name)", "Closed")]]));
            assert_eq!(report.rejected[0].row, 3);
            assert_eq!(report.filtered[0].row, 5);
            assert_eq!((report.rows_read, report.accepted), (4, 2));
        }
    }

    mod location {
        use super::*;

        #[test]
        fn easting_and_northing_become_wgs84() {
            let (r, _) = accepted(&[]);
            // OS Code-Point Open puts the school's postcode, LS17 6QP, 6 m away at
            // 431462, 438214 = 53.83923, -1.52336.
            let d = r.location.distance_m(LatLon { lat: 53.83923, lon: -1.52336 });
            assert!(d < 15.0, "{:?} is {d:.1} m from LS17 6QP", r.location);
        }

        #[test]
        fn blank_location_is_filtered_before_an_unlisted_type() {
            // The British school overseas row of the GIAS fixture: blank E/N, LA code 0.
            let issue = only_filtered(&[
                ("TypeOfEstablishment (name)", "British schools overseas"),
                ("Easting", ""),
                ("Northing", ""),
                ("LA (code)", "0"),
            ]);
            assert_eq!(issue.reason, FILTERED_NO_LOCATION);
        }

        #[test]
        fn zero_zero_means_not_recorded() {
            assert_eq!(only_filtered(&[("Easting", "0"), ("Northing", "0")]).reason, FILTERED_NO_LOCATION);
        }

        #[test]
        fn non_numeric_values_are_rejected_naming_the_column() {
            let issue = only_rejected(&[("Easting", "43l468")]);
            assert_eq!(issue.column.as_deref(), Some("Easting"));
            assert_eq!(issue.reason, "Easting \"43l468\" is not a number of metres");
            assert_eq!(only_rejected(&[("Northing", "NaN")]).column.as_deref(), Some("Northing"));
        }

        #[test]
        fn half_a_location_is_rejected() {
            let issue = only_rejected(&[("Northing", "")]);
            assert_eq!(issue.column.as_deref(), Some("Northing"));
            assert_eq!(issue.reason, "Northing is blank but Easting is recorded");
        }

        #[test]
        fn points_off_the_grid_or_outside_great_britain_are_rejected() {
            assert_eq!(only_rejected(&[("Northing", "99999999")]).column.as_deref(), Some("Northing"));
            assert_eq!(only_rejected(&[("Easting", "-99999999")]).column.as_deref(), Some("Easting"));
            let issue = only_rejected(&[("Easting", "-90000"), ("Northing", "-90000")]);
            assert!(issue.reason.contains("outside Great Britain"), "{}", issue.reason);
        }
    }

    mod ages {
        use super::*;

        #[test]
        fn statutory_ages_are_kept() {
            let (r, _) = accepted(&[("StatutoryLowAge", "2"), ("StatutoryHighAge", "19")]);
            assert_eq!(r.ages, Some(AgeRange { low: 2, high: 19, basis: AgeBasis::Statutory }));
        }

        #[test]
        fn blank_ages_are_unrecorded_without_a_warning() {
            let (r, warnings) = accepted(&[("StatutoryLowAge", ""), ("StatutoryHighAge", "")]);
            assert_eq!(r.ages, None);
            assert!(warnings.is_empty());
        }

        #[test]
        fn unreadable_ages_keep_the_row_and_warn() {
            for (low, high, column) in [
                ("11", "4", "StatutoryLowAge"),
                ("three", "11", "StatutoryLowAge"),
                ("3", "300", "StatutoryHighAge"),
                ("3", "", "StatutoryHighAge"),
            ] {
                let (r, warnings) = accepted(&[("StatutoryLowAge", low), ("StatutoryHighAge", high)]);
                assert_eq!(r.ages, None, "{low}-{high}");
                assert_eq!(warnings.len(), 1, "{low}-{high}");
                assert_eq!(
                    (warnings[0].column.as_deref(), warnings[0].row, warnings[0].urn),
                    (Some(column), 2, Some(107915))
                );
                assert!(warnings[0].reason.ends_with("the age range is left unrecorded"), "{}", warnings[0].reason);
            }
        }
    }

    mod needs {
        use super::*;

        #[test]
        fn keyed_on_the_abbreviation_in_any_column() {
            let (r, _) = accepted(&[
                ("SEN1 (name)", "PMLD - Profound and Multiple Learning Difficulty"),
                ("SEN3 (name)", "HI - Hearing Impairment"),
            ]);
            assert_eq!(r.needs, Some(NeedSet::EMPTY.with(Need::PMLD).with(Need::HI)));
        }

        #[test]
        fn not_applicable_in_sen1_does_not_hide_later_columns() {
            let (r, warnings) =
                accepted(&[("SEN1 (name)", "Not Applicable"), ("SEN2 (name)", "SpLD - Specific Learning Difficulty")]);
            assert_eq!(r.needs, Some(NeedSet::EMPTY.with(Need::SpLD)));
            assert!(warnings.is_empty());
        }

        #[test]
        fn the_census_spelling_spld_is_read() {
            assert_eq!(accepted(&[("SEN2 (name)", "SPLD")]).0.needs, Some(NeedSet::EMPTY.with(Need::SpLD)));
        }

        #[test]
        fn none_recorded_is_none_not_an_empty_set() {
            assert_eq!(accepted(&[("SEN1 (name)", "Not Applicable")]).0.needs, None);
        }

        #[test]
        fn an_unknown_label_warns_and_keeps_the_others() {
            let (r, warnings) =
                accepted(&[("SEN1 (name)", "ASD - Autistic Spectrum Disorder"), ("SEN2 (name)", "DYS - Dyslexia")]);
            assert_eq!(r.needs, Some(NeedSet::EMPTY.with(Need::ASD)));
            assert_eq!(warnings[0].column.as_deref(), Some("SEN2 (name)"));
        }

        #[test]
        fn sen_columns_beyond_thirteen_are_read_too() {
            let text = "URN,EstablishmentName,TypeOfEstablishment (name),EstablishmentStatus (name),Easting,Northing,SEN14 (name),SENPRU (name)\n\
                        107915,A School,Community special school,Open,431468,438212,VI - Visual Impairment,Yes\n";
            assert_eq!(read(text).0[0].needs, Some(NeedSet::EMPTY.with(Need::VI)));
        }
    }

    mod places {
        use super::*;

        fn census() -> Option<Date> {
            Date::new(2022, 1, 20)
        }

        #[test]
        fn resourced_provision_takes_its_own_figures_and_the_census_date() {
            let (r, _) = accepted(&[
                ("TypeOfResourcedProvision (name)", "Resourced provision"),
                ("ResourcedProvisionOnRoll", "12"),
                ("ResourcedProvisionCapacity", "16"),
                ("SenUnitOnRoll", "99"),
            ]);
            assert_eq!(r.resourced_provision, Some(Places { capacity: Some(16), on_roll: Some(12), as_of: census() }));
            assert_eq!(r.sen_unit, None);
        }

        #[test]
        fn sen_unit_takes_its_own_figures() {
            let (r, _) = accepted(&[
                ("TypeOfResourcedProvision (name)", "SEN unit"),
                ("SenUnitOnRoll", "50"),
                ("SenUnitCapacity", "50"),
            ]);
            assert_eq!(r.sen_unit, Some(Places { capacity: Some(50), on_roll: Some(50), as_of: census() }));
            assert_eq!(r.resourced_provision, None);
        }

        #[test]
        fn both_are_recorded_when_the_school_has_both() {
            let (r, _) = accepted(&[
                ("TypeOfResourcedProvision (name)", "Resourced provision and SEN unit"),
                ("ResourcedProvisionCapacity", "12"),
                ("SenUnitCapacity", "8"),
            ]);
            assert_eq!(r.resourced_provision.and_then(|p| p.capacity), Some(12));
            assert_eq!(r.sen_unit.and_then(|p| p.capacity), Some(8));
        }

        #[test]
        fn not_applicable_means_neither_whatever_the_figures() {
            let (r, _) = accepted(&[
                ("TypeOfResourcedProvision (name)", "Not applicable"),
                ("ResourcedProvisionCapacity", "12"),
            ]);
            assert_eq!((r.resourced_provision, r.sen_unit), (None, None));
        }

        #[test]
        fn the_date_falls_back_to_last_changed_and_is_absent_without_figures() {
            let (r, _) = accepted(&[
                ("TypeOfResourcedProvision (name)", "Resourced provision"),
                ("CensusDate", ""),
                ("ResourcedProvisionCapacity", "8"),
            ]);
            assert_eq!(r.resourced_provision.and_then(|p| p.as_of), Date::new(2023, 5, 10));
            let (r, _) = accepted(&[("TypeOfResourcedProvision (name)", "Resourced provision")]);
            assert_eq!(r.resourced_provision, Some(Places { capacity: None, on_roll: None, as_of: None }));
        }

        #[test]
        fn unreadable_figures_warn() {
            let (r, warnings) =
                accepted(&[("TypeOfResourcedProvision (name)", "SEN unit"), ("SenUnitCapacity", "lots")]);
            assert_eq!(r.sen_unit.and_then(|p| p.capacity), None);
            assert_eq!(warnings[0].column.as_deref(), Some("SenUnitCapacity"));
        }
    }

    mod fields {
        use super::*;

        #[test]
        fn gender_of_entry() {
            assert_eq!(accepted(&[("Gender (name)", "Girls")]).0.gender, Some(Gender::Girls));
            assert_eq!(accepted(&[("Gender (name)", "Not applicable")]).0.gender, None);
            let (r, warnings) = accepted(&[("Gender (name)", "Co-ed")]);
            assert_eq!((r.gender, warnings.len()), (None, 1));
        }

        #[test]
        fn boarding_school_means_takes_boarders() {
            assert_eq!(accepted(&[("Boarders (name)", "No boarders")]).0.boarding, Some(Boarding::NoBoarders));
            assert_eq!(accepted(&[("Boarders (name)", "Boarding school")]).0.boarding, Some(Boarding::SomeBoarders));
            assert_eq!(accepted(&[("Boarders (name)", "Not applicable")]).0.boarding, None);
            assert_eq!(accepted(&[("Boarders (name)", "")]).0.boarding, None);
        }

        #[test]
        fn religious_character_none_and_does_not_apply_are_unrecorded() {
            for none in ["Does not apply", "None", ""] {
                assert_eq!(accepted(&[("ReligiousCharacter (name)", none)]).0.religious_character, None, "{none}");
            }
            let r = accepted(&[("ReligiousCharacter (name)", "Roman Catholic")]).0;
            assert_eq!(r.religious_character.as_deref(), Some("Roman Catholic"));
        }

        #[test]
        fn section_41_approval() {
            assert_eq!(accepted(&[("Section41Approved (name)", "Approved")]).0.section41, Some(true));
            assert_eq!(accepted(&[("Section41Approved (name)", "Not approved")]).0.section41, Some(false));
            assert_eq!(accepted(&[("Section41Approved (name)", "Not applicable")]).0.section41, None);
        }

        #[test]
        fn la_code_zero_is_does_not_apply() {
            let r = accepted(&[("LA (code)", "0"), ("LA (name)", "Does not apply")]).0;
            assert_eq!((r.la, r.la_name), (None, None));
        }

        #[test]
        fn website_postcode_and_counts() {
            let r = accepted(&[("SchoolWebsite", "  "), ("Postcode", " ls17  6qp "), ("NumberOfPupils", "271")]).0;
            assert_eq!(r.website, None);
            assert_eq!(r.postcode.as_deref(), Some("LS17 6QP"));
            assert_eq!((r.pupils, r.capacity), (Some(271), Some(450)));
            let (r, warnings) = accepted(&[("Postcode", "Dubai")]);
            assert_eq!(r.postcode.as_deref(), Some("Dubai"));
            assert_eq!(warnings[0].column.as_deref(), Some("Postcode"));
        }

        #[test]
        fn gias_dates() {
            let r = accepted(&[]).0;
            assert_eq!((r.census_date, r.last_changed), (Date::new(2022, 1, 20), Date::new(2023, 5, 10)));
            let (r, warnings) = accepted(&[("CensusDate", "31-02-2022")]);
            assert_eq!((r.census_date, warnings[0].column.as_deref()), (None, Some("CensusDate")));
        }

        #[test]
        fn quoted_fields_keep_commas_quotes_and_line_breaks() {
            let r = accepted(&[(
                "EstablishmentName",
                "St John's Catholic Specialist School, Boston Spa \"SJ\"\nLower site",
            )])
            .0;
            assert_eq!(r.name, "St John's Catholic Specialist School, Boston Spa \"SJ\"\nLower site");
        }
    }

    mod robustness {
        use super::*;

        #[test]
        fn a_short_row_is_rejected_with_the_field_counts() {
            let text = csv(&[&[]]) + "107916,Cut Short School,Open\r\n";
            let (records, report) = read(&text);
            assert_eq!(records.len(), 1);
            let issue = &report.rejected[0];
            assert_eq!((issue.row, issue.column.as_deref()), (3, None));
            assert!(issue.reason.starts_with("the row has 3 fields but the header has 29"), "{}", issue.reason);
        }

        #[test]
        fn a_blank_trailing_field_is_tolerated_but_real_extra_fields_are_not() {
            let good = csv(&[&[]]);
            let trailing = good.replace("\"438212\"\r\n", "\"438212\",\r\n");
            assert_eq!(read(&trailing).0.len(), 1);
            let extra = good.replace("\"438212\"\r\n", "\"438212\",\"surprise\"\r\n");
            assert_eq!(read(&extra).1.rejected.len(), 1);
        }

        #[test]
        fn lf_and_crlf_read_the_same() {
            let crlf = csv(&[&[], &[("URN", "107916")]]);
            assert_eq!(read(&crlf).0, read(&crlf.replace("\r\n", "\n")).0);
        }

        #[test]
        fn every_truncation_of_a_file_reads_or_fails_cleanly() {
            let text = csv(&[
                &[("SEN1 (name)", "ASD - Autistic Spectrum Disorder")],
                &[("EstablishmentStatus (name)", "Closed")],
                &[],
            ]);
            for end in 0..=text.len() {
                if let Ok((records, report)) = read_gias("cut.csv", &text.as_bytes()[..end]) {
                    assert!(report.is_balanced(), "cut at {end}: {report:?}");
                    assert!(records.len() <= 2);
                }
            }
        }

        proptest::proptest! {
            #[test]
            fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
                if let Ok((_, report)) = read_gias("fuzz.csv", &bytes) {
                    proptest::prop_assert!(report.is_balanced());
                }
            }

            #[test]
            fn arbitrary_rows_under_a_real_header_never_panic(body in "[0-9A-Za-z ,\"\r\n-]{0,300}") {
                let text = HEADER.join(",") + "\n" + &body;
                let (_, report) = read_gias("fuzz.csv", text.as_bytes()).expect("the header is complete");
                proptest::prop_assert!(report.is_balanced());
            }
        }
    }
}
