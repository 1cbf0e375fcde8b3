//! What the search reads instead of the full settings, made once per dataset.
//!
//! A [`Setting`] is a few hundred bytes of names, addresses and strings; the search needs a
//! score's worth of it. Reading compact [`Row`]s (24 bytes each, 700 KB for England) keeps
//! the search in cache: profiling showed cache misses on the full settings as the largest cost
//! of the search loop, and a first (cold-cache) list took about a fifth less time with rows.

use super::query::kind_bit;
use super::score::recorded_needs;
use crate::engine::index::{AgeBand, Partition};
use crate::model::{AgeBasis, Boarding, Gender, LaCode, NeedSet, ProvisionKind, Setting, Site, Urn};

pub(crate) use crate::model::POST16_ENTRY_AGE;

/// The fields of a setting that the rules and the score read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Row {
    pub urn: Urn,
    pub site: Site,
    pub kind: ProvisionKind,
    /// Recorded needs; empty when not recorded.
    pub needs: NeedSet,
    /// The source listed at most five SEN types, so it may record more than `needs`.
    pub needs_truncated: bool,
    /// The ages it takes, as the rules use them.
    pub ages: Ages,
    pub gender: Option<Gender>,
    pub boarding: Option<Boarding>,
    pub la: Option<LaCode>,
    pub religion: ReligionCode,
    /// `Some(true)`: free places; `Some(false)`: none free; `None`: not known.
    pub free_places: Option<bool>,
}

/// The inclusive range of ages a setting takes, and how it is known.
///
/// Not recorded is `0..=255`: unknown data never excludes. A setting entering at 16
/// ([`Setting::enters_at_16`]) starts at 16 at the earliest, whatever else is recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Ages {
    pub low: u8,
    pub high: u8,
    pub known: AgesKnown,
}

/// How a setting's age range is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AgesKnown {
    /// Recorded (GIAS statutory ages, or a council supplement).
    Recorded,
    /// Not recorded, but usual for its recorded phase, or for a setting entering at 16.
    Inferred,
    NotRecorded,
}

impl Ages {
    pub fn of(s: &Setting) -> Ages {
        let mut ages = match s.ages {
            Some(a) => {
                let known = match a.basis {
                    AgeBasis::Statutory => AgesKnown::Recorded,
                    AgeBasis::Phase => AgesKnown::Inferred,
                };
                Ages { low: a.low, high: a.high, known }
            }
            None => Ages { low: 0, high: u8::MAX, known: AgesKnown::NotRecorded },
        };
        if s.enters_at_16() && ages.low < POST16_ENTRY_AGE {
            ages.low = POST16_ENTRY_AGE;
            if ages.known == AgesKnown::NotRecorded {
                ages.known = AgesKnown::Inferred;
            }
        }
        ages
    }

    pub fn contains(self, age: u8) -> bool {
        (self.low..=self.high).contains(&age)
    }
}

/// A setting's religious character, with names interned in [`Tables::religions`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ReligionCode {
    Unknown,
    None,
    Named(u16),
}

/// What each index partition holds: for each kind, the ages its settings take (a bit per age,
/// every bit for a setting whose ages are not known). With it the search skips a partition
/// that holds nothing it could list: for a 7-year-old, the trees of secondary schools and of
/// post-16 settings without recorded needs are never opened, nor, when only mainstream schools
/// are considered, the tree of settings recording hearing impairment (if no mainstream school
/// records it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PartitionProfile {
    need: [[u32; KINDS]; 12],
    /// By kind, then age band.
    no_needs: [[u32; BANDS]; KINDS],
    /// The needs of the trees holding a setting whose SEN types may be more than it records.
    truncated: NeedSet,
}

const KINDS: usize = ProvisionKind::ALL.len();
const BANDS: usize = AgeBand::ALL.len();

fn age_bits(ages: Ages) -> u32 {
    (ages.low.min(31)..=ages.high.min(31)).fold(0, |bits, a| bits | 1 << a)
}

