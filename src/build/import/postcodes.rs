//! OS Code-Point Open units → postcode area shards (see [`crate::engine::postcode`]).
//!
//! Input: the GB units CSV (`postcode,pq,easting,northing,country_code,admin_county_code,
//! admin_district_code,admin_ward_code`), decompressed by the caller. Every row ends up in
//! exactly one place: a unit in England with a position is accepted; a unit in Wales or Scotland,
//! or one without coordinates (`pq` 90), is filtered; anything unreadable is rejected, with its row
//! number. Units outside England are still remembered where they share an area with England, so
//! the lookup can say "that postcode is in Wales" rather than guess an English sector.
//!
//! Positions: British National Grid → WGS84 with [`crate::bng`]. Sector and district centroids
//! are the mean easting and northing of their English units, converted the same way. Education
//! authority: the unit's county code when it has one (two-tier shire areas), else its district
//! code, through the DfE ↔ GSS [`LaLookup`]; a centroid takes the authority of most of its units.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::Path;

use crate::bng::bng_to_wgs84;
use crate::build::import::la::LaLookup;
use crate::build::import::{
    overlong_field, overlong_field_reason, too_many_columns, too_many_rows, ImportReport, RowIssue,
};
use crate::engine::postcode::{
    majority, shard_file_name, AreaIndex, District, InwardCode, Jurisdiction, OutsideArea, OutsideUnit, Place,
    PostcodeShard, Sector, Unit, AREA_INDEX_FILE_NAME, INWARD_CODES,
};
use crate::error::{Error, Result};
use crate::limits::{MAX_COLUMNS, MAX_POSTCODE_ROWS};
use crate::model::{area_of, Postcode};

/// ONS country code of England.
const ENGLAND: &str = "E92000001";

/// OS positional quality: "no coordinates" (easting and northing are 0).
const PQ_NO_COORDINATES: u8 = 90;

/// The columns read, by header name.
const COLUMNS: [&str; 7] =
    ["postcode", "pq", "easting", "northing", "country_code", "admin_county_code", "admin_district_code"];

/// What [`build_postcode_shards`] makes.
#[derive(Clone, Debug, PartialEq)]
pub struct BuiltPostcodes {
    /// One shard per postcode area with any unit in England, sorted by area.
    pub shards: Vec<PostcodeShard>,
    /// The `index.json` for the page.
    pub index: AreaIndex,
    /// Accepted units whose county/district code maps to no education authority, counted by
    /// that code (`""` when the row has none: mostly large-user postcodes with an imputed
    /// position). They are kept, with no authority.
    pub units_without_la: BTreeMap<String, u32>,
}

