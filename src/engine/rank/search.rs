//! Branch and bound over the index's partitions, then the presumption of mainstream.

use super::query::{kind_bit, Prepared};
use super::score::{bound, canonical_need, decay, records_other_needs_only, rule, score_near, Bound, RuleCode};
use super::tables::Tables;
use crate::engine::index::{AgeBand, Hit, Origin, Partition, SettingIndex};
use crate::model::{Need, NeedSet, ProvisionKind, SettingId, Site, Urn};
use std::cmp::Ordering;

/// Slack for comparing a bound with a score: they are the same sums added in another order, so
/// they may differ in the last bits. Reading a little further than needed costs nothing.
const EPS: f64 = 1e-9;

/// A scored setting, small and `Copy`; explanations are built only for the final list.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Cand {
    pub id: SettingId,
    pub urn: Urn,
    pub site: Site,
    pub kind: ProvisionKind,
    pub score: f64,
    pub distance_m: f64,
    /// Records provision only for needs the child does not have
    /// ([`records_other_needs_only`]): listed after every setting that does not.
    pub other_needs_only: bool,
    /// The rule that excluded it (near misses only).
    pub rule: Option<RuleCode>,
}

impl Cand {
    /// The order as one number, for comparing with the search's bounds: the score, less 2 for a
    /// setting recording only other needs (scores are 0–1, so those all come after the rest).
    pub fn key(&self) -> f64 {
        if self.other_needs_only {
            self.score - 2.0
        } else {
            self.score
        }
    }
}

/// The total order of the list: settings that may meet the child's needs before those that
/// record provision only for other needs; then score (high first), distance, URN, site.
pub(crate) fn order(a: &Cand, b: &Cand) -> Ordering {
    a.other_needs_only
        .cmp(&b.other_needs_only)
        .then(b.score.total_cmp(&a.score))
        .then(a.distance_m.total_cmp(&b.distance_m))
        .then(a.urn.cmp(&b.urn))
        .then(a.site.cmp(&b.site))
}

/// The best `k` candidates offered so far, best first.
#[derive(Debug)]
pub(crate) struct TopK {
    k: usize,
    items: Vec<Cand>,
}

impl TopK {
    pub fn new(k: usize) -> TopK {
        TopK { k, items: Vec::with_capacity(if k == 0 { 0 } else { k + 1 }) }
    }

    /// The k-th best, once there are k.
    pub fn kth(&self) -> Option<&Cand> {
        if self.items.len() == self.k {
            self.items.last()
        } else {
            None
        }
    }

    pub fn offer(&mut self, c: Cand) {
        if self.k == 0 {
            return;
        }
        if let Some(last) = self.kth() {
            if order(&c, last) != Ordering::Less {
                return;
            }
            self.items.pop();
        }
        let at = self.items.partition_point(|x| order(x, &c) == Ordering::Less);
        self.items.insert(at, c);
    }

    pub fn into_vec(self) -> Vec<Cand> {
        self.items
    }
}

/// What the search found.
#[derive(Debug)]
pub(crate) struct Found {
    /// The top `limit` eligible settings.
    pub top: Vec<Cand>,
    /// Near misses: excluded settings with the primary-need specialism that would have made `top`.
    pub near: Vec<Cand>,
    /// The best eligible mainstream schools, as many as the presumption of mainstream may need.
    pub mainstream: Vec<Cand>,
    /// Settings read and checked against the rules.
    pub considered: u32,
    /// Of those, how many passed every rule.
    pub eligible: u32,
}

/// A partition's bound for one of the three things the search collects.
#[derive(Clone, Copy, Debug)]
struct Goal {
    bound: Bound,
    /// `bound` at the lane's current distance.
    ub: f64,
}

impl Goal {
    fn new(bound: Option<Bound>) -> Option<Goal> {
        bound.map(|bound| Goal { bound, ub: bound.at(1.0) })
    }
}

