//! The command-line tool as a data officer and a SENCo use it: `build-data`, `inspect`,
//! `shortlist`, `explain`, and one clear error line with a non-zero exit for bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_placement-finder"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

/// `build-data` into a temporary folder, once for all tests here.
fn data() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("pf-cli-test-{}", std::process::id()));
        let out = bin().args(["build-data", "--out"]).arg(&dir).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("1745849 rows: 1491312 accepted"), "{stdout}");
        assert!(!stdout.contains("DOES NOT ADD UP"), "{stdout}");
        dir
    })
}

fn run(args: &[&str]) -> Output {
    let d = data();
    bin()
        .args(args)
        .arg("--dataset")
        .arg(d.join("dataset.bin"))
        .arg("--postcodes")
        .arg(d.join("postcodes"))
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

mod inspect {
    use super::*;

    #[test]
    fn says_what_the_dataset_holds() {
        let o = bin().arg("inspect").arg(data().join("dataset.bin")).output().unwrap();
        let text = stdout(&o);
        assert!(o.status.success());
        for expect in [
            "settings by kind",
            "special",
            "ASD",
            "places data",
            "councils: 153 with settings",
            "special schools (",
            "resourced provisions and SEN units (",
        ] {
            assert!(text.contains(expect), "{expect:?} in {text}");
        }
    }
}

mod shortlist {
    use super::*;

    #[test]
    fn leeds_autism_specialist_table_has_real_settings_reasons_and_an_age_near_miss() {
        let o = run(&[
            "shortlist",
            "--postcode",
            "LS6 2AB",
            "--age",
            "7",
            "--need",
            "ASD",
            "--level",
            "specialist",
            "--format",
            "table",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let text = stdout(&o);
        assert!(text.contains("West Oaks School"), "{text}");
        assert!(text.contains("Specialist provision for autism"));
        assert!(text.contains("miles, straight line"));
        assert!(text.contains("advisory"));
        assert!(text.contains("Lighthouse School Leeds") && text.contains("does not include age 7"), "{text}");
    }

    #[test]
    fn a_london_postcode_finds_london_settings() {
        let o = run(&[
            "shortlist",
            "--postcode",
            "SW1A 1AA",
            "--age",
            "12",
            "--need",
            "SEMH",
            "--level",
            "specialist",
            "--format",
            "json",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        let results = v["results"].as_array().unwrap();
        assert!(!results.is_empty());
        // Every listed setting is within the level's radius of Westminster, in London councils (codes 201-213, 301-320).
        for r in results {
            let la = r["la"]["code"].as_u64().unwrap_or(0);
            assert!((201..=213).contains(&la) || (301..=320).contains(&la), "{r}");
            assert!(r["distanceM"].as_f64().unwrap() > 0.0);
            assert!(r["reasons"][0]["code"].is_string() && r["reasons"][0]["text"].is_string());
        }
        assert_eq!(v["policy"]["illustrative"], true);
    }

    /// Issue 11: right answers outside Leeds, from a real postcode.
    fn json_list(postcode: &str, level: &str) -> serde_json::Value {
        let o = run(&[
            "shortlist",
            "--postcode",
            postcode,
            "--age",
            "7",
            "--need",
            "ASD",
            "--level",
            level,
            "--limit",
            "200",
            "--format",
            "json",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        serde_json::from_str(&stdout(&o)).unwrap()
    }

    #[test]
    fn in_carlisle_the_school_for_other_needs_comes_last_and_says_why() {
        let v = json_list("CA1 1QS", "specialist");
        let results = v["results"].as_array().unwrap();
        let names: Vec<&str> = results.iter().map(|r| r["name"].as_str().unwrap()).collect();
        assert!(names.len() > 10, "{names:?}");
        assert_eq!(names.last(), Some(&"James Rennie School"), "{names:?}");
        let rennie = results.last().unwrap();
        let why: Vec<&str> =
            rennie["reasons"].as_array().unwrap().iter().map(|r| r["text"].as_str().unwrap()).collect();
        assert!(
            why.contains(
                &"Records provision for severe learning difficulties and profound and multiple learning difficulties, \
                  not autism: listed after the settings that may meet autism"
            ),
            "{why:?}"
        );
        assert!(rennie["flags"].as_array().unwrap().iter().any(|f| f == "otherNeedsOnly"));
    }

    #[test]
    fn in_manchester_a_child_of_7_gets_no_college() {
        for level in ["universal", "targeted", "specialist", "complex"] {
            let v = json_list("M12 4AA", level);
            for r in v["results"].as_array().unwrap() {
                assert_ne!(r["kind"], "post16", "{level}: {}", r["name"]);
                if let Some(low) = r["ageRange"]["low"].as_u64() {
                    assert!(low <= 7 && r["ageRange"]["high"].as_u64().unwrap() >= 7, "{level}: {r}");
                }
            }
        }
    }

    #[test]
    fn csv_has_a_header_and_a_row_per_result() {
        let o = run(&[
            "shortlist",
            "--lat",
            "53.8",
            "--lon",
            "-1.55",
            "--age",
            "9",
            "--need",
            "SLCN",
            "--level",
            "targeted",
            "--limit",
            "5",
            "--format",
            "csv",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let text = stdout(&o);
        assert!(text.starts_with("rank,urn,name,kind,ages,distance_miles_straight_line"));
        assert_eq!(text.lines().count(), 6, "{text}");
    }
}

mod explain {
    use super::*;

    #[test]
    fn says_in_words_why_a_school_is_not_on_the_list() {
        // Lighthouse School Leeds (URN 138380): autism, ages 11-19.
        let o = run(&[
            "explain",
            "--urn",
            "138380",
            "--postcode",
            "LS6 2AB",
            "--age",
            "7",
            "--need",
            "ASD",
            "--level",
            "specialist",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let text = stdout(&o);
        assert!(text.contains("does not include age 7"), "{text}");
    }
}

mod bad_input {
    use super::*;

    fn fails_with(args: &[&str], expect: &str) {
        let o = run(args);
        assert!(!o.status.success(), "{args:?} succeeded");
        let err = stderr(&o);
        assert!(err.starts_with("error: ") && err.contains(expect), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().filter(|l| l.starts_with("error")).count(), 1, "{err}");
    }

    #[test]
    fn a_malformed_postcode() {
        fails_with(
            &["shortlist", "--postcode", "LS6", "--age", "7", "--need", "ASD", "--level", "specialist"],
            "not a UK postcode",
        );
    }

    #[test]
    fn an_age_outside_2_to_25() {
        fails_with(
            &["shortlist", "--postcode", "LS6 2AB", "--age", "40", "--need", "ASD", "--level", "specialist"],
            "2 to 25",
        );
    }

    #[test]
    fn an_unknown_need_or_kind() {
        fails_with(
            &["shortlist", "--postcode", "LS6 2AB", "--age", "7", "--need", "AUT", "--level", "specialist"],
            "not an SEN type",
        );
        fails_with(
            &[
                "shortlist",
                "--postcode",
                "LS6 2AB",
                "--age",
                "7",
                "--need",
                "ASD",
                "--level",
                "specialist",
                "--kinds",
                "castle",
            ],
            "not a kind of setting",
        );
    }

    #[test]
    fn a_negative_radius() {
        fails_with(
            &[
                "shortlist",
                "--postcode",
                "LS6 2AB",
                "--age",
                "7",
                "--need",
                "ASD",
                "--level",
                "specialist",
                "--radius-miles",
                "-3",
            ],
            "positive number of miles",
        );
    }

    #[test]
    fn an_unknown_level_names_the_known_ones() {
        fails_with(
            &["shortlist", "--postcode", "LS6 2AB", "--age", "7", "--need", "ASD", "--level", "band9"],
            "universal",
        );
    }

    #[test]
    fn a_postcode_outside_england() {
        fails_with(
            &["shortlist", "--postcode", "CF10 1AA", "--age", "7", "--need", "ASD", "--level", "specialist"],
            "postcode CF10 1AA is in Wales; this service covers schools and councils in England only",
        );
    }
}

/// The home postcode: said as the page says it (both follow `postcode::place_postcode`).
mod home_postcode {
    use super::*;

    fn shortlist(postcode: &str) -> Output {
        run(&[
            "shortlist",
            "--postcode",
            postcode,
            "--age",
            "7",
            "--need",
            "ASD",
            "--level",
            "specialist",
            "--format",
            "json",
        ])
    }

    #[test]
    fn a_live_postcode_is_used_as_it_is() {
        let o = shortlist("LS6 2AB");
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(
            v["home"],
            serde_json::json!({ "postcode": "LS6 2AB", "basis": "unit", "approximate": false, "note": null })
        );
    }

    #[test]
    fn a_made_up_unit_in_a_known_sector_warns_on_stderr_and_says_so_in_the_json() {
        let o = shortlist("LS6 9ZZ");
        assert!(o.status.success(), "{}", stderr(&o));
        let note = "LS6 9ZZ is not in the postcode list, so distances are from the centre of postcode sector LS6 9";
        assert_eq!(stderr(&o), format!("warning: {note}\n"));
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(
            v["home"],
            serde_json::json!({ "postcode": "LS6 9ZZ", "basis": "sector", "approximate": true, "note": note })
        );
        assert!(!v["results"].as_array().unwrap().is_empty());
    }

    #[test]
    fn postcodes_outside_england_name_the_nation() {
        for (postcode, nation) in [
            ("LD1 5DY", "Wales"),    // a Welsh district of LD, an area with English units too
            ("EH1 1YZ", "Scotland"), // an area with no unit in England: no shard
            ("BT1 1AA", "Northern Ireland"),
            ("NP7 5ZZ", "Wales"), // not a unit, in a sector with Welsh units only (NP7 also has English ones)
        ] {
            let o = shortlist(postcode);
            assert!(!o.status.success(), "{postcode}");
            let expect = format!(
                "error: postcode {postcode} is in {nation}; this service covers schools and councils in England only\n"
            );
            assert_eq!(stderr(&o), expect);
        }
    }

    #[test]
    fn an_english_unit_of_a_border_area_is_in_england() {
        // LD7 1DY is in Shropshire; most of LD is in Wales.
        let o = shortlist("LD7 1DY");
        assert!(o.status.success(), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(v["home"]["basis"], "unit");
    }
}
