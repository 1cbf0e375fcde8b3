//! The hard filters (one rule per exclusion) and the fit score, with the upper bounds that let
//! the search stop early.

use super::query::{kind_bit, Prepared, Religion};
use super::tables::{AgesKnown, ReligionCode, Row, Tables};
use crate::engine::index::Partition;
use crate::model::{Boarding, Gender, Need, NeedSet, ProvisionKind, Setting, METRES_PER_MILE};
use serde::Serialize;

/// Why a setting was left out: the first hard filter it fails, in this order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum RuleCode {
    /// Its kind is not among the kinds considered (the level's, or the query's own list).
    KindNotConsidered,
    /// An independent or non-maintained special school, and those were not included.
    IndependentNotIncluded,
    /// The child's age is outside its age range (recorded, or usual for its phase), or the child
    /// is under 16 and it is a post-16 setting.
    AgeOutsideRange,
    /// A boys' or girls' school, and the child is not of that sex.
    GenderOfEntry,
    /// Further away than the search radius.
    BeyondRadius,
    /// Outside the home council area, and only that area was asked for.
    OutsideHomeLa,
}

/// An exclusion rule with its plain-English text ("Age range 11–16 does not include age 7").
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct Rule {
    pub code: RuleCode,
    pub text: String,
}

/// The first hard filter `s` fails, if any. Status never excludes, nor do places.
pub(crate) fn rule(p: &Prepared, s: &Row, distance_m: f64) -> Option<RuleCode> {
    let bit = kind_bit(s.kind);
    if p.considered & bit == 0 {
        return Some(RuleCode::KindNotConsidered);
    }
    if p.allowed & bit == 0 {
        return Some(RuleCode::IndependentNotIncluded);
    }
    if !s.ages.contains(p.child.match_age) {
        return Some(RuleCode::AgeOutsideRange);
    }
    if let (Some(child), Some(entry)) = (p.child_sex, s.gender) {
        let single = matches!(entry, Gender::Boys | Gender::Girls);
        if single && entry != child {
            return Some(RuleCode::GenderOfEntry);
        }
    }
    if distance_m > p.radius_m {
        return Some(RuleCode::BeyondRadius);
    }
    if p.same_la_only && s.la != p.home_la {
        return Some(RuleCode::OutsideHomeLa);
    }
    None
}

/// The factors of the fit score, in the order explanations list them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Factor {
    PrimaryNeed,
    SecondaryNeeds,
    BroadArea,
    KindFit,
    AgeRange,
    Distance,
    Preferences,
    Places,
}

impl Factor {
    pub const ALL: [Factor; 8] = [
        Factor::PrimaryNeed,
        Factor::SecondaryNeeds,
        Factor::BroadArea,
        Factor::KindFit,
        Factor::AgeRange,
        Factor::Distance,
        Factor::Preferences,
        Factor::Places,
    ];
}

/// One factor for one setting.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Eval {
    /// False when the query makes the factor meaningless (no other needs given, no preferences
    /// set, a primary need without a broad area): it then counts nowhere, not even in coverage.
    pub applicable: bool,
    /// The policy weight.
    pub weight: f64,
    /// How much of the weight rests on known data (0 when unknown; part for preferences).
    pub known: f64,
    /// 0–1, meaningful when `known > 0` or `assumed`.
    pub value: f64,
    /// Unknown, but counted at the policy's `unknownNeedsValue` instead of being dropped.
    pub assumed: bool,
}

impl Eval {
    const NOT_APPLICABLE: Eval = Eval { applicable: false, weight: 0.0, known: 0.0, value: 0.0, assumed: false };
    fn known(weight: f64, value: f64) -> Eval {
        Eval { applicable: true, weight, known: weight, value, assumed: false }
    }
    fn unknown(weight: f64) -> Eval {
        Eval { applicable: true, weight, known: 0.0, value: 0.0, assumed: false }
    }
    fn assumed(weight: f64, value: f64) -> Eval {
        Eval { applicable: true, weight, known: 0.0, value, assumed: true }
    }
    pub fn is_known(&self) -> bool {
        self.applicable && self.known > 0.0
    }
    /// The weight this factor carries in the score (known data, or an assumed value).
    pub fn counted(&self) -> f64 {
        if self.assumed {
            self.weight
        } else {
            self.known
        }
    }
}

/// A setting's fit: every factor, the score and the coverage.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Scored {
    pub evals: [Eval; 8],
    /// Weighted mean of the known factors, 0–1.
    pub score: f64,
    /// Known weight / applicable weight, 0–1.
    pub coverage: f64,
    /// Sum of the weights counted in `score` (its denominator): known data and assumed values.
    pub known_weight: f64,
}

impl Scored {
    pub fn eval(&self, f: Factor) -> &Eval {
        &self.evals[f as usize]
    }
}

/// Value of the places factor for a setting with no free places: neutral, since there is no
/// legal definition of "full" and a full setting can still be named.
pub(crate) const FULL_PLACES_VALUE: f64 = 0.5;

