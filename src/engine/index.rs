//! The spatial index: R-trees (rstar) of settings, partitioned so that a filtered query never
//! wades through unsuitable settings. rstar's types never leave this module: queries return
//! [`Hit`]s (ids and metres).
//!
//! Partitions ([`Partition`]): one tree per recorded SEN need (a setting with ASD and SLCN is
//! in both), and, for settings with no needs recorded, one tree per provision kind and
//! [`AgeBand`] (primary, secondary, across). Every setting with a valid location is in at
//! least one partition.
//!
//! # Geometry
//!
//! Each tree holds points on the unit sphere, `[x, y, z]`. The straight-line (chord) distance
//! between two such points grows with the great-circle distance between them, so
//! nearest-by-chord is nearest-by-arc, and rstar's plain Euclidean queries need no spherical
//! geometry (no wrap-around at ±180°, no distortion near the poles).
//!
//! # Distances and order
//!
//! Every [`Hit::distance_m`] is exactly [`LatLon::distance_m`] (geo's haversine), the figure
//! shown to people, and results come in `(distance_m, id)` order ([`Hit::cmp_by_distance`]), a
//! total order. So a brute-force scan ([`reference`](mod@reference)) reproduces the index bit
//! for bit.
//!
//! The chord only steers the search. Chord order and haversine order agree except where two
//! distances differ by rounding noise, and equal distances come out of rstar in no particular
//! order. So the lazy iterators hold each hit back until no setting still inside the tree can
//! come before it: until the chord of the next candidate, less a slack far wider than any
//! rounding (1e-9 on the unit sphere, about 6 mm), is farther than the held hit. The held hits
//! (usually one or two, more for a run of equal distances such as a school and its units at
//! one address) are kept sorted by `(distance_m, id)`.

use std::cmp::Ordering;
use std::fmt;

use rstar::primitives::GeomWithData;
use rstar::{ParentNode, RStarInsertionStrategy, RTree, RTreeNode, RTreeParams, AABB};

use crate::model::{AgeRange, LatLon, Need, NeedSet, ProvisionKind, Setting, SettingId};
use crate::sphere::{chord_2, chord_from_metres, metres_from_chord, EARTH_RADIUS_M};

/// A setting found by a query, with its great-circle distance in metres.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit {
    pub id: SettingId,
    /// Exactly `LatLon::distance_m` from the query point to the setting.
    pub distance_m: f64,
}

impl Hit {
    /// Nearest first, then lowest id: the order of every query result (a total order, by
    /// [`f64::total_cmp`]).
    pub fn cmp_by_distance(&self, other: &Hit) -> Ordering {
        self.distance_m.total_cmp(&other.distance_m).then(self.id.cmp(&other.id))
    }
}

/// A slice of the index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Partition {
    /// Settings whose recorded needs include this one.
    Need(Need),
    /// Settings of this kind with no needs recorded (`needs` is `None` or empty) whose age
    /// range lies in this band.
    NoNeedsRecorded(ProvisionKind, AgeBand),
}

impl Partition {
    /// Every partition: the needs in [`Need::ALL`] order, then the kinds in
    /// [`ProvisionKind::ALL`] order, each in [`AgeBand::ALL`] order.
    pub fn all() -> impl Iterator<Item = Partition> {
        let needs = Need::ALL.into_iter().map(Partition::Need);
        let kinds = ProvisionKind::ALL.into_iter();
        needs.chain(kinds.flat_map(|kind| AgeBand::ALL.map(|band| Partition::NoNeedsRecorded(kind, band))))
    }

    /// Whether `setting` belongs to this partition (ignoring its location; see
    /// [`SettingIndex::build`] for settings whose location is invalid).
    pub fn contains(self, setting: &Setting) -> bool {
        match (self, recorded_needs(setting)) {
            (Partition::Need(need), Some(needs)) => needs.contains(need),
            (Partition::NoNeedsRecorded(kind, band), None) => setting.kind == kind && AgeBand::of(setting.ages) == band,
            _ => false,
        }
    }
}

/// Where a setting's age range lies against 11, the age of moving to secondary school.
///
/// Settings without needs recorded are mostly mainstream schools, about five primary schools
/// to every secondary school. With a tree per band, a search for a child of 7 passes over the
/// secondary schools without reading them, and one for a child of 14 over the primary schools.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AgeBand {
    /// Taking no one older than 11: nurseries, infant, junior and primary schools.
    UpTo11,
    /// Taking no one younger than 11: secondary schools, sixth forms and colleges.
    From11,
    /// Ranges across 11 (all-through and middle schools), and ages not recorded.
    Other,
}

impl AgeBand {
    pub const ALL: [AgeBand; 3] = [AgeBand::UpTo11, AgeBand::From11, AgeBand::Other];

    /// The band of an age range (`None`: not recorded).
    pub fn of(ages: Option<AgeRange>) -> AgeBand {
        match ages {
            Some(AgeRange { high, .. }) if high <= 11 => AgeBand::UpTo11,
            Some(AgeRange { low, .. }) if low >= 11 => AgeBand::From11,
            _ => AgeBand::Other,
        }
    }

    /// Position in [`AgeBand::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// The setting's needs if at least one is recorded.
fn recorded_needs(setting: &Setting) -> Option<NeedSet> {
    setting.needs.filter(|needs| !needs.is_empty())
}

/// How far (on the unit sphere) a computed chord may be from the chord of the haversine
/// distance it stands for, with a wide margin: measured over millions of random pairs, the
/// rounding in the unit vectors, the chord and geo's haversine stays below 2e-15 anywhere on
/// Earth; 1e-9 is about 6 mm. A larger slack only makes the iterators look a candidate or two
/// further ahead; one smaller than the true error would break the order.
const CHORD_SLACK: f64 = 1e-9;

/// What a tree holds: the unit-sphere point, the setting's index and its recorded needs (so
/// that a walk can pass over settings by need without looking them up). Kept to 32 bytes (the
/// location is looked up in [`SettingIndex::spots`]): bulk loading moves leaves around, and
/// 48-byte leaves made it about a fifth slower.
type Leaf = GeomWithData<[f64; 3], (u32, NeedSet)>;

/// Nodes of up to 32 children instead of rstar's default 6: measured on 30k points, 16 made
/// bulk loading the largest partition a quarter faster than 6, and 20-nearest queries no
/// slower; 32 (issue 13, the page's cold start) made bulk loading every partition of the
/// default data 4.3 → 3.6 ms and left the shortlist's median and p95 as they were (9.2 and
/// 30 us). Only bulk loading and queries use these; nothing is inserted later.
struct NodeSize;

impl RTreeParams for NodeSize {
    const MIN_SIZE: usize = 6;
    const MAX_SIZE: usize = 32;
    const REINSERTION_COUNT: usize = 3;
    type DefaultInsertionStrategy = RStarInsertionStrategy;
}

type Tree = RTree<Leaf, NodeSize>;

/// A partition's settings, bulk-loaded into its tree (their unit vectors computed then) the
/// first time a query reads it: a finder is ready without the trigonometry and the loading of
/// trees no list has needed yet (most partitions, for the first list: issue 13's cold start),
/// and a tree is the same whenever it is loaded.
struct LazyTree {
    /// Setting ids and their recorded needs.
    entries: Vec<(u32, NeedSet)>,
    tree: std::sync::OnceLock<Tree>,
}

impl LazyTree {
    fn new(entries: Vec<(u32, NeedSet)>) -> LazyTree {
        LazyTree { entries, tree: std::sync::OnceLock::new() }
    }

