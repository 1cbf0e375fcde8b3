//! The council supplement: a council's own list of what GIAS lacks or has wrong — satellite
//! classes, designated need types, places and vacancies, notes — merged by URN over GIAS.
//!
//! ## Format (CSV, UTF-8 or Windows-1252, header names in any order; only `urn` is required)
//!
//! | column | meaning |
//! |---|---|
//! | `urn` | GIAS URN of the establishment (for a satellite: of the school it belongs to) |
//! | `site` | `main` (default), `resourcedProvision`, `senUnit`, or `satellite` |
//! | `name` | display name (required for a satellite) |
//! | `kind` | a provision kind code (`special`, `senUnit`, ...) to override the GIAS type |
//! | `needs` | designated SEN types, `;`-separated abbreviations (`ASD;SLCN`); replaces GIAS's |
//! | `capacity`, `on_roll`, `places_date` | places (whole numbers; date `YYYY-MM-DD`) |
//! | `low_age`, `high_age` | age range (years) |
//! | `lat`, `lon` | location in WGS84 degrees (required for a satellite unless `postcode` locates it) |
//! | `postcode` | the site's postcode |
//! | `website`, `notes` | a link (http or https only) and free text shown with the setting |
//!
//! A blank cell leaves the GIAS value as it is.

use crate::build::import::{
    overlong_field, overlong_field_reason, text, too_many_columns, too_many_rows, ImportReport, RowIssue,
};
use crate::error::{Error, Result};
use crate::limits::{MAX_COLUMNS, MAX_ROWS};
use crate::model::{is_safe_link, AgeBasis, AgeRange, Date, LatLon, Need, NeedSet, ProvisionKind, Urn};

/// Which setting of an establishment a supplement row is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SupplementSite {
    Main,
    ResourcedProvision,
    SenUnit,
    Satellite,
}

/// One validated supplement row. `None` = leave as GIAS has it.
#[derive(Clone, Debug, PartialEq)]
pub struct SupplementRow {
    pub row: u64,
    pub urn: Urn,
    pub site: SupplementSite,
    pub name: Option<String>,
    pub kind: Option<ProvisionKind>,
    pub needs: Option<NeedSet>,
    pub capacity: Option<u32>,
    pub on_roll: Option<u32>,
    pub places_date: Option<Date>,
    pub ages: Option<AgeRange>,
    pub location: Option<LatLon>,
    pub postcode: Option<String>,
    pub website: Option<String>,
    pub notes: Option<String>,
}

/// Reads a supplement CSV; each bad cell rejects its row with the column and the reason.
///
/// Fails as a whole only for a file that is not CSV text, lacks `urn`, has a column not listed
/// above, or is beyond a cap of [`crate::limits`] ([`Error::TooLarge`]); a row with a field
/// longer than [`MAX_FIELD_BYTES`](crate::limits::MAX_FIELD_BYTES) is rejected naming its column.
pub fn read_supplement(file: &str, bytes: &[u8]) -> Result<(Vec<SupplementRow>, ImportReport)> {
    text::check_csv_bytes(file, bytes)?;
    let text = text::decode(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let header = reader.headers().map_err(|e| Error::Csv { file: file.into(), reason: e.to_string() })?;
    if header.len() > MAX_COLUMNS {
        return Err(too_many_columns(file, header.len()));
    }
    let headers: Vec<String> = header.iter().map(|h| h.trim().to_ascii_lowercase()).collect();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let urn_col = col("urn").ok_or_else(|| Error::MissingColumn { file: file.into(), column: "urn".into() })?;
    let known = [
        "urn",
        "site",
        "name",
        "kind",
        "needs",
        "capacity",
        "on_roll",
        "places_date",
        "low_age",
        "high_age",
        "lat",
        "lon",
        "postcode",
        "website",
        "notes",
    ];
    if let Some(unknown) = headers.iter().find(|h| !known.contains(&h.as_str())) {
        return Err(Error::Csv {
            file: file.into(),
            reason: format!("unknown column {unknown:?}; the supplement columns are {}", known.join(", ")),
        });
    }
    let mut report = ImportReport::new(file);
    let mut out = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        if report.rows_read == MAX_ROWS {
            return Err(too_many_rows(file, MAX_ROWS, "MAX_ROWS"));
        }
        let row = i as u64 + 2;
        report.rows_read += 1;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                report.rejected.push(RowIssue {
                    row,
                    column: None,
                    urn: None,
                    reason: format!("unreadable CSV row: {e}"),
                });
                continue;
            }
        };
        if let Some((index, length)) = overlong_field(rec.iter().map(str::len)) {
            report.rejected.push(RowIssue {
                row,
                column: headers.get(index).cloned(),
                urn: rec.get(urn_col).and_then(|u| u.trim().parse().ok()),
                reason: overlong_field_reason(length),
            });
            continue;
        }
        let get = |name: &str| col(name).and_then(|c| rec.get(c)).map(str::trim).filter(|s| !s.is_empty());
        match parse_row(row, rec.get(urn_col).unwrap_or("").trim(), &get) {
            Ok(r) => {
                report.accepted += 1;
                out.push(r);
            }
            Err((column, reason)) => report.rejected.push(RowIssue {
                row,
                column: Some(column.into()),
                urn: rec.get(urn_col).and_then(|u| u.trim().parse().ok()),
                reason,
            }),
        }
    }
    Ok((out, report))
}