/// One partition being read in order of distance.
struct Lane<I> {
    partition: Partition,
    /// Settings that may be listed.
    list: Option<Goal>,
    /// Near misses (any kind; only on the primary-need lane).
    near: Option<Goal>,
    /// Eligible mainstream schools (when the presumption of mainstream applies).
    mainstream: Option<Goal>,
    /// Settings recording any of these needs are read through another lane.
    leave_out: NeedSet,
    iter: Option<I>,
    /// The next hit and its nearness (`decay` of its distance).
    next: Option<(Hit, f64)>,
    /// Distance of `next` (0 before the lane is opened).
    d: f64,
}

/// Can a goal still gain a setting at distance `d` or more? `t1`, `t2` are the scores to beat
/// (`None`: that pool is not full yet, anything will do). Returns the goal's bound if so.
fn open(goal: Option<Goal>, d: f64, max_d: f64, t1: Option<f64>, t2: Option<f64>) -> Option<f64> {
    let g = goal?;
    let beats = |t: Option<f64>| t.is_none_or(|t| g.ub + EPS >= t);
    (d <= max_d && beats(t1) && beats(t2)).then_some(g.ub)
}

/// One pass over the index collecting, exactly: the top `limit` eligible settings; the best
/// near misses that beat the last of those; and, when the presumption of mainstream applies,
/// the best `mainstreamMinimum` eligible mainstream schools.
pub(crate) fn search(t: &Tables, index: &SettingIndex, p: &Prepared) -> Found {
    let mainstream_bit = kind_bit(ProvisionKind::Mainstream);
    let near_k = p.policy.near_misses as usize;
    let mainstream_k = if p.allowed & mainstream_bit != 0 { p.policy.mainstream_quota(p.limit) } else { 0 };
    // Distances are compared with slack too, in case the index's metres and ours differ in
    // the last bits; the rules themselves use exact distances.
    let radius = p.radius_m * (1.0 + 1e-12) + 1e-6;
    let reach = p.reach_m * (1.0 + 1e-12) + 1e-6;
    // Most partitions have nothing within the radius (or the near-miss reach) of a given home:
    // those are left out without opening them, since a lane reads nothing farther.
    let near_radius = index.partitions_near(p.home, radius);
    let near_reach = if near_k > 0 { index.partitions_near(p.home, reach) } else { near_radius };
    let mut lanes = Vec::with_capacity(Need::ALL.len() + ProvisionKind::ALL.len() * AgeBand::ALL.len());
    let mut add_lane = |partition: Partition| {
        let near = near_k > 0 && partition == Partition::Need(p.primary);
        // Most partitions have nothing near: leave them out before working out any bound.
        if !(if near { near_reach } else { near_radius }).contains(partition) {
            return;
        }
        // Kinds this partition holds that take the child's age: a lane with none is not opened
        // (unless for near misses, which may be of any age).
        let held = t.profile.kinds_for_age(partition, p.child.match_age);
        // A setting with several recorded needs is in several trees: it is read in one, its
        // canonical need's (see `canonical_need`), and passed over, unmeasured, in the others.
        let leave_out = match partition {
            Partition::Need(n) if n != p.primary => Need::ALL[..n.index()].iter().copied().chain([p.primary]).collect(),
            _ => NeedSet::EMPTY,
        };
        let lane = Lane {
            partition,
            leave_out,
            list: Goal::new(bound(p, t, partition, p.allowed & held)),
            near: Goal::new(if near { bound(p, t, partition, t.profile.kinds(partition)) } else { None }),
            mainstream: Goal::new(if mainstream_k > 0 { bound(p, t, partition, mainstream_bit & held) } else { None }),
            iter: None,
            next: None,
            d: 0.0,
        };
        let near_enough = if lane.near.is_some() { near_reach } else { near_radius };
        let wanted = lane.list.is_some() || lane.near.is_some() || lane.mainstream.is_some();
        if wanted && near_enough.contains(partition) {
            lanes.push(lane);
        }
    };
    add_lane(Partition::Need(p.primary));
    for n in Need::ALL.into_iter().filter(|n| *n != p.primary) {
        add_lane(Partition::Need(n));
    }
    for kind in ProvisionKind::ALL.into_iter().filter(|k| p.allowed & kind_bit(*k) != 0) {
        AgeBand::ALL.into_iter().for_each(|band| add_lane(Partition::NoNeedsRecorded(kind, band)));
    }

    let origin = Origin::new(p.home);
    let mut top = TopK::new(p.limit);
    let mut near = TopK::new(near_k);
    let mut mainstream = TopK::new(mainstream_k);
    let (mut considered, mut eligible) = (0u32, 0u32);

    // Thresholds: the key to beat in each pool (`None` until it is full).
    let thresholds = |top: &TopK, near: &TopK, mainstream: &TopK| {
        [top.kth().map(Cand::key), near.kth().map(Cand::key), mainstream.kth().map(Cand::key)]
    };
    // The best score a lane's next setting could add to a pool that still wants it.
    let key = |lane: &Lane<_>, [kth, near_kth, mainstream_kth]: [Option<f64>; 3]| {
        let max = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) => Some(a.max(b)),
            _ => a.or(b),
        };
        let list = open(lane.list, lane.d, radius, kth, None);
        let near = open(lane.near, lane.d, reach, kth, near_kth);
        let mainstream = open(lane.mainstream, lane.d, radius, mainstream_kth, None);
        max(max(list, near), mainstream)
    };

    // Best-first over the lanes, by key. Keys only fall while a lane waits (thresholds only
    // rise, closing goals), so each lane waits in a max-heap under the key it had when it was
    // put there, an upper bound of its key now: the lane on top whose key, recomputed, is
    // still no lower than the next one's stored key is the lane to read. This picks what
    // recomputing every lane's key at every step would pick, for a few keys a step.
    let mut queue: Vec<(f64, usize)> = Vec::with_capacity(lanes.len());
    let th = thresholds(&top, &near, &mainstream);
    for (i, lane) in lanes.iter().enumerate() {
        if let Some(k) = key(lane, th) {
            queue_push(&mut queue, (k, i));
        }
    }
    while let Some((_, i)) = queue_pop(&mut queue) {
        // A lane whose key is gone can add nothing (distances only grow): it retires.
        let Some(k) = key(&lanes[i], thresholds(&top, &near, &mainstream)) else { continue };
        if queue.first().is_some_and(|&(waiting, _)| k < waiting) {
            queue_push(&mut queue, (k, i));
            continue;
        }
        let lane = &mut lanes[i];

        // Read from that lane for as long as its key stays no lower than any waiting lane's
        // stored key: the waiting lanes' keys cannot rise meanwhile.
        loop {
            let hit = if lane.iter.is_none() {
                // Read only as far as the lane's goals look.
                let max_d = if lane.near.is_some() { radius.max(reach) } else { radius };
                lane.iter = Some(index.read_within(lane.partition, &origin, max_d, lane.leave_out));
                None
            } else {
                lane.next.take()
            };
            if let Some((hit, x)) = hit {
                if let Some(s) = t.rows.get(hit.id.index()) {
                    // Each setting comes through one lane only (see `leave_out`).
                    debug_assert!(match lane.partition {
                        Partition::Need(n) => canonical_need(s.needs, p.primary) == Some(n),
                        Partition::NoNeedsRecorded(..) => true,
                    });
                    considered += 1;
                    let d = hit.distance_m;
                    let excluded = rule(p, s, d);
                    let cand = |rule| Cand {
                        id: hit.id,
                        urn: s.urn,
                        site: s.site,
                        kind: s.kind,
                        score: score_near(p, t, s, x).score,
                        distance_m: d,
                        other_needs_only: records_other_needs_only(p, s),
                        rule,
                    };
                    if excluded.is_none() {
                        eligible += 1;
                        let c = cand(None);
                        top.offer(c);
                        if s.kind == ProvisionKind::Mainstream {
                            mainstream.offer(c);
                        }
                    } else if lane.near.is_some() && d <= p.reach_m {
                        near.offer(cand(excluded));
                    }
                }
            }
            match lane.iter.as_mut().and_then(Iterator::next) {
                Some(next) => {
                    lane.d = next.distance_m;
                    let x = decay(p, next.distance_m);
                    for goal in [&mut lane.list, &mut lane.near, &mut lane.mainstream].into_iter().flatten() {
                        goal.ub = goal.bound.at(x);
                    }
                    lane.next = Some((next, x));
                }
                None => break,
            }
            match key(lane, thresholds(&top, &near, &mainstream)) {
                Some(k) if queue.first().is_none_or(|&(waiting, _)| k >= waiting) => {}
                Some(k) => {
                    queue_push(&mut queue, (k, i));
                    break;
                }
                None => break,
            }
        }
    }

    // A near miss must beat the last listed setting (if the list is full).
    let last = top.kth().copied();
    let near = near.into_vec().into_iter().filter(|c| last.is_none_or(|l| order(c, &l) == Ordering::Less)).collect();
    Found { top: top.into_vec(), near, mainstream: mainstream.into_vec(), considered, eligible }
}

