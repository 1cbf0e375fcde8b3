//! Readers for the GIAS-derived open datasets that make up the default England-wide dataset
//! (see `data/sources/PROVENANCE.md`). Each gives [`Facts`]: what that one source says about an
//! establishment, with everything it does not say left as `None`. Merging is done elsewhere.

use crate::build::import::{
    overlong_field, overlong_field_reason, text, too_many_columns, too_many_rows, Facts, ImportReport, Overlays,
    RowIssue,
};
use crate::error::{Error, Result};
use crate::limits::{MAX_COLUMNS, MAX_ROWS};
use crate::model::{AgeBasis, AgeRange, Gender, LaCode, LatLon, Need, NeedSet, Phase, Places, Status, Urn};
use std::collections::HashMap;

/// A CSV with its header resolved to column positions.
struct Table {
    headers: Vec<String>,
    records: Vec<(u64, csv::StringRecord)>,
}

impl Table {
    /// Reads the header and every row; a row that cannot be read, or with a field longer than
    /// [`MAX_FIELD_BYTES`](crate::limits::MAX_FIELD_BYTES), is rejected here.
    fn parse(file: &str, bytes: &[u8], report: &mut ImportReport) -> Result<Table> {
        text::check_csv_bytes(file, bytes)?;
        let text = text::decode(bytes);
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
        let header = reader.headers().map_err(|e| Error::Csv { file: file.into(), reason: e.to_string() })?;
        if header.len() > MAX_COLUMNS {
            return Err(too_many_columns(file, header.len()));
        }
        let headers: Vec<String> = header.iter().map(|h| h.trim().trim_start_matches('\u{feff}').to_string()).collect();
        let mut records = Vec::new();
        for (i, rec) in reader.records().enumerate() {
            if report.rows_read == MAX_ROWS {
                return Err(too_many_rows(file, MAX_ROWS, "MAX_ROWS"));
            }
            let row = i as u64 + 2;
            report.rows_read += 1;
            match rec {
                Ok(r) => match overlong_field(r.iter().map(str::len)) {
                    Some((index, length)) => report.rejected.push(RowIssue {
                        row,
                        column: headers.get(index).cloned(),
                        urn: None,
                        reason: overlong_field_reason(length),
                    }),
                    None => records.push((row, r)),
                },
                Err(e) => report.rejected.push(RowIssue {
                    row,
                    column: None,
                    urn: None,
                    reason: format!("unreadable CSV row: {e}"),
                }),
            }
        }
        Ok(Table { headers, records })
    }

    fn col(&self, file: &str, name: &str) -> Result<usize> {
        self.headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| Error::MissingColumn { file: file.into(), column: name.into() })
    }
}

fn cell(rec: &csv::StringRecord, i: usize) -> Option<&str> {
    rec.get(i).map(str::trim).filter(|s| !s.is_empty())
}

/// Reads a URN cell, or records the row as rejected.
fn urn_of(rec: &csv::StringRecord, i: usize, row: u64, column: &str, report: &mut ImportReport) -> Option<Urn> {
    match cell(rec, i).map(|s| s.parse::<u32>()) {
        Some(Ok(u)) if u > 0 => Some(Urn(u)),
        Some(_) => {
            report.rejected.push(RowIssue {
                row,
                column: Some(column.into()),
                urn: None,
                reason: format!("URN {:?} is not a positive whole number", cell(rec, i).unwrap_or("")),
            });
            None
        }
        None => {
            report.filtered.push(RowIssue {
                row,
                column: Some(column.into()),
                urn: None,
                reason: "no URN (not matched to a GIAS establishment)".into(),
            });
            None
        }
    }
}

/// Numbers written as `249.0` by spreadsheet round trips are accepted when whole.
fn whole_number(s: &str) -> Option<u32> {
    s.parse::<u32>().ok().or_else(|| s.parse::<f64>().ok().filter(|f| f.fract() == 0.0 && *f >= 0.0).map(|f| f as u32))
}

/// GIAS phase codes in the national coordinates file (P/S/N/6/A/MS/MP/X).
fn phase_from_code(code: &str) -> Option<Phase> {
    Some(match code {
        "P" => Phase::Primary,
        "S" => Phase::Secondary,
        "N" => Phase::Nursery,
        "6" => Phase::SixteenPlus,
        "A" => Phase::AllThrough,
        "MS" => Phase::MiddleDeemedSecondary,
        "MP" => Phase::MiddleDeemedPrimary,
        "X" => Phase::NotApplicable,
        _ => return None,
    })
}

