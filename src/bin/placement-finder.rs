//! `placement-finder`: the data officer's and SENCo's command-line tool.

use clap::{Parser, Subcommand};
use placement_finder::dataset::Dataset;
use placement_finder::pipeline::{self, BuildOptions};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser)]
#[command(
    name = "placement-finder",
    version,
    about = "Find and explain suitable SEND placements in England, from open DfE data"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the dataset and postcode shards the page loads (into www/data/ by default).
    BuildData {
        /// Folder of committed source files.
        #[arg(long, default_value = "data/sources")]
        sources: PathBuf,
        /// A full GIAS "all establishment data" CSV (the monthly DfE download) to use instead
        /// of the committed GIAS extracts.
        #[arg(long)]
        gias: Option<PathBuf>,
        /// A council supplement CSV (see README "Council supplement").
        #[arg(long)]
        supplement: Option<PathBuf>,
        /// Output folder.
        #[arg(long, default_value = "www/data")]
        out: PathBuf,
        /// Skip the postcode shards (faster; the page then cannot look up postcodes).
        #[arg(long)]
        no_postcodes: bool,
    },
    /// Say what a dataset holds: counts by kind, SEN type, places, ages, council; source dates.
    Inspect {
        /// The dataset file.
        #[arg(default_value = "www/data/dataset.bin")]
        dataset: PathBuf,
        /// Also list every council.
        #[arg(long)]
        by_council: bool,
        /// JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> placement_finder::Result<()> {
    match command {
        Command::BuildData { sources, gias, supplement, out, no_postcodes } => {
            let start = Instant::now();
            let opts = BuildOptions {
                sources_dir: sources,
                gias,
                supplement,
                postcodes: !no_postcodes,
                build_date: pipeline::today(),
            };
            let output = pipeline::build(&opts)?;
            for r in &output.imports {
                let balanced = if r.is_balanced() { "" } else { "  (DOES NOT ADD UP)" };
                println!("{}{balanced}", r.summary());
                for (reason, n) in r.filtered_by_reason().iter().take(4) {
                    println!("    filtered {n:>6}  {reason}");
                }
            }
            let m = &output.merge;
            println!(
                "merge: {} establishments seen, {} kept; kind from phase for {}; council from postcode units for {}; Section 41 matched by name for {}",
                m.establishments_seen, m.establishments_kept, m.kind_from_phase, m.la_from_postcodes, m.section41_matched
            );
            for (reason, urns) in &m.left_out {
                println!("    left out {:>6}  {reason}", urns.len());
            }
            let written = pipeline::write(&output, &out)?;
            let total: usize = written.iter().map(|(_, n)| n).sum();
            println!(
                "wrote {} files, {:.1} MB, to {} ({} settings; dataset.bin {} bytes) in {:.2} s",
                written.len(),
                total as f64 / 1e6,
                out.display(),
                output.dataset.settings.len(),
                written[0].1,
                start.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Inspect { dataset, by_council, json } => {
            let bytes = std::fs::read(&dataset)
                .map_err(|source| placement_finder::Error::Io { path: dataset.display().to_string(), source })?;
            let d = Dataset::decode(&bytes)?;
            let st = d.stats();
            if json {
                let v = serde_json::json!({ "meta": d.meta, "stats": st });
                println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
                return Ok(());
            }
            println!("dataset {} (schema {}, built {})", d.meta.data_version, d.meta.schema_version, d.meta.build_date);
            println!("{}", d.meta.coverage);
            println!("\nsources:");
            for s in &d.meta.sources {
                let date = s.date.map(|d| d.to_string()).unwrap_or_else(|| "date unknown".into());
                println!("  {date}  {:>6} rows  {}", s.rows, s.title);
            }
            println!("\nsettings by kind (of which kind inferred from GIAS phase):");
            for (kind, n, from_phase) in &st.by_kind {
                println!("  {kind:<22} {n:>6}  ({from_phase})");
            }
            println!("\nsettings recording each SEN type ({} of {} record any):", st.with_needs, st.settings);
            for (need, n) in &st.by_need {
                println!("  {need:<5} {n:>5}");
            }
            println!("\nplaces data (capacity and/or on roll): {} settings", st.with_places);
            println!(
                "ages: statutory range for {}, usual range of the recorded phase for {}, none for {}; youngest {} oldest {}",
                st.with_statutory_ages,
                st.with_phase_ages,
                st.without_ages,
                st.youngest.map(|a| a.to_string()).unwrap_or_default(),
                st.oldest.map(|a| a.to_string()).unwrap_or_default()
            );
            println!(
                "open but proposed to close: {}; Section 41 approved: {}",
                st.proposed_to_close, st.section41_approved
            );
            println!("councils: {} with settings; {} settings with no council", st.by_la.len(), st.without_la);
            if by_council {
                for (code, name, n, sp) in &st.by_la {
                    println!("  {code:03} {name:<32} {n:>5} settings, {sp:>4} specialist");
                }
            }
            Ok(())
        }
    }
}
