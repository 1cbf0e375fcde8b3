//! OS Code-Point Open units → postcode area shards (see [`crate::postcode`]).
