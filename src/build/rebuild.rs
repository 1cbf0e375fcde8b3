//! Rebuilding the dataset from a council's own files — the GIAS "all establishment data" CSV
//! they downloaded this month and/or their council supplement — on any platform: the CLI's
//! `build-data --gias` and the dashboard page's "use your own data" (in wasm) run this same
//! code, so a file gives the same settings, the same rejected rows and the same report in both.
//!
//! A GIAS download carries everything a setting needs except two things that come with the
//! published data instead, in a small [`RebuildKit`] (`data/rebuild-kit.json`, written by
//! `build-data`): the names and ONS codes of the councils, and the DfE Section 41 lists.
//!
//! [`Importer`] takes the files one after another, reads a GIAS file a few thousand rows at a
//! time (so that a page can show progress), and [`finish`](Importer::finish)es with the new
//! dataset and a report of every row left out.

use crate::build::assemble::{apply_supplement, assemble, facts_from_gias, Inputs, MergeReport, SourceFacts};
use crate::build::import::council::{read_supplement, SupplementRow};
use crate::build::import::gias::{GiasReader, GiasRecord};
use crate::build::import::sources::Section41Entry;
use crate::build::import::{neutralise_csv_cell, text, ImportReport, RowIssue};
use crate::engine::dataset::Dataset;
use crate::error::{Error, Result};
use crate::model::{Date, LaCode, LatLon, LocalAuthority, Source};
use serde::{Deserialize, Serialize};

/// What a rebuild needs beyond the council's files: every English education authority and the
/// Section 41 lists. Versioned JSON; `build-data` writes it beside the dataset.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RebuildKit {
    /// [`RebuildKit::VERSION`].
    pub version: u16,
    pub authorities: Vec<LocalAuthority>,
    pub section41: Vec<Section41Entry>,
}

impl RebuildKit {
    pub const VERSION: u16 = 1;

    /// Reads a kit, with a clear error for anything else (an HTML error page, an old version).
    pub fn from_json(text: &str) -> Result<RebuildKit> {
        let bad = |reason: String| Error::Corrupt { what: "the rebuild kit (rebuild-kit.json)".into(), reason };
        let kit: RebuildKit = serde_json::from_str(text).map_err(|e| bad(format!("it is not a rebuild kit: {e}")))?;
        if kit.version != Self::VERSION {
            return Err(bad(format!(
                "it is version {}, and this engine reads version {}: rebuild the data with this version",
                kit.version,
                Self::VERSION
            )));
        }
        if kit.authorities.is_empty() {
            return Err(bad("it names no councils".into()));
        }
        Ok(kit)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The short id of a build: its date and a checksum of the sources and their row counts.
pub fn data_version(build_date: Date, sources: &[Source]) -> String {
    let mut h = crc32fast::Hasher::new();
    for s in sources {
        h.update(s.key.as_bytes());
        h.update(&s.rows.to_le_bytes());
    }
    format!("{}-{:08x}", build_date, h.finalize())
}

/// The GIAS download's entry in a dataset's source table, dated by its newest change.
pub fn gias_source(records: &[GiasRecord], report: &ImportReport) -> Source {
    Source {
        key: "gias".into(),
        title: "DfE Get Information About Schools, all establishment data".into(),
        date: records.iter().filter_map(|r| r.last_changed).max(),
        rows: report.rows_read as u32,
    }
}

/// A dataset from one GIAS download: every open establishment it lists, with the councils and
/// Section 41 status from the kit. `la_at` names the council at a point for rows without an
/// `LA (code)` (the CLI has the postcode units for that; the page does not and passes `|_| None`).
pub fn dataset_from_gias(
    records: &[GiasRecord],
    report: &ImportReport,
    kit: &RebuildKit,
    la_at: &dyn Fn(LatLon) -> Option<LaCode>,
    build_date: Date,
) -> (Dataset, MergeReport) {
    let source = gias_source(records, report);
    let data_version = data_version(build_date, std::slice::from_ref(&source));
    assemble(Inputs {
        sources: vec![SourceFacts { source, lists_open: true, facts: records.iter().map(facts_from_gias).collect() }],
        section41: kit.section41.clone(),
        authorities: kit.authorities.clone(),
        la_at,
        build_date,
        data_version,
    })
}

/// Applies a council supplement file to a dataset; its report lists every row applied or not.
pub fn add_supplement(
    dataset: &mut Dataset,
    name: &str,
    rows: &[SupplementRow],
    mut report: ImportReport,
    date: Date,
) -> ImportReport {
    let source = Source {
        key: "council-supplement".into(),
        title: format!("Council supplement ({name})"),
        date: Some(date),
        rows: report.rows_read as u32,
    };
    apply_supplement(dataset, rows, source, &mut report);
    report
}

/// Which of the files a council can bring this is, from its header row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum FileKind {
    /// GIAS "all establishment data" (or an extract with the same columns).
    Gias,
    /// A council supplement (README "Council supplement").
    Supplement,
}

impl FileKind {
    /// Tells the two apart by their first line; a clear error for anything else. Only the
    /// start of the file is checked here (a workbook, a compressed file, binary data): the
    /// importer that then reads the file checks all of it.
    pub fn sniff(name: &str, bytes: &[u8]) -> Result<FileKind> {
        let head = &bytes[..bytes.len().min(64 * 1024)];
        text::check_csv_bytes(name, head)?;
        let first = head.split(|&b| b == b'\n' || b == b'\r').next().unwrap_or(&[]);
        let line = text::decode(first);
        let cells: Vec<String> =
            line.split(',').map(|c| c.trim().trim_matches('"').trim_start_matches('\u{feff}').to_lowercase()).collect();
        let has = |name: &str| cells.iter().any(|c| c == name);
        if has("urn") && has("establishmentname") {
            Ok(FileKind::Gias)
        } else if has("urn") {
            Ok(FileKind::Supplement)
        } else {
            Err(Error::Csv {
                file: name.to_string(),
                reason: "this is neither a GIAS establishment file (its first line names URN and EstablishmentName) \
                         nor a council supplement (a urn column)"
                    .into(),
            })
        }
    }
}

/// The rebuild, a file at a time: at most one GIAS file and one supplement.
#[derive(Debug)]
pub struct Importer {
    kit: RebuildKit,
    build_date: Date,
    gias: Option<GiasReader>,
    supplement: Option<(String, Vec<SupplementRow>, ImportReport)>,
}

/// A finished rebuild: the new dataset and what happened to every row.
#[derive(Debug)]
pub struct Rebuilt {
    pub dataset: Dataset,
    pub imports: Vec<ImportReport>,
    pub merge: MergeReport,
}

impl Importer {
    pub fn new(kit: RebuildKit, build_date: Date) -> Importer {
        Importer { kit, build_date, gias: None, supplement: None }
    }

