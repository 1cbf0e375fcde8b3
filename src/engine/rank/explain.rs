//! "Why is this school (not) on the list?": one establishment, every placement it offers.

use super::output::{lower_first, metres, miles_text, owned, reasons, round_miles, rule_text, RankContext, Reason};
use super::query::{prepare, Query};
use super::score::{records_other_needs_only, rule, score, Rule};
use super::search::run;
use crate::decimal::Fixed;
use crate::engine::index::SettingIndex;
use crate::engine::policy::Policy;
use crate::error::Result;
use crate::model::{ProvisionKind, Setting, SettingId, Site, Urn};
use serde::Serialize;
use std::borrow::Cow;

/// The answer for one URN.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Explanation<'a> {
    pub urn: Urn,
    pub in_dataset: bool,
    /// One paragraph in plain English.
    pub summary: String,
    /// How many settings the list has.
    pub listed: u32,
    /// The establishment and each resourced provision, SEN unit or satellite it has.
    pub sites: Vec<SiteExplanation<'a>>,
}

impl Explanation<'_> {
    /// The same explanation, owning all its text.
    pub fn into_owned(self) -> Explanation<'static> {
        Explanation { sites: self.sites.into_iter().map(SiteExplanation::into_owned).collect(), ..self }
    }
}

/// One placement of the establishment.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct SiteExplanation<'a> {
    pub site: Site,
    pub name: Cow<'a, str>,
    pub kind: ProvisionKind,
    pub kind_label: &'static str,
    pub outcome: Outcome,
    /// The outcome in a sentence.
    pub text: String,
    pub distance_m: u32,
    pub distance_miles: f64,
    /// The fit score it has (or would have, if a rule left it out).
    pub score: f64,
    pub coverage: f64,
    /// The full breakdown: every factor with its numbers, then the notes.
    pub reasons: Vec<Reason<'a>>,
}

impl SiteExplanation<'_> {
    pub fn into_owned(self) -> SiteExplanation<'static> {
        SiteExplanation {
            name: owned(self.name),
            reasons: self.reasons.into_iter().map(Reason::into_owned).collect(),
            ..self
        }
    }
}

/// Where a setting stands.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(tag = "status", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Outcome {
    /// On the list at `rank` (1-based).
    Listed { rank: u32, mainstream_presumption: bool },
    /// Left out by `rule`; `near_miss` when it is shown among the near misses.
    Excluded { rule: Rule, near_miss: bool },
    /// Eligible and in the top results, but gave way to the mainstream schools the list keeps.
    GaveWay,
    /// Eligible, but other settings fitted better.
    RankedBelow { last_listed_score: Option<f64> },
}

