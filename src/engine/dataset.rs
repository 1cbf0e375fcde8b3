//! The dataset file the page loads: every setting, versioned, compact, validated on load.
//!
//! ## Layout (all integers little-endian)
//!
//! ```text
//! magic    8 bytes  "PFDS" 0x0D 0x0A 0x1A 0x0A   (catches text-mode mangling and HTML pages)
//! version  u16      SCHEMA_VERSION
//! header   u32 len + JSON   DatasetMeta: build date, data version, sources with dates, counts
//! core     u32 len + bytes  location and kind of every setting, columnar:
//!                           varint n; n kind bytes; n zigzag-varint latitude deltas;
//!                           n zigzag-varint longitude deltas (1e-5 degree units, settings in
//!                           spatial (Morton) order so that deltas are small)
//! details  u32 len + bytes  postcard-encoded `Vec<Details>` (everything else)
//! las      u32 len + JSON   the local authorities named by settings
//! crc      u32      CRC-32 of every byte before it
//! ```
//!
//! The core is what the index needs; it stays near 4 bytes per setting after brotli.

use crate::codec::{put_varint, unzigzag, zigzag, Bad, Postcard, Reader};
use crate::engine::json::{self, Json};
use crate::error::{Error, Result};
use crate::limits::MAX_DATASET_BYTES;
use crate::model::{
    AgeRange, Boarding, Date, Gender, KindBasis, LaCode, LatLon, LocalAuthority, NeedSet, Phase, Places, Provenance,
    ProvisionKind, Setting, Site, Source, Status, Urn,
};
use serde::{Deserialize, Serialize};

/// Bumped whenever the layout or the meaning of a field changes.
pub const SCHEMA_VERSION: u16 = 1;
const MAGIC: [u8; 8] = *b"PFDS\r\n\x1a\n";
/// Coordinates are stored in units of 1e-5 degree (about 1.1 m of latitude).
pub(crate) const COORD_SCALE: f64 = 1e5;

/// What a dataset says about itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct DatasetMeta {
    pub schema_version: u16,
    /// When `build-data` ran.
    pub build_date: Date,
    /// A short id for this data (e.g. "2026-11-22-default"), echoed in every shortlist.
    pub data_version: String,
    /// One line a page can show: what the data covers.
    pub coverage: String,
    pub sources: Vec<Source>,
    pub setting_count: u32,
    pub establishment_count: u32,
}

/// Everything the finder needs: the settings and the councils they are in.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    pub meta: DatasetMeta,
    pub settings: Vec<Setting>,
    pub authorities: Vec<LocalAuthority>,
}

/// Capacity, on roll, and the date (year, month, day) they describe.
pub(crate) type PlacesDetails = (Option<u32>, Option<u32>, Option<(u16, u8, u8)>);

/// The per-setting fields not in the core, in postcard form. Private: the file format, not the API.
/// Written with postcard, read by [`read_details`] (postcard's `Deserialize` is for the tests).
#[derive(Serialize, Deserialize)]
#[cfg_attr(test, derive(Debug, Clone, PartialEq))]
pub(crate) struct Details {
    pub(crate) urn: u32,
    pub(crate) site: (u8, u8),
    pub(crate) name: String,
    pub(crate) kind_basis: u8,
    pub(crate) establishment_type: Option<String>,
    pub(crate) proposed_to_close: bool,
    pub(crate) postcode: Option<String>,
    pub(crate) la: Option<u16>,
    pub(crate) phase: Option<u8>,
    pub(crate) ages: Option<(u8, u8, u8)>,
    pub(crate) gender: Option<u8>,
    pub(crate) boarding: Option<u8>,
    pub(crate) religious_character: Option<String>,
    pub(crate) religious_character_known: bool,
    pub(crate) section41: Option<bool>,
    pub(crate) needs: Option<u16>,
    pub(crate) needs_possibly_truncated: bool,
    pub(crate) places: Option<PlacesDetails>,
    pub(crate) website: Option<String>,
    pub(crate) notes: Option<String>,
    pub(crate) provenance: [u8; crate::model::Field::COUNT],
}

impl Dataset {
    /// Puts settings in a deterministic spatial order (Morton code of the quantised location,
    /// then URN, then site). `SettingId`s are positions in this order.
    pub fn sort_settings(&mut self) {
        self.settings.sort_by(|a, b| {
            morton(quantise(a.location))
                .cmp(&morton(quantise(b.location)))
                .then(a.urn.cmp(&b.urn))
                .then(a.site.cmp(&b.site))
        });
    }

