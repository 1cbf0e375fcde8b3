//! Policy packs as a council writes them: any text is refused with a message or gives a
//! policy under which every level answers a search and an explanation without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use placement_finder::finder::Finder;
use placement_finder::policy::Policy;
use placement_finder_fuzz::{small_dataset, typical_query};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(policy) = Policy::from_json(text) else { return };
    let levels: Vec<String> = policy.levels.iter().take(4).map(|l| l.id.clone()).collect();
    let finder = Finder::new(small_dataset(), policy);
    for level in levels {
        let q = typical_query(&level);
        if let Ok(list) = finder.shortlist(&q) {
            assert!(list.results.len() <= q.limit as usize);
            for r in &list.results {
                assert!(r.score.is_finite() && (0.0..=1.0).contains(&r.score), "{}", r.score);
            }
        }
        let _ = finder.explain(&q, placement_finder::Urn(100_003));
    }
});