    fn get(&self, spots: &[Spot]) -> &Tree {
        self.tree.get_or_init(|| {
            let leaves = self
                .entries
                .iter()
                .filter_map(|&(id, needs)| {
                    let spot = spots.get(id as usize)?;
                    Some(Leaf::new(Origin::unit_of(spot.at, spot.cos_lat), (id, needs)))
                })
                .collect();
            Tree::bulk_load_with_params(leaves)
        })
    }
}

/// Per-partition R-trees over unit-sphere points.
///
/// ```
/// use placement_finder::engine::index::{Partition, SettingIndex};
/// use placement_finder::{LatLon, Need, NeedSet, ProvisionKind};
/// # use placement_finder::model::*;
/// # fn setting(lat: f64, lon: f64, needs: Option<NeedSet>) -> Setting {
/// #     Setting { urn: Urn(1), site: Site::Main, name: String::new(),
/// #         kind: ProvisionKind::Special, kind_basis: KindBasis::EstablishmentType,
/// #         establishment_type: None, status: Status::Open,
/// #         location: LatLon::new(lat, lon).unwrap(), postcode: None, la: None, phase: None,
/// #         ages: None, gender: None, boarding: None, religious_character: None,
/// #         religious_character_known: false, section41: None, needs,
/// #         needs_possibly_truncated: false, places: None, website: None, notes: None,
/// #         provenance: Provenance::default() }
/// # }
/// let autism = Some(NeedSet::EMPTY.with(Need::ASD));
/// let settings = vec![
///     setting(53.80, -1.55, autism),                    // Leeds
///     setting(53.48, -2.24, autism),                    // Manchester
///     setting(53.81, -1.56, Some(NeedSet::EMPTY.with(Need::HI))),
/// ];
/// let index = SettingIndex::build(&settings);
///
/// let home = LatLon::new(53.79, -1.54).unwrap();
/// let hits = index.k_nearest(&[Partition::Need(Need::ASD)], home, 5, |_| true);
/// let ids: Vec<u32> = hits.iter().map(|hit| hit.id.0).collect();
/// assert_eq!(ids, [0, 1]);
/// assert!(hits[0].distance_m < 2_000.0 && hits[1].distance_m > 50_000.0);
/// ```
pub struct SettingIndex {
    /// Indexed by [`Need::index`].
    needs: [LazyTree; Need::ALL.len()],
    /// Indexed by [`ProvisionKind::index`], then [`AgeBand::index`].
    no_needs: [[LazyTree; AgeBand::ALL.len()]; ProvisionKind::ALL.len()],
    /// Which partitions have settings where.
    grid: Grid,
    /// Every setting's location (and the cosine of its latitude), by `SettingId`, so each
    /// hit's distance is `LatLon::distance_m`, bit for bit.
    spots: Vec<Spot>,
}

impl fmt::Debug for SettingIndex {
    /// The non-empty partitions and their sizes (the points themselves would be 30k lines).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.partitions().filter(|&(_, len)| len > 0)).finish()
    }
}

impl SettingIndex {
    /// Sorts `settings` into partitions (a `SettingId` is the position in the slice); each
    /// partition's tree is bulk-loaded when a query first reads it.
    ///
    /// A setting whose location is not a valid [`LatLon`] (non-finite or out of range; possible
    /// only by building a `LatLon` literal) is left out of every partition rather than poisoning
    /// the trees.
    pub fn build(settings: &[Setting]) -> SettingIndex {
        // One pass: a `Setting` is a few hundred bytes, so reading them dominates the loop.
        let mut needs: [Vec<(u32, NeedSet)>; Need::ALL.len()] = Default::default();
        let mut no_needs: [[Vec<(u32, NeedSet)>; AgeBand::ALL.len()]; ProvisionKind::ALL.len()] = Default::default();
        let mut spots = Vec::with_capacity(settings.len());
        let mut grid = Grid::new();
        for (i, setting) in settings.iter().enumerate() {
            // The cosine of latitude as `Origin::new` takes it; the unit vector waits for the tree.
            let cos_lat = setting.location.lat.to_radians().cos();
            spots.push(Spot { at: setting.location, cos_lat });
            let (Ok(id), Some(_)) = (u32::try_from(i), LatLon::new(setting.location.lat, setting.location.lon)) else {
                continue;
            };
            let leaf = (id, recorded_needs(setting).unwrap_or(NeedSet::EMPTY));
            match recorded_needs(setting) {
                Some(set) => set.iter().for_each(|need| {
                    needs[need.index()].push(leaf);
                    grid.insert(setting.location, Partition::Need(need));
                }),
                None => {
                    let band = AgeBand::of(setting.ages);
                    no_needs[setting.kind.index()][band.index()].push(leaf);
                    grid.insert(setting.location, Partition::NoNeedsRecorded(setting.kind, band));
                }
            }
        }
        SettingIndex {
            needs: needs.map(LazyTree::new),
            no_needs: no_needs.map(|bands| bands.map(LazyTree::new)),
            grid,
            spots,
        }
    }

    fn lazy(&self, partition: Partition) -> &LazyTree {
        match partition {
            Partition::Need(need) => &self.needs[need.index()],
            Partition::NoNeedsRecorded(kind, band) => &self.no_needs[kind.index()][band.index()],
        }
    }

    fn tree(&self, partition: Partition) -> &Tree {
        self.lazy(partition).get(&self.spots)
    }

    /// The partitions that may have settings within `max_m` of `from`: every partition that
    /// has one, and perhaps some that only have settings a little farther (it looks at a
    /// coarse grid, not at the settings). Cheap enough to ask before reading any partition.
    pub fn partitions_near(&self, from: LatLon, max_m: f64) -> PartitionSet {
        self.grid.near(from, max_m)
    }

    /// How many settings a partition holds.
    pub fn len(&self, partition: Partition) -> usize {
        self.lazy(partition).entries.len()
    }

    /// Every partition (in [`Partition::all`] order, empty ones included) with its size.
    pub fn partitions(&self) -> impl Iterator<Item = (Partition, usize)> + '_ {
        Partition::all().map(|partition| (partition, self.len(partition)))
    }

    /// All settings of a partition in increasing distance from `from` (ties by id), lazily:
    /// taking the first few costs a few tree nodes, not the whole partition.
    ///
    /// Empty if `from` is not a valid [`LatLon`].
    pub fn nearest_iter(&self, partition: Partition, from: LatLon) -> impl Iterator<Item = Hit> + '_ {
        let origin = Origin::new(from);
        let upstream = origin.unit.map(|q| self.tree(partition).nearest_neighbor_iter_with_distance_2(&q));
        InOrder::new(origin, &self.spots, upstream.into_iter().flatten())
    }

    /// The settings of a partition within `max_m` of `from` (inclusive), in increasing
    /// distance (ties by id), lazily: exactly `nearest_iter(..).take_while(|h| h.distance_m <=
    /// max_m)`, but parts of the tree beyond `max_m` are never opened, so a partition with
    /// nothing near costs a few envelope tests.
    ///
    /// Empty if `from` is not a valid [`LatLon`] or `max_m` is negative or NaN.
    pub fn nearest_within(&self, partition: Partition, from: LatLon, max_m: f64) -> impl Iterator<Item = Hit> + '_ {
        self.read_within(partition, &Origin::new(from), max_m, NeedSet::EMPTY)
    }

    /// [`nearest_within`](Self::nearest_within) from an [`Origin`] (worked out once for many
    /// reads), without the settings that record any need in `leave_out`: those are passed
    /// over before their distance is worked out.
    ///
    /// A setting recording several needs is in the tree of each; `leave_out` lets a caller
    /// reading several of them take each setting from one tree only.
    pub fn read_within(
        &self,
        partition: Partition,
        origin: &Origin,
        max_m: f64,
        leave_out: NeedSet,
    ) -> impl Iterator<Item = Hit> + '_ {
        let upstream = match origin.unit {
            Some(q) if max_m >= 0.0 => {
                let max_chord = chord_from_metres(max_m) + CHORD_SLACK;
                Some(Walk::new(self.tree(partition), q, max_chord * max_chord, leave_out))
            }
            _ => None,
        };
        InOrder::new(*origin, &self.spots, upstream.into_iter().flatten()).take_while(move |h| h.distance_m <= max_m)
    }

    /// All settings of several partitions in increasing distance from `from` (ties by id), each
    /// setting once even if it is in more than one of them, lazily. For "the nearest `k`
    /// within `radius_m`", add `.take_while(|h| h.distance_m <= radius_m)`.
    ///
    /// Empty if `from` is not a valid [`LatLon`].
    pub fn nearest_in(&self, partitions: &[Partition], from: LatLon) -> impl Iterator<Item = Hit> + '_ {
        let origin = Origin::new(from);
        let sources: Vec<_> = match origin.unit {
            Some(q) => partitions
                .iter()
                .map(|&partition| self.tree(partition))
                .filter(|tree| tree.size() > 0)
                .map(|tree| tree.nearest_neighbor_iter_with_distance_2(&q))
                .collect(),
            None => Vec::new(),
        };
        // In (distance, id) order a setting reached through two partitions comes out twice in
        // a row (same id, same distance), so dropping repeats of the last id is enough.
        let mut last = None;
        InOrder::new(origin, &self.spots, merge_by_chord(sources))
            .filter(move |hit| last.replace(hit.id) != Some(hit.id))
    }

    /// Settings of a partition within `radius_m` of `from` (inclusive: `distance_m <= radius_m`),
    /// sorted by (distance, id). A radius of 0 finds settings at exactly `from`; an infinite
    /// radius finds the whole partition.
    ///
    /// Empty if `from` is not a valid [`LatLon`] or `radius_m` is negative or NaN.
    pub fn within(&self, partition: Partition, from: LatLon, radius_m: f64) -> Vec<Hit> {
        let origin = Origin::new(from);
        let Some(q) = origin.unit else {
            return Vec::new();
        };
        if radius_m.is_nan() || radius_m < 0.0 {
            return Vec::new();
        }
        // Search a little wider than the radius, then decide with the haversine distance itself,
        // so settings right at the edge are in or out exactly as `distance_m` says.
        let max_chord = chord_from_metres(radius_m) + CHORD_SLACK;
        let mut hits: Vec<Hit> = self
            .tree(partition)
            .locate_within_distance(q, max_chord * max_chord)
            .map(|leaf| hit(&origin, &self.spots, leaf))
            .filter(|hit| hit.distance_m <= radius_m)
            .collect();
        hits.sort_unstable_by(Hit::cmp_by_distance);
        hits
    }

    /// The `k` nearest settings across `partitions` (each id once) accepted by `accept`,
    /// sorted by (distance, id).
    ///
    /// `accept` is asked about settings in that same order, once per setting, and no more once
    /// `k` are accepted. A predicate that rejects most settings makes the query walk most of
    /// the partitions; to stop at a distance, use [`nearest_in`](Self::nearest_in).
    ///
    /// Empty if `from` is not a valid [`LatLon`].
    pub fn k_nearest(
        &self,
        partitions: &[Partition],
        from: LatLon,
        k: usize,
        mut accept: impl FnMut(SettingId) -> bool,
    ) -> Vec<Hit> {
        if k == 0 {
            return Vec::new();
        }
        let available: usize = partitions.iter().map(|&partition| self.len(partition)).sum();
        let mut hits = Vec::with_capacity(k.min(available));
        for hit in self.nearest_in(partitions, from) {
            if accept(hit.id) {
                hits.push(hit);
                if hits.len() == k {
                    break;
                }
            }
        }
        hits
    }
}