    /// Takes a file: a GIAS file is checked, decoded and its header read (its rows are read by
    /// [`step`](Self::step)); a supplement is read whole (it is small).
    pub fn add_file(&mut self, name: &str, bytes: &[u8]) -> Result<FileKind> {
        let kind = FileKind::sniff(name, bytes)?;
        let twice = |what: &str| Error::Import { what: name.to_string(), reason: format!("{what} was already given") };
        match kind {
            FileKind::Gias => {
                if self.gias.is_some() {
                    return Err(twice("a GIAS file"));
                }
                self.gias = Some(GiasReader::new(name, bytes)?);
            }
            FileKind::Supplement => {
                if self.supplement.is_some() {
                    return Err(twice("a council supplement"));
                }
                let (rows, report) = read_supplement(name, bytes)?;
                self.supplement = Some((name.to_string(), rows, report));
            }
        }
        Ok(kind)
    }

    /// Reads up to `max_rows` more GIAS rows; returns the share of the work done, 0 to 1.
    pub fn step(&mut self, max_rows: usize) -> Result<f64> {
        match &mut self.gias {
            Some(reader) => {
                reader.step(max_rows)?;
                Ok(reader.progress())
            }
            None => Ok(1.0),
        }
    }

    /// True when [`finish`](Self::finish) needs the data in use (no GIAS file was given).
    pub fn needs_base(&self) -> bool {
        self.gias.is_none()
    }

    /// GIAS rows read so far.
    pub fn rows_read(&self) -> u64 {
        self.gias.as_ref().map_or(0, GiasReader::rows_read)
    }

