//! The dataset split in two for the page's first answer: a small **core** (what the index, the
//! rules and the score read: location, kind, needs, ages, phase, gender, boarding, council,
//! religious character, whether places are free) and **details** (names, URNs, websites,
//! postcodes, notes...: what a list prints), written per postcode area.
//!
//! `build-data` writes `finder/core.bin` and `finder/details/<AREA>.bin` beside `dataset.bin`
//! ([`split`]); the page loads the core first and the details of the area of the postcode it
//! looks up (the same area letters as the postcode shard it already fetches), then
//! `details/all.bin` only if an answer needs a setting no loaded file holds
//! ([`Error::DetailsMissing`]). A [`Finder`](crate::engine::finder::Finder) made from the core
//! and every details file gives byte-for-byte the answers of one made from `dataset.bin`.
//!
//! ## Core layout (integers little-endian; varints LEB128)
//!
//! ```text
//! magic    8 bytes  "PFCR" 0x0D 0x0A 0x1A 0x0A
//! version  u16      CORE_VERSION
//! meta     u32 len + bytes  DatasetMeta, hand-encoded (strings: varint length + UTF-8)
//! columns  u32 len + bytes  varint n; then, for n settings in the dataset's (Morton) order:
//!                           kind bytes; zigzag latitude deltas; zigzag longitude deltas
//!                           (1e-5 degree); needs (varint, 0 = not recorded, else set + 1);
//!                           flag bytes (bit 0 needs possibly truncated, bit 1 religious
//!                           character known, bits 2-3 gender + 1, bits 4-5 boarding + 1,
//!                           bits 6-7 free places: 0 unknown, 1 none, 2 some); phase bytes
//!                           (0 none, else code + 1); age basis bytes (0 none, 1 statutory,
//!                           2 phase), then low and high ages of those with ages; council
//!                           (zigzag delta of code + 1, 0 none); the religious characters
//!                           (varint count, strings), then each setting's (varint, 0 none)
//! las      u32 len + bytes  the councils: varint count; code varint, name, GSS, aliases
//! crc      u32      CRC-32 of every byte before it
//! ```
//!
//! A setting's position is its identity: the URN is in its details. Ties in the ranking's
//! order broken by URN are safe without it: a setting whose details are not loaded ranks
//! before every other of the same score and distance (URN 0), so a tie that matters puts it on
//! the list, and the answer is refused ([`Error::DetailsMissing`]) rather than wrong.
//!
//! ## Details layout
//!
//! ```text
//! magic    8 bytes  "PFDT" 0x0D 0x0A 0x1A 0x0A
//! version  u16      CORE_VERSION
//! core     u32      the CRC of the core these details belong to
//! ids      u32 len + bytes  varint count; positions, ascending (first, then gaps - 1)
//! details  u32 len + bytes  postcard `Vec<Extra>`, one per position
//! crc      u32
//! ```

use crate::codec::{put_varint, unzigzag, zigzag, Bad, Postcard, Reader};
use crate::engine::dataset::{
    describe_foreign, from_details, places_of, provenance_of, put_section, quantise, to_details, Dataset, DatasetMeta,
    Details, COORD_SCALE,
};
use crate::error::{Error, Result};
use crate::limits::MAX_DATASET_BYTES;
use crate::model::{Date, LaCode, LatLon, LocalAuthority, ProvisionKind, Setting, Source};
use serde::{Deserialize, Serialize};

/// Bumped whenever the core or details layout changes.
pub const CORE_VERSION: u16 = 1;
const CORE_MAGIC: [u8; 8] = *b"PFCR\r\n\x1a\n";
const DETAILS_MAGIC: [u8; 8] = *b"PFDT\r\n\x1a\n";
const CORE: &str = "the core data file";
const DETAILS: &str = "a details data file";

/// The fields of a setting that are not in the core, in postcard form (read by [`read_extras`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Extra {
    urn: u32,
    site: (u8, u8),
    name: String,
    kind_basis: u8,
    establishment_type: Option<String>,
    proposed_to_close: bool,
    postcode: Option<String>,
    section41: Option<bool>,
    places: Option<crate::engine::dataset::PlacesDetails>,
    website: Option<String>,
    notes: Option<String>,
    provenance: [u8; crate::model::Field::COUNT],
}

/// The core fields of one setting, as the dataset file codes them.
#[derive(Clone, Debug, PartialEq)]
struct CoreRow {
    kind: ProvisionKind,
    location: LatLon,
    needs: Option<u16>,
    needs_truncated: bool,
    religious_known: bool,
    gender: Option<u8>,
    boarding: Option<u8>,
    /// 0 unknown, 1 none free, 2 some free.
    free: u8,
    phase: Option<u8>,
    ages: Option<(u8, u8, u8)>,
    la: Option<u16>,
    religion: Option<String>,
}

/// A decoded core: the dataset with every setting's details left blank, and the CRC that
/// details files name.
#[derive(Debug)]
pub struct Core {
    pub dataset: Dataset,
    pub crc: u32,
}