fn website(s: Option<&str>) -> Option<String> {
    s.map(str::to_string)
}

/// National list of open establishments with coordinates (GIAS 2026-01-30).
/// Columns: `urn, name, phase_code, ofsted_rating_code, easting, northing, lat, lon`.
pub fn read_national_open(file: &str, bytes: &[u8]) -> Result<(Vec<Facts>, ImportReport)> {
    let mut report = ImportReport::new(file);
    let t = Table::parse(file, bytes, &mut report)?;
    let (c_urn, c_name, c_phase, c_lat, c_lon) = (
        t.col(file, "urn")?,
        t.col(file, "name")?,
        t.col(file, "phase_code")?,
        t.col(file, "lat")?,
        t.col(file, "lon")?,
    );
    let mut out = Vec::with_capacity(t.records.len());
    for (row, rec) in &t.records {
        let Some(urn) = urn_of(rec, c_urn, *row, "urn", &mut report) else {
            continue;
        };
        let lat = cell(rec, c_lat).and_then(|s| s.parse::<f64>().ok());
        let lon = cell(rec, c_lon).and_then(|s| s.parse::<f64>().ok());
        let Some(location) = lat.zip(lon).and_then(|(a, b)| LatLon::new(a, b)).filter(|p| p.is_in_great_britain_box())
        else {
            report.rejected.push(RowIssue {
                row: *row,
                column: Some("lat".into()),
                urn: Some(urn.0),
                reason: "latitude/longitude missing or outside Great Britain".into(),
            });
            continue;
        };
        report.accepted += 1;
        out.push(Facts {
            urn,
            name: cell(rec, c_name).map(str::to_string),
            phase: cell(rec, c_phase).and_then(phase_from_code),
            location: Some(location),
            ..Facts::default()
        });
    }
    Ok((out, report))
}

/// Every open special school in England with SEN types (GIAS 2026-05-12, transcribed).
/// Columns: `urn, name, type, la, lat, lon, primary_sen, also_caters_for, sen_types, capacity,
/// possibly_truncated, match, match_distance_m`. `la_by_name` maps an LA name to its code.
pub fn read_special_schools(
    file: &str,
    bytes: &[u8],
    la_by_name: &dyn Fn(&str) -> Option<LaCode>,
) -> Result<(Vec<Facts>, ImportReport)> {
    let mut report = ImportReport::new(file);
    let t = Table::parse(file, bytes, &mut report)?;
    let c = |n| t.col(file, n);
    let (c_urn, c_name, c_type, c_la, c_lat, c_lon, c_sen, c_cap, c_trunc) = (
        c("urn")?,
        c("name")?,
        c("type")?,
        c("la")?,
        c("lat")?,
        c("lon")?,
        c("sen_types")?,
        c("capacity")?,
        c("possibly_truncated")?,
    );
    let mut out = Vec::new();
    for (row, rec) in &t.records {
        let Some(urn) = urn_of(rec, c_urn, *row, "urn", &mut report) else {
            continue;
        };
        let mut needs = NeedSet::EMPTY;
        let mut unknown = Vec::new();
        for abbr in cell(rec, c_sen).unwrap_or("").split(';').map(str::trim).filter(|s| !s.is_empty()) {
            match Need::parse(abbr) {
                Some(n) => needs.insert(n),
                None => unknown.push(abbr.to_string()),
            }
        }
        if !unknown.is_empty() {
            report.warnings.push(RowIssue {
                row: *row,
                column: Some("sen_types".into()),
                urn: Some(urn.0),
                reason: format!("unknown SEN type(s) ignored: {}", unknown.join(", ")),
            });
        }
        let location = cell(rec, c_lat)
            .and_then(|s| s.parse().ok())
            .zip(cell(rec, c_lon).and_then(|s| s.parse().ok()))
            .and_then(|(a, b)| LatLon::new(a, b));
        let la_name = cell(rec, c_la);
        let la = la_name.and_then(la_by_name);
        if la.is_none() {
            report.warnings.push(RowIssue {
                row: *row,
                column: Some("la".into()),
                urn: Some(urn.0),
                reason: format!("local authority {:?} not in the LA code list", la_name.unwrap_or("")),
            });
        }
        report.accepted += 1;
        out.push(Facts {
            urn,
            name: cell(rec, c_name).map(str::to_string),
            establishment_type: cell(rec, c_type).map(str::to_string),
            la,
            location,
            needs: (!needs.is_empty()).then_some(needs),
            needs_possibly_truncated: cell(rec, c_trunc) == Some("yes"),
            capacity: cell(rec, c_cap).and_then(whole_number),
            ..Facts::default()
        });
    }
    Ok((out, report))
}