    /// Serialises to the file format above. Settings should already be in [`sort_settings`](Self::sort_settings) order.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + self.settings.len() * 48);
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&SCHEMA_VERSION.to_le_bytes());
        let header = serde_json::to_vec(&self.meta).unwrap_or_default();
        put_section(&mut out, &header);
        put_section(&mut out, &self.encode_core());
        let details: Vec<Details> = self.settings.iter().map(to_details).collect();
        put_section(&mut out, &postcard::to_allocvec(&details).unwrap_or_default());
        put_section(&mut out, &serde_json::to_vec(&self.authorities).unwrap_or_default());
        let crc = crate::codec::crc32(&out);
        out.extend_from_slice(&crc.to_le_bytes());
        out
    }

    /// The location-and-kind core on its own (for size measurements).
    pub fn encode_core(&self) -> Vec<u8> {
        let mut core = Vec::with_capacity(self.settings.len() * 6);
        put_varint(&mut core, self.settings.len() as u64);
        core.extend(self.settings.iter().map(|s| s.kind.index() as u8));
        for axis in 0..2 {
            let mut prev = 0i64;
            for s in &self.settings {
                let q = quantise(s.location);
                let v = if axis == 0 { q.0 } else { q.1 } as i64;
                put_varint(&mut core, zigzag(v - prev));
                prev = v;
            }
        }
        core
    }

    /// Reads and validates a dataset file. Never panics: a truncated, foreign, corrupted or
    /// wrong-version file gives an [`Error`] that says which, and a file over
    /// [`MAX_DATASET_BYTES`] is refused unread. Memory is reserved only for what the bytes
    /// present can hold, whatever counts the file claims. A website that is not a
    /// [safe http(s) link](crate::model::is_safe_link) is dropped, so no other link reaches a page.
    pub fn decode(bytes: &[u8]) -> Result<Dataset> {
        const WHAT: &str = "the dataset file";
        crate::limits::check_size(WHAT, bytes.len() as u64, MAX_DATASET_BYTES as u64, "MAX_DATASET_BYTES")?;
        if bytes.len() < MAGIC.len() + 2 || bytes[..MAGIC.len()] != MAGIC {
            return Err(Error::corrupt(WHAT, describe_foreign(bytes)));
        }
        let version = u16::from_le_bytes([bytes[8], bytes[9]]);
        if version != SCHEMA_VERSION {
            return Err(Error::WrongVersion { what: WHAT.into(), expected: SCHEMA_VERSION, found: version });
        }
        if bytes.len() < 14 {
            return Err(Error::corrupt(WHAT, "it is truncated (too short to hold anything)"));
        }
        let (body, crc) = bytes.split_at(bytes.len() - 4);
        let stored = u32::from_le_bytes([crc[0], crc[1], crc[2], crc[3]]);
        if crate::codec::crc32(body) != stored {
            return Err(Error::corrupt(
                WHAT,
                "its checksum does not match: the file is truncated or damaged (download it again or rebuild it)",
            ));
        }
        let mut r = Reader::new(body, 10);
        let header = section(&mut r, "header")?;
        let core = section(&mut r, "core")?;
        let details = section(&mut r, "details")?;
        let las = section(&mut r, "local authorities")?;
        let meta =
            read_json(header, meta_of).map_err(|e| Error::corrupt(WHAT, format!("its header is not valid: {e}")))?;
        let authorities = read_json(las, |v| v.seq(authority_of))
            .map_err(|e| Error::corrupt(WHAT, format!("its local authority table is not valid: {e}")))?;
        let (kinds, locations) = decode_core(core)?;
        let details = read_details(details)
            .map_err(|e| Error::corrupt(WHAT, format!("its settings table is not valid: it {e}")))?;
        if details.len() != kinds.len() || meta.setting_count as usize != kinds.len() {
            return Err(Error::corrupt(
                WHAT,
                format!(
                    "it holds {} locations, {} settings and a header count of {}",
                    kinds.len(),
                    details.len(),
                    meta.setting_count
                ),
            ));
        }
        let settings = details
            .into_iter()
            .zip(kinds.into_iter().zip(locations))
            .enumerate()
            .map(|(i, (d, (kind, location)))| {
                from_details(d, kind, location).map_err(|reason| Error::corrupt(WHAT, format!("setting {i}: {reason}")))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Dataset { meta, settings, authorities })
    }

    /// The name of a local authority by code.
    pub fn la_name(&self, code: LaCode) -> Option<&str> {
        self.authorities.iter().find(|a| a.code == code).map(|a| a.name.as_str())
    }
}

// ---- the hand readers: the same bytes serde_json and postcard read, without serde ---------------

/// JSON bytes through `json.rs`, then `read`: serde's messages (without a line and column for a
/// field's).
fn read_json<T>(bytes: &[u8], read: impl FnOnce(&Json) -> json::Read<T>) -> json::Read<T> {
    let text = std::str::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_string())?;
    read(&json::parse(text)?)
}

/// A [`Date`] as its `Deserialize` reads it: a string, `YYYY-MM-DD` (or as GIAS writes dates).
fn date_of(v: &Json) -> json::Read<Date> {
    let s = v.string()?;
    Date::parse(&s).ok_or_else(|| format!("expected a date YYYY-MM-DD, found {s:?}"))
}

fn source_of(v: &Json) -> json::Read<Source> {
    let (mut key, mut title, mut date, mut rows) = (None, None, None, None);
    let given = v.fields("struct Source", &["key", "title", "date", "rows"], false, |i, v| {
        match i {
            0 => key = Some(v.string()?),
            1 => title = Some(v.string()?),
            2 => date = Some(v.option(date_of)?),
            _ => rows = Some(v.uint::<u32>("u32")?),
        }
        Ok(())
    })?;
    Ok(Source {
        key: given.require(key, 0, "key")?,
        title: given.require(title, 1, "title")?,
        date: given.optional(date, 2)?.flatten(),
        rows: given.require(rows, 3, "rows")?,
    })
}

const META_FIELDS: [&str; 7] =
    ["schemaVersion", "buildDate", "dataVersion", "coverage", "sources", "settingCount", "establishmentCount"];

/// [`DatasetMeta`] as serde's derive reads it from JSON.
fn meta_of(v: &Json) -> json::Read<DatasetMeta> {
    let (mut version, mut date, mut data_version, mut coverage, mut sources, mut settings, mut establishments) =
        (None, None, None, None, None, None, None);
    let given = v.fields("struct DatasetMeta", &META_FIELDS, false, |i, v| {
        match i {
            0 => version = Some(v.uint::<u16>("u16")?),
            1 => date = Some(date_of(v)?),
            2 => data_version = Some(v.string()?),
            3 => coverage = Some(v.string()?),
            4 => sources = Some(v.seq(source_of)?),
            5 => settings = Some(v.uint::<u32>("u32")?),
            _ => establishments = Some(v.uint::<u32>("u32")?),
        }
        Ok(())
    })?;
    Ok(DatasetMeta {
        schema_version: given.require(version, 0, META_FIELDS[0])?,
        build_date: given.require(date, 1, META_FIELDS[1])?,
        data_version: given.require(data_version, 2, META_FIELDS[2])?,
        coverage: given.require(coverage, 3, META_FIELDS[3])?,
        sources: given.require(sources, 4, META_FIELDS[4])?,
        setting_count: given.require(settings, 5, META_FIELDS[5])?,
        establishment_count: given.require(establishments, 6, META_FIELDS[6])?,
    })
}