/// Splits a dataset into the core file's bytes and details files: the details of the settings
/// at each list of positions given (`groups`), in the same order. Positions out of range are
/// left out.
pub fn split(dataset: &Dataset, groups: &[Vec<u32>]) -> (Vec<u8>, Vec<Vec<u8>>) {
    let core = encode_core(dataset);
    let crc = u32::from_le_bytes(core[core.len() - 4..].try_into().unwrap_or([0; 4]));
    let details = groups.iter().map(|ids| encode_details(dataset, crc, ids)).collect();
    (core, details)
}

/// The core file of a dataset.
pub fn encode_core(d: &Dataset) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + d.settings.len() * 16);
    out.extend_from_slice(&CORE_MAGIC);
    out.extend_from_slice(&CORE_VERSION.to_le_bytes());
    put_section(&mut out, &encode_meta(&d.meta));
    put_section(&mut out, &encode_columns(&d.settings));
    put_section(&mut out, &encode_las(&d.authorities));
    let crc = crate::codec::crc32(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// A details file: the details of the settings at positions `ids` (any order, repeats allowed).
pub fn encode_details(d: &Dataset, core_crc: u32, ids: &[u32]) -> Vec<u8> {
    let mut ids: Vec<u32> = ids.iter().copied().filter(|&i| (i as usize) < d.settings.len()).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut out = Vec::with_capacity(64 + ids.len() * 64);
    out.extend_from_slice(&DETAILS_MAGIC);
    out.extend_from_slice(&CORE_VERSION.to_le_bytes());
    out.extend_from_slice(&core_crc.to_le_bytes());
    let mut positions = Vec::with_capacity(ids.len() * 2);
    put_varint(&mut positions, ids.len() as u64);
    let mut next = 0u64;
    for &i in &ids {
        put_varint(&mut positions, u64::from(i) - next);
        next = u64::from(i) + 1;
    }
    put_section(&mut out, &positions);
    let extras: Vec<Extra> = ids.iter().map(|&i| extra(&d.settings[i as usize])).collect();
    put_section(&mut out, &postcard::to_allocvec(&extras).unwrap_or_default());
    let crc = crate::codec::crc32(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// The fewest bytes an [`Extra`] takes in postcard (every option `None`, every string empty).
const MIN_EXTRA_BYTES: usize = 10 + crate::model::Field::COUNT;

/// A details file's settings table: postcard's `Vec<Extra>`, read field by field in
/// declaration order (postcard's `Deserialize` is for the tests).
fn read_extras(bytes: &[u8]) -> std::result::Result<Vec<Extra>, Bad> {
    Postcard::new(bytes).all(MIN_EXTRA_BYTES, |p| {
        Ok(Extra {
            urn: p.u32()?,
            site: (p.u8()?, p.u8()?),
            name: p.string()?,
            kind_basis: p.u8()?,
            establishment_type: p.opt_string()?,
            proposed_to_close: p.bool()?,
            postcode: p.opt_string()?,
            section41: p.option(Postcard::bool)?,
            places: p.option(places_of)?,
            website: p.opt_string()?,
            notes: p.opt_string()?,
            provenance: provenance_of(p)?,
        })
    })
}

fn extra(s: &Setting) -> Extra {
    let d = to_details(s);
    Extra {
        urn: d.urn,
        site: d.site,
        name: d.name,
        kind_basis: d.kind_basis,
        establishment_type: d.establishment_type,
        proposed_to_close: d.proposed_to_close,
        postcode: d.postcode,
        section41: d.section41,
        places: d.places,
        website: d.website,
        notes: d.notes,
        provenance: d.provenance,
    }
}

fn free_code(s: &Setting) -> u8 {
    match s.places.and_then(|p| p.free()) {
        None => 0,
        Some(f) if f > 0 => 2,
        Some(_) => 1,
    }
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_varint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

fn put_date(out: &mut Vec<u8>, d: Date) {
    out.extend_from_slice(&d.year.to_le_bytes());
    out.push(d.month);
    out.push(d.day);
}

fn encode_meta(m: &DatasetMeta) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&m.schema_version.to_le_bytes());
    put_date(&mut out, m.build_date);
    put_str(&mut out, &m.data_version);
    put_str(&mut out, &m.coverage);
    put_varint(&mut out, m.sources.len() as u64);
    for s in &m.sources {
        put_str(&mut out, &s.key);
        put_str(&mut out, &s.title);
        match s.date {
            Some(d) => {
                out.push(1);
                put_date(&mut out, d);
            }
            None => out.push(0),
        }
        put_varint(&mut out, u64::from(s.rows));
    }
    put_varint(&mut out, u64::from(m.setting_count));
    put_varint(&mut out, u64::from(m.establishment_count));
    out
}

fn encode_las(las: &[LocalAuthority]) -> Vec<u8> {
    let mut out = Vec::new();
    put_varint(&mut out, las.len() as u64);
    for la in las {
        put_varint(&mut out, u64::from(la.code.0));
        put_str(&mut out, &la.name);
        put_str(&mut out, &la.gss);
        put_varint(&mut out, la.gss_aliases.len() as u64);
        for a in &la.gss_aliases {
            put_str(&mut out, a);
        }
    }
    out
}

fn encode_columns(settings: &[Setting]) -> Vec<u8> {
    let n = settings.len();
    let mut out = Vec::with_capacity(n * 16);
    put_varint(&mut out, n as u64);
    let details: Vec<Details> = settings.iter().map(to_details).collect();
    out.extend(settings.iter().map(|s| s.kind.index() as u8));
    for axis in 0..2 {
        let mut prev = 0i64;
        for s in settings {
            let q = quantise(s.location);
            let v = i64::from(if axis == 0 { q.0 } else { q.1 });
            put_varint(&mut out, zigzag(v - prev));
            prev = v;
        }
    }
    for d in &details {
        put_varint(&mut out, d.needs.map_or(0, |n| u64::from(n) + 1));
    }
    for (s, d) in settings.iter().zip(&details) {
        let opt2 = |v: Option<u8>| v.map_or(0, |g| (g + 1) & 3);
        out.push(
            u8::from(d.needs_possibly_truncated)
                | u8::from(d.religious_character_known) << 1
                | opt2(d.gender) << 2
                | opt2(d.boarding) << 4
                | free_code(s) << 6,
        );
    }
    out.extend(details.iter().map(|d| d.phase.map_or(0, |p| p.saturating_add(1))));
    out.extend(details.iter().map(|d| d.ages.map_or(0, |a| a.2 + 1)));
    out.extend(details.iter().filter_map(|d| d.ages.map(|a| a.0)));
    out.extend(details.iter().filter_map(|d| d.ages.map(|a| a.1)));
    let mut prev = 0i64;
    for d in &details {
        let v = d.la.map_or(0, |c| i64::from(c) + 1);
        put_varint(&mut out, zigzag(v - prev));
        prev = v;
    }
    let mut religions: Vec<&str> = Vec::new();
    let codes: Vec<u64> = details
        .iter()
        .map(|d| match d.religious_character.as_deref() {
            None => 0,
            Some(r) => {
                let i = religions.iter().position(|x| *x == r).unwrap_or_else(|| {
                    religions.push(r);
                    religions.len() - 1
                });
                i as u64 + 1
            }
        })
        .collect();
    put_varint(&mut out, religions.len() as u64);
    for r in &religions {
        put_str(&mut out, r);
    }
    for c in codes {
        put_varint(&mut out, c);
    }
    out
}

/// Checks magic, version, size and checksum; returns the body (after the version, before the CRC) and the CRC.
fn open<'a>(bytes: &'a [u8], what: &str, magic: &[u8; 8]) -> Result<(&'a [u8], u32)> {
    crate::limits::check_size(what, bytes.len() as u64, MAX_DATASET_BYTES as u64, "MAX_DATASET_BYTES")?;
    if bytes.len() < magic.len() + 2 || bytes[..magic.len()] != *magic {
        let why = if !bytes.is_empty() && (magic.starts_with(bytes) || bytes.starts_with(magic)) {
            "it is truncated (too short to hold anything)".to_string()
        } else if bytes.starts_with(b"PFDS") || bytes.starts_with(b"PFCR") || bytes.starts_with(b"PFDT") {
            "it is another placement-finder data file, not this one".to_string()
        } else {
            describe_foreign(bytes).replace("not a dataset", "not a data file")
        };
        return Err(Error::corrupt(what, why));
    }
    let version = u16::from_le_bytes([bytes[8], bytes[9]]);
    if version != CORE_VERSION {
        return Err(Error::WrongVersion { what: what.into(), expected: CORE_VERSION, found: version });
    }
    if bytes.len() < 14 {
        return Err(Error::corrupt(what, "it is truncated (too short to hold anything)"));
    }
    let (body, crc) = bytes.split_at(bytes.len() - 4);
    let stored = u32::from_le_bytes([crc[0], crc[1], crc[2], crc[3]]);
    if crate::codec::crc32(body) != stored {
        return Err(Error::corrupt(
            what,
            "its checksum does not match: the file is truncated or damaged (download it again or rebuild it)",
        ));
    }
    Ok((&body[10..], stored))
}

struct R<'a> {
    r: Reader<'a>,
    what: &'static str,
    part: &'static str,
}

