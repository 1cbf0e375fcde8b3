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

    /// An answer needs settings whose details (names, URNs...) are not loaded yet: the finder
    /// was made from the core data file and only some details files. Remedy: add
    /// `finder/details/all.bin` ([`Finder::add_details`](crate::engine::finder::Finder::add_details)) and ask again.
    #[error("the details of {count} setting(s) this answer needs are not loaded yet; load finder/details/all.bin and ask again")]
    DetailsMissing { count: usize },

    /// Input the finder's lean wasm module (`pkg/`, built without the `full` feature) does not
    /// read: a council's policy pack or a whole dataset file. Remedy: load the full module
    /// (`pkg-full/`), which the page does by itself (www/js/engine.js).
    #[error("{what} is read by the finder's full module (pkg-full/), not by its lean one (pkg/)")]
    NeedsFullModule { what: &'static str },

    /// Reading or writing a file (native only).
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
}

/// The stable name of an error's kind: what JavaScript branches on, never the wording (which may
/// change). The wasm edge puts it on every error it throws as `error.code`; `as_str` is the
/// camelCase name (`"wrongVersion"`), the same as the generated TypeScript `ErrorCode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub enum ErrorCode {
    Csv,
    MissingColumn,
    Corrupt,
    WrongVersion,
    PostcodeShape,
    UnknownPostcode,
    OutsideEngland,
    InvalidQuery,
    Policy,
    TooLarge,
    Import,
    Io,
    /// A call made out of order at the wasm edge (an overlay before a coverage run, the dataset
    /// bytes before an import has finished).
    NotReady,
    /// A result that could not be handed to JavaScript (a bug, not the input's fault).
    Internal,
    /// The answer needs details not loaded yet (see [`Error::DetailsMissing`]).
    DetailsMissing,
    /// A council's policy pack or a whole dataset given to the lean module (see [`Error::NeedsFullModule`]).
    NeedsFullModule,
}

impl ErrorCode {
    /// Every code, in declaration order.
    pub const ALL: [ErrorCode; 16] = [
        ErrorCode::Csv,
        ErrorCode::MissingColumn,
        ErrorCode::Corrupt,
        ErrorCode::WrongVersion,
        ErrorCode::PostcodeShape,
        ErrorCode::UnknownPostcode,
        ErrorCode::OutsideEngland,
        ErrorCode::InvalidQuery,
        ErrorCode::Policy,
        ErrorCode::TooLarge,
        ErrorCode::Import,
        ErrorCode::Io,
        ErrorCode::NotReady,
        ErrorCode::Internal,
        ErrorCode::DetailsMissing,
        ErrorCode::NeedsFullModule,
    ];

    /// The name JavaScript sees: `"wrongVersion"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Csv => "csv",
            ErrorCode::MissingColumn => "missingColumn",
            ErrorCode::Corrupt => "corrupt",
            ErrorCode::WrongVersion => "wrongVersion",
            ErrorCode::PostcodeShape => "postcodeShape",
            ErrorCode::UnknownPostcode => "unknownPostcode",
            ErrorCode::OutsideEngland => "outsideEngland",
            ErrorCode::InvalidQuery => "invalidQuery",
            ErrorCode::Policy => "policy",
            ErrorCode::TooLarge => "tooLarge",
            ErrorCode::Import => "import",
            ErrorCode::Io => "io",
            ErrorCode::NotReady => "notReady",
            ErrorCode::Internal => "internal",
            ErrorCode::DetailsMissing => "detailsMissing",
            ErrorCode::NeedsFullModule => "needsFullModule",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Error {
    /// This error's stable code (see [`ErrorCode`]).
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Csv { .. } => ErrorCode::Csv,
            Error::MissingColumn { .. } => ErrorCode::MissingColumn,
            Error::Corrupt { .. } => ErrorCode::Corrupt,
            Error::WrongVersion { .. } => ErrorCode::WrongVersion,
            Error::PostcodeShape(_) => ErrorCode::PostcodeShape,
            Error::UnknownPostcode { .. } => ErrorCode::UnknownPostcode,
            Error::OutsideEngland { .. } => ErrorCode::OutsideEngland,
            Error::InvalidQuery { .. } => ErrorCode::InvalidQuery,
            Error::Policy(_) => ErrorCode::Policy,
            Error::TooLarge { .. } => ErrorCode::TooLarge,
            Error::Import { .. } => ErrorCode::Import,
            Error::Io { .. } => ErrorCode::Io,
            Error::DetailsMissing { .. } => ErrorCode::DetailsMissing,
            Error::NeedsFullModule { .. } => ErrorCode::NeedsFullModule,
        }
    }

    pub fn corrupt(what: impl Into<String>, reason: impl Into<String>) -> Error {
        Error::Corrupt { what: what.into(), reason: reason.into() }
    }
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Error {
        Error::InvalidQuery { field: field.into(), reason: reason.into() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    mod codes {
        use super::*;

        #[test]
        fn are_the_serde_names_and_unique() {
            let names: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
            for (code, name) in ErrorCode::ALL.iter().zip(&names) {
                assert_eq!(serde_json::to_value(code).unwrap(), *name, "as_str and serde disagree for {code:?}");
            }
            let unique: std::collections::BTreeSet<&&str> = names.iter().collect();
            assert_eq!(unique.len(), names.len(), "two codes share a name: {names:?}");
        }

        /// What the page branches on: changing one of these names is a change to the contract
        /// with www/js (the generated `ErrorCode` type makes `tsc` catch it there).
        #[test]
        fn stay_as_the_page_knows_them() {
            let e = Error::WrongVersion { what: "dataset".into(), expected: 5, found: 4 };
            assert_eq!(e.code().as_str(), "wrongVersion");
            assert_eq!(Error::Policy("x".into()).code().as_str(), "policy");
            assert_eq!(Error::corrupt("postcode shard", "truncated").code().as_str(), "corrupt");
            let big = Error::TooLarge { what: "x".into(), found: "2".into(), limit: "1".into(), cap: "MAX" };
            assert_eq!(big.code().as_str(), "tooLarge");
        }

        #[test]
        fn do_not_depend_on_the_wording() {
            // The same kind with any message has the same code.
            for reason in ["truncated", "policy pack: not JSON", "has schema version 1, this program reads version 2"] {
                assert_eq!(Error::corrupt("dataset", reason).code(), ErrorCode::Corrupt);
            }
        }
    }
}
