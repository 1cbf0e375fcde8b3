//! Typed errors. Each variant says what was expected and what was found; the doc line says
//! what to do about it. Nothing that JS or a data file controls can panic: it ends up here.

use crate::model::PostcodeShapeError;

/// Crate-wide result.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A CSV file could not be read at all (not one bad row: those go in the import report).
    /// Remedy: check the file is the CSV you meant, e.g. the GIAS "all establishment data" download.
    #[error("{file}: {reason}")]
    Csv { file: String, reason: String },

    /// A required column is absent from a header. Remedy: use the full download, not a filtered view.
    #[error("{file}: the header has no column {column:?} (is this the right file?)")]
    MissingColumn { file: String, column: String },

    /// A dataset or shard file is not what it should be. Remedy: rebuild with `placement-finder build-data`.
    #[error("{what} is not usable: {reason}")]
    Corrupt { what: String, reason: String },

    /// A dataset or shard of another schema version. Remedy: rebuild the data with this version.
    #[error("{what} has schema version {found}, this program reads version {expected}; rebuild it with `placement-finder build-data`")]
    WrongVersion { what: String, expected: u16, found: u16 },

    /// Text that is not a postcode.
    #[error(transparent)]
    PostcodeShape(#[from] PostcodeShapeError),

    /// A well-formed postcode not found in the postcode data, nor its sector or outcode.
    #[error("postcode {postcode} was not found in the OS Code-Point Open data for England (October 2025); check it, or use a nearby postcode")]
    UnknownPostcode { postcode: String },

    /// A real postcode outside England (`place`: Wales, Scotland, Northern Ireland, the Isle of
    /// Man, Jersey, Guernsey). Remedy: the family's own council advises on placements there.
    #[error("postcode {postcode} is in {place}; this service covers schools and councils in England only")]
    OutsideEngland { postcode: String, place: String },

    /// A query value out of range or unknown (age, need, kind, radius...).
    #[error("{field}: {reason}")]
    InvalidQuery { field: String, reason: String },

    /// A policy pack that fails validation.
    #[error("policy pack: {0}")]
    Policy(String),

    /// An input beyond one of the caps in [`crate::limits`], which `cap` names. Remedy: check
    /// it is the file or search you meant; every cap is far above any real one.
    #[error("{what} is too large: {found}, more than the {limit} this program accepts (limits::{cap})")]
    TooLarge { what: String, found: String, limit: String, cap: &'static str },

    /// An import that cannot go ahead as asked (no file given, two GIAS files...).
    /// Remedy: give one GIAS establishment CSV and/or one council supplement.
    #[error("{what}: {reason}")]
    Import { what: String, reason: String },

    /// Reading or writing a file (native only).
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
}

impl Error {
    pub fn corrupt(what: impl Into<String>, reason: impl Into<String>) -> Error {
        Error::Corrupt { what: what.into(), reason: reason.into() }
    }
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Error {
        Error::InvalidQuery { field: field.into(), reason: reason.into() }
    }
}