/// A set of partitions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct PartitionSet(u64);

impl PartitionSet {
    pub const EMPTY: PartitionSet = PartitionSet(0);
    pub const ALL: PartitionSet = PartitionSet(u64::MAX);

    /// A bit per partition, by position in [`Partition::all`].
    fn bit(partition: Partition) -> u64 {
        let position = match partition {
            Partition::Need(need) => need.index(),
            Partition::NoNeedsRecorded(kind, band) => {
                Need::ALL.len() + kind.index() * AgeBand::ALL.len() + band.index()
            }
        };
        1 << position
    }

    pub fn contains(self, partition: Partition) -> bool {
        self.0 & Self::bit(partition) != 0
    }

    pub fn with(self, partition: Partition) -> PartitionSet {
        PartitionSet(self.0 | Self::bit(partition))
    }

    pub fn union(self, other: PartitionSet) -> PartitionSet {
        PartitionSet(self.0 | other.0)
    }
}

/// A coarse latitude/longitude grid over Great Britain (0.1° by 0.16°, about 11 km by 10 km)
/// with, for each cell, the partitions that have a setting in it. A point outside the grid
/// counts in the nearest edge cell, so the grid answers for anywhere.
///
/// Most partitions have nothing within a few miles of a given home; finding that out in a
/// tree costs a few hundred nanoseconds (opening nodes, allocating), here a few words.
struct Grid {
    cells: Vec<PartitionSet>,
}

impl Grid {
    const SOUTH: f64 = 49.8;
    const WEST: f64 = -8.8;
    const ROWS: usize = 112;
    const COLS: usize = 68;
    const ROW_DEG: f64 = 0.1;
    const COL_DEG: f64 = 0.16;

    fn new() -> Grid {
        Grid { cells: vec![PartitionSet::EMPTY; Self::ROWS * Self::COLS] }
    }

    fn row(lat: f64) -> usize {
        ((lat - Self::SOUTH) / Self::ROW_DEG).floor().clamp(0.0, (Self::ROWS - 1) as f64) as usize
    }

    fn col(lon: f64) -> usize {
        ((lon - Self::WEST) / Self::COL_DEG).floor().clamp(0.0, (Self::COLS - 1) as f64) as usize
    }

    fn insert(&mut self, at: LatLon, partition: Partition) {
        let cell = &mut self.cells[Self::row(at.lat) * Self::COLS + Self::col(at.lon)];
        *cell = cell.with(partition);
    }

    /// The partitions in any cell that the circle of `max_m` around `from` touches. The
    /// circle's latitude and longitude bounds are widened by a metre and a part in a billion,
    /// far more than the rounding in them or in the haversine.
    fn near(&self, from: LatLon, max_m: f64) -> PartitionSet {
        let angle = (max_m * (1.0 + 1e-9) + 1.0) / EARTH_RADIUS_M;
        // A circle this wide (over 3,000 km), or a NaN: not worth bounding.
        if angle.is_nan() || angle >= 0.5 {
            return PartitionSet::ALL;
        }
        let lat_deg = angle.to_degrees();
        let (south, north) = (from.lat - lat_deg, from.lat + lat_deg);
        let sin_ratio = angle.sin() / from.lat.to_radians().cos();
        let (west, east) = if north >= 90.0 || south <= -90.0 || sin_ratio.is_nan() || sin_ratio >= 1.0 {
            (-180.0, 180.0)
        } else {
            let lon_deg = sin_ratio.asin().to_degrees() * (1.0 + 1e-9);
            (from.lon - lon_deg, from.lon + lon_deg)
        };
        // Across the antimeridian, every column (the grid is far from it anyway).
        let (west, east) = if west < -180.0 || east > 180.0 { (-180.0, 180.0) } else { (west, east) };
        let columns = Self::col(west)..=Self::col(east);
        let mut found = PartitionSet::EMPTY;
        for row in Self::row(south)..=Self::row(north) {
            let cells = &self.cells[row * Self::COLS..(row + 1) * Self::COLS];
            found = cells[columns.clone()].iter().fold(found, |set, &cell| set.union(cell));
        }
        found
    }
}

/// The point on the unit sphere for a valid location, `None` for anything [`LatLon::new`]
/// would refuse (rstar's ordering panics on NaN).
#[cfg(test)]
fn unit_vector(at: LatLon) -> Option<[f64; 3]> {
    Origin::new(at).unit
}

/// A distance no setting at squared chord `chord_2` or farther can be nearer than.
fn lower_bound_m(chord_2: f64) -> f64 {
    metres_from_chord((chord_2.sqrt() - CHORD_SLACK).max(0.0))
}

/// A point that distances are measured from, with what every distance from it needs worked
/// out once: its unit-sphere point (`None` for anything [`LatLon::new`] would refuse: rstar's
/// ordering panics on NaN) and the cosine of its latitude.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Origin {
    from: LatLon,
    unit: Option<[f64; 3]>,
    cos_lat: f64,
}

impl Origin {
    pub fn new(from: LatLon) -> Origin {
        // `cos` itself, as geo's haversine takes it, shared with the unit vector.
        let lat = from.lat.to_radians();
        let (sin_lat, cos_lat) = (lat.sin(), lat.cos());
        let unit = LatLon::new(from.lat, from.lon).map(|_| {
            let (sin_lon, cos_lon) = from.lon.to_radians().sin_cos();
            [cos_lat * cos_lon, cos_lat * sin_lon, sin_lat]
        });
        Origin { from, unit, cos_lat }
    }

    /// The unit vector of a valid location whose cosine of latitude is `cos_lat`: the same
    /// numbers as `Origin::new(at).unit`.
    fn unit_of(at: LatLon, cos_lat: f64) -> [f64; 3] {
        let sin_lat = at.lat.to_radians().sin();
        let (sin_lon, cos_lon) = at.lon.to_radians().sin_cos();
        [cos_lat * cos_lon, cos_lat * sin_lon, sin_lat]
    }

    /// The great-circle distance to `to`: exactly `LatLon::distance_m` (geo's haversine, the
    /// same operations in the same order), with the two cosines of latitude looked up.
    fn distance_m(&self, to: &Spot) -> f64 {
        let (from, at) = (self.from, to.at);
        let delta_theta = (at.lat - from.lat).to_radians();
        let delta_lambda = (at.lon - from.lon).to_radians();
        let a = (delta_theta / 2.0).sin().powi(2) + self.cos_lat * to.cos_lat * (delta_lambda / 2.0).sin().powi(2);
        EARTH_RADIUS_M * (2.0 * a.sqrt().asin())
    }
}

/// A setting's location and the cosine of its latitude.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Spot {
    at: LatLon,
    cos_lat: f64,
}