impl<'a> R<'a> {
    fn new(bytes: &'a [u8], what: &'static str, part: &'static str) -> R<'a> {
        R { r: Reader::new(bytes, 0), what, part }
    }
    fn bad(&self, reason: impl std::fmt::Display) -> Error {
        Error::corrupt(self.what, format!("its {} {reason}", self.part))
    }
    fn truncated(&self) -> Error {
        self.bad("is truncated")
    }
    fn varint(&mut self) -> Result<u64> {
        self.r.varint().ok_or_else(|| self.truncated())
    }
    fn byte(&mut self) -> Result<u8> {
        self.r.byte().ok_or_else(|| self.truncated())
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        self.r.take(n).ok_or_else(|| self.truncated())
    }
    fn u32(&mut self) -> Result<u32> {
        let v = self.varint()?;
        u32::try_from(v).map_err(|_| self.bad(format!("has a number out of range ({v})")))
    }
    /// A count of items of at least `min_bytes` each: refused if the bytes left cannot hold it.
    fn count(&mut self, min_bytes: usize) -> Result<usize> {
        let n = self.varint()?;
        let left = self.r.bytes.len() - self.r.pos.min(self.r.bytes.len());
        if n > (left / min_bytes.max(1)) as u64 + 1 {
            return Err(self.bad("claims more entries than it holds"));
        }
        Ok(n as usize)
    }
    fn str(&mut self) -> Result<String> {
        let n = self.count(1)?;
        let bytes = self.take(n)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| self.bad("has text that is not UTF-8"))
    }
    fn date(&mut self) -> Result<Date> {
        let y = self.take(2)?;
        let (year, month, day) = (u16::from_le_bytes([y[0], y[1]]), self.byte()?, self.byte()?);
        Date::new(year, month, day).ok_or_else(|| self.bad(format!("has an invalid date {year}-{month}-{day}")))
    }
    fn done(&self) -> Result<()> {
        if self.r.pos == self.r.bytes.len() {
            Ok(())
        } else {
            Err(self.bad("has bytes left over"))
        }
    }
}