/// The setting's recorded needs; an empty set counts as not recorded.
pub(crate) fn recorded_needs(s: &Setting) -> Option<NeedSet> {
    s.needs.filter(|n| !n.is_empty())
}

/// Nearness, 1 at home, halving every `distanceHalfLifeMiles`.
pub(crate) fn decay(p: &Prepared, distance_m: f64) -> f64 {
    let half_life_m = p.policy.distance_half_life_miles * METRES_PER_MILE;
    (-std::f64::consts::LN_2 * distance_m / half_life_m).exp()
}

/// Each preference the user set: `Some(value)` when the setting's data is known.
/// Order: single-sex, religious character, boarding; `None` entries were not set.
pub(crate) fn preference_values(p: &Prepared, t: &Tables, s: &Row) -> [Option<Option<f64>>; 3] {
    let single_sex = p.single_sex.map(|want| s.gender.map(|g| f64::from(u8::from(g == want))));
    let religion = p.religion.as_ref().map(|want| {
        let has = match (want, s.religion) {
            (_, ReligionCode::Unknown) => return None,
            (Religion::None, code) => code == ReligionCode::None,
            (Religion::Named(name), code) => t.religion_name(code).is_some_and(|r| contains_ignore_case(r, name)),
        };
        Some(f64::from(u8::from(has)))
    });
    let boarding = p.boarding.map(|want| {
        s.boarding.map(|b| match (want, b) {
            (true, Boarding::MainlyBoarders | Boarding::SomeBoarders) => 1.0,
            (true, Boarding::NoBoarders) => 0.0,
            (false, Boarding::NoBoarders) => 1.0,
            (false, Boarding::SomeBoarders) => 0.5,
            (false, Boarding::MainlyBoarders) => 0.0,
        })
    });
    [single_sex, religion, boarding]
}

pub(crate) fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

/// Whether `s` records SEN provision types, none of them the child's primary need, one of the
/// other needs in the plan, or a need in the primary need's broad area: a setting for other
/// needs (an SLD and PMLD school for an autistic child). Such a setting is listed after every
/// eligible setting that may meet the child's needs (see [`order`](super::search::order)). Not
/// when the source may have left some of its types out (GIAS lists at most five).
pub(crate) fn records_other_needs_only(p: &Prepared, s: &Row) -> bool {
    !s.needs.is_empty() && !s.needs_truncated && !s.needs.intersects(p.wanted)
}

/// Scores `s` at `distance_m` from home. Every setting is scored by this one function, whether
/// eligible or not (a near miss shows the score it would have had).
pub(crate) fn score(p: &Prepared, t: &Tables, s: &Row, distance_m: f64) -> Scored {
    score_near(p, t, s, decay(p, distance_m))
}

/// [`score`] at nearness `x = decay(p, distance_m)`, for a caller that has it already.
pub(crate) fn score_near(p: &Prepared, t: &Tables, s: &Row, x: f64) -> Scored {
    let w = &p.policy.weights;
    let unknown = s.needs_unknown();
    let needs = s.needs;
    let need_eval = |weight: f64, value: f64| {
        if unknown {
            match p.policy.unknown_needs_value {
                Some(v) => Eval::assumed(weight, v),
                None => Eval::unknown(weight),
            }
        } else {
            Eval::known(weight, value)
        }
    };
    let primary = need_eval(w.primary_need, f64::from(u8::from(needs.contains(p.primary))));
    let secondary = if p.others.is_empty() {
        Eval::NOT_APPLICABLE
    } else {
        let shared = (needs.0 & p.others.0).count_ones();
        need_eval(w.secondary_needs, f64::from(shared) / p.others.len() as f64)
    };
    let broad = if p.area.is_empty() {
        Eval::NOT_APPLICABLE
    } else {
        need_eval(w.broad_area, f64::from(u8::from(needs.intersects(p.area))))
    };
    let kind = Eval::known(w.kind_fit, p.fit[s.kind.index()]);
    let age = if !s.ages.contains(p.child.match_age) {
        // A setting the age rule leaves out (a near miss, or one explained): the rule says so,
        // and its score is the one it would have had without the rule.
        Eval::NOT_APPLICABLE
    } else if s.ages.known == AgesKnown::NotRecorded {
        match p.policy.unknown_ages_value {
            Some(v) => Eval::assumed(w.age_range, v),
            None => Eval::unknown(w.age_range),
        }
    } else {
        Eval::known(w.age_range, 1.0)
    };
    let distance = Eval::known(w.distance, x);
    let preferences = {
        let set = p.prefs_set();
        if set == 0 {
            Eval::NOT_APPLICABLE
        } else {
            let (mut n, mut sum) = (0u32, 0.0);
            for v in preference_values(p, t, s).into_iter().flatten().flatten() {
                n += 1;
                sum += v;
            }
            if n == 0 {
                Eval::unknown(w.preferences)
            } else {
                Eval {
                    applicable: true,
                    weight: w.preferences,
                    known: w.preferences * f64::from(n) / f64::from(set),
                    value: sum / f64::from(n),
                    assumed: false,
                }
            }
        }
    };
    let places = match s.free_places {
        Some(true) => Eval::known(w.places, 1.0),
        Some(false) => Eval::known(w.places, FULL_PLACES_VALUE),
        None => Eval::unknown(w.places),
    };
    let evals = [primary, secondary, broad, kind, age, distance, preferences, places];
    let (mut num, mut den, mut known, mut total) = (0.0, 0.0, 0.0, 0.0);
    for e in &evals {
        if e.applicable {
            num += e.counted() * e.value;
            den += e.counted();
            known += e.known;
            total += e.weight;
        }
    }
    Scored {
        evals,
        score: if den > 0.0 { num / den } else { 0.0 },
        coverage: if total > 0.0 { known / total } else { 0.0 },
        known_weight: den,
    }
}