/// A [`LocalAuthority`] as serde's derive reads it from JSON (`gss_aliases` may be left out).
fn authority_of(v: &Json) -> json::Read<LocalAuthority> {
    let (mut code, mut name, mut gss, mut aliases) = (None, None, None, None);
    let given = v.fields("struct LocalAuthority", &["code", "name", "gss", "gss_aliases"], false, |i, v| {
        match i {
            0 => code = Some(LaCode(v.uint::<u16>("u16")?)),
            1 => name = Some(v.string()?),
            2 => gss = Some(v.string()?),
            _ => aliases = Some(v.seq(Json::string)?),
        }
        Ok(())
    })?;
    Ok(LocalAuthority {
        code: given.require(code, 0, "code")?,
        name: given.require(name, 1, "name")?,
        gss: given.require(gss, 2, "gss")?,
        gss_aliases: aliases.unwrap_or_default(),
    })
}

/// Places as [`PlacesDetails`]: capacity, on roll, and the date they describe.
pub(crate) fn places_of(p: &mut Postcard) -> std::result::Result<PlacesDetails, Bad> {
    Ok((p.option(Postcard::u32)?, p.option(Postcard::u32)?, p.option(|p| Ok((p.u16()?, p.u8()?, p.u8()?)))?))
}

pub(crate) fn provenance_of(p: &mut Postcard) -> std::result::Result<[u8; crate::model::Field::COUNT], Bad> {
    let mut out = [0; crate::model::Field::COUNT];
    out.copy_from_slice(p.take(crate::model::Field::COUNT)?);
    Ok(out)
}

/// The fewest bytes a [`Details`] takes in postcard (every option `None`, every string empty).
const MIN_DETAILS_BYTES: usize = 20 + crate::model::Field::COUNT;

/// The settings table: postcard's `Vec<Details>`, read field by field in declaration order.
fn read_details(bytes: &[u8]) -> std::result::Result<Vec<Details>, Bad> {
    Postcard::new(bytes).all(MIN_DETAILS_BYTES, |p| {
        Ok(Details {
            urn: p.u32()?,
            site: (p.u8()?, p.u8()?),
            name: p.string()?,
            kind_basis: p.u8()?,
            establishment_type: p.opt_string()?,
            proposed_to_close: p.bool()?,
            postcode: p.opt_string()?,
            la: p.option(Postcard::u16)?,
            phase: p.option(Postcard::u8)?,
            ages: p.option(|p| Ok((p.u8()?, p.u8()?, p.u8()?)))?,
            gender: p.option(Postcard::u8)?,
            boarding: p.option(Postcard::u8)?,
            religious_character: p.opt_string()?,
            religious_character_known: p.bool()?,
            section41: p.option(Postcard::bool)?,
            needs: p.option(Postcard::u16)?,
            needs_possibly_truncated: p.bool()?,
            places: p.option(places_of)?,
            website: p.opt_string()?,
            notes: p.opt_string()?,
            provenance: provenance_of(p)?,
        })
    })
}

/// Counts that say what a dataset holds (the README's coverage statement is made of these).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DatasetStats {
    pub settings: u32,
    pub establishments: u32,
    /// (kind code, settings, of which kind inferred from phase)
    pub by_kind: Vec<(String, u32, u32)>,
    /// (need abbreviation, settings recording it)
    pub by_need: Vec<(String, u32)>,
    pub with_needs: u32,
    pub with_places: u32,
    pub with_statutory_ages: u32,
    pub with_phase_ages: u32,
    pub without_ages: u32,
    pub youngest: Option<u8>,
    pub oldest: Option<u8>,
    pub proposed_to_close: u32,
    pub section41_approved: u32,
    /// (LA code, name, settings, specialist settings)
    pub by_la: Vec<(u16, String, u32, u32)>,
    pub without_la: u32,
    /// Special schools (maintained, academy and free school, non-maintained, independent).
    pub special_schools: GroupStats,
    /// GIAS special post-16 institutions.
    pub special_post16: GroupStats,
    /// Resourced provisions, SEN units and satellites (the bases of mainstream schools).
    pub bases: GroupStats,
}

/// What is known about the settings of one group: where their age range comes from, and
/// whether they record SEN types.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupStats {
    pub settings: u32,
    /// Statutory ages recorded by a source.
    pub statutory_ages: u32,
    /// No ages recorded; the usual span of the recorded GIAS phase.
    pub phase_ages: u32,
    /// Neither ages nor a phase with a usual span recorded: age range unknown.
    pub unknown_ages: u32,
    pub with_needs: u32,
}

impl GroupStats {
    fn add(&mut self, s: &crate::model::Setting) {
        self.settings += 1;
        match s.ages.map(|a| a.basis) {
            Some(crate::model::AgeBasis::Statutory) => self.statutory_ages += 1,
            Some(crate::model::AgeBasis::Phase) => self.phase_ages += 1,
            None => self.unknown_ages += 1,
        }
        self.with_needs += u32::from(s.needs.is_some());
    }
}

