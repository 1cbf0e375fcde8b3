//! Raw sources → validated records. Parse, then validate, then report: every importer keeps
//! the good rows and accounts for every other row, so `rows_read == accepted + filtered + rejected`.

pub mod council;
pub mod gias;
pub mod la;
pub mod postcodes;
pub mod sources;
pub mod text;

use crate::error::Error;
use crate::limits::{MAX_COLUMNS, MAX_FIELD_BYTES};
use crate::model::{AgeRange, Boarding, Gender, LaCode, LatLon, NeedSet, Phase, Places, Status, Urn};
use serde::{Deserialize, Serialize};

/// One row that did not become a record, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RowIssue {
    /// Line of the data row in the file, counting the header as row 1 (as a spreadsheet shows it).
    pub row: u64,
    /// The column at fault, by header name; `None` when the whole row is at fault.
    pub column: Option<String>,
    /// The URN if the row had a readable one (helps a data officer find it in GIAS).
    pub urn: Option<u32>,
    /// Plain English.
    pub reason: String,
}

/// What an import did with every row.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    /// Which input (file name or source key).
    pub source: String,
    pub rows_read: u64,
    pub accepted: u64,
    /// Valid rows deliberately left out (closed, not a school placement, outside England...).
    pub filtered: Vec<RowIssue>,
    /// Rows that could not be read (malformed values, missing required fields...).
    pub rejected: Vec<RowIssue>,
    /// Accepted rows with a value that could not be read and was left unrecorded (an age range
    /// the wrong way round, an unknown SEN type...). Not part of the balance: each of these rows
    /// is also counted in `accepted`, and a row may have several warnings.
    #[serde(default)]
    pub warnings: Vec<RowIssue>,
}

impl ImportReport {
    pub fn new(source: impl Into<String>) -> ImportReport {
        ImportReport { source: source.into(), ..ImportReport::default() }
    }

    /// True when every row read is accounted for exactly once.
    pub fn is_balanced(&self) -> bool {
        self.rows_read == self.accepted + self.filtered.len() as u64 + self.rejected.len() as u64
    }

    /// `"Leeds.csv: 771 rows: 306 accepted, 465 filtered, 0 rejected"`.
    pub fn summary(&self) -> String {
        format!(
            "{}: {} rows: {} accepted, {} filtered, {} rejected",
            self.source,
            self.rows_read,
            self.accepted,
            self.filtered.len(),
            self.rejected.len()
        )
    }

    /// Filtered rows grouped by reason, most frequent first.
    pub fn filtered_by_reason(&self) -> Vec<(String, usize)> {
        let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
        for f in &self.filtered {
            *counts.entry(f.reason.as_str()).or_default() += 1;
        }
        let mut v: Vec<(String, usize)> = counts.into_iter().map(|(r, n)| (r.to_string(), n)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v
    }
}

/// What one source says about one establishment; `None` = this source does not say.
/// Sources are merged by URN field by field (see `assemble`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Facts {
    pub urn: Urn,
    pub name: Option<String>,
    /// GIAS `TypeOfEstablishment (name)`.
    pub establishment_type: Option<String>,
    pub status: Option<Status>,
    pub phase: Option<Phase>,
    pub ages: Option<AgeRange>,
    pub gender: Option<Gender>,
    pub boarding: Option<Boarding>,
    /// `Some(None)`: known to have no religious character.
    pub religious_character: Option<Option<String>>,
    pub section41: Option<bool>,
    pub la: Option<LaCode>,
    pub postcode: Option<String>,
    pub location: Option<LatLon>,
    pub needs: Option<NeedSet>,
    pub needs_possibly_truncated: bool,
    /// `Some` when the source records whether there is a resourced provision / SEN unit.
    pub overlays: Option<Overlays>,
    pub capacity: Option<u32>,
    pub pupils: Option<u32>,
    pub census_date: Option<crate::model::Date>,
    pub website: Option<String>,
}

/// Resourced provision and SEN unit of a mainstream school, as one source records them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Overlays {
    pub resourced_provision: Option<Places>,
    pub sen_unit: Option<Places>,
}

/// Makes a cell safe to open in a spreadsheet: text starting with `=`, `+`, `-`, `@`, tab or
/// carriage return would be run as a formula, so it gets a leading apostrophe.
pub fn neutralise_csv_cell(text: &str) -> std::borrow::Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => std::borrow::Cow::Owned(format!("'{text}")),
        _ => std::borrow::Cow::Borrowed(text),
    }
}

/// [`Error::TooLarge`] for a file with more than `cap` data rows ([`MAX_ROWS`](crate::limits::MAX_ROWS), [`MAX_POSTCODE_ROWS`](crate::limits::MAX_POSTCODE_ROWS)).
pub(crate) fn too_many_rows(source: &str, cap: u64, cap_name: &'static str) -> Error {
    Error::TooLarge {
        what: source.to_string(),
        found: format!("at least {} data rows", cap + 1),
        limit: format!("{cap} data rows"),
        cap: cap_name,
    }
}

/// [`Error::TooLarge`] for a header of more than [`MAX_COLUMNS`] columns.
pub(crate) fn too_many_columns(source: &str, columns: usize) -> Error {
    Error::TooLarge {
        what: format!("{source}: the header"),
        found: format!("{columns} columns"),
        limit: format!("{MAX_COLUMNS} columns"),
        cap: "MAX_COLUMNS",
    }
}

/// The first of the field `lengths` of a row above [`MAX_FIELD_BYTES`]: its position and length.
pub(crate) fn overlong_field(lengths: impl IntoIterator<Item = usize>) -> Option<(usize, usize)> {
    lengths.into_iter().enumerate().find(|(_, length)| *length > MAX_FIELD_BYTES)
}

/// Why a row with an overlong field is rejected.
pub(crate) fn overlong_field_reason(length: usize) -> String {
    format!(
        "the field is {length} bytes long, more than the {MAX_FIELD_BYTES} a field may hold \
         (limits::MAX_FIELD_BYTES); a stray quote may have joined many lines into it"
    )
}