/// Pushes onto a binary max-heap of `(key, lane)` on the key.
fn queue_push(heap: &mut Vec<(f64, usize)>, item: (f64, usize)) {
    let mut i = heap.len();
    heap.push(item);
    while i > 0 {
        let parent = (i - 1) / 2;
        if heap[parent].0 >= item.0 {
            break;
        }
        heap[i] = heap[parent];
        i = parent;
    }
    heap[i] = item;
}

/// Pops the largest key from a binary max-heap of `(key, lane)`.
fn queue_pop(heap: &mut Vec<(f64, usize)>) -> Option<(f64, usize)> {
    let last = heap.pop()?;
    let Some(&top) = heap.first() else {
        return Some(last);
    };
    let n = heap.len();
    let mut i = 0;
    loop {
        let mut child = 2 * i + 1;
        if child >= n {
            break;
        }
        if child + 1 < n && heap[child + 1].0 > heap[child].0 {
            child += 1;
        }
        if last.0 >= heap[child].0 {
            break;
        }
        heap[i] = heap[child];
        i = child;
    }
    heap[i] = last;
    Some(top)
}

/// The list after the presumption of mainstream.
#[derive(Debug)]
pub(crate) struct Run {
    /// The final list, in order.
    pub listed: Vec<Cand>,
    /// `listed[presumption_from..]` were added by the presumption of mainstream.
    pub presumption_from: usize,
    /// Settings that had made the list but gave way to those mainstream schools.
    pub displaced: Vec<Cand>,
    pub near: Vec<Cand>,
    pub considered: u32,
    pub eligible: u32,
}