/// GIAS "academies and trust membership" download (September 2025).
pub fn read_academies(file: &str, bytes: &[u8]) -> Result<(Vec<Facts>, ImportReport)> {
    let mut report = ImportReport::new(file);
    let t = Table::parse(file, bytes, &mut report)?;
    let (c_urn, c_name, c_type, c_phase, c_la) = (
        t.col(file, "Academy URN")?,
        t.col(file, "Trust Academy Establishment Name")?,
        t.col(file, "TypeOfEstablishment (name)")?,
        t.col(file, "PhaseOfEducation (name)")?,
        t.col(file, "LA (code)")?,
    );
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (row, rec) in &t.records {
        let Some(urn) = urn_of(rec, c_urn, *row, "Academy URN", &mut report) else {
            continue;
        };
        if !seen.insert(urn) {
            report.filtered.push(RowIssue {
                row: *row,
                column: Some("Academy URN".into()),
                urn: Some(urn.0),
                reason: "academy listed again under another trust (first listing kept)".into(),
            });
            continue;
        }
        report.accepted += 1;
        out.push(Facts {
            urn,
            name: cell(rec, c_name).map(str::to_string),
            establishment_type: cell(rec, c_type).map(str::to_string),
            phase: cell(rec, c_phase).and_then(Phase::from_gias_name),
            la: cell(rec, c_la).and_then(|s| s.parse::<u16>().ok()).filter(|&c| c > 0).map(LaCode),
            ..Facts::default()
        });
    }
    Ok((out, report))
}

/// London's open establishments (GIAS-derived, late 2025).
pub fn read_london(file: &str, bytes: &[u8]) -> Result<(Vec<Facts>, ImportReport)> {
    let mut report = ImportReport::new(file);
    let t = Table::parse(file, bytes, &mut report)?;
    let c = |n| t.col(file, n);
    let (c_urn, c_name, c_la, c_type, c_phase, c_pc, c_web, c_pupils) = (
        c("urn")?,
        c("school_name")?,
        c("la_code")?,
        c("school_type")?,
        c("phase")?,
        c("postcode")?,
        c("website")?,
        c("pupil_count")?,
    );
    let mut out = Vec::new();
    for (row, rec) in &t.records {
        let Some(urn) = urn_of(rec, c_urn, *row, "urn", &mut report) else {
            continue;
        };
        report.accepted += 1;
        out.push(Facts {
            urn,
            name: cell(rec, c_name).map(str::to_string),
            establishment_type: cell(rec, c_type).map(str::to_string),
            phase: cell(rec, c_phase).and_then(Phase::from_gias_name),
            la: cell(rec, c_la).and_then(|s| s.parse::<u16>().ok()).filter(|&c| c > 0).map(LaCode),
            postcode: cell(rec, c_pc).map(str::to_string),
            website: website(cell(rec, c_web)),
            pupils: cell(rec, c_pupils).and_then(whole_number),
            ..Facts::default()
        });
    }
    Ok((out, report))
}

/// Trafford Data Lab's list of Trafford's open establishments (GIAS search download, 2024).
pub fn read_trafford(file: &str, bytes: &[u8]) -> Result<(Vec<Facts>, ImportReport)> {
    let mut report = ImportReport::new(file);
    let t = Table::parse(file, bytes, &mut report)?;
    let c = |n| t.col(file, n);
    let (c_urn, c_name, c_phase, c_gender, c_low, c_high, c_web, c_pupils) = (
        c("URN")?,
        c("name")?,
        c("phase")?,
        c("gender")?,
        c("lowest_admission_age")?,
        c("highest_admission_age")?,
        c("website")?,
        c("number_of_pupils")?,
    );
    let mut out = Vec::new();
    for (row, rec) in &t.records {
        let Some(urn) = urn_of(rec, c_urn, *row, "URN", &mut report) else {
            continue;
        };
        let ages = match (cell(rec, c_low).and_then(whole_number), cell(rec, c_high).and_then(whole_number)) {
            (Some(low), Some(high)) if low <= high && high <= 25 => {
                Some(AgeRange { low: low as u8, high: high as u8, basis: AgeBasis::Statutory })
            }
            _ => None,
        };
        report.accepted += 1;
        out.push(Facts {
            urn,
            name: cell(rec, c_name).map(str::to_string),
            phase: cell(rec, c_phase).and_then(trafford_phase),
            gender: cell(rec, c_gender).and_then(gender),
            ages,
            website: website(cell(rec, c_web)),
            pupils: cell(rec, c_pupils).and_then(whole_number),
            ..Facts::default()
        });
    }
    Ok((out, report))
}