type CellError = (&'static str, String);

fn parse_row<'a>(row: u64, urn: &str, get: &dyn Fn(&str) -> Option<&'a str>) -> Result<SupplementRow, CellError> {
    let urn = urn
        .parse::<u32>()
        .ok()
        .filter(|&u| u > 0)
        .ok_or(("urn", format!("URN {urn:?} is not a positive whole number")))?;
    let site = match get("site").map(|s| s.to_ascii_lowercase()).as_deref() {
        None | Some("main") => SupplementSite::Main,
        Some("resourcedprovision" | "resourced provision" | "rp") => SupplementSite::ResourcedProvision,
        Some("senunit" | "sen unit" | "unit") => SupplementSite::SenUnit,
        Some("satellite") => SupplementSite::Satellite,
        Some(other) => {
            return Err((
                "site",
                format!("{other:?} is not a site: use main, resourcedProvision, senUnit or satellite"),
            ))
        }
    };
    let number = |name: &'static str| -> Result<Option<u32>, CellError> {
        get(name).map(|s| s.parse::<u32>().map_err(|_| (name, format!("{s:?} is not a whole number")))).transpose()
    };
    let kind = get("kind")
        .map(|k| {
            ProvisionKind::parse(k).ok_or((
                "kind",
                format!(
                    "{k:?} is not a provision kind; use one of {}",
                    ProvisionKind::ALL.map(|k| k.code()).join(", ")
                ),
            ))
        })
        .transpose()?;
    let needs = get("needs")
        .map(|n| {
            n.split([';', ','])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|a| {
                    Need::parse(a).ok_or(("needs", format!("{a:?} is not an SEN type (use ASD, SLCN, SEMH, ...)")))
                })
                .collect::<Result<NeedSet, _>>()
        })
        .transpose()?;
    let ages = match (number("low_age")?, number("high_age")?) {
        (None, None) => None,
        (Some(low), Some(high)) if low <= high && high <= 25 => {
            Some(AgeRange { low: low as u8, high: high as u8, basis: AgeBasis::Statutory })
        }
        (Some(low), Some(high)) => {
            return Err(("high_age", format!("age range {low}-{high} is not possible (ages 0-25, low ≤ high)")))
        }
        _ => return Err(("low_age", "give both low_age and high_age, or neither".into())),
    };
    let coord = |name: &'static str| -> Result<Option<f64>, CellError> {
        get(name).map(|s| s.parse::<f64>().map_err(|_| (name, format!("{s:?} is not a number")))).transpose()
    };
    let location = match (coord("lat")?, coord("lon")?) {
        (None, None) => None,
        (Some(lat), Some(lon)) => Some(
            LatLon::new(lat, lon)
                .filter(|p| p.is_in_great_britain_box())
                .ok_or(("lat", format!("{lat}, {lon} is not in Great Britain (latitude first, then longitude)")))?,
        ),
        _ => return Err(("lat", "give both lat and lon, or neither".into())),
    };
    let website = get("website")
        .map(|w| {
            if is_safe_link(w) {
                Ok(w.to_string())
            } else {
                Err((
                    "website",
                    format!(
                        "{w:?} is not an http(s) link to a site (it must start http:// or https://, then the site, \
                         with no spaces, quotes or angle brackets)"
                    ),
                ))
            }
        })
        .transpose()?;
    let places_date = get("places_date")
        .map(|d| Date::parse(d).ok_or(("places_date", format!("{d:?} is not a date (YYYY-MM-DD)"))))
        .transpose()?;
    let name = get("name").map(str::to_string);
    if site == SupplementSite::Satellite && name.is_none() {
        return Err(("name", "a satellite needs a name".into()));
    }
    Ok(SupplementRow {
        row,
        urn: Urn(urn),
        site,
        name,
        kind,
        needs,
        capacity: number("capacity")?,
        on_roll: number("on_roll")?,
        places_date,
        ages,
        location,
        postcode: get("postcode").map(str::to_string),
        website,
        notes: get("notes").map(str::to_string),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "urn,site,name,kind,needs,capacity,on_roll,places_date,low_age,high_age,lat,lon,postcode,website,notes\n\
        108099,senUnit,,,ASD;SLCN,12,10,2026-01-15,,,,,,,Vacancies from September\n\
        108099,satellite,Moor Allerton satellite class,senUnit,ASD,8,8,2026-01-15,5,11,53.84,-1.53,,https://example.org,\n\
        abc,main,,,,,,,,,,,,,\n\
        108100,main,,,XYZ,,,,,,,,,,\n\
        108101,main,,,,,,,12,7,,,,,\n\
        108102,satellite,,,,,,,,,,,,,\n\
        108103,main,,,,,,,,,,,,javascript:alert(1),\n";

    #[test]
    fn good_rows_are_kept_and_every_bad_one_says_why() {
        let (rows, report) = read_supplement("s.csv", SAMPLE.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert!(report.is_balanced());
        let columns: Vec<_> = report.rejected.iter().map(|r| (r.row, r.column.clone().unwrap())).collect();
        assert_eq!(
            columns,
            vec![
                (4, "urn".into()),
                (5, "needs".into()),
                (6, "high_age".into()),
                (7, "name".into()),
                (8, "website".into())
            ]
        );
        assert_eq!(rows[0].needs.unwrap().iter().collect::<Vec<_>>(), vec![Need::SLCN, Need::ASD]);
        assert_eq!(rows[1].site, SupplementSite::Satellite);
    }

    #[test]
    fn an_unknown_column_is_an_error_naming_it() {
        let err = read_supplement("s.csv", b"urn,vacancies\n1,2\n").unwrap_err();
        assert!(err.to_string().contains("\"vacancies\""), "{err}");
    }
}