fn section<'a>(r: &mut Reader<'a>, what: &str, name: &str) -> Result<&'a [u8]> {
    r.section().ok_or_else(|| Error::corrupt(what, format!("it is truncated in its {name} section")))
}

fn decode_meta(bytes: &[u8]) -> Result<DatasetMeta> {
    let mut r = R::new(bytes, CORE, "header");
    let v = r.take(2)?;
    let schema_version = u16::from_le_bytes([v[0], v[1]]);
    let build_date = r.date()?;
    let data_version = r.str()?;
    let coverage = r.str()?;
    let n = r.count(5)?;
    let mut sources = Vec::with_capacity(n);
    for _ in 0..n {
        let key = r.str()?;
        let title = r.str()?;
        let date = match r.byte()? {
            0 => None,
            1 => Some(r.date()?),
            b => return Err(r.bad(format!("has an unknown date flag {b}"))),
        };
        let rows = r.u32()?;
        sources.push(Source { key, title, date, rows });
    }
    let setting_count = r.u32()?;
    let establishment_count = r.u32()?;
    r.done()?;
    Ok(DatasetMeta { schema_version, build_date, data_version, coverage, sources, setting_count, establishment_count })
}

fn decode_las(bytes: &[u8]) -> Result<Vec<LocalAuthority>> {
    let mut r = R::new(bytes, CORE, "local authority table");
    let n = r.count(4)?;
    let mut las = Vec::with_capacity(n);
    for _ in 0..n {
        let code = r.varint()?;
        let code = u16::try_from(code).map_err(|_| r.bad(format!("has a council code out of range ({code})")))?;
        let name = r.str()?;
        let gss = r.str()?;
        let k = r.count(1)?;
        let gss_aliases = (0..k).map(|_| r.str()).collect::<Result<Vec<_>>>()?;
        las.push(LocalAuthority { code: LaCode(code), name, gss, gss_aliases });
    }
    r.done()?;
    Ok(las)
}

