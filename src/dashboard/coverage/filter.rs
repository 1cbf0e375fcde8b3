//! The suitability filter: which settings count, and how each fits ([`Filter`], [`Suitability`], [`Fit`]).

use super::*;

/// Which settings count as suitable, and which count towards the distances.
///
/// A setting is of the filter's kinds and age when its kind is one of `kinds` (all kinds when
/// empty) and its age range includes `age` (settings with no recorded ages are kept: missing
/// data is not a "no"). Such a setting is **suitable** ([`Fit::Suitable`]) when `needs` is
/// empty, when it records one of `needs`, or when it is a kind that serves every need by default
/// (mainstream, post-16, nursery: [`ProvisionKind::is_specialist`] is false). A specialist
/// setting that records no needs at all is **of unknown need** ([`Fit::NeedsNotRecorded`]): the
/// national data records the specialisms of few resourced provisions and SEN units. It counts
/// towards the distances only with `include_needs_not_recorded`; the table counts it either way.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Filter {
    /// Need abbreviations (`ASD`, `SLCN`, ...).
    #[serde(default)]
    pub needs: Vec<String>,
    /// Provision kind codes (`special`, `senUnit`, ...).
    #[serde(default)]
    pub kinds: Vec<String>,
    #[serde(default)]
    pub age: Option<u8>,
    /// Settings of unknown need count towards the distances too.
    #[serde(default)]
    #[cfg_attr(test, ts(as = "Option<_>", optional))]
    pub include_needs_not_recorded: bool,
}

/// A [`Filter`] checked against the taxonomy.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Suitability {
    pub needs: NeedSet,
    /// Bit `k` for [`ProvisionKind::index`] `k`.
    pub kinds: u16,
    pub age: Option<u8>,
    pub include_needs_not_recorded: bool,
}

/// How a setting stands against a [`Suitability`] (see [`Filter`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fit {
    /// Not of the kinds or the age, or records needs but none of the chosen ones.
    No,
    Suitable,
    /// Of the kinds and the age, a specialist kind, and records no needs.
    NeedsNotRecorded,
}

impl Filter {
    /// Parses the needs and kinds; errors name the value that is not known.
    pub fn validate(&self) -> Result<Suitability> {
        let mut needs = NeedSet::EMPTY;
        for text in &self.needs {
            needs.insert(Need::parse(text).ok_or_else(|| Error::invalid("needs", format!("{text:?} is not a need")))?);
        }
        let mut kinds = 0u16;
        for text in &self.kinds {
            let kind = ProvisionKind::parse(text)
                .ok_or_else(|| Error::invalid("kinds", format!("{text:?} is not a kind of setting")))?;
            kinds |= 1 << kind.index();
        }
        if kinds == 0 {
            kinds = (1 << ProvisionKind::ALL.len()) - 1;
        }
        Ok(Suitability { needs, kinds, age: self.age, include_needs_not_recorded: self.include_needs_not_recorded })
    }
}

impl Suitability {
    /// Where a setting stands (an empty set of recorded needs counts as not recorded, as in
    /// the ranking).
    pub fn fit(&self, setting: &Setting) -> Fit {
        if self.kinds & (1 << setting.kind.index()) == 0 {
            return Fit::No;
        }
        if self.age.is_some_and(|age| !setting.may_take_age(age)) {
            return Fit::No;
        }
        if self.needs.is_empty() || !setting.kind.is_specialist() {
            return Fit::Suitable;
        }
        match setting.needs.filter(|recorded| !recorded.is_empty()) {
            None => Fit::NeedsNotRecorded,
            Some(recorded) if recorded.intersects(self.needs) => Fit::Suitable,
            Some(_) => Fit::No,
        }
    }

    /// Whether a setting counts towards the distances.
    pub fn admits(&self, setting: &Setting) -> bool {
        match self.fit(setting) {
            Fit::Suitable => true,
            Fit::NeedsNotRecorded => self.include_needs_not_recorded,
            Fit::No => false,
        }
    }
}