/// Explains where each placement of establishment `urn` stands in the list for `query`.
pub(crate) fn explain<'a>(
    settings: &'a [Setting],
    index: &SettingIndex,
    policy: &'a Policy,
    query: &Query,
    ctx: &'a RankContext,
    urn: Urn,
) -> Result<Explanation<'a>> {
    let tables = ctx.tables_for(settings)?;
    let p = prepare(policy, query)?;
    let run = run(tables, index, &p);
    ctx.check_loaded(&run)?;
    let listed = u32::try_from(run.listed.len()).unwrap_or(u32::MAX);
    let mut sites: Vec<(usize, &'a Setting)> =
        settings.iter().enumerate().filter(|(i, s)| s.urn == urn && ctx.is_loaded(*i)).collect();
    // Details files hold every site of each establishment they name, so one site loaded means
    // all are; none loaded, while some details are missing, may mean not loaded yet.
    if sites.is_empty() && !ctx.all_loaded() {
        return Err(crate::error::Error::DetailsMissing { count: 1 });
    }
    sites.sort_by_key(|(_, s)| s.site);

    if sites.is_empty() {
        let built = ctx.data.built.map(|d| format!(", built {d}")).unwrap_or_default();
        let summary = format!(
            "URN {urn} is not in the dataset{built}. It may be closed, not a kind of setting this tool lists, \
             or newer than the data."
        );
        return Ok(Explanation { urn, in_dataset: false, summary, listed, sites: Vec::new() });
    }

    let last_score = run.listed[..run.presumption_from].last().map(|c| c.score);
    let mut out = Vec::with_capacity(sites.len());
    for (i, s) in sites {
        let id = SettingId(u32::try_from(i).unwrap_or(u32::MAX));
        let d = p.home.distance_m(s.location);
        let row = &tables.rows[i];
        let scored = score(&p, tables, row, d);
        let position = run.listed.iter().position(|c| c.id == id);
        let outcome = if let Some(at) = position {
            Outcome::Listed {
                rank: u32::try_from(at + 1).unwrap_or(u32::MAX),
                mainstream_presumption: at >= run.presumption_from,
            }
        } else if let Some(code) = rule(&p, row, d) {
            Outcome::Excluded {
                rule: Rule { code, text: rule_text(&p, s, d, code, ctx) },
                near_miss: run.near.iter().any(|c| c.id == id),
            }
        } else if run.displaced.iter().any(|c| c.id == id) {
            Outcome::GaveWay
        } else {
            Outcome::RankedBelow { last_listed_score: last_score }
        };
        let text = match &outcome {
            Outcome::Listed { rank, mainstream_presumption } => {
                let why = if *mainstream_presumption {
                    " It was added as one of the mainstream schools the list always keeps."
                } else {
                    ""
                };
                format!("On the list at number {rank} of {listed}.{why}")
            }
            Outcome::Excluded { rule, near_miss } => {
                let shown = if *near_miss { " It is shown among the near misses." } else { "" };
                format!("Not on the list: {}.{shown}", rule.text)
            }
            Outcome::GaveWay => format!(
                "Meets every rule and ranked in the top {}, but gave way to the mainstream schools the list \
                 always keeps (the presumption of mainstream).",
                p.limit
            ),
            Outcome::RankedBelow { .. } if records_other_needs_only(&p, row) => format!(
                "Meets every rule, but ranked below the top {listed}: it records provision only for needs other \
                 than {need}, so it comes after every setting that may meet {need} (its fit score is {}).",
                Fixed(scored.score, 2),
                need = p.primary.plain()
            ),
            Outcome::RankedBelow { last_listed_score } => match last_listed_score {
                Some(last) => format!(
                    "Meets every rule, but ranked below the top {listed}: its fit score is {}, the last listed \
                     scored {}.",
                    Fixed(scored.score, 2),
                    Fixed(*last, 2)
                ),
                None => "Meets every rule, but ranked below the list.".to_string(),
            },
        };
        let presumption = matches!(outcome, Outcome::Listed { mainstream_presumption: true, .. });
        let (reasons, _) = reasons(&p, ctx, s, row, d, &scored, presumption);
        out.push(SiteExplanation {
            site: s.site,
            name: Cow::Borrowed(&s.name),
            kind: s.kind,
            kind_label: s.kind.label(),
            outcome,
            text,
            distance_m: metres(d),
            distance_miles: round_miles(d),
            score: scored.score,
            coverage: scored.coverage,
            reasons,
        });
    }

    let name = &out[0].name;
    let summary = if out.len() == 1 {
        format!("{name} ({} miles): {}", miles_text(f64::from(out[0].distance_m)), out[0].text)
    } else {
        let parts: Vec<String> =
            out.iter().map(|e| format!("{}: {}", site_label(e.site, e.kind), lower_first(&e.text))).collect();
        format!("{name} offers {} placements. {}", out.len(), parts.join(" "))
    };
    Ok(Explanation { urn, in_dataset: true, summary, listed, sites: out })
}

fn site_label(site: Site, kind: ProvisionKind) -> String {
    match site {
        Site::Main => format!("The {}", lower_first(kind.label())),
        Site::ResourcedProvision => "Its resourced provision".to_string(),
        Site::SenUnit => "Its SEN unit".to_string(),
        Site::Satellite(n) => format!("Its satellite site {n}"),
    }
}