impl Dataset {
    /// Counts by kind, SEN type, places, ages and council.
    pub fn stats(&self) -> DatasetStats {
        use std::collections::BTreeMap;
        let mut st = DatasetStats {
            settings: self.settings.len() as u32,
            establishments: self.meta.establishment_count,
            ..Default::default()
        };
        let mut kinds = [(0u32, 0u32); 9];
        let mut needs = [0u32; 12];
        let mut las: BTreeMap<u16, (u32, u32)> = BTreeMap::new();
        for s in &self.settings {
            let k = &mut kinds[s.kind.index()];
            k.0 += 1;
            k.1 += u32::from(s.kind_basis == KindBasis::Phase);
            if let Some(n) = s.needs {
                st.with_needs += 1;
                for need in n.iter() {
                    needs[need.index()] += 1;
                }
            }
            st.with_places += u32::from(s.places.is_some());
            match s.ages {
                Some(a) if a.basis == crate::model::AgeBasis::Statutory => {
                    st.with_statutory_ages += 1;
                    st.youngest = Some(st.youngest.map_or(a.low, |y| y.min(a.low)));
                    st.oldest = Some(st.oldest.map_or(a.high, |o| o.max(a.high)));
                }
                Some(_) => st.with_phase_ages += 1,
                None => st.without_ages += 1,
            }
            match s.kind {
                ProvisionKind::Special | ProvisionKind::NonMaintainedSpecial | ProvisionKind::IndependentSpecial => {
                    st.special_schools.add(s)
                }
                ProvisionKind::ResourcedProvision | ProvisionKind::SenUnit => st.bases.add(s),
                ProvisionKind::Post16
                    if s.establishment_type
                        .as_deref()
                        .is_some_and(|t| t.eq_ignore_ascii_case("special post 16 institution")) =>
                {
                    st.special_post16.add(s)
                }
                _ => {}
            }
            st.proposed_to_close += u32::from(s.status == Status::OpenProposedToClose);
            st.section41_approved += u32::from(s.section41 == Some(true));
            match s.la {
                Some(la) => {
                    let e = las.entry(la.0).or_default();
                    e.0 += 1;
                    e.1 += u32::from(s.kind.is_specialist());
                }
                None => st.without_la += 1,
            }
        }
        st.by_kind =
            ProvisionKind::ALL.iter().map(|k| (k.code().to_string(), kinds[k.index()].0, kinds[k.index()].1)).collect();
        st.by_need = crate::model::Need::ALL.iter().map(|n| (n.abbr().to_string(), needs[n.index()])).collect();
        st.by_la = las
            .into_iter()
            .map(|(code, (n, sp))| (code, self.la_name(LaCode(code)).unwrap_or("?").to_string(), n, sp))
            .collect();
        st
    }
}

pub(crate) fn describe_foreign(bytes: &[u8]) -> String {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(256)]).to_ascii_lowercase();
    if bytes.is_empty() {
        "it is empty".into()
    } else if head.trim_start().starts_with("<!doctype") || head.contains("<html") {
        "it is an HTML page, not a dataset (the server sent a web page, perhaps a 'not found' page, instead of the file)"
            .into()
    } else if bytes.len() < MAGIC.len() + 2 && (MAGIC.starts_with(bytes) || bytes.starts_with(&MAGIC)) {
        "it is truncated (too short to hold anything)".into()
    } else {
        "it is not a placement-finder dataset (wrong file type)".into()
    }
}

pub(crate) fn quantise(p: LatLon) -> (i32, i32) {
    ((p.lat * COORD_SCALE).round() as i32, (p.lon * COORD_SCALE).round() as i32)
}

/// Interleaves the bits of the (offset) quantised coordinates: nearby points get nearby codes.
fn morton((lat, lon): (i32, i32)) -> u64 {
    fn spread(v: u32) -> u64 {
        let mut x = v as u64;
        x = (x | (x << 16)) & 0x0000_FFFF_0000_FFFF;
        x = (x | (x << 8)) & 0x00FF_00FF_00FF_00FF;
        x = (x | (x << 4)) & 0x0F0F_0F0F_0F0F_0F0F;
        x = (x | (x << 2)) & 0x3333_3333_3333_3333;
        x = (x | (x << 1)) & 0x5555_5555_5555_5555;
        x
    }
    let y = (lat as i64 + 9_000_000) as u32;
    let x = (lon as i64 + 18_000_000) as u32;
    spread(x) | (spread(y) << 1)
}

pub(crate) fn put_section(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(bytes);
}

/// The next length-prefixed section, or an error naming it.
fn section<'a>(r: &mut Reader<'a>, name: &str) -> Result<&'a [u8]> {
    r.section().ok_or_else(|| Error::corrupt("the dataset file", format!("it is truncated in its {name} section")))
}

fn decode_core(core: &[u8]) -> Result<(Vec<ProvisionKind>, Vec<LatLon>)> {
    let bad = |reason: &str| Error::corrupt("the dataset file", format!("its location table {reason}"));
    let mut r = Reader::new(core, 0);
    let n = r.varint().ok_or_else(|| bad("is truncated"))? as usize;
    // Each setting takes at least 3 bytes of core; reject absurd counts before allocating.
    if n > core.len() / 3 + 1 {
        return Err(bad("claims more settings than it holds"));
    }
    let kind_bytes = core.get(r.pos..r.pos + n).ok_or_else(|| bad("is truncated"))?;
    r.pos += n;
    let kinds = kind_bytes
        .iter()
        .map(|&b| ProvisionKind::from_index(b as usize).ok_or_else(|| bad(&format!("has an unknown kind code {b}"))))
        .collect::<Result<Vec<_>>>()?;
    let mut axes = [Vec::with_capacity(n), Vec::with_capacity(n)];
    for axis in &mut axes {
        let mut prev = 0i64;
        for _ in 0..n {
            let delta = unzigzag(r.varint().ok_or_else(|| bad("is truncated"))?);
            // A forged delta can be anything up to ±2^63: add with a check, not a wrap or a panic.
            prev = prev.checked_add(delta).ok_or_else(|| bad("has a coordinate out of range"))?;
            axis.push(prev as f64 / COORD_SCALE);
        }
    }
    let locations = axes[0]
        .iter()
        .zip(&axes[1])
        .map(|(&lat, &lon)| LatLon::new(lat, lon).ok_or_else(|| bad("has a coordinate out of range")))
        .collect::<Result<Vec<_>>>()?;
    Ok((kinds, locations))
}