impl PartitionProfile {
    /// The kinds of setting in `partition`, whatever their ages, as a mask.
    pub fn kinds(&self, partition: Partition) -> u16 {
        let mask = |by_kind: &[u32; KINDS]| {
            ProvisionKind::ALL.into_iter().filter(|k| by_kind[k.index()] != 0).fold(0, |m, k| m | kind_bit(k))
        };
        match partition {
            Partition::Need(n) => mask(&self.need[n.index()]),
            Partition::NoNeedsRecorded(k, band) if self.no_needs[k.index()][band.index()] != 0 => kind_bit(k),
            Partition::NoNeedsRecorded(..) => 0,
        }
    }

    /// Whether a setting in the tree of `need` records SEN types that may be incomplete.
    pub fn may_be_truncated(&self, need: crate::model::Need) -> bool {
        self.truncated.contains(need)
    }

    /// The kinds of setting in `partition` that take a child of `age`, as a mask.
    pub fn kinds_for_age(&self, partition: Partition, age: u8) -> u16 {
        let by_kind = match partition {
            Partition::Need(n) => &self.need[n.index()],
            Partition::NoNeedsRecorded(k, band) => {
                return if self.no_needs[k.index()][band.index()] & 1 << age.min(31) != 0 { kind_bit(k) } else { 0 };
            }
        };
        ProvisionKind::ALL
            .into_iter()
            .filter(|k| by_kind[k.index()] & 1 << age.min(31) != 0)
            .fold(0, |mask, k| mask | kind_bit(k))
    }
}

/// Rows, interned religious characters and partition profile of one set of settings.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Tables {
    pub rows: Vec<Row>,
    pub religions: Vec<String>,
    pub profile: PartitionProfile,
}

impl Tables {
    pub fn build(settings: &[Setting]) -> Tables {
        let mut religions: Vec<String> = Vec::new();
        let mut profile =
            PartitionProfile { need: [[0; KINDS]; 12], no_needs: [[0; BANDS]; KINDS], truncated: NeedSet::EMPTY };
        let rows = settings
            .iter()
            .map(|s| {
                let needs = recorded_needs(s);
                let row_ages = Ages::of(s);
                let ages = age_bits(row_ages);
                let k = s.kind.index();
                match needs {
                    Some(needs) => needs.iter().for_each(|n| {
                        profile.need[n.index()][k] |= ages;
                        profile.truncated.0 |= if s.needs_possibly_truncated { 1 << n.index() } else { 0 };
                    }),
                    None => profile.no_needs[k][AgeBand::of(s.ages).index()] |= ages,
                }
                let religion = match s.religious_character.as_deref() {
                    _ if !s.religious_character_known => ReligionCode::Unknown,
                    None => ReligionCode::None,
                    Some(r) if super::query::means_no_religion(r) => ReligionCode::None,
                    Some(r) => {
                        let i = religions.iter().position(|x| x == r).unwrap_or_else(|| {
                            religions.push(r.to_string());
                            religions.len() - 1
                        });
                        ReligionCode::Named(u16::try_from(i).unwrap_or(u16::MAX))
                    }
                };
                Row {
                    urn: s.urn,
                    site: s.site,
                    kind: s.kind,
                    needs: needs.unwrap_or(NeedSet::EMPTY),
                    needs_truncated: s.needs_possibly_truncated,
                    ages: row_ages,
                    gender: s.gender,
                    boarding: s.boarding,
                    la: s.la,
                    religion,
                    free_places: s.places.and_then(|p| p.free()).map(|f| f > 0),
                }
            })
            .collect();
        Tables { rows, religions, profile }
    }

    /// The name of an interned religious character.
    pub fn religion_name(&self, code: ReligionCode) -> Option<&str> {
        match code {
            ReligionCode::Named(i) => self.religions.get(usize::from(i)).map(String::as_str),
            _ => None,
        }
    }
}

impl Row {
    /// Needs not recorded for a kind that specialises by design: the need factors are unknown.
    /// For a mainstream school, college or nursery, nothing recorded means no specialism.
    pub fn needs_unknown(&self) -> bool {
        self.needs.is_empty() && self.kind.is_specialist()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_is_24_bytes() {
        assert_eq!(std::mem::size_of::<Row>(), 24);
    }
}