fn decode_columns(bytes: &[u8]) -> Result<Vec<CoreRow>> {
    let mut r = R::new(bytes, CORE, "settings table");
    // Each setting takes at least 8 bytes of columns.
    let n = r.count(8)?;
    let kinds = r.take(n)?;
    let mut rows: Vec<CoreRow> = Vec::with_capacity(n);
    let mut lats = Vec::with_capacity(n);
    for axis in 0..2 {
        let mut prev = 0i64;
        for i in 0..n {
            let delta = unzigzag(r.varint()?);
            prev = prev.checked_add(delta).ok_or_else(|| r.bad("has a coordinate out of range"))?;
            let v = prev as f64 / COORD_SCALE;
            if axis == 0 {
                lats.push(v);
            } else {
                let kind = ProvisionKind::from_index(kinds[i] as usize)
                    .ok_or_else(|| r.bad(format!("has an unknown kind code {}", kinds[i])))?;
                let location = LatLon::new(lats[i], v).ok_or_else(|| r.bad("has a coordinate out of range"))?;
                rows.push(CoreRow {
                    kind,
                    location,
                    needs: None,
                    needs_truncated: false,
                    religious_known: false,
                    gender: None,
                    boarding: None,
                    free: 0,
                    phase: None,
                    ages: None,
                    la: None,
                    religion: None,
                });
            }
        }
    }
    for row in &mut rows {
        row.needs = match r.varint()? {
            0 => None,
            v if v <= 1 << 12 => Some((v - 1) as u16),
            v => return Err(r.bad(format!("has an invalid need set {v}"))),
        };
    }
    let flags = r.take(n)?;
    for (row, &f) in rows.iter_mut().zip(flags) {
        let opt2 = |v: u8| if v == 0 { None } else { Some(v - 1) };
        row.needs_truncated = f & 1 != 0;
        row.religious_known = f & 2 != 0;
        row.gender = opt2(f >> 2 & 3);
        row.boarding = opt2(f >> 4 & 3);
        row.free = f >> 6;
    }
    let phases = r.take(n)?;
    let bases = r.take(n)?;
    let m = bases.iter().filter(|&&b| b != 0).count();
    let lows = r.take(m)?;
    let highs = r.take(m)?;
    let mut at = 0;
    for ((row, &p), &b) in rows.iter_mut().zip(phases).zip(bases) {
        row.phase = p.checked_sub(1);
        if b != 0 {
            row.ages = Some((lows[at], highs[at], b - 1));
            at += 1;
        }
    }
    let mut prev = 0i64;
    for row in &mut rows {
        prev = prev.checked_add(unzigzag(r.varint()?)).ok_or_else(|| r.bad("has a council code out of range"))?;
        row.la = match prev {
            0 => None,
            v if (1..=i64::from(u16::MAX) + 1).contains(&v) => Some((v - 1) as u16),
            v => return Err(r.bad(format!("has a council code out of range ({v})"))),
        };
    }
    let k = r.count(1)?;
    let religions = (0..k).map(|_| r.str()).collect::<Result<Vec<_>>>()?;
    for row in &mut rows {
        row.religion = match r.varint()? {
            0 => None,
            v => Some(
                religions
                    .get((v - 1) as usize)
                    .cloned()
                    .ok_or_else(|| r.bad(format!("names religious character {v} of {k}")))?,
            ),
        };
    }
    r.done()?;
    Ok(rows)
}

/// The `Details` of a setting from its core fields and, when loaded, its other fields.
fn details_of(row: &CoreRow, extra: Option<Extra>) -> Details {
    let e = extra.unwrap_or_else(|| Extra {
        urn: 0,
        site: (0, 0),
        name: String::new(),
        kind_basis: 0,
        establishment_type: None,
        proposed_to_close: false,
        postcode: None,
        section41: None,
        // Only whether places are free is read before the details are loaded.
        places: match row.free {
            0 => None,
            1 => Some((Some(0), Some(0), None)),
            _ => Some((Some(1), Some(0), None)),
        },
        website: None,
        notes: None,
        provenance: [0; crate::model::Field::COUNT],
    });
    Details {
        urn: e.urn,
        site: e.site,
        name: e.name,
        kind_basis: e.kind_basis,
        establishment_type: e.establishment_type,
        proposed_to_close: e.proposed_to_close,
        postcode: e.postcode,
        la: row.la,
        phase: row.phase,
        ages: row.ages,
        gender: row.gender,
        boarding: row.boarding,
        religious_character: row.religion.clone(),
        religious_character_known: row.religious_known,
        section41: e.section41,
        needs: row.needs,
        needs_possibly_truncated: row.needs_truncated,
        places: e.places,
        website: e.website,
        notes: e.notes,
        provenance: e.provenance,
    }
}

/// What a core keeps to merge details in later.
#[derive(Clone, Debug)]
pub struct CoreRows(Vec<CoreRow>);

