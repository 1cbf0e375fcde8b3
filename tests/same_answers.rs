//! The same answers, byte for byte (issue 13): the shortlist and explanation JSON of 1,000 seeded
//! queries on the real default data (built in memory from `data/sources`, as `tests/real_data.rs`
//! does), against `tests/fixtures/same-answers/answers.txt`, recorded before the issue's changes
//! to the data format, the wasm edge and the policy pack.
//!
//! Each line of the fixture is `<query> <what> <bytes> <fnv-1a 64 of the JSON>`; `what` is
//! `shortlist`, `explain:<urn>` or `error:<code>` (the message's bytes and hash then).
//!
//! - `SAME_ANSWERS_WRITE=1 cargo test --test same_answers` rewrites the fixture (only when the
//!   answers are meant to change: say why in the commit);
//! - `SAME_ANSWERS_DUMP=<dir>` writes every answer's JSON there, one file per line of the
//!   fixture, so that two versions can be compared with `diff -r`.

use placement_finder::dataset::Dataset;
use placement_finder::finder::Finder;
use placement_finder::pipeline::{self, BuildOptions};
use placement_finder::policy::Policy;
use placement_finder::rank::Query;
use placement_finder::{Date, Gender, LaCode, LatLon, Need, ProvisionKind, Urn};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::OnceLock;

const QUERIES: usize = 1_000;
const FIXTURE: &str = "tests/fixtures/same-answers/answers.txt";

fn dataset() -> &'static Dataset {
    static D: OnceLock<Dataset> = OnceLock::new();
    D.get_or_init(|| {
        let opts = BuildOptions {
            sources_dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/sources"),
            gias: None,
            supplement: None,
            postcodes: false,
            build_date: Date::new(2026, 11, 22).unwrap(),
        };
        let d = pipeline::build(&opts).expect("builds").dataset;
        Dataset::decode(&d.encode()).expect("round trip")
    })
}

/// SplitMix64: the same numbers on every machine.
struct Seeded(u64);

impl Seeded {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())].clone()
    }
}