/// Trafford's list writes GIAS phases as GIAS does, except "16 plus", which it calls "Post 16".
fn trafford_phase(s: &str) -> Option<Phase> {
    Phase::from_gias_name(s).or_else(|| s.trim().eq_ignore_ascii_case("post 16").then_some(Phase::SixteenPlus))
}

fn gender(s: &str) -> Option<Gender> {
    match s.to_ascii_lowercase().as_str() {
        "mixed" => Some(Gender::Mixed),
        "boys" => Some(Gender::Boys),
        "girls" => Some(Gender::Girls),
        _ => None,
    }
}

/// The DfE School Profiles sample (1,924 mainstream schools, JSON array of GIAS fields).
pub fn read_school_profiles(file: &str, bytes: &[u8]) -> Result<(Vec<Facts>, ImportReport)> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Row {
        #[serde(rename = "URN")]
        urn: Option<serde_json::Value>,
        #[serde(rename = "LAId")]
        la_id: Option<String>,
        establishment_name: Option<String>,
        establishment_status_name: Option<String>,
        phase_of_education_name: Option<String>,
        gender_name: Option<String>,
        religious_character_name: Option<String>,
        total_capacity: Option<u32>,
        total_pupils: Option<u32>,
        type_of_establishment_name: Option<String>,
        resourced_provision_name: Option<String>,
        postcode: Option<String>,
        website: Option<String>,
        easting: Option<f64>,
        northing: Option<f64>,
        age_range_low: Option<u8>,
        age_range_high: Option<u8>,
    }
    let mut report = ImportReport::new(file);
    crate::limits::check_size(file, bytes.len() as u64, crate::limits::MAX_INPUT_BYTES, "MAX_INPUT_BYTES")?;
    let text = text::decode(bytes);
    // Each record is kept as its raw text until it is read, so memory stays near the file's size.
    let rows: Vec<&serde_json::value::RawValue> = serde_json::from_str(&text)
        .map_err(|e| Error::Csv { file: file.into(), reason: format!("not a JSON array of establishments: {e}") })?;
    if rows.len() as u64 > MAX_ROWS {
        return Err(too_many_rows(file, MAX_ROWS, "MAX_ROWS"));
    }
    let mut out = Vec::new();
    for (i, value) in rows.into_iter().enumerate() {
        let row = i as u64 + 1;
        report.rows_read += 1;
        let r: Row = match serde_json::from_str(value.get()) {
            Ok(r) => r,
            Err(e) => {
                report.rejected.push(RowIssue {
                    row,
                    column: None,
                    urn: None,
                    reason: format!("unreadable record: {e}"),
                });
                continue;
            }
        };
        let urn = match &r.urn {
            Some(serde_json::Value::String(s)) => s.trim().parse::<u32>().ok(),
            Some(serde_json::Value::Number(n)) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
            _ => None,
        };
        let Some(urn) = urn.filter(|&u| u > 0).map(Urn) else {
            report.rejected.push(RowIssue {
                row,
                column: Some("URN".into()),
                urn: None,
                reason: "URN missing or not a positive whole number".into(),
            });
            continue;
        };
        let status = match r.establishment_status_name.as_deref() {
            Some("Open") => Status::Open,
            Some("Open, but proposed to close") => Status::OpenProposedToClose,
            other => {
                report.filtered.push(RowIssue {
                    row,
                    column: Some("EstablishmentStatusName".into()),
                    urn: Some(urn.0),
                    reason: format!("status {:?}", other.unwrap_or("not recorded")),
                });
                continue;
            }
        };
        let overlays = r.resourced_provision_name.as_deref().map(|name| {
            let flagged = Places { capacity: None, on_roll: None, as_of: None };
            Overlays {
                resourced_provision: name.contains("Resourced provision").then_some(flagged),
                sen_unit: name.contains("SEN unit").then_some(flagged),
            }
        });
        let location = r.easting.zip(r.northing).and_then(|(e, n)| crate::bng::bng_to_wgs84(e, n));
        let ages = match (r.age_range_low, r.age_range_high) {
            (Some(low), Some(high)) if low <= high && high <= 25 => {
                Some(AgeRange { low, high, basis: AgeBasis::Statutory })
            }
            _ => None,
        };
        let religious = r.religious_character_name.as_deref().map(|s| match s {
            "Does not apply" | "None" | "" => None,
            other => Some(other.to_string()),
        });
        report.accepted += 1;
        out.push(Facts {
            urn,
            name: r.establishment_name,
            establishment_type: r.type_of_establishment_name,
            status: Some(status),
            phase: r.phase_of_education_name.as_deref().and_then(Phase::from_gias_name),
            ages,
            gender: r.gender_name.as_deref().and_then(gender),
            religious_character: religious,
            la: r.la_id.and_then(|s| s.parse::<u16>().ok()).filter(|&c| c > 0).map(LaCode),
            postcode: r.postcode,
            location,
            overlays,
            capacity: r.total_capacity,
            pupils: r.total_pupils,
            website: r.website.filter(|w| !w.trim().is_empty()),
            ..Facts::default()
        });
    }
    Ok((out, report))
}