/// Builds every England postcode area shard from the Code-Point Open GB units CSV.
///
/// `source` names the input in the report (a file name); `data_date` (e.g. `2025-10`) is written
/// into every shard and the index. Errors only when the input cannot be read at all, lacks a
/// column, or has more than [`MAX_POSTCODE_ROWS`] rows or [`MAX_COLUMNS`] columns; bad rows
/// (including one with a field over [`MAX_FIELD_BYTES`](crate::limits::MAX_FIELD_BYTES)) are in the report.
pub fn build_postcode_shards(
    csv: impl Read,
    source: &str,
    data_date: &str,
    las: &LaLookup,
) -> Result<(BuiltPostcodes, ImportReport)> {
    let csv_error = |e: csv::Error| Error::Csv { file: source.to_string(), reason: e.to_string() };
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(csv);
    let headers = reader.byte_headers().map_err(csv_error)?.clone();
    if headers.len() > MAX_COLUMNS {
        return Err(too_many_columns(source, headers.len()));
    }
    let mut col = [0usize; COLUMNS.len()];
    for (slot, name) in col.iter_mut().zip(COLUMNS) {
        // The first header may carry a UTF-8 byte order mark.
        let found =
            headers.iter().position(|h| h.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(h).trim_ascii() == name.as_bytes());
        *slot = found.ok_or_else(|| Error::MissingColumn { file: source.to_string(), column: name.to_string() })?;
    }
    let [c_postcode, c_pq, c_easting, c_northing, c_country, c_county, c_district] = col;

    let mut report = ImportReport::new(source);
    let mut districts: Vec<DistrictAcc> = Vec::new();
    let mut district_ids: HashMap<String, usize> = HashMap::new();
    let mut units_without_la: BTreeMap<String, u32> = BTreeMap::new();
    let mut record = csv::ByteRecord::new();
    while reader.read_byte_record(&mut record).map_err(csv_error)? {
        if report.rows_read == MAX_POSTCODE_ROWS {
            return Err(too_many_rows(source, MAX_POSTCODE_ROWS, "MAX_POSTCODE_ROWS"));
        }
        report.rows_read += 1;
        // Rows as a spreadsheet numbers them, the header being row 1. (Not the reader's line:
        // with CRLF line ends that is still the previous line when a record starts.)
        let row = report.rows_read + 1;
        let issue = |column: Option<&str>, reason: String| RowIssue {
            row,
            column: column.map(str::to_string),
            urn: None,
            reason,
        };
        if let Some((index, length)) = overlong_field(record.iter().map(<[u8]>::len)) {
            let column = headers.get(index).map(|h| String::from_utf8_lossy(h).trim().to_string());
            report.rejected.push(RowIssue { column, ..issue(None, overlong_field_reason(length)) });
            continue;
        }
        if record.len() != headers.len() {
            report.rejected.push(issue(None, format!("expected {} fields, found {}", headers.len(), record.len())));
            continue;
        }
        let field = |i: usize| std::str::from_utf8(&record[i]).map(str::trim).unwrap_or("\u{fffd}");

        let postcode = match Postcode::parse(field(c_postcode)) {
            Ok(p) => p,
            Err(e) => {
                report.rejected.push(issue(Some("postcode"), e.to_string()));
                continue;
            }
        };
        let Some(inward) = InwardCode::parse(postcode.inward()) else {
            // A parsed postcode always has an inward code of this shape.
            report.rejected.push(issue(Some("postcode"), format!("{postcode}: unreadable inward code")));
            continue;
        };
        let id = match district_ids.get(postcode.outcode()) {
            Some(id) => *id,
            None => {
                districts.push(DistrictAcc::new(postcode.outcode()));
                district_ids.insert(postcode.outcode().to_string(), districts.len() - 1);
                districts.len() - 1
            }
        };
        let district = &mut districts[id];
        if let Some(first) = district.first_row(inward) {
            report.rejected.push(issue(Some("postcode"), format!("{postcode} is listed twice: also at row {first}")));
            continue;
        }
        district.mark(inward, row);

        let country = field(c_country);
        if country != ENGLAND {
            match Jurisdiction::from_country_code(country) {
                Some(j) => {
                    district.outside.push(OutsideUnit { inward, jurisdiction: j });
                    report.filtered.push(issue(Some("country_code"), format!("outside England ({})", j.name())));
                }
                None => report.rejected.push(issue(
                    Some("country_code"),
                    format!("{country:?} is not a country code of England, Wales or Scotland"),
                )),
            }
            continue;
        }
        let pq = match field(c_pq).parse::<u8>() {
            Ok(PQ_NO_COORDINATES) => {
                report.filtered.push(issue(Some("pq"), "no coordinates (positional quality 90)".into()));
                continue;
            }
            Ok(pq) => pq,
            Err(_) => {
                report
                    .rejected
                    .push(issue(Some("pq"), format!("{:?} is not a positional quality number", field(c_pq))));
                continue;
            }
        };
        let (Ok(easting_m), Ok(northing_m)) = (field(c_easting).parse::<f64>(), field(c_northing).parse::<f64>())
        else {
            let shown = format!("{:?}, {:?}", field(c_easting), field(c_northing));
            report.rejected.push(issue(Some("easting"), format!("easting/northing {shown} are not numbers")));
            continue;
        };
        let location = bng_to_wgs84(easting_m, northing_m).filter(|p| p.is_in_great_britain_box());
        let Some(location) = location else {
            let reason = format!("easting {easting_m}, northing {northing_m} (pq {pq}) is not in Great Britain");
            report.rejected.push(issue(Some("easting"), reason));
            continue;
        };
        let gss = match field(c_county) {
            "" => field(c_district),
            county => county,
        };
        let la = las.by_gss(gss);
        if la.is_none() {
            *units_without_la.entry(gss.to_string()).or_default() += 1;
        }
        district.units.push(UnitAcc { unit: Unit { inward, location, la }, easting_m, northing_m });
        report.accepted += 1;
    }

    // Group districts into areas; `BTreeMap` keeps areas and districts in order.
    let mut areas: BTreeMap<String, Vec<DistrictAcc>> = BTreeMap::new();
    for d in districts {
        areas.entry(area_of(&d.outcode).to_string()).or_default().push(d);
    }
    let mut shards = Vec::new();
    let mut outside_areas = Vec::new();
    for (area, accs) in areas {
        let districts: Vec<District> = accs.into_iter().filter_map(DistrictAcc::finish).collect();
        if districts.iter().any(|d| !d.units.is_empty()) {
            shards.push(PostcodeShard::new(&area, data_date, districts)?);
        } else if let Some(jurisdiction) = majority(districts.iter().filter_map(|d| d.wholly_outside)) {
            outside_areas.push(OutsideArea { area, jurisdiction });
        }
    }
    let index = AreaIndex::new("OS Code-Point Open", data_date, attribution(data_date), &shards, outside_areas);
    Ok((BuiltPostcodes { shards, index, units_without_la }, report))
}