/// A query as a family, a SENCo or a shared link might make one: mostly ordinary, sometimes
/// with every preference set, sometimes out of range (the error is an answer too).
fn query(r: &mut Seeded, d: &Dataset, levels: &[String]) -> Query {
    // Near a real setting half the time (dense results), anywhere in England's box otherwise.
    let home = if r.chance(0.5) {
        let s = &d.settings[r.below(d.settings.len())];
        LatLon { lat: s.location.lat + (r.unit() - 0.5) * 0.1, lon: s.location.lon + (r.unit() - 0.5) * 0.15 }
    } else {
        LatLon { lat: 50.6 + r.unit() * 4.9, lon: -4.5 + r.unit() * 6.0 }
    };
    let mut q = Query::new(home, 2 + r.below(24) as u8, r.pick(&Need::ALL), r.pick(levels));
    if r.chance(0.1) {
        q.age = None;
        q.date_of_birth = Date::new(2008 + r.below(18) as u16, 1 + r.below(12) as u8, 1 + r.below(28) as u8);
        q.start_date = Date::new(2027, 9, 1);
    }
    if r.chance(0.05) {
        q.age = Some(if r.chance(0.5) { 1 } else { 26 });
    }
    if r.chance(0.1) {
        q.taught_out_of_year_group = Some(2 + r.below(24) as u8);
    }
    for _ in 0..r.below(3) {
        q.other_needs.push(r.pick(&Need::ALL));
    }
    if r.chance(0.3) {
        q.home_la = d.authorities.get(r.below(d.authorities.len().max(1))).map(|la| la.code);
        if r.chance(0.1) {
            q.home_la = Some(LaCode(999));
        }
    }
    if r.chance(0.2) {
        let kinds: Vec<ProvisionKind> = ProvisionKind::ALL.iter().copied().filter(|_| r.chance(0.4)).collect();
        q.kinds = Some(kinds);
    }
    if r.chance(0.25) {
        q.radius_miles = Some(match r.below(10) {
            0 => 150.0,
            1 => 0.0,
            _ => (1.0 + r.unit() * 40.0 * 10.0).round() / 10.0,
        });
    }
    q.limit = r.pick(&[5, 10, 20, 20, 50, 200]);
    if r.chance(0.2) {
        q.child_sex = Some(r.pick(&[Gender::Boys, Gender::Girls]));
    }
    if r.chance(0.1) {
        q.single_sex = Some(r.pick(&[Gender::Boys, Gender::Girls, Gender::Mixed]));
    }
    if r.chance(0.1) {
        q.religious_character = Some(r.pick(&["Roman Catholic", "Church of England", "none", "Jewish"]).to_string());
    }
    if r.chance(0.1) {
        q.boarding = Some(r.chance(0.5));
    }
    q.include_independent = r.chance(0.2);
    q.same_la_only = r.chance(0.1);
    q
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// Every answer, as the fixture's lines and the JSON behind each.
fn answers(finder: &Finder) -> Vec<(String, String)> {
    answers_via(finder, None, dataset()).0
}

/// Every answer from `finder`, or, where it says details are missing, from `fallback` (as the
/// page loads `details/all.bin` and asks again); and how many answers `fallback` gave.
fn answers_via(finder: &Finder, fallback: Option<&Finder>, d: &Dataset) -> (Vec<(String, String)>, usize) {
    let levels: Vec<String> = finder.policy().level_ids().into_iter().map(String::from).collect();
    let mut fell_back = 0;
    let missing = |e: &placement_finder::Error| e.code() == placement_finder::ErrorCode::DetailsMissing;
    let mut r = Seeded(0x5A3E_A115);
    let mut out = Vec::new();
    for i in 0..QUERIES {
        let q = query(&mut r, d, &levels);
        let name = format!("q{i:04}");
        let extra = Urn(d.settings[r.below(d.settings.len())].urn.0);
        let (list, fell) = match (finder.shortlist(&q), fallback) {
            (Err(e), Some(f)) if missing(&e) => (f.shortlist(&q), true),
            (answer, _) => (answer, false),
        };
        fell_back += usize::from(fell);
        match list {
            Err(e) => out.push((format!("{name} error:{}", e.code().as_str()), e.to_string())),
            Ok(list) => {
                let json = serde_json::to_string(&list).expect("serialises");
                let mut urns: Vec<Urn> = list.results.first().map(|s| s.urn).into_iter().collect();
                urns.extend(list.near_misses.last().map(|m| m.urn));
                urns.push(extra);
                out.push((format!("{name} shortlist"), json));
                for urn in urns {
                    let (explained, fell) = match (finder.explain(&q, urn), fallback) {
                        (Err(e), Some(f)) if missing(&e) => (f.explain(&q, urn), true),
                        (answer, _) => (answer, false),
                    };
                    fell_back += usize::from(fell);
                    match explained {
                        Ok(e) => out.push((
                            format!("{name} explain:{}", urn.0),
                            serde_json::to_string(&e).expect("serialises"),
                        )),
                        Err(e) => {
                            out.push((format!("{name} explain:{} error:{}", urn.0, e.code().as_str()), e.to_string()))
                        }
                    }
                }
            }
        }
    }
    (out, fell_back)
}

fn lines(answers: &[(String, String)]) -> String {
    let mut text = String::new();
    for (what, json) in answers {
        let _ = writeln!(text, "{what} {} {:016x}", json.len(), fnv1a(json.as_bytes()));
    }
    text
}

/// Checks `finder`'s answers against the fixture, naming the first ones that differ.
pub fn check(finder: &Finder, path_name: &str) {
    check_answers(answers(finder), path_name);
}

fn check_answers(all: Vec<(String, String)>, path_name: &str) {
    if let Some(dir) = std::env::var_os("SAME_ANSWERS_DUMP") {
        let dir = PathBuf::from(dir).join(path_name);
        std::fs::create_dir_all(&dir).expect("dump dir");
        for (what, json) in &all {
            std::fs::write(dir.join(what.replace([' ', ':'], "_")), json).expect("dump");
        }
    }
    let got = lines(&all);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(FIXTURE);
    if std::env::var_os("SAME_ANSWERS_WRITE").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &got).expect("writes the fixture");
        return;
    }
    let want = std::fs::read_to_string(&path).expect("the fixture exists (SAME_ANSWERS_WRITE=1 makes it)");
    let differ: Vec<String> = want
        .lines()
        .zip(got.lines())
        .filter(|(w, g)| w != g)
        .take(10)
        .map(|(w, g)| format!("  want {w}\n  got  {g}"))
        .collect();
    assert!(
        differ.is_empty() && want.lines().count() == got.lines().count(),
        "{path_name}: answers differ from the fixture ({} lines wanted, {} got); first differences:\n{}\n\
         (SAME_ANSWERS_DUMP=<dir> writes the JSON of both versions for diff -r)",
        want.lines().count(),
        got.lines().count(),
        differ.join("\n")
    );
}

