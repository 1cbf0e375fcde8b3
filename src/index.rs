//! The spatial index: R-trees (rstar) of settings, partitioned so that a filtered query never
//! wades through unsuitable settings. rstar's types never leave this module: queries return
//! [`Hit`]s (ids and metres).
//!
//! Partitions ([`Partition`]): one tree per recorded SEN need (a setting with ASD and SLCN is
//! in both), and, for settings with no needs recorded, one tree per provision kind. Every
//! setting is in at least one partition.

use crate::model::{LatLon, Need, ProvisionKind, Setting, SettingId};

/// A setting found by a query, with its great-circle distance in metres.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit {
    pub id: SettingId,
    pub distance_m: f64,
}

/// A slice of the index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Partition {
    /// Settings whose recorded needs include this one.
    Need(Need),
    /// Settings of this kind with no needs recorded.
    NoNeedsRecorded(ProvisionKind),
}

/// Per-partition R-trees over unit-sphere points.
#[derive(Debug)]
pub struct SettingIndex {}

impl SettingIndex {
    /// Bulk-loads every partition from `settings` (a `SettingId` is the position in the slice).
    pub fn build(settings: &[Setting]) -> SettingIndex {
        let _ = settings;
        unimplemented!()
    }

    /// All settings of a partition in increasing distance from `from` (ties by id), lazily.
    pub fn nearest_iter(&self, partition: Partition, from: LatLon) -> impl Iterator<Item = Hit> + '_ {
        let _ = (partition, from);
        std::iter::empty()
    }

    /// Settings of a partition within `radius_m` of `from`, sorted by (distance, id).
    pub fn within(&self, partition: Partition, from: LatLon, radius_m: f64) -> Vec<Hit> {
        let _ = (partition, from, radius_m);
        unimplemented!()
    }

    /// The `k` nearest settings across `partitions` (each id once) accepted by `accept`,
    /// sorted by (distance, id).
    pub fn k_nearest(
        &self,
        partitions: &[Partition],
        from: LatLon,
        k: usize,
        accept: impl FnMut(SettingId) -> bool,
    ) -> Vec<Hit> {
        let _ = (partitions, from, k, accept);
        unimplemented!()
    }
}
