//! The DfE 3-digit local authority code ↔ ONS GSS code lookup
//! (`dfe_la_code_to_gss_ctyua_derived.csv`, see its `PROVENANCE.md`).
//!
//! GIAS names an authority by its DfE code (`383` Leeds); OS Code-Point Open and ONS boundaries
//! by its GSS code (`E08000035`). The table has one row per English education (upper-tier)
//! authority. Its `gss_code_codepoint_2025` column is the code Code-Point Open 2025 uses; the
//! `ctyua23cd` column, the May 2023 code (the one the ONS boundaries use), differs for Barnsley
//! and Sheffield (recoded in 2024) and is kept as an alias, both here and in each authority's
//! `gss_aliases` (so the dataset carries it to the dashboard), so that data of either vintage maps.

use std::collections::HashMap;

use crate::build::import::text;
use crate::error::{Error, Result};
use crate::model::{LaCode, LocalAuthority};

const FILE: &str = "LA lookup (dfe_la_code_to_gss_ctyua_derived.csv)";

/// English education authorities, by DfE code and by GSS code.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LaLookup {
    /// Sorted by code. `gss` is the Code-Point Open 2025 code.
    pub authorities: Vec<LocalAuthority>,
    by_gss: HashMap<String, LaCode>,
}

impl LaLookup {
    /// The authority a GSS county, unitary, metropolitan district or London borough code
    /// belongs to (`E08000035` → 383). A lower-tier district of a two-tier county (`E07…`)
    /// is not in the table: look up its county (`E10…`) instead.
    pub fn by_gss(&self, gss: &str) -> Option<LaCode> {
        self.by_gss.get(gss).copied()
    }

    /// The authority with this DfE code.
    pub fn get(&self, code: LaCode) -> Option<&LocalAuthority> {
        self.authorities.binary_search_by_key(&code, |a| a.code).ok().map(|i| &self.authorities[i])
    }
}

/// Reads the lookup CSV (UTF-8, with or without a BOM). The table is small and curated, so any
/// bad row is an error that names it, rather than a row to skip.
pub fn read_la_lookup(bytes: &[u8]) -> Result<LaLookup> {
    let content = text::decode(bytes);
    let mut reader = csv::ReaderBuilder::new().from_reader(content.as_bytes());
    let csv_error = |e: csv::Error| Error::Csv { file: FILE.to_string(), reason: e.to_string() };
    let headers = reader.headers().map_err(csv_error)?.clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| Error::MissingColumn { file: FILE.to_string(), column: name.to_string() })
    };
    let (code_col, name_col, gss_col, alias_col) =
        (column("dfe_la_code")?, column("dfe_la_name")?, column("gss_code_codepoint_2025")?, column("ctyua23cd")?);

    let mut lookup = LaLookup::default();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(csv_error)?;
        // Spreadsheet rows, the header being row 1 (the reader's line lags with CRLF).
        let row = i + 2;
        let bad = |reason: String| Error::Csv { file: FILE.to_string(), reason: format!("row {row}: {reason}") };
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        let code = field(code_col);
        let code = match (code.len(), code.parse::<u16>()) {
            (3, Ok(c)) => LaCode(c),
            _ => return Err(bad(format!("dfe_la_code {code:?} is not a 3-digit DfE LA code"))),
        };
        let name = field(name_col);
        if name.is_empty() {
            return Err(bad("dfe_la_name is empty".into()));
        }
        let gss = field(gss_col);
        if !is_english_gss(gss) {
            return Err(bad(format!("gss_code_codepoint_2025 {gss:?} is not an English GSS code like E08000035")));
        }
        let mut gss_aliases = Vec::new();
        for key in [gss, field(alias_col)].into_iter().filter(|k| !k.is_empty()) {
            if !is_english_gss(key) {
                return Err(bad(format!("ctyua23cd {key:?} is not an English GSS code like E08000035")));
            }
            match lookup.by_gss.insert(key.to_string(), code) {
                Some(other) if other != code => return Err(bad(format!("{key} is given to both {other} and {code}"))),
                _ => {}
            }
            if key != gss && !gss_aliases.iter().any(|a| a == key) {
                gss_aliases.push(key.to_string());
            }
        }
        lookup.authorities.push(LocalAuthority { code, name: name.to_string(), gss: gss.to_string(), gss_aliases });
    }
    lookup.authorities.sort_by_key(|a| a.code);
    if let Some(w) = lookup.authorities.windows(2).find(|w| w[0].code == w[1].code) {
        return Err(Error::Csv { file: FILE.to_string(), reason: format!("LA {} is listed twice", w[0].code) });
    }
    Ok(lookup)
}

fn is_english_gss(code: &str) -> bool {
    code.len() == 9 && code.starts_with('E') && code[1..].bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str =
        "dfe_la_code,dfe_la_name,gss_code_codepoint_2025,ctyua23cd,ctyua23nm,method,schools_agreeing,schools_matched\n";

    fn read(rows: &str) -> Result<LaLookup> {
        read_la_lookup(format!("{HEADER}{rows}").as_bytes())
    }

    #[test]
    fn maps_both_gss_vintages_to_the_dfe_code() {
        let lookup = read(
            "383,Leeds,E08000035,E08000035,Leeds,derived,39,39\n\
             373,Sheffield,E08000039,E08000019,Sheffield,derived,27,27\n",
        )
        .unwrap();
        assert_eq!(lookup.by_gss("E08000035"), Some(LaCode(383)));
        assert_eq!(lookup.by_gss("E08000039"), Some(LaCode(373)));
        assert_eq!(lookup.by_gss("E08000019"), Some(LaCode(373)), "the 2023 code");
        assert_eq!(lookup.by_gss("E07000001"), None);
        let sheffield = lookup.get(LaCode(373)).unwrap();
        assert_eq!((sheffield.name.as_str(), sheffield.gss.as_str()), ("Sheffield", "E08000039"));
        assert_eq!(sheffield.gss_aliases, ["E08000019"], "the boundaries' code travels with the authority");
        assert!(sheffield.has_gss("E08000019") && sheffield.has_gss("E08000039") && !sheffield.has_gss("E08000035"));
        assert!(lookup.get(LaCode(383)).unwrap().gss_aliases.is_empty(), "no alias when the codes agree");
        assert_eq!(lookup.authorities.iter().map(|a| a.code.0).collect::<Vec<_>>(), [373, 383]);
    }

    #[test]
    fn accepts_a_bom() {
        let bytes = format!("\u{feff}{HEADER}383,Leeds,E08000035,E08000035,Leeds,,,\n");
        assert_eq!(read_la_lookup(bytes.as_bytes()).unwrap().by_gss("E08000035"), Some(LaCode(383)));
    }

    #[test]
    fn names_the_bad_row() {
        let err = read("383,Leeds,E08000035,E08000035,Leeds,,,\n38,Oops,E08000036,,,,,\n").unwrap_err().to_string();
        assert!(err.contains("row 3") && err.contains("3-digit"), "{err}");
        let err = read("383,Leeds,E08000035,,,,,\n384,Wakefield,E08000035,,,,,\n").unwrap_err().to_string();
        assert!(err.contains("given to both 383 and 384"), "{err}");
        let err = read("383,Leeds,S12000033,,,,,\n").unwrap_err().to_string();
        assert!(err.contains("not an English GSS code"), "{err}");
    }

    #[test]
    fn a_missing_column_is_named() {
        let err = read_la_lookup(b"dfe_la_code,dfe_la_name\n383,Leeds\n").unwrap_err();
        assert!(matches!(err, Error::MissingColumn { column, .. } if column == "gss_code_codepoint_2025"));
    }
}
