//! The list by its definition, scoring every setting: the reference the fast search is tested
//! against; integration tests reach it through
//! [`Finder::reference_shortlist`](crate::engine::finder::Finder::reference_shortlist) to check it on
//! the real dataset, as [`index::reference`](crate::engine::index::reference) does for the index.

use super::output::{self, RankContext, ShortList};
use super::query::{prepare, Prepared, Query};
use super::score::{records_other_needs_only, rule, score};
use super::search::{order, Cand, Run};
use super::tables::Tables;
use crate::engine::policy::Policy;
use crate::error::Result;
use crate::model::{ProvisionKind, Setting, SettingId};

/// [`shortlist`](super::shortlist) without the index: every setting is scored and sorted. The
/// same list, except `counts`, which here describe the scan of every setting.
pub(crate) fn shortlist<'a>(
    settings: &'a [Setting],
    policy: &'a Policy,
    query: &'a Query,
    ctx: &'a RankContext,
) -> Result<ShortList<'a>> {
    let tables = ctx.tables_for(settings)?;
    let p = prepare(policy, query)?;
    let (listed, presumption_from, near) = exhaustive(settings, tables, &p);
    let eligible = (settings.iter().enumerate())
        .filter(|&(i, s)| rule(&p, &tables.rows[i], p.home.distance_m(s.location)).is_none())
        .count();
    let run = Run {
        listed,
        presumption_from,
        displaced: Vec::new(),
        near,
        considered: u32::try_from(settings.len()).unwrap_or(u32::MAX),
        eligible: u32::try_from(eligible).unwrap_or(u32::MAX),
    };
    Ok(output::build(settings, &p, &run, query, ctx))
}

/// The list by definition: score every setting, sort, take the top k; near misses and the
/// presumption of mainstream by their definitions. Returns the list, where the mainstream
/// schools added by the presumption start, and the near misses.
pub(crate) fn exhaustive(settings: &[Setting], t: &Tables, p: &Prepared) -> (Vec<Cand>, usize, Vec<Cand>) {
    let mut eligible = Vec::new();
    let mut near = Vec::new();
    for (i, s) in settings.iter().enumerate() {
        let d = p.home.distance_m(s.location);
        let row = &t.rows[i];
        let r = rule(p, row, d);
        let c = Cand {
            id: SettingId(u32::try_from(i).unwrap_or(u32::MAX)),
            urn: s.urn,
            site: s.site,
            kind: s.kind,
            score: score(p, t, row, d).score,
            distance_m: d,
            other_needs_only: records_other_needs_only(p, row),
            rule: r,
        };
        let specialist = s.needs.is_some_and(|n| n.contains(p.primary));
        match r {
            None => eligible.push(c),
            Some(_) if specialist && d <= p.reach_m => near.push(c),
            Some(_) => {}
        }
    }
    eligible.sort_by(order);
    near.sort_by(order);
    let mut top: Vec<Cand> = eligible.iter().take(p.limit).copied().collect();
    if let (true, Some(&last)) = (top.len() == p.limit, top.last()) {
        near.retain(|c| order(c, &last).is_lt());
    }
    near.truncate(p.policy.near_misses as usize);

    let mainstream = |c: &Cand| c.kind == ProvisionKind::Mainstream;
    let minimum = p.policy.mainstream_quota(p.limit);
    let have = top.iter().filter(|c| mainstream(c)).count();
    let mut from = top.len();
    if p.allowed & (1 << ProvisionKind::Mainstream.index()) != 0 && top.len() == p.limit && have < minimum {
        let adds: Vec<Cand> =
            eligible[p.limit..].iter().filter(|c| mainstream(c)).take(minimum - have).copied().collect();
        for _ in 0..adds.len() {
            if let Some(last_other) = top.iter().rposition(|c| !mainstream(c)) {
                top.remove(last_other);
            }
        }
        from = top.len();
        top.extend(adds);
    }
    (top, from, near)
}
