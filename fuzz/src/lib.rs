//! What the fuzz targets share: a small fixed dataset to rank against, helpers that give a
//! mutated file a valid checksum (so the fuzzer reaches the parser behind it), and a global
//! allocator that treats one huge allocation as a crash.
//!
//! The crate under test forbids `unsafe`, so AddressSanitizer would find nothing that a panic
//! does not already show; the targets run without a sanitizer (faster), and the allocator
//! below catches what a sanitizer's `-malloc_limit_mb` would: memory reserved on the word of
//! a count in the input rather than on the bytes present.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::OnceLock;

use placement_finder::dataset::{Dataset, DatasetMeta, SCHEMA_VERSION};
use placement_finder::finder::Finder;
use placement_finder::model::{Boarding, KindBasis, LocalAuthority, Phase, Provenance};
use placement_finder::policy::Policy;
use placement_finder::rank::Query;
use placement_finder::{
    AgeRange, Date, Gender, LaCode, LatLon, Need, NeedSet, Places, ProvisionKind, Setting, Site, Status, Urn,
};

/// The largest single allocation a target may make. Inputs are at most a few hundred KB, and
/// nothing in the crate should need more than a small multiple of its input.
pub const MAX_ALLOCATION_BYTES: usize = 256 << 20;

/// The system allocator, aborting (a crash libFuzzer records, with the input) on any single
/// allocation above [`MAX_ALLOCATION_BYTES`].
pub struct CappedAllocator;

fn too_big() -> ! {
    // No formatting: that could allocate.
    let _ = std::io::stderr().write_all(b"fuzz: an allocation above MAX_ALLOCATION_BYTES (256 MiB)\n");
    std::process::abort()
}