pub(crate) fn to_details(s: &Setting) -> Details {
    Details {
        urn: s.urn.0,
        site: match s.site {
            Site::Main => (0, 0),
            Site::ResourcedProvision => (1, 0),
            Site::SenUnit => (2, 0),
            Site::Satellite(n) => (3, n),
        },
        name: s.name.clone(),
        kind_basis: match s.kind_basis {
            KindBasis::EstablishmentType => 0,
            KindBasis::Phase => 1,
        },
        establishment_type: s.establishment_type.clone(),
        proposed_to_close: s.status == Status::OpenProposedToClose,
        postcode: s.postcode.clone(),
        la: s.la.map(|c| c.0),
        phase: s.phase.map(|p| PHASES.iter().position(|q| *q == p).unwrap_or(7) as u8),
        ages: s.ages.map(|a| (a.low, a.high, matches!(a.basis, crate::model::AgeBasis::Phase) as u8)),
        gender: s.gender.map(|g| g as u8),
        boarding: s.boarding.map(|b| b as u8),
        religious_character: s.religious_character.clone(),
        religious_character_known: s.religious_character_known,
        section41: s.section41,
        needs: s.needs.map(|n| n.0),
        needs_possibly_truncated: s.needs_possibly_truncated,
        places: s.places.map(|p| (p.capacity, p.on_roll, p.as_of.map(|d| (d.year, d.month, d.day)))),
        website: s.website.clone(),
        notes: s.notes.clone(),
        provenance: s.provenance.0.map(|id| id.0),
    }
}

const PHASES: [Phase; 8] = [
    Phase::Nursery,
    Phase::Primary,
    Phase::MiddleDeemedPrimary,
    Phase::MiddleDeemedSecondary,
    Phase::Secondary,
    Phase::AllThrough,
    Phase::SixteenPlus,
    Phase::NotApplicable,
];

pub(crate) fn from_details(d: Details, kind: ProvisionKind, location: LatLon) -> std::result::Result<Setting, String> {
    let site = match d.site {
        (0, _) => Site::Main,
        (1, _) => Site::ResourcedProvision,
        (2, _) => Site::SenUnit,
        (3, n) => Site::Satellite(n),
        (t, _) => return Err(format!("unknown site type {t}")),
    };
    let pick = |code: Option<u8>, what: &str, n: usize| -> std::result::Result<Option<usize>, String> {
        match code {
            Some(c) if (c as usize) < n => Ok(Some(c as usize)),
            Some(c) => Err(format!("unknown {what} code {c}")),
            None => Ok(None),
        }
    };
    let gender = pick(d.gender, "gender", 3)?.map(|i| [Gender::Mixed, Gender::Boys, Gender::Girls][i]);
    let boarding = pick(d.boarding, "boarding", 3)?
        .map(|i| [Boarding::NoBoarders, Boarding::SomeBoarders, Boarding::MainlyBoarders][i]);
    let phase = pick(d.phase, "phase", PHASES.len())?.map(|i| PHASES[i]);
    let ages = match d.ages {
        Some((low, high, basis)) if low <= high && basis <= 1 => Some(AgeRange {
            low,
            high,
            basis: if basis == 1 { crate::model::AgeBasis::Phase } else { crate::model::AgeBasis::Statutory },
        }),
        Some(_) => return Err("invalid age range".into()),
        None => None,
    };
    let places = match d.places {
        Some((capacity, on_roll, date)) => Some(Places {
            capacity,
            on_roll,
            as_of: match date {
                Some((y, m, day)) => Some(Date::new(y, m, day).ok_or("invalid places date")?),
                None => None,
            },
        }),
        None => None,
    };
    if d.needs.is_some_and(|n| n >= 1 << 12) {
        return Err("invalid need set".into());
    }
    Ok(Setting {
        urn: Urn(d.urn),
        site,
        name: d.name,
        kind,
        kind_basis: if d.kind_basis == 1 { KindBasis::Phase } else { KindBasis::EstablishmentType },
        establishment_type: d.establishment_type,
        status: if d.proposed_to_close { Status::OpenProposedToClose } else { Status::Open },
        location,
        postcode: d.postcode,
        la: d.la.map(LaCode),
        phase,
        ages,
        gender,
        boarding,
        religious_character: d.religious_character,
        religious_character_known: d.religious_character_known,
        section41: d.section41,
        needs: d.needs.map(NeedSet),
        needs_possibly_truncated: d.needs_possibly_truncated,
        places,
        website: d.website.filter(|w| crate::model::is_safe_link(w)),
        notes: d.notes,
        provenance: Provenance(d.provenance.map(crate::model::SourceId)),
    })
}

/// What the hand readers' tests share (here and in `core.rs`): the real dataset, built once from
/// `data/sources` as `tests/same_answers.rs` builds it, and seeded random values.
#[cfg(test)]
pub(crate) mod samples {
    use super::*;
    use std::sync::OnceLock;

