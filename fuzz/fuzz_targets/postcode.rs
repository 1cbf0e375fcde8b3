//! Postcodes as a person types them, the area shards the page fetches, and the area index.
//! The first byte chooses: text to parse; a shard (with its checksum made to match, or not),
//! looked up at postcodes taken from its own districts and encoded back; or an index.
#![no_main]

use libfuzzer_sys::fuzz_target;
use placement_finder::postcode::{AreaIndex, PostcodeShard};
use placement_finder::Postcode;
use placement_finder_fuzz::with_shard_crc;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, bytes)) = data.split_first() else { return };
    match mode % 4 {
        0 => {
            let text = String::from_utf8_lossy(bytes);
            if let Ok(p) = Postcode::parse(&text) {
                assert_eq!(Postcode::parse(p.as_str()).as_ref(), Ok(&p));
                assert!(p.as_str().starts_with(p.outcode()) && p.as_str().ends_with(p.inward()));
                assert!(p.outcode().starts_with(p.area()) && !p.area().is_empty());
                assert!(p.sector().len() == p.outcode().len() + 2);
            }
        }
        1 | 2 => {
            let bytes = if mode % 4 == 1 { with_shard_crc(bytes) } else { bytes.to_vec() };
            let Ok(shard) = PostcodeShard::decode(&bytes) else { return };
            assert_eq!(PostcodeShard::decode(&shard.encode()).as_ref().ok(), Some(&shard));
            for d in shard.districts().iter().take(8) {
                for inward in ["0AA", "1AB", "9ZZ"]
                    .iter()
                    .map(|s| s.to_string())
                    .chain(d.units.iter().take(4).map(|u| u.inward.to_string()))
                {
                    if let Ok(p) = Postcode::parse(&format!("{} {inward}", d.outcode)) {
                        let _ = shard.lookup(&p);
                    }
                }
            }
        }
        _ => {
            if let Ok(index) = AreaIndex::from_json(bytes) {
                let again = AreaIndex::from_json(index.to_json().as_bytes()).expect("an index round trips");
                assert_eq!(again, index);
                for p in ["LS6 2AA", "CF10 1AA", "BT1 1AA", "QQ1 1AA"] {
                    let _ = index.locate(&Postcode::parse(p).expect("a valid postcode"));
                }
            }
        }
    }
});
