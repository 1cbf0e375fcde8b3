//! Offline postcode lookup. Postcodes are stored in shards, one file per postcode *area* (the
//! leading letters: `LS`, `SW`), so that fetching one tells the server only the area.