/// The attribution lines Code-Point Open requires, for data of `data_date` (`2025-10`).
pub fn attribution(data_date: &str) -> Vec<String> {
    let year = data_date.get(..4).filter(|y| y.bytes().all(|b| b.is_ascii_digit())).unwrap_or(data_date);
    vec![
        format!("Contains OS data © Crown copyright and database right {year}"),
        format!("Contains Royal Mail data © Royal Mail copyright and database right {year}"),
        format!("Contains National Statistics data © Crown copyright and database right {year}"),
    ]
}

/// A file written by [`write_postcode_dir`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WrittenFile {
    pub name: String,
    pub bytes: usize,
}

/// Writes every shard (`LS.bin`) and the index (`index.json`) into `dir`, creating it.
pub fn write_postcode_dir(dir: &Path, built: &BuiltPostcodes) -> Result<Vec<WrittenFile>> {
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source| Error::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let mut written = Vec::with_capacity(built.shards.len() + 1);
    let files = built
        .shards
        .iter()
        .map(|s| (shard_file_name(s.area()), s.encode()))
        .chain(std::iter::once((AREA_INDEX_FILE_NAME.to_string(), built.index.to_json().into_bytes())));
    for (name, bytes) in files {
        let path = dir.join(&name);
        std::fs::write(&path, &bytes).map_err(io(&path))?;
        written.push(WrittenFile { name, bytes: bytes.len() });
    }
    Ok(written)
}

struct UnitAcc {
    unit: Unit,
    easting_m: f64,
    northing_m: f64,
}

/// Rows of one district as they are read.
struct DistrictAcc {
    outcode: String,
    units: Vec<UnitAcc>,
    outside: Vec<OutsideUnit>,
    /// Inward codes seen, one bit each (845 bytes a district), to catch a postcode listed twice.
    seen: Vec<u64>,
    /// Every row read for the district, to name the first one when a postcode comes again.
    rows: Vec<(InwardCode, u64)>,
}

impl DistrictAcc {
    fn new(outcode: &str) -> DistrictAcc {
        DistrictAcc {
            outcode: outcode.to_string(),
            units: Vec::new(),
            outside: Vec::new(),
            seen: vec![0; usize::from(INWARD_CODES).div_ceil(64)],
            rows: Vec::new(),
        }
    }

    /// The row that already had this inward code, if any.
    fn first_row(&self, inward: InwardCode) -> Option<u64> {
        let i = usize::from(inward.packed());
        if self.seen[i / 64] & (1 << (i % 64)) == 0 {
            return None;
        }
        self.rows.iter().find(|(code, _)| *code == inward).map(|(_, row)| *row)
    }

    fn mark(&mut self, inward: InwardCode, row: u64) {
        let i = usize::from(inward.packed());
        self.seen[i / 64] |= 1 << (i % 64);
        self.rows.push((inward, row));
    }

