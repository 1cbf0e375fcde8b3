//! Caps on everything that arrives from outside: files a data officer imports, the dataset and
//! postcode files the page fetches, a council's policy pack, and a family's query (from the
//! page or a shared link). Every cap is far above any real input, and reaching one is an
//! [`Error`] that names the cap, never a memory blow-up, a hang or a panic.
//!
//! | what | cap | a real input |
//! |---|---|---|
//! | an input file (CSV, JSON) for `build-data` or the in-browser importer, after decompression | [`MAX_INPUT_BYTES`] = 200 MB | GIAS all establishments: about 60 MB |
//! | a line of a CSV file | [`MAX_LINE_BYTES`] = 1 MiB | GIAS: up to 2.5 KB |
//! | columns in a CSV header | [`MAX_COLUMNS`] = 1,000 | GIAS: about 140 |
//! | data rows in an establishment file or a council supplement | [`MAX_ROWS`] = 1,000,000 | GIAS: about 52,000 |
//! | data rows in the postcode units file | [`MAX_POSTCODE_ROWS`] = 4,000,000 | Code-Point Open: 1.75 million |
//! | one field of a CSV row | [`MAX_FIELD_BYTES`] = 10,000 | a school name: under 150 |
//! | satellites of one establishment (council supplement) | [`MAX_SATELLITES_PER_URN`] = 50 | a handful |
//! | the dataset file | [`MAX_DATASET_BYTES`] = 64 MB | all of England: 2.3 MB |
//! | one postcode area shard | [`MAX_SHARD_BYTES`] = 16 MB | the largest area (B): 186 KB |
//! | the postcode area index | [`MAX_AREA_INDEX_BYTES`] = 1 MB | 14 KB |
//! | a policy pack | [`MAX_POLICY_BYTES`] = 1 MB; [`MAX_POLICY_LEVELS`] = 20 levels; [`MAX_POLICY_TEXT_CHARS`] = 2,000 characters a text | the default pack: 4 KB, 4 levels |
//! | a query as JSON (from the page or a shared link) | [`MAX_QUERY_JSON_BYTES`] = 16 KiB | about 300 bytes |
//! | needs in a query besides the primary need | [`MAX_OTHER_NEEDS`] = 12 (every SEN type once) | one to three |
//! | kinds of setting in a query | [`MAX_QUERY_KINDS`] = 9 (every kind once) | up to five |
//! | a text in a query (level id, religious character) | [`MAX_QUERY_TEXT_CHARS`] = 100 | under 30 |
//! | search radius | [`MAX_RADIUS_MILES`] = 100 miles | 3 to 25 |
//! | results in a list | [`MAX_LIMIT`] = 200 | 20 |
//! | near misses a policy pack may ask for | [`MAX_NEAR_MISSES`] = 50 | 5 |
//!
//! Binary files are also never trusted for a count: the dataset and shard decoders reserve
//! memory only for what the bytes present can hold, so a forged count is an error, not an
//! allocation.
//!
//! [`Error`]: crate::Error

use crate::error::Error;

/// Largest input file `build-data` reads, and the most bytes an importer accepts (the
/// in-browser importer hands over the bytes of a dropped file): 200 MB, after decompression.
pub const MAX_INPUT_BYTES: u64 = 200_000_000;

/// Longest line of a CSV file: a longer one means the file is not rows of text (or is one
/// enormous row), and is refused before it is parsed.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// Most columns in a CSV header.
pub const MAX_COLUMNS: usize = 1_000;

/// Most data rows in an establishment file or a council supplement.
pub const MAX_ROWS: u64 = 1_000_000;

/// Most data rows in the OS Code-Point Open postcode units file.
pub const MAX_POSTCODE_ROWS: u64 = 4_000_000;

/// Longest field of a CSV row, in bytes (a longer one rejects its row: usually a stray quote
/// that has joined many lines into one field).
pub const MAX_FIELD_BYTES: usize = 10_000;

/// Most satellite sites a council supplement may add to one establishment.
pub const MAX_SATELLITES_PER_URN: usize = 50;

/// Largest dataset file.
pub const MAX_DATASET_BYTES: usize = 64_000_000;

/// Largest postcode area shard.
pub const MAX_SHARD_BYTES: usize = 16_000_000;

/// Largest postcode area index (`index.json`).
pub const MAX_AREA_INDEX_BYTES: usize = 1_000_000;

/// Largest policy pack (JSON).
pub const MAX_POLICY_BYTES: usize = 1_000_000;

/// Most levels of need in a policy pack.
pub const MAX_POLICY_LEVELS: usize = 20;

/// Longest text in a policy pack (a title, notice, label, description or wording), in characters.
pub const MAX_POLICY_TEXT_CHARS: usize = 2_000;

/// Largest query as JSON text (a shared link carries one).
pub const MAX_QUERY_JSON_BYTES: usize = 16 * 1024;

/// Most needs a query may list besides the primary need: each SEN type once.
pub const MAX_OTHER_NEEDS: usize = crate::model::Need::ALL.len();

/// Most kinds of setting a query may list: each kind once.
pub const MAX_QUERY_KINDS: usize = crate::model::ProvisionKind::ALL.len();

/// Longest text in a query (the level id, the religious character), in characters.
pub const MAX_QUERY_TEXT_CHARS: usize = 100;

/// The widest search radius, in miles, a query or a policy level may set (England is about
/// 400 miles long; a larger radius would only mean "everywhere" and defeat the distance factor).
pub const MAX_RADIUS_MILES: f64 = 100.0;

/// Most near misses a policy pack may ask for.
pub const MAX_NEAR_MISSES: u32 = 50;

/// Most results a query may ask for (defined with the query).
pub use crate::engine::rank::MAX_LIMIT;

// The caps stay far above real inputs: checked when the crate compiles.
const _: () = {
    assert!(MAX_INPUT_BYTES >= 3 * 60_000_000, "the GIAS download is about 60 MB");
    assert!(MAX_ROWS >= 10 * 52_000, "GIAS lists about 52,000 establishments");
    assert!(MAX_POSTCODE_ROWS >= 2 * 1_750_000, "Code-Point Open has 1.75 million units");
    assert!(MAX_LINE_BYTES >= 100 * MAX_FIELD_BYTES, "a line holds many fields");
    assert!(MAX_SATELLITES_PER_URN < u8::MAX as usize, "satellites are numbered in a u8");
};

/// [`Error::TooLarge`] for an input of `size` bytes when `limit` is the cap.
pub(crate) fn too_many_bytes(what: &str, size: u64, limit: u64, cap: &'static str) -> Error {
    Error::TooLarge { what: what.to_string(), found: format!("{size} bytes"), limit: format!("{limit} bytes"), cap }
}

/// Refuses an input of more than `limit` bytes, before anything is read from it.
pub(crate) fn check_size(what: &str, size: u64, limit: u64, cap: &'static str) -> Result<(), Error> {
    if size > limit {
        Err(too_many_bytes(what, size, limit, cap))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_may_list_every_need_and_kind_once() {
        assert_eq!((MAX_OTHER_NEEDS, MAX_QUERY_KINDS), (12, 9));
    }

    #[test]
    fn an_error_at_a_cap_names_it() {
        let e = check_size("big.csv", 500_000_000, MAX_INPUT_BYTES, "MAX_INPUT_BYTES").unwrap_err();
        assert_eq!(
            e.to_string(),
            "big.csv is too large: 500000000 bytes, more than the 200000000 bytes this program accepts \
             (limits::MAX_INPUT_BYTES)"
        );
    }
}