    pub(crate) fn real() -> &'static Dataset {
        static D: OnceLock<Dataset> = OnceLock::new();
        D.get_or_init(|| {
            let opts = crate::build::pipeline::BuildOptions {
                sources_dir: std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/sources"),
                gias: None,
                supplement: None,
                postcodes: false,
                build_date: Date::new(2026, 11, 22).unwrap(),
            };
            crate::build::pipeline::build(&opts).expect("builds").dataset
        })
    }

    /// The sections of a dataset file: header, core, details, councils.
    pub(crate) fn sections(file: &[u8]) -> [&[u8]; 4] {
        let mut r = Reader::new(&file[..file.len() - 4], 10);
        ["header", "core", "details", "las"].map(|name| section(&mut r, name).unwrap())
    }

    /// Xorshift: the same values on every machine.
    pub(crate) struct Rng(pub(crate) u64);

    impl Rng {
        pub(crate) fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        pub(crate) fn bool(&mut self) -> bool {
            self.next() & 1 == 1
        }
        /// Up to `max`, often at the edges of a varint's byte lengths and of the type.
        pub(crate) fn int(&mut self, max: u64) -> u64 {
            const EDGES: [u64; 9] = [0, 1, 127, 128, 255, 16_383, 16_384, 2_097_151, 2_097_152];
            match self.next() % 4 {
                0 => EDGES[(self.next() % 9) as usize].min(max),
                1 => max - (self.next() % 3).min(max),
                _ => self.next() & max,
            }
        }
        pub(crate) fn u8(&mut self) -> u8 {
            self.int(u8::MAX.into()) as u8
        }
        pub(crate) fn u16(&mut self) -> u16 {
            self.int(u16::MAX.into()) as u16
        }
        pub(crate) fn u32(&mut self) -> u32 {
            self.int(u32::MAX.into()) as u32
        }
        pub(crate) fn opt<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> Option<T> {
            if self.bool() {
                Some(f(self))
            } else {
                None
            }
        }
        /// Text of 0-4 pieces: ASCII, accents, emoji, CJK, quotes and controls, a long run (a
        /// two-byte length), the highest code point.
        pub(crate) fn text(&mut self) -> String {
            const PIECES: [&str; 9] =
                ["", "St Mary's", "é", "🙂", "中文学校", "\"\\\n\u{0}", "ß\u{10FFFF}", "Ünïcødé", "a"];
            let n = self.next() % 5;
            (0..n)
                .map(|_| match self.next() % 10 {
                    9 => "x".repeat(100 + (self.next() % 300) as usize),
                    i => PIECES[i as usize].to_string(),
                })
                .collect()
        }
        pub(crate) fn places(&mut self) -> PlacesDetails {
            (self.opt(Rng::u32), self.opt(Rng::u32), self.opt(|r| (r.u16(), r.u8(), r.u8())))
        }
        /// Any value of every field, valid for the dataset or not (the reader reads the format).
        pub(crate) fn details(&mut self) -> Details {
            Details {
                urn: self.u32(),
                site: (self.u8(), self.u8()),
                name: self.text(),
                kind_basis: self.u8(),
                establishment_type: self.opt(Rng::text),
                proposed_to_close: self.bool(),
                postcode: self.opt(Rng::text),
                la: self.opt(Rng::u16),
                phase: self.opt(Rng::u8),
                ages: self.opt(|r| (r.u8(), r.u8(), r.u8())),
                gender: self.opt(Rng::u8),
                boarding: self.opt(Rng::u8),
                religious_character: self.opt(Rng::text),
                religious_character_known: self.bool(),
                section41: self.opt(Rng::bool),
                needs: self.opt(Rng::u16),
                needs_possibly_truncated: self.bool(),
                places: self.opt(Rng::places),
                website: self.opt(Rng::text),
                notes: self.opt(Rng::text),
                provenance: std::array::from_fn(|_| self.u8()),
            }
        }
    }

    /// Damage of one of four sorts: bytes changed, a byte inserted, a byte removed, a cut.
    pub(crate) fn damage(r: &mut Rng, bytes: &[u8]) -> Vec<u8> {
        let mut out = bytes.to_vec();
        let at = (r.next() as usize) % out.len().max(1);
        match r.next() % 4 {
            0 => {
                for _ in 0..1 + r.next() % 3 {
                    let i = (r.next() as usize) % out.len().max(1);
                    if let Some(b) = out.get_mut(i) {
                        *b = r.next() as u8;
                    }
                }
            }
            1 => out.insert(at, r.next() as u8),
            2 if !out.is_empty() => {
                out.remove(at);
            }
            _ => out.truncate(at),
        }
        out
    }

    /// Compares a hand reader with postcard on bytes: the same value where postcard reads one
    /// and nothing is left over, refused where postcard refuses (or leaves bytes over).
    /// Returns whether the bytes were read.
    pub(crate) fn agrees_with_postcard<T: serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(
        bytes: &[u8],
        ours: std::result::Result<T, Bad>,
    ) -> bool {
        match (ours, postcard::take_from_bytes::<T>(bytes)) {
            (Ok(a), Ok((b, rest))) => {
                assert!(rest.is_empty(), "read with {} bytes left over", rest.len());
                assert_eq!(a, b);
                true
            }
            (Err(e), Ok((_, rest))) => {
                assert!(e == "has bytes left over" && !rest.is_empty(), "refused ({e}) what postcard reads");
                false
            }
            (Ok(a), Err(e)) => panic!("read what postcard refuses ({e}): {a:?}"),
            (Err(_), Err(_)) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AgeBasis, Need};

    fn setting(urn: u32, lat: f64, lon: f64) -> Setting {
        Setting {
            urn: Urn(urn),
            site: Site::Main,
            name: format!("School {urn}"),
            kind: ProvisionKind::Special,
            kind_basis: KindBasis::EstablishmentType,
            establishment_type: Some("Community special school".into()),
            status: Status::Open,
            location: LatLon { lat, lon },
            postcode: Some("LS6 2AA".into()),
            la: Some(LaCode(383)),
            phase: Some(Phase::NotApplicable),
            ages: Some(AgeRange { low: 2, high: 19, basis: AgeBasis::Statutory }),
            gender: Some(Gender::Mixed),
            boarding: None,
            religious_character: None,
            religious_character_known: true,
            section41: None,
            needs: Some(NeedSet::EMPTY.with(Need::ASD)),
            needs_possibly_truncated: false,
            places: Some(Places { capacity: Some(120), on_roll: Some(118), as_of: Date::new(2026, 1, 15) }),
            website: Some("https://example.org".into()),
            notes: None,
            provenance: Provenance::default(),
        }
    }

    fn dataset(n: u32) -> Dataset {
        let settings: Vec<Setting> = (0..n)
            .map(|i| setting(100_000 + i, 50.5 + (i % 97) as f64 * 0.05, -4.0 + (i % 89) as f64 * 0.06))
            .collect();
        let mut d = Dataset {
            meta: DatasetMeta {
                schema_version: SCHEMA_VERSION,
                build_date: Date::new(2026, 11, 22).unwrap(),
                data_version: "test".into(),
                coverage: "test".into(),
                sources: vec![],
                setting_count: n,
                establishment_count: n,
            },
            settings,
            authorities: vec![LocalAuthority {
                code: LaCode(383),
                name: "Leeds".into(),
                gss: "E08000035".into(),
                gss_aliases: vec![],
            }],
        };
        d.sort_settings();
        d
    }

    mod round_trip {
        use super::*;

        #[test]
        fn every_field_survives() {
            let d = dataset(300);
            let back = Dataset::decode(&d.encode()).unwrap();
            assert_eq!(back.meta, d.meta);
            assert_eq!(back.settings.len(), 300);
            for (a, b) in d.settings.iter().zip(&back.settings) {
                assert!(a.location.distance_m(b.location) < 1.0);
                let mut b2 = b.clone();
                b2.location = a.location;
                assert_eq!(&b2, a);
            }
        }
    }

    /// The hand readers against serde_json's and postcard's derived readers.
    mod hand_readers {
        use super::super::samples::{agrees_with_postcard, damage, real, sections, Rng};
        use super::*;
        use crate::engine::json::mutations;

        /// serde's reading of JSON text, its message as the reader words it: a syntax error
        /// whole, a field's without its line and column.
        fn serde_reads<T: serde::de::DeserializeOwned>(text: &str) -> std::result::Result<T, String> {
            match serde_json::from_str::<serde_json::Value>(text) {
                Err(e) => Err(e.to_string()),
                Ok(_) => serde_json::from_str::<T>(text).map_err(|e| mutations::without_position(&e.to_string())),
            }
        }

        fn compare<T: serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(
            doc: &serde_json::Value,
            read: impl Fn(&Json) -> json::Read<T>,
        ) -> (usize, usize) {
            let (mut ok, mut failed) = (0, 0);
            for text in mutations::of(doc) {
                let ours = read_json(text.as_bytes(), &read);
                assert_eq!(ours, serde_reads::<T>(&text), "{text}");
                if ours.is_ok() {
                    ok += 1;
                } else {
                    failed += 1;
                }
            }
            (ok, failed)
        }

        #[test]
        fn the_header_reader_says_what_serde_says() {
            let doc = serde_json::json!({
                "schemaVersion": 1, "buildDate": "2026-11-22", "dataVersion": "2026-11-22-default",
                "coverage": "Ünïcødé 🙂 \"quoted\" \u{1}",
                "sources": [
                    {"key": "gias", "title": "DfE GIAS", "date": "2026-01-02", "rows": 4294967295u32},
                    {"key": "c", "title": "Council", "date": null, "rows": 0},
                    {"key": "d", "title": "No date", "rows": 7}
                ],
                "settingCount": 3016, "establishmentCount": 2700
            });
            let (ok, failed) = compare(&doc, meta_of);
            assert!(ok > 20 && failed > 150, "{ok} read, {failed} refused");
            // As an array (serde reads a struct from one, field by field) and with a source short.
            let by_position = r#"[1,"2026-11-22","v","c",[["k","t","2026-01-02",1],["k","t",null,2]],2,2]"#;
            assert_eq!(read_json(by_position.as_bytes(), meta_of), serde_reads(by_position));
            let short = r#"[1,"2026-11-22","v","c",[["k","t"]],2,2]"#;
            assert_eq!(read_json(short.as_bytes(), meta_of), serde_reads::<DatasetMeta>(short));
            assert!(read_json(short.as_bytes(), meta_of).is_err());
            for bad in [&b"\xff"[..], b"{\"coverage\": \"\xc3\x28\"}"] {
                assert!(read_json(bad, meta_of).is_err() && serde_json::from_slice::<DatasetMeta>(bad).is_err());
            }
        }

        #[test]
        fn the_council_reader_says_what_serde_says() {
            let one = serde_json::json!({"code": 370, "name": "Barnsley é", "gss": "E08000038", "gss_aliases": ["E08000016"]});
            let (ok, failed) = compare(&one, authority_of);
            assert!(ok > 10 && failed > 50, "{ok} read, {failed} refused");
            let table = serde_json::json!([
                {"code": 383, "name": "Leeds", "gss": "E08000035"},
                {"code": 65535, "name": "", "gss": "x", "gss_aliases": []}
            ]);
            let (ok, failed) = compare(&table, |v| v.seq(authority_of));
            assert!(ok > 10 && failed > 50, "{ok} read, {failed} refused");
            let by_position = r#"[[383,"Leeds","E08000035"],[1,"a","b",["c"]],[2,"a"]]"#;
            assert_eq!(read_json(by_position.as_bytes(), |v| v.seq(authority_of)), serde_reads(by_position));
        }

        #[test]
        fn random_settings_tables_read_as_postcard_reads_them() {
            let mut rng = Rng(0x5eed_1234_abcd_0001);
            for round in 0..300 {
                let table: Vec<Details> = (0..round % 7).map(|_| rng.details()).collect();
                let bytes = postcard::to_allocvec(&table).unwrap();
                assert_eq!(read_details(&bytes).as_ref(), Ok(&table));
                assert!(agrees_with_postcard(&bytes, read_details(&bytes)));
            }
        }

        #[test]
        fn damaged_settings_tables_are_refused_where_postcard_refuses_them() {
            let mut rng = Rng(0x5eed_1234_abcd_0002);
            let (mut read, mut refused) = (0, 0);
            for round in 0..4_000 {
                let table: Vec<Details> = (0..1 + round % 4).map(|_| rng.details()).collect();
                let bytes = damage(&mut rng, &postcard::to_allocvec(&table).unwrap());
                if agrees_with_postcard(&bytes, read_details(&bytes)) {
                    read += 1;
                } else {
                    refused += 1;
                }
            }
            assert!(read > 200 && refused > 1_000, "{read} read, {refused} refused");
        }

        /// The real dataset's file, read section by section by the hand readers and by serde's
        /// and postcard's: the same values.
        #[test]
        fn the_real_dataset_reads_as_serde_and_postcard_read_it() {
            let d = real();
            assert!(d.settings.len() > 1_000 && d.authorities.len() > 100);
            let file = d.encode();
            let [header, _, details, las] = sections(&file);
            let meta = read_json(header, meta_of).unwrap();
            assert_eq!(meta, serde_json::from_slice::<DatasetMeta>(header).unwrap());
            assert_eq!(meta, d.meta);
            let authorities = read_json(las, |v| v.seq(authority_of)).unwrap();
            assert_eq!(authorities, serde_json::from_slice::<Vec<LocalAuthority>>(las).unwrap());
            assert_eq!(authorities, d.authorities);
            let ours = read_details(details).unwrap();
            assert_eq!(ours.len(), d.settings.len());
            assert!(agrees_with_postcard(details, Ok(ours)));
            // And the file as a whole, to every setting (locations are stored to 1e-5 degree).
            let back = Dataset::decode(&file).unwrap();
            assert_eq!(back.authorities, d.authorities);
            for (a, b) in d.settings.iter().zip(&back.settings) {
                assert!(a.location.distance_m(b.location) < 1.0);
                assert_eq!(&Setting { location: a.location, ..b.clone() }, a);
            }
        }
    }

    mod validation {
        use super::*;

        #[test]
        fn every_truncation_is_an_error_not_a_panic() {
            let bytes = dataset(20).encode();
            for len in 0..bytes.len() {
                let err = Dataset::decode(&bytes[..len]).unwrap_err().to_string();
                assert!(err.contains("dataset"), "{len}: {err}");
            }
        }

        #[test]
        fn a_download_cut_inside_the_version_is_truncated_not_a_foreign_file() {
            // Found by tests/hostile_input.rs: 9 bytes (the magic and half the version) were
            // called "not a placement-finder dataset".
            let bytes = dataset(1).encode();
            for len in 1..MAGIC.len() + 2 {
                let err = Dataset::decode(&bytes[..len]).unwrap_err().to_string();
                assert!(err.ends_with("it is truncated (too short to hold anything)"), "{len}: {err}");
            }
        }

        #[test]
        fn a_flipped_byte_fails_the_checksum() {
            let mut bytes = dataset(20).encode();
            let mid = bytes.len() / 2;
            bytes[mid] ^= 0x40;
            assert!(Dataset::decode(&bytes).unwrap_err().to_string().contains("checksum"));
        }

        #[test]
        fn an_html_page_is_named_as_such() {
            let err = Dataset::decode(b"<!DOCTYPE html><html><body>Not found</body></html>").unwrap_err();
            assert!(err.to_string().contains("HTML page"), "{err}");
        }

        /// A file with the sections `core` (and the rest of a valid one-setting dataset).
        fn file_with_core(core: &[u8]) -> Vec<u8> {
            let good = dataset(1);
            let mut out = MAGIC.to_vec();
            out.extend_from_slice(&SCHEMA_VERSION.to_le_bytes());
            put_section(&mut out, &serde_json::to_vec(&good.meta).unwrap());
            put_section(&mut out, core);
            put_section(&mut out, &postcard::to_allocvec(&[to_details(&good.settings[0])]).unwrap());
            put_section(&mut out, &serde_json::to_vec(&good.authorities).unwrap());
            let crc = crc32fast::hash(&out);
            out.extend_from_slice(&crc.to_le_bytes());
            out
        }

        #[test]
        fn a_coordinate_delta_that_overflows_is_an_error_not_a_panic() {
            // Found by the `dataset` fuzz target: deltas of ±2^62 added up past i64::MAX.
            let mut core = vec![1, ProvisionKind::Special.index() as u8];
            put_varint(&mut core, zigzag(i64::MAX)); // latitude: one delta, already absurd
            put_varint(&mut core, 0);
            assert!(Dataset::decode(&file_with_core(&core)).unwrap_err().to_string().contains("out of range"));
            let mut core = vec![2, 3, 3];
            put_varint(&mut core, zigzag(i64::MAX));
            put_varint(&mut core, zigzag(i64::MAX)); // the running sum overflows here
            put_varint(&mut core, 0);
            put_varint(&mut core, 0);
            let err = decode_core(&core).unwrap_err().to_string();
            assert!(err.contains("coordinate out of range"), "{err}");
        }

        #[test]
        fn a_count_beyond_the_bytes_present_is_an_error_not_an_allocation() {
            let mut core = Vec::new();
            put_varint(&mut core, u64::MAX >> 1);
            let err = Dataset::decode(&file_with_core(&core)).unwrap_err().to_string();
            assert!(err.contains("claims more settings than it holds"), "{err}");
        }

        #[test]
        fn a_file_over_the_size_cap_is_refused_unread() {
            let err = Dataset::decode(&vec![0; MAX_DATASET_BYTES + 1]).unwrap_err();
            assert!(matches!(err, Error::TooLarge { cap: "MAX_DATASET_BYTES", .. }), "{err}");
        }

        #[test]
        fn a_website_that_is_not_an_http_link_is_dropped_on_load() {
            let mut d = dataset(3);
            d.settings[0].website = Some("javascript:alert(document.domain)".into());
            d.settings[1].website = Some("https://x.org\"><img src=x onerror=alert(1)>".into());
            let back = Dataset::decode(&d.encode()).unwrap();
            let links: Vec<Option<&str>> = back.settings.iter().map(|s| s.website.as_deref()).collect();
            assert_eq!(links, [None, None, Some("https://example.org")]);
        }

        #[test]
        fn another_version_says_rebuild() {
            let mut bytes = dataset(3).encode();
            bytes[8] = 99;
            let err = Dataset::decode(&bytes).unwrap_err();
            assert!(matches!(err, Error::WrongVersion { found: 99, .. }), "{err}");
        }
    }
}