impl Core {
    /// Reads and validates a core file. Never panics; errors say what is wrong with it.
    pub fn decode(bytes: &[u8]) -> Result<(Core, CoreRows)> {
        let (body, crc) = open(bytes, CORE, &CORE_MAGIC)?;
        let mut r = Reader::new(body, 0);
        let meta = section(&mut r, CORE, "header")?;
        let columns = section(&mut r, CORE, "settings")?;
        let las = section(&mut r, CORE, "local authorities")?;
        if r.pos != body.len() {
            return Err(Error::corrupt(CORE, "it has bytes left over after its sections"));
        }
        let meta = decode_meta(meta)?;
        let authorities = decode_las(las)?;
        let rows = decode_columns(columns)?;
        if meta.setting_count as usize != rows.len() {
            return Err(Error::corrupt(
                CORE,
                format!("it holds {} settings and a header count of {}", rows.len(), meta.setting_count),
            ));
        }
        let settings = rows
            .iter()
            .enumerate()
            .map(|(i, row)| {
                from_details(details_of(row, None), row.kind, row.location)
                    .map_err(|reason| Error::corrupt(CORE, format!("setting {i}: {reason}")))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((Core { dataset: Dataset { meta, settings, authorities }, crc }, CoreRows(rows)))
    }
}

impl CoreRows {
    /// Reads a details file made for the core with checksum `core_crc`: the settings it holds,
    /// complete, with their positions.
    pub fn details(&self, core_crc: u32, bytes: &[u8]) -> Result<Vec<(usize, Setting)>> {
        let (body, _) = open(bytes, DETAILS, &DETAILS_MAGIC)?;
        let mut r = Reader::new(body, 0);
        let for_core = r.u32_le().ok_or_else(|| Error::corrupt(DETAILS, "it is truncated in its header"))?;
        if for_core != core_crc {
            return Err(Error::corrupt(
                DETAILS,
                "it belongs to other data than the core loaded (the data was updated: reload the page)",
            ));
        }
        let ids = section(&mut r, DETAILS, "positions")?;
        let extras = section(&mut r, DETAILS, "details")?;
        if r.pos != body.len() {
            return Err(Error::corrupt(DETAILS, "it has bytes left over after its sections"));
        }
        let mut ir = R::new(ids, DETAILS, "position list");
        let n = ir.count(1)?;
        let mut positions = Vec::with_capacity(n);
        let mut next = 0u64;
        for _ in 0..n {
            let at = next.checked_add(ir.varint()?).filter(|&p| p < self.0.len() as u64);
            let at = at.ok_or_else(|| ir.bad(format!("names a setting beyond the {} in the core", self.0.len())))?;
            positions.push(at as usize);
            next = at + 1;
        }
        ir.done()?;
        let extras = read_extras(extras)
            .map_err(|e| Error::corrupt(DETAILS, format!("its settings table is not valid: it {e}")))?;
        if extras.len() != positions.len() {
            return Err(Error::corrupt(
                DETAILS,
                format!("it holds {} positions and {} settings", positions.len(), extras.len()),
            ));
        }
        positions
            .into_iter()
            .zip(extras)
            .map(|(i, e)| {
                let row = &self.0[i];
                from_details(details_of(row, Some(e)), row.kind, row.location)
                    .map(|s| (i, s))
                    .map_err(|reason| Error::corrupt(DETAILS, format!("setting {i}: {reason}")))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::dataset::SCHEMA_VERSION;
    use crate::model::{
        AgeBasis, AgeRange, Boarding, Gender, KindBasis, Need, NeedSet, Phase, Places, Provenance, Site, Status, Urn,
    };

    fn setting(i: u32) -> Setting {
        Setting {
            urn: Urn(100_000 + i),
            site: if i % 7 == 3 { Site::Satellite(2) } else { Site::Main },
            name: format!("School {i}"),
            kind: ProvisionKind::ALL[i as usize % ProvisionKind::ALL.len()],
            kind_basis: if i.is_multiple_of(2) { KindBasis::Phase } else { KindBasis::EstablishmentType },
            establishment_type: Some("Community special school".into()),
            status: if i.is_multiple_of(5) { Status::OpenProposedToClose } else { Status::Open },
            location: LatLon { lat: 50.5 + f64::from(i % 97) * 0.05, lon: -4.0 + f64::from(i % 89) * 0.06 },
            postcode: Some("LS6 2AA".into()),
            la: if i.is_multiple_of(11) { None } else { Some(LaCode(300 + (i % 13) as u16)) },
            phase: [None, Some(Phase::Primary), Some(Phase::SixteenPlus)][i as usize % 3],
            ages: match i % 4 {
                0 => None,
                1 => Some(AgeRange { low: 2, high: 19, basis: AgeBasis::Statutory }),
                _ => Some(AgeRange { low: 4, high: 11, basis: AgeBasis::Phase }),
            },
            gender: [None, Some(Gender::Mixed), Some(Gender::Boys), Some(Gender::Girls)][i as usize % 4],
            boarding: [None, Some(Boarding::NoBoarders), Some(Boarding::MainlyBoarders)][i as usize % 3],
            religious_character: [None, Some("Roman Catholic".to_string()), Some("Does not apply".to_string())]
                [i as usize % 3]
                .clone(),
            religious_character_known: !i.is_multiple_of(6),
            section41: [None, Some(true), Some(false)][i as usize % 3],
            needs: if i.is_multiple_of(3) { None } else { Some(NeedSet::EMPTY.with(Need::ALL[i as usize % 12])) },
            needs_possibly_truncated: i % 9 == 1,
            places: match i % 4 {
                0 => None,
                1 => Some(Places { capacity: Some(120), on_roll: Some(118), as_of: Date::new(2026, 1, 15) }),
                2 => Some(Places { capacity: Some(100), on_roll: Some(118), as_of: None }),
                _ => Some(Places { capacity: None, on_roll: Some(8), as_of: None }),
            },
            website: Some("https://example.org".into()),
            notes: if i.is_multiple_of(2) { Some("note".into()) } else { None },
            provenance: Provenance::default(),
        }
    }

    fn dataset(n: u32) -> Dataset {
        let mut d = Dataset {
            meta: DatasetMeta {
                schema_version: SCHEMA_VERSION,
                build_date: Date::new(2026, 11, 22).unwrap(),
                data_version: "test".into(),
                coverage: "test coverage".into(),
                sources: vec![
                    Source { key: "gias".into(), title: "GIAS".into(), date: Date::new(2026, 1, 2), rows: 9 },
                    Source { key: "c".into(), title: "Council".into(), date: None, rows: 0 },
                ],
                setting_count: n,
                establishment_count: n,
            },
            settings: (0..n).map(setting).collect(),
            authorities: vec![
                LocalAuthority {
                    code: LaCode(383),
                    name: "Leeds".into(),
                    gss: "E08000035".into(),
                    gss_aliases: vec![],
                },
                LocalAuthority {
                    code: LaCode(370),
                    name: "Barnsley".into(),
                    gss: "E08000038".into(),
                    gss_aliases: vec!["E08000016".into()],
                },
            ],
        };
        d.sort_settings();
        d
    }

    /// The dataset as `dataset.bin` gives it back (coordinates quantised).
    fn via_dataset_file(d: &Dataset) -> Dataset {
        Dataset::decode(&d.encode()).unwrap()
    }

    #[test]
    fn core_and_every_detail_give_back_the_dataset() {
        let d = dataset(200);
        let all: Vec<u32> = (0..200).collect();
        let (core, files) = split(&d, &[all]);
        let (c, rows) = Core::decode(&core).unwrap();
        let expected = via_dataset_file(&d);
        assert_eq!(c.dataset.meta, expected.meta);
        assert_eq!(c.dataset.authorities, expected.authorities);
        let mut settings = c.dataset.settings.clone();
        for (i, s) in rows.details(c.crc, &files[0]).unwrap() {
            settings[i] = s;
        }
        assert_eq!(settings, expected.settings);
    }

    #[test]
    fn the_core_alone_holds_what_ranking_reads() {
        let d = dataset(120);
        let (core, _) = split(&d, &[]);
        let (c, _) = Core::decode(&core).unwrap();
        let expected = via_dataset_file(&d);
        for (a, b) in c.dataset.settings.iter().zip(&expected.settings) {
            assert_eq!(a.urn, Urn(0));
            assert_eq!(a.name, "");
            assert_eq!(
                (a.kind, a.location, a.needs, a.needs_possibly_truncated, a.la, a.phase, a.ages, a.gender, a.boarding),
                (b.kind, b.location, b.needs, b.needs_possibly_truncated, b.la, b.phase, b.ages, b.gender, b.boarding)
            );
            assert_eq!(
                (&a.religious_character, a.religious_character_known),
                (&b.religious_character, b.religious_character_known)
            );
            assert_eq!(a.places.and_then(|p| p.free()).map(|f| f > 0), b.places.and_then(|p| p.free()).map(|f| f > 0));
        }
    }

    #[test]
    fn a_subset_of_details_reads_back_at_its_positions() {
        let d = dataset(50);
        let (core, files) = split(&d, &[vec![40, 3, 17, 3]]);
        let (c, rows) = Core::decode(&core).unwrap();
        let got = rows.details(c.crc, &files[0]).unwrap();
        assert_eq!(got.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [3, 17, 40]);
        let expected = via_dataset_file(&d);
        for (i, s) in got {
            assert_eq!(s, expected.settings[i]);
        }
    }

    #[test]
    fn every_truncation_of_either_file_is_an_error_not_a_panic() {
        let d = dataset(20);
        let (core, files) = split(&d, &[(0..20).collect()]);
        for len in 0..core.len() {
            let err = Core::decode(&core[..len]).unwrap_err().to_string();
            assert!(err.contains("core data file"), "{len}: {err}");
        }
        let (c, rows) = Core::decode(&core).unwrap();
        for len in 0..files[0].len() {
            let err = rows.details(c.crc, &files[0][..len]).unwrap_err().to_string();
            assert!(err.contains("details data file"), "{len}: {err}");
        }
    }

    #[test]
    fn a_flipped_byte_fails_the_checksum() {
        let d = dataset(20);
        let (mut core, mut files) = split(&d, &[(0..20).collect()]);
        let mid = core.len() / 2;
        core[mid] ^= 0x40;
        assert!(Core::decode(&core).unwrap_err().to_string().contains("checksum"));
        let (core, _) = split(&d, &[]);
        let (c, rows) = Core::decode(&core).unwrap();
        let mid = files[0].len() / 2;
        files[0][mid] ^= 0x40;
        assert!(rows.details(c.crc, &files[0]).unwrap_err().to_string().contains("checksum"));
    }

    #[test]
    fn details_of_other_data_or_files_swapped_are_refused() {
        let (core, files) = split(&dataset(20), &[(0..20).collect()]);
        let (other_core, _) = split(&dataset(21), &[]);
        let (c, rows) = Core::decode(&other_core).unwrap();
        assert!(rows.details(c.crc, &files[0]).unwrap_err().to_string().contains("other data"));
        let err = Core::decode(&files[0]).unwrap_err().to_string();
        assert!(err.contains("another placement-finder data file"), "{err}");
        let err = Core::decode(&dataset(3).encode()).unwrap_err().to_string();
        assert!(err.contains("another placement-finder data file"), "{err}");
        let (c, rows) = Core::decode(&core).unwrap();
        assert!(rows.details(c.crc, &core).is_err());
        let err = Core::decode(b"<!DOCTYPE html><html>Not found</html>").unwrap_err().to_string();
        assert!(err.contains("HTML page"), "{err}");
    }

    #[test]
    fn counts_beyond_the_bytes_present_are_errors_not_allocations() {
        let mut columns = Vec::new();
        put_varint(&mut columns, u64::MAX >> 1);
        assert!(decode_columns(&columns).unwrap_err().to_string().contains("claims more"));
        let mut las = Vec::new();
        put_varint(&mut las, 1 << 40);
        assert!(decode_las(&las).unwrap_err().to_string().contains("claims more"));
    }

    /// The details files' hand reader against postcard's derived one.
    mod hand_reader {
        use super::*;
        use crate::engine::dataset::samples::{agrees_with_postcard, damage, real, Rng};

        fn random_extra(rng: &mut Rng) -> Extra {
            let d = rng.details();
            Extra {
                urn: d.urn,
                site: d.site,
                name: d.name,
                kind_basis: d.kind_basis,
                establishment_type: d.establishment_type,
                proposed_to_close: d.proposed_to_close,
                postcode: d.postcode,
                section41: d.section41,
                places: d.places,
                website: d.website,
                notes: d.notes,
                provenance: d.provenance,
            }
        }

        #[test]
        fn random_tables_read_as_postcard_reads_them() {
            let mut rng = Rng(0x5eed_1234_abcd_0003);
            for round in 0..300 {
                let table: Vec<Extra> = (0..round % 7).map(|_| random_extra(&mut rng)).collect();
                let bytes = postcard::to_allocvec(&table).unwrap();
                assert_eq!(read_extras(&bytes).as_ref(), Ok(&table));
                assert!(agrees_with_postcard(&bytes, read_extras(&bytes)));
            }
        }

        #[test]
        fn damaged_tables_are_refused_where_postcard_refuses_them() {
            let mut rng = Rng(0x5eed_1234_abcd_0004);
            let (mut read, mut refused) = (0, 0);
            for round in 0..4_000 {
                let table: Vec<Extra> = (0..1 + round % 4).map(|_| random_extra(&mut rng)).collect();
                let bytes = damage(&mut rng, &postcard::to_allocvec(&table).unwrap());
                if agrees_with_postcard(&bytes, read_extras(&bytes)) {
                    read += 1;
                } else {
                    refused += 1;
                }
            }
            assert!(read > 200 && refused > 1_000, "{read} read, {refused} refused");
        }

        /// The real dataset's core and details files (every setting, and a few subsets): the
        /// hand reader reads each details table as postcard does, and the settings read back
        /// are the dataset file's.
        #[test]
        fn the_real_details_files_read_as_postcard_reads_them() {
            let d = real();
            let n = d.settings.len() as u32;
            let groups = [(0..n).collect(), (0..n).step_by(7).collect(), vec![0, n - 1], vec![]];
            let (core, files) = split(d, &groups);
            let (c, rows) = Core::decode(&core).unwrap();
            let expected = Dataset::decode(&d.encode()).unwrap();
            for (ids, file) in groups.iter().zip(&files) {
                let mut r = Reader::new(&file[..file.len() - 4], 14);
                let (_, table) = (r.section().unwrap(), r.section().unwrap());
                let ours = read_extras(table).unwrap();
                assert_eq!(ours.len(), ids.len());
                assert!(agrees_with_postcard(table, Ok(ours)));
                let settings = rows.details(c.crc, file).unwrap();
                assert_eq!(settings.len(), ids.len());
                for (i, s) in settings {
                    assert_eq!(s, expected.settings[i]);
                }
            }
        }
    }

    #[test]
    fn random_bytes_never_panic() {
        let (core, files) = split(&dataset(30), &[(0..30).collect()]);
        let (c, rows) = Core::decode(&core).unwrap();
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for round in 0..400usize {
            let mut bytes = if round.is_multiple_of(2) { core.clone() } else { files[0].clone() };
            for _ in 0..1 + round % 5 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let at = 10 + (x as usize) % (bytes.len() - 14);
                bytes[at] = (x >> 32) as u8;
            }
            // Fix the checksum so that the damage reaches the parser.
            let body = bytes.len() - 4;
            let crc = crc32fast::hash(&bytes[..body]);
            bytes[body..].copy_from_slice(&crc.to_le_bytes());
            let _ = Core::decode(&bytes);
            let _ = rows.details(c.crc, &bytes);
        }
    }
}
