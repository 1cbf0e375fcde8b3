//! The dataset file decoder, as the page and the CLI load it. The first byte chooses whether
//! the rest gets a correct checksum appended (so mutations reach the sections behind it).
//! Whatever decodes must build a finder, answer a search and an explanation, and encode back
//! to a file that decodes to the same dataset.
#![no_main]

use libfuzzer_sys::fuzz_target;
use placement_finder::dataset::Dataset;
use placement_finder::finder::Finder;
use placement_finder::policy::Policy;
use placement_finder_fuzz::{typical_query, with_dataset_crc};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, body)) = data.split_first() else { return };
    let bytes = if mode & 1 == 1 { with_dataset_crc(body) } else { body.to_vec() };
    let Ok(dataset) = Dataset::decode(&bytes) else { return };
    let again = Dataset::decode(&dataset.encode()).expect("a decoded dataset encodes to a file that decodes");
    assert_eq!(again, dataset);

    let urn = dataset.settings.first().map(|s| s.urn);
    let finder = Finder::new(dataset, Policy::illustrative_default());
    for level in ["universal", "specialist", "complex"] {
        let _ = finder.shortlist(&typical_query(level));
    }
    if let Some(urn) = urn {
        let _ = finder.explain(&typical_query("specialist"), urn);
    }
});