fn hit(origin: &Origin, spots: &[Spot], leaf: &Leaf) -> Hit {
    let id = leaf.data.0;
    Hit { id: SettingId(id), distance_m: origin.distance_m(&spots[id as usize]) }
}

/// A tree's leaves within a squared chord of a query point, in non-decreasing squared chord:
/// a best-first walk that never opens a node farther than the limit.
///
/// rstar's own nearest-neighbour iterator cannot be limited, so it opens every node it meets
/// on the way to a first leaf, however far; here only nodes that may hold a leaf within the
/// limit go in the heap, and the leaves of opened nodes wait in a second heap.
struct Walk<'a> {
    query: [f64; 3],
    max_chord_2: f64,
    /// Leaves recording any of these needs are passed over.
    leave_out: NeedSet,
    /// Nodes not yet opened, a binary min-heap on the squared chord to their envelope.
    nodes: Vec<(f64, &'a ParentNode<Leaf>)>,
    /// Leaves of opened nodes not yet returned, a binary min-heap on their squared chord.
    leaves: Vec<(f64, &'a Leaf)>,
}

impl<'a> Walk<'a> {
    fn new(tree: &'a Tree, query: [f64; 3], max_chord_2: f64, leave_out: NeedSet) -> Walk<'a> {
        // Room for the children of two nodes in each heap: most walks within a radius open
        // only a few, and growing the heaps a step at a time cost more than the walk.
        let (nodes, leaves) = (Vec::with_capacity(2 * NodeSize::MAX_SIZE), Vec::with_capacity(2 * NodeSize::MAX_SIZE));
        let mut walk = Walk { query, max_chord_2, leave_out, nodes, leaves };
        walk.open(tree.root());
        walk
    }

    fn open(&mut self, node: &'a ParentNode<Leaf>) {
        for child in node.children() {
            match child {
                RTreeNode::Leaf(leaf) if leaf.data.1.intersects(self.leave_out) => {}
                RTreeNode::Leaf(leaf) => {
                    let d2 = chord_2(leaf.geom(), &self.query);
                    if d2 <= self.max_chord_2 {
                        heap_push(&mut self.leaves, (d2, leaf));
                    }
                }
                RTreeNode::Parent(parent) => {
                    let d2 = box_chord_2(&parent.envelope(), &self.query);
                    if d2 <= self.max_chord_2 {
                        heap_push(&mut self.nodes, (d2, parent));
                    }
                }
            }
        }
    }
}

impl<'a> Iterator for Walk<'a> {
    type Item = (&'a Leaf, f64);

    fn next(&mut self) -> Option<(&'a Leaf, f64)> {
        loop {
            if let Some(&(d2, leaf)) = self.leaves.first() {
                // No farther than every unopened node: nothing inside them is nearer.
                if self.nodes.first().is_none_or(|&(node_d2, _)| d2 <= node_d2) {
                    heap_pop(&mut self.leaves);
                    return Some((leaf, d2));
                }
            }
            let (_, node) = heap_pop(&mut self.nodes)?;
            self.open(node);
        }
    }
}

/// Squared chord from `q` to the nearest point of a box: never more than [`chord_2`] to any
/// point inside it, also after rounding (each step rounds monotonically).
fn box_chord_2(envelope: &AABB<[f64; 3]>, q: &[f64; 3]) -> f64 {
    let (lower, upper) = (envelope.lower(), envelope.upper());
    let gap = |i: usize| (lower[i] - q[i]).max(q[i] - upper[i]).max(0.0);
    let d = [gap(0), gap(1), gap(2)];
    d[0] * d[0] + d[1] * d[1] + d[2] * d[2]
}

/// Pushes onto a binary min-heap on the first field.
fn heap_push<T: Copy>(heap: &mut Vec<(f64, T)>, item: (f64, T)) {
    let mut i = heap.len();
    heap.push(item);
    while i > 0 {
        let parent = (i - 1) / 2;
        if heap[parent].0 <= item.0 {
            break;
        }
        heap[i] = heap[parent];
        i = parent;
    }
    heap[i] = item;
}

/// Pops the smallest from a binary min-heap on the first field.
fn heap_pop<T: Copy>(heap: &mut Vec<(f64, T)>) -> Option<(f64, T)> {
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
        if child + 1 < n && heap[child + 1].0 < heap[child].0 {
            child += 1;
        }
        if last.0 <= heap[child].0 {
            break;
        }
        heap[i] = heap[child];
        i = child;
    }
    heap[i] = last;
    Some(top)
}

/// Merges several nearest-neighbour streams into one in increasing chord order. A linear scan
/// for the smallest head: queries name one to three partitions, where a scan beats a heap.
fn merge_by_chord<'a, I>(sources: Vec<I>) -> impl Iterator<Item = (&'a Leaf, f64)>
where
    I: Iterator<Item = (&'a Leaf, f64)>,
{
    let mut heads: Vec<(Option<(&'a Leaf, f64)>, I)> = sources.into_iter().map(|mut s| (s.next(), s)).collect();
    std::iter::from_fn(move || {
        let (nearest, _) = (heads.iter().enumerate())
            .filter_map(|(i, (head, _))| head.map(|(_, chord_2)| (i, chord_2)))
            .min_by(|a, b| a.1.total_cmp(&b.1))?;
        let (head, source) = &mut heads[nearest];
        std::mem::replace(head, source.next())
    })
}

/// Turns a stream of leaves in increasing chord order into hits in exact `(distance_m, id)`
/// order (see the module docs).
struct InOrder<'a, I> {
    origin: Origin,
    spots: &'a [Spot],
    upstream: I,
    upstream_done: bool,
    /// No leaf still upstream is nearer than this.
    frontier_m: f64,
    /// Hits taken from upstream but not yet settled, sorted farthest first (nearest last).
    held: Vec<Hit>,
}

impl<'a, I> InOrder<'a, I> {
    fn new(origin: Origin, spots: &'a [Spot], upstream: I) -> Self {
        InOrder { origin, spots, upstream, upstream_done: false, frontier_m: 0.0, held: Vec::with_capacity(4) }
    }

    fn hold(&mut self, hit: Hit) {
        let at = self.held.partition_point(|held| held.cmp_by_distance(&hit) == Ordering::Greater);
        self.held.insert(at, hit);
    }
}

impl<'a, I> Iterator for InOrder<'a, I>
where
    I: Iterator<Item = (&'a Leaf, f64)>,
{
    type Item = Hit;

    fn next(&mut self) -> Option<Hit> {
        loop {
            match self.held.last() {
                // Strictly nearer than anything upstream: nothing can come before it (an equal
                // distance upstream might have a lower id).
                Some(nearest) if self.upstream_done || nearest.distance_m < self.frontier_m => {
                    return self.held.pop();
                }
                None if self.upstream_done => return None,
                _ => {}
            }
            match self.upstream.next() {
                Some((leaf, chord_2)) => {
                    self.hold(hit(&self.origin, self.spots, leaf));
                    // rstar yields squared chords in non-decreasing order, so this only grows.
                    self.frontier_m = lower_bound_m(chord_2);
                }
                None => self.upstream_done = true,
            }
        }
    }
}

/// Brute-force scans with the same answers as [`SettingIndex`]: the reference the index is
/// tested against, public so that integration tests can check it on the real dataset.
#[doc(hidden)]
pub mod reference {
    use super::{Hit, Partition};
    use crate::model::{LatLon, Setting, SettingId};

    /// Every setting in any of `partitions` (once each), sorted by (distance, id). Settings
    /// with an invalid location are in no partition; an invalid `from` finds nothing.
    pub fn brute_force_nearest(settings: &[Setting], partitions: &[Partition], from: LatLon) -> Vec<Hit> {
        if LatLon::new(from.lat, from.lon).is_none() {
            return Vec::new();
        }
        let mut hits: Vec<Hit> = (settings.iter().enumerate())
            .filter(|(_, s)| LatLon::new(s.location.lat, s.location.lon).is_some())
            .filter(|(_, s)| partitions.iter().any(|p| p.contains(s)))
            .map(|(i, s)| Hit { id: SettingId(i as u32), distance_m: from.distance_m(s.location) })
            .collect();
        hits.sort_by(Hit::cmp_by_distance);
        hits
    }

    /// The answer [`SettingIndex::within`](super::SettingIndex::within) should give.
    pub fn brute_force_within(settings: &[Setting], partition: Partition, from: LatLon, radius_m: f64) -> Vec<Hit> {
        let mut hits = brute_force_nearest(settings, &[partition], from);
        hits.retain(|hit| hit.distance_m <= radius_m);
        hits
    }

    /// The answer [`SettingIndex::k_nearest`](super::SettingIndex::k_nearest) should give;
    /// `accept` is asked in the same order.
    pub fn brute_force_k_nearest(
        settings: &[Setting],
        partitions: &[Partition],
        from: LatLon,
        k: usize,
        mut accept: impl FnMut(SettingId) -> bool,
    ) -> Vec<Hit> {
        if k == 0 {
            return Vec::new();
        }
        brute_force_nearest(settings, partitions, from).into_iter().filter(|hit| accept(hit.id)).take(k).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::reference::*;
    use super::*;
    use crate::model::{KindBasis, NeedSet, Provenance, Site, Status, Urn};

    /// SplitMix64: a tiny deterministic generator, so the tests need no `rand`.
    struct SplitMix(u64);

    impl SplitMix {
        fn next_u64(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        /// Uniform in [0, 1).
        fn unit(&mut self) -> f64 {
            (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
        }
        fn range(&mut self, low: f64, high: f64) -> f64 {
            low + (high - low) * self.unit()
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next_u64() % n as u64) as usize
        }
        fn chance(&mut self, p: f64) -> bool {
            self.unit() < p
        }
    }

    fn setting(location: LatLon, kind: ProvisionKind, needs: Option<NeedSet>) -> Setting {
        Setting {
            urn: Urn(100_000),
            site: Site::Main,
            name: String::new(),
            kind,
            kind_basis: KindBasis::EstablishmentType,
            establishment_type: None,
            status: Status::Open,
            location,
            postcode: None,
            la: None,
            phase: None,
            ages: None,
            gender: None,
            boarding: None,
            religious_character: None,
            religious_character_known: false,
            section41: None,
            needs,
            needs_possibly_truncated: false,
            places: None,
            website: None,
            notes: None,
            provenance: Provenance::default(),
        }
    }

    fn at(lat: f64, lon: f64) -> LatLon {
        LatLon::new(lat, lon).unwrap()
    }

    fn in_england(rng: &mut SplitMix) -> LatLon {
        at(rng.range(50.0, 55.8), rng.range(-5.7, 1.8))
    }

    fn random_needs(rng: &mut SplitMix) -> NeedSet {
        (0..1 + rng.below(4)).map(|_| Need::ALL[rng.below(Need::ALL.len())]).collect()
    }

    /// Settings spread over England with random kinds, need sets and age ranges: a quarter
    /// with no needs recorded (`None`), an eighth with an empty set, a quarter without ages, and
    /// one in six sharing the location of an earlier setting, as a unit shares its school's
    /// address.
    fn random_settings(seed: u64, n: usize) -> Vec<Setting> {
        let mut rng = SplitMix(seed);
        let mut settings: Vec<Setting> = Vec::with_capacity(n);
        for i in 0..n {
            let location =
                if i > 0 && rng.chance(1.0 / 6.0) { settings[rng.below(i)].location } else { in_england(&mut rng) };
            let kind = ProvisionKind::ALL[rng.below(ProvisionKind::ALL.len())];
            let needs = match rng.below(8) {
                0 | 1 => None,
                2 => Some(NeedSet::EMPTY),
                _ => Some(random_needs(&mut rng)),
            };
            let range = [None, None, ages(4, 11), ages(2, 5), ages(11, 16), ages(16, 19), ages(2, 19), ages(9, 13)];
            settings.push(Setting { ages: range[rng.below(range.len())], ..setting(location, kind, needs) });
        }
        settings
    }

    fn ages(low: u8, high: u8) -> Option<AgeRange> {
        Some(AgeRange { low, high, basis: crate::model::AgeBasis::Statutory })
    }

    /// Query points: mostly anywhere in England, some exactly at a setting.
    fn random_queries(seed: u64, n: usize, settings: &[Setting]) -> Vec<LatLon> {
        let mut rng = SplitMix(seed);
        (0..n)
            .map(|_| if rng.chance(0.2) { settings[rng.below(settings.len())].location } else { in_england(&mut rng) })
            .collect()
    }

    fn random_partitions(rng: &mut SplitMix) -> Vec<Partition> {
        let all: Vec<Partition> = Partition::all().collect();
        (0..1 + rng.below(3)).map(|_| all[rng.below(all.len())]).collect()
    }

    /// Same ids in the same order, and the very same distances.
    fn assert_same(got: &[Hit], want: &[Hit], context: &str) {
        let ids = |hits: &[Hit]| hits.iter().map(|h| h.id.0).collect::<Vec<_>>();
        assert_eq!(ids(got), ids(want), "{context}");
        for (g, w) in got.iter().zip(want) {
            assert_eq!(g.distance_m.to_bits(), w.distance_m.to_bits(), "{context}: {g:?} vs {w:?}");
        }
    }

    mod geometry {
        use super::*;

        #[test]
        fn uses_the_radius_of_geo_haversine() {
            assert_eq!(EARTH_RADIUS_M, geo::Haversine.radius());
        }

        #[test]
        fn chord_metres_agree_with_haversine_to_a_micrometre() {
            let mut rng = SplitMix(7);
            for _ in 0..10_000 {
                let (a, b) = (in_england(&mut rng), in_england(&mut rng));
                let (pa, pb) = (unit_vector(a).unwrap(), unit_vector(b).unwrap());
                let chord_2: f64 = (0..3).map(|i| (pa[i] - pb[i]).powi(2)).sum();
                let (chord_m, haversine_m) = (metres_from_chord(chord_2.sqrt()), a.distance_m(b));
                assert!((chord_m - haversine_m).abs() < 1e-6, "{a:?} {b:?}: {chord_m} vs {haversine_m}");
                assert!((chord_m - haversine_m).abs() <= 1e-6 * haversine_m.max(1.0));
            }
        }

        #[test]
        fn an_origin_measures_exactly_as_lat_lon_does() {
            // Bit for bit, anywhere on Earth (the index's order and the scores rest on it).
            let mut rng = SplitMix(11);
            let mut anywhere = || at(rng.range(-90.0, 90.0), rng.range(-180.0, 180.0));
            let mut pairs: Vec<(LatLon, LatLon)> = (0..20_000).map(|_| (anywhere(), anywhere())).collect();
            let mut rng = SplitMix(12);
            pairs.extend((0..20_000).map(|_| (in_england(&mut rng), in_england(&mut rng))));
            pairs.extend([
                (at(0.0, 0.0), at(0.0, 0.0)),
                (at(90.0, 0.0), at(-90.0, 0.0)),
                (at(0.0, 180.0), at(0.0, -180.0)),
            ]);
            for (a, b) in pairs {
                let spot = Spot { at: b, cos_lat: Origin::new(b).cos_lat };
                assert_eq!(Origin::new(a).distance_m(&spot).to_bits(), a.distance_m(b).to_bits(), "{a:?} {b:?}");
            }
        }

        #[test]
        fn chord_and_metres_are_inverse() {
            for m in [0.0, 1.0, 1_000.0, 100_000.0, 1e7] {
                assert!((metres_from_chord(chord_from_metres(m)) - m).abs() < 1e-6 * m.max(1.0), "{m}");
            }
            assert_eq!(chord_from_metres(f64::INFINITY), 2.0);
            assert_eq!(chord_from_metres(std::f64::consts::PI * EARTH_RADIUS_M), 2.0);
        }
    }

    mod partitions {
        use super::*;

        #[test]
        fn a_setting_is_in_each_of_its_needs_or_else_in_its_kind() {
            let settings = vec![
                setting(at(52.0, -1.0), ProvisionKind::Special, Some(NeedSet::EMPTY.with(Need::ASD).with(Need::SLCN))),
                setting(at(52.0, -1.0), ProvisionKind::Mainstream, None),
                setting(at(52.0, -1.0), ProvisionKind::Special, Some(NeedSet::EMPTY)),
                Setting { ages: ages(4, 11), ..setting(at(52.0, -1.0), ProvisionKind::Mainstream, None) },
                Setting { ages: ages(11, 18), ..setting(at(52.0, -1.0), ProvisionKind::Mainstream, None) },
                Setting { ages: ages(2, 19), ..setting(at(52.0, -1.0), ProvisionKind::Special, Some(NeedSet::EMPTY)) },
            ];
            let index = SettingIndex::build(&settings);
            let sizes: Vec<(Partition, usize)> = index.partitions().filter(|&(_, n)| n > 0).collect();
            assert_eq!(
                sizes,
                vec![
                    (Partition::Need(Need::SLCN), 1),
                    (Partition::Need(Need::ASD), 1),
                    (Partition::NoNeedsRecorded(ProvisionKind::Mainstream, AgeBand::UpTo11), 1),
                    (Partition::NoNeedsRecorded(ProvisionKind::Mainstream, AgeBand::From11), 1),
                    (Partition::NoNeedsRecorded(ProvisionKind::Mainstream, AgeBand::Other), 1),
                    (Partition::NoNeedsRecorded(ProvisionKind::Special, AgeBand::Other), 2),
                ]
            );
            assert!(!Partition::NoNeedsRecorded(ProvisionKind::Special, AgeBand::Other).contains(&settings[0]));
            assert!(Partition::NoNeedsRecorded(ProvisionKind::Special, AgeBand::Other).contains(&settings[2]));
        }

        #[test]
        fn age_bands_split_at_11() {
            let band = |low, high| AgeBand::of(ages(low, high));
            assert_eq!([band(2, 5), band(4, 11), band(7, 11)], [AgeBand::UpTo11; 3]);
            assert_eq!([band(11, 16), band(11, 19), band(16, 25)], [AgeBand::From11; 3]);
            assert_eq!([band(2, 19), band(9, 13), band(10, 12)], [AgeBand::Other; 3]);
            assert_eq!(AgeBand::of(None), AgeBand::Other);
        }

        #[test]
        fn sizes_match_membership_and_list_every_partition_once() {
            let settings = random_settings(11, 2_000);
            let index = SettingIndex::build(&settings);
            let listed: Vec<(Partition, usize)> = index.partitions().collect();
            assert_eq!(listed.len(), Need::ALL.len() + ProvisionKind::ALL.len() * AgeBand::ALL.len());
            for (partition, len) in listed {
                assert_eq!(len, settings.iter().filter(|s| partition.contains(s)).count(), "{partition:?}");
            }
        }

        #[test]
        fn debug_shows_sizes_not_points() {
            let index = SettingIndex::build(&[setting(at(52.0, -1.0), ProvisionKind::Mainstream, None)]);
            assert_eq!(format!("{index:?}"), "{NoNeedsRecorded(Mainstream, Other): 1}");
        }
    }

    mod against_brute_force {
        use super::*;

        const SEED: u64 = 0x5EED;

        fn fixture() -> (Vec<Setting>, SettingIndex, Vec<LatLon>) {
            let settings = random_settings(SEED, 1_500);
            let index = SettingIndex::build(&settings);
            let queries = random_queries(SEED + 1, 120, &settings);
            (settings, index, queries)
        }

        #[test]
        fn nearest_iter_lists_each_partition_in_distance_then_id_order() {
            let (settings, index, queries) = fixture();
            for (q, &from) in queries.iter().enumerate() {
                for partition in Partition::all() {
                    let got: Vec<Hit> = index.nearest_iter(partition, from).collect();
                    let want = brute_force_nearest(&settings, &[partition], from);
                    assert_same(&got, &want, &format!("query {q} {from:?} {partition:?}"));
                }
            }
        }

        #[test]
        fn nearest_iter_prefixes_match() {
            let (settings, index, queries) = fixture();
            for &from in &queries {
                let partition = Partition::Need(Need::ASD);
                let got: Vec<Hit> = index.nearest_iter(partition, from).take(7).collect();
                assert_same(&got, &brute_force_nearest(&settings, &[partition], from)[..7], "first 7");
            }
        }

        #[test]
        fn within_finds_exactly_the_settings_inside_the_radius() {
            let (settings, index, queries) = fixture();
            for (q, &from) in queries.iter().enumerate() {
                for radius_m in [0.0, 1.0, 2_000.0, 15_000.0, 60_000.0, 300_000.0, f64::INFINITY] {
                    for partition in Partition::all() {
                        let got = index.within(partition, from, radius_m);
                        let want = brute_force_within(&settings, partition, from, radius_m);
                        assert_same(&got, &want, &format!("query {q} {from:?} {partition:?} r={radius_m}"));
                    }
                }
            }
        }

        #[test]
        fn read_within_leaves_out_the_settings_recording_a_need_left_out() {
            let (settings, index, queries) = fixture();
            let mut rng = SplitMix(SEED + 3);
            for (q, &from) in queries.iter().enumerate() {
                let leave_out = if q % 5 == 0 { NeedSet::EMPTY } else { random_needs(&mut rng) };
                let max_m = [0.0, 15_000.0, 80_000.0, f64::INFINITY][q % 4];
                for partition in Partition::all() {
                    let got: Vec<Hit> = index.read_within(partition, &Origin::new(from), max_m, leave_out).collect();
                    let mut want = brute_force_within(&settings, partition, from, max_m);
                    want.retain(|h| !settings[h.id.index()].needs.is_some_and(|n| n.intersects(leave_out)));
                    assert_same(&got, &want, &format!("query {q} {from:?} {partition:?} without {leave_out:?}"));
                }
            }
        }

        #[test]
        fn within_includes_a_setting_exactly_on_the_radius() {
            let (settings, index, queries) = fixture();
            for &from in &queries {
                let partition = Partition::Need(Need::SEMH);
                let all = brute_force_nearest(&settings, &[partition], from);
                let edge = all[all.len() / 2];
                let got = index.within(partition, from, edge.distance_m);
                assert_eq!(got.last().map(|h| h.distance_m), Some(edge.distance_m));
                assert_same(&got, &brute_force_within(&settings, partition, from, edge.distance_m), "edge");
            }
        }

        #[test]
        fn nearest_within_is_within_in_order_and_a_prefix_of_nearest_iter() {
            let (settings, index, queries) = fixture();
            for (q, &from) in queries.iter().enumerate() {
                for max_m in [0.0, 1.0, 2_000.0, 15_000.0, 60_000.0, 300_000.0, f64::INFINITY] {
                    for partition in Partition::all() {
                        let context = format!("query {q} {from:?} {partition:?} max={max_m}");
                        let got: Vec<Hit> = index.nearest_within(partition, from, max_m).collect();
                        assert_same(&got, &brute_force_within(&settings, partition, from, max_m), &context);
                        let prefix: Vec<Hit> =
                            index.nearest_iter(partition, from).take_while(|h| h.distance_m <= max_m).collect();
                        assert_same(&got, &prefix, &context);
                    }
                }
            }
        }

        #[test]
        fn nearest_within_includes_a_setting_exactly_at_the_limit() {
            let (settings, index, queries) = fixture();
            for &from in &queries {
                let partition = Partition::Need(Need::SEMH);
                let all = brute_force_nearest(&settings, &[partition], from);
                let edge = all[all.len() / 2];
                let got: Vec<Hit> = index.nearest_within(partition, from, edge.distance_m).collect();
                assert_eq!(got.last().map(|h| h.distance_m), Some(edge.distance_m));
                assert_same(&got, &brute_force_within(&settings, partition, from, edge.distance_m), "edge");
            }
        }

        #[test]
        fn partitions_near_include_every_partition_with_a_setting_within_the_distance() {
            // Settings across England and a few far away (the grid counts those at its edge).
            let mut settings = random_settings(SEED + 5, 1_500);
            for at in [at(40.0, -1.0), at(65.0, 10.0), at(52.0, -30.0), at(-45.0, 170.0), at(89.9, 0.0)] {
                settings.push(setting(at, ProvisionKind::Special, Some(NeedSet::EMPTY.with(Need::MSI))));
            }
            let index = SettingIndex::build(&settings);
            let mut queries = random_queries(SEED + 6, 100, &settings);
            queries.extend([at(40.0, -1.0), at(66.0, 11.0), at(89.0, 120.0), at(-46.0, 171.0), at(50.0, 179.99)]);
            for (q, &from) in queries.iter().enumerate() {
                for max_m in [0.0, 500.0, 4_828.0, 16_093.0, 60_350.0, 250_000.0, 2e6, 1e7, f64::INFINITY] {
                    let near = index.partitions_near(from, max_m);
                    for partition in Partition::all() {
                        if !brute_force_within(&settings, partition, from, max_m).is_empty() {
                            assert!(near.contains(partition), "query {q} {from:?} {partition:?} within {max_m}");
                        }
                    }
                }
            }
        }

        #[test]
        fn partitions_near_leave_out_partitions_with_nothing_near() {
            let settings = vec![
                setting(at(53.80, -1.55), ProvisionKind::Special, Some(NeedSet::EMPTY.with(Need::ASD))),
                setting(at(51.50, -0.12), ProvisionKind::Mainstream, None),
            ];
            let index = SettingIndex::build(&settings);
            let near_leeds = index.partitions_near(at(53.81, -1.56), 5_000.0);
            assert!(near_leeds.contains(Partition::Need(Need::ASD)));
            assert!(!near_leeds.contains(Partition::NoNeedsRecorded(ProvisionKind::Mainstream, AgeBand::Other)));
            assert!(!near_leeds.contains(Partition::Need(Need::HI)));
            assert!(index
                .partitions_near(at(53.81, -1.56), 400_000.0)
                .contains(Partition::NoNeedsRecorded(ProvisionKind::Mainstream, AgeBand::Other)));
        }

        #[test]
        fn k_nearest_merges_partitions_and_lists_each_setting_once() {
            let (settings, index, queries) = fixture();
            let mut rng = SplitMix(SEED + 2);
            for (q, &from) in queries.iter().enumerate() {
                for k in [1, 5, 20, 150, 10_000] {
                    let partitions = random_partitions(&mut rng);
                    let got = index.k_nearest(&partitions, from, k, |_| true);
                    let want = brute_force_k_nearest(&settings, &partitions, from, k, |_| true);
                    assert_same(&got, &want, &format!("query {q} {from:?} {partitions:?} k={k}"));
                }
            }
        }

        #[test]
        fn k_nearest_asks_accept_once_per_setting_in_order_until_k_accepted() {
            let (settings, index, queries) = fixture();
            let mut rng = SplitMix(SEED + 3);
            for (q, &from) in queries.iter().enumerate() {
                let partitions = random_partitions(&mut rng);
                let k = 1 + rng.below(40);
                let reject = |id: SettingId| id.0.is_multiple_of(3);
                let (mut asked_index, mut asked_reference) = (Vec::new(), Vec::new());
                let got = index.k_nearest(&partitions, from, k, |id| {
                    asked_index.push(id);
                    !reject(id)
                });
                let want = brute_force_k_nearest(&settings, &partitions, from, k, |id| {
                    asked_reference.push(id);
                    !reject(id)
                });
                let context = format!("query {q} {from:?} {partitions:?} k={k}");
                assert_same(&got, &want, &context);
                assert_eq!(asked_index, asked_reference, "{context}");
                assert!(got.iter().all(|hit| !reject(hit.id)), "{context}");
            }
        }

        #[test]
        fn nearest_in_the_same_partition_twice_is_that_partition() {
            let (settings, index, queries) = fixture();
            let partition = Partition::Need(Need::MLD);
            for &from in &queries {
                let got: Vec<Hit> = index.nearest_in(&[partition, partition], from).collect();
                assert_same(&got, &brute_force_nearest(&settings, &[partition], from), "doubled");
            }
        }

        #[test]
        fn queries_far_from_england_agree_too() {
            let (settings, index, _) = fixture();
            let partitions =
                [Partition::Need(Need::ASD), Partition::NoNeedsRecorded(ProvisionKind::Mainstream, AgeBand::Other)];
            for from in [at(90.0, 0.0), at(-90.0, 0.0), at(0.0, 180.0), at(0.0, -180.0), at(-45.0, 170.0)] {
                let got = index.k_nearest(&partitions, from, 50, |_| true);
                assert_same(&got, &brute_force_k_nearest(&settings, &partitions, from, 50, |_| true), "far");
                let got = index.within(partitions[0], from, 1.2e7);
                assert_same(&got, &brute_force_within(&settings, partitions[0], from, 1.2e7), "far within");
            }
        }
    }

    mod ties {
        use super::*;

        #[test]
        fn settings_at_one_address_come_out_by_id() {
            let here = at(53.8, -1.55);
            // Ids 0..6 alternate between two addresses, the farther one first.
            let settings: Vec<Setting> = (0..6)
                .map(|i| {
                    let location = if i % 2 == 0 { at(53.81, -1.55) } else { here };
                    setting(location, ProvisionKind::Special, Some(NeedSet::EMPTY.with(Need::ASD)))
                })
                .collect();
            let index = SettingIndex::build(&settings);
            let ids: Vec<u32> = index.nearest_iter(Partition::Need(Need::ASD), here).map(|h| h.id.0).collect();
            assert_eq!(ids, vec![1, 3, 5, 0, 2, 4]);
        }

        #[test]
        fn mirror_images_come_out_by_id() {
            // East and west of the meridian at the same latitude: exactly equal distances.
            let from = at(52.0, 0.0);
            let settings: Vec<Setting> = [0.3, -0.1, -0.3, 0.1, 0.2, -0.2]
                .into_iter()
                .map(|lon| setting(at(52.0, lon), ProvisionKind::Mainstream, None))
                .collect();
            let index = SettingIndex::build(&settings);
            let partition = Partition::NoNeedsRecorded(ProvisionKind::Mainstream, AgeBand::Other);
            let hits: Vec<Hit> = index.nearest_iter(partition, from).collect();
            assert_eq!(hits.iter().map(|h| h.id.0).collect::<Vec<_>>(), vec![1, 3, 4, 5, 0, 2]);
            assert_eq!(hits[0].distance_m, hits[1].distance_m);
            assert_same(&hits, &brute_force_nearest(&settings, &[partition], from), "mirror");
        }

        /// Two settings almost exactly as far from `from` as each other, whose rounded chords
        /// and rounded haversine distances disagree: the chord says `chord_first` is nearer,
        /// while the haversine says it is farther, or says they tie.
        fn chord_misleads(rng: &mut SplitMix) -> Option<(LatLon, LatLon, LatLon)> {
            let from = in_england(rng);
            let a = in_england(rng);
            // `a` mirrored about `from`'s meridian, nudged north or south by a few ulps.
            let b = LatLon { lat: a.lat + rng.range(-1e-13, 1e-13), lon: 2.0 * from.lon - a.lon };
            LatLon::new(b.lat, b.lon)?;
            let chord_2 = |p: LatLon| {
                let (p, q) = (unit_vector(p).unwrap(), unit_vector(from).unwrap());
                (0..3).map(|i| (p[i] - q[i]).powi(2)).sum::<f64>()
            };
            let (chord_first, other) = match chord_2(a).total_cmp(&chord_2(b)) {
                Ordering::Less => (a, b),
                Ordering::Greater => (b, a),
                Ordering::Equal => return None,
            };
            (from.distance_m(chord_first) >= from.distance_m(other)).then_some((from, chord_first, other))
        }

        #[test]
        fn near_ties_follow_the_haversine_even_where_the_chord_disagrees() {
            let mut rng = SplitMix(99);
            let mut cases = 0;
            while cases < 200 {
                let Some((from, chord_first, other)) = chord_misleads(&mut rng) else {
                    continue;
                };
                cases += 1;
                // `other` gets the lower id, so it comes first whether it is nearer or ties.
                let settings: Vec<Setting> = [other, chord_first]
                    .into_iter()
                    .map(|location| setting(location, ProvisionKind::Mainstream, None))
                    .collect();
                let index = SettingIndex::build(&settings);
                let partition = Partition::NoNeedsRecorded(ProvisionKind::Mainstream, AgeBand::Other);
                let got: Vec<Hit> = index.nearest_iter(partition, from).collect();
                assert_eq!(
                    got.iter().map(|h| h.id.0).collect::<Vec<_>>(),
                    vec![0, 1],
                    "{from:?} {chord_first:?} {other:?}"
                );
                assert_same(&got, &brute_force_nearest(&settings, &[partition], from), "near tie");
            }
        }

        #[test]
        fn nearest_within_follows_the_haversine_where_the_chord_disagrees() {
            let mut rng = SplitMix(98);
            let mut cases = 0;
            while cases < 200 {
                let Some((from, chord_first, other)) = chord_misleads(&mut rng) else {
                    continue;
                };
                cases += 1;
                let settings: Vec<Setting> = [other, chord_first]
                    .into_iter()
                    .map(|location| setting(location, ProvisionKind::Mainstream, None))
                    .collect();
                let index = SettingIndex::build(&settings);
                let partition = Partition::NoNeedsRecorded(ProvisionKind::Mainstream, AgeBand::Other);
                let farthest = from.distance_m(other).max(from.distance_m(chord_first));
                let got: Vec<Hit> = index.nearest_within(partition, from, farthest).collect();
                assert_same(&got, &brute_force_within(&settings, partition, from, farthest), "near tie");
            }
        }

        #[test]
        fn a_setting_in_two_requested_partitions_is_listed_once() {
            let both = NeedSet::EMPTY.with(Need::ASD).with(Need::SLCN);
            let settings = vec![
                setting(at(52.0, -1.0), ProvisionKind::Special, Some(both)),
                setting(at(52.0, -1.0), ProvisionKind::Special, Some(NeedSet::EMPTY.with(Need::ASD))),
                setting(at(52.0, -1.0), ProvisionKind::Special, Some(both)),
            ];
            let index = SettingIndex::build(&settings);
            let partitions = [Partition::Need(Need::ASD), Partition::Need(Need::SLCN)];
            let ids: Vec<u32> =
                index.k_nearest(&partitions, at(52.0, -1.0), 10, |_| true).iter().map(|h| h.id.0).collect();
            assert_eq!(ids, vec![0, 1, 2]);
        }
    }

    mod edge_cases {
        use super::*;

        fn small() -> (Vec<Setting>, SettingIndex) {
            let settings = random_settings(3, 200);
            let index = SettingIndex::build(&settings);
            (settings, index)
        }

        #[test]
        fn an_empty_dataset_answers_every_query_with_nothing() {
            let index = SettingIndex::build(&[]);
            let from = at(52.0, -1.0);
            for partition in Partition::all() {
                assert_eq!(index.len(partition), 0);
                assert_eq!(index.nearest_iter(partition, from).count(), 0);
                assert!(index.within(partition, from, f64::INFINITY).is_empty());
                assert_eq!(index.nearest_within(partition, from, f64::INFINITY).count(), 0);
            }
            let all: Vec<Partition> = Partition::all().collect();
            assert!(index.k_nearest(&all, from, 20, |_| true).is_empty());
        }

        #[test]
        fn an_empty_partition_answers_with_nothing() {
            let settings = vec![setting(at(52.0, -1.0), ProvisionKind::Mainstream, None)];
            let index = SettingIndex::build(&settings);
            let empty = Partition::Need(Need::VI);
            assert_eq!(index.nearest_iter(empty, at(52.0, -1.0)).count(), 0);
            assert!(index.within(empty, at(52.0, -1.0), 1e9).is_empty());
            let ids: Vec<u32> = (index.k_nearest(
                &[empty, Partition::NoNeedsRecorded(ProvisionKind::Mainstream, AgeBand::Other)],
                at(52.0, -1.0),
                5,
                |_| true,
            ))
            .iter()
            .map(|h| h.id.0)
            .collect();
            assert_eq!(ids, vec![0]);
        }

        #[test]
        fn a_query_at_a_setting_finds_it_at_zero_metres() {
            let (settings, index) = small();
            for (i, s) in settings.iter().enumerate() {
                let partition = Partition::all().find(|p| p.contains(s)).unwrap();
                let first = index.nearest_iter(partition, s.location).next().unwrap();
                assert_eq!(first.distance_m, 0.0);
                assert!(first.id.0 <= i as u32, "the lowest id at that address comes first");
                let here = index.within(partition, s.location, 0.0);
                assert!(here.iter().any(|h| h.id.index() == i) && here.iter().all(|h| h.distance_m == 0.0));
            }
        }

        #[test]
        fn k_zero_and_k_beyond_the_partition() {
            let (settings, index) = small();
            let partition = Partition::Need(Need::PD);
            let from = at(51.5, -0.1);
            assert!(index.k_nearest(&[partition], from, 0, |_| panic!("not asked")).is_empty());
            let all = index.k_nearest(&[partition], from, usize::MAX, |_| true);
            assert_same(&all, &brute_force_nearest(&settings, &[partition], from), "k = usize::MAX");
        }

        #[test]
        fn an_invalid_query_point_finds_nothing_and_does_not_panic() {
            let (_, index) = small();
            let all: Vec<Partition> = Partition::all().collect();
            for from in [
                LatLon { lat: f64::NAN, lon: 0.0 },
                LatLon { lat: 52.0, lon: f64::INFINITY },
                LatLon { lat: 91.0, lon: 0.0 },
                LatLon { lat: 52.0, lon: -181.0 },
            ] {
                assert_eq!(index.nearest_iter(Partition::Need(Need::ASD), from).count(), 0, "{from:?}");
                assert_eq!(index.nearest_in(&all, from).count(), 0, "{from:?}");
                assert!(index.within(Partition::Need(Need::ASD), from, 1e6).is_empty(), "{from:?}");
                assert_eq!(index.nearest_within(Partition::Need(Need::ASD), from, 1e6).count(), 0, "{from:?}");
                assert!(index.k_nearest(&all, from, 10, |_| true).is_empty(), "{from:?}");
            }
        }

        #[test]
        fn a_negative_or_nan_radius_finds_nothing() {
            let (settings, index) = small();
            let from = settings[0].location;
            for partition in Partition::all() {
                assert!(index.within(partition, from, -1.0).is_empty());
                assert!(index.within(partition, from, f64::NAN).is_empty());
                assert_eq!(index.nearest_within(partition, from, -1.0).count(), 0);
                assert_eq!(index.nearest_within(partition, from, f64::NAN).count(), 0);
            }
        }

        #[test]
        fn a_setting_with_an_invalid_location_is_in_no_partition() {
            let mut settings = vec![setting(at(52.0, -1.0), ProvisionKind::Mainstream, None); 3];
            settings[1].location = LatLon { lat: f64::NAN, lon: -1.0 };
            let index = SettingIndex::build(&settings);
            let partition = Partition::NoNeedsRecorded(ProvisionKind::Mainstream, AgeBand::Other);
            assert_eq!(index.len(partition), 2);
            let ids: Vec<u32> = index.nearest_iter(partition, at(52.0, -1.0)).map(|h| h.id.0).collect();
            assert_eq!(ids, vec![0, 2]);
            assert_same(
                &index.k_nearest(&[partition], at(52.0, -1.0), 5, |_| true),
                &brute_force_k_nearest(&settings, &[partition], at(52.0, -1.0), 5, |_| true),
                "invalid location",
            );
        }
    }

    /// Release-mode timing, by hand:
    /// `cargo test --release --lib index::tests::timing -- --ignored --nocapture`.
    #[test]
    #[ignore = "timing, run by hand in release"]
    fn timing() {
        use std::time::Instant;
        // 30k settings shaped like England's: most mainstream with no needs, a few thousand
        // units and special schools with needs, so need partitions hold ~500-3,000 settings.
        let mut rng = SplitMix(42);
        let settings: Vec<Setting> = (0..30_000)
            .map(|_| {
                let location = in_england(&mut rng);
                match rng.below(100) {
                    0..=5 => setting(location, ProvisionKind::ResourcedProvision, Some(random_needs(&mut rng))),
                    6..=11 => setting(location, ProvisionKind::Special, Some(random_needs(&mut rng))),
                    12..=15 => setting(location, ProvisionKind::AlternativeProvision, None),
                    16..=19 => setting(location, ProvisionKind::Post16, None),
                    _ => setting(location, ProvisionKind::Mainstream, None),
                }
            })
            .collect();
        let mut builds: Vec<f64> = (0..31)
            .map(|_| {
                let start = Instant::now();
                let index = SettingIndex::build(&settings);
                let ms = start.elapsed().as_secs_f64() * 1e3;
                std::hint::black_box(index);
                ms
            })
            .collect();
        builds.sort_by(f64::total_cmp);
        let index = SettingIndex::build(&settings);
        eprintln!("{index:?}");
        let median_us = |partitions: &dyn Fn(&mut SplitMix) -> Vec<Partition>| {
            let mut rng = SplitMix(43);
            let mut micros: Vec<f64> = (0..3_000)
                .map(|_| {
                    let (from, partitions) = (in_england(&mut rng), partitions(&mut rng));
                    let start = Instant::now();
                    let hits = index.k_nearest(&partitions, from, 20, |_| true);
                    let micros = start.elapsed().as_secs_f64() * 1e6;
                    assert_eq!(hits.len(), 20);
                    micros
                })
                .collect();
            micros.sort_by(f64::total_cmp);
            micros[micros.len() / 2]
        };
        let needs = |n: usize| {
            move |rng: &mut SplitMix| -> Vec<Partition> {
                (0..n).map(|_| Partition::Need(Need::ALL[rng.below(11)])).collect()
            }
        };
        let mainstream = |_: &mut SplitMix| vec![Partition::NoNeedsRecorded(ProvisionKind::Mainstream, AgeBand::Other)];
        eprintln!(
            "build 30k: median {:.2} ms (min {:.2}); k_nearest k=20, median: \
             1 need {:.2} us, 2 needs {:.2} us, 3 needs {:.2} us, \
             the ~24k mainstream partition {:.2} us",
            builds[builds.len() / 2],
            builds[0],
            median_us(&needs(1)),
            median_us(&needs(2)),
            median_us(&needs(3)),
            median_us(&mainstream),
        );
    }
}
