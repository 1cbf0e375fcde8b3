//! Import of the DfE "Get Information About Schools" (GIAS) establishment CSV, exactly as a
//! council downloads it. See the module docs of [`read_gias`].

use crate::error::Result;
use crate::import::ImportReport;
use crate::model::{
    AgeRange, Boarding, Date, Gender, LaCode, LatLon, NeedSet, Phase, Places, ProvisionKind,
    Status, Urn,
};

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
pub fn read_gias(source: &str, bytes: &[u8]) -> Result<(Vec<GiasRecord>, ImportReport)> {
    let _ = (source, bytes);
    unimplemented!("read_gias")
}