#[test]
fn the_fixture_covers_lists_near_misses_explanations_and_errors() {
    let want = std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(FIXTURE)).unwrap_or_default();
    let count = |p: &str| want.lines().filter(|l| l.split(' ').nth(1).is_some_and(|w| w.starts_with(p))).count();
    assert!(count("shortlist") > 800, "{} shortlists", count("shortlist"));
    assert!(count("explain:") > 1_500, "{} explanations", count("explain:"));
    assert!(count("error:") > 20, "{} errors", count("error:"));
}

#[test]
fn the_finder_gives_the_same_answers_as_before_issue_13() {
    let finder = Finder::new(dataset().clone(), Policy::illustrative_default());
    check(&finder, "finder");
}

#[test]
fn the_finder_from_the_file_bytes_gives_the_same_answers() {
    let finder = Finder::from_bytes(&dataset().encode(), None).expect("loads");
    check(&finder, "from_bytes");
}

/// The page's route: the core file, then details files (`finder/details/*.bin`).
mod split {
    use super::*;
    use placement_finder::engine::core;

    fn files(groups: &[Vec<u32>]) -> (Vec<u8>, Vec<Vec<u8>>) {
        core::split(dataset(), groups)
    }

    #[test]
    fn the_core_and_all_details_give_the_same_answers() {
        let all: Vec<u32> = (0..dataset().settings.len() as u32).collect();
        let (core, details) = files(&[all]);
        let mut finder = Finder::from_core_bytes(&core, None).expect("loads");
        assert!(!finder.has_all_details());
        assert_eq!(finder.add_details(&details[0]).expect("adds"), dataset().settings.len());
        assert!(finder.has_all_details());
        check(&finder, "core_all");
    }

    /// Details for the south of England only (every site of each establishment named): an
    /// answer is either the same as before or `detailsMissing`, never different.
    #[test]
    fn some_details_give_the_same_answers_or_say_details_are_missing() {
        let d = dataset();
        let south: std::collections::BTreeSet<Urn> =
            d.settings.iter().filter(|s| s.location.lat < 52.0).map(|s| s.urn).collect();
        let ids: Vec<u32> =
            (0..d.settings.len() as u32).filter(|&i| south.contains(&d.settings[i as usize].urn)).collect();
        let (core, details) = files(&[ids]);
        let mut finder = Finder::from_core_bytes(&core, None).expect("loads");
        finder.add_details(&details[0]).expect("adds");
        assert!(!finder.has_all_details());
        let full = Finder::new(d.clone(), Policy::illustrative_default());
        let (all, fell_back) = answers_via(&finder, Some(&full), d);
        assert!(fell_back > 100 && fell_back < all.len() - 300, "{fell_back} of {} from the fallback", all.len());
        check_answers(all, "core_some");
    }
}

/// The finder's wasm module writes its answers with the engine's own JSON writer
/// (`src/engine/json_out.rs`), not serde_json: the same text, byte for byte, for every answer
/// of the 1,000 seeded queries (their shortlists, explanations and the queries themselves, also
/// under a council's edited pack), the dataset's meta, the policy packs and the vocabulary.
mod hand_writer {
    use super::*;
    use placement_finder::engine::json_out::{to_json, ToJson};
    use serde::Serialize;

    #[track_caller]
    fn same<T: ToJson + Serialize + ?Sized>(value: &T, what: &str) -> String {
        let want = serde_json::to_string(value).expect("serde writes it");
        let got = to_json(value);
        assert!(got == want, "{what}: the hand writer differs from serde_json\n  hand:  {got}\n  serde: {want}");
        got
    }