/// The best score any not-yet-read setting of a partition could have, as a function of
/// nearness `x = decay(d)`: `(a + w_d·x) / (b + w_d)`.
///
/// Why this is an upper bound: a score is the weighted mean of the known factors. Each factor is
/// at most its bound `u` below; the preferences and places factors may be unknown, but including
/// them at their bound 1 can only raise a mean of values ≤ 1, so the worst case includes them.
/// The need factors are unknown exactly for the settings of a specialist kind without recorded
/// needs, and those are all in their own `NoNeedsRecorded` partition.
///
/// The bound is on a setting's [`Cand::key`](super::search::Cand::key), which is its score less
/// 2 for a setting recording only other needs: `offset` is −2 for a partition holding only those.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Bound {
    a: f64,
    b: f64,
    wd: f64,
    offset: f64,
}

impl Bound {
    pub fn at(&self, x: f64) -> f64 {
        let den = self.b + self.wd;
        let score = if den > 0.0 { (self.a + self.wd * x) / den } else { 0.0 };
        score + self.offset
    }
}

/// The canonical partition of a setting with recorded needs: `Need(primary)` if it records the
/// primary need, else `Need(n)` for its first recorded need. Every such setting is read through
/// its canonical partition only, which lets the bound of `Need(n)` assume needs ⊆ {n, n+1, ...}.
pub(crate) fn canonical_need(needs: NeedSet, primary: Need) -> Option<Need> {
    if needs.contains(primary) {
        Some(primary)
    } else {
        needs.iter().next()
    }
}

/// Upper bound for the settings read through `partition`, whose kinds are among `kinds`.
/// `None` when no setting of the partition can be of those kinds.
pub(crate) fn bound(p: &Prepared, t: &Tables, partition: Partition, kinds: u16) -> Option<Bound> {
    let w = &p.policy.weights;
    let (mut a, mut b) = (0.0, 0.0);
    let mut add = |weight: f64, u: f64| {
        a += weight * u;
        b += weight;
    };
    // The needs a setting read through this partition may record, if known.
    let possible: Option<NeedSet> = match partition {
        Partition::Need(n) if n == p.primary => Some(NeedSet(0xFFF)),
        Partition::Need(n) => {
            Some(Need::ALL.into_iter().filter(|m| m.index() >= n.index() && *m != p.primary).collect())
        }
        Partition::NoNeedsRecorded(k, _) if k.is_specialist() => {
            // Specialisms unknown: counted at the assumed value, if the policy assumes one.
            if let Some(v) = p.policy.unknown_needs_value {
                add(w.primary_need, v);
                if !p.others.is_empty() {
                    add(w.secondary_needs, v);
                }
                if !p.area.is_empty() {
                    add(w.broad_area, v);
                }
            }
            None
        }
        Partition::NoNeedsRecorded(..) => Some(NeedSet::EMPTY),
    };
    let kinds = match partition {
        Partition::NoNeedsRecorded(k, _) => kinds & kind_bit(k),
        Partition::Need(_) => kinds,
    };
    if kinds == 0 {
        return None;
    }
    if let Some(possible) = possible {
        add(w.primary_need, f64::from(u8::from(possible.contains(p.primary))));
        if !p.others.is_empty() {
            let share = f64::from((possible.0 & p.others.0).count_ones()) / p.others.len() as f64;
            add(w.secondary_needs, share);
        }
        if !p.area.is_empty() {
            add(w.broad_area, f64::from(u8::from(possible.intersects(p.area))));
        }
    }
    let best_fit = ProvisionKind::ALL
        .into_iter()
        .filter(|k| kinds & kind_bit(*k) != 0)
        .map(|k| p.fit[k.index()])
        .fold(0.0, f64::max);
    add(w.kind_fit, best_fit);
    add(w.age_range, 1.0);
    if p.prefs_set() > 0 {
        add(w.preferences, 1.0);
    }
    add(w.places, 1.0);
    // Every setting read through `Need(n)` records needs among `possible`: if none of those is
    // wanted and none of its records may be truncated, each records only other needs.
    let offset = match (partition, possible) {
        (Partition::Need(n), Some(possible)) if !possible.intersects(p.wanted) && !t.profile.may_be_truncated(n) => {
            -2.0
        }
        _ => 0.0,
    };
    Some(Bound { a, b, wd: w.distance, offset })
}