    /// The district as stored: `None` when it has nothing to store (every row without
    /// coordinates, or rejected).
    fn finish(self) -> Option<District> {
        let DistrictAcc { outcode, mut units, mut outside, .. } = self;
        if units.is_empty() {
            let wholly_outside = majority(outside.iter().map(|o| o.jurisdiction))?;
            return Some(District {
                outcode,
                centroid: None,
                sectors: vec![],
                units: vec![],
                outside_england: vec![],
                wholly_outside: Some(wholly_outside),
            });
        }
        units.sort_by_key(|u| u.unit.inward);
        outside.sort_by_key(|o| o.inward);
        let sectors = units
            .chunk_by(|a, b| a.unit.inward.sector_digit() == b.unit.inward.sector_digit())
            .filter_map(|run| Some(Sector { digit: run[0].unit.inward.sector_digit(), centroid: centroid(run)? }))
            .collect();
        Some(District {
            centroid: centroid(&units),
            outcode,
            sectors,
            units: units.into_iter().map(|u| u.unit).collect(),
            outside_england: outside,
            wholly_outside: None,
        })
    }
}

/// Mean easting and northing → WGS84, and the authority of most units.
fn centroid(units: &[UnitAcc]) -> Option<Place> {
    let n = units.len() as f64;
    let easting_m = units.iter().map(|u| u.easting_m).sum::<f64>() / n;
    let northing_m = units.iter().map(|u| u.northing_m).sum::<f64>() / n;
    Some(Place { location: bng_to_wgs84(easting_m, northing_m)?, la: majority(units.iter().map(|u| u.unit.la))? })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LaCode, PostcodePrecision};

    const HEADER: &str =
        "postcode,pq,easting,northing,country_code,admin_county_code,admin_district_code,admin_ward_code\n";

    fn las() -> LaLookup {
        crate::build::import::la::read_la_lookup(
            b"dfe_la_code,dfe_la_name,gss_code_codepoint_2025,ctyua23cd\n\
              383,Leeds,E08000035,E08000035\n\
              936,Surrey,E10000030,E10000030\n",
        )
        .unwrap()
    }

    fn build(rows: &str) -> (BuiltPostcodes, ImportReport) {
        build_postcode_shards(format!("{HEADER}{rows}").as_bytes(), "test.csv", "2025-10", &las()).unwrap()
    }

    fn pc(text: &str) -> Postcode {
        Postcode::parse(text).unwrap()
    }

    mod rows {
        use super::*;

        #[test]
        fn every_row_is_accounted_for_with_its_number() {
            let (built, report) = build(
                "LS6 2AB,10,428256,436300,E92000001,,E08000035,E05011397\n\
                 EH1 1AA,10,325719,673811,S92000003,,S12000036,S13002928\n\
                 LS6 2ZZ,90,0,0,E92000001,,E08000035,E05011397\n\
                 not a postcode,10,1,1,E92000001,,E08000035,\n\
                 LS6 2AB,10,428256,436300,E92000001,,E08000035,E05011397\n\
                 LS6 2AD,10,east,436144,E92000001,,E08000035,E05011397\n\
                 LS6 2AE,ten,428157,436192,E92000001,,E08000035,E05011397\n\
                 LS6 2AF,10,427950,436142,X92000001,,E08000035,E05011397\n\
                 LS6 2AG,10,427950\n\
                 LS6 2AH,10,9999999,436142,E92000001,,E08000035,E05011397\n",
            );
            assert!(report.is_balanced(), "{}", report.summary());
            assert_eq!((report.rows_read, report.accepted), (10, 1));
            let filtered: Vec<(u64, &str)> = report.filtered.iter().map(|i| (i.row, i.reason.as_str())).collect();
            assert_eq!(filtered, [(3, "outside England (Scotland)"), (4, "no coordinates (positional quality 90)")]);
            let rejected: Vec<(u64, Option<&str>)> =
                report.rejected.iter().map(|i| (i.row, i.column.as_deref())).collect();
            assert_eq!(
                rejected,
                [
                    (5, Some("postcode")),
                    (6, Some("postcode")),
                    (7, Some("easting")),
                    (8, Some("pq")),
                    (9, Some("country_code")),
                    (10, None),
                    (11, Some("easting")),
                ]
            );
            assert!(report.rejected[1].reason.contains("also at row 2"), "{:?}", report.rejected[1]);
            assert_eq!(built.shards.len(), 1);
            assert_eq!(
                built.index.outside_england.iter().find(|o| o.area == "EH").unwrap().jurisdiction,
                Jurisdiction::Scotland
            );
        }

        #[test]
        fn a_missing_column_is_named() {
            let err = build_postcode_shards(&b"postcode,pq,easting\n"[..], "x.csv", "2025-10", &las()).unwrap_err();
            assert!(matches!(err, Error::MissingColumn { column, .. } if column == "northing"));
        }
    }

    #[test]
    fn rows_are_numbered_the_same_with_crlf_line_ends() {
        // Found by the import property tests: with CRLF, every row was numbered one too low.
        let rows = "not a postcode,10,1,1,E92000001,,E08000035,\nLS6 2AB,10,428256,436300,E92000001,,E08000035,\n\
                    LS6 2AB,10,428256,436300,E92000001,,E08000035,\n";
        let crlf = format!("{HEADER}{rows}").replace('\n', "\r\n");
        let (_, report) = build_postcode_shards(crlf.as_bytes(), "t.csv", "2025-10", &las()).unwrap();
        let rejected: Vec<u64> = report.rejected.iter().map(|i| i.row).collect();
        assert_eq!(rejected, [2, 4]);
        assert!(report.rejected[1].reason.ends_with("also at row 3"), "{}", report.rejected[1].reason);
    }

    mod authorities {
        use super::*;

        #[test]
        fn county_code_first_then_district() {
            let (built, _) = build(
                "GU1 1AA,10,499600,149700,E92000001,E10000030,E07000209,E05007340\n\
                 LS6 2AB,10,428256,436300,E92000001,,E08000035,E05011397\n\
                 N1P 1AA,60,531000,184000,E92000001,,,\n",
            );
            let la = |p: &str, shard: usize| built.shards[shard].lookup(&pc(p)).unwrap().la;
            assert_eq!(la("GU1 1AA", 0), Some(LaCode(936)));
            assert_eq!(la("LS6 2AB", 1), Some(LaCode(383)));
            assert_eq!(la("N1P 1AA", 2), None);
            assert_eq!(built.units_without_la, BTreeMap::from([(String::new(), 1)]));
        }
    }

    mod centroids {
        use super::*;

        #[test]
        fn are_the_mean_grid_position_and_the_majority_authority() {
            let (built, _) = build(
                "LS6 2AB,10,428000,436000,E92000001,,E08000035,\n\
                 LS6 2AD,10,428200,436000,E92000001,,E08000035,\n\
                 LS6 2AE,10,428100,436300,E92000001,,E99999999,\n",
            );
            let shard = &built.shards[0];
            let sector = shard.lookup(&pc("LS6 2XX")).unwrap();
            assert_eq!(sector.precision, PostcodePrecision::Sector);
            let expected = bng_to_wgs84(428_100.0, 436_100.0).unwrap();
            assert!(sector.location.distance_m(expected) < 1.0);
            assert_eq!(sector.la, Some(LaCode(383)));
            assert_eq!(shard.lookup(&pc("LS6 7AA")).unwrap().precision, PostcodePrecision::Outcode);
        }
    }

    mod outside_england {
        use super::*;

        #[test]
        fn welsh_units_in_an_english_area_are_named_not_guessed() {
            let (built, report) = build(
                "CH1 4AA,10,333000,366000,E92000001,,E06000050,\n\
                 CH1 4AB,10,332000,366000,W92000004,,W06000005,\n\
                 CH5 1AA,10,330000,367000,W92000004,,W06000005,\n",
            );
            assert_eq!(report.filtered.len(), 2);
            let shard = &built.shards[0];
            assert_eq!(shard.outside_unit_count(), 1);
            let err = |p: &str| shard.lookup(&pc(p)).unwrap_err().to_string();
            assert!(err("CH1 4AB").contains("is in Wales"));
            assert!(err("CH5 9ZZ").contains("is in Wales"), "a wholly Welsh district, even for an unknown unit");
            assert_eq!(shard.lookup(&pc("CH1 4ZZ")).unwrap().precision, PostcodePrecision::Sector);
        }
    }
}
