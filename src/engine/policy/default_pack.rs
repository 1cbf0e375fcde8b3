//! The built-in illustrative policy pack as a Rust value, so that the finder parses no JSON
//! for it. GENERATED from data/policy/default.json: do not edit; after changing that file run
//! `UPDATE_DEFAULT_POLICY=1 cargo test --lib policy::tests::default_pack` (the test checks that
//! this value equals the parsed file).

use super::{Level, Policy, Weights, Wording};
use crate::model::ProvisionKind;

#[rustfmt::skip]
pub(super) fn pack() -> Policy {
    Policy {
        schema: 1,
        id: "illustrative-default".into(),
        version: "2026-11".into(),
        illustrative: true,
        title: "Illustrative default policy pack".into(),
        notice: "Illustrative only: not any council's policy. It shows how a council could match a level of need to the kinds of setting it usually considers. Ask your council for its own banding.".into(),
        levels: vec![
            Level {
                id: "universal".into(),
                label: "Mainstream school with SEN support".into(),
                description: "Most children with special educational needs, including many with an EHC plan, go to a mainstream school, nursery or college. The school adapts teaching and adds support, funded from its own budget and, with a plan, by the council.".into(),
                kinds: vec![ProvisionKind::Mainstream, ProvisionKind::EarlyYears, ProvisionKind::Post16],
                kind_fit: vec![1.0, 1.0, 1.0],
                radius_miles: 3.0,
            },
            Level {
                id: "targeted".into(),
                label: "Mainstream school with a specialist base".into(),
                description: "A place in a resourced provision or SEN unit: a base inside a mainstream school with specialist staff, usually for children with an EHC plan. In a resourced provision the child is taught mainly in mainstream classes; in a SEN unit, mainly in smaller separate classes.".into(),
                kinds: vec![ProvisionKind::ResourcedProvision, ProvisionKind::SenUnit, ProvisionKind::Mainstream, ProvisionKind::Post16, ProvisionKind::EarlyYears],
                kind_fit: vec![1.0, 1.0, 0.6, 0.8, 0.6],
                radius_miles: 6.0,
            },
            Level {
                id: "specialist".into(),
                label: "Specialist school or unit".into(),
                description: "A special school, or a SEN unit where most teaching is in small specialist classes, for needs that a mainstream school would usually find hard to meet even with a specialist base. Mainstream schools stay on the list: the law presumes a mainstream place unless you do not want one.".into(),
                kinds: vec![ProvisionKind::Special, ProvisionKind::SenUnit, ProvisionKind::ResourcedProvision, ProvisionKind::Post16, ProvisionKind::Mainstream],
                kind_fit: vec![1.0, 0.8, 0.6, 0.7, 0.3],
                radius_miles: 10.0,
            },
            Level {
                id: "complex".into(),
                label: "Specialist school for complex needs".into(),
                description: "For severe, complex and long-term needs, often with health or care needs as well. Usually a special school; sometimes a non-maintained or independent special school, which may be further away or offer boarding.".into(),
                kinds: vec![ProvisionKind::Special, ProvisionKind::NonMaintainedSpecial, ProvisionKind::IndependentSpecial, ProvisionKind::SenUnit, ProvisionKind::Post16],
                kind_fit: vec![1.0, 1.0, 0.9, 0.6, 0.7],
                radius_miles: 25.0,
            },
        ],
        weights: Weights {
            primary_need: 1.0,
            secondary_needs: 0.4,
            broad_area: 0.3,
            kind_fit: 0.5,
            age_range: 0.5,
            distance: 0.7,
            preferences: 0.3,
            places: 0.1,
        },
        distance_half_life_miles: 5.0,
        unknown_needs_value: Some(0.5),
        unknown_ages_value: Some(0.5),
        mainstream_minimum: 3,
        near_misses: 5,
        wording: Wording {
            advisory: "This list is advisory. You can ask for any school or college you think is suitable, including ones not on this list.".into(),
            distance: "{miles} miles, straight line".into(),
            beyond_walking_distance: "Likely beyond statutory walking distance (2 miles under 8, 3 miles from 8; measured along a walking route)".into(),
            outside_home_la: "In {la}, not your council area".into(),
            proposed_to_close: "Open, but proposed to close: check with the council".into(),
            section41_approved: "On the Section 41 list of approved independent special schools and colleges: you can ask for it to be named in the EHC plan".into(),
            section41_not_approved: "Not on the Section 41 approved list: you can still ask for it, but the council does not have the same duty to name it".into(),
            ages_not_recorded: "Age range not recorded: check with the setting".into(),
            ages_inferred: "Age range not recorded: usually takes ages {low}–{high} (phase {phase}); check with the setting".into(),
            needs_not_recorded: "Specialisms not recorded: ask the setting whether it can meet {need}".into(),
            mainstream_presumption: "Included so that the list shows mainstream schools: the law presumes a mainstream place unless that is against your wishes or would stop other children being educated efficiently (Children and Families Act 2014, section 33)".into(),
        },
    }
}