    /// Every answer of the seeded queries, written by both writers; all the text compared.
    fn compare_all(finder: &Finder, tag: &str) -> String {
        let d = dataset();
        let levels: Vec<String> = finder.policy().level_ids().into_iter().map(String::from).collect();
        let mut r = Seeded(0x5A3E_A115);
        let mut all = String::new();
        let mut answers = 0;
        for i in 0..QUERIES {
            let q = query(&mut r, d, &levels);
            let extra = Urn(d.settings[r.below(d.settings.len())].urn.0);
            all.push_str(&same(&q, &format!("{tag} q{i:04} query")));
            let Ok(list) = finder.shortlist(&q) else { continue };
            all.push_str(&same(&list, &format!("{tag} q{i:04} shortlist")));
            answers += 1;
            let mut urns: Vec<Urn> = list.results.first().map(|s| s.urn).into_iter().collect();
            urns.extend(list.near_misses.last().map(|m| m.urn));
            urns.push(extra);
            for urn in urns {
                if let Ok(e) = finder.explain(&q, urn) {
                    all.push_str(&same(&e, &format!("{tag} q{i:04} explain:{}", urn.0)));
                    answers += 1;
                }
            }
        }
        assert!(answers > 2_500, "{tag}: only {answers} answers compared");
        all
    }

    #[test]
    fn the_hand_writer_writes_what_serde_writes() {
        let finder = Finder::new(dataset().clone(), Policy::illustrative_default());
        let all = compare_all(&finder, "default");
        // What the comparison covered: a writer that got any of these wrong would have failed.
        for (what, needle) in [
            ("a satellite or unit site", r#"{"type":"resourcedProvision"}"#),
            ("a SEN unit", r#"{"type":"senUnit"}"#),
            ("a main site", r#"{"type":"main"}"#),
            ("a listed outcome", r#""status":"listed""#),
            ("an excluded outcome", r#""status":"excluded""#),
            ("a ranked-below outcome", r#""status":"rankedBelow""#),
            ("a note (no factor)", r#"},{"code":"agesNotRecorded","text":"#),
            ("an unknown factor value", r#""value":null"#),
            ("curly quotes (non-ASCII)", "“"),
            ("a null", ":null"),
            ("places", r#""onRoll":"#),
            ("a date", r#""asOf":"20"#),
            ("a council's name", r#""la":{"code":"#),
        ] {
            assert!(all.contains(needle), "the answers never had {what} ({needle})");
        }
        let non_integer = all.matches(r#""score":0."#).count();
        assert!(non_integer > 10_000, "{non_integer} fractional scores");

        same(finder.meta(), "meta");
        same(finder.policy(), "policy");
        same(&Finder::vocabulary(), "vocabulary");
        let from_bytes = Finder::from_bytes(&dataset().encode(), None).expect("loads");
        same(from_bytes.meta(), "meta (from the file)");
        same(from_bytes.policy(), "policy (from the default pack's JSON)");
    }

    /// A council's own pack, edited (wording with characters JSON escapes, other weights, radii
    /// and assumed values): the pack, and every answer under it.
    #[test]
    fn the_hand_writer_writes_what_serde_writes_under_a_council_pack() {
        let mut pack: serde_json::Value = serde_json::from_str(placement_finder::policy::DEFAULT_JSON).unwrap();
        pack["id"] = "leeds-2026".into();
        pack["title"] = "Leeds “banding” \\ pack\u{2028}(draft)\ttabbed".into();
        pack["illustrative"] = false.into();
        pack["notice"] = "Quotes \" and control \u{1} characters, é and 😀".into();
        pack["wording"]["advisory"] = "Advisory — “ask\u{7f}” \n new line".into();
        pack["wording"]["agesNotRecorded"] = "Ages: \"unknown\"\r\n".into();
        pack["weights"]["distance"] = 0.37.into();
        pack["weights"]["places"] = 0.0.into();
        pack["distanceHalfLifeMiles"] = 3.3.into();
        pack.as_object_mut().unwrap().remove("unknownNeedsValue");
        for level in pack["levels"].as_array_mut().unwrap() {
            let r = level["radiusMiles"].as_f64().unwrap();
            level["radiusMiles"] = (r * 0.7).into();
        }
        let policy = Policy::from_json(&pack.to_string()).expect("the edited pack is valid");
        same(&policy, "the edited pack");
        let finder = Finder::new(dataset().clone(), policy);
        let all = compare_all(&finder, "council");
        assert!(all.contains("Advisory — “ask\u{7f}” \\n new line"), "the pack's wording was not in the answers");
    }
}