// SAFETY: every call is passed to `System` unchanged; the only addition is a size check first.
unsafe impl GlobalAlloc for CappedAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.size() > MAX_ALLOCATION_BYTES {
            too_big();
        }
        System.alloc(layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if layout.size() > MAX_ALLOCATION_BYTES {
            too_big();
        }
        System.alloc_zeroed(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > MAX_ALLOCATION_BYTES {
            too_big();
        }
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: CappedAllocator = CappedAllocator;

/// A home in Leeds, among the settings of [`small_dataset`].
pub const HOME: LatLon = LatLon { lat: 53.80, lon: -1.55 };

/// Eighty settings around Leeds of every kind, with and without needs, ages, places and
/// preferences recorded, deterministic (no randomness), in the dataset's spatial order.
pub fn small_dataset() -> Dataset {
    let kinds = ProvisionKind::ALL;
    let settings: Vec<Setting> = (0u32..80)
        .map(|i| {
            let kind = kinds[i as usize % kinds.len()];
            let needs = match i % 5 {
                0 => None,
                1 => Some(NeedSet::EMPTY.with(Need::ASD)),
                2 => Some(NeedSet::EMPTY.with(Need::SLCN).with(Need::SEMH)),
                3 => Some(NeedSet::EMPTY.with(Need::PMLD).with(Need::SLD).with(Need::HI)),
                _ => Some(NeedSet::EMPTY.with(Need::from_index(i as usize % 12).unwrap_or(Need::OTH))),
            };
            let ages = match i % 4 {
                0 => None,
                1 => Some(AgeRange { low: 4, high: 11, basis: placement_finder::model::AgeBasis::Statutory }),
                2 => Some(AgeRange { low: 11, high: 19, basis: placement_finder::model::AgeBasis::Statutory }),
                _ => Some(AgeRange { low: 2, high: 19, basis: placement_finder::model::AgeBasis::Phase }),
            };
            Setting {
                urn: Urn(100_000 + i / 2),
                site: if i % 2 == 0 { Site::Main } else { Site::ResourcedProvision },
                name: format!("Setting {i}"),
                kind,
                kind_basis: if i % 7 == 0 { KindBasis::Phase } else { KindBasis::EstablishmentType },
                establishment_type: Some("Community special school".into()),
                status: if i % 9 == 0 { Status::OpenProposedToClose } else { Status::Open },
                location: LatLon { lat: 53.70 + f64::from(i % 10) * 0.03, lon: -1.75 + f64::from(i / 10) * 0.05 },
                postcode: Some("LS6 2AA".into()),
                la: if i % 6 == 0 { Some(LaCode(384)) } else { Some(LaCode(383)) },
                phase: Some(Phase::Primary),
                ages,
                gender: [None, Some(Gender::Mixed), Some(Gender::Boys), Some(Gender::Girls)][i as usize % 4],
                boarding: [None, Some(Boarding::NoBoarders), Some(Boarding::SomeBoarders)][i as usize % 3],
                religious_character: (i % 8 == 0).then(|| "Roman Catholic".to_string()),
                religious_character_known: i % 3 != 0,
                section41: [None, Some(true), Some(false)][i as usize % 3],
                needs,
                needs_possibly_truncated: i % 11 == 0,
                places: (i % 3 == 0).then_some(Places {
                    capacity: Some(100 + i),
                    on_roll: Some(90 + 2 * i),
                    as_of: Date::new(2026, 1, 15),
                }),
                website: Some("https://example.org".into()),
                notes: None,
                provenance: Provenance::default(),
            }
        })
        .collect();
    let mut dataset = Dataset {
        meta: DatasetMeta {
            schema_version: SCHEMA_VERSION,
            build_date: Date::new(2026, 11, 22).unwrap_or(Date { year: 2026, month: 11, day: 22 }),
            data_version: "fuzz".into(),
            coverage: "fuzz".into(),
            sources: vec![],
            setting_count: settings.len() as u32,
            establishment_count: 40,
        },
        settings,
        authorities: vec![
            LocalAuthority { code: LaCode(383), name: "Leeds".into(), gss: "E08000035".into(), gss_aliases: vec![] },
            LocalAuthority { code: LaCode(384), name: "Wakefield".into(), gss: "E08000036".into(), gss_aliases: vec![] },
        ],
    };
    dataset.sort_settings();
    dataset
}

/// One [`Finder`] over [`small_dataset`] under the illustrative policy, made once.
pub fn small_finder() -> &'static Finder {
    static FINDER: OnceLock<Finder> = OnceLock::new();
    FINDER.get_or_init(|| Finder::new(small_dataset(), Policy::illustrative_default()))
}

/// A query a family might make, at [`HOME`].
pub fn typical_query(level: &str) -> Query {
    let mut q = Query::new(HOME, 9, Need::ASD, level);
    q.other_needs = vec![Need::SLCN];
    q
}

/// `body` with its CRC-32 appended: the dataset file's trailer.
pub fn with_dataset_crc(body: &[u8]) -> Vec<u8> {
    let mut out = body.to_vec();
    out.extend_from_slice(&crc32fast::hash(body).to_le_bytes());
    out
}

/// A postcode shard with the payload length and CRC in its header made to match the bytes
/// after it, when the header is long enough to have them.
pub fn with_shard_crc(bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    // magic 4, version 2, area (1 + n), data date (1 + n), four counts, length, CRC.
    let Some(&area_len) = out.get(6) else { return out };
    let date_at = 7 + usize::from(area_len);
    let Some(&date_len) = out.get(date_at) else { return out };
    let length_at = date_at + 1 + usize::from(date_len) + 16;
    let payload_at = length_at + 8;
    if out.len() < payload_at {
        return out;
    }
    let payload_len = (out.len() - payload_at) as u32;
    let crc = crc32fast::hash(&out[payload_at..]);
    out[length_at..length_at + 4].copy_from_slice(&payload_len.to_le_bytes());
    out[length_at + 4..payload_at].copy_from_slice(&crc.to_le_bytes());
    out
}
