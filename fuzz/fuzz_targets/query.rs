//! The query as it arrives from JavaScript or a share link: JSON read by
//! `Finder::query_from_json` (the capped path a share link takes) and, as the page's objects
//! are, deserialised straight into `rank::Query`; then a shortlist and an explanation on a
//! small fixed dataset. Either is an error with a message, never a panic, and a list holds at
//! most `limit` results. The finder's own JSON reader must agree with serde on any JSON text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use placement_finder::finder::Finder;
use placement_finder::rank::Query;
use placement_finder_fuzz::small_finder;

fn ask(query: &Query) {
    let finder = small_finder();
    if let Ok(list) = finder.shortlist(query) {
        assert!(list.results.len() <= query.limit as usize);
        for r in &list.results {
            assert!(r.score.is_finite(), "{}", r.score);
        }
    }
    let _ = finder.explain(query, placement_finder::Urn(100_003));
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(query) = Finder::query_from_json(text) {
            ask(&query);
        }
        // The finder's own JSON reader (src/engine/json.rs) reads any JSON text as serde does:
        // the same query, or an error from both.
        if serde_json::from_str::<serde_json::Value>(text).is_ok() {
            match (Finder::query_from_json_text(text), serde_json::from_str::<Query>(text)) {
                (Ok(ours), Ok(theirs)) => assert_eq!(ours, theirs, "{text}"),
                (Err(_), Err(_)) => {}
                (ours, theirs) => panic!("{text}: the reader gives {ours:?}, serde {theirs:?}"),
            }
        }
    }
    if let Ok(query) = serde_json::from_slice::<Query>(data) {
        ask(&query);
    }
});
