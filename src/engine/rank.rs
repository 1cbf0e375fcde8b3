//! The tailored list: from a child's needs to an ordered, explained, advisory list of settings.
//!
//! Pure and deterministic: no I/O, no clock, no randomness. Given the settings, their
//! [`SettingIndex`], a [`Policy`] pack and a [`Query`], `shortlist` returns a [`ShortList`]. The
//! parts are owned together by one value, [`Finder`](crate::engine::finder::Finder), whose
//! [`shortlist`](crate::engine::finder::Finder::shortlist) and
//! [`explain`](crate::engine::finder::Finder::explain) are the public entry points, so the ranking
//! cannot be called with a context or an index made from other settings:
//!
//! 1. **Hard filters** decide who is *eligible*. Each excluded setting has exactly one
//!    [`Rule`]: the first that fails, in this order: kind of setting considered, independent
//!    settings included, age, gender of entry, search radius, same council only. Status never
//!    excludes (every setting in a dataset is open; "proposed to close" is flagged). Places never
//!    exclude: there is no legal definition of "full". The age rule uses the recorded range,
//!    else the usual range of the recorded phase; a range not recorded never excludes. A
//!    post-16 setting (a post-16 kind, or phase "16 plus") never takes a child under 16,
//!    whatever its recorded range or the policy pack says.
//! 2. A **fit score** in 0–1 ranks the eligible settings: the weighted mean of eight factors
//!    (primary need, other needs, broad area of need, kind fit, age range, distance,
//!    preferences, places) over the factors whose data is *known*. Missing data is not zero: an
//!    unknown factor is left out and its weight shared among the known ones, or, for
//!    specialisms and age ranges not recorded, counted at the pack's assumed value
//!    (`unknownNeedsValue`, `unknownAgesValue`: 0.5 in the default pack, so a setting known to
//!    take the child's age ranks above one whose ages are not recorded); `coverage` says how
//!    much weight was known.
//! 3. A **total order**: first every setting that may meet the child's needs, then those that
//!    record provision *only* for other needs (SEN types recorded, none of them the primary
//!    need, another need in the plan or in the primary need's broad area, and the record not
//!    possibly cut short): an SLD and PMLD school for an autistic child comes after every other
//!    eligible setting within the search radius, however near, and says why. Within each,
//!    score (high first), then distance, then URN, then site.
//! 4. **Presumption of mainstream**: when mainstream schools are considered, the list keeps the
//!    policy's minimum number of them, replacing the lowest-ranked others if need be.
//! 5. **Near misses**: the best settings with the child's primary-need specialism that one rule
//!    left out and that would otherwise have made the list, each with that rule.
//! 6. **Explanations** in plain English, with the numbers behind every factor; [`Finder::explain`](crate::engine::finder::Finder::explain)
//!    answers "why is this school (not) on the list?". A reason's sentence ([`ReasonText`]) is
//!    written out when the list is serialised or displayed, not when it is made.
//!
//! ## Finding the top results fast
//!
//! The index keeps one R-tree per recorded need and, for settings without recorded needs, one per
//! kind and age band ([`Partition`](crate::engine::index::Partition)). Each partition is read lazily in order of
//! distance. For each partition we know the best non-distance score any of its settings could
//! reach (a setting in the tree for autism matches the primary need "autism"; one without
//! recorded needs cannot score on needs at all), and distance only lowers the score as we go
//! further, so `bound(d)` caps every setting not yet read (for a tree holding only settings
//! that record other needs, it is lowered below every setting that may meet them). We always
//! read next from the partition with the highest bound and stop a partition once its bound cannot beat the
//! current *k*-th result (or it passes the radius). The result is exactly the top *k* of the
//! total order over every setting; tests check this against scoring every setting
//! ([`reference`](mod@reference)), on random settings and, word for word, on the real dataset.
//!
//! Each partition is read only as far as the radius (or the near-miss reach) with
//! [`SettingIndex::read_within`](crate::engine::index::SettingIndex::read_within), which never
//! opens a tree node beyond it and passes over, unmeasured, the settings recording several
//! needs that another partition reads; most partitions have nothing that near a given home, and
//! [`SettingIndex::partitions_near`](crate::engine::index::SettingIndex::partitions_near) (a coarse grid
//! of which partitions have settings where) leaves those out before any is opened. The
//! partitions wait in a heap by bound rather than being rescanned at every step.
//!
//! The same pass collects the near misses and the best mainstream schools (each with its own
//! bound and threshold), so nothing is searched twice. [`RankContext::new`] reads the settings
//! once per dataset into compact rows (what the rules and the score need, in cache-friendly
//! form) and a profile of each partition (which kinds it holds, taking which ages), so that a
//! partition holding nothing the child could be listed in is never opened.
//!
//! ```no_run
//! use placement_finder::engine::finder::Finder;
//! use placement_finder::engine::rank::Query;
//! use placement_finder::model::{LatLon, Need};
//!
//! // The dataset, its index, the ranking's context and the policy pack, owned together.
//! let finder = Finder::from_bytes(&std::fs::read("www/data/dataset.bin").unwrap(), None)?;
//! let home = LatLon::new(53.80, -1.55).unwrap();
//! let query = Query::new(home, 7, Need::ASD, "specialist");
//! let list = finder.shortlist(&query)?;
//! for r in &list.results {
//!     println!("{}. {} ({:.2})", r.rank, r.name, r.score);
//! }
//! # Ok::<(), placement_finder::Error>(())
//! ```

mod explain;
mod output;
mod query;
#[doc(hidden)]
#[doc(hidden)]
pub mod reference;
mod score;
mod search;
mod tables;
#[cfg(test)]
mod tests;
mod words;

pub(crate) use explain::explain;
pub use explain::{Explanation, Outcome, SiteExplanation};
pub use output::{
    Counts, DataInfo, FactorScore, LaRef, NearMiss, PlacesInfo, PolicyRef, RankContext, RankedSetting, Reason,
    ReasonCode, ShortList,
};
pub use query::{ChildAge, Query, DEFAULT_LIMIT, MAX_AGE, MAX_LIMIT, MIN_AGE};
pub use score::{Rule, RuleCode};
pub use words::ReasonText;

use crate::engine::index::SettingIndex;
use crate::engine::policy::Policy;
use crate::error::Result;
use crate::model::Setting;

/// Makes the tailored list for `query` under `policy` ([`Finder::shortlist`](crate::engine::finder::Finder::shortlist)).
///
/// `settings` are the settings `index` and `ctx` were made from (a [`Hit`](crate::engine::index::Hit)'s
/// id is a position in this slice). Errors for an invalid query
/// ([`Error::InvalidQuery`](crate::Error)), or a context made from other settings.
pub(crate) fn shortlist<'a>(
    settings: &'a [Setting],
    index: &SettingIndex,
    policy: &'a Policy,
    query: &'a Query,
    ctx: &'a RankContext,
) -> Result<ShortList<'a>> {
    let tables = ctx.tables_for(settings)?;
    let prepared = query::prepare(policy, query)?;
    let run = search::run(tables, index, &prepared);
    ctx.check_loaded(&run)?;
    Ok(output::build(settings, &prepared, &run, query, ctx))
}