/// The search, then the presumption of mainstream: when mainstream schools are considered and
/// fewer than the policy's minimum made a full list, the best eligible ones not listed replace
/// the lowest-ranked other settings. They rank below every setting kept (that is why they were
/// not in the top k), so they go at the end.
pub(crate) fn run(t: &Tables, index: &SettingIndex, p: &Prepared) -> Run {
    let found = search(t, index, p);
    let mut listed = found.top;
    let mut displaced = Vec::new();
    let is_mainstream = |c: &Cand| c.kind == ProvisionKind::Mainstream;
    let have = listed.iter().filter(|c| is_mainstream(c)).count();
    let wanted = found.mainstream.len().min(p.limit);
    if have < wanted && listed.len() == p.limit {
        // `found.mainstream` is the best eligible mainstream schools; those listed come first.
        let adds = &found.mainstream[have..wanted];
        let mut i = listed.len();
        while displaced.len() < adds.len() && i > 0 {
            i -= 1;
            if !is_mainstream(&listed[i]) {
                displaced.push(listed.remove(i));
            }
        }
        displaced.reverse();
    }
    let presumption_from = listed.len();
    if !displaced.is_empty() {
        listed.extend_from_slice(&found.mainstream[have..have + displaced.len()]);
    }
    Run {
        listed,
        presumption_from,
        displaced,
        near: found.near,
        considered: found.considered,
        eligible: found.eligible,
    }
}