/// One entry of the DfE Section 41 lists (names and LA only; no URN).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Section41Entry {
    pub la_name: String,
    pub name: String,
    pub approved: bool,
}

/// Reads the approved list (two header rows) or the not-approved list, by its header.
pub fn read_section41(file: &str, bytes: &[u8], approved: bool) -> Result<(Vec<Section41Entry>, ImportReport)> {
    let mut report = ImportReport::new(file);
    let t = Table::parse(file, bytes, &mut report)?;
    let (c_la, c_name) = if approved { (0, 1) } else { (t.col(file, "Local Authority")?, t.col(file, "School Name")?) };
    // The approved list's real titles are in its second header row.
    let (la_title, name_title) =
        if approved { ("Local authority", "Institution trading name (1)") } else { ("Local Authority", "School Name") };
    let mut out = Vec::new();
    for (row, rec) in &t.records {
        // The approved list repeats its real titles in its first data row.
        if approved && cell(rec, 0) == Some("Local authority") {
            report.filtered.push(RowIssue { row: *row, column: None, urn: None, reason: "second header row".into() });
            continue;
        }
        match (cell(rec, c_la), cell(rec, c_name)) {
            (Some(la), Some(name)) => {
                report.accepted += 1;
                out.push(Section41Entry { la_name: la.into(), name: name.into(), approved });
            }
            (la, _) => {
                let (column, what) = if la.is_none() { (la_title, "local authority") } else { (name_title, "name") };
                report.rejected.push(RowIssue {
                    row: *row,
                    column: Some(column.into()),
                    urn: None,
                    reason: format!("no {what}"),
                })
            }
        }
    }
    Ok((out, report))
}

/// Normalises a name for matching across lists: lower case, letters and digits only, with
/// `&` → `and` and common suffixes kept (so "St Mary's" = "St Marys").
pub fn match_key(name: &str) -> String {
    let mut s = name.to_lowercase().replace('&', " and ");
    s.retain(|c| c.is_alphanumeric() || c == ' ');
    s.split_whitespace().filter(|w| !matches!(*w, "the" | "ltd" | "limited")).collect::<Vec<_>>().join(" ")
}

/// Builds a name → code lookup that tolerates "and"/"&", case and punctuation.
pub fn la_name_lookup(authorities: &[crate::model::LocalAuthority]) -> HashMap<String, LaCode> {
    authorities.iter().map(|a| (match_key(&a.name), a.code)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_survive_spreadsheet_floats() {
        assert_eq!(whole_number("249.0"), Some(249));
        assert_eq!(whole_number("249"), Some(249));
        assert_eq!(whole_number("249.5"), None);
    }

    #[test]
    fn match_keys_ignore_punctuation_and_the() {
        assert_eq!(match_key("The St Mary's School & College Ltd"), match_key("St Marys School and College"));
    }

    #[test]
    fn national_rows_without_a_location_are_rejected_with_their_row() {
        let csv = b"urn,name,phase_code,ofsted_rating_code,easting,northing,lat,lon\n1,A,P,0,1,1,53.8,-1.5\n2,B,P,0,,,,\nx,C,P,0,,,53,-1\n";
        let (facts, report) = read_national_open("t.csv", csv).unwrap();
        assert_eq!(facts.len(), 1);
        assert_eq!(report.rejected.iter().map(|r| r.row).collect::<Vec<_>>(), vec![3, 4]);
        assert!(report.is_balanced());
    }
}
