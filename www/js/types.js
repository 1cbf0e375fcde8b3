// The shapes that cross between the engine and the page: the TypeScript types generated from
// the Rust structs (bindings/, by ts-rs: `cargo test`), under the names the page uses. Nothing
// is written out here, so nothing can drift: `tsc` checks the page against what Rust sends.
// Nothing runs here: modules import these with `import('./types.js').Name`.

/**
 * @typedef {import('../../bindings/LatLon').LatLon} LatLon
 *
 * @typedef {import('../../bindings/NeedTerm').NeedTerm} NeedTerm
 * @typedef {import('../../bindings/Term').Term} Term
 * @typedef {import('../../bindings/Vocabulary').Vocabulary} Vocabulary
 *
 * @typedef {import('../../bindings/Level').Level} PolicyLevel
 * @typedef {import('../../bindings/Policy').Policy} Policy
 *
 * @typedef {import('../../bindings/Source').Source} DataSource
 * @typedef {import('../../bindings/DatasetMeta').DatasetMeta} Meta
 *
 * @typedef {import('../../bindings/PostcodeFix').PostcodeFix} PostcodeFix
 * @typedef {import('../../bindings/ChildAge').ChildAge} ChildAge
 * @typedef {ChildAge} AgeAt
 */

/**
 * The query the engine ranks against (`src/engine/rank/query.rs`; unknown fields are refused). Optional
 * fields are left out, not null. `age` is the age on 31 August before the school year of the
 * start; `taughtOutOfYearGroup` the age to match settings' age ranges on instead.
 * @typedef {import('../../bindings/Query').Query} Query
 */

/**
 * The shortlist (`src/engine/rank/output.rs`). A reason with `factor` is part of the fit score; the
 * others are notes, and `flags` names the notes that are things to check.
 * @typedef {import('../../bindings/FactorScore').FactorScore} FactorScore
 * @typedef {import('../../bindings/Reason').Reason} Reason
 * @typedef {import('../../bindings/PlacesInfo').PlacesInfo} Places
 * @typedef {import('../../bindings/AgeRange').AgeRange} AgeRange
 * @typedef {import('../../bindings/LaRef').LaRef} LaRef
 * @typedef {import('../../bindings/RankedSetting').RankedSetting} Result
 * @typedef {import('../../bindings/NearMiss').NearMiss} NearMiss
 * @typedef {import('../../bindings/ShortList').ShortList} ShortList
 * @typedef {import('../../bindings/SiteExplanation').SiteExplanation} SiteExplanation
 * @typedef {import('../../bindings/Explanation').Explanation} Explanation
 */

export {};