    /// Builds the dataset: from the GIAS file when one was given, else from `base` (the data in
    /// use); then the supplement over it.
    pub fn finish(mut self, base: Option<Dataset>) -> Result<Rebuilt> {
        while self.gias.is_some() && self.step(usize::MAX)? < 1.0 {}
        let mut imports = Vec::new();
        let (mut dataset, merge) = match self.gias.take() {
            Some(reader) => {
                let (records, report) = reader.finish();
                let built = dataset_from_gias(&records, &report, &self.kit, &|_| None, self.build_date);
                imports.push(report);
                built
            }
            None => match base {
                Some(base) if self.supplement.is_some() => (base, MergeReport::default()),
                _ => {
                    return Err(Error::Import {
                        what: "the import".into(),
                        reason: "no file was given: drop a GIAS establishment CSV and/or a council supplement".into(),
                    })
                }
            },
        };
        if let Some((name, rows, report)) = self.supplement.take() {
            imports.push(add_supplement(&mut dataset, &name, &rows, report, self.build_date));
            let sources = dataset.meta.sources.clone();
            dataset.meta.data_version = data_version(self.build_date, &sources);
        }
        Ok(Rebuilt { dataset, imports, merge })
    }
}

/// One input's counts, for a page to show.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct SourceSummary {
    pub source: String,
    pub rows_read: u64,
    pub accepted: u64,
    pub filtered: usize,
    pub rejected: usize,
    pub warnings: usize,
}

/// One rejected row, for a page to show.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct RejectedRow<'a> {
    pub source: &'a str,
    pub row: u64,
    pub urn: Option<u32>,
    pub column: Option<&'a str>,
    pub reason: &'a str,
}

/// What a page shows after a rebuild; the full report is the CSV.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct RebuildSummary<'a> {
    pub sources: Vec<SourceSummary>,
    /// Every rejected row of every input (there are few: rejected means unreadable).
    pub rejected_rows: Vec<RejectedRow<'a>>,
    pub settings: usize,
    pub establishments_kept: u32,
    pub establishments_left_out: usize,
    pub data_version: &'a str,
    pub coverage: &'a str,
    /// [`report_csv`]: every row rejected, filtered or warned about, and every establishment
    /// left out by the merge.
    pub report_csv: String,
}

impl Rebuilt {
    pub fn summary(&self) -> RebuildSummary<'_> {
        let rejected_rows = self
            .imports
            .iter()
            .flat_map(|r| {
                r.rejected.iter().map(|i: &RowIssue| RejectedRow {
                    source: &r.source,
                    row: i.row,
                    urn: i.urn,
                    column: i.column.as_deref(),
                    reason: &i.reason,
                })
            })
            .collect();
        RebuildSummary {
            sources: self
                .imports
                .iter()
                .map(|r| SourceSummary {
                    source: r.source.clone(),
                    rows_read: r.rows_read,
                    accepted: r.accepted,
                    filtered: r.filtered.len(),
                    rejected: r.rejected.len(),
                    warnings: r.warnings.len(),
                })
                .collect(),
            rejected_rows,
            settings: self.dataset.settings.len(),
            establishments_kept: self.merge.establishments_kept,
            establishments_left_out: self.merge.left_out.values().map(Vec::len).sum(),
            data_version: &self.dataset.meta.data_version,
            coverage: &self.dataset.meta.coverage,
            report_csv: report_csv(&self.imports, &self.merge),
        }
    }
}

/// Every row or establishment left out, one per line: source, row, URN, outcome, column, reason.
/// Every text cell is neutralised for spreadsheets ([`neutralise_csv_cell`]).
pub fn report_csv(imports: &[ImportReport], merge: &MergeReport) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(["source", "row", "urn", "outcome", "column", "reason"]);
    for r in imports {
        // Filtered rows are listed one by one unless there are very many (the 254,537 Scottish
        // and Welsh postcode units), which are counted by reason instead.
        let source = neutralise_csv_cell(&r.source);
        if r.filtered.len() > 5_000 {
            for (reason, n) in r.filtered_by_reason() {
                let reason = format!("{reason} ({n} rows)");
                let _ = w.write_record([&*source, "", "", "filtered", "", &neutralise_csv_cell(&reason)]);
            }
        }
        let filtered: &[RowIssue] = if r.filtered.len() > 5_000 { &[] } else { &r.filtered };
        for (outcome, issues) in [("rejected", &r.rejected[..]), ("filtered", filtered), ("warning", &r.warnings[..])] {
            for i in issues {
                // Every text cell may hold what the input file held (a header, a quoted value).
                let _ = w.write_record([
                    &*source,
                    &i.row.to_string(),
                    &i.urn.map(|u| u.to_string()).unwrap_or_default(),
                    outcome,
                    &neutralise_csv_cell(i.column.as_deref().unwrap_or("")),
                    &neutralise_csv_cell(&i.reason),
                ]);
            }
        }
    }
    for (reason, urns) in &merge.left_out {
        for urn in urns {
            let _ = w.write_record(["merge", "", &urn.to_string(), "left out", "", &neutralise_csv_cell(reason)]);
        }
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
